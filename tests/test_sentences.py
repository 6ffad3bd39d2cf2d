"""Sentence and paragraph splitting (tasks/claims/sentences.py)."""

from __future__ import annotations

from factcheck.tasks.claims.sentences import split_paragraphs, split_sentences


def test_abbreviation_am_does_not_end_sentence_mid_sentence():
    text = "The ferry left Pellham at 6:15 a.m. and reached the island two hours later."
    assert split_sentences(text) == [text]


def test_abbreviation_pm_at_sentence_end_splits():
    text = "The polls closed at 8 p.m. Counting began an hour later."
    assert split_sentences(text) == ["The polls closed at 8 p.m.", "Counting began an hour later."]


def test_time_abbreviation_followed_by_weekday_or_zone_does_not_split():
    assert len(split_sentences("The crane collapsed at 7 a.m. Tuesday, the port said.")) == 1
    assert len(split_sentences("Voting opens at 10 a.m. GMT on Sunday in Carrow.")) == 1


def test_month_abbreviation_does_not_split():
    text = "The tender closed on Oct. 8 after two extensions."
    assert split_sentences(text) == [text]


def test_country_initials_do_not_split():
    text = "The U.S. embassy in Varne said its staff were safe."
    assert split_sentences(text) == [text]


def test_title_abbreviations_do_not_split():
    text = "Ms. Dray and Dr. Oken met Gov. Pike in the capital."
    assert split_sentences(text) == [text]


def test_quote_ending_with_full_stop_splits_after_the_quote():
    text = 'Ilsa Renn said: "The bridge is safe." Engineers disagreed.'
    assert split_sentences(text) == [
        'Ilsa Renn said: "The bridge is safe."', "Engineers disagreed."]


def test_multi_sentence_quote_stays_with_its_attribution():
    text = "“The dam held. Nobody was hurt,” said Orla Fenn, the site manager."
    assert split_sentences(text) == [text]


def test_paragraphs_never_merge_into_one_sentence():
    text = "A headline without a full stop\nThe body starts here.\n\nAnother paragraph"
    assert split_sentences(text) == [
        "A headline without a full stop",
        "The body starts here.",
        "Another paragraph",
    ]


def test_whitespace_is_stripped_and_empties_dropped():
    text = "  \n\n   First one.   Second one.  \n \n"
    assert split_sentences(text) == ["First one.", "Second one."]
    assert split_sentences("") == []


def test_split_paragraphs_on_any_line_break():
    assert split_paragraphs("One.\r\nTwo.\n\n\nThree.") == ["One.", "Two.", "Three."]


def test_decimal_numbers_do_not_split():
    text = "Output fell 3.5 per cent in March. Exports rose."
    assert split_sentences(text) == ["Output fell 3.5 per cent in March.", "Exports rose."]
