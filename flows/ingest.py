"""Feeds to stored articles."""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from datetime import datetime
from itertools import zip_longest

from prefect import flow, get_run_logger

from factcheck.tasks import progress
from factcheck.tasks.models import FeedSource
from factcheck.tasks.steps import ArticlesOutcome, FeedOutcome, fetch_articles_task, fetch_feed_task, save_validators

PAGE_BATCH = 8  # pages per task: enough to amortise a task run's overhead, small enough to spread


@dataclass
class IngestSummary:
    feeds_fetched: int = 0
    feeds_not_modified: int = 0
    feeds_failed: int = 0
    feeds_deferred: int = 0  # backing off after failures, not fetched this run
    feeds_disabled: int = 0  # disabled after too many consecutive failures
    entries_new: int = 0
    articles_stored: int = 0
    articles_from_feed_text: int = 0
    pages_failed: int = 0
    page_batches_failed: int = 0  # batch tasks that failed as a whole (a bug, a lost database)
    duplicates: int = 0
    articles_analyzed: int = 0  # split into claims as they were stored
    claims: int = 0
    entries_out_of_range: int = 0  # manual runs with a date range: entries published outside it

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


def _batches(entries: tuple, size: int) -> list[tuple]:
    return [entries[i : i + size] for i in range(0, len(entries), size)]


def _round_robin(outcomes: list[FeedOutcome]) -> list[tuple[FeedOutcome, tuple]]:
    """Page batches taking turns between feeds, so that the fetch threads work on many hosts
    at once instead of queueing behind one host's politeness limit."""
    queues = [[(o, b) for b in _batches(o.entries, PAGE_BATCH)] for o in outcomes]
    return [item for turn in zip_longest(*queues) for item in turn if item is not None]


def _in_range(
    outcomes: list[FeedOutcome], since: datetime | None, until: datetime | None
) -> tuple[list[FeedOutcome], int]:
    def keep(published: datetime | None) -> bool:
        return published is not None and (since is None or published >= since) and (until is None or published <= until)

    kept = []
    for o in outcomes:
        entries = tuple(e for e in o.entries if keep(e.published_at))
        # Entries outside the range must come back on a later run: keep the old validators.
        kept.append(replace(o, entries=entries, validators=o.validators if entries == o.entries else None))
    dropped = sum(len(o.entries) for o in outcomes) - sum(len(o.entries) for o in kept)
    return kept, dropped


@flow(name="ingest")
def ingest(
    feeds: list[FeedSource],
    run_id: int,
    published_since: datetime | None = None,
    published_until: datetime | None = None,
    with_claims: bool = False,
) -> IngestSummary:
    """Fetch every feed, then every new entry's page, in bounded parallel task runs.

    With `published_since`/`published_until` (aware datetimes, inclusive) only entries whose feed
    date falls in that range are fetched; entries without a date are skipped then too.
    `with_claims` (the nightly and manual runs) also splits each article into claims as it is
    stored, so that the splitting overlaps the fetching; `analyze` splits whatever is left.
    """
    logger = get_run_logger()
    summary = IngestSummary()
    progress.start("feeds", len(feeds))
    feed_futures = [(source, fetch_feed_task.submit(source, run_id)) for source in feeds]
    outcomes: list[FeedOutcome] = []
    for source, future in feed_futures:
        result = future.result(raise_on_failure=False)
        if isinstance(result, BaseException):
            # A bug or a lost database in one feed's task must not stop the other feeds.
            logger.error("feed %s failed unexpectedly: %s", source.url, result)
            result = FeedOutcome(source.outlet, source.url, "failed", None, message=str(result))
        outcomes.append(result)
    if published_since is not None or published_until is not None:
        outcomes, summary.entries_out_of_range = _in_range(outcomes, published_since, published_until)
    for outcome in outcomes:
        summary.feeds_fetched += outcome.status == "fetched"
        summary.feeds_not_modified += outcome.status == "not_modified"
        summary.feeds_failed += outcome.status == "failed"
        summary.feeds_deferred += outcome.status == "deferred"
        summary.feeds_disabled += outcome.status == "disabled"
        summary.entries_new += len(outcome.entries)

    progress.start("pages", summary.entries_new)
    page_futures = [
        (outcome, batch, fetch_articles_task.submit(batch, outcome.feed_id, run_id, with_claims))
        for outcome, batch in _round_robin(outcomes)
    ]
    unfinished: set[str] = set()
    for outcome, batch, future in page_futures:
        result = future.result(raise_on_failure=False)
        if isinstance(result, BaseException):
            logger.error("a batch of %d pages from %s failed unexpectedly: %s", len(batch), outcome.url, result)
            summary.page_batches_failed += 1
            unfinished.add(outcome.url)
            continue
        assert isinstance(result, ArticlesOutcome)
        summary.articles_stored += result.stored
        summary.articles_from_feed_text += result.fallbacks
        summary.pages_failed += result.failed
        summary.duplicates += result.duplicates
        summary.articles_analyzed += result.analyzed
        summary.claims += result.claims
    # Only now may the feeds answer 304 next time: every new entry of theirs is stored.
    save_validators([o for o in outcomes if o.url not in unfinished])
    logger.info("ingest: %s", summary.as_dict())
    return summary
