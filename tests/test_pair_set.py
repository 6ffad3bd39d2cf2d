"""The hand-written pair set (tests/data/contradiction_pairs.jsonl) scored by `score_statements`.

The set is news-style sentence pairs on invented topics across many domains, written for this
test and not taken from the devset, seeds or training data: about half contradictions, half hard
compatible pairs (the same figure phrased differently, later updates with dates, the same wording
about different entities, hedged against firm, calls to act against reports, restatements, parts
against wholes, one quote repeated). The floors guard against regressions on text no detector
was tuned for; raise them as the detector improves.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from factcheck.tasks.pairs.detect import score_statements
from factcheck.tasks.pairs.scorer import DEFAULT_THRESHOLD

PAIRS_FILE = Path(__file__).parent / "data" / "contradiction_pairs.jsonl"
LABELS = {"contradiction", "compatible"}
TYPES = {"numeric", "date", "location", "denial", "status", "polarity", "attribution", "identity", "other"}
# Floors a little under what the detector measures (precision 0.92, recall 0.49 when the set was
# written; 0.96 and 0.70 with frames-4, 0.96 and 0.73 with frames-5): a regression guard, not a target. The set was also read
# while the frame rules were written, so it is a development set now; the closing note says so.
PRECISION_FLOOR = 0.90
RECALL_FLOOR = 0.66


def load_pairs() -> list[dict]:
    with PAIRS_FILE.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def test_pair_set_has_the_documented_shape() -> None:
    pairs = load_pairs()
    assert len(pairs) >= 100
    ids = [p["id"] for p in pairs]
    assert len(ids) == len(set(ids)), [i for i, n in Counter(ids).items() if n > 1]
    for p in pairs:
        assert set(p) == {"id", "a", "b", "label", "type"}, p
        assert p["label"] in LABELS, p
        assert p["type"] in TYPES, p
        assert p["a"].strip() and p["b"].strip() and p["a"] != p["b"], p
    labels = Counter(p["label"] for p in pairs)
    assert labels["contradiction"] >= 0.3 * len(pairs) and labels["compatible"] >= 0.3 * len(pairs), labels
    assert len({(p["a"], p["b"]) for p in pairs}) == len(pairs), "duplicate pair"


@pytest.fixture(scope="module")
def scored() -> list[tuple[dict, float]]:
    return [(p, score_statements(p["a"], p["b"])[0].score) for p in load_pairs()]


def test_contradiction_precision_and_recall_on_the_pair_set(scored: list[tuple[dict, float]]) -> None:
    flagged = [p for p, s in scored if s >= DEFAULT_THRESHOLD]
    positives = [p for p, _s in scored if p["label"] == "contradiction"]
    hits = [p for p in flagged if p["label"] == "contradiction"]
    precision = len(hits) / len(flagged) if flagged else 0.0
    recall = len(hits) / len(positives)
    false_alarms = [p["id"] for p in flagged if p["label"] != "contradiction"]
    missed = Counter(p["type"] for p in positives if p not in hits)
    summary = (f"precision {precision:.3f} ({len(hits)}/{len(flagged)}), recall {recall:.3f} "
               f"({len(hits)}/{len(positives)}); false alarms {false_alarms}; missed by type {dict(missed)}")  # fmt: skip
    assert precision >= PRECISION_FLOOR and recall >= RECALL_FLOOR, summary
