"""Event grouping on hand-written fictional articles (all places, people and firms invented)."""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone

from factcheck.tasks.events import (
    Assignment,
    GroupingSettings,
    assign_events,
    cosine,
    entities,
    term_vector,
)
from factcheck.tasks.models import ArticleDigest, EventDigest


def at(day: str, hhmm: str = "12:00") -> datetime:
    return datetime.fromisoformat(f"2026-{day}T{hhmm}:00+00:00").astimezone(timezone.utc)


def art(article_id: int, outlet: str, published: datetime | None, title: str, *paras: str):
    return ArticleDigest(article_id, outlet, published, title, "\n\n".join(paras))


# --- a ferry capsizes: three outlets the same day, a follow-up the next day -------------------

FERRY_POST = art(
    1, "Coastal Post", at("03-02", "08:00"),
    "Ferry capsizes in Hollin Strait, at least six dead",
    "ARDWICK — A passenger ferry capsized in heavy seas in the Hollin Strait late on Sunday, "
    "killing at least six people, the coastguard said, as rescue boats searched the water "
    "through the night for those still missing.",
    "The Saint Brenna, operated by Kestrel Sea Lines, was carrying 212 passengers and 19 crew "
    "from Ardwick to the island of Moss Holm when it listed sharply and overturned about four "
    "nautical miles from the harbour mouth.",
    "\"The wind was gusting at more than 90 km an hour and the swell was enormous,\" a coastguard "
    "spokesman, Piet Oldenvaal, said. \"Our crews pulled people out of the sea in the dark.\"",
    "Survivors were taken to Ardwick General Hospital, where staff said 31 people were being "
    "treated for hypothermia and injuries. Relatives gathered outside the ferry terminal "
    "waiting for news.",
    "Kestrel Sea Lines said it was cooperating fully with the authorities and had set up a "
    "helpline for families.",
)
FERRY_DAILY = art(
    2, "Celmar Daily", at("03-02", "14:30"),
    "Questions over weather warning as Saint Brenna death toll rises",
    "Transport Minister Alma Dusek said on Monday that investigators would examine why the "
    "Saint Brenna left port despite a storm warning, after the ferry overturned in the Hollin "
    "Strait with more than 200 people on board.",
    "Seven people are now confirmed dead and four are missing, according to the coastguard. "
    "Most of those rescued were plucked from the water by fishing boats from Ardwick before "
    "lifeboats arrived.",
    "The national weather office had issued an amber gale warning for the strait on Sunday "
    "afternoon. Kestrel Sea Lines said the captain, Tomas Revik, had judged conditions to be "
    "within the vessel's limits when it sailed at 9:15 p.m.",
    "\"We owe the families a full account of what happened,\" Dusek told reporters in Celmar. "
    "\"If rules were broken, there will be consequences.\"",
    "The ferry, built in 1998, passed its last safety inspection in January, the maritime "
    "authority said. Divers were expected to reach the hull on Tuesday if the weather eased.",
)
FERRY_WIRE = art(
    3, "Northgate News Agency", at("03-02", "19:10"),
    "Vardona ferry disaster: captain questioned, families wait at Ardwick terminal",
    "ARDWICK, Vardona, March 2 (Northgate) - Police questioned the captain of the capsized "
    "ferry Saint Brenna on Monday, as the number of confirmed deaths from the sinking in the "
    "Hollin Strait reached seven.",
    "The vessel overturned on Sunday night on its regular crossing to Moss Holm. Rescuers "
    "saved 220 people, the coastguard said; four remain unaccounted for.",
    "Captain Tomas Revik, 54, has not been arrested, a police spokeswoman said. Kestrel Sea "
    "Lines, which owns the ferry, declined to comment on the questioning.",
    "At the Ardwick ferry terminal, families of the missing waited under blankets handed out "
    "by volunteers. \"They tell us nothing,\" said one woman whose brother worked in the "
    "ship's galley.",
    "Vardona's prime minister declared a day of national mourning for Wednesday.",
)
FERRY_NEXT_DAY = art(
    4, "Celmar Daily", at("03-03", "10:00"),
    "Divers recover two more bodies from Saint Brenna",
    "Divers recovered two more bodies from the overturned ferry Saint Brenna on Tuesday, "
    "bringing the death toll from Sunday's disaster in the Hollin Strait to nine, the "
    "coastguard said.",
    "Two people are still missing. The hull of the Kestrel Sea Lines vessel lies on its side "
    "in 30 metres of water, four nautical miles off Ardwick.",
    "The maritime investigation board said it had recovered the ferry's voyage data recorder "
    "and would examine whether the ship's cargo of lorries shifted as it turned into the swell.",
    "Kestrel Sea Lines suspended all its crossings to Moss Holm until further notice. Islanders "
    "said the only other link, a small cargo boat, could carry no more than 12 passengers.",
    "Captain Tomas Revik was released after questioning and has been told not to leave Ardwick.",
)

# --- same day, same kind of accident, different country: wording alike, no names shared ------

FERRY_ELSEWHERE = art(
    5, "Northgate News Agency", at("03-02", "12:00"),
    "Ferry runs aground off Skarra in storm, passengers rescued",
    "SKARRA, Lunmark, March 2 (Northgate) - A passenger ferry ran aground on rocks off the "
    "island of Skarra in a storm on Sunday night, and lifeboats rescued all 140 passengers "
    "and crew, Lunmark's coastguard said.",
    "The Northern Light, operated by Bluewave Ferries, struck a reef in heavy seas shortly "
    "after leaving harbour. Three people were treated in hospital for minor injuries.",
    "\"The swell was huge and the wind was gusting hard,\" said a coastguard officer, Jens "
    "Havard. \"The crew did everything right.\"",
    "Bluewave Ferries said the vessel would be towed to port once the weather eased and that "
    "crossings to Skarra would be suspended for several days. Investigators will examine why "
    "the ferry sailed despite a gale warning.",
)

# --- same day, same city, shared transport vocabulary: a bus strike and a council vote --------

BUS_STRIKE = art(
    10, "Celmar Daily", at("03-04", "07:30"),
    "Celmar bus drivers walk out over pay, most routes cancelled",
    "Bus drivers in Celmar walked out at dawn on Wednesday in a dispute over pay, leaving "
    "commuters queuing for taxis and cancelling all but a handful of routes.",
    "The drivers' union, Unified Transport Staff, said nine in ten of its members had backed "
    "the 24-hour strike after talks with the operator, CityLink Buses, broke down on Monday.",
    "\"Our members drive twelve-hour shifts for wages that have not kept up with rents,\" "
    "union organiser Renata Ilves said on the picket line outside the Northfield garage.",
    "CityLink said it had offered a 5 percent rise and described the walkout as "
    "\"deeply disappointing\". It said 14 of its 120 routes would run with managers at the wheel.",
    "Schools urged parents to make other arrangements, and hospital staff were offered "
    "free parking for the day.",
)
COUNCIL_VOTE = art(
    11, "Celmar Daily", at("03-04", "18:00"),
    "Council backs new tram depot and cycle lanes for Celmar's east side",
    "Celmar city council voted on Wednesday evening to build a tram depot on the former "
    "Brickfield gasworks site and to add 18 km of protected cycle lanes across the east of "
    "the city.",
    "Councillors approved the plan by 29 votes to 12 after a three-hour debate. The depot, "
    "costing an estimated 85 million marks, will house up to 40 trams and is due to open in 2029.",
    "\"This is about giving the east side the same choices as the centre,\" said deputy "
    "mayor Oskar Lindqvist, who led the project. Opponents said the money should go on road "
    "repairs and warned of years of disruption on Harbour Avenue.",
    "Residents of the Brickfield estate have complained for years about lorries using the "
    "derelict site. The council promised a landscaped park along the depot's northern edge.",
    "CityLink Buses, which runs the city's bus network, is expected to bid for the contract to "
    "operate the new trams. Construction of the cycle lanes will begin in the summer, starting "
    "with the route from the university to the Eastgate market.",
)

# --- same week, same economy: a rate rise and a supermarket merger ----------------------------

RATE_RISE = art(
    20, "Celmar Daily", at("03-05", "13:00"),
    "Bank of Vardona raises interest rates to 3.75 percent",
    "The Bank of Vardona raised its main interest rate by a quarter point to 3.75 percent on "
    "Thursday, its second increase this year, saying inflation was proving more stubborn than "
    "expected.",
    "Governor Ines Marchetti told a news conference that price growth in services remained "
    "too strong. Consumer prices rose 4.9 percent in the year to February.",
    "Six of the nine members of the monetary committee backed the rise; three wanted to hold.",
    "Mortgage lenders said variable rates would follow within days. The mark strengthened "
    "against the euro after the announcement.",
    "Economists said another increase in May could not be ruled out.",
)
MERGER = art(
    21, "Northgate News Agency", at("03-05", "16:00"),
    "Holmgard Foods agrees to buy rival grocer Pellan Stores",
    "CELMAR, March 5 (Northgate) - Holmgard Foods has agreed to buy Pellan Stores for 1.9 "
    "billion marks, creating the largest supermarket group in Vardona with about a third of "
    "the grocery market.",
    "Holmgard will pay 24 marks a share in cash, a 31 percent premium to Pellan's closing "
    "price on Wednesday. Pellan's board recommended the offer to shareholders.",
    "Holmgard chief executive Daniel Sova said the combined chain would save on buying and "
    "logistics and pass lower prices on to shoppers. He said no stores would close in the "
    "first year.",
    "The deal needs clearance from the competition regulator, which analysts expect to "
    "demand the sale of shops in towns where both chains operate.",
    "Holmgard will fund the purchase with a bank loan, which became more expensive after the "
    "Bank of Vardona raised interest rates earlier on Thursday. Pellan, founded in 1956, runs "
    "180 stores and employs 7,400 people.",
)

# --- the same region shaken twice, three weeks apart -----------------------------------------

QUAKE_APRIL_1 = art(
    30, "Coastal Post", at("04-01", "06:00"),
    "Earthquake in the Tarsk Hills kills three, damages old houses",
    "A magnitude 5.8 earthquake struck the Tarsk Hills in northern Vardona before dawn on "
    "Wednesday, killing three people and damaging hundreds of old stone houses, the National "
    "Seismic Service said.",
    "The quake's epicentre was 8 km south of the town of Drovno at a depth of 11 km. Tremors "
    "were felt as far away as Celmar.",
    "Rescuers pulled a family of four alive from a collapsed farmhouse near Drovno. Regional "
    "governor Marta Kell said 40 people had been treated in hospital.",
    "Schools across the Tarsk Hills will stay closed while engineers inspect buildings.",
)
QUAKE_APRIL_22 = art(
    31, "Coastal Post", at("04-22", "09:00"),
    "New earthquake shakes the Tarsk Hills, one dead",
    "A magnitude 5.2 earthquake shook the Tarsk Hills in northern Vardona on Wednesday "
    "morning, killing one person and damaging houses, the National Seismic Service said.",
    "The quake's epicentre was 6 km west of the village of Kelvik at a depth of 9 km. Tremors "
    "were felt in Celmar.",
    "Rescuers searched collapsed barns near Kelvik. Regional governor Marta Kell said 12 "
    "people had been treated in hospital.",
    "Schools across the Tarsk Hills will stay closed while engineers inspect buildings.",
)

# --- dockworkers at the same port strike the same week as the ferry disaster ------------------

DOCK_STRIKE_1 = art(
    40, "Coastal Post", at("03-02", "11:00"),
    "Ardwick container terminal shut as dockers strike over automation",
    "Dockworkers at the Ardwick container terminal began a three-day strike on Monday in "
    "protest at plans to replace crane operators with remote-controlled gantries.",
    "The Port and Harbour Workers' Guild said 600 members had walked out and that no "
    "container ships would be loaded or unloaded until Thursday.",
    "Terminal operator Baltra Logistics said automation was needed to compete with larger "
    "ports and that no worker would lose their job before 2030.",
    "Eleven container vessels were anchored outside the harbour on Monday afternoon, "
    "according to shipping trackers.",
)
DOCK_STRIKE_2 = art(
    41, "Northgate News Agency", at("03-02", "16:00"),
    "Ardwick dock strike strands container ships; Baltra offers job guarantee",
    "ARDWICK, March 2 (Northgate) - A strike by dockworkers shut the Ardwick container "
    "terminal on Monday, leaving a queue of ships at anchor, as operator Baltra Logistics "
    "offered a written job guarantee to end the walkout.",
    "Guild leader Hanne Sorli said the guarantee did not go far enough. \"Remote cranes are "
    "the first step to an empty quay,\" she told members at a rally outside the gates.",
    "Exporters warned that fruit and timber shipments could be delayed by a week. Baltra "
    "said the terminal handles about a fifth of Vardona's container trade.",
    "The guild has called further strikes for later in March if talks fail.",
)
BRIDGE = art(
    42, "Celmar Daily", at("03-02", "20:00"),
    "Dock strike and ferry disaster leave Ardwick port in turmoil",
    "ARDWICK — Ardwick's harbour was in turmoil on Monday as a dockworkers' strike shut the "
    "container terminal on the same day that divers prepared to search the capsized ferry "
    "Saint Brenna.",
    "The Port and Harbour Workers' Guild said its members would still help the coastguard "
    "with the rescue operation for the Kestrel Sea Lines vessel, despite the walkout against "
    "Baltra Logistics.",
    "Harbour master Erik Thoms said the ferry berths and the container quays were run "
    "separately and the strike would not affect the search in the Hollin Strait.",
    "Ships waiting to unload container cargo were anchored in the bay as lifeboats came and "
    "went from the ferry terminal.",
)

LONE = art(
    50, "Coastal Post", at("03-03", "09:00"),
    "Ardwick choir wins national folk song contest",
    "The Ardwick Harbour Choir won the national folk song contest in Celmar on Saturday night, "
    "beating 24 choirs from across Vardona with a programme of old fishing songs.",
    "Conductor Liv Aamodt, who founded the choir in 2009, said the singers had rehearsed "
    "twice a week since the autumn. \"We sing the songs our grandparents sang on the boats,\" "
    "she said.",
    "The choir will represent Vardona at the Nordic folk festival in Bergen in June.",
)


def groups_of(result: Assignment) -> set[frozenset[int]]:
    return {frozenset(g) for g in result.new_groups}


def assert_partition(result: Assignment, new: list[ArticleDigest]) -> None:
    placed = list(result.joins) + [i for g in result.new_groups for i in g]
    assert sorted(placed) == sorted(a.article_id for a in new)


# --- helpers ---------------------------------------------------------------------------------


def test_entities_finds_names_and_acronyms_and_skips_common_capitals():
    text = (
        "ARDWICK — Talvania's president met the NSS chief on Monday. The talks in Saldenport "
        "went well, Talvania said. Officials expect a deal in March. Bank of Vardona shares rose."
    )
    found = entities(text)
    assert {"Ardwick", "Talvania", "NSS", "Saldenport", "Bank of Vardona"} <= found
    assert not found & {"Talvania's", "Monday", "March", "The", "Officials"}


def test_entities_drop_titles_and_the_outlet_naming_itself():
    text = "Transport Minister Alma Dusek told the Celmar Daily that Dusek would resign."
    assert entities(text, outlet="Celmar Daily") == {"Alma Dusek", "Dusek"}


def test_term_vector_and_cosine():
    a = term_vector("Ferry capsized in the strait; ferries suspended.")
    b = term_vector("The ferry capsizes near the strait.")
    assert "ferry" in a and "the" not in a
    assert abs(sum(v * v for v in a.values()) - 1) < 1e-9
    assert cosine(a, b) > 0.5
    assert cosine(a, term_vector("Interest rates rose again.")) == 0
    assert cosine({}, b) == 0


# --- grouping --------------------------------------------------------------------------------


def test_same_event_from_three_outlets_with_different_wording_is_grouped():
    new = [FERRY_POST, FERRY_DAILY, FERRY_WIRE, LONE]
    result = assign_events(new, [])
    assert_partition(result, new)
    assert result.joins == {}
    assert groups_of(result) == {frozenset({1, 2, 3}), frozenset({50})}


def test_article_published_next_day_joins_existing_event_across_runs():
    yesterday = assign_events([FERRY_POST, FERRY_DAILY, LONE], [])
    assert frozenset({1, 2}) in groups_of(yesterday)
    existing = [EventDigest(7, (FERRY_POST, FERRY_DAILY)), EventDigest(8, (LONE,))]
    today = assign_events([FERRY_NEXT_DAY, FERRY_WIRE], existing)
    assert today.joins == {3: 7, 4: 7}
    assert today.new_groups == ()


def test_same_kind_of_accident_without_shared_names_is_not_grouped():
    result = assign_events([FERRY_POST, FERRY_DAILY, FERRY_ELSEWHERE], [])
    assert groups_of(result) == {frozenset({1, 2}), frozenset({5})}
    # The wording alone would pass: it is the missing shared names that keep them apart.
    a, b = (term_vector(x.title + "\n" + x.text) for x in (FERRY_POST, FERRY_ELSEWHERE))
    assert cosine(a, b) >= GroupingSettings().min_similarity


def test_unrelated_same_day_stories_with_overlapping_vocabulary_are_not_grouped():
    # Each pair also shares a specific name (CityLink Buses, Bank of Vardona): names alone
    # are not enough either.
    for a, b in [(BUS_STRIKE, COUNCIL_VOTE), (RATE_RISE, MERGER)]:
        assert groups_of(assign_events([a, b], [])) == {
            frozenset({a.article_id}),
            frozenset({b.article_id}),
        }
        assert assign_events([b], [EventDigest(1, (a,))]).joins == {}


def test_same_subject_outside_time_window_is_not_grouped():
    result = assign_events([QUAKE_APRIL_22], [EventDigest(5, (QUAKE_APRIL_1,))])
    assert result.joins == {} and result.new_groups == ((31,),)
    # The stories are alike enough that only the three weeks between them keep them apart.
    wide = GroupingSettings(window_hours=24 * 30)
    assert assign_events([QUAKE_APRIL_22], [EventDigest(5, (QUAKE_APRIL_1,))], wide).joins


def test_bridge_article_does_not_chain_two_unrelated_events():
    ferry = EventDigest(1, (FERRY_POST, FERRY_WIRE))
    dock = EventDigest(2, (DOCK_STRIKE_1, DOCK_STRIKE_2))
    # A true bridge: on its own it would join either event.
    assert assign_events([BRIDGE], [ferry]).joins == {42: 1}
    assert assign_events([BRIDGE], [dock]).joins == {42: 2}

    new = [FERRY_POST, FERRY_WIRE, DOCK_STRIKE_1, DOCK_STRIKE_2, BRIDGE]
    groups = groups_of(assign_events(new, []))
    assert not any({1, 3} <= g and {40, 41} & g for g in groups)
    assert any({1, 3} <= g for g in groups) and any({40, 41} <= g for g in groups)

    existing = [ferry, EventDigest(2, (DOCK_STRIKE_1,))]
    result = assign_events([DOCK_STRIKE_2, BRIDGE], existing)
    assert result.joins.get(41) == 2
    assert_partition(result, [DOCK_STRIKE_2, BRIDGE])


def test_mixed_pool_groups_each_story_separately():
    pool = [FERRY_POST, FERRY_DAILY, FERRY_WIRE, FERRY_NEXT_DAY, FERRY_ELSEWHERE, BUS_STRIKE,
            COUNCIL_VOTE, RATE_RISE, MERGER, QUAKE_APRIL_1, QUAKE_APRIL_22, DOCK_STRIKE_1,
            DOCK_STRIKE_2, LONE]
    assert groups_of(assign_events(pool, [])) == {
        frozenset({1, 2, 3, 4}), frozenset({40, 41}), frozenset({5}), frozenset({10}),
        frozenset({11}), frozenset({20}), frozenset({21}), frozenset({30}), frozenset({31}),
        frozenset({50}),
    }


def test_rerun_keeps_an_already_grouped_article_in_its_event():
    result = assign_events([FERRY_POST, FERRY_WIRE], [EventDigest(7, (FERRY_POST, FERRY_DAILY))])
    assert result == Assignment(joins={1: 7, 3: 7}, new_groups=())


def test_result_does_not_depend_on_input_order():
    new = [FERRY_POST, FERRY_DAILY, FERRY_WIRE, BUS_STRIKE, COUNCIL_VOTE, RATE_RISE, MERGER,
           DOCK_STRIKE_1, DOCK_STRIKE_2, BRIDGE, LONE]
    existing = [EventDigest(9, (QUAKE_APRIL_1,)), EventDigest(3, (FERRY_NEXT_DAY,))]
    expected = assign_events(new, existing)
    assert expected.joins == {1: 3, 2: 3, 3: 3}
    rng = random.Random(1)
    for _ in range(5):
        shuffled_new, shuffled_existing = new[:], existing[:]
        rng.shuffle(shuffled_new)
        rng.shuffle(shuffled_existing)
        assert assign_events(shuffled_new, shuffled_existing) == expected


def test_unrelated_articles_stay_singletons():
    new = [LONE, RATE_RISE, QUAKE_APRIL_1, BUS_STRIKE]
    result = assign_events(new, [])
    assert_partition(result, new)
    assert result.new_groups == ((10,), (20,), (30,), (50,))
    assert assign_events([], [EventDigest(1, (LONE,))]) == Assignment(joins={}, new_groups=())


def test_missing_publication_time_counts_as_newest_known_time():
    undated = ArticleDigest(60, "Coastal Post", None, FERRY_NEXT_DAY.title, FERRY_NEXT_DAY.text)
    # Newest known time is the next-day article's, inside the window of the ferry event.
    result = assign_events([undated, FERRY_NEXT_DAY], [EventDigest(7, (FERRY_POST,))])
    assert result.joins == {4: 7, 60: 7}
    # A month-later article makes "newest" a month later: the undated one is out of the window.
    later = ArticleDigest(61, "Coastal Post", at("03-02") + timedelta(days=30), "Choir", "Choir.")
    result = assign_events([undated, later], [EventDigest(7, (FERRY_POST,))])
    assert 60 not in result.joins
