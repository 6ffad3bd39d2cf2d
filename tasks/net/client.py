"""One configured client: vetted connections, one deadline per fetch, a per-host limit."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import httpcore
import httpx

from factcheck.tasks.net.guard import Resolver, vetted_addresses

DEFAULT_USER_AGENT = "factcheck/0.1 (+https://github.com/factcheck; news contradiction finder)"


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
