"""Who asserts a sentence (tasks/claims/speakers.py)."""

from __future__ import annotations

import pytest

from factcheck.tasks.claims.speakers import (
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


# --- leading adverbials, compact sources, names before organisations ---------------------------


@pytest.mark.parametrize("sentence, who", [
    ('On Friday, a port official told him by phone that the dock had been "closed, not sold".',
     "port official"),
    ("On Friday a port official told reporters the dock was shut.", "port official"),
    ("Later, the harbour master said the pier was safe.", "harbour master"),
    ("Late on Sunday night, the coastguard said two boats were missing.", "coastguard"),
])
def test_leading_adverbial_is_skipped_when_finding_the_subject(sentence, who):
    assert speaker(sentence).speaker == who


def test_according_to_document_with_issuer_is_compacted():
    got = speaker("The ferry was sold, according to a letter the council sent to residents in March.")
    assert got == ("council letter", "reported")


@pytest.mark.parametrize("sentence, who", [
    ("The plan stalled, according to five engineers briefed on the survey.", "five engineers"),
    ("The bid was raised, according to two bankers familiar with the deal.", "two bankers"),
    ("Crews coming off the late shift said the crane had jammed.", "Crews"),
])
def test_participial_postmodifiers_are_dropped_from_speakers(sentence, who):
    assert speaker(sentence).speaker == who


def test_speaker_length_is_capped():
    got = speaker("The dam was sound, according to the chief engineer of the northern district "
                  "water and drainage authority.")
    assert got.kind == "reported" and len(got.speaker.split()) <= 6


def test_person_named_before_organisation_is_the_speaker():
    got = speaker("The pump failed, site manager Olaf Brenner of the Kelso Water Board told "
                  "reporters at the gate.")
    assert got == ("Olaf Brenner", "reported")
    assert speaker("Stocks fell, said Ines Varro of Pellam Capital.").speaker == "Ines Varro"


def test_inverted_speaker_with_quantifier_and_relative_clause():
    assert speaker('"We slept in the car," said one fisherman whose boat sank.') == (
        "one fisherman", "quoted")
    assert speaker('"It was dark," said one nurse, who asked not to be named.') == (
        "one nurse", "quoted")


@pytest.mark.parametrize("sentence, who", [
    ('Ada Lunn, who runs the depot, said its 2,300 crates had been "left out in the rain".',
     "Ada Lunn"),
    ("Councillor Pia Moss, who leads the group, said the vote showed support was growing.",
     "Pia Moss"),
])
def test_said_after_apposition_is_not_read_as_inverted(sentence, who):
    assert speaker(sentence).speaker == who


def test_bare_first_name_expands_to_the_full_name_seen_earlier():
    state = SpeakerState()
    _, state = attribute_paragraph(["For two years, Mira Tolland has kept the shop open."],
                                   outlet=OUTLET, state=state)
    got, _ = attribute_paragraph(["In May, Mira said, officials called her."], outlet=OUTLET,
                                 state=state)
    assert got[0].speaker == "Mira Tolland"


def test_place_after_preposition_is_not_a_person_subject():
    state = SpeakerState(last_person="Ole Brandt", names=("Ole Brandt",))
    got, _ = attribute_paragraph(['The old mill on Station Lane will become a museum.',
                                  '"It is a good day," he said.'], outlet=OUTLET, state=state)
    assert got[1].speaker == "Ole Brandt"
