"""Export formats for reviewed pairs. Pure writers over `PairView` records.

`jsonl` and `csv` write every pair given. `claimreview` writes schema.org ClaimReview JSON-LD for
confirmed pairs only: one JSON array of ClaimReview objects, each with its own
`"@context": "https://schema.org"` (the shape fact-check aggregators and Google's ClaimReview
markup read); statement A is the claim reviewed, statement B the evidence that contradicts it.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterable, Iterator
from typing import Any, TextIO

from factcheck.db.queries import PairView, Side

FORMATS = ("jsonl", "csv", "claimreview")

CSV_COLUMNS = [
    "id", "score", "status", "event_id", "reasons",
    "a_text", "a_speaker", "a_outlet", "a_article_url", "a_published_at",
    "b_text", "b_speaker", "b_outlet", "b_article_url", "b_published_at",
]  # fmt: skip

# Exports of more pairs than this show a progress bar (on stderr, and only on a terminal).
PROGRESS_THRESHOLD = 1000


def write_jsonl(pairs: Iterable[PairView], out: TextIO) -> int:
    count = 0
    for pair in pairs:
        out.write(json.dumps(pair.export(), ensure_ascii=False) + "\n")
        count += 1
    return count


def _csv_row(pair: PairView) -> dict[str, object]:
    record = pair.export()
    row: dict[str, object] = {k: record[k] for k in ("id", "score", "status", "event_id")}
    row["reasons"] = "; ".join(r.get("message", "") for r in pair.reasons)
    for side in ("a", "b"):
        for key, value in record[f"claim_{side}"].items():
            row[f"{side}_{key}"] = value
    return row


def write_csv(pairs: Iterable[PairView], out: TextIO) -> int:
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS)
    writer.writeheader()
    count = 0
    for pair in pairs:
        writer.writerow(_csv_row(pair))
        count += 1
    return count


# --- schema.org ClaimReview --------------------------------------------------------------------

# The rating is on a 1-5 scale only because ClaimReview consumers expect one; the verdict is
# `alternateName`. 2 = disputed by another source: factcheck does not judge which side is true.
RATING = {"@type": "Rating", "alternateName": "Contradicted", "ratingValue": 2, "bestRating": 5, "worstRating": 1}

_ORGANISATION_WORDS = re.compile(
    r"\b(ministry|ministers|police|officials|office|government|agency|army|department|council|"
    r"committee|company|ministries|authorit(y|ies)|service|court|union|party|bank|news|times|post|"
    r"herald|press|group|spokes\w*|sources?|residents|witnesses|statement)\b",
    re.IGNORECASE,
)
_PROPER_NAME = re.compile(r"^[A-Z][\w.'-]*(?: [A-Z][\w.'-]*){1,3}$")


def speaker_entity(side: Side) -> dict[str, str]:
    """The claim's author: the outlet itself (Organization), a named person (Person: two to four
    capitalised words), or another source such as "the ministry" or "police" (Organization)."""
    name = side.speaker.strip() or side.outlet
    if side.speaker_kind == "outlet" or name == side.outlet:
        return {"@type": "Organization", "name": side.outlet}
    if _PROPER_NAME.match(name) and not _ORGANISATION_WORDS.search(name):
        return {"@type": "Person", "name": name}
    return {"@type": "Organization", "name": name}


def _appearance(side: Side) -> dict[str, Any]:
    work: dict[str, Any] = {
        "@type": "CreativeWork",
        "url": side.article_url,
        "publisher": {"@type": "Organization", "name": side.outlet},
    }
    if side.article_title:
        work["headline"] = side.article_title
    if side.published_at:
        work["datePublished"] = side.published_at.isoformat()
    return work


def claim_review(pair: PairView) -> dict[str, Any]:
    """One confirmed pair as a schema.org ClaimReview: A is reviewed, B contradicts it."""
    a, b = pair.claim_a, pair.claim_b
    claim: dict[str, Any] = {"@type": "Claim", "author": speaker_entity(a), "appearance": _appearance(a)}
    if a.published_at:
        claim["datePublished"] = a.published_at.isoformat()
    when = f", {b.published_at:%Y-%m-%d}" if b.published_at else ""
    body = f'Contradicted by {b.speaker} ({b.outlet}{when}): "{b.text}"'
    if pair.note:
        body += f" Reviewer's note: {pair.note}"
    evidence = {**_appearance(b), "text": b.text, "author": speaker_entity(b)}
    review: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "identifier": f"factcheck-pair-{pair.id}",
        "claimReviewed": a.text,
        "itemReviewed": claim,
        "reviewRating": dict(RATING),
        "reviewBody": body,
        "isBasedOn": evidence,
        "citation": evidence,
        "author": {"@type": "Person", "name": pair.reviewer or "unknown reviewer"},
    }
    if pair.reviewed_at:
        review["datePublished"] = pair.reviewed_at.isoformat()
    return review


def write_claimreview(pairs: Iterable[PairView], out: TextIO) -> int:
    """A JSON array of ClaimReview objects, streamed; pairs that are not confirmed are skipped."""
    count = 0
    out.write("[")
    for pair in pairs:
        if pair.status != "confirmed":
            continue
        out.write(",\n" if count else "\n")
        out.write(json.dumps(claim_review(pair), ensure_ascii=False, indent=2))
        count += 1
    out.write("\n]\n" if count else "]\n")
    return count


WRITERS = {"jsonl": write_jsonl, "csv": write_csv, "claimreview": write_claimreview}


def with_progress(pairs: Iterable[PairView], total: int, console: Any) -> Iterator[PairView]:
    """Yield the pairs while a Rich progress bar on `console` (stderr) counts them."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    columns = (TextColumn("Exporting pairs"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=console, transient=False) as progress:
        task = progress.add_task("export", total=total)
        for pair in pairs:
            yield pair
            progress.advance(task)
