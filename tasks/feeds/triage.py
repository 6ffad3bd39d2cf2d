"""What a run does with a fetched feed, decided without the database: which entries are articles
to fetch (one per canonical URL) and which problems the run records."""

from __future__ import annotations

from factcheck.tasks.articles.urls import canonical_url
from factcheck.tasks.feeds.parse import link_problem
from factcheck.tasks.models import EntryTriage, FeedEntry, FeedFetch, InputIssue


def fetch_issues(fetch: FeedFetch) -> tuple[InputIssue, ...]:
    """The feed's own problems: its failure, or the warning it parsed with."""
    if fetch.status == "failed":
        return (InputIssue("feed", fetch.source.url, "failed", fetch.error),)
    if fetch.warning:
        return (InputIssue("feed", fetch.source.url, "parsed with warning", fetch.warning),)
    return ()


def triage_entries(fetch: FeedFetch) -> EntryTriage:
    """Entries without a usable link are shown, never fetched nor stored: the rest of the feed
    goes on, run after run. An entry without a date is fetched, and noted."""
    fresh: dict[str, FeedEntry] = {}
    issues: list[InputIssue] = []
    for entry in fetch.entries:
        name = f"{fetch.source.url} :: {entry.title or entry.entry_id or '?'}"
        if not entry.link:
            issues.append(InputIssue("entry", name, "skipped: no link", "feed entry has no link"))
            continue
        problem = link_problem(entry.link)
        if problem is not None:
            issues.append(InputIssue("entry", name, "skipped: unusable link", f"{problem}: {ascii(entry.link[:500])}"))
            continue
        if entry.published_at is None:
            issues.append(InputIssue("entry", entry.link, "no date",
                                     "feed entry has no date; the page's date is used if it has one"))
        fresh.setdefault(canonical_url(entry.link), entry)
    return EntryTriage(fresh, tuple(issues))
