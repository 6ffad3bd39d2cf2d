"""Worker processes for the CPU-bound pure stages: extraction, claim splitting, pair scoring.

Threads suit the network and the database, but trafilatura, the claim rules and the detectors
are Python that holds the GIL: on threads they share one core however many the machine has.
The tasks in `steps.py` hand those calls to this pool, so a run uses every core while its
threads wait on HTTP and SQL. Calls and their arguments must pickle (module-level functions,
frozen dataclasses); the worker processes import only the stage modules, never Prefect.

`FACTCHECK_CPU_WORKERS` sets the pool size: default the cores this process may use, 0 to run
every call in the calling thread. A process that is itself a worker of some pool (a Prefect
process runner, a Dask worker) runs calls in place: it already is the parallelism.

The pool is pebble's: a call given a time limit that it overruns has its worker process
terminated (and replaced), so a stuck extraction cannot keep burning a core; a thread could only
be abandoned. A worker that dies fails its own call, not the whole pool.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import TimeoutError as FutureTimeout
from typing import ParamSpec, TypeVar

from pebble import ProcessExpired, ProcessPool

from factcheck.config import settings as config

P = ParamSpec("P")
T = TypeVar("T")

# A call whose worker died (killed, out of memory, a crash in a C extension) is tried once more
# in a fresh worker: the death may have been another call's. Then it fails with WorkerCrashed.
ATTEMPTS = 2


class WorkerCrashed(RuntimeError):
    """A worker process died while running the call, twice."""


class CallTimedOut(TimeoutError):
    """The call overran its time limit; its worker process was terminated."""


def pool_size(setting: int | None) -> int:
    """Workers to start for a `cpu_workers` setting (None = the usable cores); 0 = in place."""
    if multiprocessing.parent_process() is not None:
        return 0
    if setting is not None:
        return max(0, setting)
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


_lock = threading.Lock()
_pool: ProcessPool | None = None
_pool_workers = 0


def _get_pool(workers: int) -> ProcessPool:
    global _pool, _pool_workers
    with _lock:
        if _pool is None or _pool_workers != workers or not _pool.active:
            if _pool is not None:
                _pool.close()
            # spawn, not fork: the parent runs threads (Prefect, HTTP, SQL) that a fork would copy
            # mid-flight, locks included. One fixed hash seed for every worker (the iteration
            # order of a set of strings follows it), so that nothing a worker computes can depend
            # on which worker it was or on the run: the same corpus must give the same pairs.
            os.environ.setdefault("PYTHONHASHSEED", "0")
            # The workers read the run's settings (the language model's name), not the environment:
            # those the starting run installed. The pool outlives that run; it never opens the database.
            _pool = ProcessPool(
                max_workers=workers, context=multiprocessing.get_context("spawn"),
                initializer=config.install, initargs=(config.current(),),
            )  # fmt: skip
            _pool_workers = workers
        return _pool


def _prepare(loaders: tuple[Callable[[], object], ...]) -> None:
    for load in loaders:
        load()


def start(workers: int, *loaders: Callable[[], object]) -> None:
    """Start the workers now and have each call `loaders` (load models), without waiting.

    A run calls this while it waits for something else (Prefect's server), so that the first
    page and the first event do not wait for a worker to start and load its models. Each
    worker is sent one call; a worker that misses it (the other took two) loads on first use.
    Errors are left to the first real call, which reports them where they belong."""
    if workers <= 0:
        return
    pool = _get_pool(workers)
    for _ in range(workers):
        pool.schedule(_prepare, args=(loaders,))


def _name(fn: Callable) -> str:
    return getattr(fn, "__qualname__", repr(fn))


def run(workers: int, fn: Callable[P, T], *args: P.args, call_timeout_s: float | None = None, **kwargs: P.kwargs) -> T:
    """`fn(*args, **kwargs)` in a worker process (in this thread when `workers` is 0, where
    `call_timeout_s` does not apply: a thread cannot be stopped). Raises `CallTimedOut` when the
    call overran `call_timeout_s` and `WorkerCrashed` when its worker died twice."""
    if workers <= 0:
        return fn(*args, **kwargs)
    for _attempt in range(ATTEMPTS):
        try:
            return _get_pool(workers).schedule(fn, args=args, kwargs=kwargs, timeout=call_timeout_s).result()
        except ProcessExpired:
            continue
        except FutureTimeout:
            raise CallTimedOut(f"{_name(fn)} overran {call_timeout_s:g} s; its worker was stopped") from None
    raise WorkerCrashed(f"a worker process died running {_name(fn)} ({ATTEMPTS} attempts)")


def run_each(workers: int, fn: Callable[..., T], items: Sequence, **kwargs) -> list[T]:
    """`[fn(item, **kwargs) for item in items]` with the items spread over the workers at once.

    One caller thread keeps every worker busy (the events of a detection batch). A call whose
    worker died is retried alone, as `run` does."""
    if workers <= 0:
        return [fn(item, **kwargs) for item in items]
    pool = _get_pool(workers)
    futures = [pool.schedule(fn, args=(item,), kwargs=kwargs) for item in items]
    out: list[T] = []
    for item, future in zip(items, futures, strict=True):
        try:
            out.append(future.result())
        except ProcessExpired:
            out.append(run(workers, fn, item, **kwargs))
    return out


def shutdown() -> None:
    """Stop the workers (the CLI before it exits; tests). A later call starts a new pool."""
    global _pool
    with _lock:
        pool, _pool = _pool, None
    if pool is not None:
        pool.stop()
        pool.join()
