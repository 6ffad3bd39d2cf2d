"""Reviewers' queries: list, show, judge and export claim pairs."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, or_, select, update
from sqlalchemy.orm import Session, aliased

from factcheck.db.models import PAIR_STATUSES, Article, Claim, ClaimPair, utcnow


@dataclass(frozen=True)
class Side:
    text: str
    speaker: str
    article_url: str
    outlet: str
    published_at: datetime | None
    context: str = ""
    article_title: str | None = None

    def export(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "speaker": self.speaker,
            "article_url": self.article_url,
            "outlet": self.outlet,
            "published_at": self.published_at.isoformat() if self.published_at else None,
        }


@dataclass(frozen=True)
class PairView:
    id: int
    score: float
    status: str
    reasons: list[dict[str, Any]]
    event_id: int | None
    detector_version: str
    created_at: datetime
    claim_a: Side
    claim_b: Side
    note: str | None = None
    reviewer: str | None = None
    reviewed_at: datetime | None = None

    def export(self) -> dict[str, Any]:
        """The export record whose shape DESIGN.md fixes."""
        return {
            "id": self.id,
            "score": self.score,
            "status": self.status,
            "reasons": self.reasons,
            "event_id": self.event_id,
            "claim_a": self.claim_a.export(),
            "claim_b": self.claim_b.export(),
        }


@dataclass(frozen=True)
class PairFilter:
    status: str | None = None
    outlet: str | None = None
    min_score: float | None = None
    event_id: int | None = None


class ReviewError(ValueError):
    """A review that cannot be recorded (unknown pair or verdict)."""


_ClaimA, _ClaimB = aliased(Claim), aliased(Claim)
_ArticleA, _ArticleB = aliased(Article), aliased(Article)


def _pairs_query(filters: PairFilter) -> Select:
    stmt = (
        select(ClaimPair, _ClaimA, _ArticleA, _ClaimB, _ArticleB)
        .join(_ClaimA, ClaimPair.claim_a_id == _ClaimA.id)
        .join(_ArticleA, _ClaimA.article_id == _ArticleA.id)
        .join(_ClaimB, ClaimPair.claim_b_id == _ClaimB.id)
        .join(_ArticleB, _ClaimB.article_id == _ArticleB.id)
    )
    if filters.status:
        stmt = stmt.where(ClaimPair.status == filters.status)
    if filters.outlet:
        stmt = stmt.where(or_(_ArticleA.outlet == filters.outlet, _ArticleB.outlet == filters.outlet))
    if filters.min_score is not None:
        stmt = stmt.where(ClaimPair.score >= filters.min_score)
    if filters.event_id is not None:
        stmt = stmt.where(ClaimPair.event_id == filters.event_id)
    return stmt


def _side(claim: Claim, article: Article) -> Side:
    return Side(
        text=claim.text,
        speaker=claim.speaker,
        article_url=article.url,
        outlet=article.outlet,
        published_at=article.published_at,
        context=claim.context,
        article_title=article.title,
    )


def _view(row: Any) -> PairView:
    pair, claim_a, article_a, claim_b, article_b = row
    return PairView(
        id=pair.id,
        score=pair.score,
        status=pair.status,
        reasons=list(pair.reasons or []),
        event_id=pair.event_id,
        detector_version=pair.detector_version,
        created_at=pair.created_at,
        claim_a=_side(claim_a, article_a),
        claim_b=_side(claim_b, article_b),
        note=pair.note,
        reviewer=pair.reviewer,
        reviewed_at=pair.reviewed_at,
    )


def list_pairs(session: Session, filters: PairFilter = PairFilter(), *, limit: int = 50, offset: int = 0) -> list[PairView]:
    """Newest first, then strongest."""
    stmt = _pairs_query(filters).order_by(ClaimPair.created_at.desc(), ClaimPair.score.desc(), ClaimPair.id.desc())
    return [_view(r) for r in session.execute(stmt.limit(limit).offset(offset))]


def iter_pairs(session: Session, filters: PairFilter = PairFilter(), *, batch: int = 500) -> Iterator[PairView]:
    """All matching pairs in id order, fetched in batches (keyset pagination) for exports."""
    last_id = 0
    while True:
        stmt = _pairs_query(filters).where(ClaimPair.id > last_id).order_by(ClaimPair.id).limit(batch)
        rows = [_view(r) for r in session.execute(stmt)]
        if not rows:
            return
        yield from rows
        last_id = rows[-1].id


def get_pair(session: Session, pair_id: int) -> PairView | None:
    row = session.execute(_pairs_query(PairFilter()).where(ClaimPair.id == pair_id)).first()
    return _view(row) if row else None


def review_pair(session: Session, pair_id: int, *, verdict: str, reviewer: str, note: str | None = None) -> None:
    if verdict not in PAIR_STATUSES:
        raise ReviewError(f"unknown verdict {verdict!r}; use one of: {', '.join(PAIR_STATUSES)}")
    result = session.execute(
        update(ClaimPair)
        .where(ClaimPair.id == pair_id)
        .values(status=verdict, reviewer=reviewer, note=note, reviewed_at=utcnow())
    )
    if result.rowcount == 0:
        raise ReviewError(f"no pair with id {pair_id}")
