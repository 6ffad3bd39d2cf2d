"""A run killed with SIGKILL in the middle of analysis, then run again, leaves the database an
uninterrupted run leaves: the same articles, claims, events and pairs, nothing stored twice, and
every reviewer's verdict as the reviewer left it. On SQLite and PostgreSQL.

The killed run is the installed `factcheck run` command in a child process of its own process
group (killed as a whole: the run, its CPU worker processes, anything else it started), reporting
to the session's Prefect test server, over a synthetic corpus served on loopback. The moment to
kill is read from the database, never guessed from time: the child is killed as soon as the
database shows the stage half done, and the state left behind is checked to be half done indeed.

    1. A first night over three of the eight outlets; a reviewer gives verdicts on some pairs.
    2. `factcheck run --feeds all.toml`, killed in contradiction detection: new pairs stored for
       some events while other events still wait for detection.
    3. The same command again, to completion.

The reference is the same two nights, uninterrupted, into a fresh database.

Claims are split as each page is stored (the analysis splits only what that left over), so a
kill "while claims are extracted" is a kill during ingest: that is the second test. (It found
that a feed's new ETag was stored before its pages, so the next run got a 304 and never fetched
the pages the killed run had not stored; the validators are now stored after the pages.)
"""

from __future__ import annotations

import importlib.util
import os
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from factcheck.db import processes, store
from factcheck.db.engine import get_engine, session_scope
from factcheck.db.models import Article, Claim, ClaimPair, Event, PairReview, Run
from factcheck.db.queries import review_pair
from factcheck.flows.demo.site import CorpusSite, feeds_toml, load_corpus

ROOT = Path(__file__).resolve().parents[1]
# About twelve events of ten articles: detection runs them as a batch of ten events and a batch of
# the rest (flows/analyze.py, EVENT_BATCH) on two threads, so the small batch is stored about half
# a second before the big one. The child is killed in between, seen by a poll every 2 ms. (Should
# a faster detector close that gap, "the run ended before it was detecting contradictions" says
# so: make the events bigger.)
ARTICLES, OUTLETS, EVENTS, SEED = 120, 8, 12, 11
FIRST_OUTLETS = 3  # outlets of the first night; every event has an article of each outlet
RUN_TIMEOUT_S = 240


# --- the corpus, served on loopback ----------------------------------------------------------


@dataclass(frozen=True)
class Feeds:
    site: CorpusSite
    first: Path  # the first FIRST_OUTLETS outlets
    all: Path


@pytest.fixture(scope="module")
def feeds(tmp_path_factory) -> Iterator[Feeds]:
    spec = importlib.util.spec_from_file_location("synthetic_corpus", ROOT / "bench" / "synthetic_corpus.py")
    assert spec and spec.loader, "bench/synthetic_corpus.py is missing"
    synthetic = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(synthetic)
    folder = tmp_path_factory.mktemp("crash-corpus")
    synthetic.generate(folder, articles=ARTICLES, outlets=OUTLETS, events=EVENTS, seed=SEED)
    with CorpusSite(load_corpus(folder)) as site:
        everything = feeds_toml(site)
        blocks = everything.split("\n\n")  # a comment line, then one [[feeds]] table per outlet
        assert len(blocks) == OUTLETS + 1
        first, all_ = folder / "first.toml", folder / "all.toml"
        first.write_text("\n\n".join(blocks[: 1 + FIRST_OUTLETS]) + "\n", encoding="utf-8")
        all_.write_text(everything, encoding="utf-8")
        yield Feeds(site, first, all_)


# --- runs: in this process, or `factcheck run` in a child process --------------------------------


def run_here(url: str, feeds_file: Path) -> None:
    """The nightly flow in this process, as the other pipeline tests run it."""
    from factcheck.flows.nightly import nightly

    with pytest.MonkeyPatch.context() as env:
        env.setenv("FACTCHECK_DATABASE_URL", url)
        env.setenv("FACTCHECK_ALLOW_PRIVATE_ADDRESSES", "true")  # the corpus is on 127.0.0.1
        nightly(feeds_file=str(feeds_file))


def _factcheck_command() -> list[str]:
    script = Path(sys.executable).with_name("factcheck")
    return [str(script)] if script.exists() else [sys.executable, "-m", "factcheck.flows.cli"]


@dataclass
class Child:
    """One `factcheck run` in its own process group, its output in a log file."""

    process: subprocess.Popen
    log: Path
    app_name: str  # its PostgreSQL connections' application_name

    def kill(self) -> None:
        """SIGKILL to the whole group, then reap the run process."""
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait(timeout=30)

    def output(self) -> str:
        text_ = self.log.read_text(encoding="utf-8", errors="replace")
        return "\n".join(line for line in text_.splitlines() if "Timeout of" not in line)[-4000:]


class Runner:
    """Starts `factcheck run --feeds F --database URL` against the test Prefect server."""

    def __init__(self, url: str, logs: Path) -> None:
        from prefect.settings import PREFECT_API_URL

        self.url, self.logs, self.count = url, logs, 0
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "FACTCHECK_"))}
        env.update(
            PREFECT_API_URL=str(PREFECT_API_URL.value()),  # the prefect_harness server
            PREFECT_HOME=str(logs / "prefect-home"),
            FACTCHECK_ALLOW_PRIVATE_ADDRESSES="true",  # the corpus is on 127.0.0.1
            PYTHONUNBUFFERED="1",
        )
        self.env = env

    def start(self, feeds_file: Path) -> Child:
        self.count += 1
        log = self.logs / f"run-{self.count}.log"
        app_name = f"crash-test-{uuid.uuid4().hex[:12]}"
        with log.open("wb") as out:
            process = subprocess.Popen(
                [*_factcheck_command(), "run", "--feeds", str(feeds_file), "--database", self.url],
                env={**self.env, "PGAPPNAME": app_name}, stdout=out, stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL, start_new_session=True, cwd=self.logs,
            )
        return Child(process, log, app_name)

    def complete(self, feeds_file: Path) -> Child:
        child = self.start(feeds_file)
        try:
            code = child.process.wait(timeout=RUN_TIMEOUT_S)
        finally:
            child.kill()
        if code != 0:
            pytest.fail(f"factcheck run exited with {code}:\n{child.output()}")
        return child

    def kill_when(self, feeds_file: Path, ready: Callable[[Progress], bool], what: str) -> Child:
        """Start a run and SIGKILL it the first time the database shows `ready`. (Failures here
        are pytest.fail, not AssertionError: an xfail for a known bug must not hide them.)"""
        child = self.start(feeds_file)
        deadline = time.monotonic() + RUN_TIMEOUT_S
        try:
            while not ready(progress(self.url)):
                code = child.process.poll()
                if code is not None:
                    pytest.fail(f"the run ended ({code}) before it was {what}:\n{child.output()}")
                if time.monotonic() > deadline:
                    pytest.fail(f"the run was not {what} after {RUN_TIMEOUT_S} s:\n{child.output()}")
                time.sleep(0.002)
        finally:
            child.kill()
        _wait_for_connections_to_end(self.url, child.app_name)
        return child


def _wait_for_connections_to_end(url: str, app_name: str) -> None:
    """PostgreSQL: the killed run's server processes finish the statement they were running and
    roll back; wait for them so that what is read next is what the crash left."""
    if not url.startswith("postgresql"):
        return
    deadline = time.monotonic() + 60
    query = text("SELECT count(*) FROM pg_stat_activity WHERE application_name = :name")
    while True:
        with session_scope(url) as session:
            if not session.scalar(query, {"name": app_name}):
                return
        if time.monotonic() > deadline:
            pytest.fail("the killed run's PostgreSQL connections did not end")
        time.sleep(0.05)


# --- what the database holds -----------------------------------------------------------------


@dataclass(frozen=True)
class Progress:
    articles: int
    without_claims: int  # articles whose claims are not extracted yet
    without_event: int
    events: int
    events_waiting: int  # events whose pairs are still to detect
    claims: int
    pairs: int


def progress(url: str) -> Progress:
    with session_scope(url) as session:
        row = session.execute(
            select(
                select(func.count()).select_from(Article).scalar_subquery(),
                select(func.count()).where(Article.claims_version.is_(None)).scalar_subquery(),
                select(func.count()).where(Article.event_id.is_(None)).scalar_subquery(),
                select(func.count()).select_from(Event).scalar_subquery(),
                select(func.count()).where(Event.pairs_version.is_(None)).scalar_subquery(),
                select(func.count()).select_from(Claim).scalar_subquery(),
                select(func.count()).select_from(ClaimPair).scalar_subquery(),
            )
        ).one()
    return Progress(*row)


@dataclass(frozen=True)
class Snapshot:
    """A database by natural keys: URLs and texts, never ids. Counters, so that a row stored
    twice shows up as a count of 2."""

    articles: Counter  # (url, content hash)
    claims: Counter  # (article url, position, text)
    events: Counter  # frozenset of article URLs (empty for an event without articles)
    # A pair's key is its two sides, sorted, each (article url, position, text): the position,
    # because an article may say the same sentence twice.
    pairs: Counter  # (key, score, detector version)
    verdicts: dict  # key -> (status, note, reviewer, reviewed_at, history oldest first)
    runs: list  # (status, pid, finished, error) in order

    def duplicates(self) -> dict[str, list]:
        found = {
            name: [key for key, n in getattr(self, name).items() if n > 1]
            for name in ("articles", "claims", "events", "pairs")
        }
        found["pair keys"] = [k for k, n in Counter(key for key, _, _ in self.pairs).items() if n > 1]
        found["empty events"] = [frozenset()] * self.events.get(frozenset(), 0)
        return {name: keys for name, keys in found.items() if keys}


def snapshot(url: str) -> Snapshot:
    with session_scope(url) as session:
        articles = session.execute(select(Article.id, Article.url, Article.content_hash, Article.event_id)).all()
        url_of = {a.id: a.url for a in articles}
        claims = session.execute(select(Claim.id, Claim.article_id, Claim.position, Claim.text)).all()
        side = {c.id: (url_of[c.article_id], c.position, c.text) for c in claims}
        members: dict[int, set[str]] = {e: set() for e in session.scalars(select(Event.id))}
        for a in articles:
            if a.event_id is not None:
                members[a.event_id].add(a.url)
        history: dict[int, list] = {}
        for r in session.scalars(select(PairReview).order_by(PairReview.created_at, PairReview.id)):
            history.setdefault(r.pair_id, []).append((r.verdict, r.note, r.reviewer, r.created_at))
        pairs, verdicts = Counter(), {}
        for p in session.scalars(select(ClaimPair)):
            key = tuple(sorted((side[p.claim_a_id], side[p.claim_b_id])))
            pairs[(key, p.score, p.detector_version)] += 1
            if p.status != "pending" or p.id in history:
                verdicts[key] = (p.status, p.note, p.reviewer, p.reviewed_at, tuple(history.get(p.id, ())))
        runs = [
            (r.status, r.pid, r.finished_at is not None, r.error)
            for r in session.scalars(select(Run).order_by(Run.id))
        ]
    return Snapshot(
        articles=Counter((a.url, a.content_hash) for a in articles),
        claims=Counter((url_of[c.article_id], c.position, c.text) for c in claims),
        events=Counter(frozenset(urls) for urls in members.values()),
        pairs=pairs,
        verdicts=verdicts,
        runs=runs,
    )


def _review(url: str) -> dict:
    """A reviewer's verdicts on three pairs of different events, one of them given twice."""
    with session_scope(url) as session:
        chosen: dict[int, int] = {}
        for pair_id, event_id in session.execute(select(ClaimPair.id, ClaimPair.event_id).order_by(ClaimPair.id)):
            chosen.setdefault(event_id, pair_id)
        assert len(chosen) >= 3, f"the first night found pairs in {len(chosen)} event(s) only"
        first, second, third = list(chosen.values())[:3]
    with session_scope(url) as session:
        review_pair(session, first, verdict="confirmed", reviewer="ana", note="both outlets checked")
        review_pair(session, second, verdict="rejected", reviewer="ben", note="different vessels")
    with session_scope(url) as session:
        review_pair(session, third, verdict="unsure", reviewer="ana")
    with session_scope(url) as session:
        review_pair(session, third, verdict="confirmed", reviewer="carla", note="the ministry confirmed it")
    verdicts = snapshot(url).verdicts
    assert len(verdicts) == 3 and sum(len(v[4]) for v in verdicts.values()) == 4
    return verdicts


def _describe(a: Counter, b: Counter, limit: int = 3) -> str:
    extra, missing = a - b, b - a
    return (
        f"{sum(extra.values())} extra, e.g. {list(extra)[:limit]}; "
        f"{sum(missing.values())} missing, e.g. {list(missing)[:limit]}"
    )


@pytest.fixture(scope="module")
def reference(prefect_harness, feeds, tmp_path_factory) -> Snapshot:
    """The two nights, uninterrupted, into a fresh database. Natural keys do not depend on the
    database, so one reference (on SQLite) serves both kinds."""
    url = f"sqlite:///{tmp_path_factory.mktemp('reference') / 'reference.db'}"
    run_here(url, feeds.first)
    run_here(url, feeds.all)
    found = snapshot(url)
    assert not found.duplicates()
    assert sum(found.articles.values()) == ARTICLES and len(found.events) > 1 and found.pairs
    assert [r[0] for r in found.runs] == ["completed", "completed"] and not found.verdicts
    return found


# --- the test ----------------------------------------------------------------------------------


def test_a_run_killed_during_detection_then_run_again_stores_what_an_uninterrupted_run_stores(
    prefect_harness, database_url, reference, feeds, tmp_path
):
    # 1. A first night over three of the eight outlets; a reviewer judges some of its pairs.
    run_here(database_url, feeds.first)
    verdicts = _review(database_url)
    before = progress(database_url)
    assert before.without_claims == before.without_event == before.events_waiting == 0 and before.pairs > 0

    # 2. The next night, over every outlet, killed while contradictions are being detected.
    runner = Runner(database_url, tmp_path)
    killed = runner.kill_when(
        feeds.all, lambda p: p.pairs > before.pairs and p.events_waiting > 0, "detecting contradictions"
    )
    crashed = progress(database_url)
    assert crashed.articles == ARTICLES and crashed.without_claims == crashed.without_event == 0, crashed
    assert crashed.pairs > before.pairs and 0 < crashed.events_waiting < crashed.events, (
        f"not killed half way through detection: {crashed}"
    )
    middle = snapshot(database_url)
    assert not middle.duplicates()
    assert middle.verdicts == verdicts
    assert [r[0] for r in middle.runs] == ["completed", "running"]  # it had no chance to say otherwise

    # 3. The same command again, to completion.
    runner.complete(feeds.all)
    after = progress(database_url)
    assert after.without_claims == after.without_event == after.events_waiting == 0

    got = snapshot(database_url)
    assert not got.duplicates(), got.duplicates()
    assert got.articles == reference.articles, _describe(got.articles, reference.articles)
    assert got.claims == reference.claims, _describe(got.claims, reference.claims)
    assert got.events == reference.events, _describe(got.events, reference.events)
    assert got.pairs == reference.pairs, _describe(got.pairs, reference.pairs)
    # No verdict touched: status, note, reviewer, time and history as the reviewer left them.
    assert got.verdicts == verdicts
    # The killed run is recorded as interrupted by the next one; none is left running.
    assert [r[0] for r in got.runs] == ["completed", "interrupted", "completed"]
    status, pid, finished, error = got.runs[1]
    assert pid == killed.process.pid and not finished
    assert f"process {pid} " in error and "ended without finishing" in error


def test_a_run_killed_while_it_stores_articles_loses_none_of_them(prefect_harness, reference, feeds, tmp_path):
    """A kill while the pages are fetched and stored (each with its claims, extracted as it is
    stored) leaves some of the feeds' articles stored and the others not fetched yet; the next run
    must fetch the rest. One kind of database is enough: the loss does not depend on it."""
    url = f"sqlite:///{tmp_path / 'factcheck.db'}"
    runner = Runner(url, tmp_path)
    runner.kill_when(feeds.all, lambda p: 0 < p.articles < ARTICLES, "storing articles")
    crashed = progress(url)
    if not 0 < crashed.articles < ARTICLES:
        pytest.fail(f"not killed half way through storing articles: {crashed}")
    runner.complete(feeds.all)
    got = snapshot(url)
    assert got.articles == reference.articles, _describe(got.articles, reference.articles)
    assert got.claims == reference.claims, _describe(got.claims, reference.claims)
    assert not got.duplicates(), got.duplicates()
    assert [r[0] for r in got.runs] == ["interrupted", "completed"]


# --- runs whose process died ---------------------------------------------------------------


def _ended_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_the_next_run_marks_runs_whose_process_is_gone_as_interrupted(database_url):
    from factcheck.db.engine import make_engine
    from factcheck.db.migrate import upgrade

    # A run recorded before migration 0006 knows no process: it is never judged.
    engine = make_engine(database_url)
    upgrade(engine, "0005")
    with engine.begin() as conn:
        conn.execute(
            text("INSERT INTO runs (kind, status, started_at, counts) VALUES ('nightly', 'running', :t, '{}')"),
            {"t": datetime(2026, 3, 1)},  # naive UTC, as stored
        )
    upgrade(engine)
    engine.dispose()

    host, now = processes.this_host(), datetime.now(timezone.utc)
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        get_engine(database_url)
        rows = {
            "ended": Run(kind="nightly", status="running", host=host, pid=_ended_pid(), started_at=now),
            "alive": Run(kind="nightly", status="running", host=host, pid=sleeper.pid, started_at=now + timedelta(seconds=1)),
            "this process": Run(kind="manual", status="running", host=host, pid=os.getpid(), started_at=now),
            # The pid is taken, but by a process that started after the run: the run's has ended.
            "pid reused": Run(kind="nightly", status="running", host=host, pid=sleeper.pid, started_at=now - timedelta(days=1)),
            "other host": Run(kind="nightly", status="running", host="elsewhere", pid=_ended_pid(), started_at=now),
            "failed": Run(kind="nightly", status="failed", host=host, pid=_ended_pid(), started_at=now, error="boom"),
        }
        with session_scope(database_url) as session:
            session.add_all(rows.values())
            session.flush()
            ids = {name: run.id for name, run in rows.items()}
        with session_scope(database_url) as session:
            new = store.start_run(session, kind="nightly", flow_run_id=None)
        with session_scope(database_url) as session:
            status = {run.id: run for run in session.scalars(select(Run))}
    finally:
        sleeper.kill()
        sleeper.wait()
    assert {name: status[i].status for name, i in ids.items()} == {
        "ended": "interrupted", "alive": "running", "this process": "running", "pid reused": "interrupted",
        "other host": "running", "failed": "failed",
    }  # fmt: skip
    assert "ended without finishing" in status[ids["ended"]].error and status[ids["ended"]].finished_at is None
    assert status[ids["failed"]].error == "boom"
    old = next(run for run in status.values() if run.pid is None)
    assert old.status == "running"
    assert (status[new].status, status[new].host, status[new].pid) == ("running", host, os.getpid())
