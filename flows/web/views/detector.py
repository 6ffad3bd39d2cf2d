"""The Detector page: precision and volume from the reviewers' verdicts (db/stats.py)."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from factcheck.db import stats
from factcheck.db.engine import session_scope
from factcheck.flows.web import chart, limits, security
from factcheck.flows.web.base import Page, ReviewApp

OUTLET_PAIRS_SHOWN = 25  # the Detector page's table; `factcheck stats --json` lists them all


async def detector(app: ReviewApp, request: Request) -> Response:
    """Precision and volume from the reviewers' verdicts (db/stats.py), optionally since a day."""
    problems, since = [], None
    if request.query_params.get("since"):
        try:
            since = limits.parse_day(request.query_params["since"], "since")
        except limits.BadInput as exc:
            problems.append(f"{exc}: showing all pairs")

    def work() -> Response | Page:
        with session_scope(app.database_url) as db:
            reviewer, token = app.signed_in(db, request)
            if reviewer is None:
                return app.to_login(request)
            figures = stats.detector_stats(db, since=since)
            return Page("detector.html", {
                "reviewer": reviewer, "csrf": security.csrf_token(app.secret, token), "stats": figures,
                "chart": chart.week_chart(figures.by_week), "colours": {**chart.COLOURS, "precision": chart.LINE},
                "outlet_pairs": figures.by_outlet_pair[:OUTLET_PAIRS_SHOWN], "problems": problems,
            }, 400 if problems else 200)  # fmt: skip

    result = await run_in_threadpool(work)
    return app.render(request, result) if isinstance(result, Page) else result
