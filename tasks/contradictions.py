"""Contradiction scoring: candidate claim pairs, rule-based detectors, one score per pair.

Score of a pair (documented in `score_pair`):

1. The denial detector always runs (a denial rarely repeats the report's words). The other
   detectors (numeric, date, negation, status) run only when the two sentences are about the
   same thing: `subject_overlap >= MIN_SUBJECT_OVERLAP`.
2. Each reason has its own weight in [0, 1]. The reasons combine by noisy-or,
   `1 - prod(1 - w)`, so two independent signals reinforce each other and one strong signal
   is enough.
3. Hedging scales each reason's weight by `HEDGE_FACTOR` per hedged side before the noisy-or:
   "reportedly"/"X claimed" hedge a whole sentence, "may"/"would" only the evidence they stand
   before (see `_hedged`). A sentence that makes a denial is never treated as hedged: "denied a
   report claiming ..." is firm about the denial. Reasons keep their unscaled weights.
4. With publication times (`find_contradictions` passes them), a casualty-type figure that is
   higher in a later day's report is an update: the numeric reason is dropped.
5. Ungated detectors besides the denial: called-off-vs-happened (status), exclusive causes
   (cause), exclusive places ("all ... in X itself" vs a death in Y, location) and historic
   records ("strongest in 100 years" vs "strongest since 1987", record).

`keep_contradictions` then stores one or two representatives per conflict (`deduplicate`):
restatements of one conflict in the same two articles are not queued for review again.

Candidate pairs are formed within an event, from different sources only, and pre-filtered with
an inverted index on lemmas, names and happening classes, so an event is never scored blindly
all-vs-all.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime

from factcheck.tasks.detectors import (
    cause,
    dates,
    location,
    negation,
    numeric,
    record,
    release_sentence_caches,
    sentence_caches_size,
    status,
)
from factcheck.tasks.detectors.text import GENERIC_LEMMAS, features, is_hedged, lemmas_of, subject_overlap
from factcheck.tasks.models import Claim, ClaimRef, Evidence, PairScore, Reason

DETECTOR_VERSION = "rules-2"
MIN_SUBJECT_OVERLAP = 0.08
HEDGE_FACTOR = 0.8
DEFAULT_THRESHOLD = 0.5
# Candidate filter: shared index weight needed. A name or a happening class counts 2, a content
# lemma 1, and either counts half when it occurs in more than 30% of the event's claims (the
# event's own topic words say little). So one shared name, happening class ("talks" ~ "meeting",
# which is how a denial meets the report it denies) or uncommon word is enough.
MIN_SHARED = 1.0
# Per-sentence caches are emptied between events once they hold this many sentences.
CACHE_RELEASE_AT = 2048

_GATED: tuple[Callable[[Claim, Claim], Reason | None], ...] = (
    numeric.detect,
    dates.detect,
    negation.detect,
    status.detect,
)


# Detectors that run on every candidate pair: a denial or a calling-off rarely repeats the
# report's words, the happening class is the link.
_UNGATED: tuple[Callable[[Claim, Claim], Reason | None], ...] = (
    negation.detect_denial,
    status.detect_called_off,
    cause.detect,
    location.detect,
    record.detect,
)


_ATTRIBUTION_HEDGES = lemmas_of("reportedly allegedly purportedly claim claimed claims claiming unconfirmed rumour rumours")
_MODAL_HEDGES = lemmas_of("may might could would likely expected possibly perhaps")


def _hedged(claim: Claim, evidence: tuple[Evidence, ...]) -> bool:
    """Is this side of a reason hedged?

    Attribution hedges ("reportedly", "X claimed") hedge the whole sentence; modal ones ("may",
    "would") only the figure or word they stand before, so "the strike that was due to begin
    ... raised its offer to 6.5 percent" is firm about the 6.5 percent. Without evidence spans,
    the sentence-level flag decides. A denial is never hedged: "denied a report claiming ..."
    is firm about the denial.
    """
    if negation.denial_of(claim.text) is not None:
        return False
    f = features(claim.text)
    if any(t.lemma in _ATTRIBUTION_HEDGES for t in f.tokens):
        return True
    if not evidence:
        return is_hedged(claim)
    return any(
        t.lemma in _MODAL_HEDGES for ev in evidence for t in f.tokens if ev.start - 40 <= t.start < ev.end
    )


def score_pair(
    a: Claim, b: Claim, *, published_a: datetime | None = None, published_b: datetime | None = None
) -> PairScore:
    """Run all detectors on one pair and combine their reasons into a score in [0, 1].

    `published_a/_b` (the articles' publication times, optional) let a casualty figure that is
    higher in a later day's report count as an update rather than a conflict.
    """
    reasons: list[Reason] = []
    for detector in _UNGATED:
        found = detector(a, b)
        if found is not None:
            reasons.append(found)
    if subject_overlap(a, b) >= MIN_SUBJECT_OVERLAP:
        for detector in _GATED:
            found = detector(a, b)
            if found is not None and not any(r.detector == found.detector and r.message == found.message for r in reasons):
                reasons.append(found)
    if any(r.detector == numeric.NAME for r in reasons) and numeric.toll_update(a, b, published_a, published_b):
        reasons = [r for r in reasons if r.detector != numeric.NAME]
    if not reasons:
        return PairScore(0.0, ())
    miss = 1.0
    for r in reasons:
        hedges = _hedged(a, r.evidence_a) + _hedged(b, r.evidence_b)
        miss *= 1.0 - max(0.0, min(1.0, r.weight)) * HEDGE_FACTOR**hedges
    score = 1.0 - miss
    reasons.sort(key=lambda r: -r.weight)
    return PairScore(round(score, 4), tuple(reasons))


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
    scored = (
        (x, y, score_pair(x.claim, y.claim, published_a=x.published_at, published_b=y.published_at))
        for x, y in candidate_pairs(claims)
    )
    if min_score is None:
        return list(scored)
    return [t for t in scored if t[2].score >= min_score and t[2].reasons]


# How many pairs of one conflict group `deduplicate` keeps (see there).
KEEP_PER_CONFLICT = 2

_DENIED_CLASS_RE = re.compile(r"^denies the (.+?) \(")
_TRAILING_PARENS_RE = re.compile(r"\(([^()]*)\)\s*$")
_NUMBER_RE = re.compile(r"\d+(?:[.,]\d+)*")


def _evidence_key(evidence: tuple[Evidence, ...]) -> str:
    words = [lemmas_of(e.text.lower()) for e in evidence]
    return " ".join(sorted(w for ws in words for w in ws))


def conflict_key(reason: Reason) -> tuple[str, str]:
    """What a reason is about, independent of the sentences' wording: (detector, topic).

    Two stored pairs of one event and one pair of articles with the same conflict key restate the
    same conflict (a lead and a later paragraph, a summary and the body): the same denied
    happening, the same two figures, the same two dates, the same opposed outcome.
    """
    msg = reason.message
    if reason.detector == negation.DENIAL:
        m = _DENIED_CLASS_RE.match(msg)
        if m:
            return reason.detector, "class:" + m.group(1)
        m = _TRAILING_PARENS_RE.search(msg)
        return reason.detector, ("words:" + m.group(1)) if m and "denies" in msg else "report"
    if reason.detector == numeric.NAME:
        nums = [n.replace(",", "") for e in reason.evidence_a + reason.evidence_b for n in _NUMBER_RE.findall(e.text)]
        return reason.detector, " ".join(sorted(nums))
    if reason.detector == status.NAME:
        m = _TRAILING_PARENS_RE.search(msg)
        return reason.detector, (m.group(1).split(";")[0] if m else msg.split("(")[-1])
    if reason.detector in (cause.NAME, dates.NAME):
        head = msg.split(":")[0]
        return reason.detector, head + "|" + "|".join(sorted((_evidence_key(reason.evidence_a), _evidence_key(reason.evidence_b))))
    return reason.detector, "|".join(sorted((_evidence_key(reason.evidence_a), _evidence_key(reason.evidence_b))))


def _directness(item: tuple[ClaimRef, ClaimRef, PairScore]) -> tuple:
    """Rank inside a conflict group: higher score, then more shared words (the two sentences are
    most plainly about the same thing), then shorter sentences (the most direct wording)."""
    x, y, s = item
    # Ties break on the text, not on claim ids: ids follow the order in which parallel tasks
    # stored the articles, and the same corpus must always keep the same representative.
    return (-s.score, -round(subject_overlap(x.claim, y.claim), 3), len(x.claim.text) + len(y.claim.text),
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
    if top.detector == negation.DENIAL:
        x_denies = negation.denial_of(x.claim.text) is not None
        y_denies = negation.denial_of(y.claim.text) is not None
        if x_denies != y_denies:
            return ("denier, reporter", *((x.article_id, y.article_id) if x_denies else (y.article_id, x.article_id)))
    return ("either", *sorted((x.article_id, y.article_id)))


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


def find_contradictions(
    claims: Sequence[ClaimRef], threshold: float = DEFAULT_THRESHOLD
) -> list[tuple[ClaimRef, ClaimRef, PairScore]]:
    """Score the candidate pairs and keep those at or above `threshold`, strongest first."""
    return keep_contradictions(score_candidates(claims), threshold)


# --- command line ----------------------------------------------------------------------------


def _split(text: str) -> list[Claim]:
    from factcheck.tasks.claims import claims_from_statement

    claims = claims_from_statement(text)
    if not claims and text.strip():
        claims = [Claim(text=text.strip(), position=0, speaker="unknown", speaker_kind="unknown")]
    return list(claims)


def score_statements(a_text: str, b_text: str) -> tuple[PairScore, Claim, Claim]:
    """Score two free-text statements (each may be a passage): the strongest pair across sides."""
    side_a, side_b = _split(a_text), _split(b_text)
    if not side_a or not side_b:
        empty = Claim(text="", position=0, speaker="unknown", speaker_kind="unknown")
        return PairScore(0.0, ()), (side_a or [empty])[0], (side_b or [empty])[0]
    best: tuple[PairScore, Claim, Claim] | None = None
    for ca in side_a:
        for cb in side_b:
            s = score_pair(ca, cb)
            if best is None or s.score > best[0].score:
                best = (s, ca, cb)
    assert best is not None
    return best
