"""Fetch an article page and extract its body, falling back to what the feed carried.

`fetch_page` never raises for network or HTTP problems (they go in `PageFetch.error`), and
`extract_article` always returns an `Article` whose `status` says where the text came from,
so one bad page never stops a flow run.

Extraction choices (trafilatura 2.3):
- `favor_precision=True`: every extracted line becomes claim candidates, so a stray
  "Sign up for our newsletter" or a related-stories teaser produces false contradictions;
  losing a marginal paragraph is cheaper. When precision leaves too little text, the feed's
  own content is used instead (see `MIN_PAGE_CHARS`).
- `include_comments=False`, `include_tables=False`: reader comments and table cells are
  not the outlet's sentences.
- Dates: htmldate with `extensive_search=False`, i.e. only structured markup (meta tags,
  `<time>`, URL), because the text search happily takes "in 2019" in a paragraph as the
  publication date. The feed's date wins anyway.
- Bytes are decoded here, not by trafilatura: trafilatura 2.3 ignores the declared charset
  (HTTP header, `<meta charset>`) and guesses with charset_normalizer whenever the bytes are
  not valid UTF-8, so a UTF-8 page with one stray byte comes out as mojibake throughout.
"""

from __future__ import annotations

import codecs
import hashlib
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TypeVar
from urllib.parse import unquote_plus, urlsplit, urlunsplit

import httpx

from factcheck.tasks.net import NO_RETRY, FetchError, RetryPolicy, get_bytes_retrying
from factcheck.tasks.models import Article, BodySource, FeedEntry, PageFetch

__all__ = [
    "ExtractedPage",
    "canonical_url",
    "content_hash",
    "decode_html",
    "extract_article",
    "fetch_page",
]

MIN_PAGE_CHARS = 200  # below this, a longer feed text is preferred over the page's
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
HTML_ACCEPT = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5"

# --- canonical URLs --------------------------------------------------------------------------

# Own code rather than courlan: courlan 1.4's tracker regex is unanchored, so it also drops
# legitimate parameters such as `gallery`, `after`, `refresh` or `page_source`, while keeping
# `ocid` and `cmpid`; and its strict mode drops every parameter it does not know (e.g. `id`).
_TRACKING_PARAMS = frozenset({
    "fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "twclid", "igshid",
    "mc_cid", "mc_eid", "ref", "ref_src", "ref_url", "referrer", "cmpid", "cmp", "ocid",
    "icid", "xtor", "_ga", "_gl", "smid", "smtyp", "mkt_tok", "s_cid", "s_kwcid", "spm",
    "ns_campaign", "ns_mchannel", "ns_source", "ns_linkname", "ns_fee", "__twitter_impression",
})
_TRACKING_PREFIXES = ("utm_", "at_", "pk_", "mtm_", "matomo_", "itm_", "hsa_", "oly_", "vero_")
_DEFAULT_PORTS = {"http": 80, "https": 443}


def _is_tracking(part: str) -> bool:
    name = unquote_plus(part.split("=", 1)[0]).strip().lower()
    return name in _TRACKING_PARAMS or name.startswith(_TRACKING_PREFIXES)


def canonical_url(url: str) -> str:
    """One spelling per article URL, used as the article's identity.

    Lower-cases scheme and host, drops userinfo, default ports, the fragment and tracking
    parameters, and sorts the remaining query parameters (kept exactly as written
    otherwise). Anything that does not parse as an absolute URL is returned stripped.
    """
    url = url.strip()
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return url
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").rstrip(".")
    if not scheme or not host:
        return url
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    netloc = host if port in (None, _DEFAULT_PORTS.get(scheme)) else f"{host}:{port}"
    query_parts = [p for p in parts.query.split("&") if p and not _is_tracking(p)]
    query = "&".join(sorted(query_parts, key=lambda p: (unquote_plus(p.split("=", 1)[0]), p)))
    return urlunsplit((scheme, netloc, parts.path or "/", query, ""))


# --- fetching --------------------------------------------------------------------------------


def fetch_page(client: httpx.Client, url: str, *, max_bytes: int, retry: RetryPolicy = NO_RETRY) -> PageFetch:
    """GET an article page (with `retry` for timeouts, 429 and 5xx). Problems are reported in
    `error`, never raised."""
    try:
        response = get_bytes_retrying(client, url, headers={"Accept": HTML_ACCEPT}, max_bytes=max_bytes,
                                      policy=retry)
    except FetchError as exc:
        return PageFetch(url=url, final_url=None, http_status=None, content_type=None,
                         body=None, error=str(exc))
    ok = 200 <= response.status_code < 300
    return PageFetch(
        url=url,
        final_url=response.url,
        http_status=response.status_code,
        content_type=response.content_type,
        body=response.content if ok else None,
        error=None if ok else f"http {response.status_code}",
    )


# --- decoding --------------------------------------------------------------------------------

_META_CHARSET = re.compile(rb"""<meta[^>]+?charset\s*=\s*["']?\s*([a-zA-Z0-9_.:-]+)""", re.I)
_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
         (codecs.BOM_UTF16_BE, "utf-16-be"))
# WHATWG: these labels mean windows-1252 in browsers, and pages rely on it.
_LATIN1_LABELS = frozenset({"iso8859-1", "ascii", "cp1252"})


def _codec(label: str | bytes | None) -> str | None:
    if not label:
        return None
    if isinstance(label, bytes):
        label = label.decode("ascii", "ignore")
    try:
        name = codecs.lookup(label.strip().strip("\"'")).name
    except LookupError:
        return None
    if name in _LATIN1_LABELS:
        return "cp1252"
    if name.startswith("utf-16") or name.startswith("utf-32"):
        return "utf-8"  # a declared UTF-16 without BOM is a lie (WHATWG does the same)
    return name


def _charset_param(content_type: str | None) -> str | None:
    if not content_type:
        return None
    message = re.search(r"charset\s*=\s*[\"']?([^;\"'\s]+)", content_type, re.I)
    return message.group(1) if message else None


def _is_utf8(body: bytes) -> bool:
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def decode_html(body: bytes, content_type: str | None = None) -> str:
    """Decode page bytes the way a browser would, roughly.

    Order: byte-order mark, HTTP charset, `<meta charset>` in the first 4 KiB, then a guess
    (UTF-8 if valid, else charset_normalizer, else windows-1252). A single-byte Latin label
    on a body that is valid non-ASCII UTF-8 is treated as UTF-8: that mislabel is common,
    the reverse virtually never decodes as valid UTF-8. Invalid bytes become U+FFFD.
    """
    for bom, name in _BOMS:
        if body.startswith(bom):
            return body[len(bom):].decode(name, errors="replace")
    meta = _META_CHARSET.search(body[:4096])
    declared = _codec(_charset_param(content_type)) or _codec(meta.group(1) if meta else None)
    if declared == "cp1252" and not body.isascii() and _is_utf8(body):
        declared = "utf-8"
    if declared is None:
        if _is_utf8(body):
            declared = "utf-8"
        else:
            from charset_normalizer import from_bytes  # only for undeclared non-UTF-8 pages

            best = from_bytes(body[:65536]).best()
            declared = _codec(best.encoding) if best is not None else None
            declared = declared or "cp1252"
    return body.decode(declared, errors="replace")


# --- extraction ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExtractedPage:
    """What trafilatura found in a page."""

    text: str
    title: str | None = None
    author: str | None = None
    date: str | None = None  # YYYY-MM-DD
    language: str | None = None


class ExtractionTimeout(Exception):
    pass


T = TypeVar("T")


def _call_with_time_limit(fn: Callable[[], T], limit_s: float) -> T:
    """Run `fn` in a daemon thread and stop waiting after `limit_s` seconds.

    A Python thread cannot be killed: on timeout the worker keeps running (and holding its
    memory) until trafilatura returns, but the flow moves on, and being a daemon it never
    blocks interpreter exit. `signal.alarm` would stop it for real but only works on the
    main thread, which Prefect task runners do not guarantee.
    """
    box: dict[str, object] = {}

    def run() -> None:
        try:
            box["value"] = fn()
        except BaseException as exc:  # noqa: BLE001 - re-raised in the caller's thread
            box["error"] = exc

    worker = threading.Thread(target=run, name="trafilatura-extract", daemon=True)
    worker.start()
    worker.join(limit_s)
    if worker.is_alive():
        raise ExtractionTimeout(f"extraction timed out after {limit_s:g}s")
    if "error" in box:
        raise box["error"]  # type: ignore[misc]
    return box.get("value")  # type: ignore[return-value]


_HTML_LANG = re.compile(r"""<html\b[^>]*?\blang\s*=\s*["']?\s*([a-zA-Z]{2,3})\b""", re.I)
_META_LANG = re.compile(
    r"""<meta\b[^>]*?http-equiv\s*=\s*["']?content-language["']?[^>]*?"""
    r"""content\s*=\s*["']?\s*([a-zA-Z]{2,3})\b""", re.I)


def _declared_language(html: str) -> str | None:
    """Primary language subtag the page declares (`<html lang>`); no statistical guessing."""
    head = html[:16384]
    found = _HTML_LANG.search(head) or _META_LANG.search(head)
    return found.group(1).lower() if found else None


def run_trafilatura(html: str, url: str | None) -> ExtractedPage | None:
    """Main text and metadata of a decoded page, paragraphs separated by newlines."""
    import trafilatura  # heavy import (and needs lxml_html_clean with lxml >= 5.2)

    document = trafilatura.bare_extraction(
        html,
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        favor_precision=True,
        date_extraction_params={"original_date": True, "extensive_search": False,
                                "max_date": datetime.now(UTC).strftime("%Y-%m-%d")},
    )
    if document is None:
        return None
    return ExtractedPage(
        text=document.text or "",
        title=document.title or None,
        author=document.author or None,
        date=document.date or None,
        language=document.language or _declared_language(html),
    )


def _page_problem(page: PageFetch) -> str | None:
    """Why the page cannot be extracted, or None if it is fetched HTML."""
    if page.error:
        return page.error
    if page.http_status is not None and not 200 <= page.http_status < 300:
        return f"http {page.http_status}"
    if not page.body:
        return "empty page"
    mime = (page.content_type or "").split(";", 1)[0].strip().lower()
    if mime in HTML_TYPES:
        return None
    if not mime:
        start = page.body[:1024].lstrip().lower()
        if start.startswith((b"<!doctype html", b"<html")):
            return None
        return "not html (no content type)"
    return f"not html ({mime})"


def _normalise(text: str) -> str:
    return " ".join(text.lower().split())


def content_hash(text: str) -> str:
    """sha256 of lower-cased, whitespace-collapsed text: equal for one wire story anywhere."""
    return hashlib.sha256(_normalise(text).encode("utf-8")).hexdigest()


def _drop_heading(text: str, *titles: str | None) -> str:
    """trafilatura keeps the `<h1>` as first line; the title is stored separately."""
    first, _, rest = text.partition("\n")
    if any(t and _normalise(t) == _normalise(first) for t in titles):
        return rest.lstrip("\n")
    return text


def _date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.strptime(value[:10], "%Y-%m-%d").replace(tzinfo=UTC)
    except ValueError:
        return None


def extract_article(page: PageFetch, entry: FeedEntry, *, time_limit_s: float = 10) -> Article:
    """Build the `Article` for one feed entry from its fetched page.

    Body preference: the page's extracted text; the feed's content when the page failed,
    is not HTML, yielded nothing, or yielded less than `MIN_PAGE_CHARS` while the feed text
    is longer; then the feed's summary. Status is "ok", "fallback: <why>", or, when there
    is no text at all, "failed: <why>" with empty text (the caller stores nothing).
    """
    problem = _page_problem(page)
    extracted: ExtractedPage | None = None
    replaced = False
    if problem is None:
        html = decode_html(page.body or b"", page.content_type)
        replaced = "\ufffd" in html and "\ufffd".encode() not in (page.body or b"")
        try:
            extracted = _call_with_time_limit(
                lambda: run_trafilatura(html, page.final_url or page.url), time_limit_s)
        except ExtractionTimeout as exc:
            problem = str(exc)
        except Exception as exc:  # noqa: BLE001 - a parser bug must not stop the flow
            problem = f"extraction error: {type(exc).__name__}: {exc}"
        else:
            if extracted is None or not extracted.text.strip():
                problem = "no text extracted"
    return _assemble(page, entry, extracted, problem, replaced)


def failed_article(page: PageFetch, entry: FeedEntry, problem: str) -> Article:
    """The `Article` for a page that could not be extracted: the feed's text, or failed."""
    return _assemble(page, entry, None, problem, False)


def _assemble(
    page: PageFetch, entry: FeedEntry, extracted: ExtractedPage | None, problem: str | None, replaced: bool
) -> Article:
    page_text = ""
    if extracted is not None and problem is None:
        page_text = _drop_heading(extracted.text.strip(), extracted.title, entry.title)
        if not page_text:
            problem = "no text extracted"  # nothing but the headline

    feed_text, feed_source = (
        (entry.content, "feed_content") if entry.content and entry.content.strip()
        else (entry.summary or "", "feed_summary")
    )
    feed_text = feed_text.strip()
    if problem is None and len(page_text) < MIN_PAGE_CHARS and len(feed_text) > len(page_text):
        problem = f"extracted text too short ({len(page_text)} chars)"

    source: BodySource
    if problem is None:
        text, source, status = page_text, "page", "ok: invalid bytes replaced" if replaced else "ok"
    elif feed_text:
        text, source, status = feed_text, feed_source, f"fallback: {problem}"  # type: ignore[assignment]
    else:
        text, source, status = "", "page", f"failed: {problem}"

    meta = extracted or ExtractedPage(text="")
    return Article(
        url=canonical_url(page.final_url or page.url),
        outlet=entry.outlet,
        feed_url=entry.feed_url,
        title=entry.title or meta.title,
        author=entry.author or meta.author,
        published_at=entry.published_at or _date(meta.date),
        language=meta.language,
        text=text,
        content_hash=content_hash(text),
        body_source=source,
        status=status,
        error=problem,
    )
