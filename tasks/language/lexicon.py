"""General English predicate classes the frame builder and the conflict checks share.

These are word classes of the language, not of any corpus: verbs that report speech, verbs that
deny, verbs that plan or call for something, and predicates that cannot both hold of the same
thing (antonyms, a happening against its calling-off). Every entry is a lemma as spaCy's English
lemmatizer gives it. Nothing here names a person, place or event.
"""

from __future__ import annotations

# Verbs that attribute a statement to a speaker ("X said that ...").
REPORTING = frozenset(
    "say tell state announce add report claim insist note explain argue write tweet post "
    "acknowledge confirm warn predict estimate allege assert maintain suggest indicate disclose "
    "reveal testify recall describe declare stress emphasise emphasize remark comment reply "
    "respond concede admit contend speculate believe think tell inform show find conclude "
    "accuse charge".split()
)
# Verbs by which a speaker says a statement is not true.
DENYING = frozenset("deny dismiss reject refute rebut dispute contradict disavow repudiate".split())
# Predicates a denial can take as its complement: "called the report false".
FALSITY = frozenset(
    "false untrue baseless fabricated unfounded incorrect inaccurate wrong fake groundless "
    "nonsense fiction fabrication misinformation".split()
)
# Nouns that stand for a statement ("denied a report that ...", "rejected the claim").
STATEMENT_NOUNS = frozenset(
    "report reports claim claims allegation allegations suggestion suggestions account accounts "
    "rumour rumours rumor rumors story stories accusation accusations assertion assertions "
    "speculation statement statements".split()
)

# Modality: the proposition is not asserted as a fact.
PLANNING = frozenset(
    "plan intend expect aim hope want seek prepare schedule propose consider threaten vow pledge "
    "promise decide agree try attempt wish mean go".split()
)
CALLING = frozenset("call urge ask demand press appeal request recommend insist advise encourage".split())
POSSIBLE_MODALS = frozenset("may might could can would".split())
OBLIGATION_MODALS = frozenset("should must ought".split())
FUTURE_MODALS = frozenset("will shall".split())
HEDGING_ADVERBS = frozenset(
    "possibly perhaps probably likely maybe potentially apparently reportedly allegedly "
    "purportedly supposedly seemingly".split()
)
HEDGING_VERBS = frozenset("seem appear".split())
# Implicative verbs (Karttunen 1971): their infinitive complement did not happen ("refused to
# sign", "failed to reach") or did ("managed to reach"); negating the verb flips that ("did not
# manage to reach"). Unlike planning verbs, they state a fact about the complement.
NEGATIVE_IMPLICATIVES = frozenset("refuse fail decline neglect forget omit avoid".split())
POSITIVE_IMPLICATIVES = frozenset("manage remember".split())

# Verbs whose subject (or agent) is the cause of their object: "a leak caused the blast", "the talks
# were derailed by the dam".
CAUSING = frozenset("cause trigger spark derail prompt provoke force".split())
# Prepositions and conjunctions that give a cause: "because of the rain", "due to a fault".
CAUSE_MARKERS = frozenset("because due owing".split())
# Nouns that name a cause: "X was the cause of Y", "the reason for the delay was ...".
CAUSE_NOUNS = frozenset("cause reason".split())
# Adverbs that make a cause the only one: "only because the chair fell ill".
EXCLUSIVE = frozenset("only solely entirely purely simply just".split())

# Verbs that put one person in a post ("appointed X as chief executive", "was elected mayor").
ROLE_GIVING = frozenset("appoint elect".split())

# Verbs that only carry a happening named by their subject or object ("the talks were held").
LIGHT_VERBS = frozenset("be hold take happen occur go have make get do give stage exist set".split())
# Nouns of happenings that can exist or not ("there were no talks").
NEGATIVE_DETERMINERS = frozenset("no neither".split())
NEGATIVE_PRONOUNS = frozenset("nothing nobody none noone no-one neither".split())

# Synonym classes: predicates that name the same happening.
_SYNONYMS: tuple[str, ...] = (
    "talk talks negotiation negotiations meeting meet summit discussion discuss session",
    "kill killed die death dead fatality fatalities",
    "injure injured wound wounded hurt injury injuries",
    "arrest detain detention apprehend",
    "release free freeing",
    "resign quit resignation step_down",
    "cancel scrap abandon cancellation call_off",
    "suspend suspension halt",
    "postpone delay defer postponement reschedule put_off put_back",
    "rise increase climb grow jump surge soar gain lift raise hike boost",
    "fall decrease drop decline plunge slide slump shrink sink cut reduce lower",
    "hold stage convene host go_ahead take_place",
    "win victory",
    "lose defeat loss",
    "strike walkout walk_out",
    "open inaugurate launch reopen",
    "close shut shutdown closure closed",
    "sign signing",
    "approve approval endorse ratify",
    "reject rejection veto",
    "buy purchase acquire acquisition",
    "sell sale",
    "start begin commence",
    "end finish conclude",
    "explode explosion blast",
    "collapse collapsed",
    "attack strike assault",
    "build construct complete construction",
    "elect election vote",
    "fire sack dismiss dismissal",
    "hire recruit employ",
    "evacuate evacuation",
    "crash collide",
    "arrive reach",
    "return go_back come_back",
    "decide decision",
    "operate run",
    "appoint name appointment",
    "overturn quash strike_down",
)
# Pairs of classes or lemmas that cannot both hold of the same thing at the same time.
_OPPOSITES: tuple[tuple[str, str], ...] = (
    ("rise", "fall"), ("win", "lose"), ("open", "close"), ("approve", "reject"),
    ("accept", "reject"), ("confirm", "deny"), ("arrive", "depart"), ("land", "crash"),
    ("survive", "kill"), ("acquit", "convict"), ("allow", "ban"), ("permit", "forbid"),
    ("start", "end"), ("resume", "suspend"), ("lift", "impose"), ("hire", "fire"),
    ("buy", "sell"), ("support", "oppose"), ("agree", "refuse"), ("succeed", "fail"),
    ("include", "exclude"), ("strengthen", "weaken"), ("improve", "worsen"),
    ("hold", "cancel"), ("hold", "postpone"), ("go", "cancel"), ("proceed", "cancel"),
    ("happen", "cancel"), ("take", "cancel"), ("pass", "reject"), ("pass", "fail"),
    ("release", "detain"), ("free", "arrest"), ("sign", "reject"), ("expand", "cut"),
    ("raise", "cut"), ("raise", "lower"), ("increase", "cut"), ("profit", "loss"),
    ("surplus", "deficit"), ("guilty", "innocent"), ("alive", "dead"), ("legal", "illegal"),
    ("true", "false"), ("present", "absent"), ("full", "empty"), ("higher", "lower"),
    ("more", "less"), ("up", "down"), ("early", "late"), ("before", "after"),
    ("remain", "resign"), ("stay", "leave"), ("attend", "skip"), ("enter", "exit"),
    ("join", "leave"), ("award", "deny"), ("grant", "deny"), ("save", "kill"),
    ("peaceful", "violent"), ("calm", "violent"), ("safe", "crash"),
    ("uphold", "strike_down"), ("uphold", "overturn"), ("approve", "block"), ("resume", "close"),
    ("resume", "halt"), ("clear", "rule_out"), ("confirm", "rule_out"), ("find", "rule_out"),
    ("rescue", "trap"), ("concede", "refuse"), ("admit", "deny"), ("pass", "block"),
    ("leave", "arrive"), ("reach", "derail"), ("lift_off", "postpone"), ("guilty", "not_guilty"), ("acquit", "guilty"),
    ("continue", "end"), ("continue", "stop"), ("continue", "collapse"),
)


def _classes() -> dict[str, str]:
    out: dict[str, str] = {}
    for line in _SYNONYMS:
        words = line.split()
        for w in words:
            out.setdefault(w, words[0])
    return out


SYNONYM_CLASS: dict[str, str] = _classes()


# Predicates that call a happening off: against the happening itself they are opposites.
CALLING_OFF = frozenset(("cancel", "postpone", "suspend"))


def _phrasal() -> frozenset[str]:
    words = {w for line in _SYNONYMS for w in line.split()} | {w for pair in _OPPOSITES for w in pair}
    return frozenset(w for w in words if "_" in w)


def predicate_class(lemma: str) -> str:
    """The class a predicate lemma belongs to (itself when it has none)."""
    return SYNONYM_CLASS.get(lemma, lemma)


def _opposites() -> frozenset[tuple[str, str]]:
    pairs: set[tuple[str, str]] = set()
    for x, y in _OPPOSITES:
        cx, cy = predicate_class(x), predicate_class(y)
        pairs.add((cx, cy))
        pairs.add((cy, cx))
    return frozenset(pairs)


OPPOSITE_CLASSES = _opposites()
PHRASAL = _phrasal()  # "call_off", "strike_down": verbs with their particle
# For the perturbation generator: lemma pairs that are antonyms.
ANTONYMS: tuple[tuple[str, str], ...] = _OPPOSITES


def opposite(a: str, b: str) -> bool:
    """Do two predicate lemmas name opposite outcomes (rose/fell, held/cancelled)?"""
    ca, cb = predicate_class(a), predicate_class(b)
    return ca != cb and (ca, cb) in OPPOSITE_CLASSES


# Kinds of a more general happening: an approval or a rejection is a decision, so "has taken no
# decision" denies it (and "did not approve" does not deny a decision: it may have been a no).
_KINDS: tuple[tuple[str, str], ...] = (("approve", "decide"), ("reject", "decide"))
GENERAL_CLASS: dict[str, str] = {predicate_class(k): predicate_class(g) for k, g in _KINDS}


def kind_of(specific: str, general: str) -> bool:
    """Is the first predicate a kind of the second ("approved" of "decided")?"""
    return GENERAL_CLASS.get(predicate_class(specific)) == predicate_class(general)


def same_predicate(a: str, b: str) -> bool:
    return a == b or predicate_class(a) == predicate_class(b)



# Synonym classes that name happenings (a date or a time can be "of" them).
HAPPENINGS = frozenset(
    predicate_class(w) for w in
    "talk kill injure arrest resign cancel postpone hold strike explode collapse attack crash vote "
    "election sign open close start end evacuate fire land arrive depart meet suspend decide".split()
)

# What a count can be of when a later, higher figure is news coming in rather than a contradiction:
# the victims and other tallies of a happening. A count of stores, inhabitants or kilometres does
# not grow between two reports of one event.
CUMULATIVE = HAPPENINGS | frozenset("toll victim casualty case evacuee missing".split())

# Predicates of states rather than happenings: a date or an actor is not "of" them.
STATES = frozenset(
    "be have remain stay employ own contain include range lie stand seem appear hold live know "
    "need want like cost weigh measure mean represent consist comprise run serve".split()
)

# Nouns for people: counts of them are compared whatever verb they stand with.
PERSON_NOUNS = frozenset(
    "people person civilian resident inhabitant victim worker employee staff passenger child adult "
    "man woman soldier student patient member voter".split()
)

# Happenings whose noun means something else ("no signs of ...", "an open question", "the end of"):
# as nouns they are not the happening.
VERB_ONLY = frozenset("sign open close start end fire land arrive release free".split())
HAPPENING_NOUNS = frozenset(HAPPENINGS - {predicate_class(w) for w in VERB_ONLY})

# Predicates by which one takes a side ("voted to keep the rate", "ruled to ..."), the side an
# approval or a rejection takes on its object ("approved the stadium": for it), and all of them:
# the predicates that take sides at all.
CHOOSING = frozenset(predicate_class(w) for w in ("vote", "rule", "decide"))
SIDE_OF_DECISION = {"approve": "for", "reject": "against"}
DECIDING = CHOOSING | frozenset(SIDE_OF_DECISION)

# Words that report the result of a match or a contest, next to its score ("beat Rovers 3-1", "a
# 2-1 defeat", "drew 1-1").
RESULTS = frozenset(predicate_class(w) for w in "win lose beat draw thrash".split())

# Kinds of place that name the place after "of" ("the province of Kalai", "the town of Elmsford").
PLACE_NOUNS = frozenset(
    "city town village province region state county district port capital island country area suburb"
    " neighbourhood neighborhood municipality prefecture territory hamlet settlement valley".split()
)
