"""Feed text shown to an operator: the run summary artifact (markdown) and the terminal (Rich).

Titles, links and messages from feeds are written by strangers. In the artifact they must render
as the literal text (no tracking image, no `javascript:` link, no raw HTML, no heading or table
cell of their own); in a terminal they must not carry escape sequences (retitling the window,
clearing the screen) or Rich markup.
"""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime
from pathlib import Path

import hostile_corpus as hc
import pytest
from loopback import Route
from markdown_it import MarkdownIt
from rich.console import Console
from rich.text import Text
from sqlalchemy import func, select

from factcheck.db.engine import session_scope
from factcheck.db.models import RunIssue
from factcheck.tasks.text_safety import console_markup, console_text, markdown_text, one_line, strip_controls

# A title that would be an image, a link, raw HTML, three table cells and a heading, plus two
# terminal escape sequences: set the window title (OSC 0) and clear the screen (CSI 2J).
HOSTILE_TITLE = (
    "![x](http://evil.example/track.png) [click me](javascript:alert(1)) <img src=x onerror=alert(1)> "
    "| a | b | \x1b]0;pwned\x07 \x1b[2J # Heading"
)
ESCAPES = ("\x1b", "\x07", "\x9b", "\x00")

MARKDOWN_CASES = [
    HOSTILE_TITLE,
    "[click](javascript:alert(1))",
    "<script>alert(1)</script> <a href='javascript:x'>y</a> <!-- hidden -->",
    "# heading", "## also a heading", "1. a list", "- a list", "+ a list", "> a quote", "---",
    "a\n===", "a  \nb", "```\nfenced\n```", "`code`", "*em* **strong** _u_ __uu__ ~~gone~~",
    "&amp; &#x3C;img&#x3E; &lt;", "<http://evil.example/>", "http://www.evil.example/track.png",
    "[a]: http://evil.example/ref", "[^1] footnote", "back\\slash \\[not\\] escaped", "cell\\|pipe\\\\|two",
    "title with \u202e reversed \u202c text", "tab\there \x00 nul \x0b vt \x85 nel",
    "$x^2$ ==mark== {attr}",
]


def _md() -> MarkdownIt:
    return MarkdownIt("commonmark").enable("table")


def _html_text(text: str) -> str:
    """How markdown-it writes literal text into HTML."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


# --- strip_controls ------------------------------------------------------------------------------


@pytest.mark.parametrize(("raw", "clean"), [
    ("\x1b]0;pwned\x07Harbour closes", "Harbour closes"),  # OSC: window title, payload and all
    ("a\x1b[2Jb\x1b[H", "ab"),  # clear screen, cursor home
    ("\x1b[1;31mred\x1b[0m", "red"),
    ("\x1b]8;;http://evil.example/\x1b\\click\x1b]8;;\x1b\\", "click"),  # OSC 8 hyperlink, ST-terminated
    ("\x1bP+q544e\x1b\\after", "after"),  # DCS
    ("\x9b2Jeight-bit CSI", "eight-bit CSI"),
    ("\x1b(0charset\x1bc", "charset"),  # charset switch, full reset
    ("nul\x00 del\x7f c1\x80\x9f bell\x07 bs\x08", "nul del c1 bell bs"),
    ("line one\r\nline two\rthree\x0bfour\tend", "line one\nline two\nthree\nfour\tend"),
    ("unterminated \x1b]0;rest of the line", "unterminated "),
    ("ünïcode — “quotes” 中文 stays", "ünïcode — “quotes” 中文 stays"),
])  # fmt: skip
def test_strip_controls_removes_escape_sequences_and_control_characters(raw, clean):
    assert strip_controls(raw) == clean


def test_strip_controls_keeps_only_what_it_is_told_to():
    assert strip_controls("a\tb\nc", keep="") == "abc"
    assert strip_controls("a\tb\nc", keep="\n") == "ab\nc"


def test_one_line_collapses_whitespace_and_drops_bidi_overrides():
    assert one_line("  Harbour\n\n bridge\t\x0bcloses \u202eyad\u202c ") == "Harbour bridge closes yad"
    assert one_line("") == ""


# --- markdown_text -------------------------------------------------------------------------------


@pytest.mark.parametrize("raw", MARKDOWN_CASES)
def test_markdown_text_renders_as_the_literal_text(raw):
    html = _md().render(markdown_text(raw))
    assert html == f"<p>{_html_text(one_line(raw))}</p>\n"


@pytest.mark.parametrize("raw", MARKDOWN_CASES)
def test_markdown_text_stays_in_its_table_cell(raw):
    html = _md().render(f"| stage | subject |\n|---|---|\n| entry | {markdown_text(raw)} |\n")
    cells = re.findall(r"<td>(.*?)</td>", html, re.S)
    assert cells == ["entry", _html_text(one_line(raw))]


def test_markdown_text_has_no_control_characters_or_newlines():
    text = markdown_text(HOSTILE_TITLE + "\nsecond line")
    assert not any(c in text for c in ESCAPES) and "\n" not in text


# --- console -------------------------------------------------------------------------------------


def _printed(*renderables) -> str:
    console = Console(file=io.StringIO(), width=200, force_terminal=False, color_system=None)
    for renderable in renderables:
        console.print(renderable)
    return console.file.getvalue()


def test_console_markup_shows_markup_literally_without_escapes():
    printed = _printed(console_markup("[bold red]alarm[/] \x1b]0;pwned\x07 \x1b[2Jcleared [link=http://evil]x[/link]"))
    assert printed == "[bold red]alarm[/]  cleared [link=http://evil]x[/link]\n"


def test_console_text_is_safe_in_a_rich_text():
    printed = _printed(Text(console_text("Harbour \x1b[2J\x1b]0;pwned\x07closes\nsecond line")))
    assert printed == "Harbour closes\nsecond line\n"


# --- where the summary is built and shown ----------------------------------------------------------


def _hostile_issues() -> list[dict]:
    return [
        {"stage": "entry", "subject": f"http://127.0.0.1:9/feed.xml :: {HOSTILE_TITLE}", "status": "skipped: no link",
         "message": None},
        {"stage": "page", "subject": "http://127.0.0.1:9/a|b", "status": "failed: [red]http[/] 404 \x1b[2J", "message": None},
    ]


def _assert_literal_markdown(markdown: str, issues: int) -> str:
    """The artifact's structure is its own: one heading of each level, the two tables, each of the
    `issues` one row of three cells; nothing a feed wrote became an image, a link or HTML."""
    html = _md().render(markdown)
    assert not any(c in markdown for c in ESCAPES)
    assert "<img" not in html and "<a " not in html and "<script" not in html
    assert len(re.findall(r"<h1>", html)) == 1 and len(re.findall(r"<h2>", html)) == (1 if issues else 0)
    rows = [line for line in markdown.splitlines() if line.startswith("| ") and "|---" not in line]
    issue_rows = rows[rows.index("| stage | subject | status |") + 1:] if issues else []
    assert len(issue_rows) == issues
    assert all(len(re.split(r"(?<!\\)\|", row)) == 5 for row in issue_rows)  # 3 cells, pipes escaped
    return html


def test_run_summary_markdown_keeps_feed_text_literal():
    from factcheck.flows.runs import RunSummary, summary_markdown

    markdown = summary_markdown(RunSummary(7, {"feeds_fetched": 1, "entries_new": 2}, _hostile_issues()))
    html = _assert_literal_markdown(markdown, issues=2)
    assert "[click me](javascript:alert(1))" in html  # shown, as text
    assert "# factcheck run 7" in markdown and "| feeds fetched | 1 |" in markdown


def test_run_summary_tables_print_feed_text_literally():
    from factcheck.flows.reports.render import summary_tables

    printed = _printed(*summary_tables({"feeds_fetched": 1}, _hostile_issues()))
    assert not any(c in printed for c in ESCAPES)
    assert "pwned" not in printed  # the escape sequence went whole, not only its ESC
    assert "[red]http[/] 404" in printed and "[click me](javascript:alert(1))" in printed


def test_pair_tables_and_panels_print_stored_text_without_escapes():
    from factcheck.db.queries import PairView, Side
    from factcheck.flows.reports.render import pair_panel, pairs_table

    when = datetime(2026, 3, 3, 9, tzinfo=UTC)
    side = Side(text="The quay \x1b[2Jcloses [b]today[/b].", speaker="Mayor \x1b]0;pwned\x07Ana", outlet="Herald\x07",
                article_url="http://news.example/a\x1b[8m", published_at=when)
    pair = PairView(id=1, score=0.9, status="pending", reasons=[{"detector": "num", "message": "14 vs 31 \x1b[2J",
                    "weight": 1.0}], event_id=3, detector_version="v1", created_at=when, claim_a=side, claim_b=side,
                    note="checked \x1b[2J", reviewer="ana\x1b[8m")
    printed = _printed(pairs_table([pair]), pair_panel(pair))
    assert not any(c in printed for c in ESCAPES) and "pwned" not in printed
    assert "[b]today[/b]" in printed and "Mayor Ana" in printed


# --- a real run over a hostile feed on loopback ----------------------------------------------------


def _run_summary_artifact(marker: str) -> str:
    """The newest run-summary artifact that mentions `marker` (the test server is shared)."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey
    from prefect.client.schemas.sorting import ArtifactSort

    with get_client(sync_client=True) as client:
        artifacts = client.read_artifacts(
            artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=["factcheck-run-summary"])),
            sort=ArtifactSort.CREATED_DESC, limit=50,
        )
    found = [a.data for a in artifacts if isinstance(a.data, str) and marker in a.data]
    assert found, "the run's summary artifact was not found"
    return found[0]


def test_a_run_over_a_hostile_feed_shows_its_text_literally_in_the_terminal_and_the_artifact(
    prefect_harness, loopback, monkeypatch, tmp_path: Path
):
    from typer.testing import CliRunner

    import factcheck.flows.nightly  # noqa: F401 - Prefect sets up its logging on the first flow import: not in the runner
    from factcheck.flows.cli import app

    base = loopback.url("").rstrip("/")
    loopback.routes["/one"] = hc.good_page("/control/one")
    loopback.routes["/feed.xml"] = Route(body=hc.rss2([
        hc.Item(HOSTILE_TITLE, None),  # no link: its title is the subject of a run issue
        hc.Item("[pwn](javascript:alert(2)) \x1b[31mred", f"{base}/bad\x1b[2J"),  # a link no one can fetch
        hc.Item(hc.title_of("/control/one"), f"{base}/one"),
    ]).encode(), headers=hc.RSS_TYPE)
    feeds = tmp_path / "feeds.toml"
    feeds.write_text(f'[[feeds]]\noutlet = "Hostile [b]Herald[/b]"\nurl = "{base}/feed.xml"\n', encoding="utf-8")
    monkeypatch.setenv("FACTCHECK_ALLOW_PRIVATE_ADDRESSES", "true")
    monkeypatch.setenv("FACTCHECK_DATABASE_URL", f"sqlite:///{tmp_path / 'factcheck.db'}")

    result = CliRunner().invoke(app, ["run", "--feeds", str(feeds)], env={"COLUMNS": "250"})

    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    assert not any(c in result.output for c in ESCAPES), ascii(result.output[-2000:])
    assert "pwned" not in result.output
    assert "click me" in result.output and "input(s) with problems" in result.output
    with session_scope(f"sqlite:///{tmp_path / 'factcheck.db'}") as session:
        issues = session.scalar(select(func.count(RunIssue.id)))
    assert issues >= 2  # at least the two entries above
    artifact = _run_summary_artifact(markdown_text(f"{base}/feed.xml"))
    html = _assert_literal_markdown(artifact, issues=issues)
    assert "[click me](javascript:alert(1))" in html and "[pwn](javascript:alert(2))" in html
