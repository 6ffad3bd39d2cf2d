"""Contradiction scoring: candidate claim pairs, claim frames, alignment, a learned score.

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

`keep_contradictions` then stores one or two representatives per conflict (`deduplicate`):
restatements of one conflict in the same two articles are not queued for review again.

Candidate pairs are formed within an event, from different sources only, and pre-filtered with
an inverted index on lemmas, names and happening classes, so an event is never scored blindly
all-vs-all.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from factcheck.tasks.detectors import release_sentence_caches, sentence_caches_size
from factcheck.tasks.detectors.text import GENERIC_LEMMAS, features
from factcheck.tasks.language.frames import claim_frames
from factcheck.tasks.models import Claim, ClaimRef, PairScore, Reason
from factcheck.tasks.pairs import conflicts
from factcheck.tasks.pairs.features import best_assessment, claims_of, pair_features, slot_conflicts
from factcheck.tasks.pairs.scorer import default_scorer

FRAMES_VERSION = "frames-5"  # bump when the frames or the conflict checks change what is found
DEFAULT_THRESHOLD = 0.5
# Candidate filter: shared index weight needed. A name or a happening class counts 2, a content
# lemma 1, and either counts half when it occurs in more than 30% of the event's claims (the
# event's own topic words say little). So one shared name, happening class ("talks" ~ "meeting",
# which is how a denial meets the report it denies) or uncommon word is enough.
MIN_SHARED = 1.0
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


# --- candidate pairs -------------------------------------------------------------------------


def _keys(claim: Claim) -> dict[str, float]:
    """Index keys of a claim: content lemmas (1), names and happening classes (2)."""
    f = features(claim.text)
    keys = {k: (2.0 if k[:2] in ("E:", "H:") else 1.0) for k in f.weights if k not in GENERIC_LEMMAS}
    for name in f.maybe_entities:
        keys.setdefault("E:" + name, 2.0)
    return keys


def _speaker(ref: ClaimRef) -> str:
    return " ".join(ref.claim.speaker.lower().split())


def _other_source(x: ClaimRef, y: ClaimRef) -> bool:
    if x.outlet != y.outlet:
        return True
    return x.article_id == y.article_id and _speaker(x) != _speaker(y)


def _event_pairs(refs: list[ClaimRef]) -> Iterable[tuple[ClaimRef, ClaimRef]]:
    keys = [_keys(r.claim) for r in refs]
    df: dict[str, int] = defaultdict(int)
    for ks in keys:
        for k in ks:
            df[k] += 1
    common = max(5, 0.3 * len(refs))
    postings: dict[str, list[int]] = defaultdict(list)
    for i, ks in enumerate(keys):
        acc: dict[int, float] = defaultdict(float)
        for k, w in ks.items():
            w = w / 2 if df[k] > common else w
            for j in postings[k]:
                acc[j] += w
            postings[k].append(i)
        for j, total in acc.items():
            if total >= MIN_SHARED and _other_source(refs[i], refs[j]):
                x, y = refs[i], refs[j]
                yield (x, y) if x.claim_id < y.claim_id else (y, x)


def candidate_pairs(claims: Sequence[ClaimRef]) -> list[tuple[ClaimRef, ClaimRef]]:
    """Pairs worth scoring: same event, different source, sharing a word, a name or a happening.

    Different source means a different outlet, or the same article but different speakers (a
    company and a union quoted in one report). Events with a single article are skipped: an
    event with one report has no second account (and is most often a lone, unrelated story).
    Each pair appears once, lower claim_id first.
    """
    by_event: dict[int, list[ClaimRef]] = defaultdict(list)
    for ref in claims:
        by_event[ref.event_id].append(ref)
    seen: set[tuple[int, int]] = set()
    out: list[tuple[ClaimRef, ClaimRef]] = []
    for event_id in sorted(by_event):
        if len({r.article_id for r in by_event[event_id]}) < 2:
            continue  # an event covered by one report only: no second account to contradict it
        for x, y in _event_pairs(by_event[event_id]):
            key = (x.claim_id, y.claim_id)
            if x.claim_id != y.claim_id and key not in seen:
                seen.add(key)
                out.append((x, y))
    out.sort(key=lambda p: (p[0].claim_id, p[1].claim_id))
    return out


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


# How many pairs of one conflict group `deduplicate` keeps (see there).
KEEP_PER_CONFLICT = 2


def conflict_key(reason: Reason) -> tuple[str, str]:
    """What a reason is about, independent of the sentences' wording: (detector, topic).

    Two stored pairs of one event and one pair of articles with the same conflict key restate the
    same conflict (a lead and a later paragraph, a summary and the body): the same denied
    happening, the same two figures, the same two dates, the same opposed outcome.
    """
    return reason.detector, reason.topic or reason.message


def _directness(item: tuple[ClaimRef, ClaimRef, PairScore]) -> tuple:
    """Rank inside a conflict group: higher score, then more shared words (the two sentences are
    most plainly about the same thing), then shorter sentences (the most direct wording)."""
    x, y, s = item
    # Ties break on the text, not on claim ids: ids follow the order in which parallel tasks
    # stored the articles, and the same corpus must always keep the same representative.
    overlap = conflicts.word_overlap(x.claim.text, y.claim.text)
    return (-s.score, -round(overlap, 3), len(x.claim.text) + len(y.claim.text),
            sorted((x.claim.text, y.claim.text)))


def deduplicate(
    found: Iterable[tuple[ClaimRef, ClaimRef, PairScore]], keep: int = KEEP_PER_CONFLICT
) -> list[tuple[ClaimRef, ClaimRef, PairScore]]:
    """One or two representatives per conflict instead of every restatement of it.

    Product decision: a reviewer judges a conflict, not each sentence pair that expresses it. Pairs
    are grouped by event, the two articles (either order) and the strongest reason's
    `conflict_key` (same detector, same denied happening / same figures / same dates / same
    opposed outcome). In each group the `keep` most explicit pairs survive (highest score, then
    most shared words, then shortest sentences); the others are restatements and are dropped.
    Pairs from different article pairs are never merged: each outlet's account is its own item.
    """
    groups: dict[tuple, list[tuple[ClaimRef, ClaimRef, PairScore]]] = defaultdict(list)
    for item in found:
        x, y, s = item
        top = max(s.reasons, key=lambda r: r.weight)
        groups[(x.event_id, _sides(x, y, top), *conflict_key(top))].append(item)
    out: list[tuple[ClaimRef, ClaimRef, PairScore]] = []
    for items in groups.values():
        items.sort(key=_directness)
        kept: list[tuple[ClaimRef, ClaimRef, PairScore]] = []
        seen: set[int] = set()
        for item in items:
            x, y, _s = item
            if len(kept) < keep or (x.claim_id not in seen and y.claim_id not in seen):
                kept.append(item)
                seen.update((x.claim_id, y.claim_id))
        out.extend(kept)
    return out


def _sides(x: ClaimRef, y: ClaimRef, top: Reason) -> tuple:
    """The two articles of a pair; for a denial ordered (denier, reporter), else unordered.

    The two kinds are tagged: untagged, an ordered (denier, reporter) could equal a sorted pair
    or not depending on which article got the lower id, and the same corpus would then keep
    different representatives from run to run."""
    if top.detector == "denial":
        x_denies = _denies(x.claim)
        y_denies = _denies(y.claim)
        if x_denies != y_denies:
            return ("denier, reporter", *((x.article_id, y.article_id) if x_denies else (y.article_id, x.article_id)))
    return ("either", *sorted((x.article_id, y.article_id)))


def _denies(claim: Claim) -> bool:
    return any(f.asserted_polarity == "negative" for f in claim_frames(claim).frames)


def keep_contradictions(
    scored: Iterable[tuple[ClaimRef, ClaimRef, PairScore]], threshold: float = DEFAULT_THRESHOLD
) -> list[tuple[ClaimRef, ClaimRef, PairScore]]:
    """The pairs at or above `threshold` that have a reason, deduplicated, strongest first.

    Restatements of one conflict (same event, same two articles, same detector and same
    normalised evidence) are reduced to the `KEEP_PER_CONFLICT` most explicit pairs by
    `deduplicate`, so reviewers see each conflict once or twice rather than once per sentence
    that repeats it.
    """
    found = [t for t in scored if t[2].score >= threshold and t[2].reasons]
    found = deduplicate(found)
    found.sort(key=lambda t: (-t[2].score, t[0].claim_id, t[1].claim_id))
    return found


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


# --- command line ----------------------------------------------------------------------------


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
