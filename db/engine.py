"""Engines and sessions. Migrations are applied the first time a URL is used in a process.

Opening a connection goes through `outages.connect` (bounded retries, one clear error; see
db/outages.py); a connection lost in the middle of a transaction is reported, not replayed.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError
from sqlalchemy.orm import Session

from factcheck.db.outages import (  # the errors are imported from here by callers too
    ConnectRetry,
    DatabaseConnectionLost,
    DatabaseUnavailable,
    connect,
    connection_lost,
    forget_outages,
    short_reason,
)
from factcheck.db.urls import MASK, SECRET_WORDS, mask_secrets, safe_url, url_has_password  # noqa: F401  (callers import them from here too)


class DatabaseUrlError(ValueError):
    """A database URL that cannot be used; the message says why without echoing a password."""


SUPPORTED = ("sqlite", "postgresql")

def check_url(url: str) -> str:
    if "\x00" in url:
        raise DatabaseUrlError("database URL contains a NUL character")
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise DatabaseUrlError(
            "database URL is not valid (expected e.g. sqlite:///factcheck.db or "
            "postgresql+psycopg://user@host/dbname)"
        ) from None
    except ValueError:  # make_url reads the port with int()
        raise DatabaseUrlError("database URL has an invalid port (expected a number from 1 to 65535)") from None
    if parsed.port is not None and not 0 < parsed.port < 65536:
        raise DatabaseUrlError(f"database URL has an invalid port {parsed.port} (expected 1 to 65535)")
    if parsed.get_backend_name() not in SUPPORTED:
        raise DatabaseUrlError(
            f"database URL uses '{parsed.get_backend_name()}'; supported: sqlite, postgresql+psycopg"
        )
    if parsed.get_backend_name() == "postgresql" and parsed.get_driver_name() not in ("psycopg",):
        raise DatabaseUrlError("PostgreSQL URLs must use the psycopg driver: postgresql+psycopg://...")
    return url


# --- engines and sessions --------------------------------------------------------------------


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _sqlite_read_only_pragmas(dbapi_connection, _record) -> None:
    """No switch to WAL (it writes the file header): reads only, said so to SQLite too."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA query_only=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def sqlite_file(url: str) -> Path | None:
    """The file a SQLite URL names (None: in memory, a URI filename, or not SQLite)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return None
    if parsed.query.get("uri") or parsed.database.startswith("file:"):
        return None
    return Path(parsed.database)


def read_only_sqlite(url: str) -> bool:
    """Whether the URL names an existing SQLite file this process may not write (a snapshot, a
    read-only mount): it is opened for reading, so that listing and exporting still work."""
    path = sqlite_file(url)
    return path is not None and path.is_file() and not os.access(path, os.W_OK)


def read_only_uri(path: Path) -> str:
    """A URL that opens a SQLite file read-only. Immutable (no locks, no -shm file) when its folder
    cannot be written and no -wal file holds changes: SQLite cannot read a WAL database there
    otherwise, and nobody can write it there either."""
    params = "mode=ro"
    if not os.access(path.parent, os.W_OK) and not path.with_name(path.name + "-wal").exists():
        params += "&immutable=1"
    return f"sqlite:///file:{quote(str(path.resolve()))}?{params}&uri=true"


def make_engine(url: str, retry: ConnectRetry | None = None) -> Engine:
    """An engine whose connections are opened with `retry` (default: from the settings)."""
    check_url(url)
    parsed = make_url(url)
    retry = retry or ConnectRetry.from_settings()
    try:
        if parsed.get_backend_name() == "sqlite" and read_only_sqlite(url):
            engine = create_engine(read_only_uri(sqlite_file(url)), connect_args={"timeout": 30})
            event.listen(engine, "connect", _sqlite_read_only_pragmas)
        elif parsed.get_backend_name() == "sqlite":
            engine = create_engine(url, connect_args={"timeout": 30})
            event.listen(engine, "connect", _sqlite_pragmas)
        else:
            engine = create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=10)
    except (ArgumentError, NoSuchModuleError) as exc:
        raise DatabaseUrlError(mask_secrets(f"database URL cannot be used: {exc}")) from None

    @event.listens_for(engine, "do_connect")
    def _open(dialect, _record, cargs, cparams):
        return connect(dialect, cargs, cparams, url=url, retry=retry)

    return engine


_lock = threading.Lock()
_engines: dict[str, Engine] = {}


def _prepare(engine: Engine, url: str) -> None:
    """Bring the schema up to date; a read-only SQLite file must already be (it cannot be migrated).
    A database that answers but cannot be used (a file that is not SQLite) raises one line."""
    from factcheck.db.migrate import is_current, upgrade

    try:
        if not read_only_sqlite(url):
            upgrade(engine)
        elif not is_current(engine):
            raise DatabaseUnavailable(
                f"database {safe_url(url)} is read-only and its schema is out of date: "
                "run `factcheck db upgrade` once with write access", reason="read-only, schema out of date",
            )  # fmt: skip
    except DBAPIError as exc:
        reason = short_reason(exc)
        raise DatabaseUnavailable(f"database {safe_url(url)} cannot be used: {reason}", reason=reason) from exc


def get_engine(url: str) -> Engine:
    """The process-wide engine for a URL, with the schema brought up to date once."""
    with _lock:
        engine = _engines.get(url)
        if engine is None:
            engine = make_engine(url)
            try:
                _prepare(engine, url)
            except BaseException:
                engine.dispose()
                raise
            _engines[url] = engine
        return engine


def _lost(engine: Engine, url: str, exc: DBAPIError, *, committing: bool) -> DatabaseUnavailable:
    """The error for a connection lost mid-transaction, once the database answers or is given up on."""
    what = "while committing (the transaction may or may not be stored)" if committing else (
        "in the middle of a transaction, which was rolled back"
    )
    try:
        with engine.connect():  # opened with the engine's retries; the pool already dropped the dead ones
            pass
    except DatabaseUnavailable as down:
        return DatabaseUnavailable(f"{down.message} (the connection was lost {what})", down.attempts, down.elapsed_s, down.reason)
    reason = short_reason(exc)
    return DatabaseConnectionLost(
        f"connection to database {safe_url(url)} lost {what}: {reason}; the database answers again, "
        "and the next run redoes the work",
        reason=reason,
    )


@contextmanager
def session_scope(url: str) -> Iterator[Session]:
    """A session that commits on success and rolls back on error.

    Its connection is opened with retries (see the module's docstring). A connection lost during
    the block or the commit is not retried (the block cannot run twice): after waiting, with the
    same bounds, for the database, DatabaseUnavailable or DatabaseConnectionLost is raised."""
    engine = get_engine(url)
    with Session(engine, expire_on_commit=False) as session:
        committing = False
        try:
            yield session
            committing = True
            session.commit()
        except DBAPIError as exc:
            if not connection_lost(exc):
                session.rollback()
                raise
            try:
                session.rollback()  # the server has rolled back already; this resets the session
            except DBAPIError:
                pass
            raise _lost(engine, url, exc, committing=committing) from exc
        except BaseException:
            session.rollback()
            raise


def dispose_all() -> None:
    """Close pooled connections and forget engines and outages (tests, and the CLI before it exits)."""
    with _lock:
        for engine in _engines.values():
            engine.dispose()
        _engines.clear()
    forget_outages()
