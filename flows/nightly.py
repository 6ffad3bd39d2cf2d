"""The scheduled entry point: ingest then analyze, recorded as one run with a summary."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from prefect import flow, get_run_logger
from prefect.artifacts import create_markdown_artifact

from factcheck.config.feeds import load_feeds
from factcheck.config.settings import Settings, bundled_feeds_file, current
from factcheck.db import store
from factcheck.db.engine import session_scope
from factcheck.flows.analyze import analyze
from factcheck.flows.ingest import ingest
from factcheck.flows.ops.hooks import notify_failure
from factcheck.flows.ops.runners import analysis_runner, fetch_runner
from factcheck.flows.reports.delivery import send_run_digest
from factcheck.flows.runs import RunSummary, merge_counts, recorded_run, summary_markdown
from factcheck.tasks.models import FeedSource


def resolve_feeds_file(feeds_file: str | None, settings: Settings) -> Path:
    return Path(feeds_file) if feeds_file else (settings.feeds_file or bundled_feeds_file())


def run_pipeline(
    settings: Settings,
    sources: list[FeedSource],
    *,
    kind: str,
    label: str,
    published_since: datetime | None = None,
    published_until: datetime | None = None,
) -> RunSummary:
    """Ingest `sources` then analyze, recorded as one row in `runs`, with a markdown artifact."""
    logger = get_run_logger()
    url = settings.database()
    with recorded_run(settings, kind) as run:
        logger.info("run %d: %d feeds from %s", run.run_id, len(sources), label)
        runner = fetch_runner(settings)
        fetched = ingest.with_options(task_runner=runner)(
            sources, run.run_id, published_since, published_until, with_claims=True
        )
        analyzed = analyze.with_options(task_runner=analysis_runner(settings))()
        run.counts = counts = merge_counts(fetched.as_dict(), analyzed.as_dict())
    run_id = run.run_id
    # The digest of the pairs stored between the run's start and end; it records its own failures
    # as run issues (stage "digest") and never raises, so it cannot fail the run.
    send_run_digest(url, run_id, settings=settings, log=logger)
    with session_scope(url) as session:
        issues = [
            {"stage": i.stage, "subject": i.subject, "status": i.status, "message": i.message}
            for i in store.run_issues(session, run_id)
        ]
    summary = RunSummary(run_id, counts, issues)
    create_markdown_artifact(key="factcheck-run-summary", markdown=summary_markdown(summary))
    logger.info("run %d finished: %s", run_id, counts)
    return summary


@flow(name="nightly", on_failure=[notify_failure], on_crashed=[notify_failure])
def nightly(feeds_file: str | None = None) -> RunSummary:
    """Fetch the feeds in `feeds_file` (default: the bundled config/feeds.toml) and analyze."""
    settings = current()
    path = resolve_feeds_file(feeds_file, settings)
    return run_pipeline(settings, load_feeds(path), kind="nightly", label=str(path))
