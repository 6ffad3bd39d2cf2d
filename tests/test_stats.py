"""The detector's figures from reviewer verdicts (db/stats.py): computed on SQLite and PostgreSQL,
printed by `factcheck stats` (tables and --json) and shown on the review app's Detector page."""

from __future__ import annotations

import json
import re
from datetime import date, datetime, timezone

import pytest
from review_data import PAYLOAD
from sqlalchemy import update
from starlette.testclient import TestClient
from stats_data import NOW, build
from test_web import sign_in as web_sign_in
from typer.testing import CliRunner

from factcheck.db.engine import session_scope
from factcheck.db.models import Article, ClaimPair
from factcheck.db.stats import DetectorStats, WeekShare, detector_stats, human_age, iso_week, main_reason, median, weeks_between
from factcheck.flows.web import chart
from factcheck.flows.web.app import create_app


def share(key: str, confirmed: int = 0, rejected: int = 0, unsure: int = 0, pending: int = 0, **extra) -> dict:
    judged = confirmed + rejected
    return {
        "key": key, "confirmed": confirmed, "rejected": rejected, "unsure": unsure, "pending": pending,
        "total": judged + unsure + pending, "precision": round(confirmed / judged, 4) if judged else None, **extra,
    }  # fmt: skip


def outlets(a: str, b: str, *counts: int) -> dict:
    return share(f"{a} | {b}", *counts, outlets=[a, b])


def week(key: str, start: str, *counts: int) -> dict:
    return share(key, *counts, start=start)


def run(run_id: int, kind: str, status: str, day: int, new_pairs: int | None, finished: bool = True) -> dict:
    return {
        "id": run_id, "kind": kind, "status": status, "started_at": f"2026-03-{day:02d}T02:00:00+00:00",
        "finished_at": f"2026-03-{day:02d}T0{3 if new_pairs is not None else 2}:00:00+00:00" if finished else None,
        "new_pairs": new_pairs,
    }  # fmt: skip


EXPECTED = {  # stats_data.py's table, counted by hand
    "generated_at": NOW.isoformat(),
    "since": None,
    "totals": share("all", 2, 2, 1, 3),
    "by_reason": [  # most pairs first, then by name
        share("numeric", 1, 1, 0, 1), share("denial", 1), share("identity", pending=1), share("location", unsure=1),
        share("negation", rejected=1), share("status", pending=1),
    ],  # fmt: skip
    "by_outlet_pair": [  # most judged pairs first; Coast Herald / Brenn Courier joins Brenn Courier / Coast Herald
        outlets("Arlo Daily", "Coast Herald", 1, 1, 0, 0), outlets("Brenn Courier", "Coast Herald", 0, 1, 0, 1),
        outlets("Harbour Post", "Valley Times", 1, 0, 0, 0), outlets("Arlo Daily", "Harbour Post", 0, 0, 1, 0),
        outlets("Arlo Daily", "Valley Times", 0, 0, 0, 1), outlets("Brenn Courier", "Harbour Post", 0, 0, 0, 1),
    ],  # fmt: skip
    "by_version": [share("frames-2", 1, 2, 1, 3), share("frames-1", 1)],  # newest first
    "by_week": [
        week("2026-W10", "2026-03-02", 1, 0, 0, 0), week("2026-W11", "2026-03-09", 1, 1, 0, 1),
        week("2026-W12", "2026-03-16", 0, 0, 0, 0), week("2026-W13", "2026-03-23", 0, 1, 1, 2),
    ],  # fmt: skip
    "runs": {
        "count": 4, "completed": 3, "mean_new_pairs": round((1 + 3 + 4) / 3, 2),
        "latest": [run(4, "nightly", "completed", 24, 4), run(3, "manual", "failed", 23, None),
                   run(2, "nightly", "completed", 9, 3), run(1, "nightly", "completed", 2, 1)],
    },  # fmt: skip
    "queue": {
        "pending": 3,
        "oldest_created_at": "2026-03-10T12:00:00+00:00",
        "oldest_age_s": 19.5 * 86400,  # 03-10 12:00 to 03-30 00:00
        "median_age_s": 5 * 86400.0,  # pending since 03-10 12:00, 03-25, 03-26: the middle one
    },
}


@pytest.fixture
def stats_db(use_database, monkeypatch) -> tuple[str, dict[str, int]]:
    monkeypatch.setenv("FACTCHECK_ALLOWED_HOSTS", "testserver")  # the TestClient's Host
    return use_database, build(use_database)


def figures(url: str, **options) -> DetectorStats:
    with session_scope(url) as session:
        return detector_stats(session, now=NOW, **options)


def test_figures_count_verdicts_per_reason_outlet_pair_version_week_run_and_queue(stats_db):
    url, _ = stats_db
    assert figures(url).as_dict() == EXPECTED


def test_since_keeps_the_pairs_stored_and_the_runs_started_from_that_day(stats_db):
    url, _ = stats_db
    later = figures(url, since=date(2026, 3, 9)).as_dict()
    assert later["since"] == "2026-03-09"
    assert later["totals"] == share("all", 1, 2, 1, 3)  # the denial pair (03-02) is left out
    assert [w["key"] for w in later["by_week"]] == ["2026-W11", "2026-W12", "2026-W13"]
    assert later["by_version"] == [share("frames-2", 1, 2, 1, 3)]
    assert "denial" not in [s["key"] for s in later["by_reason"]]
    assert (later["runs"]["count"], [r["id"] for r in later["runs"]["latest"]]) == (3, [4, 3, 2])
    assert later["queue"] == EXPECTED["queue"]  # every pending pair was stored after 03-09
    late = figures(url, since=date(2026, 3, 25)).as_dict()
    assert late["totals"] == share("all", pending=2) and late["queue"]["median_age_s"] == 4.5 * 86400  # two: the mean
    assert late["runs"] == {"count": 0, "completed": 0, "mean_new_pairs": None, "latest": []}


def test_an_empty_database_has_no_precision_and_an_empty_queue(use_database):
    empty = figures(use_database).as_dict()
    assert empty["totals"] == share("all") and empty["totals"]["precision"] is None
    assert all(empty[key] == [] for key in ("by_reason", "by_outlet_pair", "by_version", "by_week"))
    assert empty["queue"] == {"pending": 0, "oldest_created_at": None, "oldest_age_s": None, "median_age_s": None}
    assert chart.week_chart([]).empty


def test_main_reason_weeks_ages_and_medians():
    assert main_reason([{"detector": "date", "weight": 0.5}, {"detector": "numeric", "weight": 0.8}]) == "numeric"
    assert main_reason([{"detector": "denial", "weight": 0.9}, {"detector": "status", "weight": 0.9}]) == "denial"
    assert main_reason([]) == main_reason(None) == main_reason(["junk", {"weight": "x"}]) == "(none)"
    assert iso_week(date(2027, 1, 1)) == ("2026-W53", date(2026, 12, 28))  # a Friday in the 53rd week of 2026
    assert iso_week(date(2026, 1, 1)) == ("2026-W01", date(2025, 12, 29))
    weeks = weeks_between({date(2026, 12, 30): {"confirmed": 1}, date(2027, 1, 12): {"rejected": 2, "pending": 1}})
    assert [(w.key, w.start, w.total) for w in weeks] == [
        ("2026-W53", date(2026, 12, 28), 1), ("2027-W01", date(2027, 1, 4), 0), ("2027-W02", date(2027, 1, 11), 3),
    ]  # fmt: skip
    assert weeks[2].precision == 0.0 and weeks[1].precision is None
    assert [human_age(s) for s in (None, 59, 3 * 3600 + 120, 19.5 * 86400)] == ["-", "0 min", "3 h 2 min", "19 d 12 h"]
    assert (median([]), median([3.0]), median([4.0, 1.0]), median([5.0, 1.0, 3.0])) == (None, 3.0, 2.5, 3.0)


def test_the_chart_is_bars_per_week_and_a_precision_line_in_the_plot_area():
    weeks = [WeekShare(f"2026-W{n:02d}", confirmed=n % 3, rejected=1, pending=n % 2, start=date(2026, 1, 5)) for n in range(1, 31)]
    drawn = chart.week_chart(weeks)
    assert (drawn.first_week, drawn.last_week) == ("2026-W05", "2026-W30")  # the last 26 weeks
    assert len(drawn.points) == 26 and [line.count(",") for line in drawn.lines] == [26]
    top, bottom = chart.TOP, chart.HEIGHT - chart.BOTTOM
    assert all(top <= p.y <= bottom for p in drawn.points)
    assert all(top <= bar.y and bar.y + bar.height <= bottom + 0.2 and bar.height > 0 for bar in drawn.bars)
    assert all(chart.LEFT <= bar.x and bar.x + bar.width <= chart.WIDTH - chart.RIGHT for bar in drawn.bars)
    assert len(drawn.week_ticks) <= 9 and drawn.left_ticks[-1].text == "4"
    first = next(p for p in drawn.points if p.label.startswith("2026-W05"))
    assert first.label == "2026-W05: precision 67% (2 of 3 judged)"
    assert "from 2026-W05 to 2026-W30" in drawn.description


# --- the command ---------------------------------------------------------------------------------


def without_clock(data: dict) -> dict:
    """The figures that do not depend on when the command ran."""
    data = {**data, "queue": {k: v for k, v in data["queue"].items() if not k.endswith("_age_s")}}
    data.pop("generated_at")
    return data


def test_stats_command_prints_tables_or_json(stats_db):
    from factcheck.flows.cli import app

    url, _ = stats_db
    runner = CliRunner()
    printed = runner.invoke(app, ["stats", "--json", "--database", url])
    assert printed.exit_code == 0, printed.output
    data = json.loads(printed.stdout)
    assert without_clock(data) == without_clock(EXPECTED)
    assert datetime.fromisoformat(data["generated_at"]).tzinfo is not None
    assert data["queue"]["oldest_age_s"] > data["queue"]["median_age_s"] > 0

    since = json.loads(runner.invoke(app, ["stats", "--json", "--since", "2026-03-09", "--database", url]).stdout)
    assert since["since"] == "2026-03-09" and since["totals"]["confirmed"] == 1

    tables = runner.invoke(app, ["stats", "--database", url], env={"COLUMNS": "160"})
    assert tables.exit_code == 0, tables.output
    for text in ("Verdicts", "50% (2 of 4 judged)", "By reason", "By outlet pair", "Brenn Courier / Coast Herald",
                 "By detector version", "frames-2", "33% (1/3)", "2026-W12 (2026-03-16)", "Latest 4 run(s)", "2.7"):  # fmt: skip
        assert text in tables.stdout, text

    bad = runner.invoke(app, ["stats", "--since", "March", "--database", url])
    assert bad.exit_code == 2 and "since" in bad.output


# --- the page ------------------------------------------------------------------------------------


@pytest.fixture
def client(stats_db):
    url, _ = stats_db
    with TestClient(create_app(url), follow_redirects=False) as client:
        yield client


def sign_in(client: TestClient) -> None:
    assert web_sign_in(client).status_code == 303


def test_the_detector_page_needs_sign_in_and_shows_the_figures_with_a_chart(client):
    response = client.get("/detector")
    assert response.status_code == 303 and response.headers["location"] == "/login?next=%2Fdetector"
    sign_in(client)
    assert 'href="/detector"' in client.get("/").text  # linked from the header
    page = client.get("/detector")
    html = page.text
    assert page.status_code == 200 and 'aria-current="page">Detector' in html
    assert re.search(r'id="precision">50%</span><span class="muted">2 of 4 judged', html)
    for status, count in (("confirmed", 2), ("rejected", 2), ("unsure", 1), ("pending", 3)):
        assert f'id="count-{status}">{count}<' in html
    svg = re.search(r"<svg .*?</svg>", html, re.S).group(0)
    assert 'role="img"' in svg and 'aria-labelledby="chart-title chart-desc"' in svg
    assert "<title id=\"chart-title\">Pairs stored and precision per ISO week, 2026-W10 to 2026-W13</title>" in svg
    assert svg.count("<circle") == 3  # W12 has no judged pair: no point, and the line stops there
    assert [len(line.split()) for line in re.findall(r'<polyline points="([^"]+)"', svg)] == [2]  # W10 to W11
    assert '<table class="figures" id="weeks">' in html  # the chart's figures as a table
    assert re.search(r'<span class="detector">numeric</span></th>\s*<td class="num precision">50% <span class="muted">\(1/2\)', html)
    assert "Arlo Daily <span class=\"muted\">and</span> Coast Herald" in html and "<code>frames-1</code>" in html
    assert "4 run(s), 3 completed; 2.7 new pairs per run" in html
    # Strict CSP: no inline style or script anywhere, the one script is the app's own.
    csp = page.headers["content-security-policy"]
    assert "style-src 'self'" in csp and "unsafe-inline" not in csp
    assert not re.search(r"\sstyle=", html) and "<style" not in html
    assert re.findall(r"<script[^>]*>", html) == ['<script src="/static/app.js" defer>']

    since = client.get("/detector?since=2026-03-09")
    assert since.status_code == 200 and 'id="count-confirmed">1<' in since.text and "stored since 2026-03-09" in since.text
    bad = client.get("/detector?since=yesterday")
    assert bad.status_code == 400 and "since: a date" in bad.text and 'id="count-confirmed">2<' in bad.text


def test_outlet_names_and_versions_from_the_database_are_escaped(client, stats_db):
    url, pairs = stats_db
    with session_scope(url) as session:
        session.execute(update(Article).where(Article.outlet == "Valley Times").values(outlet=PAYLOAD))
        session.execute(update(ClaimPair).where(ClaimPair.id == pairs["denial"]).values(detector_version=f"v{PAYLOAD}"))
    sign_in(client)
    html = client.get("/detector").text
    assert PAYLOAD not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert len(re.findall(r"<script", html)) == 1
