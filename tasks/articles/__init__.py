"""The articles stage: a page's canonical URL, its fetch, its bytes decoded, its body extracted
(falling back to what the feed carried), and the issues a run records about it, each in its own module."""

from __future__ import annotations

from factcheck.tasks.articles.decode import decode_html
from factcheck.tasks.articles.extract import ExtractedPage, content_hash, extract_article, failed_article
from factcheck.tasks.articles.fetch import fetch_page
from factcheck.tasks.articles.issues import analysable_language, duplicate_issue, page_issues
from factcheck.tasks.articles.urls import canonical_url

__all__ = [
    "ExtractedPage",
    "analysable_language",
    "canonical_url",
    "content_hash",
    "decode_html",
    "duplicate_issue",
    "extract_article",
    "failed_article",
    "fetch_page",
    "page_issues",
]
