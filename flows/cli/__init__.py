"""The `factcheck` command, one module per group of commands; `common` holds what they share.

Importing the command modules registers their commands on the Typer apps of `common`."""

from __future__ import annotations

# In the order `factcheck --help` lists them.
from factcheck.flows.cli import pipeline, check, pairs, reports, feeds, reviewers, database  # noqa: F401,I001  (registers)
from factcheck.flows.cli.common import app, main

__all__ = ["app", "main"]
