"""Claim frames: who does what to whom, where, when and how much, from a dependency parse.

A sentence asserts one or more propositions. A frame records one of them with the slots that a
contradiction can be about: the predicate (a verb, or the event noun of a light verb such as "the
talks were held" or "there were no talks"), its polarity and modality, its actor, theme and places,
the quantities with the thing they count, the dates, and how the sentence attributes it: the
speaker, and whether that speaker affirms or denies it ("the ministry denied that talks took
place" is a frame for "talks took place" with the stance `denies`).

Pure functions over a spaCy `Doc` and the `Claim` the claims stage made of the same text (its
numbers and dates are already normalised and resolved against the publication time).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Literal

from factcheck.tasks.language import lexicon as lx
from factcheck.tasks.models import Claim

Modality = Literal["asserted", "planned", "possible", "called_for", "asked", "conditional", "reported"]
Stance = Literal["affirms", "denies"]

_NAME_LABELS = frozenset("PERSON ORG GPE LOC NORP FAC EVENT PRODUCT LAW WORK_OF_ART".split())
_PLACE_LABELS = frozenset("GPE LOC FAC".split())
# What the recogniser calls a name it does not know after "in" or "at" ("killed in Selby": PRODUCT).
_MISREAD_PLACE = frozenset(("", "PRODUCT", "WORK_OF_ART"))
_PLACE_PREPS = frozenset("in at near outside inside across from to into on off within".split())
_CONTENT_POS = frozenset("NOUN PROPN VERB ADJ NUM".split())
_SUBJECTS = frozenset("nsubj nsubjpass csubj expl".split())
_UNITS = frozenset(
    "percent % cent point points km kilometre kilometer mile metre meter kg tonne ton dollar euro "
    "cm centimetre centimeter mm millimetre millimeter mph kph h inch foot feet litre liter "
    "pound yen hectare acre degree minute hour day week month year share vote".split()
)
_CHANGE_VERBS = frozenset("rise fall increase decrease climb drop reach stand total be grow jump surge "
                          "soar plunge decline slide sink hit top exceed".split())
_STOP = frozenset(
    "be have do say tell make get go take give also would could should may might will can one "
    "people thing year time way day official percent cent".split()
)


@dataclass(frozen=True)
class Arg:
    """An argument of a predicate: its words and the lemma of its head."""

    text: str
    start: int
    end: int
    head: str
    lemmas: frozenset[str]
    names: frozenset[str] = frozenset()
    specific: bool = False  # one particular thing ("the Kelby marathon", "its strike"), not a kind ("tests")
    mods: frozenset[str] = frozenset()  # its adjectives and noun modifiers ("eastern", "second")


@dataclass(frozen=True)
class Amount:
    value: float
    text: str
    start: int
    end: int
    unit: str | None
    counted: str | None  # lemma class of what is counted ("kill", "worker", "toll")
    approx: str = "exact"
    upper: float | None = None


@dataclass(frozen=True)
class When:
    text: str
    start: int
    end: int
    value: date | None
    granularity: str = "day"
    direct: bool = True  # attached to the predicate itself ("met on Monday"), not to one of its nouns
    bound: str | None = None  # "start" ("from Tuesday") or "end" ("until Wednesday") of a period


@dataclass(frozen=True)
class Frame:
    """One proposition of a sentence."""

    predicate: str  # lemma of the verb, or of the event noun of a light verb / existential
    pred_text: str
    pred_start: int
    pred_end: int
    light: str | None  # the light verb when the predicate is its event noun ("hold" for "talks were held")
    polarity: Literal["positive", "negative"]
    modality: Modality
    stance: Stance  # whether the sentence's speaker affirms or denies the proposition
    actor: Arg | None
    theme: Arg | None
    places: tuple[Arg, ...]
    amounts: tuple[Amount, ...]
    times: tuple[When, ...]
    lemmas: frozenset[str]  # content lemmas of the proposition
    names: frozenset[str]  # named entities in it, lower-cased
    start: int = 0  # the proposition's words in the sentence
    end: int = 0
    verbal: bool = True  # the predicate is a verb or a happening noun, not a copula's noun ("the largest exporter")
    # An earlier occasion ("rail staff last walked out in 2019", "the bank previously raised rates"):
    # a different happening from the one the news is about.
    previous: bool = False
    # The side the predicate takes on something: ("for", "bill") in "voted for the bill",
    # ("against", "bill") in "voted against it".
    sides: tuple[tuple[str, str], ...] = ()
    # Another occasion of the happening, named by its noun's modifier: "second" in "the second
    # attack", "another" in "another blast". It is not the occasion a plain "the attack" speaks of.
    occasion: str | None = None
    # A state said to go on now ("remains suspended", "stays shut"): it meets any report of the
    # same thing as of now.
    ongoing: bool = False
    # The places were put before the verb that reports the frame ("In Brenn, the mayor said ..."):
    # where it happened, or only where the speaker was.
    reported_place: bool = False
    # Why it happened, when the sentence says so: the agent of "derailed by", the object of
    # "because of" or "blamed ... on", a "because" clause. `sole_cause`: "only because".
    cause: Arg | None = None
    sole_cause: bool = False
    cause_of: str | None = None  # the happening the cause is given for (the class of its word)
    # The post someone is put in: "executive" in "appointed X as chief executive", "was elected mayor".
    role: str | None = None

    @property
    def asserted_polarity(self) -> str:
        """The polarity the speaker commits to: a denial flips it."""
        if self.stance == "denies":
            return "negative" if self.polarity == "positive" else "positive"
        return self.polarity

    @property
    def factual(self) -> bool:
        return self.modality in ("asserted", "reported")


@dataclass(frozen=True)
class SentenceFrames:
    text: str
    speaker: str | None
    attributed: bool  # someone is quoted or reported; otherwise the outlet asserts it
    frames: tuple[Frame, ...]
    lemmas: frozenset[str]
    names: frozenset[str]
    negations: int  # negation words and denying verbs anywhere in the sentence
    words: tuple[tuple[str, int, int], ...] = ()  # (lemma class, start, end) of each content word
    times: tuple[When, ...] = ()  # every date and time of the sentence, wherever it is attached

    def span_of(self, lemma_class: str) -> tuple[int, int] | None:
        return next(((a, b) for c, a, b in self.words if c == lemma_class), None)


_SCORE = re.compile(r"(?<![\d.,:/–-])(\d{1,2}) ?[-–] ?(\d{1,2})(?![\d.,:/%–-])")


def scores_in(text: str, words: tuple[tuple[str, int, int], ...]) -> dict[tuple[int, int], tuple[int, int]]:
    """The scores of a sentence ("3-1", "2–2") next to a word of result ("beat", "a 2-1 defeat"),
    as (higher, lower) with where each stands; "aged 20-30" or "5-10 percent" are no scores.
    `words` are the sentence's (lemma class, start, end), as in `SentenceFrames.words`."""
    out: dict[tuple[int, int], tuple[int, int]] = {}
    for m in _SCORE.finditer(text):
        if any(c in lx.RESULTS for c, a, b in words if b >= m.start() - 45 and a <= m.end() + 25):
            x, y = int(m.group(1)), int(m.group(2))
            out.setdefault((max(x, y), min(x, y)), (m.start(), m.end()))
    return out


def _word_classes(doc) -> tuple[tuple[str, int, int], ...]:
    return tuple((lx.predicate_class(t.lemma_.lower()), t.idx, t.idx + len(t.text)) for t in doc
                 if t.pos_ in ("NOUN", "VERB", "PROPN", "ADJ"))


def _content_lemmas(tokens) -> frozenset[str]:
    """Content words by synonym class ("blast" and "explosion" count as one); figures are left to
    the quantity slot, so that two different counts do not lower the overlap of their sentences."""
    return frozenset(
        lx.predicate_class(t.lemma_.lower()) for t in tokens
        if t.pos_ in _CONTENT_POS and t.pos_ != "NUM" and not t.like_num and not t.is_stop
        and t.lemma_.lower() not in _STOP and len(t.text) > 1
    )


def _names(tokens, doc) -> frozenset[str]:
    ids = {t.i for t in tokens}
    return frozenset(
        e.text.lower().removeprefix("the ") for e in doc.ents if e.label_ in _NAME_LABELS and e.root.i in ids
    )


def _arg(tok, doc, clause=None) -> Arg:
    """The argument headed by `tok`, without `clause` when it hangs inside it: the actor of "who
    ordered the evacuation" in "it was the mayor who ordered the evacuation" is "the mayor"."""
    inner = {t.i for t in clause.subtree} if clause is not None and tok.is_ancestor(clause) else set()
    sub = [t for t in tok.subtree if t.i not in inner] or [tok]
    while len(sub) > 1 and sub[-1].is_punct:  # "in Vassa, 30 km up the coast," ends at "coast"
        sub.pop()
    start, end = sub[0].idx, sub[-1].idx + len(sub[-1].text)
    head = "" if tok.pos_ == "PRON" else lx.predicate_class(tok.lemma_.lower())  # a pronoun names nothing
    # an apposition names the argument again: "the biotech firm Kestrel Bio", "its chief, Ana Ruiz"
    own = [tok] + [c for c in tok.children if c.dep_ in ("compound", "poss", "amod", "nmod", "flat", "appos")]
    for prep in (c for c in tok.children if c.dep_ == "prep" and c.lower_ == "of"):  # "the governor of Oreland"
        own += [c for c in prep.children if c.dep_ == "pobj"]
    own_ids = {t.i for t in own}
    names = frozenset(e.text.lower().removeprefix("the ") for e in doc.ents if e.label_ in _NAME_LABELS
                      and any(e.start <= i < e.end for i in own_ids))
    names |= {t.lower_ for t in own if t.pos_ == "PROPN" or _bare_name(t)}
    definite = any(c.dep_ in ("det", "poss") and c.lower_ not in ("a", "an", "any", "some", "no") for c in tok.children)
    specific = tok.tag_ in ("NN", "NNP") and (definite or bool(names))
    mods = frozenset(c.lemma_.lower() for c in tok.children if c.dep_ in ("amod", "compound") and c.pos_ != "PROPN"
                     and c.tag_ not in ("JJS", "JJR"))  # "the strongest gusts" ranks the gusts, names no other kind
    return Arg(doc.text[start:end], start, end, head, _content_lemmas(sub), names, specific, mods)


_PREVIOUS = frozenset({"last", "previously", "formerly", "once"})
_OTHER_OCCASION = frozenset("second third fourth fifth another separate earlier previous".split())
# Verbs whose predicative complement is the news: "was found dead", "was declared dead", "called
# the referee biased".
_STATE_FINDING = frozenset("find declare pronounce confirm call".split())


def _misread_place(tok) -> bool:
    """A proper name after "in" or "at" that the recogniser missed or misread: nothing happens "in"
    a person, so "killed in Selby" with Selby tagged PERSON is a place too, and so is a town
    tagged as an organisation after a happening."""
    prep = tok.head.lower_
    verb = tok.head.head
    if prep == "in" and tok.ent_type_ == "ORG" and verb.pos_ == "VERB" and not any(c.dep_ == "det" for c in tok.children):
        # "was arrested in Marseille" with Marseille tagged ORG: a happening takes place somewhere;
        # "invested in Orvane" is no happening, and "in the Senate" is an institution
        return lx.predicate_class(verb.lemma_.lower()) in lx.HAPPENINGS
    return prep in ("in", "at") and (tok.ent_type_ in _MISREAD_PLACE or prep == "in" and tok.ent_type_ == "PERSON"
                                     and verb.pos_ == "VERB")


def _bare_name(tok) -> bool:
    """A capitalised singular noun without a determiner as a subject ("Castor, the largest grocer,
    employs ..."): English needs an article before a singular common noun there, so it is a name
    the tagger took for a common noun."""
    return (tok.tag_ == "NN" and tok.text[:1].isupper() and tok.dep_ in ("nsubj", "nsubjpass")
            and not any(c.dep_ in ("det", "poss", "nummod", "compound") for c in tok.children))


def _is_negative_arg(tok) -> bool:
    if tok.lemma_.lower() in lx.NEGATIVE_PRONOUNS:
        return True
    return any(c.dep_ == "det" and c.lower_ in lx.NEGATIVE_DETERMINERS for c in tok.children)


def _negated(tok) -> bool:
    """A negation on the verb, or on the complement that carries its meaning ("pleaded not guilty")."""
    if any(c.dep_ == "neg" or c.lower_ == "never" for c in tok.children):
        return True
    return any(c.dep_ in ("acomp", "oprd") and any(cc.dep_ == "neg" for cc in c.children) for c in tok.children)


_PLAN_NOUNS = frozenset("plan intention intent wish desire".split())


def _misparsed_report(head) -> bool:
    """"No oil leaked from the tanker, the coast guard said": the parser may take the reported
    clause for a noun with a participle ("oil leaked from ...") that is a second subject of "said"."""
    noun = head.head
    if head.dep_ != "acl" or noun.i == head.i or noun.dep_ not in ("nsubj", "npadvmod") or noun.head.i == noun.i:
        return False
    verb = noun.head
    return verb.lemma_.lower() in lx.REPORTING and sum(c.dep_ == "nsubj" and c.i != noun.i for c in verb.children) > 0


def _verb_read_as_participle(root):
    """"The bus overturned on Route 9": with no verb before it, the parser may take a sentence's
    verb for a participle of its subject ("the bus [that was] overturned") and make the noun the
    root. A sentence has a predicate, so the participle is it."""
    if root.pos_ not in ("NOUN", "PROPN"):
        return None
    verb = next((c for c in root.children if c.dep_ == "acl" and c.tag_ in ("VBN", "VBD") and c.i > root.i
                 and not any(cc.dep_ in ("aux", "auxpass") for cc in c.children)), None)
    if verb is None or any(t.pos_ in ("VERB", "AUX") and not verb.is_ancestor(t) and t.i != verb.i
                           for t in root.sent):
        return None  # another verb, outside it, may be the sentence's own
    return verb


def _not_yet(head) -> bool:
    """"Regulators have yet to approve it", "is yet to decide": it has not happened so far."""
    parent = head.head
    return head.dep_ == "xcomp" and parent.i != head.i and parent.lemma_.lower() in ("have", "be") and any(
        c.dep_ == "advmod" and c.lower_ == "yet" for c in parent.children)


def _implied_negative(head) -> bool:
    """The clause is the complement of an implicative verb that says it did not happen: "refused
    to sign", "failed to reach", "did not manage to persuade"."""
    if head.head.i == head.i:
        return False
    parent = head.head
    if head.dep_ == "acl" and parent.lemma_.lower() in _PLAN_NOUNS and _is_negative_arg(parent):
        return True  # "has no plans to close any stores", "no intention to resign"
    if head.dep_ != "xcomp":
        return False
    lemma = parent.lemma_.lower()
    if _not_yet(head):
        return not _negated(parent)
    if lemma in lx.NEGATIVE_IMPLICATIVES:
        return not _negated(parent)
    if lemma in lx.POSITIVE_IMPLICATIVES:
        return _negated(parent)
    return False


def _finite(verb) -> bool:
    """A tensed clause ("she met", "he has left"), not a bare or infinitive one ("that he resign")."""
    return verb.tag_ in ("VBD", "VBZ", "VBP") or any(
        c.dep_ in ("aux", "auxpass") and c.tag_ in ("VBD", "VBZ", "VBP") and c.lemma_.lower() not in
        lx.POSSIBLE_MODALS | lx.OBLIGATION_MODALS for c in verb.children)


def _reported_future(verb) -> bool:
    """"The company said the plant would close": after a past verb of saying, "would" is the
    reported "will" (a plan), not a possibility; "would have closed" and "would close if ..."
    stay what they are."""
    parent = verb.head
    return (verb.dep_ == "ccomp" and parent.i != verb.i and parent.tag_ == "VBD"
            and parent.lemma_.lower() in lx.REPORTING | lx.PLANNING
            and not any(c.dep_ == "aux" and c.lemma_.lower() == "have" for c in verb.children)
            and not any(c.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ in ("if", "unless")
                                                  for m in c.children) for c in verb.children))


def _modality(head, sent) -> Modality:
    """How firmly the proposition headed by `head` is put."""
    text = sent.text.rstrip()
    if text.endswith("?") or text.endswith('?"') or text.endswith("?”"):
        return "asked"
    if any(c.dep_ == "cc" and c.lower_ == "or" for c in head.children) or any(
            c.dep_ == "preconj" and c.lower_ == "either" for c in head.subtree):
        return "possible"  # "we'll either have a good meeting or we won't"
    node = head
    for _ in range(4):  # the verb, then the verbs it is the complement of
        for c in node.children:
            lemma = c.lemma_.lower()
            if c.dep_ == "mark" and lemma in ("if", "unless"):
                return "conditional"
            if c.dep_ == "aux":
                if lemma == "would" and _reported_future(node):
                    return "planned"
                if lemma in lx.POSSIBLE_MODALS:
                    return "possible"
                if lemma in lx.OBLIGATION_MODALS:
                    return "called_for"
                if lemma in lx.FUTURE_MODALS:
                    return "planned"
            if c.dep_ == "advmod" and lemma in lx.HEDGING_ADVERBS:
                return "reported" if lemma in ("reportedly", "allegedly", "purportedly", "supposedly") else "possible"
        if node.dep_ == "advcl" and any(c.dep_ == "mark" and c.lemma_.lower() in ("if", "unless") for c in node.children):
            return "conditional"
        if node.dep_ not in ("xcomp", "ccomp", "conj", "acl", "advcl") or node.head.i == node.i:
            break
        parent = node.head
        plemma = parent.lemma_.lower()
        if plemma in ("possible", "likely", "unlikely", "probable", "whether", "if"):
            return "possible"  # "it's possible we won't have the meetings"
        if node.dep_ in ("xcomp", "acl", "ccomp"):
            if plemma in lx.CALLING and not (node.dep_ == "ccomp" and _finite(node)):
                return "called_for"  # "insisted she never met him" reports; "insisted he resign" calls
            if plemma in lx.PLANNING or plemma in _PLAN_NOUNS or plemma in ("due", "set", "scheduled", "poised", "likely", "expected"):
                return "planned"
            if plemma in lx.HEDGING_VERBS:
                return "possible"
        if node.dep_ == "ccomp" and plemma in lx.REPORTING | lx.DENYING:
            break  # the complement of a report keeps its own modality
        node = parent
    # "is due to", "is set to", "was expected to": the adjective or participle heads the xcomp.
    for c in head.children:
        if c.dep_ == "xcomp" and head.lemma_.lower() in ("due", "set", "expect", "schedule", "likely"):
            return "planned"
    return "asserted"


_FRACTIONS = frozenset("half third quarter fifth sixth seventh eighth ninth tenth".split())


def _of_object(tok):
    """The noun after "of" ("a quarter of the flow": flow)."""
    for prep in (c for c in tok.children if c.dep_ == "prep" and c.lower_ == "of"):
        for obj in prep.children:
            if obj.dep_ == "pobj":
                return obj
    return None


_QUANTIFIERS = frozenset("all most some many few several half none each both any majority minority".split())


def _partitive(num) -> str | None:
    """In "five of the seven members" the part counts members, and the whole ("seven") is the size
    of the group, not a count of those the sentence is about: it is keyed apart."""
    whole = _of_object(num)
    if whole is not None and whole.pos_ == "NOUN" and num.ent_type_ not in ("MONEY", "PERCENT", "QUANTITY") \
            and any(c.dep_ in ("det", "poss", "nummod") for c in whole.children):
        return lx.predicate_class(whole.lemma_.lower())  # not "$150 billion of goods": a measure
    noun = num.head
    if num.dep_ == "nummod" and noun.dep_ == "pobj" and noun.head.lower_ == "of" and noun.head.head.i != noun.head.i:
        owner = noun.head.head
        if owner.like_num or owner.pos_ == "NUM" or owner.lemma_.lower() in _QUANTIFIERS:
            return "whole_" + lx.predicate_class(noun.lemma_.lower())
    return None


def _quantity_head(doc, start: int, end: int) -> str | None:
    """What a number counts, read off the parse: "14 people" -> person, "killed 14" -> kill."""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None or not len(span):
        return None
    nums = [t for t in span if (t.like_num or t.pos_ == "NUM") and t.lemma_.lower() not in _FRACTIONS]
    tok = nums[-1] if nums else span.root
    if nums and (part := _partitive(tok)) is not None:
        return part
    if span.root.pos_ in ("NOUN", "PROPN") and span.root.i not in {t.i for t in nums}:
        tok = span.root  # "112 people": the noun the figure stands before
        lemma = tok.lemma_.lower()
        if lemma not in _UNITS and lemma not in _FRACTIONS and tok.ent_type_ not in ("PERCENT", "MONEY", "QUANTITY"):
            return lx.predicate_class(lemma)
        whole = _of_object(tok)
        if whole is not None and (lemma in _FRACTIONS or lemma in _UNITS):
            return lx.predicate_class(whole.lemma_.lower())  # "40 per cent of the flow", "a quarter of the
            # flow", "30 centimetres of snow"
    for _ in range(5):
        head = tok.head
        if head.i == tok.i:
            return None
        lemma = head.lemma_.lower()
        if tok.dep_ in ("nummod", "quantmod", "compound", "amod", "appos") and head.pos_ in ("NOUN", "PROPN"):
            if lemma in _UNITS:
                tok = head  # "14 percent of workers", "a toll of 14": look past the unit
                of = [c for c in head.children if c.dep_ == "prep" and c.lower_ == "of"]
                if of:
                    objs = [c for c in of[0].children if c.dep_ == "pobj"]
                    if objs:
                        return lx.predicate_class(objs[0].lemma_.lower())
                continue
            return lx.predicate_class(lemma)
        if tok.dep_ == "pobj" and head.dep_ == "prep":
            if head.lower_ == "of" and head.head.pos_ == "NOUN" and head.head.lemma_.lower() not in _UNITS:
                return lx.predicate_class(head.head.lemma_.lower())  # "a crew of four"
            tok = head
            continue
        if head.pos_ in ("VERB", "AUX"):
            if tok.dep_ == "prep" and tok.lower_ == "by" and lx.predicate_class(lemma) in ("rise", "fall"):
                return lx.predicate_class(lemma)  # "lifted pay by 5.5 per cent": the size of a change
            if tok.dep_ == "prep" and tok.lower_ == "for" and any(t.ent_type_ == "MONEY" for t in span):
                return lx.predicate_class(lemma)  # "bought Kestrel for $2.4 billion", "was sold for 1.8
                # billion dollars": the price of the deal, whoever the subject is
            if tok.dep_ == "prep" and tok.lower_ == "at":
                obj = [c for c in head.children if c.dep_ == "dobj"]
                if obj:  # "put turnout at 54 percent", "estimated the damage at 3 million"
                    return lx.predicate_class(obj[0].lemma_.lower())
            if lemma in _CHANGE_VERBS or tok.dep_ not in ("dobj", "attr"):
                subj = [c for c in head.children if c.dep_ in ("nsubj", "nsubjpass")]
                if subj:
                    return lx.predicate_class(subj[0].lemma_.lower())
            return lx.predicate_class(lemma)
        if tok.dep_ in ("pobj", "dobj", "attr", "npadvmod", "conj", "prep"):
            tok = head
            continue
        return lx.predicate_class(lemma) if head.pos_ in ("NOUN", "PROPN") else None
    return None


_BOUNDARY_PREPS = frozenset("until till by from to since before after through ahead".split())


# A place may sit in a chain of places: "inside a shop in the eastern suburb of Halby".
_PLACE_HOPS = 7


def _attached(doc, start: int, end: int, head, boundaries: bool = True, hops: int = 3) -> bool:
    """Is the span a modifier of the predicate itself ("signed on Monday", "held in Paris"), rather
    of one of its nouns ("ahead of the 2020 election", "a memo dated Feb. 8")? With
    `boundaries=False`, a date that bounds the happening ("postponed until June 1") does not count:
    it is not when the happening took place."""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None:
        return False
    tok = span.root
    for _ in range(hops):
        if tok.dep_ == "prep" and not boundaries and tok.lower_ in _BOUNDARY_PREPS:
            return False
        if tok.head.i == head.i:
            return True
        if tok.head.i == tok.i or tok.dep_ not in ("pobj", "prep", "npadvmod", "nummod", "compound", "appos"):
            return False
        tok = tok.head
        if tok.pos_ in ("NOUN", "PROPN") and tok.dep_ not in ("npadvmod", "pobj"):
            return False
    return False


_STARTS = frozenset("from since".split())
_ENDS = frozenset("until till through to".split())


def _bound(doc, start: int, frame_start: int) -> str | None:
    """Whether a date opens or closes a period: "from 00:01 on Tuesday" starts it, "until midnight
    on Wednesday" ends it. "to" ends one only after a "from" ("from Tuesday to Friday"; "moved to
    Friday" names a new day)."""
    span = doc.char_span(start, start + 1, alignment_mode="expand")
    if span is None:
        return None
    i = span.start
    for tok in reversed(doc[max(0, i - 4):i]):
        if tok.pos_ in ("VERB", "PUNCT", "CCONJ") or tok.idx < frame_start:
            return None
        word = tok.lower_
        if word in _STARTS:
            return "start"
        if word in _ENDS:
            if word != "to" or any(t.lower_ == "from" and t.idx >= frame_start for t in doc[:tok.i]):
                return "end"
            return None
    return None


def _in_attribution(doc, start: int, end: int) -> bool:
    """ "according to two people familiar with the matter", "three officials said": a count of
    sources, not a figure of the story."""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None:
        return False
    for t in [span.root, *span.root.ancestors]:
        if t.dep_ == "prep" and t.lower_ == "according":
            return True
        if t.dep_ == "nsubj" and t.head.lemma_.lower() in lx.REPORTING:
            return True
    return False


def _time_of_clause(doc, start: int, end: int, head) -> bool:
    """ "reported the outbreak on June 2", "took place on the night of 3 February": a day after
    "on" (a year or month after "in") that the parser hung on a noun of the clause still dates the
    clause's happening, as long as no other verb stands between them."""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None:
        return False
    tok = span.root
    preps = [t for t in tok.ancestors if t.dep_ == "prep" and t.lower_ != "of"]  # "on the night of 3 May"
    if not preps or preps[0].lower_ not in ("on", "in"):
        return False
    for t in tok.ancestors:
        if t.i == head.i:
            return True
        if t.pos_ in ("VERB", "AUX") or t.dep_ in ("relcl", "acl", "advcl", "ccomp", "xcomp"):
            return False
    return False


def _subtree_span(tok) -> tuple[int, int]:
    sub = list(tok.subtree)
    return sub[0].idx, sub[-1].idx + len(sub[-1].text)


def _frame(head, stance: Stance, doc, sent, claim: Claim | None, exclude: tuple[int, int] | None) -> Frame:
    children = list(head.children)
    lemma = head.lemma_.lower()
    particle = next((c.lower_ for c in children if c.dep_ == "prt" or c.dep_ in ("advmod", "prep") and
                     c.lower_ in ("out", "off", "down", "ahead", "back", "up") and c.i == head.i + 1), None)
    if particle and f"{lemma}_{particle}" in lx.PHRASAL:
        lemma = f"{lemma}_{particle}"  # "called off", "walked out", "stepped down"
    subj = next((c for c in children if c.dep_ in ("nsubj", "csubj")), None)
    subjpass = next((c for c in children if c.dep_ == "nsubjpass"), None)
    dobj = next((c for c in children if c.dep_ in ("dobj", "attr", "oprd")), None)
    agent = next((c for c in children if c.dep_ == "agent"), None)
    expl = any(c.dep_ == "expl" for c in children)
    if subj is None and subjpass is None and head.head.i != head.i and (
            head.dep_ in ("xcomp", "conj") or _result_participle(head)):
        subj = next((c for c in head.head.children if c.dep_ == "nsubj"), None)
        if subj is not None and subj.tag_ in ("WDT", "WP") and head.head.dep_ == "relcl":
            subj = head.head.head  # "the minister, who has refused to resign": the minister
    if subj is None and subjpass is None:  # "production remains suspended": the parser may hang the
        # subject on the auxiliary
        subj = next((g for c in children if c.dep_ in ("aux", "auxpass") for g in c.children
                     if g.dep_ in ("nsubj", "nsubjpass")), None)

    if head.dep_ == "relcl" and head.head.i != head.i:
        # "a meeting that never existed", "the ship which sank": the relative pronoun stands for
        # the noun the clause describes
        subj, subjpass, dobj = (head.head if t is not None and t.tag_ in ("WDT", "WP") else t
                                for t in (subj, subjpass, dobj))
    if head.dep_ in ("acl", "relcl") and subj is None and subjpass is None and head.head.i != head.i:
        subjpass = head.head if head.tag_ == "VBN" else None
        subj = head.head if subjpass is None else None
        if head.head.lemma_.lower() in _PLAN_NOUNS and head.head.head.i != head.head.i:
            # "Castor has no plans to close stores": whose plan it is, not the plan, acts
            subj = next((c for c in head.head.head.children if c.dep_ == "nsubj"), None)
    actor_tok = subj
    if agent is not None:
        actor_tok = next((c for c in agent.children if c.dep_ == "pobj"), None)
    theme_tok = subjpass or dobj
    predicate, pred_tok, light = lemma, head, None
    # "remains suspended" now ("remained suspended last year" is another time); "has yet to
    # approve": not approved, now
    ongoing = (lemma in ("remain", "stay") and head.tag_ in ("VBZ", "VBP")) or any(
        c.dep_ in ("aux", "auxpass") and c.lower_ in ("remain", "remains", "stay", "stays")
        for c in children) or _not_yet(head)
    if lemma in ("be", "remain", "stay", "keep", "become") and dobj is None:
        comp = next((c for c in children if (c.dep_ == "acomp" or c.dep_ in ("advcl", "oprd", "xcomp") and c.i == head.i + 1
                                             and c.tag_ in ("VBN", "JJ"))  # "stayed shut", "remained closed"
                     and c.pos_ in ("ADJ", "VERB") and not any(cc.dep_ == "xcomp" for cc in c.children)), None)
        if comp is not None:  # "remained closed", "stayed shut", "was unchanged"
            lemma = comp.lemma_.lower()
            predicate, pred_tok = lemma, comp
            theme_tok, subj = subj if theme_tok is None else theme_tok, None  # what stays closed is a theme
    elif lemma in _STATE_FINDING or any(c.dep_ in ("oprd", "acomp") and c.lower_ == "dead" for c in children):
        # "was found dead", "rescuers found the climbers alive", "was declared dead", "was shot
        # dead": the state found (or brought about) is the proposition, of whom it was found
        comp = next((c for c in children if c.dep_ in ("oprd", "ccomp", "acomp") and (
            c.pos_ == "ADJ" or lemma == "call" and c.tag_ in ("VBN", "VBD"))  # "called the referee biased"
            and c.lemma_.lower() not in lx.FALSITY), None)
        if comp is not None:
            small_subject = next((c for c in comp.children if c.dep_ == "nsubj"), None)
            lemma = comp.lemma_.lower()
            predicate, pred_tok = lemma, comp
            theme_tok = small_subject or subjpass or (dobj if dobj is not None and dobj.i != comp.i else None)
            subj, actor_tok = None, None
    if lemma in lx.CAUSING and dobj is not None and dobj.pos_ == "NOUN" and \
            lx.predicate_class(dobj.lemma_.lower()) in lx.HAPPENING_NOUNS:
        # "a deluge forced the postponement of the final": the final was put off (the deluge is
        # the cause, which `_cause` reads)
        predicate, pred_tok = dobj.lemma_.lower(), dobj
        theme_tok = next((o for p in dobj.children if p.dep_ == "prep" and p.lower_ == "of"
                          for o in p.children if o.dep_ == "pobj"), None)
        actor_tok = None
    elif lemma in lx.LIGHT_VERBS or lx.predicate_class(lemma) == "hold" and lemma != "hold":
        event = None
        if expl and dobj is not None:  # "there were no talks"
            event = dobj
        elif subjpass is not None and subjpass.pos_ == "NOUN":  # "the talks were held"
            event = subjpass
        elif lemma in ("hold", "have", "stage", "make", "take", "give") and dobj is not None and \
                dobj.pos_ == "NOUN" and lx.predicate_class(dobj.lemma_.lower()) in lx.HAPPENINGS:
            event = dobj  # "held no negotiations", "made an arrest", "has taken no decision"
        elif (lemma in ("happen", "occur", "go", "exist") or lemma == "take" and dobj is not None
              and dobj.lower_ == "place" or lx.predicate_class(lemma) == "hold" and dobj is None) \
                and subj is not None and subj.pos_ == "NOUN":
            # "the meeting took place", "the vote went ahead", "a meeting that never existed"; not
            # "the increases took effect", which says nothing of whether they happened
            event = subj
        elif lemma == "be" and dobj is None and subj is not None and subj.pos_ == "NOUN" and not expl:
            event = subj  # "four children were among the dead"
        copula = None
        if event is not None and lemma in ("be", "have") and not (
                lx.predicate_class(event.lemma_.lower()) in lx.HAPPENING_NOUNS | lx.PERSON_NOUNS
                or any(c.like_num for c in event.children)):
            # "the deal is the worst deal" names no happening, but says something of the deal:
            # its predicate is the noun, with no event behind it.
            copula = event if lemma == "be" and event.dep_ == "attr" and not expl else None
            event = None
        if copula is None and event is None and lemma == "be" and dobj is not None and dobj.dep_ == "attr" \
                and dobj.pos_ in ("NOUN", "PROPN") and not expl:
            copula = dobj  # "Soul Food is a 1997 film"
        if copula is not None:
            predicate, pred_tok = copula.lemma_.lower(), copula
        if event is not None:
            predicate, pred_tok, light = event.lemma_.lower(), event, lemma
            theme_tok = event
    negative = _negated(head) or any(
        _is_negative_arg(c) for c in children if c.dep_ in ("nsubj", "nsubjpass", "dobj", "attr", "expl")
    )
    if pred_tok.i != head.i and _is_negative_arg(pred_tok):
        negative = True
    if _misparsed_report(head) and _is_negative_arg(head.head):
        negative = True  # "No oil leaked from the tanker, the coast guard said"
    if _implied_negative(head):
        negative = not negative  # "refused to sign"; "refused not to ..." asserts it
    # Double negatives cancel only in rare constructions; one negation marker is the usual case.
    start, end = _subtree_span(head)
    toks = [t for t in head.subtree if not (exclude and exclude[0] <= t.idx < exclude[1])]
    places = _candidate_places(head, doc, start, end, exclude)
    amounts: tuple[Amount, ...] = ()
    times: tuple[When, ...] = ()
    reported_place = False
    if claim is not None:
        # the goals of a score ("beat Town 3-1") are no count of anything
        in_score = list(scores_in(doc.text, _word_classes(doc)).values()) if _SCORE.search(doc.text) else []
        amounts = tuple(
            Amount(q.value, q.text, q.start, q.end, q.unit,
                   _quantity_head(doc, q.start, q.end) or (lx.predicate_class(q.counted) if q.counted else None),
                   q.approx, q.upper)
            for q in claim.numbers if start <= q.start < end and not (exclude and exclude[0] <= q.start < exclude[1])
            and not _in_attribution(doc, q.start, q.end) and not any(a <= q.start < b for a, b in in_score)
        )
        times = tuple(
            When(d.text, d.start, d.end, d.value, d.granularity,
                 _attached(doc, d.start, d.end, head, False) or _time_of_clause(doc, d.start, d.end, head),
                 _bound(doc, d.start, start))
            for d in claim.dates if start <= d.start < end and not (exclude and exclude[0] <= d.start < exclude[1])
        )
        theme_head = theme_tok if theme_tok is not None and theme_tok.pos_ in ("NOUN", "PROPN") else None
        places = tuple(p for p in places if _attached(doc, p.start, p.end, head, hops=_PLACE_HOPS)
                       or (theme_head is not None and _attached(doc, p.start, p.end, theme_head)))
        if not places and _result_participle(head):  # "opened fire in a shop in Halby, killing two"
            main = head.head
            places = tuple(p for p in _candidate_places(main, doc, *_subtree_span(main), exclude)
                           if not start <= p.start < end and _attached(doc, p.start, p.end, main, hops=_PLACE_HOPS))
        if not places:
            places = _reported_from(head, doc)
            reported_place = bool(places)
    cause, sole_cause, cause_of = _cause(head, doc)
    return Frame(
        predicate=lx.predicate_class(predicate),
        pred_text=pred_tok.text,
        pred_start=pred_tok.idx,
        pred_end=pred_tok.idx + len(pred_tok.text),
        light=light,
        polarity="negative" if negative else "positive",
        modality=_modality(head, sent),
        stance=stance,
        actor=_arg(actor_tok, doc, head) if actor_tok is not None else None,
        theme=_arg(theme_tok, doc, head) if theme_tok is not None else None,
        places=places,
        amounts=amounts,
        times=times,
        lemmas=_content_lemmas(toks),
        names=_names(toks, doc),
        start=start,
        end=end,
        verbal=pred_tok.pos_ in ("VERB", "AUX") or light is not None,
        previous=any(c.dep_ == "advmod" and c.lower_ in _PREVIOUS for c in head.children),
        occasion=next((m.lower_ for t in toks if t.pos_ == "NOUN" and lx.predicate_class(t.lemma_.lower())
                       in lx.HAPPENINGS for m in t.children
                       if m.dep_ in ("amod", "det") and m.lower_ in _OTHER_OCCASION), None),
        sides=tuple((c.lower_, lx.predicate_class(o.lemma_.lower())) for c in children
                    if c.dep_ == "prep" and c.lower_ in ("for", "against")
                    for o in c.children if o.dep_ == "pobj" and o.pos_ in ("NOUN", "PROPN"))
        + tuple(("for", lx.predicate_class(c.lemma_.lower())) for c in children  # "voted to keep the rate"
                if c.dep_ == "xcomp" and c.pos_ == "VERB" and lx.predicate_class(lemma) in lx.CHOOSING)
        + _side_decided(lemma, theme_tok),
        reported_place=reported_place,
        ongoing=ongoing,
        role=_role(head) if lx.predicate_class(lemma) in lx.ROLE_GIVING else None,
        cause=cause,
        sole_cause=sole_cause,
        cause_of=(cause_of or lx.predicate_class(predicate)) if cause is not None else None,
    )


def _side_decided(lemma: str, theme_tok) -> tuple[tuple[str, str], ...]:
    """Approving a thing takes its side, rejecting it the other: "the council approved the stadium"
    meets "the council voted against the stadium"."""
    kind = lx.predicate_class(lemma)
    if theme_tok is None or theme_tok.pos_ not in ("NOUN", "PROPN") or kind not in lx.SIDE_OF_DECISION:
        return ()
    return ((lx.SIDE_OF_DECISION[kind], lx.predicate_class(theme_tok.lemma_.lower())),)


def _candidate_places(head, doc, start: int, end: int, exclude: tuple[int, int] | None) -> tuple[Arg, ...]:
    """Names of places in the clause of `head` (the caller keeps those attached to the predicate)."""
    return tuple(
        _arg(e.root, doc) for e in doc.ents
        if e.label_ in _PLACE_LABELS and start <= e.start_char < end
        and not (exclude and exclude[0] <= e.start_char < exclude[1])
        and (e.root.dep_ == "pobj" and e.root.head.lower_ in _PLACE_PREPS or e.root.dep_ == "npadvmod")
    ) + tuple(  # a proper noun after "in" or "at" that the entity recogniser missed
        _arg(t, doc) for t in head.subtree
        if t.pos_ == "PROPN" and t.dep_ == "pobj" and _misread_place(t)
        and t.head.head.pos_ in ("VERB", "NOUN")
    ) + tuple(  # "in the northern province of Kalai", "near the village of Keshet"
        _arg(t, doc) for t in head.subtree
        if t.pos_ == "PROPN" and t.ent_type_ not in ("PERSON", "NORP") and t.dep_ == "pobj"
        and t.head.lower_ == "of" and t.head.head.dep_ == "pobj" and t.head.head.lemma_.lower() in lx.PLACE_NOUNS
        and t.head.head.head.lower_ in _PLACE_PREPS
    )


def _clauses(head) -> list:
    """The verb heading a proposition, the verbs coordinated with it, the actions it calls for or
    plans ("urged the council to cancel the vote") and the participles that say something of its
    arguments ("the bridge, completed in 1957, ...")."""
    out = [head]
    for c in head.children:
        if c.dep_ in ("conj", "xcomp") and c.pos_ in ("VERB", "AUX"):
            out.append(c)
        elif c.dep_ == "acomp":  # "were due to meet", "is likely to resign"
            verbs = [cc for cc in c.children if cc.dep_ == "xcomp" and cc.pos_ in ("VERB", "AUX")]
            if verbs and head.lemma_.lower() == "be" and out and out[0].i == head.i:
                out.pop(0)  # the copula itself says nothing
            out.extend(verbs)
        elif c.dep_ in ("nsubj", "nsubjpass", "dobj", "attr", "npadvmod"):
            described = [cc for cc in c.children if cc.dep_ in ("acl", "relcl") and cc.pos_ == "VERB"
                         and cc.lemma_.lower() not in lx.REPORTING and (c.dep_ != "npadvmod" or _misparsed_report(cc))]
            for cc in described:  # "the minister, who has refused to resign, ...": what was refused too
                out.append(cc)
                if cc.lemma_.lower() in lx.NEGATIVE_IMPLICATIVES | lx.POSITIVE_IMPLICATIVES:
                    out.extend(x for x in cc.children if x.dep_ == "xcomp" and x.pos_ == "VERB")
    return out


# Subordinators whose clause is given as a fact ("after the operator raised its offer", "because
# the cooling failed"), unlike "if", "unless" or "before".
_FACT_MARKERS = frozenset("after because since when while once".split())


def _role(head) -> str | None:
    """The post of "appointed X as chief executive" or "was elected mayor": one post, so not "as a
    director" or "as directors", which one of several holds."""
    for c in head.children:
        post = c if c.dep_ == "oprd" else next(
            (o for o in c.children if o.dep_ == "pobj"), None) if c.dep_ == "prep" and c.lower_ == "as" else None
        if post is None or post.pos_ not in ("NOUN", "PROPN"):
            continue
        if post.tag_ in ("NNS", "NNPS") or any(d.dep_ == "det" and d.lower_ in ("a", "an", "another", "one")
                                               for d in post.children):
            return None
        return post.lemma_.lower()
    return None


def _reported_from(head, doc) -> tuple[Arg, ...]:
    """A place put before the reporting verb locates what is reported: in "In Brenn, the mayor said
    two residents had been killed" the killing was in Brenn."""
    verb = head.head
    if head.dep_ != "ccomp" or verb.i == head.i or verb.lemma_.lower() not in lx.REPORTING:
        return ()
    return tuple(
        _arg(obj, doc) for prep in verb.children if prep.dep_ == "prep" and prep.lower_ in ("in", "at")
        and prep.i < verb.i for obj in prep.children
        if obj.dep_ == "pobj" and (obj.ent_type_ in _PLACE_LABELS or obj.pos_ == "PROPN" and _misread_place(obj))
    )


def _cause(head, doc) -> tuple[Arg | None, bool, str | None]:
    """The cause the sentence gives for this frame, whether it is said to be the only one, and
    what it causes when that is not the frame itself ("caused the blast")."""
    lemma = head.lemma_.lower()
    children = list(head.children)
    tok, of, apart = None, None, None
    if lemma in lx.CAUSING:  # "a leak caused the blast", "derailed by the decision"
        agent = next((c for c in children if c.dep_ == "agent"), None)
        tok = next((c for c in agent.children if c.dep_ == "pobj"), None) if agent is not None else \
            next((c for c in children if c.dep_ == "nsubj"), None)
        of = next((c for c in children if c.dep_ in ("dobj", "nsubjpass")), None)
    elif lemma == "blame":  # "blamed the crash on icy roads", "blamed the union for the delays"
        obj = next((c for c in children if c.dep_ in ("dobj", "nsubjpass")), None)
        near = children + (list(obj.children) if obj is not None else [])  # the parser often hangs it on the object
        on = next((c for c in near if c.dep_ == "prep" and c.lower_ in ("on", "for")), None)
        inner = next((c for c in on.children if c.dep_ == "pobj"), None) if on is not None else None
        tok, of = (inner, obj) if on is not None and on.lower_ == "on" else (obj, inner)
        if of is None:
            tok = None
        elif on is not None and obj is not None and on.head.i == obj.i:
            apart = on  # "blamed the supporters for the riots": the cause is the supporters
    the_cause = False
    if lemma == "be" and tok is None:
        tok, of, the_cause = _stated_cause(children)
    for c in children:
        if tok is not None:
            break
        if c.dep_ == "prep" and c.lower_ in lx.CAUSE_MARKERS:  # "because of the rain", "due to a fault"
            tok = next((t for t in c.subtree if t.dep_ == "pobj"), None)
        elif c.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ == "because" for m in c.children):
            tok = c  # "because the chair had fallen ill"
    if tok is None or tok.pos_ == "PRON":
        return None, False, None
    near = [t for t in (tok, tok.head) for t in t.children] + list(tok.children)
    sole = the_cause or any(t.dep_ == "advmod" and t.lower_ in lx.EXCLUSIVE for t in near)
    return _arg(tok, doc, apart), sole, (lx.predicate_class(of.lemma_.lower()) if of is not None else None)


def _stated_cause(children) -> tuple:
    """The cause named by a copula: "a broken rail was the cause of the derailment", "the reason for
    the delay was a strike", "driver error was to blame for the crash". "The cause" (no "a", no
    "main") is the only one; the cause, the happening and that flag are returned."""
    subj = next((c for c in children if c.dep_ == "nsubj"), None)
    attr = next((c for c in children if c.dep_ == "attr"), None)
    for noun, other in ((attr, subj), (subj, attr)):
        if noun is None or other is None or noun.lemma_.lower() not in lx.CAUSE_NOUNS:
            continue
        of = next((o for p in noun.children if p.dep_ == "prep" and p.lower_ in ("of", "for")
                   for o in p.children if o.dep_ == "pobj"), None)
        if of is not None:
            the = any(c.dep_ == "det" and c.lower_ == "the" for c in noun.children) and not any(
                c.dep_ in ("amod", "compound") and c.lower_ not in lx.EXCLUSIVE | {"sole", "single"} for c in noun.children)
            return other, of, the
    blame = next((c for c in children if c.dep_ == "xcomp" and c.lemma_.lower() == "blame"), None)
    if blame is not None and subj is not None:
        of = next((o for p in list(blame.children) + children if p.dep_ == "prep" and p.lower_ == "for"
                   for o in p.children if o.dep_ == "pobj"), None)
        if of is not None:
            return subj, of, False
    return None, None, False


def _background(root, content) -> list:
    """Adverbial clauses the sentence presents as facts, hung on the main verb or on a reporting
    verb ("..., the company said, after the operator raised its offer to 6.5 percent")."""
    out = []
    for verb in (root, content):
        if verb is None or verb.pos_ not in ("VERB", "AUX"):
            continue
        for c in verb.children:
            if c.dep_ != "advcl" or c.pos_ not in ("VERB", "AUX"):
                continue
            if any(m.dep_ == "mark" and m.lower_ in _FACT_MARKERS for m in c.children):
                out.append(c)
            elif _result_participle(c):
                lemma = c.lemma_.lower()
                if lemma in lx.REPORTING:  # "..., saying the talks had never been arranged": what was said
                    said = _complement(c)
                    out.extend(_clauses(said) if said is not None else ())
                elif lemma not in lx.DENYING:
                    out.append(c)
    return out


def _result_participle(verb) -> bool:
    """"The quake struck at dawn, killing 12 people": a participle clause without a subject or a
    subordinator says what the main clause's subject did next, and is given as a fact."""
    return verb.dep_ == "advcl" and verb.tag_ == "VBG" and not any(
        c.dep_ in ("mark", "nsubj", "nsubjpass", "aux") for c in verb.children)


def _complement(verb):
    """The clause a reporting or denying verb carries, if any."""
    for c in verb.children:
        if c.dep_ in ("ccomp", "xcomp", "parataxis") and c.pos_ in ("VERB", "AUX", "ADJ", "NOUN"):
            return c
    for c in verb.children:  # "denied a report that ...", "rejected claims that ..."
        if c.dep_ == "dobj":
            for cc in c.children:
                if cc.dep_ in ("acl", "relcl", "ccomp") and cc.pos_ in ("VERB", "AUX"):
                    return cc
            # "denied the allegations" denies what the noun stands for, and "reported an 8 percent
            # drop" reports the drop; "announced a tariff" is no proposition of its own.
            if verb.lemma_.lower() in lx.DENYING:
                # "rejected the claims" denies what they say; "rejected the stadium plan" is a decision
                noun = c.lemma_.lower()
                return c if noun in lx.STATEMENT_NOUNS or c.lower_ in lx.STATEMENT_NOUNS else None
            noun = lx.predicate_class(c.lemma_.lower())
            return c if noun in lx.HAPPENINGS or noun in ("rise", "fall") else None
        if c.dep_ == "prep" and c.lower_ in ("of", "that"):  # "denied reports of talks"
            for cc in c.children:
                if cc.dep_ in ("pobj", "pcomp"):
                    return cc
    return None


def frames_of(doc, claim: Claim | None = None) -> SentenceFrames:
    """The frames of a one-sentence Doc (the claim, when given, brings numbers and dates)."""
    sents = list(doc.sents)
    sent = max(sents, key=len) if sents else doc[:]
    root = sent.root
    frames: list[Frame] = []
    speaker_tok = None
    attributed = False
    root_lemma = root.lemma_.lower()
    stance: Stance = "affirms"
    content = None
    if root_lemma in lx.REPORTING or root_lemma in lx.DENYING:
        content = _complement(root)
        speaker_tok = next((c for c in root.children if c.dep_ == "nsubj"), None)
        attributed = True
        if root_lemma in lx.DENYING:
            stance = "denies"
        elif any(c.dep_ in ("oprd", "acomp", "xcomp") and c.lemma_.lower() in lx.FALSITY for c in root.children):
            stance = "denies"  # "called the report false"
        if _negated(root) and root_lemma in lx.DENYING:
            stance = "affirms"  # "did not deny that ..."
    for _ in range(3):  # "denied a report claiming that ...": the claim's own complement
        if content is None or content.lemma_.lower() not in lx.REPORTING | lx.STATEMENT_NOUNS:
            break
        inner = _complement(content)
        if inner is None or inner.i == content.i:
            break
        content = inner
    if content is not None:
        if content.pos_ == "NOUN" and content.lemma_.lower() in lx.STATEMENT_NOUNS and stance == "denies":
            content = next((c for c in content.children if c.dep_ in ("acl", "relcl", "ccomp")), content)
        for clause in _clauses(content):
            frames.append(_frame(clause, stance, doc, sent, claim, None))
    else:
        according = any(c.dep_ == "prep" and c.lower_ == "according" for c in root.children)
        attributed = according or bool(claim and claim.speaker_kind in ("quoted", "reported"))
        for clause in _clauses(_verb_read_as_participle(root) or root):
            frames.append(_frame(clause, "affirms", doc, sent, claim, None))
    for clause in _background(root, content):
        frames.append(_frame(clause, "affirms", doc, sent, claim, None))
    speaker = None
    if speaker_tok is not None:
        a, b = _subtree_span(speaker_tok)
        speaker = doc.text[a:b]
    elif claim is not None and claim.speaker_kind in ("quoted", "reported"):
        speaker = claim.speaker
    negations = sum(1 for t in doc if t.dep_ == "neg" or t.lemma_.lower() in lx.NEGATIVE_PRONOUNS
                    or (t.dep_ == "det" and t.lower_ in lx.NEGATIVE_DETERMINERS)
                    or (t.pos_ == "VERB" and t.lemma_.lower() in lx.DENYING))
    return SentenceFrames(
        text=doc.text,
        speaker=speaker,
        attributed=attributed,
        frames=tuple(frames),
        lemmas=_content_lemmas(doc),
        names=_names(list(doc), doc),
        negations=negations,
        words=_word_classes(doc),
        times=tuple(When(d.text, d.start, d.end, d.value, d.granularity, False) for d in claim.dates) if claim else (),
    )


@lru_cache(maxsize=20_000)
def claim_frames(claim: Claim) -> SentenceFrames:
    """The frames of a claim (parsed once per text; see `nlp.parse` to batch the parsing)."""
    from factcheck.tasks.language.nlp import parse

    return frames_of(parse([claim.text])[0], claim)
