"""Fetching and parsing feeds over real loopback HTTP."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from loopback import Route, closed_port_url

from factcheck.tasks.feeds import NotAFeed, fetch_feed, fetch_issues, html_to_text, parse_feed, triage_entries
from factcheck.tasks.models import FeedEntry, FeedFetch, FeedSource, InputIssue

RSS_CT = {"Content-Type": "application/rss+xml; charset=utf-8"}
ATOM_CT = {"Content-Type": "application/atom+xml"}
MAX = 1_000_000

RSS = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
     xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel>
  <title>The Coastal Ledger</title>
  <link>https://ledger.example/</link>
  <description>News from the fjord towns</description>
  <item>
    <title>Harbour bridge closes after cracks found</title>
    <link>https://ledger.example/news/harbour-bridge?utm_source=rss</link>
    <description>&lt;p&gt;Inspectors found &lt;b&gt;cracks&lt;/b&gt; in two beams.&lt;/p&gt;</description>
    <content:encoded><![CDATA[<p>The Vestre bridge closed on Thursday.</p><p>About 14,000 vehicles use it daily.</p>]]></content:encoded>
    <dc:creator>Ingrid Solberg</dc:creator>
    <pubDate>Thu, 14 Mar 2024 09:30:00 +0100</pubDate>
    <guid isPermaLink="false">ledger-88412</guid>
  </item>
  <item>
    <title>Ferry timetable extended</title>
    <link>https://ledger.example/news/ferry-timetable</link>
    <description>Ferries will run every twenty minutes.</description>
  </item>
</channel>
</rss>"""

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://valley.example/politics/">
  <title>Valley Courier</title>
  <id>urn:uuid:6a0f1c1e-0000-4000-8000-000000000001</id>
  <updated>2024-03-14T12:00:00Z</updated>
  <entry>
    <title type="html">Council votes 7 &amp;amp; 4 on tunnel</title>
    <link rel="alternate" type="text/html" href="2024/03/tunnel-vote"/>
    <id>urn:uuid:6a0f1c1e-0000-4000-8000-000000000002</id>
    <updated>2024-03-14T13:15:00+02:00</updated>
    <summary type="text">Seven members backed the plan &lt;for now&gt;.</summary>
    <content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>The council voted on Tuesday.</p><p>The tunnel would cost 300 million.</p></div></content>
    <author><name>Mats Lindqvist</name></author>
  </entry>
</feed>"""


def rss(items: str) -> bytes:
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>Test</title><link>https://t.example/</link>{items}</channel></rss>").encode()


def source(loopback, path="/feed.xml") -> FeedSource:
    return FeedSource(outlet="Ledger", url=loopback.url(path))


def fetch(client, src, **kw):
    return fetch_feed(client, src, etag=kw.get("etag"), last_modified=kw.get("last_modified"),
                      max_bytes=kw.get("max_bytes", MAX))


# --- formats ----------------------------------------------------------------------------------


def test_rss2_feed_parsed_into_entries(loopback, http_client):
    loopback.routes["/feed.xml"] = Route(body=RSS, headers=RSS_CT)
    src = source(loopback)
    result = fetch(http_client, src)
    assert (result.status, result.http_status, result.error, result.warning) == (
        "fetched", 200, None, None)
    assert result.final_url == src.url
    first, second = result.entries
    assert first.outlet == "Ledger" and first.feed_url == src.url
    assert first.link == "https://ledger.example/news/harbour-bridge?utm_source=rss"
    assert first.title == "Harbour bridge closes after cracks found"
    assert first.summary == "Inspectors found cracks in two beams."
    assert first.content == "The Vestre bridge closed on Thursday.\nAbout 14,000 vehicles use it daily."
    assert first.author == "Ingrid Solberg"
    assert first.published_at == datetime(2024, 3, 14, 8, 30, tzinfo=UTC)
    assert first.entry_id == "ledger-88412"
    assert second.content is None and second.published_at is None and second.author is None


def test_atom_feed_parsed_with_xml_base_and_html_title(loopback, http_client):
    loopback.routes["/atom"] = Route(body=ATOM, headers=ATOM_CT)
    (entry,) = fetch(http_client, source(loopback, "/atom")).entries
    assert entry.link == "https://valley.example/politics/2024/03/tunnel-vote"
    assert entry.title == "Council votes 7 & 4 on tunnel"
    assert entry.summary == "Seven members backed the plan <for now>."  # type="text": not HTML
    assert entry.content == "The council voted on Tuesday.\nThe tunnel would cost 300 million."
    assert entry.author == "Mats Lindqvist"
    assert entry.published_at == datetime(2024, 3, 14, 11, 15, tzinfo=UTC)  # from <updated>
    assert entry.entry_id == "urn:uuid:6a0f1c1e-0000-4000-8000-000000000002"


def test_empty_valid_feed_is_fetched_with_no_entries(loopback, http_client):
    loopback.routes["/feed.xml"] = Route(body=rss(""), headers=RSS_CT)
    result = fetch(http_client, source(loopback))
    assert (result.status, result.entries, result.error) == ("fetched", (), None)


# --- conditional GET --------------------------------------------------------------------------


def test_conditional_get_sends_validators_and_304_is_not_modified(loopback, http_client):
    etag, modified = '"v42"', "Thu, 14 Mar 2024 10:00:00 GMT"

    def feed(headers):
        if headers.get("if-none-match") == etag:
            return Route(status=304, headers={"ETag": etag})
        return Route(body=RSS, headers={**RSS_CT, "ETag": etag, "Last-Modified": modified})

    loopback.routes["/feed.xml"] = feed
    src = source(loopback)
    first = fetch(http_client, src)
    assert (first.status, first.etag, first.last_modified) == ("fetched", etag, modified)
    assert loopback.requests[0].header("if-none-match") is None

    second = fetch(http_client, src, etag=first.etag, last_modified=first.last_modified)
    assert (second.status, second.http_status, second.entries) == ("not_modified", 304, ())
    assert (second.etag, second.last_modified) == (etag, modified)  # old one kept when absent
    sent = loopback.requests[1]
    assert sent.header("if-none-match") == etag
    assert sent.header("if-modified-since") == modified


def test_last_modified_alone_is_sent(loopback, http_client):
    loopback.routes["/feed.xml"] = Route(status=304)
    result = fetch(http_client, source(loopback), last_modified="Wed, 13 Mar 2024 08:00:00 GMT")
    assert result.status == "not_modified"
    assert loopback.requests[0].header("if-modified-since") == "Wed, 13 Mar 2024 08:00:00 GMT"
    assert loopback.requests[0].header("if-none-match") is None


# --- broken feeds and failures ----------------------------------------------------------------


def test_bozo_feed_with_entries_is_used_and_warning_recorded(loopback, http_client):
    broken = rss("<item><title>Fish & chips prices up</title>"
                 "<link>https://t.example/fish</link></item>")  # bare & : not well-formed
    loopback.routes["/feed.xml"] = Route(body=broken, headers=RSS_CT)
    result = fetch(http_client, source(loopback))
    assert result.status == "fetched"
    assert [e.link for e in result.entries] == ["https://t.example/fish"]
    assert result.warning and "not well-formed" in result.warning


def test_html_page_served_as_feed_fails_as_not_a_feed(loopback, http_client):
    page = b"<!DOCTYPE html><html><head><title>Welcome</title></head><body><h1>Our news</h1>" \
           b"<p>Read our <a href='/latest'>latest stories</a>.</p></body></html>"
    loopback.routes["/feed.xml"] = Route(body=page, headers={"Content-Type": "text/html"})
    result = fetch(http_client, source(loopback))
    assert result.status == "failed" and result.http_status == 200
    assert result.error.startswith("not a feed: ")
    assert result.entries == ()


@pytest.mark.parametrize("status", [404, 500])
def test_http_error_status_fails_feed(loopback, http_client, status):
    loopback.routes["/feed.xml"] = Route(status=status, body=b"oops")
    result = fetch(http_client, source(loopback), etag='"old"')
    assert (result.status, result.http_status, result.error) == ("failed", status, f"http {status}")
    assert result.etag == '"old"'  # validators survive a failure


def test_unreachable_host_fails_with_readable_error(http_client):
    result = fetch(http_client, FeedSource("Gone", closed_port_url("/rss")))
    assert (result.status, result.http_status, result.error) == (
        "failed", None, "connection refused")


def test_oversized_feed_fails(loopback, http_client):
    loopback.routes["/feed.xml"] = Route(body=RSS, headers=RSS_CT)
    result = fetch(http_client, source(loopback), max_bytes=500)
    assert (result.status, result.error) == ("failed", "response larger than 500 bytes")


def test_loopback_feed_refused_without_allow_flag(loopback):
    from factcheck.tasks.net import HttpSettings, make_client

    loopback.routes["/feed.xml"] = Route(body=RSS, headers=RSS_CT)
    with make_client(HttpSettings()) as client:
        result = fetch(client, source(loopback))
    assert result.status == "failed" and "non-public address" in result.error
    assert loopback.requests == []


# --- links and entries ------------------------------------------------------------------------


def test_relative_links_resolved_against_final_url_after_redirect(loopback, http_client):
    loopback.routes["/old/rss"] = Route.redirect("/v2/feeds/main.xml", status=301)
    loopback.routes["/v2/feeds/main.xml"] = Route(body=rss(
        "<item><title>a</title><link>story/17</link></item>"
        "<item><title>b</title><link>/world/18</link></item>"), headers=RSS_CT)
    result = fetch(http_client, source(loopback, "/old/rss"))
    assert result.final_url == loopback.url("/v2/feeds/main.xml")
    assert [e.link for e in result.entries] == [
        loopback.url("/v2/feeds/story/17"), loopback.url("/world/18")]


def test_entry_without_link_kept_with_link_none():
    entries, _ = parse_feed(rss(
        "<item><title>Breaking: storm warning</title><description>Stay indoors.</description>"
        "</item><item><title>guid only</title><guid>40417</guid></item>"),
        base_url="https://t.example/rss", outlet="T", feed_url="https://t.example/rss")
    assert [(e.title, e.link) for e in entries] == [
        ("Breaking: storm warning", None), ("guid only", None)]
    assert entries[1].entry_id == "40417"  # a plain guid is not turned into a made-up URL


def test_permalink_guid_used_as_link():
    entries, _ = parse_feed(rss("<item><title>x</title><guid>https://t.example/p/9</guid></item>"),
                            base_url="https://t.example/rss", outlet="T", feed_url="f")
    assert entries[0].link == "https://t.example/p/9"


def test_duplicate_entries_collapsed_by_canonical_link():
    entries, _ = parse_feed(rss(
        "<item><title>first</title><link>https://t.example/a?utm_medium=rss</link></item>"
        "<item><title>other</title><link>https://t.example/b</link></item>"
        "<item><title>again</title><link>https://T.example/a#comments</link></item>"
        "<item><title>no link 1</title></item><item><title>no link 2</title></item>"),
        base_url="https://t.example/rss", outlet="T", feed_url="f")
    assert [e.title for e in entries] == ["first", "other", "no link 1", "no link 2"]


@pytest.mark.parametrize("content", [b"", b"   \n", b'{"items": []}',
                                     b'<?xml version="1.0"?><urlset><url/></urlset>'])
def test_non_feeds_raise_not_a_feed(content):
    with pytest.raises(NotAFeed):
        parse_feed(content, base_url="https://t.example/", outlet="T", feed_url="f")


def test_html_to_text_keeps_blocks_on_lines():
    html = ("<p>One &amp; <b>two</b></p><script>var x=1</script>three<br/>four"
            "<ul><li>five</li><li>six\u00a0 seven</li></ul>")
    assert html_to_text(html) == "One & two\nthree\nfour\nfive\nsix seven"
    assert html_to_text(None) == "" and html_to_text("plain  text") == "plain text"


# --- retries and Retry-After ------------------------------------------------------------------


def test_a_feed_answering_503_then_200_is_fetched_with_retries(loopback, http_client):
    from factcheck.tasks.net import RetryPolicy

    answers = iter([Route(status=503, body=b"busy"), Route(body=RSS, headers=RSS_CT)])
    loopback.routes["/feed.xml"] = lambda _headers: next(answers)
    result = fetch_feed(http_client, source(loopback), etag=None, last_modified=None, max_bytes=MAX,
                        retry=RetryPolicy(retries=2, base_delay_s=0.01))
    assert (result.status, result.http_status) == ("fetched", 200)
    assert result.entries and len(loopback.requests_to("/feed.xml")) == 2


def test_a_429_feed_reports_the_servers_retry_after(loopback, http_client):
    loopback.routes["/feed.xml"] = Route(status=429, body=b"slow down", headers={"Retry-After": "3600"})
    result = fetch(http_client, source(loopback))
    assert (result.status, result.error, result.retry_after_s) == ("failed", "http 429", 3600.0)
    assert len(loopback.requests_to("/feed.xml")) == 1  # no retries unless asked for


def test_a_relative_link_after_a_permalink_guid_is_resolved():
    rss = (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>'
        "<item><title>Quay closes</title><guid>https://news.example/id/77</guid>"
        "<link>/harbour/quay-closes</link></item>"
        "<item><title>Bare guid</title><guid>12345</guid></item></channel></rss>"
    ).encode()
    entries, _warning = parse_feed(rss, base_url="https://news.example/feeds/rss.xml", outlet="Harbour Post",
                                   feed_url="https://news.example/feeds/rss.xml")
    assert [e.link for e in entries] == ["https://news.example/harbour/quay-closes", None]


# --- control characters and unusable links ------------------------------------------------------
#
# One entry with a stray control character or a broken link used to fail its whole feed on every
# run: PostgreSQL refuses NUL in text, httpx refuses control characters in URLs, and urljoin raises
# on an unclosed IPv6 bracket. None of it was recorded (no run issue, no feed state, no back-off).


def test_control_characters_are_dropped_from_entry_text():
    entries, _ = parse_feed(rss(
        "<item><title>Harbour\x00 bridge \x1b[2Jcloses</title><link>https://t.example/a</link>"
        "<description>&lt;p&gt;Cracks\x0bin two\x07 beams&lt;/p&gt;</description>"
        "<author>ed\x00@t.example (Ingrid\x1b]0;pwned\x07 Solberg)</author><guid>id-\x0017</guid></item>"),
        base_url="https://t.example/rss", outlet="T", feed_url="f")
    (entry,) = entries
    assert entry.title == "Harbour bridge closes"
    assert entry.summary == "Cracks\nin two beams"  # a vertical tab breaks the line, as splitlines() does
    assert entry.author == "ed@t.example (Ingrid Solberg)"
    assert entry.entry_id == "id-17"


@pytest.mark.parametrize(("link", "problem"), [
    ("https://t.example/a\x00b", "control character in link"),
    ("https://t.example/a\x0bb", "control character in link"),
    ("https://t.example/a\x1b[2J", "control character in link"),
    ("http://[::1/story", "invalid URL: Invalid port: ':1'"),
    ("http://xn--zz.example/", "invalid URL: Invalid A-label"),
    ("http:///story", "no host in link"),
    ("https://t.example/a b?q=\u00e9", None),
    ("https://t.example/news/1", None),
])  # fmt: skip
def test_link_problem_says_why_a_link_cannot_be_used(link, problem):
    from factcheck.tasks.feeds import link_problem

    assert link_problem(link) == problem


def test_a_broken_link_does_not_fail_the_whole_feed():
    entries, _ = parse_feed(rss(
        "<item><title>bad</title><link>http://[::1/story</link></item>"
        "<item><title>split</title><link>https://t.example/news\n/2\t</link></item>"  # as browsers do
        "<item><title>good</title><link>https://t.example/news/1</link></item>"),
        base_url="https://t.example/rss", outlet="T", feed_url="f")
    assert [e.link for e in entries] == ["http://[::1/story", "https://t.example/news/2", "https://t.example/news/1"]


BAD_ENTRIES = {  # the feed entry that must be skipped and reported, never fetched
    "nul-in-link": "<item><title>Bad link</title><link>{base}/bad\x00link</link></item>",
    "vt-in-link": "<item><title>Bad link</title><link>{base}/bad\x0blink</link></item>",
    "nul-in-guid": "<item><title>Bad link</title><guid>{base}/bad\x00guid</guid></item>",
    "unclosed-ipv6": "<item><title>Bad link</title><link>http://[::1/bad</link></item>",
}


@pytest.mark.parametrize("case", list(BAD_ENTRIES))
def test_an_entry_with_an_unusable_link_is_reported_and_the_rest_of_its_feed_stored_once(
    prefect_harness, use_database, loopback, monkeypatch, case
):
    import hostile_corpus as hc
    from sqlalchemy import select

    from factcheck.db import store
    from factcheck.db.engine import session_scope
    from factcheck.db.models import Article, Feed, RunIssue
    from factcheck.flows.ingest import ingest

    monkeypatch.setenv("FACTCHECK_ALLOW_PRIVATE_ADDRESSES", "true")
    base = loopback.url("").rstrip("/")
    loopback.routes["/one"] = hc.good_page("/control/one")
    loopback.routes["/two"] = hc.good_page("/control/two")
    loopback.routes["/feed.xml"] = Route(body=rss(
        f"<item><title>Port Celin\x00 closes \x1b[2Jthe quay</title><link>{base}/one</link>"
        f"<pubDate>{hc.DATE}</pubDate></item>"
        + BAD_ENTRIES[case].format(base=base)
        + f"<item><title>Varnholm closes the bridge</title><link>{base}/two</link><pubDate>{hc.DATE}</pubDate></item>"
    ), headers=RSS_CT)  # no ETag: the second run parses the feed again
    feed = FeedSource("Ledger", loopback.url("/feed.xml"))

    def run() -> tuple[dict, list[tuple[str, str, str]]]:
        with session_scope(use_database) as session:
            run_id = store.start_run(session, kind="manual", flow_run_id=None)
        counts = ingest([feed], run_id).as_dict()
        with session_scope(use_database) as session:
            issues = [(i.stage, i.subject, i.status) for i in store.run_issues(session, run_id)]
        return counts, issues

    first, first_issues = run()
    assert (first["feeds_fetched"], first["articles_stored"], first["page_batches_failed"]) == (1, 2, 0)
    skipped = [(stage, status) for stage, subject, status in first_issues if subject == f"{feed.url} :: Bad link"]
    assert skipped == [("entry", "skipped: unusable link")]
    assert not [i for i in first_issues if i[0] == "page"]
    assert not [r for r in loopback.requests if "bad" in r.path]  # never fetched

    second, second_issues = run()
    assert (second["feeds_fetched"], second["entries_new"], second["articles_stored"]) == (1, 0, 0)
    assert ("entry", f"{feed.url} :: Bad link", "skipped: unusable link") in second_issues  # still shown

    with session_scope(use_database) as session:
        articles = session.execute(select(Article.url, Article.title).order_by(Article.url)).all()
        feeds = session.execute(select(Feed.url, Feed.last_status, Feed.consecutive_failures)).all()
        total_issues = len(session.scalars(select(RunIssue)).all())
    assert [tuple(a) for a in articles] == [(f"{base}/one", "Port Celin closes the quay"),
                                            (f"{base}/two", "Varnholm closes the bridge")]
    assert [tuple(f) for f in feeds] == [(feed.url, "fetched", 0)]
    assert total_issues == len(first_issues) + len(second_issues)


# --- what a run does with a fetched feed (pure) ----------------------------------------------------


def _entry(link: str | None, *, title: str = "A story", dated: bool = True) -> FeedEntry:
    return FeedEntry("Harbour Post", "http://feeds.example/rss", link, title=title,
                     published_at=datetime(2026, 3, 2, tzinfo=UTC) if dated else None)


def test_triage_keeps_one_entry_per_article_and_reports_the_others():
    source = FeedSource("Harbour Post", "http://feeds.example/rss")
    fetch = FeedFetch(source, "fetched", 200, entries=(
        _entry("https://news.example/a?utm_source=rss"),
        _entry("https://NEWS.example/a#comments", title="The same story again"),
        _entry(None, title="No link"),
        _entry("javascript:alert(1)", title="Bad link"),
        _entry("https://news.example/b", dated=False),
    ))
    triage = triage_entries(fetch)
    assert list(triage.fresh) == ["https://news.example/a", "https://news.example/b"]
    assert triage.fresh["https://news.example/a"].title == "A story"  # the first of the two
    assert [(i.stage, i.status) for i in triage.issues] == [
        ("entry", "skipped: no link"), ("entry", "skipped: unusable link"), ("entry", "no date"),
    ]
    assert triage.issues[0].subject == "http://feeds.example/rss :: No link"


def test_a_failed_or_warned_feed_reports_itself_once():
    source = FeedSource("Harbour Post", "http://feeds.example/rss")
    failed = FeedFetch(source, "failed", 404, error="http 404", failure="http")
    warned = FeedFetch(source, "fetched", 200, warning="undefined entity")
    assert fetch_issues(failed) == (InputIssue("feed", source.url, "failed", "http 404"),)
    assert fetch_issues(warned) == (InputIssue("feed", source.url, "parsed with warning", "undefined entity"),)
    assert fetch_issues(FeedFetch(source, "not_modified", 304)) == ()
