"""`factcheck pairs`: the reviewers' list, show, review and export."""

from __future__ import annotations

import os
import sys
from datetime import datetime
from pathlib import Path
from typing import Annotated, Optional

import typer

from factcheck.flows.cli.common import (
    DatabaseOpt,
    check_id,
    check_number,
    check_text,
    err,
    fail,
    open_session,
    out,
    pairs_app,
    use_database,
)


def _pair_filter(
    *,
    status: str | None,
    outlet: str | None = None,
    min_score: float | None = None,
    event: int | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    search: str | None = None,
    sort: str = "newest",
):
    """The CLI's options as a PairFilter. Days are UTC; `--until DAY` includes that whole day
    (a time given with it is exclusive)."""
    from datetime import timedelta, timezone

    from factcheck.db.models import PAIR_STATUSES
    from factcheck.db.queries import SORTS, PairFilter

    for value, option in ((status, "--status"), (outlet, "--outlet"), (search, "--search"), (sort, "--sort")):
        check_text(value, option)
    if status and status not in PAIR_STATUSES:
        raise fail(f"unknown status {status!r}; use one of: {', '.join(PAIR_STATUSES)}", code=2)
    if sort not in SORTS:
        raise fail(f"unknown sort {sort!r}; use one of: {', '.join(SORTS)}", code=2)
    since_utc = since.replace(tzinfo=timezone.utc) if since else None
    until_utc = None
    if until:
        until_utc = until.replace(tzinfo=timezone.utc)
        if until_utc.time() == datetime.min.time():
            if until_utc.date() == datetime.max.date():
                raise fail(f"--until {until:%Y-%m-%d} is out of range (the last day is 9999-12-30)", code=2)
            until_utc += timedelta(days=1)
    if since_utc and until_utc and since_utc >= until_utc:
        raise fail("--since is after --until", code=2)
    return PairFilter(
        status=status, outlet=outlet, min_score=min_score, event_id=event,
        published_since=since_utc, published_until=until_utc, search=search, sort=sort,
    )  # fmt: skip


EventOpt = Annotated[Optional[int], typer.Option("--event", help="Pairs of this event id.")]
SinceOpt = Annotated[
    Optional[datetime], typer.Option(formats=["%Y-%m-%d", "%Y-%m-%dT%H:%M"], help="Either article published on/after this UTC day.")
]
UntilOpt = Annotated[
    Optional[datetime], typer.Option(formats=["%Y-%m-%d", "%Y-%m-%dT%H:%M"], help="Either article published on/before this UTC day.")
]
SearchOpt = Annotated[Optional[str], typer.Option(help="Case-insensitive text in either statement.")]


@pairs_app.command("list")
def pairs_list(
    status: Annotated[Optional[str], typer.Option(help="pending, confirmed, rejected or unsure.")] = None,
    outlet: Annotated[Optional[str], typer.Option(help="Pairs with a statement from this outlet.")] = None,
    min_score: Annotated[Optional[float], typer.Option("--min-score", min=0.0, max=1.0)] = None,
    event: EventOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    search: SearchOpt = None,
    sort: Annotated[str, typer.Option(help="newest (created, newest first) or score (highest first).")] = "newest",
    limit: Annotated[int, typer.Option(min=1)] = 50,
    offset: Annotated[int, typer.Option(min=0)] = 0,
    database: DatabaseOpt = None,
) -> None:
    """Stored pairs, newest first (or strongest first with --sort score)."""
    from factcheck.db.queries import count_pairs, list_pairs
    from factcheck.flows.reports.render import pairs_table

    filters = _pair_filter(
        status=status, outlet=outlet, min_score=min_score, event=event, since=since, until=until, search=search, sort=sort
    )
    check_number(limit, "--limit")
    check_number(offset, "--offset")
    url = use_database(database)
    check_id(event, "--event", url)
    with open_session(url) as session:
        found = list_pairs(session, filters, limit=limit, offset=offset)
        total = count_pairs(session, filters) if len(found) == limit or offset else len(found)
    out.print(pairs_table(found))
    if total > len(found):
        out.print(f"showing {offset + 1 if found else 0}-{offset + len(found)} of {total} (use --offset for more)", style="dim")


@pairs_app.command("show")
def pairs_show(pair_id: int, database: DatabaseOpt = None) -> None:
    """One pair: both statements with speakers, outlets, links, and the reasons."""
    from factcheck.db.queries import get_pair
    from factcheck.flows.reports.render import pair_panel

    url = use_database(database)
    check_id(pair_id, "PAIR_ID", url)
    with open_session(url) as session:
        pair = get_pair(session, pair_id)
    if pair is None:
        raise fail(f"no pair with id {pair_id}")
    out.print(pair_panel(pair))


@pairs_app.command("review")
def pairs_review(
    pair_id: int,
    verdict: Annotated[str, typer.Option(help="confirmed, rejected, unsure (or pending to reopen).")],
    note: Annotated[Optional[str], typer.Option(help="Why.")] = None,
    reviewer: Annotated[Optional[str], typer.Option(help="Your name (default: $USER).")] = None,
    database: DatabaseOpt = None,
) -> None:
    """Record a reviewer's verdict on a pair."""
    from factcheck.db.queries import ReviewError, review_pair

    for value, option in ((verdict, "--verdict"), (note, "--note"), (reviewer, "--reviewer")):
        check_text(value, option)
    url = use_database(database)
    check_id(pair_id, "PAIR_ID", url)
    try:
        with open_session(url) as session:
            review_pair(session, pair_id, verdict=verdict, reviewer=reviewer or os.environ.get("USER", "unknown"), note=note)
    except ReviewError as exc:
        raise fail(str(exc)) from None
    out.print(f"pair {pair_id}: {verdict}")


@pairs_app.command("export")
def pairs_export(
    fmt: Annotated[str, typer.Option("--format", help="jsonl, csv, or claimreview (schema.org JSON-LD array, confirmed pairs only).")] = "jsonl",
    status: Annotated[Optional[str], typer.Option()] = None,
    outlet: Annotated[Optional[str], typer.Option()] = None,
    min_score: Annotated[Optional[float], typer.Option("--min-score", min=0.0, max=1.0)] = None,
    event: EventOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    search: SearchOpt = None,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="File to write (default: stdout).")] = None,
    database: DatabaseOpt = None,
) -> None:
    """Write pairs as JSON lines, CSV (fields as in DESIGN.md) or schema.org ClaimReview JSON-LD."""
    from factcheck.db.queries import count_pairs, iter_pairs
    from factcheck.flows.reports.export import FORMATS, PROGRESS_THRESHOLD, WRITERS, with_progress

    check_text(fmt, "--format")
    if fmt not in FORMATS:
        raise fail(f"unknown format {fmt!r}; use one of: {', '.join(FORMATS)}", code=2)
    if fmt == "claimreview":
        if status and status != "confirmed":
            raise fail("claimreview exports confirmed pairs only; drop --status or use --status confirmed", code=2)
        status = "confirmed"
    filters = _pair_filter(
        status=status, outlet=outlet, min_score=min_score, event=event, since=since, until=until, search=search
    )
    url = use_database(database)
    check_id(event, "--event", url)
    writer = WRITERS[fmt]
    with open_session(url) as session:
        pairs = iter_pairs(session, filters)
        if err.is_terminal:
            total = count_pairs(session, filters)
            if total > PROGRESS_THRESHOLD:
                pairs = with_progress(pairs, total, err)
        if output:
            try:
                handle = output.open("w", encoding="utf-8", newline="")
            except OSError as exc:
                raise fail(f"{output}: cannot be written ({exc.strerror or exc})") from None
            with handle:
                count = writer(pairs, handle)
            err.print(f"{count} pair(s) written to {output}")
        else:
            writer(pairs, sys.stdout)
