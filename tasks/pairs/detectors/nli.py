"""NLI cross-encoder rescorer: a model's contradiction probability combined with the rules.

Optional (`pip install 'factcheck[nli]'`) and off by default: `tasks.rescoring` imports this
module, and a model is loaded, only when `FACTCHECK_NLI_MODEL` is set. torch and transformers
are imported inside functions, so importing this module never needs them; constructing a
detector without them raises `NLIUnavailable` with the install hint.

How a pair's score is revised (`NLIDetector.rescore`), with p the contradiction probability
(the larger of both directions, see `probabilities`) and s the rules' score:

* p >= `MIN_CONTRADICTION` (0.5): an "nli" reason of weight w = p * `weight` is added and joins
  the rules' noisy-or: s' = 1 - (1 - s)(1 - w). The rules' score already is the noisy-or of
  their (hedge-scaled) reasons, so this equals the noisy-or over all reasons. The NLI weight is
  not hedge-scaled: the model reads "reportedly" or "may" itself.
* otherwise, when the model is confident the pair is no contradiction (entailment or neutral
  probability >= `CONFIDENT_OTHER`, 0.9, in the direction that looks most contradictory):
  s' = s * `DAMPING` (0.6) and no reason is added. A lone rule reason then needs a weight of
  about 0.83 to stay over the default threshold of 0.5.
* otherwise s is kept.
"""

from __future__ import annotations

import functools
import importlib
import importlib.util
import os
from collections.abc import Sequence
from typing import Any

from factcheck.tasks.models import Claim, Evidence, PairScore, Reason

NAME = "nli"
MIN_CONTRADICTION = 0.5
CONFIDENT_OTHER = 0.9
DAMPING = 0.6
MAX_TOKENS = 512  # cap when the tokenizer sets no sensible model_max_length
INSTALL_HINT = "the NLI detector needs the nli extra: pip install 'factcheck[nli]'"
_SPM_BACKENDS = (("sentencepiece", "sentencepiece"), ("google.protobuf", "protobuf"))  # (module, pip name)


class NLIUnavailable(ImportError):
    """torch or transformers is missing."""


def _import(name: str) -> Any:
    try:
        return importlib.import_module(name)
    except ImportError as exc:
        raise NLIUnavailable(f"{INSTALL_HINT} ({exc})") from exc


def _installed(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


def _pick_device(torch: Any) -> str:
    if torch.cuda.is_available():
        return "cuda"
    mps = getattr(torch.backends, "mps", None)
    if mps is not None and mps.is_available():
        return "mps"
    return "cpu"


def _label_names(id2label: dict[Any, str]) -> list[str]:
    """Lower-cased label names in logit order, as the model config says (never assumed)."""
    names = [str(id2label[k]).strip().lower() for k in sorted(id2label, key=int)]
    if "contradiction" not in names:
        raise ValueError(
            f"NLI model has no 'contradiction' label in config.id2label ({dict(id2label)}); "
            "use a 3-way NLI cross-encoder such as cross-encoder/nli-deberta-v3-xsmall"
        )
    return names


class NLIDetector:
    """A sequence-classification NLI model scoring (premise, hypothesis) pairs in batches."""

    def __init__(
        self, model: str, *, device: str | None = None, batch_size: int = 32, weight: float = 0.9
    ) -> None:
        torch = _import("torch")
        transformers = _import("transformers")
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        # A local directory never touches the hub; an id is resolved by transformers (cache,
        # or a download on a machine that allows it).
        local = os.path.isdir(model)
        self.model_name = model
        self.batch_size = batch_size
        self.weight = weight
        self.device = device or _pick_device(torch)
        self._torch = torch
        try:
            self._tokenizer = transformers.AutoTokenizer.from_pretrained(model, local_files_only=local)
        except (ImportError, ValueError) as exc:
            # A repo that ships only spm.model (older cross-encoder/nli-deberta-v3-* revisions)
            # is converted on load, which needs sentencepiece and protobuf; transformers' own
            # message then misleadingly asks for tiktoken.
            missing = [pip for mod, pip in _SPM_BACKENDS if not _installed(mod)]
            if not missing:
                raise
            raise NLIUnavailable(f"{INSTALL_HINT} (the tokenizer of {model} needs {' and '.join(missing)})") from exc
        self._model = transformers.AutoModelForSequenceClassification.from_pretrained(
            model, local_files_only=local
        )
        self._model.to(self.device).eval()
        self.labels = _label_names(self._model.config.id2label)
        limits = [MAX_TOKENS, getattr(self._tokenizer, "model_max_length", MAX_TOKENS)]
        limits.append(getattr(self._model.config, "max_position_embeddings", None) or MAX_TOKENS)
        self.max_length = min(int(x) for x in limits)

    def _directional(self, pairs: Sequence[tuple[str, str]]) -> list[dict[str, float]]:
        torch = self._torch
        out: list[dict[str, float]] = []
        with torch.inference_mode():
            for i in range(0, len(pairs), self.batch_size):
                chunk = pairs[i : i + self.batch_size]
                enc = self._tokenizer(
                    [a for a, _ in chunk],
                    [b for _, b in chunk],
                    padding=True,
                    truncation=True,
                    max_length=self.max_length,
                    return_tensors="pt",
                ).to(self.device)
                probs = torch.softmax(self._model(**enc).logits.float(), dim=-1).cpu().tolist()
                out.extend(dict(zip(self.labels, row, strict=True)) for row in probs)
        return out

    def probabilities(
        self, pairs: Sequence[tuple[str, str]], *, symmetric: bool = True
    ) -> list[dict[str, float]]:
        """Label probabilities per pair, keyed by lower-cased label name.

        NLI is directional (premise -> hypothesis): "14 died" vs "at least 14 died" can be
        neutral one way and entailed the other, and models trained on SNLI/MNLI often score a
        conflict higher in one order. Two reports have no premise, so with `symmetric` both
        orders are scored and the order with the higher contradiction probability is returned
        (its full distribution, so the probabilities still sum to 1).
        """
        pairs = list(pairs)
        if not pairs:
            return []
        if not symmetric:
            return self._directional(pairs)
        both = self._directional(pairs + [(b, a) for a, b in pairs])  # one run: fuller batches
        forward, backward = both[: len(pairs)], both[len(pairs) :]
        return [max(f, b, key=lambda d: d["contradiction"]) for f, b in zip(forward, backward, strict=True)]

    def rescore(self, scored: Sequence[tuple[Claim, Claim, PairScore]]) -> list[PairScore]:
        """Revised scores, in input order, by the rule in the module docstring."""
        probs = self.probabilities([(a.text, b.text) for a, b, _ in scored])
        return [self._revise(a, b, s, p) for (a, b, s), p in zip(scored, probs, strict=True)]

    def _revise(self, a: Claim, b: Claim, score: PairScore, probs: dict[str, float]) -> PairScore:
        p = probs["contradiction"]
        if p >= MIN_CONTRADICTION:
            w = p * self.weight
            reason = Reason(
                detector=NAME,
                message=f"NLI model: contradiction {p:.2f}",
                weight=w,
                evidence_a=(Evidence(a.text, 0, len(a.text)),),
                evidence_b=(Evidence(b.text, 0, len(b.text)),),
            )
            combined = 1.0 - (1.0 - score.score) * (1.0 - w)
            reasons = sorted((*score.reasons, reason), key=lambda r: -r.weight)
            return PairScore(round(combined, 4), tuple(reasons))
        if max((v for k, v in probs.items() if k != "contradiction"), default=0.0) >= CONFIDENT_OTHER:
            return PairScore(round(score.score * DAMPING, 4), score.reasons)
        return score


@functools.lru_cache(maxsize=4)
def load_nli(model: str, device: str | None = None, batch_size: int = 32) -> NLIDetector:
    """One detector per (model, device, batch_size) per process: tasks share the loaded model."""
    return NLIDetector(model, device=device, batch_size=batch_size)
