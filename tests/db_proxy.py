"""A TCP forwarder on loopback in front of a real database server, which a test can cut.

    with DbProxy("127.0.0.1", 5432) as proxy:
        url = f"postgresql+psycopg://postgres@127.0.0.1:{proxy.port}/test"
        ...
        proxy.cut()      # drop every live connection; new ones are refused
        proxy.restore()  # forward again, on the same port

`cut(mode)` says what a client trying to connect during the outage gets:

- "refuse": nothing listens on the port (ECONNREFUSED), like a stopped server;
- "reset": the connection is accepted and closed at once, before the server answered;
- "blackhole": the connection is accepted and then nothing happens (an unreachable host or a
  hung server): the client waits for its own timeout.

`rejected` counts the connections turned away in "reset" and "blackhole" modes; a refused
connection never reaches user space, so it is not counted. `accepted` counts connections
forwarded to the server. Nothing here touches the network beyond the loopback interface.
"""

from __future__ import annotations

import socket
import struct
import threading
from typing import Literal

Mode = Literal["up", "refuse", "reset", "blackhole"]


class DbProxy:
    def __init__(self, target_host: str, target_port: int, *, host: str = "127.0.0.1") -> None:
        self.target = (target_host, target_port)
        self.host = host
        self.port = 0
        self.mode: Mode = "up"
        self.accepted = 0
        self.rejected = 0
        self._lock = threading.Lock()
        self._listener: socket.socket | None = None
        self._accept_thread: threading.Thread | None = None
        self._live: set[socket.socket] = set()  # both ends of every forwarded connection
        self._held: set[socket.socket] = set()  # connections accepted in "blackhole" mode

    # lifecycle

    def start(self) -> DbProxy:
        self._listen()
        return self

    def stop(self) -> None:
        with self._lock:
            self.mode = "refuse"
        self._close_listener()
        self._drop_live()

    def __enter__(self) -> DbProxy:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # the outage

    def cut(self, mode: Mode = "refuse") -> None:
        """Drop every live connection; new connections get `mode` until `restore()`."""
        if mode == "up":
            raise ValueError("cut(mode) takes refuse, reset or blackhole")
        with self._lock:
            self.mode = mode
        if mode == "refuse":
            self._close_listener()
        self._drop_live()

    def restore(self) -> None:
        """Forward new connections again (on the same port); held connections are closed."""
        with self._lock:
            self.mode = "up"
        self._drop_held()
        if self._listener is None:
            self._listen()

    # internals

    def _listen(self) -> None:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((self.host, self.port))  # port 0 the first time, the same port afterwards
        listener.listen(64)
        self.port = listener.getsockname()[1]
        self._listener = listener
        self._accept_thread = threading.Thread(target=self._accept_loop, args=(listener,), name="db-proxy", daemon=True)
        self._accept_thread.start()

    def _close_listener(self) -> None:
        listener, self._listener = self._listener, None
        if listener is None:
            return
        try:
            listener.shutdown(socket.SHUT_RDWR)  # wakes the thread blocked in accept()
        except OSError:
            pass
        listener.close()
        if self._accept_thread is not None:
            self._accept_thread.join(timeout=5)
            self._accept_thread = None

    def _drop_live(self) -> None:
        with self._lock:
            live, self._live = self._live, set()
        self._drop_held()
        for sock in live:
            _hard_close(sock)

    def _drop_held(self) -> None:
        with self._lock:
            held, self._held = self._held, set()
        for sock in held:
            _hard_close(sock)

    def _accept_loop(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return  # the listener was closed
            with self._lock:
                mode = self.mode
                if mode in ("reset", "blackhole"):
                    self.rejected += 1
            if mode == "reset":
                _hard_close(client)
            elif mode == "blackhole":
                with self._lock:
                    self._held.add(client)  # silent until restore(), cut() or stop() closes it
            elif mode == "up":
                self._forward(client)
            else:  # refused while the listener was closing
                _hard_close(client)

    def _forward(self, client: socket.socket) -> None:
        try:
            server = socket.create_connection(self.target, timeout=5)
        except OSError:
            _hard_close(client)
            return
        server.settimeout(None)
        for sock in (client, server):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        with self._lock:
            if self.mode != "up":  # cut while connecting
                _hard_close(client), _hard_close(server)
                return
            self.accepted += 1
            self._live.update((client, server))
        for source, sink in ((client, server), (server, client)):
            threading.Thread(target=self._pump, args=(source, sink), name="db-proxy-pump", daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            with self._lock:
                self._live.discard(source)
                self._live.discard(sink)
            _hard_close(source)
            _hard_close(sink)


def _hard_close(sock: socket.socket) -> None:
    """Close with a TCP reset, so the peer notices at once (no FIN_WAIT, no TIME_WAIT)."""
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    except OSError:
        pass
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    sock.close()
