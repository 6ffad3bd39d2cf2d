"""Historic-record detector: two superlatives over time that cannot both hold.

"The strongest quake in more than 100 years" vs "the most powerful since 1987": the second says
something at least as strong happened in 1987, so nothing was stronger than this for more than
the years since 1987 only. Conflict when the "in N years" claim reaches further back than the
"since YEAR" one allows (N > years since YEAR). Both must be superlatives of one family
(strong/powerful, big/large, deadly/worst, high, low) about the same thing (a shared content word).
"""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache
from typing import NamedTuple

from factcheck.tasks.detectors.text import GENERIC_LEMMAS, features
from factcheck.tasks.models import Claim, Evidence, Reason

NAME = "record"

_FAMILIES = {
    "strongest": "strength", "most powerful": "strength", "most intense": "strength", "most severe": "strength",
    "biggest": "size", "largest": "size", "greatest": "size",
    "deadliest": "toll", "worst": "toll", "most deadly": "toll", "most destructive": "toll",
    "highest": "high", "lowest": "low", "wettest": "wet", "driest": "dry", "hottest": "hot", "coldest": "cold",
}
_SUPER = "|".join(sorted((re.escape(k).replace(r"\ ", r"\s+") for k in _FAMILIES), key=len, reverse=True))
_NUM_WORDS = {"a": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
              "ten": 10, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "hundred": 100}
_SPAN = re.compile(
    r"\b(?P<sup>" + _SUPER + r")\b[^.;]{0,80}?\b(?:in|for)\s+(?:more\s+than\s+|over\s+|almost\s+|nearly\s+)?"
    r"(?:a\s+)?(?P<n>\d+|[a-z]+)\s+(?P<unit>years|decades|centuries|century)\b",
    re.I,
)
_SINCE = re.compile(r"\b(?P<sup>" + _SUPER + r")\b[^.;]{0,80}?\bsince\s+(?P<year>1[5-9]\d\d|20\d\d)\b", re.I)


class Record(NamedTuple):
    family: str
    years: float  # how far back the record reaches
    bound: str  # "span" (in N years) or "since"
    start: int
    end: int


@lru_cache(maxsize=32768)
def records(text: str, ref_year: int) -> tuple[Record, ...]:
    s = features(text).text
    out = []
    for m in _SPAN.finditer(s):
        n = m.group("n").lower()
        value = int(n) if n.isdigit() else _NUM_WORDS.get(n)
        if value is None:
            continue
        unit = m.group("unit").lower()
        years = value * (10 if unit.startswith("decade") else 100 if unit.startswith("centur") else 1)
        out.append(Record(_FAMILIES[" ".join(m.group("sup").lower().split())], years, "span", m.start(), m.end()))
    for m in _SINCE.finditer(s):
        years = ref_year - int(m.group("year"))
        if years > 0:
            out.append(Record(_FAMILIES[" ".join(m.group("sup").lower().split())], years, "since", m.start(), m.end()))
    return tuple(out)


def _ref_year(a: Claim, b: Claim) -> int:
    years = [d.value.year for c in (a, b) for d in c.dates if d.value is not None and d.granularity in ("day", "time")]
    return max(years) if years else date.today().year


@lru_cache(maxsize=32768)
def _has_record(text: str) -> bool:
    return bool(_SUPER_RE.search(text)) and bool(_SPAN.search(text) or _SINCE.search(text))


_SUPER_RE = re.compile(r"\b(?:" + _SUPER + r")\b", re.I)


def detect(a: Claim, b: Claim) -> Reason | None:
    """A Reason when "the strongest in N years" reaches further back than "the strongest since YEAR" allows."""
    if not _has_record(a.text) or not _has_record(b.text):
        return None
    fa, fb = features(a.text), features(b.text)
    if not {w for w in fa.content & fb.content if w not in GENERIC_LEMMAS}:
        return None  # superlatives about different things
    ref = _ref_year(a, b)
    for x in records(a.text, ref):
        for y in records(b.text, ref):
            if x.family != y.family or x.bound == y.bound:
                continue
            span, since = (x, y) if x.bound == "span" else (y, x)
            if span.years > since.years + 1:
                ev_a = (Evidence(a.text[x.start : x.end], x.start, x.end),)
                ev_b = (Evidence(b.text[y.start : y.end], y.start, y.end),)
                msg = f"record: {ev_a[0].text!r} vs {ev_b[0].text!r} (a stronger one {since.years} years ago)"
                return Reason(NAME, msg, 0.6, ev_a, ev_b)
    return None
