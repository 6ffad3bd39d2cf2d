"""What the pipeline stores on real news without gold pairs, and a sample to judge by hand.

    python bench/realnews_report.py CORPUS_DIR [--threshold T] [--sample N] [--top K] [--seed S] [--out FILE]

CORPUS_DIR has the devset layout (articles/*.json, an empty gold.jsonl), e.g. ../shared/realnews/wcl50.
The corpus is served and run through the nightly flow exactly as bench/quality.py does. Real
cross-outlet contradictions are rare, so the figures that matter are how much is stored and how
much of it a reviewer would accept:

- articles, stored pairs, pairs per article;
- pairs whose two claims lie in different gold events (the articles' `event` field): grouping
  errors, wrong whatever the text says;
- a file for hand judging (markdown, or JSONL when FILE ends in .jsonl): N stored pairs drawn at
  random with a fixed seed plus the top K by score, each with both sentences, outlets, gold
  events, score and reasons, and an empty verdict to fill in.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from quality import StoredPair, corpus_and_threshold, pipeline_pairs  # noqa: E402


@dataclass(frozen=True)
class Summary:
    articles: int
    stored: int
    per_article: float
    cross_event: int
    by_reason: dict[str, int]


def summarise(pairs: Sequence[StoredPair], corpus) -> Summary:
    events = {a.id: a.event for a in corpus.articles}
    cross = [p for p in pairs if events.get(p.a_article) != events.get(p.b_article) or p.a_article is None]
    kinds = Counter(r.split(":")[0] for p in pairs for r in p.reasons[:1])
    n = len(corpus.articles)
    return Summary(n, len(pairs), len(pairs) / n if n else 0.0, len(cross), dict(kinds.most_common()))


def pick(pairs: Sequence[StoredPair], sample: int, top: int, seed: int) -> list[tuple[str, StoredPair]]:
    """(why chosen, pair): `top` highest scores first, then a seeded random draw of `sample` from
    all stored pairs (a top pair drawn again is listed once, as top)."""
    ranked = sorted(pairs, key=lambda p: (-p.score, p.a_text, p.b_text))
    chosen = [("top", p) for p in ranked[:top]]
    ordered = sorted(pairs, key=lambda p: (p.a_article or "", p.b_article or "", p.a_text, p.b_text))
    drawn = random.Random(seed).sample(ordered, min(sample, len(ordered)))
    taken = {id(p) for _, p in chosen}
    chosen += [("random", p) for p in drawn if id(p) not in taken]
    return chosen


def records(chosen: Sequence[tuple[str, StoredPair]], corpus) -> list[dict]:
    events = {a.id: a.event for a in corpus.articles}
    return [
        {
            "n": i + 1, "chosen": why, "score": p.score, "reasons": list(p.reasons),
            "a": {"article": p.a_article, "outlet": p.a_outlet, "event": events.get(p.a_article), "text": p.a_text},
            "b": {"article": p.b_article, "outlet": p.b_outlet, "event": events.get(p.b_article), "text": p.b_text},
            "verdict": "", "why": "",
        }
        for i, (why, p) in enumerate(chosen)
    ]  # fmt: skip


def markdown(recs: Sequence[dict], summary: Summary, title: str) -> str:
    out = [f"# Stored pairs to judge: {title}", "",
           f"{summary.articles} articles, {summary.stored} stored pairs ({summary.per_article:.2f} per article), "
           f"{summary.cross_event} across gold events.", "",
           "Verdict per pair: `real` (a fact-checker would want it), `false` (with the reason), `unsure`.", ""]  # fmt: skip
    for r in recs:
        a, b = r["a"], r["b"]
        out += [f"## {r['n']}. {r['chosen']}, score {r['score']:.3f}", "",
                f"- reasons: {'; '.join(r['reasons']) or '-'}",
                f"- A ({a['outlet']}, {a['article']}, {a['event']}): {a['text']}",
                f"- B ({b['outlet']}, {b['article']}, {b['event']}): {b['text']}",
                "- verdict: ", ""]  # fmt: skip
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--threshold", type=float, default=None, help="default: the pair_threshold setting")
    parser.add_argument("--sample", type=int, default=30, help="random stored pairs to write (default 30)")
    parser.add_argument("--top", type=int, default=10, help="highest-scoring pairs to write (default 10)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, default=Path(tempfile.gettempdir()) / "realnews_pairs.md",
                        help="a .md or .jsonl file (default: realnews_pairs.md in the temp folder)")
    args = parser.parse_args(argv)

    loaded = corpus_and_threshold(args.corpus, args.threshold)
    if loaded is None:
        return 2
    corpus, threshold = loaded
    seconds, counts, pairs = pipeline_pairs(args.corpus, corpus, threshold)

    s = summarise(pairs, corpus)
    print(f"corpus: {args.corpus} ({len(corpus.events)} gold events)")
    print(f"pipeline: {seconds:.1f} s, {counts.get('claims', 0)} claims, {counts.get('events_new', 0)} events")
    print(f"threshold {threshold:.2f}")
    print(f"  articles                    {s.articles}")
    print(f"  stored pairs                {s.stored}")
    print(f"  pairs per article           {s.per_article:.2f}")
    print(f"  pairs across gold events    {s.cross_event}")
    print(f"  first reason, by kind       {s.by_reason}")
    recs = records(pick(pairs, args.sample, args.top, args.seed), corpus)
    if args.out.suffix == ".jsonl":
        args.out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in recs), encoding="utf-8")
    else:
        args.out.write_text(markdown(recs, s, str(args.corpus)), encoding="utf-8")
    print(f"wrote {len(recs)} pairs to judge to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
