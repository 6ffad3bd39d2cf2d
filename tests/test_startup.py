"""A run's start-up: Prefect's temporary server starts on a thread while the CPU workers start."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

from factcheck.flows.ops import startup

SCRIPT = textwrap.dedent(
    """
    import httpx
    from prefect import flow
    from prefect.server.api.server import SubprocessASGIServer

    from factcheck.flows.ops.startup import start_prefect_server

    wait = start_prefect_server()
    wait()
    server = SubprocessASGIServer()
    assert server.running, "the server was not started"
    assert httpx.get(server.api_url + "/health").status_code == 200

    @flow
    def tiny() -> str:
        from prefect.context import get_run_context
        return str(get_run_context().client.api_url)

    used = tiny()
    assert used.rstrip("/") == server.api_url.rstrip("/"), (used, server.api_url)
    print("ran on", used)
    """
)


def test_the_early_server_is_ready_and_the_flow_runs_on_it(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_API")}
    env.update(PREFECT_HOME=str(tmp_path / "home"), PREFECT_SERVER_ANALYTICS_ENABLED="false", DO_NOT_TRACK="1",
               PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL="WARNING", PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS="120")
    done = subprocess.run([sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "ran on http://127.0.0.1:" in done.stdout


def test_with_an_api_url_no_temporary_server_is_started(prefect_harness):
    from prefect.server.api.server import SubprocessASGIServer

    before = dict(SubprocessASGIServer._instances)
    wait = startup.start_prefect_server()  # the harness sets PREFECT_API_URL
    wait()
    assert SubprocessASGIServer._instances == before
