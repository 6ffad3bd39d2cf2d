"""Database outages: which connection failures are worth waiting for, bounded retries of
opening a connection, and one clear error when they run out.

Opening a connection is retried when it fails for a reason that waiting can
fix (the server is down, restarting, unreachable or full): up to FACTCHECK_DB_RETRIES more
attempts, exponential backoff with jitter between them, and none started after
FACTCHECK_DB_RETRY_BUDGET_S; then `DatabaseUnavailable` says which database (without its
password), how many attempts over how long, and the driver's reason. Only the opening is retried:
nothing has been sent on a connection that failed to open, so a retry can neither run a statement
twice nor apply half a transaction. Pooled connections are checked before use (pool_pre_ping), so
a connection that died while idle is replaced, through the same retries, before any work is sent.

A connection lost in the middle of a transaction is not retried: the server rolls the
transaction back, and `session_scope` cannot run the caller's block again (the block may have
counted, fetched or logged things). It waits, with the same bounds, for the database and raises
`DatabaseUnavailable` (still down) or `DatabaseConnectionLost` (back again). Nothing is lost for
good: every write is an idempotent upsert, and every stage picks its work from what is stored, so
the next run redoes what the lost transaction would have stored.

After a retry cycle gave up, the database counts as down for one more budget: further
connections (other tasks of the same run, the flow recording its failure) make one attempt each
instead of a full cycle, so a run whose database went away fails in about one budget however
many tasks it still has; the first connection that opens ends the outage.

SQLite files are never retried: a missing directory, missing permissions or a full disk are not
fixed by waiting a few seconds (and a busy database already waits, through busy_timeout).

A run whose database went away cannot write its failure into `runs` either: flows/nightly.py tries
once more (one attempt, see above) and then fails with this error, leaving the row `running`.
Nothing here loops until the database is back.
"""

from __future__ import annotations

import logging
import math
import random
import re
import threading
import time
from dataclasses import dataclass

from sqlalchemy.exc import DBAPIError, OperationalError
from tenacity import RetryCallState, Retrying, retry_if_exception

from factcheck.db.urls import safe_url

log = logging.getLogger("factcheck.db")


class DatabaseUnavailable(Exception):
    """The database cannot be reached. The message is one line: the database's URL without its
    password, the attempts made and the time spent, and the driver's reason."""

    def __init__(self, message: str, attempts: int = 0, elapsed_s: float = 0.0, reason: str = "") -> None:
        super().__init__(message, attempts, elapsed_s, reason)  # all in args: pickles across processes
        self.message, self.attempts, self.elapsed_s, self.reason = message, attempts, elapsed_s, reason

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r})"


class DatabaseConnectionLost(DatabaseUnavailable):
    """The connection dropped in the middle of a transaction, and the database answered again: the
    transaction is lost (rolled back, or unknown when it dropped during the commit)."""


# --- connection retries ----------------------------------------------------------------------


@dataclass(frozen=True)
class ConnectRetry:
    """At most `retries` more attempts after a failed one, none started after `budget_s` seconds,
    exponential backoff with jitter between them; one PostgreSQL attempt waits at most
    `connect_timeout_s` (libpq counts whole seconds, at least 2)."""

    retries: int = 5
    budget_s: float = 30.0
    connect_timeout_s: int = 10
    base_delay_s: float = 1.0
    max_delay_s: float = 15.0

    @classmethod
    def from_settings(cls) -> ConnectRetry:
        from factcheck.config.settings import current

        settings = current()
        return cls(settings.db_retries, settings.db_retry_budget_s, settings.db_connect_timeout_s)

    def delay(self, failures: int) -> float:
        """The pause after the `failures`-th failed attempt: doubling, capped, then half to all of it."""
        full = min(self.max_delay_s, self.base_delay_s * 2 ** (failures - 1))
        return random.uniform(full / 2, full)


# Server answers to a connection attempt that mean "not now". psycopg reports them without a
# SQLSTATE, as the text of the server's FATAL message; any other FATAL answer (no such role or
# database, failed authentication, no pg_hba.conf entry) is a configuration error.
_TRANSIENT_FATAL = (
    "starting up", "shutting down", "in recovery mode", "not yet accepting connections",
    "not accepting connections", "too many clients", "connection slots are reserved",
    "terminating connection",
)  # fmt: skip
# SQLSTATEs of a connection that is gone: class 08 (connection exception), 57P01-03 (admin
# shutdown, crash shutdown, cannot connect now); when connecting, also 53300 (too many connections).
_GONE_SQLSTATES = ("57P01", "57P02", "57P03")


def _gone_sqlstate(sqlstate: str | None, *, connecting: bool = False) -> bool:
    if not sqlstate:
        return False
    return sqlstate.startswith("08") or sqlstate in _GONE_SQLSTATES or (connecting and sqlstate == "53300")


def retryable_connect_error(exc: BaseException, dialect) -> bool:
    """Whether a DBAPI error raised while opening a connection may go away by waiting.

    Only PostgreSQL OperationalErrors qualify (a bad connection option is a ProgrammingError):
    with no answer from the server (refused, reset, timed out, unreachable) or an answer that
    means "not now". The text is looked at only to fail fast on configuration errors; an answer
    not recognised is retried, which costs time but never a wrong result."""
    if dialect.name != "postgresql" or not isinstance(exc, dialect.loaded_dbapi.OperationalError):
        return False
    sqlstate = getattr(exc, "sqlstate", None)
    if sqlstate:
        return _gone_sqlstate(sqlstate, connecting=True)
    text = str(exc)
    return "FATAL:" not in text or any(marker in text for marker in _TRANSIENT_FATAL)


def connection_lost(exc: BaseException) -> bool:
    """Whether an error raised on an open connection means the connection is gone: SQLAlchemy's
    own classification (`connection_invalidated`), or a SQLSTATE of a lost connection."""
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return True
    return isinstance(exc, OperationalError) and _gone_sqlstate(getattr(exc.orig, "sqlstate", None))


def short_reason(exc: BaseException) -> str:
    """The driver's reason in a few words: 'connection refused', 'unable to open database file'."""
    exc = getattr(exc, "orig", None) or exc
    lines = str(exc).strip().splitlines()
    text = lines[0].strip() if lines else type(exc).__name__
    text = text.rsplit(" failed: ", 1)[-1]  # psycopg: 'connection to server at "h", port p failed: ...'
    text = re.sub(r"^(FATAL|ERROR):\s*", "", text)
    return text[:1].lower() + text[1:]


@dataclass
class _Outage:
    since: float  # monotonic start of the first retry cycle that gave up
    attempts: int  # failed attempts since then, in every thread
    last: float  # monotonic time of the latest failed attempt


_outages: dict[str, _Outage] = {}
_outages_lock = threading.Lock()


def _down_recently(url: str, now: float, budget_s: float) -> bool:
    with _outages_lock:
        outage = _outages.get(url)
        return outage is not None and now - outage.last < budget_s


def _give_up(url: str, exc: BaseException, *, failures: int, start: float, retry: ConnectRetry, retryable: bool) -> DatabaseUnavailable:
    reason = short_reason(exc)
    now = time.monotonic()
    if not retryable:
        return DatabaseUnavailable(
            f"database {safe_url(url)} unavailable: {reason} (not retried: waiting does not fix this)",
            failures, now - start, reason,
        )  # fmt: skip
    with _outages_lock:
        outage = _outages.get(url)
        if outage is not None and outage.last > start - retry.budget_s:  # the same outage
            outage.attempts += failures
            outage.since, outage.last = min(outage.since, start), now
        else:
            outage = _outages[url] = _Outage(start, failures, now)
        attempts, elapsed = outage.attempts, now - outage.since
    plural = "s" if attempts != 1 else ""
    return DatabaseUnavailable(
        f"database {safe_url(url)} unavailable after {attempts} attempt{plural} in {elapsed:.1f} s: {reason}",
        attempts, elapsed, reason,
    )  # fmt: skip


def connect(dialect, cargs: list, cparams: dict, *, url: str, retry: ConnectRetry):
    """Open one DBAPI connection, retrying as `retry` allows (the engine's do_connect hook)."""
    start = time.monotonic()
    retries = 0 if _down_recently(url, start, retry.budget_s) else retry.retries
    errors = dialect.loaded_dbapi.Error

    def attempt():
        params = dict(cparams)
        if dialect.name == "postgresql" and "connect_timeout" not in params:
            left = retry.budget_s - (time.monotonic() - start)
            params["connect_timeout"] = max(2, min(retry.connect_timeout_s, math.ceil(left)))
        return dialect.connect(*cargs, **params)

    def log_retry(state: RetryCallState) -> None:
        log.warning(
            "database %s: connection failed (%s); attempt %d of %d, next in %.1f s",
            safe_url(url), short_reason(state.outcome.exception()), state.attempt_number, retries + 1,
            state.upcoming_sleep,
        )

    retrying = Retrying(
        retry=retry_if_exception(lambda exc: isinstance(exc, errors) and retryable_connect_error(exc, dialect)),
        wait=lambda state: retry.delay(state.attempt_number),
        stop=lambda state: (state.attempt_number > retries
                            or time.monotonic() - start + state.upcoming_sleep >= retry.budget_s),
        before_sleep=log_retry,
        reraise=True,
    )
    try:
        connection = retrying(attempt)
    except errors as exc:
        failures = retrying.statistics.get("attempt_number", 1)
        raise _give_up(url, exc, failures=failures, start=start, retry=retry,
                       retryable=retryable_connect_error(exc, dialect)) from exc
    if url in _outages:
        with _outages_lock:
            if _outages.pop(url, None) is not None:
                log.warning("database %s answers again", safe_url(url))
    return connection


def forget_outages() -> None:
    with _outages_lock:
        _outages.clear()
