"""The Prefect tasks: each loads its inputs from the database, calls one stage's pure functions,
and stores the result.

The stage modules (feeds, articles, claims, events, contradictions) know nothing of Prefect or the
database, so they are tested alone; this module is the thin layer between them and the flows.
Tasks take and return ids and plain dataclasses, never a client or a session: Prefect hashes task
inputs and may persist results, and both break on such objects. The HTTP client and the database
engine are per-process resources, created on first use.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import httpx
from prefect import get_run_logger, runtime, task
from prefect.cache_policies import NO_CACHE
from sqlalchemy.orm import Session

from factcheck.config.settings import Settings, current
from factcheck.db import reanalysis, store
from factcheck.db.engine import session_scope
from factcheck.tasks import articles, claims, cpu_pool, events, feeds, progress
from factcheck.tasks.feeds import backoff
from factcheck.tasks.models import Article, ArticleText, FeedEntry, FeedFetch, FeedSource, InputIssue
from factcheck.tasks.net import HttpSettings, RetryPolicy, make_client
from factcheck.tasks.pairs import dedup, detect, rescoring

CLAIMS_VERSION = "claims-1"

_clients: dict[HttpSettings, httpx.Client] = {}
_clients_lock = threading.Lock()


def http_settings(settings: Settings) -> HttpSettings:
    return HttpSettings(
        connect_timeout_s=settings.connect_timeout_s,
        read_timeout_s=settings.read_timeout_s,
        user_agent=settings.user_agent,
        max_redirects=settings.max_redirects,
        max_bytes=settings.max_page_bytes,
        allow_private_addresses=settings.allow_private_addresses,
        per_host_limit=settings.per_host_limit,
    )


def retry_policy(settings: Settings) -> RetryPolicy:
    """In-task retries of one GET (timeouts, 429, 5xx); no retry starts after 60 s."""
    return RetryPolicy(retries=settings.fetch_retries, budget_s=60.0)


# No Prefect `timeout_seconds` on these tasks: they run in worker threads, where Prefect cannot
# interrupt a blocked call and only logs a warning per task run. Each GET has its own deadline
# instead (`get_bytes`: 60 s for the whole fetch, redirects included), and retries start only
# within 60 s, so a feed takes at most about 3 minutes and a batch of 8 pages about 24.


def shared_client(settings: Settings) -> httpx.Client:
    """One client per process and configuration, so connections are pooled across tasks."""
    key = http_settings(settings)
    with _clients_lock:
        client = _clients.get(key)
        if client is None or client.is_closed:
            client = _clients[key] = make_client(key)
        return client


def close_clients() -> None:
    with _clients_lock:
        for client in _clients.values():
            client.close()
        _clients.clear()


# --- ingest ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class FeedOutcome:
    outlet: str
    url: str
    status: str  # fetched / not_modified / failed / deferred (backing off) / disabled
    feed_id: int | None
    entries: tuple[FeedEntry, ...] = ()  # new entries whose pages are still to fetch
    seen: int = 0
    message: str | None = None
    # The feed's new (ETag, Last-Modified), to store once all `entries` are stored; None when
    # there are none, or when entries were left out (over the per-feed cap) for a later run.
    validators: tuple[str | None, str | None] | None = None


@task(name="fetch-feed", cache_policy=NO_CACHE)
def fetch_feed_task(source: FeedSource, run_id: int) -> FeedOutcome:
    """Conditional GET of one feed; records its state and returns the entries not stored yet.

    A feed backing off after failures, or disabled after too many, is skipped (and recorded)
    unless FACTCHECK_IGNORE_BACKOFF is set."""
    settings = current()
    url = settings.database()
    logger = get_run_logger()
    with session_scope(url) as session:
        etag, last_modified = store.feed_validators(session, source.url)
        schedule = store.feed_schedule(session, source.url)
        skipped = None if settings.ignore_backoff else backoff.skip_reason(schedule.backoff, datetime.now(UTC))
        if skipped is not None:
            status, issue = skipped
            record_issues(session, run_id, [InputIssue("feed", source.url, issue, schedule.last_error)])
    if skipped is not None:
        logger.info("feed %s (%s) %s", source.outlet, source.url, issue)
        progress.advance("feeds")
        return FeedOutcome(source.outlet, source.url, status, None, message=issue)
    fetch = feeds.fetch_feed(
        shared_client(settings), source, etag=etag, last_modified=last_modified, max_bytes=settings.max_feed_bytes,
        retry=retry_policy(settings),
    )
    triage = feeds.triage_entries(fetch)
    with session_scope(url) as session:
        feed_id = record_feed_fetch(session, fetch, validators=False)
        record_issues(session, run_id, [*feeds.fetch_issues(fetch), *triage.issues])
        known = store.stored_urls(session, triage.fresh) if fetch.status != "failed" else set()
    progress.advance("feeds")
    if fetch.status == "failed":
        logger.warning("feed %s (%s) failed: %s", source.outlet, source.url, fetch.error)
        return FeedOutcome(source.outlet, source.url, "failed", feed_id, message=fetch.error)
    unseen = tuple(e for u, e in triage.fresh.items() if u not in known)
    new = unseen[: settings.max_entries_per_feed]
    validators = (fetch.etag, fetch.last_modified) if fetch.status == "fetched" and len(new) == len(unseen) else None
    logger.info("feed %s: %s, %d entries, %d new", source.outlet, fetch.status, len(fetch.entries), len(new))
    return FeedOutcome(source.outlet, source.url, fetch.status, feed_id, new, len(fetch.entries), fetch.warning,
                       validators)


def record_issues(session: Session, run_id: int, issues: Iterable[InputIssue]) -> None:
    for issue in issues:
        store.record_issue(session, run_id, stage=issue.stage, subject=issue.subject, status=issue.status,
                           message=issue.message)


def record_feed_fetch(session: Session, fetch: FeedFetch, *, now: datetime | None = None,
                      validators: bool = True) -> int:
    """Store a feed's state after a fetch, with the back-off the feeds stage decides from the
    stored one (read under a row lock, so that overlapping runs add up their failures)."""
    now = now or datetime.now(UTC)
    decided = backoff.after(store.feed_backoff(session, fetch.source.url), fetch, now)
    return store.save_feed_state(session, fetch, decided, now=now, validators=validators)


def save_validators(outcomes: list[FeedOutcome]) -> None:
    """Store the validators of feeds whose new entries are all stored (see `FeedOutcome`)."""
    done = [o for o in outcomes if o.validators is not None]
    if not done:
        return
    with session_scope(current().database()) as session:
        for outcome in done:
            store.save_feed_validators(session, outcome.url, *outcome.validators)


def _extract(page, entry: FeedEntry, settings: Settings):
    """`articles.extract_article` on a CPU worker; a worker that dies fails this page only.

    On a worker the pool enforces the time limit by stopping the worker; in this process (no
    workers) the extraction's own thread-based limit applies."""
    workers = cpu_pool.pool_size(settings.cpu_workers)
    limit = settings.extract_time_limit_s
    try:
        if workers <= 0:
            return articles.extract_article(page, entry, time_limit_s=limit)
        return cpu_pool.run(workers, articles.extract_article, page, entry, time_limit_s=None, call_timeout_s=limit)
    except cpu_pool.CallTimedOut:
        return articles.failed_article(page, entry, f"extraction timed out after {limit:g}s")
    except cpu_pool.WorkerCrashed as exc:
        return articles.failed_article(page, entry, f"extraction crashed: {exc}")


def _claims_at_ingest(article, settings: Settings) -> list | None:
    """The claims of a freshly extracted article, stored with it in one transaction.

    Splitting here, while other threads wait on the network, keeps the CPU pool busy during
    ingest instead of leaving all the splitting for after the last page. None when there is
    nothing to split or the splitter failed: the analyze flow then splits the article."""
    if not article.text.strip():
        return None
    try:
        return article_claims(article, settings)
    except Exception as exc:  # noqa: BLE001 - the article is still stored; analysis retries it
        get_run_logger().warning("claims of %s left to the analysis: %s: %s", article.url, type(exc).__name__, exc)
        return None


@dataclass(frozen=True)
class ArticlesOutcome:
    stored: int = 0
    fallbacks: int = 0
    failed: int = 0
    duplicates: int = 0
    analyzed: int = 0  # stored with their claims
    claims: int = 0


@task(name="fetch-articles", cache_policy=NO_CACHE)
def fetch_articles_task(
    entries: tuple[FeedEntry, ...], feed_id: int | None, run_id: int, with_claims: bool = False
) -> ArticlesOutcome:
    """Fetch, extract and store a batch of entries' pages; a bad page never stops the batch.

    `with_claims` splits each article into claims before storing it (see `_claims_at_ingest`)."""
    settings = current()
    url = settings.database()
    client = shared_client(settings)
    logger = get_run_logger()
    stored = fallbacks = failed = duplicates = analyzed = claim_count = 0
    for entry in entries:
        assert entry.link is not None
        page_url = articles.canonical_url(entry.link)
        page = articles.fetch_page(client, page_url, max_bytes=settings.max_page_bytes, retry=retry_policy(settings))
        article = _extract(page, entry, settings)
        found = _claims_at_ingest(article, settings) if with_claims else None
        issues = articles.page_issues(article, page_url, settings.languages)
        with session_scope(url) as session:
            if not article.text.strip():
                failed += 1
                logger.warning("article %s not stored: %s", page_url, article.status)
            elif (article_id := store.insert_article(session, article, feed_id)) is None:
                duplicates += 1
                issues = [articles.duplicate_issue(article)]
            else:
                stored += 1
                fallbacks += article.body_source != "page"
                if found is not None:
                    claim_count += store.save_claims(session, article_id, found, CLAIMS_VERSION)
                    analyzed += 1
            record_issues(session, run_id, issues)
        progress.advance("pages")
    return ArticlesOutcome(stored, fallbacks, failed, duplicates, analyzed, claim_count)


# --- analysis --------------------------------------------------------------------------------


def article_claims(article: Article | ArticleText, settings: Settings) -> list:
    """A stored article's claims; none for languages the claim rules do not cover."""
    if not articles.analysable_language(article.language, settings.languages):
        return []
    return cpu_pool.run(cpu_pool.pool_size(settings.cpu_workers), claims.extract_claims, article.text,
                        outlet=article.outlet, published_at=article.published_at)


def load_article_text(article_id: int, settings: Settings) -> ArticleText | None:
    """A stored article's text, read in a transaction of its own: none stays open while it is split."""
    with session_scope(settings.database()) as session:
        return store.article_for_claims(session, article_id)


@task(name="extract-claims", cache_policy=NO_CACHE)
def extract_claims_task(article_ids: list[int]) -> int:
    """Split a batch of articles into claims; returns how many claims were stored."""
    settings = current()
    total = 0
    for article_id in article_ids:
        article = load_article_text(article_id, settings)
        if article is not None:
            found = article_claims(article, settings)
            with session_scope(settings.database()) as session:
                total += store.save_claims(session, article_id, found, CLAIMS_VERSION)
        progress.advance("claims")
    return total


@dataclass(frozen=True)
class GroupingOutcome:
    new_events: int
    touched_events: list[int] = field(default_factory=list)
    articles_grouped: int = 0


@task(name="group-events", cache_policy=NO_CACHE)
def group_events_task() -> GroupingOutcome:
    """Attach unassigned articles to existing events in the time window, or open new events."""
    settings = current()
    window = timedelta(hours=settings.event_window_hours)
    with session_scope(settings.database()) as session:
        store.take_lock(session, "group-events")
        new = store.unassigned_articles(session)
        if not new:
            return GroupingOutcome(0)
        dates = [a.published_at for a in new if a.published_at]
        existing = store.events_near(session, min(dates, default=None), max(dates, default=None), window)
        assignment = events.assign_events(
            new, existing, events.GroupingSettings(window_hours=settings.event_window_hours)
        )
        touched = store.apply_assignment(session, assignment.joins, assignment.new_groups)
    return GroupingOutcome(len(assignment.new_groups), touched, len(new))


_judges: dict[str, rescoring.Rescorer | None] = {}


def run_judge(settings: Settings) -> rescoring.Rescorer | None:
    """One LLM judge per flow run, so that its cost cap holds for the whole run."""
    key = str(runtime.flow_run.id or "no-run")
    with _clients_lock:
        if key not in _judges:
            _judges[key] = rescoring.llm_judge(settings)
        return _judges[key]


def finish_judge() -> dict[str, int]:
    """Close this flow run's judge and return its counts (calls, confirmations, tokens)."""
    key = str(runtime.flow_run.id or "no-run")
    with _clients_lock:
        judge = _judges.pop(key, None)
    if judge is None:
        return {}
    counts = judge.summary()
    judge.close()
    return {k: int(v) for k, v in counts.items() if isinstance(v, (int, bool))}


@dataclass(frozen=True)
class DetectionOutcome:
    new_pairs: int = 0
    claims: int = 0


def events_contradictions(claim_sets: list[list], settings: Settings, rescorers: list) -> list[detect.Guarded]:
    """Each event's contradicting pairs, or the error that stopped them: the rules score the
    events side by side on the CPU pool, then the configured rescorers revise them here."""
    workers = cpu_pool.pool_size(settings.cpu_workers)
    if not any(rescorers):
        # The workers keep the pairs too and send back only the representatives: deduplicating
        # here would parse every kept claim a second time in this process.
        return cpu_pool.run_each(workers, detect.guarded, claim_sets,
                                 detector=detect.find_contradictions, threshold=settings.pair_threshold)
    # A rescorer may raise any candidate, zero-scored ones included.
    scored_sets = cpu_pool.run_each(workers, detect.guarded, claim_sets, detector=detect.score_candidates)
    return [
        scored if scored.error else detect.Guarded(dedup.keep_contradictions(
            rescoring.rescore(scored.value, rescorers, lambda ref: ref.claim), settings.pair_threshold))
        for scored in scored_sets
    ]


def load_event_claims(event_ids: list[int], settings: Settings) -> list[list]:
    with session_scope(settings.database()) as session:
        return [store.event_claims(session, event_id) for event_id in event_ids]


@task(name="detect-contradictions", cache_policy=NO_CACHE)
def detect_pairs_task(event_ids: list[int]) -> DetectionOutcome:
    """Score the candidate pairs of a batch of events and store those over the threshold."""
    settings = current()
    rescorers = [rescoring.nli_rescorer(settings), run_judge(settings)]
    claim_sets = load_event_claims(event_ids, settings)
    found_sets = events_contradictions(claim_sets, settings, rescorers)
    version = rescoring.detector_version(settings)
    new_pairs = 0
    with session_scope(settings.database()) as session:
        for event_id, found in zip(event_ids, found_sets, strict=True):
            if found.error:  # nothing is saved, so the next run tries this event again
                get_run_logger().warning("detection failed on event %s, left for the next run: %s", event_id, found.error)
                continue
            new_pairs += store.save_pairs(session, event_id, [(a.claim_id, b.claim_id, s) for a, b, s in found.value], version)
    progress.advance("events", len(event_ids))
    claims_seen = sum(len(refs) for refs in claim_sets)
    return DetectionOutcome(new_pairs, claims_seen)


# --- reanalysis ---------------------------------------------------------------------------------


@task(name="reextract-claims", cache_policy=NO_CACHE)
def reextract_claims_task(article_ids: list[int]) -> reanalysis.ClaimRefresh:
    """Extract a batch of articles' claims again and refresh the stored ones in place."""
    settings = current()
    total = reanalysis.ClaimRefresh()
    for article_id in article_ids:
        article = load_article_text(article_id, settings)
        if article is not None:
            found = article_claims(article, settings)
            with session_scope(settings.database()) as session:
                total.add(reanalysis.refresh_claims(session, article_id, found, CLAIMS_VERSION))
        progress.advance("claims")
    return total


@task(name="redetect-contradictions", cache_policy=NO_CACHE)
def redetect_pairs_task(event_ids: list[int]) -> tuple[int, int]:
    """Score a batch of events again; returns (pairs inserted, pending pairs refreshed)."""
    settings = current()
    version = rescoring.detector_version(settings)
    rescorers = [rescoring.nli_rescorer(settings), run_judge(settings)]
    found_sets = events_contradictions(load_event_claims(event_ids, settings), settings, rescorers)
    inserted = refreshed = 0
    with session_scope(settings.database()) as session:
        for event_id, found in zip(event_ids, found_sets, strict=True):
            if found.error:  # its stored pairs stay as they are
                get_run_logger().warning("detection failed on event %s, its pairs left as they were: %s",
                                         event_id, found.error)
                continue
            new, updated = reanalysis.refresh_pairs(
                session, event_id, [(a.claim_id, b.claim_id, score) for a, b, score in found.value], version
            )
            inserted += new
            refreshed += updated
    progress.advance("events", len(event_ids))
    return inserted, refreshed
