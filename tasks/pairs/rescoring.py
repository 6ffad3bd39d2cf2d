"""Opt-in model-based rescorers that revise the rule detectors' scores.

An NLI cross-encoder (`FACTCHECK_NLI_MODEL`) and an LLM judge (`FACTCHECK_LLM_BASE_URL` with
`FACTCHECK_LLM_MODEL`) each take the scored candidate pairs and return revised scores. Neither
module is imported, and no model is loaded, unless its setting is present.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, TypeVar

from factcheck.config.settings import Settings
from factcheck.tasks.models import Claim, PairScore

T = TypeVar("T")


class Rescorer(Protocol):
    def rescore(self, scored: Sequence[tuple[Claim, Claim, PairScore]]) -> list[PairScore]: ...


def detector_version(settings: Settings) -> str:
    """The rule version plus the configured models, stored with each pair.

    Events analysed with another combination count as stale, so switching a model on or off
    re-analyses them on the next run (reviewers' verdicts are kept).
    """
    from factcheck.tasks.pairs.detect import DETECTOR_VERSION

    parts = [DETECTOR_VERSION]
    if settings.nli_model:
        parts.append(f"nli:{settings.nli_model.rstrip('/').rsplit('/', 1)[-1]}")
    if settings.llm_base_url and settings.llm_model:
        parts.append(f"llm:{settings.llm_model}")
    return "+".join(parts)[:200]


def nli_rescorer(settings: Settings) -> Rescorer | None:
    if not settings.nli_model:
        return None
    from factcheck.tasks.pairs.detectors.nli import load_nli

    return load_nli(settings.nli_model, settings.nli_device, settings.nli_batch_size)


def llm_judge(settings: Settings) -> Rescorer | None:
    """A new judge; its cost cap counts the pairs it has sent, so keep one per run."""
    if not (settings.llm_base_url and settings.llm_model):
        return None
    from factcheck.tasks.pairs.detectors.llm_judge import JudgeSettings, LLMJudge

    return LLMJudge(
        JudgeSettings(
            base_url=settings.llm_base_url,
            model=settings.llm_model,
            api_key=settings.llm_api_key.get_secret_value() if settings.llm_api_key else None,
            timeout_s=settings.llm_timeout_s,
            max_retries=settings.llm_max_retries,
            max_pairs=settings.llm_max_pairs,
            min_score=settings.llm_min_score,
        )
    )


def rescore(
    scored: Sequence[tuple[T, T, PairScore]], rescorers: Sequence[Rescorer | None], claim_of
) -> list[tuple[T, T, PairScore]]:
    """Apply each configured rescorer in turn; `claim_of` maps an item (e.g. a ClaimRef) to its Claim."""
    out = list(scored)
    for rescorer in rescorers:
        if rescorer is None or not out:
            continue
        revised = rescorer.rescore([(claim_of(x), claim_of(y), s) for x, y, s in out])
        out = [(x, y, new) for (x, y, _old), new in zip(out, revised, strict=True)]
    return out
