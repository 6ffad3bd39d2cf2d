"""Stored articles to claims, events and contradicting pairs."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from prefect import flow, get_run_logger

from factcheck.config.settings import current
from factcheck.db import store
from factcheck.db.engine import session_scope
from factcheck.flows.runs import batches
from factcheck.tasks import progress
from factcheck.tasks.pairs import rescoring
from factcheck.tasks.steps import (
    CLAIMS_VERSION,
    detect_pairs_task,
    extract_claims_task,
    finish_judge,
    group_events_task,
)

CLAIM_BATCH = 25
EVENT_BATCH = 10


@dataclass
class AnalyzeSummary:
    articles_analyzed: int = 0
    claims: int = 0
    events_new: int = 0
    events_updated: int = 0
    new_pairs: int = 0
    judge: dict[str, int] = field(default_factory=dict)  # LLM judge counts, when one is configured

    def as_dict(self) -> dict[str, int]:
        counts = asdict(self)
        judge = counts.pop("judge")
        return {**counts, **judge}


@flow(name="analyze")
def analyze() -> AnalyzeSummary:
    """Claims for new articles, then events, then detection on the events that changed.

    Each step picks its work from the database (articles without claims, articles without an
    event, events whose pairs are stale), so a run that crashed half-way is finished by the next.
    """
    logger = get_run_logger()
    settings = current()
    url = settings.database()
    summary = AnalyzeSummary()

    with session_scope(url) as session:
        article_ids = store.articles_needing_claims(session, CLAIMS_VERSION)
    summary.articles_analyzed = len(article_ids)
    progress.start("claims", len(article_ids))
    futures = [extract_claims_task.submit(chunk) for chunk in batches(article_ids, CLAIM_BATCH)]
    summary.claims = sum(f.result() for f in futures)

    grouping = group_events_task()
    summary.events_new = grouping.new_events
    summary.events_updated = len(grouping.touched_events) - grouping.new_events

    with session_scope(url) as session:
        event_ids = store.events_needing_pairs(session, rescoring.detector_version(settings))
    progress.start("events", len(event_ids))
    futures = [detect_pairs_task.submit(chunk) for chunk in batches(event_ids, EVENT_BATCH)]
    summary.new_pairs = sum(f.result().new_pairs for f in futures)
    summary.judge = finish_judge()
    logger.info("analyze: %s", summary.as_dict())
    return summary
