"""The `factcheck` command as users run it."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from factcheck.flows.cli import app

runner = CliRunner()

DENIAL_A = "Delegations from the two countries were due to meet in Port Celin on Thursday to sign the fisheries accord, officials said."
DENIAL_B = '"There were no talks on a fisheries accord, in Port Celin or anywhere else," the ministry spokeswoman said.'


def test_check_explains_a_numeric_conflict():
    result = runner.invoke(app, ["check", "The flood killed 14 people in Arlo.", "The flood in Arlo killed 31 people."])
    assert result.exit_code == 0, result.output
    assert "contradiction" in result.output and "14" in result.output and "31" in result.output


def test_check_json_reports_score_and_reasons():
    result = runner.invoke(app, ["check", "--json", "The flood killed 14 people in Arlo.", "The flood in Arlo killed 31 people."])
    record = json.loads(result.output)
    assert record["contradiction"] is True and 0 < record["score"] <= 1
    assert record["reasons"][0]["detector"] and record["reasons"][0]["evidence_a"]


def test_check_finds_the_strongest_pair_between_two_passages():
    passage_a = "Rain fell all week in the valley. " + DENIAL_A + " The accord covers 12 fishing grounds."
    passage_b = "The ministry published its annual report on Monday. " + DENIAL_B
    record = json.loads(runner.invoke(app, ["check", "--json", passage_a, passage_b]).output)
    assert record["contradiction"] is True
    assert "due to meet" in record["claim_a"] and "no talks" in record["claim_b"]


def test_check_batch_writes_one_line_per_input_and_flags_bad_lines(tmp_path: Path):
    lines = [
        {"id": "p1", "a": "The flood killed 14 people in Arlo.", "b": "The flood in Arlo killed 31 people."},
        {"id": "p2", "a": "The bridge in Arlo reopened on Monday.", "b": "The mayor of Arlo thanked the volunteers."},
    ]
    path = tmp_path / "in.jsonl"
    path.write_text("\n".join(json.dumps(x) for x in lines) + "\nnot json\n", encoding="utf-8")
    result = runner.invoke(app, ["check", "--batch", str(path)])
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r.get("id") for r in records[:2]] == ["p1", "p2"]
    assert records[0]["contradiction"] is True and records[1]["contradiction"] is False
    assert set(records[0]) == {"id", "contradiction", "score", "reasons"}
    assert "line 3" in records[2]["error"] and result.exit_code == 1


def test_check_without_statements_is_a_usage_error():
    result = runner.invoke(app, ["check", "only one"])
    assert result.exit_code == 2 and "give two statements" in result.output


@pytest.fixture
def stored_pair(use_database):
    """A database holding one pair, written through the pipeline's own store."""
    from datetime import datetime, timezone

    from factcheck.db import store
    from factcheck.db.engine import session_scope
    from factcheck.tasks import models as m
    from factcheck.tasks.pairs.detect import score_pair
    from factcheck.tasks.claims import claims_from_statement

    when = datetime(2026, 3, 5, 9, 0, tzinfo=timezone.utc)
    (claim_a,), (claim_b,) = claims_from_statement(DENIAL_A, when), claims_from_statement(DENIAL_B, when)
    with session_scope(use_database) as session:
        ids = []
        for n, (outlet, claim) in enumerate([("Harbour Post", claim_a), ("Valley Times", claim_b)]):
            article = m.Article(
                url=f"http://{outlet.split()[0].lower()}.example/story", outlet=outlet, feed_url="http://f.example/rss",
                title="Accord", author=None, published_at=when, language="en", text=claim.text,
                content_hash=f"{n:064d}", body_source="page", status="ok",
            )  # fmt: skip
            article_id = store.insert_article(session, article, None)
            store.save_claims(session, article_id, [claim], "test")
            ids.append(article_id)
        (event_id,) = store.apply_assignment(session, {}, [ids])
        refs = store.event_claims(session, event_id)
        store.save_pairs(session, event_id, [(refs[0].claim_id, refs[1].claim_id, score_pair(claim_a, claim_b))], "test")
    return use_database


def test_pairs_list_show_review_and_export(stored_pair):
    db = ["--database", stored_pair]
    listing = runner.invoke(app, ["pairs", "list", *db])
    assert listing.exit_code == 0 and "Harbour Post" in listing.output and "1 pair(s)" in listing.output
    assert "0 pair(s)" in runner.invoke(app, ["pairs", "list", "--outlet", "Nobody", *db]).output
    assert "0 pair(s)" in runner.invoke(app, ["pairs", "list", "--status", "confirmed", *db]).output

    shown = runner.invoke(app, ["pairs", "show", "1", *db])
    assert shown.exit_code == 0 and "Valley Times" in shown.output and "Why" in shown.output
    assert runner.invoke(app, ["pairs", "show", "99", *db]).exit_code == 1

    reviewed = runner.invoke(app, ["pairs", "review", "1", "--verdict", "confirmed", "--note", "both checked", "--reviewer", "ana", *db])
    assert reviewed.exit_code == 0, reviewed.output
    assert "1 pair(s)" in runner.invoke(app, ["pairs", "list", "--status", "confirmed", *db]).output
    bad = runner.invoke(app, ["pairs", "review", "1", "--verdict", "maybe", *db])
    assert bad.exit_code == 1 and "unknown verdict" in bad.output

    exported = runner.invoke(app, ["pairs", "export", "--format", "jsonl", *db])
    (record,) = [json.loads(line) for line in exported.stdout.splitlines()]
    assert record["status"] == "confirmed" and record["claim_a"]["outlet"] == "Harbour Post"
    assert set(record) == {"id", "score", "status", "reasons", "event_id", "claim_a", "claim_b"}
    rows = list(csv.DictReader(io.StringIO(runner.invoke(app, ["pairs", "export", "--format", "csv", *db]).stdout)))
    assert rows[0]["b_outlet"] == "Valley Times" and rows[0]["status"] == "confirmed"
    assert runner.invoke(app, ["pairs", "export", "--format", "xml", *db]).exit_code == 2


def run_in_terminal(command: list[str], *, cwd: Path, env: dict[str, str], timeout: float) -> tuple[int, str]:
    """Run a command attached to a pseudo-terminal, as a person at a shell would, and read all it prints."""
    import pty
    import select
    import time

    leader, follower = pty.openpty()
    process = subprocess.Popen(command, cwd=cwd, env=env, stdin=follower, stdout=follower, stderr=follower, close_fds=True)
    os.close(follower)
    chunks: list[bytes] = []
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([leader], [], [], 0.5)
            if ready:
                try:
                    data = os.read(leader, 65536)
                except OSError:  # the terminal closes when the process exits
                    break
                if not data:
                    break
                chunks.append(data)
            elif process.poll() is not None:
                break
        else:
            process.kill()
        return process.wait(timeout=30), b"".join(chunks).decode("utf-8", "replace")
    finally:
        os.close(leader)


def test_demo_runs_offline_in_prefect_local_mode_with_clean_output(tmp_path: Path):
    """The real command in a terminal: Prefect's temporary server, progress bars, no traceback, pairs printed."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "FACTCHECK_")) and k != "DO_NOT_TRACK"}
    env.update({"PREFECT_HOME": str(tmp_path / "prefect"), "COLUMNS": "160", "TERM": "xterm"})
    command = [sys.executable, "-c", "from factcheck.flows.cli import main; main()", "demo"]
    code, output = run_in_terminal(
        [*command, "--database", f"sqlite:///{tmp_path / 'demo.db'}"], cwd=tmp_path, env=env, timeout=300
    )
    output = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", output)  # colours and cursor moves
    assert code == 0, output[-3000:]
    assert "Traceback" not in output and "Error" not in output, output[-3000:]
    assert "usage data" not in output, "Prefect's telemetry notice leaked into the output"
    assert "Fetching articles" in output and "Detecting contradictions" in output  # progress bars
    assert "Run summary" in output and "contradiction pair(s)" in output
    assert "Kestrava" in output  # a statement of the demo corpus


def test_pairs_list_filters_by_event_days_search_and_sorts(stored_pair):
    db = ["--database", stored_pair]

    def listed(*args: str) -> str:
        result = runner.invoke(app, ["pairs", "list", *args, *db])
        assert result.exit_code == 0, result.output
        return result.output

    assert "1 pair(s)" in listed("--event", "1") and "0 pair(s)" in listed("--event", "2")
    assert "1 pair(s)" in listed("--since", "2026-03-05", "--until", "2026-03-05")  # --until takes the whole day
    assert "0 pair(s)" in listed("--since", "2026-03-06") and "0 pair(s)" in listed("--until", "2026-03-04")
    assert "1 pair(s)" in listed("--search", "FISHERIES ACCORD") and "0 pair(s)" in listed("--search", "volcano")
    assert "1 pair(s)" in listed("--sort", "score", "--status", "pending")
    assert runner.invoke(app, ["pairs", "list", "--sort", "oldest", *db]).exit_code == 2
    assert runner.invoke(app, ["pairs", "list", "--since", "2026-03-06", "--until", "2026-03-05", *db]).exit_code == 2
    assert runner.invoke(app, ["pairs", "list", "--since", "yesterday", *db]).exit_code == 2


def test_pairs_export_claimreview_writes_confirmed_pairs_as_json_ld(stored_pair, tmp_path: Path):
    db = ["--database", stored_pair]
    before = runner.invoke(app, ["pairs", "export", "--format", "claimreview", *db])
    assert before.exit_code == 0 and json.loads(before.stdout) == []  # nothing confirmed yet
    runner.invoke(app, ["pairs", "review", "1", "--verdict", "confirmed", "--reviewer", "ana", *db])
    target = tmp_path / "reviews.json"
    result = runner.invoke(app, ["pairs", "export", "--format", "claimreview", "-o", str(target), *db])
    assert result.exit_code == 0, result.output
    (review,) = json.loads(target.read_text(encoding="utf-8"))
    assert review["@context"] == "https://schema.org" and review["@type"] == "ClaimReview"
    assert review["claimReviewed"] == DENIAL_A and DENIAL_B in review["reviewBody"]
    assert review["itemReviewed"]["appearance"]["publisher"]["name"] == "Harbour Post"
    assert review["reviewRating"]["alternateName"] == "Contradicted" and review["author"]["name"] == "ana"
    assert review["isBasedOn"]["url"] == "http://valley.example/story"
    wrong = runner.invoke(app, ["pairs", "export", "--format", "claimreview", "--status", "pending", *db])
    assert wrong.exit_code == 2 and "confirmed pairs only" in wrong.output


def test_pairs_export_shows_progress_on_a_terminal_only(stored_pair, monkeypatch):
    from rich.console import Console

    from factcheck.flows.cli import pairs as pairs_commands
    from factcheck.flows.reports import export

    monkeypatch.setattr(export, "PROGRESS_THRESHOLD", 0)
    for terminal in (True, False):
        buffer = io.StringIO()
        monkeypatch.setattr(pairs_commands, "err", Console(file=buffer, force_terminal=terminal, width=100))
        result = runner.invoke(app, ["pairs", "export", "--format", "jsonl", "--database", stored_pair])
        assert result.exit_code == 0 and len(result.stdout.splitlines()) == 1
        assert ("Exporting pairs" in buffer.getvalue()) is terminal


INT64_MAX = 2**63 - 1
OUT_OF_RANGE = [
    (["pairs", "list", "--event", str(2**63)], "--event"),
    (["pairs", "list", "--event", str(-(2**63) - 1)], "--event"),
    (["pairs", "list", "--offset", str(2**63)], "--offset"),
    (["pairs", "list", "--limit", str(2**64)], "--limit"),
    (["pairs", "export", "--event", str(2**63)], "--event"),
    (["pairs", "show", str(2**63)], "PAIR_ID"),
    (["pairs", "review", str(2**63), "--verdict", "confirmed", "--reviewer", "ana"], "PAIR_ID"),
    (["pairs", "list", "--until", "9999-12-31"], "--until"),
    (["pairs", "export", "--until", "9999-12-31"], "--until"),
    (["pairs", "list", "--search", "fisheries\x00accord"], "--search"),
    (["pairs", "list", "--outlet", "Harbour\x00Post"], "--outlet"),
    (["pairs", "list", "--search", "\udcff"], "--search"),  # an undecodable byte on the command line
    (["pairs", "export", "--search", "\x00"], "--search"),
    (["pairs", "review", "1", "--verdict", "confirmed", "--note", "checked\x00", "--reviewer", "ana"], "--note"),
    (["pairs", "review", "1", "--verdict", "confirmed", "--reviewer", "a\x00na"], "--reviewer"),
]


def test_out_of_range_ids_days_and_nul_characters_are_one_line_errors(stored_pair):
    """Numbers no database integer holds, the last representable day and text a database cannot
    take: a usage error naming the option, never the driver's traceback; nothing is stored."""
    from factcheck.db.engine import session_scope
    from factcheck.db.models import ClaimPair, PairReview
    from sqlalchemy import func, select

    for args, option in OUT_OF_RANGE:
        result = runner.invoke(app, [*args, "--database", stored_pair])
        assert isinstance(result.exception, SystemExit) and result.exit_code == 2, (args, result.output, result.exception)
        errors = [line for line in result.output.splitlines() if line.startswith("error:")]
        assert len(errors) == 1 and option in errors[0], (args, result.output)
    with session_scope(stored_pair) as session:
        assert session.scalar(select(func.count()).select_from(PairReview)) == 0
        assert session.scalar(select(ClaimPair.status)) == "pending"


def test_the_largest_ids_and_days_still_work(stored_pair):
    """Ids are 64-bit on SQLite and 32-bit on PostgreSQL: the largest of each finds nothing, one more
    is an error; offsets and limits are 64-bit on both."""
    db = ["--database", stored_pair]
    largest = 2**31 - 1 if stored_pair.startswith("postgresql") else INT64_MAX
    for args in (["--event", str(largest)], ["--event", str(-largest - 1)], ["--offset", str(INT64_MAX)],
                 ["--limit", str(INT64_MAX)], ["--until", "9999-12-30"], ["--since", "0001-01-01"]):
        result = runner.invoke(app, ["pairs", "list", *args, *db])
        assert result.exit_code == 0, (args, result.output, result.exception)
        assert ("0 pair(s)" if args[0] == "--event" else "pair(s)") in result.output
    shown = runner.invoke(app, ["pairs", "show", str(largest), *db])
    assert shown.exit_code == 1 and "no pair with id" in shown.output
    beyond = runner.invoke(app, ["pairs", "list", "--event", str(largest + 1), *db])
    assert beyond.exit_code == 2 and f"out of range ({-largest - 1} to {largest})" in beyond.output
