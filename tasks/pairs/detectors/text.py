"""Cheap sentence features for the candidate-pair index (`tasks/pairs/candidates.py`).

Dependency-free and cached per sentence text: the index must see every claim of an event before
anything is parsed, so it works on tokens, table lemmas, capitalised names and happening classes,
not on spaCy parses.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

# Typographic quotes become straight ones, character for character, so offsets stay valid.
_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"', "\u2032": "'"})

TOKEN_RE = re.compile(r"[A-Za-z]+(?:'[A-Za-z]+)*|\d+(?:[.,:]\d+)*|[^\sA-Za-z\d]")

STOPWORDS = frozenset(
    """a an the this that these those it its it's they them their theirs he him his she her hers
    we us our ours you your yours i me my who whom whose which what when where why how whether
    and or but nor so yet if then than as of at by for from in into on onto to with within without
    about above after against along among around before behind below beneath beside between
    beyond during except inside near off out outside over past since through throughout toward
    towards under until up upon via per across be is am are was were been being have has had
    having do does did doing done will would shall should can could may might must ought also
    just only even still very too more most less least much many some any all each every both
    either other another such same own there here now not no never none nothing nobody neither
    however meanwhile instead also although though because while whereas unless again already
    say says said saying tell tells told telling add added adding according accord statement
    spokesman spokeswoman spokesperson mr mrs ms dr one two three four five six seven eight nine
    ten eleven twelve dozen dozens hundred hundreds thousand thousands million millions billion
    billions first second third last next later earlier ago percent cent per""".split()
)

# Words that say little about what a sentence is about; they count little in overlap.
GENERIC = frozenset(
    """year years month months week weeks day days time times today yesterday tomorrow tonight
    morning afternoon evening night late early monday tuesday wednesday thursday friday saturday
    sunday january february march april may june july august september october november december
    people person official officials government company group report reports number part way
    percent cent point points total new country town city region area""".split()
)

_CAPITAL_NOT_ENTITY = frozenset(
    """monday tuesday wednesday thursday friday saturday sunday january february march april june
    july august september october november december gmt utc i mr mrs ms dr""".split()
)

NEGATION_CUES = frozenset({"not", "no", "never", "none", "nothing", "nobody", "neither", "nor", "cannot"})

_NONCOMMITTAL_WORDS = "say comment confirm disclose specify know clear immediately indicate respond reply elaborate rule identify name explain reveal"

_IRREGULAR = {
    "held": "hold", "met": "meet", "fell": "fall", "fallen": "fall", "rose": "rise", "risen": "rise",
    "won": "win", "lost": "lose", "went": "go", "gone": "go", "goes": "go", "took": "take",
    "taken": "take", "broke": "break", "broken": "break", "began": "begin", "begun": "begin",
    "made": "make", "paid": "pay", "said": "say", "says": "say", "told": "tell", "struck": "strike",
    "brought": "bring", "kept": "keep", "sent": "send", "found": "find", "stood": "stand",
    "ran": "run", "came": "come", "saw": "see", "seen": "see", "got": "get", "gave": "give",
    "given": "give", "died": "die", "dying": "die", "dies": "die", "children": "child",
    "men": "man", "women": "woman", "lives": "life", "left": "leave", "led": "lead", "sought": "seek",
    "thought": "think", "bought": "buy", "sold": "sell", "wounded": "wound", "injuries": "injury",
    "deaths": "death", "was": "be", "were": "be", "is": "be", "are": "be", "been": "be",
    "news": "news", "series": "series", "press": "press", "process": "process", "status": "status",
}

_VOWELS = set("aeiouy")


@lru_cache(maxsize=65536)
def lemma(word: str) -> str:
    """Crude but consistent stem: every inflection of a word maps to the same key.

    Consistency matters more than correctness: "closed", "closes", "closing" and "close" all give
    "clos", "cancelled" and "cancel" give "cancel", so lexicons and overlaps compare like with like.
    """
    w = word.lower().replace("'", "")
    if w in _IRREGULAR:
        w = _IRREGULAR[w]
    elif len(w) > 3:
        if w.endswith("ies") and len(w) > 4:
            w = w[:-3] + "y"
        elif w.endswith("ied") and len(w) > 4:
            w = w[:-3] + "y"
        elif w.endswith("es") and w[-3:-2] in ("s", "x", "z") or w.endswith(("ches", "shes")):
            w = w[:-2]
        elif w.endswith("s") and not w.endswith(("ss", "us", "is")):
            w = w[:-1]
        if w.endswith("ing") and len(w) > 5 and _VOWELS & set(w[:-3]):
            w = w[:-3]
        elif w.endswith("eed") and len(w) > 4:
            w = w[:-1]
        elif w.endswith("ed") and len(w) > 4 and _VOWELS & set(w[:-2]):
            w = w[:-2]
    if len(w) > 3 and w[-1] == w[-2] and w[-1] not in _VOWELS:
        w = w[:-1]
    if len(w) > 3 and w.endswith("e"):
        w = w[:-1]
    return w


def lemmas_of(words: str) -> frozenset[str]:
    """Lemmas of a whitespace-separated word list (used to write lexicons in plain English)."""
    return frozenset(lemma(w) for w in words.split())


SPEECH_LEMMAS = lemmas_of("say tell add state told said stated added explain note remark insist")
STOP_LEMMAS = frozenset(lemma(w) for w in STOPWORDS) | SPEECH_LEMMAS
_NONCOMMITTAL = lemmas_of(_NONCOMMITTAL_WORDS) | SPEECH_LEMMAS
GENERIC_LEMMAS = lemmas_of(" ".join(GENERIC))

# Happening classes: words that name a one-off happening someone can deny. A word may sit in
# several classes ("strike" is both a labour strike and a military strike).
_HAPPENINGS = {
    "talks": "talk talks negotiation negotiations negotiate negotiated negotiating negotiator meet meeting "
    "meetings session summit dialogue discussion discussions conference round delegation delegations",
    "attack": "attack attacked raid raided assault bombing bombed shelling offensive incursion airstrike strike struck",
    "agreement": "agreement agree agreed deal accord pact treaty protocol contract sign signed signing",
    "labour_strike": "strike strikes striker strikers walkout walkouts stoppage",
    "suspension": "suspend suspended suspension pause paused",
    "cancellation": "cancel cancelled cancellation derail derailed collapse collapsed scrap scrapped "
    "abandon abandoned disrupt disrupted",
    "postponement": "postpone postponed postponement delay delayed",
    "evacuation": "evacuate evacuated evacuation",
    "arrest": "arrest arrested detain detained detention",
    "explosion": "explosion blast explode exploded",
    "warning": "warning warn warned alert",
    "casualty": "kill killed dead death die died victim fatality",
    "injury": "injure injured injury injuries wound wounded hurt",
}
HAPPENING_CLASSES: dict[str, frozenset[str]] = {}
for _cls, _words in _HAPPENINGS.items():
    for _lem in lemmas_of(_words):
        HAPPENING_CLASSES[_lem] = HAPPENING_CLASSES.get(_lem, frozenset()) | {_cls}

# Multi-word happenings: "called off", "put back", "broke down", "fell apart".
_PHRASE_CLASSES = [
    (re.compile(r"\bcall(?:s|ed|ing)?\s+(?:\w+\s+)?off\b"), "cancellation"),
    (re.compile(r"\b(?:broke|break|breaks|broken)\s+(?:down|up)\b|\b(?:fell|fall|falls|fallen)\s+(?:apart|through)\b"), "cancellation"),
    (re.compile(r"\b(?:put|puts|putting)\s+(?:\w+\s+)?(?:back|off)\b"), "postponement"),
    (re.compile(r"\bwalk(?:ed|s)?\s+out\b"), "labour_strike"),
    # Working through a text together is negotiating: "going through the draft line by line",
    # "hammering out the wording".
    (re.compile(r"\b(?:go|goes|going|gone|went|work|works|working|worked)\s+through\s+(?:the\s+|a\s+|their\s+|its\s+)?"
                r"(?:[a-z-]+\s+)?(?:text|draft|wording|document)s?\b"
                r"|\b(?:hammer|hammers|hammering|hammered|thrash|thrashing|thrashed)\s+out\b"), "talks"),
]

# Phrasal verbs that mean a plain verb: "gone back to work" is "returned to work". The first
# word's lemma is replaced, so lexicons and overlaps see the plain verb.
_PHRASAL = {("go", "back"): "return", ("come", "back"): "return", ("head", "back"): "return",
            ("call", "off"): "cancel", ("put", "off"): "postpon"}



class Token(NamedTuple):
    """One token with its offsets; `lemma` is "" for punctuation and numbers."""

    text: str
    lower: str
    lemma: str
    start: int
    end: int
    kind: str  # "word", "num", "punct"
    entity: bool
    negated: bool  # inside the scope of a negation cue


@dataclass(frozen=True)
class Features:
    """Per-sentence features the detectors and the candidate filter share."""

    text: str  # quote-normalised text, same length as the original
    tokens: tuple[Token, ...]
    content: frozenset[str]  # content lemmas (no stopwords, numbers or entities)
    entities: frozenset[str]  # entity keys
    classes: frozenset[str]  # happening classes mentioned
    weights: dict  # key -> overlap weight, for subject_overlap
    norm: float  # sqrt of the sum of squared weights
    maybe_entities: frozenset[str]  # sentence-initial capitalised words that may be names


def entity_key(word: str) -> str:
    """Key that lets "Talvania", "Talvania's" and "Talvanian" meet (six-letter prefix)."""
    w = word.lower()
    if w.endswith("'s"):
        w = w[:-2]
    return w[:6]


def normalise(text: str) -> str:
    return text.translate(_QUOTES)


def _is_sentence_start(toks: list[tuple[str, int, int, str]], i: int) -> bool:
    j = i - 1
    while j >= 0 and toks[j][3] == "punct" and toks[j][0] in "\"'(—–-":
        j -= 1
    return j < 0 or (toks[j][3] == "punct" and toks[j][0] in ".!?:")


def _entity_flags(toks: list[tuple[str, int, int, str]]) -> list[bool]:
    flags = []
    for i, (t, _s, _e, kind) in enumerate(toks):
        low = t.lower()
        if kind != "word" or not t[0].isupper() or low in _CAPITAL_NOT_ENTITY:
            flags.append(False)
            continue
        base = low[:-2] if low.endswith("'s") else low
        if t.isupper() and len(t) > 1:  # acronym
            flags.append(base not in STOPWORDS)
            continue
        if base in STOPWORDS or base in GENERIC:
            flags.append(False)
            continue
        if not _is_sentence_start(toks, i):
            flags.append(True)
            continue
        # Sentence-initial capital: a name only when it looks like one (possessive, part of a
        # multi-word name, or an apposition "Velsk, a town of ...").
        nxt = toks[i + 1] if i + 1 < len(toks) else None
        flags.append(
            low.endswith("'s")
            or (nxt is not None and nxt[3] == "word" and nxt[0][0].isupper() and nxt[0].lower() not in STOPWORDS)
            or (nxt is not None and nxt[0] == "," and not low.endswith("ly"))
        )
    return flags


_SCOPE_STOP = frozenset({",", ";", ":", ".", "!", "?", '"', "(", ")", "—", "–"})
_SCOPE_BREAK_WORDS = frozenset({"but", "and", "because", "although", "though", "while", "which", "who", "since", "as"})


def _negation_flags(toks: list[tuple[str, int, int, str]], lemmas: list[str]) -> list[bool]:
    """Mark tokens governed by a negation cue: the next few words up to a clause boundary."""
    flags = [False] * len(toks)
    for i, (t, _s, _e, kind) in enumerate(toks):
        low = t.lower()
        if kind != "word" or not (low in NEGATION_CUES or low.endswith("n't")):
            continue
        if low == "not" and i + 1 < len(toks) and toks[i + 1][0].lower() in ("only", "just"):
            continue
        seen_content = 0
        for j in range(i + 1, min(len(toks), i + 7)):
            tj = toks[j][0]
            if tj in _SCOPE_STOP or tj.lower() in _SCOPE_BREAK_WORDS:
                break
            if seen_content == 0 and lemmas[j] in _NONCOMMITTAL:
                break  # "did not say whether ...": nothing is negated but the saying
            if toks[j][3] == "word" and lemmas[j] and lemmas[j] not in STOP_LEMMAS:
                flags[j] = True
                seen_content += 1
                if seen_content >= 3:
                    break
            else:
                flags[j] = True
    return flags


@lru_cache(maxsize=32768)
def features(text: str) -> Features:
    """Tokenise, lemmatise and annotate one sentence (cached on the text)."""
    norm = normalise(text)
    raw = []
    for m in TOKEN_RE.finditer(norm):
        t = m.group()
        kind = "word" if t[0].isalpha() else "num" if t[0].isdigit() else "punct"
        raw.append((t, m.start(), m.end(), kind))
    lemmas = [lemma(t[:-2] if t.lower().endswith("'s") else t) if k == "word" else "" for t, _s, _e, k in raw]
    for i in range(len(raw) - 1):
        plain = _PHRASAL.get((lemmas[i], raw[i + 1][0].lower()))
        if plain is not None:
            lemmas[i], lemmas[i + 1] = plain, ""  # the particle says nothing once the verb is plain
    ents = _entity_flags(raw)
    negs = _negation_flags(raw, lemmas)
    tokens = tuple(
        Token(t, t.lower(), lem, s, e, k, ent, neg)
        for (t, s, e, k), lem, ent, neg in zip(raw, lemmas, ents, negs)
    )
    content, entities, classes, weights, maybe = set(), set(), set(), {}, set()
    for i, tok in enumerate(tokens):
        if tok.kind != "word":
            continue
        if not tok.entity and tok.text[0].isupper() and tok.lower not in STOPWORDS and _is_sentence_start(raw, i):
            maybe.add(entity_key(tok.text))
        if tok.entity:
            key = "E:" + entity_key(tok.text)
            entities.add(key[2:])
            weights[key] = 2.0
            continue
        if tok.lower in STOPWORDS or tok.lemma in STOP_LEMMAS or len(tok.lemma) < 3:
            continue
        content.add(tok.lemma)
        classes.update(HAPPENING_CLASSES.get(tok.lemma, ()))
        weights[tok.lemma] = 0.3 if tok.lemma in GENERIC_LEMMAS else 1.0
    low = norm.lower()
    for rx, cls in _PHRASE_CLASSES:
        if rx.search(low):
            classes.add(cls)
    for cls in classes:
        weights["H:" + cls] = 1.0  # "blast" and "explosion", "talks" and "meeting" are one subject
    norm2 = math.sqrt(sum(w * w for w in weights.values())) or 1.0
    return Features(norm, tokens, frozenset(content), frozenset(entities), frozenset(classes), weights, norm2,
                    frozenset(maybe))

