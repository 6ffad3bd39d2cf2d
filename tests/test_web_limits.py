"""The review app's limits: the sign-in throttle, bounded password hashing, out-of-range input,
error pages with the security headers, and the Host header (SQLite and PostgreSQL)."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlencode

import pytest
from starlette.testclient import TestClient
from test_web import client, csrf_of, pair_status, review_db, sign_in  # noqa: F401  (fixtures)

from factcheck.db import queries, reviews
from factcheck.db.models import max_id
from factcheck.flows.web import limits
from factcheck.flows.web.views import signin
from factcheck.flows.web.app import create_app

TOO_BIG = str(2**63)


def post_many(client: TestClient, forms: list[dict[str, str]]) -> list[int]:
    """POST the sign-in forms all at once (one thread each); their status codes."""
    token = csrf_of(client.get("/login").text)
    barrier = threading.Barrier(len(forms))

    def post(form: dict[str, str]) -> int:
        barrier.wait()
        return client.post("/login", data={**form, "csrf_token": token}).status_code

    with ThreadPoolExecutor(len(forms)) as pool:
        return list(pool.map(post, forms))


# --- 1. the sign-in throttle -----------------------------------------------------------------------


def test_padded_or_look_alike_names_share_the_throttle(client, monkeypatch):
    monkeypatch.setattr(limits, "MAX_FAILURES", 3)
    for _ in range(3):
        assert sign_in(client, password="guess").status_code == 401
    # Each of these used to be a fresh throttle key that still signed in as "ana".
    for name in ("ana" + " " * 250 + "Z", " ana ", "ａｎａ", "ANA", "ana\u00a0"):
        refused = sign_in(client, name=name)
        assert refused.status_code in (400, 429), name
        assert "factcheck_session" not in refused.headers.get("set-cookie", "")


@pytest.mark.parametrize("name", ["ana\x00", "a\x07na", "a\x85na", "x" * 201])
def test_odd_sign_in_names_are_refused_with_a_message(client, name):
    refused = sign_in(client, name=name)
    assert refused.status_code == 400 and "name" in refused.text and "Traceback" not in refused.text
    assert "content-security-policy" in refused.headers


def test_concurrent_attempts_beyond_the_limit_are_refused_unevaluated(client, monkeypatch):
    monkeypatch.setattr(limits, "MAX_FAILURES", 3)
    evaluated = []
    authenticate = reviews.authenticate

    def slow_authenticate(session, name, password):
        evaluated.append(name)
        time.sleep(0.3)  # every request arrives while the first ones are still being checked
        return authenticate(session, name, password)

    monkeypatch.setattr(reviews, "authenticate", slow_authenticate)
    codes = post_many(client, [{"name": "ana", "password": f"guess {i}"} for i in range(10)])
    assert len(evaluated) == 3
    assert sorted(codes) == [401] * 3 + [429] * 7


def test_failures_from_one_address_are_limited_across_names(client, monkeypatch):
    monkeypatch.setattr(limits, "MAX_ADDRESS_FAILURES", 4)
    for i in range(4):
        assert sign_in(client, name=f"nobody{i}", password="guess").status_code == 401
    throttled = sign_in(client)  # another name, the right password: this address is waiting
    assert throttled.status_code == 429 and "Too many failed attempts" in throttled.text


def test_a_successful_sign_in_does_not_count_as_a_failure(client, monkeypatch):
    monkeypatch.setattr(limits, "MAX_FAILURES", 2)
    for _ in range(3):
        client.cookies.clear()
        assert sign_in(client).status_code == 303


def test_password_hashing_runs_a_few_at_a_time(client, monkeypatch):
    running, most = 0, 0
    lock = threading.Lock()
    verify = reviews.verify_password

    def counted(password, stored):
        nonlocal running, most
        with lock:
            running += 1
            most = max(most, running)
        try:
            time.sleep(0.1)
            return verify(password, stored)
        finally:
            with lock:
                running -= 1

    monkeypatch.setattr(reviews, "verify_password", counted)
    codes = post_many(client, [{"name": f"user{i}", "password": "guess"} for i in range(12)])
    assert codes == [401] * 12
    assert 1 <= most <= signin.HASH_WORKERS <= 4, most


# --- 2. out-of-range input ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query, message",
    [
        (f"event={TOO_BIG}", "event"), ("event=-1", "event"), (f"event=-{TOO_BIG}1", "event"),
        ("until=9999-12-31", "until"), ("since=0001-01-01", "since"), ("until=10000-01-01", "until"),
        ("since=1899-12-31", "since"), ("q=flood%00", "search"), ("outlet=Arlo%00Daily", "outlet"),
        ("q=%1b%5b31m", "search"), (f"after=0.5~{TOO_BIG}", "page link"), ("after=nan~3", "page link"),
        ("after=inf~3", "page link"), ("after=0.5~-3", "page link"),
    ],
)  # fmt: skip
def test_out_of_range_queue_filters_are_a_400_with_a_message(client, query, message):
    sign_in(client)
    page = client.get("/?" + query)
    assert page.status_code == 400 and message in page.text
    assert 'class="problem"' in page.text and "content-security-policy" in page.headers


def test_ids_beyond_what_the_database_holds_are_refused_not_a_500(client, review_db):
    # PostgreSQL's INTEGER ids stop at 2**31 - 1: 2**31 was a 500 there ("integer out of range").
    url, pairs = review_db
    sign_in(client)
    big = max_id(url) + 1
    for query, message in ((f"event={big}", "event"), (f"after=0.5~{big}", "page link")):
        page = client.get("/?" + query)
        assert page.status_code == 400 and message in page.text, query
    assert client.get(f"/pairs/{big}").status_code == 404
    assert client.get(f"/pairs/{pairs['flood']}?done={big}").status_code == 200
    assert client.get(f"/?event={max_id(url)}").status_code == 200


def test_dates_at_the_edges_of_the_range_work(client):
    sign_in(client)
    assert client.get("/?since=1900-01-01&until=2999-12-31").status_code == 200


def test_a_pair_page_opened_from_a_bad_queue_is_a_400_that_still_shows_the_pair(client, review_db):
    _, pairs = review_db
    sign_in(client)
    page = client.get(f"/pairs/{pairs['flood']}?event={TOO_BIG}&until=9999-12-31&q=x%00")
    assert page.status_code == 400 and f"Pair {pairs['flood']}" in page.text
    assert TOO_BIG not in page.text.split("</header>")[0]  # links back drop the bad values
    assert client.get(f"/pairs/{TOO_BIG}").status_code == 404


def test_a_verdict_sent_from_a_bad_queue_is_stored(client, review_db):
    url, pairs = review_db
    sign_in(client)
    token = csrf_of(client.get("/").text)
    queue = "?" + urlencode({"event": TOO_BIG, "until": "9999-12-31", "q": "fl\x00ood", "outlet": "Coast Herald"})
    done = client.post(f"/pairs/{pairs['flood']}/verdict", data={"verdict": "confirmed", "csrf_token": token, "queue": queue})
    assert done.status_code == 303
    assert TOO_BIG not in done.headers["location"] and "9999" not in done.headers["location"]
    assert "outlet=Coast+Herald" in done.headers["location"]  # the good filters are kept
    assert pair_status(url, pairs["flood"]).status == "confirmed"


def test_a_note_with_control_characters_is_refused_not_lost_silently(client, review_db):
    url, pairs = review_db
    sign_in(client)
    token = csrf_of(client.get("/").text)
    target = f"/pairs/{pairs['flood']}/verdict"
    refused = client.post(target, data={"verdict": "confirmed", "note": "checked\x00", "csrf_token": token})
    assert refused.status_code == 400 and "note" in refused.text
    assert pair_status(url, pairs["flood"]).status == "pending"
    kept = client.post(target, data={"verdict": "confirmed", "note": "line one\r\n\tline two", "csrf_token": token})
    assert kept.status_code == 303 and pair_status(url, pairs["flood"]).note == "line one\r\n\tline two"


def test_an_unhandled_error_is_a_500_page_with_the_security_headers(review_db, monkeypatch):
    url, _ = review_db

    def broken(*args, **kwargs):
        raise RuntimeError("secret detail of the failure")

    with TestClient(create_app(url), follow_redirects=False, raise_server_exceptions=False) as client:
        sign_in(client)
        monkeypatch.setattr(queries, "list_pairs", broken)
        page = client.get("/")
    assert page.status_code == 500
    assert "default-src 'none'" in page.headers["content-security-policy"]
    assert page.headers["x-frame-options"] == "DENY" and page.headers["x-content-type-options"] == "nosniff"
    assert "secret detail" not in page.text and "Traceback" not in page.text and "RuntimeError" not in page.text


# --- 3. the Host header ---------------------------------------------------------------------------


def test_only_the_configured_host_names_are_served(review_db, monkeypatch):
    url, _ = review_db
    monkeypatch.delenv("FACTCHECK_ALLOWED_HOSTS")
    with TestClient(create_app(url), base_url="http://127.0.0.1:8765", follow_redirects=False) as client:
        assert client.get("/login").status_code == 200
        for host in ("localhost:8765", "[::1]:8765", "LOCALHOST"):
            assert client.get("/login", headers={"Host": host}).status_code == 200, host
        for host in ("evil.example", "evil.example:8765", "127.0.0.1.evil.example", "", "[::2]"):
            refused = client.get("/login", headers={"Host": host})
            assert refused.status_code == 400, host
            assert "content-security-policy" in refused.headers
        assert sign_in(client).status_code == 303

    monkeypatch.setenv("FACTCHECK_ALLOWED_HOSTS", "review.example.org, ::1")
    with TestClient(create_app(url), base_url="https://review.example.org", follow_redirects=False) as client:
        assert client.get("/login").status_code == 200
        assert client.get("/login", headers={"Host": "[::1]"}).status_code == 200
        assert client.get("/login", headers={"Host": "localhost"}).status_code == 400
        assert client.get("/login", headers={"Host": "evil.example"}).status_code == 400


def test_the_allowed_hosts_setting_reads_a_list_or_commas(monkeypatch):
    from factcheck.config.settings import Settings

    monkeypatch.setenv("FACTCHECK_ALLOWED_HOSTS", '["a.example", "b.example"]')
    assert Settings().allowed_hosts == ["a.example", "b.example"]
    monkeypatch.setenv("FACTCHECK_ALLOWED_HOSTS", " a.example , *.b.example ")
    assert Settings().allowed_hosts == ["a.example", "*.b.example"]
    monkeypatch.delenv("FACTCHECK_ALLOWED_HOSTS")
    assert set(Settings().allowed_hosts) >= {"localhost", "127.0.0.1", "::1"}


# --- the pure checks (limits.py), which the CLI can reuse -----------------------------------------


def test_the_pure_checks():
    from datetime import date

    from factcheck.flows.web import limits
    from factcheck.flows.web.security import host_pattern

    assert limits.parse_id(" 42 ", "event") == 42 and limits.parse_id(str(2**63 - 1), "event") == 2**63 - 1
    for bad in (TOO_BIG, "0", "-1", "+1", "1e3", "٣", "", "9" * 5000):
        with pytest.raises(limits.BadInput, match="event"):
            limits.parse_id(bad, "event")
    assert limits.parse_day("2026-03-05", "since") == date(2026, 3, 5)
    for bad in ("9999-12-31", "0001-01-01", "2026-02-30", "yesterday"):
        with pytest.raises(limits.BadInput, match="until"):
            limits.parse_day(bad, "until")
    assert limits.check_text("a\tb\nc", "note", multiline=True) == "a\tb\nc"
    for bad in ("a\x00", "a\tb", "\x1b[31m", "\ud800"):
        with pytest.raises(limits.BadInput):
            limits.check_text(bad, "search")
    assert limits.sign_in_name("  ａｎａ\u00a0") == "ana" and limits.throttle_key("ANA") == "ana"
    assert [host_pattern(h) for h in ("::1", "[::1]:80", "Review.Example.org:443", "*.b.example")] == [
        "[::1]", "[::1]", "review.example.org", "*.b.example",
    ]  # fmt: skip
