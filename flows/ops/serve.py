"""`factcheck serve`: the deployments of prefect.yaml served from one process, no work pool.

Prefect's ephemeral mode (no `PREFECT_API_URL`) cannot fire schedules, so when no Prefect server
is configured this module starts a local one (`prefect server start`: SQLite in its own home
folder, the UI on 127.0.0.1:4200), points this process at it, serves the deployments, and stops
the server again on exit (Ctrl-C or SIGTERM).

The deployments are defined here in Python for `serve` and in prefect.yaml for `prefect deploy`;
tests/test_prefect_yaml.py checks that the two agree. The nightly schedule's timezone comes from
`FACTCHECK_TIMEZONE` (default UTC) in both: prefect.yaml reads it through the build step
`factcheck.flows.ops.serve.deploy_settings`.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from factcheck.config.settings import Settings, child_environment, current, exported

NIGHTLY_CRON = "0 2 * * *"
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 4200


def default_home() -> Path:
    return Path.home() / ".factcheck" / "prefect"


def schedule_timezone(settings: Settings | None = None) -> str:
    """FACTCHECK_TIMEZONE, checked: an IANA name such as Europe/Berlin (default UTC)."""
    name = (settings or current()).timezone.strip()
    try:
        if not name:
            raise ValueError
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            f"FACTCHECK_TIMEZONE={name!r} is not a timezone; use an IANA name such as UTC or Europe/Berlin"
        ) from None
    return name


def deploy_settings() -> dict[str, str]:
    """A prefect.yaml build step: the values its deployments template, e.g. `{{ factcheck.timezone }}`."""
    return {"timezone": schedule_timezone(), "cron": NIGHTLY_CRON}


@dataclass(frozen=True)
class DeploymentSpec:
    name: str
    flow: str  # module path of the flow object, as in prefect.yaml's entrypoints
    description: str
    cron: str | None = None
    concurrency_limit: int = 1


SPECS = (
    DeploymentSpec(
        "nightly", "factcheck.flows.nightly.nightly",
        "Every night at 02:00 (FACTCHECK_TIMEZONE, default UTC): the default feeds.", cron=NIGHTLY_CRON,
    ),
    DeploymentSpec(
        "manual", "factcheck.flows.manual.manual",
        "On demand: a feeds file, some of its outlets, a range of publication days.",
    ),
    DeploymentSpec(
        "reanalyze", "factcheck.flows.reanalyze.reanalyze",
        "Claims, events and detection again over a date range with the current versions; verdicts kept.",
    ),
)


def runner_deployments(settings: Settings | None = None) -> list[Any]:
    from prefect.deployments.runner import EntrypointType
    from prefect.schedules import Cron
    from prefect.utilities.importtools import import_object

    tz = schedule_timezone(settings)
    deployments = []
    for spec in SPECS:
        flow = import_object(spec.flow)
        deployments.append(
            flow.to_deployment(
                name=spec.name,
                description=spec.description,
                schedules=[Cron(spec.cron, timezone=tz)] if spec.cron else None,
                concurrency_limit=spec.concurrency_limit,
                entrypoint_type=EntrypointType.MODULE_PATH,
            )
        )
    return deployments


# --- a local Prefect server -------------------------------------------------------------------


class ServerError(RuntimeError):
    """The local Prefect server could not be started; the message says why."""


def _health(api_url: str, timeout: float = 2.0) -> bool:
    import httpx

    try:
        return httpx.get(f"{api_url}/health", timeout=timeout).status_code == 200
    except httpx.HTTPError:
        return False


def _port_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


class LocalServer:
    """`prefect server start` in its own process group, with its own PREFECT_HOME."""

    def __init__(self, home: Path, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT) -> None:
        self.home, self.host, self.port = Path(home), host, port
        self.process: subprocess.Popen | None = None

    @property
    def api_url(self) -> str:
        return f"http://{self.host}:{self.port}/api"

    @property
    def ui_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def log_file(self) -> Path:
        return self.home / "server.log"

    def start(self, timeout_s: float = 90.0) -> None:
        if _health(self.api_url, timeout=1.0):
            raise ServerError(
                f"a Prefect server already answers on {self.ui_url}; to use it, set "
                f"PREFECT_API_URL={self.api_url} (or pick another --port)"
            )
        if not _port_free(self.host, self.port):
            raise ServerError(f"port {self.port} on {self.host} is in use; pick another with --port")
        self.home.mkdir(parents=True, exist_ok=True)
        # Prefect's server needs none of factcheck's settings (the database password among them).
        env = {k: v for k, v in child_environment(None).items() if k not in ("PREFECT_API_URL", "PREFECT_API_KEY")}
        env.update(
            PREFECT_HOME=str(self.home),
            PREFECT_SERVER_ANALYTICS_ENABLED="false",
            DO_NOT_TRACK="1",
            PREFECT_SERVER_API_HOST=self.host,
            PREFECT_SERVER_API_PORT=str(self.port),
        )
        command = [sys.executable, "-m", "prefect", "server", "start", "--host", self.host, "--port", str(self.port)]
        log = self.log_file.open("ab")
        try:
            self.process = subprocess.Popen(
                command, env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        finally:
            log.close()
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise ServerError(f"the Prefect server exited with code {self.process.returncode}; see {self.log_file}")
            if _health(self.api_url):
                return
            time.sleep(0.5)
        self.stop()
        raise ServerError(f"the Prefect server did not answer within {timeout_s:.0f} s; see {self.log_file}")

    def stop(self, timeout_s: float = 20.0) -> None:
        """SIGTERM to the server's process group, SIGKILL if it lingers."""
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        try:
            os.killpg(process.pid, signal.SIGTERM)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            process.wait(timeout=5)


def configured_api_url() -> str | None:
    """PREFECT_API_URL from the environment or the active Prefect profile."""
    if os.environ.get("PREFECT_API_URL"):
        return os.environ["PREFECT_API_URL"]
    from prefect.settings import get_current_settings

    return get_current_settings().api.url or None


def serve(
    *,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    home: Path | None = None,
    echo: Callable[[str], None] = print,
) -> None:
    """Serve the deployments until interrupted, with a local Prefect server when none is configured."""
    schedule_timezone()  # a bad FACTCHECK_TIMEZONE fails before anything starts

    # Until Prefect's runner installs its own handler, SIGTERM must unwind through `finally`.
    def _terminate(signum, frame):  # noqa: ARG001
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, _terminate)
    server: LocalServer | None = None
    try:
        api_url = configured_api_url()
        if api_url is None:
            server = LocalServer(home or default_home(), host, port)
            echo(f"Starting a local Prefect server (home {server.home}) ...")
            server.start()
            pid = server.process.pid if server.process else "?"
            echo(f"Prefect server (pid {pid}) on {server.ui_url}; its log is {server.log_file}")
            api_url = server.api_url
            os.environ["PREFECT_API_URL"] = api_url
        else:
            echo(f"Using the Prefect server at {api_url}")
        from prefect import serve as prefect_serve
        from prefect.settings import PREFECT_API_URL, temporary_settings

        # Prefect's runner starts each flow run as a process with this process's environment: the
        # one way to hand it the settings this command was given (e.g. `--database`).
        with temporary_settings(updates={PREFECT_API_URL: api_url}), exported(current()):
            deployments = runner_deployments()
            echo(
                "Serving deployments " + ", ".join(f"{d.flow_name}/{d.name}" for d in deployments)
                + f"; the nightly run fires at 02:00 {schedule_timezone()}. Ctrl-C stops."
            )
            prefect_serve(*deployments, print_starting_message=False)
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
        if server is not None:
            echo("Stopping the local Prefect server ...")
            server.stop()
