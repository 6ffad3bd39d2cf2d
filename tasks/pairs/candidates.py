"""Candidate pairs within an event: claims of different sources that share a name, a
happening class or an uncommon word, found with an inverted index, so that an event is never
scored blindly all-vs-all."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

from factcheck.tasks.models import Claim, ClaimRef
from factcheck.tasks.pairs.detectors.text import GENERIC_LEMMAS, features

# Candidate filter: shared index weight needed. A name or a happening class counts 2, a content
# lemma 1, and either counts half when it occurs in more than 30% of the event's claims (the
# event's own topic words say little). So one shared name, happening class ("talks" ~ "meeting",
# which is how a denial meets the report it denies) or uncommon word is enough.
MIN_SHARED = 1.0


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
