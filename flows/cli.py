"""The `factcheck` command. Heavy imports (Prefect, SQLAlchemy models) happen inside commands so
that `factcheck --help` is instant and Prefect's environment is set before Prefect loads."""

from __future__ import annotations

import json
import logging
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer
from rich.console import Console

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

app = typer.Typer(add_completion=False, no_args_is_help=True, help="Find statements about the same news event that contradict each other.")
pairs_app = typer.Typer(no_args_is_help=True, help="Reviewers' commands: list, show, review and export pairs.")
db_app = typer.Typer(no_args_is_help=True, help="Database maintenance.")
feeds_app = typer.Typer(no_args_is_help=True, help="The feeds fetched so far and their state.")
app.add_typer(feeds_app, name="feeds")
app.add_typer(pairs_app, name="pairs")
app.add_typer(db_app, name="db")
reviewers_app = typer.Typer(no_args_is_help=True, help="Accounts of the review web app (factcheck review-ui).")
app.add_typer(reviewers_app, name="reviewers")

out = Console()
err = Console(stderr=True)

DatabaseOpt = Annotated[
    Optional[str],
    typer.Option(
        "--database",
        help="SQLAlchemy URL (default: FACTCHECK_DATABASE_URL, the URL in the file FACTCHECK_DATABASE_URL_FILE, "
        "or sqlite:///factcheck.db). Other users can read command lines in the process list: give a URL "
        "with a password through FACTCHECK_DATABASE_URL_FILE or FACTCHECK_DATABASE_URL instead.",
    ),
]

# Prefect's temporary local server would otherwise log its start-up, send telemetry (which fails
# offline with a traceback), print a usage-data notice on terminals and INFO lines for every task
# over our progress bars.
PREFECT_QUIET = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "DO_NOT_TRACK": "1",
    "PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL": "WARNING",
    "PREFECT_SERVER_LOGGING_LEVEL": "WARNING",
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "90",
    # Block types are not used here; registering them is 1-2 s of a new home's first start-up.
    "PREFECT_API_BLOCKS_REGISTER_ON_START": "false",
}


def fail(message: str, code: int = 1) -> typer.Exit:
    from factcheck.tasks.text_safety import console_markup

    err.print(f"[bold red]error:[/] {console_markup(message)}", highlight=False, soft_wrap=True)
    return typer.Exit(code)


DATABASE_ENV = ("FACTCHECK_DATABASE_URL", "FACTCHECK_DATABASE_URL_FILE")


def use_database(database: str | None, *, default: str | None = None) -> str:
    """Validate the URL (one-line error) and hand it to the flows through the environment.

    `--database` wins over FACTCHECK_DATABASE_URL and FACTCHECK_DATABASE_URL_FILE; `default` is
    used when none of them is given."""
    from factcheck.config.settings import Settings, SettingsError
    from factcheck.db.engine import DatabaseUrlError, check_url, url_has_password

    if database:
        os.environ["FACTCHECK_DATABASE_URL"] = database
        os.environ.pop("FACTCHECK_DATABASE_URL_FILE", None)
        if url_has_password(database):
            err.print(
                "warning: the --database URL holds a password, which other users can see in the process "
                "list; use FACTCHECK_DATABASE_URL_FILE or FACTCHECK_DATABASE_URL instead",
                style="yellow", highlight=False, soft_wrap=True,
            )  # fmt: skip
    elif default and not any(os.environ.get(name) for name in DATABASE_ENV):
        os.environ["FACTCHECK_DATABASE_URL"] = default
    try:
        return check_url(Settings().database())
    except (DatabaseUrlError, SettingsError) as exc:
        raise fail(str(exc)) from None


def safe_url(url: str) -> str:
    from factcheck.db.engine import safe_url as masked

    return masked(url)


def db_error(exc: Exception) -> str:
    """One line about a database failure. DatabaseUnavailable names the database (its password
    masked), the attempts and the reason; other errors are reported without the URL."""
    from factcheck.db.engine import DatabaseUnavailable, mask_secrets

    if isinstance(exc, DatabaseUnavailable):
        return mask_secrets(str(exc))
    detail = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    return mask_secrets(f"database unavailable: {detail[0] if detail else type(exc).__name__}")


def database_errors() -> tuple[type[Exception], ...]:
    """The exceptions reported with `db_error`: a database that cannot be reached or opened."""
    from sqlalchemy.exc import OperationalError

    from factcheck.db.engine import DatabaseUnavailable

    return (OperationalError, DatabaseUnavailable)


class _NoDatabaseTracebacks(logging.Filter):
    """Keeps Prefect's console from printing a traceback for an unavailable database: the command
    prints that error as one line when the run ends (the run's logs in Prefect keep it all)."""

    def filter(self, record: logging.LogRecord) -> bool:
        from factcheck.db.engine import DatabaseUnavailable

        return not (record.exc_info and isinstance(record.exc_info[1], DatabaseUnavailable))


def hide_database_tracebacks() -> None:
    """Add `_NoDatabaseTracebacks` to Prefect's console handlers (call after Prefect is imported)."""
    from prefect.logging.handlers import PrefectConsoleHandler

    loggers = [logging.getLogger(), *(lg for lg in logging.Logger.manager.loggerDict.values() if isinstance(lg, logging.Logger))]
    for handler in {h for lg in loggers for h in lg.handlers if isinstance(h, PrefectConsoleHandler)}:
        if not any(isinstance(f, _NoDatabaseTracebacks) for f in handler.filters):
            handler.addFilter(_NoDatabaseTracebacks())


@contextmanager
def open_session(url: str) -> Iterator[Session]:
    from factcheck.db.engine import session_scope

    try:
        with session_scope(url) as session:
            yield session
    except database_errors() as exc:
        raise fail(db_error(exc)) from None


# --- run / demo ----------------------------------------------------------------------------------


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
    from factcheck.config.settings import Settings
    from factcheck.flows.ops.startup import start_side_by_side
    from factcheck.tasks.cpu_pool import pool_size

    return start_side_by_side(pool_size(Settings().cpu_workers))


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
    from factcheck.config.settings import Settings, bundled_feeds_file

    if verbose:
        os.environ["PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL"] = "INFO"
    use_database(database)
    feeds_file = feeds or Settings().feeds_file or bundled_feeds_file()
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

    os.environ["FACTCHECK_ALLOW_PRIVATE_ADDRESSES"] = "true"  # the demo's own sites are on loopback
    url = use_database(database, default="sqlite:///factcheck-demo.db")
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


# --- reanalyze / serve ---------------------------------------------------------------------------


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
    preflight_detection()
    if verbose:
        os.environ["PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL"] = "INFO"
    use_database(database)
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


# --- check ---------------------------------------------------------------------------------------


def _rescorers() -> list:
    """The opt-in model-based rescorers, built once per command (they may load a model)."""
    global _RESCORERS
    if _RESCORERS is None:
        from factcheck.config.settings import Settings
        from factcheck.tasks.pairs import rescoring

        settings = Settings()
        _RESCORERS = [rescoring.nli_rescorer(settings), rescoring.llm_judge(settings)]
    return _RESCORERS


_RESCORERS: list | None = None


def _check_record(a: str, b: str, threshold: float) -> dict:
    from factcheck.tasks.pairs import rescoring
    from factcheck.tasks.pairs.detect import score_statements

    score, claim_a, claim_b = score_statements(a, b)
    if claim_a is not None and claim_b is not None:
        ((_, _, score),) = rescoring.rescore([(claim_a, claim_b, score)], _rescorers(), lambda claim: claim)
    return {
        "contradiction": score.score >= threshold,
        "score": round(score.score, 4),
        "reasons": [r.as_dict() for r in score.reasons],
        "claim_a": claim_a.text if claim_a else None,
        "claim_b": claim_b.text if claim_b else None,
    }


@app.command()
def check(
    a: Annotated[Optional[str], typer.Argument(help="Statement or passage A.")] = None,
    b: Annotated[Optional[str], typer.Argument(help="Statement or passage B.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    batch: Annotated[Optional[Path], typer.Option("--batch", help='JSONL file of {"id", "a", "b"} lines ("-" for stdin).')] = None,
) -> None:
    """Score one pair of statements (or a batch) and explain the score."""
    from factcheck.config.settings import Settings

    from factcheck.tasks.language.nlp import LanguageModelError
    from factcheck.tasks.pairs.scorer import ScorerError

    threshold = Settings().pair_threshold
    try:
        if batch is not None:
            raise typer.Exit(_check_batch(batch, threshold))
        if not a or not b:
            raise fail('give two statements: factcheck check "A" "B" (or --batch FILE)', code=2)
        record = _check_record(a, b, threshold)
    except (LanguageModelError, ScorerError) as exc:
        raise fail(str(exc)) from None
    if as_json:
        out.print_json(data=record)
        return
    from factcheck.flows.reports.render import reasons_text

    verdict = "[bold red]contradiction[/]" if record["contradiction"] else "[green]no contradiction found[/]"
    out.print(f"{verdict} · score {record['score']:.2f} (threshold {threshold:.2f})")
    if record["claim_a"] and (record["claim_a"] != a.strip() or record["claim_b"] != b.strip()):
        out.print(f"[dim]strongest pair:[/]\n A: {record['claim_a']}\n B: {record['claim_b']}", highlight=False)
    if record["reasons"]:
        out.print(reasons_text(record["reasons"]))


def _check_batch(path: Path, threshold: float) -> int:
    """One output line per input line; a bad line gets an error record, the rest go on."""
    try:
        stream = sys.stdin if str(path) == "-" else path.open(encoding="utf-8")
    except OSError as exc:
        raise fail(f"{path}: cannot be read ({exc.strerror or exc})") from None
    errors = 0
    with stream:
        for chunk in _chunks(enumerate(stream, start=1), BATCH_LINES):
            items: list[tuple[int, dict | str]] = []
            for number, line in chunk:
                if not line.strip():
                    continue
                try:
                    item = json.loads(line)
                    if not isinstance(item, dict) or not isinstance(item.get("a"), str) or not isinstance(item.get("b"), str):
                        raise ValueError('expected an object with string fields "a" and "b"')
                    items.append((number, item))
                except ValueError as exc:
                    items.append((number, str(exc)))
            _prepare([t for _n, item in items if isinstance(item, dict) for t in (item["a"], item["b"])])
            for number, item in items:
                if isinstance(item, str):
                    errors += 1
                    err.print(f"line {number}: {item}", highlight=False)
                    record = {"id": None, "error": f"line {number}: {item}"}
                else:
                    record = {"id": item.get("id"), **_check_record(item["a"], item["b"], threshold)}
                    record.pop("claim_a"), record.pop("claim_b")
                sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")
    return 1 if errors else 0


# Lines of a --batch file parsed together: spaCy parses a batch of sentences much faster than
# one at a time.
BATCH_LINES = 256


def _chunks(iterable, size: int):
    chunk: list = []
    for item in iterable:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _prepare(texts: list[str]) -> None:
    from factcheck.tasks.pairs.detect import prepare_statements

    prepare_statements(texts)


# --- pairs ---------------------------------------------------------------------------------------


def check_number(value: int | None, option: str, high: int = 2**63 - 1) -> None:
    """A one-line usage error for a number the database's integer cannot hold: the driver would
    raise an overflow instead of finding nothing. Ids are bounded by `db.models.max_id`; LIMIT and
    OFFSET take 64 bits on both databases."""
    low = -high - 1
    if value is not None and not low <= value <= high:
        raise fail(f"{option} {value} is out of range ({low} to {high})", code=2)


def check_id(value: int | None, option: str, url: str) -> None:
    """`check_number` for an id of the database at `url` (32-bit on PostgreSQL)."""
    from factcheck.db.models import max_id

    check_number(value, option, max_id(url))


def check_text(value: str | None, option: str) -> None:
    """A one-line usage error for text a database cannot store or compare: a NUL character
    (PostgreSQL refuses it) or undecodable bytes from the command line (lone surrogates)."""
    if value is None:
        return
    if "\x00" in value:
        raise fail(f"{option} must not contain a NUL character", code=2)
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise fail(f"{option} is not valid UTF-8 text", code=2) from None


def _pair_filter(
    *,
    status: str | None,
    outlet: str | None = None,
    min_score: float | None = None,
    event: int | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    search: str | None = None,
    sort: str = "newest",
):
    """The CLI's options as a PairFilter. Days are UTC; `--until DAY` includes that whole day
    (a time given with it is exclusive)."""
    from datetime import timedelta, timezone

    from factcheck.db.models import PAIR_STATUSES
    from factcheck.db.queries import SORTS, PairFilter

    for value, option in ((status, "--status"), (outlet, "--outlet"), (search, "--search"), (sort, "--sort")):
        check_text(value, option)
    if status and status not in PAIR_STATUSES:
        raise fail(f"unknown status {status!r}; use one of: {', '.join(PAIR_STATUSES)}", code=2)
    if sort not in SORTS:
        raise fail(f"unknown sort {sort!r}; use one of: {', '.join(SORTS)}", code=2)
    since_utc = since.replace(tzinfo=timezone.utc) if since else None
    until_utc = None
    if until:
        until_utc = until.replace(tzinfo=timezone.utc)
        if until_utc.time() == datetime.min.time():
            if until_utc.date() == datetime.max.date():
                raise fail(f"--until {until:%Y-%m-%d} is out of range (the last day is 9999-12-30)", code=2)
            until_utc += timedelta(days=1)
    if since_utc and until_utc and since_utc >= until_utc:
        raise fail("--since is after --until", code=2)
    return PairFilter(
        status=status, outlet=outlet, min_score=min_score, event_id=event,
        published_since=since_utc, published_until=until_utc, search=search, sort=sort,
    )  # fmt: skip


EventOpt = Annotated[Optional[int], typer.Option("--event", help="Pairs of this event id.")]
SinceOpt = Annotated[
    Optional[datetime], typer.Option(formats=["%Y-%m-%d", "%Y-%m-%dT%H:%M"], help="Either article published on/after this UTC day.")
]
UntilOpt = Annotated[
    Optional[datetime], typer.Option(formats=["%Y-%m-%d", "%Y-%m-%dT%H:%M"], help="Either article published on/before this UTC day.")
]
SearchOpt = Annotated[Optional[str], typer.Option(help="Case-insensitive text in either statement.")]


@pairs_app.command("list")
def pairs_list(
    status: Annotated[Optional[str], typer.Option(help="pending, confirmed, rejected or unsure.")] = None,
    outlet: Annotated[Optional[str], typer.Option(help="Pairs with a statement from this outlet.")] = None,
    min_score: Annotated[Optional[float], typer.Option("--min-score", min=0.0, max=1.0)] = None,
    event: EventOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    search: SearchOpt = None,
    sort: Annotated[str, typer.Option(help="newest (created, newest first) or score (highest first).")] = "newest",
    limit: Annotated[int, typer.Option(min=1)] = 50,
    offset: Annotated[int, typer.Option(min=0)] = 0,
    database: DatabaseOpt = None,
) -> None:
    """Stored pairs, newest first (or strongest first with --sort score)."""
    from factcheck.db.queries import count_pairs, list_pairs
    from factcheck.flows.reports.render import pairs_table

    filters = _pair_filter(
        status=status, outlet=outlet, min_score=min_score, event=event, since=since, until=until, search=search, sort=sort
    )
    check_number(limit, "--limit")
    check_number(offset, "--offset")
    url = use_database(database)
    check_id(event, "--event", url)
    with open_session(url) as session:
        found = list_pairs(session, filters, limit=limit, offset=offset)
        total = count_pairs(session, filters) if len(found) == limit or offset else len(found)
    out.print(pairs_table(found))
    if total > len(found):
        out.print(f"showing {offset + 1 if found else 0}-{offset + len(found)} of {total} (use --offset for more)", style="dim")


@pairs_app.command("show")
def pairs_show(pair_id: int, database: DatabaseOpt = None) -> None:
    """One pair: both statements with speakers, outlets, links, and the reasons."""
    from factcheck.db.queries import get_pair
    from factcheck.flows.reports.render import pair_panel

    url = use_database(database)
    check_id(pair_id, "PAIR_ID", url)
    with open_session(url) as session:
        pair = get_pair(session, pair_id)
    if pair is None:
        raise fail(f"no pair with id {pair_id}")
    out.print(pair_panel(pair))


@pairs_app.command("review")
def pairs_review(
    pair_id: int,
    verdict: Annotated[str, typer.Option(help="confirmed, rejected, unsure (or pending to reopen).")],
    note: Annotated[Optional[str], typer.Option(help="Why.")] = None,
    reviewer: Annotated[Optional[str], typer.Option(help="Your name (default: $USER).")] = None,
    database: DatabaseOpt = None,
) -> None:
    """Record a reviewer's verdict on a pair."""
    from factcheck.db.queries import ReviewError, review_pair

    for value, option in ((verdict, "--verdict"), (note, "--note"), (reviewer, "--reviewer")):
        check_text(value, option)
    url = use_database(database)
    check_id(pair_id, "PAIR_ID", url)
    try:
        with open_session(url) as session:
            review_pair(session, pair_id, verdict=verdict, reviewer=reviewer or os.environ.get("USER", "unknown"), note=note)
    except ReviewError as exc:
        raise fail(str(exc)) from None
    out.print(f"pair {pair_id}: {verdict}")


@pairs_app.command("export")
def pairs_export(
    fmt: Annotated[str, typer.Option("--format", help="jsonl, csv, or claimreview (schema.org JSON-LD array, confirmed pairs only).")] = "jsonl",
    status: Annotated[Optional[str], typer.Option()] = None,
    outlet: Annotated[Optional[str], typer.Option()] = None,
    min_score: Annotated[Optional[float], typer.Option("--min-score", min=0.0, max=1.0)] = None,
    event: EventOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    search: SearchOpt = None,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="File to write (default: stdout).")] = None,
    database: DatabaseOpt = None,
) -> None:
    """Write pairs as JSON lines, CSV (fields as in DESIGN.md) or schema.org ClaimReview JSON-LD."""
    from factcheck.db.queries import count_pairs, iter_pairs
    from factcheck.flows.reports.export import FORMATS, PROGRESS_THRESHOLD, WRITERS, with_progress

    check_text(fmt, "--format")
    if fmt not in FORMATS:
        raise fail(f"unknown format {fmt!r}; use one of: {', '.join(FORMATS)}", code=2)
    if fmt == "claimreview":
        if status and status != "confirmed":
            raise fail("claimreview exports confirmed pairs only; drop --status or use --status confirmed", code=2)
        status = "confirmed"
    filters = _pair_filter(
        status=status, outlet=outlet, min_score=min_score, event=event, since=since, until=until, search=search
    )
    url = use_database(database)
    check_id(event, "--event", url)
    writer = WRITERS[fmt]
    with open_session(url) as session:
        pairs = iter_pairs(session, filters)
        if err.is_terminal:
            total = count_pairs(session, filters)
            if total > PROGRESS_THRESHOLD:
                pairs = with_progress(pairs, total, err)
        if output:
            try:
                handle = output.open("w", encoding="utf-8", newline="")
            except OSError as exc:
                raise fail(f"{output}: cannot be written ({exc.strerror or exc})") from None
            with handle:
                count = writer(pairs, handle)
            err.print(f"{count} pair(s) written to {output}")
        else:
            writer(pairs, sys.stdout)


# --- stats ---------------------------------------------------------------------------------------


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


# --- feeds ---------------------------------------------------------------------------------------


@feeds_app.command("list")
def feeds_list(database: DatabaseOpt = None) -> None:
    """Every feed fetched so far with its last status, error, failure streak and back-off."""
    from sqlalchemy import select
    from rich.table import Table
    from rich.text import Text

    from factcheck.db.models import Feed
    from factcheck.tasks.text_safety import console_text

    url = use_database(database)
    with open_session(url) as session:
        feeds = session.scalars(select(Feed).order_by(Feed.outlet, Feed.url)).all()
    table = Table(title=f"{len(feeds)} feed(s)")
    for column in ("outlet", "url", "last status", "failures", "last success", "next fetch", "last error"):
        table.add_column(column, overflow="fold")
    for feed in feeds:
        when = feed.last_success_at.strftime("%Y-%m-%d %H:%M") if feed.last_success_at else "never"
        if feed.disabled_at is not None:
            status, due = "disabled", f"disabled {feed.disabled_at:%Y-%m-%d %H:%M}"
        else:
            status = feed.last_status or "-"
            due = f"{feed.next_fetch_at:%Y-%m-%d %H:%M}" if feed.next_fetch_at else "next run"
        table.add_row(
            Text(console_text(feed.outlet)), Text(console_text(feed.url)), status, str(feed.consecutive_failures),
            when, due, Text(console_text(feed.last_error or feed.last_warning or "")),
        )
    out.print(table)


# --- digest --------------------------------------------------------------------------------------


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
    from pydantic import ValidationError
    from rich.text import Text

    from factcheck.config.settings import Settings
    from factcheck.flows.reports.delivery import channels, deliver
    from factcheck.flows.reports.digest import digest_for_run, digest_since, render_console

    if (since is None) == (run is None):
        raise fail("give either --since DAY or --run ID", code=2)
    try:
        settings = Settings()
    except ValidationError as exc:
        first = exc.errors()[0]
        message = str(first["msg"]).removeprefix("Value error, ")
        raise fail(message if message.startswith("FACTCHECK_") else f"FACTCHECK_{str(first['loc'][0]).upper()}: {message}") from None
    url = use_database(database)
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


# --- review web app ------------------------------------------------------------------------------


@app.command("review-ui")
def review_ui(
    host: Annotated[str, typer.Option(help="Address to listen on (loopback by default; put HTTPS in front otherwise).")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8765,
    database: DatabaseOpt = None,
) -> None:
    """Serve the reviewers' web app: the queue, pair pages, verdicts (sign-in required)."""
    import uvicorn

    from factcheck.flows.web.app import create_app

    url = use_database(database)
    try:
        web = create_app(url)
    except database_errors() as exc:
        raise fail(db_error(exc)) from None
    if host not in ("127.0.0.1", "localhost", "::1"):
        err.print(f"listening on {host}: serve it behind HTTPS (session cookies are marked Secure only over HTTPS)", style="yellow")
    err.print(f"review app on http://{'[' + host + ']' if ':' in host else host}:{port}/  (Ctrl-C stops it)")
    uvicorn.run(web, host=host, port=port, log_level="warning", proxy_headers=True, server_header=False)


def _reviewer_name(name: str) -> str:
    from factcheck.db.reviews import ReviewerError, check_name

    try:
        return check_name(name)
    except ReviewerError as exc:
        raise fail(str(exc), code=2) from None


def _new_password(password_stdin: bool) -> str:
    """One line of standard input (scripts), or asked twice with hidden input."""
    if password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return typer.prompt("Password", hide_input=True, confirmation_prompt=True)


def _change_reviewers(database: str | None, change) -> int:
    """Run `change(session)` in one transaction; a ReviewerError (no such name...) is one line."""
    from factcheck.db.reviews import ReviewerError

    url = use_database(database)
    try:
        with open_session(url) as session:
            return change(session)
    except ReviewerError as exc:
        raise fail(str(exc)) from None


PasswordStdinOpt = Annotated[bool, typer.Option("--password-stdin", help="Read the password from standard input.")]


@reviewers_app.command("add")
def reviewers_add(
    name: Annotated[str, typer.Argument(help="The reviewer's name (shown with their verdicts).")],
    password_stdin: PasswordStdinOpt = False,
    database: DatabaseOpt = None,
) -> None:
    """Add a reviewer account; the password is asked twice (hidden) unless --password-stdin."""
    from factcheck.db.reviews import add_reviewer

    name = _reviewer_name(name)
    password = _new_password(password_stdin)
    _change_reviewers(database, lambda session: add_reviewer(session, name, password))
    out.print(f"reviewer {name!r} added", highlight=False)


@reviewers_app.command("list")
def reviewers_list(database: DatabaseOpt = None) -> None:
    """Every reviewer: enabled or disabled, created, last sign-in, open sessions."""
    from rich.table import Table
    from rich.text import Text

    from factcheck.db.reviews import list_reviewers

    url = use_database(database)
    with open_session(url) as session:
        reviewers = list_reviewers(session)

    def when(value: datetime | None) -> str:
        return f"{value:%Y-%m-%d %H:%M}" if value else "never"

    table = Table(title=f"{len(reviewers)} reviewer(s)")
    for column in ("name", "status", "created", "last sign-in", "sessions"):
        table.add_column(column, overflow="fold")
    for r in reviewers:
        status = f"disabled {r.disabled_at:%Y-%m-%d %H:%M}" if r.disabled_at else "enabled"
        table.add_row(Text(r.name), status, when(r.created_at), when(r.last_login_at), str(r.sessions))
    out.print(table)


@reviewers_app.command("disable")
def reviewers_disable(name: Annotated[str, typer.Argument(help="The reviewer.")], database: DatabaseOpt = None) -> None:
    """Block a reviewer's sign-in and end their sessions; their verdicts stay."""
    from factcheck.db.reviews import set_disabled

    name = _reviewer_name(name)
    ended = _change_reviewers(database, lambda session: set_disabled(session, name, True))
    out.print(f"reviewer {name!r} disabled; {ended} session(s) ended", highlight=False)


@reviewers_app.command("enable")
def reviewers_enable(name: Annotated[str, typer.Argument(help="The reviewer.")], database: DatabaseOpt = None) -> None:
    """Let a disabled reviewer sign in again (with their current password)."""
    from factcheck.db.reviews import set_disabled

    name = _reviewer_name(name)
    _change_reviewers(database, lambda session: set_disabled(session, name, False))
    out.print(f"reviewer {name!r} enabled", highlight=False)


@reviewers_app.command("reset-password")
def reviewers_reset_password(
    name: Annotated[str, typer.Argument(help="The reviewer.")],
    password_stdin: PasswordStdinOpt = False,
    database: DatabaseOpt = None,
) -> None:
    """Set a new password (asked twice, hidden, unless --password-stdin) and end the reviewer's sessions."""
    from factcheck.db.reviews import set_password

    name = _reviewer_name(name)
    password = _new_password(password_stdin)
    ended = _change_reviewers(database, lambda session: set_password(session, name, password))
    out.print(f"password of {name!r} changed; {ended} session(s) ended", highlight=False)


@reviewers_app.command("sign-out-all")
def reviewers_sign_out_all(
    name: Annotated[Optional[str], typer.Option("--name", help="Only this reviewer's sessions.")] = None,
    database: DatabaseOpt = None,
) -> None:
    """End every session of the review app (of every reviewer, or of one with --name)."""
    from factcheck.db.reviews import end_sessions

    name = _reviewer_name(name) if name is not None else None
    ended = _change_reviewers(database, lambda session: end_sessions(session, name))
    out.print(f"{ended} session(s) ended", highlight=False)


# --- db ------------------------------------------------------------------------------------------


@db_app.command("upgrade")
def db_upgrade(database: DatabaseOpt = None) -> None:
    """Bring the database schema up to date (also done automatically on first use)."""
    from factcheck.db.engine import get_engine

    url = use_database(database)
    try:
        get_engine(url)
    except database_errors() as exc:
        raise fail(db_error(exc)) from None
    out.print("database schema is up to date")


def main() -> None:
    for key, value in PREFECT_QUIET.items():
        os.environ.setdefault(key, value)
    app()


if __name__ == "__main__":
    main()
