"""Status detector: opposite outcomes stated for the same subject.

Lexicons of opposite states on a few axes (took place vs called off, approved vs rejected, won
vs lost, rose vs fell, opened vs closed, resumed vs halted, confirmed vs denied). Two claims
conflict when each takes one side of an axis, unambiguously, about the same subject: the words
around the two status words must share a content word or a name, the sentences must not name
different things with the same noun ("the plant in Leeds" vs "the plant in Hull"), and they
must not be dated to different days (a road blocked on Sunday and reopened on Monday).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

from factcheck.tasks.detectors.text import (
    GENERIC_LEMMAS,
    HAPPENING_CLASSES,
    NEGATION_CUES,
    STOPWORDS,
    different_named_subjects,
    features,
    lemmas_of,
    window_lemmas,
)
from factcheck.tasks.models import Claim, Evidence, Reason

NAME = "status"

# axis -> (positive words, negative words); words are lemmatised at import.
_AXES_WORDS = {
    "took place": ("hold held proceed proceeded", "cancel cancelled postpone postponed suspend suspended scrap scrapped abandon abandoned"),
    "agreed": (
        "sign signed agree agreed approve approved accept accepted ratify ratified endorse endorsed",
        "reject rejected refuse refused block blocked veto vetoed decline declined oppose opposed undecided",
    ),
    "outcome": ("win won", "lose lost"),
    "direction": (
        "rise rose risen increase increased climb climbed jump jumped gain gained grow grew surge surged soar soared raise raised lift lifted hike hiked",
        "fall fell fallen decrease decreased drop dropped decline declined slide slid shrink shrank slump slumped plunge plunged tumble tumbled cut lower lowered reduce reduced",
    ),
    "open": ("open opened reopen reopened", "close closed shut"),
    "running": ("resume resumed restart restarted restore restored", "halt halted stop stopped suspend suspended pause paused"),
    "confirmed": ("confirm confirmed", "deny denied"),
}
_LEXICON: dict[str, list[tuple[str, int]]] = {}
for _axis, (_pos, _neg) in _AXES_WORDS.items():
    for _sign, _words in ((1, _pos), (-1, _neg)):
        for _lem in lemmas_of(_words):
            _LEXICON.setdefault(_lem, []).append((_axis, _sign))

_PHRASES = [
    (re.compile(r"\b(?:went|go|goes|going|gone)\s+ahead\b", re.I), "took place", 1),
    (re.compile(r"\b(?:took|take|takes|taken|taking)\s+place\b", re.I), "took place", 1),
    (re.compile(r"\b(?:call|calls|called|calling)\s+(?:\w+\s+)?off\b", re.I), "took place", -1),
    (re.compile(r"\b(?:put|putting|puts)\s+(?:back|off)\b", re.I), "took place", -1),
    (re.compile(r"\b(?:taken|take|made|make|reached)\s+no\s+decision\b|\bno\s+decision\s+(?:has|had)\s+been\b", re.I), "agreed", -1),
    (re.compile(r"\bstill\s+(?:reviewing|considering|weighing|studying|assessing|examining)\b", re.I), "agreed", -1),
    (re.compile(r"\b(?:stayed|remained|remains|kept|keep)\s+(?:shut|closed)\b", re.I), "open", -1),
    (re.compile(r"\b(?:stayed|remained|remains|kept|keep)\s+open\b", re.I), "open", 1),
]
_BLOCKERS = lemmas_of("could may might would should threaten threatened plan planned expect expected likely if whether want wanted hope aim seek vote voted urge urged ask asked call called")
_NONCOMMITTAL_AFTER = re.compile(r"^\s+to\s+(?:comment|say|confirm|discuss|answer|respond|elaborate|give|specify|disclose|name)\b", re.I)


class Hit(NamedTuple):
    axis: str
    sign: int
    start: int
    end: int
    surface: str


@lru_cache(maxsize=32768)
def status_hits(text: str) -> tuple[Hit, ...]:
    """Status words a sentence asserts (not negated, not hedged by a modal just before)."""
    f = features(text)
    toks = f.tokens
    hits: list[Hit] = []
    phrase_spans = []
    for rx, axis, sign in _PHRASES:
        for m in rx.finditer(f.text):
            hits.append(Hit(axis, sign, m.start(), m.end(), text[m.start() : m.end()]))
            phrase_spans.append((m.start(), m.end()))
    for i, t in enumerate(toks):
        if t.kind != "word" or t.lemma not in _LEXICON or t.negated or t.entity:
            continue
        if any(s <= t.start < e for s, e in phrase_spans):
            continue
        if t.lower.endswith("ing") and i + 1 < len(toks) and _attributive(toks, i):
            continue  # "closing price", "opening ceremony": an adjective, no change of state
        before = [x for x in toks[max(0, i - 3) : i] if x.kind == "word"]
        if any(x.lemma in _BLOCKERS or x.lower in NEGATION_CUES or x.lower.endswith("n't") for x in before):
            continue
        if _NONCOMMITTAL_AFTER.match(f.text[t.end : t.end + 20]) or (
            t.lemma in ("declin", "refus") and f.text[t.end : t.end + 4].strip().lower() == "to"
        ):
            continue
        for axis, sign in _LEXICON[t.lemma]:
            hits.append(Hit(axis, sign, t.start, t.end, t.text))
    return tuple(hits)


def _attributive(toks, i: int) -> bool:
    """An -ing form used before a noun after a determiner or possessive: "the closing price",
    "Greenhaven's closing price", "its opening hours"."""
    nxt, prev = toks[i + 1], toks[i - 1] if i > 0 else None
    if nxt.kind != "word" or nxt.lower in STOPWORDS or nxt.lemma in _LEXICON:
        return False
    return prev is not None and (prev.lower in ("the", "a", "an", "its", "their", "his", "her", "our") or prev.lower.endswith("'s"))


def _subject(text: str, hit: Hit) -> set[str]:
    """Words right next to the status word: its subject or object ("shares fell", "approved the deal").

    A sentence-initial name ("Vantrell shares rose") is keyed like the same name elsewhere
    ("Vantrell's shares fell").
    """
    f = features(text)
    reach = 2 if hit.axis == "direction" else 3
    near = window_lemmas(f, hit.start, hit.end, before=reach, after=reach)
    near = ["E:" + w[:6] if not w.startswith("E:") and w[:6] in f.maybe_entities else w for w in near]
    return {w for w in near if w not in GENERIC_LEMMAS and w not in _LEXICON}


_SPEECH_DATE_RE = re.compile(
    r"\b(?:said|says|told|announced|confirmed|added|stated|wrote|reported|briefing|statement|interview)\b[^,;.]{0,40}$",
    re.I,
)


@lru_cache(maxsize=65536)
def _event_dates(c: Claim, gran: str) -> frozenset:
    """Dates of a claim at one granularity, without the dates of the saying ("said late on Monday")."""
    return frozenset(d.value for d in c.dates if d.value is not None and d.granularity == gran
            and not _SPEECH_DATE_RE.search(c.text[max(0, d.start - 60) : d.start]))


# --- a planned happening called off before it began, vs a report that it happened -------------

_CALL_OFF = lemmas_of("suspend suspended cancel cancelled scrap scrapped abandon abandoned postpone postponed shelve shelved")
_PLANNED_RE = re.compile(r"\b(?:due|set|scheduled|planned|meant|supposed|was to|were to)\b|\bbefore it (?:began|started)\b", re.I)
_PLANNED = lemmas_of("planned scheduled threatened proposed announced")
_PAST_VERB = re.compile(r"^(?:\w+ed|halted|shut|hit|brought|kept|left|took|went|began|ran|stopped|closed|paralysed|crippled|disrupted)$", re.I)
_NOT_HAPPENED = lemmas_of("due plan planned schedule scheduled threaten threatened expect expected would could may might will set propose proposed")


@lru_cache(maxsize=32768)
def called_off(text: str) -> tuple[tuple[str, int, int], ...]:
    """(class, start, end) of planned happenings the sentence says were called off before they began."""
    f = features(text)
    toks = f.tokens
    out = []
    for i, t in enumerate(toks):
        if t.kind != "word" or t.lemma not in _CALL_OFF or t.negated:
            continue
        if any(x.lemma in _BLOCKERS or x.lower in NEGATION_CUES for x in toks[max(0, i - 3) : i] if x.kind == "word"):
            continue
        for j in range(i + 1, min(len(toks), i + 5)):
            obj = toks[j]
            if obj.kind != "word" or obj.lemma not in HAPPENING_CLASSES:
                continue
            after = f.text[obj.end : obj.end + 40]
            before = [x.lemma for x in toks[max(0, j - 2) : j]]
            if _PLANNED_RE.match(after.strip().removeprefix("that ").removeprefix("which ")) or _PLANNED_RE.search(after[:25]) or set(before) & _PLANNED:
                for cls in HAPPENING_CLASSES[obj.lemma]:
                    out.append((cls, t.start, obj.end))
            break
    return tuple(out)


_EARLIER_RE = re.compile(r"\b(?:1[89]\d\d|20\d\d)\b|\b(?:last|previous|earlier|past)\s+(?:year|month|time)\b|\bwhen\b", re.I)


def detect_called_off(a: Claim, b: Claim) -> Reason | None:
    """Ungated: a planned happening called off before it began vs a report that it took place.

    Like a denial, the two rarely share words beyond the happening ("suspended the strike" /
    "a walkout halted trains"), so this runs without the subject-overlap gate.
    """
    if not (called_off(a.text) or called_off(b.text)) or _dated_apart(a, b):
        return None  # the cheap test first: most sentences call nothing off
    return _called_off_vs_happened(a, b)


@lru_cache(maxsize=32768)
def happened(text: str) -> dict[str, tuple[int, int]]:
    """Happening classes a sentence reports as having taken place: "a walkout ... halted most trains"."""
    f = features(text)
    toks = f.tokens
    out: dict[str, tuple[int, int]] = {}
    for i, t in enumerate(toks):
        if t.kind != "word" or t.lemma not in HAPPENING_CLASSES or t.negated or t.entity:
            continue
        if any(x.lemma in _NOT_HAPPENED or x.lemma in _CALL_OFF for x in toks[max(0, i - 3) : i + 1] if x.kind == "word"):
            continue
        if _EARLIER_RE.search(f.text[max(0, t.start - 50) : t.start]):
            continue  # "since 2019, when a three-day stoppage ...": an earlier happening
        for j in range(i + 1, min(len(toks), i + 6)):
            v = toks[j]
            if v.text in (",", ";", "."):
                break
            if v.kind != "word":
                continue
            if v.lemma in _NOT_HAPPENED or v.lemma in _CALL_OFF or v.negated or v.lower in ("was", "were", "had", "has", "is"):
                break
            if _PAST_VERB.match(v.lower) and v.lemma not in HAPPENING_CLASSES and not v.entity:
                for cls in HAPPENING_CLASSES[t.lemma]:
                    out.setdefault(cls, (t.start, v.end))
                break
    return out


def _called_off_vs_happened(a: Claim, b: Claim) -> Reason | None:
    for x, y, flip in ((a, b, False), (b, a, True)):
        offs = called_off(x.text)
        if not offs:
            continue
        done = happened(y.text)
        for cls, s, e in offs:
            if cls in done and cls not in {c for c, _s, _e in called_off(y.text)}:
                ds, de = done[cls]
                ev_x = (Evidence(x.text[s:e], s, e),)
                ev_y = (Evidence(y.text[ds:de], ds, de),)
                msg = f"{x.text[s:e]!r} (called off before it began) vs {y.text[ds:de]!r} (took place)"
                return Reason(NAME, msg, 0.7, ev_y if flip else ev_x, ev_x if flip else ev_y)
    return None


def _dated_apart(a: Claim, b: Claim) -> bool:
    for gran in ("day", "month"):
        da, db = _event_dates(a, gran), _event_dates(b, gran)
        if da and db and not (da & db):
            return True
    return False


def detect(a: Claim, b: Claim) -> Reason | None:
    """A Reason when the claims state opposite outcomes for the same subject, else None."""
    ha, hb = status_hits(a.text), status_hits(b.text)
    if not (ha and hb) and not (called_off(a.text) or called_off(b.text)):
        return None  # neither an outcome on both sides nor anything called off: nothing to compare
    if _dated_apart(a, b) or different_named_subjects(a.text, b.text):
        return None
    found = _called_off_vs_happened(a, b)
    if found is not None:
        return found
    if not ha or not hb:
        return None
    axes = {h.axis for h in ha} & {h.axis for h in hb}
    if "running" in axes and not (_event_dates(a, "day") & _event_dates(b, "day")):
        axes.discard("running")  # halted, then resumed: a sequence unless both name the same day
    if not axes:
        return None
    best = None
    for axis in sorted(axes):
        sa = {h.sign for h in ha if h.axis == axis}
        sb = {h.sign for h in hb if h.axis == axis}
        if len(sa) != 1 or len(sb) != 1 or sa == sb:
            continue  # ambiguous on one side ("blocked ..., reopened") or the same outcome
        for x in (h for h in ha if h.axis == axis):
            for y in (h for h in hb if h.axis == axis):
                shared = _subject(a.text, x) & _subject(b.text, y)
                if not shared or (axis == "direction" and len(shared) < 2):
                    continue  # "the bank raised rates" vs "the bank cut its forecast": two things
                named = any(w.startswith("E:") for w in shared)
                weight = 0.75 if named or len(shared) > 1 else 0.65
                if axis == "direction":
                    weight -= 0.1  # rises and falls of different measures are easily confused
                if best is None or weight > best.weight:
                    subj = ", ".join(sorted(w[2:] if w.startswith("E:") else w for w in shared))
                    best = Reason(
                        NAME,
                        f"{x.surface} vs {y.surface} ({axis}; shared: {subj})",
                        weight,
                        (Evidence(x.surface, x.start, x.end),),
                        (Evidence(y.surface, y.start, y.end),),
                    )
    return best
