"""The review app: a queue of stored pairs, a page per pair, verdicts with history, sign-in, and
the Detector page (precision and volume from the verdicts, db/stats.py).

Server-rendered (Starlette + Jinja2 with autoescaping) with one small script (static/app.js) for
the keyboard shortcuts. Database work runs in Starlette's thread pool with the pipeline's own
sessions (db/engine.py); sign-ins run in a small pool of their own, so that password hashing
(32 MiB of scrypt each) cannot take all memory. See security.py for sessions, CSRF, links, the
Host header and the security headers, limits.py for the checks of values from requests and the
sign-in throttle, base.py for what every page needs, and views/ for the pages, one module each.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp

from factcheck.config.settings import Settings
from factcheck.flows.web import limits, security
from factcheck.flows.web.base import HERE, Forbidden, ReviewApp
from factcheck.flows.web.views import detector, pair, queue, signin


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


def create_app(
    database_url: str, *, secret: bytes | None = None, allowed_hosts: list[str] | None = None,
    settings: Settings | None = None,
) -> Starlette:
    """The ASGI app for a database (its schema is brought up to date on first use). `settings`
    default to the run's (`config.settings.current`); `allowed_hosts` to their FACTCHECK_ALLOWED_HOSTS."""
    review = ReviewApp(database_url, secret, settings)
    hosts = allowed_hosts if allowed_hosts is not None else review.settings.allowed_hosts

    def page(view: Callable[[ReviewApp, Request], Awaitable[Response]]) -> Callable[[Request], Awaitable[Response]]:
        async def endpoint(request: Request) -> Response:  # a function, so that Starlette passes a Request
            return await view(review, request)

        return endpoint

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
            Route("/", page(queue.queue), methods=["GET"]),
            Route("/login", page(signin.login_page), methods=["GET"]),
            Route("/login", page(signin.login), methods=["POST"]),
            Route("/logout", page(signin.logout), methods=["POST"]),
            Route("/pairs/{pair_id}", page(pair.pair_page), methods=["GET"]),
            Route("/pairs/{pair_id}/verdict", page(pair.verdict), methods=["POST"]),
            Route("/detector", page(detector.detector), methods=["GET"]),
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
