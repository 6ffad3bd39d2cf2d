"""Page fetching, body extraction with fallbacks, canonical URLs and content hashes."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest
from loopback import Route, closed_port_url

from factcheck.tasks import articles
from factcheck.tasks.articles import extract
from factcheck.tasks.articles import (
    canonical_url,
    content_hash,
    decode_html,
    extract_article,
    fetch_page,
    page_issues,
)
from factcheck.tasks.models import Article, FeedEntry, InputIssue, PageFetch

MAX = 1_000_000
HTML_CT = {"Content-Type": "text/html; charset=utf-8"}

PARAGRAPHS = [
    "The Vestre harbour bridge in Norvik was closed to all traffic on Thursday after "
    "inspectors found cracks in two of its steel support beams, the city's transport office said.",
    "About 14,000 vehicles cross the bridge each day. Officials said the closure would last at "
    "least three weeks while engineers assess the damage, and extra ferries would run every "
    "twenty minutes in the meantime.",
    '"We are not taking any chances with public safety," said deputy mayor Tomas Reinholt, who '
    "added that the cracks had been spotted during a routine inspection on Wednesday evening.",
    "The bridge, which opened in 1987, underwent a renovation costing 42 million crowns in 2019. "
    "Local business owners warned that a long closure would hurt shops on the eastern side.",
]
BOILERPLATE = [
    "We use cookies to improve your experience",
    "Ferry fares to rise in spring",
    "Council revives tunnel plan",
    "Copyright 2024 The Coastal Ledger",
    "Subscribe to our newsletter",
    "Weather",
]


def article_page(paragraphs=PARAGRAPHS, *, charset="utf-8", lang="en") -> str:
    body = "\n".join(f"<p>{p}</p>" for p in paragraphs)
    return f"""<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="{charset}">
<title>Harbour bridge in Norvik closes after cracks found | The Coastal Ledger</title>
<meta name="author" content="Ingrid Solberg">
<meta property="article:published_time" content="2024-03-14T08:30:00Z">
</head>
<body>
<div id="cookie-banner" class="cookie-consent"><p>We use cookies to improve your experience.
 <a href="/privacy">Manage preferences</a> or <button>Accept all cookies</button></p></div>
<header><nav><ul>
<li><a href="/">Home</a></li><li><a href="/world">World</a></li>
<li><a href="/sport">Sport</a></li><li><a href="/weather">Weather</a></li>
</ul></nav></header>
<main>
<article>
<h1>Harbour bridge in Norvik closes after cracks found</h1>
<p class="byline">By Ingrid Solberg</p>
{body}
</article>
<aside class="related"><h3>Related stories</h3><ul>
<li><a href="/news/ferry-fares">Ferry fares to rise in spring</a></li>
<li><a href="/news/tunnel-plan">Council revives tunnel plan</a></li>
</ul></aside>
</main>
<footer><p>Copyright 2024 The Coastal Ledger. All rights reserved.</p>
<p><a href="/newsletter">Subscribe to our newsletter</a> for daily updates.</p></footer>
</body></html>"""


def entry(link="https://ledger.example/news/bridge", **fields) -> FeedEntry:
    return FeedEntry(outlet="Ledger", feed_url="https://ledger.example/rss", link=link, **fields)


FEED_SUMMARY = "Inspectors found cracks in two beams of the Vestre bridge."
FEED_CONTENT = " ".join(PARAGRAPHS[:2])


# --- extraction from real pages ---------------------------------------------------------------


def test_article_paragraphs_extracted_without_boilerplate(loopback, http_client):
    loopback.routes["/news/bridge"] = Route(body=article_page().encode(), headers=HTML_CT)
    page = fetch_page(http_client, loopback.url("/news/bridge?utm_source=rss&fbclid=x"),
                      max_bytes=MAX)
    assert (page.http_status, page.error, page.content_type) == (200, None, HTML_CT["Content-Type"])
    article = extract_article(page, entry(summary=FEED_SUMMARY))
    assert (article.status, article.body_source, article.error) == ("ok", "page", None)
    assert article.text.split("\n") == PARAGRAPHS
    for junk in BOILERPLATE:
        assert junk not in article.text
    assert article.url == loopback.url("/news/bridge")
    assert article.title == "Harbour bridge in Norvik closes after cracks found"
    assert article.author == "Ingrid Solberg"
    assert article.published_at == datetime(2024, 3, 14, tzinfo=UTC)  # page date, day only
    assert article.language == "en"
    assert article.content_hash == content_hash("\n".join(PARAGRAPHS))


def test_feed_metadata_wins_over_page_metadata(loopback, http_client):
    loopback.routes["/a"] = Route(body=article_page().encode(), headers=HTML_CT)
    published = datetime(2024, 3, 14, 7, 5, tzinfo=UTC)
    article = extract_article(
        fetch_page(http_client, loopback.url("/a"), max_bytes=MAX),
        entry(title="Bridge shut", author="Desk", published_at=published))
    assert (article.title, article.author, article.published_at) == (
        "Bridge shut", "Desk", published)


def test_final_url_after_redirect_is_the_article_url(loopback, http_client):
    loopback.routes["/r/123"] = Route.redirect("/news/bridge?ref=rss#top")
    loopback.routes["/news/bridge"] = Route(body=article_page().encode(), headers=HTML_CT)
    page = fetch_page(http_client, loopback.url("/r/123"), max_bytes=MAX)
    assert page.url == loopback.url("/r/123")
    assert extract_article(page, entry()).url == loopback.url("/news/bridge")


def test_windows_1252_page_with_meta_charset_decodes(loopback, http_client):
    text = ["Caf\u00e9 owner Ren\u00e9 M\u00fcller said the closure was \u201cnot a surprise\u201d "
            "\u2013 and that trade had already fallen by a third since the winter. " * 2] + PARAGRAPHS
    body = article_page(text, charset="windows-1252").encode("cp1252")
    loopback.routes["/cp"] = Route(body=body, headers={"Content-Type": "text/html"})
    article = extract_article(fetch_page(http_client, loopback.url("/cp"), max_bytes=MAX), entry())
    assert article.status == "ok"
    assert "Caf\u00e9 owner Ren\u00e9 M\u00fcller said the closure was \u201cnot a surprise\u201d \u2013" \
        in article.text


def test_invalid_utf8_byte_does_not_garble_the_page(loopback, http_client):
    german = ["Die Br\u00fccke \u00fcber den Hafen wurde am Donnerstag gesperrt, sagte "
              "B\u00fcrgermeisterin J\u00f6rg M\u00fcller. Rund 14.000 Fahrzeuge \u00fcberqueren "
              "sie t\u00e4glich; die Stadt pr\u00fcft nun Sch\u00e4den an zwei Tr\u00e4gern."] * 3
    body = article_page(german, lang="de").encode().replace(b"Donnerstag", b"Donnerstag \xff", 1)
    loopback.routes["/de"] = Route(body=body, headers={"Content-Type": "text/html"})
    article = extract_article(fetch_page(http_client, loopback.url("/de"), max_bytes=MAX), entry())
    assert article.status == "ok: invalid bytes replaced" and article.language == "de"
    assert "Die Br\u00fccke \u00fcber den Hafen" in article.text
    assert "\u00c3" not in article.text  # no mojibake such as "BrÃ¼cke"


# --- fallbacks --------------------------------------------------------------------------------


def test_pdf_link_falls_back_to_summary(loopback, http_client):
    loopback.routes["/report.pdf"] = Route(body=b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj",
                                           headers={"Content-Type": "application/pdf"})
    page = fetch_page(http_client, loopback.url("/report.pdf"), max_bytes=MAX)
    article = extract_article(page, entry(summary=FEED_SUMMARY))
    assert (article.text, article.body_source) == (FEED_SUMMARY, "feed_summary")
    assert article.status == "fallback: not html (application/pdf)"


def test_404_page_falls_back_to_feed_content(loopback, http_client):
    loopback.routes["/missing"] = Route(status=404, body=b"<html><body>Not found</body></html>",
                                        headers=HTML_CT)
    page = fetch_page(http_client, loopback.url("/missing"), max_bytes=MAX)
    assert (page.http_status, page.error, page.body) == (404, "http 404", None)
    article = extract_article(page, entry(summary=FEED_SUMMARY, content=FEED_CONTENT))
    assert (article.body_source, article.status, article.error) == (
        "feed_content", "fallback: http 404", "http 404")
    assert article.text == FEED_CONTENT


def test_unreachable_page_falls_back_with_readable_reason(http_client):
    url = closed_port_url("/news/x?utm_source=rss")
    page = fetch_page(http_client, url, max_bytes=MAX)
    assert (page.final_url, page.http_status, page.error) == (None, None, "connection refused")
    article = extract_article(page, entry(summary=FEED_SUMMARY))
    assert article.status == "fallback: connection refused"
    assert article.url == url.split("?")[0]


@pytest.mark.parametrize(("url", "error"), [
    ("mailto:desk@ledger.example", "refused scheme 'mailto': only http and https"),
    ("http://[::1", "invalid URL: Invalid port: ':1'"),
    ("", "invalid URL: no scheme"),
])
def test_bad_links_give_page_errors_not_exceptions(http_client, url, error):
    page = fetch_page(http_client, url, max_bytes=MAX)
    assert (page.http_status, page.body, page.error) == (None, None, error)


def test_page_without_extractable_text_falls_back(loopback, http_client):
    shell = (b"<!DOCTYPE html><html><head><title>Loading</title>"
             b"<script>window.app.render()</script></head><body><div id='app'></div>"
             b"<nav><a href='/'>Home</a></nav></body></html>")
    loopback.routes["/spa"] = Route(body=shell, headers=HTML_CT)
    article = extract_article(fetch_page(http_client, loopback.url("/spa"), max_bytes=MAX),
                              entry(summary=FEED_SUMMARY))
    assert (article.body_source, article.text) == ("feed_summary", FEED_SUMMARY)
    assert article.status == "fallback: no text extracted"


def test_short_page_text_loses_to_longer_feed_content(loopback, http_client):
    loopback.routes["/teaser"] = Route(body=article_page([PARAGRAPHS[0][:120]]).encode(),
                                       headers=HTML_CT)
    article = extract_article(fetch_page(http_client, loopback.url("/teaser"), max_bytes=MAX),
                              entry(content=FEED_CONTENT))
    assert article.body_source == "feed_content"
    assert article.status.startswith("fallback: extracted text too short")


def test_short_page_text_kept_when_feed_has_less():
    page = PageFetch("https://t.example/a", "https://t.example/a", 200, "text/html",
                     article_page([PARAGRAPHS[0][:150]]).encode())
    article = extract_article(page, entry(summary="Bridge shut."))
    assert (article.status, article.body_source) == ("ok", "page")


def test_headline_only_page_without_feed_text_fails():
    page = PageFetch("https://t.example/a", "https://t.example/a", 200, "text/html",
                     article_page([]).encode())
    article = extract_article(page, entry())
    assert (article.text, article.status) == ("", "failed: no text extracted")


def test_nothing_at_all_gives_failed_article():
    page = PageFetch("https://t.example/a", None, None, None, None, error="timed out after 20s")
    article = extract_article(page, entry(title="Headline only"))
    assert (article.text, article.status, article.error) == (
        "", "failed: timed out after 20s", "timed out after 20s")


def test_slow_extraction_is_abandoned_after_time_limit(monkeypatch):
    def stuck(html, url):
        time.sleep(1.0)
        return articles.ExtractedPage(text="too late " * 50)

    monkeypatch.setattr(extract, "run_trafilatura", stuck)
    page = PageFetch("https://t.example/a", "https://t.example/a", 200, "text/html",
                     article_page().encode())
    started = time.monotonic()
    article = extract_article(page, entry(summary=FEED_SUMMARY), time_limit_s=0.1)
    assert time.monotonic() - started < 0.5
    assert article.status == "fallback: extraction timed out after 0.1s"
    assert article.text == FEED_SUMMARY


def test_extractor_crash_falls_back(monkeypatch):
    def broken(html, url):
        raise RuntimeError("parser exploded")

    monkeypatch.setattr(extract, "run_trafilatura", broken)
    page = PageFetch("https://t.example/a", "https://t.example/a", 200, "text/html", b"<html/>")
    article = extract_article(page, entry(summary=FEED_SUMMARY))
    assert article.status == "fallback: extraction error: RuntimeError: parser exploded"


def test_missing_content_type_is_sniffed():
    page = PageFetch("https://t.example/a", "https://t.example/a", 200, None,
                     article_page().encode())
    assert extract_article(page, entry()).status == "ok"
    binary = PageFetch("https://t.example/b", "https://t.example/b", 200, None, b"\x89PNG\r\n")
    assert extract_article(binary, entry(summary="s")).status == (
        "fallback: not html (no content type)")


# --- decoding ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("body", "content_type", "expected"), [
    ("<meta charset='windows-1252'><p>\u201ccaf\u00e9\u201d</p>".encode("cp1252"), None,
     "<p>\u201ccaf\u00e9\u201d</p>"),
    ('<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1"><p>\u201cx\u201d</p>'
     .encode("cp1252"), None, "<p>\u201cx\u201d</p>"),  # latin-1 label means windows-1252
    ("<p>caf\u00e9</p>".encode("cp1252"), "text/html; charset=windows-1252", "<p>caf\u00e9</p>"),
    ("<meta charset=iso-8859-1><p>caf\u00e9</p>".encode(), None, "<p>caf\u00e9</p>"),  # mislabel
    (b"\xef\xbb\xbf<p>caf\xc3\xa9</p>", "text/html; charset=windows-1252", "<p>caf\u00e9</p>"),
    ("<p>caf\u00e9</p>".encode(), None, "<p>caf\u00e9</p>"),
    (b"<meta charset=utf-8><p>a\xffb</p>", None, "<p>a\ufffdb</p>"),
    (b"<meta charset=no-such-codec><p>ok</p>", "text/html; charset=bogus", "<p>ok</p>"),
])
def test_decode_html(body, content_type, expected):
    assert decode_html(body, content_type).endswith(expected)


# --- canonical URLs and hashes ----------------------------------------------------------------


@pytest.mark.parametrize(("url", "expected"), [
    ("HTTPS://News.Example.COM/World/Story", "https://news.example.com/World/Story"),
    ("https://news.example.com:443/a", "https://news.example.com/a"),
    ("http://news.example.com:80/a", "http://news.example.com/a"),
    ("http://news.example.com:8080/a", "http://news.example.com:8080/a"),
    ("https://news.example.com/a#comments", "https://news.example.com/a"),
    ("https://news.example.com", "https://news.example.com/"),
    ("https://news.example.com/a?utm_source=rss&utm_medium=feed&UTM_Campaign=x",
     "https://news.example.com/a"),
    ("https://news.example.com/a?id=7&fbclid=AbC&gclid=1&mc_cid=2&mc_eid=3&ref=hp&cmpid=4"
     "&ocid=5&at_medium=rss&at_campaign=z&CMP=share", "https://news.example.com/a?id=7"),
    ("https://news.example.com/a?z=1&b=2&a=3", "https://news.example.com/a?a=3&b=2&z=1"),
    ("https://news.example.com/a?gallery=2&after=5&page=3",
     "https://news.example.com/a?after=5&gallery=2&page=3"),
    ("https://news.example.com/search?q=bridge%20closure&flag",
     "https://news.example.com/search?flag&q=bridge%20closure"),
    ("  https://user:pw@News.example.com./a  ", "https://news.example.com/a"),
    ("not a url", "not a url"),
])
def test_canonical_url(url, expected):
    assert canonical_url(url) == expected


def test_content_hash_ignores_case_and_whitespace():
    a = "Bridge closes.\nAbout 14,000 vehicles  use it."
    b = "  bridge CLOSES. about 14,000\tvehicles use it.\n"
    assert content_hash(a) == content_hash(b)
    assert content_hash(a) != content_hash("Bridge closes. About 15,000 vehicles use it.")


def _stored(text: str, *, language: str | None = "en", status: str = "ok", error: str | None = None) -> Article:
    return Article("https://t.example/a", "T", "https://t.example/feed", "A headline", None, None, language, text,
                   content_hash(text), "page" if status == "ok" else "feed", status, error)


def test_a_page_without_text_is_one_issue_naming_the_page():
    article = _stored("", status="failed: timed out after 20s", error="timed out after 20s")
    assert page_issues(article, "https://t.example/a?utm=x", ["en"]) == [
        InputIssue("page", "https://t.example/a?utm=x", "failed: timed out after 20s", "timed out after 20s")]


def test_a_stored_article_with_its_own_body_in_an_analysed_language_has_no_issue():
    assert page_issues(_stored("Water rose.", language="en-GB"), "https://t.example/a", ["en"]) == []
    assert page_issues(_stored("Water rose.", language=None), "https://t.example/a", ["en"]) == []


def test_a_feed_body_in_another_language_gives_both_issues():
    article = _stored("Das Wasser stieg.", language="de", status="fallback: http 404", error="http 404")
    assert page_issues(article, "https://t.example/a", ["en", "fr"]) == [
        InputIssue("article", "https://t.example/a", "stored, not analysed: language de",
                   "claims are extracted for: en, fr"),
        InputIssue("page", "https://t.example/a", "fallback: http 404", "http 404"),
    ]
