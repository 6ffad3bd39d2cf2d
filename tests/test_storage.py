"""Storage: idempotent writes and reviewers' queries, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from sqlalchemy import func, inspect, select

from factcheck.db import store
from factcheck.db.engine import DatabaseUrlError, check_url, get_engine, session_scope
from factcheck.db.models import Article, Claim, ClaimPair, Feed
from factcheck.db.queries import PairFilter, ReviewError, get_pair, iter_pairs, list_pairs, review_pair
from factcheck.tasks import models as m
from factcheck.tasks.steps import record_feed_fetch

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=timezone.utc)


def _article(url: str, text: str, outlet: str = "Harbour Post") -> m.Article:
    return m.Article(
        url=url, outlet=outlet, feed_url="http://feeds.example/rss", title="A title", author=None,
        published_at=T0, language="en", text=text, content_hash=str(abs(hash(text.lower()))).zfill(64)[:64],
        body_source="page", status="ok",
    )  # fmt: skip


def _claim(position: int, text: str, speaker: str = "Harbour Post") -> m.Claim:
    return m.Claim(
        text=text, position=position, speaker=speaker,
        numbers=(m.Quantity(value=14, text="14 people", start=0, end=9, counted="people"),),
        dates=(m.DateMention(text="on Monday", start=10, end=19, value=T0.date(), relative=True),),
    )  # fmt: skip


def _score(weight: float = 0.8) -> m.PairScore:
    reason = m.Reason(
        detector="numeric", message="killed 14 vs killed 31", weight=weight,
        evidence_a=(m.Evidence("killed 14", 3, 12),), evidence_b=(m.Evidence("killed 31", 5, 14),),
    )  # fmt: skip
    return m.PairScore(score=weight, reasons=(reason,))


def _two_claims(session) -> tuple[int, int, int]:
    a = store.insert_article(session, _article("http://a.example/1", "Fourteen people died."), None)
    b = store.insert_article(session, _article("http://b.example/1", "Thirty-one people died.", "Valley Times"), None)
    store.save_claims(session, a, [_claim(0, "The blast killed 14 people.")], "v1")
    store.save_claims(session, b, [_claim(0, "The blast killed 31 people.", "police")], "v1")
    touched = store.apply_assignment(session, {}, [[a, b]])
    ids = sorted(session.scalars(select(Claim.id)))
    return ids[0], ids[1], touched[0]


def test_migrations_create_the_schema_once(database_url):
    engine = get_engine(database_url)
    tables = set(inspect(engine).get_table_names())
    assert {"feeds", "articles", "claims", "events", "claim_pairs", "runs", "run_issues", "alembic_version"} <= tables
    # Upgrading an up-to-date database is a no-op.
    from factcheck.db.migrate import upgrade

    upgrade(engine)


def test_bad_database_urls_get_a_one_line_error():
    with pytest.raises(DatabaseUrlError, match="not valid"):
        check_url("not a url")
    with pytest.raises(DatabaseUrlError, match="supported"):
        check_url("mysql://root@localhost/x")
    with pytest.raises(DatabaseUrlError, match="psycopg"):
        check_url("postgresql+psycopg2://u:secret@localhost/x")


def test_feed_state_keeps_validators_on_failure_and_counts_the_streak(database_url):
    source = m.FeedSource("Harbour Post", "http://feeds.example/rss")
    ok = m.FeedFetch(source, "fetched", 200, source.url, etag='"v1"', last_modified="Mon, 02 Mar 2026 08:00:00 GMT")
    bad = m.FeedFetch(source, "failed", 500, source.url, error="http 500", failure="http")
    with session_scope(database_url) as session:
        record_feed_fetch(session, ok)
        record_feed_fetch(session, bad)
        record_feed_fetch(session, bad)
    with session_scope(database_url) as session:
        feed = session.scalars(select(Feed)).one()
        assert (feed.etag, feed.consecutive_failures, feed.last_status, feed.last_error) == ('"v1"', 2, "failed", "http 500")
        assert feed.last_success_at is not None
        assert store.feed_validators(session, source.url) == ('"v1"', "Mon, 02 Mar 2026 08:00:00 GMT")
        record_feed_fetch(session, m.FeedFetch(source, "not_modified", 304, source.url))
    with session_scope(database_url) as session:
        feed = session.scalars(select(Feed)).one()
        assert (feed.consecutive_failures, feed.etag) == (0, '"v1"')


def test_articles_are_deduplicated_by_url_and_by_content(database_url):
    with session_scope(database_url) as session:
        first = store.insert_article(session, _article("http://a.example/story", "The same wire story."), None)
        again = store.insert_article(session, _article("http://a.example/story", "A different text."), None)
        copy = store.insert_article(session, _article("http://b.example/copy", "The same wire story."), None)
        assert first is not None and again is None and copy is None
        assert store.stored_urls(session, ["http://a.example/story", "http://x.example/new"]) == {"http://a.example/story"}
    with session_scope(database_url) as session:
        assert session.scalar(select(func.count(Article.id))) == 1


def test_claims_round_trip_with_numbers_and_dates(database_url):
    with session_scope(database_url) as session:
        article_id = store.insert_article(session, _article("http://a.example/1", "Body."), None)
        assert store.save_claims(session, article_id, [_claim(0, "The blast killed 14 people.")], "v1") == 1
        assert store.save_claims(session, article_id, [_claim(0, "The blast killed 14 people.")], "v1") == 0
        assert store.articles_needing_claims(session, "v1") == []
        assert store.articles_needing_claims(session, "v2") == [article_id]
        store.apply_assignment(session, {}, [[article_id]])
    with session_scope(database_url) as session:
        (ref,) = store.event_claims(session, session.scalar(select(Article.event_id)))
        assert ref.claim.numbers[0].value == 14 and ref.claim.dates[0].value == T0.date()
        assert ref.published_at == T0


def test_pairs_are_stored_once_whatever_the_order(database_url):
    with session_scope(database_url) as session:
        a, b, event_id = _two_claims(session)
        assert store.save_pairs(session, event_id, [(b, a, _score())], "rules-1") == 1
        assert store.save_pairs(session, event_id, [(a, b, _score())], "rules-1") == 0
        assert store.events_needing_pairs(session, "rules-1") == []
    with session_scope(database_url) as session:
        assert session.scalar(select(func.count(ClaimPair.id))) == 1


def test_a_rerun_never_overwrites_a_reviewers_verdict(database_url):
    with session_scope(database_url) as session:
        a, b, event_id = _two_claims(session)
        store.save_pairs(session, event_id, [(a, b, _score(0.7))], "rules-1")
        pair_id = session.scalar(select(ClaimPair.id))
        review_pair(session, pair_id, verdict="rejected", reviewer="ana", note="different blasts")
    with session_scope(database_url) as session:
        store.save_pairs(session, event_id, [(a, b, _score(0.9))], "rules-2")
    with session_scope(database_url) as session:
        pair = get_pair(session, pair_id)
        assert (pair.status, pair.reviewer, pair.note) == ("rejected", "ana", "different blasts")


def test_review_rejects_unknown_verdicts_and_pairs(database_url):
    with session_scope(database_url) as session:
        with pytest.raises(ReviewError, match="unknown verdict"):
            review_pair(session, 1, verdict="maybe", reviewer="ana")
        with pytest.raises(ReviewError, match="no pair"):
            review_pair(session, 999, verdict="confirmed", reviewer="ana")


def test_listing_filters_and_export_shape(database_url):
    with session_scope(database_url) as session:
        a, b, event_id = _two_claims(session)
        store.save_pairs(session, event_id, [(a, b, _score(0.8))], "rules-1")
    with session_scope(database_url) as session:
        assert len(list_pairs(session, PairFilter(outlet="Valley Times"))) == 1
        assert list_pairs(session, PairFilter(outlet="Nobody")) == []
        assert list_pairs(session, PairFilter(min_score=0.9)) == []
        assert list_pairs(session, PairFilter(status="confirmed")) == []
        (pair,) = list(iter_pairs(session))
    record = pair.export()
    assert set(record) == {"id", "score", "status", "reasons", "event_id", "claim_a", "claim_b"}
    assert set(record["claim_a"]) == {"text", "speaker", "article_url", "outlet", "published_at"}
    assert record["reasons"][0]["evidence_a"][0]["text"] == "killed 14"
    assert {record["claim_a"]["outlet"], record["claim_b"]["outlet"]} == {"Harbour Post", "Valley Times"}


def test_feed_backoff_migration_upgrades_an_existing_0001_database(database_url):
    from sqlalchemy import text

    from factcheck.db.engine import make_engine
    from factcheck.db.migrate import upgrade

    engine = make_engine(database_url)
    upgrade(engine, "0001")
    assert "failure_score" not in {c["name"] for c in inspect(engine).get_columns("feeds")}
    with engine.begin() as conn:
        conn.execute(
            text("INSERT INTO feeds (url, outlet, consecutive_failures, created_at) VALUES (:u, 'Harbour Post', 2, :t)"),
            {"u": "http://feeds.example/rss", "t": T0.replace(tzinfo=None)},
        )
    upgrade(engine)
    columns = {c["name"] for c in inspect(engine).get_columns("feeds")}
    assert {"failure_score", "next_fetch_at", "disabled_at"} <= columns
    with engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one() != "0001"
    engine.dispose()

    source = m.FeedSource("Harbour Post", "http://feeds.example/rss")
    with session_scope(database_url) as session:
        feed = session.scalars(select(Feed)).one()
        assert (feed.failure_score, feed.next_fetch_at, feed.disabled_at, feed.consecutive_failures) == (0.0, None, None, 2)
        record_feed_fetch(session, m.FeedFetch(source, "failed", 404, source.url, error="http 404", failure="http"))
    with session_scope(database_url) as session:
        feed = session.scalars(select(Feed)).one()
        assert (feed.consecutive_failures, feed.failure_score) == (3, 2.0)
        assert feed.next_fetch_at is not None


def test_a_named_lock_makes_a_second_transaction_wait(database_url):
    import threading
    import time

    get_engine(database_url)
    order: list[str] = []
    first_holds = threading.Event()

    def second() -> None:
        first_holds.wait(5)
        with session_scope(database_url) as session:
            store.take_lock(session, "group-events")
            order.append("second has the lock")

    thread = threading.Thread(target=second)
    thread.start()
    with session_scope(database_url) as session:
        store.take_lock(session, "group-events")
        first_holds.set()
        time.sleep(0.5)  # the second transaction is now waiting for the lock
        order.append("first commits")
    thread.join(10)
    assert order == ["first commits", "second has the lock"]


def test_the_models_match_the_migrations(database_url):
    """A model change without its migration (or the reverse) shows up as an autogenerate diff."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from factcheck.db.models import Base

    with get_engine(database_url).connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []


def test_a_long_issue_status_is_clipped_and_kept_whole_in_the_message(database_url):
    from factcheck.db.models import RunIssue

    status = "failed: dns lookup failed for " + "sub." * 40 + "example.org"
    with session_scope(database_url) as session:
        store.record_issue(session, None, stage="page", subject="http://x.example/a", status=status, message="boom")
    with session_scope(database_url) as session:
        row = session.scalars(select(RunIssue)).one()
        assert len(row.status) == 80 and row.status.startswith("failed: dns lookup failed")
        assert row.message == status + "\nboom"
