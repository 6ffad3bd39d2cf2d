"""Cause detector: two claims give different causes for the same happening, one of them exclusively.

"The session was put back only because the chair fell ill" vs "the meeting was derailed by the
decision to fill the reservoir"; "it capsized because its engine failed, not because of the
weather" vs "it was knocked over by a squall". Causes usually add up ("after a squall, and
because its engine failed"), so two different causes only conflict when one side excludes the
others: "only because", "solely", "the only reason", "not because of ...". The happening both
explain must be the same (the same happening class, with cancellations, postponements and
suspensions as one family: a setback), and the two cause clauses must share no content word.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

from factcheck.tasks.detectors.text import (
    GENERIC_LEMMAS,
    HAPPENING_CLASSES,
    STOP_LEMMAS,
    features,
    lemmas_of,
    phrase_classes,
)
from factcheck.tasks.models import Claim, Evidence, Reason

NAME = "cause"

_SETBACK = frozenset({"cancellation", "postponement", "suspension"})
# Mishaps that have causes, beyond the shared happening classes.
_EXTRA_CLASSES = {lem: "mishap" for lem in lemmas_of(
    "capsize capsized overturn overturned sink sank sunk crash crashed derail derailed collapse collapsed "
    "fire blaze explosion blast exploded outage failure leak flood flooding")}
_EXTRA_PHRASES = [(re.compile(r"\b(?:knock|knocked|went|go|goes|keel|keeled|tip|tipped|turn|turned)\s+over\b", re.I), "mishap")]

_EXCLUSIVE_CUE = re.compile(
    r"\b(?:only|solely|simply|purely|just)\s+(?:because(?:\s+of)?|due\s+to|owing\s+to)\b|\bthe\s+(?:only|sole)\s+(?:reason|cause)\b",
    re.I,
)
_NEGATED_CAUSE = re.compile(r"\bnot\s+(?:because(?:\s+of)?|due\s+to|caused\s+by)\b", re.I)
_CAUSE_CUE = re.compile(
    r"\b(?:because(?:\s+of)?|due\s+to|owing\s+to|caused\s+by|blamed\s+on|as\s+a\s+result\s+of|after|once|"
    r"pointed\s+to|triggered\s+by|sparked\s+by)\b|\b\w+ed\s+(?:over\s+)?by\b",
    re.I,
)
_CLAUSE_END = re.compile(r"[;\"]|,\s+(?:the|a|an|its|their|according|said|says|he|she|they|officials?|adding|and|but|which|who)\b|\.(?:\s|$)", re.I)


class Cause(NamedTuple):
    effect: frozenset[str]  # happening classes the cause explains (setbacks as "setback")
    lemmas: frozenset[str]  # content words of the cause clause
    span: tuple[int, int]
    exclusive: bool


def _family(classes: set[str]) -> frozenset[str]:
    return frozenset("setback" if c in _SETBACK else c for c in classes)


def _classes(f, start: int, end: int) -> set[str]:
    out: set[str] = set()
    for t in f.tokens:
        if start <= t.start < end and t.kind == "word":
            out |= HAPPENING_CLASSES.get(t.lemma, frozenset())
            if t.lemma in _EXTRA_CLASSES:
                out.add(_EXTRA_CLASSES[t.lemma])
    segment = f.text[start:end]
    out |= phrase_classes(segment)
    out |= {cls for rx, cls in _EXTRA_PHRASES if rx.search(segment)}
    return out


def _lemmas(f, start: int, end: int) -> frozenset[str]:
    return frozenset(
        ("E:" + t.lower[:6]) if t.entity else t.lemma
        for t in f.tokens
        if start <= t.start < end and t.kind == "word" and t.lemma not in STOP_LEMMAS and len(t.lemma) > 2
        and t.lemma not in GENERIC_LEMMAS
    )


@lru_cache(maxsize=32768)
def causes(text: str) -> tuple[Cause, ...]:
    """The causes a sentence gives, each with the happening it explains."""
    f = features(text)
    s = f.text
    out = []
    negated = [m for m in _NEGATED_CAUSE.finditer(s)]
    for m in _CAUSE_CUE.finditer(s):
        if any(n.start() <= m.start() < n.end() for n in negated):
            continue
        if m.group().lower().startswith("due") and re.search(r"\b(?:be|been|was|were|is|are|am|being)\s*$", s[max(0, m.start() - 8) : m.start()], re.I):
            continue  # "had been due to meet": a schedule, not a cause
        if m.group().lower() in ("after", "once") and not _classes(f, max(0, m.start() - 60), m.start()) & (_SETBACK | {"mishap"}):
            continue  # "after" is mostly a time: only read as a cause right after a setback or mishap
        end_m = _CLAUSE_END.search(s, m.end())
        end = end_m.start() if end_m else len(s)
        lemmas = _lemmas(f, m.end(), end)
        effect = _family(_classes(f, max(0, m.start() - 90), m.end()))
        if not lemmas or not effect:
            continue
        excl = _EXCLUSIVE_CUE.search(s, max(0, m.start() - 12), m.end() + 1)
        ex = excl is not None or any(n.start() > m.start() for n in negated)  # "because X, not because of Y"
        start = excl.start() if excl is not None and excl.start() < m.start() else m.start()
        out.append(Cause(effect, lemmas, (start, end), ex))
    return tuple(out)


def detect(a: Claim, b: Claim) -> Reason | None:
    """A Reason when one claim gives an exclusive cause and the other a different cause of the same happening."""
    ca, cb = causes(a.text), causes(b.text)
    if not ca or not cb:
        return None
    for x in ca:
        for y in cb:
            if not (x.exclusive or y.exclusive):
                continue
            shared_effect = x.effect & y.effect
            if not shared_effect or x.lemmas & y.lemmas:
                continue
            what = sorted(shared_effect)[0]
            ev_a = (Evidence(a.text[x.span[0] : x.span[1]], *x.span),)
            ev_b = (Evidence(b.text[y.span[0] : y.span[1]], *y.span),)
            msg = f"{what}: {ev_a[0].text!r} vs {ev_b[0].text!r} ({'exclusive' if x.exclusive and y.exclusive else 'one cause excludes the other'})"
            return Reason(NAME, msg, 0.65, ev_a, ev_b)
    return None
