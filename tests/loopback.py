"""A tiny threaded HTTP server on 127.0.0.1 for tests that must speak real HTTP.

Tests mutate `server.routes` (path -> `Route`, or a callable taking the request headers and
returning a `Route`) and read `server.requests` to assert what the client sent.
Nothing here touches the network beyond the loopback interface.
"""

from __future__ import annotations

import gzip
import socket
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit


@dataclass
class Route:
    """A canned response. `delay` seconds are slept before the status line is sent;
    with `drip` > 0 the body is sent in `chunk_size` pieces, `drip` seconds apart."""

    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    drip: float = 0.0
    chunk_size: int = 1024

    @classmethod
    def redirect(cls, location: str, status: int = 302) -> Route:
        return cls(status=status, headers={"Location": location})

    @classmethod
    def gzipped(cls, body: bytes, *, status: int = 200, headers: Mapping[str, str] | None = None
                ) -> Route:
        """`body` compressed and served with Content-Encoding: gzip."""
        return cls(status=status, body=gzip.compress(body, compresslevel=9),
                   headers={**(headers or {}), "Content-Encoding": "gzip"})


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    path: str  # as sent, including the query string
    headers: dict[str, str]  # lower-cased names

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())


RouteSpec = Route | Callable[[dict[str, str]], Route]


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:  # noqa: N802 - http.server naming
        self._respond(send_body=True)

    def do_HEAD(self) -> None:  # noqa: N802
        self._respond(send_body=False)

    def _respond(self, *, send_body: bool) -> None:
        owner = self.server.owner
        headers = {k.lower(): v for k, v in self.headers.items()}
        owner.requests.append(RecordedRequest(self.command, self.path, headers))
        spec = owner.routes.get(self.path) or owner.routes.get(urlsplit(self.path).path)
        route = (spec(headers) if callable(spec) else spec) if spec else Route(404, b"not found")
        if route.delay:
            time.sleep(route.delay)
        self.send_response(route.status)
        names = {k.lower() for k in route.headers}
        for name, value in route.headers.items():
            self.send_header(name, value)
        if "content-type" not in names and route.body:
            self.send_header("Content-Type", "text/plain; charset=utf-8")
        if "content-length" not in names:
            self.send_header("Content-Length", str(len(route.body)))
        self.end_headers()
        if not (send_body and route.body):
            return
        if not route.drip:
            self.wfile.write(route.body)
            return
        for start in range(0, len(route.body), route.chunk_size):
            self.wfile.write(route.body[start:start + route.chunk_size])
            time.sleep(route.drip)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - quiet
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False  # a handler stuck in a `delay` must not hang shutdown
    owner: LoopbackServer

    def handle_error(self, request, client_address) -> None:  # noqa: ANN001 - quiet
        pass  # clients that time out and hang up cause BrokenPipe: expected in tests


class LoopbackServer:
    """`with LoopbackServer() as srv: srv.routes["/feed"] = Route(body=...); srv.url("/feed")`."""

    def __init__(self, routes: Mapping[str, RouteSpec] | None = None) -> None:
        self.routes: dict[str, RouteSpec] = dict(routes or {})
        self.requests: list[RecordedRequest] = []
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        assert self._server is not None, "server not started"
        return self._server.server_address[1]

    def url(self, path: str = "/", *, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"

    def requests_to(self, path: str) -> list[RecordedRequest]:
        return [r for r in self.requests if urlsplit(r.path).path == path or r.path == path]

    def start(self) -> LoopbackServer:
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.owner = self
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> LoopbackServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def closed_port_url(path: str = "/") -> str:
    """A loopback URL on a port nobody listens on (connections are refused)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}{path}"
