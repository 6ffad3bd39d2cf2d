"""GET an article page; network and HTTP problems go in `PageFetch.error`, never raised,
so one bad page never stops a flow run."""

from __future__ import annotations

import httpx

from factcheck.tasks.models import PageFetch
from factcheck.tasks.net import NO_RETRY, FetchError, RetryPolicy, get_bytes_retrying

HTML_ACCEPT = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5"


def fetch_page(client: httpx.Client, url: str, *, max_bytes: int, retry: RetryPolicy = NO_RETRY) -> PageFetch:
    """GET an article page (with `retry` for timeouts, 429 and 5xx). Problems are reported in
    `error`, never raised."""
    try:
        response = get_bytes_retrying(client, url, headers={"Accept": HTML_ACCEPT}, max_bytes=max_bytes,
                                      policy=retry)
    except FetchError as exc:
        return PageFetch(url=url, final_url=None, http_status=None, content_type=None,
                         body=None, error=str(exc))
    ok = 200 <= response.status_code < 300
    return PageFetch(
        url=url,
        final_url=response.url,
        http_status=response.status_code,
        content_type=response.content_type,
        body=response.content if ok else None,
        error=None if ok else f"http {response.status_code}",
    )
