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
