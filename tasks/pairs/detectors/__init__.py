"""The candidate index's sentence features (text.py) and the opt-in model rescorers (nli.py,
llm_judge.py); the per-sentence caches they and the frames keep."""

from __future__ import annotations


def sentence_caches_size() -> int:
    """Entries in the per-sentence caches (the frame cache as a proxy for all of them)."""
    from factcheck.tasks.language.frames import claim_frames

    return claim_frames.cache_info().currsize


def release_sentence_caches() -> None:
    """Empty the per-sentence caches (index features, parses, frames).

    They pay off inside one event, where each claim meets every other; across events they only
    hold memory, several hundred MB per long-lived process after a night's 100,000 claims.
    """
    from factcheck.tasks.language import nlp
    from factcheck.tasks.language.frames import claim_frames
    from factcheck.tasks.pairs import conflicts
    from factcheck.tasks.pairs import features as pair_features
    from factcheck.tasks.pairs.detectors.text import features

    features.cache_clear()
    pair_features.release_cache()
    claim_frames.cache_clear()
    conflicts.release_caches()
    nlp.release_cache()
