"""The CPU pool: stage calls run in worker processes, survive a dying worker, or run in place."""

from __future__ import annotations

import multiprocessing
import os
import signal
import time

import pytest

from factcheck.tasks import articles, cpu_pool
from factcheck.tasks.models import FeedEntry, PageFetch


def _pid_and_double(x: int) -> tuple[int, int]:
    return os.getpid(), 2 * x


def _die(marker: str) -> None:
    """Kill the worker running this call, the way the OOM killer would."""
    with open(marker, "a", encoding="utf-8") as fh:
        fh.write(f"{os.getpid()}\n")
    os.kill(os.getpid(), signal.SIGKILL)


def _stuck(marker: str) -> None:
    """A call that never returns on its own, like an extraction caught in a pathological page."""
    with open(marker, "w", encoding="utf-8") as fh:
        fh.write(str(os.getpid()))
    while True:
        time.sleep(0.05)


def _size_in_child(queue) -> None:
    queue.put(cpu_pool.pool_size(None))


@pytest.fixture
def fresh_pool():
    cpu_pool.shutdown()
    yield
    cpu_pool.shutdown()


def test_a_call_runs_in_a_worker_process_and_returns_its_result(fresh_pool):
    pid, doubled = cpu_pool.run(2, _pid_and_double, 21)
    assert doubled == 42
    assert pid != os.getpid()


def test_zero_workers_runs_the_call_in_the_calling_process():
    pid, doubled = cpu_pool.run(0, _pid_and_double, 4)
    assert (pid, doubled) == (os.getpid(), 8)


def test_a_worker_that_dies_is_retried_once_then_reported_and_the_pool_recovers(fresh_pool, tmp_path):
    marker = tmp_path / "attempts"
    with pytest.raises(cpu_pool.WorkerCrashed, match="worker process died running _die"):
        cpu_pool.run(1, _die, str(marker))
    pids = marker.read_text(encoding="utf-8").split()
    assert len(pids) == cpu_pool.ATTEMPTS == 2
    assert len(set(pids)) == 2  # the second attempt ran in a fresh worker
    assert cpu_pool.run(1, _pid_and_double, 5)[1] == 10


def test_a_call_over_its_time_limit_has_its_worker_stopped_and_the_pool_goes_on(fresh_pool, tmp_path):
    marker = tmp_path / "pid"
    with pytest.raises(cpu_pool.CallTimedOut, match="_stuck overran 1 s"):
        cpu_pool.run(1, _stuck, str(marker), call_timeout_s=1.0)
    stuck_pid = int(marker.read_text(encoding="utf-8"))
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and _alive(stuck_pid):
        time.sleep(0.1)
    assert not _alive(stuck_pid)  # stopped, not left running
    pid, doubled = cpu_pool.run(1, _pid_and_double, 5)
    assert doubled == 10 and pid != stuck_pid


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie not yet reaped counts as gone
        with open(f"/proc/{pid}/stat", encoding="utf-8") as fh:
            return fh.read().split(")")[-1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def test_an_extraction_over_its_time_limit_falls_back_to_the_feed_text(fresh_pool):
    from factcheck.config.settings import Settings
    from factcheck.tasks.steps import _extract

    entry = FeedEntry(outlet="Example", feed_url="http://example.test/feed", link="http://example.test/a",
                      title="Title", summary="The feed's own summary of the story, long enough to keep.")
    body = b"<html><body>" + b"<p>A paragraph of the story, with enough words to extract.</p>" * 200 + b"</body></html>"
    page = PageFetch(url="http://example.test/a", final_url="http://example.test/a", http_status=200,
                     content_type="text/html", body=body)
    # A worker's first extraction imports trafilatura, far longer than this limit.
    article = _extract(page, entry, Settings(cpu_workers=1, extract_time_limit_s=0.001))
    assert article.status == "fallback: extraction timed out after 0.001s"
    assert article.body_source == "feed_summary"


def test_pool_size_follows_the_setting_and_defaults_to_the_usable_cores():
    assert cpu_pool.pool_size(0) == 0
    assert cpu_pool.pool_size(3) == 3
    assert cpu_pool.pool_size(None) == len(os.sched_getaffinity(0))


def test_a_process_that_is_itself_a_worker_runs_calls_in_place():
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    child = ctx.Process(target=_size_in_child, args=(queue,))
    child.start()
    try:
        assert queue.get(timeout=60) == 0
    finally:
        child.join(60)


def test_an_article_whose_extraction_crashed_falls_back_to_the_feed_text():
    entry = FeedEntry(outlet="Example", feed_url="http://example.test/feed", link="http://example.test/a",
                      title="Title", summary="The feed's own summary of the story, long enough to keep.")
    page = PageFetch(url="http://example.test/a", final_url="http://example.test/a", http_status=200,
                     content_type="text/html", body=b"<html><body><p>x</p></body></html>")
    article = articles.failed_article(page, entry, "extraction crashed: a worker process died")
    assert article.status == "fallback: extraction crashed: a worker process died"
    assert article.body_source == "feed_summary"
    assert article.text.startswith("The feed's own summary")


def _hash_of(text: str) -> int:
    return hash(text)


def test_every_worker_hashes_strings_alike_so_results_do_not_depend_on_the_worker(fresh_pool):
    first = cpu_pool.run(1, _hash_of, "talks")
    cpu_pool.shutdown()
    assert cpu_pool.run(1, _hash_of, "talks") == first  # a fresh worker process, the same seed


def _mark_loaded() -> None:
    with open(os.environ["FACTCHECK_TEST_LOADED_MARKER"], "a", encoding="utf-8") as fh:
        fh.write(f"{os.getpid()}\n")


def test_started_workers_load_their_models_before_the_first_call(fresh_pool, tmp_path, monkeypatch):
    marker = tmp_path / "loaded"
    monkeypatch.setenv("FACTCHECK_TEST_LOADED_MARKER", str(marker))  # spawned workers inherit it
    cpu_pool.start(2, _mark_loaded)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(_lines(marker)) < 1:
        time.sleep(0.05)
    loaded = _lines(marker)
    assert loaded and os.getpid() not in loaded  # loaded in a worker, not here
    pid, _ = cpu_pool.run(2, _pid_and_double, 1)
    assert pid != os.getpid()


def test_starting_zero_workers_loads_nothing_here(tmp_path, monkeypatch):
    marker = tmp_path / "loaded"
    monkeypatch.setenv("FACTCHECK_TEST_LOADED_MARKER", str(marker))
    cpu_pool.start(0, _mark_loaded)
    assert not marker.exists()


def _lines(path) -> list[int]:
    return [int(x) for x in path.read_text(encoding="utf-8").split()] if path.exists() else []
