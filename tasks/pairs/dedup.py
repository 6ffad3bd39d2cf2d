"""One or two stored pairs per conflict: restatements of one conflict in the same two
articles are not queued for review again."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from factcheck.tasks.language.frames import claim_frames
from factcheck.tasks.models import Claim, ClaimRef, PairScore, Reason
from factcheck.tasks.pairs import conflicts
from factcheck.tasks.pairs.scorer import DEFAULT_THRESHOLD

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
