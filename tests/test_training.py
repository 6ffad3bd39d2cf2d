"""The scorer's training: perturbations, dataset assembly, verdicts from a database, `make model`."""

from __future__ import annotations

import gzip
import json
import random
import re

import pytest

from factcheck.tasks.language.nlp import parse
from factcheck.tasks.pairs.training import dataset, perturb

SENTENCES = [
    "The council approved 240 new homes in Dunmore on Tuesday.",
    "Regional Airways cancelled 18 flights from Kestrel Airport on Friday.",
    "The ferry did not leave the harbour in Tollan because of the storm.",
    "Hannah Weir won the mayoral election in Brackley in March 2019.",
    "The museum will open a new wing in Ostend next year.",
    "Police said 36 people were injured in the crash near Falkirk on Sunday.",
]


def _docs():
    return parse(SENTENCES)


def _pool():
    return perturb.build_pool(_docs())


def _numbers(text: str) -> list[str]:
    return re.findall(r"\d[\d,.]*", text)


def _without_numbers(text: str) -> str:
    return re.sub(r"\d[\d,.]*", "#", text)


def test_number_swap_changes_the_number_clearly_and_keeps_the_rest():
    doc = _docs()[0]
    out = perturb.number_swap(doc, random.Random(3), _pool())
    assert out is not None
    (new,) = [n for n in _numbers(out) if n not in _numbers(doc.text)]
    assert abs(float(new) - 240) / 240 >= 0.3
    assert _without_numbers(out) == _without_numbers(doc.text)


def test_number_swap_does_not_touch_years_and_skips_sentences_without_counts():
    doc = parse(["The bridge over the river was finished in 1957."])[0]
    assert perturb.number_swap(doc, random.Random(1), _pool()) is None
    assert "1957" not in (perturb.date_swap(doc, random.Random(1), _pool()) or "1957")


def test_negation_inserts_and_removes_a_negation():
    approved, _, ferry, *_ = _docs()
    assert perturb.negate(approved, random.Random(0), _pool()) == (
        "The council did not approve 240 new homes in Dunmore on Tuesday.")
    assert perturb.negate(ferry, random.Random(0), _pool()) == (
        "The ferry left the harbour in Tollan because of the storm.")
    museum = _docs()[4]
    assert perturb.negate(museum, random.Random(0), _pool()) == "The museum will not open a new wing in Ostend next year."


def test_negation_targets_what_a_reporting_verb_reports():
    out = perturb.negate(_docs()[5], random.Random(0), _pool())
    assert out == "Police said 36 people were not injured in the crash near Falkirk on Sunday."


def test_antonym_and_place_and_date_swaps_change_one_slot():
    cancelled = _docs()[1]
    assert perturb.antonym(parse(["Sales rose sharply in May."])[0], random.Random(0), _pool()) == "Sales fell sharply in May."
    place = perturb.place_swap(cancelled, random.Random(0), _pool())
    assert place is None or "Kestrel" not in place  # Kestrel Airport is a facility, not a place
    swapped = perturb.date_swap(cancelled, random.Random(2), _pool())
    assert swapped and "Friday" not in swapped and swapped.replace(swapped.split()[-1], "") == \
        cancelled.text.replace("Friday.", "")


def test_restatements_keep_the_statement():
    doc = _docs()[0]
    attributed = perturb.attribution(doc, random.Random(1), _pool())
    assert attributed and "the council approved 240 new homes in dunmore on tuesday" in attributed.lower()
    assert re.search(r"\bsaid\b|^According to", attributed)
    dropped = perturb.drop_modifier(doc, random.Random(0), _pool())
    assert dropped and set(dropped.rstrip(".").split()) < set(doc.text.rstrip(".").split())
    approx = perturb.approx_number(parse(["The storm destroyed 41 homes."])[0], random.Random(0), _pool())
    assert approx is not None and re.search(r"\b(about|around|nearly|roughly|some|approximately) 40 homes", approx)


def test_generated_pairs_are_labelled_by_kind_and_deterministic():
    sentences = [perturb.Sentence(d, i // 2) for i, d in enumerate(_docs())]
    first = perturb.generate(sentences, random.Random(7), _pool())
    assert first == perturb.generate(sentences, random.Random(7), _pool())
    assert {p["label"] for p in first} == {0, 1}
    for p in first:
        assert p["a"] != p["b"] or p["kind"] == "copy"
        expected = 1 if p["kind"] in perturb.CONTRADICTIONS else 0
        assert p["label"] == expected, p


# --- dataset assembly on a tiny fake train dir ---------------------------------------------------

NLI = [
    ("The committee met in Arden on Monday and approved the budget.", "The committee rejected the budget.", "contradiction"),
    ("The committee met in Arden on Monday and approved the budget.", "The budget was approved.", "entailment"),
    ("A factory in Lorne employs 300 workers.", "The factory employs 300 people.", "entailment"),
    ("A factory in Lorne employs 300 workers.", "The factory has no workers.", "contradiction"),
    ("The festival drew large crowds to the old town.", "The festival was held in winter.", "neutral"),
    ("Shops in the square opened late on Saturday.", "The shops stayed closed all weekend.", "contradiction"),
    # Slot conflicts that the labels call compatible, so that the rows with a conflict (the ones
    # the scorer is fitted on) have both labels.
    ("The flood killed 14 people in Tarvik.", "The flood killed 31 people in Tarvik.", "neutral"),
    ("The summit was held in Vienna.", "The summit was held in Oslo.", "neutral"),
    ("The treaty was signed on Tuesday.", "The treaty was signed on Thursday.", "contradiction"),
    ("The plane landed safely in Kerrow.", "The plane crashed near Kerrow.", "contradiction"),
]


def _write(path, rows):
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        for i, (a, b, label, split) in enumerate(rows):
            fh.write(json.dumps({"id": f"{path.name}-{i}", "a": a, "b": b, "label": label, "split": split}) + "\n")


@pytest.fixture
def train_dir(tmp_path):
    d = tmp_path / "train"
    d.mkdir()
    news = [*NLI, *[(s, "Nothing happened.", "neutral") for s in SENTENCES]]
    _write(d / "mnli.jsonl.gz", [(a, b, lab, "dev" if i % 4 == 3 else "train") for i, (a, b, lab) in enumerate(news)])
    _write(d / "snli.jsonl.gz", [(a, b, lab, "train") for a, b, lab in NLI] + [(NLI[0][0], NLI[0][1], "contradiction", "dev")])
    long_body = " ".join(f"Sentence {i} talks about gardens and weather." for i in range(30))
    _write(d / "arc.jsonl.gz", [(long_body + " The mayor cancelled the parade.", "The mayor cancelled the parade.",
                                 "not_contradiction", "train")])
    # The benchmark must never be read: a file that is not gzip at all would fail loudly if it were.
    (d / "rte3_dev.jsonl.gz").write_text("not gzip: reading this file is a bug")
    return d


def test_assembly_reads_train_and_dev_splits_and_never_the_benchmark(train_dir):
    data = dataset.assemble(train_dir, seed=5, max_rows=60, log=lambda *a: None)
    sources = {r.source for r in data.train}
    assert {"mnli", "snli", "perturb"} <= sources and "rte3_dev" not in sources
    assert all(r.source != "rte3_dev" for r in data.heldout)
    texts = {r.a for r in data.heldout if r.source == "snli"}
    assert texts == {NLI[0][0]}
    assert {r.label for r in data.train} == {0, 1}
    (arc,) = [r for r in data.train if r.source == "arc"]
    assert arc.a.endswith("The mayor cancelled the parade.") and len(arc.a.split()) <= dataset.MAX_CUT_WORDS
    assert dataset.assemble(train_dir, seed=5, max_rows=60, log=lambda *a: None) == data
    with pytest.raises(ValueError):
        next(dataset.read_source(train_dir / "rte3_dev.jsonl.gz"))


def test_verdicts_come_from_reviewed_pairs_only(tmp_path):
    from review_data import populate

    from factcheck.db import reviews
    from factcheck.db.engine import session_scope

    url = f"sqlite:///{tmp_path / 'verdicts.db'}"
    ids = populate(url)
    with session_scope(url) as session:
        reviews.record_verdict(session, ids["denial"], "confirmed", "ana")
        reviews.record_verdict(session, ids["flood"], "rejected", "ana")
    rows = dataset.verdict_rows(url)
    assert sorted((r.label, r.kind) for r in rows) == [(0, "rejected"), (1, "confirmed")]
    assert all(r.source == "reviews" and r.a and r.b for r in rows)
    (confirmed,) = [r for r in rows if r.label == 1]
    assert "Port Celin" in confirmed.a + confirmed.b


def test_training_writes_a_model_the_scorer_loads(train_dir, tmp_path):
    pytest.importorskip("sklearn", reason="scikit-learn is the `train` extra")
    from factcheck.tasks.pairs.features import FEATURE_NAMES
    from factcheck.tasks.pairs.scorer import load_scorer
    from factcheck.tasks.pairs.training import train

    out = tmp_path / "scorer.json"
    args = ["--train-dir", str(train_dir), "--out", str(out), "--seed", "3", "--max-rows", "60",
            "--cache-dir", str(tmp_path / "cache")]
    assert train.main(args) == 0
    model = json.loads(out.read_text())
    assert model["features"] == list(FEATURE_NAMES) and model["seed"] == 3
    assert model["version"].startswith("lr-")
    assert set(model["trained_on"]) >= {"mnli", "perturb"} and "rte3_dev" not in model["trained_on"]
    assert 0.0 < model["threshold"] < 1.0
    assert {"overall", "by_source"} <= set(model["metrics"]["heldout"])
    scorer = load_scorer(out)
    assert scorer.version == model["version"]
    assert 0.0 <= scorer.probability(dict.fromkeys(FEATURE_NAMES, 0.0)) <= 1.0
    first = out.read_text()
    assert train.main(args) == 0  # from the feature cache this time, and the same file
    assert out.read_text() == first
