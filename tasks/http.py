"""HTTP plumbing shared by the feed and page fetchers.

Feeds and the pages they link to are untrusted input: a feed can point at an internal
address (SSRF), redirect forever, or serve a gzip bomb. This module gives one configured
`httpx.Client` plus `get_bytes`, which streams a body under a size cap, and turns every
transport failure into a `FetchError` with a short message fit for a status column.

Known limit of the address guard: it resolves the host itself and httpx resolves it again
when connecting, so a DNS-rebinding attacker controlling a short-TTL record could still
slip between the two look-ups. Closing that gap needs a transport that connects to the
vetted IP; not worth it for a fixed list of news feeds.
"""

from __future__ import annotations

import email.utils
import ipaddress
import random
import socket
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx

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
    "describe_transport_error",
    "get_bytes",
    "get_bytes_retrying",
    "make_client",
    "parse_retry_after",
]

DEFAULT_USER_AGENT = "factcheck/0.1 (+https://github.com/factcheck; news contradiction finder)"

Resolver = Callable[..., list[tuple[Any, ...]]]  # same shape as socket.getaddrinfo


class FetchError(Exception):
    """A fetch failed; `str(exc)` is a short human message such as "connection refused"."""


class FetchRefused(FetchError):
    """The URL was refused before any connection: bad scheme or a non-public address."""


class TransientFetchError(FetchError):
    """A failure worth one more try: a timeout or a connection dropped mid-way."""


@dataclass(frozen=True)
class HttpSettings:
    """Knobs for `make_client` and `get_bytes`; frozen so it can be a Prefect task input."""

    connect_timeout_s: float = 10.0
    read_timeout_s: float = 20.0  # per read: `get_bytes` adds a wall-clock cap per body
    user_agent: str = DEFAULT_USER_AGENT
    max_redirects: int = 5
    max_bytes: int = 5_000_000
    allow_private_addresses: bool = False
    per_host_limit: int = 2  # concurrent requests per host name from one client (politeness)


@dataclass(frozen=True)
class HttpResult:
    """A fully read response: what the fetchers need, without a live connection."""

    status_code: int
    url: str  # final URL after redirects
    headers: httpx.Headers
    content: bytes

    @property
    def content_type(self) -> str | None:
        return self.headers.get("content-type")


# --- address guard ---------------------------------------------------------------------------


def _is_public(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped  # ::ffff:127.0.0.1 is loopback too
    return not (
        ip.is_loopback
        or ip.is_private
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
        or not ip.is_global  # e.g. 100.64.0.0/10 carrier-grade NAT
    )


def check_url(
    url: str | httpx.URL,
    *,
    allow_private_addresses: bool = False,
    resolver: Resolver = socket.getaddrinfo,
) -> None:
    """Raise `FetchRefused` unless `url` is http(s) and its host resolves only to public IPs.

    Every resolved address must be public: a name with one public and one private record
    would otherwise let the connection land on the private one.
    """
    url = httpx.URL(str(url)) if not isinstance(url, httpx.URL) else url
    if not url.scheme:
        raise FetchRefused("invalid URL: no scheme")
    if url.scheme not in ("http", "https"):
        raise FetchRefused(f"refused scheme {url.scheme!r}: only http and https")
    host = url.host
    if not host:
        raise FetchRefused("invalid URL: no host")
    if allow_private_addresses:
        return
    try:
        addresses = [ipaddress.ip_address(host)]
    except ValueError:
        try:
            infos = resolver(host, url.port or (443 if url.scheme == "https" else 80),
                             type=socket.SOCK_STREAM)
        except (socket.gaierror, UnicodeError) as exc:
            raise FetchError(f"dns lookup failed for {host}") from exc
        addresses = [ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos]
        if not addresses:
            raise FetchError(f"dns lookup failed for {host}")
    for ip in addresses:
        if not _is_public(ip):
            raise FetchRefused(f"refused non-public address {ip} for host {host}")


# --- client ----------------------------------------------------------------------------------


class HostLimiter:
    """At most `limit` requests in flight per host name, shared by all threads of a client.

    Politeness: a feed with 200 new entries on one site must not open 8 connections to it
    at once. The key is the host name as written in the URL (not the resolved address), and a
    request holds its slot until its body is read, redirects included.
    """

    def __init__(self, limit: int) -> None:
        if limit < 1:
            raise ValueError("per-host limit must be at least 1")
        self.limit = limit
        self._lock = threading.Lock()
        self._slots: dict[str, threading.BoundedSemaphore] = {}

    @contextmanager
    def slot(self, url: str) -> Iterator[None]:
        try:
            host = (httpx.URL(url).host or "").lower()
        except (httpx.InvalidURL, ValueError):
            host = ""
        with self._lock:
            semaphore = self._slots.get(host)
            if semaphore is None:
                semaphore = self._slots[host] = threading.BoundedSemaphore(self.limit)
        with semaphore:
            yield


class FetchClient(httpx.Client):
    """An `httpx.Client` that carries its per-host limiter (used by `get_bytes`)."""

    host_limiter: HostLimiter | None = None


def make_client(settings: HttpSettings = HttpSettings(), *, resolver: Resolver | None = None
                ) -> httpx.Client:
    """Build the shared client: redirects with a cap, timeouts, our UA, and the address guard.

    The guard is a request event hook: httpx runs request hooks for the first request and
    again for every redirect hop, so a public URL redirecting to 127.0.0.1 is refused at the
    hop. `resolver` exists for tests (defaults to `socket.getaddrinfo`).
    """
    resolve = resolver or socket.getaddrinfo

    def guard(request: httpx.Request) -> None:
        check_url(request.url, allow_private_addresses=settings.allow_private_addresses,
                  resolver=resolve)

    client = FetchClient(
        follow_redirects=True,
        max_redirects=settings.max_redirects,
        timeout=httpx.Timeout(
            connect=settings.connect_timeout_s,
            read=settings.read_timeout_s,
            write=settings.read_timeout_s,
            pool=settings.connect_timeout_s,
        ),
        headers={"User-Agent": settings.user_agent, "Accept-Encoding": "gzip, deflate"},
        event_hooks={"request": [guard]},
        http2=False,
        trust_env=False,  # no proxies or netrc from the environment: fetches must be predictable
    )
    client.host_limiter = HostLimiter(settings.per_host_limit)
    return client


# --- fetching --------------------------------------------------------------------------------


def _seconds(value: float | None) -> str:
    return f"{value:g}s" if value is not None else "the configured limit"


def _timeout_of(client: httpx.Client, exc: httpx.TimeoutException) -> float | None:
    timeout = client.timeout
    if isinstance(exc, httpx.ConnectTimeout):
        return timeout.connect
    if isinstance(exc, httpx.WriteTimeout):
        return timeout.write
    if isinstance(exc, httpx.PoolTimeout):
        return timeout.pool
    return timeout.read


def describe_transport_error(client: httpx.Client, exc: httpx.HTTPError) -> str:
    """A short readable message for an httpx exception (never a traceback)."""
    text = str(exc).lower()
    if isinstance(exc, httpx.TimeoutException):
        kind = "connect " if isinstance(exc, httpx.ConnectTimeout) else ""
        return f"{kind}timed out after {_seconds(_timeout_of(client, exc))}"
    if isinstance(exc, httpx.TooManyRedirects):
        return f"too many redirects (>{client.max_redirects})"
    if isinstance(exc, httpx.ConnectError):
        if "refused" in text or "errno 111" in text or "errno 61" in text:
            return "connection refused"
        if ("name or service not known" in text or "nodename nor servname" in text
                or "temporary failure in name resolution" in text or "errno -2" in text
                or "errno -3" in text or "getaddrinfo failed" in text):
            return "dns lookup failed"
        if "ssl" in text or "certificate" in text:
            return f"tls error: {exc}"
        return f"connection failed: {exc}" if text else "connection failed"
    if isinstance(exc, httpx.DecodingError):
        return "invalid content encoding"
    if isinstance(exc, httpx.UnsupportedProtocol):
        return f"unsupported URL: {exc}"
    if isinstance(exc, (httpx.RemoteProtocolError, httpx.ReadError)):
        return f"connection broken: {exc}" if text else "connection broken"
    return f"{type(exc).__name__}: {exc}" if text else type(exc).__name__


def get_bytes(
    client: httpx.Client,
    url: str,
    *,
    headers: Mapping[str, str] | None = None,
    max_bytes: int,
    total_timeout_s: float | None = 60.0,
) -> HttpResult:
    """GET `url` and read the body, refusing more than `max_bytes` of DECODED content.

    The body is streamed and counted as it is decompressed, so a small gzip that inflates
    to gigabytes is aborted after `max_bytes`, not after it filled memory. Any HTTP status
    is returned (the caller decides what 404 means); transport problems, refused URLs and
    oversize bodies raise `FetchError`.

    Caveats: httpx inflates one network chunk (<= 64 KiB) at a time, so a bomb can briefly
    cost ~1000x that (~64 MB) before the check fires. `total_timeout_s` is checked between
    chunks: the read timeout alone bounds only the gap between chunks, so a server dripping
    a byte every few seconds would otherwise never end.

    A client from `make_client` first waits for a free slot of its per-host limiter.
    """
    limiter = getattr(client, "host_limiter", None)
    with limiter.slot(url) if limiter is not None else nullcontext():
        return _get_bytes(client, url, headers=headers, max_bytes=max_bytes, total_timeout_s=total_timeout_s)


def _get_bytes(
    client: httpx.Client,
    url: str,
    *,
    headers: Mapping[str, str] | None,
    max_bytes: int,
    total_timeout_s: float | None,
) -> HttpResult:
    started = time.monotonic()  # after waiting for a host slot: the wait is not the server's fault
    try:
        # Scheme and host only (no DNS): httpx would silently turn "mailto:x" into "/x".
        check_url(url, allow_private_addresses=True)
        with client.stream("GET", url, headers=headers) as response:
            if not response.headers.get("content-encoding"):
                declared = response.headers.get("content-length", "")
                if declared.isdigit() and int(declared) > max_bytes:
                    raise FetchError(f"response larger than {max_bytes} bytes")
            chunks: list[bytes] = []
            size = 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > max_bytes:
                    raise FetchError(f"response larger than {max_bytes} bytes")
                if total_timeout_s is not None and time.monotonic() - started > total_timeout_s:
                    raise FetchError(f"timed out after {_seconds(total_timeout_s)} (total)")
                chunks.append(chunk)
            return HttpResult(
                status_code=response.status_code,
                url=str(response.url),
                headers=response.headers,
                content=b"".join(chunks),
            )
    except FetchError:
        raise
    except (httpx.InvalidURL, ValueError) as exc:  # ValueError: e.g. idna.IDNAError
        raise FetchRefused(f"invalid URL: {exc}") from exc
    except httpx.HTTPError as exc:
        message = describe_transport_error(client, exc)
        transient = isinstance(exc, (httpx.TimeoutException, httpx.RemoteProtocolError, httpx.ReadError,
                                     httpx.WriteError)) or message.startswith("connection failed")
        raise (TransientFetchError if transient else FetchError)(message) from exc
    except httpx.StreamError as exc:
        raise FetchError(f"stream error: {exc}") from exc


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
    started = time.monotonic()
    attempt = 0
    while True:
        attempt += 1
        try:
            result = get_bytes(client, url, headers=headers, max_bytes=max_bytes, total_timeout_s=total_timeout_s)
        except TransientFetchError:
            wait = policy.delay(attempt, None, rand())
            if wait is None or time.monotonic() - started + wait > policy.budget_s:
                raise
        else:
            if result.status_code not in RETRY_STATUSES:
                return result
            retry_after = parse_retry_after(result.headers.get("retry-after"))
            wait = policy.delay(attempt, retry_after, rand())
            if wait is None or time.monotonic() - started + wait > policy.budget_s:
                return result
        sleep(wait)
