"""Precision and recall of the whole pipeline against a labelled corpus.

    python bench/quality.py CORPUS_DIR [--threshold T] [--curve] [--show-misses]

Serves the corpus (devset format: articles/*.json + gold.jsonl) as feeds and pages on loopback,
runs the nightly flow into a temporary SQLite database, and compares the stored pairs with the
gold pairs. A stored pair matches a gold pair when each of its statements matches one gold quote
of the same article (after normalising quotes and whitespace: containment either way, or a high
token overlap). Prints:

- recall: gold contradictions matched by at least one stored pair;
- precision on labelled pairs: stored pairs matching a gold contradiction / stored pairs matching
  any gold pair (several stored pairs may restate one gold pair);
- compatible pairs reported (hard negatives flagged as contradictions);
- strict precision: stored pairs matching a gold contradiction / all stored pairs;
- grouping errors: stored pairs across two corpus events, or on a single-article event.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
import time
import unicodedata
from dataclasses import dataclass
from pathlib import Path

QUOTES = {"\u201c": '"', "\u201d": '"', "\u2018": "'", "\u2019": "'", "\u2014": "-", "\u2013": "-"}


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    for fancy, plain in QUOTES.items():
        text = text.replace(fancy, plain)
    return re.sub(r"\s+", " ", text).strip().lower()


def tokens(text: str) -> set[str]:
    return set(re.findall(r"[a-z0-9]+", normalise(text)))


def same_statement(stored: str, quote: str) -> bool:
    a, b = normalise(stored), normalise(quote)
    if a in b or b in a:
        # A fragment such as a single clause only counts when it is most of the quote.
        return min(len(a), len(b)) >= 0.6 * max(len(a), len(b)) or min(len(a), len(b)) >= 40
    ta, tb = tokens(a), tokens(b)
    return bool(ta and tb) and len(ta & tb) / len(ta | tb) >= 0.7


@dataclass(frozen=True)
class StoredPair:
    id: int
    score: float
    a_article: str | None
    a_text: str
    b_article: str | None
    b_text: str


def matches(pair: StoredPair, gold) -> bool:
    def side(article: str | None, text: str, quote) -> bool:
        return article == quote.article and same_statement(text, quote.quote)

    return (side(pair.a_article, pair.a_text, gold.a) and side(pair.b_article, pair.b_text, gold.b)) or (
        side(pair.a_article, pair.a_text, gold.b) and side(pair.b_article, pair.b_text, gold.a)
    )


def run_pipeline(corpus_dir: Path, database_url: str, threshold: float) -> tuple[float, dict]:
    """Serve the corpus, run the nightly flow once; returns (seconds, counts)."""
    from factcheck.tasks.corpus_site import CorpusSite, feeds_toml

    os.environ["FACTCHECK_DATABASE_URL"] = database_url
    os.environ["FACTCHECK_ALLOW_PRIVATE_ADDRESSES"] = "true"
    os.environ["FACTCHECK_PAIR_THRESHOLD"] = str(threshold)
    from factcheck.flows.nightly import nightly

    with CorpusSite(corpus_dir) as site, tempfile.TemporaryDirectory() as tmp:
        feeds = Path(tmp) / "feeds.toml"
        feeds.write_text(feeds_toml(site), encoding="utf-8")
        started = time.perf_counter()
        summary = nightly(feeds_file=str(feeds))
        return time.perf_counter() - started, summary.counts


def stored_pairs(database_url: str, corpus) -> list[StoredPair]:
    from urllib.parse import urlsplit

    from factcheck.db.engine import session_scope
    from factcheck.db.queries import iter_pairs

    by_path = {a.url_path: a.id for a in corpus.articles}

    def article_id(url: str) -> str | None:
        return by_path.get(urlsplit(url).path)

    with session_scope(database_url) as session:
        return [
            StoredPair(p.id, p.score, article_id(p.claim_a.article_url), p.claim_a.text,
                       article_id(p.claim_b.article_url), p.claim_b.text)
            for p in iter_pairs(session)
        ]  # fmt: skip


@dataclass
class Scores:
    stored: int
    recall: float
    matched_contradictions: int
    gold_contradictions: int
    labelled_precision: float
    compatible_reported: int
    strict_precision: float
    grouping_errors: int
    unlabelled: int


def evaluate(pairs: list[StoredPair], corpus) -> Scores:
    gold_c = [g for g in corpus.gold if g.label == "contradiction"]
    gold_n = [g for g in corpus.gold if g.label == "compatible"]
    events = {a.id: a.event for a in corpus.articles}
    sizes = {e: len(arts) for e, arts in corpus.events.items()}
    hit_c = {g.id for g in gold_c if any(matches(p, g) for p in pairs)}
    hit_n = {g.id for g in gold_n if any(matches(p, g) for p in pairs)}
    on_c = [p for p in pairs if any(matches(p, g) for g in gold_c)]
    on_n = [p for p in pairs if any(matches(p, g) for g in gold_n)]
    labelled = len({p.id for p in on_c} | {p.id for p in on_n})
    grouping = [
        p for p in pairs
        if events.get(p.a_article) != events.get(p.b_article) or sizes.get(events.get(p.a_article), 0) < 2
    ]  # fmt: skip
    return Scores(
        stored=len(pairs),
        recall=len(hit_c) / len(gold_c) if gold_c else 0.0,
        matched_contradictions=len(hit_c),
        gold_contradictions=len(gold_c),
        labelled_precision=len(on_c) / labelled if labelled else 0.0,
        compatible_reported=len(hit_n),
        strict_precision=len(on_c) / len(pairs) if pairs else 0.0,
        grouping_errors=len(grouping),
        unlabelled=len(pairs) - labelled,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--threshold", type=float, default=None, help="default: the pair_threshold setting")
    parser.add_argument("--curve", action="store_true", help="also print precision/recall over thresholds")
    parser.add_argument("--show-misses", action="store_true", help="list missed gold contradictions and false alarms")
    args = parser.parse_args(argv)

    for key, value in {"PREFECT_SERVER_ANALYTICS_ENABLED": "false", "DO_NOT_TRACK": "1", "PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL": "WARNING"}.items():
        os.environ.setdefault(key, value)
    from factcheck.config.settings import Settings
    from factcheck.tasks.corpus_site import CorpusError, load_corpus

    try:
        corpus = load_corpus(args.corpus)
    except CorpusError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    threshold = args.threshold if args.threshold is not None else Settings().pair_threshold
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'quality.db'}"
        seconds, counts = run_pipeline(args.corpus, url, 0.05 if args.curve else threshold)
        pairs = stored_pairs(url, corpus)
        from factcheck.db.engine import dispose_all

        dispose_all()

    print(f"corpus: {args.corpus} ({len(corpus.articles)} articles, {len(corpus.gold)} gold pairs)")
    print(f"pipeline: {seconds:.1f} s, {counts.get('articles_stored', 0)} articles, {counts.get('claims', 0)} claims, "
          f"{counts.get('events_new', 0)} events")  # fmt: skip
    kept = [p for p in pairs if p.score >= threshold]
    s = evaluate(kept, corpus)
    print(f"threshold {threshold:.2f}: {s.stored} stored pairs")
    print(f"  recall                      {s.recall:.3f} ({s.matched_contradictions}/{s.gold_contradictions} gold contradictions)")
    print(f"  precision on labelled pairs {s.labelled_precision:.3f}")
    print(f"  compatible pairs reported   {s.compatible_reported}")
    print(f"  strict precision            {s.strict_precision:.3f} ({s.unlabelled} unlabelled pairs counted wrong)")
    print(f"  grouping errors             {s.grouping_errors}")
    if args.curve:
        print("\nthreshold  stored  recall  labelled-precision  strict-precision  compatible")
        for step in range(1, 20):
            t = step / 20
            c = evaluate([p for p in pairs if p.score >= t], corpus)
            print(f"  {t:.2f}     {c.stored:5d}   {c.recall:.3f}   {c.labelled_precision:.3f}              "
                  f"{c.strict_precision:.3f}             {c.compatible_reported}")  # fmt: skip
    if args.show_misses:
        gold_c = [g for g in corpus.gold if g.label == "contradiction"]
        print("\nmissed contradictions:")
        for g in gold_c:
            if not any(matches(p, g) for p in kept):
                print(f"  {g.id} [{g.type}] {g.a.quote[:90]!r}\n        vs {g.b.quote[:90]!r}")
        print("\nstored pairs matching no gold contradiction:")
        for p in kept:
            if not any(matches(p, g) for g in gold_c):
                print(f"  #{p.id} {p.score:.2f} {p.a_article}: {p.a_text[:90]!r}\n        {p.b_article}: {p.b_text[:90]!r}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
