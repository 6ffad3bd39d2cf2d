"""`factcheck check`: two statements, or a file of pairs, scored without a database."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from factcheck.flows.cli.common import app, err, fail, out, use_settings


def _rescorers() -> list:
    """The opt-in model-based rescorers, built once per command (they may load a model)."""
    global _RESCORERS
    if _RESCORERS is None:
        from factcheck.config.settings import current
        from factcheck.tasks.pairs import rescoring

        settings = current()
        _RESCORERS = [rescoring.nli_rescorer(settings), rescoring.llm_judge(settings)]
    return _RESCORERS


_RESCORERS: list | None = None


def _check_record(a: str, b: str, threshold: float) -> dict:
    from factcheck.tasks.pairs import rescoring
    from factcheck.tasks.pairs.detect import score_statements

    score, claim_a, claim_b = score_statements(a, b)
    if claim_a is not None and claim_b is not None:
        ((_, _, score),) = rescoring.rescore([(claim_a, claim_b, score)], _rescorers(), lambda claim: claim)
    return {
        "contradiction": score.score >= threshold,
        "score": round(score.score, 4),
        "reasons": [r.as_dict() for r in score.reasons],
        "claim_a": claim_a.text if claim_a else None,
        "claim_b": claim_b.text if claim_b else None,
    }


@app.command()
def check(
    a: Annotated[Optional[str], typer.Argument(help="Statement or passage A.")] = None,
    b: Annotated[Optional[str], typer.Argument(help="Statement or passage B.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    batch: Annotated[Optional[Path], typer.Option("--batch", help='JSONL file of {"id", "a", "b"} lines ("-" for stdin).')] = None,
) -> None:
    """Score one pair of statements (or a batch) and explain the score."""
    from factcheck.tasks.language.nlp import LanguageModelError
    from factcheck.tasks.pairs.scorer import ScorerError

    threshold = use_settings().pair_threshold
    try:
        if batch is not None:
            raise typer.Exit(_check_batch(batch, threshold))
        if not a or not b:
            raise fail('give two statements: factcheck check "A" "B" (or --batch FILE)', code=2)
        record = _check_record(a, b, threshold)
    except (LanguageModelError, ScorerError) as exc:
        raise fail(str(exc)) from None
    if as_json:
        out.print_json(data=record)
        return
    from factcheck.flows.reports.render import reasons_text

    verdict = "[bold red]contradiction[/]" if record["contradiction"] else "[green]no contradiction found[/]"
    out.print(f"{verdict} · score {record['score']:.2f} (threshold {threshold:.2f})")
    if record["claim_a"] and (record["claim_a"] != a.strip() or record["claim_b"] != b.strip()):
        out.print(f"[dim]strongest pair:[/]\n A: {record['claim_a']}\n B: {record['claim_b']}", highlight=False)
    if record["reasons"]:
        out.print(reasons_text(record["reasons"]))


def _check_batch(path: Path, threshold: float) -> int:
    """One output line per input line; a bad line gets an error record, the rest go on."""
    try:
        stream = sys.stdin if str(path) == "-" else path.open(encoding="utf-8")
    except OSError as exc:
        raise fail(f"{path}: cannot be read ({exc.strerror or exc})") from None
    errors = 0
    with stream:
        for chunk in _chunks(enumerate(stream, start=1), BATCH_LINES):
            items: list[tuple[int, dict | str]] = []
            for number, line in chunk:
                if not line.strip():
                    continue
                try:
                    item = json.loads(line)
                    if not isinstance(item, dict) or not isinstance(item.get("a"), str) or not isinstance(item.get("b"), str):
                        raise ValueError('expected an object with string fields "a" and "b"')
                    items.append((number, item))
                except ValueError as exc:
                    items.append((number, str(exc)))
            _prepare([t for _n, item in items if isinstance(item, dict) for t in (item["a"], item["b"])])
            for number, item in items:
                if isinstance(item, str):
                    errors += 1
                    err.print(f"line {number}: {item}", highlight=False)
                    record = {"id": None, "error": f"line {number}: {item}"}
                else:
                    record = {"id": item.get("id"), **_check_record(item["a"], item["b"], threshold)}
                    record.pop("claim_a"), record.pop("claim_b")
                sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")
    return 1 if errors else 0


# Lines of a --batch file parsed together: spaCy parses a batch of sentences much faster than
# one at a time.
BATCH_LINES = 256


def _chunks(iterable, size: int):
    chunk: list = []
    for item in iterable:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _prepare(texts: list[str]) -> None:
    from factcheck.tasks.pairs.detect import prepare_statements

    prepare_statements(texts)
