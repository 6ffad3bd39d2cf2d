"""Claim frames read off the dependency parse: predicate, polarity, modality, actor, theme,
places, quantities with their heads, dates, and the speaker's stance."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from factcheck.tasks.claims import claims_from_statement
from factcheck.tasks.language.frames import SentenceFrames, claim_frames

WED = datetime(2026, 5, 6, 12, 0, tzinfo=timezone.utc)


def frames(text: str, published: datetime | None = WED) -> SentenceFrames:
    claims = claims_from_statement(text, published)
    assert len(claims) == 1, claims
    return claim_frames(claims[0])


def only(sf: SentenceFrames, predicate: str):
    found = [f for f in sf.frames if f.predicate == predicate]
    assert found, [f.predicate for f in sf.frames]
    return found[0]


def test_reported_speech_gives_the_speaker_and_the_reported_proposition():
    sf = frames("The harbour master said the ferry had struck a rock near Ostrava.")
    assert sf.attributed and sf.speaker == "The harbour master"
    f = only(sf, "strike")
    assert f.stance == "affirms" and f.polarity == "positive" and f.modality == "asserted"
    assert f.actor is not None and f.actor.head == "ferry"
    assert f.theme is not None and f.theme.head == "rock"


def test_a_denial_is_the_denied_proposition_with_the_stance_denies():
    sf = frames("The coach denied that he had resigned.")
    f = only(sf, "resign")
    assert f.stance == "denies" and f.polarity == "positive" and f.asserted_polarity == "negative"
    assert sf.speaker == "The coach"


def test_a_denied_report_reaches_the_reported_clause():
    sf = frames("The ministry denied a report claiming that the floods had destroyed the bridge.")
    f = only(sf, "destroy")
    assert f.stance == "denies" and f.theme is not None and f.theme.head == "bridge"


@pytest.mark.parametrize(
    "text, predicate",
    [
        ("There were no talks in Bremmin on Friday.", "talk"),
        ("No meeting took place between the two envoys.", "talk"),
        ("The union held no negotiations with the operator.", "talk"),
    ],
)
def test_the_absence_of_a_happening_is_a_negative_frame_of_its_event_noun(text, predicate):
    f = only(frames(text), predicate)
    assert f.polarity == "negative" and f.light is not None and f.factual


@pytest.mark.parametrize(
    "text, predicate, modality",
    [
        ("The council may close the library next year.", "close", "possible"),
        ("The mayor urged the council to close the library.", "close", "called_for"),
        ("The council plans to close the library.", "close", "planned"),
        ("If the budget is cut, the council will close the library.", "close", "planned"),
        ("Will the council close the library?", "close", "asked"),
        ("The council reportedly closed the library.", "close", "reported"),
        ("The council closed the library on Monday.", "close", "asserted"),
    ],
)
def test_modality_tells_reports_from_plans_calls_questions_and_possibilities(text, predicate, modality):
    f = only(frames(text), predicate)
    if modality == "planned" and text.startswith("If"):
        assert f.modality in ("conditional", "planned")
    else:
        assert f.modality == modality


def test_negation_of_the_predicate_is_its_polarity():
    f = only(frames("The dam operator did not open the floodgates."), "open")
    assert f.polarity == "negative"


@pytest.mark.parametrize(
    "text, predicate, polarity",
    [
        ("The governor refused to sign the bill into law.", "sign", "negative"),
        ("The carrier failed to deliver the parcels before Christmas.", "deliver", "negative"),
        ("The tenants declined to pay the higher rent.", "pay", "negative"),
        ("The rescuers managed to free the miners.", "release", "positive"),
        ("The rescuers did not manage to free the miners.", "release", "negative"),
        ("The council did not fail to publish its accounts.", "publish", "positive"),
        ("The board agreed to sell the stadium.", "sell", "positive"),  # a plan, not an implicative
    ],
)
def test_implicative_verbs_say_whether_their_complement_happened(text, predicate, polarity):
    f = only(frames(text), predicate)
    assert f.polarity == polarity


def test_a_relative_pronoun_stands_for_the_noun_its_clause_describes():
    f = only(frames("Nobody can cancel a summit that never existed."), "talk")
    assert f.light == "exist" and f.polarity == "negative"


def test_a_clause_given_as_background_fact_is_a_frame_and_a_condition_is_not():
    f = only(frames("The dockers ended their strike, the port said, after the operator raised its offer to 6 percent."), "rise")
    assert f.modality == "asserted" and [q.value for q in f.amounts] == [6.0]
    sf = frames("The dockers will end their strike if the operator raises its offer to 6 percent.")
    assert all(f.modality == "conditional" for f in sf.frames if f.predicate == "rise")


def test_quantities_carry_the_thing_they_count():
    sf = frames("At least 12 miners were rescued from the shaft, and 3 percent of the output was lost.")
    counted = {q.counted for f in sf.frames for q in f.amounts}
    assert "miner" in counted


def test_a_number_of_people_and_the_verb_that_counts_them_line_up():
    f = only(frames("The landslide killed 23 people in the valley."), "kill")
    assert [q.value for q in f.amounts] == [23.0]
    assert f.actor is not None and f.actor.head == "landslide"


def test_dates_are_resolved_against_the_publication_time_and_marked_as_the_predicates_own():
    f = only(frames("The court adjourned the trial on Monday."), "adjourn")
    assert f.times and f.times[0].direct
    assert f.times[0].value is not None and f.times[0].value.weekday() == 0


def test_places_are_those_the_predicate_happened_in():
    f = frames("The summit was held in Vienna.").frames[0]
    assert [p.text for p in f.places] == ["Vienna"]


def test_phrasal_verbs_join_their_synonym_class():
    f = frames("The organisers called off the regatta.").frames[0]
    assert f.predicate == "cancel"


def test_insisting_on_a_past_fact_reports_it_and_insisting_on_an_act_calls_for_it():
    assert only(frames("The coach insisted he never saw the letter."), "see").modality == "asserted"
    assert only(frames("The union insisted that the board resign."), "resign").modality == "called_for"


def test_rejecting_a_plan_is_a_decision_and_rejecting_a_claim_is_a_denial():
    sf = frames("The regional assembly rejected the harbour plan.")
    f = only(sf, "reject")
    assert f.stance == "affirms" and f.theme is not None and f.theme.head == "plan"
    g = frames("The minister rejected claims that the harbour had been sold.")
    assert any(f.stance == "denies" for f in g.frames)


def test_a_capitalised_bare_subject_is_a_name():
    # The tagger reads "Copper" here as the metal, a common noun.
    f = only(frames("Copper, the second largest insurer, employs about 6,000 people."), "hire")
    assert f.actor is not None and "copper" in f.actor.names


def test_an_earlier_occasion_is_marked():
    assert only(frames("Dock workers last walked out in 2011."), "strike").previous
    assert not only(frames("Dock workers walked out on Monday."), "strike").previous


def test_a_place_named_after_its_kind():
    f = only(frames("The climbers were found in the remote district of Orvath."), "find")
    assert [p.text for p in f.places] == ["Orvath"]


def test_a_day_the_parser_hung_on_the_object_still_dates_the_happening():
    f = only(frames("The ferry collision took place on the night of 9 April."), "collision")
    assert [w.direct for w in f.times] == [True]


@pytest.mark.parametrize(("text", "counted"), [
    ("The agency put unemployment at 7 percent.", "unemployment"),
    ("The tremor measured magnitude 4.9.", "magnitude"),
    ("The treaty reserves 35 per cent of the lake's water for Ossia.", "water"),
    ("The treaty reserves a third of the lake's water for Ossia.", "water"),
])
def test_what_a_figure_counts_in_set_phrases(text, counted):
    sf = frames(text)
    assert [q.counted for f in sf.frames for q in f.amounts][:1] == [counted]


def test_a_count_of_sources_is_not_a_figure_of_the_story():
    sf = frames("The insurer has taken a loan of 3 billion euros, according to four people briefed on the deal.")
    assert [q.value for f in sf.frames for q in f.amounts] == [3e9]


def test_a_partitive_counts_the_part_and_keys_the_whole_apart():
    f = only(frames("Six of the nine council members voted for the plan."), "elect")
    counted = {q.text: q.counted for q in f.amounts}
    assert counted == {"Six": "member", "nine council members": "whole_member"}


def test_voting_to_do_something_is_a_side_taken():
    f = only(frames("Three council members voted to delay the plan."), "elect")
    assert ("for", "postpone") in f.sides


def test_a_plan_said_not_to_exist_negates_what_was_planned():
    f = only(frames("The bakery chain has no plans to close any of its shops."), "close")
    assert f.polarity == "negative" and f.modality == "planned"
    assert f.actor is not None and f.actor.head == "chain"


def test_taking_no_decision_is_a_decision_denied():
    f = only(frames("The planning committee has taken no decision on the tower."), "decide")
    assert f.polarity == "negative" and f.light == "take"
    assert f.actor is not None and f.actor.head == "committee"


def test_a_sum_of_goods_is_a_measure_not_a_part():
    f = only(frames("The government imposed tariffs on $150 billion of imported goods."), "impose")
    assert [q.counted for q in f.amounts] != ["good"]


@pytest.mark.parametrize(
    "text, predicate, cause, of, sole",
    [
        ("The fire was caused by a faulty heater, the fire service said.", "cause", "a faulty heater", "fire", False),
        ("The match was called off because of heavy rain.", "cancel", "heavy rain", "cancel", False),
        ("The ferry was delayed due to a technical fault.", "postpone", "a technical fault", "postpone", False),
        ("The hearing was put back only because the judge fell ill.", "postpone", "only because the judge fell ill",
         "postpone", True),
        ("Police blamed the crash on icy roads.", "blame", "icy roads", "crash", False),
        ("Officials blamed the drivers' union for the delays.", "blame", "the drivers' union", "postpone", False),
    ],
)
def test_the_cause_given_for_a_happening(text, predicate, cause, of, sole):
    f = only(frames(text), predicate)
    assert f.cause is not None and f.cause.text == cause
    assert f.cause_of == of and f.sole_cause is sole


def test_a_place_put_before_the_reporting_verb_is_kept_apart():
    f = only(frames("In Vassa, 30 km up the coast, the harbour master said two crew members had been killed."), "kill")
    assert [p.text for p in f.places] == ["Vassa"] and f.reported_place
    g = only(frames("Two crew members were killed in Vassa, the harbour master said."), "kill")
    assert [p.text for p in g.places] == ["Vassa"] and not g.reported_place


def test_a_name_after_in_that_the_recogniser_misreads_is_still_a_place():
    f = only(frames("Three miners had been killed in Selby, the sheriff said."), "kill")
    assert [p.text for p in f.places] == ["Selby"]


@pytest.mark.parametrize(
    "text, counted, unit",
    [
        ("Gusts of 120 km/h were recorded on the pier.", "gust", "km/h"),
        ("The plane flew at 500 miles per hour.", None, "mph"),
        ("The flood left 40 centimetres of mud in the streets.", "mud", "cm"),
    ],
)
def test_measures_name_their_unit_and_what_they_measure(text, counted, unit):
    sf = frames(text)
    found = [(q.counted, q.unit) for f in sf.frames for q in f.amounts]
    assert any(u == unit and (counted is None or c == counted) for c, u in found), found


def test_a_subject_the_parser_hangs_on_the_auxiliary_is_still_found():
    f = only(frames("Traffic on the Leitz bridge remains suspended."), "suspend")
    assert f.actor is not None and f.actor.head == "traffic" and f.ongoing


def test_a_state_that_stays_is_the_predicate():
    f = only(frames("The Harlow border crossing stayed shut all day on Friday."), "close")
    assert f.theme is not None and f.theme.head == "crossing"


def test_a_state_that_remained_in_the_past_is_not_ongoing():
    f = only(frames("Traffic on the Leitz bridge remained suspended last year."), "suspend")
    assert not f.ongoing


def test_a_negated_subject_of_a_misparsed_report_negates_it():
    f = only(frames("No fuel leaked from the damaged barge, the port authority said."), "leak")
    assert f.polarity == "negative"


def test_a_superlative_does_not_make_another_kind():
    sf = frames("The strongest waves recorded on the coast were about 9 metres.")
    f = [f for f in sf.frames if f.actor is not None and f.actor.head == "wave"][0]
    assert f.actor.mods == frozenset()


def test_dates_that_open_and_close_a_period():
    f = only(frames("The stoppage will run from 06:00 on Monday until midnight on Thursday."), "operate")
    bounds = {t.text: t.bound for t in f.times}
    assert bounds["Monday"] == "start" and bounds["Thursday"] == "end"
    g = only(frames("The vote was moved to Friday."), "move")
    assert [t.bound for t in g.times] == [None]


def test_blamed_for_without_an_object_gives_no_cause():
    f = only(frames("Officials blamed for the delays were sacked."), "blame")
    assert f.cause is None


@pytest.mark.parametrize(
    "text, predicate, role",
    [
        ("The Harbour Trust appointed Ines Moreau as its chief executive.", "appoint", "executive"),
        ("Ines Moreau was elected mayor of Dalby on Sunday.", "elect", "mayor"),
        ("The Harbour Trust appointed Ines Moreau as a director.", "appoint", None),
    ],
)
def test_the_one_post_someone_is_put_in(text, predicate, role):
    assert only(frames(text), predicate).role == role


@pytest.mark.parametrize(
    "text, lemma",
    [
        ("The league staged the final in Marl.", "stage"),
        ("Fans hoped the match would go ahead.", "hope"),
        ("The council scraped together the money.", "scrape"),
        ("The council scrapped the plan.", "scrap"),
        ("The court fined the firm.", "fine"),
        ("The town is hoping for rain.", "hope"),
        ("The team stopped training.", "stop"),
    ],
)
def test_a_single_consonant_before_ed_or_ing_keeps_the_stems_e(text, lemma):
    from factcheck.tasks.language.nlp import parse

    verbs = [t.lemma_ for t in parse([text])[0] if t.tag_ in ("VBD", "VBN", "VBG")]
    assert verbs[0] == lemma, verbs


def test_a_verb_the_parser_took_for_a_participle_of_its_subject_is_the_predicate():
    f = frames("The coach overturned on the ring road near Vellin.").frames[0]
    assert f.predicate == "overturn" and f.theme.head == "coach" and [p.text for p in f.places][-1] == "Vellin"


def test_an_apposition_names_the_argument():
    f = only(frames("Arden Foods bought the dairy group Milvale for $90 million."), "buy")
    assert "milvale" in f.theme.names


def test_a_price_counts_the_deal_whoever_its_subject_is():
    active = only(frames("Arden Foods bought Milvale for $90 million."), "buy")
    passive = only(frames("Milvale was bought by Arden Foods for 70 million dollars."), "buy")
    assert [q.counted for q in active.amounts] == [q.counted for q in passive.amounts] == ["buy"]


def test_a_happening_something_forced_is_the_proposition_and_the_subject_its_cause():
    f = frames("Flooding forced the cancellation of Saturday's regatta, organisers said.").frames[0]
    assert f.predicate == "cancel" and f.theme.head == "regatta" and f.cause.head == "flooding"


@pytest.mark.parametrize(
    "text, cause, sole",
    [
        ("A worn brake was the cause of the tram crash, investigators said.", "brake", True),
        ("The cause of the outage was a faulty cable in a substation.", "cable", True),
        ("A worn brake was one cause of the tram crash.", "brake", False),
        ("A worn brake was the main cause of the tram crash.", "brake", False),
        ("Speeding was to blame for the tram crash, the inquiry found.", "speed", False),
    ],
)
def test_a_cause_named_by_a_copula(text, cause, sole):
    f = next(f for f in frames(text).frames if f.cause is not None)
    assert (f.cause.head, f.sole_cause, f.cause_of) == (cause, sole, "crash" if "crash" in text else "outage")


def test_calling_something_a_quality_says_it_has_it():
    f = frames("The coach called the referee biased.").frames[0]
    assert (f.predicate, f.theme.head) == ("bias", "referee")
    assert frames("The minister called the report false.").frames[0].predicate != "false"


def test_a_participle_clause_of_result_is_a_frame_of_the_main_subject():
    sf = frames("The storm hit the coast on Monday, killing four fishermen, officials said.")
    f = only(sf, "kill")
    assert f.actor.head == "storm" and [q.value for q in f.amounts] == [4.0] and f.factual


def test_a_participle_of_saying_gives_what_was_said_and_one_of_denying_gives_nothing():
    sf = frames("The ministry rejected the report, saying the two sides had never arranged any talks.")
    assert "arrange" in [f.predicate for f in sf.frames] and "say" not in [f.predicate for f in sf.frames]
    sf = frames("The ministry published the figures, denying that any talks had taken place.")
    assert "deny" not in [f.predicate for f in sf.frames]


def test_shot_dead_is_a_killing():
    assert only(frames("Two guards were shot dead at the depot in Marl."), "kill").theme.head == "guard"


def test_a_place_in_a_chain_of_places_and_a_participle_clause_happening_there():
    sf = frames("A gunman opened fire inside a bakery in the northern district of Orrin, wounding three customers.")
    assert [p.text for p in only(sf, "open").places] == ["Orrin"]
    assert [p.text for p in only(sf, "injure").places] == ["Orrin"]


@pytest.mark.parametrize(
    "text, predicate, modality",
    [
        ("The company said the depot would close in June.", "close", "planned"),
        ("The company said the depot would have closed without the loan.", "close", "possible"),
        ("The company said the depot would close if orders fell.", "close", "possible"),
        ("Without the loan, the depot would close.", "close", "possible"),
    ],
)
def test_would_after_a_past_verb_of_saying_is_the_reported_will(text, predicate, modality):
    assert only(frames(text), predicate).modality == modality


def test_a_town_tagged_as_an_organisation_after_a_happening_is_a_place():
    assert [p.text for p in only(frames("The suspect was detained in Marseille on Tuesday."), "arrest").places] == ["Marseille"]
    assert only(frames("The fund invested in Orvane Capital last year."), "invest").places == ()


def test_yet_to_happen_has_not_happened_so_far():
    f = only(frames("Regulators have yet to approve the vaccine, the agency said."), "approve")
    assert f.polarity == "negative" and f.ongoing


def test_what_a_relative_clause_refused_is_a_negative_frame_of_the_noun_it_describes():
    f = only(frames("The minister, who has refused to resign, attended the cabinet meeting."), "resign")
    assert f.polarity == "negative" and f.actor.head == "minister"


def test_taking_effect_is_no_happening_of_its_subject_and_a_liking_states_nothing():
    sf = frames("Two members voted to keep the rate, arguing that earlier increases had yet to take full effect.")
    assert not [f for f in sf.frames if f.predicate == "rise" and f.polarity == "negative"]
    sf = frames("The president, who likes to leave his options open, was coy about the deadline.")
    assert "leave" not in [f.predicate for f in sf.frames]
