"""The review app: a queue of stored pairs, a page per pair, verdicts with history, sign-in, and
the Detector page (precision and volume from the verdicts, db/stats.py).

Server-rendered (Starlette + Jinja2 with autoescaping) with one small script (static/app.js) for
the keyboard shortcuts. Database work runs in Starlette's thread pool with the pipeline's own
sessions (db/engine.py); sign-ins run in a small pool of their own, so that password hashing
(32 MiB of scrypt each) cannot take all memory. See security.py for sessions, CSRF, links, the
Host header and the security headers, and limits.py for the checks of values from requests.
"""

from __future__ import annotations

import asyncio
import secrets
import threading
import time
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from sqlalchemy.orm import Session
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp

from factcheck.config.settings import Settings
from factcheck.db import queries, reviews, stats
from factcheck.db.engine import session_scope
from factcheck.db.models import max_id
from factcheck.flows.web import chart, highlight, limits, security
from factcheck.flows.web.params import QueueParams

HERE = Path(__file__).parent
PAGE_SIZE = 25
OUTLET_PAIRS_SHOWN = 25  # the Detector page's table; `factcheck stats --json` lists them all
MAX_FORM_BYTES = 64 * 1024
MAX_NOTE = 4000
VERDICTS = ("confirmed", "rejected", "unsure")
# Sign-in throttle: this many failures for one name (limits.throttle_key) within the window refuse
# further tries, and so do this many from one client address across names.
MAX_FAILURES, FAILURE_WINDOW_S = 10, 600.0
MAX_ADDRESS_FAILURES = 30
# Password checks at once in this process (scrypt: 32 MiB and ~0.1 s each); further sign-ins wait
# their turn in the queue of this pool, holding neither a thread nor hashing memory.
HASH_WORKERS = 3
_HASH_POOL = ThreadPoolExecutor(HASH_WORKERS, thread_name_prefix="factcheck-sign-in")


def _when(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M UTC") if value else "date unknown"


def make_templates() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(HERE / "templates")),
        autoescape=True,  # every template, whatever its name
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["when"] = _when
    env.filters["href"] = security.safe_href
    env.filters["score"] = lambda value: f"{value:.2f}"
    env.filters["percent"] = lambda value: "–" if value is None else f"{value:.0%}"
    env.filters["age"] = stats.human_age
    return env


class Forbidden(Exception):
    pass


@dataclass
class Page:
    template: str
    context: dict[str, Any]
    status_code: int = 200


class ReviewApp:
    """The app's state: database URL, secret key, templates, sign-in throttle."""

    def __init__(self, database_url: str, secret: bytes | None = None) -> None:
        self.database_url = database_url
        self.max_id = max_id(database_url)
        self.settings = Settings()
        configured = self.settings.web_secret
        if secret is None and configured is not None:
            secret = configured.get_secret_value().encode("utf-8")
        if secret is None:
            with session_scope(database_url) as session:
                secret = reviews.stored_secret(session)
        self.secret = secret
        self.templates = make_templates()
        self._attempts: dict[str, deque[float]] = {}
        self._attempts_lock = threading.Lock()

    # --- plumbing ------------------------------------------------------------------------------

    def render(self, request: Request, page: Page, *, token: str | None = None) -> HTMLResponse:
        context = {"request_path": request.url.path, "verdicts": VERDICTS, **page.context}
        context.setdefault("reviewer", None)
        context.setdefault("csrf", security.csrf_token(self.secret, token) if token else "")
        html = self.templates.get_template(page.template).render(**context)
        return HTMLResponse(html, status_code=page.status_code, headers={"Cache-Control": "no-store"})

    def error(self, request: Request, status: int, message: str, **context: Any) -> HTMLResponse:
        return self.render(request, Page("error.html", {"status": status, "message": message, **context}, status))

    def set_cookie(self, request: Request, response: Response, name: str, value: str, max_age: int | None) -> None:
        response.set_cookie(
            name, value, max_age=max_age, path="/", httponly=True, samesite="lax",
            secure=request.url.scheme == "https",
        )  # fmt: skip

    async def form(self, request: Request) -> dict[str, str]:
        """The POSTed form (urlencoded only); raises Forbidden for a cross-site Origin."""
        origin = request.headers.get("origin")
        if origin and origin != "null":
            expected = f"{request.url.scheme}://{request.headers.get('host', '')}"
            if origin != expected:
                raise Forbidden("cross-site request")
        elif origin == "null":
            raise Forbidden("cross-site request")
        if not request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
            return {}
        body = b""
        async for chunk in request.stream():
            body += chunk
            if len(body) > MAX_FORM_BYTES:
                raise Forbidden("form too large")
        parsed = parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True)
        return {key: values[0] for key, values in parsed.items()}

    def path_id(self, value: str) -> int | None:
        """An id from a path or a link, None when this database cannot hold it (a 404, not a 500)."""
        try:
            return limits.parse_id(value, "id", self.max_id)
        except limits.BadInput:
            return None

    def signed_in(self, db: Session, request: Request) -> tuple[reviews.SignedIn | None, str]:
        token = request.cookies.get(security.SESSION_COOKIE, "")
        return (reviews.session_reviewer(db, self.secret, token) if token else None), token

    def to_login(self, request: Request) -> RedirectResponse:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse("/login?" + urlencode({"next": target}), status_code=303)

    # --- sign-in -------------------------------------------------------------------------------

    def _throttle_keys(self, name: str, request: Request) -> list[tuple[str, int]]:
        address = request.client.host if request.client else ""
        return [("name:" + limits.throttle_key(name), MAX_FAILURES), ("address:" + address, MAX_ADDRESS_FAILURES)]

    def _reserve(self, keys: list[tuple[str, int]]) -> float | None:
        """Count an attempt against every key before it is evaluated, in one step with the check,
        so that concurrent attempts beyond a limit are refused unevaluated. Its mark, or None when
        a key is at its limit."""
        now = time.monotonic()
        with self._attempts_lock:
            for key, limit in keys:
                marks = self._attempts.get(key, deque())
                while marks and marks[0] < now - FAILURE_WINDOW_S:
                    marks.popleft()
                if len(marks) >= limit:
                    return None
            if len(self._attempts) > 10_000:  # many made-up names: forget the quiet ones
                self._attempts = {k: v for k, v in self._attempts.items() if len(v) >= 3}
            for key, _ in keys:
                self._attempts.setdefault(key, deque()).append(now)
        return now

    def _release(self, keys: list[tuple[str, int]], mark: float) -> None:
        """Take an attempt's mark back: it succeeded (or failed on our side), so it is no failure."""
        with self._attempts_lock:
            for key, _ in keys:
                marks = self._attempts.get(key)
                if marks and mark in marks:
                    marks.remove(mark)

    def _pre_token(self, request: Request) -> tuple[str, bool]:
        value = request.cookies.get(security.PRE_SESSION_COOKIE, "")
        if 20 <= len(value) <= 100:
            return value, False
        return secrets.token_urlsafe(24), True

    async def login_page(self, request: Request) -> Response:
        def work() -> bool:
            with session_scope(self.database_url) as db:
                return self.signed_in(db, request)[0] is not None

        if await run_in_threadpool(work):
            return RedirectResponse("/", status_code=303)
        return self._login_form(request, "", "", 200)

    def _login_form(self, request: Request, name: str, message: str, status: int) -> Response:
        pre, fresh = self._pre_token(request)
        page = Page("login.html", {"name": name, "message": message, "next": _local(request.query_params.get("next"))}, status)
        response = self.render(request, page, token="pre:" + pre)
        if fresh:
            self.set_cookie(request, response, security.PRE_SESSION_COOKIE, pre, None)
        return response

    async def login(self, request: Request) -> Response:
        form = await self.form(request)
        pre = request.cookies.get(security.PRE_SESSION_COOKIE, "")
        if not pre or not security.csrf_ok(self.secret, "pre:" + pre, form.get(security.CSRF_FIELD)):
            raise Forbidden("the form expired or did not come from this site; reload the sign-in page")
        try:
            name = limits.sign_in_name(form.get("name", ""))
        except limits.BadInput as exc:
            return self._login_form(request, "", str(exc), 400)
        password = form.get("password", "")
        keys = self._throttle_keys(name, request)
        mark = self._reserve(keys)
        if mark is None:
            return self._login_form(request, name, "Too many failed attempts; wait ten minutes.", 429)

        def work() -> str | None:
            with session_scope(self.database_url) as db:
                reviewer = reviews.authenticate(db, name, password)
                return reviews.start_session(db, self.secret, reviewer.id) if reviewer else None

        try:  # in the sign-in pool: at most HASH_WORKERS passwords are hashed at once
            token = await asyncio.wrap_future(_HASH_POOL.submit(work))
        except Exception:
            self._release(keys, mark)
            raise
        if token is None:
            return self._login_form(request, name, "Wrong name or password.", 401)
        self._release(keys, mark)
        response = RedirectResponse(_local(form.get("next")) or "/", status_code=303)
        self.set_cookie(request, response, security.SESSION_COOKIE, token, int(reviews.SESSION_LIFETIME.total_seconds()))
        response.delete_cookie(security.PRE_SESSION_COOKIE, path="/")
        return response

    async def logout(self, request: Request) -> Response:
        form = await self.form(request)
        token = request.cookies.get(security.SESSION_COOKIE, "")
        if not security.csrf_ok(self.secret, token, form.get(security.CSRF_FIELD)):
            raise Forbidden("the form expired or did not come from this site")

        def work() -> None:
            with session_scope(self.database_url) as db:
                reviews.end_session(db, self.secret, token)

        await run_in_threadpool(work)
        response = RedirectResponse("/login", status_code=303)
        response.delete_cookie(security.SESSION_COOKIE, path="/")
        return response

    # --- the queue -----------------------------------------------------------------------------

    async def queue(self, request: Request) -> Response:
        params = QueueParams.parse(request.query_params, self.max_id)
        after_token = request.query_params.get("after", "")[:100]

        def work() -> Response | Page:
            with session_scope(self.database_url) as db:
                reviewer, token = self.signed_in(db, request)
                if reviewer is None:
                    return self.to_login(request)
                filters = params.pair_filter()
                problems = list(params.problems)
                after = None
                if after_token:
                    try:
                        after = limits.check_cursor(*queries.parse_cursor(after_token, "score"), self.max_id)
                    except ValueError:  # limits.BadInput too
                        problems.append("that page link is not valid any more: showing the first page")
                rows = queries.list_pairs(db, filters, sort="score", after=after, limit=PAGE_SIZE + 1)
                more, rows = len(rows) > PAGE_SIZE, rows[:PAGE_SIZE]
                counts = queries.status_counts(db, filters)
                outlets = queries.outlets(db)
                event = queries.get_event(db, params.event)
                return Page("queue.html", {
                    "reviewer": reviewer, "csrf": security.csrf_token(self.secret, token),
                    "params": params, "pairs": rows, "counts": counts, "total": sum(counts.values()),
                    "matching": queries.count_pairs(db, filters), "outlets": outlets, "event": event,
                    "problems": problems, "paged": after is not None,
                    "next_page": params.query(after=queries.cursor_token(rows[-1], "score")) if more and rows else None,
                }, 400 if problems else 200)  # fmt: skip

        result = await run_in_threadpool(work)
        return self.render(request, result) if isinstance(result, Page) else result

    # --- one pair ------------------------------------------------------------------------------

    def _neighbours(self, db: Session, params: QueueParams, pair: queries.PairView) -> tuple[int | None, int | None]:
        """The previous and next pair of the queue this pair was opened from (score order)."""
        filters = params.pair_filter()
        following = queries.list_pairs(db, filters, sort="score", after=(pair.score, pair.id), limit=1)
        return queries.previous_pair_id(db, filters, pair), (following[0].id if following else None)

    async def pair_page(self, request: Request) -> Response:
        pair_id = self.path_id(request.path_params["pair_id"])
        params = QueueParams.parse(request.query_params, self.max_id)
        done = request.query_params.get("done", "")

        def work() -> Response | Page:
            with session_scope(self.database_url) as db:
                reviewer, token = self.signed_in(db, request)
                if reviewer is None:
                    return self.to_login(request)
                pair = queries.get_pair(db, pair_id) if pair_id is not None else None
                if pair is None:
                    return Page("error.html", {"status": 404, "message": "No such pair.", "reviewer": reviewer,
                                               "csrf": security.csrf_token(self.secret, token)}, 404)  # fmt: skip
                previous, following = self._neighbours(db, params, pair)
                event = queries.get_event(db, pair.event_id)
                siblings = []
                if pair.event_id is not None:
                    siblings = [p for p in queries.list_pairs(db, queries.PairFilter(event_id=pair.event_id), sort="score", limit=51)
                                if p.id != pair.id][:50]  # fmt: skip
                sides = [
                    ("A", pair.claim_a, highlight.highlight(pair.claim_a.text, pair.reasons, "a"),
                     highlight.context_with_claim(pair.claim_a.context, pair.claim_a.text)),
                    ("B", pair.claim_b, highlight.highlight(pair.claim_b.text, pair.reasons, "b"),
                     highlight.context_with_claim(pair.claim_b.context, pair.claim_b.text)),
                ]  # fmt: skip
                done_pair = self.path_id(done) if done else None
                return Page("pair.html", {
                    "reviewer": reviewer, "csrf": security.csrf_token(self.secret, token), "pair": pair,
                    "sides": sides, "event": event, "siblings": siblings, "params": params,
                    "history": reviews.pair_history(db, pair.id), "previous": previous, "following": following,
                    "done": done_pair, "queue_query": params.query(), "problems": params.problems,
                }, 400 if params.problems else 200)  # fmt: skip

        result = await run_in_threadpool(work)
        return self.render(request, result) if isinstance(result, Page) else result

    # --- the detector's figures ------------------------------------------------------------------

    async def detector(self, request: Request) -> Response:
        """Precision and volume from the reviewers' verdicts (db/stats.py), optionally since a day."""
        problems, since = [], None
        if request.query_params.get("since"):
            try:
                since = limits.parse_day(request.query_params["since"], "since")
            except limits.BadInput as exc:
                problems.append(f"{exc}: showing all pairs")

        def work() -> Response | Page:
            with session_scope(self.database_url) as db:
                reviewer, token = self.signed_in(db, request)
                if reviewer is None:
                    return self.to_login(request)
                figures = stats.detector_stats(db, since=since)
                return Page("detector.html", {
                    "reviewer": reviewer, "csrf": security.csrf_token(self.secret, token), "stats": figures,
                    "chart": chart.week_chart(figures.by_week), "colours": {**chart.COLOURS, "precision": chart.LINE},
                    "outlet_pairs": figures.by_outlet_pair[:OUTLET_PAIRS_SHOWN], "problems": problems,
                }, 400 if problems else 200)  # fmt: skip

        result = await run_in_threadpool(work)
        return self.render(request, result) if isinstance(result, Page) else result

    async def verdict(self, request: Request) -> Response:
        pair_id = self.path_id(request.path_params["pair_id"])
        form = await self.form(request)
        token = request.cookies.get(security.SESSION_COOKIE, "")
        if not security.csrf_ok(self.secret, token, form.get(security.CSRF_FIELD)):
            raise Forbidden("the form expired or did not come from this site; reload the page")
        verdict, note = form.get("verdict", ""), form.get("note", "")[:MAX_NOTE]
        # Bad queue values are dropped (QueueParams): they only decide where to go next.
        queue = parse_qs(form.get("queue", "").lstrip("?")[:4000])
        params = QueueParams.parse({key: values[0] for key, values in queue.items()}, self.max_id)

        def save() -> Response | queries.PairView:
            with session_scope(self.database_url) as db:
                reviewer, _ = self.signed_in(db, request)
                if reviewer is None:
                    return self.to_login(request)
                if verdict not in VERDICTS:
                    return self.error(request, 400, f"Unknown verdict; use one of: {', '.join(VERDICTS)}.")
                if limits.has_control(note, limits.LINE_BREAKS):
                    return self.error(request, 400, "The note holds control characters; the verdict was not "
                                                    "saved. Go back, remove them and send it again.")  # fmt: skip
                pair = queries.get_pair(db, pair_id) if pair_id is not None else None
                if pair is None:
                    return self.error(request, 404, "No such pair.")
                reviews.record_verdict(db, pair.id, verdict, reviewer.name, note)
                return pair

        def next_pair(pair: queries.PairView) -> Response:
            with session_scope(self.database_url) as db:  # the verdict is committed already
                _, following = self._neighbours(db, params, pair)
            target = f"/pairs/{following}" if following else "/"
            query = params.items(done=pair.id) if following else params.items()
            return RedirectResponse(target + ("?" + urlencode(query) if query else ""), status_code=303)

        saved = await run_in_threadpool(save)
        return saved if isinstance(saved, Response) else await run_in_threadpool(next_pair, saved)


def _local(target: str | None) -> str:
    """A redirect target on this site only (a path, never `//host` or a scheme)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return ""
    if any(ord(ch) < 0x20 for ch in target):
        return ""
    return target


class SecurityHeaders:
    """Pure ASGI middleware adding the security headers to every response."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.headers = [(k.lower().encode(), v.encode()) for k, v in security.SECURITY_HEADERS.items()]

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Any) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                message["headers"] = list(message["headers"]) + self.headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


class _ReviewStarlette(Starlette):
    """Starlette with SecurityHeaders outside everything, the 500 page included (middleware added
    the usual way sits inside the error handler, so a 500 would go out without the headers)."""

    def build_middleware_stack(self) -> ASGIApp:
        return SecurityHeaders(super().build_middleware_stack())


def create_app(database_url: str, *, secret: bytes | None = None, allowed_hosts: list[str] | None = None) -> Starlette:
    """The ASGI app for a database (its schema is brought up to date on first use). `allowed_hosts`
    defaults to the setting FACTCHECK_ALLOWED_HOSTS (config/settings.py)."""
    review = ReviewApp(database_url, secret)
    hosts = allowed_hosts if allowed_hosts is not None else review.settings.allowed_hosts

    async def forbidden(request: Request, exc: Exception) -> Response:
        return review.error(request, 403, f"Forbidden: {exc}")

    async def bad_input(request: Request, exc: Exception) -> Response:
        return review.error(request, 400, str(exc))

    async def not_found(request: Request, exc: Exception) -> Response:
        return review.error(request, getattr(exc, "status_code", 404), "Not found.")

    async def server_error(request: Request, exc: Exception) -> Response:
        """No details for the user (the server logs the exception); the page still has the headers."""
        try:
            return review.error(request, 500, "Something went wrong on the server. Try again in a moment.")
        except Exception:  # the error page itself failed: plain text, still no details
            return PlainTextResponse("Something went wrong on the server.", status_code=500)

    app = _ReviewStarlette(
        routes=[
            Route("/", review.queue, methods=["GET"]),
            Route("/login", review.login_page, methods=["GET"]),
            Route("/login", review.login, methods=["POST"]),
            Route("/logout", review.logout, methods=["POST"]),
            Route("/pairs/{pair_id}", review.pair_page, methods=["GET"]),
            Route("/pairs/{pair_id}/verdict", review.verdict, methods=["POST"]),
            Route("/detector", review.detector, methods=["GET"]),
            Mount("/static", StaticFiles(directory=str(HERE / "static")), name="static"),
        ],
        middleware=[
            Middleware(TrustedHostMiddleware, allowed_hosts=[security.host_pattern(h) for h in hosts], www_redirect=False)
        ],
        exception_handlers={
            Forbidden: forbidden, limits.BadInput: bad_input, 404: not_found, 405: not_found, Exception: server_error,
        },
    )  # fmt: skip
    app.state.review = review
    return app
