"""Fetch failures: one exception family whose message is fit for a status column."""

from __future__ import annotations


class FetchError(Exception):
    """A fetch failed; `str(exc)` is a short human message such as "connection refused"."""


class FetchRefused(FetchError):
    """The URL was refused before any connection: bad scheme or a non-public address."""


class TransientFetchError(FetchError):
    """A failure worth one more try: a timeout or a connection dropped mid-way."""
