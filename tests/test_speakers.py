"""Who asserts a sentence (tasks/speakers.py)."""

from __future__ import annotations

import pytest

from factcheck.tasks.speakers import (
    Attribution,
    SpeakerState,
    attribute_paragraph,
    find_speaker,
    normalise_speaker,
    quote_spans,
)

OUTLET = "Carrow Ledger"


def speaker(sentence: str, previous: str | None = None) -> Attribution:
    return find_speaker(sentence, outlet=OUTLET, previous_speaker=previous)


def test_quote_then_name_said():
    assert speaker('"The levee will hold," Mara Quist said.') == ("Mara Quist", "quoted")


def test_quote_then_said_name_with_apposition():
    got = speaker("“We lost everything,” said Jon Aberle, a ferry operator in Tull.")
    assert got == ("Jon Aberle", "quoted")


def test_name_said_colon_quote():
    got = speaker('Port director Hal Voss said: "No ship was turned away."')
    assert got == ("Hal Voss", "quoted")


def test_reported_speech_at_sentence_start():
    assert speaker("Voss said the harbour would reopen within a week.") == ("Voss", "reported")


def test_reported_speech_at_sentence_end():
    got = speaker("Two cranes were damaged in the storm, the port authority said.")
    assert got == ("port authority", "reported")


def test_according_to_attributes_speaker():
    got = speaker("The reservoir is 30 percent full, according to the water board.")
    assert got == ("water board", "reported")


def test_according_to_drops_relative_clause():
    got = speaker("The talks failed, according to two people who attended them.")
    assert got == ("two people", "reported")


@pytest.mark.parametrize("sentence, who", [
    ("The ministry denied that any soldiers had crossed the border.", "ministry"),
    ("Harlow Mining insisted the shaft was safe.", "Harlow Mining"),
    ("Police told reporters the driver had fled.", "Police"),
    ("The governor told a briefing that schools would reopen.", "governor"),
    ("The regulator warned that fares could rise.", "regulator"),
    ("The union claimed that 90 percent of staff had walked out.", "union"),
    ("The airline announced it would cut 300 jobs.", "airline"),
    ("The council dismissed the report as speculation.", "council"),
    ("Farm groups in the north have warned of shortages.", "Farm groups"),
])
def test_reporting_verbs(sentence, who):
    assert speaker(sentence) == (who, "reported")


def test_in_a_statement_attributes_the_subject():
    got = speaker("In a statement, the ministry described the report as false.")
    assert got == ("ministry", "reported")


def test_title_and_name_apposition_keeps_the_name():
    got = speaker('"Nothing was agreed," foreign ministry spokesman Aurel Tesk told a briefing.')
    assert got == ("Aurel Tesk", "quoted")


def test_name_comma_role_comma_said():
    got = speaker("Maria Lopes, a ministry spokeswoman, said the border was open.")
    assert got == ("Maria Lopes", "reported")


def test_role_comma_name_comma_said():
    got = speaker("The regional governor, Ida Varn, said on Tuesday that the road was closed.")
    assert got == ("Ida Varn", "reported")


def test_capitalised_titles_are_stripped():
    assert speaker("Prime Minister Elsa Brandt said the army would help.").speaker == "Elsa Brandt"
    assert speaker("Transport Minister Olaf Dunn said fares would rise.").speaker == "Olaf Dunn"


def test_organisation_keeps_its_name_without_the_article():
    assert normalise_speaker("the foreign ministry")[0] == "foreign ministry"
    assert normalise_speaker("Dunmore General Hospital") == ("Dunmore General Hospital", False)


def test_pronoun_speaker_resolves_to_previous_speaker():
    got = speaker('"We are doing all we can," she said.', previous="Ida Varn")
    assert got == ("Ida Varn", "quoted")


def test_pronoun_without_a_previous_speaker_falls_back_to_outlet():
    assert speaker('"We are doing all we can," she said.') == (OUTLET, "outlet")


def test_no_attribution_means_outlet():
    assert speaker("The bridge reopened to traffic on Monday.") == (OUTLET, "outlet")


def test_verbs_inside_quotes_do_not_attribute():
    got = speaker('"Anyone who says otherwise is lying."')
    assert got == (OUTLET, "outlet")


def test_subordinate_clause_verb_does_not_attribute_the_sentence():
    got = speaker("The row began in May, when the operator announced job cuts.")
    assert got == (OUTLET, "outlet")


def test_not_responding_is_not_a_statement_by_the_negated_subject():
    assert speaker("Neither company responded to requests for comment.") == (OUTLET, "outlet")


def test_open_quote_continuation_reuses_the_speaker():
    got = find_speaker("Nobody should travel tonight.", outlet=OUTLET,
                       open_quote_speaker="Ida Varn")
    assert got == ("Ida Varn", "quoted")


def test_second_quoted_sentence_of_paragraph_takes_the_quote_speaker():
    sentences = ['"The levee held," Mara Quist told reporters.',
                 '"Nobody was hurt overnight."']
    got, _ = attribute_paragraph(sentences, outlet=OUTLET)
    assert got == [("Mara Quist", "quoted"), ("Mara Quist", "quoted")]


def test_pronoun_refers_to_person_introduced_as_subject():
    first, state = attribute_paragraph(
        ["In Tull, the deputy mayor, Rosa Elling, gave a different account."], outlet=OUTLET)
    second, _ = attribute_paragraph(['"The ferry was never cancelled," she told the Ledger.'],
                                    outlet=OUTLET, state=state)
    assert first == [(OUTLET, "outlet")]
    assert second == [("Rosa Elling", "quoted")]


def test_surname_expands_to_full_name_seen_earlier():
    _, state = attribute_paragraph(["Harbour master Pieter Lund said the channel was clear."],
                                   outlet=OUTLET)
    got, _ = attribute_paragraph(['"It is safe," Lund said.'], outlet=OUTLET, state=state)
    assert got == [("Pieter Lund", "quoted")]


def test_quote_paragraph_after_attribution_paragraph_takes_last_speaker():
    state = SpeakerState(last_person="Pieter Lund", last_speaker="Pieter Lund",
                         names=("Pieter Lund",))
    got, _ = attribute_paragraph(['"We will dredge again in spring."'], outlet=OUTLET, state=state)
    assert got == [("Pieter Lund", "quoted")]


def test_quote_spans_handle_straight_and_typographic_quotes():
    assert quote_spans('He said "yes" and “no”.') == ([(8, 13), (18, 22)], False)
    assert quote_spans('"Still open') == ([(0, 11)], True)
    assert quote_spans('closed," she said.', inside_at_start=True) == ([(0, 8)], False)
