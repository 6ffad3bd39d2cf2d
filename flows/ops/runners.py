"""Task runners from settings: a bounded thread pool for fetching (I/O-bound), and for the
CPU-bound analysis threads, a process pool, or a Dask cluster (extra `factcheck[dask]`)."""

from __future__ import annotations

from prefect.task_runners import ProcessPoolTaskRunner, TaskRunner, ThreadPoolTaskRunner

from factcheck.config.settings import Settings, environment, install


def fetch_runner(settings: Settings) -> TaskRunner:
    return ThreadPoolTaskRunner(max_workers=settings.fetch_workers)


def analysis_runner(settings: Settings) -> TaskRunner:
    """Threads by default: analysis batches are short and the database is shared. Processes
    use every core of one machine; Dask spreads batches over a cluster at `dask_address` (or a
    local one when no address is set).

    Processes this runner starts get `settings` (their tasks read them with `current()`); the
    workers of a cluster at `dask_address` run with their own environment's settings."""
    if settings.analysis_runner == "processes":
        return ProcessPoolTaskRunner(max_workers=settings.analysis_workers, initializer=install, initargs=(settings,))
    if settings.analysis_runner == "dask":
        try:
            from prefect_dask import DaskTaskRunner
        except ImportError:
            raise RuntimeError("the dask analysis runner needs the dask extra: pip install 'factcheck[dask]'") from None
        if settings.dask_address:
            return DaskTaskRunner(address=settings.dask_address)
        cluster = {"n_workers": settings.analysis_workers, "processes": True, "env": environment(settings)}
        return DaskTaskRunner(cluster_kwargs=cluster)
    return ThreadPoolTaskRunner(max_workers=settings.analysis_workers)
