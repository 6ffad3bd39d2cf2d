"""Numbers in a sentence together with what they count.

Rule-based on purpose: news prose writes quantities in a few fixed shapes ("at least 14 people
were killed", "$2.1 billion", "40 per cent of the river's flow", "a third"), and the
contradiction detectors need the value, unit, bound and counted word, not a parse tree.

`counted` is normalised by `lemma`: lower case, possessive dropped, a small irregular table
("people", "children"->"child", "died"->"die", "fell"->"fall"), then suffix stripping of
-ies/-ied -> -y, -ing, -ed, -es after sibilants, -s, restoring a final "e" for known stems
("injured"/"injuring" -> "injure", "evacuated" -> "evacuate") and undoubling ("trapped" ->
"trap"). Casualty verbs win over nouns ("14 people were killed" -> "kill"); percentages and
amounts prefer the noun they qualify ("40 per cent of the river's flow" -> "flow", "a 4
percent pay rise" -> "rise"), else the subject of a movement verb ("shares fell 11 percent" ->
"share"), else the nearest preceding content word ("a turnout of 71 percent" -> "turnout").

Dates, times, years, ordinals, street numbers and labels ("Line 3", "No. 5") are skipped.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from factcheck.tasks.claims.dates import date_spans
from factcheck.tasks.models import Quantity

# --- lemmas ----------------------------------------------------------------------------------

_IRREGULAR = {
    "people": "people", "persons": "people", "children": "child", "men": "man", "women": "woman",
    "staff": "staff", "police": "police", "personnel": "personnel", "died": "die", "dies": "die",
    "dying": "die", "dead": "dead", "deaths": "death", "hurt": "hurt", "missing": "missing",
    "ran": "run", "running": "run", "rose": "rise", "risen": "rise", "rising": "rise",
    "fell": "fall", "fallen": "fall", "stood": "stand", "paid": "pay", "sold": "sell",
    "bought": "buy", "lost": "lose", "held": "hold", "left": "leave", "built": "build",
    "grew": "grow", "grown": "grow", "shrank": "shrink", "shrunk": "shrink", "cut": "cut",
    "hit": "hit", "set": "set", "put": "put", "spent": "spend", "won": "win", "led": "lead",
    "made": "make", "took": "take", "taken": "take", "gave": "give", "given": "give",
    "brought": "bring", "sent": "send", "kept": "keep", "heard": "hear", "told": "tell",
    "said": "say", "fled": "flee", "data": "data", "series": "series", "news": "news",
    "premises": "premises", "species": "species", "bus": "bus", "gas": "gas", "status": "status",
    "crisis": "crisis", "analysis": "analysis", "basis": "basis", "was": "be", "were": "be",
    "is": "be", "are": "be", "has": "have", "had": "have", "lives": "life", "wives": "wife",
    "feet": "foot", "teeth": "tooth", "mice": "mouse", "geese": "goose", "sheep": "sheep",
    "fish": "fish", "deer": "deer", "aircraft": "aircraft", "crew": "crew", "full": "full",
    "injured": "injure", "wounded": "wound", "affected": "affect",
}
_E_STEMS = frozenset(
    "injure evacuate displace rescue hospitalise hospitalize close vote rate raise increase "
    "decrease reduce value price rise sale score cause damage estimate receive strike shelter "
    "issue house use manage charge double triple treble total wipe leave hire retire continue "
    "produce complete operate generate approve arrive die tie lie save serve solve move prove "
    "achieve believe cease release purchase share range trade stage declare compare combine "
    "decline surge emerge merge pledge judge change exchange engage cure secure require acquire "
    "capture measure pause cause dispute dose lose choose force place replace face race trace "
    "reduce introduce overcome outline stake quake shake make take bake rule schedule handle "
    "double tackle settle title vehicle scale sale tonne volume people revenue edge ease "
    "slide dive rebound refuse accuse abuse excuse amuse".split()
)
_UNDOUBLE = re.compile(r"([bdgmnprt])\1$")


def lemma(word: str) -> str:
    """Crude, deterministic lemma so that different forms of a word compare equal."""
    w = word.lower().strip("'’-")
    for suffix in ("'s", "’s"):
        if w.endswith(suffix):
            w = w[: -len(suffix)]
    if w in _IRREGULAR:
        return _IRREGULAR[w]
    stem = None
    if len(w) > 4 and w.endswith(("ies", "ied")):
        return w[:-3] + "y"
    if len(w) > 5 and w.endswith("ing"):
        stem = w[:-3]
    elif len(w) > 4 and w.endswith("ed"):
        stem = w[:-2]
    if stem is not None:
        if stem + "e" in _E_STEMS or (len(stem) > 2 and stem.endswith(("c", "v", "dg"))
                                      and not stem.endswith(("ck", "ss"))):
            return stem + "e"
        if _UNDOUBLE.search(stem):
            return stem[:-1]
        return stem
    if len(w) > 4 and w.endswith(("sses", "shes", "ches", "xes", "zes")):
        return w[:-2]
    if len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "us", "is")):
        return w[:-1]
    return w


# --- number words ----------------------------------------------------------------------------

_SMALL = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90,
}
_SCALES = {"hundred": 100, "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
_VAGUE = {"dozens": 24, "scores": 40, "hundreds": 200, "thousands": 2000, "millions": 2e6}
_DENOMS = {
    "half": 2, "halves": 2, "third": 3, "thirds": 3, "quarter": 4, "quarters": 4, "fifth": 5,
    "fifths": 5, "sixth": 6, "sixths": 6, "seventh": 7, "sevenths": 7, "eighth": 8,
    "eighths": 8, "ninth": 9, "ninths": 9, "tenth": 10, "tenths": 10,
}
_NUMWORD = "|".join(sorted(list(_SMALL) + list(_SCALES) + ["dozen"], key=len, reverse=True))

_CURRENCY_SYMBOLS = {"$": "usd", "us$": "usd", "€": "eur", "£": "gbp", "¥": "jpy"}
_UNIT_WORDS: list[tuple[str, str]] = [
    (r"%|per\s?cent\b|percent\b|pct\b", "percent"),
    (r"percentage[\s-]points?\b", "pp"),
    (r"basis[\s-]points?\b|bps?\b", "bp"),
    (r"km/h\b|kph\b|kmh\b|kilomet(?:re|er)s?\s+(?:an|per)\s+hour\b", "km/h"),
    (r"mph\b|miles?\s+(?:an|per)\s+hour\b", "mph"),
    (r"km\b|kilomet(?:re|er)s?\b", "km"),
    (r"cm\b|centimet(?:re|er)s?\b", "cm"),
    (r"mm\b|millimet(?:re|er)s?\b", "mm"),
    (r"met(?:re|er)s?\b", "metre"),
    (r"miles?\b", "mile"),
    (r"tonnes?\b|tons?\b", "tonne"),
    (r"kg\b|kilo(?:gram(?:me)?)?s?\b", "kg"),
    (r"degrees?(?:\s+(?:Celsius|Fahrenheit|C|F)\b)?|°[CF]?", "degree"),
    (r"hectares?\b", "hectare"),
    (r"lit(?:re|er)s?\b", "litre"),
    (r"megawatts?\b|MW\b", "mw"),
    (r"gigawatts?\b|GW\b", "gw"),
    (r"hours?\b|hrs?\b", "hour"),
    (r"minutes?\b|mins?\b", "minute"),
    (r"seconds?\b", "second"),
    (r"days?\b", "day"),
    (r"weeks?\b", "week"),
    (r"months?\b", "month"),
    (r"years?\b", "year"),
    (r"dollars?\b", "usd"),
    (r"euros?\b", "eur"),
    (r"pounds sterling\b", "gbp"),
    (r"crowns?\b|kronor\b|kron[ae]\b", "crown"),
    (r"florins?\b|guilders?\b", "florin"),
    (r"pesos?\b", "peso"),
    (r"roubles?\b|rubles?\b", "rouble"),
    (r"lira\b|lire\b", "lira"),
    (r"rand\b", "rand"),
    (r"shekels?\b", "shekel"),
    (r"zlotys?\b|zloty\b", "zloty"),
    (r"forints?\b", "forint"),
    (r"dinars?\b", "dinar"),
    (r"dirhams?\b", "dirham"),
    (r"riyals?\b", "riyal"),
    (r"nairas?\b", "naira"),
    (r"yen\b", "jpy"),
    (r"yuan\b", "cny"),
    (r"rupees?\b", "inr"),
    (r"francs?\b", "chf"),
]
_UNIT_RE = re.compile(
    r"(?:\s?|-)(?:" + "|".join(f"(?P<u{i}>{p})" for i, (p, _) in enumerate(_UNIT_WORDS)) + ")",
    re.IGNORECASE,
)
_TIME_UNITS = {"hour", "minute", "second", "day", "week", "month", "year"}
_MONEY_UNITS = {"usd", "eur", "gbp", "jpy", "cny", "inr", "chf", "crown", "florin", "peso",
                "rouble", "lira", "rand", "shekel", "zloty", "forint", "dinar", "dirham", "riyal",
                "naira"}
_RATIO_UNITS = {"percent", "pp", "bp"}
_MASS_UNITS = {"tonne", "kg", "litre", "hectare", "mw", "gw"}
_VERB_FORM = re.compile(r"\b(?:[a-z]{2,}ed|" + "|".join(
    ["ran", "rose", "fell", "stood", "held", "kept", "lost", "spent", "took", "lasted", "last",
     "lasts", "take", "takes", "run", "runs"]) + r")\s+(?:\w+\s+){0,3}$")
_SMALL_WORDS = "one|two|three|four|five|six|seven|eight|nine|ten"
# "one train in five", "four in five members", "3 out of 10"
_RATIO = re.compile(
    rf"\b(?P<a>\d{{1,2}}|{_SMALL_WORDS})(?:\s+(?P<noun>[a-z]+))?\s+(?:in|out\s+of)\s+"
    rf"(?P<b>\d{{1,3}}|{_SMALL_WORDS}|twenty|hundred|a\s+hundred)\b(?!\s*(?:%|per\b|percent|"
    r"days?|weeks?|months?|years?|hours?|minutes?|km|met(?:re|er)s?|miles?)\b)")

_DIGITS = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+"
_CORE_PATTERN = (
    r"(?:(?P<cur>us\$|[$€£¥])\s?)?(?<![\w.,/:])(?<![A-Za-z]-)(?P<num>" + _DIGITS + r")"
    r"(?:(?:\s|-)?(?P<scale>million|billion|trillion|thousand|bn|mn)\b"
    r"|(?P<abbr>[mk])\b(?=\s|[.,;:)]|$))?"
    r"|(?P<frac>\b(?:a|an|one|two|three|four|five|six|seven|eight|nine)[\s-]"
    r"(?:" + "|".join(_DENOMS) + r")\b)"
    r"|(?P<halfof>\bhalf\s+(?:a|an)(?=\s+(?:per|percent|percentage|hour|day|mile|km|kilomet|met))"
    r"|\bhalf\b(?!\s+a\s+dozen))"
    r"|(?P<vague>\b(?:tens|hundreds)\s+of\s+(?:thousands|millions)\b|\b(?:dozens|scores|hundreds|"
    r"thousands|millions)\b(?=\s+of\b))"
    r"|(?P<words>\bhalf\s+a\s+dozen\b"
    r"|\b(?:(?:a|one)\s+(?=dozen|hundred|thousand|million|billion))?(?:" + _NUMWORD +
    r")(?:[\s-]+(?:" + _NUMWORD + r"))*(?:\s+and\s+a\s+half)?\b)"
)
_HINT = re.compile(r"\d|\b(?:" + _NUMWORD + "|" + "|".join(_DENOMS) + r"|dozens|scores)\b")
# Matched against the lower-cased sentence (same offsets): a case-sensitive alternation is
# several times faster than re.IGNORECASE in Python's engine.
_CORE = re.compile(_CORE_PATTERN)
_CORE_ANY_CASE = re.compile(_CORE_PATTERN, re.IGNORECASE)

_PREFIXES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"\b(?:between)\s+$", re.I), "range"),
    (re.compile(r"\b(?:at\s+least|no\s+fewer\s+than|no\s+less\s+than|a\s+minimum\s+of)\s+$", re.I),
     "at_least"),
    (re.compile(r"\b(?:at\s+most|up\s+to|no\s+more\s+than|as\s+many\s+as|as\s+much\s+as|"
                r"a\s+maximum\s+of)\s+$", re.I), "at_most"),
    (re.compile(r"\b(?:(?:well|just|slightly|far|much)\s+)?(?:more\s+than|over|upwards\s+of|"
                r"in\s+excess\s+of|above|greater\s+than|higher\s+than)\s+$", re.I), "more_than"),
    (re.compile(r"\b(?:(?:just|slightly|far|much|well)\s+)?(?:fewer\s+than|less\s+than|under|"
                r"below|lower\s+than)\s+$", re.I), "less_than"),
    (re.compile(r"\b(?:about|around|roughly|nearly|almost|some|approximately|close\s+to|"
                r"an\s+estimated|estimated|an\s+approximate|circa|approx\.?)\s+$", re.I), "about"),
]
_RANGE_JOIN = re.compile(r"\s*(?:to\b|[-–—])\s*|\s+and\s+", re.I)
_ORDINAL_SUFFIX = re.compile(r"(?:st|nd|rd|th)\b", re.I)
_LABEL_BEFORE = re.compile(
    r"\b(?:Line|No\.?|Nos\.?|Number|Route|Platform|Gate|Terminal|Flight|Article|Section|Chapter|"
    r"Page|Room|Phase|Stage|Block|Unit|Reactor|Tank|Runway|Highway|Exit|Pier|Ward|Zone|Sector|"
    r"Level|Grade|Division|District|Lot|Item|Clause|Paragraph|Rule|Bus|Tram|Channel|Episode|"
    r"Season|Volume|Vol\.|Model|Type|Category|Building|Hall|Track|Road|Junction|Box|Apartment|"
    r"Flat|Suite|Floor|Pillar|Figure|Table|Annex|Resolution|Decree|Law|Bill|Act|Week|Day|"
    r"Round|Match|Game|Race|Stage|Term|Group|Class|Area|Region|Site|Plant|Well|Shaft|Turbine)"
    r"\s+$")
_STREET_AFTER = re.compile(
    r"\s+(?:[A-Z][a-z]+\s+){1,3}(?:Street|St\.?|Road|Rd\.?|Avenue|Ave\.?|Lane|Boulevard|Blvd\.?|"
    r"Drive|Way|Place|Square|Court|Terrace|Crescent|Close|Row|Quay|Parade)\b")
_AGE_AFTER = re.compile(r"[\s-]years?[\s-]old\b", re.I)
_AGE_APPOSITION = re.compile(r"[A-Z][\w'’-]+,\s$")
_AGE_APPOSITION_AFTER = re.compile(r"\s*(?:,|\)|$)")
_ONE_SKIP_BEFORE = re.compile(r"\b(?:no|any|every|each|the|this|that|which|someone|anyone|"
                              r"no-one|only|such)\s+$", re.I)
_ONE_SKIP_AFTER = re.compile(
    r"\s+(?:of|another|day|side|hand|way|thing|point|who|which|that|or|and|more|in|at|to|by|"
    r"for|on|is|was|has|had|would|will|could|can)\b|\s*[,.;:)!?\"”]|$", re.I)
_PLURAL_NEXT = re.compile(r"\s+(?:[a-z]+-)?[a-z]+[^s\W]?s\b|\s+people\b")
_SHARE_BEFORE = re.compile(r"\b(?:by|than|to|about|nearly|roughly|almost|around|some|over|under|"
                           r"just|only|barely)\s+$", re.I)

# --- counted ---------------------------------------------------------------------------------

_WORD = re.compile(r"[^\W\d_][\w'’-]*|\d[\d,.]*|\S")
_CASUALTY_PARTICIPLE = (
    r"killed|dead|died|injured|hurt|wounded|missing|arrested|detained|evacuated|displaced|"
    r"rescued|hospitali[sz]ed|drowned|trapped|stranded|infected|feared\s+dead|confirmed\s+dead"
)
_CASUALTY_WORD = re.compile(_CASUALTY_PARTICIPLE)
_CASUALTY_AFTER = re.compile(
    r"\s*(?:of\s+(?:the\s+|them\s+|whom\s+)?(?:[a-z]+\s+)?)?"
    r"(?:(?:were|was|are|is|have|had|has|been|being|be|reportedly|later|so\s+far|also|all|now|"
    r"still|initially|feared|confirmed|among\s+the)\s+)*"
    r"(?P<cas>" + _CASUALTY_PARTICIPLE + r")\b", re.I)
_CASUALTY_BEFORE = re.compile(
    r"\b(?P<cas>killing|killed|kills|kill|injuring|injured|injures|wounding|wounded|hurting|"
    r"evacuating|evacuated|arresting|arrested|detaining|detained|rescuing|rescued|displacing|"
    r"displaced|hospitali[sz]ing|hospitali[sz]ed|claiming\s+the\s+lives\s+of|"
    r"claimed\s+the\s+lives\s+of)\s+$", re.I)
_TOLL = re.compile(
    r"\b(?:(?P<death>death\s+toll|toll|fatalities|casualties)|number\s+of\s+(?:people\s+|those\s+|"
    r"workers\s+|victims\s+)?(?P<cas>killed|dead|injured|hurt|wounded|missing|arrested|"
    r"evacuated|displaced))\b", re.I)
_TOLL_LINK = re.compile(r"\b(?:rose|risen|rises|climbed|increased|jumped|reached|stood|stands|"
                        r"was|is|hit|went\s+up|now|put|at|to)\s+$", re.I)

_STOP = frozenset(
    "a an the of in on at by for with from to into onto over under between across through "
    "during within without about around against among along after before since until till "
    "per than as and or but nor so yet if while when where whose who whom which that this "
    "these those its their his her our my your it they he she we i you them him us "
    "was were is are be been being had has have will would could should can may might must "
    "shall do does did not no never also only just still already all both each every some "
    "any many most more less fewer several such other another own same very up down out off "
    "again then there here now today yesterday tomorrow tonight ago away back whether because "
    "amid despite including plus minus like near next including toward towards upon via".split()
)
_DIRECTIONS = frozenset("north south east west northeast northwest southeast southwest "
                        "away long wide high deep tall old apart ahead behind later earlier "
                        "overall total each apiece higher lower heavier lighter bigger smaller "
                        "larger greater faster slower stronger weaker cheaper dearer".split())
_MOVEMENT = frozenset(
    "rise fall climb jump drop slide slip run stand increase decrease grow shrink reach gain "
    "lose soar plunge tumble surge sink be up down ease edge dip rebound decline shed total "
    "amount hit slump leap advance retreat fell rose ran stood were was is are".split()
)
_AUX = frozenset("was were is are be been being had has have will would could should can may "
                 "might must shall do does did also only already sharply slightly about nearly "
                 "almost just roughly some further still reportedly".split())
_FINITE_VERBS = frozenset(
    "cost costs come comes came go goes went run runs ran fell falls rose rises make makes made "
    "take takes took remain remains stand stands stood seem seems look looks need needs say says "
    "said show shows showed mean means meant hit hits give gives gave get gets got put puts keep "
    "keeps kept become becomes became begin begins began leave leaves left face faces include "
    "includes represent represents account accounts amount amounts range ranges help helps "
    "require requires earn earns employ employs hold holds held own owns sit sits sat lie lies "
    "lay live lives work works return returns dropped climbed".split()
)
_IRREGULAR_PLURALS = frozenset("people children men women staff police personnel crew cattle "
                               "sheep fish deer aircraft".split())


def _is_plural(word: str) -> bool:
    w = word.lower()
    return w in _IRREGULAR_PLURALS or (
        len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "us", "is", "'s", "’s")))


_NP_BREAK = frozenset("last next".split())
_NP_SKIP_FIRST = frozenset("more other further additional extra".split())


def _noun_phrase_head(text: str, skip_determiners: bool, nominal: bool = False
                      ) -> tuple[str | None, int]:
    """Head of the short noun phrase at the start of `text` and where it ends (offset).
    `nominal`: the number follows a determiner or "of", so the next word is a noun even when
    it could be a verb ("the loss of 14 lives")."""
    words: list[tuple[str, int]] = []
    pos = 0
    tokens = list(_WORD.finditer(text[:80]))
    for k, m in enumerate(tokens):
        if text[pos:m.start()].strip():
            break
        token, lower = m.group(0), m.group(0).lower()
        pos = m.end()
        if skip_determiners and not words and (token[0].isdigit() or lower in _SMALL):
            continue  # "five of the seven members": skip the inner number
        if not token[0].isalpha():
            break
        if lower.endswith(("'s", "’s")):
            if skip_determiners and not words:
                continue  # "the river's flow": skip the possessor
            break
        if not words and not skip_determiners and not nominal and (
                lower in _FINITE_VERBS or _CASUALTY_WORD.fullmatch(lower)):
            break  # "nine died": the verb is not what is counted (the casualty check is)
        if lower in _NP_BREAK:
            break  # "41 million litres of beer last year"
        if not words and lower in _NP_SKIP_FIRST and k + 1 < len(tokens) and \
                tokens[k + 1].group(0)[:1].isalpha() and tokens[k + 1].group(0).lower() not in _STOP:
            continue  # "two more bodies"
        if lower in _STOP or lower in _DIRECTIONS:
            if skip_determiners and not words and lower in {"the", "a", "an", "its", "their",
                                                             "his", "her", "our", "this", "these",
                                                             "those", "that", "all"}:
                continue
            break
        if words and (lower.endswith("ed") or lower in _FINITE_VERBS or (
                lower.endswith("ing") and not (k + 1 < len(tokens)
                                               and _is_plural(tokens[k + 1].group(0))))):
            break  # "strike running", but "building societies"
        if token[0].isupper() and words:
            break
        words.append((token, m.end()))
        if _is_plural(token) or len(words) == 4:
            break
    if not words:
        return None, 0
    for token, end in words:
        if _is_plural(token):
            return token, end
    return words[-1][0], words[-1][1]


_PP = frozenset("in of at for on from with into across near inside outside".split())


def _subject_of(tokens: list[re.Match[str]], verb: int, skip_spans: Sequence[tuple[int, int]]
                ) -> str | None:
    """Head noun before a movement verb, skipping auxiliaries and a trailing prepositional
    phrase: "the average price in Port Alder fell" -> "price"."""
    j = verb - 1
    while j >= 0 and (tokens[j].group(0).lower() in _AUX or lemma(tokens[j].group(0)) in _MOVEMENT
                      or tokens[j].group(0).lower() in _ADVERBS):
        j -= 1  # "has edged up", "were down"
    if j >= 1 and tokens[j].group(0).lower() == "to":
        j -= 1  # "expects the economy to expand by 1.1 percent": the noun before "to"
        if j < 0 or _looks_verbal(tokens, j):
            return None  # "agreed to buy": no subject noun
    k = j
    while k >= 1 and tokens[k].group(0)[0].isupper():
        k -= 1  # a name inside the subject; the sentence's first word is not one
    if k < j and k >= 1 and tokens[k].group(0).lower() not in _PP and \
            tokens[k - 1].group(0).lower() in _PP:
        k -= 1  # "shares in housebuilder Vantor Homes"
    if k >= 1 and tokens[k].group(0).lower() in _PP:
        j = k - 1
    elif k < j:
        return None
    if j < 0 or any(s <= tokens[j].start() < e for s, e in skip_spans):
        return None
    j = _skip_postmodifiers(tokens, j, skip_spans)
    subject = tokens[j].group(0)
    if subject[0].isalpha() and subject.lower() not in _STOP:
        return lemma(subject)
    return None


_ADVERBS = frozenset("abroad overseas home sharply steeply slightly nearly almost also only "
                     "already still further even reportedly".split())
_NP_INNER = frozenset("the a an its their his her our this that these those".split())
_CHAIN_PP = frozenset("of on for in at from with".split())
_MODALS = frozenset("will would could should can may might must to did does do".split())
_DITRANSITIVE = frozenset("cost costs costing save saves saved charge charges charged owe owes "
                          "owed lend lends lent".split())


def _looks_verbal(tokens: list[re.Match[str]], i: int) -> bool:
    """Token i reads as a verb: "strengthened", "adds", "could bring", "to expand"."""
    lower = tokens[i].group(0).lower()
    if not lower.isalpha() or tokens[i].group(0)[0].isupper():
        return False
    return ((lower.endswith("ed") and len(lower) > 4) or lower in _FINITE_VERBS
            or lower in _MOVEMENT or (i > 0 and tokens[i - 1].group(0).lower() in _MODALS))


def _skip_postmodifiers(tokens: list[re.Match[str]], j: int,
                        skip_spans: Sequence[tuple[int, int]]) -> int:
    """From the last word of a subject back to its head over prepositional phrases: "spot
    prices for fertiliser on the regional exchange" -> "prices", "the yield on two-year
    government bonds" -> "yield"."""
    for _ in range(3):
        k = j
        steps = 0
        while k > 0 and steps < 5:
            word = tokens[k].group(0)
            lower = word.lower()
            inside = any(s <= tokens[k].start() < e for s, e in skip_spans)
            if not (inside or word[0].isdigit() or lower in _NP_INNER or (
                    word[0].isalpha() and lower not in _STOP)):
                break
            k -= 1
            steps += 1
        if k >= 1 and k < j and tokens[k].group(0).lower() in _CHAIN_PP:
            head = tokens[k - 1].group(0)
            if head[0].isalpha() and head.lower() not in _STOP and not _looks_verbal(tokens, k - 1):
                j = k - 1
                continue
        break
    return j


def _preceding_content(before: str, skip_spans: Sequence[tuple[int, int]],
                       measure: bool = False) -> str | None:
    """Nearest content word before the quantity, skipping prepositions and other numbers."""
    tokens = [m for m in _WORD.finditer(before)]
    i = len(tokens) - 1
    while i >= 0:
        m = tokens[i]
        token, lower = m.group(0), m.group(0).lower()
        if any(s <= m.start() < e for s, e in skip_spans) or token[0].isdigit() or token in "$€£¥%":
            i -= 1
            continue
        if not token[0].isalpha():
            return None
        if lower in {"by", "to", "at", "of", "from", "for", "in", "around", "about", "some",
                     "nearly", "almost", "roughly", "than", "more", "less", "over", "under",
                     "least", "most", "only", "just", "a", "an", "the", "its", "their",
                     "another", "further", "additional", "extra", "with", "between", "and",
                     "estimated", "approximately", "well", "fewer", "below", "above"}:
            i -= 1
            continue
        if (lower in _STOP or lower in _DIRECTIONS) and lower not in _MOVEMENT:
            return None
        if token[0].isupper() and i > 0:
            i -= 1  # a name is not what is counted: "values Greenhaven at 3 billion"
            continue
        word = lemma(token)
        if word in _MOVEMENT or lower in _MOVEMENT:
            subject = _subject_of(tokens, i, skip_spans)
            if subject:
                return subject  # "shares fell 11 percent" -> "share"
            return None if word in ("be", "up", "down") else word
        if measure:
            # an amount or percentage after a verb counts the verb's subject: "the crown
            # strengthened 0.6 percent" -> "crown", "shareholders would receive 20 crowns"
            # -> "shareholder"; "cost the economy 250 million" -> "cost"
            if i >= 2 and tokens[i - 1].group(0).lower() in _NP_INNER and \
                    tokens[i - 2].group(0).lower() in _DITRANSITIVE:
                return lemma(tokens[i - 2].group(0))
            if _looks_verbal(tokens, i) and lower not in _DITRANSITIVE:
                subject = _subject_of(tokens, i, skip_spans)
                if subject:
                    return subject
        return word
    return None


# --- parsing ---------------------------------------------------------------------------------


def _words_value(text: str) -> float | None:
    tokens = re.split(r"[\s-]+", text.lower())
    if tokens == ["half", "a", "dozen"]:
        return 6.0
    if tokens and tokens[0] in ("a", "an"):
        tokens[0] = "one"
    half = 0.0
    if len(tokens) >= 3 and tokens[-3:] == ["and", "a", "half"]:
        tokens, half = tokens[:-3], 0.5
    total, current = 0.0, 0.0
    for t in tokens:
        if t in _SMALL:
            current += _SMALL[t]
        elif t == "hundred":
            current = (current or 1) * 100
        elif t == "dozen":
            current = (current or 1) * 12
        elif t in _SCALES:
            total += (current or 1) * _SCALES[t]
            current = 0.0
        else:
            return None
    return total + current + half


def _parse_core(m: re.Match[str]) -> tuple[float, str | None, bool] | None:
    """(value, unit from the core itself, is_vague) of a core match."""
    if m.group("num"):
        value = float(m.group("num").replace(",", ""))
        currency = _CURRENCY_SYMBOLS.get((m.group("cur") or "").lower())
        scale = (m.group("scale") or "").lower()
        if scale:
            value *= {"bn": 1e9, "mn": 1e6}.get(scale) or _SCALES[scale]
        elif m.group("abbr"):
            if not currency:
                if m.group("abbr").lower() == "k" or _PLURAL_NEXT.match(m.string, m.end()):
                    return value * (1e6 if m.group("abbr").lower() == "m" else 1e3), None, False
                return value, "metre", False
            value *= 1e6 if m.group("abbr").lower() == "m" else 1e3
        return value, currency, False
    if m.group("frac"):
        num, den = re.split(r"[\s-]", m.group("frac").lower())
        n = 1 if num in ("a", "an") else _SMALL[num]
        return round(100.0 * n / _DENOMS[den], 3), "percent", False
    if m.group("halfof") is not None:
        return (0.5, None, False) if " " in m.group("halfof").strip() else (50.0, "percent", False)
    if m.group("vague"):
        text = m.group("vague").lower()
        if text.startswith("tens of"):
            return (20000.0 if "thousand" in text else 2e7), None, True
        if text.startswith("hundreds of"):
            return (200000.0 if "thousand" in text else 2e8), None, True
        return float(_VAGUE[text]), None, True
    value = _words_value(m.group("words"))
    return (value, None, False) if value is not None else None


def _unit_after(sentence: str, pos: int) -> tuple[str | None, int]:
    m = _UNIT_RE.match(sentence, pos)
    if not m:
        return None, pos
    for i, (_, unit) in enumerate(_UNIT_WORDS):
        if m.group(f"u{i}"):
            return unit, m.end()
    return None, pos


def _approx_before(sentence: str, start: int) -> tuple[str, int]:
    before = sentence[max(0, start - 40): start]
    offset = start - len(before)
    for pattern, approx in _PREFIXES:
        m = pattern.search(before)
        if m:
            return approx, offset + m.start()
    return "exact", start


def _skip_core(m: re.Match[str], sentence: str, excluded: Sequence[tuple[int, int]]) -> bool:
    start, end = m.start(), m.end()
    if m.group("cur") and m.group("num"):
        start = m.start("cur")
    if any(start < e and s < end for s, e in excluded):
        return True
    if m.group("num"):
        after = sentence[m.end():m.end() + 3]
        if _ORDINAL_SUFFIX.match(after) and not m.group("scale"):
            return True
        before = sentence[max(0, m.start("num") - 25): m.start("num")]
        if not m.group("cur") and _LABEL_BEFORE.search(before):
            return True
        if _STREET_AFTER.match(sentence, m.end()):
            return True
    if m.group("words"):
        text = m.group("words").lower()
        if text == "one":
            before = sentence[max(0, m.start() - 20): m.start()]
            if _ONE_SKIP_BEFORE.search(before) or _ONE_SKIP_AFTER.match(sentence, m.end()):
                return True
        if text in _SCALES:
            return True  # a bare "million" or "hundred" is not a number
    if m.group("frac"):
        # "a quarter" counts only as a share: "a quarter of", "by a fifth", "seven-tenths"
        first = m.group("frac").split()[0].lower()
        if first in ("a", "an", "one") and not (
            re.match(r"\s+of\b", sentence[m.end():])
            or _SHARE_BEFORE.search(sentence[max(0, m.start() - 12): m.start()])
        ):
            return True
    if m.group("halfof") is not None and " " not in m.group("halfof").strip():
        before = sentence[max(0, m.start() - 12): m.start()]
        if not (re.match(r"\s+(?:of|the|its|their|his|her)\b", sentence[m.end():])
                or re.search(r"\b(?:by|than|to|nearly|almost|about|around|roughly|over|under)\s+$",
                             before, re.I)):
            return True
    return False


def _ratios(sentence: str, lowered: str, excluded: list[tuple[int, int]]) -> list[dict]:
    """ "one train in five" -> 20 percent of trains; adds the spans to `excluded`."""
    found = []
    for m in _RATIO.finditer(lowered):
        if any(m.start() < e and s < m.end() for s, e in excluded):
            continue
        a, b = (float(x) if x.isdigit() else _words_value(x) for x in (m.group("a"), m.group("b")))
        if a is None or b is None or not 0 < a < b:
            continue
        approx, span_start = _approx_before(sentence, m.start())
        approx = "exact" if approx == "range" else approx
        end = m.end()
        counted = lemma(m.group("noun")) if m.group("noun") else None
        if counted is None:
            head, head_end = _noun_phrase_head(sentence[end:], skip_determiners=False)
            if head:
                counted, end = lemma(head), end + head_end
        found.append(dict(value=round(100.0 * a / b, 3), unit="percent", approx=approx,
                          upper=None, start=span_start, end=end, core=m, counted=counted))
        excluded.append((span_start, end))
    return found


_FRACTION_OF_UNIT = re.compile(r"\s+of\s+an?(?=\s)")


def _core_quantity(m: re.Match[str], sentence: str, excluded: Sequence[tuple[int, int]],
                   core: re.Pattern[str]) -> dict | None:
    """Value, unit, bound and span of the quantity whose number `m` matched."""
    parsed = _parse_core(m)
    if parsed is None:
        return None
    value, unit, vague = parsed
    start = m.start("cur") if m.group("cur") and m.group("num") else m.start()
    end = m.end()
    if m.group("num") and end < len(sentence) and sentence[end].isalpha() and not \
            _UNIT_RE.match(sentence, end):
        return None  # "1990s", "G7", "3rd"
    if m.group("frac"):  # "a quarter of a percentage point" is 0.25 pp, not 25 percent
        of = _FRACTION_OF_UNIT.match(sentence, end)
        unit_of, unit_end = _unit_after(sentence, of.end()) if of else (None, end)
        if unit_of:
            value, unit, end = value / 100.0, unit_of, unit_end
    after_unit, unit_end = _unit_after(sentence, end)
    if after_unit and (unit is None or (unit in _MONEY_UNITS and after_unit in _MONEY_UNITS)):
        unit, end = after_unit, unit_end
    elif m.group("num") and not m.group("scale") and re.match(r"-?m\b", sentence[end:end + 2]):
        unit, end = "metre", end + (2 if sentence[end] == "-" else 1)
    approx, span_start = _approx_before(sentence, start)
    window = sentence[max(0, start - 30):start]
    if approx == "at_most" and re.search(
            r"\b(?:[a-z]+ed|rose|went|ran|jumped|moved)\s+up\s+to\s+$", window):
        approx, span_start = "exact", start  # "edged up to 5.3 per cent" is a level
    if approx == "more_than" and unit in _TIME_UNITS and re.search(r"\bover\s+$", window):
        approx, span_start = "exact", start  # "over two years" is a period, not a bound
    if vague and approx == "exact":
        approx = "at_least"
    upper = None
    # ranges: "12 to 15 people", "12-15", "between 12 and 15"; not "from 5 to 6"
    join = _RANGE_JOIN.match(sentence, end) if (
        unit is None or approx == "range" or end == m.end()) else None
    if join and (approx == "range" or "and" not in join.group(0)):
        m2 = core.match(m.string, join.end())
        parsed2 = _parse_core(m2) if m2 and not _skip_core(m2, sentence, excluded) else None
        if parsed2:
            if m2.group("num") and m2.group("scale") and m.group("num") and not m.group("scale"):
                # "1.2 to 1.5 million": the scale applies to both ends
                value *= parsed2[0] / float(m2.group("num").replace(",", ""))
            unit2, unit2_end = _unit_after(sentence, m2.end())
            if unit is None and unit2:
                unit = unit2  # "from 3.75 to 4 per cent": both are percentages
            from_ = sentence[:span_start].rstrip().lower().endswith("from")
            if parsed2[0] > value and not from_:
                upper, approx = parsed2[0], "range"
                end = max(end, unit2_end if unit2 == unit else m2.end())
    if approx == "range" and upper is None:
        approx, span_start = "exact", start
    return dict(value=value, unit=unit, approx=approx, upper=upper, start=span_start, end=end,
                core=m)


def find_quantities(sentence: str, exclude: Sequence[tuple[int, int]] | None = None
                    ) -> tuple[Quantity, ...]:
    """Quantities in `sentence`; `exclude` are date/time spans (computed when not given)."""
    excluded = list(date_spans(sentence) if exclude is None else exclude)
    lowered = sentence.lower()
    if not _HINT.search(lowered):
        return ()
    core = _CORE
    if len(lowered) != len(sentence):  # rare characters whose lower case is longer
        lowered, core = sentence, _CORE_ANY_CASE
    raw = _ratios(sentence, lowered, excluded) if " in " in lowered or " out of " in lowered else []
    consumed_until = 0
    for m in core.finditer(lowered):
        if m.start() < consumed_until or _skip_core(m, sentence, excluded):
            continue
        found = _core_quantity(m, sentence, excluded, core)
        if found:
            raw.append(found)
            consumed_until = found["end"]
    raw.sort(key=lambda r: r["start"])
    spans = [(r["start"], r["end"]) for r in raw]
    out = []
    previous = None
    for r in raw:
        counted, end = (r["counted"], r["end"]) if "counted" in r else _counted(
            sentence, r, spans, previous)
        previous = (end, counted, r["unit"])
        out.append(Quantity(value=round(r["value"], 6), text=sentence[r["start"]:end],
                            start=r["start"], end=end, unit=r["unit"], counted=counted,
                            approx=r["approx"], upper=r["upper"]))
    return tuple(out)


_NOMINAL_BEFORE = re.compile(r"\b(?:of|the|its|their|his|her|our|all|those|these)\s+$", re.I)
# What may separate a count from an elliptical one that shares its noun: "and", "or", "to"
# right before the second number ("nine votes to four", "900 jobs at X and 300 at Y").
_ELLIPSIS_GAP = re.compile(r"[^.;:\d,]{0,40}?\s(?:and|or|to|against|versus|vs\.?)\s+")


def _counted(sentence: str, r: dict, spans: Sequence[tuple[int, int]],
             previous: tuple[int, str | None, str | None] | None = None
             ) -> tuple[str | None, int]:
    """(counted lemma, end of the span including a directly following noun). `previous` is
    (end, counted, unit) of the quantity before, for elliptical counts."""
    start, end, unit = r["start"], r["end"], r["unit"]
    before, after = sentence[:start], sentence[end:]
    # ages: "a 34-year-old man", "Lena Sorvik, 44,"
    if unit == "year" and _AGE_AFTER.match(sentence, r["core"].end()):
        age_end = _AGE_AFTER.match(sentence, r["core"].end()).end()
        return "year old", max(end, age_end)
    if unit is None and r["core"].group("num") and _AGE_APPOSITION.search(before) and \
            _AGE_APPOSITION_AFTER.match(after) and r["value"] < 120:
        r["unit"] = "year"
        return "year old", end
    if re.search(r"\bmagnitude\s+(?:of\s+)?$", before, re.I):
        return "magnitude", end
    if unit is None or unit in _RATIO_UNITS or unit in _MONEY_UNITS:
        cas = _CASUALTY_AFTER.match(after)
        head, head_end = (None, 0)
        if unit is None or not re.match(r"\s+of\b", after):
            head, head_end = _noun_phrase_head(after, skip_determiners=False,
                                               nominal=bool(_NOMINAL_BEFORE.search(before)))
        if unit is None:
            # casualty verbs win: "14 people were killed", "killed 14"
            if head:
                cas_after = _CASUALTY_AFTER.match(after, head_end)
                if cas_after:
                    return lemma(cas_after.group("cas").split()[-1]), end + head_end
            elif cas:
                return lemma(cas.group("cas").split()[-1]), end
            cas_before = _CASUALTY_BEFORE.search(before)
            if cas_before:
                word = cas_before.group("cas").lower()
                word = "kill" if "lives" in word else lemma(word)
                return word, end + (head_end if head else 0)
        if head:
            return lemma(head), end + head_end
        of = re.match(r"\s+of\s+", after)
        if of:
            head, _ = _noun_phrase_head(after[of.end():], skip_determiners=True)
            if head:
                return lemma(head), end
        per = re.match(r"\s+(?:per|each)\s+([a-z]+)", after)
        if per and unit in _MONEY_UNITS:
            return lemma(per.group(1)), end
        off = re.match(r"\s+off\s+", after)
        if off and unit is not None:  # "wiping 900 million crowns off the market value"
            head, _ = _noun_phrase_head(after[off.end():], skip_determiners=True)
            if head:
                return lemma(head), end
        if unit is None:
            toll = None
            for t in _TOLL.finditer(before):
                toll = t
            if toll and _TOLL_LINK.search(before):
                return ("death" if toll.group("death") else lemma(toll.group("cas"))), end
    elif unit not in _TIME_UNITS:
        head, head_end = _noun_phrase_head(after, skip_determiners=False)  # "190-metre wall"
        if head:
            return lemma(head), end + head_end
        of = re.match(r"\s+of\s+", after)
        if of and unit in _MASS_UNITS:  # "600,000 tonnes of ammonium nitrate"
            head, _ = _noun_phrase_head(after[of.end():], skip_determiners=True)
            if head:
                return lemma(head), end
    elif unit in _TIME_UNITS:
        of = re.match(r"\s+of\s+", after)
        if of:  # "two days of disruption", not "within two years of the deal"
            head, _ = _noun_phrase_head(after[of.end():], skip_determiners=False)
            if head:
                return lemma(head), end
        if sentence[r["core"].end():r["core"].end() + 1] == "-":
            head, head_end = _noun_phrase_head(after, skip_determiners=False)
            if head:
                return lemma(head), end + head_end
    others = [(s, e) for s, e in spans if (s, e) != (start, r["end"])]
    if unit is None and previous is not None and previous[1] and previous[2] is None and \
            _ELLIPSIS_GAP.fullmatch(sentence, previous[0], start):
        return previous[1], end  # "900 jobs at the plant and 300 at the head office"
    word = _preceding_content(before, others,
                              measure=unit in _RATIO_UNITS or unit in _MONEY_UNITS)
    if unit in _TIME_UNITS and word and not _VERB_FORM.search(before):
        return None, end  # a period counts something only after a verb: "closed for 3 months"
    return word, end
