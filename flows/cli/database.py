"""`factcheck db upgrade`."""

from __future__ import annotations

from factcheck.flows.cli.common import DatabaseOpt, database_errors, db_app, db_error, fail, out, use_database


@db_app.command("upgrade")
def db_upgrade(database: DatabaseOpt = None) -> None:
    """Bring the database schema up to date (also done automatically on first use)."""
    from factcheck.db.engine import get_engine

    url = use_database(database)
    try:
        get_engine(url)
    except database_errors() as exc:
        raise fail(db_error(exc)) from None
    out.print("database schema is up to date")
