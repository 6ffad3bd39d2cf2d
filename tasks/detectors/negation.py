"""Negation and denial detectors.

`detect` (negation with scope): the same proposition with one side negated, "the plant was
evacuated" vs "the plant was not evacuated". The negation must govern a word the other side
asserts, and the two sentences must be largely about the same thing.

`detect_denial` (denial of a report): one side says a happening (talks, a meeting, an attack, a
deal, a strike...) did not exist or did not happen ("there were no talks", "no such
negotiations", "a meeting that never existed", "denied that any meeting had been planned",
"dismissed the report"), the other reports it. Denials rarely repeat the report's wording, so
this only needs the happening class ("talks" ~ "meeting" ~ "negotiate") or a shared name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from factcheck.tasks.detectors.text import (
    GENERIC_LEMMAS,
    HAPPENING_CLASSES,
    NONCOMMITTAL,
    STOP_LEMMAS,
    STOPWORDS,
    Features,
    different_named_subjects,
    features,
    lemmas_of,
    phrase_classes,
    shared_entities,
    text_overlap,
)
from factcheck.tasks.models import Claim, Evidence, Reason

NAME = "negation"
DENIAL = "denial"

# Denial cues whose scope is the words after the match.
_DENIAL_FORWARD = re.compile(
    r"\bthere\s+(?:was|were|is|are|had\s+been|have\s+been|has\s+been|will\s+be|would\s+be)\s+(?:no|never)\b"
    r"|\bno\s+such\b"
    r"|\bnothing\s+to\b"
    r"|\bnothing\s+(?:was|has\s+been|had\s+been|is|will\s+be)\b"
    r"|\bnone\s+of\b"
    r"|\bden(?:y|ies|ied|ying)\s+(?:that|any|all|there)\b"
    r"|\b(?:held|hold|holds|holding|had|have|has|reached|signed)\s+no\b"
    r"|\bnever\s+(?:\w+\s+)?(?:agreed|arranged|planned|scheduled|held|signed|met|negotiated|took\s+place|happened|occurred|existed)\b",
    re.I,
)
# Cues that deny a thing named just before them ("a meeting that never existed").
_DENIAL_BACKWARD = re.compile(
    r"\b(?:that|which|who)?\s*(?:never|did\s+not|didn't|does\s+not|doesn't|had\s+not|hadn't)\s+"
    r"(?:exist|existed|happen|happened|occur|occurred|take\s+place|took\s+place)\b",
    re.I,
)
# Denial of a report as a whole: "dismissed the report", "rejected reports as baseless".
_DENIAL_OF_REPORT = re.compile(
    r"\b(?:den(?:y|ies|ied|ying)|dismiss(?:ed|es|ing)?|reject(?:ed|s|ing)?|refut(?:e|ed|es|ing)|rebuff(?:ed|s)?|"
    r"deplored|branded)\s+(?:the\s+|a\s+|an\s+|these\s+|such\s+|earlier\s+|media\s+|newspaper\s+|press\s+){0,3}"
    r"(?:reports?|claims?|suggestions?|allegations?|accounts?|story|stories|speculation|rumou?rs?)\b",
    re.I,
)
_EPISTEMIC = lemmas_of("immediate immediately report reports word information details detail indication sign confirmation comment official known clear")
# Verbs that make a happening noun a reported occurrence ("talks were held", "the meeting was
# postponed", "shook hands on a suspension"), as opposed to a mere mention ("the deal needs approval").
_OCCURRENCE = lemmas_of(
    "hold held take took taken place happen happened occur occurred schedule scheduled plan planned arrange "
    "arranged expect expected due postpone postponed cancel cancelled derail derailed disrupt disrupted collapse "
    "collapsed suspend suspended resume resumed begin began start started end ended break broke continue continued "
    "run ran put reach reached sign signed agree agreed approve approved conclude concluded shake shook shaken "
    "announce announced confirm confirmed launch launched carry carried call called stage staged"
)
_EXISTENCE = _OCCURRENCE - lemmas_of("approve approved confirm confirmed announce announced")
_EXISTENTIAL = re.compile(r"there|no such|nothing|never\s+(?:\w+\s+)?(?:took place|happened|occurred|existed)", re.I)
_ATTRIBUTED_DENIAL = re.compile(r"\b(?:insistence|insisting|assertion|claim|claims|claiming|suggestion|allegation)\s+that\s*$", re.I)
_MODALS = frozenset({"would", "could", "should", "might", "may", "cannot", "can't", "couldn't", "wouldn't", "shouldn't"})
_CLAUSE_END = re.compile(r"[;\"()]|,\s+(?:but|while|although|though)\b|\.(?:\s|$)")
_REPORTISH = lemmas_of("report reported according cite citing newspaper paper")
# An exhaustive denial rules out every happening of its kind, whatever words the report uses.
_EXHAUSTIVE = re.compile(r"\b(?:of\s+any\s+(?:kind|sort|form)|at\s+any\s+(?:point|time|stage)|whatsoever|at\s+all)\b", re.I)
# A denied intention ("no plans to close stores") conflicts only with a stated intention.
_INTENTION_DENIAL = re.compile(r"\bno\s+(?:plans?|intention|intentions|intent)\s+to\b", re.I)
_INTENT_WORDS = frozenset({"would", "will", "plan", "plans", "planned", "planning", "intend", "intends", "intended", "set", "to", "'ll"})
# Times that scope a statement: a denial about "that morning" says nothing about "the spring".
_TIME_SCOPE = re.compile(
    r"\b(?:that|this|the\s+same)\s+(morning|afternoon|evening|night|day|week|month|year)\b"
    r"|\bin\s+the\s+(spring|summer|autumn|winter|past|morning|afternoon|evening|night)\b"
    r"|\b(?:last|next)\s+(spring|summer|autumn|winter|year|month|week)\b"
    r"|\bin\s+((?:19|20)\d\d)\b",
    re.I,
)


def _time_scopes(text: str) -> set[str]:
    return {next(g for g in m.groups() if g).lower() for m in _TIME_SCOPE.finditer(text)}


def _intent_near(f: Features, lemma_set: set[str]) -> bool:
    """Is one of `lemma_set` stated as an intention ("would close", "plans to close")?"""
    toks = f.tokens
    for i, t in enumerate(toks):
        if t.kind == "word" and t.lemma in lemma_set and not t.negated:
            if any(x.lower in _INTENT_WORDS for x in toks[max(0, i - 3) : i] if x.lower != "to") or (
                i >= 2 and toks[i - 1].lower == "to" and toks[i - 2].lemma in lemmas_of("plan intend set aim want")
            ):
                return True
    return False


@dataclass(frozen=True)
class Denial:
    """What one sentence denies.

    head_classes: happening classes of the thing denied ("no talks" -> talks); lemmas: content
    words of the denied clause, for denials of facts that are not happenings ("none of the dead
    were children"); short: the sentence says little else, so any report of the class conflicts.
    """

    head_classes: frozenset[str]
    lemmas: frozenset[str]
    cue: tuple[int, int]
    of_report: bool  # "dismissed the report": denies whatever the report said
    short: bool
    existential: bool  # "there were no talks", "no such", "never existed": denies the thing outright


def _scope_tokens(f: Features, start: int, end: int) -> list:
    return [t for t in f.tokens if start <= t.start < end and t.kind == "word"]


def _content(tokens) -> list:
    return [t for t in tokens if t.lemma not in STOP_LEMMAS and len(t.lemma) > 2]


def _first_class(tokens) -> frozenset[str]:
    for t in tokens[:3]:
        if t.lemma in HAPPENING_CLASSES:
            return HAPPENING_CLASSES[t.lemma]
    return frozenset()


@lru_cache(maxsize=32768)
def denial_of(text: str) -> Denial | None:
    """The denial a sentence makes, if any (cached per sentence)."""
    f = features(text)
    s = f.text
    heads: set[str] = set()
    lemmas: set[str] = set()
    cue = None
    existential = False
    for m in _DENIAL_FORWARD.finditer(s):
        end_m = _CLAUSE_END.search(s, m.end())
        clause_end = end_m.start() if end_m else len(s)
        scope = _content(_scope_tokens(f, m.end(), clause_end))
        cue_text = m.group().lower()
        if not scope and not cue_text.startswith("never"):
            continue
        if scope and scope[0].lemma in _EPISTEMIC:
            continue  # "there were no immediate reports of ...": nothing is denied
        cue = cue or (m.start(), m.end())
        own = _content(_scope_tokens(f, m.start(), m.end()))
        lemmas.update(t.lemma for t in scope[:5] if t.lemma not in GENERIC_LEMMAS)
        if cue_text.startswith("none"):
            continue  # "none of the dead were children": a property is denied, not the happening
        if cue_text.startswith("den") and not any(t.lemma in _EXISTENCE for t in scope):
            continue  # "denied that strikers had gone back": the predicate is denied, not the strikers
        found = _np_classes(f, m.end(), clause_end) if existential_cue(cue_text) else _first_class(scope)
        found = found | phrase_classes(s[m.start() : scope[0].end + 4 if scope else m.end()])
        if found and existential_cue(cue_text):
            found |= _topic_classes(f, scope)  # "no talks on a fisheries accord" also denies the accord
        for t in own:
            found |= HAPPENING_CLASSES.get(t.lemma, frozenset())
        heads |= found
        existential = existential or bool(found and _EXISTENTIAL.match(cue_text))
    for m in _DENIAL_BACKWARD.finditer(s):
        before = _content(_scope_tokens(f, max(0, m.start() - 40), m.start()))[-2:]
        if not before:
            continue
        cue = cue or (m.start(), m.end())
        for t in before:
            heads |= HAPPENING_CLASSES.get(t.lemma, frozenset())
            existential = existential or t.lemma in HAPPENING_CLASSES
            lemmas.add(t.lemma)
    # A negated happening word: "had not negotiated", "No agreement has been signed".
    toks = f.tokens
    for i, t in enumerate(toks):
        if not (t.negated and t.kind == "word") or (i > 0 and toks[i - 1].negated):
            continue  # only the first word a negation governs
        cue_tok = toks[i - 1] if i > 0 else None
        j = i
        while j < len(toks) and toks[j].negated and (toks[j].lemma in STOP_LEMMAS or len(toks[j].lemma) < 3):
            j += 1
        if j >= len(toks) or not toks[j].negated or toks[j].lemma not in HAPPENING_CLASSES or toks[j].lower in STOPWORDS:
            continue
        prev = [x.lower for x in toks[max(0, i - 3) : i]]
        if any(x in _MODALS for x in prev) or (cue_tok and cue_tok.lower in ("none", "cannot")) or _epistemic_before(f, j):
            continue
        heads |= HAPPENING_CLASSES[toks[j].lemma]
        lemmas.add(toks[j].lemma)
        cue = cue or ((cue_tok or toks[j]).start, toks[j].end)
    m = _DENIAL_OF_REPORT.search(s)
    if m:
        cue = cue or (m.start(), m.end())
    if cue is None:
        return None
    short = len([w for w in f.content if w not in GENERIC_LEMMAS]) <= 3
    if heads and _EXHAUSTIVE.search(s, cue[0]):
        existential = True  # "no negotiations of any kind", "had not met at any point": nothing of the sort
    if _ATTRIBUTED_DENIAL.search(s[max(0, cue[0] - 30) : cue[0]]):
        return None  # "hit back at X's insistence that no talks took place": someone else's denial
    return Denial(frozenset(heads), frozenset(lemmas), cue, m is not None, short, existential)


# The topic of a denied happening: "talks on an accord", "negotiations about a ceasefire". A
# place or time ("no casualties in the attack", "no talks during the summit") is not a topic.
_TOPIC_RE = re.compile(r"\s+(?:on|about|over|for|regarding|concerning)\s+(?:a|an|the|any|their|its)?\s*((?:[\w'-]+\s+){0,2}[\w'-]+)", re.I)


_NP_END = frozenset("in at on of from during after before since with by near for about over to among , ; : . and or but".split())


def _np_classes(f: Features, start: int, end: int) -> frozenset[str]:
    """Classes of the denied noun phrase itself: "no casualties in the attack" denies casualties,
    not the attack; "no such talks", "no formal negotiations" deny the talks."""
    out: set[str] = set()
    for t in f.tokens:
        if t.start < start or t.start >= end:
            continue
        if t.lower in _NP_END or t.kind == "punct":
            break
        out |= HAPPENING_CLASSES.get(t.lemma, frozenset()) if t.lower not in STOPWORDS else frozenset()
    return frozenset(out)


def existential_cue(cue_text: str) -> bool:
    return bool(_EXISTENTIAL.match(cue_text)) or cue_text.startswith(("held no", "had no", "hold no", "have no", "has no"))


def _topic_classes(f: Features, scope: list) -> frozenset[str]:
    head = next((t for t in scope[:3] if t.lemma in HAPPENING_CLASSES), None)
    if head is None:
        return frozenset()
    m = _TOPIC_RE.match(f.text, head.end)
    if not m:
        return frozenset()
    out: set[str] = set()
    for t in f.tokens:
        if m.start(1) <= t.start < m.end(1) and t.kind == "word":
            out |= HAPPENING_CLASSES.get(t.lemma, frozenset())
    return frozenset(out)


def _epistemic_before(f: Features, i: int) -> bool:
    """ "no immediate reports of damage": the negation is about reports, not the happening."""
    j = i - 1
    while j >= 0 and f.tokens[j].negated:
        if f.tokens[j].lemma in _EPISTEMIC:
            return True
        j -= 1
    return False


def _is_verbal(toks, i: int) -> bool:
    t = toks[i]
    if t.lower.endswith("ed") or t.lower in ("met", "held", "struck", "signed", "agreed"):
        return True
    prev = [x.lower for x in toks[max(0, i - 2) : i]]
    return "to" in prev or any(p in _MODALS or p in ("will", "shall") for p in prev) or (
        t.lower.endswith("ing") and any(p in ("is", "are", "was", "were", "been", "be") for p in prev)
    )


@lru_cache(maxsize=32768)
def asserted_happenings(text: str) -> dict[str, tuple[int, int]]:
    """Happening classes a sentence reports as occurring (or planned), with a span for each.

    A class word counts when used as a verb ("negotiated", "due to meet") or as a noun next to
    an occurrence verb ("talks were held", "the meeting has been postponed"), and is not negated.
    """
    f = features(text)
    toks = f.tokens
    out: dict[str, tuple[int, int]] = {}
    for i, t in enumerate(toks):
        if t.kind != "word" or t.negated or t.lemma not in HAPPENING_CLASSES or t.lower in STOPWORDS:
            continue
        if any(x.lower == "without" for x in toks[max(0, i - 3) : i]):
            continue  # "broke up without a deal"
        near = toks[max(0, i - 4) : i + 11]
        if _is_verbal(toks, i) or any(x.lemma in _OCCURRENCE and x is not t and not x.negated for x in near):
            for cls in HAPPENING_CLASSES[t.lemma]:
                out.setdefault(cls, (t.start, t.end))
    for cls in phrase_classes(f.text):
        out.setdefault(cls, (0, 0))
    return out


def _denial_one_way(denier: Claim, reporter: Claim) -> Reason | None:
    d = denial_of(denier.text)
    if d is None:
        return None
    fd, fr = features(denier.text), features(reporter.text)
    reported = dict(asserted_happenings(reporter.text))
    other = denial_of(reporter.text)
    if other is not None:
        for cls in other.head_classes:
            reported.pop(cls, None)  # both sides deny it: they agree
    names = shared_entities(denier.text, reporter.text)
    extra = {w for w in fd.content & fr.content if w not in GENERIC_LEMMAS and w not in HAPPENING_CLASSES}
    cue_text = fd.text[d.cue[0] : d.cue[1]]
    cue_ev = (Evidence(denier.text[d.cue[0] : d.cue[1]], d.cue[0], d.cue[1]),)
    hit = sorted(d.head_classes & set(reported))
    if hit and (names or extra or d.short or d.existential):
        cls = hit[0]
        s, e = reported[cls]
        ev = (Evidence(reporter.text[s:e], s, e),) if e > s else ()
        return Reason(DENIAL, f"denies the {cls.replace('_', ' ')} ({cue_text}) that the other reports", 0.85, cue_ev, ev)
    shared = {w for w in d.lemmas & fr.content if w not in GENERIC_LEMMAS}
    if len(shared) >= 2 and not (other is not None and shared <= other.lemmas) and _lemma_denial_applies(
        denier.text, fd, fr, shared
    ):
        return Reason(DENIAL, f"denies ({cue_text}) what the other states ({', '.join(sorted(shared))})", 0.6,
                      cue_ev, _find(fr, shared, set()))
    if d.of_report and reported and (names or extra):
        weight = 0.55 if _REPORTISH & fr.content else 0.4
        return Reason(DENIAL, f"dismisses a report ({cue_text}) of what the other states", weight, cue_ev, ())
    return None


def _lemma_denial_applies(denier_text: str, fd: Features, fr: Features, shared: set[str]) -> bool:
    """Checks for a denial matched on shared words rather than a happening class.

    - the reporter negates the same words itself ("hit back at X's insistence that no talks took
      place" repeats the denial, it does not contradict it);
    - a denied intention ("no plans to close stores") meets only a stated intention ("40 stores
      would close"), not a price that "closed" higher;
    - both sides name the time they speak of and the times differ ("no hot work that morning"
      vs "warned about hot work in the spring").
    """
    if any(t.negated and t.lemma in shared for t in fr.tokens):
        return False
    if _INTENTION_DENIAL.search(denier_text) and not _intent_near(fr, shared):
        return False
    ta, tb = _time_scopes(fd.text), _time_scopes(fr.text)
    return not (ta and tb and not (ta & tb))


def _find(f: Features, lemma_set: set[str] | frozenset[str], classes: set[str] | frozenset[str]) -> tuple[Evidence, ...]:
    for t in f.tokens:
        if t.kind == "word" and not t.negated and (t.lemma in lemma_set or HAPPENING_CLASSES.get(t.lemma, frozenset()) & classes):
            return (Evidence(t.text, t.start, t.end),)
    return ()


def detect_denial(a: Claim, b: Claim) -> Reason | None:
    """A Reason when one claim denies a happening that the other reports, else None."""
    best = None
    for denier, reporter, flip in ((a, b, False), (b, a, True)):
        reason = _denial_one_way(denier, reporter)
        if reason is None:
            continue
        if flip:
            reason = Reason(reason.detector, reason.message, reason.weight, reason.evidence_b, reason.evidence_a)
        if best is None or reason.weight > best.weight:
            best = reason
    return best


@lru_cache(maxsize=32768)
def _governed(text: str) -> tuple[tuple[int, tuple], ...]:
    """(cue index, content tokens it governs) for each negation cue, in order (cached per sentence)."""
    out = []
    toks = features(text).tokens
    i = 0
    while i < len(toks):
        if toks[i].negated and (i == 0 or not toks[i - 1].negated):
            j = i
            scope = []
            while j < len(toks) and toks[j].negated:
                t = toks[j]
                if t.kind == "word" and t.lemma not in STOP_LEMMAS and len(t.lemma) > 2 and not t.lower.endswith("ly"):
                    scope.append(t)
                j += 1
            out.append((i - 1, tuple(scope[:1])))  # the negation governs its first content word (the verb)
            i = j
        else:
            i += 1
    return tuple(out)


MIN_OVERLAP = 0.45


def _negation_one_way(neg: Claim, pos: Claim, overlap: float) -> Reason | None:
    scopes = _governed(neg.text)
    if not scopes:
        return None
    fn, fp = features(neg.text), features(pos.text)
    asserted = {t.lemma: t for t in fp.tokens if t.kind == "word" and not t.negated and not t.entity}
    negated_there = {t.lemma for t in fp.tokens if t.negated}
    for cue_i, scope in scopes:
        for t in scope:
            if t.entity or t.lemma in GENERIC_LEMMAS or t.lemma in NONCOMMITTAL or t.lemma not in asserted or t.lemma in negated_there:
                continue
            cue = fn.tokens[cue_i] if cue_i >= 0 else t
            weight = 0.55 + 0.35 * min(1.0, (overlap - MIN_OVERLAP) / 0.35)
            p = asserted[t.lemma]
            return Reason(
                NAME,
                f"'{cue.text} {t.text}' vs '{p.text}'",
                round(weight, 4),
                (Evidence(neg.text[cue.start : t.end], cue.start, t.end),),
                (Evidence(p.text, p.start, p.end),),
            )
    return None


def detect(a: Claim, b: Claim) -> Reason | None:
    """A Reason when one claim negates what the other asserts about the same subject, else None."""
    overlap = text_overlap(a.text, b.text)
    if overlap < MIN_OVERLAP or different_named_subjects(a.text, b.text):
        return None
    found = _negation_one_way(a, b, overlap)
    if found:
        return found
    found = _negation_one_way(b, a, overlap)
    if found:
        return Reason(found.detector, found.message, found.weight, found.evidence_b, found.evidence_a)
    return None
