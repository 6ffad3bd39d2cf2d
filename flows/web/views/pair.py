"""One pair: both claims with their evidence, the event's other pairs, the history and the verdict form."""

from __future__ import annotations

from urllib.parse import parse_qs, urlencode

from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from factcheck.db import queries, reviews
from factcheck.db.engine import session_scope
from factcheck.flows.web import highlight, limits, security
from factcheck.flows.web.base import VERDICTS, Forbidden, Page, ReviewApp
from factcheck.flows.web.params import QueueParams

MAX_NOTE = 4000


def neighbours(app: ReviewApp, db: Session, params: QueueParams, pair: queries.PairView) -> tuple[int | None, int | None]:
    """The previous and next pair of the queue this pair was opened from (score order)."""
    filters = params.pair_filter()
    following = queries.list_pairs(db, filters, sort="score", after=(pair.score, pair.id), limit=1)
    return queries.previous_pair_id(db, filters, pair), (following[0].id if following else None)


async def pair_page(app: ReviewApp, request: Request) -> Response:
    pair_id = app.path_id(request.path_params["pair_id"])
    params = QueueParams.parse(request.query_params, app.max_id)
    done = request.query_params.get("done", "")

    def work() -> Response | Page:
        with session_scope(app.database_url) as db:
            reviewer, token = app.signed_in(db, request)
            if reviewer is None:
                return app.to_login(request)
            pair = queries.get_pair(db, pair_id) if pair_id is not None else None
            if pair is None:
                return Page("error.html", {"status": 404, "message": "No such pair.", "reviewer": reviewer,
                                           "csrf": security.csrf_token(app.secret, token)}, 404)  # fmt: skip
            previous, following = neighbours(app, db, params, pair)
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
            done_pair = app.path_id(done) if done else None
            return Page("pair.html", {
                "reviewer": reviewer, "csrf": security.csrf_token(app.secret, token), "pair": pair,
                "sides": sides, "event": event, "siblings": siblings, "params": params,
                "history": reviews.pair_history(db, pair.id), "previous": previous, "following": following,
                "done": done_pair, "queue_query": params.query(), "problems": params.problems,
            }, 400 if params.problems else 200)  # fmt: skip

    result = await run_in_threadpool(work)
    return app.render(request, result) if isinstance(result, Page) else result


async def verdict(app: ReviewApp, request: Request) -> Response:
    pair_id = app.path_id(request.path_params["pair_id"])
    form = await app.form(request)
    token = request.cookies.get(security.SESSION_COOKIE, "")
    if not security.csrf_ok(app.secret, token, form.get(security.CSRF_FIELD)):
        raise Forbidden("the form expired or did not come from this site; reload the page")
    verdict, note = form.get("verdict", ""), form.get("note", "")[:MAX_NOTE]
    # Bad queue values are dropped (QueueParams): they only decide where to go next.
    queue = parse_qs(form.get("queue", "").lstrip("?")[:4000])
    params = QueueParams.parse({key: values[0] for key, values in queue.items()}, app.max_id)

    def save() -> Response | queries.PairView:
        with session_scope(app.database_url) as db:
            reviewer, _ = app.signed_in(db, request)
            if reviewer is None:
                return app.to_login(request)
            if verdict not in VERDICTS:
                return app.error(request, 400, f"Unknown verdict; use one of: {', '.join(VERDICTS)}.")
            if limits.has_control(note, limits.LINE_BREAKS):
                return app.error(request, 400, "The note holds control characters; the verdict was not "
                                                "saved. Go back, remove them and send it again.")  # fmt: skip
            pair = queries.get_pair(db, pair_id) if pair_id is not None else None
            if pair is None:
                return app.error(request, 404, "No such pair.")
            reviews.record_verdict(db, pair.id, verdict, reviewer.name, note)
            return pair

    def next_pair(pair: queries.PairView) -> Response:
        with session_scope(app.database_url) as db:  # the verdict is committed already
            _, following = neighbours(app, db, params, pair)
        target = f"/pairs/{following}" if following else "/"
        query = params.items(done=pair.id) if following else params.items()
        return RedirectResponse(target + ("?" + urlencode(query) if query else ""), status_code=303)

    saved = await run_in_threadpool(save)
    return saved if isinstance(saved, Response) else await run_in_threadpool(next_pair, saved)
