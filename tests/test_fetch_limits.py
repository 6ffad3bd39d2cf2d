"""Limits of one fetch against hostile servers on loopback: memory, time, redirects, addresses.

Each test speaks real HTTP to a server on 127.0.0.1. `RawServer` writes raw HTTP/1.1 for what
`LoopbackServer` cannot send: an endless body, or headers dripped a byte at a time. Peak memory
is measured with tracemalloc around the fetch alone (the bombs are built before it starts).
"""

from __future__ import annotations

import contextlib
import gzip
import ipaddress
import logging
import socket
import threading
import time
import tracemalloc
import zlib
from collections.abc import Callable, Iterator

import pytest
from loopback import Route

from factcheck.tasks.net import guard
from factcheck.tasks.articles import extract_article, fetch_page
from factcheck.tasks.net import FetchError, FetchRefused, HttpSettings, check_url, get_bytes, make_client
from factcheck.tasks.models import FeedEntry

MiB = 1024 * 1024
HTML = {"Content-Type": "text/html; charset=utf-8"}


# --- helpers -------------------------------------------------------------------------------------


@contextlib.contextmanager
def peak_memory() -> Iterator[dict[str, float]]:
    """Peak of Python allocations (zlib's buffers included) inside the block, in MiB."""
    found: dict[str, float] = {}
    tracemalloc.start()
    try:
        yield found
    finally:
        found["mib"] = tracemalloc.get_traced_memory()[1] / MiB
        tracemalloc.stop()


def timed(fn: Callable[[], object]) -> tuple[object, float]:
    """(result or raised FetchError, seconds taken)."""
    started = time.monotonic()
    try:
        result: object = fn()
    except FetchError as exc:
        result = exc
    return result, time.monotonic() - started


Handler = Callable[[str, socket.socket, threading.Event], None]


class RawServer:
    """A loopback server answering each connection's one request with `handler(path, conn, stop)`.

    Handlers write raw bytes and should end when `stop` is set or the client hangs up."""

    def __init__(self, handler: Handler) -> None:
        self._handler = handler
        self._stop = threading.Event()
        self._sock = socket.create_server(("127.0.0.1", 0))
        self._sock.settimeout(0.05)
        self.port = self._sock.getsockname()[1]
        self.requests: list[tuple[str, str]] = []  # (path, Host header)

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"

    def __enter__(self) -> RawServer:
        threading.Thread(target=self._accept, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._sock.close()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        with conn:
            head = b""
            while b"\r\n\r\n" not in head and len(head) < 65536:
                data = conn.recv(4096)
                if not data:
                    return
                head += data
            lines = head.decode("latin-1").split("\r\n")
            headers = dict(line.split(": ", 1) for line in lines[1:] if ": " in line)
            path = lines[0].split(" ")[1]
            self.requests.append((path, headers.get("Host", headers.get("host", ""))))
            with contextlib.suppress(OSError):
                self._handler(path, conn, self._stop)


def drip(conn: socket.socket, stop: threading.Event, data: bytes, every_s: float) -> None:
    for byte in data:
        if stop.wait(every_s):
            return
        conn.sendall(bytes([byte]))


def double_gzip_bomb(decoded_bytes: int) -> bytes:
    """Zeros gzipped twice: a few KB on the wire, `decoded_bytes` once both layers are inflated."""
    inner = zlib.compressobj(9, zlib.DEFLATED, 31)
    zeros = bytes(MiB)
    layer = b"".join(inner.compress(zeros) for _ in range(decoded_bytes // MiB)) + inner.flush()
    return gzip.compress(layer, compresslevel=9)


def entry(url: str) -> FeedEntry:
    return FeedEntry(outlet="Hostile", feed_url="http://127.0.0.1/feed.xml", link=url, title="A page")


# --- 1. content encodings ------------------------------------------------------------------------


def test_a_doubly_gzipped_bomb_is_refused_with_small_memory(loopback, http_client):
    bomb = double_gzip_bomb(256 * MiB)
    assert len(bomb) < 10_000
    loopback.routes["/bomb"] = Route(body=bomb, headers={**HTML, "Content-Encoding": "gzip, gzip"})
    with peak_memory() as peak:
        page = fetch_page(http_client, loopback.url("/bomb"), max_bytes=MiB)
    print(f"stacked gzip ({len(bomb)} bytes, 256 MiB decoded): peak {peak['mib']:.2f} MiB")
    assert page.error == "refused stacked content encodings (gzip, gzip)"
    assert page.body is None
    article = extract_article(page, entry(page.url))
    assert article.status == "failed: refused stacked content encodings (gzip, gzip)"
    assert peak["mib"] < 8


@pytest.mark.parametrize("coding", ["br", "compress", "gzip, identity, deflate"])
def test_unsupported_or_stacked_encodings_are_refused(loopback, http_client, coding):
    loopback.routes["/odd"] = Route(body=b"whatever", headers={**HTML, "Content-Encoding": coding})
    with pytest.raises(FetchError, match="refused (unsupported|stacked) content encoding"):
        get_bytes(http_client, loopback.url("/odd"), max_bytes=MiB)


@pytest.mark.parametrize("coding", ["identity", "gzip, identity", "x-gzip", "deflate"])
def test_one_real_coding_besides_identity_is_decoded(loopback, http_client, coding):
    text = b"compressed news " * 100
    body = zlib.compress(text) if coding == "deflate" else text if coding == "identity" else gzip.compress(text)
    loopback.routes["/ok"] = Route(body=body, headers={**HTML, "Content-Encoding": coding})
    assert get_bytes(http_client, loopback.url("/ok"), max_bytes=MiB).content == text


def test_a_raw_deflate_body_is_decoded_too(loopback, http_client):
    squeeze = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    text = b"raw deflate, as some servers send it " * 50
    loopback.routes["/raw"] = Route(body=squeeze.compress(text) + squeeze.flush(),
                                    headers={**HTML, "Content-Encoding": "deflate"})
    assert get_bytes(http_client, loopback.url("/raw"), max_bytes=MiB).content == text


def test_a_single_gzip_bomb_stops_at_the_cap_without_inflating_a_chunk_in_full(loopback, http_client):
    loopback.routes["/bomb"] = Route.gzipped(bytes(64 * MiB), headers=HTML)  # ~64 KB on the wire
    with peak_memory() as peak, pytest.raises(FetchError, match=r"^response larger than 1048576 bytes$"):
        get_bytes(http_client, loopback.url("/bomb"), max_bytes=MiB)
    print(f"single gzip bomb (64 MiB decoded, cap 1 MiB): peak {peak['mib']:.2f} MiB")
    assert peak["mib"] < 8


def test_a_corrupt_gzip_body_gives_a_readable_error(loopback, http_client):
    loopback.routes["/bad"] = Route(body=b"\x1f\x8bnot really gzip", headers={**HTML, "Content-Encoding": "gzip"})
    with pytest.raises(FetchError, match="^invalid content encoding$"):
        get_bytes(http_client, loopback.url("/bad"), max_bytes=MiB)


# --- 2. redirects ----------------------------------------------------------------------------------


def endless_redirect(path: str, conn: socket.socket, stop: threading.Event) -> None:
    """/start: a 302 to /final whose chunked body never ends; /final: a small page."""
    if path != "/start":
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 7\r\n"
                     b"Connection: close\r\n\r\narrived")
        return
    conn.sendall(b"HTTP/1.1 302 Found\r\nLocation: /final\r\nContent-Type: text/html\r\n"
                 b"Transfer-Encoding: chunked\r\n\r\n")
    chunk = b"%x\r\n%s\r\n" % (65536, b"x" * 65536)
    while not stop.is_set():
        conn.sendall(chunk)


def test_an_endless_redirect_body_is_not_read(http_client):
    with RawServer(endless_redirect) as server, peak_memory() as peak:
        result, seconds = timed(lambda: get_bytes(http_client, server.url("/start"), max_bytes=MiB,
                                                  total_timeout_s=10))
    print(f"endless 302 body: followed in {seconds:.2f}s, peak {peak['mib']:.2f} MiB")
    assert not isinstance(result, Exception), result
    assert (result.status_code, result.content, result.url) == (200, b"arrived", server.url("/final"))
    assert seconds < 2
    assert peak["mib"] < 8


def test_redirect_hops_are_capped_by_the_setting(loopback):
    loopback.routes["/loop"] = Route.redirect("/loop")
    settings = HttpSettings(allow_private_addresses=True, max_redirects=2)
    with make_client(settings) as client, pytest.raises(FetchError, match=r"^too many redirects \(>2\)$"):
        get_bytes(client, loopback.url("/loop"), max_bytes=1000)
    assert len(loopback.requests_to("/loop")) == 3


# --- 3. a total deadline per fetch ---------------------------------------------------------------


def slow_headers(path: str, conn: socket.socket, stop: threading.Event) -> None:
    """Status line at once, then the headers a byte every 0.25 s (about 10 s in all)."""
    conn.sendall(b"HTTP/1.1 200 OK\r\n")
    drip(conn, stop, b"X-Padding: " + b"." * 30 + b"\r\nContent-Length: 2\r\n\r\nok", 0.25)


def dripping_body(encoded: bool) -> Handler:
    """A body of ~30 bytes sent one byte per second (gzipped: nothing decodes for 10 s)."""
    body = gzip.compress(b"news " * 4) if encoded else b"n" * 30
    coding = b"Content-Encoding: gzip\r\n" if encoded else b""

    def handler(path: str, conn: socket.socket, stop: threading.Event) -> None:
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n" + coding
                     + b"Content-Length: %d\r\n\r\n" % len(body))
        drip(conn, stop, body, 1.0)

    return handler


@pytest.mark.parametrize("handler", [slow_headers, dripping_body(False), dripping_body(True)],
                         ids=["slow-headers", "dripped-body", "dripped-gzip-body"])
def test_a_fetch_ends_at_its_total_deadline(http_client, handler):
    with RawServer(handler) as server:
        result, seconds = timed(lambda: get_bytes(http_client, server.url("/slow"), max_bytes=MiB,
                                                  total_timeout_s=2))
    assert isinstance(result, FetchError) and str(result) == "timed out after 2s (total)", result
    assert seconds < 3


def test_the_deadline_covers_every_redirect_hop(loopback, http_client):
    loopback.routes["/a"] = Route.redirect("/b")
    loopback.routes["/b"] = Route(body=b"late", delay=0.5)
    loopback.routes["/c"] = Route.redirect("/a")
    result, seconds = timed(lambda: get_bytes(http_client, loopback.url("/c"), max_bytes=1000,
                                              total_timeout_s=0.3))
    assert str(result) == "timed out after 0.3s (total)"
    assert seconds < 0.45


# --- 4. the connection goes where the guard looked -----------------------------------------------


@pytest.mark.parametrize("address, wrapped", [
    ("2002:7f00:1::1", "127.0.0.1"),  # 6to4 of loopback
    ("2002:a00:1::1", "10.0.0.1"),  # 6to4 of a private network
    ("2002:a9fe:a9fe::1", "169.254.169.254"),  # 6to4 of the cloud metadata address
    ("2001:0:4136:e378:8000:63bf:80ff:fffe", "127.0.0.1"),  # Teredo, client 127.0.0.1 (inverted bits)
    ("2001:0:4136:e378:8000:63bf:f5ff:fffe", "10.0.0.1"),  # Teredo, client 10.0.0.1
])
def test_6to4_and_teredo_wrapping_private_ipv4_are_refused(address, wrapped):
    with pytest.raises(FetchRefused, match=f"non-public address {address} .*{wrapped}"):
        check_url(f"http://[{address}]/", resolver=lambda *a, **k: [])


def test_6to4_of_a_public_ipv4_is_allowed():
    check_url("http://[2002:5db8:d822::1]/", resolver=lambda *a, **k: [])


def table_resolver(*answers: list[str]):
    """A getaddrinfo stand-in giving `answers` in turn (the last one for ever): a rebinding name."""
    calls: list[str] = []

    def resolve(host, port, *args, **kwargs):
        calls.append(host)
        found = answers[min(len(calls), len(answers)) - 1]
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (ip, port)) for ip in found]

    resolve.calls = calls
    return resolve


def test_the_connection_goes_to_the_address_the_guard_vetted_with_the_host_header_kept(loopback, monkeypatch):
    """The guard accepts 127.0.0.1 (counted as public here); a second look-up would say 10.0.0.1.

    There is no real DNS for news.test: the fetch works only because the connection is made
    to the address our resolver gave the guard, once."""
    monkeypatch.setattr(guard, "_is_public", lambda ip: ip == ipaddress.ip_address("127.0.0.1"))
    loopback.routes["/page"] = Route(body=b"pinned")
    resolver = table_resolver(["127.0.0.1"], ["10.0.0.1"])
    url = loopback.url("/page", host="news.test")
    with make_client(HttpSettings(), resolver=resolver) as client:
        result = get_bytes(client, url, max_bytes=1000)
    assert (result.content, result.url) == (b"pinned", url)
    assert resolver.calls == ["news.test"]
    assert loopback.requests[0].header("host") == f"news.test:{loopback.port}"


def test_a_private_answer_is_refused_before_connecting(loopback):
    loopback.routes["/page"] = Route(body=b"internal")
    resolver = table_resolver(["10.0.0.1", "127.0.0.1"])
    with make_client(HttpSettings(), resolver=resolver) as client, pytest.raises(FetchRefused, match="10.0.0.1"):
        get_bytes(client, loopback.url("/page", host="news.test"), max_bytes=1000)
    assert loopback.requests == []


def test_allowed_private_addresses_are_pinned_too(loopback):
    loopback.routes["/page"] = Route(body=b"local")
    resolver = table_resolver(["127.0.0.1"])
    with make_client(HttpSettings(allow_private_addresses=True), resolver=resolver) as client:
        assert get_bytes(client, loopback.url("/page", host="intranet.test"), max_bytes=1000).content == b"local"
    assert resolver.calls == ["intranet.test"]


# --- 5. no task timeout that cannot fire ---------------------------------------------------------


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def test_an_ingest_run_logs_no_worker_thread_timeout_warning(prefect_harness, use_database, monkeypatch):
    import hostile_corpus as hc
    from loopback import LoopbackServer

    from factcheck.db import store
    from factcheck.db.engine import session_scope
    from factcheck.flows.ingest import ingest
    from factcheck.tasks.models import FeedSource

    monkeypatch.setenv("FACTCHECK_ALLOW_PRIVATE_ADDRESSES", "true")
    with session_scope(use_database) as session:
        run_id = store.start_run(session, kind="manual", flow_run_id=None)
    handler = _Collect()
    prefect_logger = logging.getLogger("prefect")
    prefect_logger.addHandler(handler)
    try:
        with LoopbackServer() as server:
            base = server.url("").rstrip("/")
            server.routes.update(hc.build(base).routes)
            summary = ingest([FeedSource("Control Courier", f"{base}{hc.CONTROL}")], run_id)
    finally:
        prefect_logger.removeHandler(handler)
    assert summary.articles_stored == 2
    assert any("Executing" in m or "Finished" in m for m in handler.messages)  # the handler saw the run
    assert not [m for m in handler.messages if "running in a worker thread" in m]


def test_a_redirect_to_a_malformed_url_is_refused_readably(loopback, http_client):
    loopback.routes["/start"] = Route.redirect("http://[::1/broken")
    with pytest.raises(FetchRefused, match="^invalid URL in redirect: "):
        get_bytes(http_client, loopback.url("/start"), max_bytes=1000)
