"""Export writers, schema.org ClaimReview above all (pure: PairView records in, text out)."""

from __future__ import annotations

import io
import json
from datetime import datetime, timezone

from rich.console import Console

from factcheck.db.queries import PairView, Side
from factcheck.flows.reports.export import claim_review, speaker_entity, with_progress, write_claimreview

WHEN = datetime(2026, 3, 5, 9, 0, tzinfo=timezone.utc)


def _pair(pair_id: int = 7, status: str = "confirmed", **kw) -> PairView:
    a = Side(
        text="Delegations were due to meet in Port Celin on Thursday.", speaker="Anna Berg", speaker_kind="quoted",
        article_url="http://harbour.example/story", outlet="Harbour Post", published_at=WHEN, article_title="Accord",
    )  # fmt: skip
    b = Side(
        text="There were no talks in Port Celin.", speaker="the ministry", speaker_kind="reported",
        article_url="http://valley.example/story", outlet="Valley Times", published_at=WHEN,
    )  # fmt: skip
    fields = dict(
        id=pair_id, score=0.82, status=status, reasons=[], event_id=3, detector_version="v1", created_at=WHEN,
        claim_a=a, claim_b=b, note="both checked", reviewer="ana", reviewed_at=datetime(2026, 3, 6, 10, 0, tzinfo=timezone.utc),
    )  # fmt: skip
    fields.update(kw)
    return PairView(**fields)


def test_a_claimreview_reviews_statement_a_with_statement_b_as_evidence():
    review = claim_review(_pair())
    assert review["@context"] == "https://schema.org" and review["@type"] == "ClaimReview"
    assert review["claimReviewed"] == "Delegations were due to meet in Port Celin on Thursday."
    item = review["itemReviewed"]
    assert item["@type"] == "Claim" and item["author"] == {"@type": "Person", "name": "Anna Berg"}
    assert item["appearance"]["url"] == "http://harbour.example/story"
    assert item["appearance"]["publisher"] == {"@type": "Organization", "name": "Harbour Post"}
    assert item["appearance"]["datePublished"].startswith("2026-03-05T09:00")
    rating = review["reviewRating"]
    assert rating["@type"] == "Rating" and rating["alternateName"] == "Contradicted"
    assert rating["worstRating"] <= rating["ratingValue"] <= rating["bestRating"]
    assert "There were no talks in Port Celin." in review["reviewBody"] and "Valley Times" in review["reviewBody"]
    assert "both checked" in review["reviewBody"]
    evidence = review["isBasedOn"]
    assert evidence["url"] == "http://valley.example/story" and evidence["text"] == "There were no talks in Port Celin."
    assert evidence["author"] == {"@type": "Organization", "name": "the ministry"} and review["citation"] == evidence
    assert review["author"] == {"@type": "Person", "name": "ana"}
    assert review["datePublished"].startswith("2026-03-06T10:00")


def test_speakers_become_people_or_organisations():
    side = _pair().claim_a
    assert speaker_entity(side)["@type"] == "Person"
    for speaker in ("police", "Interior Ministry", "the ministry spokeswoman", "Harbour Post"):
        assert speaker_entity(Side(**{**side.__dict__, "speaker": speaker}))["@type"] == "Organization", speaker
    outlet_voice = Side(**{**side.__dict__, "speaker": "Harbour Post", "speaker_kind": "outlet"})
    assert speaker_entity(outlet_voice) == {"@type": "Organization", "name": "Harbour Post"}


def test_the_claimreview_export_is_one_json_array_of_confirmed_pairs_only():
    out = io.StringIO()
    count = write_claimreview([_pair(1), _pair(2, status="rejected"), _pair(3, status="pending"), _pair(4)], out)
    records = json.loads(out.getvalue())
    assert count == 2 and [r["identifier"] for r in records] == ["factcheck-pair-1", "factcheck-pair-4"]
    empty = io.StringIO()
    assert write_claimreview([_pair(5, status="unsure")], empty) == 0 and json.loads(empty.getvalue()) == []


def test_a_review_without_dates_leaves_them_out():
    pair = _pair(reviewed_at=None, claim_a=Side(**{**_pair().claim_a.__dict__, "published_at": None}))
    review = claim_review(pair)
    assert "datePublished" not in review and "datePublished" not in review["itemReviewed"]
    json.dumps(review)


def test_the_progress_bar_counts_what_passes_through():
    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=True, width=100)
    pairs = [_pair(n) for n in range(1, 6)]
    assert list(with_progress(iter(pairs), len(pairs), console)) == pairs
    assert "Exporting pairs" in buffer.getvalue() and "5/5" in buffer.getvalue()
