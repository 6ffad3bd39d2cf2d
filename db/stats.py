"""How well the detector does, from the reviewers' verdicts: the figures of the review app's
Detector page and of `factcheck stats` (both render `detector_stats`, nothing is computed twice).

Every figure counts pairs by their current status (`claim_pairs.status`, the latest verdict):

* precision = confirmed / (confirmed + rejected); `unsure` and `pending` are counted beside it,
  never in it, and a group without a confirmed or rejected pair has no precision (None);
* a pair counts under its *main reason*: the reason with the highest weight (the first of equal
  weights), which is also the one the detector groups restatements by (tasks/pairs/detect.py);
* an outlet pair is the two outlets of the pair's statements, in alphabetical order (A–B and B–A
  are one pair; a pair within one outlet is that outlet twice);
* weeks are ISO weeks (Monday to Sunday, UTC) of the day a pair was stored (`created_at`);
* the queue's age is how long pending pairs have waited since they were stored;
* pairs per run come from each run's own summary (`runs.counts["new_pairs"]`).

`since` (a UTC day) keeps pairs stored and runs started on or after it. Counting is done in SQL
(GROUP BY) where it is plain SQL on both SQLite and PostgreSQL; reasons (JSON) and ISO weeks are
read in Python. `DetectorStats.as_dict()` is the JSON of `factcheck stats --json` (docs/schema.md).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from typing import Any

from sqlalchemy import Date, Select, func, select
from sqlalchemy.orm import Session

from factcheck.db.models import PAIR_STATUSES, ClaimPair, Run, utcnow
from factcheck.db.queries import _ArticleA, _ArticleB, _join_sides

RECENT_RUNS = 20
NO_REASON = "(none)"


# --- the figures ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Share:
    """Pairs of one group (a reason kind, an outlet pair, a detector version, a week) by status."""

    key: str
    confirmed: int = 0
    rejected: int = 0
    unsure: int = 0
    pending: int = 0

    @property
    def judged(self) -> int:
        """Pairs that count in the precision: confirmed or rejected."""
        return self.confirmed + self.rejected

    @property
    def total(self) -> int:
        return self.confirmed + self.rejected + self.unsure + self.pending

    @property
    def precision(self) -> float | None:
        """confirmed / (confirmed + rejected); None before any pair of the group was judged."""
        return self.confirmed / self.judged if self.judged else None

    def as_dict(self) -> dict[str, Any]:
        precision = self.precision
        return {
            "key": self.key,
            "confirmed": self.confirmed,
            "rejected": self.rejected,
            "unsure": self.unsure,
            "pending": self.pending,
            "total": self.total,
            "precision": None if precision is None else round(precision, 4),
        }


@dataclass(frozen=True)
class OutletPairShare(Share):
    """A Share whose key is its two outlets, `"A | B"` (A before B alphabetically)."""

    outlets: tuple[str, str] = field(kw_only=True)

    def as_dict(self) -> dict[str, Any]:
        return {**super().as_dict(), "outlets": list(self.outlets)}


@dataclass(frozen=True)
class WeekShare(Share):
    """A Share whose key is an ISO week, `"2026-W10"`, with the week's Monday."""

    start: date = field(kw_only=True)

    def as_dict(self) -> dict[str, Any]:
        return {**super().as_dict(), "start": self.start.isoformat()}


@dataclass(frozen=True)
class RunPairs:
    """One run and the pairs it stored (None when its summary has no count: running, failed)."""

    id: int
    kind: str
    status: str
    started_at: datetime
    finished_at: datetime | None
    new_pairs: int | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "status": self.status,
            "started_at": self.started_at.isoformat(),
            "finished_at": self.finished_at.isoformat() if self.finished_at else None,
            "new_pairs": self.new_pairs,
        }


@dataclass(frozen=True)
class RunStats:
    count: int  # runs started (in the window)
    completed: int
    mean_new_pairs: float | None  # over the runs whose summary counts new pairs
    latest: list[RunPairs]  # the most recent runs, newest first

    def as_dict(self) -> dict[str, Any]:
        return {
            "count": self.count,
            "completed": self.completed,
            "mean_new_pairs": None if self.mean_new_pairs is None else round(self.mean_new_pairs, 2),
            "latest": [run.as_dict() for run in self.latest],
        }


@dataclass(frozen=True)
class QueueAge:
    pending: int
    oldest_created_at: datetime | None
    oldest_age_s: float | None
    median_age_s: float | None  # the mean of the two middle ages for an even count

    def as_dict(self) -> dict[str, Any]:
        return {
            "pending": self.pending,
            "oldest_created_at": self.oldest_created_at.isoformat() if self.oldest_created_at else None,
            "oldest_age_s": None if self.oldest_age_s is None else round(self.oldest_age_s, 1),
            "median_age_s": None if self.median_age_s is None else round(self.median_age_s, 1),
        }


@dataclass(frozen=True)
class DetectorStats:
    generated_at: datetime
    since: date | None
    totals: Share  # key "all"
    by_reason: list[Share]  # most pairs first
    by_outlet_pair: list[OutletPairShare]  # most judged pairs first
    by_version: list[Share]  # newest version (last stored pair) first
    by_week: list[WeekShare]  # oldest week first, weeks without pairs included
    runs: RunStats
    queue: QueueAge

    def as_dict(self) -> dict[str, Any]:
        """The JSON object of `factcheck stats --json` (docs/schema.md, "Detector statistics")."""
        return {
            "generated_at": self.generated_at.isoformat(),
            "since": self.since.isoformat() if self.since else None,
            "totals": self.totals.as_dict(),
            "by_reason": [share.as_dict() for share in self.by_reason],
            "by_outlet_pair": [share.as_dict() for share in self.by_outlet_pair],
            "by_version": [share.as_dict() for share in self.by_version],
            "by_week": [share.as_dict() for share in self.by_week],
            "runs": self.runs.as_dict(),
            "queue": self.queue.as_dict(),
        }


# --- pure helpers --------------------------------------------------------------------------------


def main_reason(reasons: Any) -> str:
    """The detector of a pair's main reason: the highest weight, the first of equal weights."""
    best, best_weight = NO_REASON, float("-inf")
    for reason in reasons if isinstance(reasons, list) else []:
        if not isinstance(reason, Mapping):
            continue
        try:
            weight = float(reason.get("weight") or 0.0)
        except (TypeError, ValueError):
            weight = 0.0
        if weight > best_weight:
            best, best_weight = str(reason.get("detector") or NO_REASON), weight
    return best


def iso_week(day: date) -> tuple[str, date]:
    """`("2026-W10", Monday of that week)`."""
    year, week, weekday = day.isocalendar()
    return f"{year}-W{week:02d}", day - timedelta(days=weekday - 1)


def _share(key: str, counts: Mapping[str, int]) -> Share:
    return Share(key, **{status: int(counts.get(status, 0)) for status in PAIR_STATUSES})


def _by_total(shares: Iterable[Share]) -> list[Share]:
    return sorted(shares, key=lambda s: (-s.total, s.key))


def weeks_between(days: Mapping[date, Mapping[str, int]]) -> list[WeekShare]:
    """Counts per day folded into ISO weeks, from the first week to the last, empty weeks included."""
    if not days:
        return []
    weeks: dict[date, Counter[str]] = defaultdict(Counter)
    for day, counts in days.items():
        weeks[iso_week(day)[1]].update(counts)
    out = []
    monday, last = min(weeks), max(weeks)
    while monday <= last:
        key, _ = iso_week(monday)
        counts = weeks.get(monday, Counter())
        out.append(WeekShare(key, **{s: counts[s] for s in PAIR_STATUSES}, start=monday))
        monday += timedelta(days=7)
    return out


def median(values: list[float]) -> float | None:
    if not values:
        return None
    ordered, middle = sorted(values), len(values) // 2
    return ordered[middle] if len(values) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def human_age(seconds: float | None) -> str:
    """`19 d 12 h`, `5 h 3 min`, `42 min`, `-` for None (the page and the CLI show ages so)."""
    if seconds is None:
        return "-"
    minutes = max(int(seconds // 60), 0)
    days, hours, mins = minutes // 1440, minutes // 60 % 24, minutes % 60
    if days:
        return f"{days} d {hours} h"
    if hours:
        return f"{hours} h {mins} min"
    return f"{mins} min"


def _as_date(value: Any) -> date:
    """`date(created_at)` as the drivers return it: a date (PostgreSQL) or its text (SQLite)."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


# --- the queries ---------------------------------------------------------------------------------


def _since(stmt: Select, since: datetime | None) -> Select:
    return stmt.where(ClaimPair.created_at >= since) if since is not None else stmt


def _status_counts(session: Session, since: datetime | None, *keys: Any, sides: bool = False) -> dict[tuple, Counter[str]]:
    """{(key values...): Counter(status: pairs)} by a GROUP BY over `keys` and the status; `sides`
    joins both claims and articles (keys from `_ArticleA` / `_ArticleB`)."""
    stmt = select(*keys, ClaimPair.status, func.count(ClaimPair.id)).select_from(ClaimPair)
    if sides:
        stmt = _join_sides(stmt)
    stmt = _since(stmt, since).group_by(*keys, ClaimPair.status)
    groups: dict[tuple, Counter[str]] = defaultdict(Counter)
    for *values, status, count in session.execute(stmt):
        groups[tuple(values)][status] += int(count)
    return groups


def _by_reason(session: Session, since: datetime | None) -> list[Share]:
    """Reasons are JSON: read each pair's (status, reasons) in batches and count in Python."""
    groups: dict[str, Counter[str]] = defaultdict(Counter)
    stmt = _since(select(ClaimPair.status, ClaimPair.reasons), since).execution_options(yield_per=2000)
    for status, reasons in session.execute(stmt):
        groups[main_reason(reasons)][status] += 1
    return _by_total(_share(key, counts) for key, counts in groups.items())


def _by_outlet_pair(session: Session, since: datetime | None) -> list[OutletPairShare]:
    merged: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for (outlet_a, outlet_b), counts in _status_counts(session, since, _ArticleA.outlet, _ArticleB.outlet, sides=True).items():
        merged[(min(outlet_a, outlet_b), max(outlet_a, outlet_b))].update(counts)
    shares = [
        OutletPairShare(f"{a} | {b}", **{s: counts[s] for s in PAIR_STATUSES}, outlets=(a, b))
        for (a, b), counts in merged.items()
    ]
    return sorted(shares, key=lambda s: (-s.judged, -s.total, s.key))


def _by_version(session: Session, since: datetime | None) -> list[Share]:
    stmt = _since(
        select(ClaimPair.detector_version, func.max(ClaimPair.created_at)).group_by(ClaimPair.detector_version), since
    )
    last_stored = dict(session.execute(stmt).all())
    groups = _status_counts(session, since, ClaimPair.detector_version)
    shares = [_share(version, counts) for (version,), counts in groups.items()]
    return sorted(shares, key=lambda s: (last_stored.get(s.key) or datetime.min.replace(tzinfo=timezone.utc), s.key), reverse=True)


def _by_week(session: Session, since: datetime | None) -> list[WeekShare]:
    day = func.date(ClaimPair.created_at, type_=Date)
    days: dict[date, Counter[str]] = defaultdict(Counter)
    for (value,), counts in _status_counts(session, since, day).items():
        days[_as_date(value)].update(counts)
    return weeks_between(days)


def _runs(session: Session, since: datetime | None, recent: int) -> RunStats:
    window = select(Run.id, Run.kind, Run.status, Run.started_at, Run.finished_at, Run.counts)
    if since is not None:
        window = window.where(Run.started_at >= since)
    runs = []
    for run_id, kind, status, started, finished, counts in session.execute(window.order_by(Run.started_at.desc(), Run.id.desc())):
        value = counts.get("new_pairs") if isinstance(counts, dict) else None
        runs.append(RunPairs(run_id, kind, status, started, finished, value if isinstance(value, int) else None))
    counted = [run.new_pairs for run in runs if run.new_pairs is not None]
    return RunStats(
        count=len(runs),
        completed=sum(run.status == "completed" for run in runs),
        mean_new_pairs=sum(counted) / len(counted) if counted else None,
        latest=runs[:recent],
    )


def _queue(session: Session, since: datetime | None, now: datetime) -> QueueAge:
    pending = _since(select(ClaimPair.created_at).where(ClaimPair.status == "pending"), since)
    count = int(session.scalar(select(func.count()).select_from(pending.subquery())) or 0)
    if not count:
        return QueueAge(0, None, None, None)
    ordered = pending.order_by(ClaimPair.created_at, ClaimPair.id)
    oldest = session.scalar(ordered.limit(1))
    # The middle one or two by created_at (the (status, created_at, id) index), portable SQL.
    middle = list(session.scalars(ordered.offset((count - 1) // 2).limit(2 - count % 2)))
    return QueueAge(
        pending=count,
        oldest_created_at=oldest,
        oldest_age_s=(now - oldest).total_seconds(),
        median_age_s=median([(now - when).total_seconds() for when in middle]),
    )


def detector_stats(
    session: Session, *, since: date | None = None, now: datetime | None = None, recent_runs: int = RECENT_RUNS
) -> DetectorStats:
    """Every figure of the Detector page and `factcheck stats`, for pairs stored and runs started
    on or after the UTC day `since` (all when None). `now` (aware) is when ages are measured."""
    now = now or utcnow()
    start = datetime.combine(since, time.min, tzinfo=timezone.utc) if since else None
    totals = Counter[str]()
    for counts in _status_counts(session, start).values():
        totals.update(counts)
    return DetectorStats(
        generated_at=now,
        since=since,
        totals=_share("all", totals),
        by_reason=_by_reason(session, start),
        by_outlet_pair=_by_outlet_pair(session, start),
        by_version=_by_version(session, start),
        by_week=_by_week(session, start),
        runs=_runs(session, start, recent_runs),
        queue=_queue(session, start, now),
    )
