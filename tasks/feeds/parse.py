"""Feed bytes to `FeedEntry`s: pure, so it is tested without a server.

feedparser reads the document; links are joined with the feed's final URL here (feedparser with
a base URL also turns plain guids into made-up URLs), and summaries become plain text."""

from __future__ import annotations

import calendar
import io
import re
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin, urlsplit
from xml.sax import SAXParseException

import feedparser
import httpx
from lxml import etree
from lxml import html as lxml_html

from factcheck.tasks.articles.urls import canonical_url
from factcheck.tasks.models import FeedEntry
from factcheck.tasks.text_safety import strip_controls


class NotAFeed(ValueError):
    """The bytes are not an RSS/Atom/RDF document (e.g. an HTML page or an error page)."""


def parse_feed(
    content: bytes, *, base_url: str, outlet: str, feed_url: str
) -> tuple[list[FeedEntry], str | None]:
    """Parse feed bytes into entries plus feedparser's bozo warning, if any.

    Raises `NotAFeed` when nothing feed-like came out. Malformed feeds that still yielded
    entries are accepted (many real feeds have a stray `&`), with the problem as warning.

    Relative links are resolved here against `base_url` (the final URL after redirects)
    rather than by giving feedparser a Content-Location: feedparser would then also
    "resolve" plain guids such as `12345` into made-up URLs. feedparser still applies
    `xml:base` itself. Entries are de-duplicated by canonical link, first one wins.

    Control characters are dropped from the entries' text (a feed with one stray NUL would
    otherwise be refused by PostgreSQL on every run). Links are kept as the feed wrote them:
    `link_problem` says whether one can be used.
    """
    # BytesIO: feedparser treats a str/bytes that looks like a URL or path as one to open.
    parsed = feedparser.parse(io.BytesIO(content))
    raw_entries = parsed.get("entries") or []
    bozo_exc = parsed.get("bozo_exception") if parsed.get("bozo") else None
    if not raw_entries and (bozo_exc is not None or not parsed.get("version")):
        if bozo_exc is not None:
            raise NotAFeed(_describe(bozo_exc))
        raise NotAFeed("empty response" if not content.strip() else "no RSS or Atom root element")

    entries: list[FeedEntry] = []
    seen: set[str] = set()
    for raw in raw_entries:
        entry = _entry(raw, base_url=base_url, outlet=outlet, feed_url=feed_url)
        if entry.link is not None:
            key = canonical_url(entry.link)
            if key in seen:
                continue
            seen.add(key)
        entries.append(entry)
    return entries, (_describe(bozo_exc) if bozo_exc is not None else None)


def _describe(exc: BaseException) -> str:
    if isinstance(exc, SAXParseException):  # str() starts with "<unknown>:1:101:"
        return (f"xml error: {exc.getMessage()} at line {exc.getLineNumber()}, "
                f"column {exc.getColumnNumber()}")
    message = str(exc).strip()
    return f"{type(exc).__name__}: {message}" if message else type(exc).__name__


def _entry(raw: Any, *, base_url: str, outlet: str, feed_url: str) -> FeedEntry:
    contents = raw.get("content") or []
    content = "\n".join(t for t in (_detail_text(c) for c in contents) if t) or None
    return FeedEntry(
        outlet=outlet,
        feed_url=feed_url,
        link=_link(raw, base_url),
        title=_field_text(raw, "title"),
        summary=_field_text(raw, "summary"),
        content=content,
        author=_tidy_lines(raw.get("author") or "") or None,
        published_at=_utc(raw.get("published_parsed") or raw.get("updated_parsed")),
        entry_id=_tidy_lines(raw.get("id") or "") or None,
    )


def _link(raw: Any, base_url: str) -> str | None:
    """Absolute http(s) link of an entry, or None.

    RSS `<guid>` without isPermaLink="false" is copied into `link` by feedparser; a guid
    like `12345` is not a URL, so it only counts when it is already absolute. feedparser leaves
    `guidislink` set when a real `<link>` follows the guid, so a link that differs from the
    guid is the feed's own and is resolved like any other. Tabs and line breaks inside a link are
    dropped, as browsers do; other control characters, and a link too broken to resolve, are
    kept as written for `link_problem` to refuse: one bad entry must not fail its whole feed.
    """
    link = _TABS_AND_BREAKS.sub("", (raw.get("link") or "").strip())
    if not link:
        return None
    guid = _TABS_AND_BREAKS.sub("", (raw.get("id") or "").strip())
    try:
        if raw.get("guidislink") and link == guid and urlsplit(link).scheme not in ("http", "https"):
            return None  # the guid copied into `link`, not a <link> of the feed
        absolute = urljoin(base_url, link)
        return absolute if urlsplit(absolute).scheme in ("http", "https") else None
    except ValueError:  # e.g. "http://[::1/": an unclosed IPv6 bracket
        return link


_TABS_AND_BREAKS = re.compile(r"[\t\n\r]")


def link_problem(link: str) -> str | None:
    """Why an entry's link can be neither fetched nor stored, or None when it can.

    A control character makes the URL invalid for httpx, and a NUL makes PostgreSQL refuse every
    row it is in; such an entry is skipped (and reported) so that the rest of its feed is stored."""
    if strip_controls(link, keep="") != link:
        return "control character in link"
    try:
        host = httpx.URL(link).host
    except (httpx.InvalidURL, ValueError) as exc:  # idna's errors are ValueErrors
        return f"invalid URL: {strip_controls(str(exc), keep='')}"
    return None if host else "no host in link"


def _field_text(raw: Any, name: str) -> str | None:
    detail = raw.get(f"{name}_detail")
    if detail is not None:
        return _detail_text(detail) or None
    return html_to_text(raw.get(name)) or None


def _detail_text(detail: Any) -> str:
    value = detail.get("value") or ""
    if detail.get("type") == "text/plain":
        return _tidy_lines(value)
    return html_to_text(value)


def _utc(parsed_time: Any) -> datetime | None:
    """feedparser's `*_parsed` are UTC struct_times; make them aware datetimes."""
    if not parsed_time:
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(parsed_time), tz=UTC)
    except (OverflowError, ValueError, TypeError):
        return None


# --- HTML to text ----------------------------------------------------------------------------

_BLOCK_TAGS = frozenset(
    "address article aside blockquote br dd div dl dt figcaption figure footer h1 h2 h3 h4 h5 "
    "h6 header hr li main nav ol p pre section table td th tr ul".split()
)
_SPACES = re.compile(r"[^\S\n]+")


def html_to_text(markup: str | None) -> str:
    """Visible text of an HTML fragment, one line per block element (for claim splitting).

    Control characters go first: lxml refuses them, and the markup would be kept as text."""
    markup = strip_controls(markup or "")
    if not markup.strip():
        return ""
    if "<" not in markup and "&" not in markup:
        return _tidy_lines(markup)
    try:
        root = lxml_html.fragment_fromstring(markup, create_parent="div")
    except (etree.ParserError, ValueError):
        return _tidy_lines(markup)
    for element in root.xpath("//script | //style | //template"):
        element.drop_tree()
    for element in root.iter():
        if isinstance(element.tag, str) and element.tag.lower() in _BLOCK_TAGS:
            element.text = "\n" + (element.text or "")
            element.tail = "\n" + (element.tail or "")
    return _tidy_lines(root.text_content())


def _tidy_lines(text: str) -> str:
    """Trimmed non-empty lines, spaces collapsed, control characters dropped."""
    lines = (_SPACES.sub(" ", line).strip() for line in strip_controls(text).splitlines())
    return "\n".join(line for line in lines if line)
