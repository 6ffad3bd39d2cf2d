"""Numbers with what they count (tasks/claims/quantities.py)."""

from __future__ import annotations

import pytest

from factcheck.tasks.claims.quantities import find_quantities, lemma


def quantities(sentence: str) -> list[tuple]:
    return [(q.value, q.unit, q.counted, q.approx) for q in find_quantities(sentence)]


def only(sentence: str):
    found = find_quantities(sentence)
    assert len(found) == 1, found
    return found[0]


def test_spans_are_offsets_into_the_sentence():
    sentence = "Rescuers said at least 14 people were trapped in the mine."
    q = only(sentence)
    assert sentence[q.start:q.end] == q.text == "at least 14 people"


def test_casualty_verb_after_the_noun_wins_over_the_noun():
    q = only("At least 14 people were killed in the collapse.")
    assert (q.value, q.counted, q.approx) == (14, "kill", "at_least")


def test_casualty_verb_before_the_number():
    assert quantities("The fire killed 14 and injured 31, officials said.") == [
        (14, None, "kill", "exact"), (31, None, "injure", "exact")]


def test_participle_clause_counts_the_casualty():
    assert quantities("A landslide hit the road, killing six drivers and injuring 23.") == [
        (6, None, "kill", "exact"), (23, None, "injure", "exact")]


def test_bare_count_with_following_casualty_verb():
    assert quantities("More than 20 were hurt.") == [(20, None, "hurt", "more_than")]
    assert quantities("Three miners died of their injuries.") == [(3, None, "die", "exact")]


def test_plain_count_uses_the_head_noun():
    q = only("The smelter employs 4,000 workers.")
    assert (q.value, q.counted, q.text) == (4000, "worker", "4,000 workers")


def test_adjectives_before_the_head_noun_are_skipped():
    assert only("Two elderly fishermen were rescued.").counted == "rescue"
    assert only("The two largest regional carriers merged.").counted == "carrier"


def test_number_words_and_a_dozen():
    assert quantities("Twelve pumps and a dozen tankers arrived, with forty thousand litres.") == [
        (12, None, "pump", "exact"), (12, None, "tanker", "exact"), (40000, "litre", None, "exact")]


def test_scale_words_multiply():
    assert only("The port handles 1.2 million containers.").value == 1_200_000


def test_currency_symbol_and_scale_give_usd():
    q = only("The $2.1 billion bridge opened in spring.")
    assert (q.value, q.unit, q.counted) == (2_100_000_000, "usd", "bridge")


def test_currency_words_and_per_unit():
    q = only("Bidders offered 41.50 crowns per share.")
    assert (q.value, q.unit, q.counted) == (41.5, "crown", "share")


def test_percent_spellings_are_one_unit():
    for sentence in ("Turnout was 32 percent.", "Turnout was 32 per cent.", "Turnout was 32%."):
        q = only(sentence)
        assert (q.value, q.unit, q.counted) == (32, "percent", "turnout")


def test_percent_of_a_noun_counts_that_noun():
    q = only("The lake supplies 40 per cent of the region's drinking water.")
    assert (q.value, q.counted) == (40, "water")


def test_percent_followed_by_an_adjective():
    assert only("The reservoir was 12 per cent full on Monday.").counted == "full"


def test_percent_after_a_movement_verb_counts_its_subject():
    assert only("Copper futures fell 4 percent in early trading.").counted == "future"
    assert only("The average rent in Carrow rose 2.5 per cent.").counted == "rent"


def test_fraction_words_are_percentages():
    assert quantities("Nearly a third of the harvest was lost.") == [
        (33.333, "percent", "harvest", "about")]
    assert quantities("Roughly seven-tenths of the wells ran dry.") == [
        (70.0, "percent", "well", "about")]
    assert quantities("Sales dropped by half.") == [(50.0, "percent", "sale", "exact")]


def test_fraction_of_a_unit_is_a_fraction_not_a_percentage():
    q = only("The bank cut its rate by a quarter of a percentage point.")
    assert (q.value, q.unit) == (0.25, "pp")
    assert only("The lira slipped more than half a percent.").value == 0.5


def test_a_quarter_meaning_three_months_is_not_a_quantity():
    assert find_quantities("Losing the mill for a quarter would hurt.") == ()


def test_basis_points_and_percentage_points():
    assert quantities("The rate rose by 25 basis points to 3.75 percent.") == [
        (25, "bp", "rate", "exact"), (3.75, "percent", "rate", "exact")]
    assert only("Yields climbed 0.4 percentage points.").unit == "pp"


@pytest.mark.parametrize("sentence, unit", [
    ("The convoy drove 120 km overnight.", "km"),
    ("The wall is 190 metres long.", "metre"),
    ("The wall is 190 meters long.", "metre"),
    ("The pipeline runs 40 kilometres inland.", "km"),
    ("The ship carried 9,000 tonnes of grain.", "tonne"),
    ("Temperatures reached 41 degrees in the valley.", "degree"),
    ("The siege lasted 36 hours.", "hour"),
    ("The strike lasted 12 days.", "day"),
])
def test_units(sentence, unit):
    assert only(sentence).unit == unit


def test_hyphenated_unit_counts_the_following_noun():
    q = only("Engineers inspected the 190-metre concrete wall.")
    assert (q.value, q.unit, q.counted) == (190, "metre", "wall")


@pytest.mark.parametrize("sentence, approx", [
    ("About 40 boats were damaged.", "about"),
    ("Around 40 boats were damaged.", "about"),
    ("Some 40 boats were damaged.", "about"),
    ("Almost 40 boats were damaged.", "about"),
    ("At least 40 boats were damaged.", "at_least"),
    ("More than 40 boats were damaged.", "more_than"),
    ("Over 40 boats were damaged.", "more_than"),
    ("Fewer than 40 boats were damaged.", "less_than"),
    ("Under 40 boats were damaged.", "less_than"),
    ("Up to 40 boats were damaged.", "at_most"),
    ("At most 40 boats were damaged.", "at_most"),
    ("Exactly 40 boats were damaged.", "exact"),
])
def test_approximations_and_bounds(sentence, approx):
    q = only(sentence)
    assert (q.value, q.approx, q.counted) == (40, approx, "boat")


def test_ranges_have_an_upper_bound():
    for sentence in ("Between 12 and 15 climbers are missing.", "12 to 15 climbers are missing.",
                     "12-15 climbers are missing."):
        q = only(sentence)
        assert (q.value, q.upper, q.approx, q.counted) == (12, 15, "range", "missing")


def test_range_with_shared_scale():
    q = only("The flood displaced between 1.2 and 1.5 million people.")
    assert (q.value, q.upper, q.approx) == (1_200_000, 1_500_000, "range")


def test_vote_tally_and_change_from_x_to_y_are_not_ranges():
    assert [q.approx for q in find_quantities("Councillors voted 31 to 18 in favour.")] == [
        "exact", "exact"]
    found = find_quantities("Inflation moved from 3.75 to 4 per cent.")
    assert [(q.value, q.unit, q.approx) for q in found] == [
        (3.75, "percent", "exact"), (4, "percent", "exact")]


def test_edged_up_to_is_a_level_not_a_bound():
    q = only("Unemployment edged up to 5.3 per cent.")
    assert (q.approx, q.counted) == ("exact", "unemployment")


def test_over_a_period_is_not_a_bound():
    found = find_quantities("Pay rises 4 percent over two years.")
    assert [(q.unit, q.approx) for q in found] == [("percent", "exact"), ("year", "exact")]


def test_ratio_in_words_is_a_percentage():
    q = only("More than four in five members backed the strike.")
    assert (q.value, q.unit, q.counted, q.approx) == (80, "percent", "member", "more_than")
    assert only("The airline ran one flight in five.").value == 20


def test_death_toll_counts_deaths():
    assert only("The death toll from the storm rose to 11 on Monday.").counted == "death"
    assert only("The number of people killed by the blast rose to nine.").counted == "kill"


def test_dates_times_and_years_are_not_quantities():
    assert find_quantities("On March 3, 2031, at 6:40 a.m., the 1994 accord lapsed.") == ()
    assert find_quantities("The rebels returned in 2011 and again in the 1990s.") == ()


def test_ordinals_labels_and_street_numbers_are_not_quantities():
    assert find_quantities("It was the 3rd attempt, the first since then.") == ()
    assert find_quantities("Trams on Line 3 stopped near 12 Mill Street.") == ()
    assert find_quantities("No one was hurt, and one of the pilots said so.") == ()


def test_ages_are_kept_as_year_old():
    assert quantities("Rescuers found a 34-year-old woman alive.") == [
        (34, "year", "year old", "exact")]
    assert quantities("Tomas Reid, 61, watched from his porch.") == [
        (61, "year", "year old", "exact")]


def test_magnitude_counts_magnitude():
    assert only("A magnitude 5.9 aftershock hit at dawn.").counted == "magnitude"


def test_vague_plurals_are_lower_bounds():
    q = only("Dozens of people were injured.")
    assert (q.value, q.approx, q.counted) == (24, "at_least", "injure")


def test_lemma_normalisation():
    assert [lemma(w) for w in ("deaths", "killed", "killing", "injured", "injuring", "evacuated",
                               "casualties", "children", "people", "trapped", "Workers'")] == [
        "death", "kill", "kill", "injure", "injure", "evacuate", "casualty", "child", "people",
        "trap", "worker"]


# --- counted: amounts, percentages, ellipsis ----------------------------------------------------


def test_money_counts_the_noun_it_is_an_amount_of():
    q = only("The firm posted a net loss of 42 million florins for the year.")
    assert (q.value, q.unit, q.counted) == (42e6, "florin", "loss")
    q = only("It will open a 12-million-florin warehouse near the port.")
    assert (q.value, q.unit, q.counted) == (12e6, "florin", "warehouse")


def test_money_taken_off_something_counts_that_thing():
    q = only("The news sent shares down, wiping 300 million crowns off the firm's market value.")
    assert q.counted == "value"


def test_money_after_a_verb_counts_its_subject_or_cost():
    assert only("Investors would receive 15 crowns in cash.").counted == "investor"
    assert only("The closure will cost the region 90 million crowns a year.").counted == "cost"


@pytest.mark.parametrize("sentence, counted", [
    ("The yield on ten-year bonds rose to 4.1 percent.", "yield"),
    ("Retail prices for heating oil on the spot market rose 7 percent.", "price"),
    ("The currency weakened 1.5 percent against the euro.", "currency"),
    ("The agency expects exports to grow by 2 percent.", "export"),
])
def test_percentage_counts_the_thing_that_changes(sentence, counted):
    found = [q for q in find_quantities(sentence) if q.unit == "percent"]
    assert [q.counted for q in found] == [counted]


def test_head_noun_skips_more_and_stops_before_time_phrase():
    assert only("Rescuers found two more bodies on Friday.").counted == "body"
    assert only("The dairy sold 12 million litres of milk last year.").counted == "milk"
    assert only("The storm ended with the loss of 9 lives.").counted == "life"


def test_elliptical_count_inherits_the_noun_of_the_previous_count():
    found = find_quantities("The cuts include 400 jobs at the mill and 150 at the depot.")
    assert [(q.value, q.counted) for q in found] == [(400, "job"), (150, "job")]
    found = find_quantities("The blast killed six people and injured 23.")
    assert [q.counted for q in found] == ["kill", "injure"]


def test_lemma_restores_final_e_after_c_v_dg():
    assert [lemma(w) for w in ("sentenced", "moved", "pledged", "locked", "discussed")] == [
        "sentence", "move", "pledge", "lock", "discuss"]
