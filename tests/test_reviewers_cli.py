"""`factcheck reviewers`: list, disable, enable, reset-password, sign-out-all, against the real
review app (Starlette's TestClient) on SQLite and PostgreSQL."""

from __future__ import annotations

import re

import pytest
from review_data import PASSWORD
from sqlalchemy import select, text
from starlette.testclient import TestClient
from typer.testing import CliRunner

from factcheck.db import reviews
from factcheck.db.engine import dispose_all, get_engine, make_engine, session_scope
from factcheck.db.migrate import upgrade
from factcheck.db.models import PairReview, Reviewer, ReviewerSession
from factcheck.flows.cli import app
from factcheck.flows.web.app import create_app

runner = CliRunner()
NEW_PASSWORD = "a brand new passphrase"


def cli(url: str, *args: str, input: str | None = None):
    return runner.invoke(app, [*args, "--database", url], input=input, env={"COLUMNS": "200"})


def one_error_line(result) -> str:
    """The single `error:` line of a command that failed cleanly (no traceback)."""
    assert isinstance(result.exception, SystemExit), result.exception
    errors = [line for line in result.output.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "Traceback" not in result.output, result.output
    return errors[0]


@pytest.fixture
def accounts(use_database) -> str:
    for name in ("ana", "bo"):
        added = cli(use_database, "reviewers", "add", name, "--password-stdin", input=PASSWORD + "\n")
        assert added.exit_code == 0, added.output
    return use_database


@pytest.fixture
def web(accounts, monkeypatch):
    monkeypatch.setenv("FACTCHECK_ALLOWED_HOSTS", "testserver")  # the TestClient's Host, where hosts are checked
    with TestClient(create_app(accounts), follow_redirects=False) as client:
        yield client


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def signed_in(web: TestClient, name: str, password: str = PASSWORD) -> TestClient:
    """A new browser of the app; asserts the sign-in worked."""
    browser = TestClient(web.app, follow_redirects=False)
    assert sign_in(browser, name, password).status_code == 303
    assert browser.get("/").status_code == 200
    return browser


def sign_in(browser: TestClient, name: str, password: str):
    page = browser.get("/login")
    return browser.post("/login", data={"name": name, "password": password, "csrf_token": csrf_of(page.text)})


def refused(browser: TestClient) -> bool:
    """Whether the browser's session cookie no longer opens the queue (sent back to sign in)."""
    response = browser.get("/")
    return response.status_code == 303 and response.headers["location"].startswith("/login")


def test_list_shows_names_status_dates_and_sessions(accounts, web):
    signed_in(web, "ana")
    listed = cli(accounts, "reviewers", "list")
    assert listed.exit_code == 0, listed.output
    rows = {line.split("│")[1].strip(): line for line in listed.output.splitlines() if line.count("│") >= 5}
    assert set(rows) >= {"ana", "bo"} and "2 reviewer(s)" in listed.output
    assert "enabled" in rows["ana"] and re.search(r"│\s*1\s*│$", rows["ana"].rstrip()), rows["ana"]
    assert "never" in rows["bo"] and re.search(r"│\s*0\s*│$", rows["bo"].rstrip())  # bo never signed in
    assert re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d", rows["bo"])  # created


def test_disable_blocks_sign_in_and_ends_the_sessions_then_enable_restores(accounts, web):
    ana, bo = signed_in(web, "ana"), signed_in(web, "bo")
    disabled = cli(accounts, "reviewers", "disable", "ana")
    assert disabled.exit_code == 0 and "1 session(s) ended" in disabled.output, disabled.output
    assert refused(ana) and not refused(bo)
    assert sign_in(TestClient(web.app, follow_redirects=False), "ana", PASSWORD).status_code == 401
    assert "disabled" in [line for line in cli(accounts, "reviewers", "list").output.splitlines() if "ana" in line][0]

    again = cli(accounts, "reviewers", "disable", "ana")  # idempotent
    assert again.exit_code == 0
    enabled = cli(accounts, "reviewers", "enable", "ana")
    assert enabled.exit_code == 0, enabled.output
    signed_in(web, "ana")


def test_a_disabled_reviewer_keeps_account_and_verdicts(accounts):
    with session_scope(accounts) as session:
        before = session.scalar(select(Reviewer.password_hash).where(Reviewer.name == "ana"))
    assert cli(accounts, "reviewers", "disable", "ana").exit_code == 0
    with session_scope(accounts) as session:
        ana = session.scalar(select(Reviewer).where(Reviewer.name == "ana"))
        assert ana.password_hash == before and ana.disabled_at is not None


def test_a_session_of_a_disabled_reviewer_is_refused_even_if_its_row_survived(accounts, web):
    """The check in session_reviewer itself, not only the deleted rows."""
    browser = signed_in(web, "ana")
    with session_scope(accounts) as session:
        session.execute(Reviewer.__table__.update().where(Reviewer.name == "ana").values(disabled_at=reviews.utcnow()))
        assert session.scalar(select(text("count(*)")).select_from(ReviewerSession)) == 1
    assert refused(browser)


def test_reset_password_prompted_twice_hidden_ends_sessions(accounts, web):
    browser = signed_in(web, "ana")
    mismatch = cli(accounts, "reviewers", "reset-password", "ana", input=f"{NEW_PASSWORD}\nsomething else\n")
    assert mismatch.exit_code != 0  # the confirmation differs: nothing changed
    assert not refused(browser)

    reset = cli(accounts, "reviewers", "reset-password", "ana", input=f"{NEW_PASSWORD}\n{NEW_PASSWORD}\n")
    assert reset.exit_code == 0 and "1 session(s) ended" in reset.output, reset.output
    assert NEW_PASSWORD not in reset.output  # hidden input
    assert refused(browser)
    assert sign_in(TestClient(web.app, follow_redirects=False), "ana", PASSWORD).status_code == 401
    signed_in(web, "ana", NEW_PASSWORD)


def test_reset_password_from_stdin_and_its_errors(accounts, web):
    reset = cli(accounts, "reviewers", "reset-password", "bo", "--password-stdin", input=NEW_PASSWORD + "\n")
    assert reset.exit_code == 0, reset.output
    signed_in(web, "bo", NEW_PASSWORD)

    short = cli(accounts, "reviewers", "reset-password", "bo", "--password-stdin", input="short\n")
    assert short.exit_code == 1 and "at least" in one_error_line(short)
    unknown = cli(accounts, "reviewers", "reset-password", "cy", "--password-stdin", input=NEW_PASSWORD + "\n")
    assert unknown.exit_code == 1 and "no reviewer named 'cy'" in one_error_line(unknown)
    signed_in(web, "bo", NEW_PASSWORD)  # the failed attempts changed nothing


def test_sign_out_all_for_one_reviewer_then_everyone(accounts, web):
    ana, ana_phone, bo = signed_in(web, "ana"), signed_in(web, "ana"), signed_in(web, "bo")
    one = cli(accounts, "reviewers", "sign-out-all", "--name", "ana")
    assert one.exit_code == 0 and "2 session(s) ended" in one.output, one.output
    assert refused(ana) and refused(ana_phone) and not refused(bo)

    every = cli(accounts, "reviewers", "sign-out-all")
    assert every.exit_code == 0 and "1 session(s) ended" in every.output
    assert refused(bo)
    signed_in(web, "ana")  # signing in again works: only sessions ended


@pytest.mark.parametrize("command", [["disable", "nobody"], ["enable", "nobody"], ["sign-out-all", "--name", "nobody"]])
def test_unknown_reviewers_are_one_line_errors(accounts, command):
    result = cli(accounts, "reviewers", *command)
    assert result.exit_code == 1 and "no reviewer named 'nobody'" in one_error_line(result)


def test_names_with_control_characters_are_usage_errors(accounts):
    result = cli(accounts, "reviewers", "disable", "a\x00b")
    assert result.exit_code == 2 and "printable" in one_error_line(result)


def test_the_migration_keeps_existing_reviewers_and_their_sessions(tmp_path):
    """A database at 0006 with a reviewer, a session and a verdict history row upgrades to head
    with the reviewer enabled and nothing lost."""
    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = make_engine(url)
    try:
        upgrade(engine, "0006")
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO reviewers (id, name, password_hash, created_at) "
                              "VALUES (1, 'ana', :hash, '2026-01-01 00:00:00')"), {"hash": reviews.hash_password(PASSWORD)})
            conn.execute(text("INSERT INTO reviewer_sessions (token_hash, reviewer_id, created_at, expires_at) "
                              "VALUES ('t', 1, '2026-01-01 00:00:00', '2999-01-01 00:00:00')"))
    finally:
        engine.dispose()
    get_engine(url)  # migrates to head
    try:
        with session_scope(url) as session:
            ana = session.scalar(select(Reviewer).where(Reviewer.name == "ana"))
            assert ana.disabled_at is None
            assert session.scalar(select(text("count(*)")).select_from(ReviewerSession)) == 1
            assert session.scalar(select(text("count(*)")).select_from(PairReview)) == 0
            assert reviews.authenticate(session, "ana", PASSWORD) is not None
    finally:
        dispose_all()
