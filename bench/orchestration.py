"""How much of a run is Prefect orchestration, and whether the task batches are big enough.

    python bench/orchestration.py [--articles 2000] [--outlets 20] [--events N] [--noop-tasks 400]

Target (from the design): a run over 2,000 articles spends under 10% of its time in
orchestration. Three measurements, each pipeline run in a fresh child process (so that neither
profits from caches the other warmed) with its own temporary Prefect server (a private
PREFECT_HOME; its start-up is timed apart and not counted in a run), a fresh SQLite database and
a synthetic corpus (bench/synthetic_corpus.py) served on loopback:

1. per task run: N no-op tasks shaped like the pipeline's (NO_CACHE, a small argument, a small
   dataclass back), called one after the other in a flow, and submitted to a ThreadPoolTaskRunner;
   minus calling the function directly and minus an empty flow run. Also one empty subflow run.
2. the real nightly flow: wall time, and the task runs it created (counted on the Prefect
   server) next to what the batch sizes predict (feeds + page batches + claim chunks + 1 +
   event chunks).
3. the same stage functions without task runs: the tasks' plain functions (`task.fn`) called
   from one flow, batched the same way and with the same thread pools, so only the task-run
   machinery differs.

Printed: estimated orchestration = task runs x per-task overhead + subflow runs x flow-run
overhead, and measured orchestration = (2) - (3), each as a share of (2). Above 10%, it says
which batch sizes would bring it under (PAGE_BATCH in flows/ingest.py, CLAIM_BATCH and
EVENT_BATCH in flows/analyze.py).

With PREFECT_API_URL set, that server is used instead of a temporary one.
"""

from __future__ import annotations

import argparse
import contextvars
import json
import math
import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
TARGET = 0.10

QUIET = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "DO_NOT_TRACK": "1",
    "PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL": "WARNING",
    "PREFECT_SERVER_LOGGING_LEVEL": "WARNING",
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "90",
}


# --- child process: one measurement ----------------------------------------------------------


def _setup_child(tmp: Path) -> None:
    """Environment before Prefect is imported: quiet, a private temporary server, loopback ok."""
    for key, value in QUIET.items():
        os.environ.setdefault(key, value)
    if not os.environ.get("PREFECT_API_URL"):
        os.environ["PREFECT_HOME"] = str(tmp / "prefect-home")
    os.environ["FACTCHECK_ALLOW_PRIVATE_ADDRESSES"] = "true"
    os.environ["FACTCHECK_DATABASE_URL"] = f"sqlite:///{tmp / 'bench.db'}"


def _warm_up() -> float:
    """Start Prefect (the temporary server in local mode) with an empty flow; returns seconds."""
    from prefect import flow

    @flow(name="bench-warm-up")
    def warm_up() -> None:
        return None

    started = time.perf_counter()
    warm_up()
    return time.perf_counter() - started


def _task_run_count() -> int:
    from prefect.client.orchestration import get_client

    with get_client(sync_client=True) as client:
        response = client._client.post("/task_runs/count", json={})
        response.raise_for_status()
        return int(response.json())


def _settled_task_run_count(expected_at_least: int, timeout: float = 20.0) -> int:
    """Task runs reach the server through events, a moment after the flow returns."""
    deadline = time.monotonic() + timeout
    last, stable = -1, 0
    while time.monotonic() < deadline:
        count = _task_run_count()
        stable = stable + 1 if count == last else 0
        if count >= expected_at_least and stable >= 2:
            return count
        last = count
        time.sleep(0.5)
    return last


@dataclass(frozen=True)
class Echo:
    value: int


def measure_overhead(n: int) -> dict:
    """Seconds per task run (sequential and pooled), per empty subflow run and per flow run.

    Task and subflow costs are timed inside a flow, so the flow run's own start and end (about
    a second, mostly flushing logs and events) do not blur them.
    """
    from prefect import flow, task
    from prefect.cache_policies import NO_CACHE
    from prefect.task_runners import ThreadPoolTaskRunner

    def work(i: int) -> Echo:
        return Echo(i)

    noop = task(work, name="noop", cache_policy=NO_CACHE)

    @flow(name="bench-empty")
    def empty() -> None:
        return None

    @flow(name="bench-sequential")
    def sequential(count: int) -> float:
        started = time.perf_counter()
        assert sum(noop(i).value for i in range(count)) == count * (count - 1) // 2
        return time.perf_counter() - started

    @flow(name="bench-pooled", task_runner=ThreadPoolTaskRunner(max_workers=8))
    def pooled(count: int) -> float:
        started = time.perf_counter()
        futures = [noop.submit(i) for i in range(count)]
        assert sum(f.result().value for f in futures) == count * (count - 1) // 2
        return time.perf_counter() - started

    @flow(name="bench-parent")
    def parent(count: int) -> float:
        started = time.perf_counter()
        for _ in range(count):
            empty()
        return time.perf_counter() - started

    started = time.perf_counter()
    for i in range(n):
        work(i)
    direct = time.perf_counter() - started

    sequential(5), pooled(5), parent(1)  # first-call costs (imports, registration) out of the way
    flow_runs = []
    for _ in range(3):
        started = time.perf_counter()
        empty()
        flow_runs.append(time.perf_counter() - started)
    subflows = 10
    return {
        "noop_tasks": n,
        "direct_per_call_s": direct / n,
        "flow_run_s": sorted(flow_runs)[1],
        "task_sequential_s": (sequential(n) - direct) / n,
        "task_pooled_s": (pooled(n) - direct) / n,
        "subflow_run_s": parent(subflows) / subflows,
    }


def _serve(corpus_dir: Path, tmp: Path):
    from factcheck.flows.demo.site import CorpusSite, feeds_toml

    site = CorpusSite(corpus_dir).start()
    feeds = tmp / "feeds.toml"
    feeds.write_text(feeds_toml(site), encoding="utf-8")
    return site, feeds


def run_prefect(corpus_dir: Path, tmp: Path, noop_tasks: int) -> dict:
    result: dict = {"startup_s": _warm_up()}
    result["overhead"] = measure_overhead(noop_tasks)
    from factcheck.flows.nightly import nightly

    site, feeds = _serve(corpus_dir, tmp)
    try:
        before = _task_run_count()
        started = time.perf_counter()
        summary = nightly(feeds_file=str(feeds))
        result["total_s"] = time.perf_counter() - started
    finally:
        site.stop()
    result["counts"] = summary.counts
    result["task_runs_counted"] = _settled_task_run_count(before + 1) - before
    result["feed_entries"] = _feed_entries(feeds)
    from factcheck.config.feeds import load_feeds

    result["feeds"] = len(load_feeds(feeds))
    return result


def _feed_entries(feeds: Path) -> list[int]:
    """New entries per feed in the run just made (from the database: articles per feed)."""
    from sqlalchemy import func, select

    from factcheck.config.settings import Settings
    from factcheck.db.engine import session_scope
    from factcheck.db.models import Article

    with session_scope(Settings().database()) as session:
        return [n for (n,) in session.execute(select(func.count(Article.id)).group_by(Article.feed_id))]


def run_plain(corpus_dir: Path, tmp: Path) -> dict:
    """The nightly flow's work with the tasks' plain functions: one flow run, no task runs."""
    from prefect import flow, runtime

    from factcheck.config.feeds import load_feeds
    from factcheck.config.settings import Settings
    from factcheck.db import store
    from factcheck.db.engine import session_scope
    from factcheck.flows.analyze import CLAIM_BATCH, EVENT_BATCH
    from factcheck.flows.ingest import PAGE_BATCH, _batches
    from factcheck.flows.runs import batches as _chunks
    from factcheck.tasks.pairs import rescoring
    from factcheck.tasks.steps import (
        CLAIMS_VERSION,
        detect_pairs_task,
        extract_claims_task,
        fetch_articles_task,
        fetch_feed_task,
        finish_judge,
        group_events_task,
    )

    def pool_map(workers: int, fn, argument_lists: list[tuple]) -> list:
        # Each call gets a copy of the flow run's context, as Prefect's thread pool does, so that
        # get_run_logger() works inside the plain functions.
        with ThreadPoolExecutor(max_workers=workers) as pool:
            futures = [pool.submit(contextvars.copy_context().run, fn, *args) for args in argument_lists]
            return [f.result() for f in futures]

    @flow(name="bench-plain-nightly")
    def plain(feeds_file: str) -> dict:
        settings = Settings()
        url = settings.database()
        stages: dict[str, float] = {}
        sources = load_feeds(Path(feeds_file))
        with session_scope(url) as session:
            run_id = store.start_run(session, kind="nightly", flow_run_id=str(runtime.flow_run.id or "") or None)
        t = time.perf_counter()
        outcomes = pool_map(settings.fetch_workers, fetch_feed_task.fn, [(s, run_id) for s in sources])
        stages["fetch feeds"] = time.perf_counter() - t
        t = time.perf_counter()
        batches = [(b, o.feed_id, run_id, True) for o in outcomes for b in _batches(o.entries, PAGE_BATCH)]
        page_outcomes = pool_map(settings.fetch_workers, fetch_articles_task.fn, batches)
        stored = sum(r.stored for r in page_outcomes)
        stages["fetch + extract pages"] = time.perf_counter() - t
        t = time.perf_counter()
        with session_scope(url) as session:
            article_ids = store.articles_needing_claims(session, CLAIMS_VERSION)
        claims = sum(r.claims for r in page_outcomes)  # split at ingest, as the nightly flow does
        claims += sum(pool_map(2, extract_claims_task.fn, [(c,) for c in _chunks(article_ids, CLAIM_BATCH)]))
        stages["claims"] = time.perf_counter() - t
        t = time.perf_counter()
        grouping = group_events_task.fn()
        stages["group events"] = time.perf_counter() - t
        t = time.perf_counter()
        with session_scope(url) as session:
            event_ids = store.events_needing_pairs(session, rescoring.detector_version(settings))
        pairs = sum(r.new_pairs for r in pool_map(2, detect_pairs_task.fn, [(c,) for c in _chunks(event_ids, EVENT_BATCH)]))
        finish_judge()
        stages["detect pairs"] = time.perf_counter() - t
        with session_scope(url) as session:
            store.finish_run(session, run_id, status="completed", counts={})
        return {"stages": stages, "articles_stored": stored, "claims": claims,
                "events_new": grouping.new_events, "new_pairs": pairs}

    result: dict = {"startup_s": _warm_up()}
    site, feeds = _serve(corpus_dir, tmp)
    try:
        started = time.perf_counter()
        result.update(plain(str(feeds)))
        result["total_s"] = time.perf_counter() - started
    finally:
        site.stop()
    return result


def child(mode: str, corpus_dir: Path, noop_tasks: int) -> None:
    with tempfile.TemporaryDirectory(prefix=f"bench-{mode}-") as name:
        tmp = Path(name)
        _setup_child(tmp)
        result = run_prefect(corpus_dir, tmp, noop_tasks) if mode == "prefect" else run_plain(corpus_dir, tmp)
        from factcheck.db.engine import dispose_all

        dispose_all()
    print("RESULT " + json.dumps(result), flush=True)


# --- parent: generate, run both, report ------------------------------------------------------


def _spawn(mode: str, corpus_dir: Path, noop_tasks: int) -> dict:
    command = [sys.executable, str(Path(__file__).resolve()), "--child", mode, "--corpus", str(corpus_dir),
               "--noop-tasks", str(noop_tasks)]
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True)
    lines = [line for line in done.stdout.splitlines() if line.startswith("RESULT ")]
    if done.returncode != 0 or not lines:
        sys.stderr.write(done.stdout[-4000:] + done.stderr[-4000:])
        raise SystemExit(f"the {mode} run failed (exit code {done.returncode})")
    result = json.loads(lines[-1].removeprefix("RESULT "))
    result["process_s"] = time.perf_counter() - started
    return result


def expected_task_runs(entries_per_feed: list[int], feeds: int, articles: int, events: int,
                       page_batch: int, claim_batch: int, event_batch: int) -> int:
    pages = sum(math.ceil(n / page_batch) for n in entries_per_feed)
    return feeds + pages + math.ceil(articles / claim_batch) + 1 + math.ceil(events / event_batch)


def suggest_batches(budget_task_runs: float, entries_per_feed: list[int], feeds: int, articles: int,
                    events: int, batches: tuple[int, int, int]) -> tuple[int, int, int] | None:
    """The smallest common scale-up of the three batch sizes that fits the task-run budget."""
    for factor in (1.5, 2, 3, 4, 6, 8, 12, 16):
        scaled = tuple(max(1, round(b * factor)) for b in batches)
        if expected_task_runs(entries_per_feed, feeds, articles, events, *scaled) <= budget_task_runs:
            return scaled  # type: ignore[return-value]
    return None


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def report(args, prefect: dict, plain: dict) -> None:
    from factcheck.flows.analyze import CLAIM_BATCH, EVENT_BATCH
    from factcheck.flows.ingest import PAGE_BATCH

    over = prefect["overhead"]
    counts = prefect["counts"]
    total = prefect["total_s"]
    feeds = prefect["feeds"]
    events = counts["events_new"] + counts["events_updated"]
    predicted = expected_task_runs(prefect["feed_entries"], feeds, counts["articles_analyzed"], events,
                                   PAGE_BATCH, CLAIM_BATCH, EVENT_BATCH)
    counted = prefect["task_runs_counted"]
    subflows = 2  # ingest and analyze
    per_task = over["task_sequential_s"]
    estimated = counted * per_task + subflows * over["subflow_run_s"] + over["flow_run_s"]
    measured = total - plain["total_s"]

    print(f"\n== Orchestration overhead: {args.articles} articles, {args.outlets} outlets, {args.events} events ==")
    print("\nPrefect per run (temporary local server, warmed up; its start-up is not counted below):")
    print(f"  server start-up (first flow of the process) {prefect['startup_s']:8.2f} s")
    print(f"  empty flow run                              {ms(over['flow_run_s']):>10}")
    print(f"  empty subflow run                           {ms(over['subflow_run_s']):>10}")
    print(f"  task run, called in sequence                {ms(over['task_sequential_s']):>10}   ({over['noop_tasks']} no-op tasks)")
    print(f"  task run, submitted to ThreadPoolTaskRunner {ms(over['task_pooled_s']):>10}   (wall time / task, 8 threads)")
    print(f"  the function called directly                {over['direct_per_call_s'] * 1e6:8.2f} us")

    print("\nNightly flow over the synthetic corpus (SQLite, loopback):")
    print(f"  counts: {json.dumps(counts)}")
    print(f"  batch sizes: PAGE_BATCH={PAGE_BATCH} CLAIM_BATCH={CLAIM_BATCH} EVENT_BATCH={EVENT_BATCH}")
    print(f"  task runs: {counted} counted on the server, {predicted} predicted from the batch sizes "
          f"(+{subflows} for the subflows' parent task runs)")
    print(f"  with Prefect tasks                          {total:8.2f} s")
    print(f"  same stage functions without task runs      {plain['total_s']:8.2f} s")
    for stage, seconds in plain["stages"].items():
        print(f"      {stage:<40}{seconds:8.2f} s")

    print("\nShare of the run spent in orchestration (target < 10%):")
    print(f"  estimated: {counted} task runs x {ms(per_task)} + {subflows} subflows + 1 flow run "
          f"= {estimated:.2f} s = {estimated / total:.1%} of {total:.1f} s")
    print(f"  measured:  {total:.2f} s - {plain['total_s']:.2f} s = {measured:.2f} s = {measured / total:.1%}"
          "   (noisy: includes run-to-run variation of the work itself)")
    share = estimated / total
    if share < TARGET:
        print(f"  OK: the estimate is under {TARGET:.0%} with the current batch sizes.")
        if measured / total >= TARGET:
            print("  (the measured difference is not; rerun on a quiet machine before acting on it)")
        return
    budget = (TARGET * total - subflows * over["subflow_run_s"] - over["flow_run_s"]) / max(per_task, 1e-9)
    scaled = suggest_batches(budget, prefect["feed_entries"], feeds, counts["articles_analyzed"], events,
                             (PAGE_BATCH, CLAIM_BATCH, EVENT_BATCH))
    print(f"  ABOVE {TARGET:.0%}: at most ~{max(int(budget), 0)} task runs fit the budget.")
    if scaled:
        print(f"  Batch sizes that fit: PAGE_BATCH={scaled[0]} CLAIM_BATCH={scaled[1]} EVENT_BATCH={scaled[2]}")
    else:
        print("  No scale-up of the batch sizes up to 16x fits: the fixed flow-run costs dominate.")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--outlets", type=int, default=20)
    parser.add_argument("--events", type=int, default=None, help="default: articles / 8")
    parser.add_argument("--noop-tasks", type=int, default=400)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--child", choices=("prefect", "plain"), help=argparse.SUPPRESS)
    parser.add_argument("--corpus", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(args.child, args.corpus, args.noop_tasks)
        return 0

    sys.path.insert(0, str(HERE))
    from synthetic_corpus import generate

    args.events = args.events or max(1, args.articles // 8)
    with tempfile.TemporaryDirectory(prefix="bench-corpus-") as name:
        corpus_dir = generate(Path(name), args.articles, args.outlets, args.events, args.seed)
        print(f"synthetic corpus: {args.articles} articles, {args.outlets} outlets, {args.events} events "
              f"in {corpus_dir}", flush=True)
        print("running the nightly flow without task runs (child process)...", flush=True)
        plain = _spawn("plain", corpus_dir, args.noop_tasks)
        print(f"  done in {plain['total_s']:.1f} s; running it with Prefect tasks (child process)...", flush=True)
        prefect = _spawn("prefect", corpus_dir, args.noop_tasks)
        print(f"  done in {prefect['total_s']:.1f} s", flush=True)
    report(args, prefect, plain)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
