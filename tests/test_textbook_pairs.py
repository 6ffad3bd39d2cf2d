"""Textbook contradictions (issue 10) and their look-alike compatible counterparts.

Each textbook pair states two incompatible facts about one happening in plain news English: a
place, a denial of a report, opposite changes of one figure, opposite outcomes, a year. The
counterparts change the same sentences just enough that both can be true, so a detector that
flags them reacts to words, not to what the sentences claim.
"""

from __future__ import annotations

import pytest

from factcheck.tasks.pairs.detect import score_statements
from factcheck.tasks.pairs.scorer import DEFAULT_THRESHOLD

TEXTBOOK = {
    "place": ("The talks were held in Paris on Monday.", "The talks were held in Berlin on Monday."),
    "denial": ("The minister resigned on Tuesday.", "The minister denied that she had resigned."),
    "opposite-change": ("The company's profit rose 12 percent last year.", "The company's profit fell 3 percent last year."),
    "outcome": ("The plane landed safely in Lagos.", "The plane crashed on approach to Lagos."),
    "year": ("The bridge was built in 1932.", "The bridge, completed in 1957, spans the river."),
}

COMPATIBLE = {
    "same-place": ("The talks were held in Paris on Monday.", "Monday's talks took place in Paris."),
    "plan-not-a-report": ("The minister resigned on Tuesday.", "The minister announced that she would resign next year."),
    "denial-of-something-else": ("The minister resigned on Tuesday.", "The minister denied that she had leaked the report."),
    "different-figures": ("The company's profit rose 12 percent last year.", "The company's revenue fell 3 percent last year."),
    "restated-outcome": ("The plane landed safely in Lagos.", "The plane touched down in Lagos without incident."),
    "same-year": ("The bridge was built in 1932.", "The bridge, completed in 1932, spans the river."),
    "different-bridge": ("The bridge was built in 1932.", "The new footbridge downstream was completed in 1957."),
}


@pytest.mark.parametrize(("a", "b"), list(TEXTBOOK.values()), ids=list(TEXTBOOK))
def test_textbook_contradiction_is_flagged(a: str, b: str) -> None:
    score, _ca, _cb = score_statements(a, b)
    assert score.score >= DEFAULT_THRESHOLD, f"{score.score:.3f} < {DEFAULT_THRESHOLD}: {a!r} vs {b!r}"
    assert score.reasons, "a flagged pair must say why"


@pytest.mark.parametrize(("a", "b"), list(TEXTBOOK.values()), ids=list(TEXTBOOK))
def test_textbook_contradiction_is_flagged_either_way_round(a: str, b: str) -> None:
    score, _ca, _cb = score_statements(b, a)
    assert score.score >= DEFAULT_THRESHOLD, f"{score.score:.3f} < {DEFAULT_THRESHOLD}: {b!r} vs {a!r}"


@pytest.mark.parametrize(("a", "b"), list(COMPATIBLE.values()), ids=list(COMPATIBLE))
def test_compatible_counterpart_is_not_flagged(a: str, b: str) -> None:
    score, _ca, _cb = score_statements(a, b)
    assert score.score < DEFAULT_THRESHOLD, (
        f"{score.score:.3f} >= {DEFAULT_THRESHOLD}: {a!r} vs {b!r}; reasons {[r.message for r in score.reasons]}"
    )
