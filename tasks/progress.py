"""Progress of a run in this process, for the command line's progress bars.

Tasks call `advance("pages")`; the CLI installs a sink that draws bars. It lives beside the tasks,
below the flows and the CLI, so that reporting progress imports nothing from above. Without a sink (a worker,
a test) the calls cost nothing. Prefect's logs and artifacts remain the record of a run; this is
only what a person watching the terminal sees.
"""

from __future__ import annotations

import threading
from typing import Protocol


class Sink(Protocol):
    def start(self, stage: str, total: int) -> None: ...
    def advance(self, stage: str, amount: int = 1) -> None: ...


_sink: Sink | None = None
_lock = threading.Lock()


def install(sink: Sink | None) -> None:
    global _sink
    with _lock:
        _sink = sink


def start(stage: str, total: int) -> None:
    with _lock:
        if _sink is not None:
            _sink.start(stage, total)


def advance(stage: str, amount: int = 1) -> None:
    with _lock:
        if _sink is not None:
            _sink.advance(stage, amount)
