"""Is the process that recorded a run still alive? (`runs.host`, `runs.pid`; see
`store.mark_interrupted_runs`.) Linux /proc, read-only; elsewhere the answer is "cannot tell"."""

from __future__ import annotations

import os
import socket
from datetime import datetime


def this_host() -> str:
    """The name runs of this host are recorded with (`runs.host`)."""
    return socket.gethostname()[:255]


def process_gone(pid: int, since: datetime) -> bool:
    """Whether the process `pid` of this host that was running at `since` has ended.

    True when no such process exists, it is a zombie, or the pid now belongs to a process that
    started later (pid reuse). False when it cannot be told (not POSIX, no /proc)."""
    if os.name != "posix" or pid <= 0:
        return False  # (os.kill on Windows would terminate the process)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except OSError:  # PermissionError: it exists, and belongs to another user
        pass
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
        with open("/proc/stat", encoding="ascii") as handle:
            boot = next(int(line.split()[1]) for line in handle if line.startswith("btime "))
    except (OSError, IndexError, StopIteration, ValueError):
        return False
    if fields[0] == "Z":  # exited, not yet reaped by its parent
        return True
    started = boot + int(fields[19]) / os.sysconf("SC_CLK_TCK")
    # /proc/stat's boot time has one-second steps and moves with clock adjustments: allow for both.
    return started > since.timestamp() + 5
