"""Throughput and memory of the nightly pipeline over heavy pages, and how analysis scales.

    python bench/throughput.py [--articles 1000] [--outlets N] [--seed 7] [--scaling 1000,2000,4000]
                               [--skip-throughput] [--skip-scaling] [--sample-product 300]

Part 1, throughput (issue 6 target: ratio <= 1.0 on 2 cores, peak memory < 1 GB at 5,000 articles).
A synthetic corpus (bench/synthetic_corpus.py) is wrapped in heavy real-site pages of 30-200 KB
(bench/realistic_pages.py) and served with its RSS/Atom feeds by a page server in a child process.
Every outlet has its own loopback address (127.0.0.2, 127.0.0.3, ...), so the per-host politeness
limit (2 in flight per host) applies per outlet as it would on the internet. Then, each in a fresh
child process:

  bare:     one `httpx.Client`, and for every page URL of the feeds, one after the other:
            GET + `trafilatura.extract(response.text)` with default settings. Pages only.
  pipeline: the `nightly` flow in process (Prefect local mode, a private temporary server whose
            start-up is timed apart, a fresh SQLite file): feeds, pages, extraction, claims,
            events, detection, all database writes.
  command:  the whole `factcheck run --feeds ...` as a user types it, launch to exit (Prefect's
            start-up included, overlapped with the CPU workers' start), with a PREFECT_HOME
            used once before, as on every run after the first; a fresh SQLite file.

Printed: articles per second, the ratio pipeline time / bare time (with and without the
temporary server's start-up), peak memory, and where the pipeline's time goes. Memory is
measured two ways: `resource.getrusage(RUSAGE_SELF).ru_maxrss` of the pipeline process alone, and
the peak of the summed RSS of the pipeline process and all its children (the temporary Prefect
server) sampled every 0.2 s with psutil. The page server is not counted (it stands in for the
internet). The time split comes from wrapping the stage functions that tasks/steps.py calls
(wall seconds summed over threads and thread CPU seconds) and the database sessions' commits;
nothing in the product code is changed.

Part 2, analysis scaling. For each N in --scaling, a fresh process stores N synthetic articles
directly in a fresh SQLite database (text = the corpus paragraphs, no HTTP) and runs the `analyze`
flow (claims, events, detection) over them with the default runner; printed: seconds per stage
and the ratio of each step's time to the previous one's (2.0 = linear when N doubles).

The page server shares the 2 cores with the measured process; another process on the machine may
also use the CPU, so repeat a run before trusting a small difference.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

HERE = Path(__file__).resolve().parent


def default_outlets(articles: int) -> int:
    # FACTCHECK_MAX_ENTRIES_PER_FEED is 200: keep every feed below it so all articles are fetched.
    return max(20, math.ceil(articles / 150))


# --- preparing the site --------------------------------------------------------------------


def _free_port(host: str) -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def prepare(work: Path, articles: int, outlets: int, seed: int) -> dict:
    """Corpus, heavy pages and feeds on disk; returns the manifest (also written as JSON)."""
    sys.path.insert(0, str(HERE))
    from realistic_pages import render_page
    from synthetic_corpus import generate

    from factcheck.flows.demo.site import _render_atom, _render_rss, load_corpus

    generate(work / "corpus", articles, outlets, max(1, articles // 8), seed)
    corpus = load_corpus(work / "corpus")
    port = _free_port("127.0.0.2")
    hosts = {slug: f"127.0.0.{i + 2}" for i, slug in enumerate(corpus.outlets)}
    (work / "pages").mkdir()
    (work / "feeds").mkdir()
    routes: dict[str, str] = {}
    urls: list[str] = []
    sizes: list[int] = []
    feed_lines = ["# heavy-page benchmark feeds (bench/throughput.py)"]
    for i, (slug, name) in enumerate(corpus.outlets.items()):
        base = f"http://{hosts[slug]}:{port}"
        feed_url = f"{base}/feeds/{slug}.xml"
        items = sorted(corpus.by_outlet(slug), key=lambda a: a.published, reverse=True)
        render = _render_rss if i % 2 == 0 else _render_atom
        (work / "feeds" / f"{slug}.xml").write_bytes(render(name, base, feed_url, items))
        routes[f"/feeds/{slug}.xml"] = str(work / "feeds" / f"{slug}.xml")
        feed_lines += ["", "[[feeds]]", f"outlet = {json.dumps(name)}", f"url = {json.dumps(feed_url)}"]
        for art in items:
            body = render_page(art, base, feed_url, seed)
            path = work / "pages" / f"{art.id}.html"
            path.write_bytes(body)
            routes[art.url_path] = str(path)
            urls.append(base + art.url_path)
            sizes.append(len(body))
    (work / "feeds.toml").write_text("\n".join(feed_lines) + "\n", encoding="utf-8")
    sizes.sort()
    manifest = {"port": port, "hosts": sorted(set(hosts.values())), "routes": routes, "urls": urls,
                "sizes": {"n": len(sizes), "total_mb": sum(sizes) / 1e6, "min_kb": sizes[0] / 1e3,
                          "median_kb": sizes[len(sizes) // 2] / 1e3, "max_kb": sizes[-1] / 1e3,
                          "p10_kb": sizes[len(sizes) // 10] / 1e3, "p90_kb": sizes[len(sizes) * 9 // 10] / 1e3},
                "feeds_file": str(work / "feeds.toml"), "outlets": len(hosts)}
    (work / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return manifest


# --- the page server (child process) ---------------------------------------------------------


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    routes: dict[str, str] = {}

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass

    def do_GET(self) -> None:
        path = urlsplit(self.path).path
        file = self.routes.get(path)
        if file is None:
            body, status, ctype = b"not found\n", 404, "text/plain"
        else:
            with open(file, "rb") as f:
                body = f.read()
            status = 200
            ctype = ("application/rss+xml; charset=utf-8" if path.startswith("/feeds/")
                     else "text/html; charset=utf-8")
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128


def serve(work: Path) -> None:
    manifest = json.loads((work / "manifest.json").read_text(encoding="utf-8"))
    _Handler.routes = manifest["routes"]
    servers = [_Server((host, manifest["port"]), _Handler) for host in manifest["hosts"]]
    for server in servers:
        threading.Thread(target=server.serve_forever, daemon=True).start()
    print("READY", flush=True)
    sys.stdin.read()  # until the parent closes our stdin


@contextmanager
def page_server(work: Path):
    proc = subprocess.Popen([sys.executable, str(Path(__file__).resolve()), "--serve", str(work)],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline() if proc.stdout else ""
        if not line.startswith("READY"):
            raise SystemExit("the page server did not start")
        yield proc
    finally:
        if proc.stdin:
            proc.stdin.close()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


# --- measuring helpers -----------------------------------------------------------------------


class TreeMemory:
    """Peak summed RSS of this process and its descendants, sampled in a thread."""

    def __init__(self, interval: float = 0.2) -> None:
        import psutil

        self.proc = psutil.Process()
        self.interval = interval
        self.peak = 0
        self.peak_self = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self) -> None:
        import psutil

        own = self.proc.memory_info().rss
        total = own
        for child in self.proc.children(recursive=True):
            try:
                total += child.memory_info().rss
            except psutil.Error:
                pass
        self.peak = max(self.peak, total)
        self.peak_self = max(self.peak_self, own)

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self._sample()

    def __enter__(self) -> TreeMemory:
        self._sample()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self._sample()


class Meter:
    """Wraps module functions: wall seconds and thread CPU seconds per stage, summed over threads,
    plus the first start and last end of each stage (its wall span)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.wall: dict[str, float] = defaultdict(float)
        self.cpu: dict[str, float] = defaultdict(float)
        self.calls: dict[str, int] = defaultdict(int)
        self.first: dict[str, float] = {}
        self.last: dict[str, float] = {}

    def record(self, stage: str, start: float, end: float, cpu: float) -> None:
        with self.lock:
            self.wall[stage] += end - start
            self.cpu[stage] += cpu
            self.calls[stage] += 1
            self.first[stage] = min(self.first.get(stage, start), start)
            self.last[stage] = max(self.last.get(stage, end), end)

    def wrap(self, module, name: str, stage: str) -> None:
        fn = getattr(module, name)

        def timed(*args, **kwargs):
            start, cpu = time.perf_counter(), time.thread_time()
            try:
                return fn(*args, **kwargs)
            finally:
                self.record(stage, start, time.perf_counter(), time.thread_time() - cpu)

        setattr(module, name, timed)

    def as_dict(self, origin: float) -> dict:
        return {stage: {"wall": self.wall[stage], "cpu": self.cpu[stage], "calls": self.calls[stage],
                        "from": self.first[stage] - origin, "to": self.last[stage] - origin}
                for stage in self.wall}


def instrument() -> Meter:
    """Time the stage functions as tasks/steps.py calls them (module attributes).

    Only with the default thread runner: with FACTCHECK_ANALYSIS_RUNNER=processes or dask the
    tasks run elsewhere (and cloudpickle would try to ship the wrappers), so nothing is wrapped
    and only totals are printed."""
    from factcheck.db import store
    from factcheck.tasks import articles, cpu_pool, events, feeds, steps
    from factcheck.tasks.pairs import dedup, rescoring

    meter = Meter()
    if os.environ.get("FACTCHECK_ANALYSIS_RUNNER", "threads") != "threads":
        return meter
    for module, name, stage in [
        (feeds, "fetch_feed", "fetch feeds"),
        (articles, "fetch_page", "fetch pages (HTTP)"),
        (store, "insert_article", "db: store articles"),
        (store, "record_issue", "db: store articles"),
        (store, "stored_urls", "db: feed state"),
        (store, "feed_backoff", "db: feed state"),
        (store, "save_feed_state", "db: feed state"),
        (store, "article_for_claims", "db: claims"),
        (store, "save_claims", "db: claims"),
        (store, "unassigned_articles", "db: events"),
        (store, "events_near", "db: events"),
        (events, "assign_events", "events (grouping)"),
        (store, "apply_assignment", "db: events"),
        (store, "event_claims", "db: detection"),
        (rescoring, "rescore", "detection"),
        (dedup, "keep_contradictions", "detection"),
        (store, "save_pairs", "db: detection"),
    ]:
        meter.wrap(module, name, stage)
    # Extraction, claim splitting and scoring run in the CPU pool's worker processes: they are
    # timed around the pool call (wall = waiting for the worker; thread CPU = pickling only).
    pooled = {"extract_article": "extract (decode + trafilatura)", "extract_claims": "claims",
              "score_candidates": "detection", "find_contradictions": "detection", "guarded": "detection"}
    def timed(call):
        def timed_call(workers, fn, *args, **kwargs):
            start, cpu = time.perf_counter(), time.thread_time()
            try:
                return call(workers, fn, *args, **kwargs)
            finally:
                meter.record(pooled.get(fn.__name__, fn.__name__), start, time.perf_counter(), time.thread_time() - cpu)

        return timed_call

    cpu_pool.run, cpu_pool.run_each = timed(cpu_pool.run), timed(cpu_pool.run_each)

    original = steps.session_scope

    @contextmanager
    def timed_scope(url: str):
        start, cpu = time.perf_counter(), time.thread_time()
        manager = original(url)
        session = manager.__enter__()
        meter.record("db: sessions + commits", start, time.perf_counter(), time.thread_time() - cpu)
        try:
            yield session
        except BaseException:
            if not manager.__exit__(*sys.exc_info()):
                raise
        else:
            start, cpu = time.perf_counter(), time.thread_time()
            manager.__exit__(None, None, None)
            meter.record("db: sessions + commits", start, time.perf_counter(), time.thread_time() - cpu)

    steps.session_scope = timed_scope
    return meter


# The child-process set-up and Prefect warm-up are the orchestration benchmark's.
from orchestration import QUIET, _warm_up  # noqa: E402
from orchestration import _setup_child as _setup_env

POOL_WORKERS = "multiprocessing.spawn"  # the CPU pool's spawned workers
PREFECT_SERVER = "uvicorn"  # Prefect's temporary server


def _children_cpu(marker: str) -> float:
    """CPU seconds used so far by this process's children whose command line holds `marker`."""
    import psutil

    total = 0.0
    for child in psutil.Process().children(recursive=True):
        try:
            if marker in " ".join(child.cmdline()):
                t = child.cpu_times()
                total += t.user + t.system
        except psutil.Error:
            continue
    return total


def _rusage() -> dict:
    return {"self_maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "children_maxrss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}


# --- child processes -------------------------------------------------------------------------


def child_bare(work: Path, sample_product: int) -> dict:
    import httpx
    import trafilatura

    manifest = json.loads((work / "manifest.json").read_text(encoding="utf-8"))
    urls = manifest["urls"]
    trafilatura.extract("<html><body><p>warm up the imports</p></body></html>")
    fetch = extract = 0.0
    chars = empty = 0
    bodies: list[tuple[str, bytes, str | None]] = []
    with TreeMemory() as memory:
        started = time.perf_counter()
        with httpx.Client() as client:
            for url in urls:
                t0 = time.perf_counter()
                response = client.get(url)
                text = response.text
                t1 = time.perf_counter()
                result = trafilatura.extract(text)
                t2 = time.perf_counter()
                fetch += t1 - t0
                extract += t2 - t1
                chars += len(result or "")
                empty += not result
                if len(bodies) < sample_product:
                    bodies.append((url, response.content, response.headers.get("content-type")))
        total = time.perf_counter() - started
    result = {"pages": len(urls), "total_s": total, "fetch_s": fetch, "extract_s": extract,
              "chars": chars, "empty": empty, "peak_tree_mb": memory.peak / 2**20, **_rusage()}
    # Not part of the bare time: the product's extraction of a sample of the same pages, to see
    # what its settings (favor_precision, metadata, decoding, the time-limit thread) cost.
    if bodies:
        from factcheck.tasks.articles.extract import _call_with_time_limit, decode_html, run_trafilatura

        t0 = time.perf_counter()
        for _, body, _ in bodies:
            trafilatura.extract(body.decode("utf-8"))
        t1 = time.perf_counter()
        for url, body, ctype in bodies:
            html = decode_html(body, ctype)
            _call_with_time_limit(lambda: run_trafilatura(html, url), 15)
        t2 = time.perf_counter()
        result["sample"] = {"pages": len(bodies), "default_s": t1 - t0, "product_s": t2 - t1}
    return result


def child_pipeline(work: Path) -> dict:
    manifest = json.loads((work / "manifest.json").read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory(prefix="bench-throughput-") as name:
        tmp = Path(name)
        _setup_env(tmp)
        meter = instrument()
        from factcheck.flows.nightly import nightly

        result: dict = {"startup_s": _warm_up()}
        with TreeMemory() as memory:
            cpu0, pool0, server0 = os.times(), _children_cpu(POOL_WORKERS), _children_cpu(PREFECT_SERVER)
            started = time.perf_counter()
            summary = nightly(feeds_file=manifest["feeds_file"])
            result["total_s"] = time.perf_counter() - started
            cpu1, pool1, server1 = os.times(), _children_cpu(POOL_WORKERS), _children_cpu(PREFECT_SERVER)
        result["server_cpu_s"] = server1 - server0
        result["cpu_s"] = (cpu1.user - cpu0.user) + (cpu1.system - cpu0.system)
        result["pool_cpu_s"] = pool1 - pool0
        result["counts"] = summary.counts
        result["stages"] = meter.as_dict(started)
        result["peak_tree_mb"] = memory.peak / 2**20
        result["peak_self_sampled_mb"] = memory.peak_self / 2**20
        result.update(_rusage())
        from factcheck.db.engine import dispose_all

        dispose_all()
    return result


def child_command(work: Path) -> dict:
    """`factcheck run` as a user types it, timed from launch to exit, start-up included.

    The PREFECT_HOME has been used once before (a first flow started the temporary server and
    created its database), as on every run after a user's first; that first start-up is timed
    too. The database is new, like the in-process pipeline's."""
    manifest = json.loads((work / "manifest.json").read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory(prefix="bench-command-") as name:
        tmp = Path(name)
        env = {**QUIET, **os.environ, "PREFECT_HOME": str(tmp / "prefect-home"),
               "FACTCHECK_ALLOW_PRIVATE_ADDRESSES": "true", "FACTCHECK_DATABASE_URL": f"sqlite:///{tmp / 'bench.db'}"}
        env.pop("PREFECT_API_URL", None)
        prime = [sys.executable, "-c", "import sys, time; sys.path.insert(0, sys.argv[1]); "
                 "from orchestration import _warm_up; print(_warm_up())", str(HERE)]
        first = subprocess.run(prime, env=env, capture_output=True, text=True)
        if first.returncode != 0:  # a new home's first server start can time out on a slow machine
            raise SystemExit(f"priming PREFECT_HOME failed ({first.returncode}): {first.stderr[-2000:]}")
        command = [str(Path(sys.executable).with_name("factcheck")), "run", "--feeds", manifest["feeds_file"]]
        started = time.perf_counter()
        done = subprocess.run(command, env=env, capture_output=True, text=True)
        total = time.perf_counter() - started
        if done.returncode != 0:
            raise SystemExit(f"factcheck run failed ({done.returncode}): {done.stderr[-2000:]}")
    return {"total_s": total, "first_startup_s": float(first.stdout.split()[-1])}


def _store_articles(n: int, seed: int, tmp: Path) -> int:
    sys.path.insert(0, str(HERE))
    from synthetic_corpus import generate

    from factcheck.config.settings import Settings
    from factcheck.db import store
    from factcheck.db.engine import session_scope
    from factcheck.flows.demo.site import load_corpus
    from factcheck.tasks.articles import content_hash
    from factcheck.tasks.models import Article

    corpus = load_corpus(generate(tmp / "corpus", n, default_outlets(n), max(1, n // 8), seed))
    url = Settings().database()
    stored = 0
    with session_scope(url) as session:
        for art in corpus.articles:
            text = "\n".join(art.paragraphs)
            article = Article(url=f"http://{art.outlet_slug}.example{art.url_path}", outlet=art.outlet,
                              feed_url=f"http://{art.outlet_slug}.example/feed.xml", title=art.title,
                              author=art.author, published_at=art.published, language="en", text=text,
                              content_hash=content_hash(text), body_source="page", status="ok")
            stored += store.insert_article(session, article, None) is not None
    return stored


def child_analyze(articles: int, seed: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="bench-analyze-") as name:
        tmp = Path(name)
        _setup_env(tmp)
        meter = instrument()
        from factcheck.config.settings import Settings
        from factcheck.flows.analyze import analyze
        from factcheck.flows.ops.runners import analysis_runner

        result: dict = {"stored": _store_articles(articles, seed, tmp), "startup_s": _warm_up()}
        with TreeMemory() as memory:
            started = time.perf_counter()
            summary = analyze.with_options(task_runner=analysis_runner(Settings()))()
            result["total_s"] = time.perf_counter() - started
        result["counts"] = summary.as_dict()
        result["stages"] = meter.as_dict(started)
        result["peak_tree_mb"] = memory.peak / 2**20
        from factcheck.db.engine import dispose_all

        dispose_all()
    return result


def _spawn(*args: str) -> dict:
    command = [sys.executable, str(Path(__file__).resolve()), *args]
    done = subprocess.run(command, capture_output=True, text=True)
    lines = [line for line in done.stdout.splitlines() if line.startswith("RESULT ")]
    if done.returncode != 0 or not lines:
        sys.stderr.write(done.stdout[-4000:] + done.stderr[-4000:])
        raise SystemExit(f"child {args} failed (exit code {done.returncode})")
    return json.loads(lines[-1].removeprefix("RESULT "))


# --- report ----------------------------------------------------------------------------------

PIPELINE_STAGES = ("fetch feeds", "fetch pages (HTTP)", "extract (decode + trafilatura)", "db: feed state",
                   "db: store articles", "claims", "db: claims", "events (grouping)", "db: events", "detection",
                   "db: detection", "db: sessions + commits")


def print_stages(stages: dict, total: float) -> None:
    print(f"    {'stage':<34}{'wall (sum over threads)':>24}{'thread CPU':>12}{'span':>18}{'calls':>8}")
    cpu_sum = 0.0
    for stage in PIPELINE_STAGES:
        if stage not in stages:
            continue
        s = stages[stage]
        cpu_sum += s["cpu"]
        print(f"    {stage:<34}{s['wall']:>20.2f} s{s['cpu']:>10.2f} s{s['from']:>8.1f}-{s['to']:>6.1f} s{s['calls']:>8}")
    print(f"    {'(sum of measured thread CPU)':<34}{'':>24}{cpu_sum:>10.2f} s")


def report_throughput(manifest: dict, bare: dict, pipe: dict, command: dict) -> None:
    n = manifest["sizes"]["n"]
    sizes = manifest["sizes"]
    counts = pipe["counts"]
    print(f"\n== Throughput: {n} heavy pages, {manifest['outlets']} outlets (one loopback address each) ==")
    print(f"pages: median {sizes['median_kb']:.0f} KB (p10 {sizes['p10_kb']:.0f}, p90 {sizes['p90_kb']:.0f}, "
          f"min {sizes['min_kb']:.0f}, max {sizes['max_kb']:.0f}), {sizes['total_mb']:.0f} MB in all")
    print("\nbare loop (one process, sequential: httpx GET + trafilatura.extract defaults):")
    print(f"    {bare['total_s']:.1f} s = {n / bare['total_s']:.1f} pages/s  "
          f"(fetch {bare['fetch_s']:.1f} s, extract {bare['extract_s']:.1f} s; {bare['empty']} pages without text)")
    if "sample" in bare:
        s = bare["sample"]
        print(f"    same {s['pages']} pages extracted again: trafilatura defaults {s['default_s'] / s['pages'] * 1000:.1f} ms/page, "
              f"the product's extraction (decode + favor_precision + metadata + time-limit thread) "
              f"{s['product_s'] / s['pages'] * 1000:.1f} ms/page")
    print("\npipeline (nightly flow in process, Prefect local mode, SQLite):")
    print(f"    counts: {json.dumps(counts)}")
    print(f"    temporary Prefect server start-up (not in the run time): {pipe['startup_s']:.1f} s")
    print(f"    run {pipe['total_s']:.1f} s = {counts['articles_stored'] / pipe['total_s']:.1f} articles/s "
          f"(CPU: pipeline process {pipe['cpu_s']:.1f} s + CPU pool workers {pipe.get('pool_cpu_s', 0.0):.1f} s "
          f"+ Prefect server {pipe.get('server_cpu_s', 0.0):.1f} s, {os.cpu_count()} cores)")
    ratio = pipe["total_s"] / bare["total_s"]
    ratio_startup = (pipe["total_s"] + pipe["startup_s"]) / bare["total_s"]
    print(f"\nRATIO pipeline / bare loop = {pipe['total_s']:.1f} / {bare['total_s']:.1f} = {ratio:.2f}"
          f"   (with the server start-up: {ratio_startup:.2f}; target <= 1.0)")
    print(f"RATIO whole command / bare loop = {command['total_s']:.1f} / {bare['total_s']:.1f} = "
          f"{command['total_s'] / bare['total_s']:.2f}   (`factcheck run`, launch to exit, PREFECT_HOME used before;"
          f" a new home's first server start-up took {command['first_startup_s']:.1f} s on its own)")
    print("\npeak memory of the pipeline run:")
    print(f"    ru_maxrss of the pipeline process (getrusage RUSAGE_SELF): {pipe['self_maxrss_mb']:.0f} MB")
    print(f"    peak summed RSS, pipeline process + its children (Prefect server, CPU pool workers), psutil every 0.2 s: "
          f"{pipe['peak_tree_mb']:.0f} MB")
    print(f"    (bare loop process for comparison: ru_maxrss {bare['self_maxrss_mb']:.0f} MB)")
    print("\nwhere the pipeline's time goes (stage functions wrapped in process; 'span' = first start to last end,"
          " seconds from the flow start):")
    print_stages(pipe["stages"], pipe["total_s"])
    st = pipe["stages"]
    if not st:
        print("    (not measured: the analysis runner is not 'threads')")
        return
    ingest_end = max(st[s]["to"] for s in ("fetch pages (HTTP)", "extract (decode + trafilatura)", "db: store articles") if s in st)
    analysis = [st[s] for s in ("claims", "events (grouping)", "detection", "db: detection") if s in st]
    if analysis:
        a_from, a_to = min(s["from"] for s in analysis), max(s["to"] for s in analysis)
        print(f"    ingest span 0-{ingest_end:.1f} s; analysis span {a_from:.1f}-{a_to:.1f} s "
              f"({a_to - a_from:.1f} s); after the last stage call until the flow returned: {pipe['total_s'] - a_to:.1f} s")


def report_scaling(results: list[tuple[int, dict]]) -> None:
    print("\n== Analysis scaling (analyze flow over stored articles; claims + events + detection) ==")
    print(f"    {'articles':>8}{'claims':>8}{'events':>8}{'pairs':>7}{'analyze':>10}{'claims':>9}{'grouping':>10}"
          f"{'detection':>11}{'ms/article':>12}{'x prev':>8}")
    prev = None
    for n, r in results:
        st, c = r["stages"], r["counts"]
        claims_span = st["claims"]["to"] - 0 if "claims" in st else 0
        group = st.get("events (grouping)", {}).get("wall", 0.0)
        det_keys = [k for k in ("detection", "db: detection") if k in st]
        det_span = (max(st[k]["to"] for k in det_keys) - min(st[k]["from"] for k in det_keys)) if det_keys else 0.0
        growth = f"{r['total_s'] / prev:.2f}" if prev else "-"
        parts = (f"{claims_span:>8.1f}s{group:>9.1f}s{det_span:>10.1f}s" if st
                 else f"{'-':>9}{'-':>10}{'-':>11}")  # not measured with the process or Dask runner
        print(f"    {n:>8}{c['claims']:>8}{c['events_new']:>8}{c['new_pairs']:>7}{r['total_s']:>9.1f}s{parts}"
              f"{r['total_s'] / n * 1000:>12.1f}{growth:>8}")
        prev = r["total_s"]
    if len(results) > 1:
        (n0, r0), (n1, r1) = results[0], results[-1]
        print(f"    {n1 / n0:.0f}x the articles took {r1['total_s'] / r0['total_s']:.2f}x the time "
              f"(linear = {n1 / n0:.2f}x; per-article time {r0['total_s'] / n0 * 1000:.1f} -> {r1['total_s'] / n1 * 1000:.1f} ms)")
    print("    (claims = span from the flow start to the last claims call; grouping = the one grouping call;"
          " detection = span of the detection calls)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--outlets", type=int, default=None, help="default: max(20, articles / 150)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--scaling", default="1000,2000,4000", help="article counts for part 2")
    parser.add_argument("--skip-throughput", action="store_true")
    parser.add_argument("--skip-scaling", action="store_true")
    parser.add_argument("--sample-product", type=int, default=300,
                        help="pages re-extracted with the product's settings, for comparison")
    parser.add_argument("--serve", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--child", choices=("bare", "pipeline", "command", "analyze"), help=argparse.SUPPRESS)
    parser.add_argument("--work", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.serve:
        serve(args.serve)
        return 0
    if args.child:
        if args.child == "bare":
            result = child_bare(args.work, args.sample_product)
        elif args.child == "pipeline":
            result = child_pipeline(args.work)
        elif args.child == "command":
            result = child_command(args.work)
        else:
            result = child_analyze(args.articles, args.seed)
        print("RESULT " + json.dumps(result), flush=True)
        return 0

    if not args.skip_throughput:
        outlets = args.outlets or default_outlets(args.articles)
        with tempfile.TemporaryDirectory(prefix="bench-site-") as name:
            work = Path(name)
            t = time.perf_counter()
            manifest = prepare(work, args.articles, outlets, args.seed)
            print(f"prepared {args.articles} heavy pages for {outlets} outlets in {time.perf_counter() - t:.0f} s "
                  f"(median {manifest['sizes']['median_kb']:.0f} KB)", flush=True)
            with page_server(work):
                print("bare loop (child process)...", flush=True)
                bare = _spawn("--child", "bare", "--work", str(work), "--sample-product", str(args.sample_product))
                print(f"  {bare['total_s']:.1f} s; nightly pipeline (child process)...", flush=True)
                pipe = _spawn("--child", "pipeline", "--work", str(work))
                print(f"  {pipe['total_s']:.1f} s; the whole `factcheck run` command (child process)...", flush=True)
                command = _spawn("--child", "command", "--work", str(work))
                print(f"  {command['total_s']:.1f} s", flush=True)
        report_throughput(manifest, bare, pipe, command)

    if not args.skip_scaling:
        results = []
        for n in [int(x) for x in args.scaling.split(",") if x.strip()]:
            print(f"analysis over {n} stored articles (child process)...", flush=True)
            results.append((n, _spawn("--child", "analyze", "--articles", str(n), "--seed", str(args.seed))))
            print(f"  {results[-1][1]['total_s']:.1f} s", flush=True)
        report_scaling(results)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
