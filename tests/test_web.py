"""The reviewers' web app (flows/web) through Starlette's TestClient, on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from html import unescape

import pytest
from review_data import PASSWORD, PAYLOAD, populate
from sqlalchemy import select
from starlette.testclient import TestClient
from typer.testing import CliRunner

from factcheck.db import reviews
from factcheck.db.engine import session_scope
from factcheck.db.models import ClaimPair, PairReview
from factcheck.flows.web import limits
from factcheck.flows.web.views import queue as queue_view
from factcheck.flows.web.app import create_app
from factcheck.flows.web.highlight import highlight
from factcheck.flows.web.security import safe_href


@pytest.fixture
def review_db(use_database, monkeypatch):
    monkeypatch.setenv("FACTCHECK_ALLOWED_HOSTS", "testserver")  # the TestClient's Host
    return use_database, populate(use_database)


@pytest.fixture
def client(review_db):
    url, _ = review_db
    with TestClient(create_app(url), follow_redirects=False) as client:
        yield client


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def sign_in(client: TestClient, name: str = "ana", password: str = PASSWORD):
    page = client.get("/login")
    return client.post("/login", data={"name": name, "password": password, "csrf_token": csrf_of(page.text)})


def pair_status(url: str, pair_id: int) -> ClaimPair:
    with session_scope(url) as session:
        return session.get(ClaimPair, pair_id)


def test_sign_in_is_required(client, review_db):
    _, pairs = review_db
    for path in ("/", f"/pairs/{pairs['flood']}", "/?outlet=Arlo+Daily"):
        response = client.get(path)
        assert response.status_code == 303 and response.headers["location"].startswith("/login?next=")
    assert client.post(f"/pairs/{pairs['flood']}/verdict", data={"verdict": "confirmed"}).status_code == 403
    assert pair_status(review_db[0], pairs["flood"]).status == "pending"


def test_wrong_password_is_refused_and_the_right_one_opens_a_session(client):
    refused = sign_in(client, password="not the password")
    assert refused.status_code == 401 and "Wrong name or password" in refused.text
    assert "factcheck_session" not in refused.headers.get("set-cookie", "")
    assert sign_in(client, name="nobody").status_code == 401
    assert client.get("/").status_code == 303

    accepted = sign_in(client)
    assert accepted.status_code == 303 and accepted.headers["location"] == "/"
    cookie = accepted.headers["set-cookie"]
    assert "factcheck_session=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie
    queue = client.get("/")
    assert queue.status_code == 200 and "Signed in as" in queue.text and "ana" in queue.text

    logout = client.post("/logout", data={"csrf_token": csrf_of(queue.text)})
    assert logout.status_code == 303 and client.get("/").status_code == 303


def test_sign_in_is_throttled_after_repeated_failures(client, monkeypatch):
    monkeypatch.setattr(limits, "MAX_FAILURES", 3)
    for _ in range(3):
        assert sign_in(client, password="guess").status_code == 401
    throttled = sign_in(client)  # even the right password, for a while
    assert throttled.status_code == 429 and "Too many failed attempts" in throttled.text


def test_sign_in_goes_back_to_the_page_asked_for_but_only_on_this_site(client, review_db):
    _, pairs = review_db
    page = client.get(f"/login?next=/pairs/{pairs['flood']}")
    done = client.post("/login", data={"name": "ana", "password": PASSWORD, "csrf_token": csrf_of(page.text),
                                       "next": f"/pairs/{pairs['flood']}"})  # fmt: skip
    assert done.headers["location"] == f"/pairs/{pairs['flood']}"
    client.cookies.clear()
    page = client.get("/login")
    done = client.post("/login", data={"name": "ana", "password": PASSWORD, "csrf_token": csrf_of(page.text),
                                       "next": "//evil.example/"})  # fmt: skip
    assert done.headers["location"] == "/"


def test_posts_without_or_with_a_wrong_csrf_token_are_forbidden(client, review_db):
    url, pairs = review_db
    page = client.get("/login")
    assert client.post("/login", data={"name": "ana", "password": PASSWORD}).status_code == 403
    assert client.post("/login", data={"name": "ana", "password": PASSWORD, "csrf_token": "0" * 64}).status_code == 403
    assert sign_in(client).status_code == 303

    pair_page = client.get(f"/pairs/{pairs['flood']}")
    token = csrf_of(pair_page.text)
    target = f"/pairs/{pairs['flood']}/verdict"
    assert client.post(target, data={"verdict": "confirmed"}).status_code == 403
    assert client.post(target, data={"verdict": "confirmed", "csrf_token": "x" + token[1:]}).status_code == 403
    assert client.post(target, data={"verdict": "confirmed", "csrf_token": csrf_of(page.text)}).status_code == 403
    cross_site = client.post(target, data={"verdict": "confirmed", "csrf_token": token}, headers={"Origin": "https://evil.example"})
    assert cross_site.status_code == 403
    assert client.post("/logout", data={}).status_code == 403
    assert pair_status(url, pairs["flood"]).status == "pending"

    # The token of another session does not work either.
    other = TestClient(client.app, follow_redirects=False)
    assert sign_in(other).status_code == 303
    assert client.post(target, data={"verdict": "confirmed", "csrf_token": csrf_of(other.get("/").text)}).status_code == 403
    assert client.post(target, data={"verdict": "confirmed", "csrf_token": token}).status_code == 303


def test_a_verdict_is_recorded_with_reviewer_note_and_history(client, review_db):
    url, pairs = review_db
    sign_in(client)
    token = csrf_of(client.get("/").text)
    done = client.post(f"/pairs/{pairs['flood']}/verdict", data={"verdict": "confirmed", "note": "both  checked", "csrf_token": token})
    assert done.status_code == 303
    # The next pending pair of the queue (highest score first) opens next.
    assert re.match(r"/pairs/\d+\?done=%d$" % pairs["flood"], done.headers["location"]) or done.headers["location"] == "/"
    pair = pair_status(url, pairs["flood"])
    assert (pair.status, pair.reviewer, pair.note) == ("confirmed", "ana", "both  checked") and pair.reviewed_at

    assert client.post(f"/pairs/{pairs['flood']}/verdict", data={"verdict": "rejected", "csrf_token": token}).status_code == 303
    assert client.post(f"/pairs/{pairs['flood']}/verdict", data={"verdict": "maybe", "csrf_token": token}).status_code == 400

    # A CLI review is part of the history too.
    with session_scope(url) as session:
        from factcheck.db.queries import review_pair

        review_pair(session, pairs["flood"], verdict="unsure", reviewer="bo", note="call the mayor")
    with session_scope(url) as session:
        history = session.scalars(select(PairReview).where(PairReview.pair_id == pairs["flood"]).order_by(PairReview.id)).all()
    assert [(h.verdict, h.reviewer, h.note) for h in history] == [
        ("confirmed", "ana", "both  checked"), ("rejected", "ana", None), ("unsure", "bo", "call the mayor"),
    ]  # fmt: skip
    page = client.get(f"/pairs/{pairs['flood']}").text
    assert page.index("call the mayor") < page.index("both  checked")  # newest first
    assert page.count('class="status rejected"') >= 1 and "unsure" in page
    assert pair_status(url, pairs["flood"]).status == "unsure"


def test_filters_and_search_narrow_the_queue(client, review_db):
    _, pairs = review_db
    sign_in(client)

    def listed(query: str = "") -> set[int]:
        html = client.get("/" + query).text
        return {int(n) for n in re.findall(r'<tr data-href="/pairs/(\d+)', html)}

    everything = set(pairs.values())
    assert listed() == everything
    assert listed("?outlet=Arlo+Daily") == {pairs["flood"]}
    assert listed("?outlet=Coast+Herald") == {pairs["flood"], pairs["xss"]}
    assert listed("?q=FISHERIES") == {pairs["denial"]}
    assert listed("?q=%25") == set()  # LIKE wildcards are searched for literally
    assert listed("?since=2026-03-06&until=2026-03-07") == {pairs["flood"]}
    assert listed("?until=2026-03-05") == {pairs["denial"]}
    with session_scope(review_db[0]) as session:
        flood = session.get(ClaimPair, pairs["flood"])
        event, score = flood.event_id, flood.score
    assert listed(f"?event={event}") == {pairs["flood"]}
    assert pairs["flood"] in listed(f"?min_score={score}")
    assert listed("?min_score=1") == set()
    bad = client.get("/?min_score=7")  # a bad value is a notice on the queue (400), not an error page
    assert bad.status_code == 400 and "minimum score" in bad.text and 'class="queue"' in bad.text

    token = csrf_of(client.get("/").text)
    client.post(f"/pairs/{pairs['flood']}/verdict", data={"verdict": "confirmed", "csrf_token": token})
    assert pairs["flood"] not in listed()  # the queue shows pending pairs
    assert listed("?status=confirmed") == {pairs["flood"]}
    assert listed("?status=all") == everything
    html = client.get("/").text
    assert re.search(r"pending <span class=\"count\">2</span>", html) and re.search(r"confirmed <span class=\"count\">1</span>", html)


def test_the_queue_is_ordered_by_score_and_paged_by_keyset(client, review_db, monkeypatch):
    url, pairs = review_db
    monkeypatch.setattr(queue_view, "PAGE_SIZE", 2)
    sign_in(client)
    first = client.get("/").text
    ids = [int(n) for n in re.findall(r'<tr data-href="/pairs/(\d+)', first)]
    assert len(ids) == 2
    next_link = unescape(re.search(r'href="(/\?after=[^"]+)" rel="next"', first).group(1))
    second = client.get(next_link).text
    rest = [int(n) for n in re.findall(r'<tr data-href="/pairs/(\d+)', second)]
    assert set(ids + rest) == set(pairs.values()) and len(rest) == 1
    with session_scope(url) as session:
        scores = {p.id: (p.score, p.id) for p in session.scalars(select(ClaimPair))}
    assert sorted(ids + rest, key=lambda i: scores[i], reverse=True) == ids + rest


def test_pair_page_shows_both_sides_evidence_context_and_the_event(client, review_db):
    _, pairs = review_db
    sign_in(client)
    html = client.get(f"/pairs/{pairs['denial']}").text
    assert "Harbour Post" in html and "Valley Times" in html and "Accord talks" in html
    assert '<a href="https://harbour.example/accord"' in html and "noopener" in html
    assert "<mark" in html  # the evidence of the reasons
    assert "Fishing boats stayed in port." in html and "<strong>Delegations" in html  # the context, claim emphasised
    assert "2026-03-05 09:00 UTC" in html
    assert "<kbd>c</kbd>" in html and "previous pair" in html  # the shortcuts are documented
    assert client.get("/pairs/999999").status_code == 404
    assert client.get("/pairs/nonsense").status_code == 404


def test_untrusted_statement_title_and_url_are_inert(client, review_db):
    _, pairs = review_db
    sign_in(client)
    for html in (client.get(f"/pairs/{pairs['xss']}").text, client.get("/").text):
        assert PAYLOAD not in html and "<script>alert" not in html
        assert "&lt;script&gt;alert(" in html
        assert "javascript:" not in re.sub(r"<span class=\"unsafe-url\"[^>]*>javascript:alert\(1\)</span>", "", html)
        assert not re.search(r"href=\"\s*javascript", html, re.I)
        assert all(src == "/static/app.js" for src in re.findall(r"<script[^>]*src=\"([^\"]*)\"", html))
        assert len(re.findall(r"<script", html)) == 1  # only the app's own script
    page = client.get(f"/pairs/{pairs['xss']}")
    assert '<span class="unsafe-url"' in page.text and "javascript:alert(1)</span>" in page.text
    csp = page.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "default-src 'none'" in csp and "unsafe-inline" not in csp
    assert page.headers["x-content-type-options"] == "nosniff" and page.headers["x-frame-options"] == "DENY"


def test_highlight_escapes_every_segment_and_checks_offsets():
    text = "a <b>14</b> & 9"
    reasons = [
        {"evidence_a": [{"text": "14", "start": 5, "end": 7}, {"text": "9", "start": 14, "end": 15}]},
        {"evidence_a": [{"text": "<b>14", "start": 2, "end": 7}, {"text": "gone", "start": 0, "end": 4}]},
        {"evidence_a": [{"text": "&", "start": 999, "end": 1000}, "junk"]},
    ]
    assert str(highlight(text, reasons, "a")) == (
        'a <mark class="r0 r1">&lt;b&gt;14</mark>&lt;/b&gt; <mark class="r2">&amp;</mark> <mark class="r0">9</mark>'
    )
    assert str(highlight("<i>", [], "b")) == "&lt;i&gt;"


@pytest.mark.parametrize(
    "url, live",
    [
        ("https://a.example/x?y=1", True), ("http://a.example", True), ("javascript:alert(1)", False),
        ("JavaScript:alert(1)", False), (" javascript:alert(1)", False), ("java\tscript:alert(1)", False),
        ("data:text/html,<script>", False), ("//a.example/x", False), ("/local", False), ("https://", False),
        ("vbscript:msgbox", False), ("", False),
    ],
)  # fmt: skip
def test_only_http_urls_become_links(url, live):
    assert (safe_href(url) == url) is live


def test_reviewers_add_command(use_database):
    from factcheck.flows.cli import app

    runner = CliRunner()
    db = ["--database", use_database]
    added = runner.invoke(app, ["reviewers", "add", "ana", "--password-stdin", *db], input=PASSWORD + "\n")
    assert added.exit_code == 0, added.output
    again = runner.invoke(app, ["reviewers", "add", "ana", "--password-stdin", *db], input=PASSWORD + "\n")
    assert again.exit_code == 1 and "exists already" in again.output
    short = runner.invoke(app, ["reviewers", "add", "bo", "--password-stdin", *db], input="short\n")
    assert short.exit_code == 1 and "at least" in short.output
    prompted = runner.invoke(app, ["reviewers", "add", "cy", *db], input=f"{PASSWORD}\n{PASSWORD}\n")
    assert prompted.exit_code == 0, prompted.output
    assert PASSWORD not in prompted.output  # hidden input
    with session_scope(use_database) as session:
        assert reviews.authenticate(session, "ana", PASSWORD) is not None
        assert reviews.authenticate(session, "cy", PASSWORD) is not None
        assert reviews.authenticate(session, "ana", PASSWORD + "x") is None
        from factcheck.db.models import Reviewer

        stored = session.scalar(select(Reviewer.password_hash).where(Reviewer.name == "ana"))
    assert stored.startswith("scrypt$") and PASSWORD not in stored


def test_the_secret_key_is_kept_across_restarts_or_taken_from_the_setting(use_database, monkeypatch):
    monkeypatch.delenv("FACTCHECK_WEB_SECRET", raising=False)
    first, second = create_app(use_database), create_app(use_database)
    assert first.state.review.secret == second.state.review.secret and len(first.state.review.secret) >= 32
    monkeypatch.setenv("FACTCHECK_WEB_SECRET", "s" * 40)
    assert create_app(use_database).state.review.secret == b"s" * 40
