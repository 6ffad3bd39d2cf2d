"""The LLM judge against a fake OpenAI-compatible server on 127.0.0.1 (real HTTP, no internet)."""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from loopback import closed_port_url

from factcheck.tasks.pairs.detectors.llm_judge import JudgeSettings, LLMJudge, Verdict, parse_verdict
from factcheck.tasks.models import Claim, Evidence, PairScore, Reason

KEY = "sk-test-SECRET-4242"


@dataclass
class Reply:
    status: int = 200
    body: dict | str = ""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


def chat(content: str, usage: dict | None = None) -> Reply:
    body: dict = {"id": "x", "object": "chat.completion",
                  "choices": [{"index": 0, "message": {"role": "assistant", "content": content}}]}
    if usage:
        body["usage"] = usage
    return Reply(body=body)


def verdict_json(contradiction: bool, confidence: float, rationale: str) -> str:
    return json.dumps({"contradiction": contradiction, "confidence": confidence, "rationale": rationale})


@dataclass
class Seen:
    path: str
    headers: dict[str, str]
    body: dict


class FakeLLM:
    """Answers POSTs from `script` (one reply per request, in order), then from `default(body)`."""

    def __init__(self) -> None:
        self.script: list[Reply | Callable[[dict], Reply]] = []
        self.default: Callable[[dict], Reply] = lambda body: chat(verdict_json(True, 0.9, "default"))
        self.requests: list[Seen] = []
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:  # noqa: N802
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                body = json.loads(raw or b"{}")
                owner.requests.append(Seen(self.path, {k.lower(): v for k, v in self.headers.items()}, body))
                spec = owner.script.pop(0) if owner.script else owner.default
                reply = spec if isinstance(spec, Reply) else spec(body)
                if reply.delay:
                    time.sleep(reply.delay)
                data = reply.body if isinstance(reply.body, str) else json.dumps(reply.body)
                payload = data.encode()
                try:
                    self.send_response(reply.status)
                    for k, v in reply.headers.items():
                        self.send_header(k, v)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except OSError:
                    pass  # the client timed out and hung up

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.server.block_on_close = False
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/v1"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def fake() -> Iterator[FakeLLM]:
    server = FakeLLM()
    yield server
    server.close()


def make_judge(fake: FakeLLM, **kw) -> LLMJudge:
    opts = dict(base_url=fake.base_url, model="judge-small", api_key=KEY, timeout_s=2.0,
                max_retries=2, backoff_s=0.001, max_wait_s=0.05)
    opts.update(kw)
    return LLMJudge(JudgeSettings(**opts))


def claim(text: str) -> Claim:
    return Claim(text=text, position=0, speaker="Outlet", context=f"Before. {text} After.")


def rule_score(score: float) -> PairScore:
    return PairScore(score, (Reason("numeric", f"rule {score}", score),))


A = "At least 14 people were killed in the blast on Sunday."
B = "The blast on Sunday killed 31 people, officials said."


# --- confirm / reject ------------------------------------------------------------------------


def test_confirmation_raises_score_with_rationale(fake: FakeLLM) -> None:
    fake.script = [chat(verdict_json(True, 1.0, "14 and 31 dead cannot both be the toll."),
                        usage={"prompt_tokens": 120, "completion_tokens": 30})]
    with make_judge(fake) as judge:
        (out,) = judge.rescore([(claim(A), claim(B), rule_score(0.4))])
    assert out.score == pytest.approx(1 - 0.6 * (1 - 0.9))  # noisy-or with confidence * weight
    llm = [r for r in out.reasons if r.detector == "llm"]
    assert len(llm) == 1 and llm[0].message == "LLM judge: 14 and 31 dead cannot both be the toll."
    assert llm[0].weight == pytest.approx(0.9)
    assert llm[0].evidence_a == (Evidence(A, 0, len(A)),) and llm[0].evidence_b == (Evidence(B, 0, len(B)),)
    assert out.reasons[0].detector == "llm"  # strongest first, like score_pair
    assert any(r.detector == "numeric" for r in out.reasons)
    assert (judge.calls, judge.failures, judge.confirmed) == (1, 0, 1)
    assert (judge.prompt_tokens, judge.completion_tokens) == (120, 30)
    user = fake.requests[0].body["messages"][1]["content"]
    assert A in user and B in user and "Context of A" in user


def test_rejection_lowers_score_below_threshold_and_keeps_reasons(fake: FakeLLM, caplog) -> None:
    fake.script = [chat(verdict_json(False, 0.9, "Different towns.")),
                   chat(verdict_json(False, 0.5, "Unsure."))]
    strong, weak = rule_score(0.95), rule_score(0.8)
    with caplog.at_level(logging.INFO, logger="factcheck.tasks.pairs.detectors.llm_judge"), make_judge(fake) as judge:
        first, second = judge.rescore([(claim(A), claim(B), strong), (claim(A), claim("x"), weak)])
    assert first.score < 0.5 and first.score == pytest.approx(min(0.95 * (1 - 0.81), 0.49))
    assert first.reasons == strong.reasons  # no negative reason added
    assert second is weak  # a weak rejection changes nothing
    assert judge.rejected == 2 and "Different towns." in caplog.text


def test_unjudged_pairs_keep_scores_in_input_order(fake: FakeLLM) -> None:
    fake.default = lambda body: chat(verdict_json(True, 1.0, "yes") if "second" in body["messages"][1]["content"]
                                     else verdict_json(False, 1.0, "no"))
    scores = [rule_score(0.2), rule_score(0.6), rule_score(0.9)]
    pairs = [(claim("low"), claim("low b"), scores[0]), (claim("second"), claim("b"), scores[1]),
             (claim("third"), claim("b"), scores[2])]
    with make_judge(fake) as judge:
        out = judge.rescore(pairs)
    assert out[0] is scores[0]  # below min_score: not sent
    assert out[1].score > 0.6 and out[2].score < 0.5
    assert len(fake.requests) == 2
    assert "third" in fake.requests[0].body["messages"][1]["content"]  # strongest first


# --- the request -----------------------------------------------------------------------------


def test_request_shape_and_key_never_leaks(fake: FakeLLM, caplog) -> None:
    fake.script = [chat(verdict_json(True, 0.8, "ok"))]
    judge = make_judge(fake)
    assert judge.judge(A, B) == Verdict(True, 0.8, "ok")
    seen = fake.requests[0]
    assert seen.path == "/v1/chat/completions"
    assert seen.headers["authorization"] == f"Bearer {KEY}"
    assert seen.body["model"] == "judge-small" and seen.body["temperature"] == 0
    assert seen.body["response_format"] == {"type": "json_object"}
    assert seen.body["messages"][0]["role"] == "system" and "JSON" in seen.body["messages"][0]["content"]
    assert "Context of" not in seen.body["messages"][1]["content"]
    # a server that echoes the key in its error body
    fake.script = [Reply(status=500, body=f"bad key {KEY}")] * 3
    with caplog.at_level(logging.DEBUG):
        assert judge.judge(A, B) is None
    for text in (repr(judge), str(judge), repr(judge.settings), str(judge.settings), judge.last_error,
                 json.dumps(judge.summary()), caplog.text):
        assert KEY not in text
    assert "***" in judge.last_error
    judge.close()


def test_no_key_no_authorization_header(fake: FakeLLM) -> None:
    with make_judge(fake, api_key=None) as judge:
        assert judge.judge(A, B) is not None
    assert "authorization" not in fake.requests[0].headers


# --- retries and failures --------------------------------------------------------------------


def test_retries_after_503_and_429(fake: FakeLLM) -> None:
    fake.script = [Reply(status=503, body="busy"), Reply(status=429, body="slow down", headers={"Retry-After": "0"}),
                   chat(verdict_json(True, 0.7, "conflict"))]
    with make_judge(fake) as judge:
        assert judge.judge(A, B) == Verdict(True, 0.7, "conflict")
    assert len(fake.requests) == 3 and judge.calls == 1 and judge.failures == 0


def test_retry_after_is_capped(fake: FakeLLM) -> None:
    fake.script = [Reply(status=429, body="", headers={"Retry-After": "3600"}), chat(verdict_json(True, 0.7, "c"))]
    started = time.monotonic()
    with make_judge(fake, max_wait_s=0.05) as judge:
        assert judge.judge(A, B) is not None
    assert time.monotonic() - started < 1.0


def test_retries_give_up(fake: FakeLLM) -> None:
    fake.script = [Reply(status=502, body="bad gateway")] * 5
    with make_judge(fake, max_retries=1) as judge:
        assert judge.judge(A, B) is None
    assert len(fake.requests) == 2 and judge.failures == 1
    assert "http 502" in judge.last_error and "2 attempts" in judge.last_error


def test_no_retry_on_401_and_judge_stops(fake: FakeLLM) -> None:
    fake.script = [Reply(status=401, body={"error": {"message": "invalid api key"}})]
    with make_judge(fake) as judge:
        out = judge.rescore([(claim(A), claim(B), rule_score(0.9)), (claim(A), claim("y"), rule_score(0.8))])
    assert len(fake.requests) == 1
    assert out[0].score == 0.9 and out[1].score == 0.8
    assert judge.failures == 1 and judge.skipped == 1
    assert "http 401" in judge.last_error and "invalid api key" in judge.last_error
    assert "FACTCHECK_LLM_API_KEY" in judge.last_error and judge.disabled


def test_other_4xx_not_retried(fake: FakeLLM) -> None:
    fake.script = [Reply(status=422, body="bad request"), chat(verdict_json(True, 0.9, "ok"))]
    with make_judge(fake) as judge:
        assert judge.judge(A, B) is None
        assert judge.judge(A, B) is not None  # not disabled: the next pair goes through
    assert len(fake.requests) == 2 and "http 422" in (judge.last_error or "")


def test_timeout_is_a_failure_and_run_goes_on(fake: FakeLLM) -> None:
    fake.script = [Reply(delay=1.0, body="{}"), Reply(delay=1.0, body="{}"), chat(verdict_json(True, 1.0, "ok"))]
    with make_judge(fake, timeout_s=0.15, max_retries=1) as judge:
        out = judge.rescore([(claim(A), claim(B), rule_score(0.9)), (claim(A), claim("z"), rule_score(0.5))])
    assert out[0].score == 0.9  # failed: unchanged
    assert out[1].score > 0.5
    assert judge.failures == 1 and judge.calls == 2 and "timed out" in judge.last_error


def test_connection_refused_is_a_failure() -> None:
    settings = JudgeSettings(base_url=closed_port_url("/v1"), model="m", max_retries=1, backoff_s=0.001)
    with LLMJudge(settings) as judge:
        assert judge.judge(A, B) is None
    assert judge.failures == 1 and "connection error" in judge.last_error


# --- cost cap and filtering ------------------------------------------------------------------


def test_cost_cap_limits_requests(fake: FakeLLM) -> None:
    pairs = [(claim(f"claim {i}"), claim("b"), rule_score(0.5 + i / 10)) for i in range(5)]
    with make_judge(fake, max_pairs=2) as judge:
        out = judge.rescore(pairs)
        assert judge.exhausted and judge.skipped == 3
        assert judge.judge(A, B) is None  # no call once the cap is reached
    assert len(fake.requests) == 2
    sent = [r.body["messages"][1]["content"] for r in fake.requests]
    assert "claim 4" in sent[0] and "claim 3" in sent[1]  # strongest first
    assert [o is p[2] for o, p in zip(out, pairs)] == [True, True, True, False, False]
    assert judge.summary()["llm_cap_reached"] is True


def test_min_score_filters(fake: FakeLLM) -> None:
    pairs = [(claim("a"), claim("b"), rule_score(0.1)), (claim("c"), claim("d"), PairScore(0.0))]
    with make_judge(fake, min_score=0.3) as judge:
        out = judge.rescore(pairs)
    assert fake.requests == [] and out == [p[2] for p in pairs]


# --- answers ---------------------------------------------------------------------------------


def test_malformed_answer_returns_none_and_fenced_json_parses(fake: FakeLLM) -> None:
    fenced = 'Sure! Here it is:\n```json\n{"contradiction": true, "confidence": 0.6, "rationale": "r"}\n```\nThanks'
    fake.script = [chat("I think they contradict."), chat(fenced), Reply(body="not json at all"),
                   Reply(body={"choices": []})]
    with make_judge(fake) as judge:
        assert judge.judge(A, B) is None
        assert judge.judge(A, B) == Verdict(True, 0.6, "r")
        assert judge.judge(A, B) is None
        assert judge.judge(A, B) is None
    assert judge.failures == 3 and judge.calls == 4


def test_parse_verdict_tolerance() -> None:
    assert parse_verdict('<think>{"x": 1}</think> {"contradiction": "false", "confidence": 2}') == Verdict(False, 1.0, "")
    assert parse_verdict('{"a": {"b": 1}} then {"contradiction": true}') == Verdict(True, 0.5, "")
    assert parse_verdict('{"contradiction": "maybe", "confidence": 0.9}') is None
    assert parse_verdict('{"contradiction": true, "confidence": "high", "rationale": " a \\n b "}') == Verdict(True, 0.5, "a b")
    assert parse_verdict("") is None and parse_verdict("{broken") is None


def test_response_format_rejected_retries_without_it(fake: FakeLLM) -> None:
    def strict(body: dict) -> Reply:
        if "response_format" in body:
            return Reply(status=400, body={"error": {"message": "Unsupported parameter: 'response_format'"}})
        return chat(verdict_json(True, 0.8, "ok"))

    fake.default = strict
    with make_judge(fake, max_retries=0) as judge:
        assert judge.judge(A, B) == Verdict(True, 0.8, "ok")
        assert judge.judge(A, B) is not None  # remembered: no second 400
    assert ["response_format" in r.body for r in fake.requests] == [True, False, False]
    assert judge.calls == 2 and judge.failures == 0
