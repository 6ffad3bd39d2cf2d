"""The address guard: only public addresses are fetched (no SSRF through a feed's links).

A host name is resolved when a connection is opened and the socket goes to the addresses that
look-up vetted, so DNS rebinding has no second look-up to slip into."""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable
from typing import Any

import httpx

from factcheck.tasks.net.errors import FetchError, FetchRefused

Resolver = Callable[..., list[tuple[Any, ...]]]  # same shape as socket.getaddrinfo
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

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
