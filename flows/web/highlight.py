"""Statements with their evidence spans marked, built safely: the marks are placed by offsets on
the raw text and every piece of text between them is escaped on its own."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from markupsafe import Markup, escape


def evidence_spans(text: str, reasons: Sequence[dict[str, Any]], side: str) -> list[tuple[int, int, set[int]]]:
    """(start, end, reason numbers) for one side ("a" or "b"), overlapping spans merged.

    Offsets are trusted only if they fit the text; a span whose offsets do not match its quoted
    text is looked up by that text instead, and dropped if it is not found."""
    spans: list[tuple[int, int, int]] = []
    for number, reason in enumerate(reasons):
        items = reason.get(f"evidence_{side}") if isinstance(reason, dict) else None
        for item in items or ():
            if not isinstance(item, dict):
                continue
            start, end, quoted = item.get("start"), item.get("end"), item.get("text")
            valid = isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text)
            if valid and (not isinstance(quoted, str) or text[start:end] == quoted):
                spans.append((start, end, number))
            elif isinstance(quoted, str) and quoted:
                found = text.find(quoted)
                if found >= 0:
                    spans.append((found, found + len(quoted), number))
    merged: list[tuple[int, int, set[int]]] = []
    for start, end, number in sorted(spans):
        if merged and start < merged[-1][1]:
            last_start, last_end, numbers = merged[-1]
            merged[-1] = (last_start, max(last_end, end), numbers | {number})
        else:
            merged.append((start, end, {number}))
    return merged


def mark_spans(text: str, spans: Iterable[tuple[int, int, set[int]]]) -> Markup:
    out: list[str] = []
    position = 0
    for start, end, numbers in spans:
        out.append(str(escape(text[position:start])))
        classes = " ".join(f"r{n}" for n in sorted(numbers))
        out.append(f'<mark class="{classes}">{escape(text[start:end])}</mark>')
        position = end
    out.append(str(escape(text[position:])))
    return Markup("".join(out))


def highlight(text: str, reasons: Sequence[dict[str, Any]], side: str) -> Markup:
    return mark_spans(text, evidence_spans(text, reasons, side))


def context_with_claim(context: str, claim: str) -> Markup:
    """The sentences around a claim, the claim itself emphasised (all of it escaped)."""
    if not context:
        return Markup("")
    found = context.find(claim) if claim else -1
    if found < 0:
        return escape(context)
    return Markup("{}<strong>{}</strong>{}").format(
        context[:found], context[found : found + len(claim)], context[found + len(claim) :]
    )
