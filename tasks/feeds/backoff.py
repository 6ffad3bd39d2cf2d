"""When to fetch a failing feed again: pure functions, no clock, no database.

A feed that fails is not fetched again on every run. Each failure adds a weight to the feed's
failure score, by kind: a *hard* error (not a feed, a refused or invalid URL, DNS, TLS, a body
over the size cap) most, because it rarely fixes itself; an *http* error (404, 410, 429, 5xx)
less; a *transient* one (a timeout, a dropped connection) least. The next fetch is pushed back
by ``BASE_DELAY * 2 ** (score - 1)``, jittered by up to ±10 % (deterministically per feed and
streak, so feeds that failed together spread out and a rerun computes the same time) and capped
at ``MAX_DELAY`` (one day). A server's ``Retry-After`` is honoured when it asks for longer, also
capped at a day. A success resets everything.

After ``DISABLE_AFTER`` consecutive failures (about a month of daily failures) the feed is
disabled: runs skip it until it is fetched with ``FACTCHECK_IGNORE_BACKOFF=true`` and succeeds.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from factcheck.tasks.models import FailureKind, FeedBackoff, FeedFetch

__all__ = [
    "BASE_DELAY", "DISABLE_AFTER", "MAX_DELAY", "WEIGHTS", "FailureKind", "after", "classify", "http_failure_kind",
    "delay_for", "next_fetch_at", "should_disable", "skip_reason",
]

WEIGHTS: dict[str, float] = {"hard": 3.0, "http": 2.0, "transient": 1.0}
BASE_DELAY = timedelta(minutes=15)
MAX_DELAY = timedelta(hours=24)
DISABLE_AFTER = 30
JITTER = 0.10

_HTTP_STATUSES = frozenset({404, 410, 429}) | frozenset(range(500, 600))


def http_failure_kind(status: int) -> FailureKind:
    """404/410/429/5xx are the server answering ("http"); other 4xx (401, 403, 451) are as hard as
    a wrong URL: the feed will not come back by itself."""
    return "http" if status in _HTTP_STATUSES else "hard"


def classify(fetch: FeedFetch) -> FailureKind | None:
    """The kind of a failed fetch, as the fetch recorded it, or None when it did not fail."""
    if fetch.status != "failed":
        return None
    return fetch.failure or "transient"


def weight(kind: FailureKind) -> float:
    return WEIGHTS[kind]


def _jitter(key: str, consecutive: int) -> float:
    """A factor in [1 - JITTER, 1 + JITTER), the same for the same feed and streak length."""
    digest = hashlib.sha256(f"{key}\0{consecutive}".encode()).digest()
    fraction = int.from_bytes(digest[:8], "big") / 2**64
    return 1.0 - JITTER + 2 * JITTER * fraction


def delay_for(failure_score: float, consecutive: int = 1, *, key: str = "") -> timedelta:
    """How long to wait after a failure with this score (capped at MAX_DELAY)."""
    if failure_score <= 0:
        return timedelta(0)
    exponent = min(failure_score - 1.0, 20.0)  # 2**20 * 15 min is far past the cap already
    seconds = BASE_DELAY.total_seconds() * 2.0**exponent * _jitter(key, consecutive)
    return min(timedelta(seconds=seconds), MAX_DELAY)


def next_fetch_at(
    now: datetime, failure_score: float, consecutive: int, retry_after: float | None = None, *, key: str = ""
) -> datetime | None:
    """When the feed is due again; None (due now) after a success (score 0)."""
    if failure_score <= 0 and not retry_after:
        return None
    delay = delay_for(failure_score, consecutive, key=key)
    if retry_after is not None and retry_after > 0:
        delay = max(delay, min(timedelta(seconds=retry_after), MAX_DELAY))
    return now + delay


def should_disable(consecutive: int) -> bool:
    return consecutive >= DISABLE_AFTER


def after(prior: FeedBackoff, fetch: FeedFetch, now: datetime) -> FeedBackoff:
    """The feed's back-off once `fetch` is done: a success resets it (and re-enables the feed); a
    failure grows the streak and the score by the failure's kind, pushes the next fetch back and
    disables the feed the first time the streak reaches DISABLE_AFTER."""
    if fetch.status != "failed":
        return FeedBackoff()
    streak = prior.consecutive_failures + 1
    score = prior.failure_score + weight(classify(fetch))
    disabled_at = prior.disabled_at
    if disabled_at is None and should_disable(streak):
        disabled_at = now
    return FeedBackoff(streak, score, next_fetch_at(now, score, streak, fetch.retry_after_s, key=fetch.source.url),
                       disabled_at)


def skip_reason(state: FeedBackoff, now: datetime) -> tuple[str, str] | None:
    """(outcome status, issue status) when the feed must not be fetched at `now`, else None."""
    if state.disabled_at is not None:
        return "disabled", f"disabled after {state.consecutive_failures} failures"
    if state.next_fetch_at is not None and state.next_fetch_at > now:
        return "deferred", f"skipped: backing off until {state.next_fetch_at:%Y-%m-%d %H:%M} UTC"
    return None
