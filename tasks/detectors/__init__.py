"""Rule detectors, one module per kind of conflict; `contradictions.py` combines them."""

from __future__ import annotations

from types import ModuleType


def _cached_functions(modules: tuple[ModuleType, ...]) -> list:
    return [obj for m in modules for obj in vars(m).values()
            if callable(getattr(obj, "cache_clear", None)) and getattr(obj, "__module__", None) == m.__name__]


def sentence_caches_size() -> int:
    """Entries in the per-sentence feature cache (a proxy for all of them)."""
    from factcheck.tasks.detectors.text import features

    return features.cache_info().currsize


def release_sentence_caches() -> None:
    """Empty the detectors' per-sentence caches (features, figures, date anchors, ...).

    They pay off inside one event, where each claim meets every other; across events they only
    hold memory, several hundred MB per long-lived process after a night's 100,000 claims.
    """
    from factcheck.tasks.detectors import cause, dates, location, negation, numeric, record, status, text

    for fn in _cached_functions((text, numeric, dates, status, negation, cause, location, record)):
        fn.cache_clear()
