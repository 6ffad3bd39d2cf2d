"""The real nightly flow over outlets served on loopback, on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from datetime import datetime, timezone
from pathlib import Path

import pytest
from sqlalchemy import func, select

from factcheck.db.engine import session_scope
from factcheck.db.models import Article, Claim, ClaimPair, Event, Feed, RunIssue
from factcheck.db.queries import iter_pairs
from factcheck.flows.demo.site import CorpusSite, demo_corpus, feeds_toml

CORPUS = demo_corpus()
GOLD = {g.id: g for g in CORPUS.gold}

# Named pairs of the bundled demo corpus (flows/demo/corpus/gold.jsonl) that the pipeline must find.
MUST_FIND = {
    "g001": "report of a planned meeting vs a spokeswoman's denial that any negotiations existed",
    "g005": "31 vs 18 detainees in the same draft deal",
    "g011": "64 vs 41 passengers on the same ferry",
    "g021": "shares rose vs shares fell on the same Monday",
}
# Hard negatives that must not be reported.
MUST_NOT_FIND = {
    "g010": "31 detainees vs 'more than 30' people",
    "g015": "'more than 20' rescued vs 23 survivors",
    "g024": "same sentence shape about two different plants",
    "g014": "a death toll updated between Monday and Wednesday",
}


def _norm(text: str) -> str:
    text = text.replace("\u2019", "'").replace("\u201c", '"').replace("\u201d", '"')
    return re.sub(r"\s+", " ", text).strip().lower()


def _found(pairs, gold_id: str) -> bool:
    gold = GOLD[gold_id]
    paths = {a.id: a.url_path for a in CORPUS.articles}

    def side(pair_side, quote) -> bool:
        return pair_side.article_url.endswith(paths[quote.article]) and (
            _norm(pair_side.text) in _norm(quote.quote) or _norm(quote.quote) in _norm(pair_side.text)
        )

    return any(
        (side(p.claim_a, gold.a) and side(p.claim_b, gold.b)) or (side(p.claim_a, gold.b) and side(p.claim_b, gold.a))
        for p in pairs
    )


def _table_counts(url: str) -> dict[str, int]:
    with session_scope(url) as session:
        return {
            model.__tablename__: session.scalar(select(func.count()).select_from(model))
            for model in (Feed, Article, Claim, Event, ClaimPair)
        }


@pytest.fixture
def demo_feeds(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("FACTCHECK_ALLOW_PRIVATE_ADDRESSES", "true")
    with CorpusSite(CORPUS) as site:
        path = tmp_path / "feeds.toml"
        path.write_text(feeds_toml(site), encoding="utf-8")
        yield site, path


def test_nightly_flow_finds_named_contradictions_across_runs_without_duplicates(prefect_harness, use_database, demo_feeds):
    from factcheck.flows.nightly import nightly

    site, feeds = demo_feeds
    outlets = len(CORPUS.outlets)
    assert outlets >= 3

    # Night one sees only the first day of each story; night two sees the rest.
    first_day = min(a.published for a in CORPUS.articles)
    site.only_before = first_day.replace(hour=23, minute=59)
    night_one = nightly(feeds_file=str(feeds))
    assert night_one.counts["feeds_fetched"] == outlets
    assert 0 < night_one.counts["articles_stored"] < len(CORPUS.articles)

    site.only_before = None
    night_two = nightly(feeds_file=str(feeds))
    assert night_two.counts["articles_stored"] + night_one.counts["articles_stored"] == len(CORPUS.articles)

    # Articles of one corpus event share one stored event, also across the two nights.
    with session_scope(use_database) as session:
        event_of = {a.url: a.event_id for a in session.scalars(select(Article))}
        pairs = list(iter_pairs(session))
    for event, articles in CORPUS.events.items():
        ids = {event_of[site.article_url(a)] for a in articles}
        assert len(ids) == 1, f"{event} split over events {ids}"
    assert len(set(event_of.values())) == len(CORPUS.events)

    missing = [f"{gid}: {why}" for gid, why in MUST_FIND.items() if not _found(pairs, gid)]
    assert not missing, f"contradictions not found: {missing}"
    wrong = [f"{gid}: {why}" for gid, why in MUST_NOT_FIND.items() if _found(pairs, gid)]
    assert not wrong, f"compatible pairs reported: {wrong}"
    for pair in pairs:
        assert pair.reasons and all(r["detector"] and r["message"] for r in pair.reasons)
        assert (pair.claim_a.outlet, pair.claim_a.speaker) != (pair.claim_b.outlet, pair.claim_b.speaker)

    # A third run changes nothing: feeds answer 304 and no row is added twice.
    before = _table_counts(use_database)
    night_three = nightly(feeds_file=str(feeds))
    assert night_three.counts["feeds_not_modified"] == outlets
    assert night_three.counts["articles_stored"] == 0 and night_three.counts["new_pairs"] == 0
    assert _table_counts(use_database) == before


def test_a_rerun_after_the_feeds_change_keeps_reviewer_verdicts(prefect_harness, use_database, demo_feeds):
    from factcheck.db.queries import review_pair
    from factcheck.flows.nightly import nightly

    _site, feeds = demo_feeds
    nightly(feeds_file=str(feeds))
    with session_scope(use_database) as session:
        pair_id = session.scalar(select(ClaimPair.id).order_by(ClaimPair.id))
        assert pair_id is not None
        review_pair(session, pair_id, verdict="confirmed", reviewer="ana", note="checked with both outlets")
        # Pretend the detectors changed: every event is analysed again on the next run.
        session.execute(Event.__table__.update().values(pairs_version=None))
    nightly(feeds_file=str(feeds))
    with session_scope(use_database) as session:
        pair = session.get(ClaimPair, pair_id)
        assert (pair.status, pair.reviewer, pair.note) == ("confirmed", "ana", "checked with both outlets")
        assert session.scalar(select(func.count(RunIssue.id)).where(RunIssue.status == "failed")) == 0
    assert datetime.now(timezone.utc) > pair.reviewed_at


def test_an_llm_judge_on_loopback_confirms_pairs_within_its_cost_cap(prefect_harness, use_database, demo_feeds, monkeypatch):
    from test_llm_judge import FakeLLM, chat, verdict_json

    from factcheck.flows.nightly import nightly

    _site, feeds = demo_feeds
    server = FakeLLM()
    try:
        server.default = lambda body: chat(verdict_json(True, 0.9, "Both cannot be true of the same event."))
        monkeypatch.setenv("FACTCHECK_LLM_BASE_URL", server.base_url)
        monkeypatch.setenv("FACTCHECK_LLM_MODEL", "judge-small")
        monkeypatch.setenv("FACTCHECK_LLM_API_KEY", "sk-test-secret")
        monkeypatch.setenv("FACTCHECK_LLM_MAX_PAIRS", "3")
        summary = nightly(feeds_file=str(feeds))
        requests = len(server.requests)
    finally:
        server.close()
    assert requests == 3 and summary.counts["llm_calls"] == 3 and summary.counts["llm_confirmed"] == 3
    with session_scope(use_database) as session:
        pairs = list(iter_pairs(session))
    judged = [p for p in pairs if any(r["detector"] == "llm" for r in p.reasons)]
    assert 1 <= len(judged) <= 3
    assert all("Both cannot be true" in r["message"] for p in judged for r in p.reasons if r["detector"] == "llm")
    assert "sk-test-secret" not in str(summary.as_dict())


def test_a_configured_nli_model_rescores_pairs_in_a_real_run(prefect_harness, use_database, demo_feeds, monkeypatch, tmp_path):
    test_nli = pytest.importorskip("test_nli", reason="NLI test helpers")
    if test_nli.torch is None or test_nli.transformers is None:
        pytest.skip("torch/transformers missing: install the nli extra to run the NLI pipeline test")
    from factcheck.flows.nightly import nightly
    from factcheck.tasks.pairs.detect import DETECTOR_VERSION

    _site, feeds = demo_feeds
    model = test_nli.make_model(tmp_path / "tiny-nli", test_nli.STANDARD, bias={"contradiction": 10.0})
    monkeypatch.setenv("FACTCHECK_NLI_MODEL", model)
    monkeypatch.setenv("FACTCHECK_NLI_DEVICE", "cpu")
    nightly(feeds_file=str(feeds))
    with session_scope(use_database) as session:
        pairs = list(iter_pairs(session))
        versions = set(session.scalars(select(ClaimPair.detector_version)))
    assert pairs and versions == {f"{DETECTOR_VERSION}+nli:tiny-nli"}
    assert all(any(r["detector"] == "nli" for r in p.reasons) for p in pairs)


@pytest.mark.parametrize("runner", ["processes", "dask"])
def test_analysis_runs_on_a_process_pool_or_a_dask_cluster(prefect_harness, database_url, demo_feeds, monkeypatch, tmp_path, runner):
    """With the settings handed down by the entry point, not the environment: the worker
    processes must write to the database the run was given, not to the one the environment names."""
    if runner == "dask":
        pytest.importorskip("prefect_dask", reason="the dask extra is not installed (pip install 'factcheck[dask]')")
    from pydantic import SecretStr

    from factcheck.config.settings import Settings, use
    from factcheck.flows.nightly import nightly

    _site, feeds = demo_feeds
    decoy = tmp_path / "not-this.db"
    monkeypatch.setenv("FACTCHECK_DATABASE_URL", f"sqlite:///{decoy}")
    settings = Settings(database_url=SecretStr(database_url), analysis_runner=runner, analysis_workers=2)
    with use(settings):
        summary = nightly(feeds_file=str(feeds))
    assert not decoy.exists()
    assert summary.counts["claims"] > 0 and summary.counts["new_pairs"] > 0
    with session_scope(database_url) as session:
        pairs = list(iter_pairs(session))
    assert _found(pairs, "g001") and _found(pairs, "g011")


def test_a_run_whose_database_is_down_fails_and_says_why(prefect_harness, demo_feeds, monkeypatch):
    import time

    from loopback import closed_port_url

    from factcheck.flows.nightly import nightly

    _site, feeds = demo_feeds
    port = closed_port_url().rsplit(":", 1)[1].strip("/")
    monkeypatch.setenv("FACTCHECK_DATABASE_URL", f"postgresql+psycopg://postgres:secret-pw@127.0.0.1:{port}/test")
    monkeypatch.setenv("FACTCHECK_DB_RETRIES", "2")
    monkeypatch.setenv("FACTCHECK_DB_RETRY_BUDGET_S", "10")
    started = time.monotonic()
    state = nightly(feeds_file=str(feeds), return_state=True)
    assert state.is_failed()
    assert time.monotonic() - started < 30  # 1 + 2 attempts, about 1.5 to 3 s of backoff
    # Bounded retries, then one line naming the database (password masked) and the reason.
    assert re.search(
        rf"DatabaseUnavailable: database postgresql\+psycopg://postgres:\*\*\*@127\.0\.0\.1:{port}/test "
        r"unavailable after 3 attempts in \d+\.\d s: connection refused$",
        state.message,
    ), state.message
    assert "secret-pw" not in state.message


def test_two_overlapping_runs_store_nothing_twice(prefect_harness, use_database, demo_feeds):
    """A manual run started while the nightly one is going: same feeds, same database."""
    from concurrent.futures import ThreadPoolExecutor

    from factcheck.flows.nightly import nightly

    _site, feeds = demo_feeds
    with ThreadPoolExecutor(max_workers=2) as pool:
        states = list(pool.map(lambda _: nightly(feeds_file=str(feeds), return_state=True), range(2)))
    assert all(state.is_completed() for state in states), [s.message for s in states]
    counts = _table_counts(use_database)
    assert counts["articles"] == len(CORPUS.articles)
    assert counts["events"] == len(CORPUS.events)  # no event opened twice for the same articles
    with session_scope(use_database) as session:
        pairs = list(iter_pairs(session))
        claims = session.execute(select(Claim.article_id, Claim.position)).all()
    assert len(claims) == len(set(claims))
    assert len({(p.claim_a.text, p.claim_b.text) for p in pairs}) == len(pairs)
    assert _found(pairs, "g001")


def test_ingest_alone_only_stores_articles_and_with_claims_splits_them_as_it_stores_them(
    prefect_harness, use_database, demo_feeds
):
    from factcheck.config.feeds import load_feeds
    from factcheck.db import store
    from factcheck.flows.ingest import ingest
    from factcheck.flows.nightly import nightly

    _site, feeds = demo_feeds
    sources = load_feeds(feeds)
    with session_scope(use_database) as session:
        run_id = store.start_run(session, kind="manual", flow_run_id=None)

    def unsplit() -> int:
        with session_scope(use_database) as session:
            return session.scalar(select(func.count(Article.id)).where(Article.claims_version.is_(None)))

    alone = ingest(sources[:1], run_id)
    assert alone.articles_stored > 0 and alone.claims == 0 and alone.articles_analyzed == 0
    assert unsplit() == alone.articles_stored

    split = ingest(sources[1:], run_id, with_claims=True)  # as the nightly and manual runs do
    assert split.articles_stored > 0 and split.articles_analyzed == split.articles_stored and split.claims > 0
    assert unsplit() == alone.articles_stored

    # The nightly run finds nothing new to fetch; its analysis splits what ingest alone left.
    counts = nightly(feeds_file=str(feeds)).counts
    assert counts["articles_stored"] == 0 and counts["articles_analyzed"] == alone.articles_stored
    assert unsplit() == 0
    with session_scope(use_database) as session:
        assert session.scalar(select(func.count(Claim.id))) == split.claims + counts["claims"]


def test_a_manual_run_over_a_date_range_leaves_the_other_entries_for_a_later_run(
    prefect_harness, use_database, demo_feeds
):
    from factcheck.flows.manual import manual

    _site, feeds = demo_feeds
    first_day = min(a.published for a in CORPUS.articles).date()
    first = manual(feeds_file=str(feeds), since=first_day, until=first_day).counts
    assert 0 < first["articles_stored"] < len(CORPUS.articles) and first["entries_out_of_range"] > 0
    # The feeds have not changed, but they must not answer 304: the rest was never fetched.
    rest = manual(feeds_file=str(feeds)).counts
    assert rest["feeds_not_modified"] == 0
    assert first["articles_stored"] + rest["articles_stored"] + rest["duplicates"] == len(CORPUS.articles)
    # Now every entry is stored, and the feeds may answer 304.
    assert manual(feeds_file=str(feeds)).counts["feeds_not_modified"] == len(CORPUS.outlets)
