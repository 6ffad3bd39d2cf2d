"""The on-failure hook: a failed flow run POSTs a JSON notice to FACTCHECK_FAILURE_WEBHOOK_URL."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import SimpleNamespace

import pytest
from loopback import closed_port_url

from factcheck.flows.ops.hooks import notify_failure


class Receiver:
    """A loopback HTTP server that records the JSON bodies POSTed to it."""

    def __init__(self, status: int = 204) -> None:
        self.bodies: list[dict] = []
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server naming
                length = int(self.headers.get("Content-Length") or 0)
                owner.bodies.append(json.loads(self.rfile.read(length) or b"null"))
                self.send_response(status)
                self.end_headers()

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - quiet
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hooks/factcheck"

    def wait_for(self, count: int = 1, timeout_s: float = 10.0) -> list[dict]:
        deadline = time.monotonic() + timeout_s
        while len(self.bodies) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.bodies


@pytest.fixture
def receiver(monkeypatch) -> Iterator[Receiver]:
    server = Receiver()
    server.thread.start()
    monkeypatch.setenv("FACTCHECK_FAILURE_WEBHOOK_URL", server.url)
    try:
        yield server
    finally:
        server.server.shutdown()
        server.server.server_close()


def _fakes(message: str = "Flow run encountered an exception: ValueError: boom"):
    flow = SimpleNamespace(name="nightly")
    flow_run = SimpleNamespace(name="brave-otter", id="8c0e6c53-6a43-4b43-9d0a-6a5cfa0b3a3e")
    state = SimpleNamespace(name="Failed", message=message)
    return flow, flow_run, state


def test_the_hook_posts_flow_run_state_and_message(receiver):
    notify_failure(*_fakes())
    (body,) = receiver.wait_for()
    assert body["flow"] == "nightly" and body["run"] == "brave-otter" and body["state"] == "Failed"
    assert body["message"] == "Flow run encountered an exception: ValueError: boom"
    assert body["run_id"] == "8c0e6c53-6a43-4b43-9d0a-6a5cfa0b3a3e" and "url" in body


def test_the_hook_never_raises_and_does_nothing_unconfigured(monkeypatch):
    monkeypatch.delenv("FACTCHECK_FAILURE_WEBHOOK_URL", raising=False)
    assert notify_failure(*_fakes()) is None
    monkeypatch.setenv("FACTCHECK_FAILURE_WEBHOOK_URL", closed_port_url("/hook"))
    monkeypatch.setenv("FACTCHECK_FAILURE_WEBHOOK_TIMEOUT_S", "1")
    started = time.monotonic()
    assert notify_failure(*_fakes()) is None
    assert time.monotonic() - started < 5


def test_deployed_flows_carry_the_hook():
    from factcheck.flows.manual import manual
    from factcheck.flows.nightly import nightly
    from factcheck.flows.reanalyze import reanalyze

    for flow in (nightly, manual, reanalyze):
        assert notify_failure in flow.on_failure_hooks and notify_failure in flow.on_crashed_hooks


def test_a_failing_flow_run_calls_the_webhook(prefect_harness, receiver, tmp_path: Path, monkeypatch):
    from factcheck.flows.manual import manual

    monkeypatch.setenv("FACTCHECK_DATABASE_URL", f"sqlite:///{tmp_path / 'factcheck.db'}")
    feeds = tmp_path / "feeds.toml"
    feeds.write_text('[[feeds]]\noutlet = "Harbour Post"\nurl = "http://127.0.0.1:9/rss"\n', encoding="utf-8")

    with pytest.raises(ValueError, match="is after until"):
        manual(feeds_file=str(feeds), since="2026-03-05", until="2026-03-01")
    (body,) = receiver.wait_for(1)
    assert body["flow"] == "manual" and body["state"] == "Failed"
    assert "since (2026-03-05) is after until (2026-03-01)" in body["message"]

    # A parameter of the wrong type fails validation before the flow starts; the hook runs too.
    with pytest.raises(Exception, match="since"):
        manual(feeds_file=str(feeds), since="not a date")
    bodies = receiver.wait_for(2)
    assert len(bodies) == 2 and "Validation of flow parameters failed" in bodies[1]["message"]

    # An unknown outlet names the known ones.
    with pytest.raises(ValueError, match="unknown outlet.*'Valley Times'.*known: Harbour Post"):
        manual(feeds_file=str(feeds), outlets=["Valley Times"])
    assert "unknown outlet" in receiver.wait_for(3)[2]["message"]
