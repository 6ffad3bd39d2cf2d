"""The features the learned scorer reads: alignment, slot conflicts, modality, overlap.

One fixed, named vector per pair of sentences, so that the scorer can be trained on sentence pairs
from NLI and stance sets and on perturbed news sentences, and applied to claim pairs from the
pipeline with the same code. `assess` also returns the slot conflicts found, which become the
reasons a reviewer sees.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from factcheck.tasks.language.frames import SentenceFrames, claim_frames
from factcheck.tasks.models import Claim, Reason
from factcheck.tasks.pairs import conflicts
from factcheck.tasks.pairs.align import Alignment, align

FEATURE_NAMES: tuple[str, ...] = (
    "bias_one",
    "align_score", "rel_same", "rel_opposite", "overlap", "actor_same", "actor_clash", "theme_same", "theme_clash",
    "c_numeric", "c_date", "c_location", "c_denial", "c_negation", "c_status", "c_identity", "c_any", "c_count",
    "pol_diff", "stance_denies", "light_event",
    "both_factual", "any_planned", "any_possible", "any_called", "any_conditional", "any_asked",
    "any_attributed",
    "lemma_jaccard", "name_jaccard", "cover_min", "cover_max", "novel_names_b", "novel_names_a",
    "neg_parity", "neg_any", "restatement", "len_ratio",
    "c_any_x_overlap", "pol_diff_x_overlap",
)


@dataclass(frozen=True)
class Assessment:
    features: dict[str, float]
    reasons: tuple[Reason, ...]
    alignment: Alignment | None


def _jac(x: frozenset[str], y: frozenset[str]) -> float:
    return len(x & y) / len(x | y) if x or y else 0.0


def _cover(x: frozenset[str], y: frozenset[str]) -> float:
    return len(x & y) / len(x) if x else 0.0


def slot_conflicts(sa: SentenceFrames, sb: SentenceFrames, published_a: datetime | None = None,
                   published_b: datetime | None = None) -> tuple[Alignment | None, tuple[Reason, ...]]:
    """The best alignment and the slot conflicts read on it: the cheap half of `assess`.

    Most candidate pairs have no conflict and score 0 whatever their features, so the pipeline
    asks this first and builds the feature vector only for the few that have one."""
    al = align(sa, sb)
    if al is not None:
        return al, tuple(conflicts.find_conflicts(al, sa, sb, published_a, published_b))
    extra = conflicts.mentioned_denial(sa, sb, None)
    return None, ((extra,) if extra else ())


def assess(sa: SentenceFrames, sb: SentenceFrames, published_a: datetime | None = None,
           published_b: datetime | None = None) -> Assessment:
    al, reasons = slot_conflicts(sa, sb, published_a, published_b)
    return Assessment(pair_features(al, reasons, sa, sb), reasons, al)


def pair_features(al: Alignment | None, reasons: tuple[Reason, ...], sa: SentenceFrames,
                  sb: SentenceFrames) -> dict[str, float]:
    """The named feature vector the scorer reads, from an alignment and its conflicts."""
    f = dict.fromkeys(FEATURE_NAMES, 0.0)
    f["bias_one"] = 1.0
    if al is not None:
        f["align_score"] = al.score
        f["rel_same"] = float(al.relation == "same")
        f["rel_opposite"] = float(al.relation == "opposite")
        f["overlap"] = al.overlap
        f["actor_same"] = float(al.actor == 1)
        f["actor_clash"] = float(al.actor == -1)
        f["theme_same"] = float(al.theme == 1)
        f["theme_clash"] = float(al.theme == -1)
        f["pol_diff"] = float(al.a.asserted_polarity != al.b.asserted_polarity)
        f["stance_denies"] = float("denies" in (al.a.stance, al.b.stance))
        f["light_event"] = float(bool(al.a.light or al.b.light))
        mods = {al.a.modality, al.b.modality}
        f["both_factual"] = float(al.a.factual and al.b.factual)
        f["any_planned"] = float("planned" in mods)
        f["any_possible"] = float("possible" in mods)
        f["any_called"] = float("called_for" in mods)
        f["any_conditional"] = float("conditional" in mods)
        f["any_asked"] = float("asked" in mods)
    for r in reasons:
        key = "c_" + r.detector
        if key in f:
            f[key] = max(f[key], r.weight)
    f["c_any"] = max((r.weight for r in reasons), default=0.0)
    f["c_count"] = float(len(reasons))
    f["any_attributed"] = float(sa.attributed or sb.attributed)
    f["lemma_jaccard"] = _jac(sa.lemmas, sb.lemmas)
    f["name_jaccard"] = _jac(sa.names, sb.names)
    ca, cb = _cover(sa.lemmas, sb.lemmas), _cover(sb.lemmas, sa.lemmas)
    f["cover_min"], f["cover_max"] = min(ca, cb), max(ca, cb)
    f["novel_names_b"] = float(bool(sb.names - sa.names)) if sa.names else 0.0
    f["novel_names_a"] = float(bool(sa.names - sb.names)) if sb.names else 0.0
    f["neg_parity"] = float((sa.negations % 2) != (sb.negations % 2))
    f["neg_any"] = float(sa.negations + sb.negations > 0)
    f["restatement"] = conflicts.restatement(sa, sb)
    la, lb = len(sa.text.split()), len(sb.text.split())
    f["len_ratio"] = min(la, lb) / max(la, lb, 1)
    f["c_any_x_overlap"] = f["c_any"] * f["overlap"]
    f["pol_diff_x_overlap"] = f["pol_diff"] * f["overlap"]
    return f


def assess_claims(a: Claim, b: Claim, published_a: datetime | None = None,
                  published_b: datetime | None = None) -> Assessment:
    return assess(claim_frames(a), claim_frames(b), published_a, published_b)


def claims_of(text: str) -> list[Claim]:
    """The claims of a free-text statement; the whole text as one claim when none is found."""
    return list(_statement_claims(text))


@lru_cache(maxsize=20_000)
def _statement_claims(text: str) -> tuple[Claim, ...]:
    # A batch often scores one statement against many: its claims are extracted once.
    from factcheck.tasks.claims import claims_from_statement

    claims = tuple(claims_from_statement(text))
    if not claims and text.strip():
        claims = (Claim(text=text.strip(), position=0, speaker="unknown", speaker_kind="unknown"),)
    return claims


def release_cache() -> None:
    _statement_claims.cache_clear()


def best_assessment(side_a: list[Claim], side_b: list[Claim]) -> tuple[Assessment, Claim, Claim] | None:
    """The best-aligned pair of claims across two passages (conflicts first, then alignment)."""
    from factcheck.tasks.language.nlp import parse

    parse([c.text for c in side_a + side_b])  # one batched parse; frames read it from the cache
    best: tuple[tuple, Assessment, Claim, Claim] | None = None
    for ca in side_a:
        for cb in side_b:
            got = assess_claims(ca, cb)
            rank = (got.features["c_any"] > 0, got.features["align_score"] + got.features["c_any"])
            if best is None or rank > best[0]:
                best = (rank, got, ca, cb)
    return None if best is None else best[1:]


def text_pair_features(a: str, b: str) -> dict[str, float]:
    """Features of the best-aligned sentence pair of two texts (each may be a passage)."""
    got = best_assessment(claims_of(a), claims_of(b))
    return dict.fromkeys(FEATURE_NAMES, 0.0) if got is None else got[0].features
