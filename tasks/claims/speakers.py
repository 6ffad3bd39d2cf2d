"""Who asserts a sentence: a quoted or reported speaker, or the outlet itself.

Pattern-based, because news attribution is formulaic: `"...," X said`, `said X, a ...`,
`X said (that) ...`, `..., X said.`, `according to X`, `X told reporters`, `X denied ...`.
Verbs inside quotation marks are masked first so a quoted "says" never attributes. Names are
normalised so that the same person compares equal across outlets: leading titles and role
words are dropped ("foreign ministry spokesman Aurel Vance" -> "Aurel Vance", "President Lukas
Harren" -> "Lukas Harren"), determiners are dropped from organisations ("the foreign ministry"
-> "foreign ministry"), and a bare surname is expanded to a full name seen earlier in the
article ("Vance" -> "Aurel Vance"). Pronouns ("she said") resolve to the most recent person
(subject or speaker) of the article, "it/they" to the most recent speaker; the state is passed
in and returned, so every function stays pure.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import NamedTuple

from factcheck.tasks.models import SpeakerKind


class Attribution(NamedTuple):
    speaker: str
    kind: SpeakerKind


@dataclass(frozen=True)
class SpeakerState:
    """What attribution carries from one sentence to the next within an article."""

    last_person: str | None = None
    last_speaker: str | None = None
    names: tuple[str, ...] = ()  # full person names seen so far, for surname expansion


MASK = "\x00"
_QUOTE_MARK = re.compile(r'[“”"]')
_WORDCHAR = re.compile(r"[^\W_]")
_PRONOUNS = {"he": "person", "she": "person", "it": "any", "they": "any"}

_SAY = (r"said|says|say|told|tells|added|wrote|writes|stated|"
        r"(?:has|have|had)\s+said|(?:has|have|had)\s+told")
_OTHER = (
    r"denied|denies|deny|dismissed|dismisses|insisted|insists|claimed|claims|announced|"
    r"announces|warned|warns|confirmed|confirms|acknowledged|acknowledges|argued|argues|"
    r"admitted|admits|explained|explains|noted|estimated|estimates|maintained|maintains|"
    r"rejected|rejects|predicted|predicts|promised|promises|stressed|disputed|disputes|"
    r"alleged|alleges|asserted|asserts|countered|replied|conceded|concedes|"
    r"reiterated|reported|accused|accuses|blamed|blames|"
    r"(?:declined|refused)\s+to\s+(?:say|comment|confirm|disclose|elaborate|give|discuss)|"
    r"(?:did|does|would|could)\s+not\s+(?:say|comment|confirm|disclose|respond|specify)|"
    r"(?:has|have|had)\s+not\s+(?:said|commented|confirmed|disclosed|specified)|"
    r"(?:has|have|had)\s+(?:denied|insisted|warned|confirmed|claimed|announced|acknowledged)"
)
_SAY_RE = re.compile(rf"\b(?:{_SAY})\b")
_OTHER_RE = re.compile(rf"\b(?:{_OTHER})\b")
_INVERTED_RE = re.compile(
    r"(?:^|[,\x00]\s*)(?P<verb>said|says|added|adds|wrote|writes|continued|explained)\s+"
    r"(?P<np>[^,;:.\x00()]+)")
_INVERTED_TAIL = re.compile(
    r"\s+(?:in|on|at|who|whom|whose|which|after|before|when|while|during)\s")
_APPOSED_NAME = re.compile(
    r"\s*,\s*(?P<name>[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+){1,3})\s*(?:[,.;]|$)")
_ACCORDING_RE = re.compile(r"\baccording\s+to\s+(?P<np>[^,;:.\x00()]+)", re.IGNORECASE)
_STATEMENT_RE = re.compile(
    r"\bin\s+(?:a|an|its|their|his|her)\s+(?:\w+\s+)?statement\b", re.IGNORECASE)

_BOUNDARY_WORDS = frozenset(
    "that and but as while when because after before since although though if where which who "
    "whom so then than saying whether once until unless or nor yet".split()
)
_TRAILING = re.compile(
    r"(?:\s+(?:has|have|had|also|later|earlier|previously|repeatedly|again|separately|initially|"
    r"publicly|flatly|firmly|strongly|immediately|quickly|swiftly|now|then|already|yesterday|"
    r"today|tonight|last\s+(?:week|month|year|night)|this\s+(?:week|morning|afternoon|evening)|"
    r"(?:(?:late|early)\s+)?on\s+(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
    r"(?:\s+(?:morning|afternoon|evening|night))?|(?:late|early)\s+(?:Monday|Tuesday|Wednesday|"
    r"Thursday|Friday|Saturday|Sunday)|in\s+(?:a|an|its|their)\s+(?:\w+\s+)?(?:statement|"
    r"interview|briefing)|in\s+a\s+written\s+response|speaking\s+\w+\s+\w+))+$")
_SUBORDINATORS = frozenset(
    "when after before because since while as if although though once until unless where which "
    "who whom whether than that".split()
)
_PAST_VERBS = frozenset(
    "was were had did rose fell hit struck ran began left met broke gave held saw got found stood "
    "brought took made came went sent spent lost led paid won built fled fought shook tore kept "
    "sold bought drew heard knew felt thought told said spoke wrote rang put cut set let shut "
    "is are has have does says tells".split()
)
_NOT_SUBJECT = frozenset(
    "is was were are be been being will would could should can may might must not never did "
    "does do shall".split()
)
_LEADING_DETERMINERS = re.compile(
    r"^(?:(?:the|a|an|its|their|his|her|our|both|same)\s+)+", re.IGNORECASE)
_CAP_TOKEN = re.compile(r"^[A-Z][\w'’.-]*$")
_TITLES = frozenset(
    "President Prime Minister Governor Mayor Senator Sen. Gov. Rep. Representative Dr Dr. Mr "
    "Mr. Mrs Mrs. Ms Ms. Prof. Professor General Gen. Colonel Col. Captain Capt. Lieutenant Lt. "
    "Sergeant Sgt. Chancellor Judge Justice Sir Dame Lord Lady King Queen Prince Princess Pope "
    "Bishop Archbishop Father Rev. Reverend Chairman Chairwoman Chair Chief Inspector "
    "Superintendent Commissioner Councillor Councilor Secretary Ambassador Deputy Vice Director "
    "Spokesman Spokeswoman Premier Speaker Attorney Detective Officer Constable Sheriff Admiral "
    "Major Marshal Foreign Finance Interior Defence Defense Health Energy Economy Executive "
    "Opposition Leader Minister-President State Federal Acting Interim Former".split()
)
_ORG_WORDS = frozenset(
    "ministry bank group hospital union council office company agency institute service "
    "authority board court police army government party university press tribune herald "
    "gazette courier times news chemicals markets transit hydro securities corp inc ltd plc "
    "department commission committee federation association exchange airlines railways rail "
    "international holdings partners capital foundation fund trust network energy power "
    "retail ministry's".split()
)
_ROLE_WORDS = frozenset(
    "spokesman spokeswoman spokesperson minister secretary director officer executive chairman "
    "chairwoman chair mayor governor president convenor analyst economist lawyer official "
    "councillor chief head leader commissioner inspector superintendent organiser organizer "
    "negotiator ambassador envoy manager founder owner engineer professor researcher".split()
)
_PP_CUT = re.compile(r"\s+(?:in|at|from|near|across|around|inside|outside|on)\s+.*$")
_PREPOSITIONS = frozenset("for of at in from with by and the to on".split())
# A time or discourse adverbial opening a clause is never the subject of the reporting verb:
# "On Tuesday(,) a ministry official told her", "Later the governor said".
_WEEKDAY_OR_MONTH = (
    r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|January|February|March|April|"
    r"May|June|July|August|September|October|November|December)")
_LEADING_ADVERBIAL = re.compile(
    r"^(?:(?:[Ll]ate|[Ee]arly)\s+)?(?:(?:[Oo]n|[Ii]n|[Aa]t|[Bb]y|[Dd]uring|[Ss]ince|[Uu]ntil|"
    r"[Aa]fter|[Bb]efore|[Ll]ast|[Tt]his|[Nn]ext)\s+(?:(?:the|a|an|this|last|next|that)\s+)?"
    rf"(?:{_WEEKDAY_OR_MONTH}|morning|afternoon|evening|night|week|weekend|month|year|day|"
    r"\d{4}|\d{1,2}\s+" + _WEEKDAY_OR_MONTH + r")(?:\s+\d{1,2})?(?:['’]s)?"
    r"(?:\s+(?:morning|afternoon|evening|night))?"
    r"|(?:[Ll]ater|[Ee]arlier|[Mm]eanwhile|[Ss]eparately|[Aa]lso|[Tt]hen|[Nn]ow|[Yy]esterday|"
    r"[Tt]oday|[Oo]vernight|[Ii]nstead|[Hh]owever))\b[\s,]*")
# A person named before "of/at/from" + organisation: "Tobias Mercer of the Safety Board".
_NAME_THEN_ORG = re.compile(
    r"^(?P<keep>(?:.*?\s)?(?P<name>[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+){1,3}))\s+"
    r"(?:of|at|from|with)\s+(?:the\s+)?[A-Z].*$")
# Post-modifiers that make a source long: "three officials familiar with the plans", "four
# diplomats briefed on the talks", "workers coming off the night shift".
_POSTMODIFIER = frozenset("familiar close aware knowledgeable involved".split())
_POSTMODIFIER_NEXT = frozenset(
    "on with in to by off from at of about for over into after".split())
# Documents that can stand in for their issuer: "a letter the ministry sent" -> "ministry letter".
_DOCUMENTS = frozenset(
    "letter statement report memo memorandum email e-mail document note notice message "
    "filing survey recording transcript minutes draft study audit review leaflet circular "
    "presentation briefing".split())
_MAX_SPEAKER_WORDS = 6


def _cut_person_before_org(phrase: str) -> str:
    """ "chief inspector Tobias Mercer of the Safety Board" -> "chief inspector Tobias Mercer"."""
    m = _NAME_THEN_ORG.match(phrase)
    if m and _is_person_name(_strip_titles(m.group("name").split())):
        return m.group("keep")
    return phrase


def _compact_source(phrase: str) -> str:
    """A short speaker or source noun phrase: drop participial and adjectival post-modifiers,
    turn "letter the ministry sent to families" into "ministry letter", and cap the length."""
    tokens = phrase.split()
    if len(tokens) >= 3 and tokens[0].lower() in _DOCUMENTS and \
            tokens[1].lower() in ("the", "a", "an", "its", "their", "his", "her"):
        issuer = []  # "letter the ministry sent to families": a reduced relative clause
        for token in tokens[2:4]:
            lower = token.lower()
            if lower in _PAST_VERBS or lower.endswith("ed") or lower in _PREPOSITIONS:
                break
            issuer.append(token)
        if issuer and len(issuer) < 3:
            return " ".join(issuer + [tokens[0]])
        return tokens[0]
    for k in range(1, len(tokens)):
        lower = tokens[k].lower()
        following = tokens[k + 1].lower() if k + 1 < len(tokens) else None
        if (lower in _POSTMODIFIER or (lower[:1].isalpha() and lower == tokens[k] and
                                       lower.endswith(("ed", "ing")) and len(lower) > 4)) and \
                (following is None or following in _POSTMODIFIER_NEXT) and \
                not tokens[k - 1].lower().endswith("ly"):
            tokens = tokens[:k]
            break
    if len(tokens) > _MAX_SPEAKER_WORDS:
        for k in range(2, len(tokens)):
            if tokens[k].lower() in ("of", "for", "at", "from", "with", "in", "on", "by") and \
                    k <= _MAX_SPEAKER_WORDS:
                tokens = tokens[:k]
                break
        else:
            tokens = tokens[:_MAX_SPEAKER_WORDS]
    return " ".join(tokens)
_INTRO = re.compile(
    r"^(?:(?:In|At|On|From|Outside|Inside|Speaking|Asked|Meanwhile|Separately|Earlier|Later|"
    r"However|Elsewhere|Near|After|Before|During|For|By|Since|Until|Within|Despite|Under|"
    r"Throughout|Last|This|Next|Overnight)\b[^,\x00]{0,50},\s*)+")
_NAME = r"[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+){1,3}"
_SUBJECT_PATTERNS = [
    re.compile(rf"^(?P<role>[^,\x00]{{2,60}}?),\s+(?P<name>{_NAME})\s*,"),
    re.compile(rf"^(?P<name>{_NAME})\s*,\s+(?:a|an|the)\s"),
    re.compile(rf"^(?P<role>(?:[A-Za-z'’-]+\s+){{0,5}}?)(?P<name>{_NAME})\s+(?:[a-z]+ed|"
               rf"{_SAY}|{_OTHER}|has|had|is|was|will|would|won|called|gave|took)\b"),
]


# --- quotes ----------------------------------------------------------------------------------


def quote_spans(sentence: str, inside_at_start: bool = False) -> tuple[list[tuple[int, int]], bool]:
    """Spans of quoted text (quote marks included) and whether a quote is still open at the end.

    Straight double quotes toggle; typographic ones say which side they are on. A closing mark
    with no opening one means the quote began in an earlier sentence.
    """
    spans: list[tuple[int, int]] = []
    open_at = 0 if inside_at_start else None
    for m in _QUOTE_MARK.finditer(sentence):
        i, ch = m.start(), m.group(0)
        if ch == "“" or (ch == '"' and open_at is None):
            if open_at is None:
                open_at = i
        elif ch == "”" or ch == '"':
            spans.append((open_at if open_at is not None else 0, i + 1))
            open_at = None
    if open_at is not None:
        spans.append((open_at, len(sentence)))
    return spans, open_at is not None


def _mask(sentence: str, spans: Sequence[tuple[int, int]]) -> str:
    chars = list(sentence)
    for start, end in spans:
        chars[start:end] = MASK * (end - start)
    return "".join(chars)


def _quoted_words(sentence: str, spans: Sequence[tuple[int, int]]) -> int:
    return sum(len(sentence[s:e].split()) for s, e in spans)


# --- names -----------------------------------------------------------------------------------


def _strip_titles(tokens: Sequence[str]) -> list[str]:
    """Drop leading titles: "Prime Minister Elias Brun", "Transport Minister Sofia Brandt"."""
    tokens = list(tokens)
    last_title = -1
    for i, token in enumerate(tokens[:-1]):
        if token in _TITLES:
            last_title = i
    rest = tokens[last_title + 1:]
    if last_title >= 0 and rest and (len(rest) >= 2 or last_title == len(tokens) - 2) and \
            not any(t.lower() in _ORG_WORDS for t in tokens):
        return rest
    return tokens


def _is_person_name(tokens: Sequence[str]) -> bool:
    return 2 <= len(tokens) <= 4 and not any(t.lower().strip("'’s") in _ORG_WORDS or
                                             t.lower() in _ORG_WORDS for t in tokens)


def normalise_speaker(phrase: str, names: Sequence[str] = ()) -> tuple[str, bool]:
    """(normalised speaker, looks like a person) of a subject noun phrase."""
    phrase = re.sub(r"\s+", " ", phrase.strip(" \t,;:\"“”'’—-")).strip()
    phrase = _LEADING_DETERMINERS.sub("", phrase)
    phrase = re.sub(r"^one\s+of\s+(?:the\s+)?", "", phrase)
    phrase = _LEADING_ADVERBIAL.sub("", phrase) or phrase
    phrase = _cut_person_before_org(phrase)
    phrase = _PP_CUT.sub("", phrase) or phrase  # "Farm groups in southern Rhossen"
    phrase = _compact_source(phrase)
    tokens = phrase.split()
    if not tokens:
        return "", False
    run = 0
    while run < len(tokens) and _CAP_TOKEN.match(tokens[len(tokens) - 1 - run]):
        run += 1
    if run and run < len(tokens):
        before = tokens[len(tokens) - run - 1]
        if before[0].islower() and before.lower() not in _PREPOSITIONS and \
                not before.endswith(("'s", "’s", "s'")):
            name = _strip_titles(tokens[len(tokens) - run:])
            if len(name) >= 2 or _known(name, names) or before.lower() in _ROLE_WORDS:
                # "foreign ministry spokesman Aurel Vance" -> "Aurel Vance"
                return _expand(" ".join(name), names), True
    if run == len(tokens):
        name = _strip_titles(tokens)
        stripped = len(name) < len(tokens)
        text = " ".join(name)
        if len(name) == 1:
            full = _expand(text, names)
            return full, full != text or stripped
        return text, stripped or _is_person_name(name)
    return phrase, False


def _known(tokens: Sequence[str], names: Sequence[str]) -> bool:
    return len(tokens) == 1 and any(n.split()[-1] == tokens[0] for n in names)


def _expand(name: str, names: Sequence[str]) -> str:
    """A bare surname (or, failing that, a bare first name) -> the full name seen earlier."""
    if " " in name:
        return name
    for full in reversed(names):
        if full.split()[-1] == name:
            return full
    firsts = [full for full in names if full.split()[0] == name and len(full.split()) >= 2]
    return firsts[0] if len(set(firsts)) == 1 else name


# --- subjects --------------------------------------------------------------------------------


def _looks_like_np(segment: str, max_words: int = 9) -> bool:
    words = segment.split()
    if not 1 <= len(words) <= max_words:
        return False
    lowered = [w.lower().strip(",.") for w in words]
    if any(w in _NOT_SUBJECT for w in lowered):
        return False
    if lowered[0] in _PREPOSITIONS - {"the"} or lowered[-1] in _PREPOSITIONS:
        return False
    return any(ch.isalpha() for ch in segment)


def _clause_segment(masked: str, end: int) -> tuple[str, int, str | None]:
    """Text between the last clause boundary before `end` and `end`, where it starts, and the
    boundary word that cut it (None for punctuation)."""
    left = masked[:end]
    cut = max(left.rfind(c) for c in ",;:()—\x00")
    dash = left.rfind(" - ")
    cut = max(cut, dash + 1 if dash >= 0 else -1)
    seg_start = cut + 1
    segment = left[seg_start:]
    words = list(re.finditer(r"\S+", segment))
    for k in range(len(words) - 1, -1, -1):
        token = words[k].group(0).lower()
        if token not in _BOUNDARY_WORDS:
            continue
        if token == "and" and 0 < k < len(words) - 1 and k <= 3:
            previous = words[k - 1].group(0).lower()
            if not (previous.endswith("ed") or previous in _PAST_VERBS):
                continue  # "the operator and hospital officials said"
        return segment[words[k].end():], seg_start + words[k].end(), token
    return segment, seg_start, None


def _is_cap_name(text: str) -> bool:
    tokens = text.split()
    return 1 <= len(tokens) <= 4 and all(_CAP_TOKEN.match(t) for t in tokens)


def _np_like_subject(text: str) -> bool:
    return (_looks_like_np(text, 6) and text[:1].isupper()
            and not re.search(r"\b[a-z]{3,}ed\b", text) and not any(
                w.lower() in _PAST_VERBS for w in text.split()))


def _apposition_subject(masked: str, comma: int) -> str | None:
    """Subject of a verb that follows an apposition: "Lars Emberg, acknowledged",
    "Vessany, whose diplomats ..., has declined", "Residents of X, some 25 km away, told"."""
    head = masked[:comma]
    intro = _INTRO.match(head)
    body_start = intro.end() if intro else 0
    parts = head[body_start:].split(",")
    first = re.sub(r"^(?:But|And|Yet|So|Meanwhile)\s+", "", parts[0].strip(MASK + " "))
    if _LEADING_ADVERBIAL.match(first) or first.split()[:1] and \
            first.split()[0].lower() in _PREPOSITIONS - {"the"}:
        first = ""  # "On Tuesday, a ministry official told": an adverbial, not a subject
    previous = parts[-1].strip()
    if len(parts) > 1 and _is_cap_name(previous):
        return previous
    if first and _is_cap_name(first):
        return first
    if first and len(parts) > 1 and _np_like_subject(first):
        return first
    return None


def _sentence_subject(masked: str) -> str | None:
    """Person named at the start of the sentence ("Rhossen's water minister, Petra Halden,")."""
    text = _INTRO.sub("", masked.lstrip(MASK + " "))
    text = re.sub(r"^(?:But|And|Yet|So|Still|Now|Then)\s+", "", text)
    for pattern in _SUBJECT_PATTERNS:
        m = pattern.match(text)
        if m:
            role = (m.groupdict().get("role") or "").strip()
            if pattern is _SUBJECT_PATTERNS[0] and not re.search(r"[a-z]", role):
                continue
            if role and role.split()[-1].lower() in _PREPOSITIONS | {"near", "into", "across"}:
                continue  # "The old hall on Brewery Lane will ...": a place, not a person
            name = _strip_titles(m.group("name").split())
            if len(name) >= 2 and _is_person_name(name):
                return " ".join(name)
    return None


_APPOSITION_START = re.compile(r"^(?:a|an|some|about|around|nearly|roughly|aged|who|whose)\b|\d")


def _subject_before(masked: str, verb_start: int) -> str | None:
    """Raw subject phrase of a reporting verb, or None when it is not a plausible speaker."""
    segment, seg_start, cut_word = _clause_segment(masked, verb_start)
    if cut_word in _SUBORDINATORS:
        return None  # "when MarenRail announced", "which the union says": not the main clause
    segment = _TRAILING.sub("", segment.rstrip()).strip()
    segment = _LEADING_ADVERBIAL.sub("", segment).strip()  # "On Tuesday a ministry official"
    segment = _cut_person_before_org(segment)
    if not segment:
        left = masked[:seg_start].rstrip()
        if cut_word == "and" or not left.strip(MASK + " "):
            return _sentence_subject(masked)
        if left.endswith(","):
            return _apposition_subject(masked, len(left) - 1)
        return None
    lowered = segment.lower()
    if lowered in _PRONOUNS:
        return lowered
    if seg_start > 0 and masked[seg_start - 1] == "," and _APPOSITION_START.search(segment):
        subject = _apposition_subject(masked, seg_start - 1)  # "Maria Lopez, a spokeswoman, said"
        if subject:
            return subject
    if not _looks_like_np(segment) or lowered.split()[0] in ("neither", "no", "none", "nobody"):
        return None
    return segment


# --- public API ------------------------------------------------------------------------------


def _has_verb(np: str) -> bool:
    """A digit or a finite-looking verb: "its 1" (of "its 1,100 workers"), "the decision
    showed", "the union had secured" are not inverted speakers."""
    return any(ch.isdigit() for ch in np) or any(
        t in _PAST_VERBS or (t.endswith("ed") and len(t) > 4) for t in np.split())


_NP_OPENERS = frozenset(
    "the a an its their his her our one two three four five six seven eight nine ten several "
    "some many most other another".split())


def _own_attribution(sentence: str, masked: str) -> str | None:
    """Raw speaker phrase (or a pronoun) attributed inside this sentence, if any."""
    for m in _INVERTED_RE.finditer(masked):
        np = _INVERTED_TAIL.split(m.group("np"))[0]
        np = _TRAILING.sub("", np).strip()
        if np.lower() in _PRONOUNS:
            return np.lower()
        np = _cut_person_before_org(np)
        if np and _looks_like_np(np, 8) and not _has_verb(np) and (
                any(_CAP_TOKEN.match(t) for t in np.split())
                or np.split()[0].lower() in _NP_OPENERS):
            named = _APPOSED_NAME.match(masked, m.end())
            if named and not any(_CAP_TOKEN.match(t) for t in np.split()):
                return named.group("name")  # "said its chair, Noel Barrett."
            return np
    for pattern in (_SAY_RE, _OTHER_RE):
        for m in pattern.finditer(masked):
            subject = _subject_before(masked, m.start())
            if subject:
                return subject
        if pattern is _SAY_RE:
            for m in _ACCORDING_RE.finditer(masked):
                np = re.split(r"\s+(?:who|which|that|whose|when|where|after|before|because|while|"
                              r"on|in|at|published|released|heard|seen|cited|speaking)\s",
                              m.group("np"))[0].strip()
                if np:
                    return np
    m = _STATEMENT_RE.search(masked)  # "In a statement, the ministry described ..."
    if m:
        text = _INTRO.sub("", masked[m.end():].lstrip(" ,"))
        words = re.match(r"(?P<np>(?:[\w'’-]+\s+){0,5}?[\w'’-]+)\s+(?:[a-z]+ed|said|says)\b", text)
        if words and _looks_like_np(words.group("np"), 6):
            return words.group("np")
    return None


def _resolve(raw: str, state: SpeakerState) -> tuple[str | None, bool]:
    """(speaker, is_person) for a raw phrase; pronouns resolve through the state."""
    role = _PRONOUNS.get(raw.lower())
    if role == "person":
        return state.last_person or state.last_speaker, True
    if role == "any":
        return state.last_speaker or state.last_person, False
    speaker, person = normalise_speaker(raw, state.names)
    return (speaker or None), person


def _remember(state: SpeakerState, name: str | None, person: bool, as_speaker: bool
              ) -> SpeakerState:
    if not name:
        return state
    names = state.names
    if person and " " in name and name not in names:
        names = names + (name,)
    return replace(state,
                   last_person=name if person else state.last_person,
                   last_speaker=name if as_speaker else state.last_speaker,
                   names=names)


def attribute_paragraph(sentences: Sequence[str], *, outlet: str,
                        state: SpeakerState = SpeakerState()
                        ) -> tuple[list[Attribution], SpeakerState]:
    """Attribution of every sentence of one paragraph, and the state for the next paragraph.

    A sentence that is entirely quoted but carries no attribution of its own (the second
    sentence of `"..." X said. "..."`, or the rest of a quote left open) takes the speaker of
    the nearest attributed quote of the paragraph, else of the sentence just before it, else
    the most recent speaker of the article (a quote paragraph after an attribution paragraph).
    """
    entry_state = state
    results: list[Attribution | None] = []
    fully_quoted: list[bool] = []
    inside = False
    for sentence in sentences:
        spans, inside_next = quote_spans(sentence, inside)
        masked = _mask(sentence, spans)
        fully_quoted.append(bool(spans) and not _WORDCHAR.search(masked.replace(MASK, "")))
        raw = _own_attribution(sentence, masked)
        speaker, person = _resolve(raw, state) if raw else (None, False)
        if speaker:
            kind: SpeakerKind = "quoted" if _quoted_words(sentence, spans) >= 3 else "reported"
            results.append(Attribution(speaker, kind))
            state = _remember(state, speaker, person, as_speaker=True)
        else:
            results.append(None)
        if not raw or raw.lower() not in _PRONOUNS:
            # "In Brask, Talvania's deputy foreign minister, Ana Pirel, gave ..." makes Ana
            # Pirel the referent of a following "she said"
            subject = _sentence_subject(masked)
            if subject and not speaker:
                state = _remember(state, _expand(subject, state.names), True, as_speaker=False)
            elif subject and subject not in state.names:
                state = replace(state, names=state.names + (subject,))
        inside = inside_next
    out: list[Attribution] = []
    quoted = [j for j, a in enumerate(results) if a is not None and a.kind == "quoted"]
    fallback = entry_state.last_person or entry_state.last_speaker
    for i, attribution in enumerate(results):
        if attribution is None and fully_quoted[i]:
            if quoted:
                nearest = min(quoted, key=lambda j: (abs(j - i), j > i))
                attribution = Attribution(results[nearest].speaker, "quoted")
            elif i > 0 and results[i - 1] is not None:
                attribution = Attribution(results[i - 1].speaker, "quoted")
            elif not any(results) and fallback:
                attribution = Attribution(fallback, "quoted")
        out.append(attribution or Attribution(outlet, "outlet"))
    return out, state


def find_speaker(sentence: str, *, outlet: str, previous_speaker: str | None = None,
                 open_quote_speaker: str | None = None) -> Attribution:
    """Speaker of one sentence. `previous_speaker` resolves pronouns; `open_quote_speaker` is
    the speaker of a quotation that was opened by an earlier sentence and is still open."""
    spans, _ = quote_spans(sentence, inside_at_start=open_quote_speaker is not None)
    masked = _mask(sentence, spans)
    raw = _own_attribution(sentence, masked)
    state = SpeakerState(last_person=previous_speaker, last_speaker=previous_speaker,
                         names=(previous_speaker,) if previous_speaker and " " in previous_speaker
                         else ())
    speaker = _resolve(raw, state)[0] if raw else None
    if speaker:
        kind: SpeakerKind = "quoted" if _quoted_words(sentence, spans) >= 3 else "reported"
        return Attribution(speaker, kind)
    if open_quote_speaker is not None:
        return Attribution(open_quote_speaker, "quoted")
    return Attribution(outlet, "outlet")
