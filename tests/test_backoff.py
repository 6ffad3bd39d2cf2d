"""Failing feeds back off instead of being hammered or dropped."""

from __future__ import annotations

import socket
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import pytest
from loopback import LoopbackServer, Route
from sqlalchemy import select

from factcheck.db import store
from factcheck.db.engine import session_scope
from factcheck.db.models import Feed, RunIssue
from factcheck.tasks.feeds import backoff
from factcheck.tasks.feeds import fetch_feed
from factcheck.tasks.models import FeedBackoff, FeedFetch, FeedSource
from factcheck.tasks.net import HttpSettings, make_client
from factcheck.tasks.steps import record_feed_fetch

NOW = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
SOURCE = FeedSource("Harbour Post", "http://feeds.example/rss")

RSS = (
    b'<?xml version="1.0"?><rss version="2.0"><channel><title>Harbour Post</title>'
    b"<link>http://feeds.example/</link><description>News</description></channel></rss>"
)


def failed(error: str, kind: str, http_status: int | None = None, retry_after: float | None = None) -> FeedFetch:
    return FeedFetch(SOURCE, "failed", http_status, error=error, retry_after_s=retry_after, failure=kind)


TIMEOUT = failed("timed out after 20s", "transient")
NOT_FOUND = failed("http 404", "http", 404)
NOT_A_FEED = failed("not a feed: no RSS or Atom root element", "hard", 200)


# --- the pure rules ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fetch", "kind"),
    [
        (NOT_A_FEED, "hard"),
        (NOT_FOUND, "http"),
        (TIMEOUT, "transient"),
        (FeedFetch(SOURCE, "failed", error="an outcome from before kinds were recorded"), "transient"),
        (FeedFetch(SOURCE, "fetched", 200), None),
        (FeedFetch(SOURCE, "not_modified", 304), None),
    ],
)
def test_failures_are_classified_by_the_kind_the_fetch_recorded(fetch, kind):
    assert backoff.classify(fetch) == kind


def test_a_disabled_or_backing_off_feed_is_skipped_until_it_is_due():
    assert backoff.skip_reason(FeedBackoff(), NOW) is None
    waiting = FeedBackoff(2, 3.0, NOW + timedelta(hours=1))
    assert backoff.skip_reason(waiting, NOW) == ("deferred", "skipped: backing off until 2026-03-02 09:00 UTC")
    assert backoff.skip_reason(waiting, NOW + timedelta(hours=2)) is None
    disabled = FeedBackoff(31, 60.0, None, NOW)
    assert backoff.skip_reason(disabled, NOW + timedelta(days=9)) == ("disabled", "disabled after 31 failures")


@pytest.mark.parametrize(
    ("route", "kind"),
    [
        (Route(404, b"gone"), "http"),
        (Route(410, b"gone"), "http"),
        (Route(429, b"slow down"), "http"),
        (Route(503, b"down"), "http"),
        (Route(403, b"no"), "hard"),
        (Route(401, b"who"), "hard"),
        (Route(200, b"<html><body><p>a page</p></body></html>", headers={"Content-Type": "text/html"}), "hard"),
        (Route(200, RSS, delay=3.0), "transient"),  # the fixture's client reads for 2 s at most
    ],
)
def test_a_failed_fetch_carries_the_kind_of_its_failure(loopback, http_client, route, kind):
    loopback.routes["/rss"] = route
    fetch = fetch_feed(http_client, FeedSource("Harbour Post", loopback.url("/rss")), etag=None, last_modified=None,
                       max_bytes=100_000)
    assert (fetch.status, fetch.failure) == ("failed", kind), fetch.error


def test_refused_connections_and_addresses_are_hard_failures(http_client):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    refused = fetch_feed(http_client, FeedSource("Harbour Post", f"http://127.0.0.1:{port}/rss"), etag=None,
                         last_modified=None, max_bytes=100_000)
    assert (refused.error, refused.failure) == ("connection refused", "hard")
    with make_client(HttpSettings()) as guarded:  # private addresses refused, as in production
        private = fetch_feed(guarded, FeedSource("Harbour Post", f"http://127.0.0.1:{port}/rss"), etag=None,
                             last_modified=None, max_bytes=100_000)
    assert private.error.startswith("refused non-public address") and private.failure == "hard"
    assert backoff.classify(refused) == backoff.classify(private) == "hard"


def test_backoff_grows_with_consecutive_failures_and_is_capped_at_a_day():
    score, delays = 0.0, []
    for streak in range(1, 13):
        score += backoff.weight("transient")
        delays.append(backoff.next_fetch_at(NOW, score, streak, key=SOURCE.url) - NOW)
    assert delays[0] <= timedelta(minutes=17)  # 15 minutes after the first timeout, jittered
    assert all(b > a for a, b in zip(delays[:7], delays[1:8]))  # doubles while under the cap
    assert max(delays) == timedelta(hours=24) == delays[-1]
    assert backoff.delay_for(1000.0, 50) == backoff.MAX_DELAY


def test_a_hard_error_backs_off_more_than_a_404_and_a_404_more_than_a_timeout():
    def first_delay(fetch: FeedFetch) -> timedelta:
        score = backoff.weight(backoff.classify(fetch))
        return backoff.next_fetch_at(NOW, score, 1, key=SOURCE.url) - NOW

    assert first_delay(NOT_A_FEED) > first_delay(NOT_FOUND) > first_delay(TIMEOUT)
    assert first_delay(NOT_A_FEED) >= 3 * first_delay(TIMEOUT)


def test_jitter_is_deterministic_per_feed_and_spreads_feeds():
    one = backoff.next_fetch_at(NOW, 3.0, 2, key="http://a.example/rss")
    assert one == backoff.next_fetch_at(NOW, 3.0, 2, key="http://a.example/rss")
    others = {backoff.next_fetch_at(NOW, 3.0, 2, key=f"http://{i}.example/rss") for i in range(20)}
    assert len(others) == 20
    assert all(timedelta(minutes=54) <= t - NOW <= timedelta(minutes=66) for t in others)  # 1 h ± 10 %


def test_retry_after_is_honoured_when_longer_and_capped_at_a_day():
    plain = backoff.next_fetch_at(NOW, 2.0, 1, key=SOURCE.url)
    assert backoff.next_fetch_at(NOW, 2.0, 1, 5.0, key=SOURCE.url) == plain  # shorter: our back-off wins
    assert backoff.next_fetch_at(NOW, 2.0, 1, 7200.0, key=SOURCE.url) == NOW + timedelta(hours=2)
    assert backoff.next_fetch_at(NOW, 2.0, 1, 10 * 86400.0, key=SOURCE.url) == NOW + timedelta(hours=24)


def test_a_feed_is_disabled_only_after_tens_of_failures():
    assert not backoff.should_disable(3)
    assert not backoff.should_disable(backoff.DISABLE_AFTER - 1)
    assert backoff.should_disable(backoff.DISABLE_AFTER)
    assert backoff.DISABLE_AFTER >= 20


# --- stored state --------------------------------------------------------------------------------


def _feed(url: str) -> Feed:
    with session_scope(url) as session:
        feed = session.scalars(select(Feed)).one()
        session.expunge(feed)
    return feed


@pytest.mark.parametrize(
    ("status", "retry_after", "expected"),
    [
        (429, "7200", timedelta(hours=2)),
        (503, "http-date in 5 hours", timedelta(hours=5)),  # the date is made when the test runs
        (503, "864000", timedelta(hours=24)),  # ten days asked, one day granted
    ],
)
def test_retry_after_on_a_429_or_503_feed_sets_the_next_fetch(loopback, http_client, database_url,
                                                              status, retry_after, expected):
    if retry_after.startswith("http-date"):
        # Built here, not at collection: a busy test session may start this test minutes later.
        retry_after = format_datetime(datetime.now(UTC) + expected, usegmt=True)
    loopback.routes["/rss"] = Route(status, b"slow down", headers={"Retry-After": retry_after})
    source = FeedSource("Harbour Post", loopback.url("/rss"))
    fetch = fetch_feed(http_client, source, etag=None, last_modified=None, max_bytes=100_000)
    assert (fetch.status, fetch.http_status) == ("failed", status)
    asked = float(retry_after) if retry_after.isdigit() else expected.total_seconds()
    assert fetch.retry_after_s == pytest.approx(asked, abs=5)  # as sent; capped when scheduling
    before = datetime.now(UTC)
    with session_scope(database_url) as session:
        record_feed_fetch(session, fetch)
    feed = _feed(database_url)
    assert feed.next_fetch_at - before == pytest.approx(expected, abs=timedelta(seconds=10))
    assert feed.failure_score == backoff.weight("http")


def test_backoff_after_a_fetch_is_decided_without_a_database():
    state = FeedBackoff()
    for _ in range(3):
        state = backoff.after(state, NOT_FOUND, NOW)
    assert (state.consecutive_failures, state.failure_score) == (3, 6.0)
    assert state.next_fetch_at == backoff.next_fetch_at(NOW, 6.0, 3, key=SOURCE.url)
    state = FeedBackoff(backoff.DISABLE_AFTER - 1, 40.0)
    disabled = backoff.after(state, TIMEOUT, NOW)
    assert disabled.disabled_at == NOW
    assert backoff.after(disabled, TIMEOUT, NOW + timedelta(days=1)).disabled_at == NOW  # disabled once
    assert backoff.after(disabled, FeedFetch(SOURCE, "not_modified", 304), NOW) == FeedBackoff()


def test_stored_backoff_grows_and_a_success_resets_it(database_url):
    with session_scope(database_url) as session:
        for _ in range(3):
            record_feed_fetch(session, NOT_FOUND, now=NOW)
    feed = _feed(database_url)
    assert (feed.consecutive_failures, feed.failure_score) == (3, 6.0)
    assert feed.next_fetch_at > NOW + timedelta(hours=7)  # 15 min * 2**5, jittered
    assert feed.disabled_at is None
    with session_scope(database_url) as session:
        record_feed_fetch(session, FeedFetch(SOURCE, "fetched", 200, etag='"v2"'), now=NOW)
    feed = _feed(database_url)
    assert (feed.consecutive_failures, feed.failure_score, feed.next_fetch_at, feed.disabled_at) == (0, 0.0, None, None)
    assert feed.etag == '"v2"'


def test_a_feed_is_disabled_after_the_threshold_and_feeds_list_shows_it(database_url):
    from typer.testing import CliRunner

    from factcheck.flows import cli

    with session_scope(database_url) as session:
        for _ in range(backoff.DISABLE_AFTER - 1):
            record_feed_fetch(session, TIMEOUT, now=NOW)
    assert _feed(database_url).disabled_at is None
    with session_scope(database_url) as session:
        record_feed_fetch(session, TIMEOUT, now=NOW)
        record_feed_fetch(session, TIMEOUT, now=NOW + timedelta(days=1))
    feed = _feed(database_url)
    assert feed.disabled_at == NOW  # disabled once, the first time the streak reached the threshold
    assert feed.consecutive_failures == backoff.DISABLE_AFTER + 1
    with session_scope(database_url) as session:
        schedule = store.feed_schedule(session, SOURCE.url)
    assert (schedule.disabled_at, schedule.consecutive_failures) == (NOW, backoff.DISABLE_AFTER + 1)

    result = CliRunner().invoke(cli.app, ["feeds", "list", "--database", database_url], env={"COLUMNS": "250"})
    assert result.exit_code == 0, result.output
    row = next(line for line in result.output.splitlines() if "Harbour Post" in line)
    assert "disabled" in row and str(backoff.DISABLE_AFTER + 1) in row


# --- a real nightly run ------------------------------------------------------------------------


@pytest.fixture
def two_feeds(monkeypatch, tmp_path: Path):
    monkeypatch.setenv("FACTCHECK_ALLOW_PRIVATE_ADDRESSES", "true")
    with LoopbackServer() as server:
        server.routes["/failing"] = Route(body=RSS, headers={"Content-Type": "application/rss+xml"})
        server.routes["/dead"] = Route(body=RSS, headers={"Content-Type": "application/rss+xml"})
        feeds = tmp_path / "feeds.toml"
        feeds.write_text(
            f'[[feeds]]\noutlet = "Backing Off"\nurl = "{server.url("/failing")}"\n\n'
            f'[[feeds]]\noutlet = "Long Dead"\nurl = "{server.url("/dead")}"\n',
            encoding="utf-8",
        )
        yield server, feeds


def test_feeds_not_due_are_skipped_in_a_nightly_run_and_fetched_when_backoff_is_ignored(
    prefect_harness, use_database, two_feeds, monkeypatch
):
    from factcheck.flows.nightly import nightly

    server, feeds = two_feeds
    backing_off = FeedSource("Backing Off", server.url("/failing"))
    dead = FeedSource("Long Dead", server.url("/dead"))
    with session_scope(use_database) as session:
        record_feed_fetch(session, FeedFetch(backing_off, "failed", 503, error="http 503"))
        for _ in range(backoff.DISABLE_AFTER):
            record_feed_fetch(session, FeedFetch(dead, "failed", error="dns lookup failed for x"))

    summary = nightly(feeds_file=str(feeds))
    assert (summary.counts["feeds_deferred"], summary.counts["feeds_disabled"]) == (1, 1)
    assert summary.counts["feeds_fetched"] == 0
    assert server.requests == []  # neither feed was requested
    statuses = {i["subject"]: i["status"] for i in summary.issues}
    assert statuses[backing_off.url].startswith("skipped: backing off until ")
    assert statuses[dead.url] == f"disabled after {backoff.DISABLE_AFTER} failures"
    with session_scope(use_database) as session:
        recorded = {i.subject: i.status for i in session.scalars(select(RunIssue).where(RunIssue.run_id == summary.run_id))}
    assert recorded == statuses

    monkeypatch.setenv("FACTCHECK_IGNORE_BACKOFF", "true")
    summary = nightly(feeds_file=str(feeds))
    assert summary.counts["feeds_fetched"] == 2
    assert (summary.counts["feeds_deferred"], summary.counts["feeds_disabled"]) == (0, 0)
    with session_scope(use_database) as session:
        for feed in session.scalars(select(Feed)):
            assert (feed.consecutive_failures, feed.failure_score, feed.next_fetch_at, feed.disabled_at) == (0, 0.0, None, None)
