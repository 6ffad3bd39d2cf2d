"""`factcheck review-ui` and `factcheck reviewers`: the review web app and its accounts."""

from __future__ import annotations

import sys
from datetime import datetime
from typing import Annotated, Optional

import typer

from factcheck.flows.cli.common import (
    DatabaseOpt,
    app,
    database_errors,
    db_error,
    err,
    fail,
    open_session,
    out,
    reviewers_app,
    use_database,
)


@app.command("review-ui")
def review_ui(
    host: Annotated[str, typer.Option(help="Address to listen on (loopback by default; put HTTPS in front otherwise).")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8765,
    database: DatabaseOpt = None,
) -> None:
    """Serve the reviewers' web app: the queue, pair pages, verdicts (sign-in required)."""
    import uvicorn

    from factcheck.config.settings import current
    from factcheck.flows.web.app import create_app

    url = use_database(database)
    try:
        web = create_app(url, settings=current())
    except database_errors() as exc:
        raise fail(db_error(exc)) from None
    if host not in ("127.0.0.1", "localhost", "::1"):
        err.print(f"listening on {host}: serve it behind HTTPS (session cookies are marked Secure only over HTTPS)", style="yellow")
    err.print(f"review app on http://{'[' + host + ']' if ':' in host else host}:{port}/  (Ctrl-C stops it)")
    uvicorn.run(web, host=host, port=port, log_level="warning", proxy_headers=True, server_header=False)


def _reviewer_name(name: str) -> str:
    from factcheck.db.reviews import ReviewerError, check_name

    try:
        return check_name(name)
    except ReviewerError as exc:
        raise fail(str(exc), code=2) from None


def _new_password(password_stdin: bool) -> str:
    """One line of standard input (scripts), or asked twice with hidden input."""
    if password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return typer.prompt("Password", hide_input=True, confirmation_prompt=True)


def _change_reviewers(database: str | None, change) -> int:
    """Run `change(session)` in one transaction; a ReviewerError (no such name...) is one line."""
    from factcheck.db.reviews import ReviewerError

    url = use_database(database)
    try:
        with open_session(url) as session:
            return change(session)
    except ReviewerError as exc:
        raise fail(str(exc)) from None


PasswordStdinOpt = Annotated[bool, typer.Option("--password-stdin", help="Read the password from standard input.")]


@reviewers_app.command("add")
def reviewers_add(
    name: Annotated[str, typer.Argument(help="The reviewer's name (shown with their verdicts).")],
    password_stdin: PasswordStdinOpt = False,
    database: DatabaseOpt = None,
) -> None:
    """Add a reviewer account; the password is asked twice (hidden) unless --password-stdin."""
    from factcheck.db.reviews import add_reviewer

    name = _reviewer_name(name)
    password = _new_password(password_stdin)
    _change_reviewers(database, lambda session: add_reviewer(session, name, password))
    out.print(f"reviewer {name!r} added", highlight=False)


@reviewers_app.command("list")
def reviewers_list(database: DatabaseOpt = None) -> None:
    """Every reviewer: enabled or disabled, created, last sign-in, open sessions."""
    from rich.table import Table
    from rich.text import Text

    from factcheck.db.reviews import list_reviewers

    url = use_database(database)
    with open_session(url) as session:
        reviewers = list_reviewers(session)

    def when(value: datetime | None) -> str:
        return f"{value:%Y-%m-%d %H:%M}" if value else "never"

    table = Table(title=f"{len(reviewers)} reviewer(s)")
    for column in ("name", "status", "created", "last sign-in", "sessions"):
        table.add_column(column, overflow="fold")
    for r in reviewers:
        status = f"disabled {r.disabled_at:%Y-%m-%d %H:%M}" if r.disabled_at else "enabled"
        table.add_row(Text(r.name), status, when(r.created_at), when(r.last_login_at), str(r.sessions))
    out.print(table)


@reviewers_app.command("disable")
def reviewers_disable(name: Annotated[str, typer.Argument(help="The reviewer.")], database: DatabaseOpt = None) -> None:
    """Block a reviewer's sign-in and end their sessions; their verdicts stay."""
    from factcheck.db.reviews import set_disabled

    name = _reviewer_name(name)
    ended = _change_reviewers(database, lambda session: set_disabled(session, name, True))
    out.print(f"reviewer {name!r} disabled; {ended} session(s) ended", highlight=False)


@reviewers_app.command("enable")
def reviewers_enable(name: Annotated[str, typer.Argument(help="The reviewer.")], database: DatabaseOpt = None) -> None:
    """Let a disabled reviewer sign in again (with their current password)."""
    from factcheck.db.reviews import set_disabled

    name = _reviewer_name(name)
    _change_reviewers(database, lambda session: set_disabled(session, name, False))
    out.print(f"reviewer {name!r} enabled", highlight=False)


@reviewers_app.command("reset-password")
def reviewers_reset_password(
    name: Annotated[str, typer.Argument(help="The reviewer.")],
    password_stdin: PasswordStdinOpt = False,
    database: DatabaseOpt = None,
) -> None:
    """Set a new password (asked twice, hidden, unless --password-stdin) and end the reviewer's sessions."""
    from factcheck.db.reviews import set_password

    name = _reviewer_name(name)
    password = _new_password(password_stdin)
    ended = _change_reviewers(database, lambda session: set_password(session, name, password))
    out.print(f"password of {name!r} changed; {ended} session(s) ended", highlight=False)


@reviewers_app.command("sign-out-all")
def reviewers_sign_out_all(
    name: Annotated[Optional[str], typer.Option("--name", help="Only this reviewer's sessions.")] = None,
    database: DatabaseOpt = None,
) -> None:
    """End every session of the review app (of every reviewer, or of one with --name)."""
    from factcheck.db.reviews import end_sessions

    name = _reviewer_name(name) if name is not None else None
    ended = _change_reviewers(database, lambda session: end_sessions(session, name))
    out.print(f"{ended} session(s) ended", highlight=False)
