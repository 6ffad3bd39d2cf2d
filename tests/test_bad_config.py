"""Bad configuration is one line naming the problem, never a traceback: a feeds file with an
unparseable URL, a database URL with a bad port, a file that is not a SQLite database; and a
read-only SQLite database still serves the read-only commands."""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from review_data import populate
from typer.testing import CliRunner

from factcheck.db.engine import dispose_all, make_engine
from factcheck.db.migrate import upgrade
from factcheck.flows.cli import app

runner = CliRunner()


def one_error_line(result) -> str:
    """The single `error:` line of a command that failed cleanly (exit 1 or 2, no traceback)."""
    assert result.exit_code in (1, 2), result.output
    assert isinstance(result.exception, SystemExit), repr(result.exception)
    errors = [line for line in result.output.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "Traceback" not in result.output, result.output
    return errors[0]


@pytest.fixture(autouse=True)
def _forget_engines(monkeypatch):
    monkeypatch.setenv("FACTCHECK_DATABASE_URL", "sqlite://")  # `--database` overwrites it; restored afterwards
    monkeypatch.setenv("FACTCHECK_DB_RETRIES", "0")
    yield
    dispose_all()


@pytest.mark.parametrize("url", ["http://[::1/rss", "https://news.example:port/rss", "http://news.example:99999/rss"])
def test_a_feed_url_that_does_not_parse_is_one_line(tmp_path: Path, url: str):
    feeds = tmp_path / "feeds.toml"
    feeds.write_text(f'[[feeds]]\noutlet = "Harbour Post"\nurl = "{url}"\n', encoding="utf-8")
    result = runner.invoke(app, ["run", "--feeds", str(feeds), "--database", f"sqlite:///{tmp_path / 'f.db'}"])
    line = one_error_line(result)
    assert str(feeds) in line and "feed #1 (Harbour Post) has an invalid url" in line


@pytest.mark.parametrize("url", ["postgresql+psycopg://u@h:notaport/db", "postgresql+psycopg://u:pw@h:70000/db"])
def test_a_bad_port_in_the_database_url_is_one_line(url: str):
    result = runner.invoke(app, ["pairs", "list", "--database", url])
    assert result.exit_code == 1
    line = one_error_line(result)
    assert "invalid port" in line and "pw" not in line


def test_a_file_that_is_not_a_sqlite_database_is_one_line_and_left_alone(tmp_path: Path):
    path = tmp_path / "notes.db"
    path.write_bytes(b"These are my notes, not a database.\n" * 200)
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    for command in (["pairs", "list"], ["db", "upgrade"], ["reviewers", "list"]):
        result = runner.invoke(app, [*command, "--database", f"sqlite:///{path}"])
        assert result.exit_code == 1
        assert one_error_line(result) == f"error: database sqlite:///{path} cannot be used: file is not a database"
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.db"]


# --- a read-only SQLite database ---------------------------------------------------------------


def read_only_runner() -> list[str] | None:
    """A prefix that runs a command unable to write read-only files: nothing for a normal user;
    for root, setpriv without the capabilities that override file permissions."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        return None
    probe = subprocess.run([setpriv, "--bounding-set=-dac_override,-dac_read_search,-fowner", "true"], capture_output=True)
    return [setpriv, "--bounding-set=-dac_override,-dac_read_search,-fowner"] if probe.returncode == 0 else None


def factcheck(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    prefix = read_only_runner()
    if prefix is None:
        pytest.skip("running as root without setpriv: a read-only file cannot be made unwritable")
    env = {**os.environ, "COLUMNS": "200", "FACTCHECK_DB_RETRIES": "0"}
    env.pop("FACTCHECK_DATABASE_URL", None)
    code = "from factcheck.flows.cli import main; main()"
    return subprocess.run([*prefix, sys.executable, "-c", code, *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=120)  # fmt: skip


def digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


@pytest.fixture
def read_only_folder(tmp_path: Path):
    """A folder made read-only after the test has filled it; made writable again afterwards."""
    folder = tmp_path / "snapshot"
    folder.mkdir()
    yield folder
    folder.chmod(0o755)
    for path in folder.iterdir():
        path.chmod(0o644)


def freeze(folder: Path, *, folder_too: bool = True) -> None:
    for path in folder.iterdir():
        path.chmod(0o444)
    if folder_too:
        folder.chmod(0o555)


@pytest.mark.parametrize("journal", ["wal", "delete"])
@pytest.mark.parametrize("folder_too", [True, False], ids=["read-only folder", "writable folder"])
def test_a_read_only_sqlite_database_still_lists_shows_and_exports(read_only_folder: Path, tmp_path: Path, journal: str,
                                                                   folder_too: bool):
    """A read-only file, in WAL mode (as factcheck leaves it) or rollback-journal mode (as a backup
    copy may be): opening it must not switch it to WAL nor migrate it; the commands that write
    fail with one line and change nothing."""
    path = read_only_folder / "factcheck.db"
    url = f"sqlite:///{path}"
    pairs = populate(url)
    dispose_all()
    with sqlite3.connect(path) as conn:
        assert conn.execute(f"PRAGMA journal_mode={journal}").fetchone() == (journal,)
    conn.close()
    freeze(read_only_folder, folder_too=folder_too)
    before = digest(read_only_folder)["factcheck.db"]

    listed = factcheck("pairs", "list", "--database", url, cwd=tmp_path)
    assert listed.returncode == 0, listed.stderr
    assert "3 pair(s)" in listed.stdout and "Harbour Post" in listed.stdout
    shown = factcheck("pairs", "show", str(pairs["flood"]), "--database", url, cwd=tmp_path)
    assert shown.returncode == 0 and "Arlo Daily" in shown.stdout, shown.stderr
    exported = factcheck("pairs", "export", "--format", "jsonl", "--database", url, cwd=tmp_path)
    assert exported.returncode == 0 and len(exported.stdout.splitlines()) == 3, exported.stderr
    assert factcheck("feeds", "list", "--database", url, cwd=tmp_path).returncode == 0

    review = factcheck("pairs", "review", str(pairs["flood"]), "--verdict", "confirmed", "--database", url, cwd=tmp_path)
    assert review.returncode == 1 and "Traceback" not in review.stderr
    assert [line for line in review.stderr.splitlines() if line.startswith("error:")] == [
        "error: database unavailable: attempt to write a readonly database"
    ]
    assert digest(read_only_folder)["factcheck.db"] == before


def test_a_read_only_database_with_an_old_schema_is_one_line(read_only_folder: Path, tmp_path: Path):
    path = read_only_folder / "old.db"
    engine = make_engine(f"sqlite:///{path}")
    try:
        upgrade(engine, "0005")
    finally:
        engine.dispose()
    freeze(read_only_folder)
    before = digest(read_only_folder)
    result = factcheck("pairs", "list", "--database", f"sqlite:///{path}", cwd=tmp_path)
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    (line,) = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert line == (f"error: database sqlite:///{path} is read-only and its schema is out of date: "
                    "run `factcheck db upgrade` once with write access")
    assert digest(read_only_folder) == before
