"""An article's body from its page, falling back to what the feed carried.

`extract_article` always returns an `Article` whose `status` says where the text came from.

Extraction choices (trafilatura 2.3):
- `favor_precision=True`: every extracted line becomes claim candidates, so a stray
  "Sign up for our newsletter" or a related-stories teaser produces false contradictions;
  losing a marginal paragraph is cheaper. When precision leaves too little text, the feed's
  own content is used instead (see `MIN_PAGE_CHARS`).
- `include_comments=False`, `include_tables=False`: reader comments and table cells are
  not the outlet's sentences.
- Dates: htmldate with `extensive_search=False`, i.e. only structured markup (meta tags,
  `<time>`, URL), because the text search happily takes "in 2019" in a paragraph as the
  publication date. The feed's date wins anyway."""

from __future__ import annotations

import hashlib
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TypeVar

from factcheck.tasks.articles.decode import decode_html
from factcheck.tasks.articles.urls import canonical_url
from factcheck.tasks.models import Article, BodySource, FeedEntry, PageFetch

MIN_PAGE_CHARS = 200  # below this, a longer feed text is preferred over the page's
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})


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


def extract_article(page: PageFetch, entry: FeedEntry, *, time_limit_s: float | None = 10) -> Article:
    """Build the `Article` for one feed entry from its fetched page.

    `time_limit_s` bounds trafilatura with a thread, which can only be abandoned; None runs it
    directly, for a caller that stops the whole process instead (tasks/cpu_pool.py).

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
        def extract() -> ExtractedPage | None:
            return run_trafilatura(html, page.final_url or page.url)

        try:
            extracted = extract() if time_limit_s is None else _call_with_time_limit(extract, time_limit_s)
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
