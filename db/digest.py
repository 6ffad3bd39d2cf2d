"""The reads behind the digest of new pairs (flows/reports/digest.py): the pairs stored in a time window,
their events' titles, and the window of a run.

Pairs carry no run id: a run's new pairs are the pairs stored (`claim_pairs.created_at`) between
its start and its end (`runs.started_at`, `runs.finished_at`). Two runs that overlap (a manual run
during the nightly one) both list the pairs stored while both were running."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from factcheck.db.models import ClaimPair, Event, Run
from factcheck.db.queries import PairFilter, PairView, _pairs_query, _view


@dataclass(frozen=True)
class RunWindow:
    run_id: int
    kind: str
    status: str
    started_at: datetime
    finished_at: datetime | None


def run_window(session: Session, run_id: int) -> RunWindow | None:
    run = session.get(Run, run_id)
    if run is None:
        return None
    return RunWindow(run.id, run.kind, run.status, run.started_at, run.finished_at)


def new_pairs(
    session: Session, *, since: datetime, until: datetime | None, min_score: float, limit: int
) -> tuple[list[PairView], int]:
    """The `limit` highest-scoring pairs stored in [since, until] scoring at least `min_score`
    (highest score first, then the older pair), and how many there are in all."""
    window = [ClaimPair.created_at >= since, ClaimPair.score >= min_score]
    if until is not None:
        window.append(ClaimPair.created_at <= until)
    total = int(session.scalar(select(func.count(ClaimPair.id)).where(*window)) or 0)
    if not total:
        return [], 0
    stmt = _pairs_query(PairFilter()).where(*window).order_by(ClaimPair.score.desc(), ClaimPair.id).limit(limit)
    return [_view(row) for row in session.execute(stmt)], total


def event_titles(session: Session, event_ids: set[int]) -> dict[int, str]:
    if not event_ids:
        return {}
    rows = session.execute(select(Event.id, Event.title).where(Event.id.in_(sorted(event_ids))))
    return {event_id: title for event_id, title in rows}
