"""The digest of new contradiction pairs: what a run (or the days since a date) stored at or above
FACTCHECK_ALERT_THRESHOLD, grouped by event, for a chat webhook, an e-mail and the terminal.

Building and rendering are pure functions over the dataclasses below; `digest_for_run` and
`digest_since` read the database (db/digest.py); flows/reports/delivery.py sends a digest.

Statements, speakers, outlets, event titles and reasons come from feeds and pages, written by
strangers. Every renderer takes them through `_clean` (control characters and escape sequences
gone, one line, URL-like text defanged as `http[:]//evil[.]example` so that no client links it,
clipped) and then escapes them for its format: `html.escape` for the HTML part, `mrkdwn_text`
for the webhook, a Rich `Text` (no markup) for the terminal. The only links in a digest are the
ones built here from FACTCHECK_REVIEW_URL, which the operator sets.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timezone
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from factcheck.tasks.text_safety import defang_links, mrkdwn_text, one_line

if TYPE_CHECKING:
    from rich.console import RenderableType
    from sqlalchemy.orm import Session

    from factcheck.config.settings import Settings
    from factcheck.db.queries import PairView

STATEMENT_CHARS = 400  # the digest points to the review app, which shows everything
TITLE_CHARS = 200
REASON_CHARS = 300
SLACK_MAX_BLOCKS = 50  # Block Kit's limit per message
SLACK_SECTION_CHARS = 3000  # and per section text


@dataclass(frozen=True)
class DigestSide:
    text: str
    speaker: str
    outlet: str


@dataclass(frozen=True)
class DigestPair:
    id: int
    score: float
    status: str
    a: DigestSide
    b: DigestSide
    detector: str  # of the first (main) reason
    reason: str  # its message, e.g. "killed 14 vs killed 31"
    link: str | None  # the pair in the review app, when FACTCHECK_REVIEW_URL is set


@dataclass(frozen=True)
class DigestEvent:
    event_id: int | None
    title: str
    link: str | None  # the event's pairs in the review app
    pairs: tuple[DigestPair, ...]


@dataclass(frozen=True)
class Digest:
    """New pairs stored in [since, until] scoring at least `threshold`: `total` of them, the
    highest-scoring `shown` ones listed in `events` (the event of the best pair first)."""

    scope: str  # "run 12 (nightly)" or "since 2026-03-01"
    since: datetime
    until: datetime | None
    threshold: float
    total: int
    events: tuple[DigestEvent, ...]
    queue_link: str | None = None
    run_id: int | None = None

    @property
    def shown(self) -> int:
        return sum(len(e.pairs) for e in self.events)

    @property
    def more(self) -> int:
        return max(self.total - self.shown, 0)

    @property
    def empty(self) -> bool:
        return self.total == 0


# --- building ------------------------------------------------------------------------------------


def pair_link(review_url: str | None, pair_id: int) -> str | None:
    return f"{review_url.rstrip('/')}/pairs/{pair_id}" if review_url else None


def event_link(review_url: str | None, event_id: int | None) -> str | None:
    if not review_url or event_id is None:
        return None
    return f"{review_url.rstrip('/')}/?{urlencode({'status': 'all', 'event': event_id})}"


def queue_link(review_url: str | None, threshold: float) -> str | None:
    return f"{review_url.rstrip('/')}/?{urlencode({'min_score': f'{threshold:g}'})}" if review_url else None


def _digest_pair(view: PairView, review_url: str | None) -> DigestPair:
    main = view.reasons[0] if view.reasons else {}
    return DigestPair(
        id=view.id,
        score=view.score,
        status=view.status,
        a=DigestSide(view.claim_a.text, view.claim_a.speaker, view.claim_a.outlet),
        b=DigestSide(view.claim_b.text, view.claim_b.speaker, view.claim_b.outlet),
        detector=str(main.get("detector") or ""),
        reason=str(main.get("message") or ""),
        link=pair_link(review_url, view.id),
    )


def build_digest(
    pairs: Sequence[PairView],
    titles: dict[int, str],
    *,
    scope: str,
    since: datetime,
    until: datetime | None,
    threshold: float,
    total: int | None = None,
    review_url: str | None = None,
    run_id: int | None = None,
) -> Digest:
    """Group `pairs` (highest score first) by event, keeping that order: an event comes where its
    best pair does. `total` is how many pairs matched when `pairs` is only the first of them."""
    groups: dict[int | None, list[DigestPair]] = {}
    for view in sorted(pairs, key=lambda p: (-p.score, p.id)):
        groups.setdefault(view.event_id, []).append(_digest_pair(view, review_url))
    events = tuple(
        DigestEvent(
            event_id=event_id,
            title=titles.get(event_id, "") if event_id is not None else "",
            link=event_link(review_url, event_id),
            pairs=tuple(items),
        )
        for event_id, items in groups.items()
    )
    return Digest(
        scope=scope, since=since, until=until, threshold=threshold,
        total=len(pairs) if total is None else max(total, len(pairs)), events=events,
        queue_link=queue_link(review_url, threshold), run_id=run_id,
    )  # fmt: skip


# --- reading it from the database ----------------------------------------------------------------


def digest_for_run(session: Session, run_id: int, settings: Settings, *, threshold: float | None = None) -> Digest | None:
    """The pairs a run stored (between its start and its end, or now while it runs); None for an
    unknown run."""
    from factcheck.db.digest import run_window
    from factcheck.db.models import utcnow

    window = run_window(session, run_id)
    if window is None:
        return None
    return _load(
        session, settings, scope=f"run {window.run_id} ({window.kind})", since=window.started_at,
        until=window.finished_at or utcnow(), threshold=threshold, run_id=run_id,
    )  # fmt: skip


def digest_since(session: Session, day: date, settings: Settings, *, threshold: float | None = None) -> Digest:
    """The pairs stored since the start of `day` (UTC)."""
    since = datetime.combine(day, time.min, tzinfo=timezone.utc)
    return _load(session, settings, scope=f"since {day.isoformat()}", since=since, until=None, threshold=threshold)


def _load(
    session: Session, settings: Settings, *, scope: str, since: datetime, until: datetime | None,
    threshold: float | None, run_id: int | None = None,
) -> Digest:  # fmt: skip
    from factcheck.db.digest import event_titles, new_pairs

    threshold = settings.alert_threshold if threshold is None else threshold
    pairs, total = new_pairs(session, since=since, until=until, min_score=threshold, limit=settings.digest_max_pairs)
    titles = event_titles(session, {p.event_id for p in pairs if p.event_id is not None})
    return build_digest(
        pairs, titles, scope=scope, since=since, until=until, threshold=threshold, total=total,
        review_url=settings.review_url, run_id=run_id,
    )  # fmt: skip


# --- rendering -----------------------------------------------------------------------------------


def _clean(text: object, limit: int) -> str:
    """Feed text made inert for any reader: one line without controls, links defanged, clipped."""
    text = defang_links(one_line(str(text or "")))
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def headline(digest: Digest) -> str:
    if digest.empty:
        return "factcheck: no new contradiction pairs"
    return (
        f"factcheck: {_plural(digest.total, 'new contradiction pair')} "
        f"in {_plural(len(digest.events), 'event')}" + (f" (the {digest.shown} strongest shown)" if digest.more else "")
    )


def subject(digest: Digest) -> str:
    """The e-mail subject: counts and the run or day only, nothing from a feed."""
    where = f"run {digest.run_id}" if digest.run_id is not None else digest.scope
    return f"factcheck: {_plural(digest.total, 'new contradiction')} ({where})"


def scope_line(digest: Digest) -> str:
    window = f"stored since {digest.since:%Y-%m-%d %H:%M} UTC"
    if digest.until is not None:
        window = f"stored {digest.since:%Y-%m-%d %H:%M} to {digest.until:%Y-%m-%d %H:%M} UTC"
    prefix = f"{digest.scope.capitalize()}: pairs" if digest.run_id is not None else "Pairs"
    return f"{prefix} {window} with a score of at least {digest.threshold:.2f}."


def event_heading(event: DigestEvent) -> str:
    if event.event_id is None:
        return "Pairs without an event"
    title = _clean(event.title, TITLE_CHARS)
    return f"Event {event.event_id}" + (f": {title}" if title else "")


def reason_line(pair: DigestPair) -> str:
    detector = _clean(pair.detector, 40) or "reason"
    reason = _clean(pair.reason, REASON_CHARS)
    return f"{detector}: {reason}" if reason else detector


def _attribution(side: DigestSide) -> str:
    return f"{_clean(side.speaker, 120) or 'unknown speaker'}, {_clean(side.outlet, 120) or 'unknown outlet'}"


def _status(pair: DigestPair) -> str:
    return "" if pair.status == "pending" else f" ({pair.status})"


def render_text(digest: Digest) -> str:
    """The plain-text part of the e-mail."""
    lines = [headline(digest), scope_line(digest)]
    for event in digest.events:
        lines += ["", event_heading(event), "-" * min(len(event_heading(event)), 72)]
        for pair in event.pairs:
            lines += ["", f"[{pair.score:.2f}] {reason_line(pair)}{_status(pair)}"]
            for label, side in (("A", pair.a), ("B", pair.b)):
                lines += [f"  {label}: \u201c{_clean(side.text, STATEMENT_CHARS)}\u201d", f"     {_attribution(side)}"]
            if pair.link:
                lines.append(f"  Review pair {pair.id}: {pair.link}")
            else:
                lines.append(f"  Pair {pair.id}")
    if digest.more:
        lines += ["", f"{_plural(digest.more, 'more pair')} at or above the threshold"
                  + (f": {digest.queue_link}" if digest.queue_link else " (factcheck pairs list --min-score).")]  # fmt: skip
    return "\n".join(lines) + "\n"


def render_html(digest: Digest) -> str:
    """The HTML part of the e-mail: inline styles only, no images, no scripts; every value from a
    feed is HTML-escaped, and the only links are the review app's."""
    e = html.escape
    out = [
        "<!DOCTYPE html>",
        '<html><head><meta charset="utf-8"><title>' + e(subject(digest)) + "</title></head>",
        '<body style="font-family:Arial,Helvetica,sans-serif;font-size:14px;color:#222;max-width:760px">',
        f'<h1 style="font-size:18px">{e(headline(digest))}</h1>',
        f'<p style="color:#555">{e(scope_line(digest))}</p>',
    ]
    for event in digest.events:
        heading = e(event_heading(event))
        if event.link:
            heading += f' <a href="{e(event.link)}" style="font-size:12px;font-weight:normal">all pairs of this event</a>'
        out.append(f'<h2 style="font-size:16px;margin-top:24px">{heading}</h2>')
        for pair in event.pairs:
            out.append('<div style="border-left:3px solid #b33;padding:2px 12px;margin:12px 0">')
            out.append(
                f"<p><strong>{pair.score:.2f}</strong> &middot; {e(reason_line(pair))}{e(_status(pair))}</p>"
            )
            for label, side in (("A", pair.a), ("B", pair.b)):
                out.append(
                    f"<p><strong>{label}</strong> &ldquo;{e(_clean(side.text, STATEMENT_CHARS))}&rdquo;<br>"
                    f'<span style="color:#555">{e(_attribution(side))}</span></p>'
                )
            if pair.link:
                out.append(f'<p><a href="{e(pair.link)}">Review pair {pair.id}</a></p>')
            else:
                out.append(f'<p style="color:#555">Pair {pair.id}</p>')
            out.append("</div>")
    if digest.more:
        more = e(f"{_plural(digest.more, 'more pair')} at or above the threshold")
        if digest.queue_link:
            more = f'<a href="{e(digest.queue_link)}">{more}</a>'
        out.append(f"<p>{more}</p>")
    out.append("</body></html>")
    return "\n".join(out) + "\n"


def _mrkdwn_link(url: str, label: str) -> str:
    """A Slack link to one of our own URLs (FACTCHECK_REVIEW_URL, checked by the settings)."""
    return f"<{url.replace('&', '&amp;')}|{mrkdwn_text(label)}>"


def _mrkdwn_pair(pair: DigestPair, *, links: bool) -> str:
    """One pair in mrkdwn: the score, the main reason and the review link on the first line (so
    that clipping a long pair never cuts the link), then both statements."""
    head = f"*{pair.score:.2f}* · {mrkdwn_text(reason_line(pair))}{mrkdwn_text(_status(pair))}"
    if pair.link:
        head += " · " + (_mrkdwn_link(pair.link, f"Review pair {pair.id}") if links else pair.link)
    lines = [head]
    for label, side in (("A", pair.a), ("B", pair.b)):
        lines.append(
            f"*{label}:* \u201c{mrkdwn_text(_clean(side.text, STATEMENT_CHARS))}\u201d — {mrkdwn_text(_attribution(side))}"
        )
    return _clip_mrkdwn("\n".join(lines), SLACK_SECTION_CHARS)


def _clip_mrkdwn(text: str, limit: int) -> str:
    """`text` cut to `limit` characters without leaving half an entity (`&am`) at the end."""
    if len(text) <= limit:
        return text
    return re.sub(r"&[a-z]*$", "", text[: limit - 1]) + "…"


def render_webhook(digest: Digest, *, blocks: bool = True) -> dict[str, Any]:
    """The webhook's JSON. `text` is what Slack, Teams and Mattermost incoming webhooks all take:
    mrkdwn-safe, review links as plain URLs (every client links those), paragraphs apart by a blank
    line (Teams joins single lines). With `blocks`, Slack's Block Kit layout, which Slack shows
    instead of `text` (then used for notifications only)."""
    text = [f"*{mrkdwn_text(headline(digest))}*", mrkdwn_text(scope_line(digest))]
    for event in digest.events:
        text.append(f"*{mrkdwn_text(event_heading(event))}*")
        for pair in event.pairs:
            text.append(_mrkdwn_pair(pair, links=False))
    if digest.more:
        text.append(mrkdwn_text(f"{_plural(digest.more, 'more pair')} at or above the threshold")
                    + (f": {digest.queue_link}" if digest.queue_link else ""))  # fmt: skip
    payload: dict[str, Any] = {"text": "\n\n".join(text)}
    if blocks:
        payload["blocks"] = _slack_blocks(digest)
    return payload


def _slack_blocks(digest: Digest) -> list[dict[str, Any]]:
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": headline(digest)[:150]}},
        {"type": "context", "elements": [{"type": "mrkdwn", "text": mrkdwn_text(scope_line(digest))}]},
    ]
    listed = 0
    room = SLACK_MAX_BLOCKS - 1  # one kept for the "more" line
    for event in digest.events:
        if len(blocks) + 2 > room:
            break
        heading = f"*{mrkdwn_text(event_heading(event))}*"
        if event.link:
            heading += "  " + _mrkdwn_link(event.link, "all pairs of this event")
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": heading}})
        for pair in event.pairs:
            if len(blocks) + 1 > room:
                break
            blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": _mrkdwn_pair(pair, links=True)}})
            listed += 1
    more = digest.total - listed
    if more > 0:
        line = mrkdwn_text(f"{_plural(more, 'more pair')} at or above the threshold")
        if digest.queue_link:
            line = _mrkdwn_link(digest.queue_link, f"{_plural(more, 'more pair')} at or above the threshold")
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": line}]})
    return blocks


def render_console(digest: Digest) -> list[RenderableType]:
    """The digest for a terminal (`factcheck digest --print`): feed text as Rich `Text`, never
    markup."""
    from rich.console import Group
    from rich.panel import Panel
    from rich.text import Text

    out: list[RenderableType] = [Text(headline(digest), style="bold"), Text(scope_line(digest), style="dim")]
    for event in digest.events:
        body: list[RenderableType] = []
        for pair in event.pairs:
            line = Text()
            line.append(f"{pair.score:.2f} ", style="bold")
            line.append(reason_line(pair) + _status(pair))
            body.append(line)
            for label, side in (("A", pair.a), ("B", pair.b)):
                body.append(Text(f"  {label}: \u201c{_clean(side.text, STATEMENT_CHARS)}\u201d"))
                body.append(Text(f"     {_attribution(side)}", style="dim"))
            body.append(Text(f"  {pair.link or f'pair {pair.id}'}", style="cyan"))
            body.append(Text(""))
        out.append(Panel(Group(*body[:-1]), title=Text(event_heading(event)), title_align="left"))
    if digest.more:
        out.append(Text(f"{_plural(digest.more, 'more pair')} at or above the threshold", style="dim"))
    return out
