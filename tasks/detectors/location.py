"""Location detector: one side places a whole happening in one named place, the other reports part
of it in another named place.

"All eleven victims died in Velsk itself" vs "In Brenn, 20 km away, two residents were killed";
"the arrests were made only in Corvath" vs "police detained three protesters in Lisk". Places
usually add up (deaths in two villages), so a second place only conflicts with an exclusive
placement: "all ... in X", "in X itself", "only in X", "in X rather than in Y". Both sides must
report the same happening class (deaths, injuries, arrests, an explosion...), the other place
must be a name introduced by "in"/"at" that the exclusive side never mentions, and the exclusive
place must not appear on the other side (then the other sentence is about both places).
"""

from __future__ import annotations

import re
from functools import lru_cache

from factcheck.tasks.detectors.text import HAPPENING_CLASSES, entity_key, features
from factcheck.tasks.models import Claim, Evidence, Reason

NAME = "location"

_PLACE = r"(?P<place>[A-Z][\w'-]+(?:\s+[A-Z][\w'-]+)?)"
_EXCLUSIVE = [
    re.compile(r"\b(?:in|at)\s+" + _PLACE + r"\s+itself\b"),
    re.compile(r"\b(?:only|solely|exclusively)\s+(?:in|at)\s+" + _PLACE),
    re.compile(r"\b(?:all|every\s+one|each)\s+of\s+(?:the\s+)?[^.;,]{0,40}?\b(?:in|at)\s+" + _PLACE),
    re.compile(r"\b(?:All|all)\s+(?:\w+\s+){0,3}(?:\w+ed|died|were|was)\s+(?:\w+\s+){0,2}?(?:in|at)\s+" + _PLACE),
]
_PLACED = re.compile(r"(?:^|[\s,(])(?:[Ii]n|[Aa]t|[Nn]ear)\s+" + _PLACE)
# Classes a one-off happening with victims or participants belongs to.
_PLACEABLE = frozenset({"casualty", "injury", "arrest", "evacuation", "explosion", "attack"})
_NOT_PLACES = frozenset({"january", "february", "march", "april", "may", "june", "july", "august", "september",
                         "october", "november", "december", "monday", "tuesday", "wednesday", "thursday",
                         "friday", "saturday", "sunday", "the", "all", "this", "that"})


@lru_cache(maxsize=32768)
def exclusive_place(text: str) -> tuple[str, int, int] | None:
    """(place key, start, end) when the sentence places a whole happening in one named place."""
    s = features(text).text
    for rx in _EXCLUSIVE:
        m = rx.search(s)
        if m and m.group("place").split()[0].lower() not in _NOT_PLACES:
            return entity_key(m.group("place").split()[0]), m.start(), m.end()
    return None


@lru_cache(maxsize=32768)
def places(text: str) -> tuple[tuple[str, int, int], ...]:
    """Named places a sentence puts something in ("in Brenn", "at Dunmere")."""
    s = features(text).text
    out = []
    for m in _PLACED.finditer(s):
        word = m.group("place").split()[0]
        if word.lower() not in _NOT_PLACES:
            out.append((entity_key(word), m.start("place"), m.end("place")))
    return tuple(out)


@lru_cache(maxsize=32768)
def _classes(text: str) -> frozenset[str]:
    return frozenset({c for t in features(text).tokens if t.kind == "word" and not t.negated
                      for c in HAPPENING_CLASSES.get(t.lemma, ())} & _PLACEABLE)


def _one_way(x: Claim, y: Claim) -> tuple[Evidence, Evidence, str] | None:
    ex = exclusive_place(x.text)
    if ex is None:
        return None
    key, s, e = ex
    shared = _classes(x.text) & _classes(y.text)
    if not shared:
        return None
    fx, fy = features(x.text), features(y.text)
    if key in fy.entities or key in fy.maybe_entities:
        return None  # the other sentence names the exclusive place too: it is about both
    for other, ps, pe in places(y.text):
        if other != key and other not in fx.entities and other not in fx.maybe_entities:
            return Evidence(x.text[s:e], s, e), Evidence(y.text[ps:pe], ps, pe), sorted(shared)[0]
    return None


def detect(a: Claim, b: Claim) -> Reason | None:
    """A Reason when one claim puts a whole happening in one place and the other part of it elsewhere."""
    for x, y, flip in ((a, b, False), (b, a, True)):
        found = _one_way(x, y)
        if found is None:
            continue
        ev_x, ev_y, cls = found
        msg = f"{cls}: {ev_x.text!r} (all there) vs in {ev_y.text}"
        return Reason(NAME, msg, 0.6, (ev_y,) if flip else (ev_x,), (ev_x,) if flip else (ev_y,))
    return None
