"""A small hand-built set of pairs, verdicts and runs for the detector figures (db/stats.py).

`populate` (review_data.py) stores three pairs through the pipeline; five more are added between
its claims, and every pair gets a detector version, a storage time and a verdict (through
db/queries.review_pair, as the CLI and the app record them). NOW is when ages are measured.

| pair    | outlets                      | main reason | version  | stored (ISO week) | status    |
|---------|------------------------------|-------------|----------|-------------------|-----------|
| denial  | Harbour Post / Valley Times  | denial      | frames-1 | 03-02 (W10)       | confirmed |
| flood   | Arlo Daily / Coast Herald    | numeric     | frames-2 | 03-09 (W11)       | rejected (confirmed first) |
| xss     | Brenn Courier / Coast Herald | numeric     | frames-2 | 03-10 12:00 (W11) | pending   |
| dated   | Arlo Daily / Coast Herald    | numeric (date 0.5 first, numeric 0.8) | frames-2 | 03-11 (W11) | confirmed |
| place   | Harbour Post / Arlo Daily    | location    | frames-2 | 03-23 (W13)       | unsure    |
| negated | Coast Herald / Brenn Courier | negation    | frames-2 | 03-24 (W13)       | rejected  |
| status  | Valley Times / Arlo Daily    | status      | frames-2 | 03-25 (W13)       | pending   |
| actor   | Harbour Post / Brenn Courier | identity    | frames-2 | 03-26 (W13)       | pending   |
"""

from __future__ import annotations

from datetime import datetime, timezone

from review_data import populate
from sqlalchemy import select, update

from factcheck.db.engine import session_scope
from factcheck.db.models import Article, Claim, ClaimPair, Run
from factcheck.db.queries import review_pair

BRENN = "javascript:alert(1)"  # the Brenn Courier article's URL (review_data.py)
NOW = datetime(2026, 3, 30, 0, 0, tzinfo=timezone.utc)


def _at(day: int, hour: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, 0, tzinfo=timezone.utc)


def _reason(detector: str, weight: float) -> dict:
    return {"detector": detector, "message": f"{detector} conflict", "weight": weight, "evidence_a": [], "evidence_b": []}


def build(url: str) -> dict[str, int]:
    """Store the pairs, verdicts and runs of the table above; returns the pair ids by name."""
    pairs = populate(url)
    with session_scope(url) as session:
        # The claim of each article by its URL (Coast Herald has two articles).
        claims = dict(session.execute(select(Article.url, Claim.id).join(Claim, Claim.article_id == Article.id)).all())
        extra = {  # the claim of the lower id is statement A: "negated" has Coast Herald first
            "dated": ("https://arlo.example/flood", "https://coast.example/storm", [_reason("date", 0.5), _reason("numeric", 0.8)]),
            "place": ("https://harbour.example/accord", "https://arlo.example/flood", [_reason("location", 0.7)]),
            "negated": ("https://coast.example/flood", BRENN, [_reason("negation", 0.9)]),
            "status": ("https://valley.example/accord", "https://arlo.example/flood", [_reason("status", 0.6)]),
            "actor": ("https://harbour.example/accord", BRENN, [_reason("identity", 0.6)]),
        }
        for name, (article_a, article_b, reasons) in extra.items():
            a, b = claims[article_a], claims[article_b]
            pair = ClaimPair(claim_a_id=min(a, b), claim_b_id=max(a, b), score=0.7, reasons=reasons,
                             detector_version="frames-2", status="pending")  # fmt: skip
            session.add(pair)
            session.flush()
            pairs[name] = pair.id
        stored = {
            "denial": ("frames-1", _at(2)), "flood": ("frames-2", _at(9)), "xss": ("frames-2", _at(10, 12)),
            "dated": ("frames-2", _at(11)), "place": ("frames-2", _at(23)), "negated": ("frames-2", _at(24)),
            "status": ("frames-2", _at(25)), "actor": ("frames-2", _at(26)),
        }  # fmt: skip
        for name, (version, when) in stored.items():
            session.execute(update(ClaimPair).where(ClaimPair.id == pairs[name]).values(detector_version=version, created_at=when))
        session.add_all([
            Run(kind="nightly", status="completed", started_at=_at(2, 2), finished_at=_at(2, 3), counts={"new_pairs": 1}),
            Run(kind="nightly", status="completed", started_at=_at(9, 2), finished_at=_at(9, 3), counts={"new_pairs": 3}),
            Run(kind="manual", status="failed", started_at=_at(23, 2), finished_at=_at(23, 2), counts={}),
            Run(kind="nightly", status="completed", started_at=_at(24, 2), finished_at=_at(24, 3), counts={"new_pairs": 4}),
        ])  # fmt: skip
    verdicts = [("denial", "confirmed"), ("flood", "confirmed"), ("flood", "rejected"), ("dated", "confirmed"),
                ("place", "unsure"), ("negated", "rejected")]  # fmt: skip
    with session_scope(url) as session:
        for name, verdict in verdicts:
            review_pair(session, pairs[name], verdict=verdict, reviewer="ana")
    return pairs
