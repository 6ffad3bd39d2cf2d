"""Alignment: are two frames about the same proposition?

Two claims are only compared slot by slot when their frames line up: the same predicate (lemma or
synonym class), or opposite ones (rose/fell, held/cancelled), with shared arguments. A denial
meets the report it denies the same way: its frame is the denied proposition, with the stance
`denies`. The alignment score says how sure the match is; the slot conflicts are read only on the
best-aligned pair of frames.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from factcheck.tasks.language import lexicon as lx
from factcheck.tasks.language.frames import Arg, Frame, SentenceFrames

Relation = Literal["same", "opposite", "kind", "none"]  # kind: one is a kind of the other


@dataclass(frozen=True)
class Alignment:
    a: Frame
    b: Frame
    relation: Relation
    overlap: float  # Jaccard of the two propositions' content lemmas and names, predicates left out
    actor: int  # 1 same actor, -1 two different named actors, 0 unknown
    theme: int  # likewise for the theme
    score: float  # in [0, 1]


def _event_of(f: Frame) -> str | None:
    """The happening a frame is about: its event noun, or the head of its theme for a status verb."""
    if f.light:
        return f.predicate
    return f.theme.head if f.theme else None


def relation(a: Frame, b: Frame) -> Relation:
    if (a.predicate in lx.LIGHT_VERBS and not a.light) or (b.predicate in lx.LIGHT_VERBS and not b.light):
        return "none"  # a bare "is", "has" or "made" says too little to be the same proposition
    if lx.same_predicate(a.predicate, b.predicate):
        return "same"
    if lx.opposite(a.predicate, b.predicate):
        return "opposite"
    if lx.kind_of(a.predicate, b.predicate) or lx.kind_of(b.predicate, a.predicate):
        return "kind"  # "approved the deal" / "has taken no decision"
    # "the talks were held" (talk, light hold) against "the talks were cancelled" (cancel, theme talk)
    ea, eb = _event_of(a), _event_of(b)
    if ea and eb and lx.same_predicate(ea, eb):
        va = a.light or a.predicate
        vb = b.light or b.predicate
        if lx.opposite(va, vb):
            return "opposite"
        if a.light and b.light:
            return "same"
    # "the strike was called off" against "workers walked out": the calling-off of a happening
    # against the happening itself.
    for x, y in ((a, b), (b, a)):
        ex = _event_of(x)
        if x.predicate in lx.CALLING_OFF and ex and lx.same_predicate(ex, y.predicate):
            return "opposite"
    return "none"


def _opposite_partners() -> dict[str, frozenset[str]]:
    out: dict[str, set[str]] = {}
    for x, y in lx.OPPOSITE_CLASSES:
        out.setdefault(x, set()).add(y)
    return {k: frozenset(v) for k, v in out.items()}


_OPPOSITE_PARTNERS = _opposite_partners()


def relation_keys(f: Frame) -> frozenset[tuple[str, ...]]:
    """Keys such that `relation(a, b) != "none"` only when the two frames share one.

    Each branch of `relation` has its key: the predicate's class (same predicate; a calling-off
    frame also carries its happening's class), an unordered pair of opposite classes, the class
    of the happening a frame is about. Keys may match without a relation (the check is then
    made in full); a relation without a shared key would be a bug, which
    tests/test_contradictions.py looks for. Keep this next to `relation` and in step with it.
    """
    if f.predicate in lx.LIGHT_VERBS and not f.light:
        return frozenset()
    c = lx.predicate_class(f.predicate)
    keys: set[tuple[str, ...]] = {("P", c)}
    keys.update(("O", *sorted((c, o))) for o in _OPPOSITE_PARTNERS.get(c, ()))
    if c in lx.GENERAL_CLASS:
        keys.add(("P", lx.GENERAL_CLASS[c]))  # an approval meets a decision
    e = _event_of(f)
    if e:
        keys.add(("E", lx.predicate_class(e)))
        if f.predicate in lx.CALLING_OFF:
            keys.add(("P", lx.predicate_class(e)))  # "the strike was called off" / "workers struck"
    return frozenset(keys)


def arg_match(x: Arg | None, y: Arg | None) -> int:
    """1 when two arguments name one thing, -1 when they name two, 0 when it cannot be told."""
    if x is None or y is None:
        return 0
    if x.names and y.names:
        if x.names & y.names or any(n in m or m in n for n in x.names for m in y.names):
            return 1
        return -1
    if x.head and x.head == y.head:
        if x.mods and y.mods and not (x.mods & y.mods):
            return -1  # "the eastern runway" and "the western runway"
        return 1
    return 0


def _jaccard(x: frozenset[str], y: frozenset[str]) -> float:
    return len(x & y) / len(x | y) if x or y else 0.0


def align_frames(a: Frame, b: Frame) -> Alignment:
    rel = relation(a, b)
    skip = {a.predicate, b.predicate}
    overlap = _jaccard((a.lemmas | a.names) - skip, (b.lemmas | b.names) - skip)
    actor, theme = arg_match(a.actor, b.actor), arg_match(a.theme, b.theme)
    base = {"same": 0.5, "opposite": 0.45, "kind": 0.45, "none": 0.0}[rel]
    score = base + 0.3 * min(1.0, overlap * 2) + 0.1 * max(actor, 0) + 0.1 * max(theme, 0)
    if rel == "none":
        score = 0.5 * score
    return Alignment(a, b, rel, round(overlap, 4), actor, theme, round(min(1.0, score), 4))


def align(a: SentenceFrames, b: SentenceFrames) -> Alignment | None:
    """The best-aligned pair of frames of two sentences (None when either has no frame)."""
    best: Alignment | None = None
    for fa in a.frames:
        for fb in b.frames:
            cur = align_frames(fa, fb)
            if best is None or cur.score > best.score:
                best = cur
    return best
