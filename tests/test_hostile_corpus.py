"""Issue 6, bad input: one real `nightly` run over a hostile corpus served on loopback.

The corpus (tests/hostile_corpus.py) has one feed per feed-level case, one feed of odd entries,
a 3,000-entry feed, a feed of hostile pages and a good control feed. The run happens once per
database (SQLite, and PostgreSQL when FACTCHECK_TEST_POSTGRES_URL is set) in a module-scoped
fixture; each test below then checks one case in the snapshot of that run:

- every case has a clear recorded status: a row in run_issues (and the same line in the run
  summary), the feed's last_status/last_error/last_warning, or the article's own status;
- nothing in the run's logs or output is a traceback;
- the control feed's two articles are stored and analysed (claims and an event);
- no row is doubled (articles are unique by URL, and equal entries make one article).

Timeouts are kept small for speed (FACTCHECK_READ_TIMEOUT_S=2, no retries), but every assertion
is about outcomes, never about how long something took.
"""

from __future__ import annotations

import contextlib
import io
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import hostile_corpus as hc
import pytest
from loopback import LoopbackServer, RecordedRequest, Route
from sqlalchemy import func, select

from factcheck.db.engine import session_scope
from factcheck.db.models import Article, Claim, Feed, Run, RunIssue

MAX_ENTRIES = 20
MAX_PAGE_BYTES = 100_000
ENV = {
    "FACTCHECK_ALLOW_PRIVATE_ADDRESSES": "true",
    "FACTCHECK_MAX_ENTRIES_PER_FEED": str(MAX_ENTRIES),
    "FACTCHECK_MAX_PAGE_BYTES": str(MAX_PAGE_BYTES),
    "FACTCHECK_READ_TIMEOUT_S": "2",  # the slow page sleeps 8 s before answering
    "FACTCHECK_FETCH_RETRIES": "0",
    "FACTCHECK_PER_HOST_LIMIT": "8",  # everything is on one host; the slow page must not queue the rest
}


# --- capturing logs and output -------------------------------------------------------------------


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.records: list[logging.LogRecord] = []
        self._seen: set[int] = set()

    def emit(self, record: logging.LogRecord) -> None:
        if id(record) not in self._seen:  # attached to several loggers; a record may pass twice
            self._seen.add(id(record))
            self.records.append(record)


@contextlib.contextmanager
def captured() -> Iterator[tuple[_Collect, io.StringIO]]:
    """All log records (root, 'prefect', 'factcheck') and everything written to stdout/stderr."""
    import factcheck.flows.nightly  # noqa: F401 - the first Prefect flow import reconfigures logging

    handler = _Collect()
    loggers = [logging.getLogger(), logging.getLogger("prefect"), logging.getLogger("factcheck")]
    factcheck_level = loggers[2].level
    loggers[2].setLevel(logging.DEBUG)
    for logger in loggers:
        logger.addHandler(handler)
    output = io.StringIO()
    try:
        with contextlib.redirect_stdout(output), contextlib.redirect_stderr(output):
            yield handler, output
    finally:
        for logger in loggers:
            logger.removeHandler(handler)
        loggers[2].setLevel(factcheck_level)


# Prefect's own plumbing (event and log shipping, the API client, the test server) may log a
# hiccup of its own on a busy machine; that is not about the input and is left out.
INFRASTRUCTURE = ("prefect.events", "prefect._internal", "prefect.client", "prefect.server", "prefect.utilities",
                  "docket", "uvicorn", "websockets", "asyncio")


def run_records(records: list[logging.LogRecord]) -> list[logging.LogRecord]:
    return [r for r in records if not r.name.startswith(INFRASTRUCTURE)]


def tracebacks(records: list[logging.LogRecord], output: str) -> list[str]:
    found = []
    for record in run_records(records):
        text = record.getMessage()
        if record.exc_info or record.exc_text or "Traceback (most recent call last)" in text:
            found.append(f"{record.name}: {text[:300]}")
    if "Traceback (most recent call last)" in output:
        found.append("output: " + output[output.index("Traceback"):][:500])
    return found


# --- the run -------------------------------------------------------------------------------------


@dataclass
class HostileRun:
    base: str
    counts: dict[str, int]
    issues: list[dict]  # the run summary's lines
    issue_rows: list[tuple[str, str, str, str | None]]  # run_issues: stage, subject, status, message
    run_status: str
    articles: dict[str, dict]  # path (and query) -> columns
    feeds: dict[str, dict]  # path -> columns
    feed_rows: int
    claims: dict[str, int]  # article path -> claims stored
    requests: list[RecordedRequest]
    records: list[logging.LogRecord]
    output: str

    def issues_for(self, path: str) -> list[tuple[str, str, str | None]]:
        """(stage, status, message) of the run_issues about the URL `path` (entries of a feed: its path)."""
        url = self.base + path
        return [(stage, status, message) for stage, subject, status, message in self.issue_rows
                if subject == url or subject.startswith(url + " :: ")]

    def statuses(self, path: str) -> list[str]:
        return [status for _stage, status, _message in self.issues_for(path)]

    def requests_to(self, path: str) -> list[RecordedRequest]:
        return [r for r in self.requests if r.path.split("?")[0] == path]


def _database(kind: str, tmp: Path) -> contextlib.AbstractContextManager[str]:
    if kind == "sqlite":
        return contextlib.nullcontext(f"sqlite:///{tmp / 'hostile.db'}")
    from conftest import POSTGRES_URL, _postgres_schema_url

    if not POSTGRES_URL:
        pytest.skip("PostgreSQL variant: set FACTCHECK_TEST_POSTGRES_URL to run it")
    return contextlib.contextmanager(_postgres_schema_url)(POSTGRES_URL)


def _snapshot(url: str, base: str) -> dict:
    def path(full: str) -> str:
        return full.removeprefix(base)

    with session_scope(url) as session:
        feed_urls = dict(session.execute(select(Feed.id, Feed.url)).all())
        articles = {
            path(a.url): {"url": a.url, "title": a.title, "text": a.text, "status": a.status,
                          "body_source": a.body_source, "published_at": a.published_at,
                          "event_id": a.event_id, "claims_version": a.claims_version, "feed_url": feed_urls.get(a.feed_id)}
            for a in session.scalars(select(Article))
        }
        feeds = {
            path(f.url): {"last_status": f.last_status, "last_error": f.last_error, "last_warning": f.last_warning,
                          "last_http_status": f.last_http_status, "consecutive_failures": f.consecutive_failures}
            for f in session.scalars(select(Feed))
        }
        claims = dict(session.execute(
            select(Article.url, func.count(Claim.id)).join(Claim, Claim.article_id == Article.id).group_by(Article.url)
        ).all())
        issue_rows = [(i.stage, i.subject, i.status, i.message)
                      for i in session.scalars(select(RunIssue).order_by(RunIssue.id))]
        (run_status,) = session.scalars(select(Run.status)).all()
        feed_rows = session.scalar(select(func.count(Feed.id)))
    return {"articles": articles, "feeds": feeds, "claims": {path(u): n for u, n in claims.items()},
            "issue_rows": issue_rows, "run_status": run_status, "feed_rows": feed_rows}


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def hostile_run(request, prefect_harness, tmp_path_factory) -> Iterator[HostileRun]:
    from factcheck.flows.nightly import nightly

    tmp = tmp_path_factory.mktemp(f"hostile-{request.param}")
    with pytest.MonkeyPatch.context() as mp, _database(request.param, tmp) as url, LoopbackServer() as server:
        for name, value in ENV.items():
            mp.setenv(name, value)
        mp.setenv("FACTCHECK_DATABASE_URL", url)
        base = server.url("").rstrip("/")
        corpus = hc.build(base)
        server.routes.update(corpus.routes)
        feeds_file = tmp / "feeds.toml"
        feeds_file.write_text(corpus.feeds_toml(), encoding="utf-8")

        with captured() as (handler, output):
            summary = nightly(feeds_file=str(feeds_file))
        yield HostileRun(base=base, counts=summary.counts, issues=summary.issues, requests=list(server.requests),
                         records=handler.records, output=output.getvalue(), **_snapshot(url, base))
        from factcheck.db.engine import dispose_all

        dispose_all()


# --- the run as a whole --------------------------------------------------------------------------


def test_the_run_completes_and_the_control_feed_is_stored_and_analysed(hostile_run: HostileRun):
    run = hostile_run
    assert run.run_status == "completed"
    assert run.feeds[hc.CONTROL]["last_status"] == "fetched" and run.statuses(hc.CONTROL) == []
    for path in ("/control/one", "/control/two"):
        article = run.articles[path]
        assert (article["status"], article["body_source"]) == ("ok", "page")
        assert article["claims_version"] == "claims-1" and run.claims.get(path, 0) > 0, path
        assert article["event_id"] is not None, path
    assert (run.counts["feeds_fetched"], run.counts["feeds_failed"]) == (13, 2)
    assert run.counts["claims"] > 0


def test_no_traceback_in_the_logs_or_the_output(hostile_run: HostileRun):
    assert hostile_run.records, "no log records captured: the capture itself is broken"
    assert tracebacks(hostile_run.records, hostile_run.output) == []
    errors = [f"{r.name}: {r.getMessage()[:200]}" for r in run_records(hostile_run.records) if r.levelno >= logging.ERROR]
    assert errors == []
    names = {r.name for r in hostile_run.records}
    assert {"prefect.flow_runs", "prefect.task_runs"} <= names, f"the log capture itself is broken: {names}"


def test_the_summary_lists_exactly_the_recorded_issues(hostile_run: HostileRun):
    summary = [(i["stage"], i["subject"], i["status"], i["message"]) for i in hostile_run.issues]
    assert summary == hostile_run.issue_rows
    assert all(status and status.strip() for _stage, _subject, status, _message in hostile_run.issue_rows)


def test_no_row_is_doubled(hostile_run: HostileRun):
    run = hostile_run
    assert run.feed_rows == len(hc.build(run.base).feeds)
    assert len({a["url"] for a in run.articles.values()}) == len(run.articles)
    assert not [p for p in run.articles if "utm_" in p], "a tracking parameter made a second article"
    assert sum(1 for p in run.articles if p.startswith("/entries/dup")) == 1


# --- feeds ---------------------------------------------------------------------------------------


def _failed_feed(run: HostileRun, path: str) -> dict:
    feed = run.feeds[path]
    assert feed["last_status"] == "failed" and feed["consecutive_failures"] == 1
    assert [(stage, status) for stage, status, _ in run.issues_for(path)] == [("feed", "failed")]
    (message,) = [m for _s, _st, m in run.issues_for(path)]
    assert message == feed["last_error"]
    return feed


def test_a_feed_that_is_not_xml_at_all_fails_with_a_reason(hostile_run: HostileRun):
    feed = _failed_feed(hostile_run, hc.NOT_XML)
    assert feed["last_error"].startswith("not a feed: xml error")


def test_an_html_page_served_as_a_feed_fails_with_a_reason(hostile_run: HostileRun):
    feed = _failed_feed(hostile_run, hc.HTML_FEED)
    assert feed["last_error"].startswith("not a feed")


def test_a_truncated_feed_keeps_its_complete_items_with_a_warning(hostile_run: HostileRun):
    run = hostile_run
    feed = run.feeds[hc.TRUNCATED]
    assert feed["last_status"] == "fetched" and "xml error" in feed["last_warning"]
    issues = run.issues_for(hc.TRUNCATED)
    assert ("feed", "parsed with warning", feed["last_warning"]) in issues
    assert any(stage == "entry" and status == "skipped: no link" for stage, status, _ in issues)  # the cut item
    assert run.articles["/truncated/one"]["status"] == "ok"


def test_a_latin1_feed_declared_utf8_is_decoded_with_a_warning(hostile_run: HostileRun):
    run = hostile_run
    feed = run.feeds[hc.LATIN1_DECLARED_UTF8]
    assert feed["last_status"] == "fetched" and "declared as utf-8" in feed["last_warning"]
    assert "parsed with warning" in run.statuses(hc.LATIN1_DECLARED_UTF8)
    assert run.articles["/charset/latin1"]["title"] == hc.title_of("/charset/latin1")  # "Sète", not mojibake


def test_a_feed_without_any_charset_is_read_as_utf8(hostile_run: HostileRun):
    run = hostile_run
    feed = run.feeds[hc.NO_CHARSET]
    assert (feed["last_status"], feed["last_error"], feed["last_warning"]) == ("fetched", None, None)
    assert run.articles["/charset/missing"]["title"] == hc.title_of("/charset/missing")  # "Zürich"


def test_an_empty_feed_is_fetched_and_stores_nothing(hostile_run: HostileRun):
    run = hostile_run
    feed = run.feeds[hc.EMPTY]
    assert (feed["last_status"], feed["last_http_status"], feed["last_error"]) == ("fetched", 200, None)
    assert run.statuses(hc.EMPTY) == []
    assert not [a for a in run.articles.values() if a["feed_url"] == run.base + hc.EMPTY]


@pytest.mark.parametrize("feed_path", [hc.RSS091, hc.RSS10, hc.RSS20, hc.ATOM], ids=["rss091", "rss10-rdf", "rss20", "atom10"])
def test_each_feed_format_yields_its_good_article(hostile_run: HostileRun, feed_path: str):
    run = hostile_run
    page = hc.GOOD_FEED_PAGES[feed_path]
    assert run.feeds[feed_path]["last_status"] == "fetched"
    article = run.articles[page]
    assert (article["status"], article["title"]) == ("ok", hc.title_of(page))
    assert article["feed_url"] == run.base + feed_path and run.claims.get(page, 0) > 0


# --- entries -------------------------------------------------------------------------------------


def test_an_entry_without_a_link_is_recorded(hostile_run: HostileRun):
    entry_issues = [(stage, status) for stage, status, _ in hostile_run.issues_for(hc.ENTRIES)]
    assert ("entry", "skipped: no link") in entry_issues
    assert any(subject.endswith(":: An entry without a link") for _stage, subject, _s, _m in hostile_run.issue_rows)


def test_an_entry_without_a_title_is_stored(hostile_run: HostileRun):
    article = hostile_run.articles["/entries/untitled"]
    assert article["status"] == "ok" and article["text"]
    assert article["title"] in (None, hc.title_of("/entries/untitled"))  # the page's own title, if any


def test_an_entry_without_a_date_is_recorded_and_stored(hostile_run: HostileRun):
    run = hostile_run
    assert run.statuses("/entries/undated") == ["no date"]
    assert run.articles["/entries/undated"]["status"] == "ok"


def test_a_date_in_the_future_is_kept(hostile_run: HostileRun):
    article = hostile_run.articles["/entries/future"]
    assert article["published_at"] == datetime.fromisoformat(hc.FUTURE_DATE[1])
    assert hostile_run.statuses("/entries/future") == []


@pytest.mark.parametrize("path", list(hc.ODD_DATES))
def test_odd_date_formats_are_understood_or_recorded_as_missing(hostile_run: HostileRun, path: str):
    run = hostile_run
    _raw, expected = hc.ODD_DATES[path]
    article = run.articles[path]
    assert article["status"] == "ok"
    if expected is None:
        assert article["published_at"] is None and run.statuses(path) == ["no date"]
    else:
        assert article["published_at"] == datetime.fromisoformat(expected) and run.statuses(path) == []


def test_duplicate_entries_make_one_article(hostile_run: HostileRun):
    run = hostile_run
    # Twice in one feed, once more with tracking parameters, once in another feed: one article.
    assert [p for p in run.articles if p.startswith("/entries/dup")] == ["/entries/dup"]
    assert len(run.requests_to("/entries/dup")) <= 2  # once per feed at most, never per entry
    # The second feed's copy, if fetched, is recorded as a duplicate rather than stored again.
    assert run.statuses("/entries/dup") in ([], ["duplicate"])
    assert len(run.requests_to("/entries/dup")) == 1 + run.statuses("/entries/dup").count("duplicate")


def test_relative_links_are_resolved_against_the_feed_url(hostile_run: HostileRun):
    run = hostile_run
    assert run.articles["/relative/root"]["status"] == "ok"  # "/relative/root"
    assert run.articles["/feeds/relative-sibling"]["status"] == "ok"  # "relative-sibling" next to the feed


def test_a_relative_link_after_a_guid_is_resolved(hostile_run: HostileRun):
    assert hostile_run.articles["/relative/after-guid"]["status"] == "ok"


def test_a_feed_with_3000_entries_is_capped(hostile_run: HostileRun):
    run = hostile_run
    assert run.feeds[hc.BULK]["last_status"] == "fetched"
    assert len(run.requests_to("/bulk")) == MAX_ENTRIES
    failed = [status for _stage, subject, status, _m in run.issue_rows if subject.startswith(run.base + "/bulk?")]
    assert failed == ["failed: http 404"] * MAX_ENTRIES


# --- pages ---------------------------------------------------------------------------------------

# path -> (status the page is recorded with, stored body source or None when nothing is stored)
PAGE_CASES = {
    "/pages/404": ("fallback: http 404", "feed_summary"),
    "/pages/410": ("failed: http 410", None),
    "/pages/500": ("fallback: http 500", "feed_summary"),
    "/pages/slow": ("failed: timed out after 2s", None),
    "/pages/loop-a": ("failed: too many redirects", None),
    "/pages/huge": (f"failed: response larger than {MAX_PAGE_BYTES} bytes", None),
    "/pages/bomb": (f"failed: response larger than {MAX_PAGE_BYTES} bytes", None),
    "/pages/report.pdf": ("fallback: not html (application/pdf)", "feed_summary"),
    "/pages/chart.png": ("failed: not html (image/png)", None),
    "/pages/bad-bytes": ("ok: invalid bytes replaced", "page"),
    "/pages/no-text": ("fallback: no text extracted", "feed_summary"),
}


@pytest.mark.parametrize("path", list(PAGE_CASES), ids=[p.removeprefix("/pages/") for p in PAGE_CASES])
def test_each_hostile_page_has_a_recorded_status(hostile_run: HostileRun, path: str):
    run = hostile_run
    status, source = PAGE_CASES[path]
    ((stage, recorded, _message),) = run.issues_for(path)
    assert stage == "page" and recorded.startswith(status), recorded
    if source is None:
        assert path not in run.articles
    else:
        article = run.articles[path]
        assert (article["status"], article["body_source"]) == (recorded, source)
        assert article["text"].strip()


def test_pages_are_fetched_once_and_redirect_loops_end(hostile_run: HostileRun):
    run = hostile_run
    for path in ("/pages/404", "/pages/500", "/pages/slow", "/pages/bomb"):
        assert len(run.requests_to(path)) == 1, path  # FACTCHECK_FETCH_RETRIES=0
    loop = run.requests_to("/pages/loop-a") + run.requests_to("/pages/loop-b")
    assert 2 <= len(loop) <= 10


def test_invalid_bytes_are_replaced_not_fatal(hostile_run: HostileRun):
    text = hostile_run.articles["/pages/bad-bytes"]["text"]
    assert "\ufffd" in text and "Stavely" in text


# --- a focused run: a date at the end of the calendar ----------------------------------------------


def test_a_date_at_the_end_of_the_calendar_does_not_stop_the_run(prefect_harness, tmp_path: Path, monkeypatch):
    from factcheck.flows.nightly import nightly

    url = f"sqlite:///{tmp_path / 'far.db'}"
    monkeypatch.setenv("FACTCHECK_ALLOW_PRIVATE_ADDRESSES", "true")
    monkeypatch.setenv("FACTCHECK_DATABASE_URL", url)
    with LoopbackServer() as server:
        base = server.url("").rstrip("/")
        server.routes.update(hc.build(base).routes)
        server.routes["/feeds/far-future.xml"] = Route(
            body=hc.rss2([hc.Item(hc.title_of("/entries/future"), f"{base}/entries/future",
                                  date="Fri, 31 Dec 9999 23:00:00 GMT")]).encode(),
            headers=hc.RSS_TYPE,
        )
        feeds = tmp_path / "feeds.toml"
        feeds.write_text(hc.Corpus({}, [("Control Courier", f"{base}{hc.CONTROL}"),
                                        ("Far Future", f"{base}/feeds/far-future.xml")]).feeds_toml(), encoding="utf-8")
        summary = nightly(feeds_file=str(feeds))
    assert summary.counts["articles_stored"] == 3
    with session_scope(url) as session:
        assert session.scalars(select(Run.status)).all() == ["completed"]
        assert session.scalar(select(func.count(Article.id)).where(Article.claims_version.is_(None))) == 0
