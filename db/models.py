"""Tables. Natural unique keys make every stage idempotent: reruns upsert, never duplicate."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class UTCDateTime(TypeDecorator[datetime]):
    """Stores naive UTC, returns aware UTC: SQLite drops offsets, PostgreSQL keeps them."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        return None if value is None else value.replace(tzinfo=timezone.utc)


class Base(DeclarativeBase):
    # Named constraints, so that later migrations can alter them on SQLite and PostgreSQL alike.
    metadata = MetaData(
        naming_convention={
            "ix": "ix_%(table_name)s_%(column_0_N_name)s",
            "uq": "uq_%(table_name)s_%(column_0_N_name)s",
            "ck": "ck_%(table_name)s_%(constraint_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )
    type_annotation_map = {datetime: UTCDateTime()}


class Feed(Base):
    """One feed URL and its fetch state (conditional GET validators, failure streak, back-off)."""

    __tablename__ = "feeds"

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(2048), unique=True)
    outlet: Mapped[str] = mapped_column(String(200))
    etag: Mapped[str | None] = mapped_column(String(1024))
    last_modified: Mapped[str | None] = mapped_column(String(200))
    last_status: Mapped[str | None] = mapped_column(String(40))
    last_http_status: Mapped[int | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    last_warning: Mapped[str | None] = mapped_column(Text)
    consecutive_failures: Mapped[int] = mapped_column(Integer, default=0)
    last_fetched_at: Mapped[datetime | None]
    last_success_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Back-off (tasks/feeds/backoff.py): weighted failures since the last success, when the feed is
    # due again (NULL: now), and when it was disabled after too many consecutive failures.
    failure_score: Mapped[float] = mapped_column(Float, default=0.0, server_default="0")
    next_fetch_at: Mapped[datetime | None]
    disabled_at: Mapped[datetime | None]


class Run(Base):
    """One pipeline run, with the counts printed in its summary.

    `status` is running, completed, failed, or interrupted: the process died without finishing
    the run (killed, out of memory, the machine went down), noticed by a later run on the same
    host through `host` and `pid` (db/store.py, `mark_interrupted_runs`)."""

    __tablename__ = "runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    flow_run_id: Mapped[str | None] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(40), default="nightly")
    status: Mapped[str] = mapped_column(String(40), default="running")
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    counts: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    error: Mapped[str | None] = mapped_column(Text)
    # The process that runs it (migration 0006); NULL for runs recorded before.
    host: Mapped[str | None] = mapped_column(String(255))
    pid: Mapped[int | None]


class RunIssue(Base):
    """Something that went wrong with one input (feed, entry, page) in a run; the run went on."""

    __tablename__ = "run_issues"

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"), index=True)
    stage: Mapped[str] = mapped_column(String(40))  # feed, entry, page, article
    subject: Mapped[str] = mapped_column(Text)  # URL or feed name
    status: Mapped[str] = mapped_column(String(80))
    message: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Lock(Base):
    """A named lock row. Upserting it first in a transaction serialises that step across
    processes and machines: SQLite takes its write lock, PostgreSQL locks the row."""

    __tablename__ = "locks"

    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    acquired_at: Mapped[datetime] = mapped_column(default=utcnow)


class Event(Base):
    """A real-world happening that several articles report."""

    __tablename__ = "events"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(Text)
    first_published_at: Mapped[datetime | None] = mapped_column(index=True)
    last_published_at: Mapped[datetime | None] = mapped_column(index=True)
    # Detector version its pairs were last computed with; NULL when articles joined since, so
    # a run that crashed before detection finishes the job on the next run.
    pairs_version: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    articles: Mapped[list[Article]] = relationship(back_populates="event")


class Article(Base):
    __tablename__ = "articles"

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(2048), unique=True)
    content_hash: Mapped[str] = mapped_column(String(64), unique=True)
    feed_id: Mapped[int | None] = mapped_column(ForeignKey("feeds.id", ondelete="SET NULL"))
    outlet: Mapped[str] = mapped_column(String(200), index=True)
    title: Mapped[str | None] = mapped_column(Text)
    author: Mapped[str | None] = mapped_column(Text)
    published_at: Mapped[datetime | None] = mapped_column(index=True)
    language: Mapped[str | None] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text)
    body_source: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(Text)
    fetched_at: Mapped[datetime] = mapped_column(default=utcnow)
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id", ondelete="SET NULL"), index=True)
    claims_version: Mapped[str | None] = mapped_column(String(40))

    event: Mapped[Event | None] = relationship(back_populates="articles")
    claims: Mapped[list[Claim]] = relationship(back_populates="article", order_by="Claim.position")


class Claim(Base):
    __tablename__ = "claims"
    __table_args__ = (UniqueConstraint("article_id", "position", name="uq_claims_article_position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    text: Mapped[str] = mapped_column(Text)
    speaker: Mapped[str] = mapped_column(Text)
    speaker_kind: Mapped[str] = mapped_column(String(20))
    polarity: Mapped[str] = mapped_column(String(20))
    hedged: Mapped[bool] = mapped_column(Boolean, default=False)
    numbers: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    dates: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    context: Mapped[str] = mapped_column(Text, default="")

    article: Mapped[Article] = relationship(back_populates="claims")


PAIR_STATUSES = ("pending", "confirmed", "rejected", "unsure")


def max_id(url: str) -> int:
    """The largest id the database holds: ids are INTEGER columns, 32-bit on PostgreSQL and 64-bit
    on SQLite. A larger value in a query is an overflow error, not an empty result."""
    return 2**31 - 1 if url.startswith("postgresql") else 2**63 - 1


class ClaimPair(Base):
    """Two claims that may not both be true. One row per unordered pair (a < b)."""

    __tablename__ = "claim_pairs"
    __table_args__ = (
        UniqueConstraint("claim_a_id", "claim_b_id", name="uq_claim_pairs_claims"),
        CheckConstraint("claim_a_id < claim_b_id", name="ordered"),
        CheckConstraint(
            "status IN ('pending', 'confirmed', 'rejected', 'unsure')", name="status"
        ),
        Index("ix_claim_pairs_status_score", "status", "score"),
        # Added by migration 0004 for the review queue's keyset pagination and filters.
        Index("ix_claim_pairs_status_score_id", "status", "score", "id"),
        Index("ix_claim_pairs_status_created_at_id", "status", "created_at", "id"),
        Index("ix_claim_pairs_created_at_id", "created_at", "id"),
        Index("ix_claim_pairs_event_id_status_score", "event_id", "status", "score", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_a_id: Mapped[int] = mapped_column(ForeignKey("claims.id", ondelete="CASCADE"))
    claim_b_id: Mapped[int] = mapped_column(ForeignKey("claims.id", ondelete="CASCADE"), index=True)
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id", ondelete="SET NULL"), index=True)
    score: Mapped[float] = mapped_column(Float)
    reasons: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    detector_version: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20), default="pending")
    note: Mapped[str | None] = mapped_column(Text)
    reviewer: Mapped[str | None] = mapped_column(String(200))
    reviewed_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    claim_a: Mapped[Claim] = relationship(foreign_keys=[claim_a_id])
    claim_b: Mapped[Claim] = relationship(foreign_keys=[claim_b_id])


# --- reviewers (the review web app, db/reviews.py) -------------------------------------------


class Reviewer(Base):
    """A journalist who may sign in to the review app; the password is stored as a scrypt hash."""

    __tablename__ = "reviewers"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]
    # Set by `factcheck reviewers disable`: no sign-in and no session while set; verdicts stay.
    disabled_at: Mapped[datetime | None]


class ReviewerSession(Base):
    """A signed-in browser. The cookie holds a random token; only its keyed hash is stored."""

    __tablename__ = "reviewer_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("reviewers.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(index=True)


class PairReview(Base):
    """One verdict given on a pair (web app or CLI): the history that `claim_pairs` summarises."""

    __tablename__ = "pair_reviews"
    __table_args__ = (
        CheckConstraint("verdict IN ('pending', 'confirmed', 'rejected', 'unsure')", name="verdict"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    pair_id: Mapped[int] = mapped_column(ForeignKey("claim_pairs.id", ondelete="CASCADE"), index=True)
    verdict: Mapped[str] = mapped_column(String(20))
    note: Mapped[str | None] = mapped_column(Text)
    reviewer: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class AppSecret(Base):
    """Generated secrets that must survive restarts (the review app's key when
    FACTCHECK_WEB_SECRET is unset); shared by every process using the database."""

    __tablename__ = "app_secrets"

    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
