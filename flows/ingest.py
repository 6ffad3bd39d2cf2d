"""Feeds to stored articles."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from prefect import flow, get_run_logger

from factcheck.flows import progress
from factcheck.tasks.models import FeedSource
from factcheck.tasks.steps import ArticlesOutcome, FeedOutcome, fetch_articles_task, fetch_feed_task

PAGE_BATCH = 8  # pages per task: enough to amortise a task run's overhead, small enough to spread


@dataclass
class IngestSummary:
    feeds_fetched: int = 0
    feeds_not_modified: int = 0
    feeds_failed: int = 0
    entries_new: int = 0
    articles_stored: int = 0
    articles_from_feed_text: int = 0
    pages_failed: int = 0
    duplicates: int = 0

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


def _batches(entries: tuple, size: int) -> list[tuple]:
    return [entries[i : i + size] for i in range(0, len(entries), size)]


@flow(name="ingest")
def ingest(feeds: list[FeedSource], run_id: int) -> IngestSummary:
    """Fetch every feed, then every new entry's page, in bounded parallel task runs."""
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
    for outcome in outcomes:
        summary.feeds_fetched += outcome.status == "fetched"
        summary.feeds_not_modified += outcome.status == "not_modified"
        summary.feeds_failed += outcome.status == "failed"
        summary.entries_new += len(outcome.entries)

    progress.start("pages", summary.entries_new)
    page_futures = [
        fetch_articles_task.submit(batch, outcome.feed_id, run_id)
        for outcome in outcomes
        for batch in _batches(outcome.entries, PAGE_BATCH)
    ]
    for future in page_futures:
        result = future.result(raise_on_failure=False)
        if isinstance(result, BaseException):
            logger.error("a batch of pages failed unexpectedly: %s", result)
            continue
        assert isinstance(result, ArticlesOutcome)
        summary.articles_stored += result.stored
        summary.articles_from_feed_text += result.fallbacks
        summary.pages_failed += result.failed
        summary.duplicates += result.duplicates
    logger.info("ingest: %s", summary.as_dict())
    return summary
