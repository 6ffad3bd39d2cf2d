"""Shared pytest fixtures."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from loopback import LoopbackServer

from factcheck.tasks.net import HttpSettings, make_client

# --- HTTP fixtures ---


@pytest.fixture
def loopback() -> Iterator[LoopbackServer]:
    """A started HTTP server on 127.0.0.1; set `loopback.routes[path] = Route(...)`."""
    with LoopbackServer() as server:
        yield server


@pytest.fixture
def http_client() -> Iterator[httpx.Client]:
    """The production client, but allowed to reach loopback and with short timeouts."""
    settings = HttpSettings(allow_private_addresses=True, connect_timeout_s=2.0,
                            read_timeout_s=2.0)
    with make_client(settings) as client:
        yield client


# --- database fixtures ---
#
# Every database test runs on SQLite, and on PostgreSQL too when FACTCHECK_TEST_POSTGRES_URL is
# set (CI sets it); without it the PostgreSQL variants are skipped with a visible reason.

import os  # noqa: E402
import uuid  # noqa: E402
from urllib.parse import quote  # noqa: E402

from sqlalchemy import create_engine, text  # noqa: E402

POSTGRES_URL = os.environ.get("FACTCHECK_TEST_POSTGRES_URL")


def _postgres_schema_url(base: str) -> Iterator[str]:
    """A throw-away schema per test, selected through the connection's search_path."""
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in base else "?"
    try:
        yield f"{base}{separator}options={quote(f'-csearch_path={schema}')}"
    finally:
        from factcheck.db.engine import dispose_all

        dispose_all()
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path) -> Iterator[str]:
    """A fresh, empty database URL: SQLite file, or a PostgreSQL schema."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'factcheck.db'}"
        from factcheck.db.engine import dispose_all

        dispose_all()
    else:
        if not POSTGRES_URL:
            pytest.skip("PostgreSQL variant: set FACTCHECK_TEST_POSTGRES_URL to run it")
        yield from _postgres_schema_url(POSTGRES_URL)


@pytest.fixture
def use_database(database_url, monkeypatch) -> str:
    """Point the pipeline (which reads FACTCHECK_DATABASE_URL) at the test database."""
    monkeypatch.setenv("FACTCHECK_DATABASE_URL", database_url)
    return database_url


# --- Prefect fixtures ---


@pytest.fixture(scope="session")
def prefect_harness() -> Iterator[None]:
    """One temporary Prefect server (with its own SQLite database) for all flow tests."""
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("DO_NOT_TRACK", "1")
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


# --- scale-out fixtures ---


@pytest.fixture
def postgres_schema_url() -> Iterator[str]:
    """A fresh PostgreSQL schema (dropped afterwards); skipped with a visible reason without one."""
    if not POSTGRES_URL:
        pytest.skip("needs PostgreSQL: set FACTCHECK_TEST_POSTGRES_URL to run the scale-out test")
    yield from _postgres_schema_url(POSTGRES_URL)
