"""Checks of values that come from outside (URLs, forms), as small pure functions.

Every value that reaches a query must fit the database: ids are signed 64-bit integers, days must
stay days when a day is added (`until` is exclusive at the next midnight), and PostgreSQL text
cannot hold NUL. An out-of-range value would otherwise become a database error, a 500 instead of
a message. The CLI (`pairs list`) can reuse these for the same filters.
"""

from __future__ import annotations

import math
import threading
import time
import unicodedata
from collections import deque
from datetime import date
from typing import Any

MAX_ID = 2**63 - 1  # the widest id of any database (db.models.max_id)
MIN_DAY, MAX_DAY = date(1900, 1, 1), date(2999, 12, 31)
MAX_NAME_LENGTH = 200  # as db/reviews.py
LINE_BREAKS = frozenset("\n\r\t")


class BadInput(ValueError):
    """A value from a request that cannot be used; the message is shown to the user."""


def has_control(text: str, allowed: frozenset[str] = frozenset()) -> bool:
    """Whether text holds a control character (NUL, escapes, C1) or a lone surrogate."""
    return any(unicodedata.category(ch) in ("Cc", "Cs") and ch not in allowed for ch in text)


def parse_id(value: str, what: str, highest: int = MAX_ID) -> int:
    """A database id (1 to `highest`, the database's `max_id`) from text; BadInput otherwise."""
    text = value.strip()
    if not text.isascii() or not text.isdigit() or len(text) > 19 or not 1 <= int(text) <= highest:
        raise BadInput(f"{what}: a whole number from 1 to {highest}")
    return int(text)


def parse_day(value: str, what: str) -> date:
    """A calendar day (YYYY-MM-DD) from MIN_DAY to MAX_DAY; BadInput otherwise."""
    try:
        day = date.fromisoformat(value.strip())
    except ValueError:
        day = None
    if day is None or not MIN_DAY <= day <= MAX_DAY:
        raise BadInput(f"{what}: a date (YYYY-MM-DD) from {MIN_DAY} to {MAX_DAY}")
    return day


def check_text(value: str, what: str, *, multiline: bool = False) -> str:
    """The text unchanged if it holds no control characters (line breaks and tabs only if
    multiline); BadInput otherwise. PostgreSQL refuses NUL, and escapes have no place in text."""
    if has_control(value, LINE_BREAKS if multiline else frozenset()):
        raise BadInput(f"{what}: control characters are not allowed")
    return value


def check_cursor(score: float, pair_id: int, highest: int = MAX_ID) -> tuple[float, int]:
    """A score-order page cursor that the database can compare; BadInput otherwise."""
    if not math.isfinite(score) or not 1 <= pair_id <= highest:
        raise BadInput("that page link is not valid")
    return score, pair_id


def sign_in_name(raw: str) -> str:
    """The name as it is looked up: stripped and NFKC-normalised, once, so that padding or
    look-alike forms cannot become new names; BadInput for empty, long or odd names."""
    name = unicodedata.normalize("NFKC", raw).strip()
    if not name:
        raise BadInput("name: enter your reviewer name")
    if len(name) > MAX_NAME_LENGTH or has_control(name):
        raise BadInput(f"name: 1 to {MAX_NAME_LENGTH} characters without control characters")
    return name


def throttle_key(name: str) -> str:
    """The sign-in throttle's key for a `sign_in_name`: case-folded, so "Ana" and "ana" share it
    (several names may share one key; one name never gets several)."""
    return name.casefold()


# Sign-in throttle: this many failures for one name (`throttle_key`) within the window refuse
# further tries, and so do this many from one client address across names.
MAX_FAILURES, FAILURE_WINDOW_S = 10, 600.0
MAX_ADDRESS_FAILURES = 30


class SignInThrottle:
    """Failed sign-ins per name and per client address in this process, within a sliding window."""

    def __init__(self) -> None:
        self._attempts: dict[str, deque[float]] = {}
        self._attempts_lock = threading.Lock()

    def keys(self, name: str, request: Any) -> list[tuple[str, int]]:
        """The counters an attempt for `name` from this request's client counts against."""
        address = request.client.host if request.client else ""
        return [("name:" + throttle_key(name), MAX_FAILURES), ("address:" + address, MAX_ADDRESS_FAILURES)]

    def reserve(self, keys: list[tuple[str, int]]) -> float | None:
        """Count an attempt against every key before it is evaluated, in one step with the check,
        so that concurrent attempts beyond a limit are refused unevaluated. Its mark, or None when
        a key is at its limit."""
        now = time.monotonic()
        with self._attempts_lock:
            for key, limit in keys:
                marks = self._attempts.get(key, deque())
                while marks and marks[0] < now - FAILURE_WINDOW_S:
                    marks.popleft()
                if len(marks) >= limit:
                    return None
            if len(self._attempts) > 10_000:  # many made-up names: forget the quiet ones
                self._attempts = {k: v for k, v in self._attempts.items() if len(v) >= 3}
            for key, _ in keys:
                self._attempts.setdefault(key, deque()).append(now)
        return now

    def release(self, keys: list[tuple[str, int]], mark: float) -> None:
        """Take an attempt's mark back: it succeeded (or failed on our side), so it is no failure."""
        with self._attempts_lock:
            for key, _ in keys:
                marks = self._attempts.get(key)
                if marks and mark in marks:
                    marks.remove(mark)
