"""The review app's state and what every page needs: templates, the signed-in reviewer, forms,
cookies, error pages. The pages themselves are in views/."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from factcheck.config.settings import Settings, current
from factcheck.db import reviews, stats
from factcheck.db.engine import session_scope
from factcheck.db.models import max_id
from factcheck.flows.web import limits, security

HERE = Path(__file__).parent
MAX_FORM_BYTES = 64 * 1024
VERDICTS = ("confirmed", "rejected", "unsure")


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

    def __init__(self, database_url: str, secret: bytes | None = None, settings: Settings | None = None) -> None:
        self.database_url = database_url
        self.max_id = max_id(database_url)
        self.settings = settings or current()
        configured = self.settings.web_secret
        if secret is None and configured is not None:
            secret = configured.get_secret_value().encode("utf-8")
        if secret is None:
            with session_scope(database_url) as session:
                secret = reviews.stored_secret(session)
        self.secret = secret
        self.templates = make_templates()
        self.throttle = limits.SignInThrottle()

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


def _local(target: str | None) -> str:
    """A redirect target on this site only (a path, never `//host` or a scheme)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return ""
    if any(ord(ch) < 0x20 for ch in target):
        return ""
    return target
