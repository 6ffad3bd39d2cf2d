"""HTTP plumbing shared by the feed and page fetchers.

Feeds and the pages they link to are untrusted input: a feed can point at an internal
address (SSRF), redirect forever, drip its bytes, or serve a gzip bomb. This module gives one
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

import email.utils
import ipaddress
import random
import socket
import threading
import time
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpcore
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

DEFAULT_USER_AGENT = "factcheck/0.1 (+https://github.com/factcheck; news contradiction finder)"

Resolver = Callable[..., list[tuple[Any, ...]]]  # same shape as socket.getaddrinfo
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


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
    read_timeout_s: float = 20.0  # per read: `get_bytes` adds a deadline for the whole fetch
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


def _is_global(ip: IPAddress) -> bool:
    return not (
        ip.is_loopback
        or ip.is_private
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
        or not ip.is_global  # e.g. 100.64.0.0/10 carrier-grade NAT
    )


def wrapped_ipv4(ip: IPAddress) -> tuple[ipaddress.IPv4Address, ...]:
    """The IPv4 addresses an IPv6 address carries: IPv4-mapped, 6to4 (2002::/16), Teredo (2001::/32).

    A dual-stack socket or a tunnel relay delivers to the wrapped address, so 2002:7f00:1::1
    is 127.0.0.1 in disguise."""
    if isinstance(ip, ipaddress.IPv4Address):
        return ()
    found = (ip.ipv4_mapped, ip.sixtofour, *(ip.teredo or ()))
    return tuple(address for address in found if address is not None)


def _is_public(ip: IPAddress) -> bool:
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return _is_global(ip.ipv4_mapped)  # ::ffff:0:0/96 itself counts as private
    return _is_global(ip) and all(_is_global(inner) for inner in wrapped_ipv4(ip))


def _refusal(ip: IPAddress, host: str) -> FetchRefused:
    inner = wrapped_ipv4(ip)
    wraps = f" (wraps {', '.join(map(str, inner))})" if inner and ip.ipv4_mapped is None else ""
    return FetchRefused(f"refused non-public address {ip}{wraps} for host {host}")


def parse_url(url: str | httpx.URL) -> httpx.URL:
    """`url` parsed, or `FetchRefused` unless it is http(s) with a host; no DNS.

    Checked before httpx sees the URL: httpx would silently turn "mailto:x" into "/x"."""
    url = url if isinstance(url, httpx.URL) else httpx.URL(str(url))
    if not url.scheme:
        raise FetchRefused("invalid URL: no scheme")
    if url.scheme not in ("http", "https"):
        raise FetchRefused(f"refused scheme {url.scheme!r}: only http and https")
    if not url.host:
        raise FetchRefused("invalid URL: no host")
    return url


def vetted_addresses(
    host: str, port: int, *, allow_private_addresses: bool = False, resolver: Resolver = socket.getaddrinfo
) -> list[IPAddress]:
    """The addresses to connect to for `host`; `FetchRefused` if any is not public (unless allowed).

    Every resolved address must be public: a name with one public and one private record
    would otherwise let the connection land on the private one. Private addresses allowed
    (tests, an intranet), the name is still resolved here, since the caller connects to
    exactly these addresses."""
    try:
        addresses: list[IPAddress] = [ipaddress.ip_address(host)]
    except ValueError:
        try:
            infos = resolver(host, port, type=socket.SOCK_STREAM)
        except (socket.gaierror, UnicodeError) as exc:
            raise FetchError(f"dns lookup failed for {host}") from exc
        addresses = list(dict.fromkeys(ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos))
        if not addresses:
            raise FetchError(f"dns lookup failed for {host}")
    if not allow_private_addresses:
        for ip in addresses:
            if not _is_public(ip):
                raise _refusal(ip, host)
    return addresses


def check_url(
    url: str | httpx.URL,
    *,
    allow_private_addresses: bool = False,
    resolver: Resolver = socket.getaddrinfo,
) -> list[IPAddress]:
    """The vetted addresses of `url`'s host; `FetchRefused` unless it is http(s) on public IPs."""
    url = parse_url(url)
    port = url.port or (443 if url.scheme == "https" else 80)
    return vetted_addresses(url.raw_host.decode("ascii"), port, allow_private_addresses=allow_private_addresses,
                            resolver=resolver)


# --- connections: vetted addresses, one deadline ----------------------------------------------


class _Deadline(threading.local):
    """The monotonic deadline of the fetch running in this thread (None: none).

    Thread-local because a pooled connection serves many fetches, one thread at a time."""

    at: float | None = None

    def start(self, seconds: float | None) -> None:
        self.at = None if seconds is None else time.monotonic() + seconds

    def passed(self) -> bool:
        return self.at is not None and time.monotonic() >= self.at - 0.01

    def budget(self, timeout: float | None, expired: type[Exception]) -> float | None:
        """`timeout` cut to the time left; raises `expired` when none is left."""
        if self.at is None:
            return timeout
        left = self.at - time.monotonic()
        if left <= 0:
            raise expired("the fetch's deadline passed")
        return left if timeout is None else min(timeout, left)


class _DeadlineStream(httpcore.NetworkStream):
    """A connection whose every read and write ends by the current fetch's deadline.

    Per-read timeouts alone restart with each byte, so headers or a body sent a byte a second
    never trip them; cutting each wait to the time left does."""

    def __init__(self, inner: httpcore.NetworkStream, deadline: _Deadline) -> None:
        self._inner = inner
        self._deadline = deadline

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, self._deadline.budget(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, self._deadline.budget(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(self, ssl_context: Any, server_hostname: str | None = None,
                  timeout: float | None = None) -> httpcore.NetworkStream:
        inner = self._inner.start_tls(ssl_context, server_hostname,
                                      self._deadline.budget(timeout, httpcore.ConnectTimeout))
        return _DeadlineStream(inner, self._deadline)

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class _VettingBackend(httpcore.NetworkBackend):
    """Opens connections to the addresses the guard just vetted, in one step.

    httpcore keeps the host name for the Host header, TLS SNI and certificate check and for
    pooling; only the socket's address comes from here, so there is no second look-up."""

    def __init__(self, *, allow_private_addresses: bool, resolver: Resolver, deadline: _Deadline) -> None:
        self._inner = httpcore.SyncBackend()
        self._allow_private = allow_private_addresses
        self._resolver = resolver
        self._deadline = deadline

    def connect_tcp(self, host: str, port: int, timeout: float | None = None, local_address: str | None = None,
                    socket_options: Iterable[Any] | None = None) -> httpcore.NetworkStream:
        addresses = vetted_addresses(host, port, allow_private_addresses=self._allow_private, resolver=self._resolver)
        error: httpcore.ConnectError | None = None
        for ip in addresses:  # in the resolver's order, like socket.create_connection
            try:
                stream = self._inner.connect_tcp(str(ip), port, self._deadline.budget(timeout, httpcore.ConnectTimeout),
                                                 local_address, socket_options)
            except httpcore.ConnectError as exc:
                error = exc
            else:
                return _DeadlineStream(stream, self._deadline)
        assert error is not None
        raise error

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


def _transport(backend: httpcore.NetworkBackend) -> httpx.HTTPTransport:
    transport = httpx.HTTPTransport(trust_env=False)
    # httpx offers no public way to choose the network backend: its transport gets a pool using
    # ours (tests/test_fetch_limits.py fails if a new httpx stops honouring this).
    transport._pool = httpcore.ConnectionPool(
        ssl_context=httpx.create_ssl_context(trust_env=False),
        max_connections=100,
        max_keepalive_connections=20,
        keepalive_expiry=5.0,
        network_backend=backend,
    )
    return transport


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
    """The client `get_bytes` needs: sockets only to vetted addresses, a deadline per fetch and
    thread, a per-host limiter. Redirects are followed by `get_bytes`, hop by hop."""

    def __init__(self, settings: HttpSettings, resolver: Resolver, **kwargs: Any) -> None:
        self.deadline = _Deadline()
        backend = _VettingBackend(allow_private_addresses=settings.allow_private_addresses, resolver=resolver,
                                  deadline=self.deadline)
        super().__init__(transport=_transport(backend), follow_redirects=False,
                         max_redirects=settings.max_redirects, **kwargs)
        self.host_limiter = HostLimiter(settings.per_host_limit)


def make_client(settings: HttpSettings = HttpSettings(), *, resolver: Resolver | None = None) -> FetchClient:
    """Build the shared client: timeouts, our UA, the address guard on every connection.

    `resolver` exists for tests (defaults to `socket.getaddrinfo`)."""
    return FetchClient(
        settings,
        resolver or socket.getaddrinfo,
        timeout=httpx.Timeout(
            connect=settings.connect_timeout_s,
            read=settings.read_timeout_s,
            write=settings.read_timeout_s,
            pool=settings.connect_timeout_s,
        ),
        headers={"User-Agent": settings.user_agent, "Accept-Encoding": "gzip, deflate"},
        http2=False,
        trust_env=False,  # no proxies or netrc from the environment: fetches must be predictable
    )


# --- fetching --------------------------------------------------------------------------------

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
DECODED_CODINGS = frozenset({"gzip", "x-gzip", "deflate"})  # what the client's Accept-Encoding asks for


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


def content_coding(headers: httpx.Headers) -> str | None:
    """The one content coding of a response (None: identity); `FetchError` for anything else.

    Stacked codings are refused: with `gzip, gzip` a 1 KB response decodes to 1 GB and the
    inner layer inflates before any size check sees it. br and zstd are never asked for."""
    codings = [c.strip().lower() for c in headers.get_list("content-encoding", split_commas=True)]
    codings = [c for c in codings if c and c != "identity"]
    if len(codings) > 1:
        raise FetchError(f"refused stacked content encodings ({', '.join(codings)})")
    if codings and codings[0] not in DECODED_CODINGS:
        raise FetchError(f"refused unsupported content encoding {codings[0]!r}")
    return codings[0] if codings else None


class _Inflater:
    """Decodes a gzip or deflate body without ever producing more output than asked for."""

    def __init__(self, coding: str) -> None:
        self._may_be_raw = coding == "deflate"  # "deflate" means zlib-wrapped; some servers send it raw
        self._zlib = zlib.decompressobj(zlib.MAX_WBITS if coding == "deflate" else zlib.MAX_WBITS | 16)

    def decode(self, data: bytes, limit: int) -> bytes:
        """At most `limit` + 1 bytes: one more than `limit` means the body is too large."""
        try:
            out = self._zlib.decompress(data, limit + 1)
        except zlib.error as exc:
            if not self._may_be_raw:
                raise FetchError("invalid content encoding") from exc
            self._may_be_raw = False
            self._zlib = zlib.decompressobj(-zlib.MAX_WBITS)
            return self.decode(data, limit)
        self._may_be_raw = False
        return out


def _too_large(max_bytes: int) -> FetchError:
    return FetchError(f"response larger than {max_bytes} bytes")


def _read_body(response: httpx.Response, max_bytes: int) -> bytes:
    """The decoded body, `FetchError` past `max_bytes`: decoding stops there, so does memory."""
    coding = content_coding(response.headers)
    if coding is None:
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > max_bytes:
            raise _too_large(max_bytes)
    inflater = _Inflater(coding) if coding else None
    body = bytearray()
    for raw in response.iter_raw():
        body += inflater.decode(raw, max_bytes - len(body)) if inflater else raw
        if len(body) > max_bytes:
            raise _too_large(max_bytes)
    return bytes(body)


def _redirect_target(response: httpx.Response) -> httpx.URL | None:
    """Where a redirect points (checked like any URL), or None for a final response."""
    location = response.headers.get("location")
    if response.status_code not in REDIRECT_STATUSES or not location:
        return None
    return parse_url(response.url.join(location))  # httpx.send already refused a malformed one


def _send(client: FetchClient, url: httpx.URL, headers: Mapping[str, str] | None) -> httpx.Response:
    timeout = client.timeout  # sockets are cut to the deadline by the backend; the pool wait here
    request = client.build_request("GET", url, headers=headers, timeout=httpx.Timeout(
        connect=timeout.connect, read=timeout.read, write=timeout.write,
        pool=client.deadline.budget(timeout.pool, httpx.PoolTimeout)))
    try:
        return client.send(request, stream=True, follow_redirects=False)
    except httpx.RemoteProtocolError as exc:
        if "location header" in str(exc).lower():  # httpx parses a redirect's Location itself
            raise FetchRefused(f"invalid URL in redirect: {exc}") from exc
        raise


@contextmanager
def _final_response(client: FetchClient, url: httpx.URL, headers: Mapping[str, str] | None
                    ) -> Iterator[httpx.Response]:
    """The response after at most `client.max_redirects` hops, open for reading.

    Each hop's connection goes through the address guard; a redirect's body is never read
    (it may be endless), closing it drops the connection instead."""
    for _hop in range(client.max_redirects + 1):
        response = _send(client, url, headers)
        try:
            target = _redirect_target(response)
            if target is None:
                yield response
                return
        finally:
            response.close()
        url = target
    raise FetchError(f"too many redirects (>{client.max_redirects})")


def get_bytes(
    client: httpx.Client,
    url: str,
    *,
    headers: Mapping[str, str] | None = None,
    max_bytes: int,
    total_timeout_s: float | None = 60.0,
) -> HttpResult:
    """GET `url` (following redirects) and read the body, at most `max_bytes` of DECODED content.

    Any HTTP status is returned (the caller decides what 404 means); transport problems,
    refused URLs, oversize bodies and a fetch past `total_timeout_s` raise `FetchError`.
    The total covers every hop and every byte: each socket wait is cut to the time left.
    `client` must come from `make_client`; it first waits for a free slot of its per-host limiter.
    """
    if not isinstance(client, FetchClient):
        raise TypeError("get_bytes needs a client from make_client: it vets every connection")
    with client.host_limiter.slot(url):
        return _get_bytes(client, url, headers=headers, max_bytes=max_bytes, total_timeout_s=total_timeout_s)


def _get_bytes(
    client: FetchClient,
    url: str,
    *,
    headers: Mapping[str, str] | None,
    max_bytes: int,
    total_timeout_s: float | None,
) -> HttpResult:
    deadline = client.deadline
    deadline.start(total_timeout_s)  # after waiting for a host slot: the wait is not the server's fault
    try:
        with _final_response(client, parse_url(url), headers) as response:
            content = _read_body(response, max_bytes)
            return HttpResult(status_code=response.status_code, url=str(response.url),
                              headers=response.headers, content=content)
    except FetchError:
        raise
    except (httpx.InvalidURL, ValueError) as exc:  # ValueError: e.g. idna.IDNAError
        raise FetchRefused(f"invalid URL: {exc}") from exc
    except httpx.TimeoutException as exc:
        if deadline.passed():
            raise FetchError(f"timed out after {_seconds(total_timeout_s)} (total)") from exc
        raise TransientFetchError(describe_transport_error(client, exc)) from exc
    except httpx.HTTPError as exc:
        message = describe_transport_error(client, exc)
        transient = isinstance(exc, (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError)
                               ) or message.startswith("connection failed")
        raise (TransientFetchError if transient else FetchError)(message) from exc
    except httpx.StreamError as exc:
        raise FetchError(f"stream error: {exc}") from exc
    finally:
        deadline.start(None)


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
