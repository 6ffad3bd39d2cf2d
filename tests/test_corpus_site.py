"""The corpus server behind the demo, the integration tests and the benchmark.

Checks that a corpus folder becomes parseable RSS/Atom feeds and extractable article pages over
loopback, that conditional GET and the ``only_before`` cut work, and that the bundled demo
corpus is internally consistent (every gold quote is verbatim in its article).
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Iterator
from datetime import datetime, timezone
from importlib.resources import files
from pathlib import Path

import feedparser
import httpx
import pytest
from lxml import html as lxml_html

from factcheck.flows.demo.site import Corpus, CorpusError, CorpusSite, feeds_toml, load_corpus


@pytest.fixture(scope="module")
def corpus() -> Corpus:
    return load_corpus(files("factcheck.flows.demo") / "corpus")


@pytest.fixture()
def site(corpus: Corpus) -> Iterator[CorpusSite]:
    with CorpusSite(corpus) as running:
        yield running


def _write_article(root: Path, **overrides: object) -> dict[str, object]:
    art: dict[str, object] = {
        "id": "ev01-alpha", "event": "ev01", "outlet": "Alpha & Omega <Daily>", "outlet_slug": "alpha",
        "url_path": "/news/a", "title": 'Council <script>alert("x")</script> & more', "author": "A. Writer",
        "published": "2027-01-05T10:00:00+00:00", "summary": "Short & sweet.",
        "paragraphs": ["First <b>paragraph</b> & text.", "Second paragraph."],
    }
    art.update(overrides)
    (root / "articles").mkdir(parents=True, exist_ok=True)
    (root / "articles" / f"{art['id']}.json").write_text(json.dumps(art), encoding="utf-8")
    return art


# --- the bundled demo corpus ------------------------------------------------------------------


def test_demo_corpus_shape(corpus: Corpus) -> None:
    assert len(corpus.outlets) == 3
    assert 9 <= len(corpus.articles) <= 11
    sizes = sorted(len(arts) for arts in corpus.events.values())
    assert sizes[0] == 1 and sum(1 for n in sizes if n >= 2) == 3  # one distractor, three multi-outlet events
    labels = {p.label for p in corpus.gold}
    assert labels == {"contradiction", "compatible"}
    assert all(a.published.tzinfo is not None for a in corpus.articles)


def test_demo_gold_quotes_are_exact_substrings_of_one_paragraph(corpus: Corpus) -> None:
    for pair in corpus.gold:
        for side in (pair.a, pair.b):
            article = corpus.article(side.article)
            assert article.event == pair.event, pair.id
            hits = [p for p in article.paragraphs if side.quote in p]
            assert len(hits) == 1, f"{pair.id}: quote not found exactly once in {side.article}: {side.quote!r}"


# --- feeds ------------------------------------------------------------------------------------


def test_feeds_parse_as_rss_and_atom(site: CorpusSite, corpus: Corpus) -> None:
    versions = set()
    for slug, name in corpus.outlets.items():
        response = httpx.get(site.feed_url(slug))
        assert response.status_code == 200
        parsed = feedparser.parse(response.content)
        assert not parsed.bozo, parsed.get("bozo_exception")
        versions.add(parsed.version)
        assert parsed.feed.title == name
        articles = {site.article_url(a): a for a in corpus.by_outlet(slug)}
        assert {e.link for e in parsed.entries} == set(articles)
        for entry in parsed.entries:
            art = articles[entry.link]
            assert entry.title == art.title
            assert entry.summary == art.summary
            assert entry.author == art.author
            assert entry.id
            published = datetime(*entry.published_parsed[:6], tzinfo=timezone.utc)
            assert published == art.published
    assert versions == {"rss20", "atom10"}


def test_conditional_get_answers_304(site: CorpusSite, corpus: Corpus) -> None:
    url = site.feed_url(next(iter(corpus.outlets)))
    first = httpx.get(url)
    etag, last_modified = first.headers["ETag"], first.headers["Last-Modified"]
    again = httpx.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    assert httpx.get(url, headers={"If-Modified-Since": last_modified}).status_code == 304
    assert httpx.get(url, headers={"If-None-Match": '"other"'}).status_code == 200


def test_only_before_hides_later_items(site: CorpusSite, corpus: Corpus) -> None:
    slug = next(iter(corpus.outlets))
    articles = corpus.by_outlet(slug)
    url = site.feed_url(slug)
    first_night = httpx.get(url)
    site.only_before = articles[0].published
    parsed = feedparser.parse(httpx.get(url).content)
    assert [e.link for e in parsed.entries] == [site.article_url(articles[0])]
    # the feed changed, so yesterday's validators no longer match
    assert httpx.get(url, headers={"If-None-Match": first_night.headers["ETag"]}).status_code == 200
    site.only_before = datetime(2000, 1, 1, tzinfo=timezone.utc)
    assert feedparser.parse(httpx.get(url).content).entries == []
    # pages stay reachable, as on a real site
    assert httpx.get(site.article_url(articles[-1])).status_code == 200
    site.only_before = None
    assert len(feedparser.parse(httpx.get(url).content).entries) == len(articles)


def test_feeds_toml_lists_every_outlet(site: CorpusSite, corpus: Corpus) -> None:
    feeds = tomllib.loads(feeds_toml(site))["feeds"]
    assert {f["outlet"] for f in feeds} == set(corpus.outlets.values())
    assert all(f["url"].startswith(site.base_url + "/feeds/") for f in feeds)


# --- pages ------------------------------------------------------------------------------------


def test_article_page_is_html_with_paragraphs(site: CorpusSite, corpus: Corpus) -> None:
    article = corpus.articles[0]
    response = httpx.get(site.article_url(article))
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    tree = lxml_html.fromstring(response.content)
    assert tree.get("lang") == "en"
    assert tree.xpath("//article/h1")[0].text_content() == article.title
    assert tree.xpath('//meta[@name="author"]/@content') == [article.author]
    assert tree.xpath('//meta[@property="article:published_time"]/@content')
    body = [p.text_content() for p in tree.xpath("//article/p[not(@class)]")]
    assert body == list(article.paragraphs)
    assert httpx.get(site.base_url + "/no/such/page").status_code == 404


def test_page_extracts_with_trafilatura(site: CorpusSite, corpus: Corpus) -> None:
    trafilatura = pytest.importorskip("trafilatura")
    article = corpus.articles[0]
    text = trafilatura.extract(httpx.get(site.article_url(article)).text) or ""
    assert article.paragraphs[1] in text and article.paragraphs[-1] in text
    assert "cookies" not in text


def test_everything_is_html_escaped(tmp_path: Path) -> None:
    _write_article(tmp_path)
    with CorpusSite(load_corpus(tmp_path)) as site:
        page = httpx.get(site.base_url + "/news/a").text
        feed = httpx.get(site.feed_url("alpha")).content
    assert "<script>" not in page and "<b>" not in page
    assert "&lt;script&gt;" in page and "&amp; text." in page
    assert feedparser.parse(feed).entries[0].title == 'Council <script>alert("x")</script> & more'


# --- malformed folders ------------------------------------------------------------------------


def test_missing_articles_folder_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(CorpusError, match="no 'articles/' directory"):
        load_corpus(tmp_path)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"title": None}, "field 'title'"),
        ({"published": "2027-01-05 10:00"}, "not ISO 8601 with an offset"),
        ({"url_path": "news/a"}, "url_path must start with '/'"),
        ({"paragraphs": []}, "paragraphs"),
    ],
)
def test_malformed_article_names_file_and_field(tmp_path: Path, overrides: dict[str, object], message: str) -> None:
    _write_article(tmp_path, **overrides)
    with pytest.raises(CorpusError, match=message) as excinfo:
        load_corpus(tmp_path)
    assert "ev01-alpha.json" in str(excinfo.value)


def test_invalid_json_and_bad_gold_are_clear_errors(tmp_path: Path) -> None:
    _write_article(tmp_path)
    (tmp_path / "gold.jsonl").write_text(json.dumps({
        "id": "g001", "event": "ev01", "label": "contradiction", "type": "numeric", "why": "x",
        "a": {"article": "ev01-alpha", "quote": "Second paragraph."},
        "b": {"article": "ev01-missing", "quote": "whatever"},
    }) + "\n", encoding="utf-8")
    with pytest.raises(CorpusError, match=r"gold.jsonl:1: 'b' names unknown article 'ev01-missing'"):
        load_corpus(tmp_path)
    (tmp_path / "articles" / "broken.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(CorpusError, match=r"broken.json: invalid JSON"):
        load_corpus(tmp_path)
