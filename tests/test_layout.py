"""The packages import one another only in the directions the README's "Layout" allows."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _checker():
    spec = importlib.util.spec_from_file_location("import_directions", ROOT / "bench" / "import_directions.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_imports_follow_the_allowed_directions_and_form_no_cycle():
    checker = _checker()
    found = checker.edges(checker.modules())
    assert len(found) > 100  # the checker reads the real tree
    assert [f"{e.importer} -> {e.imported}" for e in checker.broken(found)] == []
    assert checker.cycles(found) == []


def test_the_checker_finds_an_upward_import_and_a_cycle_even_inside_a_function(tmp_path: Path):
    checker = _checker()
    for folder in ("flows", "tasks", "db", "config"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "__init__.py").write_text("")
    (tmp_path / "flows" / "progress.py").write_text("")
    (tmp_path / "tasks" / "models.py").write_text("")
    (tmp_path / "tasks" / "steps.py").write_text("from factcheck.db import store\n")
    (tmp_path / "tasks" / "feeds.py").write_text("def f():\n    from factcheck.flows import progress\n")
    (tmp_path / "db" / "store.py").write_text("from factcheck.tasks.models import X\nfrom . import queries\n")
    (tmp_path / "db" / "queries.py").write_text("from factcheck.db.store import save\n")
    found = checker.edges(checker.modules(tmp_path))
    bad = checker.broken(found)
    assert [(e.importer, e.imported, e.lazy) for e in bad] == [
        ("factcheck.tasks.feeds", "factcheck.flows.progress", True),
    ]
    assert checker.cycles(found) == [["factcheck.db.queries", "factcheck.db.store"]]
