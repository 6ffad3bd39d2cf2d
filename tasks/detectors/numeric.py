"""Numeric detector: two claims give incompatible figures for the same counted thing.

Each quantity becomes an interval (approximations and bounds widen it, "about 40" is 36-44,
"more than 200" is 200-inf) in a normalised unit, with a "kind": the unit plus what it counts
(a role such as deaths or injuries, or the counted noun). Figures conflict only when every
comparable pair of intervals (and the sum of several figures, "3.5 percent and a further 3
percent" vs "6.5 percent") is disjoint. Different dates, update wording ("rose to"), forecasts
and differently named subjects ("the Leeds plant" vs "the Hull plant") suppress the comparison:
those are the classic false alarms of number matching.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache

from factcheck.tasks.detectors.text import (
    GENERIC_LEMMAS,
    STOPWORDS,
    Features,
    shared_entities,
    different_named_subjects,
    features,
    lemma,
    lemmas_of,
    part_vs_whole,
    window_lemmas,
)
from factcheck.tasks.models import Claim, Evidence, Quantity, Reason

NAME = "numeric"

_UNITS: dict[str, tuple[str, float]] = {
    "%": ("percent", 1.0), "percent": ("percent", 1.0), "per cent": ("percent", 1.0), "pct": ("percent", 1.0),
    "percentage point": ("pp", 1.0), "point": ("pp", 1.0), "pp": ("pp", 1.0),
    "basis point": ("pp", 0.01), "bp": ("pp", 0.01), "bps": ("pp", 0.01),
    "km": ("metre", 1000.0), "kilometre": ("metre", 1000.0), "kilometer": ("metre", 1000.0),
    "m": ("metre", 1.0), "metre": ("metre", 1.0), "meter": ("metre", 1.0),
    "cm": ("metre", 0.01), "mile": ("metre", 1609.344),
    "$": ("usd", 1.0), "usd": ("usd", 1.0), "dollar": ("usd", 1.0),
    "€": ("eur", 1.0), "eur": ("eur", 1.0), "euro": ("eur", 1.0),
    "£": ("gbp", 1.0), "gbp": ("gbp", 1.0), "pound": ("gbp", 1.0),
    "kg": ("kg", 1.0), "kilogram": ("kg", 1.0), "tonne": ("kg", 1000.0), "ton": ("kg", 1000.0),
}

# What is counted, by role words near the number or the counted noun itself.
_ROLES = {
    "death": lemmas_of("kill killed killing dead death deaths die died fatality fatalities toll victim victims life lives"),
    "injury": lemmas_of("injure injured injuring injury injuries wound wounded hurt hospitalised hospitalized treated hospital"),
    "missing": lemmas_of("missing unaccounted"),
    "evacuation": lemmas_of("evacuate evacuated evacuation"),
    "arrest": lemmas_of("arrest arrested detain detained"),
    "employment": lemmas_of("employ employs employed employee employees workforce"),
    "displacement": lemmas_of("homeless displaced"),
}
_ROLE_OF = {lem: role for role, lems in _ROLES.items() for lem in lems}
_PERSON = lemmas_of("people person persons worker workers resident residents inhabitant inhabitants individual staff adult")
_GENERIC_COUNTED = lemmas_of("percent cent per time unit number figure total amount rate point") | {""}
_FORECAST = lemmas_of("expect expects expected forecast forecasts project projected projection predict predicted assume assumed anticipate estimate target outlook")
_UPDATE_RE = re.compile(r"\b(?:rose|risen|rise[sn]?|climbed|climbs?|increased|jumped|grew|grown|mounted|now|so far|latest|updated)\s+(?:to\s+)?$")
_PART_OF_RE = re.compile(
    r"^\s*(?:of|out of)\s+(?:the|its|their|all)?\s*(?:\w+'?s?\s+){0,2}?"
    r"(?:\d+|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|hundred)\b",
    re.I,
)
# A figure from another time: "at its peak in the 1990s the plant employed 3,000", "once had 900".
_HISTORIC_RE = re.compile(
    r"\b(?:at (?:its|their|the) (?:peak|height)|in the (?:1[89]|20)\d0s|back in|in (?:1[89]\d\d|20[01]\d)\b|"
    r"formerly|previously|used to|once (?:had|employed|was|were)|decades? ago|years ago)[^.;:]*$",
    re.I,
)
_PAST_WHEN_RE = re.compile(r"\b(?:in|since|back in)\s+(?:1[89]\d\d|20[0-2]\d),?\s+when\b[^.;]*$", re.I)
# "said on Monday", "told a meeting of staff on Tuesday": the day of the speech, not of the figure.
_SPEECH_DATE_RE = re.compile(
    r"\b(?:said|says|told|announced|confirmed|added|stated|wrote|reported|briefing|statement|interview)\b[^,;.]{0,40}$",
    re.I,
)
# The other figures on one side are parts of this one: "850 jobs in total", "a total of 850".
_TOTAL_AFTER_RE = re.compile(r"^[^,;.]{0,40}?\b(?:in total|in all|altogether|overall)\b", re.I)
_TOTAL_BEFORE_RE = re.compile(r"\b(?:a total of|in total|altogether|all told|total of)\s*$", re.I)
# Change words: "lifted pay by 5.5 percent" and "a 3.5 percent rise" count the same thing.
_CHANGE_UP = lemmas_of("rise rose risen raise raised increase increased lift lifted hike hiked boost boosted gain gained grow grew growth increment")
_CHANGE_DOWN = lemmas_of("cut cuts fall fell fallen drop dropped decrease decreased reduce reduced reduction decline declined lower lowered")
_WHOLE_RE = re.compile(
    r"\b(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\s+(?:out\s+)?of\s+(?:the|its|their|all)\s+(?:[\w']+\s+)?$",
    re.I,
)
# Bounds the extractor may have missed, read from the words just before the figure.
_AT_MOST_RE = re.compile(r"\b(?:up to|as many as|as much as|no more than|not more than|at most|a maximum of)\s*$", re.I)
_NEAR_RE = re.compile(r"\b(?:near|around|about|roughly|approximately|some|close on)\s*$", re.I)
# An offer or estimate presented as the newest one: "the latest offer, tabled on Sunday, is 4 percent".
_NEWER_RE = re.compile(r"\b(?:latest|newest|improved|fresh|updated|sweetened|new)\s+(?:\w+\s+)?(?:offer|proposal|bid|estimate|figure|count|tally|toll)\b[^.;]*$", re.I)
_PART_RE = re.compile(r"^\s*(?:of|out of)\s+(?:the|those|these|them|its|their)\b", re.I)
_BELOW_RE = re.compile(r"\b(?:nearly|almost|just under|close to|fewer than|less than|under)\s*$", re.I)
_YEAR_RE = re.compile(r"^(?:in |since |by )?(1[89]\d\d|20\d\d)$")
_TIME_RE = re.compile(r"\d[:.]\d\d\s*(?:a\.?m|p\.?m)|\b(?:a\.m|p\.m)\b|\d\d:\d\d|gmt", re.I)


@dataclass(frozen=True)
class _Q:
    q: Quantity
    unit: str
    kind: str  # role or counted class; "" when generic
    lo: float
    hi: float
    local: frozenset[str]  # nearby content lemmas (no entities, no generic words)
    local_entities: frozenset[str]
    role_span: tuple[int, int] | None
    counted: str  # the extractor's counted word, lemmatised ("" when none)
    noun: str  # noun the figure is written with ("six people", "6.1 earthquake"), lemmatised
    modifier: str  # a noun directly after the span that the figure modifies ("2 million crown loan")
    rate: str  # "day" for "60 million crowns a day", "" when the figure is not a rate
    past: bool = False  # a figure from another time ("at its peak in the 1990s ... employed 3,000")
    total: bool = False  # marked as a total ("850 jobs in total"): other figures may be its parts


def _unit(q: Quantity) -> tuple[str, float]:
    if not q.unit:
        return "", 1.0
    u = q.unit.lower().strip().rstrip(".")
    if u in _UNITS:
        return _UNITS[u]
    if u.endswith("s") and u[:-1] in _UNITS:
        return _UNITS[u[:-1]]
    return lemma(u), 1.0


def _interval(q: Quantity, factor: float, before: str) -> tuple[float, float]:
    v = q.value * factor
    if q.approx == "exact" and _AT_MOST_RE.search(before):
        return 0.0, v
    if q.approx == "exact" and _BELOW_RE.search(before):
        return v * 0.85, v
    if q.approx == "exact" and _NEAR_RE.search(before):
        return v * 0.9, v * 1.1
    if q.approx == "range" and q.upper is not None:
        return min(v, q.upper * factor), max(v, q.upper * factor)
    if q.approx == "about":
        return v * 0.9, v * 1.1
    if q.approx in ("at_least", "more_than"):
        return v, math.inf
    if q.approx in ("at_most", "less_than"):
        return 0.0, v
    scaled = any(w in q.text.lower() for w in ("million", "billion", "thousand", "trillion", "bn"))
    tol = 0.05 if scaled else 0.01 if v >= 100 else 0.0
    return v * (1 - tol), v * (1 + tol)


def _skip(q: Quantity, sentence: str) -> bool:
    """Years, clock times and part-of-whole counts ("five of the seven members") are not figures to compare."""
    text = q.text.strip().lower()
    if q.value is None or _YEAR_RE.match(text) and not q.unit:
        return True
    if _TIME_RE.search(sentence[q.start : q.end + 6]):
        return True
    if _WHOLE_RE.search(sentence[max(0, q.start - 40) : q.start]):
        return True  # the seven in "two of the committee's seven members"
    # "five of the injured", "60 of the 140 jobs": a part of a group, not the group's size.
    return bool(_PART_OF_RE.match(sentence[q.end : q.end + 30]) or (not q.unit and _PART_RE.match(sentence[q.end : q.end + 20])))


@lru_cache(maxsize=32768)
def _prepare(claim: Claim) -> tuple[_Q, ...]:
    """The claim's comparable figures (cached per claim: an event scores each claim against many)."""
    f = features(claim.text)
    out = []
    for q in claim.numbers:
        if _skip(q, f.text):
            continue
        unit, factor = _unit(q)
        counted = _norm_change(lemma(q.counted)) if q.counted else ""
        near = [_norm_change(w) for w in window_lemmas(f, q.start, q.end, before=4, after=4)]
        if any(lem in _FORECAST for lem in window_lemmas(f, q.start, q.end, before=8, after=3)):
            continue
        prev = out[-1] if out else None
        bare = not [w for w in _WORD_RE.findall(q.text) if w.lower() not in _NUMBER_WORDS]
        if prev is not None and prev.noun and prev.unit == unit and bare and _ELLIPSIS_RE.match(f.text[prev.q.end : q.start]):
            counted = prev.counted  # "900 jobs at the plant and 300 at head office": 300 jobs
        kind, role_span = _kind(f, q, counted, near)
        if not unit and not kind:
            continue  # a bare number with nothing counted: nothing to compare
        before = f.text[max(0, q.start - 20) : q.start]
        q_eff = q if "estimated" not in q.text.lower() or q.approx != "exact" else _about(q)
        lo, hi = _interval(q_eff, factor, before)
        skip = _ROLE_WORDS | _UNIT_LEMMAS | GENERIC_LEMMAS | _other_figure_words(f, claim.numbers, q)
        local = frozenset(x for x in near if not x.startswith("E:") and x not in skip) | (
            {counted} if counted and counted not in skip else set()
        )
        wide = window_lemmas(f, q.start, q.end, before=8, after=4)
        ents = frozenset(x[2:] for x in wide if x.startswith("E:"))
        words = [w for w in _WORD_RE.findall(q.text) if w.lower() not in _NUMBER_WORDS]
        noun = lemma(words[-1]) if words else (prev.noun if prev is not None and counted == prev.counted else "")
        m = _MODIFIED_RE.match(f.text, q.end)
        modifier = lemma(m.group(1)) if m and m.group(1).lower() not in _NOT_NOUNS and m.group(1).lower() not in STOPWORDS else ""
        r = _RATE_RE.match(f.text, q.end)
        clause = re.split(r"[,;:]", f.text[max(0, q.start - 80) : q.start])[-1]
        past = bool(_HISTORIC_RE.search(clause) or _PAST_WHEN_RE.search(f.text[max(0, q.start - 80) : q.start]))
        total = bool(_TOTAL_AFTER_RE.match(f.text[q.end : q.end + 50]) or _TOTAL_BEFORE_RE.search(f.text[max(0, q.start - 14) : q.start]))
        out.append(_Q(q, unit, kind, lo, hi, local, ents, role_span, counted, noun, modifier, lemma(r.group(1)) if r else "",
                      past, total))
    return tuple(out)


def _other_figure_words(f: Features, numbers: tuple[Quantity, ...], q: Quantity) -> frozenset[str]:
    """Words that belong to the sentence's other figures ("a 2 million crown loan"): they describe
    those figures, not this one, so they are no context for it."""
    out = set()
    for o in numbers:
        if o is q or (o.start <= q.start < o.end):
            continue
        out.update(t.lemma for t in f.tokens if o.start <= t.start < o.end and t.kind == "word")
    return frozenset(out)


def _norm_change(lem: str) -> str:
    """ "rise", "lift", "increase" are one counted thing for a figure ("a 3.5 percent rise")."""
    return "+change" if lem in _CHANGE_UP else "-change" if lem in _CHANGE_DOWN else lem


def _about(q: Quantity) -> Quantity:
    return Quantity(q.value, q.text, q.start, q.end, q.unit, q.counted, "about", q.upper)


_WORD_RE = re.compile(r"[A-Za-z]+")
# Between "900 jobs at the plant" and "300 at head office": a coordination, no other figure.
_ELLIPSIS_RE = re.compile(r"^[^\d;.]{0,60}(?:,|\band\b|\bwith\b|\bplus\b|\bwhile\b)\s*(?:a further|another|a|an|some|about|around|nearly)?\s*$", re.I)
_NUMBER_WORDS = frozenset(
    """a an the one two three four five six seven eight nine ten eleven twelve twenty thirty forty fifty
    hundred thousand million billion trillion bn dozen dozens of about around some nearly almost roughly
    more than less fewer at least most up to over under estimated per cent percent half quarter third
    fifth tenth tenths percentage point points basis""".split()
)
_NOT_NOUNS = frozenset(
    """and or of in on at to for from by with as than a an the who which that more less north south east west
    northeast northwest southeast southwest away ahead higher lower up down long wide deep high tall old later
    earlier ago apiece each""".split()
)
_MODIFIED_RE = re.compile(r"[ -]([a-z]{3,})\b")
_RATE_RE = re.compile(r"\s+(?:a|per|each|every)\s+([a-z]+)\b(?!\s+(?:later|earlier|ago|after|before|on|from))", re.I)


_UNIT_LEMMAS = frozenset(lemma(u) for u in _UNITS if u.isalpha()) | lemmas_of("percent cent")
_ROLE_WORDS = frozenset(_ROLE_OF)


def _kind(f: Features, q: Quantity, counted: str, near: list[str]) -> tuple[str, tuple[int, int] | None]:
    """Role of the figure (deaths, injuries...) or its counted noun; "" when only generic."""
    if counted in _ROLE_OF:
        return _ROLE_OF[counted], None
    if counted and counted not in _PERSON and counted not in _GENERIC_COUNTED:
        return counted, None
    # Nearest role word in the clause: "killing six people", "23 were hurt".
    best, best_d, span = None, 99, None
    for t in f.tokens:
        if t.kind == "word" and t.lemma in _ROLE_OF:
            d = q.start - t.end if t.end <= q.start else t.start - q.end
            if 0 <= d < best_d and d <= 40:
                best, best_d, span = _ROLE_OF[t.lemma], d, (t.start, t.end)
    if best:
        return best, span
    return ("person" if counted in _PERSON else ""), None


def _comparable(x: _Q, y: _Q, a: Features, b: Features) -> bool:
    """Do the two figures measure the same thing? Conservative: unsure means no."""
    if x.unit != y.unit or x.past != y.past:
        return False  # a figure from the 1990s and today's
    if x.local_entities and y.local_entities and not (x.local_entities & b.entities) and not (y.local_entities & a.entities):
        return False  # "the Leeds plant employs 400" vs "the Hull plant employs 250"
    if x.modifier and y.modifier and x.modifier != y.modifier and x.modifier not in b.content and y.modifier not in a.content:
        return False  # "a 6.1 earthquake" vs "a 4.8 aftershock"
    if (not (x.kind or y.kind) or (x.kind == y.kind == x.counted and not (x.noun or y.noun))) and (
        (x.modifier and not y.modifier and x.modifier not in b.content)
        or (y.modifier and not x.modifier and y.modifier not in a.content)
    ):
        return False  # "a magnitude 4.8 aftershock" vs "the quake, of magnitude 6.1"
    if x.rate != y.rate and not (x.rate and not y.rate and _has_rate(b.text, x.rate)) and not (
        y.rate and not x.rate and _has_rate(a.text, y.rate)
    ):
        return False  # "60 million crowns a day" vs "250 million crowns"
    if _far_apart(x, y):
        return False  # a share price and a company's value, a town's population and a casualty count
    context = bool((x.local & y.local) - {x.counted, y.counted}) or bool(shared_entities(a.text, b.text))
    if x.kind in _ROLES or y.kind in _ROLES or not x.unit:
        # Counts: same role or counted noun, the same sort of people, and some shared context.
        if x.kind != y.kind or not x.kind:
            return False
        nx, ny = x.noun, y.noun
        if nx and ny and nx != ny and not (nx in _PERSON and ny in _PERSON):
            return False  # "four children" vs "two residents" among the dead
        # A specific counted noun ("31 detainees" / "18 detainees") is context enough in one event.
        return context or bool(x.counted and x.counted == y.counted and x.kind == x.counted)
    # Amounts and shares: the counted noun of one must sit next to the other ("pay offer to 6.5
    # percent" / "lifted pay by 5.5 percent"), or both lack one and share two nearby words.
    cx = x.counted if x.counted not in _GENERIC_COUNTED else ""
    cy = y.counted if y.counted not in _GENERIC_COUNTED else ""
    if cx and cx == cy:
        return context
    if (cx and cx in y.local) or (cy and cy in x.local):
        return True
    return not (cx and cy) and len(x.local & y.local) >= 2


def _has_rate(text: str, noun: str) -> bool:
    return any(lemma(m.group(1)) == noun for m in _RATE_ANYWHERE_RE.finditer(text))


_RATE_ANYWHERE_RE = re.compile(r"\b(?:a|per|each|every|for each)\s+([a-z]+)\b", re.I)


def _far_apart(x: _Q, y: _Q) -> bool:
    lo, hi = sorted((x, y), key=lambda q: q.lo)
    return lo.hi < math.inf and hi.lo > 0 and lo.hi > 0 and hi.lo / lo.hi > 50


def _overlap(lo1: float, hi1: float, lo2: float, hi2: float) -> bool:
    return lo1 <= hi2 and lo2 <= hi1


def _gap(x: _Q, y: _Q) -> float:
    lo, hi = (x, y) if x.hi < y.lo else (y, x)
    return (hi.lo - lo.hi) / max(hi.lo, 1e-9)


def _sum_interval(qs: list[_Q]) -> tuple[float, float]:
    return sum(q.lo for q in qs), sum(q.hi for q in qs)


def _dates_differ(a: Claim, b: Claim, speech: bool = True) -> bool:
    """Both claims are dated and to different days (or months): figures may have changed between.

    With `speech=False`, dates of the saying ("said on Monday", "told staff on Tuesday") are
    ignored: a plan's figure does not change because it is repeated a day later.
    """
    da, ma = _day_and_month_sets(a, speech)
    db, mb = _day_and_month_sets(b, speech)
    if da and db and not (da & db):
        return True
    return bool(ma and mb and not (ma & mb))


@lru_cache(maxsize=32768)
def _day_and_month_sets(c: Claim, speech: bool) -> tuple[frozenset, frozenset]:
    """The days and the (year, month)s a claim is dated to; without `speech`, not those of the saying."""
    dated = [d for d in c.dates if d.value is not None and d.granularity in ("day", "month")
             and (speech or not _SPEECH_DATE_RE.search(c.text[max(0, d.start - 60) : d.start]))]
    days = frozenset(d.value for d in dated if d.granularity == "day")
    return days, frozenset((d.value.year, d.value.month) for d in dated)


_MARKET_UNITS = frozenset({"percent", "pp"})
TOLL_KINDS = frozenset({"death", "injury", "missing", "evacuation", "arrest", "displacement"})


def toll_update(a: Claim, b: Claim, published_a, published_b) -> bool:
    """A later report with a higher casualty-type figure is an update, not a contradiction."""
    if published_a is None or published_b is None or published_a.date() == published_b.date():
        return False
    early, late = (a, b) if published_a < published_b else (b, a)
    qe = [x for x in _prepare(early) if x.kind in TOLL_KINDS]
    ql = [x for x in _prepare(late) if x.kind in TOLL_KINDS]
    return any(x.kind == y.kind and y.hi >= x.lo for x in qe for y in ql)


def _is_update(q: Quantity, sentence: str) -> bool:
    return bool(_UPDATE_RE.search(sentence[max(0, q.start - 25) : q.start].lower())
                or _NEWER_RE.search(sentence[max(0, q.start - 60) : q.start]))


def _describe(x: _Q, text: str) -> tuple[str, tuple[Evidence, ...]]:
    label = x.q.text.strip()
    start = x.q.start + (len(x.q.text) - len(x.q.text.lstrip()))
    ev = [Evidence(label, start, start + len(label))]
    if x.role_span:
        s, e = x.role_span
        word = text[s:e]
        ev.append(Evidence(word, s, e))
        label = f"{word} {label}" if e <= x.q.start else f"{label} {word}"
    return label, tuple(ev)


def _thing(q: _Q) -> str:
    """What a figure counts, for agreement: its role or counted noun."""
    return q.kind or q.counted


Side = tuple[_Q, ...]  # one figure, or the parts of a sum ("900 jobs at X and 300 at Y")


def _span(side: Side) -> tuple[float, float]:
    return _sum_interval(list(side))


def _unit_conflicts(qa: list[_Q], qb: list[_Q], fa: Features, fb: Features) -> list[tuple[Side, Side]]:
    """Conflicting comparable figures of one unit.

    A disjoint pair is cancelled only by agreement on the same counted thing: either figure
    agreeing with a comparable figure on the other side, a pair of figures counting the same
    things that agree, or a sum of the parts on one side matching. "Four crew" agreeing with "a
    crew of four" says nothing about 64 vs 41 passengers. When one side lists several parts of
    the counted thing, the other figure is compared with their sum (a part is not a total).
    """
    pairs = [(x, y) for x in qa for y in qb if _comparable(x, y, fa, fb)]
    if not pairs:
        return []
    agree = [(x, y) for x, y in pairs if _overlap(x.lo, x.hi, y.lo, y.hi)]
    out: list[tuple[Side, Side]] = []
    seen: set[tuple[int, ...]] = set()
    for x, y in pairs:
        if _overlap(x.lo, x.hi, y.lo, y.hi):
            continue
        if any(x2 is x or y2 is y or (_thing(x2) == _thing(x) and _thing(y2) == _thing(y)) for x2, y2 in agree):
            continue
        if _is_update(x.q, fa.text) or _is_update(y.q, fb.text):
            continue
        parts_x = tuple(q for q in qa if q is x or (_thing(q) == _thing(x) and q.past == x.past))
        parts_y = tuple(q for q in qb if q is y or (_thing(q) == _thing(y) and q.past == y.past))
        side_x: Side = parts_x if len(parts_x) >= 2 and not any(q.total for q in parts_x) else (x,)
        side_y: Side = parts_y if len(parts_y) >= 2 and not any(q.total for q in parts_y) else (y,)
        if len(side_x) >= 2 and len(side_y) >= 2:
            side_x, side_y = (x,), (y,)  # parts on both sides: compare like with like
        if _overlap(*_span(side_x), *_span(side_y)):
            continue  # "900 at the plant and 300 at head office" vs "1,200 in total"
        if len(side_x) >= 2 and any(_overlap(q.lo, q.hi, y.lo, y.hi) for q in side_x):
            continue
        if len(side_y) >= 2 and any(_overlap(q.lo, q.hi, x.lo, x.hi) for q in side_y):
            continue
        key = tuple(sorted(id(q) for q in side_x + side_y))
        if key not in seen:
            seen.add(key)
            out.append((side_x, side_y))
    return out


def detect(a: Claim, b: Claim) -> Reason | None:
    """A Reason when the two claims give incompatible figures for the same thing, else None."""
    if not a.numbers or not b.numbers or _dates_differ(a, b, speech=False):
        return None
    qa, qb = _prepare(a), _prepare(b)
    if _dates_differ(a, b):  # said on different days: only figures that do not change by the day
        qa = [x for x in qa if x.kind not in TOLL_KINDS and x.unit not in _MARKET_UNITS]
        qb = [y for y in qb if y.kind not in TOLL_KINDS and y.unit not in _MARKET_UNITS]
    if not qa or not qb:
        return None
    if different_named_subjects(a.text, b.text) or part_vs_whole(a.text, b.text):
        return None
    fa, fb = features(a.text), features(b.text)
    conflicts = []
    for unit in {x.unit for x in qa} & {y.unit for y in qb}:
        conflicts += _unit_conflicts([x for x in qa if x.unit == unit], [y for y in qb if y.unit == unit], fa, fb)
    if not conflicts:
        return None
    xs, ys = max(conflicts, key=lambda p: (bool(p[0][0].kind and p[1][0].kind), _side_gap(*p)))
    x, y = xs[0], ys[0]
    gap = _side_gap(xs, ys)
    base = 0.85 if x.kind and y.kind else 0.7
    exact_both = all(q.q.approx == "exact" for q in xs + ys)
    weight = base * (0.75 + 0.25 * min(1.0, gap / 0.5)) * (1.0 if exact_both else 0.95)
    la, ev_a = _describe_side(xs, a.text)
    lb, ev_b = _describe_side(ys, b.text)
    return Reason(NAME, f"{la} vs {lb}", round(weight, 4), ev_a, ev_b)


def _side_gap(xs: Side, ys: Side) -> float:
    lo1, hi1 = _span(xs)
    lo2, hi2 = _span(ys)
    if hi1 < lo2:
        return (lo2 - hi1) / max(lo2, 1e-9)
    return (lo1 - hi2) / max(lo1, 1e-9)


def _describe_side(side: Side, text: str) -> tuple[str, tuple[Evidence, ...]]:
    labels, evidence = [], []
    for q in side:
        label, ev = _describe(q, text)
        labels.append(label)
        evidence.extend(ev)
    if len(side) == 1:
        label = labels[0] + (" (total)" if side[0].total else "")
        return label, tuple(evidence)
    total = sum(q.q.value for q in side)
    return f"{' + '.join(labels)} = {total:,g}", tuple(evidence)
