"""Run claims, events and detection again over a date range with the current extractor and
detectors, keeping every reviewer's verdict.

1. Claims of the articles published in the range are extracted again and refreshed in place
   (`db/reanalysis.py`): a sentence found again keeps its claim id, so its pairs and verdicts
   survive; claims no longer extracted are deleted, or retired when a pair refers to them.
2. Events keep their articles. Re-clustering would move articles, and with them claims and
   reviewed pairs, between events, and an event id a reviewer has noted would change meaning;
   articles that have no event yet are grouped as in a nightly run.
3. The events of those articles are analysed again: new pairs are inserted, pending pairs get the
   new score, reasons and detector version, reviewed pairs keep everything the reviewer saw.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import date

from prefect import flow, get_run_logger
from prefect.artifacts import create_markdown_artifact
from prefect.task_runners import ThreadPoolTaskRunner

from factcheck.config.settings import current
from factcheck.db import reanalysis
from factcheck.db.engine import session_scope
from factcheck.flows.manual import day_bounds
from factcheck.flows.ops.hooks import notify_failure
from factcheck.flows.runs import RunSummary, batches, recorded_run, summary_markdown
from factcheck.tasks import progress, steps
from factcheck.tasks.pairs import rescoring

CLAIM_BATCH = 25
EVENT_BATCH = 10


@flow(
    name="reanalyze",
    task_runner=ThreadPoolTaskRunner(max_workers=2),
    on_failure=[notify_failure],
    on_crashed=[notify_failure],
)
def reanalyze(since: date | None = None, until: date | None = None) -> RunSummary:
    """Re-extract claims and re-detect contradictions for articles published in [since, until].

    Args:
        since: First publication day (UTC) to reanalyze. Default: no lower bound.
        until: Last publication day (UTC) to reanalyze. Default: no upper bound. With neither
            bound every article is reanalyzed, also those without a publication date.
    """
    start, end = day_bounds(since, until)
    logger = get_run_logger()
    settings = current()
    url = settings.database()
    version = rescoring.detector_version(settings)
    with recorded_run(settings, "reanalyze") as run:
        with session_scope(url) as session:
            article_ids = reanalysis.articles_published_between(session, start, end)
        logger.info(
            "run %d: reanalyzing %d articles published %s to %s with %s and %s",
            run.run_id, len(article_ids), since or "the start", until or "now", steps.CLAIMS_VERSION, version,
        )
        run.counts = counts = {**_reanalyze(article_ids, url), **steps.finish_judge()}
    run_id = run.run_id
    summary = RunSummary(run_id, counts)
    markdown = summary_markdown(summary) + (
        f"\n\nReanalysis of articles published {since or 'from the start'} to {until or 'now'};"
        f" claims {steps.CLAIMS_VERSION}, detectors {version}."
    )
    create_markdown_artifact(key="factcheck-run-summary", markdown=markdown)
    logger.info("run %d finished: %s", run_id, counts)
    return summary


def _reanalyze(article_ids: list[int], url: str) -> dict[str, int]:
    refreshed = reanalysis.ClaimRefresh()
    progress.start("claims", len(article_ids))
    for future in [steps.reextract_claims_task.submit(c) for c in batches(article_ids, CLAIM_BATCH)]:
        refreshed.add(future.result())
    with session_scope(url) as session:
        stale = reanalysis.mark_events_stale(session, article_ids)
    grouping = steps.group_events_task()
    event_ids = sorted(set(stale) | set(grouping.touched_events))
    progress.start("events", len(event_ids))
    results = [f.result() for f in [steps.redetect_pairs_task.submit(c) for c in batches(event_ids, EVENT_BATCH)]]
    return {
        "articles_reanalyzed": len(article_ids),
        **{f"claims_{k}": v for k, v in asdict(refreshed).items()},
        "events_new": grouping.new_events,
        "events_reanalyzed": len(event_ids),
        "new_pairs": sum(r[0] for r in results),
        "pending_pairs_refreshed": sum(r[1] for r in results),
    }
