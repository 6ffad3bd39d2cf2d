"""A run on demand: a feeds file of your choice, optionally some of its outlets and a date range.

The parameters are typed (Prefect validates them with pydantic before the run starts) and then
checked together; a bad combination fails the run at once with a message that says what to fix,
before anything is fetched or stored.
"""

from __future__ import annotations

from datetime import date, datetime, time, timezone
from pathlib import Path

from prefect import flow

from factcheck.config.feeds import load_feeds
from factcheck.config.settings import current
from factcheck.flows.nightly import RunSummary, resolve_feeds_file, run_pipeline
from factcheck.flows.ops.hooks import notify_failure
from factcheck.tasks.models import FeedSource


class ParameterError(ValueError):
    """A flow parameter (or a combination of them) that cannot be used; the message says why."""


def day_bounds(since: date | None, until: date | None) -> tuple[datetime | None, datetime | None]:
    """Whole UTC days: `since` from 00:00, `until` up to the end of that day (both inclusive)."""
    if since is not None and until is not None and since > until:
        raise ParameterError(f"since ({since.isoformat()}) is after until ({until.isoformat()})")
    start = datetime.combine(since, time.min, tzinfo=timezone.utc) if since else None
    end = datetime.combine(until, time.max, tzinfo=timezone.utc) if until else None
    return start, end


def select_outlets(sources: list[FeedSource], outlets: list[str] | None, origin: Path) -> list[FeedSource]:
    """The feeds of the named outlets (case-insensitive); every feed when `outlets` is None."""
    if outlets is None:
        return sources
    wanted = {name.strip().casefold(): name for name in outlets if name.strip()}
    if not wanted:
        raise ParameterError("outlets is empty: name at least one outlet, or leave it out to run every outlet")
    known = {s.outlet.casefold() for s in sources}
    unknown = [name for key, name in wanted.items() if key not in known]
    if unknown:
        names = sorted({s.outlet for s in sources})
        raise ParameterError(
            f"unknown outlet(s) {', '.join(repr(u) for u in unknown)} in {origin}; known: {', '.join(names)}"
        )
    return [s for s in sources if s.outlet.casefold() in wanted]


@flow(name="manual", on_failure=[notify_failure], on_crashed=[notify_failure])
def manual(
    feeds_file: str | None = None,
    outlets: list[str] | None = None,
    since: date | None = None,
    until: date | None = None,
) -> RunSummary:
    """Fetch and analyze now, over a feeds file of your choice.

    Args:
        feeds_file: Path of a feeds file (TOML, [[feeds]] with outlet and url) on the machine
            that runs the flow. Default: FACTCHECK_FEEDS_FILE or the bundled config/feeds.toml.
        outlets: Only these outlets of the feeds file (by outlet name). Default: all of them.
        since: Only entries published on or after this day (UTC).
        until: Only entries published on or before this day (UTC).
    """
    start, end = day_bounds(since, until)
    settings = current()
    path = resolve_feeds_file(feeds_file, settings)
    sources = select_outlets(load_feeds(path), outlets, path)
    label = f"{path}" + (f" (outlets: {', '.join(s.outlet for s in sources)})" if outlets else "")
    return run_pipeline(settings, sources, kind="manual", label=label, published_since=start, published_until=end)
