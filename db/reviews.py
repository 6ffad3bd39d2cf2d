"""Reviewers: accounts with hashed passwords, sign-in sessions, verdicts and their history.

Passwords are hashed with scrypt (stdlib `hashlib.scrypt`, a per-user random salt, parameters stored
with the hash so they can be raised later) and compared in constant time. A session is a random
token in an HttpOnly cookie; the database keeps only a keyed hash of it (HMAC with the app secret),
so a copy of the database does not let anyone sign in as a reviewer.

Ending sessions deletes their rows, so a browser is signed out on its next request. A disabled
reviewer (`disabled_at` set) can neither sign in nor use a session; the account and its verdicts stay.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from factcheck.db.models import PAIR_STATUSES, AppSecret, ClaimPair, PairReview, Reviewer, ReviewerSession, utcnow


class ReviewError(ValueError):
    """A review that cannot be recorded (unknown pair or verdict)."""


# scrypt cost: 2^15 × 8 × 128 bytes = 32 MiB of memory, about 50-100 ms per hash.
SCRYPT_N, SCRYPT_R, SCRYPT_P, SCRYPT_DKLEN = 2**15, 8, 1, 32
SESSION_LIFETIME = timedelta(days=7)
MIN_PASSWORD_LENGTH = 10
MAX_NAME_LENGTH = 200


class ReviewerError(ValueError):
    """A reviewer account that cannot be created or changed (bad name, weak password, name taken,
    no such reviewer)."""


# --- passwords -----------------------------------------------------------------------------------


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int, dklen: int) -> bytes:
    return hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p, dklen=dklen, maxmem=256 * 1024 * 1024)


def hash_password(password: str) -> str:
    """`scrypt$n$r$p$salt$hash` (base64 salt and hash)."""
    salt = secrets.token_bytes(16)
    digest = _scrypt(password, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P, SCRYPT_DKLEN)
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${_b64(salt)}${_b64(digest)}"


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = base64.b64decode(digest)
        actual = _scrypt(password, base64.b64decode(salt), int(n), int(r), int(p), len(expected))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, expected)


# Hashed once, used to spend the same time on unknown names as on known ones.
_DUMMY_HASH: str | None = None


def _dummy_hash() -> str:
    global _DUMMY_HASH
    if _DUMMY_HASH is None:
        _DUMMY_HASH = hash_password(secrets.token_urlsafe(16))
    return _DUMMY_HASH


# --- accounts ------------------------------------------------------------------------------------


def check_name(name: str) -> str:
    """The stored form of a name: NFKC and stripped, as the sign-in form looks it up."""
    name = unicodedata.normalize("NFKC", name).strip()
    if not name or len(name) > MAX_NAME_LENGTH or any(not ch.isprintable() for ch in name):
        raise ReviewerError(f"a reviewer name is 1 to {MAX_NAME_LENGTH} printable characters")
    return name


def add_reviewer(session: Session, name: str, password: str) -> int:
    name = check_name(name)
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ReviewerError(f"the password must have at least {MIN_PASSWORD_LENGTH} characters")
    if session.scalar(select(Reviewer.id).where(Reviewer.name == name)) is not None:
        raise ReviewerError(f"a reviewer named {name!r} exists already")
    reviewer = Reviewer(name=name, password_hash=hash_password(password))
    try:
        with session.begin_nested():
            session.add(reviewer)
            session.flush()
    except IntegrityError:
        raise ReviewerError(f"a reviewer named {name!r} exists already") from None
    return reviewer.id


def _reviewer_id(session: Session, name: str) -> int:
    reviewer_id = session.scalar(select(Reviewer.id).where(Reviewer.name == name))
    if reviewer_id is None:
        raise ReviewerError(f"no reviewer named {name!r}")
    return reviewer_id


def set_password(session: Session, name: str, password: str) -> int:
    """A new password signs every browser of the reviewer out; returns how many sessions ended."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ReviewerError(f"the password must have at least {MIN_PASSWORD_LENGTH} characters")
    reviewer_id = _reviewer_id(session, name)
    session.execute(update(Reviewer).where(Reviewer.id == reviewer_id).values(password_hash=hash_password(password)))
    return _end_sessions(session, reviewer_id)


def set_disabled(session: Session, name: str, disabled: bool) -> int:
    """Disable (no sign-in, every session ended) or enable a reviewer; returns the sessions ended.
    Disabling twice keeps the first date."""
    reviewer_id = _reviewer_id(session, name)
    when = func.coalesce(Reviewer.disabled_at, utcnow()) if disabled else None
    session.execute(update(Reviewer).where(Reviewer.id == reviewer_id).values(disabled_at=when))
    return _end_sessions(session, reviewer_id) if disabled else 0


def end_sessions(session: Session, name: str | None = None) -> int:
    """Sign out every browser, of every reviewer or of one; returns how many sessions ended."""
    return _end_sessions(session, None if name is None else _reviewer_id(session, name))


def _end_sessions(session: Session, reviewer_id: int | None) -> int:
    query = delete(ReviewerSession)
    if reviewer_id is not None:
        query = query.where(ReviewerSession.reviewer_id == reviewer_id)
    return session.execute(query).rowcount


@dataclass(frozen=True)
class ReviewerInfo:
    name: str
    created_at: datetime
    last_login_at: datetime | None
    disabled_at: datetime | None
    sessions: int  # unexpired


def list_reviewers(session: Session, *, now: datetime | None = None) -> list[ReviewerInfo]:
    """Every reviewer by name, with the number of unexpired sessions."""
    live = (
        select(ReviewerSession.reviewer_id, func.count().label("n"))
        .where(ReviewerSession.expires_at > (now or utcnow()))
        .group_by(ReviewerSession.reviewer_id)
        .subquery()
    )
    rows = session.execute(
        select(Reviewer.name, Reviewer.created_at, Reviewer.last_login_at, Reviewer.disabled_at, func.coalesce(live.c.n, 0))
        .outerjoin(live, live.c.reviewer_id == Reviewer.id)
        .order_by(Reviewer.name)
    )
    return [ReviewerInfo(*row) for row in rows]


def authenticate(session: Session, name: str, password: str) -> Reviewer | None:
    """The reviewer if the password is right and the account enabled; the same work is done for
    unknown names."""
    reviewer = session.scalar(select(Reviewer).where(Reviewer.name == name.strip()))
    if reviewer is None:
        verify_password(password, _dummy_hash())
        return None
    if not verify_password(password, reviewer.password_hash) or reviewer.disabled_at is not None:
        return None
    reviewer.last_login_at = utcnow()
    return reviewer


# --- sessions ------------------------------------------------------------------------------------


def token_hash(secret: bytes, token: str) -> str:
    return hmac.new(secret, b"session:" + token.encode("utf-8"), hashlib.sha256).hexdigest()


def start_session(session: Session, secret: bytes, reviewer_id: int, *, now: datetime | None = None) -> str:
    """A new session for a reviewer; returns the token that goes into the cookie."""
    now = now or utcnow()
    token = secrets.token_urlsafe(32)
    session.execute(delete(ReviewerSession).where(ReviewerSession.expires_at < now))
    session.add(ReviewerSession(token_hash=token_hash(secret, token), reviewer_id=reviewer_id, created_at=now,
                                expires_at=now + SESSION_LIFETIME))  # fmt: skip
    return token


@dataclass(frozen=True)
class SignedIn:
    reviewer_id: int
    name: str


def session_reviewer(session: Session, secret: bytes, token: str, *, now: datetime | None = None) -> SignedIn | None:
    if not token or len(token) > 200:
        return None
    row = session.execute(
        select(Reviewer.id, Reviewer.name)
        .join(ReviewerSession, ReviewerSession.reviewer_id == Reviewer.id)
        .where(ReviewerSession.token_hash == token_hash(secret, token), ReviewerSession.expires_at > (now or utcnow()))
        .where(Reviewer.disabled_at.is_(None))
    ).first()
    return SignedIn(row.id, row.name) if row else None


def end_session(session: Session, secret: bytes, token: str) -> None:
    session.execute(delete(ReviewerSession).where(ReviewerSession.token_hash == token_hash(secret, token)))


# --- the app secret ------------------------------------------------------------------------------


def stored_secret(session: Session, name: str = "web") -> bytes:
    """A random secret generated once and kept in the database (every process shares it)."""
    value = session.scalar(select(AppSecret.value).where(AppSecret.name == name))
    if value is None:
        try:
            with session.begin_nested():
                session.execute(insert(AppSecret).values(name=name, value=secrets.token_urlsafe(48), created_at=utcnow()))
        except IntegrityError:  # another process generated it first
            pass
        value = session.scalar(select(AppSecret.value).where(AppSecret.name == name))
    return value.encode("utf-8")


# --- verdicts ------------------------------------------------------------------------------------


def record_verdict(session: Session, pair_id: int, verdict: str, reviewer: str, note: str | None = None) -> None:
    """Set a pair's verdict and append it to the pair's history (`pair_reviews`)."""
    if verdict not in PAIR_STATUSES:
        raise ReviewError(f"unknown verdict {verdict!r}; use one of: {', '.join(PAIR_STATUSES)}")
    note = (note or "").strip() or None
    now = utcnow()
    result = session.execute(
        update(ClaimPair).where(ClaimPair.id == pair_id).values(status=verdict, reviewer=reviewer, note=note, reviewed_at=now)
    )
    if result.rowcount == 0:
        raise ReviewError(f"no pair with id {pair_id}")
    session.add(PairReview(pair_id=pair_id, verdict=verdict, note=note, reviewer=reviewer, created_at=now))
    session.flush()


@dataclass(frozen=True)
class HistoryEntry:
    verdict: str
    note: str | None
    reviewer: str
    created_at: datetime


def pair_history(session: Session, pair_id: int) -> list[HistoryEntry]:
    """A pair's verdicts, newest first."""
    rows = session.scalars(
        select(PairReview).where(PairReview.pair_id == pair_id).order_by(PairReview.created_at.desc(), PairReview.id.desc())
    )
    return [HistoryEntry(r.verdict, r.note, r.reviewer, r.created_at) for r in rows]
