"""The feeds stage: fetch one RSS/Atom feed with a conditional GET, turn its items into
`FeedEntry`s, and decide when a failing feed is fetched again (`backoff`)."""

from __future__ import annotations

from factcheck.tasks.feeds.fetch import FEED_ACCEPT, fetch_feed
from factcheck.tasks.feeds.parse import NotAFeed, html_to_text, link_problem, parse_feed

__all__ = ["FEED_ACCEPT", "NotAFeed", "fetch_feed", "html_to_text", "link_problem", "parse_feed"]
