"""What every command shares: the Typer apps, the consoles, the `--database` option, one-line
errors instead of tracebacks, and input checks. Heavy imports (Prefect, SQLAlchemy models)
happen inside commands so that `factcheck --help` is instant and Prefect's environment is set
before Prefect loads."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated, Any, Optional

import typer
from rich.console import Console

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from factcheck.config.settings import Settings

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


@app.callback()
def command_scope(context: typer.Context) -> None:
    # Settings a command installs (`use_settings`) are its own: they are undone when it ends, so
    # that commands run one after another in one process (tests, scripts) do not inherit them.
    from factcheck.config.settings import restored

    context.with_resource(restored())


def fail(message: str, code: int = 1) -> typer.Exit:
    from factcheck.tasks.text_safety import console_markup

    err.print(f"[bold red]error:[/] {console_markup(message)}", highlight=False, soft_wrap=True)
    return typer.Exit(code)


DATABASE_ENV = ("FACTCHECK_DATABASE_URL", "FACTCHECK_DATABASE_URL_FILE")


def settings_error(exc: Exception) -> str:
    """One line about a setting that cannot be used, naming its variable but not its value."""
    from pydantic import ValidationError

    if not isinstance(exc, ValidationError):
        return str(exc)
    first = exc.errors()[0]
    message = str(first["msg"]).removeprefix("Value error, ")
    return message if message.startswith("FACTCHECK_") else f"FACTCHECK_{str(first['loc'][0]).upper()}: {message}"


def use_settings(database: str | None = None, *, default_database: str | None = None, **overrides: Any) -> Settings:
    """The command's settings: the environment's, with the command's options on top, installed as
    the run context of everything the command runs in this process until it ends.

    `--database` wins over FACTCHECK_DATABASE_URL and FACTCHECK_DATABASE_URL_FILE; `default_database`
    is used when none of them is given."""
    from pydantic import SecretStr, ValidationError

    from factcheck.config import settings as config
    from factcheck.db.engine import url_has_password

    if database:
        overrides.update(database_url=SecretStr(database), database_url_file=None)
        if url_has_password(database):
            err.print(
                "warning: the --database URL holds a password, which other users can see in the process "
                "list; use FACTCHECK_DATABASE_URL_FILE or FACTCHECK_DATABASE_URL instead",
                style="yellow", highlight=False, soft_wrap=True,
            )  # fmt: skip
    elif default_database and not any(os.environ.get(name) for name in DATABASE_ENV):
        overrides["database_url"] = SecretStr(default_database)
    try:
        settings = config.Settings(**overrides)
    except ValidationError as exc:
        raise fail(settings_error(exc)) from None
    config.install(settings)  # until the command ends: see `command_scope`
    return settings


def use_database(database: str | None, *, default: str | None = None, **overrides: Any) -> str:
    """`use_settings`, and the database URL checked (one-line error)."""
    from factcheck.config.settings import SettingsError
    from factcheck.db.engine import DatabaseUrlError, check_url

    settings = use_settings(database, default_database=default, **overrides)
    try:
        return check_url(settings.database())
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


def main() -> None:
    for key, value in PREFECT_QUIET.items():
        os.environ.setdefault(key, value)
    app()
