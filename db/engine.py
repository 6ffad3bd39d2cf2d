"""Engines and sessions. Migrations are applied the first time a URL is used in a process."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError
from sqlalchemy.orm import Session


class DatabaseUrlError(ValueError):
    """A database URL that cannot be used; the message says why without echoing a password."""


SUPPORTED = ("sqlite", "postgresql")


def check_url(url: str) -> str:
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise DatabaseUrlError(
            "database URL is not valid (expected e.g. sqlite:///factcheck.db or "
            "postgresql+psycopg://user@host/dbname)"
        ) from None
    if parsed.get_backend_name() not in SUPPORTED:
        raise DatabaseUrlError(
            f"database URL uses '{parsed.get_backend_name()}'; supported: sqlite, postgresql+psycopg"
        )
    if parsed.get_backend_name() == "postgresql" and parsed.get_driver_name() not in ("psycopg",):
        raise DatabaseUrlError("PostgreSQL URLs must use the psycopg driver: postgresql+psycopg://...")
    return url


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def make_engine(url: str) -> Engine:
    check_url(url)
    parsed = make_url(url)
    try:
        if parsed.get_backend_name() == "sqlite":
            engine = create_engine(url, connect_args={"timeout": 30})
            event.listen(engine, "connect", _sqlite_pragmas)
        else:
            engine = create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=10)
    except (ArgumentError, NoSuchModuleError) as exc:
        raise DatabaseUrlError(f"database URL cannot be used: {exc}") from None
    return engine


_lock = threading.Lock()
_engines: dict[str, Engine] = {}


def get_engine(url: str) -> Engine:
    """The process-wide engine for a URL, with the schema brought up to date once."""
    with _lock:
        engine = _engines.get(url)
        if engine is None:
            from factcheck.db.migrate import upgrade

            engine = make_engine(url)
            upgrade(engine)
            _engines[url] = engine
        return engine


@contextmanager
def session_scope(url: str) -> Iterator[Session]:
    """A session that commits on success and rolls back on error."""
    with Session(get_engine(url), expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def dispose_all() -> None:
    """Close pooled connections and forget engines (tests, and the CLI before it exits)."""
    with _lock:
        for engine in _engines.values():
            engine.dispose()
        _engines.clear()
