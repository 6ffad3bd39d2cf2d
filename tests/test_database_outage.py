"""A database that goes away before or during a run: bounded retries, one clear error, and a
later run that finishes the work.

PostgreSQL is reached through a TCP proxy on loopback (tests/db_proxy.py) that the tests cut and
restore; nothing is mocked. Retries are made short through the environment (FACTCHECK_DB_RETRIES,
FACTCHECK_DB_RETRY_BUDGET_S), read when an engine is created.
"""

from __future__ import annotations

import os
import re
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import quote

import pytest
from db_proxy import DbProxy
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError, ProgrammingError
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from factcheck.db import store
from factcheck.db.engine import DatabaseConnectionLost, DatabaseUnavailable, dispose_all, session_scope
from factcheck.db.models import Article, Claim, ClaimPair, Feed, Run
from factcheck.flows.demo.site import CorpusSite, demo_corpus, feeds_toml

POSTGRES_URL = os.environ.get("FACTCHECK_TEST_POSTGRES_URL")
needs_postgres = pytest.mark.skipif(not POSTGRES_URL, reason="needs PostgreSQL: set FACTCHECK_TEST_POSTGRES_URL")

PASSWORD = "secret-pw"  # sent in every proxied URL (trust auth ignores it); must never be shown
# What the driver says when a connection is accepted and dropped at once (it depends on timing).
RESET = ("server closed the connection unexpectedly", "broken pipe", "connection reset by peer")
MESSAGE = re.compile(
    r"database postgresql\+psycopg://postgres:\*\*\*@127\.0\.0\.1:(\d+)/test\S* "
    r"unavailable after (\d+) attempts in (\d+\.\d) s: (.+)"
)


def wait_until(condition: Callable[[], bool], timeout: float, what: str, every: float = 0.01) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(every)


def with_schema(url: str, schema: str) -> str:
    return f"{url}{'&' if '?' in url else '?'}options={quote(f'-csearch_path={schema}')}"


@pytest.fixture
def schemas() -> Iterator[Callable[[], str]]:
    """Fresh PostgreSQL schemas on demand; dropped afterwards, directly (never through a proxy)."""
    if not POSTGRES_URL:
        pytest.skip("needs PostgreSQL: set FACTCHECK_TEST_POSTGRES_URL")
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    made: list[str] = []

    def make() -> str:
        name = f"t_{uuid.uuid4().hex[:12]}"
        with admin.connect() as conn:
            conn.execute(text(f'CREATE SCHEMA "{name}"'))
        made.append(name)
        return name

    try:
        yield make
    finally:
        dispose_all()
        with admin.connect() as conn:
            for name in made:
                conn.execute(text(f'DROP SCHEMA "{name}" CASCADE'))
        admin.dispose()


@pytest.fixture
def proxy() -> Iterator[DbProxy]:
    if not POSTGRES_URL:
        pytest.skip("needs PostgreSQL: set FACTCHECK_TEST_POSTGRES_URL")
    target = make_url(POSTGRES_URL)
    with DbProxy(target.host or "127.0.0.1", target.port or 5432) as running:
        yield running


def proxied(proxy: DbProxy, schema: str) -> str:
    """The schema's URL through the proxy, with a password that must never be shown."""
    url = make_url(POSTGRES_URL).set(host="127.0.0.1", port=proxy.port, password=PASSWORD)
    return with_schema(url.render_as_string(hide_password=False), schema)


def direct(schema: str) -> str:
    return with_schema(POSTGRES_URL, schema)


@pytest.fixture
def retries(monkeypatch) -> Callable[[int, float], None]:
    """Set FACTCHECK_DB_RETRIES / FACTCHECK_DB_RETRY_BUDGET_S (read by engines created afterwards)."""

    def set_retries(count: int, budget_s: float) -> None:
        monkeypatch.setenv("FACTCHECK_DB_RETRIES", str(count))
        monkeypatch.setenv("FACTCHECK_DB_RETRY_BUDGET_S", str(budget_s))

    set_retries(2, 10)  # 3 attempts, about 1.5 to 3 s of backoff
    return set_retries


def count_rows(schema: str, model, *where) -> int:
    """Counted on a plain engine, straight to PostgreSQL: not through the proxy or the app's engine."""
    engine = create_engine(direct(schema))
    try:
        with Session(engine) as session:
            return session.scalar(select(func.count()).select_from(model).where(*where))
    finally:
        engine.dispose()


def stored_articles(schema: str) -> int:
    try:
        return count_rows(schema, Article)
    except ProgrammingError:  # the run has not created its tables yet
        return 0


def run_once(url: str, kind: str) -> int:
    with session_scope(url) as session:
        return store.start_run(session, kind=kind, flow_run_id=None)


def assert_one_clear_line(message: str) -> re.Match:
    assert "\n" not in message and PASSWORD not in message, message
    match = MESSAGE.fullmatch(message)
    assert match, message
    return match


# --- opening a connection: retried within bounds ----------------------------------------------


@needs_postgres
def test_a_cut_connection_is_opened_again_when_the_database_returns_within_the_budget(proxy, schemas, retries):
    retries(6, 30)
    schema = schemas()
    url = proxied(proxy, schema)
    run_once(url, "before")  # the engine, its schema and a pooled connection through the proxy
    proxy.cut("reset")  # the pooled connection dies; new ones are accepted and dropped at once
    with ThreadPoolExecutor(1) as pool:
        started = time.monotonic()
        future = pool.submit(run_once, url, "during")
        wait_until(lambda: proxy.rejected >= 2, 15, "two connection attempts turned away")
        proxy.restore()
        future.result(timeout=30)
        elapsed = time.monotonic() - started
    assert 2 <= proxy.rejected <= 7  # retried, and no more than 1 + FACTCHECK_DB_RETRIES times
    assert elapsed < 30
    assert count_rows(schema, Run, Run.kind == "during") == 1  # stored once


@needs_postgres
def test_a_database_that_stays_down_is_given_up_after_the_bounded_attempts(proxy, schemas, retries):
    retries(2, 30)  # the count bounds this one: 3 attempts
    schema = schemas()
    url = proxied(proxy, schema)
    run_once(url, "before")
    proxy.cut("reset")
    started = time.monotonic()
    with pytest.raises(DatabaseUnavailable) as info:
        run_once(url, "during")
    elapsed = time.monotonic() - started
    match = assert_one_clear_line(str(info.value))
    assert int(match[1]) == proxy.port and match[4] in RESET, match[4]
    assert info.value.attempts == int(match[2]) == proxy.rejected == 3
    assert 1.5 <= elapsed < 15  # two backoff pauses (at least 0.5 s, then 1 s), not the 30 s budget

    # Just after giving up, other connections (other tasks, the flow recording its failure) make
    # one attempt each instead of a new cycle; the message keeps counting the same outage.
    started = time.monotonic()
    with pytest.raises(DatabaseUnavailable) as again:
        run_once(url, "during")
    assert time.monotonic() - started < 1.5 and proxy.rejected == 4
    assert again.value.attempts == 4 and again.value.elapsed_s >= info.value.elapsed_s

    proxy.restore()  # the first connection that opens ends the outage
    run_once(url, "after")
    assert count_rows(schema, Run, Run.kind == "during") == 0
    assert count_rows(schema, Run, Run.kind == "after") == 1


@needs_postgres
def test_the_time_budget_bounds_the_retries_of_a_refused_or_silent_server(proxy, schemas, retries):
    retries(20, 2)
    schema = schemas()
    url = proxied(proxy, schema)
    run_once(url, "before")

    proxy.cut("refuse")  # a stopped server
    started = time.monotonic()
    with pytest.raises(DatabaseUnavailable) as refused:
        run_once(url, "during")
    elapsed = time.monotonic() - started
    match = assert_one_clear_line(str(refused.value))
    assert match[4] == "connection refused"
    assert 2 <= refused.value.attempts < 21 and elapsed < 2 + 1  # no retry starts after 2 s

    dispose_all()  # forget the outage: a new cycle for the next case
    proxy.restore()
    run_once(url, "before")
    proxy.cut("blackhole")  # a server that accepts and never answers: each attempt times out
    started = time.monotonic()
    with pytest.raises(DatabaseUnavailable) as silent:
        run_once(url, "during")
    elapsed = time.monotonic() - started
    assert "timeout" in silent.value.reason and PASSWORD not in str(silent.value)
    assert 1.5 <= elapsed < 2 + 3  # one attempt's time limit is cut to the budget left (libpq: at least 2 s)
    proxy.restore()


@needs_postgres
def test_an_integrity_error_is_not_retried_nor_disguised(proxy, schemas, retries):
    schema = schemas()
    url = proxied(proxy, schema)
    with session_scope(url) as session:
        session.add(Feed(url="http://feeds.example/rss", outlet="Harbour Post"))
    opened, runs = proxy.accepted, []
    with pytest.raises(IntegrityError):
        with session_scope(url) as session:
            runs.append(1)
            session.add(Feed(url="http://feeds.example/rss", outlet="Harbour Post"))
            session.flush()
    assert runs == [1] and proxy.accepted == opened and proxy.rejected == 0
    assert count_rows(schema, Feed) == 1


# --- a connection lost in the middle of a transaction -----------------------------------------


@needs_postgres
def test_a_transaction_cut_in_the_middle_is_rolled_back_and_reported(proxy, schemas, retries):
    schema = schemas()
    url = proxied(proxy, schema)
    run_once(url, "before")

    def restore_after_a_refusal() -> None:
        wait_until(lambda: proxy.rejected >= 1, 15, "an attempt to reconnect")
        proxy.restore()

    helper = threading.Thread(target=restore_after_a_refusal, daemon=True)
    with pytest.raises(DatabaseConnectionLost) as info:
        with session_scope(url) as session:
            store.start_run(session, kind="lost", flow_run_id=None)  # sent, not committed
            proxy.cut("reset")
            helper.start()
            session.execute(text("SELECT 1"))
    helper.join(timeout=20)
    message = str(info.value)
    assert "lost in the middle of a transaction, which was rolled back" in message, message
    assert "the database answers again" in message and PASSWORD not in message and "\n" not in message
    assert count_rows(schema, Run, Run.kind == "lost") == 0  # nothing half-stored
    run_once(url, "after")  # and the engine works again at once
    assert count_rows(schema, Run, Run.kind == "after") == 1

    # The same with a database that stays down: the bounded wait, then DatabaseUnavailable.
    with pytest.raises(DatabaseUnavailable) as down:
        with session_scope(url) as session:
            store.start_run(session, kind="lost", flow_run_id=None)
            proxy.cut("refuse")
            session.execute(text("SELECT 1"))
    assert not isinstance(down.value, DatabaseConnectionLost)
    assert str(down.value).endswith("(the connection was lost in the middle of a transaction, which was rolled back)")
    assert down.value.attempts >= 2
    proxy.restore()
    assert count_rows(schema, Run, Run.kind == "lost") == 0


# --- SQLite ------------------------------------------------------------------------------------


def test_a_sqlite_file_that_cannot_be_opened_fails_at_once_with_a_clear_message(tmp_path, retries):
    url = f"sqlite:///{tmp_path / 'missing' / 'factcheck.db'}"
    started = time.monotonic()
    with pytest.raises(DatabaseUnavailable) as info:
        run_once(url, "nightly")
    assert time.monotonic() - started < 1.5  # a permanent error: no retries, no waiting
    assert str(info.value) == f"database {url} unavailable: unable to open database file (not retried: waiting does not fix this)"
    assert info.value.attempts == 1


# --- whole runs ---------------------------------------------------------------------------------


class GatedSite(CorpusSite):
    """The demo corpus; after `free_pages` article pages, page requests wait until `gate` is set."""

    def __init__(self, free_pages: int) -> None:
        super().__init__(demo_corpus())
        self.free_pages = free_pages
        self.gate = threading.Event()
        self._served = 0
        self._count = threading.Lock()

    def close_gate(self) -> None:
        """From now on, serve `free_pages` pages, then hold the others until `gate` is set."""
        with self._count:
            self._served = 0
            self.gate.clear()

    def render_page(self, article):
        with self._count:
            self._served += 1
            free = self._served <= self.free_pages
        if not free:
            self.gate.wait(timeout=30)
        return super().render_page(article)


@pytest.fixture
def gated_site(tmp_path: Path, monkeypatch) -> Iterator[tuple[GatedSite, Path]]:
    monkeypatch.setenv("FACTCHECK_ALLOW_PRIVATE_ADDRESSES", "true")
    with GatedSite(free_pages=1) as site:
        path = tmp_path / "feeds.toml"
        path.write_text(feeds_toml(site), encoding="utf-8")
        yield site, path


def snapshot(schema: str) -> dict[str, object]:
    """What a run stored, by natural keys (ids differ between databases), and the row counts."""
    engine = create_engine(direct(schema))
    try:
        with Session(engine) as session:
            url_of = dict(session.execute(select(Article.id, Article.url)).all())
            claims = {c.id: (url_of[c.article_id], c.text) for c in session.scalars(select(Claim))}
            events: dict[int, set[str]] = {}
            for article_id, event_id in session.execute(select(Article.id, Article.event_id)):
                events.setdefault(event_id, set()).add(url_of[article_id])
            pairs = [frozenset((claims[p.claim_a_id], claims[p.claim_b_id])) for p in session.scalars(select(ClaimPair))]
            return {
                "articles": set(url_of.values()),
                "claims": set(claims.values()),
                "events": {frozenset(urls) for urls in events.values()},
                "pairs": set(pairs),
                "rows": {
                    "articles": len(url_of), "claims": len(claims), "pairs": len(pairs),
                    "feeds": session.scalar(select(func.count(Feed.id))),
                },
                "duplicate keys": (len(claims) - len(set(claims.values())), len(pairs) - len(set(pairs))),
            }  # fmt: skip
    finally:
        engine.dispose()


@needs_postgres
def test_a_run_whose_database_goes_away_in_the_middle_fails_clearly_and_the_next_run_completes_the_work(
    prefect_harness, proxy, schemas, retries, gated_site, monkeypatch
):
    from factcheck.flows.nightly import nightly

    site, feeds = gated_site
    reference, interrupted = schemas(), schemas()

    # An uninterrupted run of the same corpus, straight to PostgreSQL: what a complete run stores.
    monkeypatch.setenv("FACTCHECK_DATABASE_URL", direct(reference))
    site.gate.set()
    assert nightly(feeds_file=str(feeds), return_state=True).is_completed()
    expected = snapshot(reference)
    assert expected["rows"]["articles"] == len(site.corpus.articles) and expected["pairs"]

    # The same corpus through the proxy; the database is cut once the first article is stored
    # (the other pages wait for the cut, so the run is always in the middle of storing them).
    site.close_gate()
    monkeypatch.setenv("FACTCHECK_DATABASE_URL", proxied(proxy, interrupted))
    with ThreadPoolExecutor(1) as pool:
        run = pool.submit(nightly, feeds_file=str(feeds), return_state=True)
        try:
            wait_until(lambda: stored_articles(interrupted) >= 1 or run.done(), 60, "the first stored article", 0.05)
            assert not run.done(), run.result().message
            proxy.cut("refuse")
            cut_at = time.monotonic()
        finally:
            site.gate.set()  # on a failure too, so that the run ends at once
        state = run.result(timeout=60)
        failed_after = time.monotonic() - cut_at
    assert state.is_failed(), state.message
    match = MESSAGE.search(state.message)
    assert match and int(match[1]) == proxy.port and match[4] == "connection refused", state.message
    assert int(match[2]) >= 3 and PASSWORD not in state.message  # 1 + FACTCHECK_DB_RETRIES at least
    assert failed_after < 30  # about one retry cycle (1.5 to 3 s here), plus Prefect's own work
    stored = count_rows(interrupted, Article)
    assert 1 <= stored < len(site.corpus.articles)

    # The run's row could not be marked failed while the database was down: it stays "running"
    # (never "completed"); the articles it stored are kept.
    proxy.restore()
    assert count_rows(interrupted, Run, Run.status == "completed") == 0

    # The next run finishes the work: the same data as the uninterrupted run, nothing twice.
    # (The cut run stored no feed validators, so the feeds are fetched in full again.)
    state = nightly(feeds_file=str(feeds), return_state=True)
    assert state.is_completed(), state.message
    got = snapshot(interrupted)
    assert got["duplicate keys"] == (0, 0)
    assert got["articles"] <= expected["articles"] and got["claims"] <= expected["claims"]
    assert got == expected


# --- the command line --------------------------------------------------------------------------


@needs_postgres
def test_factcheck_run_with_the_database_down_prints_one_line_and_exits_non_zero(
    prefect_harness, proxy, retries, gated_site, monkeypatch
):
    from factcheck.flows.cli import app

    _site, feeds = gated_site
    monkeypatch.setenv("FACTCHECK_DATABASE_URL", "sqlite://")  # `--database` overwrites it; restored afterwards
    proxy.cut("refuse")
    url = make_url(POSTGRES_URL).set(host="127.0.0.1", port=proxy.port, password=PASSWORD)
    result = CliRunner().invoke(app, ["run", "--feeds", str(feeds), "--database", url.render_as_string(hide_password=False)])
    assert result.exit_code == 1, result.output
    errors = [line for line in result.output.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "Traceback" not in result.output, result.output
    match = MESSAGE.fullmatch(errors[0].removeprefix("error: "))
    assert match and match[2] == "3" and match[4] == "connection refused", result.output
    assert PASSWORD not in result.output
