"""A run's start-up work done side by side: Prefect's temporary server and the CPU workers.

Without PREFECT_API_URL, the first flow call starts Prefect's temporary local server and waits
for it: about 4 s with a used PREFECT_HOME, 11-13 s the first time (it creates its database).
The run's CPU workers then started at the first page and loaded spaCy at the first event, each
in turn. `start_side_by_side` starts the server on a thread and the workers with their models
at once, so that the waits overlap (bench/throughput.py measures the whole command).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

log = logging.getLogger("factcheck.startup")


def _needs_temporary_server() -> bool:
    from prefect.settings import PREFECT_API_URL, PREFECT_SERVER_EPHEMERAL_ENABLED

    return not PREFECT_API_URL.value() and bool(PREFECT_SERVER_EPHEMERAL_ENABLED.value())


def start_prefect_server() -> Callable[[], None]:
    """Start the temporary server on a thread; returns `wait`, to call before the first flow.

    The flow's client finds the same server (Prefect keeps one per process) and must not ask
    for it before it answers: `SubprocessASGIServer.start` marks itself started before it is
    ready, so a second caller would not wait. A failure here is left to that first flow call,
    which starts the server again and fails with Prefect's own message.
    """
    if not _needs_temporary_server():
        return lambda: None
    from prefect.server.api.server import SubprocessASGIServer

    def start() -> None:
        try:
            SubprocessASGIServer().start()
        except Exception as exc:  # noqa: BLE001 - reported again by the flow call
            log.debug("temporary Prefect server did not start early: %s", exc)

    thread = threading.Thread(target=start, name="prefect-server-start", daemon=True)
    thread.start()
    return thread.join


def start_side_by_side(workers: int) -> Callable[[], None]:
    """Start the server and `workers` CPU workers (models loaded) together; returns `wait`."""
    from factcheck.tasks import cpu_pool
    from factcheck.tasks.pairs.detect import load_models

    wait = start_prefect_server()
    cpu_pool.start(workers, load_models)
    return wait
