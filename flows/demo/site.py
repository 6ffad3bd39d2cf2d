"""Serve a corpus folder as news feeds and article pages on a loopback port.

Why: the demo command, the integration tests and the quality benchmark must run the real
fetch → parse → extract path (HTTP, conditional GET, RSS and Atom, pages with page furniture
around the article) without the internet. One small server over any corpus folder in the
devset layout (``articles/<id>.json`` + ``gold.jsonl``) keeps those three identical.

Usage::

    corpus = load_corpus(path)
    with CorpusSite(corpus) as site:
        feeds = feeds_toml(site)          # [[feeds]] tables pointing at site.base_url
        site.only_before = some_datetime  # simulate an earlier night
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import datetime, timezone
from email.utils import format_datetime, parsedate_to_datetime
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

__all__ = [
    "Corpus",
    "CorpusArticle",
    "CorpusError",
    "CorpusSite",
    "GoldPair",
    "GoldQuote",
    "demo_corpus",
    "feeds_toml",
    "load_corpus",
]

LABELS = ("contradiction", "compatible")
_ARTICLE_FIELDS: dict[str, type] = {
    "id": str, "event": str, "outlet": str, "outlet_slug": str, "url_path": str,
    "title": str, "author": str, "published": str, "summary": str, "paragraphs": list,
}
_GOLD_FIELDS = ("id", "event", "label", "type", "a", "b", "why")


class CorpusError(ValueError):
    """A corpus folder that does not follow the layout; the message names the file and field."""


@dataclass(frozen=True)
class CorpusArticle:
    """One article file; ``published`` is timezone-aware UTC."""

    id: str
    event: str
    outlet: str
    outlet_slug: str
    url_path: str
    title: str
    author: str
    published: datetime
    summary: str
    paragraphs: tuple[str, ...]


@dataclass(frozen=True)
class GoldQuote:
    """One side of a gold pair: a sentence quoted verbatim from one paragraph of an article."""

    article: str
    quote: str


@dataclass(frozen=True)
class GoldPair:
    """One labelled statement pair of ``gold.jsonl``."""

    id: str
    event: str
    label: Literal["contradiction", "compatible"]
    type: str
    a: GoldQuote
    b: GoldQuote
    why: str


@dataclass(frozen=True)
class Corpus:
    """A loaded corpus folder: articles sorted by publication time, plus its gold pairs."""

    root: str
    articles: tuple[CorpusArticle, ...]
    gold: tuple[GoldPair, ...] = ()

    @property
    def outlets(self) -> dict[str, str]:
        """Outlet slug → display name, sorted by slug."""
        return {a.outlet_slug: a.outlet for a in sorted(self.articles, key=lambda a: a.outlet_slug)}

    @property
    def events(self) -> dict[str, tuple[CorpusArticle, ...]]:
        """Event id → its articles, the reference clustering for event grouping."""
        out: dict[str, list[CorpusArticle]] = {}
        for art in self.articles:
            out.setdefault(art.event, []).append(art)
        return {event: tuple(arts) for event, arts in sorted(out.items())}

    def article(self, article_id: str) -> CorpusArticle:
        """The article with this id (KeyError if unknown)."""
        for art in self.articles:
            if art.id == article_id:
                return art
        raise KeyError(article_id)

    def by_outlet(self, slug: str) -> tuple[CorpusArticle, ...]:
        """Articles of one outlet, oldest first."""
        return tuple(a for a in self.articles if a.outlet_slug == slug)


# --- loading ---------------------------------------------------------------------------------


def _parse_article(raw: object, where: str, stem: str) -> CorpusArticle:
    if not isinstance(raw, dict):
        raise CorpusError(f"{where}: top level must be a JSON object")
    for name, kind in _ARTICLE_FIELDS.items():
        if name not in raw:
            raise CorpusError(f"{where}: missing field '{name}'")
        if not isinstance(raw[name], kind) or (kind is str and not raw[name].strip()):
            raise CorpusError(f"{where}: field '{name}' must be a non-empty {kind.__name__}")
    if raw["id"] != stem:
        raise CorpusError(f"{where}: id '{raw['id']}' does not match the file name")
    if not raw["url_path"].startswith("/"):
        raise CorpusError(f"{where}: url_path must start with '/'")
    paragraphs = raw["paragraphs"]
    if not paragraphs or not all(isinstance(p, str) and p.strip() for p in paragraphs):
        raise CorpusError(f"{where}: paragraphs must be a non-empty list of non-empty strings")
    try:
        published = datetime.fromisoformat(raw["published"])
    except ValueError:
        published = None
    if published is None or published.tzinfo is None:
        raise CorpusError(f"{where}: published '{raw['published']}' is not ISO 8601 with an offset")
    fields = {name: raw[name] for name in _ARTICLE_FIELDS}
    fields.update(published=published.astimezone(timezone.utc), paragraphs=tuple(paragraphs))
    return CorpusArticle(**fields)


def _parse_gold(raw: object, where: str, article_ids: set[str]) -> GoldPair:
    if not isinstance(raw, dict) or any(f not in raw for f in _GOLD_FIELDS):
        raise CorpusError(f"{where}: gold line must be an object with fields {list(_GOLD_FIELDS)}")
    if raw["label"] not in LABELS:
        raise CorpusError(f"{where}: label '{raw['label']}' is not one of {LABELS}")
    sides: list[GoldQuote] = []
    for side in ("a", "b"):
        ref = raw[side]
        if not isinstance(ref, dict) or not isinstance(ref.get("article"), str) or not isinstance(ref.get("quote"), str):
            raise CorpusError(f"{where}: '{side}' must be an object with string 'article' and 'quote'")
        if ref["article"] not in article_ids:
            raise CorpusError(f"{where}: '{side}' names unknown article '{ref['article']}'")
        sides.append(GoldQuote(ref["article"], ref["quote"]))
    return GoldPair(str(raw["id"]), str(raw["event"]), raw["label"], str(raw["type"]), sides[0], sides[1], str(raw["why"]))


def load_corpus(path: str | os.PathLike[str] | Traversable) -> Corpus:
    """Load and check a corpus folder; raise CorpusError naming the offending file and field.

    ``gold.jsonl`` is optional (a corpus can be served without labels). Accepts a
    ``importlib.resources`` Traversable so the bundled demo works from any install.
    """
    root: Traversable = path if isinstance(path, Traversable) else Path(path)
    folder = root / "articles"
    if not folder.is_dir():
        raise CorpusError(f"{root}: not a corpus folder (no 'articles/' directory)")
    articles: list[CorpusArticle] = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".json"):
            continue
        where = f"{root}/articles/{entry.name}"
        try:
            raw = json.loads(entry.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise CorpusError(f"{where}: invalid JSON ({exc})") from exc
        articles.append(_parse_article(raw, where, entry.name.removesuffix(".json")))
    if not articles:
        raise CorpusError(f"{root}/articles: no article files (*.json)")
    seen_paths: dict[str, str] = {}
    for art in articles:
        if art.url_path in seen_paths:
            raise CorpusError(f"{root}: url_path {art.url_path} used by {seen_paths[art.url_path]} and {art.id}")
        seen_paths[art.url_path] = art.id
    gold: list[GoldPair] = []
    gold_file = root / "gold.jsonl"
    if gold_file.is_file():
        ids = {a.id for a in articles}
        for lineno, line in enumerate(gold_file.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            where = f"{root}/gold.jsonl:{lineno}"
            try:
                raw = json.loads(line)
            except json.JSONDecodeError as exc:
                raise CorpusError(f"{where}: invalid JSON ({exc})") from exc
            gold.append(_parse_gold(raw, where, ids))
    articles.sort(key=lambda a: (a.published, a.id))
    return Corpus(root=str(root), articles=tuple(articles), gold=tuple(gold))


def demo_corpus() -> Corpus:
    """The small fictional corpus bundled in ``factcheck.flows/demo/corpus``."""
    return load_corpus(files("factcheck.flows.demo") / "corpus")


# --- rendering -------------------------------------------------------------------------------


def _iso(stamp: datetime) -> str:
    return stamp.isoformat().replace("+00:00", "Z")


def _xml(root: ET.Element) -> bytes:
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    node = ET.SubElement(parent, tag, attrs)
    node.text = text
    return node


def _render_rss(name: str, base: str, self_url: str, items: list[CorpusArticle]) -> bytes:
    # Namespace prefixes are written literally so that ElementTree's global prefix map stays untouched.
    rss = ET.Element("rss", {"version": "2.0", "xmlns:dc": "http://purl.org/dc/elements/1.1/",
                             "xmlns:atom": "http://www.w3.org/2005/Atom"})
    channel = _sub(rss, "channel")
    _sub(channel, "title", name)
    _sub(channel, "link", base + "/")
    _sub(channel, "description", f"Latest stories from {name}")
    _sub(channel, "language", "en")
    _sub(channel, "atom:link", href=self_url, rel="self", type="application/rss+xml")
    if items:
        _sub(channel, "lastBuildDate", format_datetime(items[0].published, usegmt=True))
    for art in items:
        item = _sub(channel, "item")
        _sub(item, "title", art.title)
        _sub(item, "link", base + art.url_path)
        _sub(item, "description", art.summary)
        _sub(item, "pubDate", format_datetime(art.published, usegmt=True))
        _sub(item, "dc:creator", art.author)
        _sub(item, "guid", base + art.url_path, isPermaLink="true")
    return _xml(rss)


def _render_atom(name: str, base: str, self_url: str, items: list[CorpusArticle]) -> bytes:
    feed = ET.Element("feed", {"xmlns": "http://www.w3.org/2005/Atom", "xml:lang": "en"})
    _sub(feed, "id", self_url)
    _sub(feed, "title", name)
    _sub(feed, "updated", _iso(items[0].published) if items else "1970-01-01T00:00:00Z")
    _sub(feed, "link", href=self_url, rel="self", type="application/atom+xml")
    _sub(feed, "link", href=base + "/", rel="alternate", type="text/html")
    for art in items:
        entry = _sub(feed, "entry")
        _sub(entry, "id", f"tag:{urlsplit(base).hostname},2026:{art.id}")
        _sub(entry, "title", art.title)
        _sub(entry, "link", href=base + art.url_path, rel="alternate", type="text/html")
        _sub(entry, "published", _iso(art.published))
        _sub(entry, "updated", _iso(art.published))
        _sub(_sub(entry, "author"), "name", art.author)
        _sub(entry, "summary", art.summary, type="text")
    return _xml(feed)


_NAV = ("Home", "News", "World", "Business", "Sport", "Opinion", "Weather")


def _render_page(art: CorpusArticle, base: str, feed_url: str, related: list[CorpusArticle]) -> bytes:
    e = escape
    paragraphs = "\n".join(f"      <p>{e(p)}</p>" for p in art.paragraphs)
    nav = "".join(f'<li><a href="/">{e(item)}</a></li>' for item in _NAV)
    links = "".join(f'<li><a href="{e(r.url_path)}">{e(r.title)}</a></li>' for r in related)
    when = art.published.strftime("%d %B %Y, %H:%M UTC")
    page = f"""<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>{e(art.title)} | {e(art.outlet)}</title>
  <meta name="description" content="{e(art.summary)}">
  <meta name="author" content="{e(art.author)}">
  <meta property="og:type" content="article">
  <meta property="og:site_name" content="{e(art.outlet)}">
  <meta property="og:title" content="{e(art.title)}">
  <meta property="article:published_time" content="{e(_iso(art.published))}">
  <link rel="canonical" href="{e(base + art.url_path)}">
  <link rel="alternate" href="{e(feed_url)}" title="{e(art.outlet)}">
</head>
<body>
  <header class="site-header">
    <a class="logo" href="/">{e(art.outlet)}</a>
    <nav aria-label="Sections"><ul>{nav}</ul></nav>
  </header>
  <div class="cookie-banner" role="dialog" aria-label="Cookie consent">
    <p>We use cookies to measure our audience and to show you relevant adverts.
    <button type="button">Accept all</button> <button type="button">Manage settings</button></p>
  </div>
  <main>
    <article>
      <h1>{e(art.title)}</h1>
      <p class="byline">By <span class="author">{e(art.author)}</span>, {e(art.outlet)}</p>
      <time datetime="{e(_iso(art.published))}">{e(when)}</time>
{paragraphs}
    </article>
    <aside class="related">
      <h2>More from {e(art.outlet)}</h2>
      <ul>{links}</ul>
    </aside>
  </main>
  <footer>
    <p>&copy; {art.published.year} {e(art.outlet)}. All rights reserved.</p>
    <p><a href="/">Privacy policy</a> · <a href="/">Terms of use</a> · <a href="{e(feed_url)}">RSS</a></p>
  </footer>
</body>
</html>
"""
    return page.encode("utf-8")


# --- server ----------------------------------------------------------------------------------


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    site: CorpusSite


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
        """Quiet: tests and the demo print their own output."""

    def do_GET(self) -> None:
        self._respond(head=False)

    def do_HEAD(self) -> None:
        self._respond(head=True)

    def _respond(self, head: bool) -> None:
        site = self.server.site
        path = urlsplit(self.path).path
        headers: dict[str, str] = {}
        if path.startswith("/feeds/") and path.endswith(".xml"):
            rendered = site.render_feed(path.removeprefix("/feeds/").removesuffix(".xml"))
            if rendered is None:
                return self._send(404, b"unknown feed\n", "text/plain; charset=utf-8", {}, head)
            body, content_type, last_modified = rendered
            etag = '"' + hashlib.sha256(body).hexdigest()[:20] + '"'
            headers = {"ETag": etag, "Cache-Control": "max-age=0"}
            if last_modified is not None:
                headers["Last-Modified"] = format_datetime(last_modified, usegmt=True)
            if self._not_modified(etag, last_modified):
                return self._send(304, b"", None, headers, head=True)
            return self._send(200, body, content_type, headers, head)
        if path in site.pages:
            return self._send(200, site.render_page(site.pages[path]), "text/html; charset=utf-8", {}, head)
        if path in ("/", "/index.html"):
            return self._send(200, site.render_index(), "text/html; charset=utf-8", {}, head)
        return self._send(404, b"<!DOCTYPE html><title>Not found</title><h1>Not found</h1>\n", "text/html; charset=utf-8", {}, head)

    def _not_modified(self, etag: str, last_modified: datetime | None) -> bool:
        """RFC 9110: If-None-Match wins over If-Modified-Since."""
        if_none_match = self.headers.get("If-None-Match")
        if if_none_match is not None:
            tags = [t.strip().removeprefix("W/") for t in if_none_match.split(",")]
            return "*" in tags or etag in tags
        since = self.headers.get("If-Modified-Since")
        if since is None or last_modified is None:
            return False
        try:
            return last_modified <= parsedate_to_datetime(since)
        except (TypeError, ValueError):
            return False

    def _send(self, status: int, body: bytes, content_type: str | None, headers: dict[str, str], head: bool) -> None:
        self.send_response(status)
        if content_type:
            self.send_header("Content-Type", content_type)
        for name, value in headers.items():
            self.send_header(name, value)
        if status != 304:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if not head and status != 304:
            self.wfile.write(body)


class CorpusSite:
    """Loopback HTTP site for one corpus: ``/feeds/<slug>.xml`` plus each article at its url_path.

    Outlets alternate RSS 2.0 / Atom 1.0 in slug order, so both parsers paths get exercised.
    ``only_before`` (mutable, may change while serving) hides feed items published after it;
    pages stay reachable, as on a real site.
    """

    def __init__(self, corpus: Corpus | str | os.PathLike[str], host: str = "127.0.0.1", port: int = 0,
                 only_before: datetime | None = None) -> None:
        self.corpus = corpus if isinstance(corpus, Corpus) else load_corpus(corpus)
        self.host, self.port = host, port
        self.only_before = only_before
        self.pages = {a.url_path: a for a in self.corpus.articles}
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # lifecycle
    def start(self) -> CorpusSite:
        """Bind (port 0 = any free port) and serve from a daemon thread."""
        if self._server is None:
            server = _Server((self.host, self.port), _Handler)
            server.site = self
            self._server = server
            self._thread = threading.Thread(target=server.serve_forever, name="corpus-site", daemon=True)
            self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> CorpusSite:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # addresses
    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:<port>`` without a trailing slash; only while running."""
        if self._server is None:
            raise RuntimeError("CorpusSite is not running; call start() or use it as a context manager")
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def feed_url(self, slug: str) -> str:
        return f"{self.base_url}/feeds/{slug}.xml"

    def article_url(self, article: CorpusArticle) -> str:
        return self.base_url + article.url_path

    def feed_format(self, slug: str) -> Literal["rss", "atom"]:
        """RSS for the 1st, 3rd, ... outlet in slug order, Atom for the others."""
        return "rss" if list(self.corpus.outlets).index(slug) % 2 == 0 else "atom"

    def visible(self, slug: str) -> list[CorpusArticle]:
        """Feed items of one outlet, newest first, after the ``only_before`` cut."""
        cut = self.only_before
        if cut is not None and cut.tzinfo is None:
            cut = cut.replace(tzinfo=timezone.utc)
        items = [a for a in self.corpus.by_outlet(slug) if cut is None or a.published <= cut]
        return sorted(items, key=lambda a: a.published, reverse=True)

    # rendering (called from handler threads)
    def render_feed(self, slug: str) -> tuple[bytes, str, datetime | None] | None:
        """(body, content type, last modified) for a feed, or None for an unknown slug."""
        name = self.corpus.outlets.get(slug)
        if name is None:
            return None
        items = self.visible(slug)
        last_modified = items[0].published if items else None
        if self.feed_format(slug) == "rss":
            body = _render_rss(name, self.base_url, self.feed_url(slug), items)
            return body, "application/rss+xml; charset=utf-8", last_modified
        body = _render_atom(name, self.base_url, self.feed_url(slug), items)
        return body, "application/atom+xml; charset=utf-8", last_modified

    def render_page(self, article: CorpusArticle) -> bytes:
        related = [a for a in reversed(self.corpus.by_outlet(article.outlet_slug)) if a.id != article.id][:3]
        return _render_page(article, self.base_url, self.feed_url(article.outlet_slug), related)

    def render_index(self) -> bytes:
        links = "".join(f'<li><a href="/feeds/{escape(slug)}.xml">{escape(name)}</a></li>'
                        for slug, name in self.corpus.outlets.items())
        return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>Feeds</title></head>'
                f"<body><h1>Feeds</h1><ul>{links}</ul></body></html>\n").encode("utf-8")


def _toml_str(value: str) -> str:
    # JSON string escapes (\", \\, \n, \uXXXX) are valid TOML basic-string escapes.
    return json.dumps(value, ensure_ascii=False)


def feeds_toml(site: CorpusSite) -> str:
    """A feeds file (``[[feeds]]`` with ``outlet`` and ``url``) for every outlet the site serves."""
    lines = [f"# Feeds served by CorpusSite at {site.base_url} (corpus: {site.corpus.root})"]
    for slug, name in site.corpus.outlets.items():
        lines += ["", "[[feeds]]", f"outlet = {_toml_str(name)}", f"url = {_toml_str(site.feed_url(slug))}"]
    return "\n".join(lines) + "\n"
