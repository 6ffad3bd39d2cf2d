"""The claims stage: an article body split into checkable claims, each with its speaker
(`speakers`), polarity and hedging, numbers (`quantities`) and dates (`dates`), over the
sentences `sentences` finds. Pure functions: no Prefect, no I/O."""

from __future__ import annotations

from factcheck.tasks.claims.split import claims_from_statement, extract_claims, is_hedged, is_negative, strip_dateline

__all__ = ["claims_from_statement", "extract_claims", "is_hedged", "is_negative", "strip_dateline"]
