"""An LLM judge over any OpenAI-compatible chat completions API (opt-in, see `tasks/pairs/rescoring.py`).

Rules find candidates cheaply but cannot read; a model can tell "14 killed" vs "31 killed" in two
different towns from a real conflict. Calls cost money or GPU time, so the judge sees only the
strongest candidates (`min_score`, strongest first) and at most `max_pairs` of them per run.

Score revision (`LLMJudge.rescore`):

- Confirmed: an "llm" `Reason` of weight `confidence * weight` joins the pair's reasons, and the
  score becomes `1 - (1 - score) * (1 - confidence * weight)`: the noisy-or of
  `detect.score_pair` with the existing (already hedge-scaled) score as one term. No hedge
  factor is applied to the judge's reason: the model read the hedges itself.
- Rejected with `confidence >= REJECT_CONFIDENCE`: the score becomes
  `min(score * (1 - confidence * weight), DEFAULT_THRESHOLD - 0.01)`, so the pair falls below the
  default threshold, rejected pairs keep their relative order, and the rule reasons stay for
  reviewers. Reasons argue *for* a contradiction, so no negative reason is added; the rejection's
  rationale is logged at INFO.
- Anything else (weak rejection, failure, unparseable answer, not judged) keeps its PairScore.

The API key goes only into the Authorization header; it is kept out of reprs, and scrubbed from
error messages and logs in case a server echoes it.
"""

from __future__ import annotations

import json
import logging
import random
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx
from tenacity import RetryCallState, Retrying, retry_if_exception_type, stop_after_attempt

from factcheck.tasks.models import Claim, Evidence, PairScore, Reason
from factcheck.tasks.net.retries import parse_retry_after
from factcheck.tasks.pairs.scorer import DEFAULT_THRESHOLD

__all__ = ["JudgeSettings", "LLMJudge", "Verdict", "parse_verdict"]

log = logging.getLogger(__name__)

NAME = "llm"
REJECT_CONFIDENCE = 0.7
MAX_CONTEXT_CHARS = 1000  # per side: context helps, but prompt tokens are the cost
_DISABLING = {401: "check FACTCHECK_LLM_API_KEY", 403: "check FACTCHECK_LLM_API_KEY",
              404: "check FACTCHECK_LLM_BASE_URL and FACTCHECK_LLM_MODEL"}

SYSTEM_PROMPT = (
    "You are a fact-checker. You get two statements from news reports about the same event. "
    "Decide whether they contradict each other: they cannot both be true of the same event. "
    "Different details, emphasis, later updates or statements about different things are not "
    "contradictions. Answer ONLY with a JSON object: "
    '{"contradiction": true|false, "confidence": <number 0..1>, "rationale": "<one sentence>"}'
)


@dataclass(frozen=True)
class JudgeSettings:
    """Where and how to call the model. `api_key` is left out of the repr."""

    base_url: str  # API root, e.g. http://127.0.0.1:11434/v1; "/chat/completions" is appended
    model: str
    api_key: str | None = field(default=None, repr=False)
    timeout_s: float = 30.0  # per HTTP attempt
    max_retries: int = 2  # extra attempts after a timeout, connection error, 429 or 5xx
    max_pairs: int = 50  # cost cap: pairs sent per run (retries not counted)
    min_score: float = 0.3  # only pairs whose rule score is at least this are judged
    weight: float = 0.9  # how far a judge's confidence moves a score
    backoff_s: float = 1.0  # first retry delay; doubles per attempt, plus up to 100% jitter
    max_wait_s: float = 30.0  # cap on one backoff delay and on a server's Retry-After


@dataclass(frozen=True)
class Verdict:
    contradiction: bool
    confidence: float  # in [0, 1]
    rationale: str


_FENCE = re.compile(r"```(?:json)?", re.IGNORECASE)
_THINK = re.compile(r"<think>.*?</think>", re.IGNORECASE | re.DOTALL)
_TRUE, _FALSE = {"true", "yes", "1"}, {"false", "no", "0"}


def parse_verdict(content: str) -> Verdict | None:
    """The first JSON object with a "contradiction" key in `content`, as a Verdict.

    Local models wrap JSON in code fences, prefix it with prose or a <think> block; all are
    tolerated. A missing or non-numeric confidence counts as 0.5 (confirms weakly, never rejects).
    """
    text = _FENCE.sub(" ", _THINK.sub(" ", content or ""))
    decoder = json.JSONDecoder()
    for match in re.finditer(r"\{", text):
        try:
            obj, _ = decoder.raw_decode(text, match.start())
        except ValueError:
            continue
        if not isinstance(obj, dict) or "contradiction" not in obj:
            continue
        flag = obj["contradiction"]
        if isinstance(flag, str):
            flag = True if flag.strip().lower() in _TRUE else False if flag.strip().lower() in _FALSE else None
        if not isinstance(flag, bool):
            return None
        try:
            confidence = float(obj.get("confidence", 0.5))
        except (TypeError, ValueError):
            confidence = 0.5
        confidence = 0.5 if confidence != confidence else max(0.0, min(1.0, confidence))  # NaN
        rationale = " ".join(str(obj.get("rationale") or "").split())[:300]
        return Verdict(flag, confidence, rationale)
    return None


class _Retryable(Exception):
    """One attempt failed in a way a later one may not: its message, and the server's Retry-After."""

    def __init__(self, error: str, retry_after: float | None = None) -> None:
        super().__init__(error)
        self.retry_after = retry_after


class LLMJudge:
    """Confirms or rejects candidate pairs; one instance per run, since the cap counts per instance."""

    def __init__(self, settings: JudgeSettings, *, client: httpx.Client | None = None) -> None:
        self.settings = settings
        self._own_client = client is None
        self._client = client or httpx.Client(timeout=settings.timeout_s)
        self._url = settings.base_url.rstrip("/") + "/chat/completions"
        self._json_mode = True  # dropped for the run once a server rejects response_format
        self.calls = 0  # pairs sent (the cost cap counts these)
        self.failures = 0  # calls without a verdict: HTTP/transport errors, unparseable answers
        self.confirmed = 0
        self.rejected = 0
        self.skipped = 0  # pairs eligible in `rescore` but not judged: cap reached or judge disabled
        self.prompt_tokens = 0
        self.completion_tokens = 0
        self.last_error: str | None = None
        self.disabled: str | None = None  # set after 401/403/404: every further call would fail too

    def __repr__(self) -> str:
        return f"LLMJudge(model={self.settings.model!r}, base_url={self.settings.base_url!r}, calls={self.calls})"

    @property
    def exhausted(self) -> bool:
        return self.calls >= self.settings.max_pairs

    def summary(self) -> dict[str, int | bool | str | None]:
        """Counts for the run summary."""
        return {
            "llm_calls": self.calls, "llm_failures": self.failures, "llm_confirmed": self.confirmed,
            "llm_rejected": self.rejected, "llm_skipped": self.skipped, "llm_prompt_tokens": self.prompt_tokens,
            "llm_completion_tokens": self.completion_tokens, "llm_cap_reached": self.exhausted,
            "llm_last_error": self.last_error,
        }

    def close(self) -> None:
        if self._own_client:
            self._client.close()

    def __enter__(self) -> LLMJudge:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- one pair ------------------------------------------------------------------------------

    def judge(self, a: str, b: str, *, context_a: str = "", context_b: str = "") -> Verdict | None:
        """The model's verdict on one pair, or None (cap reached, disabled, failed, unparseable)."""
        if self.exhausted or self.disabled:
            return None
        self.calls += 1
        user = f"Statement A: {a}\nStatement B: {b}"
        if context_a or context_b:
            user += (f"\n\nContext of A: {context_a[:MAX_CONTEXT_CHARS]}"
                     f"\nContext of B: {context_b[:MAX_CONTEXT_CHARS]}")
        payload: dict[str, Any] = {
            "model": self.settings.model,
            "messages": [{"role": "system", "content": SYSTEM_PROMPT}, {"role": "user", "content": user}],
            "temperature": 0,
        }
        data = self._post(payload)
        if data is None:
            return self._fail(self.last_error or "no answer")
        usage = data.get("usage") if isinstance(data.get("usage"), dict) else {}
        self.prompt_tokens += int(usage.get("prompt_tokens") or 0)
        self.completion_tokens += int(usage.get("completion_tokens") or 0)
        try:
            content = data["choices"][0]["message"]["content"]
        except (KeyError, IndexError, TypeError):
            content = None
        verdict = parse_verdict(content) if isinstance(content, str) else None
        if verdict is None:
            return self._fail(f"unparseable answer: {str(content)[:120]!r}")
        return verdict

    def _fail(self, message: str) -> None:
        self.failures += 1
        self.last_error = self._redact(message)
        log.warning("LLM judge: %s", self.last_error)
        return None

    def _redact(self, text: str) -> str:
        key = self.settings.api_key
        return text.replace(key, "***") if key else text

    def _post(self, payload: dict[str, Any]) -> dict[str, Any] | None:
        """POST with retries; the parsed JSON body, or None with `last_error` set."""
        headers = {"Authorization": f"Bearer {self.settings.api_key}"} if self.settings.api_key else {}

        def wait(state: RetryCallState) -> float:
            asked = state.outcome.exception().retry_after
            if asked is None:
                base = self.settings.backoff_s * 2 ** (state.attempt_number - 1)
                asked = base + random.uniform(0, base)
            return min(asked, self.settings.max_wait_s)

        def log_retry(state: RetryCallState) -> None:
            log.info("LLM judge: %s; retry %d in %.2f s", self._redact(str(state.outcome.exception())),
                     state.attempt_number, state.upcoming_sleep)

        retrying = Retrying(
            retry=retry_if_exception_type(_Retryable), stop=stop_after_attempt(self.settings.max_retries + 1),
            wait=wait, before_sleep=log_retry, reraise=True,
        )
        try:
            return retrying(self._post_once, payload, headers)
        except _Retryable as exc:
            attempts = retrying.statistics.get("attempt_number", 1)
            self.last_error = self._redact(str(exc) + (f" (after {attempts} attempts)" if attempts > 1 else ""))
            return None

    def _post_once(self, payload: dict[str, Any], headers: dict[str, str]) -> dict[str, Any] | None:
        """One attempt (two requests when the server rejects `response_format`); raises
        `_Retryable` for a timeout, a dropped connection, 429 or 5xx."""
        while True:
            body = {**payload, "response_format": {"type": "json_object"}} if self._json_mode else payload
            try:
                resp = self._client.post(self._url, json=body, headers=headers, timeout=self.settings.timeout_s)
            except httpx.TimeoutException:
                raise _Retryable(f"timed out after {self.settings.timeout_s:g} s") from None
            except httpx.TransportError as exc:
                raise _Retryable(f"connection error: {type(exc).__name__}: {exc}") from None
            if resp.status_code == 200:
                try:
                    data = resp.json()
                except ValueError:
                    self.last_error = "http 200 with a body that is not JSON"
                    return None
                if isinstance(data, dict):
                    return data
                self.last_error = "http 200 with a JSON body that is not an object"
                return None
            snippet = " ".join(resp.text.split())[:200]
            error = f"http {resp.status_code}: {snippet}"
            if resp.status_code == 400 and self._json_mode and "response_format" in resp.text:
                self._json_mode = False  # e.g. older vLLM/llama.cpp: ask again, prompt alone asks for JSON
                log.info("LLM judge: server rejects response_format; sending without it")
                continue
            if resp.status_code in _DISABLING:
                self.disabled = self._redact(f"{error} ({_DISABLING[resp.status_code]})")
                self.last_error = self.disabled
                return None
            if resp.status_code != 429 and resp.status_code < 500:
                self.last_error = self._redact(error)
                return None
            raise _Retryable(error, parse_retry_after(resp.headers.get("retry-after")))

    # --- many pairs ----------------------------------------------------------------------------

    def rescore(self, scored: Sequence[tuple[Claim, Claim, PairScore]]) -> list[PairScore]:
        """Revised scores in input order; see the module docstring for the rule."""
        out = [s for _, _, s in scored]
        eligible = sorted((i for i, (_, _, s) in enumerate(scored) if s.score >= self.settings.min_score),
                          key=lambda i: -scored[i][2].score)
        for n, i in enumerate(eligible):
            if self.exhausted or self.disabled:
                self.skipped += len(eligible) - n
                log.warning("LLM judge: %d pair(s) not judged (%s)", len(eligible) - n,
                            self.disabled or f"cost cap of {self.settings.max_pairs} pairs reached")
                break
            a, b, score = scored[i]
            verdict = self.judge(a.text, b.text, context_a=a.context, context_b=b.context)
            if verdict is not None:
                out[i] = self._revise(a, b, score, verdict)
        return out

    def _revise(self, a: Claim, b: Claim, score: PairScore, verdict: Verdict) -> PairScore:
        strength = max(0.0, min(1.0, verdict.confidence * self.settings.weight))
        if verdict.contradiction:
            self.confirmed += 1
            reason = Reason(
                detector=NAME, message=f"LLM judge: {verdict.rationale}", weight=strength,
                evidence_a=(Evidence(a.text, 0, len(a.text)),), evidence_b=(Evidence(b.text, 0, len(b.text)),),
            )
            reasons = tuple(sorted((*score.reasons, reason), key=lambda r: -r.weight))
            return PairScore(round(1.0 - (1.0 - score.score) * (1.0 - strength), 4), reasons)
        self.rejected += 1
        log.info("LLM judge rejects (confidence %.2f): %s | A: %s | B: %s",
                 verdict.confidence, verdict.rationale, a.text[:120], b.text[:120])
        if verdict.confidence < REJECT_CONFIDENCE:
            return score
        return PairScore(round(min(score.score * (1.0 - strength), DEFAULT_THRESHOLD - 0.01), 4), score.reasons)

