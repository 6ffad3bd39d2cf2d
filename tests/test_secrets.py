"""Issue 6, safety: secrets never leave the settings, and SQL is never built from strings.

1. A real `factcheck run` (the CLI, in-process with typer's CliRunner) against PostgreSQL with a
   password in FACTCHECK_DATABASE_URL and FACTCHECK_LLM_API_KEY set for a fake judge server on
   loopback. The judge server is hostile: its first answers echo the API key back (in a 500
   error body and in an unparseable answer). Neither secret may appear in the CLI output, in any
   log record (DEBUG and up, 'prefect' and 'factcheck'), in the stored runs/run_issues/pairs,
   or in what the Prefect API stored (flow run parameters and states, logs, artifacts).
2. A static check of the product code for SQL built by string formatting (see its docstring).
"""

from __future__ import annotations

import contextlib
import logging
import re
import time
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.engine import make_url

import factcheck.flows.nightly  # noqa: F401 - see below
from factcheck.db.engine import session_scope
from factcheck.db.models import ClaimPair, Run, RunIssue

# Importing Prefect's flow API configures logging (a dictConfig that replaces the root logger's
# handlers) the first time in a process. Done here, at collection, so that it can never drop
# caplog's handler in the middle of the test (the CLI imports it lazily).

REPO = Path(__file__).resolve().parents[1]
DB_PASSWORD = "s3cret-pw-Vq7mZ"
API_KEY = "sk-factcheck-SECRET-k3y-5b9e0c7a1f"


@pytest.fixture
def secret_database_url():
    """A fresh PostgreSQL schema reached through a URL that carries DB_PASSWORD (trust auth ignores it)."""
    from conftest import POSTGRES_URL, _postgres_schema_url

    if not POSTGRES_URL:
        pytest.skip("needs PostgreSQL (a password in the URL): set FACTCHECK_TEST_POSTGRES_URL")
    with_password = make_url(POSTGRES_URL).set(password=DB_PASSWORD).render_as_string(hide_password=False)
    assert DB_PASSWORD in with_password
    with contextlib.contextmanager(_postgres_schema_url)(with_password) as url:
        yield url


def _prefect_api_text(flow_run_id: str) -> str:
    """What the (test) Prefect server stored: flow and task runs (parameters, inputs, states), the
    run's logs and the artifacts. Newest first: the server is shared by the whole test session."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import LogFilter, LogFilterFlowRunId
    from prefect.client.schemas.sorting import ArtifactSort, FlowRunSort, LogSort, TaskRunSort
    from prefect.logging.handlers import APILogHandler

    with get_client(sync_client=True) as client:
        deadline = time.monotonic() + 60  # logs reach the API in batches: wait for the run's last line
        while True:
            APILogHandler().flush()
            run_logs = [log.message for log in client.read_logs(
                LogFilter(flow_run_id=LogFilterFlowRunId(any_=[flow_run_id])), limit=200)]
            if any("finished" in m for m in run_logs) or time.monotonic() > deadline:
                break
            time.sleep(0.5)
        assert any("finished" in m for m in run_logs), f"the run's logs were not read back: {run_logs}"
        parts = [repr((r.name, r.parameters, r.state)) for r in client.read_flow_runs(sort=FlowRunSort.ID_DESC, limit=200)]
        parts += [repr((r.name, r.task_inputs, r.state))
                  for r in client.read_task_runs(sort=TaskRunSort.ID_DESC, limit=200)]
        parts += [log.message for log in client.read_logs(sort=LogSort.TIMESTAMP_DESC, limit=200)]
        parts += [repr((a.key, a.data, a.description))
                  for a in client.read_artifacts(sort=ArtifactSort.CREATED_DESC, limit=100)]
    return "\n".join(run_logs + parts)


def test_secrets_stay_out_of_logs_output_and_stored_rows(prefect_harness, secret_database_url, monkeypatch, caplog,
                                                         tmp_path: Path):
    from test_llm_judge import FakeLLM, Reply, chat, verdict_json
    from typer.testing import CliRunner

    from factcheck.flows.cli import app
    from factcheck.flows.demo.site import CorpusSite, demo_corpus, feeds_toml

    url = secret_database_url
    judge = FakeLLM()
    judge.script = [
        # A server that echoes the key back: in an error body (then retried), and in an unparseable answer.
        Reply(status=500, body={"error": f"upstream failed for Bearer {API_KEY}"}, headers={"Retry-After": "0"}),
        chat(f"I cannot answer; your key {API_KEY} is fine though."),
    ]
    judge.default = lambda body: chat(verdict_json(True, 0.9, "Both cannot be true of the same event."))
    monkeypatch.setenv("FACTCHECK_ALLOW_PRIVATE_ADDRESSES", "true")
    monkeypatch.setenv("FACTCHECK_DATABASE_URL", url)
    monkeypatch.setenv("FACTCHECK_LLM_BASE_URL", judge.base_url)
    monkeypatch.setenv("FACTCHECK_LLM_MODEL", "judge-small")
    monkeypatch.setenv("FACTCHECK_LLM_API_KEY", API_KEY)
    monkeypatch.setenv("FACTCHECK_LLM_MAX_PAIRS", "3")
    monkeypatch.setenv("FACTCHECK_LLM_MAX_RETRIES", "1")

    caplog.set_level(logging.DEBUG, logger="prefect")
    caplog.set_level(logging.DEBUG, logger="factcheck")
    try:
        with CorpusSite(demo_corpus()) as site:
            feeds = tmp_path / "feeds.toml"
            feeds.write_text(feeds_toml(site), encoding="utf-8")
            result = CliRunner().invoke(app, ["run", "--feeds", str(feeds), "--database", url], env={"COLUMNS": "200"})
        seen = list(judge.requests)
    finally:
        judge.close()

    # The secrets were really in use: the run wrote to the password URL's schema, the judge got the key.
    assert result.exit_code == 0, result.output
    assert seen and all(r.headers.get("authorization") == f"Bearer {API_KEY}" for r in seen)
    with session_scope(url) as session:
        runs = session.scalars(select(Run)).all()
        issues = session.scalars(select(RunIssue)).all()
        pairs = session.scalars(select(ClaimPair)).all()
    assert [r.status for r in runs] == ["completed"] and runs[0].counts["llm_calls"] >= 2
    assert runs[0].counts["llm_failures"] >= 1  # the echoing answers were handled as failures

    output = result.output
    with contextlib.suppress(ValueError):  # older Click: stderr not captured separately
        output += result.stderr
    logs = "\n".join(
        f"{r.name} {r.getMessage()} {r.exc_text or ''}" for r in caplog.records
    )
    assert "Bearer ***" in logs  # the echoed key was logged, redacted
    names = {r.name for r in caplog.records}
    assert {"prefect.flow_runs", "prefect.task_runs"} <= names, f"the log capture itself is broken: {names}"
    assert any(n.startswith("factcheck.") for n in names), names
    stored = "\n".join(
        [repr((r.counts, r.error, r.flow_run_id)) for r in runs]
        + [repr((i.stage, i.subject, i.status, i.message)) for i in issues]
        + [repr((p.reasons, p.note)) for p in pairs]
    )
    places = {"cli output": output, "logs": logs, "stored rows": stored, "prefect api": _prefect_api_text(runs[0].flow_run_id)}
    for secret in (DB_PASSWORD, API_KEY):
        leaks = [where for where, text in places.items() if secret in text]
        assert not leaks, f"{secret!r} found in: {leaks}"


# --- static check: no SQL built by string formatting -------------------------------------------------

SQL_CALL = r"\b(?:execute|executemany|executescript|exec_driver_sql|text)\(\s*"
FORMATTED_SQL = [
    (re.compile(SQL_CALL + r"(?:[rbRB]?[fF]|[fF][rR])[\"']"), "an f-string passed to execute()/text()"),
    (re.compile(SQL_CALL + r"(?:\"[^\"\n]*\"|'[^'\n]*')\s*%"), "a string %-formatted inside execute()/text()"),
    (re.compile(SQL_CALL + r"(?:\"[^\"\n]*\"|'[^'\n]*')\s*\.format\("), "str.format() inside execute()/text()"),
    (re.compile(SQL_CALL + r"(?:\"[^\"\n]*\"|'[^'\n]*')\s*\+"), "string concatenation inside execute()/text()"),
    (re.compile(r"\b[fF][\"']{1,3}\s*(?:SELECT|INSERT INTO|UPDATE|DELETE FROM|CREATE|DROP|ALTER|PRAGMA)\s"),
     "an f-string that starts like an SQL statement"),
    (re.compile(r"[\"']{1,3}\s*(?:SELECT|INSERT INTO|UPDATE|DELETE FROM)\s[^\"'\n]*%[sd][^\"'\n]*[\"']{1,3}\s*%"),
     "an SQL string filled in with %"),
]


def product_sources() -> list[Path]:
    files = [p for folder in ("flows", "tasks", "db", "config") for p in sorted((REPO / folder).rglob("*.py"))]
    return [p for p in files if "migrations" not in p.relative_to(REPO).parts]


def test_no_sql_is_built_by_string_formatting():
    """Static check over flows/, tasks/, db/ and config/ (Alembic migrations excluded: their DDL is
    fixed text written by us, never input). Flags, per file:

    - `execute(`, `executemany(`, `executescript(`, `exec_driver_sql(` or `text(` whose first
      argument is an f-string, a literal followed by `%`, `.format(` or `+`;
    - any f-string starting with SELECT / INSERT INTO / UPDATE / DELETE FROM / CREATE / DROP /
      ALTER / PRAGMA (SQL assembled first and executed later);
    - an SQL literal with `%s`/`%d` placeholders that is %-formatted.

    It cannot see SQL assembled from variables in other ways; the store goes through SQLAlchemy
    Core/ORM expressions (bound parameters), which this check keeps that way.
    """
    sources = product_sources()
    assert len(sources) > 20 and any(p.name == "store.py" for p in sources)
    found = []
    for path in sources:
        text = path.read_text(encoding="utf-8")
        for pattern, what in FORMATTED_SQL:
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                found.append(f"{path.relative_to(REPO)}:{line}: {what}")
    assert not found, "\n".join(found)


@pytest.mark.parametrize("snippet", [
    'conn.execute(f"SELECT * FROM t WHERE id = {x}")',
    "session.execute(text(\n    f'DELETE FROM t WHERE id = {x}'))",
    'cursor.execute("SELECT * FROM t WHERE id = %s" % x)',
    'conn.execute(text("SELECT * FROM t WHERE name = \'{}\'".format(name)))',
    'conn.exec_driver_sql("DELETE FROM t WHERE id = " + x)',
    'sql = f"UPDATE t SET a = {a}"',
    "q = 'SELECT * FROM t WHERE a = %s' % a",
])
def test_the_static_check_catches_formatted_sql(snippet: str):
    assert any(pattern.search(snippet) for pattern, _ in FORMATTED_SQL), snippet


@pytest.mark.parametrize("snippet", [
    'cursor.execute("PRAGMA foreign_keys=ON")',
    'session.execute(text("SELECT 1"))',
    'session.execute(select(Article).where(Article.url == url))',
    'conn.execute(text("SELECT * FROM t WHERE id = :id"), {"id": x})',
    'Text(f"{count} pairs")',
])
def test_the_static_check_passes_parameterised_sql(snippet: str):
    assert not any(pattern.search(snippet) for pattern, _ in FORMATTED_SQL), snippet


# --- database URLs: masked wherever they are shown; kept off the command line -------------------

QUERY_SECRET = "hunter2-QvX8"


@pytest.mark.parametrize("key", ["password", "pass", "passwd", "pwd", "secret", "token", "api_key", "apikey", "key",
                                 "sslpassword", "client_secret", "access_token", "PASSWORD", "auth"])
def test_safe_url_masks_the_value_of_every_secret_query_key(key: str):
    from factcheck.db.engine import safe_url

    url = f"postgresql+psycopg://ana:{DB_PASSWORD}@db.example:5432/news?{key}={QUERY_SECRET}&application_name=factcheck"
    shown = safe_url(url)
    assert QUERY_SECRET not in shown and DB_PASSWORD not in shown
    assert f"{key}=***" in shown and "ana:***@db.example:5432/news" in shown
    assert "application_name=factcheck" in shown  # harmless keys stay readable


def test_safe_url_masks_repeated_keys_and_urls_that_do_not_parse():
    from factcheck.db.engine import safe_url

    assert QUERY_SECRET not in safe_url(f"postgresql+psycopg://u@h/db?password=a&password={QUERY_SECRET}")
    broken = f"postgresql+psycopg://u:{DB_PASSWORD}@h:notaport/db?token={QUERY_SECRET}"
    assert DB_PASSWORD not in safe_url(broken) and QUERY_SECRET not in safe_url(broken)


def test_mask_secrets_masks_urls_and_dsn_pairs_inside_free_text():
    from factcheck.db.engine import mask_secrets

    text = (f"could not open postgresql+psycopg://u:{DB_PASSWORD}@h/db?sslpassword={QUERY_SECRET}; "
            f"dsn host=h password='{QUERY_SECRET} x' port=5432 api_key={API_KEY}")
    masked = mask_secrets(text)
    assert all(secret not in masked for secret in (DB_PASSWORD, QUERY_SECRET, API_KEY)), masked
    assert "port=5432" in masked and "host=h" in masked


def test_the_failure_notice_masks_a_database_url_in_the_message():
    from types import SimpleNamespace

    from factcheck.flows.ops.hooks import failure_payload

    state = SimpleNamespace(name="Failed", message=f"Flow run failed: postgresql+psycopg://u@h/db?password={QUERY_SECRET}")
    payload = failure_payload(SimpleNamespace(name="nightly"), SimpleNamespace(name="run", id="1"), state)
    assert QUERY_SECRET not in payload["message"] and "password=***" in payload["message"]


def test_a_failing_connection_shows_the_url_masked_in_the_output_and_the_logs(monkeypatch, caplog):
    """A real `factcheck pairs list` against a closed port, with the password in the URL's query."""
    from loopback import closed_port_url
    from typer.testing import CliRunner

    from factcheck.db.engine import dispose_all
    from factcheck.flows.cli import app

    port = make_url(closed_port_url()).port
    url = f"postgresql+psycopg://factcheck@127.0.0.1:{port}/news?password={QUERY_SECRET}&sslpassword={QUERY_SECRET}"
    monkeypatch.setenv("FACTCHECK_DATABASE_URL", url)
    monkeypatch.setenv("FACTCHECK_DB_RETRIES", "1")
    monkeypatch.setenv("FACTCHECK_DB_RETRY_BUDGET_S", "5")
    caplog.set_level(logging.DEBUG, logger="factcheck")
    try:
        result = CliRunner().invoke(app, ["pairs", "list"])
    finally:
        dispose_all()
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit), result.output
    (error,) = [line for line in result.output.splitlines() if line.startswith("error:")]
    assert f"127.0.0.1:{port}/news?password=***&sslpassword=***" in error and "connection refused" in error
    logs = "\n".join(record.getMessage() for record in caplog.records)
    assert "password=***" in logs  # the retry was logged, masked
    assert QUERY_SECRET not in result.output + logs


def test_database_help_warns_about_the_process_list():
    from typer.testing import CliRunner

    from factcheck.flows.cli import app

    result = CliRunner().invoke(app, ["pairs", "list", "--help"], env={"COLUMNS": "300"})
    text = " ".join(result.output.split())
    assert "process list" in text and "FACTCHECK_DATABASE_URL_FILE" in text


def test_a_password_given_with_database_is_warned_about_but_never_shown(monkeypatch):
    from loopback import closed_port_url
    from typer.testing import CliRunner

    from factcheck.db.engine import dispose_all
    from factcheck.flows.cli import app

    monkeypatch.setenv("FACTCHECK_DATABASE_URL", "sqlite://")  # `--database` overwrites it; restored afterwards
    monkeypatch.setenv("FACTCHECK_DB_RETRIES", "0")
    port = make_url(closed_port_url()).port
    url = f"postgresql+psycopg://factcheck:{DB_PASSWORD}@127.0.0.1:{port}/news"
    try:
        result = CliRunner().invoke(app, ["feeds", "list", "--database", url])
    finally:
        dispose_all()
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit), result.output
    assert "process list" in " ".join(result.output.split()) and DB_PASSWORD not in result.output


def test_the_database_url_can_be_read_from_a_file(tmp_path: Path, monkeypatch):
    """FACTCHECK_DATABASE_URL_FILE (a Docker or Kubernetes secret): the URL never appears in argv."""
    from typer.testing import CliRunner

    from factcheck.db.engine import dispose_all
    from factcheck.flows.cli import app

    db = tmp_path / "from-file.db"
    secret_file = tmp_path / "database_url"
    secret_file.write_text(f"sqlite:///{db}\n", encoding="utf-8")  # a trailing newline, as `echo` writes
    monkeypatch.chdir(tmp_path)  # where the default ./factcheck.db would go if the file were ignored
    monkeypatch.delenv("FACTCHECK_DATABASE_URL", raising=False)
    monkeypatch.setenv("FACTCHECK_DATABASE_URL_FILE", str(secret_file))
    runner = CliRunner()
    try:
        added = runner.invoke(app, ["reviewers", "add", "ana", "--password-stdin"], input="correct horse battery\n")
        assert added.exit_code == 0, added.output
        assert db.is_file() and not (tmp_path / "factcheck.db").exists()  # the file's URL, not the default
        assert "ana" in runner.invoke(app, ["reviewers", "list"]).output

        monkeypatch.setenv("FACTCHECK_DATABASE_URL", f"sqlite:///{tmp_path / 'other.db'}")
        both = runner.invoke(app, ["reviewers", "list"])
        assert both.exit_code == 1 and "not both" in both.output
        monkeypatch.delenv("FACTCHECK_DATABASE_URL")

        monkeypatch.setenv("FACTCHECK_DATABASE_URL_FILE", str(tmp_path / "missing"))
        missing = runner.invoke(app, ["reviewers", "list"])
        assert missing.exit_code == 1 and isinstance(missing.exception, SystemExit)
        assert [line for line in missing.output.splitlines() if line.startswith("error:")] == [
            f"error: FACTCHECK_DATABASE_URL_FILE {tmp_path / 'missing'}: cannot be read (No such file or directory)"
        ]

        override = runner.invoke(app, ["reviewers", "list", "--database", f"sqlite:///{db}"])  # --database wins
        assert override.exit_code == 0 and "ana" in override.output
    finally:
        dispose_all()
