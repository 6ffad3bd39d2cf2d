"""Split an article body into checkable claims with speaker, polarity, hedging, numbers, dates.

Pure functions: no Prefect, no I/O. A sentence is kept when it states something a reader could
check against another report: it carries a number, a date, a negation or denial, a quotation or
an attribution, or a named entity together with a verb. Dropped: datelines and credit lines,
bylines, boilerplate ("Sign up for our newsletter"), questions and fragments under five words.
Positions count every sentence of the body, kept or not, so they are stable.
"""

from __future__ import annotations

import re
from datetime import datetime

from factcheck.tasks.claims.dates import find_dates
from factcheck.tasks.claims.quantities import find_quantities
from factcheck.tasks.claims.sentences import split_paragraphs, split_sentences
from factcheck.tasks.claims.speakers import Attribution, SpeakerState, attribute_paragraph, quote_spans
from factcheck.tasks.models import Claim, DateMention, Quantity

_MONTH = (r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
          r"Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?")
# "KESSFORD — ", "DUNMERE, Marenland, Oct 8 (Summit Press) - ", "NEW YORK, Oct. 8, 2026 /Wire/ --"
DATELINE = re.compile(
    r"^[A-Z][A-Z.'’-]+(?:\s+[A-Z][A-Z.'’-]+){0,3}"
    r"(?:,\s*[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,3}){0,2}?"
    rf"(?:,?\s*(?:{_MONTH}\s+\d{{1,2}}|\d{{1,2}}\s+{_MONTH})(?:,?\s*\d{{4}})?)?"
    r"\s*(?:\([^)]{1,60}\)|/[^/]{1,40}/)?"
    r"\s*(?:—|–|--|-|:)\s+"
)
# Matched case-sensitively against the lower-cased sentence (much faster than re.IGNORECASE).
_CREDIT = re.compile(
    r"^\(?\s*(?:(?:additional\s+)?reporting|writing|editing|compiled|research|graphics|photos?|"
    r"photograph(?:y|s)?|images?|credit|video|produced)\b[^.]*\bby\b|^\(.*\)[.]?$")
_BYLINE = re.compile(
    r"^By\s+[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+){0,3}(?:\s*(?:,|and)\s*[A-Z][\w'’-]+(?:\s+[A-Z]"
    r"[\w'’-]+){0,3})*\.?$")
_BOILERPLATE = re.compile(
    r"\b(?:sign\s+up|subscribe|newsletter|click\s+here|read\s+more|follow\s+us|all\s+rights\s+"
    r"reserved|copyright|contributed\s+to\s+this\s+report|share\s+this|download\s+(?:our|the)\s+"
    r"app|advertisement|related\s+coverage|terms\s+of\s+use|privacy\s+policy|cookies?\s+policy|"
    r"this\s+(?:story|article)\s+(?:has\s+been|was)\s+(?:updated|corrected))\b|©")
_QUESTION = re.compile(r"\?[\"”’')\]]*$")
_WORD = re.compile(r"[A-Za-z0-9][\w'’-]*")

_NOT_NEGATION = re.compile(
    r"\b(?:not\s+only|not\s+just|not\s+least|whether\s+or\s+not|if\s+not|none\s+other\s+than|"
    r"no\s+doubt|nothing\s+but|could\s+not\s+be\s+reached)\b|\bno\.\s*\d")
NEGATION = re.compile(
    r"\b(?:not|never|no|nothing|none|neither|nor|nobody|no-one|cannot)\b|n['’]t\b|"
    r"\b(?:deny|denies|denied|denying)\b|"
    r"\brejected\s+(?:the\s+|an?\s+|this\s+|that\s+|these\s+|earlier\s+)?(?:\w+\s+)?"
    r"(?:account|report|claim|allegation|suggestion|accusation)s?\b|"
    r"\bdismiss(?:ed|es|ing)?\s+(?:the\s+|an?\s+|earlier\s+|as\s+)?(?:\w+\s+)?"
    r"(?:report|claim|allegation|suggestion|account|accusation|rumou?r)s?\b")
_NOT_HEDGE = re.compile(r"\bcould\s+not\s+be\s+reached\b|\bmay\s+(?:have\s+)?been\s+told\b")
HEDGE = re.compile(
    r"\b(?:may|might|could|would|likely|unlikely|reportedly|allegedly|alleged|claimed|claims|"
    r"possibly|probably|perhaps|apparently|potentially|expected\s+to|expects?\s+to|"
    r"(?:is|are|was|were|been|be)\s+due\s+to\s+(?!the\b|a\b|an\b|its\b|their\b|his\b|her\b)|"
    r"plans?\s+to|planning\s+to|planned\s+to|appears?\s+to|seems?\s+to|believed\s+to|"
    r"thought\s+to|understood\s+to|set\s+to|aims?\s+to|intends?\s+to|hopes?\s+to)\b")
_VERBISH = re.compile(
    r"\b(?:is|are|was|were|be|been|has|have|had|will|would|could|can|may|might|must|shall|"
    r"should|do|does|did|[a-z]{2,}ed|[a-z]{2,}s|said|told|rose|fell|ran|hit|made|took|gave|"
    r"left|met|held|won|lost|came|went|began|struck|saw|found|stood|sold|paid|cut|put|set|"
    r"kept|led|spent|built|fled|shook|tore|broke|sent)\b")
_FUNCTION_STARTS = frozenset(
    "the a an in on at by for from with to of it its this that these those he she they we i "
    "you his her their our there here but and or as after before when while if although though "
    "some most many all only no not by under over about around nearly more less one two three "
    "four five six seven eight nine ten asked speaking meanwhile however yet so still also "
    "instead despite since until inside outside across among amid".split()
)


def strip_dateline(sentence: str) -> str:
    """Drop a leading wire dateline ("KESSFORD — ", "DUNMERE, Marenland, Oct 8 (X) - ")."""
    m = DATELINE.match(sentence)
    return sentence[m.end():].strip() if m else sentence


# Side clauses whose negation does not negate the sentence's main assertion. Each pattern's
# `side` group is blanked before NEGATION is searched; everything else (the main clause, a
# reported "that"-clause, a quotation, a coordinated clause) still counts.
_SIDE_CLAUSES = [
    # non-restrictive relative clause: "the plant, which has not been inspected since 2019,"
    re.compile(r",\s*(?P<side>(?:which|who|whom|whose|where)\b[^,;:—]*)"),
    # a relative clause on the source that ends the sentence: "according to an official who
    # asked not to be named", "said one resident who had never seen such a flood"
    re.compile(r"\b(?:said|says|told|added|according\s+to)\s+(?:[\w'’.-]+\s+){1,6}?"
               r"(?P<side>(?:who|whom|whose)\b[^;:]*)$"),
    # adverbial subordinate clause up to the next comma: "if imports do not fill the gap",
    # "although it has not given a date", "because the talks had never been announced"
    re.compile(r"(?:^|[\s,])(?P<side>(?:because|although|though|unless|if|whereas|while|"
               r"once|until|before|after|since|when|why|whether|how)\s[^,;:—]*)"),
    re.compile(r"(?:^|,\s*)(?P<side>as\s[^,;:—]*)"),
    # elliptical contrast: "postponed, not cancelled", "driven by managers, not by members"
    re.compile(r",\s*(?P<side>(?:but\s+|and\s+)?not\s[^,;:—]*)"),
    # participial side clause: ", speaking on condition of anonymity because ...", ", raising
    # questions about why ..." (but ", saying/adding/insisting ..." carries an assertion)
    re.compile(r",\s*(?P<side>(?!(?:saying|adding|insisting|arguing|claiming|denying|noting|"
               r"warning|stressing|explaining|dismissing|rejecting|conceding|admitting|"
               r"acknowledging|confirming)\b)[a-z]+ing\b[^,;:—]*)"),
    # complement of a noun: "a promise that nobody would be laid off", "Rhossen's insistence
    # that no talks took place" (the denial verb before the noun still counts)
    re.compile(r"\b(?:a|an|the|its|their|his|her|this|any|earlier|[\w-]+['’]s)\s+(?:[\w-]+\s+)?"
               r"(?:claim|report|insistence|suggestion|suggestions|assertion|allegation|"
               r"allegations|accusation|accusations|promise|pledge|guarantee|assurance|"
               r"assurances|rumou?r|rumou?rs|news|fact|idea|hope|fear|warning|impression|belief|"
               r"view|notion|sign|evidence|statement|letter|message)\s+"
               r"(?P<side>that\b[^,;:—]*)"),
]


def _main_assertion(lowered: str) -> str:
    """The lower-cased sentence with its side clauses blanked (offsets kept)."""
    chars = list(lowered)
    for pattern in _SIDE_CLAUSES:
        for m in pattern.finditer(lowered):
            start, end = m.span("side")
            if start == 0 and lowered[end:end + 1] != ",":
                continue  # "Before the vote no one objected": no comma, no way to find its end
            chars[start:end] = " " * (end - start)
    return "".join(chars)


def is_negative(sentence: str) -> bool:
    """The main assertion is negated or is a denial.

    Scoped, rule-based and deliberately conservative: a negation word ("not", "no", "never",
    "nothing", "nobody", "neither", "n't") or a denial ("denied", "rejected the report",
    "dismissed the claim") counts when it is in the main clause, in the clause a reporting verb
    introduces ("said it did not expect delays"), in a quotation or in a coordinated main clause
    ("..., but they have never settled ..."). It does not count inside a side clause: a
    non-restrictive relative clause ("the plant, which has not been inspected, reopened"), an
    adverbial clause ("if imports do not fill the gap", "although it has not given a date"),
    a participial aside (", speaking on condition of anonymity because ..."), an elliptical
    contrast (", not cancelled") or the complement of a noun ("a pledge that no worker would be
    laid off"). Fixed phrases that are not negations ("not only", "could not be reached") never
    count. The detectors scope negation themselves; this flag favours precision.
    """
    lowered = _NOT_NEGATION.sub(lambda m: " " * len(m.group(0)), sentence.lower())
    if not NEGATION.search(lowered):
        return False
    return bool(NEGATION.search(_main_assertion(lowered)))


def is_hedged(sentence: str) -> bool:
    """Modal, reported or planned rather than asserted ("may", "expected to", "reportedly")."""
    text = sentence[:1].lower() + sentence[1:]  # "Could ..." opens a sentence; "May" is a month
    return bool(HEDGE.search(_NOT_HEDGE.sub(" ", text)))


def _has_named_entity_and_verb(sentence: str) -> bool:
    words = _WORD.findall(sentence)
    named = any(w[0].isupper() and w != "I" for w in words[1:]) or (
        bool(words) and words[0][0].isupper() and words[0].lower() not in _FUNCTION_STARTS)
    return named and bool(_VERBISH.search(sentence))


def _is_junk(sentence: str) -> bool:
    """Credit line, byline, boilerplate or question."""
    lowered = sentence.lower()
    return (not sentence or bool(_CREDIT.search(lowered)) or bool(_BYLINE.search(sentence))
            or bool(_BOILERPLATE.search(lowered)) or bool(_QUESTION.search(sentence)))


def _is_checkable(sentence: str, attribution: Attribution, has_numbers: bool, has_dates: bool,
                  negative: bool) -> bool:
    if _is_junk(sentence):
        return False
    if len(_WORD.findall(sentence)) < 5:
        # fragments go, but not a short full statement: "Six died.", "X rejected the account."
        return (negative or has_numbers) and bool(_VERBISH.search(sentence))
    if has_numbers or has_dates or negative or attribution.kind in ("quoted", "reported"):
        return True
    quoted = any(len(sentence[s:e].split()) >= 3 for s, e in quote_spans(sentence)[0])
    return quoted or _has_named_entity_and_verb(sentence)


def _units(text: str, outlet: str) -> list[tuple[str, Attribution]]:
    """Every sentence of the body (dateline stripped) with its attribution, in order."""
    units: list[tuple[str, Attribution]] = []
    state = SpeakerState()
    for paragraph in split_paragraphs(text):
        sentences = split_sentences(paragraph)
        if sentences:
            sentences[0] = strip_dateline(sentences[0])
        attributions, state = attribute_paragraph(sentences, outlet=outlet, state=state)
        units.extend(zip(sentences, attributions))
    return units


def _claim(units: list[tuple[str, Attribution]], i: int, numbers: tuple[Quantity, ...],
           dates: tuple[DateMention, ...], negative: bool, unknown_speaker: bool) -> Claim:
    sentence, attribution = units[i]
    speaker, kind = attribution
    if unknown_speaker and kind == "outlet":
        speaker, kind = "unknown", "unknown"
    context = " ".join(units[j][0] for j in (i - 1, i + 1) if 0 <= j < len(units) and units[j][0])
    return Claim(text=sentence, position=i, speaker=speaker, speaker_kind=kind,
                 polarity="negative" if negative else "positive",
                 hedged=is_hedged(sentence), numbers=numbers, dates=dates, context=context)


def _extract(text: str, outlet: str, published_at: datetime | None, unknown_speaker: bool,
             keep_all: bool) -> list[Claim]:
    units = _units(text, outlet)
    claims = []
    for i, (sentence, attribution) in enumerate(units):
        if not sentence:
            continue
        dates = find_dates(sentence, published_at)
        numbers = find_quantities(sentence, [(d.start, d.end) for d in dates])
        negative = is_negative(sentence)
        if keep_all or _is_checkable(sentence, attribution, bool(numbers), bool(dates), negative):
            claims.append(_claim(units, i, numbers, dates, negative, unknown_speaker))
    return claims


def extract_claims(text: str, *, outlet: str, published_at: datetime | None) -> list[Claim]:
    """Checkable claims of an article body, in order, attributed to speakers or the outlet."""
    return _extract(text, outlet, published_at, unknown_speaker=False, keep_all=False)


def claims_from_statement(text: str, published_at: datetime | None = None) -> list[Claim]:
    """Claims of a bare statement or passage (command line). A single sentence is always kept;
    a passage keeps its checkable sentences, or all non-junk ones if none is checkable."""
    sentences = [s for s in split_sentences(text) if s.strip()]
    if len(sentences) <= 1:
        return _extract(text, "unknown", published_at, unknown_speaker=True, keep_all=True)
    claims = _extract(text, "unknown", published_at, unknown_speaker=True, keep_all=False)
    if claims:
        return claims
    return [c for c in _extract(text, "unknown", published_at, unknown_speaker=True, keep_all=True)
            if not _is_junk(c.text)] or _extract(text, "unknown", published_at,
                                                  unknown_speaker=True, keep_all=True)
