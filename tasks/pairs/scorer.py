"""The learned scorer: alignment and slot-conflict features -> P(contradiction).

A logistic regression fitted by `make model` (tasks/pairs/training/train.py) and shipped as
`model/scorer.json` in the package: small, readable, versioned, and free of pickles. The version
goes into every stored pair's `detector_version`, so a new model re-analyses old events.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

# A pair is stored when its P(contradiction) reaches this (the `pair_threshold` setting overrides it).
DEFAULT_THRESHOLD = 0.5
MODEL_PATH = Path(__file__).with_name("model") / "scorer.json"
_REQUIRED = ("kind", "version", "features", "mean", "scale", "weights", "bias", "threshold")


class ScorerError(RuntimeError):
    """The scorer's model file is missing or malformed."""


@dataclass(frozen=True)
class Scorer:
    version: str
    features: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    weights: tuple[float, ...]
    bias: float
    threshold: float  # the decision threshold chosen on the training rows

    def logit(self, features: dict[str, float]) -> float:
        z = self.bias
        for name, m, s, w in zip(self.features, self.mean, self.scale, self.weights, strict=True):
            z += w * (features.get(name, 0.0) - m) / (s or 1.0)
        return z

    def probability(self, features: dict[str, float]) -> float:
        z = self.logit(features)
        return 1.0 / (1.0 + math.exp(-z)) if z > -40 else 0.0

    def contributions(self, features: dict[str, float], top: int = 4) -> list[tuple[str, float]]:
        """The features that moved this pair's score most (for explanations and debugging)."""
        parts = [(n, w * (features.get(n, 0.0) - m) / (s or 1.0))
                 for n, m, s, w in zip(self.features, self.mean, self.scale, self.weights, strict=True)]
        return sorted(parts, key=lambda p: -abs(p[1]))[:top]


def scorer_from_dict(data: dict) -> Scorer:
    missing = [k for k in _REQUIRED if k not in data]
    if missing:
        raise ScorerError(f"scorer model lacks {', '.join(missing)}")
    if data["kind"] != "logistic":
        raise ScorerError(f"unknown scorer kind {data['kind']!r}")
    n = len(data["features"])
    if not (len(data["mean"]) == len(data["scale"]) == len(data["weights"]) == n):
        raise ScorerError("scorer model: features, mean, scale and weights differ in length")
    return Scorer(str(data["version"]), tuple(data["features"]), tuple(map(float, data["mean"])),
                  tuple(map(float, data["scale"])), tuple(map(float, data["weights"])),
                  float(data["bias"]), float(data["threshold"]))


def load_scorer(path: Path | str | None = None) -> Scorer:
    """Read a scorer model (default: the one shipped in the package)."""
    target = Path(path) if path else MODEL_PATH
    try:
        data = json.loads(target.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ScorerError(f"scorer model not found at {target}; run `make model`") from None
    except (OSError, ValueError) as exc:
        raise ScorerError(f"scorer model at {target} cannot be read: {exc}") from None
    return scorer_from_dict(data)


@lru_cache(maxsize=1)
def default_scorer() -> Scorer:
    return load_scorer()
