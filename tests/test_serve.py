"""`factcheck serve` on one machine: a local Prefect server, the three deployments, a clean stop."""

from __future__ import annotations

import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from factcheck.flows.cli import app

FACTCHECK = Path(sys.executable).with_name("factcheck")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_a_bad_timezone_stops_serve_before_anything_starts(monkeypatch, tmp_path):
    monkeypatch.setenv("FACTCHECK_DATABASE_URL", f"sqlite:///{tmp_path / 'factcheck.db'}")
    monkeypatch.setenv("FACTCHECK_TIMEZONE", "Mars/Olympus_Mons")
    result = CliRunner().invoke(app, ["serve", "--home", str(tmp_path / "home"), "--port", str(_free_port())])
    assert result.exit_code == 1
    assert "Mars/Olympus_Mons" in result.output and "IANA" in result.output
    assert not (tmp_path / "home").exists()


@pytest.mark.skipif(not FACTCHECK.exists(), reason="the factcheck script is not installed next to this Python")
def test_serve_starts_a_local_server_serves_the_deployments_and_stops_it(tmp_path):
    port = _free_port()
    api = f"http://127.0.0.1:{port}/api"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env.update(
        PREFECT_HOME=str(tmp_path / "prefect-client"),
        FACTCHECK_DATABASE_URL=f"sqlite:///{tmp_path / 'not-this.db'}",  # --database wins
        FACTCHECK_TIMEZONE="Europe/Berlin",
        PREFECT_SERVER_ANALYTICS_ENABLED="false",
        DO_NOT_TRACK="1",
    )
    served = tmp_path / "served.db"
    output = tmp_path / "serve.log"
    with output.open("wb") as sink:
        process = subprocess.Popen(
            [str(FACTCHECK), "serve", "--port", str(port), "--home", str(tmp_path / "server"), "--database", f"sqlite:///{served}"],
            env=env, stdout=sink, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        )
    server_pid = None
    try:
        deployments: dict[str, dict] = {}
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and len(deployments) < 3:
            assert process.poll() is None, output.read_text()
            try:
                answer = httpx.post(f"{api}/deployments/filter", json={}, timeout=5)
                if answer.status_code == 200:
                    deployments = {d["name"]: d for d in answer.json()}
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        log = output.read_text()
        assert set(deployments) == {"nightly", "manual", "reanalyze"}, log
        found = re.search(r"Prefect server \(pid (\d+)\)", log)
        assert found, log
        server_pid = int(found.group(1))

        (schedule,) = deployments["nightly"]["schedules"]
        assert schedule["schedule"]["cron"] == "0 2 * * *" and schedule["schedule"]["timezone"] == "Europe/Berlin"
        assert schedule["active"] is True
        assert deployments["manual"]["schedules"] == [] and deployments["reanalyze"]["schedules"] == []
        assert set(deployments["manual"]["parameter_openapi_schema"]["properties"]) == {"feeds_file", "outlets", "since", "until"}
        assert deployments["nightly"]["entrypoint"] == "factcheck.flows.nightly.nightly"
        assert all(d["global_concurrency_limit"]["limit"] == 1 for d in deployments.values())
        assert (tmp_path / "server" / "prefect.db").exists()
        # Prefect's server is given none of factcheck's settings.
        server_env = Path(f"/proc/{server_pid}/environ")
        if server_env.exists():
            assert b"FACTCHECK_DATABASE_URL" not in server_env.read_bytes()

        # A flow run started from the UI runs in a process of its own, with the database given to serve.
        answer = httpx.post(f"{api}/deployments/{deployments['reanalyze']['id']}/create_flow_run", json={}, timeout=10)
        assert answer.status_code == 201, answer.text
        run_id, state = answer.json()["id"], None
        deadline = time.monotonic() + 150
        while time.monotonic() < deadline and state not in ("COMPLETED", "FAILED", "CRASHED"):
            time.sleep(1)
            state = httpx.get(f"{api}/flow_runs/{run_id}", timeout=5).json()["state"]["type"]
        assert state == "COMPLETED", output.read_text()
        with sqlite3.connect(served) as connection:
            assert connection.execute("SELECT kind, status FROM runs").fetchall() == [("reanalyze", "completed")]
        assert not (tmp_path / "not-this.db").exists()
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=40)
        except subprocess.TimeoutExpired:
            process.kill()
            raise
    assert process.returncode == 0, output.read_text()
    assert server_pid is not None and not _alive(server_pid)
    with pytest.raises(httpx.HTTPError):
        httpx.get(f"{api}/health", timeout=2)
