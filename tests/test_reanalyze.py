"""Reanalysis: claims, events and pairs recomputed over a date range, verdicts kept; on SQLite and
PostgreSQL."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest
from sqlalchemy import func, select

from factcheck.db import reanalysis, store
from factcheck.db.engine import session_scope
from factcheck.db.models import Article, Claim, ClaimPair, Event
from factcheck.db.queries import review_pair
from factcheck.tasks import models as m
from factcheck.flows.demo.site import CorpusSite, demo_corpus, feeds_toml

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=timezone.utc)


def _article(url: str, text: str, outlet: str) -> m.Article:
    return m.Article(
        url=url, outlet=outlet, feed_url="http://feeds.example/rss", title="Blast", author=None,
        published_at=T0, language="en", text=text, content_hash=str(abs(hash(url))).zfill(64)[:64],
        body_source="page", status="ok",
    )  # fmt: skip


def _claim(position: int, text: str, speaker: str = "Harbour Post") -> m.Claim:
    return m.Claim(text=text, position=position, speaker=speaker)


def _score(weight: float, message: str = "killed 14 vs killed 31") -> m.PairScore:
    reason = m.Reason(detector="numeric", message=message, weight=weight, evidence_a=(), evidence_b=())
    return m.PairScore(score=weight, reasons=(reason,))


def _claims_of(session, article_id: int) -> dict[str, tuple[int, int]]:
    rows = session.execute(select(Claim.text, Claim.id, Claim.position).where(Claim.article_id == article_id))
    return {text: (claim_id, position) for text, claim_id, position in rows}


def test_refreshed_claims_keep_their_ids_and_referenced_ones_are_retired(database_url):
    with session_scope(database_url) as session:
        a = store.insert_article(session, _article("http://a.example/1", "x", "Harbour Post"), None)
        b = store.insert_article(session, _article("http://b.example/1", "y", "Valley Times"), None)
        store.save_claims(session, a, [_claim(0, "Talks began."), _claim(1, "The blast killed 14."), _claim(2, "It rained.")], "v1")
        store.save_claims(session, b, [_claim(0, "The blast killed 31.", "police")], "v1")
        (event_id,) = store.apply_assignment(session, {}, [[a, b]])
        before = _claims_of(session, a)
        other = _claims_of(session, b)["The blast killed 31."][0]
        store.save_pairs(session, event_id, [(before["The blast killed 14."][0], other, _score(0.8))], "rules-1")
        review_pair(session, session.scalar(select(ClaimPair.id)), verdict="confirmed", reviewer="ana")

    # A new splitter: a sentence appears at position 1, the others shift; "It rained." is gone.
    with session_scope(database_url) as session:
        outcome = reanalysis.refresh_claims(
            session, a, [_claim(0, "Talks began."), _claim(1, "Officials met."), _claim(2, "The blast killed 14.", "police")], "v2"
        )
        assert (outcome.kept, outcome.inserted, outcome.deleted, outcome.retired) == (2, 1, 1, 0)
    with session_scope(database_url) as session:
        after = _claims_of(session, a)
        assert after["Talks began."] == before["Talks began."]
        assert after["The blast killed 14."] == (before["The blast killed 14."][0], 2)
        assert session.get(Claim, before["The blast killed 14."][0]).speaker == "police"
        assert "It rained." not in after and after["Officials met."][1] == 1
        assert session.scalar(select(Article.claims_version).where(Article.id == a)) == "v2"

    # The judged sentence disappears: it is kept (retired) for its pair, and left out of detection.
    with session_scope(database_url) as session:
        outcome = reanalysis.refresh_claims(session, a, [_claim(0, "Talks began.")], "v3")
        assert (outcome.kept, outcome.inserted, outcome.deleted, outcome.retired) == (1, 0, 1, 1)
    with session_scope(database_url) as session:
        judged = before["The blast killed 14."][0]
        assert session.get(Claim, judged).position == -judged
        assert session.scalar(select(ClaimPair.status)) == "confirmed"
        texts = {ref.claim.text for ref in store.event_claims(session, event_id)}
        assert texts == {"Talks began.", "The blast killed 31."}


def test_refreshed_pairs_update_pending_ones_only(database_url):
    with session_scope(database_url) as session:
        a = store.insert_article(session, _article("http://a.example/1", "x", "Harbour Post"), None)
        b = store.insert_article(session, _article("http://b.example/1", "y", "Valley Times"), None)
        store.save_claims(session, a, [_claim(0, "One."), _claim(1, "Two."), _claim(2, "Three.")], "v1")
        store.save_claims(session, b, [_claim(0, "Four.", "police")], "v1")
        (event_id,) = store.apply_assignment(session, {}, [[a, b]])
        c1, c2, c3, c4 = sorted(session.scalars(select(Claim.id)))
        store.save_pairs(session, event_id, [(c1, c4, _score(0.6)), (c2, c4, _score(0.6))], "rules-1")
        reviewed = session.scalar(select(ClaimPair.id).where(ClaimPair.claim_a_id == c1))
        review_pair(session, reviewed, verdict="rejected", reviewer="ana", note="two blasts")
    with session_scope(database_url) as session:
        found = [(c4, c1, _score(0.9, "new")), (c2, c4, _score(0.7, "new")), (c3, c4, _score(0.8, "new"))]
        assert reanalysis.refresh_pairs(session, event_id, found, "rules-2") == (1, 1)
        assert reanalysis.refresh_pairs(session, event_id, found, "rules-2") == (0, 2)
    with session_scope(database_url) as session:
        pairs = {p.claim_a_id: p for p in session.scalars(select(ClaimPair))}
        assert len(pairs) == 3
        kept = pairs[c1]
        assert (kept.status, kept.note, kept.reviewer, kept.score, kept.detector_version) == (
            "rejected", "two blasts", "ana", 0.6, "rules-1"
        )
        assert kept.reasons[0]["message"] == "killed 14 vs killed 31"
        assert (pairs[c2].score, pairs[c2].detector_version, pairs[c2].reasons[0]["message"]) == (0.7, "rules-2", "new")
        assert (pairs[c3].status, pairs[c3].detector_version) == ("pending", "rules-2")
        assert session.get(Event, event_id).pairs_version == "rules-2"


@pytest.fixture
def demo_feeds(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("FACTCHECK_ALLOW_PRIVATE_ADDRESSES", "true")
    with CorpusSite(demo_corpus()) as site:
        path = tmp_path / "feeds.toml"
        path.write_text(feeds_toml(site), encoding="utf-8")
        yield path


def _snapshot(url: str) -> dict:
    with session_scope(url) as session:
        return {
            "claims": session.scalar(select(func.count(Claim.id))),
            "pairs": sorted(session.execute(select(ClaimPair.claim_a_id, ClaimPair.claim_b_id)).all()),
            "events": sorted(session.execute(select(Article.id, Article.event_id)).all()),
        }


def test_reanalyze_with_new_versions_keeps_verdicts_and_adds_nothing_twice(prefect_harness, use_database, demo_feeds, monkeypatch):
    from factcheck.flows.nightly import nightly
    from factcheck.flows.reanalyze import reanalyze

    nightly(feeds_file=str(demo_feeds))
    with session_scope(use_database) as session:
        pair = session.scalars(select(ClaimPair).order_by(ClaimPair.id)).first()
        assert pair is not None
        review_pair(session, pair.id, verdict="confirmed", reviewer="ana", note="checked with both outlets")
        days = sorted({a.published_at.date() for a in session.scalars(select(Article))})
    before = _snapshot(use_database)

    # A new extractor and new detectors: every claim and pending pair is recomputed and relabelled.
    monkeypatch.setattr("factcheck.tasks.steps.CLAIMS_VERSION", "claims-test-2")
    monkeypatch.setattr("factcheck.tasks.pairs.detect.DETECTOR_VERSION", "rules-test-2")
    summary = reanalyze(since=days[0], until=days[-1])
    assert summary.counts["articles_reanalyzed"] == len(before["events"])
    assert summary.counts["claims_kept"] == before["claims"] and summary.counts["claims_inserted"] == 0
    assert summary.counts["new_pairs"] == 0 and summary.counts["pending_pairs_refreshed"] == len(before["pairs"]) - 1
    assert _snapshot(use_database) == before
    with session_scope(use_database) as session:
        again = session.get(ClaimPair, pair.id)
        assert (again.status, again.reviewer, again.note) == ("confirmed", "ana", "checked with both outlets")
        assert (again.score, again.reasons, again.detector_version) == (pair.score, pair.reasons, pair.detector_version)
        versions = set(session.scalars(select(ClaimPair.detector_version).where(ClaimPair.id != pair.id)))
        assert versions == {"rules-test-2"}
        assert set(session.scalars(select(Article.claims_version))) == {"claims-test-2"}
        assert set(session.scalars(select(Event.pairs_version))) == {"rules-test-2"}

    # Running it again changes nothing.
    reanalyze(since=days[0], until=days[-1])
    assert _snapshot(use_database) == before


def test_reanalyze_covers_only_its_date_range_and_rejects_a_reversed_one(prefect_harness, use_database, demo_feeds, monkeypatch):
    from factcheck.flows.nightly import nightly
    from factcheck.flows.reanalyze import reanalyze

    nightly(feeds_file=str(demo_feeds))
    with session_scope(use_database) as session:
        days = sorted({a.published_at.date() for a in session.scalars(select(Article))})
    assert len(days) >= 2
    monkeypatch.setattr("factcheck.tasks.steps.CLAIMS_VERSION", "claims-test-3")
    summary = reanalyze(since=days[0], until=days[0])
    with session_scope(use_database) as session:
        redone = {a.published_at.date() for a in session.scalars(select(Article).where(Article.claims_version == "claims-test-3"))}
    assert redone == {days[0]} and summary.counts["articles_reanalyzed"] > 0

    with pytest.raises(ValueError, match=r"since \(.*\) is after until"):
        reanalyze(since=days[-1], until=days[0])


def test_the_reanalyze_command_rejects_a_reversed_range_at_once():
    from typer.testing import CliRunner

    from factcheck.flows.cli import app

    result = CliRunner().invoke(app, ["reanalyze", "--since", "2026-03-05", "--until", "2026-03-01"])
    assert result.exit_code == 2, result.output
    assert "--since (2026-03-05) is after --until (2026-03-01)" in result.output
