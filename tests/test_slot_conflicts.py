"""Alignment first, then conflicts on aligned slots: each kind with a pair that conflicts and
pairs that only look as if they do."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from factcheck.tasks.claims import claims_from_statement
from factcheck.tasks.language.frames import claim_frames
from factcheck.tasks.pairs.align import align
from factcheck.tasks.pairs.features import assess

MON = datetime(2026, 9, 14, 10, 0, tzinfo=timezone.utc)


def sides(a: str, b: str, pub_a: datetime = MON, pub_b: datetime = MON):
    ca, cb = claims_from_statement(a, pub_a), claims_from_statement(b, pub_b)
    assert len(ca) == 1 and len(cb) == 1
    return claim_frames(ca[0]), claim_frames(cb[0])


def kinds(a: str, b: str, pub_a: datetime = MON, pub_b: datetime = MON) -> list[str]:
    sa, sb = sides(a, b, pub_a, pub_b)
    return [r.detector for r in assess(sa, sb, pub_a, pub_b).reasons]


# --- alignment ----------------------------------------------------------------------------------


def test_synonyms_align_as_the_same_predicate():
    al = align(*sides("The blast killed nine workers.", "Nine workers died in the explosion."))
    assert al is not None and al.relation == "same"


def test_opposite_outcomes_align_as_opposites():
    al = align(*sides("The airline's shares rose sharply.", "The airline's shares fell sharply."))
    assert al is not None and al.relation == "opposite" and al.actor == 1


def test_unrelated_sentences_do_not_align():
    al = align(*sides("The orchestra opened its season in Lenholm.", "Wheat prices fell on the exchange."))
    assert al is not None and al.relation == "none"


# --- numbers ------------------------------------------------------------------------------------


def test_two_counts_of_the_same_thing_conflict_with_the_figures_as_evidence():
    sa, sb = sides("The flood killed 14 people in Tarvik.", "The flood in Tarvik killed 31 people.")
    got = assess(sa, sb)
    assert got.reasons and got.reasons[0].detector == "numeric"
    assert "14" in got.reasons[0].evidence_a[0].text and "31" in got.reasons[0].evidence_b[0].text


@pytest.mark.parametrize(
    "a, b",
    [
        ("More than 20 people were hurt in the crash.", "The crash injured 23 people."),  # a bound and a count
        ("About 40 people were evacuated from the tower.", "Firefighters evacuated 41 people from the tower."),
        ("The flood killed 14 people in Tarvik.", "The flood killed 14 people and injured 31 in Tarvik."),
        ("The flood killed 14 people in Tarvik.", "The storm destroyed 31 houses in Tarvik."),  # other things
    ],
)
def test_figures_that_can_both_be_true_do_not_conflict(a, b):
    assert "numeric" not in kinds(a, b)


def test_a_higher_toll_in_a_later_report_is_an_update():
    a, b = "The flood killed 14 people in Tarvik.", "The flood killed 31 people in Tarvik."
    assert "numeric" in kinds(a, b)
    assert "numeric" not in kinds(a, b, MON, MON + timedelta(days=1))


@pytest.mark.parametrize(
    "a, b",
    [
        ("The Harlow chain runs 210 shops across the region.", "The Harlow chain runs 260 shops across the region."),
        ("Ostrel, a port of about 30,000 people, lies on the estuary.", "Ostrel has about 52,000 inhabitants."),
    ],
)
def test_a_later_different_count_of_what_does_not_grow_is_still_a_conflict(a, b):
    assert "numeric" in kinds(a, b, MON, MON + timedelta(days=1))


def test_two_sums_of_money_of_one_company_are_not_one_figure():
    # the same named actor, but a loan and a price per share: nothing says they measure one thing
    assert "numeric" not in kinds("Dravo has raised a loan of 3 billion crowns from four banks.",
                                  "Dravo will pay 55.20 crowns for each Lentor share.")


def test_a_forecast_that_missed_is_not_a_conflict():
    assert "numeric" not in kinds("The operator expects to run about one bus in four on Monday.",
                                  "On Monday, 40 percent of scheduled buses ran, the operator said.")


def test_a_plain_future_figure_still_conflicts():
    assert "numeric" in kinds("The new ferry will carry 900 passengers.", "The new ferry carries 400 passengers.")


# --- dates, times, places -----------------------------------------------------------------------


def test_the_same_happening_on_two_days_conflicts():
    assert "date" in kinds("The treaty was signed on Tuesday.", "The treaty was signed on Thursday.")


def test_the_same_happening_at_two_clock_times_conflicts():
    assert "date" in kinds("The blast happened at 6:10 a.m.", "The blast happened at about 9:45 a.m.")


def test_clock_times_close_together_agree():
    assert "date" not in kinds("The blast happened at 6:10 a.m.", "The blast happened at about 6:30 a.m.")


def test_two_readings_on_two_days_are_not_a_date_conflict():
    assert kinds("On Monday, 40 percent of trains ran.", "On Tuesday, 70 percent of trains ran.") == []


def test_the_same_happening_in_two_places_conflicts():
    assert "location" in kinds("The summit was held in Vienna.", "The summit was held in Oslo.")


def test_the_same_place_twice_is_not_a_conflict():
    assert kinds("The summit was held in Vienna.", "The summit was held in Vienna, diplomats said.") == []


# --- polarity, denial, status ---------------------------------------------------------------------


def test_a_denial_contradicts_the_report_it_denies():
    assert "denial" in kinds("The coach resigned on Friday.", "The coach denied that he had resigned.")


def test_there_were_no_talks_contradicts_talks_that_were_arranged():
    assert "denial" in kinds("Envoys were due to meet in Pellow on Thursday.",
                             '"There were no talks in Pellow or anywhere else," a spokeswoman said.')


def test_a_negation_needs_the_same_actor_and_object():
    assert kinds("Japan did not sign the accord.", "China signed the accord.") == []


def test_a_call_to_act_is_not_a_report_that_it_happened():
    assert kinds("The union called on the mayor to cancel the parade.", "The parade went ahead on Sunday.") == []


def test_opposite_outcomes_of_the_same_thing_conflict():
    assert "status" in kinds("The plane landed safely in Kerrow.", "The plane crashed near Kerrow.")


def test_opposite_outcomes_of_two_different_things_do_not():
    assert kinds("The company's profit rose 12 percent.", "The company's revenue fell 3 percent.") == []


def test_cancelling_a_kind_of_event_does_not_contradict_one_held_earlier():
    assert kinds("The country tested two missiles last year.", "The country suspended missile tests.") == []


# --- restatements -------------------------------------------------------------------------------


def test_the_same_quote_in_two_outlets_is_never_a_conflict():
    quote = '"We did not get the votes we needed in the end," the senator said on Tuesday.'
    other = 'The senator said: "We did not get the votes we needed in the end."'
    assert kinds(quote, other) == []


def test_two_forecasts_by_different_people_are_not_a_conflict():
    assert kinds('"We won\'t have the meetings if things go badly," the president said.',
                 '"I am going to have an in-depth discussion with him," the prime minister said.') == []


def test_two_schedules_for_one_particular_event_conflict():
    assert "location" in kinds("The cup final will be played in Marrow Bay.", "The cup final will be played in Colton.")


@pytest.mark.parametrize(("a", "b"), [
    ("The envoys met in Lyon on Sunday.", "The envoys met in France on Sunday."),
    ("The lawsuit was filed in Brooklyn on Monday.", "The lawsuit was filed in New York on Monday."),
])
def test_a_city_and_the_country_or_metro_area_it_lies_in_are_one_place(a, b):
    assert "location" not in kinds(a, b)


def test_two_known_cities_far_apart_still_conflict():
    assert "location" in kinds("The envoys met in Lyon on Sunday.", "The envoys met in Madrid on Sunday.")


def test_the_same_weekday_read_by_two_outlets_is_one_day():
    later = MON + timedelta(days=4)
    assert "date" not in kinds("The two presidents will meet on Friday in the week ahead.",
                               "The two presidents are scheduled to meet at a summit next Friday.", MON, later)


def test_an_earlier_occasion_does_not_contradict_a_call_off_now():
    assert kinds("Dock workers last walked out in 2011.",
                 "The dockers' union has suspended the strike that was due to start on Monday.") == []


def test_shares_of_two_different_things_are_not_compared():
    assert kinds("In the vote, 64 percent of members backed the deal, on a turnout of 52 percent.",
                 "Nearly two in three members who voted supported the deal.") == []


def test_head_counts_of_two_named_employers_are_not_compared():
    assert kinds("Copper, the second largest insurer, employs about 6,000 people.",
                 "Orlo Insurance, which was founded in 1931, employs about 9,500 people.") == []


def test_head_counts_of_an_unnamed_and_a_named_employer_are_not_compared():
    assert kinds("The depot, which serves the northern suburbs, employs about 300 people.",
                 "Halden Freight, the region's largest haulier, employs about 2,000 people.") == []


def test_head_counts_of_one_employer_are_compared():
    assert kinds("The Dorval mill employs about 300 people.", "The Dorval mill employs about 800 people.") == ["numeric"]


def test_the_whole_of_a_partitive_is_not_a_count_of_the_part():
    assert kinds("Six of the nine council members voted for the plan.",
                 "Three council members voted for the plan.") == ["numeric"]  # six against three
    assert kinds("Six of the nine council members voted for the plan.",
                 "Six members of the council voted for the plan.") == []  # nine is the council's size


def test_counts_of_two_camps_are_not_compared():
    assert kinds("Six of the nine council members voted for the plan.",
                 "Three council members voted to delay the plan.") == []


# --- empty roles and implicatives ------------------------------------------------------------------


@pytest.mark.parametrize(
    "a, b",
    [
        ("No one was hurt when the roof of the depot caved in.", "Four porters were hurt when the roof of the depot caved in."),
        ("Nobody was arrested after the match in Dorval.", "Police arrested two fans after the match in Dorval."),
        ("None of the miners were injured in the collapse.", "Three miners were injured in the collapse."),
    ],
)
def test_a_role_said_to_be_empty_conflicts_with_people_in_it(a, b):
    assert "negation" in kinds(a, b) or "denial" in kinds(a, b)


@pytest.mark.parametrize(
    "a, b",
    [
        # emptied of one kind only: the other kind may well have been hurt
        ("No passengers were injured in the collision.", "Two crew members were injured in the collision."),
        # two days, two happenings
        ("No one was injured in the fire on Monday.", "Three people were injured in the fire on Sunday."),
    ],
)
def test_an_empty_role_does_not_conflict_with_another_kind_or_day(a, b):
    assert not {"negation", "denial"} & set(kinds(a, b))


def test_refusing_to_sign_conflicts_with_signing():
    assert "negation" in kinds("The mayor of Pellton refused to sign the transit budget.",
                               "The mayor of Pellton signed the transit budget on Thursday.")


def test_declining_to_comment_does_not_conflict_with_a_comment():
    assert kinds("The ambassador declined to comment on the leaked cable.",
                 "The ambassador commented on the leaked cable in a radio interview.") == []


def test_a_happening_that_went_ahead_conflicts_with_its_postponement():
    assert "status" in kinds("The Ardel summit was postponed until May.", "The Ardel summit went ahead as planned on Monday.")


def test_the_same_actor_for_and_against_one_thing_conflicts():
    assert "status" in kinds("Councillor Mireille Dufay voted against the harbour levy.",
                             "Councillor Mireille Dufay voted for the harbour levy on Tuesday.")


@pytest.mark.parametrize(
    "a, b",
    [
        ("Councillor Mireille Dufay voted against the harbour levy.", "Councillor Anton Rees voted for the harbour levy."),
        ("Councillor Mireille Dufay voted against the harbour levy.", "Councillor Mireille Dufay voted for the school budget."),
    ],
)
def test_for_and_against_need_one_actor_and_one_thing(a, b):
    assert "status" not in kinds(a, b)


def test_going_on_and_ending_are_opposite_outcomes():
    assert "status" in kinds("The dockers' strike at Varn has ended.", "The dockers' strike at Varn continues.")


def test_a_negation_and_a_report_on_two_days_do_not_conflict():
    assert kinds("The ferry did not sail on Monday.", "The ferry sailed on Wednesday.") == []


def test_opposite_outcomes_of_two_named_things_do_not_conflict():
    # the second names the first mine too, so the two sentences share a name; their subjects do not
    assert "status" not in kinds("Production at the Ravel mine will end in June, Harrow Metals said.",
                                 "Production at the Stoke mine will continue, and 80 jobs will move here from Ravel.")


def test_a_state_found_is_the_proposition():
    assert "status" in kinds("Rescuers found all four missing divers alive.", "Two of the four missing divers were found dead.")


def test_opposite_states_of_two_people_do_not_conflict():
    assert "status" not in kinds("The pilot was found alive near the wreck.", "The navigator was found dead near the wreck.")


def test_a_cleft_names_the_actor():
    # "it was X who ...": X is the actor, without the clause that describes it
    assert "identity" in kinds("It was Mayor Lena Ruiz who ordered the evacuation of the harbour district.",
                               "Governor Tomas Platt ordered the evacuation of the harbour district.")


@pytest.mark.parametrize(
    "a, b",
    [
        ("Two guards were killed in the attack on the depot.", "No one was killed in the second attack on the depot."),
        ("The blast injured six workers at the mill.", "Another blast at the mill injured two workers."),
    ],
)
def test_a_second_occasion_is_another_happening(a, b):
    assert kinds(a, b) == []


def test_the_same_second_occasion_still_conflicts():
    assert "numeric" in kinds("The second blast at the mill injured six workers.", "The second blast at the mill injured two workers.")


def test_no_plan_to_do_something_conflicts_with_a_plan_to_do_it():
    assert kinds("The bakery chain has no plans to close any of its shops.",
                 "The bakery chain will close 40 of its shops next year.") == ["negation"]


def test_no_intention_is_not_contradicted_by_what_happened_later():
    assert kinds("The minister has no intention to resign.", "The minister resigned on Friday.") == []


def test_no_decision_conflicts_with_an_approval_or_a_rejection_of_the_same_thing():
    assert kinds("No decision has been taken on the merger, the board said.",
                 "The board approved the merger on Thursday.") == ["denial"]
    assert kinds("The regulator has taken no decision on the licence.",
                 "The regulator rejected the licence.") == ["denial"]


@pytest.mark.parametrize(
    "a, b",
    [
        ("The council has taken no decision on the new stadium.", "The council approved the budget for next year."),
        ("The board did not approve the merger.", "The board decided on the merger on Thursday."),
    ],
)
def test_no_decision_on_one_thing_or_no_approval_is_no_conflict(a, b):
    assert kinds(a, b) == []


# --- causes -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "a, b",
    [
        ("The summit was postponed only because the host fell ill.", "The summit was derailed by a row over fishing rights."),
        ("The government blamed the riots on the Hartley gang.", "Police blamed Mayor Dunn's supporters for the riots."),
    ],
)
def test_a_sole_cause_or_another_party_blamed_conflicts_with_another_cause(a, b):
    assert kinds(a, b) == ["cause"]


@pytest.mark.parametrize(
    "a, b",
    [
        # links of one chain: the rain may have waterlogged the pitch
        ("The match was called off because of heavy rain.", "The match was called off because of a waterlogged pitch."),
        ("The blast was caused by a gas leak, the company said.", "Investigators blamed the explosion on a faulty valve."),
        # two happenings named by one verb: different subjects
        ("Flights were delayed only because of fog.", "Trains were delayed only because of a strike."),
        # the same cause in other words
        ("The fire was caused only by an electrical fault.", "The fire was caused by a fault in the wiring."),
    ],
)
def test_causes_that_can_both_hold_do_not_conflict(a, b):
    assert "cause" not in kinds(a, b)


# --- places and groups ----------------------------------------------------------------------------


def test_everyone_in_one_place_conflicts_with_some_of_them_elsewhere():
    assert kinds("All nine crew members died in Porto Leme, the coastguard said.",
                 "In Vassa, 30 km up the coast, the harbour master said two crew members had been killed.") == ["location"]


@pytest.mark.parametrize(
    "a, b",
    [
        # two groups, two places: both can be true
        ("Two miners died in Orvik, the mayor said.", "Three miners had been killed in Selby, the sheriff said."),
        ("Two miners died in Orvik, the mayor said.", "In Selby, the sheriff said three miners had been killed."),
        # a place before "said" may be only where the speaker was
        ("In Kyiv, officials said three people were killed.", "Three people were killed in Kharkiv, officials said."),
    ],
)
def test_tallies_in_two_places_are_two_facts(a, b):
    assert kinds(a, b) == []


def test_two_tallies_in_one_place_still_conflict():
    assert kinds("Two miners died in Orvik, the mayor said.",
                 "Three miners had been killed in Orvik, the sheriff said.") == ["numeric"]


# --- measures, states and roles -----------------------------------------------------------------


def test_one_measure_in_two_spellings_of_its_unit_is_compared():
    assert kinds("The flood left 40 centimetres of mud in Arlen's streets.", "Only 4 cm of mud was left in Arlen's streets.") == ["numeric"]
    assert kinds("Gusts reached 150 km/h on the Tarrow pier.", "The strongest gusts on the Tarrow pier were about 70 kilometres per hour.") == ["numeric"]


def test_reopening_conflicts_with_a_state_that_goes_on():
    assert kinds("Traffic has resumed on the Leitz bridge.", "Traffic on the Leitz bridge remains suspended.") == ["status"]
    assert kinds("Flights resumed at Dunmore airport on Friday morning.", "Dunmore airport stayed shut all day on Friday.") == ["status"]


def test_no_vessel_operating_conflicts_with_the_service_running():
    assert kinds("The Kessel ferry service will run as normal on Sunday.", "No ferries will operate on Sunday.") == ["negation"]


def test_a_misparsed_report_of_nothing_conflicts_with_it():
    assert kinds("The damaged barge leaked fuel into the harbour.", "No fuel leaked from the damaged barge, the port authority said.") == ["negation"]


def test_bare_counts_in_two_different_happenings_are_two_groups():
    assert kinds("About 300 protesters from Dalmar marched to the parliament in Vell on Sunday.",
                 "The 120 protesters, most of them students, spent the night in a square in Vell.") == []


# --- periods ------------------------------------------------------------------------------------


def test_one_period_closed_on_two_days_conflicts():
    assert kinds("The dockers' strike will run from Thursday until Sunday, the union said.",
                 "The union called a strike running from Thursday to Saturday.") == ["date"]


@pytest.mark.parametrize(
    "a, b",
    [
        ("The dockers' strike will run from Monday until Wednesday.", "A second strike will run from Thursday to Saturday."),
        ("The road will be closed from Monday to Wednesday.", "The bridge will be closed from Monday until Friday."),
        ("The dockers' strike will run from Thursday until Sunday.", "The dockers' strike began on Thursday."),
    ],
)
def test_two_periods_or_an_open_one_do_not_conflict(a, b):
    assert "date" not in kinds(a, b)


def test_a_new_date_or_a_deadline_is_not_a_period():
    assert "date" not in kinds("The council has put back its decision on the depot until June 1, a spokesman said.",
                               "The council had until Monday to decide on the depot.")


def test_bare_counts_of_one_happening_named_by_a_verb_and_a_noun_are_compared():
    assert kinds("The accord freed 40 prisoners held by the rebels, a negotiator said.",
                 "The accord provided for the release of 25 prisoners, the negotiator said.") == ["numeric"]


# --- posts --------------------------------------------------------------------------------------


def test_one_post_given_to_two_named_people_conflicts():
    assert kinds("The Harbour Trust named Ines Moreau as its new chief executive on Monday.",
                 "The Harbour Trust appointed Paul Okonjo as chief executive on Monday.") == ["identity"]


@pytest.mark.parametrize(
    "a, b",
    [
        ("The Harbour Trust appointed Ines Moreau as a director.", "The Harbour Trust appointed Paul Okonjo as a director."),
        ("The Harbour Trust appointed Ines Moreau as chief executive.", "The Harbour Trust appointed Paul Okonjo as finance director."),
    ],
)
def test_one_of_several_posts_or_two_posts_do_not_conflict(a, b):
    assert kinds(a, b) == []


# --- settled terms, forced happenings, stated causes --------------------------------------------


def test_a_price_agreed_conflicts_with_another_price_paid():
    assert kinds("Arden Foods has agreed to buy the dairy group Milvale for $90 million, the companies said.",
                 "Milvale is being bought by Arden for 70 million dollars, according to a statement.") == ["numeric"]


def test_a_forecast_still_does_not_meet_the_outcome():
    assert kinds("Arden Foods expects to sell 900 tonnes of cheese this year.",
                 "Arden Foods sold 700 tonnes of cheese this year.") == []


def test_a_forced_calling_off_conflicts_with_the_happening_going_ahead():
    assert kinds("Flooding forced the cancellation of Saturday's regatta on the Lune, organisers said.",
                 "Saturday's regatta on the Lune went ahead despite the flooding.") == ["status"]


def test_a_forced_calling_off_of_another_day_does_not_conflict():
    assert kinds("Flooding forced the cancellation of Saturday's regatta on the Lune, organisers said.",
                 "Sunday's regatta on the Lune went ahead despite the flooding.") == []


def test_the_stated_cause_conflicts_with_another_one_blamed():
    assert kinds("A worn brake was the cause of the tram crash in Olden, investigators said.",
                 "Speeding was to blame for the tram crash in Olden, the inquiry found.") == ["cause"]


def test_one_cause_among_others_does_not_exclude_another():
    assert kinds("A worn brake was one cause of the tram crash in Olden, investigators said.",
                 "Speeding was to blame for the tram crash in Olden, the inquiry found.") == []


def test_denying_having_called_something_so_conflicts_with_calling_it_so():
    assert kinds("The coach said after the game that the referee had been biased.",
                 "The coach denied calling the referee biased.") == ["denial"]


def test_a_denied_dismissal_conflicts_with_the_sacking():
    assert kinds("The club has sacked its manager, Ivo Brandt, two board members said.",
                 "The club rejected reports of Brandt's dismissal.") == ["denial"]


def test_a_toll_in_a_participle_clause_meets_the_toll_of_the_happening():
    assert kinds("The storm hit the coast of Vell on Monday, killing four fishermen, officials said.",
                 "Seven fishermen were killed when the storm hit the coast of Vell on Monday.") == ["numeric"]


def test_a_quashed_conviction_is_the_opposite_of_an_upheld_one():
    assert kinds("The appeals court upheld the conviction of Ivo Brandt on Tuesday.",
                 "The appeals court quashed the conviction of Ivo Brandt on Tuesday.") == ["status"]


def test_a_mention_inside_another_denial_is_no_report_of_the_happening():
    assert kinds("The ministry dismissed the report, saying the two governments had never arranged any talks.",
                 "The ministry said the two governments had held no negotiations this year.") == []


# --- scores -------------------------------------------------------------------------------------


def test_two_final_scores_of_one_match_conflict():
    assert kinds("Harlow Rovers beat Dunmore City 3-1 at home on Saturday, with two late goals.",
                 "Two late goals condemned Dunmore City to a 2-1 defeat at Harlow Rovers on Saturday.") == ["numeric"]


@pytest.mark.parametrize(
    "a, b",
    [
        ("Harlow Rovers beat Dunmore City 3-1 at home on Saturday.", "Dunmore City lost 1-3 to Harlow Rovers on Saturday."),
        ("Harlow Rovers beat Dunmore City 3-1 at home on Saturday.",
         "Harlow Rovers, 1-0 up at the break, beat Dunmore City 3-1 on Saturday."),
        ("Harlow Rovers beat Dunmore City 3-1 at home on Saturday.", "Harlow Rovers lost 2-0 to Elm Park on Saturday."),
        ("Harlow Rovers beat Dunmore City 3-1 at home on Saturday.",
         "Harlow Rovers beat Dunmore City 2-0 in the cup on Wednesday."),
    ],
)
def test_one_score_told_twice_or_scores_of_two_matches_do_not_conflict(a, b):
    assert "numeric" not in kinds(a, b)


# --- periods and states that last until a time --------------------------------------------------


def test_figures_of_two_reporting_periods_do_not_conflict():
    assert kinds("Arden Foods reported a net loss of 12 million euros for the first half.",
                 "Arden Foods made a profit of 8 million euros for the full year.") == []


def test_figures_of_one_reporting_period_still_conflict():
    assert kinds("Arden Foods reported a net profit of 12 million euros for the third quarter.",
                 "Arden Foods made a profit of 8 million euros in the third quarter.") == ["numeric"]


def test_a_state_that_lasts_until_the_opposite_happens_is_no_conflict():
    assert kinds("The depot will close next year, the owners said.",
                 "The owners said the depot would remain open until next year.") == []


def test_an_opposite_before_the_state_ends_conflicts():
    assert kinds("The bridge will reopen to traffic on Friday, the council said.",
                 "The council said the bridge would stay closed until at least next month.") == ["status"]


# --- sides taken by a decision ------------------------------------------------------------------


@pytest.mark.parametrize(
    "a, b",
    [
        ("The Arlen council approved the new stadium on Tuesday.", "The Arlen council voted against the new stadium on Tuesday."),
        ("The Arlen council rejected the new stadium on Tuesday.", "The Arlen council voted for the new stadium on Tuesday."),
    ],
)
def test_approving_a_thing_and_voting_against_it_conflict(a, b):
    assert kinds(a, b) == ["status"]


@pytest.mark.parametrize(
    "a, b",
    [
        ("The Arlen council approved the new stadium on Tuesday.", "The Arlen council voted against the budget on Tuesday."),
        ("The Arlen council approved the new stadium on Tuesday.", "Councillor Ines Dufay voted against the new stadium on Tuesday."),
        ("The Arlen council paid for the new stadium.", "The Arlen council voted against the new stadium."),
    ],
)
def test_sides_on_two_things_by_two_actors_or_without_a_decision_do_not_conflict(a, b):
    assert kinds(a, b) == []


# --- states as of the day they were reported ----------------------------------------------------


def test_a_state_said_to_go_on_conflicts_with_its_opposite_before_it_was_said():
    assert kinds("The Dorne museum reopened to visitors on Saturday after a two-year renovation.",
                 "The Dorne museum remains closed to visitors, a spokesman said on Sunday.") == ["status"]
    assert kinds("The Kessa vaccine was approved by regulators in March.",
                 "Regulators have yet to approve the Kessa vaccine, the agency said in June.") == ["negation"]


def test_a_state_said_to_go_on_does_not_conflict_with_its_opposite_later():
    assert kinds("The Dorne museum will reopen to visitors on Friday.",
                 "The Dorne museum remains closed to visitors, a spokesman said on Sunday.") == []


def test_refusing_to_resign_conflicts_with_resigning():
    assert kinds("The transport minister resigned on Tuesday.",
                 "The transport minister, who has refused to resign, attended Wednesday's cabinet meeting.") in (
        ["negation"], ["denial"])


def test_found_guilty_is_the_opposite_of_acquitted():
    assert kinds("The court acquitted Lena Hart of all charges on Friday.",
                 "Lena Hart was found guilty of fraud on Friday.") == ["status"]
