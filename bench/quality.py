"""Precision and recall of the whole pipeline against a labelled corpus.

    python bench/quality.py CORPUS_DIR [--threshold T] [--curve] [--show-misses] [--loeo]

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

`--loeo` (leave-one-event-out) says how the threshold carries over to an event it was not chosen
on: for each corpus event E the threshold is the one that maximises the F1 of recall and labelled
precision on the other events (ties: the higher threshold), and the figures are measured on E
alone. Pooled figures sum the matches over the held-out events. The pipeline runs once, storing
everything from 0.05 up; cutting that at a threshold t gives exactly what a run at t stores,
deduplication included, because `deduplicate` ranks each conflict group by score first, so the
representatives kept at or above t do not depend on the pairs below t.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
import time
import unicodedata
from collections.abc import Sequence
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
    a_outlet: str = ""
    b_outlet: str = ""
    reasons: tuple[str, ...] = ()


def matches(pair: StoredPair, gold) -> bool:
    def side(article: str | None, text: str, quote) -> bool:
        return article == quote.article and same_statement(text, quote.quote)

    return (side(pair.a_article, pair.a_text, gold.a) and side(pair.b_article, pair.b_text, gold.b)) or (
        side(pair.a_article, pair.a_text, gold.b) and side(pair.b_article, pair.b_text, gold.a)
    )


def run_pipeline(corpus_dir: Path, database_url: str, threshold: float) -> tuple[float, dict]:
    """Serve the corpus, run the nightly flow once; returns (seconds, counts)."""
    from factcheck.config.settings import Settings, use
    from factcheck.flows.demo.site import CorpusSite, feeds_toml
    from factcheck.flows.nightly import nightly

    settings = Settings(database_url=database_url, allow_private_addresses=True, pair_threshold=threshold)
    with use(settings), CorpusSite(corpus_dir) as site, tempfile.TemporaryDirectory() as tmp:
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
                       article_id(p.claim_b.article_url), p.claim_b.text, p.claim_a.outlet, p.claim_b.outlet,
                       tuple(_reason_text(r) for r in p.reasons))
            for p in iter_pairs(session)
        ]  # fmt: skip


def _reason_text(reason) -> str:
    if isinstance(reason, dict):
        return f"{reason.get('detector', '?')}: {reason.get('message', '')}"
    return str(reason)


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
    on_contradiction: int = 0  # stored pairs matching a gold contradiction
    labelled: int = 0  # stored pairs matching any gold pair


def evaluate(pairs: list[StoredPair], corpus, gold: Sequence | None = None) -> Scores:
    """Scores of `pairs` against `gold` (default: the whole corpus's gold pairs)."""
    gold = corpus.gold if gold is None else gold
    gold_c = [g for g in gold if g.label == "contradiction"]
    gold_n = [g for g in gold if g.label == "compatible"]
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
        on_contradiction=len(on_c),
        labelled=labelled,
    )


def f1(recall: float, precision: float) -> float:
    return 2 * recall * precision / (recall + precision) if recall + precision else 0.0


def candidate_thresholds(pairs: Sequence[StoredPair], floor: float = 0.05) -> list[float]:
    """Every cut that changes what is kept: the stored scores, plus a grid so that an event whose
    own scores are absent elsewhere still gets a choice; highest first."""
    grid = {round(floor + step / 100, 2) for step in range(0, int(round((1.0 - floor) * 100)) + 1)}
    return sorted(grid | {round(p.score, 4) for p in pairs if p.score >= floor}, reverse=True)


def pair_event(pair: StoredPair, events: dict[str, str]) -> str:
    """The event a stored pair is counted in: its articles' event; a pair across two events (a
    grouping error) is counted once, in the first of the two."""
    found = sorted({events.get(a) or "?" for a in (pair.a_article, pair.b_article)})
    return found[0]


def tune_threshold(pairs: Sequence[StoredPair], corpus, gold: Sequence, cuts: Sequence[float]) -> tuple[float, float]:
    """(threshold, F1) maximising F1 of recall and labelled precision; cuts are tried highest
    first and only a strictly better F1 replaces the best, so ties keep the higher threshold."""
    best_t, best_f = cuts[0], -1.0
    for t in cuts:
        s = evaluate([p for p in pairs if p.score >= t], corpus, gold)
        score = f1(s.recall, s.labelled_precision)
        if score > best_f + 1e-12:
            best_t, best_f = t, score
    return best_t, best_f


@dataclass(frozen=True)
class HeldOut:
    event: str
    threshold: float
    train_f1: float
    scores: Scores


def leave_one_event_out(pairs: Sequence[StoredPair], corpus) -> list[HeldOut]:
    """For each event: tune on the others, measure on it (see the module docstring)."""
    events = {a.id: a.event for a in corpus.articles}
    owner = {p.id: pair_event(p, events) for p in pairs}
    out = []
    for event in sorted(corpus.events):
        train_pairs = [p for p in pairs if owner[p.id] != event]
        train_gold = [g for g in corpus.gold if g.event != event]
        t, train_f1 = tune_threshold(train_pairs, corpus, train_gold, candidate_thresholds(train_pairs))
        test_pairs = [p for p in pairs if owner[p.id] == event and p.score >= t]
        test_gold = [g for g in corpus.gold if g.event == event]
        out.append(HeldOut(event, t, train_f1, evaluate(test_pairs, corpus, test_gold)))
    return out


def pooled(held: Sequence[HeldOut]) -> dict[str, float]:
    """Sums of matches over the held-out events, turned into the same ratios."""
    matched = sum(h.scores.matched_contradictions for h in held)
    gold_c = sum(h.scores.gold_contradictions for h in held)
    on_c = sum(h.scores.on_contradiction for h in held)
    labelled = sum(h.scores.labelled for h in held)
    stored = sum(h.scores.stored for h in held)
    recall = matched / gold_c if gold_c else 0.0
    precision = on_c / labelled if labelled else 0.0
    return {
        "recall": recall, "matched": matched, "gold_contradictions": gold_c,
        "labelled_precision": precision, "f1": f1(recall, precision),
        "compatible_reported": sum(h.scores.compatible_reported for h in held),
        "strict_precision": on_c / stored if stored else 0.0, "stored": stored,
        "grouping_errors": sum(h.scores.grouping_errors for h in held),
    }  # fmt: skip


def print_loeo(pairs: Sequence[StoredPair], corpus, threshold: float) -> None:
    held = leave_one_event_out(pairs, corpus)
    print("\nleave-one-event-out (threshold tuned on the other events, measured on the held-out one)")
    print("  event  threshold  train-F1  stored  recall        labelled-P  compatible  strict-P  grouping")
    for h in held:
        s = h.scores
        recall = f"{s.recall:.3f} ({s.matched_contradictions}/{s.gold_contradictions})" if s.gold_contradictions else "-   (0/0)"
        labelled = f"{s.labelled_precision:.3f}" if s.labelled else "-"
        strict = f"{s.strict_precision:.3f}" if s.stored else "-"
        print(f"  {h.event:<6} {h.threshold:9.3f}  {h.train_f1:8.3f}  {s.stored:6d}  {recall:<12}  {labelled:<10}  "
              f"{s.compatible_reported:10d}  {strict:<8}  {s.grouping_errors:8d}")  # fmt: skip
    p = pooled(held)
    a = evaluate([q for q in pairs if q.score >= threshold], corpus)
    print("\n                        pooled LOEO        all-in at {:.2f}".format(threshold))
    print(f"  recall                {p['recall']:.3f} ({p['matched']}/{p['gold_contradictions']})"
          f"      {a.recall:.3f} ({a.matched_contradictions}/{a.gold_contradictions})")
    print(f"  labelled precision    {p['labelled_precision']:.3f}              {a.labelled_precision:.3f}")
    print(f"  F1                    {p['f1']:.3f}              {f1(a.recall, a.labelled_precision):.3f}")
    print(f"  compatible reported   {p['compatible_reported']:<5d}              {a.compatible_reported}")
    print(f"  strict precision      {p['strict_precision']:.3f}              {a.strict_precision:.3f}")
    print(f"  stored pairs          {p['stored']:<5d}              {a.stored}")
    print(f"  grouping errors       {p['grouping_errors']:<5d}              {a.grouping_errors}")


def pipeline_pairs(corpus_dir: Path, corpus, threshold: float) -> tuple[float, dict, list[StoredPair]]:
    """Run the nightly flow once over the served corpus into a temporary SQLite database; returns
    (seconds, counts, the pairs it stored)."""
    from factcheck.db.engine import dispose_all

    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'pipeline.db'}"
        seconds, counts = run_pipeline(corpus_dir, url, threshold)
        pairs = stored_pairs(url, corpus)
        dispose_all()
    return seconds, counts, pairs


def corpus_and_threshold(corpus_dir: Path, threshold: float | None):
    """Quiet Prefect for a benchmark run, load the corpus and settle the threshold (None: the
    pair_threshold setting); None after printing the error when the corpus cannot be loaded."""
    for key, value in {"PREFECT_SERVER_ANALYTICS_ENABLED": "false", "DO_NOT_TRACK": "1", "PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL": "WARNING"}.items():
        os.environ.setdefault(key, value)
    from factcheck.config.settings import Settings
    from factcheck.flows.demo.site import CorpusError, load_corpus

    try:
        corpus = load_corpus(corpus_dir)
    except CorpusError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return None
    return corpus, threshold if threshold is not None else Settings().pair_threshold


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--threshold", type=float, default=None, help="default: the pair_threshold setting")
    parser.add_argument("--curve", action="store_true", help="also print precision/recall over thresholds")
    parser.add_argument("--show-misses", action="store_true", help="list missed gold contradictions and false alarms")
    parser.add_argument("--loeo", action="store_true", help="also tune the threshold leave-one-event-out")
    args = parser.parse_args(argv)

    loaded = corpus_and_threshold(args.corpus, args.threshold)
    if loaded is None:
        return 2
    corpus, threshold = loaded
    seconds, counts, pairs = pipeline_pairs(
        args.corpus, corpus, min(0.05, threshold) if args.curve or args.loeo else threshold)

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
    if args.loeo:
        print_loeo(pairs, corpus, threshold)
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
