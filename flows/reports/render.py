"""How pairs, scores and run summaries look in a terminal (Rich).

Statements, speakers, outlets, URLs and run issues come from feeds and pages: they are shown as
`Text` (no Rich markup) after `console_text` (no control characters or escape sequences, which a
terminal would act on)."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from factcheck.db.queries import PairView, Side
from factcheck.tasks.text_safety import console_markup, console_text


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _safe(text: object) -> Text:
    """Feed-derived text for a cell: taken literally, nothing a terminal would act on."""
    return Text(console_text(text))


def pairs_table(pairs: Sequence[PairView]) -> Table:
    table = Table(title=f"{len(pairs)} pair(s)", show_lines=True, expand=True)
    table.add_column("id", justify="right", no_wrap=True)
    table.add_column("score", justify="right", no_wrap=True)
    table.add_column("status", no_wrap=True)
    table.add_column("statement A")
    table.add_column("statement B")
    table.add_column("why")
    for pair in pairs:
        table.add_row(
            str(pair.id),
            f"{pair.score:.2f}",
            pair.status,
            _safe(f"{_clip(pair.claim_a.text, 160)}\n— {pair.claim_a.speaker}, {pair.claim_a.outlet}"),
            _safe(f"{_clip(pair.claim_b.text, 160)}\n— {pair.claim_b.speaker}, {pair.claim_b.outlet}"),
            _safe("; ".join(str(r.get("message", "")) for r in pair.reasons[:2])),
        )
    return table


def _side_text(label: str, side: Side) -> Text:
    when = side.published_at.strftime("%Y-%m-%d %H:%M UTC") if side.published_at else "date unknown"
    text = Text()
    text.append(f"{label}  ", style="bold")
    text.append(console_text(side.text) + "\n")
    text.append(console_text(f"   speaker: {side.speaker} · outlet: {side.outlet} · {when}") + "\n", style="dim")
    text.append(console_text(f"   {side.article_url}"), style="dim")
    return text


def reasons_text(reasons: Sequence[dict]) -> Text:
    text = Text()
    for reason in reasons:
        text.append(console_text(f"• [{reason.get('detector')}] "), style="bold")
        text.append(console_text(f"{reason.get('message')} (weight {reason.get('weight', 0):.2f})") + "\n")
    return text


def pair_panel(pair: PairView) -> Panel:
    header = f"pair {pair.id} · score {pair.score:.2f} · {pair.status} · event {pair.event_id} · {pair.detector_version}"
    body = [_side_text("A", pair.claim_a), Text(""), _side_text("B", pair.claim_b), Text(""), Text("Why:", style="bold"), reasons_text(pair.reasons)]
    if pair.reviewer:
        body.append(Text(console_text(f"Reviewed by {pair.reviewer}: {pair.note or ''}"), style="italic"))
    return Panel(Group(*body), title=console_markup(header), title_align="left")


def summary_tables(counts: dict[str, int], issues: Sequence[dict]) -> list[Table]:
    table = Table(title="Run summary", show_header=False)
    table.add_column("what")
    table.add_column("count", justify="right")
    for key, value in counts.items():
        table.add_row(_safe(key.replace("_", " ")), str(value))
    tables = [table]
    if issues:
        problems = Table(title=f"{len(issues)} input(s) with problems (recorded in run_issues)")
        problems.add_column("stage", no_wrap=True)
        problems.add_column("subject", overflow="fold")
        problems.add_column("status")
        for issue in issues:
            problems.add_row(_safe(issue["stage"]), _safe(issue["subject"]), _safe(issue["status"]))
        tables.append(problems)
    return tables


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{value:.0%}"


def _shares_table(title: str, heading: str, shares: Sequence, label=lambda share: share.key) -> Table:
    """Precision with its counts, per group (db/stats.py `Share`); keys may come from feeds."""
    table = Table(title=title, title_justify="left")
    table.add_column(heading, overflow="fold")
    table.add_column("precision", justify="right", no_wrap=True)
    for column in ("confirmed", "rejected", "unsure", "pending", "pairs"):
        table.add_column(column, justify="right", no_wrap=True)
    for share in shares:
        judged = f" ({share.confirmed}/{share.judged})" if share.judged else ""
        table.add_row(_safe(label(share)), _percent(share.precision) + judged, str(share.confirmed), str(share.rejected),
                      str(share.unsure), str(share.pending), str(share.total))  # fmt: skip
    return table


def stats_tables(stats) -> list[Table]:
    """`factcheck stats`: the figures of the review app's Detector page (a db.stats.DetectorStats)."""
    from factcheck.db.stats import human_age

    window = f" (pairs stored since {stats.since.isoformat()})" if stats.since else ""
    totals, queue = stats.totals, stats.queue
    overview = Table(title=f"Verdicts{window}", show_header=False, title_justify="left")
    overview.add_column("what")
    overview.add_column("value", justify="right")
    overview.add_row("precision", _percent(totals.precision) + f" ({totals.confirmed} of {totals.judged} judged)")
    for status in ("confirmed", "rejected", "unsure", "pending"):
        overview.add_row(status, str(getattr(totals, status)))
    overview.add_row("pairs", str(totals.total))
    oldest = f" (stored {queue.oldest_created_at:%Y-%m-%d %H:%M} UTC)" if queue.oldest_created_at else ""
    overview.add_row("oldest pending", human_age(queue.oldest_age_s) + oldest)
    overview.add_row("median wait of pending", human_age(queue.median_age_s))
    runs = stats.runs
    mean = f"{runs.mean_new_pairs:.1f}" if runs.mean_new_pairs is not None else "-"
    overview.add_row("runs (completed)", f"{runs.count} ({runs.completed})")
    overview.add_row("new pairs per run (mean)", mean)
    tables = [
        overview,
        _shares_table("By reason (main reason of each pair)", "reason", stats.by_reason),
        _shares_table("By outlet pair (either order)", "outlets", stats.by_outlet_pair,
                      lambda share: f"{share.outlets[0]} / {share.outlets[1]}"),  # fmt: skip
        _shares_table("By detector version (newest first)", "version", stats.by_version),
        _shares_table("By ISO week stored", "week", stats.by_week, lambda share: f"{share.key} ({share.start.isoformat()})"),
    ]
    if runs.latest:
        recent = Table(title=f"Latest {len(runs.latest)} run(s)", title_justify="left")
        columns = (("run", "right"), ("kind", "left"), ("status", "left"), ("started (UTC)", "left"), ("new pairs", "right"))
        for column, justify in columns:
            recent.add_column(column, justify=justify, no_wrap=True)
        for run in runs.latest:
            recent.add_row(str(run.id), _safe(run.kind), _safe(run.status), f"{run.started_at:%Y-%m-%d %H:%M}",
                           "-" if run.new_pairs is None else str(run.new_pairs))  # fmt: skip
        tables.append(recent)
    return tables
