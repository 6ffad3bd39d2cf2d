"""Date detector: two claims put the same one-off happening on different days.

Only day-resolved dates count, and only when the words next to each date name the same
happening ("signed on Monday" vs "signed on Wednesday", "will meet on October 21" vs "talks on
October 23"). Deadlines and ranges ("by Friday", "from Tuesday to Friday") and reschedulings
("postponed to October 21") are skipped: a different day there is not a contradiction.
"""

from __future__ import annotations

import re
from functools import lru_cache

from factcheck.tasks.detectors.text import GENERIC_LEMMAS, HAPPENING_CLASSES, features, lemmas_of, window_lemmas
from factcheck.tasks.models import Claim, DateMention, Evidence, Reason

NAME = "date"

_BOUND_BEFORE = re.compile(
    r"\b(?:by|until|till|before|after|since|from|through|between|as of|no later than|deadline|starting|beginning|ahead of)\s+(?:on\s+|the\s+)?$",
    re.I,
)
_RANGE_BETWEEN = re.compile(r"^\s*(?:to|until|till|and|through|[-–])\s*$", re.I)
_RANGE_AFTER = re.compile(r"^\s*(?:to|until|till|and|through|[-–])\s", re.I)
_RESCHEDULE = lemmas_of("postpone postponed reschedule rescheduled move moved delay delayed push pushed bring brought forward defer deferred")
_WEAK_ANCHORS = lemmas_of("due expect expected plan planned schedule scheduled set held hold take place begin start end")


def _usable(d: DateMention, text: str, others: tuple[DateMention, ...]) -> bool:
    if d.value is None or d.granularity != "day":
        return False
    if _BOUND_BEFORE.search(text[max(0, d.start - 25) : d.start]):
        return False
    if any(0 <= d.start - o.end <= 12 and _RANGE_BETWEEN.match(text[o.end : d.start]) for o in others):
        return False  # second end of "Tuesday to Friday", "between Monday and Wednesday"
    return not _RANGE_AFTER.match(text[d.end : d.end + 12])


def _anchors(text: str, d: DateMention) -> tuple[frozenset[str], bool]:
    """Happening words next to the date (two before, one after) and whether it was rescheduled."""
    f = features(text)
    near = window_lemmas(f, d.start, d.end, before=4, after=2)
    words = [w for w in near if not w.startswith("E:") and w not in GENERIC_LEMMAS]
    before = [w for w in window_lemmas(f, d.start, d.end, before=4, after=0) if w in words][:2]
    after = [w for w in window_lemmas(f, d.start, d.end, before=0, after=2) if w in words][:1]
    return frozenset(before + after), bool(set(near) & _RESCHEDULE)


@lru_cache(maxsize=32768)
def _day_anchors(c: Claim) -> tuple[tuple[DateMention, frozenset[str], bool], ...]:
    """(day, happening words next to it, rescheduled?) for each usable day of a claim.

    Cached per claim: an event scores each claim against many others."""
    return tuple((d, *_anchors(c.text, d)) for d in c.dates if _usable(d, c.text, c.dates))


@lru_cache(maxsize=32768)
def _clock_times(c: Claim) -> tuple[tuple[DateMention, tuple[int, int]], ...]:
    """Each clock time of a claim with the minutes it allows (cached per claim)."""
    return tuple((d, r) for d in c.dates if (r := _minutes(d, c.text)))


def _same_happening(x: frozenset[str], y: frozenset[str]) -> str | None:
    """The one-off happening both anchor sets name: the same event word, or a one-off class."""
    for w in sorted(x & y):
        if w in EVENT_LEMMAS and w not in _WEAK_ANCHORS:
            return w
    for w in sorted(x):
        for v in sorted(y):
            shared = HAPPENING_CLASSES.get(w, frozenset()) & HAPPENING_CLASSES.get(v, frozenset()) & _ONE_OFF
            if shared and w not in _WEAK_ANCHORS and v not in _WEAK_ANCHORS:
                return sorted(shared)[0]
    return None


# Happenings that occur once, on one day (a strike or a suspension lasts; a signing does not).
_ONE_OFF = frozenset({"talks", "agreement", "attack", "explosion", "arrest", "evacuation", "casualty",
                      "postponement", "cancellation"})
EVENT_LEMMAS = frozenset(
    w for w, classes in HAPPENING_CLASSES.items() if classes & _ONE_OFF
) | lemmas_of(
    "sign signed hold held cancel cancelled postpone postponed open opened reopen reopened resume resumed "
    "halt halted announce announced launch launched begin began start started arrive arrived visit visited "
    "vote voted elect elected approve approved reject rejected hit occur occurred happen happened erupt "
    "erupted crash crashed collapse collapsed explode exploded die died kill killed meet met sign"
)


_CLOCK = re.compile(
    r"(?P<h>\d{1,2})(?:[:.](?P<m>\d{2}))?\s*(?P<ampm>a\.?\s?m\b\.?|p\.?\s?m\b\.?)|(?P<h24>\d{2}):(?P<m24>\d{2})|(?P<word>midnight|noon)",
    re.I,
)
_ROUGH_BEFORE = re.compile(r"\b(?:about|around|approximately|roughly|some\s+time|nearly|shortly|just|soon)\b[\w\s]{0,60}$", re.I)
_BEFORE_TIME = re.compile(r"\b(?:shortly|just|soon)\s+before\b[\w\s]{0,60}$", re.I)
_AFTER_TIME = re.compile(r"\b(?:shortly|just|soon)\s+after\b[\w\s]{0,60}$", re.I)


def _minutes(d: DateMention, text: str) -> tuple[int, int] | None:
    """(earliest, latest) minute of the day a clock time allows, or None for zones and unknowns."""
    if d.granularity != "time" or re.search(r"gmt|utc", text[d.start : d.end + 5], re.I) or "(" in text[max(0, d.start - 2) : d.start]:
        return None
    m = _CLOCK.search(d.text)
    if not m:
        return None
    if m.group("word"):
        t = 0 if m.group("word").lower() == "midnight" else 720
    elif m.group("h24"):
        t = int(m.group("h24")) * 60 + int(m.group("m24"))
    else:
        h = int(m.group("h")) % 12 + (12 if m.group("ampm").lower().startswith("p") else 0)
        t = h * 60 + int(m.group("m") or 0)
    before = text[max(0, d.start - 70) : d.start]
    if _BEFORE_TIME.search(before):
        return t - 30, t
    if _AFTER_TIME.search(before):
        return t, t + 30
    if _ROUGH_BEFORE.search(before[-25:]):
        return t - 20, t + 20
    return t - 10, t + 10


@lru_cache(maxsize=32768)
def _event_words(text: str) -> frozenset[str]:
    return frozenset(w for w in features(text).content if w in EVENT_LEMMAS)


def _time_conflict(a: Claim, b: Claim) -> Reason | None:
    """Two clock times for the same one-off happening ("the blast, at 6:40 a.m." vs "at 9.20 a.m.")."""
    ta, tb = _clock_times(a), _clock_times(b)
    if len(ta) != 1 or len(tb) != 1:
        return None
    (x, rx), (y, ry) = ta[0], tb[0]
    if x.value and y.value and x.value != y.value:
        return None
    ax, _ = _anchors(a.text, x)
    ay, _ = _anchors(b.text, y)
    what = _same_happening(ax, _event_words(b.text)) or _same_happening(_event_words(a.text), ay)
    if not what or not (rx[1] < ry[0] or ry[1] < rx[0]):
        return None
    return Reason(NAME, f"{what}: at {x.text} vs at {y.text}", 0.6,
                  (Evidence(x.text, x.start, x.end),), (Evidence(y.text, y.start, y.end),))


def detect(a: Claim, b: Claim) -> Reason | None:
    """A Reason when both claims date the same happening to different days (or clock times)."""
    if not a.dates or not b.dates:
        return None
    timed = _time_conflict(a, b)
    if timed is not None:
        return timed
    anchors_a, anchors_b = _day_anchors(a), _day_anchors(b)
    if not anchors_a or not anchors_b:
        return None
    hits, agreeing = [], set()
    for x, ax, moved_x in anchors_a:
        for y, ay, moved_y in anchors_b:
            what = _same_happening(ax, ay)
            if not what:
                continue
            if x.value == y.value:
                agreeing.add(what)
            elif not (moved_x or moved_y):
                hits.append((what, x, y))
    hits = [h for h in hits if h[0] not in agreeing]
    if not hits:
        return None
    what, x, y = hits[0]
    weight = 0.65 if (x.relative or y.relative) else 0.72
    message = f"{what}: {x.text} ({x.value.isoformat()}) vs {y.text} ({y.value.isoformat()})"
    return Reason(
        NAME,
        message,
        weight,
        (Evidence(x.text, x.start, x.end),),
        (Evidence(y.text, y.start, y.end),),
    )
