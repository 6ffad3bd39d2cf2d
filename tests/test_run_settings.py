"""The run's settings: built once by the entry point, read by its flows and tasks, handed to the
processes that run part of it; a command's options never end up in the process environment."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys

import pytest
from pydantic import SecretStr
from typer.testing import CliRunner

from factcheck.config.settings import Settings, child_environment, current, environment, exported, use
from factcheck.flows.cli import app

SETTINGS_VARIABLES = ("FACTCHECK_DATABASE_URL", "FACTCHECK_DATABASE_URL_FILE", "FACTCHECK_ALLOW_PRIVATE_ADDRESSES")


@pytest.fixture
def clean_environment(monkeypatch):
    for name in SETTINGS_VARIABLES:
        monkeypatch.delenv(name, raising=False)


def _settings_in_a_new_process(env: dict[str, str]) -> dict:
    code = (
        "import json; from factcheck.config.settings import current; s = current(); "
        "print(json.dumps({'url': s.database(), 'to': s.digest_to, 'private': s.allow_private_addresses, "
        "'threshold': s.pair_threshold, 'feeds': str(s.feeds_file), 'key': s.llm_api_key.get_secret_value()}))"
    )
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_settings_handed_to_another_process_arrive_whole(tmp_path):
    url_file = tmp_path / "url"
    url_file.write_text("sqlite:///from-the-file.db\n")
    settings = Settings(
        database_url=SecretStr("postgresql+psycopg://app:pw@db.internal:5432/news"), database_url_file=None,
        digest_to=["desk@example.org", "night@example.org"], allow_private_addresses=True,
        pair_threshold=0.7, feeds_file=tmp_path / "feeds.toml", llm_api_key=SecretStr("sk-test"),
    )  # fmt: skip
    # The parent's environment names a URL file and another threshold: the run's settings win.
    base = {**os.environ, "FACTCHECK_DATABASE_URL_FILE": str(url_file), "FACTCHECK_PAIR_THRESHOLD": "0.2"}
    got = _settings_in_a_new_process(child_environment(settings, base))
    assert got == {
        "url": "postgresql+psycopg://app:pw@db.internal:5432/news", "to": ["desk@example.org", "night@example.org"],
        "private": True, "threshold": 0.7, "feeds": str(tmp_path / "feeds.toml"), "key": "sk-test",
    }  # fmt: skip


def test_a_process_that_needs_no_settings_gets_none_of_them():
    base = {"PATH": "/usr/bin", "FACTCHECK_DATABASE_URL": "postgresql://u:pw@h/db", "FACTCHECK_PREFECT_HOME": "/srv/p"}
    assert child_environment(None, base) == {"PATH": "/usr/bin", "FACTCHECK_PREFECT_HOME": "/srv/p"}


def test_exported_settings_are_undone_afterwards(monkeypatch):
    monkeypatch.setenv("FACTCHECK_DATABASE_URL", "sqlite:///before.db")
    monkeypatch.setenv("FACTCHECK_PREFECT_HOME", "/srv/prefect")
    with exported(Settings(database_url=SecretStr("sqlite:///during.db"), pair_threshold=0.9)):
        assert Settings().database() == "sqlite:///during.db" and Settings().pair_threshold == 0.9
    assert os.environ["FACTCHECK_DATABASE_URL"] == "sqlite:///before.db"
    assert "FACTCHECK_PAIR_THRESHOLD" not in os.environ and os.environ["FACTCHECK_PREFECT_HOME"] == "/srv/prefect"


def test_installed_settings_win_over_the_environment_until_the_block_ends(monkeypatch):
    monkeypatch.setenv("FACTCHECK_PAIR_THRESHOLD", "0.3")
    with use(Settings(pair_threshold=0.6)):
        assert current().pair_threshold == 0.6
        with use(Settings(pair_threshold=0.9)):
            assert current().pair_threshold == 0.9
        assert current().pair_threshold == 0.6
    assert current().pair_threshold == 0.3


def test_the_database_option_reaches_the_command_but_not_the_environment(clean_environment, tmp_path):
    db = tmp_path / "given.db"
    result = CliRunner().invoke(app, ["db", "upgrade", "--database", f"sqlite:///{db}"])
    assert result.exit_code == 0, result.output
    with sqlite3.connect(db) as connection:
        assert connection.execute("SELECT count(*) FROM alembic_version").fetchone() == (1,)
    assert not any(name in os.environ for name in SETTINGS_VARIABLES)
    assert current().database() == "sqlite:///factcheck.db"  # the command's settings ended with it


def test_a_bad_setting_is_one_line_naming_it(clean_environment, monkeypatch, tmp_path):
    monkeypatch.setenv("FACTCHECK_PAIR_THRESHOLD", "1.5")
    result = CliRunner().invoke(app, ["feeds", "list", "--database", f"sqlite:///{tmp_path / 'x.db'}"])
    assert result.exit_code == 1
    assert result.output.startswith("error: FACTCHECK_PAIR_THRESHOLD: ") and "Traceback" not in result.output


def test_settings_laid_over_an_environment_that_names_a_url_file_use_their_url(tmp_path):
    """Dask's local workers get `environment` on top of this process's environment, which may
    name a URL file: the run's URL must win, not fail as "both set"."""
    url_file = tmp_path / "url"
    url_file.write_text("sqlite:///from-the-file.db\n")
    settings = Settings(database_url=SecretStr("sqlite:///given.db"), database_url_file=None, llm_api_key=SecretStr("k"))
    got = _settings_in_a_new_process({**os.environ, "FACTCHECK_DATABASE_URL_FILE": str(url_file), **environment(settings)})
    assert got["url"] == "sqlite:///given.db"


def test_two_runs_on_two_threads_keep_their_own_settings(monkeypatch):
    """Runs that overlap in one process (a manual run during the nightly one) end in any order."""
    import threading

    monkeypatch.setenv("FACTCHECK_PAIR_THRESHOLD", "0.3")
    both_in, first_out = threading.Barrier(2), threading.Event()
    seen: dict[str, list[float]] = {}

    def run(name: str, threshold: float, leaves_first: bool) -> None:
        with use(Settings(pair_threshold=threshold)):
            both_in.wait(timeout=10)
            if not leaves_first:
                first_out.wait(timeout=10)
            seen[name] = [current().pair_threshold]
        if leaves_first:
            first_out.set()
        seen[name].append(current().pair_threshold)

    threads = [threading.Thread(target=run, args=("a", 0.6, True)), threading.Thread(target=run, args=("b", 0.9, False))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)
    assert seen == {"a": [0.6, 0.3], "b": [0.9, 0.3]}
    assert current().pair_threshold == 0.3
