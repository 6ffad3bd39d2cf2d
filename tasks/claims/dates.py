"""Dates and times mentioned in a sentence, resolved against the publication time.

A small hand-written parser for the fixed patterns of news prose (dateparser's `search_dates`
is both slow and too eager, e.g. it reads "may" or "second" as dates). Resolution rules:

* explicit day without a year ("October 21", "Oct. 8", "21 October") takes the year that puts
  it closest to the publication date;
* a weekday ("on Sunday", "Thursday's blast") takes its tense from the nearest tense cue within
  50 characters (a cue further away belongs to another clause; "said" only counts when it
  directly precedes, as in "said on Monday"): past -> the most recent such day on or before the
  publication date; future ("will", "is due to", "is scheduled", "expected to", "would", ...)
  -> the next one on or after it; no cue -> the past one, unless the next one is nearer and at
  most two days ahead ("face disruption from Tuesday" in a Monday paper is tomorrow). "last X"
  is strictly before, "next X" strictly after the publication date;
* a month without a year ("in March"): future tense -> the next such month (this year if not
  before the publication month, else next year); past tense -> the most recent one; no cue ->
  the nearer one ("from January" in an October paper is next January). "would have" counts as
  past (counterfactual);
* "last/this/next week|month|year" give granularity week (value = that Monday), month (the
  1st) or year (1 January); "yesterday/today/tomorrow/tonight" are days;
* a time of day ("6:40 a.m.", "23:14", "0440 GMT", "midnight") has granularity "time" and the
  value of the nearest day mentioned in the same sentence, else None.

The publication date is taken in published_at's own time zone. With published_at None,
anything relative (and any date lacking a year) has value None.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime, timedelta

from factcheck.tasks.models import DateMention

MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
    "sept": 9, "oct": 10, "nov": 11, "dec": 12,
}
WEEKDAYS = {
    "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5,
    "sunday": 6,
}

_MONTH_FULL = (r"(?:January|February|March|April|May|June|July|August|September|October|November|"
               r"December)")
_MONTH_ANY = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December"
    r"|(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?)"
)
_WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_PART_OF_DAY = r"(?:['’]s|\s+(?:morning|afternoon|evening|night)(?:['’]s)?)?"

_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("iso", re.compile(r"(?<![\d-])(\d{4})-(\d{2})-(\d{2})(?![\d-])")),
    ("mdy", re.compile(
        rf"(?:(?P<wd>{_WEEKDAY}),?\s+)?(?P<mon>{_MONTH_ANY})\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?"
        rf"(?![\d:.]\d)(?:,?\s+(?P<year>(?:1[89]|20)\d{{2}})(?!\d))?")),
    ("dmy", re.compile(
        rf"(?:(?P<wd>{_WEEKDAY}),?\s+)?(?<![\d.,])(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?"
        rf"(?P<mon>{_MONTH_ANY})(?![a-z])(?:,?\s+(?P<year>(?:1[89]|20)\d{{2}})(?!\d))?")),
    ("month_year", re.compile(rf"(?P<mon>{_MONTH_FULL})\s+(?P<year>(?:1[89]|20)\d{{2}})(?!\d)")),
    ("month", re.compile(
        rf"(?:(?P<part>early|mid|late)[-\s])?(?<![A-Za-z])(?P<mon>{_MONTH_FULL})(?![A-Za-z])"
        r"(?!\s*\d)")),
    ("time", re.compile(
        r"(?<![\d.:])(?P<h>\d{1,2})(?:[:.](?P<m>[0-5]\d))?\s*(?P<ap>[aApP])\.?\s?[mM](?:\.|\b)")),
    ("time", re.compile(r"(?<![\d.:])(?P<h>[01]?\d|2[0-3]):(?P<m>[0-5]\d)(?![\d:])")),
    ("time", re.compile(
        r"(?<![\d.:,])(?P<h>[01]\d|2[0-3])(?P<m>[0-5]\d)\s*(?:GMT|UTC|hrs|hours\s+GMT)\b")),
    ("time", re.compile(r"\b(?:[Nn]oon|[Mm]idday|[Mm]idnight)\b")),
    ("relday", re.compile(
        r"\b(?P<w>[Yy]esterday|[Tt]oday|[Tt]omorrow|[Tt]onight|[Ll]ast night)\b")),
    ("relday", re.compile(r"\b(?P<w>[Tt]his)\s+(?:morning|afternoon|evening)\b")),
    ("relperiod", re.compile(
        r"\b(?P<mod>[Ll]ast|[Tt]his|[Nn]ext|[Pp]revious|[Cc]oming|[Pp]ast)\s+"
        r"(?P<unit>week|month|year)\b")),
    ("weekday", re.compile(
        rf"(?:\b(?P<mod>[Ll]ast|[Nn]ext|[Tt]his|[Cc]oming)\s+)?(?P<wd>{_WEEKDAY}){_PART_OF_DAY}")),
    ("year", re.compile(
        r"(?<![\d,.$€£¥\w-])(?P<year>1[89]\d{2}|20\d{2})(?!\d|,\d|\.\d|-\d|s\b|[a-zA-Z])")),
]

_DIGIT = re.compile(r"\d")
_MONTH_STEMS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_NEED_MONTH = frozenset({"mdy", "dmy", "month_year", "month"})
_PERIOD_WORD = re.compile(r"week|month|year")
_NEED_DIGIT = frozenset(p for kind, p in _PATTERNS if kind in ("iso", "mdy", "dmy", "month_year",
                                                             "year")
                        or (kind == "time" and "oon" not in p.pattern))
_KIND_PRIORITY = {"iso": 0, "mdy": 0, "dmy": 0, "month_year": 1, "time": 1, "relday": 2,
                  "relperiod": 2, "weekday": 3, "month": 3, "year": 4}

# A 4-digit number is not a year when it is a count or amount.
_NOT_YEAR_BEFORE = re.compile(
    r"(?:\b(?:about|around|some|nearly|almost|roughly|over|than|least|most|approximately|"
    r"estimated|up to|all|only)\s+|[$€£¥]\s*)$", re.IGNORECASE)
_YEAR_BEFORE = re.compile(
    r"\b(?:in|since|by|before|after|until|till|during|early|late|mid|spring|summer|autumn|fall|"
    r"winter|end of|year|fiscal|financial|class of)\s+$", re.IGNORECASE)
_NOT_YEAR_AFTER = re.compile(
    r"\s*(?:%|per\s*cent|percent|million|billion|thousand|[a-z]+s\b(?<!\bwas)(?<!\bhas)(?<!\bis))")
_MAY_OK_BEFORE = re.compile(
    r"\b(?:in|on|by|since|until|till|of|from|early|mid|late|last|next|this|between|and|to|"
    r"through|during|before|after)[\s-]+$", re.IGNORECASE)

_CONDITIONAL_PAST = re.compile(r"\b(?:would|could|might|should|may|must)\s+have\b", re.IGNORECASE)
_FUTURE = re.compile(
    r"\b(?:will|won't|shall|(?:is|are|was|were|had been|be)\s+(?:due|scheduled|set|expected|slated|"
    r"planned)\s+to|scheduled for|expected|plans?\s+to|planning\s+to|intends?\s+to|going\s+to|"
    r"would|could|might|may|upcoming|later|\w+'ll)\b", re.IGNORECASE)
_PAST = re.compile(
    r"\b(?:was|were|had|did|didn't|wasn't|weren't|hadn't|ago|[a-z]{3,}ed|rose|fell|hit|struck|"
    r"ran|began|left|met|broke|gave|held|saw|got|found|stood|brought|took|made|came|went|"
    r"sent|spent|lost|led|paid|won|built|fled|fought|shook|tore|kept|began|sold|bought|drew|"
    r"heard|knew|felt|thought|told|said|spoke|wrote|rang|put|cut|set|let|quit|shut|burst|spread)\b")
_REPORTING = re.compile(
    r"\b(?:said|says|say|told|tells|added|confirmed|announced|reported|wrote)\b")


def _month_number(token: str) -> int:
    return MONTHS[token.lower().rstrip(".")]


def _scan(sentence: str) -> list[tuple[str, re.Match[str]]]:
    """Non-overlapping raw matches, preferring specific patterns and then longer spans."""
    found: list[tuple[int, int, str, re.Match[str]]] = []
    has_digit = _DIGIT.search(sentence) is not None
    has_month = any(month in sentence for month in _MONTH_STEMS)
    for kind, pattern in _PATTERNS:
        if (not has_digit and pattern in _NEED_DIGIT) or (not has_month and kind in _NEED_MONTH) \
                or (kind == "weekday" and "day" not in sentence) \
                or (kind == "relperiod" and not _PERIOD_WORD.search(sentence)):
            continue  # cheap substring tests spare most regex scans
        for m in pattern.finditer(sentence):
            if kind == "year" and not _looks_like_year(sentence, m):
                continue
            if "mon" in pattern.groupindex and m.group("mon") == "May" and kind == "month":
                if not _MAY_OK_BEFORE.search(sentence[: m.start("mon")]):
                    continue
            found.append((_KIND_PRIORITY[kind], -(m.end() - m.start()), kind, m))
    found.sort(key=lambda t: (t[0], t[1], t[3].start()))
    taken: list[tuple[str, re.Match[str]]] = []
    for _, _, kind, m in found:
        if all(m.end() <= o.start() or m.start() >= o.end() for _, o in taken):
            taken.append((kind, m))
    taken.sort(key=lambda t: t[1].start())
    return taken


def _looks_like_year(sentence: str, m: re.Match[str]) -> bool:
    before = sentence[max(0, m.start() - 20): m.start()]
    if _YEAR_BEFORE.search(before):
        return True
    if _NOT_YEAR_BEFORE.search(before):
        return False
    return not _NOT_YEAR_AFTER.match(sentence, m.end())


def date_spans(sentence: str) -> list[tuple[int, int]]:
    """Character spans of every date or time in `sentence` (for quantities to skip)."""
    return [(m.start(), m.end()) for _, m in _scan(sentence)]


_TENSE_WINDOW = 50  # characters; a cue further away belongs to another clause


def _tense_cues(sentence: str) -> list[tuple[int, int, str, bool]]:
    """(start, end, "past"|"future", is_reporting_verb) of every tense cue, computed once."""
    cues = [(m.start(), m.end(), "past", False) for m in _CONDITIONAL_PAST.finditer(sentence)]
    taken = [(c[0], c[1]) for c in cues]  # "would have been": counterfactual past
    for m in _FUTURE.finditer(sentence):
        if m.group(0) == "May" or any(s <= m.start() < e for s, e in taken):
            continue
        cues.append((m.start(), m.end(), "future", False))
        taken.append((m.start(), m.end()))
    for m in _PAST.finditer(sentence):
        if not any(s <= m.start() < e for s, e in taken):
            cues.append((m.start(), m.end(), "past", bool(_REPORTING.fullmatch(m.group(0)))))
    return cues


def _tense(cues: list[tuple[int, int, str, bool]], start: int, end: int) -> str:
    """'future', 'past' or 'neutral' from the tense cue nearest to the mention."""
    best: tuple[int, str] | None = None
    for cue_start, cue_end, tense, reporting in cues:
        d = cue_start - end if cue_start >= end else start - cue_end
        if reporting and (cue_start >= end or d > 25):
            continue  # only "said (late) on Monday" dates the saying; "..., X said" is a frame
        if best is None or d < best[0]:
            best = (d, tense)
    return best[1] if best and best[0] <= _TENSE_WINDOW else "neutral"


def _closest_year(anchor: date, month: int, day: int) -> date | None:
    best = None
    for year in (anchor.year - 1, anchor.year, anchor.year + 1):
        try:
            candidate = date(year, month, day)
        except ValueError:
            continue
        if best is None or abs((candidate - anchor).days) < abs((best - anchor).days):
            best = candidate
    return best


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _weekday(anchor: date, target: int, mod: str | None, tense: str) -> date:
    delta_back = (anchor.weekday() - target) % 7
    delta_fwd = (target - anchor.weekday()) % 7
    if mod == "last":
        return anchor - timedelta(days=delta_back or 7)
    if mod == "next":
        return anchor + timedelta(days=delta_fwd or 7)
    if mod in ("this", "coming") or tense == "future" or (
            tense == "neutral" and delta_fwd < delta_back and delta_fwd <= 2):
        return anchor + timedelta(days=delta_fwd)
    return anchor - timedelta(days=delta_back)


def _shift_month(year: int, month: int, by: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + by
    return index // 12, index % 12 + 1


def _resolve_or_none(kind: str, m: re.Match[str], cues: Callable[[], list], anchor: date | None
                     ) -> tuple[date | None, str, bool]:
    """`_resolve`, with a date beyond the calendar (an article dated 9999-12-31 and "next
    week") read as unresolvable instead of failing the article."""
    try:
        return _resolve(kind, m, cues, anchor)
    except (ValueError, OverflowError):
        return None, "day", False


def _resolve(kind: str, m: re.Match[str], cues: Callable[[], list], anchor: date | None
             ) -> tuple[date | None, str, bool]:
    """(value, granularity, relative) of one raw match."""
    if kind == "iso":
        return _safe_date(int(m.group(1)), int(m.group(2)), int(m.group(3))), "day", False
    if kind in ("mdy", "dmy"):
        month, day = _month_number(m.group("mon")), int(m.group("day"))
        if m.group("year"):
            return _safe_date(int(m.group("year")), month, day), "day", False
        return (_closest_year(anchor, month, day) if anchor else None), "day", False
    if kind == "month_year":
        return date(int(m.group("year")), _month_number(m.group("mon")), 1), "month", False
    if kind == "year":
        return date(int(m.group("year")), 1, 1), "year", False
    if kind == "time":
        return None, "time", False
    if anchor is None:
        granularity = {"month": "month", "relperiod": (m.groupdict().get("unit") or "").lower()}
        return None, granularity.get(kind) or "day", kind != "month"
    if kind == "month":
        month = _month_number(m.group("mon"))
        tense = _tense(cues(), m.start(), m.end())
        year = anchor.year
        if tense == "future" and month < anchor.month:
            year += 1
        elif tense == "past" and month > anchor.month:
            year -= 1
        elif tense == "neutral" and abs(month - anchor.month) > 6:
            year += 1 if month < anchor.month else -1  # nearest: "from January" in October
        return date(year, month, 1), "month", False
    if kind == "relday":
        word = m.group("w").lower()
        offset = {"yesterday": -1, "last night": -1, "tomorrow": 1}.get(word, 0)
        return anchor + timedelta(days=offset), "day", True
    if kind == "relperiod":
        mod, unit = m.group("mod").lower(), m.group("unit").lower()
        step = {"last": -1, "previous": -1, "past": -1, "next": 1, "coming": 1}.get(mod, 0)
        if unit == "week":
            monday = anchor - timedelta(days=anchor.weekday())
            return monday + timedelta(weeks=step), "week", True
        if unit == "month":
            y, mo = _shift_month(anchor.year, anchor.month, step)
            return date(y, mo, 1), "month", True
        return date(anchor.year + step, 1, 1), "year", True
    # weekday
    mod = (m.group("mod") or "").lower() or None
    target = WEEKDAYS[m.group("wd").lower()]
    tense = _tense(cues(), m.start(), m.end()) if mod is None else "neutral"
    return _weekday(anchor, target, mod, tense), "day", True


def find_dates(sentence: str, published_at: datetime | None = None) -> tuple[DateMention, ...]:
    """Every date, relative day/period, month, year and time of day in `sentence`."""
    anchor = published_at.date() if published_at is not None else None
    raw = _scan(sentence)
    cached: list[list] = []

    def cues() -> list:  # tense cues are only needed for weekdays and bare months
        if not cached:
            cached.append(_tense_cues(sentence))
        return cached[0]

    resolved = [(kind, m, *_resolve_or_none(kind, m, cues, anchor)) for kind, m in raw]
    days = [(m.start(), value) for kind, m, value, gran, _ in resolved if gran == "day" and value]
    mentions = []
    for kind, m, value, granularity, relative in resolved:
        if granularity == "time" and days:
            value = min(days, key=lambda d: abs(d[0] - m.start()))[1]
        mentions.append(DateMention(text=m.group(0), start=m.start(), end=m.end(), value=value,
                                    granularity=granularity, relative=relative))
    return tuple(mentions)
