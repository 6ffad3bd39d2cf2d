"""What every flow does around its work: a row in `runs` that ends completed or failed, the
summary it returns and shows as an artifact, and its work cut into batches of tasks."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from prefect import runtime

from factcheck.config.settings import Settings, use
from factcheck.db import store
from factcheck.db.engine import session_scope
from factcheck.tasks.text_safety import markdown_text


@dataclass
class RunSummary:
    run_id: int
    counts: dict[str, int]
    issues: list[dict[str, str | None]] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"run_id": self.run_id, "counts": self.counts, "issues": self.issues}


def summary_markdown(summary: RunSummary) -> str:
    """The run summary artifact. Subjects and statuses carry feed titles, URLs and server
    messages: `markdown_text` keeps them literal (no images, links, HTML or table cells of theirs)."""
    lines = [f"# factcheck run {summary.run_id}", "", "| count | value |", "|---|---:|"]
    lines += [f"| {markdown_text(k.replace('_', ' '))} | {v} |" for k, v in summary.counts.items()]
    if summary.issues:
        lines += ["", "## Inputs with problems", "", "| stage | subject | status |", "|---|---|---|"]
        lines += [
            f"| {markdown_text(i['stage'])} | {markdown_text(i['subject'])} | {markdown_text(i['status'])} |"
            for i in summary.issues[:200]
        ]
    return "\n".join(lines)


def merge_counts(*parts: dict[str, int]) -> dict[str, int]:
    """One run's counts; a count both stages keep (articles analysed, claims) is their sum."""
    out: dict[str, int] = {}
    for part in parts:
        for key, value in part.items():
            out[key] = out.get(key, 0) + value
    return out


@dataclass
class RecordedRun:
    """The run row of a flow; set `counts` before the body ends, they are stored with its end."""

    run_id: int
    counts: dict[str, int] = field(default_factory=dict)


@contextmanager
def recorded_run(settings: Settings, kind: str) -> Iterator[RecordedRun]:
    """A row in `runs` around a flow's body: started on entry, completed with the body's counts,
    or failed with the error (which is raised again). `settings` are the run's for the whole body:
    its tasks read these (`current()`), built once, also where Prefect started the flow's process.

    With the database gone the failure's write fails too (one more attempt, see db/outages.py):
    the row stays 'running', the flow fails with DatabaseUnavailable, and the next run on this host
    marks the row 'interrupted'."""
    url = settings.database()
    with session_scope(url) as session:
        run = RecordedRun(store.start_run(session, kind=kind, flow_run_id=str(runtime.flow_run.id or "") or None))
    try:
        with use(settings):
            yield run
    except BaseException as exc:
        with session_scope(url) as session:
            store.finish_run(session, run.run_id, status="failed", counts={}, error=f"{type(exc).__name__}: {exc}")
        raise
    with session_scope(url) as session:
        store.finish_run(session, run.run_id, status="completed", counts=run.counts)


def batches(ids: list[int], size: int) -> list[list[int]]:
    """`ids` in consecutive batches of `size`, one task each."""
    return [ids[i : i + size] for i in range(0, len(ids), size)]
