"""Sentence pairs per second of `factcheck check --batch` with the default detectors.

    python bench/check_speed.py [CORPUS_DIR] [--pairs N]

Builds N sentence pairs from the corpus's articles (default: the bundled demo corpus), pairing
sentences of articles on the same event, writes them as a JSONL batch file and runs the real
command in this process on one core. Prints pairs per second, once cold (first call, caches
empty: each statement's claims are extracted and parsed once, on first sight) and once warm (the
same batch again: claims, parses and frames all cached, so it times scoring alone).
"""

from __future__ import annotations

import argparse
import io
import itertools
import json
import random
import tempfile
import time
from contextlib import redirect_stdout
from pathlib import Path


def build_pairs(corpus, n: int) -> list[dict]:
    from factcheck.tasks.claims.sentences import split_sentences

    pool: list[tuple[str, str]] = []
    for _event, articles in corpus.events.items():
        sentences = [[s for p in a.paragraphs for s in split_sentences(p)] for a in articles]
        for left, right in itertools.combinations(sentences, 2):
            pool.extend(itertools.product(left, right))
    random.Random(7).shuffle(pool)
    pool = (pool * (n // max(len(pool), 1) + 1))[:n]
    return [{"id": f"p{i}", "a": a, "b": b} for i, (a, b) in enumerate(pool)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", nargs="?", type=Path)
    parser.add_argument("--pairs", type=int, default=5000)
    args = parser.parse_args(argv)

    from factcheck.flows.cli.check import _check_batch
    from factcheck.flows.demo.site import demo_corpus, load_corpus

    corpus = load_corpus(args.corpus) if args.corpus else demo_corpus()
    pairs = build_pairs(corpus, args.pairs)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "batch.jsonl"
        path.write_text("\n".join(json.dumps(p) for p in pairs), encoding="utf-8")
        for label in ("cold", "warm"):
            sink = io.StringIO()
            started = time.perf_counter()
            with redirect_stdout(sink):
                _check_batch(path, 0.5)
            seconds = time.perf_counter() - started
            flagged = sum(json.loads(line)["contradiction"] for line in sink.getvalue().splitlines())
            print(f"{label}: {len(pairs)} pairs in {seconds:.2f} s = {len(pairs) / seconds:,.0f} pairs/s ({flagged} flagged)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
