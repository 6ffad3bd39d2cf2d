"""Tests of pair scoring, candidate pairs and statement scoring (tasks/pairs/detect.py)."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from factcheck.tasks.claims import claims_from_statement
from factcheck.tasks.pairs.candidates import candidate_pairs
from factcheck.tasks.pairs.detect import DETECTOR_VERSION, find_contradictions, guarded, score_pair, score_statements
from factcheck.tasks.models import Claim, ClaimRef, Quantity

MON = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
TUE = datetime(2026, 3, 3, 9, 0, tzinfo=timezone.utc)


def claim(text: str, speaker: str = "Outlet", numbers=(), **kw) -> Claim:
    return Claim(text=text, position=0, speaker=speaker, numbers=tuple(numbers), **kw)


def qty(sentence: str, span: str, value: float, counted=None, unit=None, approx="exact") -> Quantity:
    start = sentence.index(span)
    return Quantity(value, span, start, start + len(span), unit, counted, approx)


def ref(cid: int, text: str, outlet: str = "A", article: int | None = None, event: int = 1,
        speaker: str = "Outlet", published: datetime | None = None) -> ClaimRef:
    return ClaimRef(cid, article if article is not None else cid, event, outlet, claim(text, speaker), published)


def one(text: str, published: datetime | None = MON) -> Claim:
    claims = claims_from_statement(text, published)
    assert len(claims) == 1, claims
    return claims[0]


# --- score_pair --------------------------------------------------------------------------------


def test_detector_version_names_the_frames_and_the_scorer_model():
    from factcheck.tasks.pairs.scorer import default_scorer

    assert DETECTOR_VERSION == f"frames-5+{default_scorer().version}"


def test_denial_of_talks_scores_high_even_with_few_shared_words():
    s = score_pair(claim("Envoys of Ostland and Velmar were due to meet in Corvath on Thursday, officials said."),
                   claim('"There were no talks, in Corvath or anywhere else," a Velmar spokeswoman said.'))
    assert s.score >= 0.5
    assert s.reasons[0].detector == "denial"


def test_unrelated_claims_score_zero():
    s = score_pair(claim("The Kelby marathon was cancelled because of the storm."),
                   claim("Copper prices rose on the Kessel exchange."))
    assert s.score == 0.0 and s.reasons == ()


def test_same_wording_about_different_plants_is_not_a_contradiction():
    s = score_pair(claim("The bottling plant in Carrick closed after the flood."),
                   claim("The bottling plant in Ormsby stayed open after the flood."))
    assert s.score < 0.5


def test_negated_predicate_with_the_same_arguments_is_a_polarity_conflict():
    a = claim("The Halden refinery was evacuated after the leak.")
    b = claim("The Halden refinery was not evacuated after the leak.")
    s = score_pair(a, b)
    weights = [r.weight for r in s.reasons]
    assert weights == sorted(weights, reverse=True)
    assert s.reasons[0].detector == "negation" and s.score >= 0.5
    assert s.reasons[0].evidence_a[0].text == "evacuated"


def test_a_possible_or_called_for_outcome_is_not_a_conflict_with_a_report():
    firm = score_pair(claim("The Kelby marathon was held on Sunday despite the rain."),
                      claim("Organisers cancelled the Kelby marathon because of the rain."))
    possible = score_pair(claim("The Kelby marathon might be held on Sunday despite the rain."),
                          claim("Organisers cancelled the Kelby marathon because of the rain."))
    called = score_pair(claim("Runners urged the organisers to cancel the Kelby marathon."),
                        claim("The Kelby marathon was held on Sunday despite the rain."))
    assert firm.score >= 0.5 and firm.reasons[0].detector == "status"
    assert possible.score < 0.5 and called.score < 0.5


def test_denying_side_is_not_treated_as_hedged():
    s = score_pair(claim("Talks between Ostland and Velmar on the canal were derailed by the raid."),
                   claim("Velmar denied a report claiming that the talks had been derailed, saying there were no talks."))
    assert s.score >= 0.8


def test_toll_rise_in_a_later_days_report_is_not_a_conflict():
    s1 = "The avalanche at Skarby killed 12 skiers, rescuers said."
    s2 = "The avalanche at Skarby killed 17 skiers, rescuers said."
    a = claim(s1, numbers=[qty(s1, "12 skiers", 12, "kill")])
    b = claim(s2, numbers=[qty(s2, "17 skiers", 17, "kill")])
    assert score_pair(a, b).score >= 0.5  # same day: a conflict
    assert score_pair(a, b, published_a=MON, published_b=TUE).score == 0.0  # later and higher: update
    assert score_pair(a, b, published_a=TUE, published_b=MON).score >= 0.5  # later but lower: conflict


# --- through the claim extractor ----------------------------------------------------------------


def test_extracted_conflicting_death_tolls_are_flagged():
    s = score_pair(one("The landslide in Penhallow killed 14 people, police said."),
                   one("The landslide in Penhallow killed 31 people, the mayor said."))
    assert s.score >= 0.5
    r = s.reasons[0]
    assert r.detector == "numeric" and "14" in r.message and "31" in r.message
    assert r.evidence_a and r.evidence_b


def test_extracted_bound_is_compatible_with_larger_count():
    s = score_pair(one("More than 200 people were evacuated from Penhallow on Sunday."),
                   one("Officials said 214 people had been evacuated from Penhallow on Sunday."))
    assert s.score < 0.5


def test_extracted_toll_update_on_later_day_is_not_a_conflict():
    s = score_pair(one("The flood in Penhallow had killed 12 people by Monday, officials said.", TUE),
                   one("The death toll from the flood in Penhallow rose to 17 on Tuesday, officials said.", TUE))
    assert s.score < 0.5


def test_extracted_deaths_and_injuries_are_not_compared():
    s = score_pair(one("The crash on the Kelby bypass killed four people, police said."),
                   one("Nineteen people were injured in the crash on the Kelby bypass, police said."))
    assert s.score < 0.5


def test_extracted_denial_contradicts_report_of_derailed_talks():
    s = score_pair(
        one("The Courier reported that talks between Ostland and Velmar on fishing rights were derailed by a border raid."),
        one("Velmar's foreign ministry said no such negotiations had ever taken place."),
    )
    assert s.score >= 0.5 and s.reasons[0].detector == "denial"


def test_extracted_signing_days_conflict():
    s = score_pair(one("The two ministers signed the canal accord on Monday, officials said.", TUE),
                   one("The canal accord was signed on Thursday last week, the ministry said.", TUE))
    assert s.score >= 0.5 and any(r.detector == "date" for r in s.reasons)


def test_extracted_clock_times_of_the_same_blast_conflict():
    s = score_pair(one("The blast at the Halden refinery happened at 5:15 a.m., the company said."),
                   one("The explosion at the Halden refinery, at about 8.30 a.m., injured three workers."))
    assert s.score >= 0.5


def test_extracted_clock_times_within_tolerance_agree():
    s = score_pair(one("The blast at the Halden refinery happened at 5:15 a.m., the company said."),
                   one("The explosion hit the Halden refinery shortly before 5.30 a.m., witnesses said."))
    assert s.score < 0.5


# --- candidate pairs -----------------------------------------------------------------------------


def test_candidate_pairs_need_another_outlet_or_another_speaker():
    refs = [
        ref(1, "The Halden refinery was evacuated after the leak.", outlet="A", article=10),
        ref(2, "The Halden refinery was not evacuated after the leak.", outlet="B", article=20),
        ref(3, "Staff at the Halden refinery were evacuated at noon.", outlet="A", article=11),  # same outlet
        ref(4, "The union said the Halden refinery was not evacuated.", outlet="A", article=10, speaker="union"),
        ref(5, "The Halden refinery was evacuated, the company said.", outlet="A", article=10),  # same speaker as 1
    ]
    ids = {(x.claim_id, y.claim_id) for x, y in candidate_pairs(refs)}
    assert (1, 2) in ids and (1, 4) in ids
    assert (1, 3) not in ids and (1, 5) not in ids


def test_candidate_pairs_stay_within_events_and_are_ordered_once():
    refs = [
        ref(7, "The Halden refinery was evacuated after the leak.", outlet="B", event=1),
        ref(3, "The Halden refinery was not evacuated after the leak.", outlet="A", event=1),
        ref(5, "The Halden refinery was not evacuated after the leak.", outlet="C", event=2),
    ]
    pairs = candidate_pairs(refs)
    assert [(x.claim_id, y.claim_id) for x, y in pairs] == [(3, 7)]


def test_candidate_pairs_prefilter_drops_unrelated_sentences():
    refs = [
        ref(1, "The Halden refinery was evacuated after the leak.", outlet="A"),
        ref(2, "Ticket prices for the spring festival went up again.", outlet="B"),
    ]
    assert candidate_pairs(refs) == []


def test_candidate_pairs_keep_denial_with_report_sharing_only_the_happening():
    refs = [
        ref(1, "Envoys were due to meet in Corvath on Thursday, officials said.", outlet="A"),
        ref(2, "There were no talks, a spokeswoman said.", outlet="B"),
    ]
    assert [(x.claim_id, y.claim_id) for x, y in candidate_pairs(refs)] == [(1, 2)]


def test_find_contradictions_filters_by_threshold_and_sorts():
    refs = [
        ref(1, "The Halden refinery was evacuated after the leak.", outlet="A"),
        ref(2, "The Halden refinery was not evacuated after the leak.", outlet="B"),
        ref(3, "Engineers at the Halden refinery repaired the leak on Friday.", outlet="C"),
    ]
    found = find_contradictions(refs, threshold=0.5)
    assert [(x.claim_id, y.claim_id) for x, y, _ in found] == [(1, 2)]
    assert found[0][2].score >= 0.5
    assert find_contradictions(refs, threshold=1.01) == []


# --- score_statements ----------------------------------------------------------------------------


def test_score_statements_reports_the_strongest_pair_across_passages():
    a = ("The Ostland ferry service resumed on Monday. Envoys of Ostland and Velmar were due to meet "
         "in Corvath on Thursday, officials said.")
    b = "Velmar's foreign ministry said there were no talks. The weather in Corvath was mild."
    score, ca, cb = score_statements(a, b)
    assert score.score >= 0.5
    assert "meet" in ca.text and "no talks" in cb.text


def test_score_statements_unrelated_texts_score_zero():
    score, ca, cb = score_statements("The Kelby marathon was cancelled.", "Copper prices rose in Kessel.")
    assert score.score == 0.0 and ca.text and cb.text


@pytest.mark.parametrize("text", ["", "   "])
def test_score_statements_handles_empty_input(text):
    score, _, _ = score_statements(text, "The Kelby marathon was cancelled.")
    assert score.score == 0.0


def test_single_article_event_yields_no_candidate_pairs():
    refs = [
        ref(1, "The Brannock council approved 14 new tram stops on Monday.", outlet="A", article=7, event=3, speaker="Council"),
        ref(2, "The Brannock council approved 11 new tram stops, the opposition said.", outlet="A", article=7, event=3, speaker="Opposition"),
    ]
    assert candidate_pairs(refs) == []


def test_called_off_strike_vs_walkout_is_scored_without_word_overlap():
    saturday = datetime(2026, 3, 7, 9, 0, tzinfo=timezone.utc)  # "on Friday" is then March 6 on both sides
    s = score_pair(one("The pilots' union has suspended the strike that was due to begin on Friday, the airline said."),
                   one("Terminals at Hesket stood empty on Friday as a walkout by pilots grounded most flights.", saturday))
    assert s.score >= 0.5 and s.reasons[0].detector == "status"
    assert s.reasons[0].evidence_a and s.reasons[0].evidence_b


# --- deduplication of restatements (rules-2) ----------------------------------------------------

from factcheck.tasks.pairs.dedup import conflict_key, deduplicate, keep_contradictions  # noqa: E402
from factcheck.tasks.models import PairScore, Reason  # noqa: E402


def _scored(pairs):
    return [(x, y, score_pair(x.claim, y.claim)) for x, y in pairs]


def test_deduplicate_keeps_representatives_of_one_restated_denial():
    # Two deniers and two reports of one meeting, one pair of articles: four sentence pairs, one conflict.
    d1 = ref(1, '"There was no meeting in Corvath or anywhere else," a Velmar spokeswoman said.', "V", 10)
    d2 = ref(2, '"You cannot cancel a summit that never existed," the Velmar spokeswoman added.', "V", 10)
    r1 = ref(3, "Envoys of Ostland and Velmar were due to meet in Corvath on Thursday, officials said.", "O", 20)
    r2 = ref(4, "The Corvath meeting between Ostland and Velmar envoys had been scheduled for weeks.", "O", 20)
    scored = _scored([(d1, r1), (d1, r2), (d2, r1), (d2, r2)])
    flagged = [t for t in scored if t[2].score >= 0.5]
    assert len(flagged) >= 2
    kept = keep_contradictions(scored)
    assert 1 <= len(kept) <= len(flagged) and len(kept) < 4
    covered = {x.claim_id for x, _y, _s in kept} | {y.claim_id for _x, y, _s in kept}
    assert len(covered) >= 2  # the kept pairs still show a denial and a report


def test_deduplicate_does_not_merge_different_article_pairs_or_conflicts():
    a = ClaimRef(1, 10, 1, "A", one("The blast at the Orvik depot killed 14 people, police said."))
    b = ClaimRef(2, 20, 1, "B", one("The explosion at the Orvik depot killed 31 people, the mayor said."))
    c = ClaimRef(3, 30, 1, "C", one("The explosion at the Orvik depot killed 22 people, a hospital said."))
    scored = _scored([(a, b), (a, c)])
    assert len(keep_contradictions(scored)) == len([t for t in scored if t[2].score >= 0.5]) == 2


def test_conflict_key_is_the_reasons_topic_not_its_wording():
    d1 = Reason("denial", "no talks vs meet", 0.85, topic="talk:polarity")
    d2 = Reason("denial", "denies that met vs talks", 0.85, topic="talk:polarity")
    assert conflict_key(d1) == conflict_key(d2) == ("denial", "talk:polarity")
    a = score_pair(one("The blast at the Orvik depot killed 14 people, police said."),
                   one("The explosion at the Orvik depot killed 31 people, the mayor said."))
    b = score_pair(one("Fourteen people died in the Orvik depot explosion."),
                   one("Thirty-one people were killed by the blast at the Orvik depot."))
    assert conflict_key(a.reasons[0]) == conflict_key(b.reasons[0])


def test_deduplicate_prefers_the_higher_score():
    x = ref(1, "Envoys were due to meet in Corvath on Thursday.", "A", 10)
    y = ref(2, '"There were no talks in Corvath," a Velmar spokeswoman said.', "B", 20)
    z = ref(3, "Talks between the envoys were planned in Corvath, a diplomat said.", "A", 10)
    w = ref(4, '"There was no meeting," the Velmar spokeswoman added.', "B", 20)
    reason = Reason("denial", "denies the talks (no) that the other reports", 0.85)
    items = [(x, y, PairScore(0.9, (reason,))), (z, w, PairScore(0.6, (reason,))), (x, w, PairScore(0.7, (reason,)))]
    kept = deduplicate(items, keep=1)
    assert kept[0][2].score == 0.9
    assert (x, w, PairScore(0.7, (reason,))) not in kept  # both its sentences already shown




def test_a_pairs_score_does_not_depend_on_which_side_comes_first():
    a = one("The ferry carried 64 passengers when it capsized near Ostley, the harbour master said.")
    b = one("The ferry had 41 passengers on board when it overturned near Ostley.")
    ab, ba = score_pair(a, b), score_pair(b, a)
    assert ab.score == ba.score > 0
    assert [r.evidence_a for r in ab.reasons] == [r.evidence_b for r in ba.reasons]
    assert "64" in ab.reasons[0].evidence_a[0].text


def _pair_set_claims() -> list[Claim]:
    import json
    from pathlib import Path

    rows = [json.loads(line) for line in (Path(__file__).parent / "data" / "contradiction_pairs.jsonl").open(encoding="utf-8")]
    texts = list(dict.fromkeys(t for r in rows for t in (r["a"], r["b"])))
    return [c for t in texts for c in claims_from_statement(t, MON)]


def test_pairs_skipped_before_alignment_are_exactly_pairs_without_any_conflict():
    """The pre-check skips a pair only when no conflict check could fire: across every pair of the
    own pair set's sentences (not only the labelled ones), no skipped pair has a reason, and no
    two frames are related without sharing a relation key."""
    from factcheck.tasks.pairs.detect import parse_claims
    from factcheck.tasks.language.frames import claim_frames
    from factcheck.tasks.pairs import conflicts
    from factcheck.tasks.pairs.align import relation, relation_keys

    claims = _pair_set_claims()
    parse_claims(claims)
    frames = [claim_frames(c) for c in claims]
    summaries = [conflicts.conflict_summary(f) for f in frames]
    skipped = with_reason = 0
    for i in range(len(claims)):
        for j in range(i + 1, len(claims)):
            if not conflicts.may_conflict(summaries[i], summaries[j]):
                skipped += 1
                got = score_pair(claims[i], claims[j], published_a=MON, published_b=TUE)
                assert not got.reasons, (claims[i].text, claims[j].text, got)
                for fa in frames[i].frames:
                    for fb in frames[j].frames:
                        assert relation(fa, fb) == "none" or relation_keys(fa) & relation_keys(fb)
            else:
                with_reason += bool(score_pair(claims[i], claims[j]).reasons)
    assert skipped > 10_000 and with_reason > 50  # the check is exercised both ways


def test_a_detector_error_on_one_event_is_returned_not_raised():
    def broken(claims, **kwargs):
        raise AttributeError("'NoneType' object has no attribute 'i'")

    got = guarded([], broken)
    assert got.value is None and got.error == "AttributeError: 'NoneType' object has no attribute 'i'"
    ok = guarded([], lambda claims, threshold: [threshold], threshold=0.5)
    assert ok.value == [0.5] and ok.error is None
