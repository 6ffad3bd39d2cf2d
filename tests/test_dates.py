"""Date and time mentions resolved against the publication time (tasks/claims/dates.py)."""

from __future__ import annotations

from datetime import date, datetime, timezone

from factcheck.tasks.claims.dates import date_spans, find_dates

WEDNESDAY = datetime(2031, 3, 12, 9, 0, tzinfo=timezone.utc)  # Wednesday 12 March 2031
FRIDAY = datetime(2031, 3, 14, 17, 0, tzinfo=timezone.utc)


def one(sentence: str, published_at: datetime | None = WEDNESDAY):
    mentions = find_dates(sentence, published_at)
    assert len(mentions) == 1, mentions
    return mentions[0]


def test_month_day_without_year_takes_publication_year():
    d = one("The inquiry will report on April 4, the ministry said.")
    assert (d.value, d.granularity, d.relative) == (date(2031, 4, 4), "day", False)
    assert d.text == "April 4"


def test_abbreviated_month_with_full_stop():
    d = one("The vote was held on Feb. 27 in Carrow.")
    assert d.value == date(2031, 2, 27)
    assert d.text == "Feb. 27"


def test_day_month_year_and_iso_dates():
    assert one("The lease expires on 21 October 2033.").value == date(2033, 10, 21)
    assert one("The filing is dated 2030-12-01.").value == date(2030, 12, 1)


def test_explicit_date_near_new_year_takes_closest_year():
    january = datetime(2031, 1, 3, tzinfo=timezone.utc)
    assert one("The cargo ship ran aground on December 29.", january).value == date(2030, 12, 29)


def test_weekday_with_explicit_date_is_one_mention():
    d = one("The strike began on Monday, March 10, at the Holt mine.")
    assert d.value == date(2031, 3, 10)
    assert d.text == "Monday, March 10"


def test_relative_weekday_resolves_against_publication_time_in_past_tense():
    d = one("The tanker caught fire on Sunday off Brisk Point.")
    assert (d.value, d.relative) == (date(2031, 3, 9), True)


def test_relative_weekday_in_future_tense_is_the_next_one():
    assert one("The council will vote on Monday.").value == date(2031, 3, 17)
    assert one("The board is due to meet on Friday.").value == date(2031, 3, 14)
    assert one("The launch is scheduled for Saturday.").value == date(2031, 3, 15)


def test_weekday_equal_to_publication_day_is_that_day():
    assert one("Firefighters were still at the scene on Wednesday.").value == date(2031, 3, 12)


def test_weekday_without_tense_cue_prefers_the_past_unless_just_ahead():
    assert one("Commuters face delays from Thursday.").value == date(2031, 3, 13)
    assert one("Tuesday is usually quiet at the market.").value == date(2031, 3, 11)


def test_said_on_weekday_dates_the_statement_not_the_future_event():
    sentence = "The mayor said on Monday that the bridge will reopen on Friday."
    mentions = find_dates(sentence, WEDNESDAY)
    assert [m.value for m in mentions] == [date(2031, 3, 10), date(2031, 3, 14)]


def test_last_and_next_weekday_are_strict():
    assert one("The talks collapsed last Wednesday.").value == date(2031, 3, 5)
    assert one("Talks resume next Wednesday.").value == date(2031, 3, 19)


def test_possessive_weekday_and_part_of_day():
    d = one("Saturday night's storm flooded the harbour.", FRIDAY)
    assert d.value == date(2031, 3, 8)
    assert d.text == "Saturday night's"


def test_yesterday_today_tomorrow():
    mentions = find_dates("It rained yesterday, it is dry today and snow is forecast tomorrow.",
                          WEDNESDAY)
    assert [m.value for m in mentions] == [date(2031, 3, 11), date(2031, 3, 12), date(2031, 3, 13)]
    assert all(m.relative for m in mentions)


def test_last_week_has_week_granularity_starting_monday():
    d = one("The regulator opened an inquiry last week.")
    assert (d.value, d.granularity, d.relative) == (date(2031, 3, 3), "week", True)


def test_this_and_next_month():
    mentions = find_dates("Prices rose this month and will rise again next month.", WEDNESDAY)
    assert [(m.value, m.granularity) for m in mentions] == [
        (date(2031, 3, 1), "month"), (date(2031, 4, 1), "month")]


def test_month_name_in_future_tense_before_publication_month_means_next_year():
    d = one("The plant is expected to reopen in February.")
    assert (d.value, d.granularity) == (date(2032, 2, 1), "month")


def test_month_name_in_future_tense_after_publication_month_means_this_year():
    assert one("The first trains will run in June.").value == date(2031, 6, 1)


def test_month_name_in_past_tense_after_publication_month_means_last_year():
    assert one("The company was sold in November.").value == date(2030, 11, 1)


def test_year_mentions_have_year_granularity():
    mentions = find_dates("The treaty signed in 1994 was revised by 2010.", WEDNESDAY)
    assert [(m.text, m.value, m.granularity) for m in mentions] == [
        ("1994", date(1994, 1, 1), "year"), ("2010", date(2010, 1, 1), "year")]


def test_counts_that_look_like_years_are_not_years():
    assert find_dates("About 1500 people fled the valley.", WEDNESDAY) == ()
    assert find_dates("The village has 2000 residents.", WEDNESDAY) == ()


def test_time_of_day_takes_the_day_mentioned_in_the_sentence():
    mentions = find_dates("The blast happened at 6:40 a.m. (0440 GMT) on Tuesday.", WEDNESDAY)
    assert [(m.text, m.granularity, m.value) for m in mentions] == [
        ("6:40 a.m.", "time", date(2031, 3, 11)),
        ("0440 GMT", "time", date(2031, 3, 11)),
        ("Tuesday", "day", date(2031, 3, 11)),
    ]


def test_time_of_day_without_a_day_has_no_value():
    d = one("The quake struck at 23:14, the institute said.")
    assert (d.granularity, d.value) == ("time", None)
    assert one("Doors open at 9.30 a.m. for visitors.").text == "9.30 a.m."


def test_without_publication_time_relative_mentions_have_no_value():
    mentions = find_dates("The ship sank on Sunday, on March 3 and in 1987.", None)
    assert [m.value for m in mentions] == [None, None, date(1987, 1, 1)]


def test_modal_may_is_not_a_month():
    assert find_dates("Prices may rise if the strike goes on.", WEDNESDAY) == ()


def test_date_spans_cover_dates_and_times():
    sentence = "Trains stop at 11 p.m. on March 3."
    assert [sentence[s:e] for s, e in date_spans(sentence)] == ["11 p.m.", "March 3"]


def test_a_date_beyond_the_calendar_is_left_unresolved_not_fatal():
    end_of_time = datetime(9999, 12, 31, 23, 0, tzinfo=timezone.utc)
    (mention,) = find_dates("The inquiry will report next week.", end_of_time)
    assert mention.text == "next week" and mention.value is None
