"""Export formats for reviewed pairs. Pure writers over `PairView` records."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from typing import TextIO

from factcheck.db.queries import PairView

FORMATS = ("jsonl", "csv")

CSV_COLUMNS = [
    "id", "score", "status", "event_id", "reasons",
    "a_text", "a_speaker", "a_outlet", "a_article_url", "a_published_at",
    "b_text", "b_speaker", "b_outlet", "b_article_url", "b_published_at",
]  # fmt: skip


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
