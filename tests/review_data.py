"""Pairs for the review app's tests, written through the pipeline's own store (db/store.py)."""

from __future__ import annotations

import dataclasses
import itertools
from datetime import datetime, timezone

from factcheck.db import reviews, store
from factcheck.db.engine import session_scope
from factcheck.tasks import models as m
from factcheck.tasks.claims import claims_from_statement
from factcheck.tasks.pairs.detect import score_pair

PASSWORD = "correct horse battery"
PAYLOAD = "<script>alert(1)</script>"

DENIAL_A = "Delegations from the two countries were due to meet in Port Celin on Thursday to sign the fisheries accord, officials said."
DENIAL_B = '"There were no talks on a fisheries accord, in Port Celin or anywhere else," the ministry spokeswoman said.'
FLOOD_A = "The flood killed 14 people in Arlo."
FLOOD_B = "The flood in Arlo killed 31 people."
XSS_A = f"The storm killed 14 people in Brenn {PAYLOAD} on Monday."
XSS_B = "The storm in Brenn killed 31 people."

_hashes = itertools.count(1)


@dataclasses.dataclass(frozen=True)
class Side:
    text: str
    outlet: str
    url: str
    title: str = "Story"
    context: str = ""


def store_pair(url: str, a: Side, b: Side, when: datetime) -> int:
    """One event with one pair between two articles; returns the pair id."""
    (claim_a, *_), (claim_b, *_) = claims_from_statement(a.text, when), claims_from_statement(b.text, when)
    claim_a, claim_b = dataclasses.replace(claim_a, context=a.context), dataclasses.replace(claim_b, context=b.context)
    with session_scope(url) as session:
        ids = []
        for side, claim in ((a, claim_a), (b, claim_b)):
            article = m.Article(
                url=side.url, outlet=side.outlet, feed_url="http://f.example/rss", title=side.title, author=None,
                published_at=when, language="en", text=claim.text, content_hash=f"{next(_hashes):064d}",
                body_source="page", status="ok",
            )  # fmt: skip
            article_id = store.insert_article(session, article, None)
            store.save_claims(session, article_id, [claim], "test")
            ids.append(article_id)
        (event_id,) = store.apply_assignment(session, {}, [ids])
        refs = store.event_claims(session, event_id)
        store.save_pairs(session, event_id, [(refs[0].claim_id, refs[1].claim_id, score_pair(claim_a, claim_b))], "test")
        from sqlalchemy import select

        from factcheck.db.models import ClaimPair

        return session.scalar(select(ClaimPair.id).where(ClaimPair.event_id == event_id))


def populate(url: str) -> dict[str, int]:
    """Three pairs on three days, from different outlets, and one reviewer (ana)."""
    pairs = {
        "denial": store_pair(
            url,
            Side(DENIAL_A, "Harbour Post", "https://harbour.example/accord", "Accord talks",
                 "Fishing boats stayed in port. " + DENIAL_A + " The accord covers 12 grounds."),
            Side(DENIAL_B, "Valley Times", "https://valley.example/accord", "Ministry denies talks"),
            datetime(2026, 3, 5, 9, 0, tzinfo=timezone.utc),
        ),  # fmt: skip
        "flood": store_pair(
            url,
            Side(FLOOD_A, "Arlo Daily", "https://arlo.example/flood", "Flood toll"),
            Side(FLOOD_B, "Coast Herald", "https://coast.example/flood", "Arlo flood"),
            datetime(2026, 3, 7, 12, 0, tzinfo=timezone.utc),
        ),
        "xss": store_pair(
            url,
            Side(XSS_A, "Brenn Courier", "javascript:alert(1)", f"Storm {PAYLOAD}"),
            Side(XSS_B, "Coast Herald", "https://coast.example/storm", "Brenn storm"),
            datetime(2026, 3, 9, 18, 0, tzinfo=timezone.utc),
        ),
    }
    with session_scope(url) as session:
        reviews.add_reviewer(session, "ana", PASSWORD)
    return pairs
