"""The writes of a reanalysis: claims, events and pairs recomputed with the current extractor and
detectors over a date range, without losing a reviewer's verdict.

- Claims are refreshed in place. A freshly extracted claim takes over the stored claim of the
  same article with the same text (the one at the same position first), so its id, and with it
  every pair and verdict that refers to it, survives; its position, speaker, numbers and dates are
  updated. Matching by text rather than by position alone keeps a verdict attached to the sentence
  the reviewer judged: when a new splitter shifts positions, the claim at position 5 may be
  another sentence. New sentences are inserted. A stored claim the extractor no longer produces is
  deleted, unless a pair refers to it: then it is kept unchanged as *retired* with the negative
  position ``-id`` (positions of current claims are >= 0) and takes no part in detection.
- Pairs are upserted: new pairs are inserted; a pair found again keeps its status, note, reviewer
  and review time, and only a *pending* pair gets the new score, reasons and detector version. A
  reviewed pair keeps the score and reasons the reviewer saw. Pending pairs that the current
  detectors no longer report are left as they are, with their old ``detector_version``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session

from factcheck.db.models import Article, Claim, ClaimPair, Event
from factcheck.db import store
from factcheck.db.store import _insert, _jsonable
from factcheck.tasks import models as m


def articles_published_between(session: Session, start: datetime | None, end: datetime | None) -> list[int]:
    """Ids of articles published in [start, end]; with no bound at all, every article (also undated ones)."""
    stmt = select(Article.id)
    if start is not None:
        stmt = stmt.where(Article.published_at >= start)
    if end is not None:
        stmt = stmt.where(Article.published_at <= end)
    return list(session.scalars(stmt.order_by(Article.id)))


@dataclass
class ClaimRefresh:
    kept: int = 0  # same sentence found again: id kept, fields updated
    inserted: int = 0
    deleted: int = 0
    retired: int = 0  # no longer extracted but referenced by a pair: kept at position -id

    def add(self, other: ClaimRefresh) -> None:
        self.kept += other.kept
        self.inserted += other.inserted
        self.deleted += other.deleted
        self.retired += other.retired


def _claim_values(claim: m.Claim) -> dict:
    return {
        "position": claim.position,
        "text": claim.text,
        "speaker": claim.speaker,
        "speaker_kind": claim.speaker_kind,
        "polarity": claim.polarity,
        "hedged": claim.hedged,
        "numbers": _jsonable(claim.numbers),
        "dates": _jsonable(claim.dates),
        "context": claim.context,
    }


def _referenced(session: Session, claim_ids: Sequence[int]) -> set[int]:
    if not claim_ids:
        return set()
    rows = session.execute(
        select(ClaimPair.claim_a_id, ClaimPair.claim_b_id).where(
            or_(ClaimPair.claim_a_id.in_(claim_ids), ClaimPair.claim_b_id.in_(claim_ids))
        )
    ).all()
    wanted = set(claim_ids)
    return {claim_id for row in rows for claim_id in row if claim_id in wanted}


def refresh_claims(session: Session, article_id: int, claims: Sequence[m.Claim], version: str) -> ClaimRefresh:
    """Replace an article's claims by `claims`, keeping the ids of sentences found again."""
    outcome = ClaimRefresh()
    # Lock the article's row (PostgreSQL) so two reanalyses of one article take turns.
    session.execute(select(Article.id).where(Article.id == article_id).with_for_update())
    stored = list(session.execute(
        select(Claim.id, Claim.position, Claim.text).where(Claim.article_id == article_id).order_by(Claim.position)
    ).all())
    by_text: dict[str, list[tuple[int, int]]] = {}
    for claim_id, position, text in stored:
        by_text.setdefault(text, []).append((claim_id, position))

    matches: list[tuple[int | None, m.Claim]] = []
    positions: set[int] = set()
    for claim in claims:
        if claim.position in positions:  # positions are unique per article; keep the first
            continue
        positions.add(claim.position)
        candidates = by_text.get(claim.text) or []
        chosen = next((c for c in candidates if c[1] == claim.position), candidates[0] if candidates else None)
        if chosen is not None:
            candidates.remove(chosen)
        matches.append((chosen[0] if chosen else None, claim))
    leftover = [claim_id for group in by_text.values() for claim_id, _ in group]

    # Move every stored claim out of the way (position -id is unique), then place each one.
    session.execute(update(Claim).where(Claim.article_id == article_id).values(position=-Claim.id))
    new_rows = []
    for claim_id, claim in matches:
        if claim_id is None:
            new_rows.append({"article_id": article_id, **_claim_values(claim)})
        else:
            session.execute(update(Claim).where(Claim.id == claim_id).values(**_claim_values(claim)))
            outcome.kept += 1
    referenced = _referenced(session, leftover)
    unreferenced = [claim_id for claim_id in leftover if claim_id not in referenced]
    if unreferenced:
        session.execute(delete(Claim).where(Claim.id.in_(unreferenced)))
    outcome.deleted = len(unreferenced)
    outcome.retired = len(referenced)
    if new_rows:
        session.execute(_insert(session, Claim.__table__), new_rows)
        outcome.inserted = len(new_rows)
    session.execute(update(Article).where(Article.id == article_id).values(claims_version=version))
    return outcome


def mark_events_stale(session: Session, article_ids: Sequence[int]) -> list[int]:
    """Mark the events of these articles for detection; returns their ids."""
    event_ids: set[int] = set()
    for start in range(0, len(article_ids), 500):
        chunk = list(article_ids[start : start + 500])
        event_ids.update(
            session.scalars(select(Article.event_id).where(Article.id.in_(chunk), Article.event_id.is_not(None)))
        )
    if event_ids:
        session.execute(update(Event).where(Event.id.in_(event_ids)).values(pairs_version=None))
    return sorted(event_ids)


def refresh_pairs(
    session: Session,
    event_id: int,
    pairs: Sequence[tuple[int, int, m.PairScore]],
    version: str,
) -> tuple[int, int]:
    """Insert new pairs, refresh pending ones; returns (inserted, refreshed)."""
    table = ClaimPair.__table__
    rows = {(row["claim_a_id"], row["claim_b_id"]): row for row in store.pair_rows(event_id, pairs, version)}
    inserted = refreshed = 0
    if rows:
        firsts = sorted({a for a, _ in rows})
        existing: dict[tuple[int, int], str] = {}
        for start in range(0, len(firsts), 500):
            for a, b, status in session.execute(
                select(ClaimPair.claim_a_id, ClaimPair.claim_b_id, ClaimPair.status).where(
                    ClaimPair.claim_a_id.in_(firsts[start : start + 500])
                )
            ):
                if (a, b) in rows:
                    existing[(a, b)] = status
        stmt = _insert(session, table)
        stmt = stmt.on_conflict_do_update(
            index_elements=["claim_a_id", "claim_b_id"],
            set_={
                "score": stmt.excluded.score,
                "reasons": stmt.excluded.reasons,
                "detector_version": stmt.excluded.detector_version,
                "event_id": stmt.excluded.event_id,
            },
            where=table.c.status == "pending",
        )
        session.execute(stmt, list(rows.values()))
        inserted = sum(key not in existing for key in rows)
        refreshed = sum(status == "pending" for status in existing.values())
    session.execute(update(Event).where(Event.id == event_id).values(pairs_version=version))
    return inserted, refreshed
