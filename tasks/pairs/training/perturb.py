"""Synthetic sentence pairs made from real sentences by small, labelled edits.

The NLI sets teach little about news conflicts (numbers, dates, places, actors, denials), and
the devset is too small to learn from without overfitting. So the trainer takes real sentences
and edits one slot: a different number, date, place or actor, a negated or opposite predicate,
or a denial gives a contradiction (label 1); an attribution, a dropped modifier, an approximate
number, a later higher count, a hedge, a plan, another entity and place, or another sentence of
the same document gives a pair that does not contradict (label 0).

Every function is pure: a parsed sentence (a spaCy Doc), a seeded `random.Random` and a `Pool`
of names seen in the corpus in, a new sentence (or None when the edit does not apply) out.
"""

from __future__ import annotations

import random
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from spacy.tokens import Doc, Token

try:  # the lead's general lexicon; the small table below covers what it lacks
    from factcheck.tasks.language.lexicon import ANTONYMS as _LEXICON_ANTONYMS
except ImportError:  # pragma: no cover - only while the lexicon is being written
    _LEXICON_ANTONYMS = ()

# --- a small English inflector (spaCy lemmatises but does not inflect) -------------------------

_IRREGULAR: dict[str, tuple[str, str]] = {  # lemma: (past, past participle)
    "be": ("was", "been"), "have": ("had", "had"), "do": ("did", "done"), "go": ("went", "gone"),
    "rise": ("rose", "risen"), "fall": ("fell", "fallen"), "win": ("won", "won"), "lose": ("lost", "lost"),
    "sell": ("sold", "sold"), "buy": ("bought", "bought"), "hold": ("held", "held"), "take": ("took", "taken"),
    "leave": ("left", "left"), "begin": ("began", "begun"), "give": ("gave", "given"), "make": ("made", "made"),
    "get": ("got", "got"), "say": ("said", "said"), "tell": ("told", "told"), "come": ("came", "come"),
    "see": ("saw", "seen"), "know": ("knew", "known"), "grow": ("grew", "grown"), "shrink": ("shrank", "shrunk"),
    "cut": ("cut", "cut"), "set": ("set", "set"), "put": ("put", "put"), "let": ("let", "let"),
    "hit": ("hit", "hit"), "quit": ("quit", "quit"), "forbid": ("forbade", "forbidden"),
    "stand": ("stood", "stood"), "keep": ("kept", "kept"), "find": ("found", "found"), "build": ("built", "built"),
    "send": ("sent", "sent"), "spend": ("spent", "spent"), "pay": ("paid", "paid"), "lead": ("led", "led"),
    "meet": ("met", "met"), "run": ("ran", "run"), "drive": ("drove", "driven"), "write": ("wrote", "written"),
    "speak": ("spoke", "spoken"), "break": ("broke", "broken"), "choose": ("chose", "chosen"),
    "fly": ("flew", "flown"), "draw": ("drew", "drawn"), "throw": ("threw", "thrown"),
    "bring": ("brought", "brought"), "think": ("thought", "thought"), "teach": ("taught", "taught"),
    "catch": ("caught", "caught"), "fight": ("fought", "fought"), "seek": ("sought", "sought"),
    "feel": ("felt", "felt"), "sink": ("sank", "sunk"), "strike": ("struck", "struck"), "shut": ("shut", "shut"),
    "become": ("became", "become"), "sit": ("sat", "sat"), "lie": ("lay", "lain"), "wake": ("woke", "woken"),
    "freeze": ("froze", "frozen"), "steal": ("stole", "stolen"), "hide": ("hid", "hidden"),
    "swim": ("swam", "swum"), "sing": ("sang", "sung"), "eat": ("ate", "eaten"), "fail": ("failed", "failed"),
}
_DOUBLING = frozenset(
    "ban plan stop drop admit permit commit ship slip cap tap rob grab occur prefer refer transfer "
    "control regret submit omit fit ban bar jam nab plot scrap skip step trim veto".split()
)
_VOWELS = set("aeiou")


def _doubles(lemma: str) -> bool:
    if lemma in _DOUBLING:
        return True
    return (len(lemma) == 3 and lemma[-1] not in _VOWELS | set("wxy") and lemma[-2] in _VOWELS
            and lemma[-3] not in _VOWELS)


def inflect(lemma: str, tag: str) -> str:
    """The form of a verb lemma for a Penn tag (VBD, VBN, VBZ, VBG, VB, VBP)."""
    if tag in ("VB", "VBP"):
        return lemma
    if tag == "VBZ":
        special = {"be": "is", "have": "has", "do": "does", "go": "goes"}
        if lemma in special:
            return special[lemma]
        if re.search(r"(s|sh|ch|x|z|o)$", lemma):
            return lemma + "es"
        if re.search(r"[^aeiou]y$", lemma):
            return lemma[:-1] + "ies"
        return lemma + "s"
    if tag == "VBG":
        if lemma.endswith("ie"):
            return lemma[:-2] + "ying"
        if lemma.endswith("e") and not lemma.endswith(("ee", "ye", "oe")) and lemma != "be":
            return lemma[:-1] + "ing"
        return lemma + lemma[-1] + "ing" if _doubles(lemma) else lemma + "ing"
    if tag in ("VBD", "VBN"):
        if lemma in _IRREGULAR:
            return _IRREGULAR[lemma][0 if tag == "VBD" else 1]
        if lemma.endswith("e"):
            return lemma + "d"
        if re.search(r"[^aeiou]y$", lemma):
            return lemma[:-1] + "ied"
        return lemma + lemma[-1] + "ed" if _doubles(lemma) else lemma + "ed"
    return lemma


# --- general lexicons ---------------------------------------------------------------------------

# Verb pairs that cannot both hold of the same happening (general English, no corpus words).
_VERB_OPPOSITES: tuple[tuple[str, str], ...] = (
    ("rise", "fall"), ("increase", "decrease"), ("win", "lose"), ("open", "close"), ("accept", "reject"),
    ("approve", "reject"), ("confirm", "deny"), ("arrive", "depart"), ("gain", "lose"), ("expand", "shrink"),
    ("start", "end"), ("begin", "end"), ("allow", "ban"), ("permit", "forbid"), ("acquit", "convict"),
    ("survive", "die"), ("succeed", "fail"), ("pass", "fail"), ("support", "oppose"), ("agree", "refuse"),
    ("include", "exclude"), ("strengthen", "weaken"), ("improve", "worsen"), ("resume", "suspend"),
    ("lift", "impose"), ("hire", "fire"), ("buy", "sell"), ("release", "detain"), ("raise", "lower"),
    ("raise", "cut"), ("remember", "forget"), ("attend", "skip"), ("enter", "leave"), ("join", "leave"),
    ("grow", "shrink"), ("climb", "drop"), ("add", "remove"), ("win", "lose"), ("land", "crash"),
    ("hold", "cancel"), ("appear", "disappear"), ("like", "dislike"), ("love", "hate"), ("push", "pull"),
)
# Adjective and adverb pairs.
_ADJ_OPPOSITES: tuple[tuple[str, str], ...] = (
    ("alive", "dead"), ("guilty", "innocent"), ("legal", "illegal"), ("true", "false"), ("present", "absent"),
    ("full", "empty"), ("higher", "lower"), ("more", "less"), ("early", "late"), ("earlier", "later"),
    ("peaceful", "violent"), ("open", "closed"), ("large", "small"), ("larger", "smaller"),
    ("largest", "smallest"), ("high", "low"), ("highest", "lowest"), ("old", "young"), ("older", "younger"),
    ("first", "last"), ("public", "private"), ("rich", "poor"), ("strong", "weak"), ("successful", "unsuccessful"),
    ("safe", "dangerous"), ("married", "single"), ("male", "female"), ("before", "after"), ("up", "down"),
    ("increased", "decreased"), ("positive", "negative"), ("major", "minor"),
    ("national", "local"), ("hot", "cold"), ("long", "short"), ("fast", "slow"), ("easy", "difficult"),
)
_VERBS = frozenset(w for pair in _VERB_OPPOSITES for w in pair) | frozenset(_IRREGULAR)
_ADJS = frozenset(w for pair in _ADJ_OPPOSITES for w in pair)


def _table(pairs: Iterable[tuple[str, str]], allowed: frozenset[str]) -> dict[str, tuple[str, ...]]:
    out: dict[str, list[str]] = {}
    for x, y in pairs:
        if x in allowed and y in allowed:
            out.setdefault(x, []).append(y)
            out.setdefault(y, []).append(x)
    return {k: tuple(dict.fromkeys(v)) for k, v in sorted(out.items())}


VERB_ANTONYMS = _table((*_VERB_OPPOSITES, *_LEXICON_ANTONYMS), _VERBS)
ADJ_ANTONYMS = _table((*_ADJ_OPPOSITES, *_LEXICON_ANTONYMS), _ADJS)

LIGHT = frozenset("be have do go take make get give hold".split())
REPORTING = frozenset("say tell report announce claim state add note explain confirm deny".split())
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")
PARTS_OF_DAY = ("morning", "afternoon", "evening", "night")
_WORD_NUMBERS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
    "sixteen seventeen eighteen nineteen twenty".split())}
_WORD_NUMBERS.update({"thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
                      "ninety": 90, "hundred": 100, "dozen": 12})
_NUMBER_WORDS = {v: k for k, v in _WORD_NUMBERS.items() if k not in ("hundred", "dozen")}
NUMERIC_LABELS = frozenset(("CARDINAL", "QUANTITY", "MONEY", "PERCENT"))
NAME_LABELS = frozenset("PERSON ORG GPE LOC NORP FAC EVENT WORK_OF_ART PRODUCT LAW LANGUAGE".split())
GENERIC_SPEAKERS = ("Officials", "A government spokesman", "The company", "Police", "A spokeswoman",
                    "Local authorities", "The ministry", "Witnesses")
KEEP_ADVERBS = frozenset("not never only no hardly barely almost nearly just n't also even still".split())
HEDGES = ("about", "around", "nearly", "roughly", "some", "approximately")
LATER_PHRASES = ("A day later, ", "By the end of the week, ", "In a later update, ", "By the next morning, ")


@dataclass(frozen=True)
class Pool:
    """Names seen in the corpus, by entity label, to swap in (sorted: deterministic)."""

    names: dict[str, tuple[str, ...]]

    def other(self, label: str, than: str, rng: random.Random, avoid: str = "") -> str | None:
        options = [n for n in self.names.get(label, ()) if n.lower() != than.lower() and n.lower() not in avoid.lower()]
        return rng.choice(options) if options else None


def build_pool(docs: Iterable[Doc], labels: Sequence[str] = ("PERSON", "ORG", "GPE", "LOC"), min_count: int = 1) -> Pool:
    counts: dict[str, Counter] = {label: Counter() for label in labels}
    for doc in docs:
        for ent in doc.ents:
            if ent.label_ in counts and 1 <= len(ent) <= 4 and re.fullmatch(r"[A-Z][\w .'&-]*\w", ent.text):
                counts[ent.label_][ent.text] += 1
    return Pool({label: tuple(sorted(n for n, c in ctr.items() if c >= min_count)) for label, ctr in counts.items()})


# --- editing helpers ----------------------------------------------------------------------------


def _pieces(doc: Doc) -> list[list[str]]:
    return [[t.text, t.whitespace_] for t in doc]


def _join(pieces: Sequence[Sequence[str]]) -> str:
    text = "".join(t + ws for t, ws in pieces if t)
    text = re.sub(r"\s+", " ", text).strip()
    text = re.sub(r"\s+([,.;:!?])", r"\1", text)
    text = re.sub(r",\s*,", ",", text)
    return text[:1].upper() + text[1:] if text else text


def _replace(doc: Doc, start: int, end: int, new: str) -> str:
    pieces = _pieces(doc)
    if start == 0 and doc[0].text[:1].isupper() and new:
        new = new[:1].upper() + new[1:]
    pieces[start][0] = new
    pieces[start][1] = doc[end - 1].whitespace_
    for i in range(start + 1, end):
        pieces[i] = ["", ""]
    return _join(pieces)


def _lower_first(doc: Doc) -> str:
    """The sentence without its final stop, lower-cased at the start unless it begins with a name."""
    text = _body(doc)
    first = doc[0]
    if first.pos_ != "PROPN" and first.ent_type_ not in NAME_LABELS and first.text != "I" and not first.text.isupper():
        text = text[:1].lower() + text[1:]
    return text


def _case_like(word: str, model: str) -> str:
    if model.isupper() and len(model) > 1:
        return word.upper()
    return word[:1].upper() + word[1:] if model[:1].isupper() else word


def _root(doc: Doc) -> Token | None:
    """The main predicate: the root verb, or what a reporting root reports ('police said X')."""
    roots = [t for t in doc if t.dep_ == "ROOT" and t.pos_ in ("VERB", "AUX")]
    if not roots:
        return None
    root = roots[0]
    if root.lemma_ in REPORTING:
        reported = [c for c in root.children if c.dep_ == "ccomp" and c.pos_ in ("VERB", "AUX")]
        return reported[0] if reported else root
    return root


def _body(doc: Doc) -> str:
    """The sentence without its final stop."""
    text = doc.text.strip()
    return text[: doc[-1].idx - doc[0].idx].rstrip() if doc[-1].text in (".", "!") else text


def _number_value(token: Token) -> float | None:
    text = token.text.replace(",", "")
    if re.fullmatch(r"\d+(\.\d+)?", text):
        return float(text)
    return float(_WORD_NUMBERS[token.lower_]) if token.lower_ in _WORD_NUMBERS else None


def _fmt(value: float, like: Token) -> str:
    if like.lower_ in _WORD_NUMBERS and value == int(value) and int(value) in _NUMBER_WORDS:
        return _case_like(_NUMBER_WORDS[int(value)], like.text)
    decimals = len(like.text.split(".")[1]) if "." in like.text else 0
    if decimals:
        return f"{value:.{decimals}f}"
    value = int(round(value))
    return f"{value:,}" if "," in like.text or value >= 10000 else str(value)


def _is_year(token: Token) -> bool:
    return bool(re.fullmatch(r"(1[5-9]|20)\d\d", token.text))


def _count_tokens(doc: Doc) -> list[Token]:
    """Number tokens that count or measure something (not years, dates, ordinals or names)."""
    out = []
    for t in doc:
        if _number_value(t) is None or t.lower_ in ("one", "hundred", "dozen") or _is_year(t):
            continue
        if not (t.ent_type_ in NUMERIC_LABELS or (not t.ent_type_ and t.like_num and t.pos_ == "NUM")):
            continue
        prev = doc[t.i - 1] if t.i > 0 else None
        nxt = doc[t.i + 1] if t.i + 1 < len(doc) else None
        if prev is not None and (prev.lower_ in ("number", "no.", "#", "no") or (prev.pos_ == "PROPN" and prev.text[:1].isupper())):
            continue  # a rank or part of a name: 'number 16', 'United 93'
        if nxt is not None and ((nxt.pos_ == "PROPN" and nxt.text[:1].isupper()) or (nxt.text == "-" and not t.whitespace_)):
            continue  # '10 Cloverfield Lane', 'twenty-third'
        out.append(t)
    return out


# --- contradictions (label 1) -------------------------------------------------------------------


def number_swap(doc: Doc, rng: random.Random, pool: Pool) -> str | None:
    """A clearly different value in the same unit: '41 people' -> '90 people'."""
    tokens = _count_tokens(doc)
    if not tokens:
        return None
    t = rng.choice(tokens)
    v = _number_value(t)
    if v == 0:
        new = float(rng.randint(3, 20))
    else:
        factors = [0.4, 0.5, 0.6, 1.5, 2.0, 2.5, 3.0]
        rng.shuffle(factors)
        new = None
        for f in factors:
            cand = v * f if "." in t.text else float(round(v * f))
            if cand > 0 and abs(cand - v) / v >= 0.3 and abs(cand - v) >= 1:
                new = cand
                break
        if new is None:
            return None
    return _replace(doc, t.i, t.i + 1, _fmt(new, t))


def date_swap(doc: Doc, rng: random.Random, pool: Pool) -> str | None:
    """Another weekday, month, year, day of month, hour or part of the day."""
    options: list[tuple[int, str]] = []
    for ent in doc.ents:
        if ent.label_ not in ("DATE", "TIME"):
            continue
        for t in ent:
            if t.text in WEEKDAYS:
                options.append((t.i, rng.choice([d for d in WEEKDAYS if d != t.text])))
            elif t.text in MONTHS:
                options.append((t.i, rng.choice([m for m in MONTHS if m != t.text])))
            elif _is_year(t):
                options.append((t.i, str(int(t.text) + rng.choice([-1, 1]) * rng.randint(2, 12))))
            elif t.lower_ in PARTS_OF_DAY:
                options.append((t.i, rng.choice([p for p in PARTS_OF_DAY if p != t.lower_])))
            elif t.is_digit and ent.label_ == "TIME" and 1 <= int(t.text) <= 12:
                options.append((t.i, str((int(t.text) + rng.randint(2, 9) - 1) % 12 + 1)))
            elif t.is_digit and 1 <= int(t.text) <= 31 and any(x.text in MONTHS for x in ent):
                options.append((t.i, str((int(t.text) + rng.randint(3, 20) - 1) % 28 + 1)))
    if not options:
        return None
    i, new = rng.choice(options)
    return _replace(doc, i, i + 1, new)


def _entity_swap(doc: Doc, rng: random.Random, pool: Pool, labels: Sequence[str], subject_only: bool) -> str | None:
    ents = [e for e in doc.ents if e.label_ in labels]
    if subject_only:
        ents = [e for e in ents if e.root.dep_ in ("nsubj", "nsubjpass")
                and e.root.head.pos_ == "VERB" and e.root.head.lemma_ != "be"]
    rng.shuffle(ents)
    for ent in ents:
        new = pool.other(ent.label_, ent.text, rng, avoid=doc.text)
        if new:
            return _replace(doc, ent.start, ent.end, new)
    return None


def place_swap(doc: Doc, rng: random.Random, pool: Pool) -> str | None:
    """Another place of the same kind: 'in Paris' -> 'in Berlin'."""
    return _entity_swap(doc, rng, pool, ("GPE", "LOC"), subject_only=False)


def actor_swap(doc: Doc, rng: random.Random, pool: Pool) -> str | None:
    """Another person or organisation as the subject of the same happening."""
    return _entity_swap(doc, rng, pool, ("PERSON", "ORG"), subject_only=True)


def negate(doc: Doc, rng: random.Random, pool: Pool) -> str | None:
    """Negate the main verb, or remove its negation ('did not go' <-> 'went')."""
    root = _root(doc)
    if root is None or doc.text.rstrip().endswith("?"):
        return None
    pieces = _pieces(doc)
    negs = [c for c in root.children if c.dep_ == "neg"]
    auxes = [c for c in root.children if c.dep_ in ("aux", "auxpass") and c.i < root.i]
    if negs:
        neg = negs[0]
        do = [a for a in auxes if a.lemma_ == "do"]
        if do:
            tag = {"did": "VBD", "does": "VBZ"}.get(do[0].lower_, "VBP")
            pieces[do[0].i] = ["", ""]
            pieces[root.i][0] = inflect(root.lemma_.lower(), tag)
        elif neg.text.lower() == "n't" and neg.i > 0:
            fixed = {"ca": "can", "wo": "will", "sha": "shall"}
            prev = doc[neg.i - 1]
            pieces[prev.i][0] = fixed.get(prev.lower_, prev.text)
            pieces[prev.i][1] = neg.whitespace_
        pieces[neg.i] = ["", ""] if neg.text.lower() in ("not", "n't", "never") else pieces[neg.i]
        if pieces[neg.i][0]:
            return None
        return _join(pieces)
    if any(c.dep_ == "neg" or c.lower_ in ("no", "never") for c in doc):
        return None  # a negation elsewhere: adding another one may cancel out
    if auxes:
        first = auxes[0]
        pieces[first.i][0] = first.text + " not"
    elif root.lemma_ == "be":
        pieces[root.i][0] = root.text + " not"
    elif root.tag_ in ("VBD", "VBZ", "VBP") and root.pos_ == "VERB":
        do = {"VBD": "did", "VBZ": "does", "VBP": "do"}[root.tag_]
        lemma = root.lemma_.lower() if not root.text[:1].isupper() or root.i > 0 else root.lemma_
        pieces[root.i][0] = f"{do} not {lemma}"
    else:
        return None
    return _join(pieces)


def antonym(doc: Doc, rng: random.Random, pool: Pool) -> str | None:
    """The main verb or an adjective replaced by its opposite: 'rose' -> 'fell'."""
    root = _root(doc)
    candidates = [t for t in doc if t.pos_ == "VERB" and t.dep_ != "amod" and t.lemma_.lower() in VERB_ANTONYMS]
    candidates += [t for t in doc if t.pos_ in ("ADJ", "ADV") and t.lower_ in ADJ_ANTONYMS]
    candidates.sort(key=lambda t: (t is not root, t.i))
    for t in candidates:
        if t.pos_ == "VERB":
            lemma = t.lemma_.lower()
            if lemma in LIGHT and not any(c.dep_ in ("nsubjpass", "auxpass") for c in t.children):
                continue  # 'took the book' has no opposite; 'the talks were held' has
            new = inflect(rng.choice(VERB_ANTONYMS[lemma]), t.tag_ if t.tag_.startswith("VB") else "VB")
        else:
            new = rng.choice(ADJ_ANTONYMS[t.lower_])
        return _replace(doc, t.i, t.i + 1, _case_like(new, t.text))
    return None


def _speaker(rng: random.Random, pool: Pool, avoid: str = "") -> str:
    people = [p for p in pool.names.get("PERSON", ()) if p.lower() not in avoid.lower()]
    return rng.choice(people) if people and rng.random() < 0.5 else rng.choice(GENERIC_SPEAKERS)


def denial(doc: Doc, rng: random.Random, pool: Pool) -> str | None:
    """'<Speaker> denied that <sentence>' against the sentence itself."""
    if _root(doc) is None:
        return None
    lead = rng.choice(("denied that", "denied reports that", "denied that"))
    body = _lower_first(doc)
    return f"{_speaker(rng, pool, avoid=doc.text)} {lead} {body}{'' if body.endswith('.') else '.'}"


# --- non-contradictions (label 0) ---------------------------------------------------------------


def attribution(doc: Doc, rng: random.Random, pool: Pool) -> str | None:
    """The same statement put in a speaker's mouth: '..., officials said.'"""
    root = _root(doc)
    if root is None or root.dep_ != "ROOT" or root.lemma_ in REPORTING:
        return None
    speaker = _speaker(rng, pool, avoid=doc.text)
    if rng.random() < 0.5:
        said = speaker if speaker in pool.names.get("PERSON", ()) else speaker[:1].lower() + speaker[1:]
        return f"{_body(doc)}, {said} said."
    who = speaker[:1].lower() + speaker[1:] if speaker in GENERIC_SPEAKERS else speaker
    body = _lower_first(doc)
    return f"According to {who}, {body}{'' if body.endswith('.') else '.'}"


def drop_modifier(doc: Doc, rng: random.Random, pool: Pool) -> str | None:
    """The sentence without one adverbial or prepositional modifier of its main verb."""
    root = _root(doc)
    if root is None:
        return None
    mods = [c for c in root.children if c.dep_ in ("prep", "advmod", "npadvmod", "advcl")
            and c.lower_ not in KEEP_ADVERBS and not any(x.dep_ == "neg" for x in c.subtree)]
    mods = [c for c in mods if len(list(c.subtree)) <= len(doc) // 2]
    if not mods:
        return None
    c = rng.choice(mods)
    lo, hi = c.left_edge.i, c.right_edge.i + 1
    if lo == 0 and hi < len(doc) and doc[hi].text == ",":
        hi += 1  # 'On Monday, the talks ...'
    elif lo > 0 and doc[lo - 1].text == "," and (hi == len(doc) or doc[hi].is_punct):
        lo -= 1  # '..., after the vote.'
    if lo == 0 and hi >= len(doc) - 1:
        return None
    pieces = _pieces(doc)
    for i in range(lo, hi):
        pieces[i] = ["", ""]
    out = _join(pieces)
    if out.count("(") != out.count(")") or out.count('"') % 2:
        return None
    if doc.text.rstrip().endswith(".") and not out.endswith("."):
        out += "."
    return out if len(out.split()) >= 4 and out != doc.text.strip() else None


def approx_number(doc: Doc, rng: random.Random, pool: Pool) -> str | None:
    """An approximate, equal number: '41 people' -> 'about 40 people'."""
    tokens = [t for t in _count_tokens(doc) if (_number_value(t) or 0) >= 8 and "." not in t.text]
    tokens = [t for t in tokens if t.i == 0 or doc[t.i - 1].lower_ not in HEDGES + ("than", "least")]
    if not tokens:
        return None
    t = rng.choice(tokens)
    v = _number_value(t)
    digits = len(str(int(v)))
    step = 10 ** max(0, digits - 2) if digits > 2 else (5 if v >= 20 else 1)
    rounded = round(v / step) * step
    if t.i > 0 and doc[t.i - 1].text in ("$", "£", "€"):  # 'about $1,000', not '$about 1,000'
        return _replace(doc, t.i - 1, t.i + 1, f"{rng.choice(HEDGES)} {doc[t.i - 1].text}{_fmt(rounded, t)}")
    return _replace(doc, t.i, t.i + 1, f"{rng.choice(HEDGES)} {_fmt(rounded, t)}")


def later_update(doc: Doc, rng: random.Random, pool: Pool) -> str | None:
    """A later, higher count: the toll went up, it did not contradict itself."""
    tokens = [t for t in _count_tokens(doc) if (_number_value(t) or 0) >= 2 and t.ent_type_ in ("CARDINAL", "")]
    if not tokens or _root(doc) is None:
        return None
    t = rng.choice(tokens)
    v = _number_value(t)
    new = v + max(1.0, float(round(v * rng.uniform(0.1, 0.6))))
    pieces = _pieces(doc)
    pieces[t.i][0] = _fmt(new, t)
    body = _join(pieces)
    first = doc[0]
    if first.pos_ != "PROPN" and not first.ent_type_ and t.i != 0:
        body = body[:1].lower() + body[1:]
    return rng.choice(LATER_PHRASES) + body


def other_entity(doc: Doc, rng: random.Random, pool: Pool) -> str | None:
    """Another actor in another place: a different happening, not a conflicting one."""
    actors = [e for e in doc.ents if e.label_ in ("PERSON", "ORG")]
    places = [e for e in doc.ents if e.label_ in ("GPE", "LOC")]
    if not actors or not places:
        return None
    actor, place = rng.choice(actors), rng.choice(places)
    new_actor = pool.other(actor.label_, actor.text, rng, avoid=doc.text)
    new_place = pool.other(place.label_, place.text, rng, avoid=doc.text)
    if not new_actor or not new_place:
        return None
    pieces = _pieces(doc)
    for ent, new in ((actor, new_actor), (place, new_place)):
        pieces[ent.start] = [new, doc[ent.end - 1].whitespace_]
        for i in range(ent.start + 1, ent.end):
            pieces[i] = ["", ""]
    return _join(pieces)


def hedged(doc: Doc, rng: random.Random, pool: Pool) -> str | None:
    """A firm report against a hedged one: 'resigned' vs 'may have resigned'."""
    root = _root(doc)
    if root is None or any(c.dep_ in ("aux", "auxpass", "neg") for c in root.children):
        return None
    modal = rng.choice(("may", "might", "could"))
    if root.tag_ == "VBD":
        new = f"{modal} have been" if root.lemma_ == "be" else f"{modal} have {inflect(root.lemma_.lower(), 'VBN')}"
    elif root.tag_ in ("VBZ", "VBP"):
        new = f"{modal} {root.lemma_.lower()}"
    else:
        return None
    return _replace(doc, root.i, root.i + 1, new)


def planned(doc: Doc, rng: random.Random, pool: Pool) -> str | None:
    """A report of a plan against the report that it happened: no conflict."""
    root = _root(doc)
    if (root is None or root.tag_ != "VBD" or root.lemma_ in LIGHT | REPORTING or root.pos_ != "VERB"
            or any(c.dep_ in ("aux", "auxpass", "neg") for c in root.children)):
        return None
    lead = rng.choice(("planned to", "intended to", "aimed to", "hoped to"))
    return _replace(doc, root.i, root.i + 1, f"{lead} {root.lemma_.lower()}")


def copy(doc: Doc, rng: random.Random, pool: Pool) -> str | None:
    """The same sentence carried by a second outlet (now and then: it is an easy case)."""
    return doc.text.strip() if rng.random() < 0.3 else None


ContraFn = Callable[[Doc, random.Random, Pool], "str | None"]
CONTRADICTIONS: dict[str, ContraFn] = {
    "number_swap": number_swap, "date_swap": date_swap, "place_swap": place_swap, "actor_swap": actor_swap,
    "negation": negate, "antonym": antonym, "denial": denial,
}
NON_CONTRADICTIONS: dict[str, ContraFn] = {
    "attribution": attribution, "drop_modifier": drop_modifier, "approx_number": approx_number,
    "later_update": later_update, "other_entity": other_entity, "hedged": hedged, "planned": planned,
    "copy": copy,
}


# --- generation ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sentence:
    doc: Doc
    group: int  # the document (premise) the sentence came from


def _pick(kinds: dict[str, ContraFn], counts: Counter, s: Sentence, rng: random.Random, pool: Pool,
          ) -> tuple[str, str] | None:
    order = sorted(kinds, key=lambda k: (counts[k], rng.random()))
    for kind in order:
        new = kinds[kind](s.doc, rng, pool)
        if new and (kind == "copy" or new.strip() != s.doc.text.strip()):
            return kind, new
    return None


def generate(sentences: Sequence[Sentence], rng: random.Random, pool: Pool, *, swap_sides: bool = True,
             ) -> list[dict]:
    """One contradiction and one non-contradiction per sentence, the rarest applicable kind first.

    Non-contradictions also pair a sentence with another of its document (same topic) or, now
    and then, with a sentence of another document (unrelated)."""
    counts: Counter = Counter()
    by_group: dict[int, list[int]] = {}
    for i, s in enumerate(sentences):
        by_group.setdefault(s.group, []).append(i)
    out: list[dict] = []

    def emit(a: str, b: str, label: int, kind: str) -> None:
        counts[kind] += 1
        if swap_sides and rng.random() < 0.5:
            a, b = b, a
        out.append({"a": a, "b": b, "label": label, "kind": kind})

    for i, s in enumerate(sentences):
        text = s.doc.text.strip()
        got = _pick(CONTRADICTIONS, counts, s, rng, pool)
        if got:
            emit(text, got[1], 1, got[0])
        siblings = [j for j in by_group[s.group] if j != i]
        roll = rng.random()
        if siblings and roll < 0.25:
            emit(text, sentences[rng.choice(siblings)].doc.text.strip(), 0, "same_document")
        elif roll < 0.3 and len(by_group) > 1:
            j = rng.randrange(len(sentences))
            if sentences[j].group != s.group:
                emit(text, sentences[j].doc.text.strip(), 0, "unrelated")
        else:
            got = _pick(NON_CONTRADICTIONS, counts, s, rng, pool)
            if got:
                emit(text, got[1], 0, got[0])
    return out
