"""Reviewers' queries: list, count, show, judge and export claim pairs.

The review queue is `PairFilter(status="pending")` sorted by `"score"` (highest first); the CLI
lists `"newest"` first. Both orders have an index (migration 0004) and keyset pagination:
pass the last row's cursor (`pair_cursor(pair, sort)`) as `after=` to get the next page in
constant time however deep it is; `offset=` still works and is fine for the first pages.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, or_, select, tuple_
from sqlalchemy.orm import Session, aliased

from factcheck.db.models import PAIR_STATUSES, Article, Claim, ClaimPair, Event, Feed
from factcheck.db.reviews import ReviewError, record_verdict  # noqa: F401  (ReviewError is imported from here too)


@dataclass(frozen=True)
class Side:
    text: str
    speaker: str
    article_url: str
    outlet: str
    published_at: datetime | None
    context: str = ""
    article_title: str | None = None
    speaker_kind: str = "unknown"

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


SORTS = ("newest", "score")
"""`newest`: created_at, then id, descending (the CLI's default). `score`: highest score first,
then the higher id (the review queue)."""


@dataclass(frozen=True)
class PairFilter:
    status: str | None = None
    outlet: str | None = None
    min_score: float | None = None
    event_id: int | None = None
    # At least one of the pair's two articles was published in [published_since, published_until)
    # (aware datetimes; either bound may be left open).
    published_since: datetime | None = None
    published_until: datetime | None = None
    # Case-insensitive substring of either statement (`lower(text) LIKE lower('%q%')`: portable,
    # a scan of the candidate rows; a trigram index on PostgreSQL would be the next step).
    search: str | None = None
    sort: str = "newest"


_ClaimA, _ClaimB = aliased(Claim), aliased(Claim)
_ArticleA, _ArticleB = aliased(Article), aliased(Article)


def _like_pattern(term: str) -> str:
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped.lower()}%"


def _conditions(filters: PairFilter) -> tuple[list[ColumnElement[bool]], bool]:
    """WHERE conditions, and whether they need the claims and articles joined."""
    where: list[ColumnElement[bool]] = []
    joins = False
    if filters.status:
        where.append(ClaimPair.status == filters.status)
    if filters.min_score is not None:
        where.append(ClaimPair.score >= filters.min_score)
    if filters.event_id is not None:
        where.append(ClaimPair.event_id == filters.event_id)
    if filters.outlet:
        joins = True
        where.append(or_(_ArticleA.outlet == filters.outlet, _ArticleB.outlet == filters.outlet))
    if filters.published_since is not None or filters.published_until is not None:
        joins = True
        sides = []
        for article in (_ArticleA, _ArticleB):
            bounds = []
            if filters.published_since is not None:
                bounds.append(article.published_at >= filters.published_since)
            if filters.published_until is not None:
                bounds.append(article.published_at < filters.published_until)
            sides.append(and_(*bounds))
        where.append(or_(*sides))
    if filters.search and filters.search.strip():
        joins = True
        pattern = _like_pattern(filters.search.strip())
        where.append(
            or_(
                func.lower(_ClaimA.text).like(pattern, escape="\\"),
                func.lower(_ClaimB.text).like(pattern, escape="\\"),
            )
        )
    return where, joins


def _join_sides(stmt: Select) -> Select:
    return (
        stmt.join(_ClaimA, ClaimPair.claim_a_id == _ClaimA.id)
        .join(_ArticleA, _ClaimA.article_id == _ArticleA.id)
        .join(_ClaimB, ClaimPair.claim_b_id == _ClaimB.id)
        .join(_ArticleB, _ClaimB.article_id == _ArticleB.id)
    )


def _pairs_query(filters: PairFilter) -> Select:
    stmt = _join_sides(select(ClaimPair, _ClaimA, _ArticleA, _ClaimB, _ArticleB))
    where, _ = _conditions(filters)
    return stmt.where(*where)


def _side(claim: Claim, article: Article) -> Side:
    return Side(
        text=claim.text,
        speaker=claim.speaker,
        article_url=article.url,
        outlet=article.outlet,
        published_at=article.published_at,
        context=claim.context,
        article_title=article.title,
        speaker_kind=claim.speaker_kind,
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


def _sort_key(sort: str) -> tuple[Any, Any]:
    if sort == "score":
        return ClaimPair.score, ClaimPair.id
    if sort == "newest":
        return ClaimPair.created_at, ClaimPair.id
    raise ValueError(f"unknown sort {sort!r}; use one of: {', '.join(SORTS)}")


def pair_cursor(pair: PairView, sort: str = "newest") -> tuple[Any, int]:
    """The keyset cursor of a listed pair: pass it as `list_pairs(..., after=...)` for the next page."""
    _sort_key(sort)
    return (pair.score if sort == "score" else pair.created_at, pair.id)


def cursor_token(pair: PairView, sort: str = "newest") -> str:
    """`pair_cursor` as a string for URLs (`parse_cursor` reads it back)."""
    key, pair_id = pair_cursor(pair, sort)
    return f"{key.isoformat() if isinstance(key, datetime) else repr(float(key))}~{pair_id}"


def parse_cursor(token: str, sort: str = "newest") -> tuple[Any, int]:
    """A `cursor_token` back as a cursor; ValueError when it is not one."""
    _sort_key(sort)
    key, sep, pair_id = token.rpartition("~")
    if not sep:
        raise ValueError("not a cursor")
    if sort == "score":
        return float(key), int(pair_id)
    when = datetime.fromisoformat(key)
    if when.tzinfo is None:
        raise ValueError("cursor time without a timezone")
    return when, int(pair_id)


def list_pairs(
    session: Session,
    filters: PairFilter = PairFilter(),
    *,
    limit: int = 50,
    offset: int = 0,
    sort: str | None = None,
    after: tuple[Any, int] | None = None,
) -> list[PairView]:
    """One page of matching pairs. `sort` (default: `filters.sort`) is `newest` (created_at, id
    descending) or `score` (highest first, then id descending). `after` is the cursor of the
    previous page's last pair (`pair_cursor`): keyset pagination, fast at any depth."""
    key, tiebreak = _sort_key(sort or filters.sort)
    stmt = _pairs_query(filters)
    if after is not None:
        stmt = stmt.where(tuple_(key, tiebreak) < tuple_(*after))
    stmt = stmt.order_by(key.desc(), tiebreak.desc()).limit(limit)
    if offset:
        stmt = stmt.offset(offset)
    return [_view(r) for r in session.execute(stmt)]


def count_pairs(session: Session, filters: PairFilter = PairFilter()) -> int:
    """How many pairs match (the claims and articles are joined only when a filter needs them)."""
    where, joins = _conditions(filters)
    stmt = select(func.count(ClaimPair.id)).select_from(ClaimPair)
    if joins:
        stmt = _join_sides(stmt)
    return int(session.scalar(stmt.where(*where)) or 0)


def status_counts(session: Session, filters: PairFilter = PairFilter()) -> dict[str, int]:
    """Matching pairs per status (every status present, zeros included); `filters.status` is ignored."""
    where, joins = _conditions(replace(filters, status=None))
    stmt = select(ClaimPair.status, func.count(ClaimPair.id)).select_from(ClaimPair)
    if joins:
        stmt = _join_sides(stmt)
    counts = dict.fromkeys(PAIR_STATUSES, 0)
    for status, count in session.execute(stmt.where(*where).group_by(ClaimPair.status)):
        counts[status] = int(count)
    return counts


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


def previous_pair_id(session: Session, filters: PairFilter, pair: PairView) -> int | None:
    """The pair just before `pair` in the score-ordered queue `filters` select: the lowest
    (score, id) above its own (`list_pairs(..., after=...)` gives the next one)."""
    stmt = (
        _pairs_query(filters)
        .where(tuple_(ClaimPair.score, ClaimPair.id) > tuple_(pair.score, pair.id))
        .order_by(ClaimPair.score.asc(), ClaimPair.id.asc())
        .limit(1)
    )
    row = session.execute(stmt).first()
    return row[0].id if row else None


def outlets(session: Session) -> list[str]:
    """Every outlet with a stored article, by name."""
    return list(session.scalars(select(Article.outlet).distinct().order_by(Article.outlet)))


def get_event(session: Session, event_id: int | None) -> Event | None:
    return session.get(Event, event_id) if event_id is not None else None


def list_feeds(session: Session) -> list[Feed]:
    """Every feed fetched so far, with its state and back-off, by outlet and URL."""
    return list(session.scalars(select(Feed).order_by(Feed.outlet, Feed.url)))


def reviewed_pair_texts(session: Session) -> list[tuple[str, str, str]]:
    """(verdict, claim a, claim b) of every confirmed or rejected pair, oldest first: reviewers'
    verdicts as training data (tasks/pairs/training)."""
    query = (
        select(ClaimPair.status, _ClaimA.text, _ClaimB.text)
        .join(_ClaimA, _ClaimA.id == ClaimPair.claim_a_id)
        .join(_ClaimB, _ClaimB.id == ClaimPair.claim_b_id)
        .where(ClaimPair.status.in_(("confirmed", "rejected")))
        .order_by(ClaimPair.id)
    )
    return [(status, a, b) for status, a, b in session.execute(query).all()]


def review_pair(session: Session, pair_id: int, *, verdict: str, reviewer: str, note: str | None = None) -> None:
    """Set a pair's verdict and append it to its history (pair_reviews); see db/reviews.py."""
    record_verdict(session, pair_id, verdict, reviewer, note)
