"""Which imports between our packages run against the allowed direction, and which modules import
each other in a cycle.

The allowed directions (README, "Layout"): `tasks.models` is the one shared leaf, which imports
none of ours and which anything may import; `config` imports only itself and that leaf; the
stages under `tasks/` import only `tasks` (never the Prefect tasks of `tasks.steps`) and
`config`; `db` imports only `db`, `config` and the leaf; `tasks.steps` (the Prefect tasks) may
also import `db`, and so may the model training (`tasks.pairs.training`, a build step that reads
reviewers' verdicts); `flows` may import anything. Imports inside functions count too: a lazy
import is still a dependency.

    python bench/import_directions.py            # a report; exit status 1 when any rule is broken
"""

from __future__ import annotations

import argparse
import ast
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = {"factcheck.flows": "flows", "factcheck.tasks": "tasks", "factcheck.db": "db", "factcheck.config": "config"}

LEAF = "factcheck.tasks.models"
# (importer prefix, allowed prefixes, forbidden prefixes); the first matching importer decides.
RULES: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = (
    (LEAF, (), ()),
    ("factcheck.config", ("factcheck.config", LEAF), ()),
    ("factcheck.tasks.steps", ("factcheck.tasks", "factcheck.db", "factcheck.config"), ()),
    ("factcheck.tasks.pairs.training", ("factcheck.tasks", "factcheck.db.engine", "factcheck.db.queries",
                                       "factcheck.config"), ("factcheck.tasks.steps",)),
    ("factcheck.tasks", ("factcheck.tasks", "factcheck.config"), ("factcheck.tasks.steps",)),
    ("factcheck.db", ("factcheck.db", "factcheck.config", LEAF), ()),
    ("factcheck.flows", ("factcheck",), ()),
)


@dataclass(frozen=True)
class Edge:
    importer: str
    imported: str
    line: int
    lazy: bool


def modules(root: Path = ROOT) -> dict[str, Path]:
    """Every module of the package, by its import name."""
    found: dict[str, Path] = {}
    for package, folder in PACKAGES.items():
        for path in sorted((root / folder).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            parts = list(path.relative_to(root / folder).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join([package, *parts])] = path
    return found


def _resolve(name: str, known: dict[str, Path]) -> str | None:
    """The longest known module that `name` is or lies in (an imported function names its module)."""
    while name:
        if name in known:
            return name
        name = name.rpartition(".")[0]
    return None


def edges(known: dict[str, Path]) -> list[Edge]:
    found: list[Edge] = []
    for module, path in known.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        package = module if path.name == "__init__.py" else module.rpartition(".")[0]
        top_level = {id(node) for node in tree.body}
        for node in ast.walk(tree):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join([*anchor, base] if base else anchor)
                names = [f"{base}.{alias.name}" for alias in node.names] or [base]
            for name in names:
                target = _resolve(name, known)
                if target and target != module:
                    found.append(Edge(module, target, node.lineno, id(node) not in top_level))
    return list(dict.fromkeys(found))


def _within(module: str, prefix: str) -> bool:
    return module == prefix or module.startswith(prefix + ".")


def broken(found: list[Edge]) -> list[Edge]:
    """Imports against the allowed direction."""
    bad = []
    for edge in found:
        for prefix, allowed, forbidden in RULES:
            if _within(edge.importer, prefix):
                if not any(_within(edge.imported, a) for a in allowed) or any(
                    _within(edge.imported, f) for f in forbidden
                ):
                    bad.append(edge)
                break
    return bad


def cycles(found: list[Edge]) -> list[list[str]]:
    """Groups of modules that import each other, directly or round a loop (Tarjan's SCC)."""
    graph: dict[str, set[str]] = {}
    for edge in found:
        graph.setdefault(edge.importer, set()).add(edge.imported)
        graph.setdefault(edge.imported, set())
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                group.append(top)
                if top == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    sys.setrecursionlimit(10_000)
    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(groups)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.parse_args(argv)
    known = modules()
    found = edges(known)
    bad = broken(found)
    loops = cycles(found)
    print(f"{len(known)} modules, {len(found)} imports between them")
    print(f"imports against the allowed direction: {len(bad)}")
    for edge in bad:
        path = known[edge.importer].relative_to(ROOT)
        print(f"  {path}:{edge.line} {edge.importer} -> {edge.imported}{' (inside a function)' if edge.lazy else ''}")
    print(f"import cycles: {len(loops)}")
    for group in loops:
        print("  " + " <-> ".join(group))
    return 1 if bad or loops else 0


if __name__ == "__main__":
    raise SystemExit(main())
