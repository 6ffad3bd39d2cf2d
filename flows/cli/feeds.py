"""`factcheck feeds list`: every feed fetched so far, with its back-off state."""

from __future__ import annotations

from factcheck.flows.cli.common import DatabaseOpt, feeds_app, open_session, out, use_database


@feeds_app.command("list")
def feeds_list(database: DatabaseOpt = None) -> None:
    """Every feed fetched so far with its last status, error, failure streak and back-off."""
    from rich.table import Table
    from rich.text import Text

    from factcheck.db.queries import list_feeds
    from factcheck.tasks.text_safety import console_text

    url = use_database(database)
    with open_session(url) as session:
        feeds = list_feeds(session)
    table = Table(title=f"{len(feeds)} feed(s)")
    for column in ("outlet", "url", "last status", "failures", "last success", "next fetch", "last error"):
        table.add_column(column, overflow="fold")
    for feed in feeds:
        when = feed.last_success_at.strftime("%Y-%m-%d %H:%M") if feed.last_success_at else "never"
        if feed.disabled_at is not None:
            status, due = "disabled", f"disabled {feed.disabled_at:%Y-%m-%d %H:%M}"
        else:
            status = feed.last_status or "-"
            due = f"{feed.next_fetch_at:%Y-%m-%d %H:%M}" if feed.next_fetch_at else "next run"
        table.add_row(
            Text(console_text(feed.outlet)), Text(console_text(feed.url)), status, str(feed.consecutive_failures),
            when, due, Text(console_text(feed.last_error or feed.last_warning or "")),
        )
    out.print(table)
