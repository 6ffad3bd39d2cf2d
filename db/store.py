"""The pipeline's reads and writes. Every write is an upsert or an insert that ignores conflicts
on a natural key, so a rerun (or a second run at the same time) never stores anything twice."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Table, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from factcheck.db.models import Article, Claim, ClaimPair, Event, Feed, Lock, Run, RunIssue, utcnow
from factcheck.db.processes import process_gone, this_host
from factcheck.tasks import models as m


def _insert(session: Session, table: Table):
    dialect = session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)


# --- runs ------------------------------------------------------------------------------------


def start_run(session: Session, *, kind: str, flow_run_id: str | None) -> int:
    """Record a run of this process; first, earlier runs whose process died are marked interrupted."""
    mark_interrupted_runs(session)
    run = Run(kind=kind, flow_run_id=flow_run_id, status="running", counts={}, host=this_host(), pid=os.getpid())
    session.add(run)
    session.flush()
    return run.id


def mark_interrupted_runs(session: Session) -> list[int]:
    """Set `interrupted` on the runs still `running` whose process on this host has ended.

    A process killed with SIGKILL, by the out-of-memory killer or a power cut records no end, and
    its Prefect flow run stays Running too. Its half-done analysis needs nothing more: each step
    picks its work from the database, so the next run finishes it. Runs of other hosts, and runs
    recorded before migration 0006 (no pid), are left alone: whether their process lives cannot be
    told here. A host is known by its name, so a container restarted under the same name judges
    the runs of its previous life; two containers that share a name but not their process ids
    (host networking) could mark each other's live runs, which then set their real status at the end.
    """
    host = this_host()
    rows = session.execute(
        select(Run.id, Run.pid, Run.started_at).where(Run.status == "running", Run.host == host, Run.pid.is_not(None))
    ).all()
    gone = [row for row in rows if process_gone(row.pid, row.started_at)]
    now = utcnow()
    for row in gone:
        session.execute(
            update(Run)
            .where(Run.id == row.id, Run.status == "running")
            .values(
                status="interrupted",
                error=f"process {row.pid} on {host} ended without finishing the run "
                f"(noticed {now:%Y-%m-%d %H:%M:%S} UTC)",
            )
        )
    return [row.id for row in gone]


def finish_run(session: Session, run_id: int, *, status: str, counts: dict[str, Any], error: str | None = None) -> None:
    session.execute(
        update(Run)
        .where(Run.id == run_id)
        .values(status=status, counts=counts, error=error, finished_at=utcnow())
    )


STATUS_LENGTH = 80  # run_issues.status


def record_issue(session: Session, run_id: int | None, *, stage: str, subject: str, status: str, message: str | None) -> None:
    """A status longer than its column ("failed: dns lookup failed for <a long host>") would fail
    the whole batch on PostgreSQL: it is clipped, and kept whole at the head of the message."""
    if len(status) > STATUS_LENGTH:
        message = status if not message else f"{status}\n{message}"
        status = status[: STATUS_LENGTH - 1] + "…"
    session.add(RunIssue(run_id=run_id, stage=stage, subject=subject, status=status, message=message))


def run_issues(session: Session, run_id: int) -> list[RunIssue]:
    return list(session.scalars(select(RunIssue).where(RunIssue.run_id == run_id).order_by(RunIssue.id)))


# --- feeds -----------------------------------------------------------------------------------


def save_feed_validators(session: Session, url: str, etag: str | None, last_modified: str | None) -> None:
    session.execute(update(Feed).where(Feed.url == url).values(etag=etag, last_modified=last_modified))


def feed_validators(session: Session, url: str) -> tuple[str | None, str | None]:
    """Stored ETag and Last-Modified for a conditional GET."""
    row = session.execute(select(Feed.etag, Feed.last_modified).where(Feed.url == url)).first()
    return (row.etag, row.last_modified) if row else (None, None)


@dataclasses.dataclass(frozen=True)
class FeedSchedule:
    """A feed's back-off state: when it is due and whether it is disabled."""

    next_fetch_at: datetime | None = None
    disabled_at: datetime | None = None
    consecutive_failures: int = 0
    failure_score: float = 0.0
    last_error: str | None = None

    @property
    def backoff(self) -> m.FeedBackoff:
        return _backoff(self.consecutive_failures, self.failure_score, self.next_fetch_at, self.disabled_at)


def _backoff(failures: int | None, score: float | None, next_fetch_at: datetime | None,
             disabled_at: datetime | None) -> m.FeedBackoff:
    return m.FeedBackoff(failures or 0, score or 0.0, next_fetch_at, disabled_at)


def feed_schedule(session: Session, url: str) -> FeedSchedule:
    """The stored back-off state of a feed (a feed never fetched is due now)."""
    row = session.execute(
        select(Feed.next_fetch_at, Feed.disabled_at, Feed.consecutive_failures, Feed.failure_score, Feed.last_error)
        .where(Feed.url == url)
    ).first()
    return FeedSchedule(*row) if row else FeedSchedule()


def feed_backoff(session: Session, url: str) -> m.FeedBackoff:
    """A feed's stored back-off, its row locked until the transaction ends (PostgreSQL), so that
    two runs fetching the same feed add their failures one after the other."""
    row = session.execute(
        select(Feed.consecutive_failures, Feed.failure_score, Feed.next_fetch_at, Feed.disabled_at)
        .where(Feed.url == url)
        .with_for_update()
    ).first()
    return _backoff(*row) if row is not None else m.FeedBackoff()


def save_feed_state(
    session: Session, fetch: m.FeedFetch, backoff: m.FeedBackoff, *, now: datetime | None = None,
    validators: bool = True,
) -> int:
    """Upsert a feed's state after a fetch, with the back-off the feeds stage decided for it
    (tasks/feeds/backoff.py `after`); a failure keeps the validators.

    With `validators=False` the new ETag / Last-Modified are not stored yet: the ingest flow
    stores them (`save_feed_validators`) once every new entry's page is stored, so that a run that
    dies in between sees the same entries again next time instead of a 304."""
    now = now or utcnow()
    table = Feed.__table__
    ok = fetch.status != "failed"
    values: dict[str, Any] = {
        "url": fetch.source.url,
        "outlet": fetch.source.outlet,
        "last_status": fetch.status,
        "last_http_status": fetch.http_status,
        "last_error": fetch.error,
        "last_warning": fetch.warning,
        "last_fetched_at": now,
        "consecutive_failures": backoff.consecutive_failures,
        "failure_score": backoff.failure_score,
        "next_fetch_at": backoff.next_fetch_at,
        "disabled_at": backoff.disabled_at,
        "created_at": now,
    }
    if ok:
        values["last_success_at"] = now
    if fetch.status == "fetched" and validators:
        values["etag"] = fetch.etag
        values["last_modified"] = fetch.last_modified
    stmt = _insert(session, table).values(**values)
    updates = {k: stmt.excluded[k] for k in values if k not in ("url", "created_at")}
    stmt = stmt.on_conflict_do_update(index_elements=["url"], set_=updates).returning(table.c.id)
    return session.execute(stmt).scalar_one()


# --- articles --------------------------------------------------------------------------------


def stored_urls(session: Session, urls: Iterable[str]) -> set[str]:
    """Which of these canonical URLs are stored already (to skip fetching them again)."""
    urls = list(urls)
    found: set[str] = set()
    for start in range(0, len(urls), 500):
        chunk = urls[start : start + 500]
        found.update(session.scalars(select(Article.url).where(Article.url.in_(chunk))))
    return found


def insert_article(session: Session, article: m.Article, feed_id: int | None) -> int | None:
    """Store an article; None when its URL or its content hash is stored already."""
    table = Article.__table__
    stmt = (
        _insert(session, table)
        .values(
            url=article.url,
            content_hash=article.content_hash,
            feed_id=feed_id,
            outlet=article.outlet,
            title=article.title,
            author=article.author,
            published_at=article.published_at,
            language=article.language,
            text=article.text,
            body_source=article.body_source,
            status=article.status,
            fetched_at=utcnow(),
        )
        .on_conflict_do_nothing()
        .returning(table.c.id)
    )
    return session.execute(stmt).scalar_one_or_none()


def feed_id_for(session: Session, url: str) -> int | None:
    return session.scalar(select(Feed.id).where(Feed.url == url))


# --- claims ----------------------------------------------------------------------------------


def articles_needing_claims(session: Session, version: str) -> list[int]:
    stmt = select(Article.id).where((Article.claims_version.is_(None)) | (Article.claims_version != version))
    return list(session.scalars(stmt.order_by(Article.id)))


def article_for_claims(session: Session, article_id: int) -> m.ArticleText | None:
    article = session.get(Article, article_id)
    if article is None:
        return None
    return m.ArticleText(article.id, article.outlet, article.published_at, article.language, article.text)


def _jsonable(items: Sequence[Any]) -> list[dict[str, Any]]:
    out = []
    for item in items:
        data = dataclasses.asdict(item)
        for key, value in data.items():
            if hasattr(value, "isoformat"):
                data[key] = value.isoformat()
        out.append(data)
    return out


def save_claims(session: Session, article_id: int, claims: Sequence[m.Claim], version: str) -> int:
    """Insert an article's claims (ignoring ones already there) and mark the article done."""
    table = Claim.__table__
    inserted = 0
    if claims:
        rows = [
            {
                "article_id": article_id,
                "position": c.position,
                "text": c.text,
                "speaker": c.speaker,
                "speaker_kind": c.speaker_kind,
                "polarity": c.polarity,
                "hedged": c.hedged,
                "numbers": _jsonable(c.numbers),
                "dates": _jsonable(c.dates),
                "context": c.context,
            }
            for c in claims
        ]
        stmt = _insert(session, table).on_conflict_do_nothing(index_elements=["article_id", "position"])
        inserted = session.execute(stmt.returning(table.c.id), rows).all().__len__()
    session.execute(update(Article).where(Article.id == article_id).values(claims_version=version))
    return inserted


# --- events ----------------------------------------------------------------------------------


def _digest(article: Article) -> m.ArticleDigest:
    return m.ArticleDigest(
        article_id=article.id,
        outlet=article.outlet,
        published_at=article.published_at,
        title=article.title or "",
        text=article.text,
    )


def take_lock(session: Session, name: str) -> None:
    """Hold `name` until this transaction ends; call it before the transaction reads anything.

    Two runs at once (a manual run during the nightly one) would otherwise both read the same
    unassigned articles and both open events for them.
    """
    table = Lock.__table__
    stmt = _insert(session, table).values(name=name, acquired_at=utcnow())
    session.execute(stmt.on_conflict_do_update(index_elements=["name"], set_={"acquired_at": stmt.excluded.acquired_at}))


def unassigned_articles(session: Session) -> list[m.ArticleDigest]:
    stmt = select(Article).where(Article.event_id.is_(None)).order_by(Article.id)
    return [_digest(a) for a in session.scalars(stmt)]


def _shift(when: datetime, delta: timedelta) -> datetime:
    """`when + delta`, held at the ends of the calendar (feeds do carry dates like 9999-12-31)."""
    try:
        return when + delta
    except OverflowError:
        return datetime.max.replace(tzinfo=when.tzinfo) if delta > timedelta(0) else datetime.min.replace(tzinfo=when.tzinfo)


def events_near(session: Session, start: datetime | None, end: datetime | None, window: timedelta) -> list[m.EventDigest]:
    """Events whose articles were published within `window` of [start, end]."""
    stmt = select(Event)
    if start is not None and end is not None:
        stmt = stmt.where(
            Event.last_published_at >= _shift(start, -window), Event.first_published_at <= _shift(end, window)
        )
    events = list(session.scalars(stmt.order_by(Event.id)))
    return [
        m.EventDigest(event_id=e.id, articles=tuple(_digest(a) for a in sorted(e.articles, key=lambda a: a.id)))
        for e in events
    ]


def apply_assignment(session: Session, joins: dict[int, int], new_groups: Sequence[Sequence[int]]) -> list[int]:
    """Create the new events, attach articles, and mark touched events for detection."""
    joins = dict(joins)
    touched: set[int] = set()
    for group in new_groups:
        first = session.get(Article, group[0])
        event = Event(title=(first.title if first and first.title else "untitled event"))
        session.add(event)
        session.flush()
        joins.update(dict.fromkeys(group, event.id))
    for article_id, event_id in joins.items():
        session.execute(
            update(Article).where(Article.id == article_id, Article.event_id.is_(None)).values(event_id=event_id)
        )
        touched.add(event_id)
    for event_id in touched:
        span = session.execute(
            select(func.min(Article.published_at), func.max(Article.published_at)).where(Article.event_id == event_id)
        ).one()
        session.execute(
            update(Event)
            .where(Event.id == event_id)
            .values(first_published_at=span[0], last_published_at=span[1], pairs_version=None)
        )
    return sorted(touched)


def events_needing_pairs(session: Session, version: str) -> list[int]:
    stmt = select(Event.id).where((Event.pairs_version.is_(None)) | (Event.pairs_version != version))
    return list(session.scalars(stmt.order_by(Event.id)))


# --- pairs -----------------------------------------------------------------------------------


def event_claims(session: Session, event_id: int) -> list[m.ClaimRef]:
    """An event's claims rebuilt as typed data for the detectors (retired claims, kept only for
    their reviewed pairs at a negative position, are left out: see db/reanalysis.py)."""
    rows = session.execute(
        select(Claim, Article.outlet, Article.published_at)
        .join(Article, Claim.article_id == Article.id)
        .where(Article.event_id == event_id, Claim.position >= 0)
        .order_by(Claim.id)
    ).all()
    return [
        m.ClaimRef(
            claim_id=claim.id,
            article_id=claim.article_id,
            event_id=event_id,
            outlet=outlet,
            published_at=published_at,
            claim=claim_from_row(claim),
        )
        for claim, outlet, published_at in rows
    ]


def claim_from_row(row: Claim) -> m.Claim:
    numbers = tuple(m.Quantity(**q) for q in row.numbers or [])
    dates = tuple(
        m.DateMention(**{**d, "value": date.fromisoformat(d["value"]) if d.get("value") else None})
        for d in row.dates or []
    )
    return m.Claim(
        text=row.text,
        position=row.position,
        speaker=row.speaker,
        speaker_kind=row.speaker_kind,  # type: ignore[arg-type]
        polarity=row.polarity,  # type: ignore[arg-type]
        hedged=row.hedged,
        numbers=numbers,
        dates=dates,
        context=row.context,
    )


def pair_rows(event_id: int, pairs: Sequence[tuple[int, int, m.PairScore]], version: str) -> list[dict[str, Any]]:
    """Rows for `claim_pairs`, one per unordered pair (lower claim id first), new and pending."""
    return [
        {
            "claim_a_id": min(a, b),
            "claim_b_id": max(a, b),
            "event_id": event_id,
            "score": round(score.score, 4),
            "reasons": [r.as_dict() for r in score.reasons],
            "detector_version": version,
            "status": "pending",
            "created_at": utcnow(),
        }
        for a, b, score in pairs
    ]


def save_pairs(
    session: Session,
    event_id: int,
    pairs: Sequence[tuple[int, int, m.PairScore]],
    version: str,
) -> int:
    """Insert new pairs (lower claim id first); existing rows and their verdicts stay as they are."""
    table = ClaimPair.__table__
    inserted = 0
    if pairs:
        rows = pair_rows(event_id, pairs, version)
        stmt = _insert(session, table).on_conflict_do_nothing(index_elements=["claim_a_id", "claim_b_id"])
        inserted = len(session.execute(stmt.returning(table.c.id), rows).all())
    session.execute(update(Event).where(Event.id == event_id).values(pairs_version=version))
    return inserted
