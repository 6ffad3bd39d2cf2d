"""HTTP plumbing shared by the feed and page fetchers.

Feeds and the pages they link to are untrusted input: a feed can point at an internal
address (SSRF), redirect forever, drip its bytes, or serve a gzip bomb. This package gives one
configured client (`make_client`) plus `get_bytes`, which fetches one URL within three limits
and turns every failure into a `FetchError` with a short message fit for a status column:

- addresses: a host name is resolved when a connection is opened, and the socket goes to the
  addresses that look-up vetted, so DNS rebinding has no second look-up to slip into; each
  redirect hop is a new request that goes through the same guard, and its body is never read;
- size: the body is decoded here with the output capped at `max_bytes`, and only one content
  coding is accepted (`gzip, gzip` is refused: its inner layer would inflate uncounted);
- time: one deadline per fetch, redirects included, bounds every socket wait, so neither
  slowly sent headers nor a dripped body can outlast it.
"""

from __future__ import annotations

from factcheck.tasks.net.client import FetchClient, HostLimiter, HttpSettings, make_client
from factcheck.tasks.net.errors import FetchError, FetchRefused, TransientFetchError
from factcheck.tasks.net.fetch import HttpResult, content_coding, describe_transport_error, get_bytes
from factcheck.tasks.net.guard import check_url, parse_url, vetted_addresses, wrapped_ipv4
from factcheck.tasks.net.retries import NO_RETRY, RetryPolicy, get_bytes_retrying, parse_retry_after

__all__ = [
    "FetchClient",
    "FetchError",
    "FetchRefused",
    "HostLimiter",
    "HttpResult",
    "HttpSettings",
    "NO_RETRY",
    "RetryPolicy",
    "TransientFetchError",
    "check_url",
    "content_coding",
    "describe_transport_error",
    "get_bytes",
    "get_bytes_retrying",
    "make_client",
    "parse_retry_after",
    "parse_url",
    "vetted_addresses",
    "wrapped_ipv4",
]
