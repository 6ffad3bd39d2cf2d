"""`factcheck stats` (how the detector fares with reviewers) and `factcheck digest` (a run's new pairs)."""

from __future__ import annotations

import json
import sys
from datetime import datetime
from typing import Annotated, Optional

import typer

from factcheck.flows.cli.common import DatabaseOpt, app, check_id, err, fail, open_session, out, use_database


@app.command()
def stats(
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object (its fields: docs/schema.md, \"Detector statistics\").")] = False,
    since: Annotated[Optional[datetime], typer.Option(formats=["%Y-%m-%d"], help="Only pairs stored and runs started on/after this UTC day.")] = None,
    database: DatabaseOpt = None,
) -> None:
    """The detector's precision from the reviewers' verdicts: per reason, outlet pair, version and week; runs; the queue's age.

    The same figures as the review app's Detector page (db/stats.py)."""
    from factcheck.db.stats import detector_stats
    from factcheck.flows.reports.render import stats_tables

    url = use_database(database)
    with open_session(url) as session:
        figures = detector_stats(session, since=since.date() if since else None)
    if as_json:
        sys.stdout.write(json.dumps(figures.as_dict(), ensure_ascii=False, indent=2) + "\n")
        return
    for table in stats_tables(figures):
        out.print(table)


@app.command()
def digest(
    since: Annotated[Optional[datetime], typer.Option(formats=["%Y-%m-%d"], help="Pairs stored on or after this UTC day.")] = None,
    run: Annotated[Optional[int], typer.Option("--run", help="The pairs stored by this run (its id in `runs`).")] = None,
    threshold: Annotated[
        Optional[float], typer.Option(min=0.0, max=1.0, help="Lowest score (default: FACTCHECK_ALERT_THRESHOLD, 0.8).")
    ] = None,
    send: Annotated[
        bool, typer.Option("--send/--print", help="Send it through the configured webhook and e-mail, or print it here.")
    ] = False,
    database: DatabaseOpt = None,
) -> None:
    """The new pairs at or above the alert threshold, grouped by event (see README, "Digest")."""
    from rich.text import Text

    from factcheck.config.settings import current
    from factcheck.flows.reports.delivery import channels, deliver
    from factcheck.flows.reports.digest import digest_for_run, digest_since, render_console

    if (since is None) == (run is None):
        raise fail("give either --since DAY or --run ID", code=2)
    url = use_database(database)
    settings = current()
    check_id(run, "--run", url)
    if send and not channels(settings):
        raise fail("no digest channel configured: set FACTCHECK_DIGEST_WEBHOOK_URL and/or FACTCHECK_SMTP_URL")
    with open_session(url) as session:
        if since is not None:
            found = digest_since(session, since.date(), settings, threshold=threshold)
        else:
            found = digest_for_run(session, run, settings, threshold=threshold)
    if found is None:
        raise fail(f"no run with id {run}")
    if not send:
        for part in render_console(found):
            out.print(part)
        return
    if found.empty:
        out.print(f"no new pairs at or above {found.threshold:.2f} ({found.scope}): nothing sent", highlight=False)
        return
    results = deliver(found, settings)
    for result in results:
        (out if result.ok else err).print(Text(result.describe()))
    if not all(result.ok for result in results):
        raise typer.Exit(1)
