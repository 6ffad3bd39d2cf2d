"""`python -m factcheck.flows.cli`, the same as the `factcheck` script."""

from factcheck.flows.cli import main

main()
