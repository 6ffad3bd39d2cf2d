"""Slot conflicts between two aligned frames, each with the evidence a reviewer needs.

Every check reads one slot of two frames that `align` matched: figures for the same counted thing
in the same unit and time, dates and places of the same happening, the polarity of the same
predicate with the same arguments (a denial against the report it denies), opposite outcomes
(held/cancelled, rose/fell), and different named actors of the same happening. A check returns a
`Reason` with a strength in [0, 1] and a topic that names what the conflict is about, so that
restatements of one conflict can be recognised without reading the message.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from factcheck.tasks.language import lexicon as lx
from factcheck.tasks.language.frames import Amount, Arg, Frame, SentenceFrames, When, scores_in
from factcheck.tasks.language.places import same_area
from factcheck.tasks.models import Evidence, Reason
from factcheck.tasks.pairs.align import Alignment, arg_match, relation_keys

_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_MIN_OVERLAP = 0.12  # shared content needed before two frames' slots are compared
UPDATE_AFTER_HOURS = 6.0


def _ev(text: str, start: int, end: int) -> tuple[Evidence, ...]:
    return (Evidence(text[start:end], start, end),)


def _count_key(amount: Amount, frame: Frame) -> str | None:
    """What a figure counts. Counts of people are keyed by what happened to them ("14 people were
    killed" and "killed 14" count the same thing), or as people when nothing happened to them
    ("40 workers were on the site", "there were 112 people on the site")."""
    counted = amount.counted
    if counted is None or counted in lx.PERSON_NOUNS or counted == frame.predicate:
        event = frame.predicate if frame.predicate in lx.HAPPENINGS and frame.light is None else None
        generic = counted is None or counted in ("people", "person")
        counted = event or ("person" if generic else counted)
    return f"{counted}|{amount.unit or ''}"


def _update(key: str, frame: Frame, x: Amount, y: Amount, hours_apart: float | None) -> bool:
    """A later, higher tally of a happening (a toll, the skiers an avalanche killed, arrests) is
    news coming in, not a contradiction; a later, different count of stores or inhabitants is."""
    if hours_apart is None or abs(hours_apart) < UPDATE_AFTER_HOURS:
        return False
    if key.split("|")[0] not in lx.CUMULATIVE and frame.predicate not in lx.CUMULATIVE:
        return False
    later, earlier = (y, x) if hours_apart > 0 else (x, y)
    return later.value > earlier.value


def _unit_only(key: str) -> bool:
    """A figure known only by its unit ("2 billion crowns", "31 percent"): what it measures is unknown."""
    counted, unit = key.split("|")
    return bool(unit) and counted in (unit, "")


# "agreed to buy Kestrel for $2.4 billion", "decided to close 40 stores": terms settled, not a forecast.
_SETTLING = frozenset({"agree", "decide"})


def _plan_and_outcome(a: Frame, b: Frame, sa: SentenceFrames, sb: SentenceFrames) -> bool:
    """An expected figure against a reported one ("expects to run one train in five" / "31 percent
    of trains ran"): a forecast that missed is not a contradiction. A plain future ("the line will
    cost 3.1 billion") states the figure, and still counts."""
    def forecast(f: Frame, s: SentenceFrames) -> bool:
        return f.modality == "planned" and any(g.predicate in lx.PLANNING - _SETTLING for g in s.frames)
    return (forecast(a, sa) and b.factual) or (forecast(b, sb) and a.factual)


def _compatible(x: Amount, y: Amount) -> bool:
    """Can both figures be true of one quantity ("more than 20" and "23", "about 40" and "41")?"""
    lo_x, hi_x = _bounds(x)
    lo_y, hi_y = _bounds(y)
    return lo_x <= hi_y and lo_y <= hi_x


def _bounds(q: Amount) -> tuple[float, float]:
    v = q.value
    slack = max(abs(v) * 0.005, 1e-9)
    if q.approx == "range" and q.upper is not None:
        return v, q.upper
    if q.approx == "about":
        return v * 0.85, v * 1.15
    if q.approx in ("at_least", "more_than"):
        return v, float("inf")
    if q.approx in ("at_most", "less_than"):
        return float("-inf"), v
    return v - slack, v + slack


def _same_time(a: Frame, b: Frame) -> bool:
    """No sign that the two frames speak of different days."""
    return not any(_comparable(x, y) and _dates_differ(x, y) for x in a.times for y in b.times)


def _place_key(text: str) -> str:
    return re.sub(r"^the\s+", "", text.lower().replace(".", "")).strip()


def _initials(short: str, long: str) -> bool:
    """"us" and "united states", "uk" and "united kingdom": an abbreviation of the other name."""
    words = long.split()
    return 1 < len(short) <= 5 and " " not in short and len(words) == len(short) and \
        "".join(w[0] for w in words) == short


def _shared_argument(a: Frame, b: Frame) -> bool:
    """The two frames speak of the same thing in any role ("its epicentre was ..." / "located the
    epicentre ...")."""
    heads_a = {x.head for x in (a.actor, a.theme) if x is not None and x.head}
    heads_b = {x.head for x in (b.actor, b.theme) if x is not None and x.head}
    return bool(heads_a & heads_b)


def _cover(a: Frame, b: Frame, without_actors: bool = False) -> float:
    """Share of the shorter proposition's content words (predicate, and actors if asked, aside)
    found in the other."""
    x, y = a.lemmas - {a.predicate}, b.lemmas - {b.predicate}
    if without_actors:
        x, y = x - (a.actor.lemmas if a.actor else frozenset()), y - (b.actor.lemmas if b.actor else frozenset())
    return len(x & y) / min(len(x), len(y)) if x and y else 0.0


def _disjoint_names(x: set[str] | frozenset[str], y: set[str] | frozenset[str]) -> bool:
    """Both name something, and no name of one is, or is part of, a name of the other."""
    return bool(x and y and not (x & y) and not any(m in n or n in m for m in x for n in y))


def _names_differ(a: Frame, b: Frame) -> bool:
    """Each frame names things the other does not, and they share none: two different subjects
    ("no trains ran on the Coastal Line" / "trains on the Valley Line ran"). A subject shared with
    another clause ("Arden has agreed to buy Milvale") is the frame's too."""
    def names(f: Frame) -> frozenset[str]:
        return f.names.union(*(arg.names for arg in (f.actor, f.theme)
                               if arg is not None and not f.start <= arg.start < f.end))
    return _disjoint_names(names(a), names(b))


def neg_text(f: Frame, sa: SentenceFrames, sb: SentenceFrames) -> str:
    """The words of a frame, from whichever sentence it belongs to."""
    for s in (sa, sb):
        if f in s.frames:
            return s.text[f.start:f.end].lower()
    return ""


def _heads_apart(a: Frame, b: Frame) -> bool:
    """Both frames say what or whom they are about, with no word or name in common: "the driver
    was found alive" / "the passenger was found dead". A number or pronoun as the head ("two of
    the climbers") says nothing either way."""
    x, y = a.theme, b.theme  # an intransitive's subject and a copula's are read differently: themes only
    if x is not None and y is not None and x.head and y.head and x.head != y.head:
        if x.head in x.lemmas and y.head in y.lemmas and not (x.lemmas & y.lemmas) and not (x.names & y.names):
            return True  # "traces of explosives" / "the presence of explosives" share what matters
    return False


def _arguments_named_apart(a: Frame, b: Frame) -> bool:
    """The actors (or themes) name different things anywhere in their words: "production at the
    Corrisca plant" and "production at the Tamsby plant" share a head but not a plant."""
    for x, y in ((a.actor, b.actor), (a.theme, b.theme)):
        if x is None or y is None:
            continue
        if _disjoint_names({n for n in a.names if n in x.text.lower()}, {n for n in b.names if n in y.text.lower()}):
            return True
    return False


def _counts_in(arg: Arg, f: Frame) -> list[Amount]:
    """The frame's figures that stand inside one of its arguments ("two elderly residents")."""
    return [q for q in f.amounts if arg.start <= q.start < arg.end]


def _owners_differ(a: Frame, b: Frame) -> bool:
    """Both frames name who or what they are about, and the two differ."""
    x, y = a.actor, b.actor
    if x is None or y is None or not x.head or not y.head:
        return False
    if _counts_in(x, a) or _counts_in(y, b):
        return False  # "only 3 cm of snow fell": a measure as the subject owns nothing
    if x.names and y.names:
        return not (x.names & y.names)
    if x.names or y.names:
        return False  # "the Gannet Lady" and "the vessel" may well be one ship
    return x.head != y.head and not (x.lemmas & y.lemmas)


_STATE_CLASSES = frozenset(lx.predicate_class(w) for w in lx.STATES)


def _holdings_of_two(a: Frame, b: Frame) -> bool:
    """A figure of what an actor has ("employs about 600 people", "runs 290 stores") describes that
    actor: two such figures are compared only when the actors are known to be one. Unlike a
    happening's tally, a head count of "the centre" and one of "Castor" are of two things."""
    if a.actor is None or b.actor is None or not a.actor.head or not b.actor.head:
        return False
    return a.predicate in _STATE_CLASSES and b.predicate in _STATE_CLASSES and arg_match(a.actor, b.actor) < 1


def _describes(f: Frame) -> bool:
    """The frame says what something is or has ("runs 290 stores", "is a town of 4,000"), not what
    happened."""
    return f.predicate in _STATE_CLASSES or not f.verbal or f.predicate in lx.LIGHT_VERBS


def _two_camps(a: Frame, b: Frame) -> bool:
    """"five voted for the increase" / "two voted to keep the rate": counts of two camps."""
    return bool(a.sides and b.sides and not set(a.sides) & set(b.sides))


def _firm(a: Frame, b: Frame) -> bool:
    """Both state facts, or both state the same kind of plan ("will be held in Nairobi" / "will be
    held in Addis Ababa"): a plan against a report, a wish or a condition is no conflict."""
    return (a.factual and b.factual) or (a.modality == b.modality == "planned")


def _about_the_same(al: Alignment) -> bool:
    """Shared arguments, or nothing else said on one side to tell the two apart ("she resigned")."""
    if al.actor > 0 or al.theme > 0 or al.overlap >= _MIN_OVERLAP:
        return True
    rest_a = al.a.lemmas - {al.a.predicate}
    rest_b = al.b.lemmas - {al.b.predicate}
    return min(len(rest_a), len(rest_b)) <= 1


def numeric(al: Alignment, sa: SentenceFrames, sb: SentenceFrames, hours_apart: float | None) -> Reason | None:
    if not (al.a.amounts and al.b.amounts):
        return None  # nothing to compare (most pairs: this check runs on every candidate)
    specific = {k for q in al.a.amounts if not _generic(k := _count_key(q, al.a).split("|")[0], q)} - lx.HAPPENINGS
    aligned = al.relation != "none" and (al.overlap >= _MIN_OVERLAP or al.actor > 0 or al.theme > 0)
    same_owner = al.actor > 0 and bool(al.a.actor and al.a.actor.names)  # "Velsk, a town of ..." / "Velsk has ..."
    # "runs 290 stores" / "Greenhaven's 340 stores range from ...": a particular counted noun,
    # described in two sentences that share a name or other words, or a measure of one thing ("40
    # per cent of the flow"). Not bare counts in two happenings: "200 migrants prepared to walk" /
    # "150 migrants spent the night" count two groups at two moments.
    shared = len(sa.lemmas & sb.lemmas) / max(1, len(sa.lemmas | sb.lemmas))
    measured = {k for q in al.a.amounts if q.unit and (k := _count_key(q, al.a).split("|")[0]) in specific}
    one_happening = (al.a.predicate not in lx.LIGHT_VERBS and sb.span_of(al.a.predicate) is not None) or (
        al.b.predicate not in lx.LIGHT_VERBS and sa.span_of(al.b.predicate) is not None)  # "freed 31" / "the release of 18"
    comparable = specific if (_describes(al.a) and _describes(al.b)) or one_happening else measured  # "30 cm of snow": a measure
    same_thing = bool(comparable & {_count_key(q, al.b).split("|")[0] for q in al.b.amounts}) and (
        bool(sa.names & sb.names) or shared >= 0.08)
    if not (aligned or same_owner or same_thing):
        return None
    if al.actor < 0 or al.theme < 0 or _owners_differ(al.a, al.b) or _names_differ(al.a, al.b):
        return None  # figures of two different owners ("the plant employs 420", "the centre employs 260")
    if _holdings_of_two(al.a, al.b) or _two_camps(al.a, al.b) or _placed_apart(al.a, al.b):
        return None  # "two died in Orvik" / "three were killed in Selby": two tallies
    if "conditional" in (al.a.modality, al.b.modality) or "asked" in (al.a.modality, al.b.modality):
        return None  # figures in a draft or a plan ("would have freed 31") are still that plan's figures
    if _plan_and_outcome(al.a, al.b, sa, sb):
        return None
    if not _same_time(al.a, al.b) or _periods_differ(sa, sb):
        return None
    b_counts = [(q, _count_key(q, al.b)) for q in al.b.amounts if _a_count(q, sb.text)]
    agree = _agree([(q, al.a) for q in al.a.amounts], [(q, al.b) for q in al.b.amounts])
    for x in (q for q in al.a.amounts if _a_count(q, sa.text)):
        key = _count_key(x, al.a)
        if not aligned and _unit_only(key):
            continue  # "a loan of 2 billion crowns" / "will pay 41.50 crowns": only the same
            # proposition makes two sums of money, or two shares, figures of one thing
        if agree and _generic(key.split("|")[0], x):
            continue  # the two agree on one figure of unknown kind: this one counts something else
        if any(q.value == x.value and (q.unit or "") == (x.unit or "") for q, _k in b_counts):
            continue  # the other side gives this very figure too ("25% on steel and 10% on aluminum")
        others = [q for q, k in b_counts if _keys_match(key, k)]
        if not others or any(_compatible(x, y) for y in others):
            continue
        y = others[0]
        if _update(key, al.a, x, y, hours_apart):
            continue
        rel = abs(x.value - y.value) / max(abs(x.value), abs(y.value), 1e-9)
        strength = 0.55 + 0.35 * min(1.0, rel * 4)
        values = "|".join(sorted((f"{x.value:g}", f"{y.value:g}")))
        return Reason("numeric", f"{x.text} vs {y.text}", round(strength, 3),
                      _ev(sa.text, x.start, x.end), _ev(sb.text, y.start, y.end),
                      topic=f"{key}:{values}")
    return None


_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


_MONTH_DAY = re.compile(r"\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+(\d{1,2})\b"
                        r"|\b(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)")


def _month_day(text: str) -> tuple[str, int] | None:
    """("mar", 3) from "March 3" or "3 March"."""
    m = _MONTH_DAY.search(text.lower())
    if not m:
        return None
    return (m.group(1), int(m.group(2))) if m.group(1) else (m.group(4), int(m.group(3)))


def _month_text(w: When) -> str | None:
    words = _WORD.findall(w.text.lower())
    return next((m for word in words for m in _MONTHS if word.startswith(m) and len(word) >= 3), None)


def _day_text(w: When) -> str | None:
    low = w.text.lower()
    return next((d for d in _WEEKDAYS if d in low), None)


_CLOCK = re.compile(r"(?P<h>\d{1,2})(?:[:.](?P<m>\d{2}))?\s*(?P<ap>[ap])\.?m\b|(?P<h24>[01]?\d|2[0-3]):(?P<m24>[0-5]\d)")


def _clock(text: str) -> int | None:
    """Minutes after midnight of a time of day, or None."""
    low = text.lower()
    if "midnight" in low:
        return 0
    if "noon" in low or "midday" in low:
        return 12 * 60
    m = _CLOCK.search(low)
    if not m:
        return None
    if m.group("h24") is not None:
        return int(m.group("h24")) * 60 + int(m.group("m24"))
    h = int(m.group("h")) % 12 + (12 if m.group("ap") == "p" else 0)
    return h * 60 + int(m.group("m") or 0)


_YEAR = re.compile(r"\b(1[89]|20)\d\d\b")


def _comparable(x: When, y: When) -> bool:
    """Two clock times, two days, two months or two years: a time and a day, or a day and "last
    week", say nothing against each other."""
    return x.granularity == y.granularity


def _dates_differ(x: When, y: When) -> bool:
    if x.granularity == "time" or y.granularity == "time":
        cx, cy = _clock(x.text), _clock(y.text)
        return cx is not None and cy is not None and x.granularity == y.granularity and abs(cx - cy) > 45
    dx, dy = _day_text(x), _day_text(y)
    mdx, mdy = _month_day(x.text), _month_day(y.text)
    if dx and dy and not (mdx or mdy):
        # "Friday" / "next Friday" in two articles resolve against two publication days: the
        # weekday is what both said
        return dx != dy
    if x.value and y.value:
        if _YEAR.search(x.text) is None or _YEAR.search(y.text) is None:
            if x.granularity == y.granularity == "day":  # a year inferred for "Feb. 8" may be wrong
                return (x.value.month, x.value.day) != (y.value.month, y.value.day)
            if "year" in (x.granularity, y.granularity):
                return False
        if x.granularity == y.granularity == "year" or "year" in (x.granularity, y.granularity):
            return x.value.year != y.value.year
        if x.granularity == y.granularity == "day":
            return x.value != y.value
        if x.granularity == y.granularity == "month":
            return (x.value.year, x.value.month) != (y.value.year, y.value.month)
        return False
    if dx and dy:
        return dx != dy
    if mdx and mdy:
        return mdx != mdy
    mx, my = _month_text(x), _month_text(y)
    return bool(mx and my and mx != my)


def _events(f: Frame) -> set[str]:
    """The happenings a frame speaks of: its predicate, event noun, and event-like arguments."""
    out = {f.predicate}
    for arg in (f.actor, f.theme):
        if arg is not None and arg.head:
            out.add(arg.head)
    return out - lx.LIGHT_VERBS


def date(al: Alignment, sa: SentenceFrames, sb: SentenceFrames, hours_apart: float | None) -> Reason | None:
    if not (al.a.times and al.b.times):
        return None
    if al.relation != "same" and not (_events(al.a) & _events(al.b) & lx.HAPPENINGS):
        return None
    if not _firm(al.a, al.b) or al.actor < 0 or al.theme < 0:
        return None
    if al.a.asserted_polarity != al.b.asserted_polarity:
        return None  # "did not sail on Monday" agrees with "sailed on Wednesday"
    if al.overlap < _MIN_OVERLAP and al.theme <= 0 and al.actor <= 0:
        return None
    if al.a.predicate in lx.STATES and al.b.predicate in lx.STATES and not (al.a.light or al.b.light):
        return None  # a date is checked for happenings, not for states ("employs", "remains")
    if al.a.amounts and al.b.amounts and not ({(q.value, q.unit) for q in al.a.amounts}
                                             & {(q.value, q.unit) for q in al.b.amounts}):
        return None  # two figures on two days: two readings, not one happening on two dates
    # A time of day is one moment of the happening wherever it stands in the sentence ("the
    # explosion, at about 8.30 a.m., injured ..."); a day must be the predicate's own.
    for x in (t for t in al.a.times if t.direct or t.granularity == "time"):
        comparable = [y for y in al.b.times if (y.direct or y.granularity == "time") and _comparable(x, y)]
        if not comparable or any(not _dates_differ(x, y) for y in comparable):
            continue
        y = comparable[0]
        if _dates_differ(x, y):
            return Reason("date", f"{al.a.pred_text} {x.text} vs {al.b.pred_text} {y.text}", 0.7,
                          _ev(sa.text, x.start, x.end), _ev(sb.text, y.start, y.end),
                          topic=f"{al.a.predicate}:" + "|".join(sorted((x.text.lower(), y.text.lower()))))
    return None


def _bounds_of(f: Frame, bound: str) -> list[When]:
    return [t for t in f.times if t.bound == bound]


def _disagree(xs: list[When], ys: list[When]) -> tuple[When, When] | None:
    """Two days (or times) given for one end of a period, and none that agree."""
    pairs = [(x, y) for x in xs for y in ys if _comparable(x, y)]
    if pairs and all(_dates_differ(x, y) for x, y in pairs):
        return pairs[0]
    return None


def period_end(sa: SentenceFrames, sb: SentenceFrames, hours_apart: float | None) -> Reason | None:
    """One happening's period closed on two days: "the walkout will run from Tuesday until
    Wednesday" / "a strike running from Tuesday to Friday". Both give a period (a start and an
    end), the happening is named by a noun in both (a strike, talks, a closure), and the two
    starts agree. A new date ("pushed back until June 1") or a deadline ("had until Monday to
    decide") is not a period."""
    def period(f: Frame) -> bool:  # "from ... until ...": "put back until June 1" names a new day, not a period
        return bool(_bounds_of(f, "start") and _bounds_of(f, "end")) and f.modality in ("asserted", "reported", "planned")
    for fa in (f for f in sa.frames if period(f)):
        named = {x.head for x in (fa.actor, fa.theme) if x is not None and x.head in lx.HAPPENING_NOUNS}
        for h in named:
            where = sb.span_of(h)
            if where is None:
                continue
            for fb in (f for f in sb.frames if period(f)):
                if not fb.start <= where[0] < fb.end:
                    continue  # the other end must be of a period of the same happening
                if _disagree(_bounds_of(fa, "start"), _bounds_of(fb, "start")):
                    continue  # two periods: two occasions
                got = _disagree(_bounds_of(fa, "end"), _bounds_of(fb, "end"))
                if got is None:
                    continue
                x, y = got
                return Reason("date", f"{h} until {x.text} vs until {y.text}", 0.65,
                              _ev(sa.text, x.start, x.end), _ev(sb.text, y.start, y.end),
                              topic=f"{h}:end:" + "|".join(sorted((x.text.lower(), y.text.lower()))))
    return None


def _two_groups(a: Frame, b: Frame) -> bool:
    """"Two miners died in Orvik" / "three miners were killed in Selby": participants counted
    differently are two groups, and two groups may be in two places."""
    def counts(f: Frame) -> list[Amount]:
        return [q for x in (f.actor, f.theme) if x is not None for q in _counts_in(x, f)]
    xs, ys = counts(a), counts(b)
    return bool(xs and ys) and not any(_compatible(x, y) for x in xs for y in ys)


def _placed_apart(a: Frame, b: Frame) -> bool:
    """Both frames are placed, and no place of one is, contains or lies in a place of the other
    ("in Tel Aviv" / "in Israel", "in Manhattan" / "in New York" meet)."""
    if not (a.places and b.places):
        return False
    pa = {_place_key(p.text) for p in a.places}
    pb = {_place_key(p.text) for p in b.places}
    if any(x in y or y in x or _initials(x, y) or _initials(y, x) for x in pa for y in pb):
        return False
    return not any(same_area(x, y) for x in pa for y in pb)


_UNIVERSAL = re.compile(r"(all|every|each)\b")


def _all_of_them(al: Alignment) -> bool:
    """One side places every participant ("all eleven victims died in Velsk"): then anyone the
    other side has the same happen to ("two residents were killed in Brenn") was among them."""
    def people(f: Frame) -> tuple[Arg, ...]:
        return tuple(x for x in (f.actor, f.theme) if x is not None and x.head)
    for x, y in ((al.a, al.b), (al.b, al.a)):
        for arg in people(x):
            if _UNIVERSAL.match(arg.text.lower()) and any(
                    o.head == arg.head or {o.head, arg.head} <= lx.PERSON_NOUNS | {"people", "person"}
                    for o in people(y)):
                return True
    return False


def place(al: Alignment, sa: SentenceFrames, sb: SentenceFrames, hours_apart: float | None) -> Reason | None:
    if not (al.a.places and al.b.places) or al.actor < 0 or al.theme < 0 or al.relation != "same":
        return None
    if al.a.predicate in lx.STATES and not al.a.light:
        return None
    if not _firm(al.a, al.b):
        return None
    everyone = _all_of_them(al)
    if al.overlap < _MIN_OVERLAP and al.theme <= 0 and not everyone:
        return None
    if (al.a.reported_place or al.b.reported_place) and not everyone:
        return None  # "In Kyiv, officials said three were killed": maybe only where they spoke
    if not (al.a.verbal and al.b.verbal):
        return None  # "the largest exporter to the U.S.": a description, not a happening with a place
    if not _placed_apart(al.a, al.b) or (_two_groups(al.a, al.b) and not everyone):
        return None
    x, y = al.a.places[0], al.b.places[0]
    return Reason("location", f"{al.a.pred_text} in {x.text} vs in {y.text}", 0.6,
                  _ev(sa.text, x.start, x.end), _ev(sb.text, y.start, y.end),
                  topic=f"{al.a.predicate}:" + "|".join(sorted((x.text.lower(), y.text.lower()))))


_EMPTY_ROLE = re.compile(r"(nobody|no[ -]?one|none|not one|not a single|no)\b")
_ANYONE = frozenset(("", "one", "none", "nobody", "noone", "no-one", "people", "person"))


def _empty(arg: Arg | None) -> bool:
    """"no one", "nobody", "none of the passengers", "no workers": the role is said to be empty."""
    return arg is not None and _EMPTY_ROLE.match(arg.text.lower()) is not None


def _empty_role_clash(neg: Frame, pos: Frame) -> bool:
    """"No one was injured" against "three firefighters were injured": the negated side says no
    one fills a role that the other fills. "No passengers were hurt" says nothing of the crew:
    a role emptied of one kind only clashes with that kind."""
    if neg.light is not None or pos.light is not None:
        return False
    for x, y in ((neg.theme, pos.theme), (neg.actor, pos.actor)):
        if not _empty(x) or y is None or not y.head or _empty(y):
            continue
        kinds = ({x.head} - _ANYONE) or (set(x.lemmas) - _ANYONE)  # "none of the passengers": passengers
        if kinds:
            if y.head in kinds or kinds & y.mods:  # "no ferries" / "the ferry service"
                return True
        elif y.head in lx.PERSON_NOUNS or _counts_in(y, pos):
            return True  # "no one" against people, or a count of anything in that role
    return False


def polarity(al: Alignment, sa: SentenceFrames, sb: SentenceFrames, hours_apart: float | None) -> Reason | None:
    """P against not-P: the same predicate with shared arguments, one side negated or denied."""
    a, b = al.a, al.b
    if al.relation not in ("same", "kind") or a.asserted_polarity == b.asserted_polarity:
        return None
    neg, pos = (a, b) if a.asserted_polarity == "negative" else (b, a)
    if al.relation == "kind":
        if not lx.kind_of(pos.predicate, neg.predicate):
            return None  # "did not approve" denies no decision: the decision may have been a no
        about = neg.lemmas - {neg.predicate} - (neg.actor.lemmas if neg.actor else frozenset())
        if about and pos.theme is not None and not about & (pos.theme.lemmas | {pos.theme.head}):
            return None  # "no decision on the stadium" / "approved the budget"
    if not _firm(a, b):
        # "there were no talks scheduled" against "delegations were due to meet": denying that a
        # happening exists contradicts a report that it was arranged.
        if not (neg.factual and neg.light and pos.modality == "planned"):
            return None
    if al.actor < 0 or al.theme < 0:
        return None
    empty_role = _empty_role_clash(neg, pos)
    if not (a.factual and b.factual) and a.modality == b.modality == "planned" and not (
            al.actor > 0 or (al.theme > 0 and a.theme.specific and b.theme.specific) or empty_role):
        return None  # two forecasts by different people ("we won't have the meetings" / "I am going to have a discussion")
    existential = neg.light is not None and neg.factual  # "held no negotiations", "there were no talks"
    if _sentence_times_differ(sa, sb) and not _still_so_after(neg, sa if neg is a else sb, pos):
        return None  # "no one was hurt on Monday" / "three were hurt on Sunday"; "has not raised
        # taxes this year" / "raised taxes in 2019"
    if set(_WORD.findall(neg_text(neg, sa, sb))) & _HISTORIC:
        return None  # "no meeting has taken place since 1948" is about the past, not this occasion
    if not _about_the_same(al) and not existential and not empty_role and not _shared_argument(a, b):
        return None
    if a.predicate in lx.REPORTING:
        return None  # "declined to comment" / "commented": two moments of speaking, not one fact
    if a.stance == b.stance == "affirms" and not existential:
        if _names_differ(a, b) or (a.predicate in lx.STATES and (_cover(a, b) < 0.8 or al.actor < 1)):
            return None  # "he doesn't know" / "best known for": a state needs the very same words
        # A plain negation ("did not sign") meets its positive about as often about another actor
        # or object as about the same one: both must be shown to be the same.
        if not (a.light or b.light or empty_role) and (al.actor < 1 and al.theme < 1 and not _shared_argument(a, b)
                                                        or _cover(a, b) < 0.5):
            return None
    denial = a.stance == "denies" or b.stance == "denies"
    kind = "denial" if denial or a.light or b.light else "negation"
    strength = 0.6 + 0.3 * min(1.0, al.overlap * 2) + (0.05 if denial else 0.0)
    msg = (f"denies that {neg.pred_text}" if neg.stance == "denies" else f"not {neg.pred_text}") + \
        f" vs {(b if neg is a else a).pred_text}"
    return Reason(kind, msg, round(min(strength, 0.95), 3),
                  _ev(sa.text, a.pred_start, a.pred_end), _ev(sb.text, b.pred_start, b.pred_end),
                  topic=f"{a.predicate}:polarity")


def _still_so_after(state: Frame, s_state: SentenceFrames, other: Frame) -> bool:
    """"The museum remains closed, a spokesman said on Sunday" after "reopened on Saturday", "have
    yet to approve it, the agency said in June" after "approved in March": a state said to go on,
    as of the day it was said, against its opposite on that day or before."""
    said = [w for w in s_state.times if w.value is not None]
    return (state.ongoing and not state.times and bool(other.times) and bool(said)
            and all(x.value is not None and x.value <= w.value for x in other.times for w in said))


def _lasts_until(state: Frame, other: Frame) -> bool:
    """"will remain open until next year" / "will close next year": a state that lasts until a
    time ends with the opposite happening then or later. Only an opposite dated before that end
    ("will reopen on Friday" / "stays closed until next month") contradicts it."""
    ends = [w for w in state.times if w.bound == "end"]
    if not ends or state.verbal or state.predicate in lx.CALLING_OFF:
        return False  # a state ("open", "closed"), not a happening put off "until May"
    for x in other.times:
        for e in ends:
            if x.value and e.value and x.value < e.value and (not _comparable(x, e) or _dates_differ(x, e)):
                return False  # before the end: the state and its opposite overlap
            if (x.value is None or e.value is None) and x.text.lower() != e.text.lower():
                return False  # days that cannot be placed: they may overlap
    return True


def opposite(al: Alignment, sa: SentenceFrames, sb: SentenceFrames, hours_apart: float | None) -> Reason | None:
    """Opposite outcomes of one happening: held vs cancelled, rose vs fell, landed vs crashed."""
    a, b = al.a, al.b
    if al.relation != "opposite" or a.asserted_polarity != b.asserted_polarity:
        return None
    if not _firm(a, b) or al.actor < 0 or al.theme < 0 or _names_differ(a, b) or _arguments_named_apart(a, b):
        return None
    if _heads_apart(a, b):
        return None  # opposite outcomes of two things
    called_off = a.predicate in lx.CALLING_OFF or b.predicate in lx.CALLING_OFF
    if called_off:
        # Calling a happening off contradicts it only for the same occasion: tests held last year
        # and tests suspended now are two occasions. The two name the same day, or one particular
        # happening ("the Kelby marathon") with no day that tells them apart.
        same_day = any(not _dates_differ(x, y) and _comparable(x, y) for x in a.times for y in b.times)
        other_day = any(_dates_differ(x, y) and _comparable(x, y) for x in a.times for y in b.times)
        off = a if a.predicate in lx.CALLING_OFF else b
        one_thing = off.theme is not None and off.theme.specific or off.ongoing  # "remains suspended": now
        if not same_day and (other_day or not one_thing):
            return None
    elif al.actor <= 0 and al.theme <= 0 and al.overlap < 0.5:
        return None  # opposite outcomes of what may be two different things (profit rose, revenue fell)
    if _sentence_times_differ(sa, sb) and not (_still_so_after(a, sa, b) or _still_so_after(b, sb, a)):
        return None  # closed on Friday, reopened on Saturday
    if _lasts_until(a, b) or _lasts_until(b, a):
        return None
    strength = 0.6 + 0.3 * min(1.0, al.overlap * 2)
    return Reason("status", f"{a.pred_text} vs {b.pred_text}", round(strength, 3),
                  _ev(sa.text, a.pred_start, a.pred_end), _ev(sb.text, b.pred_start, b.pred_end),
                  topic=":".join(sorted((a.light or a.predicate, b.light or b.predicate))))


def identity(al: Alignment, sa: SentenceFrames, sb: SentenceFrames, hours_apart: float | None) -> Reason | None:
    """The same happening done by two different named actors."""
    a, b = al.a, al.b
    if al.relation != "same" or al.actor != -1 or al.theme != 1 or not (a.factual and b.factual):
        return None
    if a.asserted_polarity != b.asserted_polarity or a.actor is None or b.actor is None:
        return None
    if a.amounts or b.amounts or a.predicate in lx.STATES or a.predicate in lx.REPORTING:
        return None  # who employs how many is a figure, not an identity question
    if not (a.theme and b.theme and a.theme.specific and b.theme.specific) or _cover(a, b, True) < 0.5:
        return None  # "launched an assault" / "opened an assault": no one particular thing done twice
    if not (a.actor.names and b.actor.names):
        return None
    return Reason("identity", f"{a.actor.text} {a.pred_text} vs {b.actor.text} {b.pred_text}", 0.5,
                  _ev(sa.text, a.actor.start, a.actor.end), _ev(sb.text, b.actor.start, b.actor.end),
                  topic=f"{a.predicate}:" + "|".join(sorted((a.actor.head, b.actor.head))))


def role_holder(al: Alignment, sa: SentenceFrames, sb: SentenceFrames, hours_apart: float | None) -> Reason | None:
    """One post given to two different named people: "named Priya Natarajan as its new chief
    executive" / "appointed Martin Cole as chief executive"."""
    a, b = al.a, al.b
    if al.relation != "same" or a.role is None or a.role != b.role or al.theme != -1 or al.actor < 0:
        return None
    if not (a.factual and b.factual) or a.asserted_polarity != b.asserted_polarity or a.previous or b.previous:
        return None
    if not (a.theme and b.theme and a.theme.names and b.theme.names) or _sentence_times_differ(sa, sb):
        return None
    return Reason("identity", f"{a.theme.text} vs {b.theme.text} as {a.role}", 0.6,
                  _ev(sa.text, a.theme.start, a.theme.end), _ev(sb.text, b.theme.start, b.theme.end),
                  topic=f"{a.predicate}:{a.role}:" + "|".join(sorted((a.theme.head, b.theme.head))))


def _keys_match(kx: str, ky: str) -> bool:
    """Same thing counted, in the same unit: equal keys, synonyms, or people counted as workers,
    residents or passengers ("112 people on the site" / "40 workers on the site")."""
    (cx, ux), (cy, uy) = kx.split("|"), ky.split("|")
    if ux != uy:
        return False
    if cx == cy or lx.same_predicate(cx, cy):
        return True
    return (cx == "person" and cy in lx.PERSON_NOUNS) or (cy == "person" and cx in lx.PERSON_NOUNS)


def _generic(key: str, q: Amount) -> bool:
    """A count whose thing is unknown: only its unit ("2 million crowns") or "people"."""
    return key in ("person", "") or key == (q.unit or "")


def _agree(xs: list[tuple[Amount, Frame]], ys: list[tuple[Amount, Frame]]) -> bool:
    """Do two sentences agree on one figure ("a loan of 2 million crowns" / "a mortgage of 2 million
    crowns", "82 percent of members" / "more than four in five members")? Then their other figures
    of unknown kind are about other things; a figure of a named kind agrees or not on its own."""
    for x, fx in xs:
        for y, fy in ys:
            if (x.unit or "") != (y.unit or "") or not _compatible(x, y):
                continue
            kx, ky = _count_key(x, fx), _count_key(y, fy)
            if _keys_match(kx, ky) or _generic(kx.split("|")[0], x) or _generic(ky.split("|")[0], y) \
                    or x.value == y.value:
                return True
    return False


def _a_count(q: Amount, text: str) -> bool:
    """"One question asks ..." picks out one of several; "only one survived" counts."""
    if q.value != 1:
        return True
    return bool(re.search(r"\b(only|just|single|sole)\b", text[max(0, q.start - 12):q.end].lower()))


def _sentence_times_differ(sa: SentenceFrames, sb: SentenceFrames) -> bool:
    ta, tb = sa.times, sb.times
    return any(_comparable(x, y) and _dates_differ(x, y) for x in ta for y in tb) or _periods_differ(sa, sb)


_ORDINAL = {"1st": "first", "2nd": "second", "3rd": "third", "4th": "fourth"}
_PERIOD = re.compile(r"\b(first|second|third|fourth|1st|2nd|3rd|4th)[- ](quarter|half)\b|\b(q[1-4]|h[12])\b"
                     r"|\b(full|whole)[- ]year\b|\b(three|six|nine|twelve|3|6|9|12)[- ]months?\b")


def _periods(text: str) -> frozenset[str]:
    """The reporting periods a sentence names: "first half", "Q3", "full year", "nine months"."""
    out = set()
    for m in _PERIOD.finditer(text.lower()):
        if m.group(1):
            out.add(f"{_ORDINAL.get(m.group(1), m.group(1))} {m.group(2)}")
        else:
            out.add(m.group(3) or ("full year" if m.group(4) else f"{m.group(5)} months"))
    return frozenset(out)


def _periods_differ(sa: SentenceFrames, sb: SentenceFrames) -> bool:
    """Figures of two reporting periods ("a loss for the first half" / "a profit for the full
    year") are two facts."""
    pa, pb = _periods(sa.text), _periods(sb.text)
    return bool(pa and pb and not pa & pb)


def _all_names(s: SentenceFrames) -> set[str]:
    """The sentence's names and its arguments' (the recogniser misses many a club or a firm)."""
    return set(s.names).union(*(arg.names for f in s.frames for arg in (f.actor, f.theme) if arg is not None))


def _two_named_in_both(sa: SentenceFrames, sb: SentenceFrames) -> bool:
    """Two different things named on both sides ("Harlow Rovers" and "Dunmore City")."""
    na, nb = _all_names(sa), _all_names(sb)
    shared = {w for n in na for w in n.split()} & {w for n in nb for w in n.split()}
    def covered(names: set[str]) -> int:
        hit = {n for n in names if set(n.split()) & shared}
        return sum(1 for n in hit if not any(n != m and n in m for m in hit))  # "harlow" in "harlow rovers"
    return covered(na) >= 2 and covered(nb) >= 2


def score(sa: SentenceFrames, sb: SentenceFrames, hours_apart: float | None) -> Reason | None:
    """One match between the same two sides, with two final scores: "United beat Town 3-1" / "a
    late goal condemned Town to a 2-1 defeat at United". Both sides of the match must be named on
    both sides, and no score may agree (a half-time score is a second score of the same match)."""
    xs, ys = scores_in(sa.text, sa.words), scores_in(sb.text, sb.words)
    if not xs or not ys or set(xs) & set(ys) or not _two_named_in_both(sa, sb):
        return None
    if _sentence_times_differ(sa, sb):
        return None
    (kx, (a0, a1)), (ky, (b0, b1)) = next(iter(xs.items())), next(iter(ys.items()))
    return Reason("numeric", f"{sa.text[a0:a1]} vs {sb.text[b0:b1]}", 0.7, _ev(sa.text, a0, a1), _ev(sb.text, b0, b1),
                  topic="score:" + "|".join(sorted((f"{kx[0]}-{kx[1]}", f"{ky[0]}-{ky[1]}"))))


def figures_differ(sa: SentenceFrames, sb: SentenceFrames, hours_apart: float | None) -> Reason | None:
    """Two sentences that say the same thing with different figures ("turnout reached 68 percent"
    / "the commission put turnout at 54 percent"): most of the shorter one's words are in the other,
    they name no different places or people, no day tells them apart, and no figure of one agrees
    with a figure of the other in the same unit."""
    xa = [(q, f) for f in sa.frames for q in f.amounts]
    xb = [(q, f) for f in sb.frames for q in f.amounts]
    if not xa or not xb:
        return None
    la, lb = sa.lemmas, sb.lemmas
    if not la or not lb:
        return None
    cover = len(la & lb) / min(len(la), len(lb))
    if cover < 0.5:
        return None
    if sa.names and sb.names and not (sa.names & sb.names):
        return None
    if _sentence_times_differ(sa, sb):
        return None
    if any(f.modality in ("conditional", "asked") for _q, f in xa + xb):
        return None
    if any(_plan_and_outcome(fx, fy, sa, sb) for _x, fx in xa for _y, fy in xb):
        return None
    xa = [(q, f) for q, f in xa if _a_count(q, sa.text)]
    xb = [(q, f) for q, f in xb if _a_count(q, sb.text)]
    agree = _agree(xa, xb)
    values_a = {(q.value, q.unit or "") for q, _f in xa}
    values_b = {(q.value, q.unit or "") for q, _f in xb}
    for x, fx in xa:
        if (x.value, x.unit or "") in values_b:
            continue  # this very figure is on the other side too
        for y, fy in xb:
            if (x.unit or "") != (y.unit or "") or _compatible(x, y) or (y.value, y.unit or "") in values_a:
                continue
            if lx.opposite(fx.predicate, fy.predicate) or _holdings_of_two(fx, fy) or _two_camps(fx, fy) \
                    or _placed_apart(fx, fy):
                continue  # "shares jumped 27 percent" / "its own shares fell 4 percent": one thing
                # rising and falling is the outcome check's to find; here, most often two things
            key_x, key_y = _count_key(x, fx), _count_key(y, fy)
            kx, ky = key_x.split("|")[0], key_y.split("|")[0]
            if agree and (_generic(kx, x) or _generic(ky, y)):
                continue  # they agree on a figure of unknown kind: this one is about something else
            if not _keys_match(key_x, key_y) and not (
                    x.unit and cover >= 0.6 and (_generic(kx, x) or _generic(ky, y) or x.unit != "percent")):
                continue  # two kinds of thing ("turnout" / "members"); with a unit and nearly the same
                # words, one thing, unless both are shares of two named things
            if _update(key_x, fx, x, y, hours_apart) or _update(key_y, fy, x, y, hours_apart):
                return None
            rel = abs(x.value - y.value) / max(abs(x.value), abs(y.value), 1e-9)
            values = "|".join(sorted((f"{x.value:g}", f"{y.value:g}")))
            return Reason("numeric", f"{x.text} vs {y.text}", round(0.55 + 0.3 * min(1.0, rel * 4), 3),
                          _ev(sa.text, x.start, x.end), _ev(sb.text, y.start, y.end),
                          topic=f"{key_x}:{values}")
    return None


_HISTORIC = frozenset("since history first previously".split())


def _denied_happening(f: Frame) -> bool:
    return f.asserted_polarity == "negative" and f.factual and f.predicate in lx.HAPPENINGS


def _calls_off(f: Frame) -> bool:
    return f.predicate in lx.CALLING_OFF and f.asserted_polarity == "positive" and f.factual


def mentioned_denial(sa: SentenceFrames, sb: SentenceFrames, hours_apart: float | None) -> Reason | None:
    """One side says a happening did not take place ("nothing has been suspended", "there were no
    talks"); the other speaks of it as a fact ("shook hands on a suspension")."""
    for neg_side, pos_side, flip in ((sa, sb, False), (sb, sa, True)):
        for f in neg_side.frames:
            if not _denied_happening(f):
                continue
            if f.light is not None and f.predicate not in lx.HAPPENING_NOUNS:
                continue  # "there were no signs" is not about signing
            where = pos_side.span_of(f.predicate)
            if where is None or any(g.predicate == f.predicate and g.asserted_polarity == "negative"
                                    for g in pos_side.frames):
                continue
            holder = [g for g in pos_side.frames if g.start <= where[0] < g.end]
            if not holder:
                continue
            g = min(holder, key=lambda g: g.end - g.start)
            if not g.factual or g.previous or f.previous:
                continue  # the other side must state it as a fact, not as a plan, wish or condition
            if g.asserted_polarity == "negative" and g.theme is not None and g.theme.start <= where[0] < g.theme.end:
                continue  # "had never arranged any talks": the other side denies it too
            if f.light is None and f.theme is not None and f.theme.head and pos_side.span_of(f.theme.head) is None:
                continue  # "did not discuss confidential matters" denies discussing those, not a meeting
            if _names_differ(f, g) or (f.light is None and _owners_differ(f, g)):
                continue  # "Japan did not sign" says nothing against "China signed"
            rest_n, rest_p = neg_side.lemmas - {f.predicate}, pos_side.lemmas - {f.predicate}
            shared = len(rest_n & rest_p) / max(1, len(rest_n | rest_p))
            if len(rest_n) > 2 and shared < 0.1 and not (neg_side.names & pos_side.names):
                continue  # a bare "nothing has been suspended" may stand alone; a longer one must share its subject
            if set(_WORD.findall(neg_side.text[f.start:f.end].lower())) & _HISTORIC:
                continue  # "no meeting has occurred since 1948" speaks of the past, not of this occasion
            ev_n = _ev(neg_side.text, f.pred_start, f.pred_end)
            ev_p = _ev(pos_side.text, *where)
            msg = f"no {f.pred_text} vs {pos_side.text[where[0]:where[1]]}"
            ea, eb = (ev_p, ev_n) if flip else (ev_n, ev_p)
            return Reason("denial", msg, 0.5, ea, eb, topic=f"{f.predicate}:polarity")
    return None


def called_off_happened(sa: SentenceFrames, sb: SentenceFrames, hours_apart: float | None) -> Reason | None:
    """One side calls a happening off ("the union suspended the strike due to begin on Friday"),
    the other speaks of it taking place on the same day ("a walkout by pilots grounded flights on
    Friday"). The day is required: calling off this year's strike says nothing of last year's."""
    for off_side, on_side, flip in ((sa, sb, False), (sb, sa, True)):
        for f in off_side.frames:
            if not _calls_off(f):
                continue
            if f.theme is None or f.theme.head not in lx.HAPPENINGS:
                continue  # a strike, a vote, talks: something that takes place (not "tariffs")
            where = on_side.span_of(f.theme.head)
            if where is None:
                continue
            holder = [g for g in on_side.frames if g.start <= where[0] < g.end]
            if not holder or not all(g.factual and g.asserted_polarity == "positive" and not g.previous
                                     for g in holder):
                continue
            if any(g.predicate in lx.CALLING_OFF for g in holder) or _names_differ(f, holder[0]):
                continue
            days = [(x, y) for x in off_side.times for y in on_side.times if x.granularity == y.granularity == "day"]
            if not days or any(_dates_differ(x, y) for x, y in days):
                continue
            ev_off = _ev(off_side.text, f.pred_start, f.pred_end)
            ev_on = _ev(on_side.text, *where)
            ea, eb = (ev_on, ev_off) if flip else (ev_off, ev_on)
            msg = f"{f.pred_text} vs {on_side.text[where[0]:where[1]]} on the same day"
            return Reason("status", msg, 0.6, ea, eb, topic=":".join(sorted((f.predicate, f.theme.head))))
    return None


def sides(al: Alignment, sa: SentenceFrames, sb: SentenceFrames, hours_apart: float | None) -> Reason | None:
    """The same actor for a thing and against it: "voted for the bill" / "voted against the bill",
    "approved the stadium" / "voted against the stadium"."""
    a, b = al.a, al.b
    deciding = a.predicate in lx.DECIDING and b.predicate in lx.DECIDING
    if not (al.relation == "same" or deciding) or al.actor != 1 or not (a.factual and b.factual):
        return None
    if a.asserted_polarity != b.asserted_polarity or _names_differ(a, b) or _arguments_named_apart(a, b) \
            or _sentence_times_differ(sa, sb):
        return None
    for side_a, thing_a in a.sides:
        for side_b, thing_b in b.sides:
            if side_a != side_b and thing_a == thing_b:
                return Reason("status", f"{a.pred_text} {side_a} vs {b.pred_text} {side_b}", 0.6,
                              _ev(sa.text, a.pred_start, a.pred_end), _ev(sb.text, b.pred_start, b.pred_end),
                              topic=f"{a.predicate}:{thing_a}:for|against")
    return None


def _named_happenings(f: Frame) -> set[str]:
    """Happenings named by a noun that the frame gives a cause for ("caused the blast", "the talks
    were put back because ...")."""
    out = {f.cause_of} if f.cause_of and f.cause_of != f.predicate else set()
    if f.theme is not None and f.theme.head and f.theme.head in lx.HAPPENING_NOUNS:
        out.add(f.theme.head)
    return out


def cause(sa: SentenceFrames, sb: SentenceFrames, hours_apart: float | None) -> Reason | None:
    """Two causes with nothing in common given for one happening, one of them said to be the only
    one or each naming a different party: "the talks were derailed by the filling of the dam" /
    "the session was put back only because the chair fell ill". A happening named by a verb
    ("flights were delayed because of fog") is one only with the same subject."""
    for fa in (f for f in sa.frames if f.cause is not None):
        for fb in (f for f in sb.frames if f.cause is not None):
            if not (fa.factual and fb.factual) or fa.asserted_polarity != fb.asserted_polarity:
                continue
            shared = _named_happenings(fa) & _named_happenings(fb)
            if not shared:
                if fa.cause_of != fb.cause_of or not (
                        arg_match(fa.theme, fb.theme) > 0 or arg_match(fa.actor, fb.actor) > 0):
                    continue
                shared = {fa.cause_of}
            ca, cb = fa.cause, fb.cause
            if not ca.lemmas or not cb.lemmas or ca.lemmas & cb.lemmas or ca.names & cb.names:
                continue  # "a power failure" / "a failure of the cooling": one cause, told twice
            if not (fa.sole_cause or fb.sole_cause or _disjoint_names(ca.names, cb.names)):
                continue  # "a gas leak" / "a faulty valve" may be links of one chain; "only because
                # the chair fell ill" excludes the other, and so do two different parties blamed
            if _sentence_times_differ(sa, sb):
                continue
            return Reason("cause", f"{ca.text} vs {cb.text}", 0.75 if fa.sole_cause or fb.sole_cause else 0.6,
                          _ev(sa.text, ca.start, ca.end), _ev(sb.text, cb.start, cb.end),
                          topic=f"{min(shared)}:cause")
    return None


CHECKS: tuple[Callable[[Alignment, SentenceFrames, SentenceFrames, float | None], Reason | None], ...] = (
    numeric, date, place, polarity, opposite, identity, sides, role_holder,
)


@dataclass(frozen=True)
class ConflictSummary:
    """What a sentence brings to any slot conflict, so that pairs without one are skipped unscored.

    Each check below needs one of these on the aligned frames or the sentences: figures on both
    sides (`numeric`, `figures_differ`), times on both (`date`), causes on both (`cause`), a related pair of frames
    (`place`, `polarity`, `opposite`, `identity`, `sides`: see `relation_keys`), or on one side a
    happening called off (`called_off_happened`) or denied (`mentioned_denial`). Most candidate
    pairs in an event have none of these and would score 0 after a full alignment."""

    figures: bool
    times: bool
    one_sided: bool
    keys: frozenset[tuple[str, ...]]
    causes: bool = False


def conflict_summary(s: SentenceFrames) -> ConflictSummary:
    return ConflictSummary(
        figures=any(f.amounts for f in s.frames),
        times=any(f.times for f in s.frames),
        one_sided=any(_calls_off(f) or _denied_happening(f) for f in s.frames),
        keys=frozenset().union(*(relation_keys(f) for f in s.frames)),
        causes=any(f.cause is not None for f in s.frames),
    )


def may_conflict(x: ConflictSummary, y: ConflictSummary) -> bool:
    """False only when no check below can find a conflict in the pair (exact, not a guess)."""
    return ((x.figures and y.figures) or (x.times and y.times) or x.one_sided or y.one_sided
            or (x.causes and y.causes) or not x.keys.isdisjoint(y.keys))


def find_conflicts(al: Alignment, sa: SentenceFrames, sb: SentenceFrames,
                   published_a: datetime | None = None, published_b: datetime | None = None) -> list[Reason]:
    """All slot conflicts of an aligned frame pair, strongest first."""
    hours = None
    if published_a and published_b:
        hours = (published_b - published_a).total_seconds() / 3600.0
    same_occasion = al.a.previous == al.b.previous and al.a.occasion == al.b.occasion
    found = [r for check in CHECKS if same_occasion
             and (r := check(al, sa, sb, hours)) is not None]  # an earlier or a second occasion is another happening
    if not any(r.detector == "numeric" for r in found) and al.actor >= 0 and same_occasion:
        extra = figures_differ(sa, sb, hours)
        if extra is not None:
            found.append(extra)
    if not any(r.detector == "status" for r in found):
        extra = called_off_happened(sa, sb, hours)
        if extra is not None:
            found.append(extra)
    if not found and same_occasion:
        extra = cause(sa, sb, hours) or period_end(sa, sb, hours) or period_end(sb, sa, hours) or score(sa, sb, hours)
        if extra is not None:
            found.append(extra)
    if not any(r.detector == "denial" for r in found) and al.actor >= 0 and al.theme >= 0:
        extra = mentioned_denial(sa, sb, hours)
        if extra is not None:
            found.append(extra)
    if found and shared_run(sa, sb) >= SHARED_QUOTE_WORDS and sa.negations == sb.negations:
        # The same quote or wire copy in both: a difference of parse or attribution is not a
        # difference of fact. What still counts is a word that differs: a figure, a date, a place,
        # an opposite verb (and a negation, which the test above already lets through).
        found = [r for r in found if _evidence_differs(r)]
    found.sort(key=lambda r: -r.weight)
    return found


_WORD = re.compile(r"[a-z0-9]+")
SHARED_QUOTE_WORDS = 8


@lru_cache(maxsize=20_000)
def _words(text: str) -> tuple[str, ...]:
    """A sentence's lower-cased words; each sentence meets dozens of others in its event."""
    return tuple(_WORD.findall(text.lower()))


@lru_cache(maxsize=20_000)
def _word_set(text: str) -> frozenset[str]:
    return frozenset(_words(text))


def release_caches() -> None:
    _words.cache_clear()
    _word_set.cache_clear()


def shared_run(sa: SentenceFrames, sb: SentenceFrames) -> int:
    """Length in words of the longest word sequence the two sentences share."""
    wa, wb = _words(sa.text), _words(sb.text)
    best, prev = 0, [0] * (len(wb) + 1)
    for x in wa:
        cur = [0] * (len(wb) + 1)
        for j, y in enumerate(wb, 1):
            if x == y:
                cur[j] = prev[j - 1] + 1
                best = max(best, cur[j])
        prev = cur
    return best


def _evidence_differs(r: Reason) -> bool:
    ta = " ".join(e.text.lower() for e in r.evidence_a)
    tb = " ".join(e.text.lower() for e in r.evidence_b)
    return ta != tb


def restatement(sa: SentenceFrames, sb: SentenceFrames) -> float:
    """How far the two sentences are the same words (a repeated quote, wire copy): token Jaccard."""
    return word_overlap(sa.text, sb.text)


def word_overlap(a: str, b: str) -> float:
    """Token Jaccard of two texts (no parse needed)."""
    ta, tb = _word_set(a), _word_set(b)
    return len(ta & tb) / len(ta | tb) if ta and tb else 0.0
