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

import ipaddress
import socket
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import httpx

__all__ = [
    "FetchError",
    "FetchRefused",
    "HttpResult",
    "HttpSettings",
    "check_url",
    "describe_transport_error",
    "get_bytes",
    "make_client",
]

DEFAULT_USER_AGENT = "factcheck/0.1 (+https://github.com/factcheck; news contradiction finder)"

Resolver = Callable[..., list[tuple[Any, ...]]]  # same shape as socket.getaddrinfo


class FetchError(Exception):
    """A fetch failed; `str(exc)` is a short human message such as "connection refused"."""


class FetchRefused(FetchError):
    """The URL was refused before any connection: bad scheme or a non-public address."""


@dataclass(frozen=True)
class HttpSettings:
    """Knobs for `make_client` and `get_bytes`; frozen so it can be a Prefect task input."""

    connect_timeout_s: float = 10.0
    read_timeout_s: float = 20.0  # per read: `get_bytes` adds a wall-clock cap per body
    user_agent: str = DEFAULT_USER_AGENT
    max_redirects: int = 5
    max_bytes: int = 5_000_000
    allow_private_addresses: bool = False


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

    return httpx.Client(
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
    """
    started = time.monotonic()
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
        raise FetchError(describe_transport_error(client, exc)) from exc
    except httpx.StreamError as exc:
        raise FetchError(f"stream error: {exc}") from exc
