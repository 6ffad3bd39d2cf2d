"""Precision and recall of the default detector on labelled sentence-pair sets.

Each set is a JSON-lines file of {"id", "a", "b", "label", "type"} with label "contradiction" or
"compatible" (tests/data/contradiction_pairs.jsonl, bench/data/heldout/*.jsonl, or a devset's gold
pairs converted to that shape). Every pair is scored like `factcheck check A B`; a pair counts as
flagged at the detector's threshold. Prints one line per set and recall per type.

    .venv/bin/python bench/pair_sets.py tests/data/contradiction_pairs.jsonl bench/data/heldout/dev.jsonl
    .venv/bin/python bench/pair_sets.py --show bench/data/heldout/dev.jsonl   # also list misses and false hits

Do not pass --show on bench/data/heldout/test.jsonl: that half is kept unread (see its README).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("sets", nargs="+", type=Path)
    ap.add_argument("--show", action="store_true", help="list missed contradictions and flagged compatible pairs")
    args = ap.parse_args()

    from factcheck.tasks.pairs.detect import DETECTOR_VERSION, score_statements
    from factcheck.tasks.pairs.scorer import DEFAULT_THRESHOLD

    print(f"detector {DETECTOR_VERSION}, threshold {DEFAULT_THRESHOLD}")
    for path in args.sets:
        try:
            pairs = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        except (OSError, ValueError) as exc:
            print(f"{path}: cannot read ({exc})", file=sys.stderr)
            return 2
        started = time.perf_counter()
        tp = fp = fn = 0
        found: Counter[str] = Counter()
        total: Counter[str] = Counter()
        for p in pairs:
            result = score_statements(p["a"], p["b"])[0]
            flagged = result.score >= DEFAULT_THRESHOLD
            positive = p["label"] == "contradiction"
            total[p["type"]] += positive
            if flagged and positive:
                tp += 1
                found[p["type"]] += 1
            elif flagged:
                fp += 1
                if args.show:
                    print(f"  false  {p['id']} {result.score:.2f} {[r.message for r in result.reasons][:2]}")
            elif positive:
                fn += 1
                if args.show:
                    print(f"  missed {p['id']} [{p['type']}]")
        precision = tp / (tp + fp) if tp + fp else float("nan")
        recall = tp / (tp + fn) if tp + fn else float("nan")
        seconds = time.perf_counter() - started
        print(f"{path}: {len(pairs)} pairs, P {precision:.3f} R {recall:.3f} "
              f"({tp} found, {fp} false, {fn} missed; {seconds:.1f} s)")
        print("  recall by type: " + ", ".join(f"{t} {found[t]}/{n}" for t, n in sorted(total.items()) if n))
    return 0


if __name__ == "__main__":
    sys.exit(main())
