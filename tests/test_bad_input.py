"""Bad feeds and pages in a real nightly run: each is recorded, none stops the run."""

from __future__ import annotations

from pathlib import Path

import pytest
from loopback import LoopbackServer, Route, closed_port_url
from sqlalchemy import select

from factcheck.db.engine import session_scope
from factcheck.db.models import Article, Feed, RunIssue

PARAGRAPHS = [
    "The harbour authority of Port Celin said on Tuesday that the northern quay would close for repairs.",
    "Engineers found cracks in 14 of the quay's concrete piles during an inspection last month, the authority said.",
    "The closure will divert container ships to the southern terminal for at least six weeks, officials said.",
    "Shipping agents said the diversion would add about a day to unloading times for most vessels.",
    "The authority expects the repairs to cost 3.5 million crowns and to be finished before the winter storms.",
]


def page(paragraphs: list[str], *, lang: str = "en", charset: str = "utf-8") -> str:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f'<!doctype html><html lang="{lang}"><head><meta charset="{charset}"><title>Quay closes</title></head>'
        f"<body><nav>Home | World | Sport</nav><article><h1>Quay closes</h1>{body}</article>"
        "<footer>Copyright Port Celin Courier</footer></body></html>"
    )


def rss(base: str, items: list[dict]) -> bytes:
    parts = []
    for item in items:
        link = f"<link>{base}{item['path']}</link>" if item.get("path") else ""
        date = "<pubDate>Tue, 03 Mar 2026 09:00:00 GMT</pubDate>" if item.get("dated", True) else ""
        summary = f"<description>{item.get('summary', '')}</description>" if item.get("summary") else ""
        parts.append(f"<item><title>{item['title']}</title>{link}{date}{summary}</item>")
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Port Celin Courier</title>'
        f"<link>{base}/</link><description>News</description>{''.join(parts)}</channel></rss>"
    ).encode()


@pytest.fixture
def hostile_site(monkeypatch, tmp_path: Path):
    monkeypatch.setenv("FACTCHECK_ALLOW_PRIVATE_ADDRESSES", "true")
    monkeypatch.setenv("FACTCHECK_MAX_PAGE_BYTES", "200000")
    monkeypatch.setenv("FACTCHECK_READ_TIMEOUT_S", "2")
    with LoopbackServer() as server:
        base = server.url("").rstrip("/")
        german = ["Die Hafenbehörde von Port Celin hat am Dienstag angekündigt, den Nordkai zu schließen."] * 5
        server.routes.update({
            "/good": Route(body=page(PARAGRAPHS).encode(), headers={"Content-Type": "text/html; charset=utf-8"}),
            "/missing": Route(status=404, body=b"not here", headers={"Content-Type": "text/html"}),
            "/broken": Route(status=500, body=b"oops", headers={"Content-Type": "text/html"}),
            "/report.pdf": Route(body=b"%PDF-1.7 ...", headers={"Content-Type": "application/pdf"}),
            "/huge": Route(body=page(PARAGRAPHS * 2000).encode(), headers={"Content-Type": "text/html"}),
            "/latin": Route(
                body=page([p.replace("Port Celin", "Port C\xe9lin") for p in PARAGRAPHS], charset="utf-8").encode("latin-1"),
                headers={"Content-Type": "text/html; charset=utf-8"},
            ),
            "/german": Route(body=page(german, lang="de").encode(), headers={"Content-Type": "text/html; charset=utf-8"}),
            "/rss": Route(
                body=rss(base, [
                    {"title": "Quay closes", "path": "/good"},
                    {"title": "Gone", "path": "/missing", "summary": "The northern quay in Port Celin will close for six weeks of repairs, the harbour authority said."},
                    {"title": "Server error", "path": "/broken"},
                    {"title": "A PDF", "path": "/report.pdf", "summary": "Inspectors found cracks in 14 of the piles of the quay in Port Celin, the authority said on Tuesday."},
                    {"title": "Too big", "path": "/huge"},
                    {"title": "Bad bytes", "path": "/latin"},
                    {"title": "In German", "path": "/german"},
                    {"title": "No link at all"},
                    {"title": "Undated", "path": "/good?utm_source=rss", "dated": False},
                ]),
                headers={"Content-Type": "application/rss+xml"},
            ),
            "/not-a-feed": Route(body=page(PARAGRAPHS).encode(), headers={"Content-Type": "text/html"}),
            "/feed-404": Route(status=404, body=b"no feed", headers={"Content-Type": "text/html"}),
        })  # fmt: skip
        dead = closed_port_url("/rss")
        feeds = tmp_path / "feeds.toml"
        feeds.write_text(
            "\n".join(
                f'[[feeds]]\noutlet = "{outlet}"\nurl = "{url}"\n'
                for outlet, url in [
                    ("Port Celin Courier", f"{base}/rss"),
                    ("Not A Feed", f"{base}/not-a-feed"),
                    ("Gone Feed", f"{base}/feed-404"),
                    ("Nobody Home", dead),
                ]
            ),
            encoding="utf-8",
        )
        yield base, feeds, dead


def test_bad_feeds_and_pages_are_recorded_and_the_run_completes(prefect_harness, use_database, hostile_site):
    from factcheck.flows.nightly import nightly

    base, feeds, dead = hostile_site
    summary = nightly(feeds_file=str(feeds))
    counts = summary.counts
    assert (counts["feeds_fetched"], counts["feeds_failed"]) == (1, 3)
    lines = {(i["stage"], i["subject"]): i["status"] for i in summary.issues}

    def status_of(subject_end: str) -> str:
        found = [status for (_stage, subject), status in lines.items() if subject.endswith(subject_end)]
        assert found, f"no summary line for {subject_end}: {lines}"
        return found[0]

    assert "failed" in status_of("/not-a-feed")
    assert "failed" in status_of("/feed-404")
    assert lines[("feed", dead)] == "failed"
    assert "fallback" in status_of("/missing")  # 404 page: the feed's summary is used
    assert "fallback" in status_of("/report.pdf")  # not HTML: the feed's summary is used
    assert "failed" in status_of("/broken")  # 500 and nothing in the feed to fall back on
    assert "failed" in status_of("/huge")  # over the size cap
    assert "not analysed" in status_of("/german")
    assert "invalid bytes replaced" in status_of("/latin")
    assert any("no link" in s for s in lines.values())

    with session_scope(use_database) as session:
        stored = {a.url.removeprefix(base): a for a in session.scalars(select(Article))}
        failed_feeds = {f.url.removeprefix(base): f for f in session.scalars(select(Feed)) if f.last_status == "failed"}
        issues = session.scalars(select(RunIssue)).all()
    assert {"/good", "/missing", "/report.pdf", "/latin", "/german"} <= set(stored)
    assert "/huge" not in stored and "/broken" not in stored
    assert stored["/missing"].body_source == "feed_summary"
    assert "Port Célin" in stored["/latin"].text or "\ufffd" in stored["/latin"].text  # decoded, never a crash
    assert {"/not-a-feed", "/feed-404"} <= set(failed_feeds)
    assert all(f.consecutive_failures == 1 and f.last_error for f in failed_feeds.values())
    assert len(issues) == len(summary.issues)

    # The undated entry pointed at /good with a tracking parameter: one article, not two.
    assert sum(1 for url in stored if url.startswith("/good")) == 1


def test_a_malformed_feeds_file_stops_with_a_one_line_error(tmp_path: Path):
    from typer.testing import CliRunner

    from factcheck.flows.cli import app

    bad = tmp_path / "feeds.toml"
    bad.write_text("[[feeds]]\noutlet = 'No URL'\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["run", "--feeds", str(bad), "--database", f"sqlite:///{tmp_path / 'x.db'}"])
    assert result.exit_code == 1
    assert "has no 'url'" in result.output and "Traceback" not in result.output
    result = CliRunner().invoke(app, ["run", "--feeds", str(tmp_path / "absent.toml")])
    assert result.exit_code == 1 and "cannot be read" in result.output


def test_a_malformed_database_url_stops_with_a_one_line_error(tmp_path: Path):
    from typer.testing import CliRunner

    from factcheck.flows.cli import app

    result = CliRunner().invoke(app, ["pairs", "list", "--database", "mysql://root:hunter2@db/x"])
    assert result.exit_code == 1
    assert "supported: sqlite, postgresql" in result.output and "hunter2" not in result.output


def test_feeds_list_shows_each_feeds_last_status_and_error(prefect_harness, use_database, hostile_site):
    from typer.testing import CliRunner

    from factcheck.flows.cli import app
    from factcheck.flows.nightly import nightly

    _base, feeds, _dead = hostile_site
    nightly(feeds_file=str(feeds))
    result = CliRunner().invoke(app, ["feeds", "list", "--database", use_database], env={"COLUMNS": "250"})
    assert result.exit_code == 0, result.output
    rows = {line.split("│")[1].strip(): line for line in result.output.splitlines() if line.count("│") > 5}
    assert "fetched" in rows["Port Celin Courier"] and "failed" in rows["Gone Feed"] and "404" in rows["Gone Feed"]
    assert "failed" in rows["Not A Feed"] and "not a feed" in rows["Not A Feed"].lower()
