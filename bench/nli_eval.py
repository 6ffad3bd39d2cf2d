"""Contradiction-class precision, recall and F1 of `score_statements` on public NLI sets.

    python bench/nli_eval.py TRAIN_DIR [--threshold T] [--limit N] [--seed S]

TRAIN_DIR is a folder of gzip JSONL files `{"id", "a", "b", "label", "split"}` (../shared/train).
Two kinds of figure, because they answer different questions:

- RTE-3 dev (`rte3_dev.jsonl.gz`), every row: news-like text that training never sees, so it is
  the closest thing to an unseen public benchmark here;
- every other source, its `split == "dev"` rows only (the rows training holds out), at most
  `--limit` per source, drawn with a fixed seed so that runs compare.

A pair is flagged when `score >= threshold` (default: the package's DEFAULT_THRESHOLD); positive
is the `contradiction` label, every other label negative. `a` may be a passage: score_statements
takes the strongest sentence pair. Also prints pairs per second of scoring (one process).
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

HELD_OUT = "rte3_dev.jsonl.gz"


@dataclass(frozen=True)
class Row:
    id: str
    a: str
    b: str
    label: str


@dataclass(frozen=True)
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def __add__(self, other: Counts) -> Counts:
        return Counts(self.tp + other.tp, self.fp + other.fp, self.fn + other.fn, self.tn + other.tn)


def read_rows(path: Path, split: str | None = None) -> list[Row]:
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        raw = (json.loads(line) for line in fh if line.strip())
        return [Row(str(r["id"]), r["a"], r["b"], r["label"]) for r in raw if split is None or r.get("split") == split]


def sample(rows: Sequence[Row], limit: int, seed: int) -> list[Row]:
    """A stable sample: the same file, limit and seed give the same rows, in file order."""
    if limit <= 0 or len(rows) <= limit:
        return list(rows)
    keep = set(random.Random(seed).sample(range(len(rows)), limit))
    return [r for i, r in enumerate(rows) if i in keep]


def score_rows(rows: Iterable[Row], threshold: float) -> tuple[Counts, int, float]:
    """(counts, rows scored, seconds spent scoring)."""
    from factcheck.tasks.pairs.detect import score_statements

    tp = fp = fn = tn = n = 0
    seconds = 0.0
    for row in rows:
        started = time.perf_counter()
        score, _a, _b = score_statements(row.a, row.b)
        seconds += time.perf_counter() - started
        flagged = score.score >= threshold
        positive = row.label == "contradiction"
        tp += flagged and positive
        fp += flagged and not positive
        fn += positive and not flagged
        tn += not positive and not flagged
        n += 1
    return Counts(tp, fp, fn, tn), n, seconds


def line(name: str, c: Counts, n: int, seconds: float) -> str:
    rate = n / seconds if seconds else 0.0
    return (f"  {name:<20} {n:5d}  {c.tp + c.fn:5d}  {c.tp + c.fp:7d}  {c.precision:.3f}  {c.recall:.3f}  "
            f"{c.f1:.3f}  {rate:8.1f}")  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("train_dir", type=Path)
    parser.add_argument("--threshold", type=float, default=None, help="default: the package's DEFAULT_THRESHOLD")
    parser.add_argument("--limit", type=int, default=500, help="dev rows per source other than RTE-3 (0: all)")
    parser.add_argument("--seed", type=int, default=13)
    args = parser.parse_args(argv)

    from factcheck.tasks.pairs.scorer import DEFAULT_THRESHOLD

    threshold = DEFAULT_THRESHOLD if args.threshold is None else args.threshold
    held_out = args.train_dir / HELD_OUT
    others = sorted(p for p in args.train_dir.glob("*.jsonl.gz") if p.name != HELD_OUT)
    if not held_out.exists() and not others:
        print(f"error: no *.jsonl.gz in {args.train_dir}", file=sys.stderr)
        return 2

    # Warm up the parser and scorer so model loading is not counted as scoring time.
    from factcheck.tasks.pairs.detect import score_statements

    score_statements("The meeting was held on Monday.", "The meeting was not held on Monday.")

    print(f"threshold {threshold:.2f}; positive = contradiction")
    print("  source                rows  contr  flagged  P      R      F1     pairs/s")
    if held_out.exists():
        c, n, s = score_rows(read_rows(held_out), threshold)
        print(line("rte3_dev (all)", c, n, s))
    total, total_n, total_s = Counts(), 0, 0.0
    for path in others:
        rows = sample(read_rows(path, split="dev"), args.limit, args.seed)
        if not rows:
            continue
        c, n, s = score_rows(rows, threshold)
        total, total_n, total_s = total + c, total_n + n, total_s + s
        print(line(path.name.removesuffix(".jsonl.gz") + " (dev)", c, n, s))
    if total_n:
        print(line("other dev, pooled", total, total_n, total_s))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
