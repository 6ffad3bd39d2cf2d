"""Sign-in and sign-out: the throttle, the form, the session cookie."""

from __future__ import annotations

import asyncio
import secrets
from concurrent.futures import ThreadPoolExecutor

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from factcheck.db import reviews
from factcheck.db.engine import session_scope
from factcheck.flows.web import limits, security
from factcheck.flows.web.base import Forbidden, Page, ReviewApp, _local

# Password checks at once in this process (scrypt: 32 MiB and ~0.1 s each); further sign-ins wait
# their turn in the queue of this pool, holding neither a thread nor hashing memory.
HASH_WORKERS = 3
_HASH_POOL = ThreadPoolExecutor(HASH_WORKERS, thread_name_prefix="factcheck-sign-in")


def _pre_token(request: Request) -> tuple[str, bool]:
    value = request.cookies.get(security.PRE_SESSION_COOKIE, "")
    if 20 <= len(value) <= 100:
        return value, False
    return secrets.token_urlsafe(24), True


async def login_page(app: ReviewApp, request: Request) -> Response:
    def work() -> bool:
        with session_scope(app.database_url) as db:
            return app.signed_in(db, request)[0] is not None

    if await run_in_threadpool(work):
        return RedirectResponse("/", status_code=303)
    return _login_form(app, request, "", "", 200)


def _login_form(app: ReviewApp, request: Request, name: str, message: str, status: int) -> Response:
    pre, fresh = _pre_token(request)
    page = Page("login.html", {"name": name, "message": message, "next": _local(request.query_params.get("next"))}, status)
    response = app.render(request, page, token="pre:" + pre)
    if fresh:
        app.set_cookie(request, response, security.PRE_SESSION_COOKIE, pre, None)
    return response


async def login(app: ReviewApp, request: Request) -> Response:
    form = await app.form(request)
    pre = request.cookies.get(security.PRE_SESSION_COOKIE, "")
    if not pre or not security.csrf_ok(app.secret, "pre:" + pre, form.get(security.CSRF_FIELD)):
        raise Forbidden("the form expired or did not come from this site; reload the sign-in page")
    try:
        name = limits.sign_in_name(form.get("name", ""))
    except limits.BadInput as exc:
        return _login_form(app, request, "", str(exc), 400)
    password = form.get("password", "")
    keys = app.throttle.keys(name, request)
    mark = app.throttle.reserve(keys)
    if mark is None:
        return _login_form(app, request, name, "Too many failed attempts; wait ten minutes.", 429)

    def work() -> str | None:
        with session_scope(app.database_url) as db:
            reviewer = reviews.authenticate(db, name, password)
            return reviews.start_session(db, app.secret, reviewer.id) if reviewer else None

    try:  # in the sign-in pool: at most HASH_WORKERS passwords are hashed at once
        token = await asyncio.wrap_future(_HASH_POOL.submit(work))
    except Exception:
        app.throttle.release(keys, mark)
        raise
    if token is None:
        return _login_form(app, request, name, "Wrong name or password.", 401)
    app.throttle.release(keys, mark)
    response = RedirectResponse(_local(form.get("next")) or "/", status_code=303)
    app.set_cookie(request, response, security.SESSION_COOKIE, token, int(reviews.SESSION_LIFETIME.total_seconds()))
    response.delete_cookie(security.PRE_SESSION_COOKIE, path="/")
    return response


async def logout(app: ReviewApp, request: Request) -> Response:
    form = await app.form(request)
    token = request.cookies.get(security.SESSION_COOKIE, "")
    if not security.csrf_ok(app.secret, token, form.get(security.CSRF_FIELD)):
        raise Forbidden("the form expired or did not come from this site")

    def work() -> None:
        with session_scope(app.database_url) as db:
            reviews.end_session(db, app.secret, token)

    await run_in_threadpool(work)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(security.SESSION_COOKIE, path="/")
    return response
