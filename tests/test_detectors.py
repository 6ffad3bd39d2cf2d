"""Unit tests of the rule-based detectors, on hand-built claims (no extractor involved)."""

from __future__ import annotations

from datetime import date

from factcheck.tasks.detectors import dates, negation, numeric, status
from factcheck.tasks.detectors.text import (
    different_named_subjects,
    features,
    lemma,
    subject_overlap,
)
from factcheck.tasks.models import Claim, DateMention, Quantity


def claim(text: str, numbers=(), dates_=(), **kw) -> Claim:
    return Claim(text=text, position=0, speaker=kw.pop("speaker", "Outlet"), numbers=tuple(numbers),
                 dates=tuple(dates_), **kw)


def qty(sentence: str, span: str, value: float, counted=None, unit=None, approx="exact", upper=None) -> Quantity:
    start = sentence.index(span)
    return Quantity(value, span, start, start + len(span), unit, counted, approx, upper)


def day(sentence: str, span: str, value: date, granularity="day", relative=True) -> DateMention:
    start = sentence.index(span)
    return DateMention(span, start, start + len(span), value, granularity, relative)


# --- text helpers ------------------------------------------------------------------------------


def test_lemma_maps_inflections_to_one_key():
    assert lemma("closed") == lemma("closes") == lemma("closing") == lemma("close")
    assert lemma("cancelled") == lemma("cancel") == lemma("canceled")
    assert lemma("agreed") == lemma("agree") == lemma("agreeing")
    assert lemma("negotiations") == "negotiation" and lemma("talks") == "talk"
    assert lemma("held") == lemma("hold")


def test_entities_skip_sentence_start_and_weekdays():
    f = features("Officials in Brackley said on Monday that Ferrow Mining had shut the pit.")
    assert "brackl" in f.entities and "ferrow" in f.entities
    assert "offici" not in f.entities and not any(e.startswith("monday") for e in f.entities)


def test_sentence_initial_name_with_possessive_is_an_entity():
    assert "ferrow" in features("Ferrow's pit at Dunholt employs 300 miners.").entities


def test_negation_scope_stops_at_clause_boundary():
    f = features("The pit was not flooded, but the pumps failed.")
    negated = {t.lower for t in f.tokens if t.negated}
    assert "flooded" in negated and "pumps" not in negated


def test_did_not_say_negates_nothing_but_the_saying():
    f = features("The firm did not say whether the pit would reopen.")
    assert not any(t.negated for t in f.tokens if t.lower in ("reopen", "pit"))


def test_subject_overlap_high_for_paraphrase_low_for_unrelated():
    a = claim("Ferrow Mining shut the Dunholt pit after the flood.")
    b = claim("The Dunholt pit was shut by Ferrow Mining following a flood.")
    c = claim("Ticket prices for the spring festival went up again.")
    assert subject_overlap(a, b) > 0.6
    assert subject_overlap(a, c) < 0.1


def test_different_named_subjects_with_same_noun():
    assert different_named_subjects("The depot in Carrick closed on Friday.", "The depot in Ormsby stayed open.")
    assert not different_named_subjects("The depot in Carrick closed.", "The Carrick depot stayed open.")


# --- numeric -----------------------------------------------------------------------------------


def test_numeric_conflicting_death_tolls_are_flagged_with_evidence():
    s1 = "The landslide killed 14 people in Penhallow, police said."
    s2 = "The landslide in Penhallow killed 31 people, the mayor said."
    r = numeric.detect(claim(s1, [qty(s1, "14 people", 14, "people")]), claim(s2, [qty(s2, "31 people", 31, "people")]))
    assert r is not None and r.detector == "numeric" and r.weight >= 0.7
    assert "14" in r.message and "31" in r.message and "killed" in r.message
    assert r.evidence_a[0].text == "14 people" and r.evidence_b[0].text == "31 people"


def test_numeric_kill_and_dead_are_the_same_counted_thing():
    s1 = "Seven miners were killed in the collapse at Dunholt."
    s2 = "Twelve miners are dead after the collapse at Dunholt."
    r = numeric.detect(claim(s1, [qty(s1, "Seven miners", 7, "kill")]), claim(s2, [qty(s2, "Twelve miners", 12, "dead")]))
    assert r is not None


def test_numeric_bound_more_than_is_compatible_with_larger_count():
    s1 = "More than 200 people were evacuated from Penhallow."
    s2 = "Officials said 214 people had been evacuated from Penhallow."
    a = claim(s1, [qty(s1, "More than 200 people", 200, "evacuate", approx="more_than")])
    b = claim(s2, [qty(s2, "214 people", 214, "evacuate")])
    assert numeric.detect(a, b) is None


def test_numeric_at_least_is_compatible_with_larger_count():
    s1 = "At least 12 climbers were injured on the ridge."
    s2 = "Fifteen climbers were injured on the ridge, rescuers said."
    a = claim(s1, [qty(s1, "At least 12 climbers", 12, "injure", approx="at_least")])
    b = claim(s2, [qty(s2, "Fifteen climbers", 15, "injure")])
    assert numeric.detect(a, b) is None


def test_numeric_at_least_conflicts_with_smaller_count():
    s1 = "At least 12 climbers were injured on the ridge."
    s2 = "Only five climbers were injured on the ridge, rescuers said."
    a = claim(s1, [qty(s1, "At least 12 climbers", 12, "injure", approx="at_least")])
    b = claim(s2, [qty(s2, "five climbers", 5, "injure")])
    assert numeric.detect(a, b) is not None


def test_numeric_about_is_compatible_within_ten_percent():
    s1 = "About 40 guards were on duty at the depot."
    s2 = "There were 42 guards on duty at the depot."
    a = claim(s1, [qty(s1, "About 40 guards", 40, "guard", approx="about")])
    b = claim(s2, [qty(s2, "42 guards", 42, "guard")])
    assert numeric.detect(a, b) is None


def test_numeric_about_conflicts_with_far_value():
    s1 = "About 40 guards were on duty at the depot."
    s2 = "There were 95 guards on duty at the depot."
    a = claim(s1, [qty(s1, "About 40 guards", 40, "guard", approx="about")])
    b = claim(s2, [qty(s2, "95 guards", 95, "guard")])
    assert numeric.detect(a, b) is not None


def test_numeric_range_contains_value():
    s1 = "Between 30 and 40 boats were damaged in the harbour."
    s2 = "The storm damaged 35 boats in the harbour."
    a = claim(s1, [qty(s1, "30 and 40 boats", 30, "boat", approx="range", upper=40)])
    b = claim(s2, [qty(s2, "35 boats", 35, "boat")])
    assert numeric.detect(a, b) is None


def test_numeric_quarter_equals_twenty_five_percent():
    s1 = "A quarter of the harbour's fleet was damaged by the storm."
    s2 = "The storm damaged 25 percent of the harbour's fleet."
    a = claim(s1, [qty(s1, "A quarter", 25, "percent", unit="percent")])
    b = claim(s2, [qty(s2, "25 percent", 25, "percent", unit="percent")])
    assert numeric.detect(a, b) is None


def test_numeric_basis_points_equal_quarter_percentage_point():
    s1 = "The Ostland central bank raised its rate by 25 basis points."
    s2 = "The Ostland central bank raised its rate by a quarter of a percentage point."
    a = claim(s1, [qty(s1, "25 basis points", 25, None, unit="basis points")])
    b = claim(s2, [qty(s2, "a quarter of a percentage point", 0.25, None, unit="percentage point")])
    assert numeric.detect(a, b) is None


def test_numeric_percent_share_conflict_with_shared_context():
    s1 = "The draft gives Ostland 40 percent of the canal's toll revenue."
    s2 = "The draft gives Ostland a fifth of the canal's toll revenue."
    a = claim(s1, [qty(s1, "40 percent", 40, "percent", unit="percent")])
    b = claim(s2, [qty(s2, "a fifth", 20, "percent", unit="percent")])
    assert numeric.detect(a, b) is not None


def test_numeric_deaths_vs_injuries_not_compared():
    s1 = "The crash on the Kelby bypass killed four people."
    s2 = "Nineteen people were injured in the crash on the Kelby bypass."
    a = claim(s1, [qty(s1, "four people", 4, "people")])
    b = claim(s2, [qty(s2, "Nineteen people", 19, "people")])
    assert numeric.detect(a, b) is None


def test_numeric_percent_vs_count_not_compared():
    s1 = "Turnout at the Kelby vote was 61 percent."
    s2 = "Some 4,000 voters took part in the Kelby vote."
    a = claim(s1, [qty(s1, "61 percent", 61, "percent", unit="percent")])
    b = claim(s2, [qty(s2, "4,000 voters", 4000, "voter")])
    assert numeric.detect(a, b) is None


def test_toll_update_on_later_day_is_not_a_conflict():
    s1 = "The flood killed 12 people on Monday, officials said."
    s2 = "By Tuesday the flood had killed 17 people, officials said."
    a = claim(s1, [qty(s1, "12 people", 12, "kill")], [day(s1, "Monday", date(2026, 4, 6))])
    b = claim(s2, [qty(s2, "17 people", 17, "kill")], [day(s2, "Tuesday", date(2026, 4, 7))])
    assert numeric.detect(a, b) is None


def test_toll_that_rose_to_a_new_figure_is_an_update():
    s1 = "The flood killed 12 people, officials said."
    s2 = "The number of people killed in the flood rose to 17, officials said."
    a = claim(s1, [qty(s1, "12 people", 12, "kill")])
    b = claim(s2, [qty(s2, "17", 17, "kill")])
    assert numeric.detect(a, b) is None


def test_numeric_same_wording_about_different_named_sites_is_not_a_conflict():
    s1 = "The Carrick depot employs around 420 people."
    s2 = "The group's other depot, at Ormsby, employs around 260 people."
    a = claim(s1, [qty(s1, "around 420 people", 420, "people", approx="about")])
    b = claim(s2, [qty(s2, "around 260 people", 260, "people", approx="about")])
    assert numeric.detect(a, b) is None


def test_numeric_sum_of_parts_matches_total():
    s1 = "The union accepted a pay rise of 7 percent over two years."
    s2 = "The pay rise consists of 4 percent this year and a further 3 percent next year."
    a = claim(s1, [qty(s1, "7 percent", 7, "percent", unit="percent")])
    b = claim(s2, [qty(s2, "4 percent", 4, "percent", unit="percent"), qty(s2, "3 percent", 3, "percent", unit="percent")])
    assert numeric.detect(a, b) is None


def test_numeric_forecast_is_not_compared_with_measurement():
    s1 = "The ministry expects the harvest to grow by 3 percent this year."
    s2 = "The harvest grew by 1.2 percent this year, the statistics office said."
    a = claim(s1, [qty(s1, "3 percent", 3, "percent", unit="percent")])
    b = claim(s2, [qty(s2, "1.2 percent", 1.2, "percent", unit="percent")])
    assert numeric.detect(a, b) is None


def test_numeric_part_of_whole_counts_are_not_compared():
    s1 = "Six of the nine judges backed the ruling."
    s2 = "Three of the nine judges opposed the ruling."
    a = claim(s1, [qty(s1, "Six", 6, "judge"), qty(s1, "nine judges", 9, "judge")])
    b = claim(s2, [qty(s2, "Three", 3, "judge"), qty(s2, "nine judges", 9, "judge")])
    assert numeric.detect(a, b) is None


# --- dates -------------------------------------------------------------------------------------


def test_date_conflicting_signing_days():
    s1 = "The ceasefire accord was signed on Monday in Lorvik."
    s2 = "Both sides signed the ceasefire accord on Wednesday in Lorvik."
    a = claim(s1, dates_=[day(s1, "Monday", date(2026, 3, 2))])
    b = claim(s2, dates_=[day(s2, "Wednesday", date(2026, 3, 4))])
    r = dates.detect(a, b)
    assert r is not None and r.detector == "date"
    assert r.evidence_a[0].text == "Monday" and r.evidence_b[0].text == "Wednesday"


def test_date_conflicting_meeting_days_with_explicit_dates():
    s1 = "The two ministers will meet on October 21 in Lorvik."
    s2 = "The ministers are set to meet on October 23, an aide said."
    a = claim(s1, dates_=[day(s1, "October 21", date(2026, 10, 21), relative=False)])
    b = claim(s2, dates_=[day(s2, "October 23", date(2026, 10, 23), relative=False)])
    assert dates.detect(a, b) is not None


def test_date_same_day_is_not_a_conflict():
    s1 = "The ceasefire accord was signed on Monday."
    s2 = "Both sides signed the accord on Monday in Lorvik."
    a = claim(s1, dates_=[day(s1, "Monday", date(2026, 3, 2))])
    b = claim(s2, dates_=[day(s2, "Monday", date(2026, 3, 2))])
    assert dates.detect(a, b) is None


def test_date_deadline_is_not_a_conflict():
    s1 = "The accord must be signed by Friday, the mediator said."
    s2 = "The accord was signed on Wednesday in Lorvik."
    a = claim(s1, dates_=[day(s1, "Friday", date(2026, 3, 6))])
    b = claim(s2, dates_=[day(s2, "Wednesday", date(2026, 3, 4))])
    assert dates.detect(a, b) is None


def test_date_range_is_not_a_conflict():
    s1 = "The dockers will strike from Tuesday to Friday."
    s2 = "The dockers will strike on Thursday, the union said."
    a = claim(s1, dates_=[day(s1, "Tuesday", date(2026, 3, 3)), day(s1, "Friday", date(2026, 3, 6))])
    b = claim(s2, dates_=[day(s2, "Thursday", date(2026, 3, 5))])
    assert dates.detect(a, b) is None


def test_date_of_different_happenings_is_not_a_conflict():
    s1 = "The accord was signed on Monday in Lorvik."
    s2 = "Parliament will debate the accord on Thursday."
    a = claim(s1, dates_=[day(s1, "Monday", date(2026, 3, 2))])
    b = claim(s2, dates_=[day(s2, "Thursday", date(2026, 3, 5))])
    assert dates.detect(a, b) is None


def test_date_month_granularity_is_ignored():
    s1 = "The accord was signed in March."
    s2 = "The accord was signed on April 2."
    a = claim(s1, dates_=[day(s1, "March", date(2026, 3, 1), granularity="month")])
    b = claim(s2, dates_=[day(s2, "April 2", date(2026, 4, 2), relative=False)])
    assert dates.detect(a, b) is None


# --- negation ----------------------------------------------------------------------------------


def test_negation_of_the_same_proposition():
    r = negation.detect(claim("The Halden refinery was evacuated after the leak."),
                        claim("The Halden refinery was not evacuated after the leak."))
    assert r is not None and r.detector == "negation" and r.weight > 0.7
    assert "not" in r.evidence_b[0].text


def test_negation_needs_same_subject():
    assert negation.detect(claim("The Halden refinery was evacuated after the leak."),
                           claim("Schools in the capital were not closed on Friday.")) is None


def test_negation_of_a_different_verb_is_not_a_conflict():
    assert negation.detect(
        claim("The company will keep the Halden refinery shut for two months."),
        claim("The company did not say when the Halden refinery would restart."),
    ) is None


def test_both_sides_negated_agree():
    assert negation.detect(claim("The Halden refinery was not evacuated."),
                           claim("The Halden refinery was not evacuated, staff said.")) is None


def test_negation_with_different_named_subjects_is_not_a_conflict():
    assert negation.detect(claim("No ferries sailed on the Northern Route between Aske and Brill."),
                           claim("Ferries on the Southern Route sailed almost normally.")) is None


def test_denial_of_talks_contradicts_report_of_derailed_talks():
    report = claim("Talks between Ostland and Velmar on fishing rights were derailed by the border clash, officials said.")
    denial = claim('"There were no talks," a Velmar foreign ministry spokeswoman said.')
    r = negation.detect_denial(report, denial)
    assert r is not None and r.detector == "denial" and r.weight >= 0.8
    assert r.evidence_b and "no" in r.evidence_b[0].text.lower()


def test_denial_matches_synonym_of_happening():
    report = claim("Envoys from the two states were due to meet in Corvath next week.")
    denial = claim("The ministry said no such negotiations had ever been planned.")
    assert negation.detect_denial(report, denial) is not None


def test_meeting_that_never_existed_contradicts_postponement():
    a = claim("You cannot call off a summit that never existed.")
    b = claim("The summit has been put back to November, the deputy minister said.")
    assert negation.detect_denial(a, b) is not None


def test_nothing_to_call_off_contradicts_cancellation_report():
    a = claim("Nothing was called off because there was nothing to call off.")
    b = claim("The paper said the planned talks were cancelled after the raid.")
    assert negation.detect_denial(a, b) is not None


def test_denied_that_meeting_was_planned():
    a = claim("The palace denied that any meeting with the rebels had been planned.")
    b = claim("The king was to meet rebel leaders at the palace on Sunday, aides said.")
    assert negation.detect_denial(a, b) is not None


def test_negated_happening_verb_is_a_denial():
    a = claim("Velmar had not negotiated with Ostland about the canal at any point.")
    b = claim("Ostland and Velmar negotiators have met monthly over the canal.")
    assert negation.detect_denial(a, b) is not None


def test_two_denials_agree():
    a = claim("There were no talks in Corvath, the ministry said.")
    b = claim("No negotiations took place, a spokesman said.")
    assert negation.detect_denial(a, b) is None


def test_denial_of_something_else_is_not_a_conflict():
    a = claim("There were no arrests, police said.")
    b = claim("The talks in Corvath went on until late evening.")
    assert negation.detect_denial(a, b) is None


def test_non_denial_sentences_do_not_fire():
    a = claim("Neither company replied to requests for comment.")
    b = claim("The two companies signed the supply deal on Friday.")
    assert negation.detect_denial(a, b) is None


def test_dismissed_report_contradicts_report_sharing_a_name():
    a = claim("Velmar dismissed the report as fiction.")
    b = claim("The Courier reported that Velmar had agreed to a prisoner swap.")
    assert negation.detect_denial(a, b) is not None


# --- status ------------------------------------------------------------------------------------


def test_status_held_vs_cancelled():
    r = status.detect(claim("The Kelby marathon was held on Sunday despite the rain."),
                      claim("Organisers cancelled the Kelby marathon because of the rain."))
    assert r is not None and r.detector == "status"


def test_status_approved_vs_rejected():
    assert status.detect(claim("Lindqvist's board approved the takeover offer on Thursday."),
                         claim("Lindqvist's board rejected the takeover offer, the company said.")) is not None


def test_status_approved_vs_no_decision():
    assert status.detect(claim("The Lindqvist board approved the takeover offer."),
                         claim("The Lindqvist board is still reviewing the takeover offer and has taken no decision.")) is not None


def test_status_rose_vs_fell():
    assert status.detect(claim("Copper prices rose sharply on the Kessel exchange."),
                         claim("Copper prices fell sharply on the Kessel exchange.")) is not None


def test_status_open_vs_closed():
    assert status.detect(claim("The Ardley border crossing reopened to lorries."),
                         claim("The Ardley border crossing stayed shut to lorries.")) is not None


def test_status_same_outcome_is_not_a_conflict():
    assert status.detect(claim("The Kelby marathon was cancelled."),
                         claim("Organisers called off the Kelby marathon.")) is None


def test_same_wording_about_different_plants_is_not_a_contradiction():
    assert status.detect(claim("The bottling plant in Carrick closed after the flood."),
                         claim("The bottling plant in Ormsby stayed open after the flood.")) is None


def test_status_update_on_later_day_is_not_a_conflict():
    a = "The coast road was blocked by a rockfall on Sunday."
    b = "The coast road reopened to traffic on Monday."
    assert status.detect(claim(a, dates_=[day(a, "Sunday", date(2026, 3, 1))]),
                         claim(b, dates_=[day(b, "Monday", date(2026, 3, 2))])) is None


def test_status_declined_to_comment_is_not_a_refusal():
    assert status.detect(claim("The Lindqvist board approved the offer."),
                         claim("The Lindqvist board declined to comment on the offer.")) is None


def test_status_negated_or_modal_words_are_ignored():
    assert status.detect(claim("The Kelby marathon was held on Sunday."),
                         claim("The Kelby marathon could be cancelled if the rain continues.")) is None


def test_status_opposites_about_unrelated_subjects_are_ignored():
    assert status.detect(claim("Bread prices rose in Kessel."),
                         claim("Unemployment fell across the north.")) is None


# --- refinements ---------------------------------------------------------------------------------


def test_date_clock_times_of_the_same_blast_conflict():
    s1 = "The blast at the Halden refinery happened at 5:15 a.m."
    s2 = "The explosion, at about 8.30 a.m., shook the Halden refinery."
    a = claim(s1, dates_=[day(s1, "5:15 a.m.", None, granularity="time", relative=False)])
    b = claim(s2, dates_=[day(s2, "8.30 a.m.", None, granularity="time", relative=False)])
    r = dates.detect(a, b)
    assert r is not None and "5:15" in r.message and "8.30" in r.message


def test_date_clock_time_in_another_zone_is_ignored():
    s1 = "The blast at the Halden refinery happened at 5:15 a.m. (0315 GMT)."
    s2 = "The explosion shook the Halden refinery at 5:20 a.m."
    a = claim(s1, dates_=[day(s1, "5:15 a.m.", None, granularity="time"), day(s1, "0315 GMT", None, granularity="time")])
    b = claim(s2, dates_=[day(s2, "5:20 a.m.", None, granularity="time")])
    assert dates.detect(a, b) is None


def test_no_immediate_reports_is_not_a_denial():
    assert negation.denial_of("There were no immediate reports of an explosion at the depot.") is None


def test_someone_elses_denial_reported_is_not_a_denial():
    assert negation.denial_of("The president hit back at Velmar's insistence that no talks ever took place.") is None


def test_denial_of_a_property_needs_two_shared_words():
    a = claim("Three firefighters were among the injured, the brigade said.")
    b = claim("The mayor said none of the injured were firefighters.")
    c = claim("The mayor said none of the injured were tourists.")
    assert negation.detect_denial(a, b) is not None
    assert negation.detect_denial(a, c) is None


def test_status_direction_needs_the_same_measure():
    assert status.detect(claim("The bank raised interest rates again."),
                         claim("The bank cut its growth forecast.")) is None


def test_numeric_rate_per_day_is_not_compared_with_a_total():
    s1 = "The blockade cost shippers up to 40 million crowns a day."
    s2 = "The blockade cost shippers 300 million crowns in total."
    a = claim(s1, [qty(s1, "up to 40 million crowns", 40e6, "cost", unit="crown", approx="at_most")])
    b = claim(s2, [qty(s2, "300 million crowns", 300e6, "cost", unit="crown")])
    assert numeric.detect(a, b) is None


def test_numeric_figures_of_different_things_named_after_them_are_not_compared():
    s1 = "A magnitude 6.2 earthquake hit the Orsa valley on Sunday."
    s2 = "A magnitude 4.9 aftershock hit the Orsa valley on Sunday."
    a = claim(s1, [qty(s1, "magnitude 6.2", 6.2, "magnitude")])
    b = claim(s2, [qty(s2, "magnitude 4.9", 4.9, "magnitude")])
    assert numeric.detect(a, b) is None


# --- numbers with what they count ---------------------------------------------------------------


def test_numeric_agreement_on_another_counted_thing_does_not_cancel_a_conflict():
    s1 = "The Morwen Star was carrying 52 passengers and three crew when it ran aground."
    s2 = "The old barge carried 37 passengers and a crew of three on the short run."
    a = claim(s1, [qty(s1, "52 passengers", 52, "passengers"), qty(s1, "three crew", 3, "crew")])
    b = claim(s2, [qty(s2, "37 passengers", 37, "passengers"), qty(s2, "three", 3, "crew")])
    r = numeric.detect(a, b)
    assert r is not None and "52 passengers" in r.message and "37 passengers" in r.message
    assert r.evidence_a[0].text == "52 passengers" and r.evidence_b[0].text == "37 passengers"


def test_numeric_agreement_on_the_same_counted_thing_cancels():
    s1 = "The Morwen Star was carrying 52 passengers and three crew when it ran aground."
    s2 = "The old barge carried 52 passengers, the harbour office said."
    a = claim(s1, [qty(s1, "52 passengers", 52, "passengers"), qty(s1, "three crew", 3, "crew")])
    b = claim(s2, [qty(s2, "52 passengers", 52, "passengers")])
    assert numeric.detect(a, b) is None


def test_numeric_same_specific_counted_noun_is_enough_context():
    s1 = "The plan would have freed 27 hostages held by the militia, a mediator said."
    s2 = "He said the draft provided for the release of 12 hostages in total."
    a = claim(s1, [qty(s1, "27 hostages", 27, "hostages")])
    b = claim(s2, [qty(s2, "12 hostages", 12, "hostages")])
    r = numeric.detect(a, b)
    assert r is not None and "(total)" in r.message


def test_numeric_total_is_compared_with_the_sum_of_parts():
    s1 = "The baker will cut 640 posts across the country in total, its chairman said."
    s2 = "The cuts comprise 500 posts at the Orvik bakery and 250 at the depot in Sallow."
    a = claim(s1, [qty(s1, "640 posts", 640, "posts")])
    b = claim(s2, [qty(s2, "500 posts", 500, "posts"), qty(s2, "250", 250, "bakery")])
    r = numeric.detect(a, b)
    assert r is not None and "= 750" in r.message
    assert {e.text for e in r.evidence_b} == {"500 posts", "250"}


def test_numeric_parts_that_add_up_to_the_total_agree():
    s1 = "The baker will cut 750 posts across the country in total, its chairman said."
    s2 = "The cuts comprise 500 posts at the Orvik bakery and 250 at the depot in Sallow."
    a = claim(s1, [qty(s1, "750 posts", 750, "posts")])
    b = claim(s2, [qty(s2, "500 posts", 500, "posts"), qty(s2, "250", 250, "bakery")])
    assert numeric.detect(a, b) is None


def test_numeric_part_of_a_whole_is_not_the_whole():
    s1 = "About 45 of the 130 posts will go to graduates, the mill said."
    s2 = "The new paper mill at Dorrow will create 130 posts, the council said."
    a = claim(s1, [qty(s1, "About 45", 45, "posts", approx="about"), qty(s1, "130 posts", 130, "posts")])
    b = claim(s2, [qty(s2, "130 posts", 130, "posts")])
    assert numeric.detect(a, b) is None


def test_numeric_some_of_the_group_is_not_the_group_size():
    s1 = "A clinic spokesman said four of the injured were in a serious condition."
    s2 = "Nineteen people were injured in the crash on the Pellow bypass."
    a = claim(s1, [qty(s1, "four", 4, "injured")])
    b = claim(s2, [qty(s2, "Nineteen people", 19, "people")])
    assert numeric.detect(a, b) is None


def test_numeric_historic_figure_is_not_compared_with_a_current_one():
    s1 = "Orlo has built tractors in Fennick since 1955, and at its peak in the 1980s the works employed 5,200 people."
    s2 = "The Fennick works employs 1,900 people, the company said."
    a = claim(s1, [qty(s1, "5,200 people", 5200, "people")])
    b = claim(s2, [qty(s2, "1,900 people", 1900, "people")])
    assert numeric.detect(a, b) is None


def test_numeric_founding_year_does_not_make_a_current_figure_historic():
    s1 = "Pellam, which was founded in Ostry in 1971, runs 410 shops and employs about 9,000 people."
    s2 = "Pellam's 380 shops range from kiosks to department stores."
    a = claim(s1, [qty(s1, "410 shops", 410, "shops")])
    b = claim(s2, [qty(s2, "380 shops", 380, "shops")])
    assert numeric.detect(a, b) is not None


def test_numeric_rise_and_lift_count_the_same_thing_and_parts_add_up():
    s1 = "The improved deal would have lifted wages by 6 per cent over two years."
    s2 = "The bus company's offer consisted of a 2 percent rise in April and a further 3 percent a year later."
    a = claim(s1, [qty(s1, "6 per cent", 6, "wages", unit="percent")])
    b = claim(s2, [qty(s2, "2 percent rise", 2, "rise", unit="percent"), qty(s2, "3 percent", 3, None, unit="percent")])
    r = numeric.detect(a, b)
    assert r is not None and "= 5" in r.message


def test_numeric_speech_on_another_day_does_not_block_a_plan_figure():
    s1 = "Brindle said on Monday it would cut 900 posts."
    s2 = "Brindle will cut 600 posts, its chairman told staff on Tuesday."
    a = claim(s1, [qty(s1, "900 posts", 900, "posts")], [day(s1, "Monday", date(2026, 5, 4))])
    b = claim(s2, [qty(s2, "600 posts", 600, "posts")], [day(s2, "Tuesday", date(2026, 5, 5))])
    assert numeric.detect(a, b) is not None


def test_numeric_latest_offer_is_an_update():
    s1 = "The airline's latest offer, tabled on Sunday, is a 3 percent pay rise."
    s2 = "The earlier proposal would have lifted pay by 4.5 per cent."
    a = claim(s1, [qty(s1, "3 percent pay rise", 3, "rise", unit="percent")])
    b = claim(s2, [qty(s2, "4.5 per cent", 4.5, "pay", unit="percent")])
    assert numeric.detect(a, b) is None


# --- status: opposite directions, calling off vs taking place ------------------------------------


def test_status_rise_vs_fall_of_the_same_named_shares():
    s1 = "Corbel shares rose 2.1 percent in Aster on Friday, as traders cheered the results."
    s2 = "Corbel's shares fell 4 per cent on Friday as traders fretted about debt."
    r = status.detect(claim(s1), claim(s2))
    assert r is not None and r.evidence_a[0].text == "rose" and r.evidence_b[0].text == "fell"


def test_status_suspended_then_resumed_is_a_sequence():
    s1 = "All ferries to Kell were suspended until further notice, the operator said."
    s2 = "The operator resumed its Kell ferries on Wednesday with a spare boat."
    assert status.detect(claim(s1), claim(s2)) is None


def test_status_planned_happening_called_off_vs_it_took_place():
    s1 = "The dockers' union has cancelled the strike that was due to start at dawn, the port said."
    s2 = "Quays in Varn lay idle on Friday as a walkout by dockers halted most shipping."
    r = status.detect_called_off(claim(s1), claim(s2))
    assert r is not None and "cancelled the strike" in r.evidence_a[0].text and "walkout" in r.evidence_b[0].text


def test_status_earlier_happening_is_not_the_called_off_one():
    s1 = "The dockers' union has cancelled the strike that was due to start at dawn, the port said."
    s2 = "It would have been the first dock strike since 2017, when a week-long walkout cost exporters dearly."
    assert status.detect_called_off(claim(s1), claim(s2)) is None


# --- denial scope --------------------------------------------------------------------------------


def test_denial_of_talks_on_an_accord_covers_the_signing():
    s1 = "The two ministries had been due to sign the grazing accord in Hollin on Friday."
    s2 = '"There were no talks on a grazing accord, in Hollin or anywhere else," the spokesman said.'
    r = negation.detect_denial(claim(s1), claim(s2))
    assert r is not None and r.evidence_a and r.evidence_b


def test_denial_of_casualties_in_an_attack_does_not_deny_the_attack():
    s1 = "Gunmen carried out the attack on the Tarrow depot at dawn, police said."
    s2 = "There were no casualties in the attack, the army said."
    assert negation.detect_denial(claim(s1), claim(s2)) is None


# --- causes ----------------------------------------------------------------------------------------


def test_cause_exclusive_cause_vs_another_cause_of_the_setback():
    from factcheck.tasks.detectors import cause

    s1 = "The summit fell apart after border guards detained a Varn trade envoy, two diplomats said."
    s2 = "Osric said the meeting had been postponed only because the host's prime minister had caught flu."
    r = cause.detect(claim(s1), claim(s2))
    assert r is not None and "after border guards" in r.evidence_a[0].text and "only because" in r.evidence_b[0].text


def test_cause_two_non_exclusive_causes_can_both_hold():
    from factcheck.tasks.detectors import cause

    s1 = "The summit was postponed because of the storm, officials said."
    s2 = "The meeting was postponed because the host's prime minister had caught flu."
    assert cause.detect(claim(s1), claim(s2)) is None


def test_cause_not_because_excludes_the_other_cause():
    from factcheck.tasks.detectors import cause

    s1 = "The barge was tipped over by a freak wave, its owner said."
    s2 = "The barge capsized because its pump failed, not because of the sea, the inspector said."
    assert cause.detect(claim(s1), claim(s2)) is not None


def test_cause_due_to_meet_is_a_schedule_not_a_cause():
    from factcheck.tasks.detectors import cause

    s1 = "Envoys had been due to meet in Porlock on Monday, the officials said."
    s2 = "The meeting had been postponed only because the chairman had caught flu."
    assert cause.detect(claim(s1), claim(s2)) is None


# --- rules-2 additions: fictional sentences written for these tests -----------------------------

from datetime import datetime, timezone  # noqa: E402

from factcheck.tasks.claims import claims_from_statement  # noqa: E402
from factcheck.tasks.detectors import location, record  # noqa: E402
from factcheck.tasks.detectors.text import features as _features  # noqa: E402
from factcheck.tasks.detectors.text import part_vs_whole  # noqa: E402

_PUB = datetime(2031, 5, 14, 9, 0, tzinfo=timezone.utc)


def stated(text: str) -> Claim:
    found = claims_from_statement(text, _PUB)
    assert len(found) == 1, found
    return found[0]


def test_phrasal_verb_go_back_is_return():
    assert "return" in _features("Some miners had gone back to the pits.").content
    assert "back" not in _features("Some miners had gone back to the pits.").content


def test_phrase_going_through_the_draft_is_talks():
    assert "talks" in _features("Their lawyers have been going through the draft line by line in Pellam.").classes
    assert "talks" not in _features("The lorry went through the tunnel at noon.").classes


def test_denial_paraphrased_return_to_work():
    a = claim("The ferry company said some deckhands returned to work on Sunday.")
    b = claim("Union leader Ada Morrow denied that any deckhands had gone back to work.")
    r = negation.detect_denial(a, b)
    assert r is not None and r.detector == "denial"


def test_denial_return_to_work_not_matched_by_return_to_talks():
    a = claim("The two sides went back into talks at the ministry on Friday.")
    b = claim("Union leader Ada Morrow denied that any deckhands had gone back to work.")
    assert negation.detect_denial(a, b) is None


def test_exhaustive_denial_meets_paraphrased_negotiation():
    a = claim('"Our clerks and theirs have been going through the fisheries text in Ostra since May," the minister said.')
    b = claim("The Velmar cabinet said it had held no negotiations of any kind with Kessia this year.")
    r = negation.detect_denial(a, b)
    assert r is not None and r.weight >= 0.8


def test_non_exhaustive_denial_needs_a_link():
    a = claim('"Our clerks and theirs have been going through the fisheries text in Ostra since May," the minister said.')
    b = claim("The Velmar cabinet said its envoys had held no negotiations with Kessia about the border fence.")
    assert negation.detect_denial(a, b) is None


def test_denial_repeated_inside_a_report_is_not_a_conflict():
    a = claim("Velmar on Monday rejected the claim, saying talks had never taken place.")
    b = claim("Kessia's premier hit back at Velmar's insistence that no talks ever took place, calling it absurd.")
    assert negation.detect_denial(a, b) is None or negation.detect_denial(a, b).weight > 0.8


def test_denied_intention_needs_a_stated_intention():
    denial = claim("Orvik said it had no plans to close any depots after the merger.")
    price = claim("Orvik shares rose 4 per cent to close at 12 crowns after the merger was announced.")
    plan = claim("Orvik's finance chief said 12 depots would close after the merger.")
    assert negation.detect_denial(denial, price) is None
    assert negation.detect_denial(denial, plan) is not None


def test_denial_scoped_to_another_time_is_not_a_conflict():
    a = claim("We complained about open flames near the silos in the summer, the foreman said.")
    b = claim("There were no open flames near the silos that night, the owner said.")
    assert negation.detect_denial(a, b) is None


def test_numeric_part_vs_whole_employment():
    assert part_vs_whole("The depot, which serves Orvik's northern stores, employs about 300 people.",
                         "Orvik, founded in 1911, employs about 9,000 people.")
    assert not part_vs_whole("The depot employs about 300 people.", "The depot employs about 500 people.")


def test_numeric_figure_words_of_another_figure_are_not_context():
    a = stated("The lira weakened 0.8 per cent against the euro after the announcement.")
    b = stated("The hike, to 3.5 per cent, means a family with a 100,000 lira mortgage pays about 90 lira more a month.")
    assert numeric.detect(a, b) is None


def test_numeric_aftershock_vs_quake_not_compared():
    a = stated("A magnitude 4.2 aftershock shook Tarvo at dawn.")
    b = stated("The earthquake, of magnitude 5.9, was felt across the Tarvo valley.")
    assert numeric.detect(a, b) is None


def test_status_attributive_closing_is_not_a_closure():
    hits = status.status_hits("The bid is a 30 per cent premium to Orvik's closing price on Monday.")
    assert not [h for h in hits if h.axis == "open"]
    assert [h for h in status.status_hits("Orvik closed the depot on Monday.") if h.axis == "open"]


def test_location_exclusive_place_conflicts_with_other_place():
    a = claim("All six victims died in Tarvo itself, the prefect said.")
    b = claim("In Morrel, a hamlet 15 km to the south, a shepherd was killed by falling rocks.")
    r = location.detect(a, b)
    assert r is not None and r.detector == "location"


def test_location_places_that_add_up_are_not_a_conflict():
    a = claim("Four people died in Tarvo, the prefect said.")
    b = claim("In Morrel, a hamlet 15 km to the south, a shepherd was killed by falling rocks.")
    assert location.detect(a, b) is None


def test_location_different_happening_is_not_a_conflict():
    a = claim("All six victims died in Tarvo itself, the prefect said.")
    b = claim("In Morrel, twelve people were evacuated from a school.")
    assert location.detect(a, b) is None


def test_record_span_further_back_than_since_year():
    a = stated("It was the wettest month recorded in Ostland in more than 80 years, the agency said.")
    b = stated("The month was the wettest in the southern valleys since 2002, when floods swept the region.")
    r = record.detect(a, b)
    assert r is not None and r.detector == "record"


def test_record_consistent_spans_are_not_a_conflict():
    a = stated("It was the wettest month recorded in Ostland in 20 years, the agency said.")
    b = stated("The month was the wettest in the southern valleys since 2002, when floods swept the region.")
    assert record.detect(a, b) is None


def test_record_different_superlatives_are_not_compared():
    a = stated("It was the wettest month recorded in Ostland in more than 80 years, the agency said.")
    b = stated("The month was the hottest in the southern valleys since 2002, the agency said.")
    assert record.detect(a, b) is None
