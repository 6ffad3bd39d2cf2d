"""`factcheck run`, `demo`, `reanalyze` and `serve`: the flows, run in this process with progress bars or served."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path
from typing import Annotated, Optional

import typer

from factcheck.flows.cli.common import (
    DatabaseOpt,
    app,
    database_errors,
    db_error,
    err,
    fail,
    hide_database_tracebacks,
    open_session,
    out,
    safe_url,
    use_database,
)


def preflight_detection() -> None:
    """Fail with one line before a run starts if the language model or the scorer is unusable:
    inside the run, the error would come out of a task with Prefect's traceback."""
    from factcheck.tasks.language.nlp import LanguageModelError, check_model
    from factcheck.tasks.pairs.scorer import ScorerError, load_scorer

    try:
        check_model()
        load_scorer()
    except (LanguageModelError, ScorerError) as exc:
        raise fail(str(exc)) from None


def start_run_side_by_side():
    """Prefect's temporary server and the CPU workers starting together; returns `wait`."""
    from factcheck.config.settings import current
    from factcheck.flows.ops.startup import start_side_by_side
    from factcheck.tasks.cpu_pool import pool_size

    return start_side_by_side(pool_size(current().cpu_workers))


def run_pipeline(feeds_file: Path, *, verbose: bool) -> dict:
    """Run the nightly flow in this process with progress bars; returns the run summary."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from factcheck.config.feeds import FeedsFileError, load_feeds
    from factcheck.tasks import progress as run_progress

    try:
        load_feeds(feeds_file)
    except FeedsFileError as exc:
        raise fail(str(exc)) from None
    preflight_detection()

    labels = {"feeds": "Fetching feeds", "pages": "Fetching articles", "claims": "Extracting claims", "events": "Detecting contradictions"}

    class Bars:
        def __init__(self, bars: Progress) -> None:
            self.bars, self.ids = bars, {}

        def start(self, stage: str, total: int) -> None:
            self.ids[stage] = self.bars.add_task(labels.get(stage, stage), total=max(total, 0))

        def advance(self, stage: str, amount: int = 1) -> None:
            if stage in self.ids:
                self.bars.advance(self.ids[stage], amount)

    columns = (TextColumn("{task.description:<26}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=err, transient=False, disable=not err.is_terminal) as bars:
        bars.console.print("Starting Prefect (a temporary local server unless PREFECT_API_URL is set)…", style="dim")
        run_progress.install(Bars(bars))
        try:
            wait_for_server = start_run_side_by_side()
            from factcheck.flows.nightly import nightly

            if not verbose:
                hide_database_tracebacks()
            wait_for_server()
            summary = nightly(feeds_file=str(feeds_file))
        except database_errors() as exc:
            raise fail(db_error(exc)) from None
        except FeedsFileError as exc:
            raise fail(str(exc)) from None
        except Exception as exc:  # the flow run failed; Prefect has recorded its state
            raise fail(f"run failed: {type(exc).__name__}: {exc}") from None
        finally:
            run_progress.install(None)
    return summary.as_dict()


def print_summary(summary: dict) -> None:
    from factcheck.flows.reports.render import summary_tables

    for table in summary_tables(summary["counts"], summary["issues"]):
        out.print(table)


@app.command()
def run(
    feeds: Annotated[Optional[Path], typer.Option("--feeds", help="Feeds file (TOML, [[feeds]] with outlet and url).")] = None,
    database: DatabaseOpt = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Show Prefect's log lines too.")] = False,
) -> None:
    """Run the nightly flow once, now, in this process."""
    from factcheck.config.settings import bundled_feeds_file, current

    if verbose:
        os.environ["PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL"] = "INFO"
    use_database(database)
    feeds_file = feeds or current().feeds_file or bundled_feeds_file()
    summary = run_pipeline(feeds_file, verbose=verbose)
    print_summary(summary)


@app.command()
def demo(
    database: DatabaseOpt = None,
    port: Annotated[int, typer.Option(help="Loopback port for the demo sites (0: any free port).")] = 0,
) -> None:
    """Run the whole pipeline over the bundled demo corpus, served on loopback; works offline."""
    import tempfile
    from importlib.resources import files

    from factcheck.flows.demo.site import CorpusSite, feeds_toml, load_corpus

    # The demo's own sites are on loopback.
    url = use_database(database, default="sqlite:///factcheck-demo.db", allow_private_addresses=True)
    corpus = load_corpus(Path(str(files("factcheck.flows.demo") / "corpus")))
    with CorpusSite(corpus, port=port) as site, tempfile.TemporaryDirectory() as tmp:
        feeds_file = Path(tmp) / "feeds.toml"
        feeds_file.write_text(feeds_toml(site), encoding="utf-8")
        out.print(f"Serving {len(corpus.articles)} demo articles from {site.base_url}", style="dim")
        summary = run_pipeline(feeds_file, verbose=False)
    print_summary(summary)
    from factcheck.db.queries import PairFilter, list_pairs
    from factcheck.flows.reports.render import pair_panel

    with open_session(url) as session:
        found = list_pairs(session, PairFilter(), limit=1000)
    out.print(f"\n[bold]{len(found)} contradiction pair(s) in {safe_url(url)}[/]")
    for pair in sorted(found, key=lambda p: -p.score):
        out.print(pair_panel(pair))


@app.command()
def reanalyze(
    since: Annotated[Optional[datetime], typer.Option(formats=["%Y-%m-%d"], help="First publication day (UTC).")] = None,
    until: Annotated[Optional[datetime], typer.Option(formats=["%Y-%m-%d"], help="Last publication day (UTC).")] = None,
    database: DatabaseOpt = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Show Prefect's log lines too.")] = False,
) -> None:
    """Claims, events and pairs again for a range of publication days; verdicts are kept.

    Uses the current claim extractor and detectors (see README, "Reanalysis")."""
    if since and until and since > until:
        raise fail(f"--since ({since:%Y-%m-%d}) is after --until ({until:%Y-%m-%d})", code=2)
    use_database(database)
    preflight_detection()
    if verbose:
        os.environ["PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL"] = "INFO"
    err.print("Starting Prefect (a temporary local server unless PREFECT_API_URL is set)…", style="dim")
    try:
        wait_for_server = start_run_side_by_side()
        from factcheck.flows.reanalyze import reanalyze as reanalyze_flow

        if not verbose:
            hide_database_tracebacks()
        wait_for_server()
        summary = reanalyze_flow(since=since.date() if since else None, until=until.date() if until else None)
    except database_errors() as exc:
        raise fail(db_error(exc)) from None
    except Exception as exc:  # the flow run failed; Prefect has recorded its state
        raise fail(f"reanalysis failed: {type(exc).__name__}: {exc}") from None
    print_summary(summary.as_dict())


@app.command()
def serve(
    port: Annotated[int, typer.Option(help="Port of the local Prefect server and its UI.")] = 4200,
    host: Annotated[str, typer.Option(help="Address the local Prefect server listens on.")] = "127.0.0.1",
    home: Annotated[
        Optional[Path],
        typer.Option(envvar="FACTCHECK_PREFECT_HOME", help="Home of the local Prefect server (default ~/.factcheck/prefect)."),
    ] = None,
    database: DatabaseOpt = None,
) -> None:
    """Serve the nightly, manual and reanalyze deployments from this process (no work pool).

    The nightly schedule fires, and runs can be started from the Prefect UI or with
    `prefect deployment run`. Without PREFECT_API_URL a local Prefect server is started
    (SQLite, UI on http://127.0.0.1:4200) and stopped on exit."""
    from factcheck.flows.ops.serve import ServerError
    from factcheck.flows.ops.serve import serve as serve_deployments

    use_database(database)
    try:
        serve_deployments(host=host, port=port, home=home, echo=lambda line: err.print(line, highlight=False))
    except (ServerError, ValueError) as exc:
        raise fail(str(exc)) from None
