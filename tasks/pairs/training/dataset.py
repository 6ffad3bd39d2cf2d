"""The scorer's training and held-out rows: NLI and stance sets, perturbed news sentences, verdicts.

Every source is capped (the sets differ by an order of magnitude in size and in label balance,
and each row costs a parse), sampled with the seed, and split by the source's own `split` field:
`train` rows train, `dev` rows measure. RTE-3 dev is never read here: it is the benchmark the
closing note reports, so it must stay unseen. Reviewer verdicts from a factcheck database, when
one is given, are added to the training rows.
"""

from __future__ import annotations

import gzip
import json
import random
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

# Training caps per source at the default size (16,000 rows, a third of them perturbations).
CAPS: dict[str, int] = {
    "mnli": 2500, "fever": 2500, "breaking_nli": 1500, "arc": 1500, "perspectrum": 1500,
    "snli": 1000, "cad_snli": 1000, "negation_nli": 1000, "glue_diag": 830, "cb": 250,
}
EXCLUDED = frozenset({"rte3_dev"})  # the benchmark: never trained on
NEWS_SOURCES = ("fever", "mnli", "cb")  # whose premises read like news, for perturbation
PERTURB_SHARE = 1 / 3
DEFAULT_MAX_ROWS = 16000
MAX_WORDS = 60  # longer passages are cut to the two sentences that best match the other side
MAX_CUT_WORDS = 90
_STOP = frozenset(
    "the a an of to in on at for and or but is are was were be been it this that with as by from "
    "he she they we you i his her their its not no".split()
)


@dataclass(frozen=True)
class Row:
    a: str
    b: str
    label: int  # 1 = contradiction
    source: str
    kind: str = ""


@dataclass(frozen=True)
class Dataset:
    train: tuple[Row, ...]
    heldout: tuple[Row, ...]
    counts: dict[str, int] = field(default_factory=dict)  # training rows per source


def read_source(path: Path) -> Iterator[dict]:
    """The rows of one gzip JSONL source file (refuses the excluded benchmark)."""
    if source_name(path) in EXCLUDED:
        raise ValueError(f"{path.name} is held out from training")
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                yield json.loads(line)


def source_name(path: Path) -> str:
    return path.name.split(".")[0]


def sources(train_dir: Path) -> list[Path]:
    return sorted(p for p in Path(train_dir).glob("*.jsonl.gz") if source_name(p) not in EXCLUDED)


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z0-9]+", text.lower()) if w not in _STOP}


def split_sentences(text: str) -> list[str]:
    """A cheap sentence split for cutting long passages (no parse needed)."""
    return [s for s in re.split(r"(?<=[.!?])\s+(?=[\"'(\[]?[A-Z0-9])", text.strip()) if s]


def cut_passage(text: str, other: str, keep: int = 2) -> str | None:
    """The `keep` sentences of a long passage that share most words with the other side, in order;
    None when even those are too long to be a claim."""
    if len(text.split()) <= MAX_WORDS:
        return text
    sents = split_sentences(text)
    target = _words(other)
    ranked = sorted(range(len(sents)), key=lambda i: (-len(_words(sents[i]) & target), i))[:keep]
    cut = " ".join(sents[i] for i in sorted(ranked))
    return cut if len(cut.split()) <= MAX_CUT_WORDS else None


def _sample(items: list, n: int, rng: random.Random) -> list:
    items = list(items)
    rng.shuffle(items)
    return items[:n]


def nli_rows(path: Path, split: str, cap: int, seed: int) -> list[Row]:
    """Up to `cap` rows of one source's split, sampled with the seed; long passages cut."""
    name = source_name(path)
    pool = [r for r in read_source(path) if r.get("split") == split]
    out: list[Row] = []
    for r in _sample(pool, len(pool), random.Random(f"{seed}:{name}:{split}")):
        if len(out) >= cap:
            break
        a, b = cut_passage(r["a"], r["b"]), cut_passage(r["b"], r["a"])
        if a and b:
            out.append(Row(a, b, int(r["label"] == "contradiction"), name))
    return out


def detokenise(text: str) -> str:
    """Undo PTB-style spacing left in FEVER evidence ('Edmonds , Tracey' -> 'Edmonds, Tracey')."""
    text = re.sub(r"\s+([,.;:!?%)\]]|'s|n't)", r"\1", text)
    text = re.sub(r"([(\[])\s+", r"\1", text)
    return re.sub(r'"\s+(.*?)\s+"', r'"\1"', text)


_NEWSLIKE = re.compile(r"^[\"'A-Z0-9][^\[\]{}|<>]*[.!]\"?$")


def looks_like_news(text: str) -> bool:
    """A declarative sentence of 6 to 50 words, capitalised, without markup or speech fillers."""
    n = len(text.split())
    return 6 <= n <= 50 and bool(_NEWSLIKE.match(text)) and not re.search(r"\b(uh|um|yeah|LRB|RRB)\b", text, re.I)


def premises(train_dir: Path, split: str, limit: int, seed: int) -> list[str]:
    """Distinct news-like premises of the news sources' `split` rows, sampled with the seed."""
    seen: set[str] = set()
    out: list[str] = []
    for name in NEWS_SOURCES:
        path = Path(train_dir) / f"{name}.jsonl.gz"
        if not path.exists():
            continue
        texts = []
        for r in read_source(path):
            key = re.sub(r"[^a-z0-9]", "", r["a"].lower())
            if r.get("split") == split and key not in seen:
                seen.add(key)
                texts.append(detokenise(r["a"]))
        out += _sample(texts, len(texts), random.Random(f"{seed}:premises:{name}:{split}"))
    return _sample(out, limit, random.Random(f"{seed}:premises:{split}"))


def perturbation_rows(texts: Sequence[str], n_sentences: int, seed: int, tag: str) -> list[Row]:
    """Perturbation pairs from the news-like sentences of `texts` (about two pairs per sentence)."""
    from factcheck.tasks.language.nlp import repair_lemmas
    from factcheck.tasks.pairs.training import perturb

    nlp = _pipeline()
    sentences: list[perturb.Sentence] = []
    seen: set[str] = set()
    docs = []
    for group, doc in enumerate(nlp.pipe(texts, batch_size=64)):
        doc = repair_lemmas(doc)
        docs.append(doc)
        for sent in doc.sents:
            text = sent.text.strip()
            key = re.sub(r"[^a-z0-9]", "", text.lower())
            if looks_like_news(text) and key not in seen:
                seen.add(key)
                sentences.append(perturb.Sentence(sent.as_doc(), group))
        if len(sentences) >= n_sentences:
            break
    pool = perturb.build_pool(docs)
    pairs = perturb.generate(sentences[:n_sentences], random.Random(f"{seed}:perturb:{tag}"), pool)
    return [Row(p["a"], p["b"], p["label"], "perturb", p["kind"]) for p in pairs]


def _pipeline():
    from factcheck.tasks.language.nlp import load_pipeline

    return load_pipeline()


def verdict_rows(database_url: str) -> list[Row]:
    """Reviewed pairs of a factcheck database: confirmed -> 1, rejected -> 0 (pending/unsure skipped).

    The one place a stage reads the database: training is a build step run by hand (`make model`),
    and reviewers' verdicts are its best data."""
    from sqlalchemy.orm import Session

    from factcheck.db.engine import make_engine
    from factcheck.db.queries import reviewed_pair_texts

    engine = make_engine(database_url)
    try:
        with Session(engine) as session:
            rows = reviewed_pair_texts(session)
    finally:
        engine.dispose()
    return [Row(a, b, int(status == "confirmed"), "reviews", status) for status, a, b in rows]


def assemble(train_dir: Path, *, seed: int = 13, max_rows: int = DEFAULT_MAX_ROWS,
             database_url: str | None = None, log=print) -> Dataset:
    """Training rows (train splits + perturbations + verdicts) and held-out rows (dev splits +
    perturbations of dev premises), capped so that featurising stays within minutes."""
    train_dir = Path(train_dir)
    paths = sources(train_dir)
    n_perturb = int(max_rows * PERTURB_SHARE)
    budget = max_rows - n_perturb
    caps = {source_name(p): CAPS.get(source_name(p), 500) for p in paths}
    scale = min(1.0, budget / max(1, sum(caps.values())))
    heldout_cap = max(20, max_rows // 50)
    train: list[Row] = []
    heldout: list[Row] = []
    for path in paths:
        name = source_name(path)
        train += nli_rows(path, "train", max(1, int(caps[name] * scale)), seed)
        heldout += nli_rows(path, "dev", heldout_cap, seed)
        log(f"  {name}: train {sum(r.source == name for r in train)}, held out {sum(r.source == name for r in heldout)}")
    n_sent = max(2, n_perturb // 2)
    train += perturbation_rows(premises(train_dir, "train", 2 * n_sent, seed), n_sent, seed, "train")
    n_dev = max(2, heldout_cap)
    heldout += perturbation_rows(premises(train_dir, "dev", 2 * n_dev, seed), n_dev, seed, "dev")
    log(f"  perturb: train {sum(r.source == 'perturb' for r in train)}, "
        f"held out {sum(r.source == 'perturb' for r in heldout)}")
    if database_url:
        verdicts = verdict_rows(database_url)
        train += verdicts
        log(f"  reviews: train {len(verdicts)}")
    counts: dict[str, int] = {}
    for r in train:
        counts[r.source] = counts.get(r.source, 0) + 1
    return Dataset(tuple(train), tuple(heldout), dict(sorted(counts.items())))
