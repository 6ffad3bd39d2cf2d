"""Retries in place of a fetch that failed for a reason that passes: timeouts, 429, 5xx."""

from __future__ import annotations

import email.utils
import math
import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

import httpx
from tenacity import RetryCallState, Retrying, retry_if_exception_type, retry_if_result

from factcheck.tasks.net.errors import TransientFetchError
from factcheck.tasks.net.fetch import HttpResult, get_bytes

# --- retries ---------------------------------------------------------------------------------

RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504})


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds from a Retry-After header (delta-seconds or an HTTP date); None if absent or bad."""
    if not value or not value.strip():
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


@dataclass(frozen=True)
class RetryPolicy:
    """Retries of one GET for transient problems: timeouts, dropped connections, 408/429/5xx.

    Never for other statuses (a 404 stays a 404) nor for refusals, DNS, TLS or size errors.
    The wait before retry n is `base_delay_s * 2**(n-1)`, jittered by ±50 %, or the server's
    Retry-After when it sends one. A Retry-After longer than `max_delay_s` is not waited for in
    the task: the response is returned and the feed's own back-off takes it over. No retry is
    started once `budget_s` has passed since the first attempt (the task has a timeout too).
    """

    retries: int = 2
    base_delay_s: float = 0.5
    max_delay_s: float = 30.0
    budget_s: float = 120.0

    def delay(self, attempt: int, retry_after: float | None, rand: float) -> float | None:
        """Seconds to wait before retry `attempt` (1-based); None to give up."""
        if attempt > self.retries:
            return None
        if retry_after is not None:
            return retry_after if retry_after <= self.max_delay_s else None
        return min(self.base_delay_s * 2 ** (attempt - 1) * (0.5 + rand), self.max_delay_s)


NO_RETRY = RetryPolicy(retries=0)


def get_bytes_retrying(
    client: httpx.Client,
    url: str,
    *,
    headers: Mapping[str, str] | None = None,
    max_bytes: int,
    total_timeout_s: float | None = 60.0,
    policy: RetryPolicy = NO_RETRY,
    sleep: Callable[[float], None] = time.sleep,
    rand: Callable[[], float] = random.random,
) -> HttpResult:
    """`get_bytes` with `policy`'s retries; returns the last response or raises the last error."""

    def wait(state: RetryCallState) -> float:
        outcome = state.outcome
        retry_after = None if outcome.failed else parse_retry_after(outcome.result().headers.get("retry-after"))
        delay = policy.delay(state.attempt_number, retry_after, rand())
        return math.inf if delay is None else delay

    retrying = Retrying(
        retry=retry_if_exception_type(TransientFetchError) | retry_if_result(lambda r: r.status_code in RETRY_STATUSES),
        wait=wait,
        stop=lambda state: state.seconds_since_start + state.upcoming_sleep > policy.budget_s,
        retry_error_callback=lambda state: state.outcome.result(),  # the last response, or its error raised
        sleep=sleep,
    )
    return retrying(get_bytes, client, url, headers=headers, max_bytes=max_bytes, total_timeout_s=total_timeout_s)
