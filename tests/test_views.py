"""The reviewer views (migration 0004) and the queue queries, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import inspect, select, text

from factcheck.db import store
from factcheck.db.engine import get_engine, session_scope
from factcheck.db.models import Claim
from factcheck.db.queries import (
    PairFilter,
    count_pairs,
    cursor_token,
    list_pairs,
    pair_cursor,
    parse_cursor,
    review_pair,
    status_counts,
)
from factcheck.tasks import models as m

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=timezone.utc)

# (key, outlet, published, event title, statement, speaker)
ARTICLES = [
    ("a1", "Harbour Post", T0, "Flood in Arlo", "The flood killed 14 people in Arlo.", "police"),
    ("a2", "Valley Times", T0 + timedelta(hours=1), "Arlo flood", "The flood killed 31 people in Arlo.", "the mayor"),
    ("a3", "Harbour Post", T0 + timedelta(hours=2), "Arlo", "No one died in the Arlo flood, 100% sure.", "a doctor"),
    ("a4", "Coast Herald", T0 + timedelta(days=3), "Fisheries talks", "Talks on the accord were held on Thursday.", "officials"),
    ("a5", "Valley Times", T0 + timedelta(days=3, hours=1), "Talks", "There were no talks on the accord.", "the ministry"),
]
# (claim keys, score): saved in this order, so created_at (and id) grow down the list.
PAIRS = [(("a1", "a2"), 0.9), (("a2", "a3"), 0.7), (("a1", "a3"), 0.6), (("a4", "a5"), 0.8)]


def _score(weight: float) -> m.PairScore:
    return m.PairScore(score=weight, reasons=(m.Reason(detector="numeric", message="differs", weight=weight),))


def _populate(url: str) -> dict[str, int]:
    """Two events, five articles in three outlets, four pairs; returns pair ids by claim keys."""
    with session_scope(url) as session:
        article_ids: dict[str, int] = {}
        for n, (key, outlet, when, title, statement, speaker) in enumerate(ARTICLES):
            article = m.Article(
                url=f"http://{outlet.split()[0].lower()}.example/{key}", outlet=outlet, feed_url="http://f.example/rss",
                title=title, author=None, published_at=when, language="en", text=statement,
                content_hash=f"{n:064d}", body_source="page", status="ok",
            )  # fmt: skip
            article_ids[key] = store.insert_article(session, article, None)
            store.save_claims(session, article_ids[key], [m.Claim(text=statement, position=0, speaker=speaker)], "v1")
        flood, talks = store.apply_assignment(
            session, {}, [[article_ids[k] for k in ("a1", "a2", "a3")], [article_ids[k] for k in ("a4", "a5")]]
        )
        claim_of = {
            key: session.scalar(select(Claim.id).where(Claim.article_id == article_ids[key])) for key in article_ids
        }
        for (a, b), score in PAIRS:
            event_id = flood if a != "a4" else talks
            store.save_pairs(session, event_id, [(claim_of[a], claim_of[b], _score(score))], "v1")
    with session_scope(url) as session:
        rows = session.execute(text("SELECT pair_id, statement_a, statement_b FROM pair_details")).all()
    by_text = {statement: key for key, *_, statement, _ in ARTICLES}
    return {f"{by_text[a]}-{by_text[b]}": pair_id for pair_id, a, b in rows}


def _stamp(value) -> str:
    """A view's timestamp as text: SQLite returns the stored string, PostgreSQL a naive datetime."""
    return str(value)[:19]


def test_the_migrations_create_the_three_views(database_url):
    views = set(inspect(get_engine(database_url)).get_view_names())
    assert {"review_queue", "pair_details", "event_summary"} <= views


def test_review_queue_lists_pending_pairs_with_both_sides_and_loses_reviewed_ones(database_url):
    ids = _populate(database_url)
    engine = get_engine(database_url)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT * FROM review_queue ORDER BY score DESC, pair_id DESC")).mappings().all()
    assert [r["pair_id"] for r in rows] == [ids["a1-a2"], ids["a4-a5"], ids["a2-a3"], ids["a1-a3"]]
    first = rows[0]
    assert first["statement_a"] == "The flood killed 14 people in Arlo." and first["speaker_a"] == "police"
    assert first["outlet_a"] == "Harbour Post" and first["url_a"] == "http://harbour.example/a1"
    assert first["statement_b"] == "The flood killed 31 people in Arlo." and first["outlet_b"] == "Valley Times"
    assert first["url_b"] == "http://valley.example/a2" and first["score"] == pytest.approx(0.9)
    assert first["event_title"] == "Flood in Arlo" and _stamp(first["published_at_a"]) == "2026-03-02 08:00:00"

    with session_scope(database_url) as session:
        review_pair(session, ids["a1-a2"], verdict="confirmed", reviewer="ana", note="checked")
    with engine.connect() as conn:
        queued = conn.execute(text("SELECT pair_id FROM review_queue")).scalars().all()
        detail = conn.execute(
            text("SELECT status, reviewer, note, reviewed_at FROM pair_details WHERE pair_id = :id"), {"id": ids["a1-a2"]}
        ).one()
        total = conn.execute(text("SELECT COUNT(*) FROM pair_details")).scalar()
    assert sorted(queued) == sorted([ids["a4-a5"], ids["a2-a3"], ids["a1-a3"]])
    assert detail.status == "confirmed" and detail.reviewer == "ana" and detail.note == "checked" and detail.reviewed_at
    assert total == 4


def test_event_summary_counts_articles_and_pairs_per_outlet(database_url):
    _populate(database_url)
    with get_engine(database_url).connect() as conn:
        rows = conn.execute(text("SELECT * FROM event_summary ORDER BY event_id, outlet")).mappings().all()
    summary = [(r["title"], r["outlet"], r["article_count"], r["pair_count"]) for r in rows]
    assert summary == [
        ("Flood in Arlo", "Harbour Post", 2, 3),  # a pair within one outlet counts once
        ("Flood in Arlo", "Valley Times", 1, 2),
        ("Fisheries talks", "Coast Herald", 1, 1),
        ("Fisheries talks", "Valley Times", 1, 1),
    ]
    assert _stamp(rows[0]["first_published_at"]) == "2026-03-02 08:00:00"
    assert _stamp(rows[0]["last_published_at"]) == "2026-03-02 10:00:00"


def test_queue_filters_sorts_and_counts(database_url):
    ids = _populate(database_url)
    with session_scope(database_url) as session:
        by_score = list_pairs(session, PairFilter(status="pending", sort="score"))
        assert [p.id for p in by_score] == [ids["a1-a2"], ids["a4-a5"], ids["a2-a3"], ids["a1-a3"]]
        newest = list_pairs(session, PairFilter())
        assert [p.id for p in newest] == [ids["a4-a5"], ids["a1-a3"], ids["a2-a3"], ids["a1-a2"]]
        assert [p.id for p in list_pairs(session, PairFilter(), sort="score", limit=1)] == [ids["a1-a2"]]

        def found(**kw) -> set[int]:
            return {p.id for p in list_pairs(session, PairFilter(**kw))}

        assert found(outlet="Coast Herald") == {ids["a4-a5"]}
        assert found(search="NO TALKS") == {ids["a4-a5"]}
        assert found(search="arlo") == {ids["a1-a2"], ids["a2-a3"], ids["a1-a3"]}
        assert found(search="100%") == {ids["a2-a3"], ids["a1-a3"]} and found(search="0%") == found(search="100%")
        assert found(search="1_0") == set()  # LIKE wildcards in the term are literal
        assert found(published_since=T0 + timedelta(days=1)) == {ids["a4-a5"]}
        assert found(published_until=T0 + timedelta(minutes=30)) == {ids["a1-a2"], ids["a1-a3"]}
        # Both bounds apply to the same article: only a3 (10:00) lies in [09:30, 10:30).
        window = {"published_since": T0 + timedelta(minutes=90), "published_until": T0 + timedelta(minutes=150)}
        assert found(**window) == {ids["a2-a3"], ids["a1-a3"]}
        event_id = list_pairs(session, PairFilter(outlet="Coast Herald"))[0].event_id
        assert found(event_id=event_id) == {ids["a4-a5"]}
        assert found(min_score=0.75, outlet="Valley Times") == {ids["a1-a2"], ids["a4-a5"]}

        review_pair(session, ids["a1-a2"], verdict="confirmed", reviewer="ana")
        review_pair(session, ids["a1-a3"], verdict="rejected", reviewer="ana")
    with session_scope(database_url) as session:
        assert count_pairs(session) == 4
        assert count_pairs(session, PairFilter(status="pending")) == 2
        assert count_pairs(session, PairFilter(search="arlo", status="pending")) == 1
        assert status_counts(session) == {"pending": 2, "confirmed": 1, "rejected": 1, "unsure": 0}
        # The status in the filter is ignored; the others apply.
        assert status_counts(session, PairFilter(status="pending", outlet="Harbour Post")) == {
            "pending": 1, "confirmed": 1, "rejected": 1, "unsure": 0,
        }  # fmt: skip
        with pytest.raises(ValueError, match="unknown sort"):
            list_pairs(session, PairFilter(sort="oldest"))


@pytest.mark.parametrize("sort", ["score", "newest"])
def test_keyset_pages_walk_the_same_order_as_one_page(database_url, sort):
    _populate(database_url)
    with session_scope(database_url) as session:
        everything = [p.id for p in list_pairs(session, PairFilter(sort=sort))]
        walked, after = [], None
        while True:
            page = list_pairs(session, PairFilter(sort=sort), limit=3, after=after)
            if not page:
                break
            walked += [p.id for p in page]
            # Through the string form, as the web app passes it in a URL.
            after = parse_cursor(cursor_token(page[-1], sort), sort)
            assert after == pair_cursor(page[-1], sort)
        assert walked == everything and len(everything) == 4
        offset_pages = [p.id for o in (0, 2) for p in list_pairs(session, PairFilter(sort=sort), limit=2, offset=o)]
        assert offset_pages == everything
    with pytest.raises(ValueError):
        parse_cursor("nonsense", sort)


def test_downgrading_past_0004_drops_the_views(database_url):
    from alembic import command

    from factcheck.db.migrate import alembic_config, upgrade

    engine = get_engine(database_url)
    command.downgrade(alembic_config(engine), "0003")
    assert not {"review_queue", "pair_details", "event_summary"} & set(inspect(engine).get_view_names())
    upgrade(engine)
    assert {"review_queue", "pair_details", "event_summary"} <= set(inspect(engine).get_view_names())
