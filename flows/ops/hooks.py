"""State hooks shared by the deployed flows.

`notify_failure` is attached as `on_failure` and `on_crashed` to `nightly`, `manual` and
`reanalyze`. When `FACTCHECK_FAILURE_WEBHOOK_URL` is set it POSTs one JSON object

    {"flow": "nightly", "run": "<flow run name>", "run_id": "<uuid>", "state": "Failed",
     "message": "<the state's message>", "url": "<the run in the Prefect UI, or null>"}

to that URL with a short timeout. Anything that accepts a JSON POST works: a Slack or Mattermost
"incoming webhook" relay, ntfy, a small HTTP endpoint of your own. The hook never raises: a
missing or broken receiver must not change the run's state or hide the original error. Database
passwords and other secrets quoted in the message are masked (`mask_secrets`).
"""

from __future__ import annotations

import logging
from typing import Any

import httpx

from factcheck.config.settings import current

logger = logging.getLogger("factcheck.hooks")

MAX_MESSAGE_CHARS = 2000


def failure_payload(flow: Any, flow_run: Any, state: Any) -> dict[str, Any]:
    """The notice; URL passwords and secret `key=value` pairs in the message are masked (the
    receiver is often a chat channel)."""
    from factcheck.db.engine import mask_secrets

    message = mask_secrets(str(getattr(state, "message", None) or getattr(state, "name", "") or ""))
    return {
        "flow": getattr(flow, "name", None),
        "run": getattr(flow_run, "name", None),
        "run_id": str(getattr(flow_run, "id", "") or "") or None,
        "state": getattr(state, "name", None),
        "message": message[:MAX_MESSAGE_CHARS],
        "url": _run_url(flow_run),
    }


def _run_url(flow_run: Any) -> str | None:
    try:
        from prefect.utilities.urls import url_for

        return url_for(flow_run)
    except Exception:  # no UI configured, or an object url_for does not know
        return None


def notify_failure(flow: Any, flow_run: Any, state: Any) -> None:
    """POST the failure to FACTCHECK_FAILURE_WEBHOOK_URL, if set; never raises."""
    try:
        settings = current()
        if settings.failure_webhook_url is None:
            return
        url = settings.failure_webhook_url.get_secret_value()
        if not url:
            return
        payload = failure_payload(flow, flow_run, state)
        response = httpx.post(url, json=payload, timeout=settings.failure_webhook_timeout_s)
        if response.status_code >= 400:
            logger.warning("failure webhook answered HTTP %d", response.status_code)
    except Exception as exc:  # the URL may hold a token: report the error type only
        logger.warning("failure webhook could not be called: %s", type(exc).__name__)
