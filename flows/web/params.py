"""The queue's filters as they travel in URLs: parsed leniently (a bad value is dropped with a
notice, never an error page) and written back for links, so a pair page knows its queue."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from typing import Mapping
from urllib.parse import urlencode

from factcheck.db.models import PAIR_STATUSES
from factcheck.db.queries import PairFilter

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
    def parse(cls, params: Mapping[str, str]) -> QueueParams:
        problems: list[str] = []
        status = params.get("status", "pending") or "pending"
        if status != "all" and status not in PAIR_STATUSES:
            problems.append(f"unknown status {status!r}: showing pending pairs")
            status = "pending"
        event = None
        if params.get("event"):
            try:
                event = int(params["event"])
            except ValueError:
                problems.append("the event must be a number")
        days: dict[str, date | None] = {"since": None, "until": None}
        for name in days:
            if params.get(name):
                try:
                    days[name] = date.fromisoformat(params[name])
                except ValueError:
                    problems.append(f"{name}: not a date (YYYY-MM-DD)")
        min_score = None
        if params.get("min_score"):
            try:
                min_score = float(params["min_score"])
                if not 0.0 <= min_score <= 1.0:
                    raise ValueError
            except ValueError:
                problems.append("the minimum score is a number from 0 to 1")
                min_score = None
        return cls(
            status=status,
            outlet=(params.get("outlet") or "").strip()[:200],
            event=event,
            since=days["since"],
            until=days["until"],
            min_score=min_score,
            q=(params.get("q") or "").strip()[:MAX_SEARCH],
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
