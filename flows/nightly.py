"""The scheduled entry point: ingest then analyze, recorded as one run with a summary."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from prefect import flow, get_run_logger, runtime
from prefect.artifacts import create_markdown_artifact

from factcheck.config.feeds import load_feeds
from factcheck.config.settings import Settings, bundled_feeds_file
from factcheck.db import store
from factcheck.db.engine import session_scope
from factcheck.flows.analyze import analyze
from factcheck.flows.reports.delivery import send_run_digest
from factcheck.flows.ops.hooks import notify_failure
from factcheck.flows.ingest import ingest
from factcheck.flows.ops.runners import analysis_runner, fetch_runner
from factcheck.tasks.models import FeedSource
from factcheck.tasks.text_safety import markdown_text


@dataclass
class RunSummary:
    run_id: int
    counts: dict[str, int]
    issues: list[dict[str, str | None]] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"run_id": self.run_id, "counts": self.counts, "issues": self.issues}


def summary_markdown(summary: RunSummary) -> str:
    """The run summary artifact. Subjects and statuses carry feed titles, URLs and server
    messages: `markdown_text` keeps them literal (no images, links, HTML or table cells of theirs)."""
    lines = [f"# factcheck run {summary.run_id}", "", "| count | value |", "|---|---:|"]
    lines += [f"| {markdown_text(k.replace('_', ' '))} | {v} |" for k, v in summary.counts.items()]
    if summary.issues:
        lines += ["", "## Inputs with problems", "", "| stage | subject | status |", "|---|---|---|"]
        lines += [
            f"| {markdown_text(i['stage'])} | {markdown_text(i['subject'])} | {markdown_text(i['status'])} |"
            for i in summary.issues[:200]
        ]
    return "\n".join(lines)


def merge_counts(*parts: dict[str, int]) -> dict[str, int]:
    """One run's counts; a count both stages keep (articles analysed, claims) is their sum."""
    out: dict[str, int] = {}
    for part in parts:
        for key, value in part.items():
            out[key] = out.get(key, 0) + value
    return out


def resolve_feeds_file(feeds_file: str | None, settings: Settings) -> Path:
    return Path(feeds_file) if feeds_file else (settings.feeds_file or bundled_feeds_file())


def run_pipeline(
    sources: list[FeedSource],
    *,
    kind: str,
    label: str,
    published_since: datetime | None = None,
    published_until: datetime | None = None,
) -> RunSummary:
    """Ingest `sources` then analyze, recorded as one row in `runs`, with a markdown artifact."""
    logger = get_run_logger()
    settings = Settings()
    url = settings.database()
    with session_scope(url) as session:
        run_id = store.start_run(session, kind=kind, flow_run_id=str(runtime.flow_run.id or "") or None)
    logger.info("run %d: %d feeds from %s", run_id, len(sources), label)
    try:
        runner = fetch_runner(settings)
        fetched = ingest.with_options(task_runner=runner)(
            sources, run_id, published_since, published_until, with_claims=True
        )
        analyzed = analyze.with_options(task_runner=analysis_runner(settings))()
    except BaseException as exc:
        # With the database gone this write fails too (one more attempt, see db/outages.py): the
        # row stays 'running', the flow fails with DatabaseUnavailable, and the next run on this
        # host marks the row 'interrupted'.
        with session_scope(url) as session:
            store.finish_run(session, run_id, status="failed", counts={}, error=f"{type(exc).__name__}: {exc}")
        raise
    counts = merge_counts(fetched.as_dict(), analyzed.as_dict())
    with session_scope(url) as session:
        store.finish_run(session, run_id, status="completed", counts=counts)
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
    path = resolve_feeds_file(feeds_file, Settings())
    return run_pipeline(load_feeds(path), kind="nightly", label=str(path))
