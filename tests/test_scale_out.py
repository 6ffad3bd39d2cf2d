"""Scale-out on loopback: a real Prefect server, a process work pool, `prefect deploy --all` from
prefect.yaml, a `prefect worker start` process, and PostgreSQL as the one shared database.

This is what several machines do (server, workers, database on different hosts), all on
127.0.0.1: the test starts `prefect server start` with its own temporary PREFECT_HOME, creates
the `factcheck` process pool, deploys every deployment of the repository's prefect.yaml, starts a
worker, runs the `manual` deployment over the bundled demo corpus served on loopback, waits for
the flow run to finish and looks for the contradiction pairs in a fresh PostgreSQL schema.

The worker is started from a directory outside the repository, as on another machine: its flow
runs must find the deployment's entrypoint from what prefect.yaml stored (the installed package,
or a pull step), and they get the database URL and the loopback permission from the worker's
environment only, never from a deployment parameter.

Skipped, with the reason shown by `pytest -ra`, when FACTCHECK_TEST_POSTGRES_URL is not set.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from factcheck.db.engine import session_scope
from factcheck.db.queries import iter_pairs
from factcheck.flows.demo.site import CorpusSite, demo_corpus, feeds_toml

ROOT = Path(__file__).resolve().parents[1]  # the project directory, where prefect.yaml lives
POOL = "factcheck"
DEPLOYMENT = "manual"  # its flow takes feeds_file; the flow's name does not matter here
SERVER_START_TIMEOUT_S = 90
RUN_TIMEOUT_S = 180
CORPUS = demo_corpus()
# The demo corpus's report-versus-denial pair: diplomats describe a planned signing meeting, the
# other side's spokeswoman says there were no negotiations at all (flows/demo/corpus/gold.jsonl).
REPORT_VS_DENIAL = next(g for g in CORPUS.gold if g.id == "g001")


def _prefect_cli() -> str:
    beside = Path(sys.executable).with_name("prefect")
    found = str(beside) if beside.exists() else shutil.which("prefect")
    if not found:
        pytest.fail("the prefect command is not installed next to this Python")
    return found


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _tail(path: Path, lines: int = 60) -> str:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return "(no log)"
    return "\n".join(text.splitlines()[-lines:])


@dataclass
class Background:
    """A process started by this test in its own process group, its output in a log file."""

    name: str
    process: subprocess.Popen
    log: Path

    def stop(self) -> None:
        """SIGTERM to the group (the worker's flow-run children, the server's web process), then
        SIGKILL after a grace period."""
        if self.process.poll() is None:
            self._signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                pass
        self._signal(signal.SIGKILL)  # children left behind in the group, if any
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass

    def _signal(self, sig: int) -> None:
        try:
            os.killpg(self.process.pid, sig)  # the group this test created for the process
        except (ProcessLookupError, PermissionError):
            pass

    def diagnostics(self) -> str:
        state = "running" if self.process.poll() is None else f"exited with {self.process.returncode}"
        return f"--- {self.name} ({state}), last lines of {self.log} ---\n{_tail(self.log)}"


def _start(name: str, args: Sequence[str], env: dict[str, str], cwd: Path, logs: Path) -> Background:
    log = logs / f"{name}.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            list(args), cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, start_new_session=True,
        )
    return Background(name, process, log)


def _run(args: Sequence[str], env: dict[str, str], cwd: Path, timeout: float = 120) -> str:
    """A prefect CLI command that must succeed; its output is returned (and shown on failure)."""
    done = subprocess.run(
        list(args), cwd=cwd, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=timeout
    )
    output = done.stdout + done.stderr
    if done.returncode != 0:
        raise AssertionError(f"{' '.join(args[1:])} failed with exit code {done.returncode}:\n{output}")
    return output


def _base_env(home: Path) -> dict[str, str]:
    """This process's environment without any Prefect or factcheck setting, plus a private
    PREFECT_HOME, no telemetry and no prompts."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "FACTCHECK_"))}
    env.update(
        PREFECT_HOME=str(home),
        PREFECT_PROFILES_PATH=str(home / "profiles.toml"),
        PREFECT_SERVER_ANALYTICS_ENABLED="false",
        DO_NOT_TRACK="1",
        PREFECT_CLI_PROMPT="false",
        PYTHONUNBUFFERED="1",
    )
    return env


def _wait_healthy(api: str, server: Background) -> None:
    deadline = time.monotonic() + SERVER_START_TIMEOUT_S
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise AssertionError(f"the Prefect server exited early\n{server.diagnostics()}")
        try:
            if httpx.get(f"{api}/health", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise AssertionError(f"the Prefect server did not answer /api/health in {SERVER_START_TIMEOUT_S} s\n{server.diagnostics()}")


def _wait_for_run(api: str, flow_run_id: str, watched: Sequence[Background]) -> dict:
    """Poll the flow run until it is in a final state; returns the flow run as the API gives it."""
    deadline = time.monotonic() + RUN_TIMEOUT_S
    run: dict = {}
    while time.monotonic() < deadline:
        response = httpx.get(f"{api}/flow_runs/{flow_run_id}", timeout=10)
        response.raise_for_status()
        run = response.json()
        if (run.get("state") or {}).get("type") in ("COMPLETED", "FAILED", "CRASHED", "CANCELLED"):
            return run
        for proc in watched:
            if proc.process.poll() is not None:
                raise AssertionError(f"{proc.name} exited while the flow run was {run.get('state_name')}")
        time.sleep(1)
    raise AssertionError(f"the flow run is still {run.get('state_name')} after {RUN_TIMEOUT_S} s")


def _deployment(api: str, name: str) -> dict:
    """The deployment called `name`, and its flow's name (for messages)."""
    response = httpx.post(f"{api}/deployments/filter", json={"deployments": {"name": {"any_": [name]}}}, timeout=10)
    response.raise_for_status()
    found = response.json()
    assert len(found) == 1, f"expected one deployment named {name!r}, found {[d['name'] for d in found]}"
    flow = httpx.get(f"{api}/flows/{found[0]['flow_id']}", timeout=10).json()
    return {**found[0], "flow_name": flow.get("name")}


def _norm(text: str) -> str:
    text = text.replace("\u2019", "'").replace("\u201c", '"').replace("\u201d", '"')
    return re.sub(r"\s+", " ", text).strip().lower()


def _matches(side, quote) -> bool:
    path = CORPUS.article(quote.article).url_path
    a, b = _norm(side.text), _norm(quote.quote)
    return side.article_url.endswith(path) and (a in b or b in a)


def _found(pairs, gold) -> bool:
    return any(
        (_matches(p.claim_a, gold.a) and _matches(p.claim_b, gold.b))
        or (_matches(p.claim_a, gold.b) and _matches(p.claim_b, gold.a))
        for p in pairs
    )


@pytest.fixture
def loopback_feeds(tmp_path: Path) -> Iterator[Path]:
    """The bundled demo corpus as feeds and pages on 127.0.0.1, and a feeds file for it."""
    with CorpusSite(CORPUS) as site:
        path = tmp_path / "feeds.toml"
        path.write_text(feeds_toml(site), encoding="utf-8")
        yield path


def test_a_worker_runs_the_manual_deployment_from_prefect_yaml_into_postgresql(
    postgres_schema_url: str, loopback_feeds: Path, tmp_path: Path
) -> None:
    prefect = _prefect_cli()
    home, logs, elsewhere = tmp_path / "prefect-home", tmp_path / "logs", tmp_path / "worker-machine"
    for folder in (home, logs, elsewhere):
        folder.mkdir()
    port = _free_port()
    api = f"http://127.0.0.1:{port}/api"
    timings: dict[str, float] = {}
    started = time.monotonic()

    server_env = {
        **_base_env(home),
        "PREFECT_SERVER_UI_ENABLED": "false",
        # The `nightly` deployment's cron schedule must not put a run over the real feeds in the
        # worker's way; only the run this test creates is wanted.
        "PREFECT_SERVER_SERVICES_SCHEDULER_ENABLED": "false",
        "PREFECT_SERVER_LOGGING_LEVEL": "WARNING",
    }
    client_env = {**_base_env(home), "PREFECT_API_URL": api}
    worker_env = {
        **client_env,
        # What every worker machine sets: the shared database, and (here only) loopback fetches.
        "FACTCHECK_DATABASE_URL": postgres_schema_url,
        "FACTCHECK_ALLOW_PRIVATE_ADDRESSES": "true",
        "PREFECT_WORKER_QUERY_SECONDS": "1",
        "PREFECT_WORKER_PREFETCH_SECONDS": "5",
    }

    server = _start("server", [prefect, "server", "start", "--host", "127.0.0.1", "--port", str(port)],
                    server_env, home, logs)
    processes = [server]
    try:
        _wait_healthy(api, server)
        timings["server up"] = time.monotonic() - started

        _run([prefect, "work-pool", "create", POOL, "--type", "process"], client_env, elsewhere)
        _run([prefect, "deploy", "--all", "--no-prompt"], client_env, ROOT)
        deployment = _deployment(api, DEPLOYMENT)
        assert "feeds_file" in deployment["parameter_openapi_schema"]["properties"], deployment["parameter_openapi_schema"]
        timings["deployed"] = time.monotonic() - started

        worker = _start("worker", [prefect, "worker", "start", "--pool", POOL, "--name", "scale-out-test"],
                        worker_env, elsewhere, logs)
        processes.append(worker)

        triggered = _run(
            [prefect, "deployment", "run", "--id", deployment["id"],
             "--param", f"feeds_file={json.dumps(str(loopback_feeds))}"],
            client_env, elsewhere,
        )
        match = re.search(r"UUID:\s*([0-9a-f-]{36})", triggered)
        assert match, f"no flow run id in the output of `prefect deployment run`:\n{triggered}"
        run = _wait_for_run(api, match.group(1), [server, worker])
        timings["flow run final"] = time.monotonic() - started
        assert run["state"]["type"] == "COMPLETED", (
            f"flow run {run['name']} of {deployment['flow_name']}/{DEPLOYMENT} ended {run['state_name']}: "
            f"{run['state'].get('message')}\n"
            + "\n".join(p.diagnostics() for p in processes)
        )
        assert run["parameters"]["feeds_file"] == str(loopback_feeds)
        assert "postgresql" not in json.dumps(run["parameters"])  # the database URL came from the worker
    except BaseException:
        print("\n".join(p.diagnostics() for p in processes))
        raise
    finally:
        for proc in reversed(processes):
            proc.stop()
    timings["stopped"] = time.monotonic() - started
    print("scale-out timings (s since start): " + ", ".join(f"{k} {v:.1f}" for k, v in timings.items()))

    with session_scope(postgres_schema_url) as session:
        pairs = list(iter_pairs(session))
    assert pairs, "the worker's flow run stored no pairs in the PostgreSQL schema"
    assert _found(pairs, REPORT_VS_DENIAL), (
        f"{REPORT_VS_DENIAL.id} ({REPORT_VS_DENIAL.why}) not among the {len(pairs)} stored pairs"
    )
    outlets = {p.claim_a.outlet for p in pairs} | {p.claim_b.outlet for p in pairs}
    assert len(outlets) >= 2
