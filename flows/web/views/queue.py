"""The queue: stored pairs, filtered and sorted by score, a page at a time."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from factcheck.db import queries
from factcheck.db.engine import session_scope
from factcheck.flows.web import limits, security
from factcheck.flows.web.base import Page, ReviewApp
from factcheck.flows.web.params import QueueParams

PAGE_SIZE = 25


async def queue(app: ReviewApp, request: Request) -> Response:
    params = QueueParams.parse(request.query_params, app.max_id)
    after_token = request.query_params.get("after", "")[:100]

    def work() -> Response | Page:
        with session_scope(app.database_url) as db:
            reviewer, token = app.signed_in(db, request)
            if reviewer is None:
                return app.to_login(request)
            filters = params.pair_filter()
            problems = list(params.problems)
            after = None
            if after_token:
                try:
                    after = limits.check_cursor(*queries.parse_cursor(after_token, "score"), app.max_id)
                except ValueError:  # limits.BadInput too
                    problems.append("that page link is not valid any more: showing the first page")
            rows = queries.list_pairs(db, filters, sort="score", after=after, limit=PAGE_SIZE + 1)
            more, rows = len(rows) > PAGE_SIZE, rows[:PAGE_SIZE]
            counts = queries.status_counts(db, filters)
            outlets = queries.outlets(db)
            event = queries.get_event(db, params.event)
            return Page("queue.html", {
                "reviewer": reviewer, "csrf": security.csrf_token(app.secret, token),
                "params": params, "pairs": rows, "counts": counts, "total": sum(counts.values()),
                "matching": queries.count_pairs(db, filters), "outlets": outlets, "event": event,
                "problems": problems, "paged": after is not None,
                "next_page": params.query(after=queries.cursor_token(rows[-1], "score")) if more and rows else None,
            }, 400 if problems else 200)  # fmt: skip

    result = await run_in_threadpool(work)
    return app.render(request, result) if isinstance(result, Page) else result
