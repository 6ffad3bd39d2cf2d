"""A synthetic corpus of news articles, for benchmarks that need volume rather than labels.

    python bench/synthetic_corpus.py OUT_DIR [--articles 2000] [--outlets 20] [--events N] [--seed 7]

Writes OUT_DIR/articles/<id>.json in the corpus layout that `flows/demo/site.py` serves (no
gold.jsonl: nothing here is labelled). Each event is one fictional happening (a ferry accident,
a factory fire, talks, a strike, a flood, a merger, a rate decision, a protest) with its own
invented place, people, organisations and figures; its articles come from different outlets
over the following two days, 200-400 words of report sentences, quotes with speakers, numbers,
weekdays and dates. Some outlets get a figure wrong or carry a denial, so the detectors find
contradictions to score as they would on real news. Events start a few hours apart, so several
stories are always inside one grouping window, as on a real night.

Deterministic for a given seed; `generate()` is the library entry point.
"""

from __future__ import annotations

import argparse
import json
import random
import re
from datetime import datetime, timedelta, timezone
from pathlib import Path

SYLLABLES = ("ka", "lo", "ver", "an", "dris", "mo", "tel", "sa", "bru", "ni", "cor", "ve", "lin", "ta",
             "mar", "os", "ril", "den", "qua", "bel", "tor", "ise", "gan", "hu", "pel", "ord", "sk", "val")
FIRST = ("Anna", "Boris", "Clara", "Dmitri", "Elena", "Farid", "Greta", "Hugo", "Ilse", "Jonas", "Katya",
         "Lukas", "Mira", "Nils", "Olga", "Pavel", "Rosa", "Stefan", "Tamsin", "Viktor", "Yara", "Zoran")
LAST = ("Adler", "Brandt", "Castell", "Dorn", "Esterhaz", "Falk", "Gruber", "Holm", "Ivers", "Janssen",
        "Kovac", "Lindqvist", "Moravec", "Novak", "Orsini", "Petrov", "Quist", "Rainer", "Sorel", "Tamm",
        "Ulrich", "Varga", "Weller", "Zeman")
OUTLET_WORDS = ("Chronicle", "Herald", "Courier", "Post", "Gazette", "Observer", "Times", "Ledger",
                "Dispatch", "Tribune", "Sentinel", "Mercury", "Record", "Examiner", "Bulletin", "Register",
                "Standard", "Journal", "Monitor", "Express")
SECTIONS = ("world", "news", "business", "national", "region")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

# Sentence templates per kind of event. Slots: {place} {region} {country} {capital} {org} {org2}
# {vessel} {person} {role} {person2} {role2} {day} {date} {n1} {n2} {n3} {pct} {amount} {year}.
KINDS: dict[str, dict[str, list[str]]] = {
    "ferry": {
        "lead": ["A passenger ferry capsized near {place} in {region} on {day}, killing {n1} people, officials said.",
                 "At least {n1} people died when the ferry {vessel} overturned off {place} on {day} evening."],
        "body": ["The {vessel} was carrying {n2} passengers and {n3} crew on the crossing from {place} to {capital}.",
                 "Rescuers pulled {n3} survivors from the water, and several people were still missing on {date}.",
                 "The operator, {org}, said the engine of the {vessel} had been running normally before the accident.",
                 "The ferry was built in {year} and passed its last safety inspection in the spring, according to {org}.",
                 "Police divers searched the hull of the {vessel} under floodlights while relatives waited at the {place} terminal.",
                 "All crossings from {place} were suspended until further notice, {org} said in a statement.",
                 "It was the deadliest accident on the waters of {region} since {year}."],
        "quote": ["\"The weather changed within minutes and the {vessel} had no chance,\" said {person}, the {role}.",
                  "\"Every family will get answers about what happened to the {vessel},\" {person}, the {role}, told reporters."],
        "deny": ["\"The {vessel} was not overloaded and no passenger was turned away,\" {person2}, the {role2}, said."],
    },
    "fire": {
        "lead": ["A fire broke out at the {org} chemical plant in {place} on {day}, injuring {n1} workers.",
                 "Fire crews fought a blaze at a {org} factory outside {place} on {day}, the {region} fire service said."],
        "body": ["About {n2} firefighters and {n3} engines were sent to the plant, the fire service said.",
                 "The fire started in a storage hall at about {n3} p.m. and was under control by midnight.",
                 "Residents within {n3} kilometres of the plant were told to keep their windows closed until {date}.",
                 "{org} said production would stop for at least {n3} weeks while inspectors examined the site.",
                 "The plant in {place} employs about {n2} people and opened in {year}.",
                 "Environmental inspectors from {org2} took samples of the river water near {place} on {date}."],
        "quote": ["\"The cause of the fire is still being investigated,\" said {person}, the {role}.",
                  "\"We are working closely with the authorities in {place},\" {person}, the {role}, said in a statement."],
        "deny": ["\"No chemicals leaked into the river at {place},\" {person2}, the {role2}, insisted."],
    },
    "talks": {
        "lead": ["Negotiators from {country} and {org} met in {capital} on {day} to discuss a trade deal, diplomats said.",
                 "Talks between {country} and {org} on a new border agreement resumed in {capital} on {day}."],
        "body": ["The two delegations were to meet again in {place} on {date} to sign the agreement, the diplomats said.",
                 "The deal would cut tariffs on {n2} products and open {n3} border crossings, according to a draft.",
                 "Delegations had already met {n3} times in {capital} since January under mediation by {org2}.",
                 "The talks stalled last year over fishing rights near {place}, officials said.",
                 "Trade between the two sides was worth {amount} billion euros in {year}, according to {org2}."],
        "quote": ["\"We are closer to an agreement than at any time since {year},\" said {person}, the {role}.",
                  "\"Both sides want a deal before the summer,\" {person}, the {role}, told reporters in {capital}."],
        "deny": ["\"{country} has held no negotiations with {org} on a trade deal, in {capital} or anywhere else,\" {person2}, the {role2}, said."],
    },
    "strike": {
        "lead": ["Workers at {org} in {place} walked out on {day} in a dispute over pay, the union said.",
                 "A strike by {n2} workers halted production at {org} in {region} on {day}."],
        "body": ["The union, {org2}, is demanding a pay rise of {pct} percent over two years.",
                 "{org} has offered {n3} percent and said the demand would cost {amount} million euros a year.",
                 "About {n2} workers took part in the strike, the union said, and the plant in {place} was closed.",
                 "The last strike at {org} in {year} lasted {n3} days.",
                 "Talks between {org} and {org2} are due to resume on {date}, both sides said."],
        "quote": ["\"Our members have lost a tenth of their wages to inflation since {year},\" said {person}, the {role}.",
                  "\"The offer on the table is fair,\" {person}, the {role}, said."],
        "deny": ["\"The plant in {place} is open and production continues normally,\" {person2}, the {role2}, said."],
    },
    "flood": {
        "lead": ["Floods in {region} killed {n1} people and forced thousands from their homes on {day}, officials said.",
                 "Heavy rain flooded large parts of {place} on {day}, killing {n1} people, the emergency service said."],
        "body": ["About {n2} people were evacuated from villages along the river near {place}, the {region} government said.",
                 "The river at {place} rose to {n3} metres, its highest level in more than {n3}0 years.",
                 "Rail services between {place} and {capital} were suspended until {date}.",
                 "The government in {capital} promised {amount} million euros in emergency aid for {region}.",
                 "Forecasters expect more rain over {region} on {date}, {org2} said."],
        "quote": ["\"Whole streets in {place} are under water,\" said {person}, the {role}.",
                  "\"We have never seen the river this high,\" {person}, the {role}, told local radio."],
        "deny": ["\"Nobody died in the floods in {place},\" {person2}, the {role2}, said on {day}."],
    },
    "merger": {
        "lead": ["{org} agreed to buy {org2} for {amount} billion euros on {day}, the companies said.",
                 "{org} will take over its rival {org2} in a deal worth {amount} billion euros, it said on {day}."],
        "body": ["The combined company would employ about {n2} people and be based in {place}.",
                 "Shares of {org2} rose {pct} percent in {capital} on {day} after the announcement.",
                 "The deal is expected to close on {date}, subject to approval by regulators in {country}.",
                 "{org} said it would cut {n3} hundred jobs over three years after the merger.",
                 "{org2} was founded in {place} in {year}."],
        "quote": ["\"This deal makes us the leader in {region},\" said {person}, the {role}.",
                  "\"No site in {place} will close,\" {person}, the {role}, told analysts."],
        "deny": ["\"{org2} is not for sale and has received no offer from {org},\" {person2}, the {role2}, said."],
    },
    "rates": {
        "lead": ["The central bank of {country} raised its main interest rate to {pct} percent on {day}.",
                 "{country}'s central bank lifted borrowing costs on {day}, its {n3}th increase since {year}."],
        "body": ["Inflation in {country} was {n3} percent in the last month, according to {org2}.",
                 "The decision was taken by {n3} votes to two, the bank said in {capital}.",
                 "The currency rose {n3} percent against the euro after the decision on {day}.",
                 "The next rate decision is due on {date}, the bank said.",
                 "Mortgage lenders including {org} said they would raise their rates from {date}."],
        "quote": ["\"Inflation is still too high in {country},\" said {person}, the {role}.",
                  "\"We will do what it takes,\" {person}, the {role}, told a news conference in {capital}."],
        "deny": ["\"The bank left its main rate unchanged on {day},\" {person2}, the {role2}, said."],
    },
    "protest": {
        "lead": ["Thousands of people marched through {place} on {day} to protest against a new law, police said.",
                 "About {n2} people protested in {capital} on {day} against plans by {org} to build a motorway near {place}."],
        "body": ["Police said {n1} people were arrested and {n3} officers were injured during the march in {place}.",
                 "The organisers, {org2}, put the number of marchers at {n2}.",
                 "The march began at the main station of {place} at noon and ended outside the town hall.",
                 "Another protest is planned in {capital} on {date}, the organisers said.",
                 "The law was passed by parliament in {capital} in {year} after a long debate."],
        "quote": ["\"We will not stop until the plan is withdrawn,\" said {person}, the {role}.",
                  "\"The march in {place} was peaceful,\" {person}, the {role}, said."],
        "deny": ["\"Nobody was arrested in {place} on {day},\" {person2}, the {role2}, said."],
    },
}
ROLES = ("regional governor", "harbour master", "fire chief", "union leader", "chief executive",
         "foreign ministry spokeswoman", "police spokesman", "economy minister", "mayor", "bank governor",
         "company spokeswoman", "emergency service director")
FILLER = [
    "The {region} authorities said they would publish a full report on {date}.",
    "Local media in {place} reported the news first on {day} morning.",
    "Opposition politicians in {capital} called for an inquiry.",
    "The figures could not be independently verified.",
    "{org2} said it was following the situation closely.",
    "The story was updated on {date} with new figures from the authorities in {region}.",
    "{person}, who has been the {role} since {year}, is expected to visit {place} on {date}.",
    "The last comparable event in {region} happened in {year}, when the government in {capital} fell weeks later.",
    "Residents of {place} told reporters they had been warned about the risks for years.",
    "A spokesman for {org} declined to comment on the figures when reached by telephone on {day}.",
    "{place} is a town of about {n2} hundred people on the edge of {region}.",
    "Newspapers in {capital} carried the story on their front pages on {date}.",
    "Insurers said the damage could reach {amount} million euros, according to an estimate by {org2}.",
    "Parliament in {capital} will debate the matter on {date}, the speaker's office said.",
    "The government of {country} has faced criticism over its handling of similar events since {year}.",
    "Neighbouring regions offered help, and {n3} teams of volunteers arrived in {place} on {day}.",
    "Analysts at {org2} said the events in {place} could weigh on the economy of {region} for months.",
    "Officials in {capital} said a commission of {n3} experts would look into the events in {place}.",
]


def _name(rng: random.Random, parts: int = 2) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(parts)).capitalize()


def _person(rng: random.Random) -> str:
    return f"{rng.choice(FIRST)} {rng.choice(LAST)}"


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:70]


def _outlets(count: int, rng: random.Random) -> list[tuple[str, str]]:
    outlets, seen = [], set()
    while len(outlets) < count:
        name = f"The {_name(rng)} {rng.choice(OUTLET_WORDS)}"
        if name not in seen:
            seen.add(name)
            outlets.append((name, _slug(name.removeprefix("The "))))
    return outlets


def _event_facts(rng: random.Random, index: int) -> dict:
    kind = list(KINDS)[index % len(KINDS)]
    return {
        "kind": kind,
        "place": _name(rng, 3), "region": _name(rng, 2) + " Province", "country": _name(rng, 2) + "ia",
        "capital": _name(rng, 3), "org": _name(rng, 2) + " Industries", "org2": _name(rng, 2) + " Group",
        "vessel": _name(rng, 2) + " Star", "person": _person(rng), "role": rng.choice(ROLES),
        "person2": _person(rng), "role2": rng.choice(ROLES),
        "n1": rng.randint(3, 60), "n2": rng.randint(120, 900), "n3": rng.randint(2, 9),
        "pct": rng.randint(3, 12), "amount": rng.randint(2, 40), "year": rng.randint(1985, 2019),
    }


def _article_text(facts: dict, published: datetime, rng: random.Random, words: int) -> list[str]:
    kind = KINDS[facts["kind"]]
    slots = dict(facts)
    if rng.random() < 0.25:  # this outlet got a figure wrong
        slots["n1"] = facts["n1"] + rng.randint(4, 25)
    slots["day"] = WEEKDAYS[published.weekday()]
    later = published + timedelta(days=rng.randint(2, 9))
    slots["date"] = f"{WEEKDAYS[later.weekday()]}, {later.strftime('%B')} {later.day}"
    fill = lambda template: template.format(**slots)  # noqa: E731
    sentences = [fill(rng.choice(kind["lead"]))]
    pool = kind["body"] + kind["quote"] + FILLER
    if rng.random() < 0.2:
        pool = pool + kind["deny"]
    rng.shuffle(pool)
    count = len(sentences[0].split())
    for template in pool * 2:
        if count >= words:
            break
        sentence = fill(template)
        sentences.append(sentence)
        count += len(sentence.split())
    paragraphs, i = [], 0
    while i < len(sentences):
        size = rng.randint(1, 3)
        paragraphs.append(" ".join(sentences[i : i + size]))
        i += size
    return paragraphs


def generate(out_dir: Path, articles: int = 2000, outlets: int = 20, events: int | None = None, seed: int = 7) -> Path:
    """Write the corpus to out_dir/articles/ and return out_dir."""
    rng = random.Random(seed)
    events = events or max(1, articles // 8)
    folder = out_dir / "articles"
    folder.mkdir(parents=True, exist_ok=True)
    names = _outlets(outlets, rng)
    start = datetime(2026, 3, 2, 6, 0, tzinfo=timezone.utc)
    facts = [_event_facts(rng, i) for i in range(events)]
    begins = [start + timedelta(hours=2 * i) for i in range(events)]  # ~36 stories per 72 h window
    for n in range(articles):
        e = n % events
        outlet, slug = names[(n // events + e) % outlets]
        published = begins[e] + timedelta(minutes=rng.randint(30, 48 * 60))
        paragraphs = _article_text(facts[e], published, rng, rng.randint(200, 400))
        title = paragraphs[0].split(",")[0].split(" on ")[0][:90]
        article_id = f"ev{e:04d}-{slug}-{n:05d}"
        section = rng.choice(SECTIONS)
        record = {
            "id": article_id, "event": f"ev{e:04d}", "outlet": outlet, "outlet_slug": slug,
            "url_path": f"/{section}/{published:%Y/%m/%d}/{_slug(title)}-{n:05d}",
            "title": title, "author": _person(rng), "published": published.isoformat(),
            "summary": paragraphs[0].split(". ")[0].rstrip(".") + ".", "paragraphs": paragraphs,
        }
        (folder / f"{article_id}.json").write_text(json.dumps(record, ensure_ascii=False, indent=1), encoding="utf-8")
    return out_dir


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--outlets", type=int, default=20)
    parser.add_argument("--events", type=int, default=None, help="default: articles / 8")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    generate(args.out_dir, args.articles, args.outlets, args.events, args.seed)
    print(f"wrote {args.articles} articles to {args.out_dir / 'articles'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
