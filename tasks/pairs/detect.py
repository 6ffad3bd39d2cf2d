"""Contradiction scoring: claim frames, alignment, slot conflicts, a learned score.

How a pair is scored (`score_pair`):

1. Each claim is parsed (spaCy) into frames: predicate, polarity, modality, actor, theme, places,
   quantities with what they count, dates, and the speaker's stance (tasks/language/frames.py).
2. The best-aligned pair of frames is found: the same predicate or synonym class, or opposite
   ones, with shared arguments (tasks/pairs/align.py).
3. Slot conflicts are read on that pair only: figures for the same counted thing and time, dates,
   places, polarity and denials, opposite outcomes, different actors (tasks/pairs/conflicts.py).
   Each becomes a `Reason` with the evidence spans a reviewer sees.
4. A learned scorer turns the alignment, conflict, modality and overlap features into
   P(contradiction) (tasks/pairs/scorer.py, fitted by `make model`). A pair without any slot
   conflict scores 0: every stored pair explains itself.

Candidate pairs are formed within an event, from different sources only, and pre-filtered with
an inverted index on lemmas, names and happening classes (tasks/pairs/candidates.py);
`keep_contradictions` then stores one or two representatives per conflict (tasks/pairs/dedup.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from factcheck.tasks.language.frames import claim_frames
from factcheck.tasks.models import Claim, ClaimRef, PairScore
from factcheck.tasks.pairs import conflicts
from factcheck.tasks.pairs.candidates import candidate_pairs
from factcheck.tasks.pairs.dedup import keep_contradictions
from factcheck.tasks.pairs.detectors import release_sentence_caches, sentence_caches_size
from factcheck.tasks.pairs.features import best_assessment, claims_of, pair_features, slot_conflicts
from factcheck.tasks.pairs.scorer import DEFAULT_THRESHOLD, default_scorer

FRAMES_VERSION = "frames-5"  # bump when the frames or the conflict checks change what is found
# Per-sentence caches are emptied between events once they hold this many sentences.
CACHE_RELEASE_AT = 2048


def _detector_version() -> str:
    return f"{FRAMES_VERSION}+{default_scorer().version}"


DETECTOR_VERSION = _detector_version()
NO_CONFLICT = PairScore(0.0, ())


def score_pair(
    a: Claim, b: Claim, *, published_a: datetime | None = None, published_b: datetime | None = None
) -> PairScore:
    """P(contradiction) of one pair with the slot conflicts that explain it (0 without any).

    `published_a/_b` (the articles' publication times, optional) let a count that is higher in a
    later report count as an update rather than a conflict.
    """
    if (b.text, b.position) < (a.text, a.position):
        # Features are not symmetric (which side names what), and the order of a stored pair
        # follows claim ids, which differ from run to run: score in a fixed order, then give the
        # evidence back to the sides it came from.
        flipped = score_pair(b, a, published_a=published_b, published_b=published_a)
        return PairScore(flipped.score, tuple(replace(r, evidence_a=r.evidence_b, evidence_b=r.evidence_a)
                                              for r in flipped.reasons))
    sa, sb = claim_frames(a), claim_frames(b)
    al, reasons = slot_conflicts(sa, sb, published_a, published_b)
    if not reasons:
        return PairScore(0.0, ())
    features = pair_features(al, reasons, sa, sb)
    return PairScore(round(default_scorer().probability(features), 4), reasons)


def load_models() -> None:
    """Load what scoring needs (spaCy pipeline, scorer) ahead of the first event."""
    from factcheck.tasks.language.nlp import load_pipeline

    load_pipeline()
    default_scorer()


def parse_claims(claims: Iterable[Claim]) -> None:
    """Parse the claims' sentences in one batch, so that scoring reads them from the cache."""
    from factcheck.tasks.language.nlp import parse

    parse(list(dict.fromkeys(c.text for c in claims)))


def score_candidates(
    claims: Sequence[ClaimRef], min_score: float | None = None
) -> list[tuple[ClaimRef, ClaimRef, PairScore]]:
    """Every candidate pair with its rule score (zero included, for rescorers to revise), or
    only those scoring at least `min_score` (what `keep_contradictions` can keep: a scoring
    worker then sends back a few dozen pairs, not thousands)."""
    if sentence_caches_size() > CACHE_RELEASE_AT:
        release_sentence_caches()  # earlier events' sentences: memory, no further use
    pairs = candidate_pairs(claims)
    parse_claims(c.claim for pair in pairs for c in pair)  # only claims that meet another source
    summaries: dict[int, conflicts.ConflictSummary] = {}
    for pair in pairs:
        for ref in pair:
            if ref.claim_id not in summaries:
                summaries[ref.claim_id] = conflicts.conflict_summary(claim_frames(ref.claim))
    scored = (
        (x, y, score_pair(x.claim, y.claim, published_a=x.published_at, published_b=y.published_at)
         if conflicts.may_conflict(summaries[x.claim_id], summaries[y.claim_id]) else NO_CONFLICT)
        for x, y in pairs
    )
    if min_score is None:
        return list(scored)
    return [t for t in scored if t[2].score >= min_score and t[2].reasons]


@dataclass(frozen=True)
class Guarded:
    """One event's result, or why it could not be had: a detector bug on one unusual sentence
    must not cost the other events of the run their pairs."""

    value: Any = None
    error: str | None = None


def guarded(claims: Sequence[ClaimRef], detector: Callable[..., Any], **kwargs: Any) -> Guarded:
    try:
        return Guarded(detector(claims, **kwargs))
    except Exception as exc:  # noqa: BLE001 - reported per event by the caller, retried next run
        return Guarded(error=f"{type(exc).__name__}: {exc}")


def find_contradictions(
    claims: Sequence[ClaimRef], threshold: float = DEFAULT_THRESHOLD
) -> list[tuple[ClaimRef, ClaimRef, PairScore]]:
    """Score the candidate pairs and keep those at or above `threshold`, strongest first.

    All in one process: choosing a conflict's representatives reads the claims' frames, which
    are cached where the claims were parsed."""
    return keep_contradictions(score_candidates(claims, min_score=threshold), threshold)


def prepare_statements(texts: Sequence[str]) -> None:
    """Parse the claims of many statements in one batch before scoring them one by one."""
    parse_claims(c for text in texts for c in claims_of(text))


def score_statements(a_text: str, b_text: str) -> tuple[PairScore, Claim, Claim]:
    """Score two free-text statements (each may be a passage): the strongest pair across sides."""
    side_a, side_b = claims_of(a_text), claims_of(b_text)
    if not side_a or not side_b:
        empty = Claim(text="", position=0, speaker="unknown", speaker_kind="unknown")
        return PairScore(0.0, ()), (side_a or [empty])[0], (side_b or [empty])[0]
    got = best_assessment(side_a, side_b)
    assert got is not None
    assessment, ca, cb = got
    if not assessment.reasons:
        return PairScore(0.0, ()), ca, cb
    return PairScore(round(default_scorer().probability(assessment.features), 4), assessment.reasons), ca, cb
