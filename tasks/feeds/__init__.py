"""The feeds stage: fetch one RSS/Atom feed with a conditional GET, turn its items into
`FeedEntry`s, sort them out (`triage`), and decide when a failing feed is fetched again
(`backoff`)."""

from __future__ import annotations

from factcheck.tasks.feeds.fetch import FEED_ACCEPT, fetch_feed
from factcheck.tasks.feeds.parse import NotAFeed, html_to_text, link_problem, parse_feed
from factcheck.tasks.feeds.triage import fetch_issues, triage_entries

__all__ = [
    "FEED_ACCEPT", "NotAFeed", "fetch_feed", "fetch_issues", "html_to_text", "link_problem", "parse_feed",
    "triage_entries",
]
