"""Speed of the reviewers' queue queries at scale (db/queries.py), in milliseconds.

    python bench/review_queue.py [--pairs 100000] [--database URL] [--runs 7] [--keep]

Builds a database with N claim pairs (default 100,000; 20 pairs per event, 4 articles of 2
claims per event, 20 outlets, 70% pending) by bulk inserts (SQLAlchemy core executemany), then
times each query as the CLI and the web app run it and prints the median of --runs runs.
Without --database it uses a temporary SQLite file. With a PostgreSQL URL it works in a
throw-away schema (dropped afterwards unless --keep) and runs ANALYZE after loading, as
autovacuum would; SQLite is left unanalysed, as the pipeline leaves it.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import quote

from sqlalchemy import create_engine, insert, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from factcheck.db.engine import dispose_all, get_engine
from factcheck.db.models import Article, Claim, ClaimPair, Event
from factcheck.db.queries import PairFilter, count_pairs, list_pairs, status_counts

OUTLETS = [f"Outlet {n:02d}" for n in range(20)]
WORDS = (
    "flood bridge council minister talks accord police strike harbour fishing election budget "
    "court ruling storm port treaty army border vote hospital school river fire market"
).split()
RARE = "volcano"  # in about 1 statement of 400
T0 = datetime(2026, 1, 1, tzinfo=timezone.utc)
CHUNK = 5000


def _statement(rng: random.Random) -> str:
    words = rng.choices(WORDS, k=12)
    if rng.random() < 0.0025:
        words[rng.randrange(12)] = RARE
    return f"The {' '.join(words)} killed {rng.randint(1, 99)} people, officials said."


def build(url: str, n_pairs: int, seed: int = 7) -> dict[str, int]:
    """Fill an empty, migrated database with n_pairs pairs; returns the row counts."""
    rng = random.Random(seed)
    per_event, articles_per_event, claims_per_article = 20, 4, 2
    n_events = -(-n_pairs // per_event)
    events, articles, claims, pairs = [], [], [], []
    article_id = claim_id = pair_id = 0
    statuses = ["pending"] * 70 + ["confirmed"] * 15 + ["rejected"] * 10 + ["unsure"] * 5
    for e in range(1, n_events + 1):
        start = T0 + timedelta(hours=e)
        events.append({"id": e, "title": f"event {e}", "first_published_at": start,
                       "last_published_at": start + timedelta(hours=3), "pairs_version": "bench", "created_at": start})  # fmt: skip
        event_claims: list[tuple[int, int]] = []  # (claim id, article index within event)
        for a in range(articles_per_event):
            article_id += 1
            articles.append({
                "id": article_id, "url": f"http://bench.example/{article_id}", "content_hash": f"{article_id:064d}",
                "outlet": OUTLETS[rng.randrange(len(OUTLETS))], "title": f"event {e} story {a}", "author": None,
                "published_at": start + timedelta(hours=a), "language": "en", "text": "body", "body_source": "page",
                "status": "ok", "fetched_at": start, "event_id": e, "claims_version": "bench",
            })  # fmt: skip
            for position in range(claims_per_article):
                claim_id += 1
                claims.append({
                    "id": claim_id, "article_id": article_id, "position": position, "text": _statement(rng),
                    "speaker": "officials", "speaker_kind": "reported", "polarity": "positive", "hedged": False,
                    "numbers": [], "dates": [], "context": "",
                })  # fmt: skip
                event_claims.append((claim_id, a))
        cross = [(x, y) for i, (x, ax) in enumerate(event_claims) for (y, ay) in event_claims[i + 1:] if ax != ay]
        for x, y in cross[: min(per_event, n_pairs - pair_id)]:
            pair_id += 1
            status = rng.choice(statuses)
            pairs.append({
                "id": pair_id, "claim_a_id": x, "claim_b_id": y, "event_id": e,
                "score": round(rng.uniform(0.5, 1.0), 3),  # 3 decimals: many ties, so the id tiebreak matters
                "reasons": [{"detector": "numeric", "message": "killed 9 vs killed 23", "weight": 0.8}],
                "detector_version": "bench", "status": status, "note": None,
                "reviewer": None if status == "pending" else "bench", "reviewed_at": None if status == "pending" else start,
                "created_at": start + timedelta(seconds=pair_id % 600),
            })  # fmt: skip
    engine = get_engine(url)
    with engine.begin() as conn:
        for table, rows in ((Event, events), (Article, articles), (Claim, claims), (ClaimPair, pairs)):
            for i in range(0, len(rows), CHUNK):
                conn.execute(insert(table.__table__), rows[i : i + CHUNK])
        if engine.dialect.name == "postgresql":
            for table in ("events", "articles", "claims", "claim_pairs"):
                conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"))
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("ANALYZE"))
    return {"events": len(events), "articles": len(articles), "claims": len(claims), "pairs": len(pairs)}


def timed(fn: Callable[[], object], runs: int) -> tuple[float, object]:
    result = fn()  # warm-up (statement cache, page cache)
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        result = fn()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples), result


def measure(url: str, runs: int) -> list[tuple[str, float, str]]:
    engine = get_engine(url)
    queue = PairFilter(status="pending", sort="score")
    rows: list[tuple[str, float, str]] = []

    def add(name: str, fn: Callable[[], object], show: Callable[[object], str] = lambda r: f"{len(r)} rows") -> None:
        ms, result = timed(fn, runs)
        rows.append((name, ms, show(result)))

    with Session(engine) as session:
        pending = count_pairs(session, queue)
        deep = int(pending * 0.8)
        score, pair_id = session.execute(
            text("SELECT score, id FROM claim_pairs WHERE status = 'pending' ORDER BY score DESC, id DESC LIMIT 1 OFFSET :k"),
            {"k": deep},
        ).one()
        newest_deep = list_pairs(session, PairFilter(), limit=1, offset=deep)[0]
        outlet = OUTLETS[3]

        add("queue: first page (50, by score)", lambda: list_pairs(session, queue, limit=50))
        add(f"queue: page at row {deep:,}, keyset", lambda: list_pairs(session, queue, limit=50, after=(score, pair_id)))
        add(f"queue: page at row {deep:,}, offset", lambda: list_pairs(session, queue, limit=50, offset=deep))
        add("all pairs: first page (50, newest)", lambda: list_pairs(session, PairFilter(), limit=50))
        add(f"all pairs: page at row {deep:,}, keyset (newest)",
            lambda: list_pairs(session, PairFilter(), limit=50, after=(newest_deep.created_at, newest_deep.id)))  # fmt: skip
        add(f"all pairs: page at row {deep:,}, offset (newest)", lambda: list_pairs(session, PairFilter(), limit=50, offset=deep))
        add(f"queue: outlet '{outlet}', first page", lambda: list_pairs(session, PairFilter(status="pending", outlet=outlet, sort="score"), limit=50))
        add(f"queue: outlet '{outlet}', count", lambda: count_pairs(session, PairFilter(status="pending", outlet=outlet)), str)
        add(f"queue: search '{RARE}' (rare), first page", lambda: list_pairs(session, PairFilter(status="pending", search=RARE, sort="score"), limit=50))
        add("queue: search 'harbour' (common), first page", lambda: list_pairs(session, PairFilter(status="pending", search="harbour", sort="score"), limit=50))
        add(f"queue: search '{RARE}', count", lambda: count_pairs(session, PairFilter(status="pending", search=RARE)), str)
        add("queue: event filter, first page", lambda: list_pairs(session, PairFilter(status="pending", event_id=1234, sort="score"), limit=50))
        add("status counts (all pairs)", lambda: status_counts(session), lambda r: " ".join(f"{k}={v}" for k, v in r.items()))
        add(f"status counts (outlet '{outlet}')", lambda: status_counts(session, PairFilter(outlet=outlet)),
            lambda r: " ".join(f"{k}={v}" for k, v in r.items()))  # fmt: skip
        add("review_queue view: first page (SQL)",
            lambda: session.execute(text("SELECT * FROM review_queue ORDER BY score DESC, pair_id DESC LIMIT 50")).all())  # fmt: skip
    return rows


def measure_pages(url: str, runs: int) -> list[tuple[str, float, str]]:
    """The review app's pages over real HTTP: uvicorn on a loopback port, a signed-in reviewer."""
    import re
    import socket
    import threading

    import httpx
    import uvicorn

    from factcheck.db.engine import session_scope
    from factcheck.db.reviews import add_reviewer
    from factcheck.flows.web.app import create_app

    with session_scope(url) as session:
        add_reviewer(session, "bench", "bench-password-1")
        first_id = session.execute(
            text("SELECT id FROM claim_pairs WHERE status = 'pending' ORDER BY score DESC, id DESC LIMIT 1")
        ).scalar_one()
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(url), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    rows: list[tuple[str, float, str]] = []
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", follow_redirects=True) as client:
            login = client.get("/login")
            token = re.search(r'name="csrf_token" value="([^"]+)"', login.text).group(1)
            client.post("/login", data={"name": "bench", "password": "bench-password-1", "csrf_token": token})
            for name, path in [
                ("page: queue, first page", "/"),
                (f"page: queue, outlet '{OUTLETS[3]}'", f"/?outlet={OUTLETS[3].replace(' ', '+')}"),
                (f"page: queue, search '{RARE}'", f"/?q={RARE}"),
                ("page: a pair", f"/pairs/{first_id}"),
            ]:
                ms, response = timed(lambda: client.get(path), runs)
                if "Signed in as" not in response.text:
                    raise RuntimeError(f"{path} did not render for a signed-in reviewer (HTTP {response.status_code})")
                rows.append((name, ms, f"HTTP {response.status_code}, {len(response.content):,} bytes"))
    finally:
        server.should_exit = True
        thread.join(10)
    return rows


def _postgres_schema(url: str) -> tuple[str, str]:
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    admin.dispose()
    separator = "&" if "?" in url else "?"
    return schema, f"{url}{separator}options={quote(f'-csearch_path={schema}')}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pairs", type=int, default=100_000)
    parser.add_argument("--database", help="SQLAlchemy URL (default: a temporary SQLite file)")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--keep", action="store_true", help="keep the PostgreSQL schema / SQLite file")
    args = parser.parse_args(argv)

    tmp = schema = None
    if args.database and make_url(args.database).get_backend_name() == "postgresql":
        schema, url = _postgres_schema(args.database)
        label = f"PostgreSQL (schema {schema})"
    elif args.database:
        url, label = args.database, "SQLite"
    else:
        tmp = tempfile.TemporaryDirectory(prefix="factcheck-bench-")
        url, label = f"sqlite:///{Path(tmp.name) / 'bench.db'}", "SQLite (temporary file)"
    try:
        started = time.perf_counter()
        counts = build(url, args.pairs)
        built = time.perf_counter() - started
        print(f"{label}: {counts['pairs']:,} pairs, {counts['claims']:,} claims, {counts['articles']:,} articles, "
              f"{counts['events']:,} events built in {built:.1f} s")  # fmt: skip
        rows = measure(url, args.runs) + measure_pages(url, args.runs)
        width = max(len(name) for name, *_ in rows)
        print(f"{'query':<{width}}  {'median ms':>9}  result")
        for name, ms, shown in rows:
            print(f"{name:<{width}}  {ms:>9.1f}  {shown}")
    finally:
        dispose_all()
        if schema and not args.keep:
            admin = create_engine(args.database, isolation_level="AUTOCOMMIT")
            with admin.connect() as conn:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()
        if tmp and not args.keep:
            tmp.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
