"""Fetch failures: one exception family whose message is fit for a status column, and whose
`kind` tells the feed's back-off whether waiting is likely to help."""

from __future__ import annotations

from factcheck.tasks.models import FailureKind


class FetchError(Exception):
    """A fetch failed; `str(exc)` is a short human message such as "connection refused".

    `kind` is decided where the failure is seen, never read back from the message: "hard" (an
    address, a refusal, TLS, a body over the cap) unless told otherwise."""

    kind: FailureKind = "hard"

    def __init__(self, message: str, *, kind: FailureKind | None = None) -> None:
        super().__init__(message)
        if kind is not None:
            self.kind = kind


class FetchRefused(FetchError):
    """The URL was refused before any connection: bad scheme or a non-public address."""


class TransientFetchError(FetchError):
    """A failure worth one more try in place: a timeout or a connection dropped mid-way."""

    kind: FailureKind = "transient"
