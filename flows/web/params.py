"""The queue's filters as they travel in URLs: parsed leniently (a bad value is dropped with a
notice in `problems`; pages then answer 400 but still show the queue or pair) and written back for
links, so a pair page knows its queue. Values are checked by limits.py so that none can fail in
the database."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from typing import Mapping
from urllib.parse import urlencode

from factcheck.db.models import PAIR_STATUSES
from factcheck.db.queries import PairFilter
from factcheck.flows.web.limits import MAX_ID, BadInput, check_text, parse_day, parse_id

MAX_SEARCH = 200


@dataclass(frozen=True)
class QueueParams:
    status: str = "pending"  # a status, or "all"
    outlet: str = ""
    event: int | None = None
    since: date | None = None  # first publication day, inclusive (UTC)
    until: date | None = None  # last publication day, inclusive (UTC)
    min_score: float | None = None
    q: str = ""
    problems: tuple[str, ...] = field(default=(), compare=False)

    @classmethod
    def parse(cls, params: Mapping[str, str], highest_id: int = MAX_ID) -> QueueParams:
        problems: list[str] = []
        status = params.get("status", "pending") or "pending"
        if status != "all" and status not in PAIR_STATUSES:
            problems.append(f"unknown status {status!r}: showing pending pairs")
            status = "pending"
        event = None
        if params.get("event"):
            try:
                event = parse_id(params["event"], "event", highest_id)
            except BadInput as exc:
                problems.append(str(exc))
        days: dict[str, date | None] = {"since": None, "until": None}
        for name in days:
            if params.get(name):
                try:
                    days[name] = parse_day(params[name], name)
                except BadInput as exc:
                    problems.append(str(exc))
        min_score = None
        if params.get("min_score"):
            try:
                min_score = float(params["min_score"])
                if not 0.0 <= min_score <= 1.0:
                    raise ValueError
            except ValueError:
                problems.append("the minimum score is a number from 0 to 1")
                min_score = None
        texts = {}
        for name, what, limit in (("outlet", "outlet", 200), ("q", "search", MAX_SEARCH)):
            try:
                texts[name] = check_text((params.get(name) or "").strip()[:limit], what)
            except BadInput as exc:
                problems.append(str(exc))
                texts[name] = ""
        return cls(
            status=status,
            outlet=texts["outlet"],
            event=event,
            since=days["since"],
            until=days["until"],
            min_score=min_score,
            q=texts["q"],
            problems=tuple(problems),
        )

    def pair_filter(self) -> PairFilter:
        def start(day: date) -> datetime:
            return datetime.combine(day, time.min, tzinfo=timezone.utc)

        return PairFilter(
            status=None if self.status == "all" else self.status,
            outlet=self.outlet or None,
            min_score=self.min_score,
            event_id=self.event,
            published_since=start(self.since) if self.since else None,
            published_until=start(self.until + timedelta(days=1)) if self.until else None,
            search=self.q or None,
            sort="score",
        )

    def items(self, **changes: object) -> dict[str, str]:
        values = {
            "status": self.status,
            "outlet": self.outlet,
            "event": "" if self.event is None else str(self.event),
            "since": self.since.isoformat() if self.since else "",
            "until": self.until.isoformat() if self.until else "",
            "min_score": "" if self.min_score is None else f"{self.min_score:g}",
            "q": self.q,
        }
        values.update({k: "" if v is None else str(v) for k, v in changes.items()})
        return {k: v for k, v in values.items() if v and not (k == "status" and v == "pending")}

    def query(self, **changes: object) -> str:
        """`?status=…&…` for links (empty when every filter is at its default)."""
        items = self.items(**changes)
        return "?" + urlencode(items) if items else ""

    @property
    def active(self) -> bool:
        return bool(self.items(status=None))
