"""A feed's conditional GET; never raises for network or HTTP problems.

The outcome, including why it failed, is a `FeedFetch` that the flow records; the bytes go to
the pure `parse_feed`."""

from __future__ import annotations

import httpx

from factcheck.tasks.feeds.backoff import http_failure_kind
from factcheck.tasks.feeds.parse import NotAFeed, parse_feed
from factcheck.tasks.models import FeedFetch, FeedSource
from factcheck.tasks.net import NO_RETRY, FetchError, RetryPolicy, get_bytes_retrying, parse_retry_after

FEED_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/rdf+xml;q=0.9, "
    "application/xml;q=0.8, text/xml;q=0.8, */*;q=0.5"
)


def fetch_feed(
    client: httpx.Client,
    source: FeedSource,
    *,
    etag: str | None,
    last_modified: str | None,
    max_bytes: int,
    retry: RetryPolicy = NO_RETRY,
) -> FeedFetch:
    """Conditionally GET `source.url` and parse it.

    The returned `etag`/`last_modified` are the validators to send next time: the server's
    new ones after a 200, and the old ones kept after a 304 or a failure (so the caller can
    always store what it gets back). `retry` retries timeouts, 429 and 5xx in place; a failed
    fetch carries the server's Retry-After (`retry_after_s`) for the feed's back-off.
    """
    headers = {"Accept": FEED_ACCEPT}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    try:
        response = get_bytes_retrying(client, source.url, headers=headers, max_bytes=max_bytes, policy=retry)
    except FetchError as exc:
        return FeedFetch(source, "failed", etag=etag, last_modified=last_modified, error=str(exc), failure=exc.kind)

    common = {"http_status": response.status_code, "final_url": response.url}
    if response.status_code == 304:
        return FeedFetch(
            source, "not_modified", **common,
            etag=response.headers.get("etag") or etag,
            last_modified=response.headers.get("last-modified") or last_modified,
        )
    if not 200 <= response.status_code < 300:
        return FeedFetch(source, "failed", **common, etag=etag, last_modified=last_modified,
                         error=f"http {response.status_code}", failure=http_failure_kind(response.status_code),
                         retry_after_s=parse_retry_after(response.headers.get("retry-after")))
    try:
        entries, warning = parse_feed(response.content, base_url=response.url,
                                      outlet=source.outlet, feed_url=source.url)
    except NotAFeed as exc:
        return FeedFetch(source, "failed", **common, etag=etag, last_modified=last_modified,
                         error=f"not a feed: {exc}", failure="hard")
    return FeedFetch(
        source, "fetched", **common,
        etag=response.headers.get("etag"),
        last_modified=response.headers.get("last-modified"),
        entries=tuple(entries),
        warning=warning,
    )
