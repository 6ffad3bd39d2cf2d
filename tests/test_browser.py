"""The review app in a real headless Chromium (Playwright, sync API) against uvicorn on loopback.

Set FACTCHECK_SCREENSHOTS=1 to (re)write docs/screenshots/queue.png and pair.png."""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from review_data import PASSWORD, PAYLOAD, populate

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
SCREENSHOTS = Path(__file__).resolve().parent.parent / "docs" / "screenshots"

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason=f"needs Debian's Chromium at {CHROMIUM}")


@pytest.fixture
def served(tmp_path, monkeypatch) -> Iterator[tuple[str, str, dict[str, int]]]:
    """(base URL, database URL, pair ids): the app served by uvicorn in a thread."""
    monkeypatch.delenv("FACTCHECK_WEB_SECRET", raising=False)
    url = f"sqlite:///{tmp_path / 'review.db'}"
    pairs = populate(url)
    with serving(url) as base:
        yield base, url, pairs


@contextmanager
def serving(url: str) -> Iterator[str]:
    """The review app of the database at `url`, served by uvicorn in a thread; yields its base URL."""
    import uvicorn

    from factcheck.db.engine import dispose_all
    from factcheck.flows.web.app import create_app

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(url), log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()
        dispose_all()


@pytest.fixture
def page():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            context = browser.new_context(viewport={"width": 1280, "height": 860})
            yield context.new_page()
        finally:
            browser.close()


def watch(page) -> tuple[list[str], list[str]]:
    """Dialogs that fire (accepted so nothing blocks) and console errors (a CSP violation is one)."""
    dialogs: list[str] = []
    errors: list[str] = []

    def on_dialog(dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    return dialogs, errors


def sign_in(page, base: str) -> None:
    page.goto(base + "/")
    assert "/login" in page.url
    page.fill("input[name=name]", "ana")
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.click("button[type=submit]")
    assert page.url == base + "/", page.content()[:3000]


def test_a_reviewer_signs_in_filters_opens_and_confirms_with_the_keyboard(served, page):
    from factcheck.db.engine import session_scope
    from factcheck.db.models import ClaimPair, PairReview

    base, url, pairs = served
    dialogs, errors = watch(page)
    sign_in(page, base)
    assert page.locator("table.queue tbody tr").count() == 3
    if os.environ.get("FACTCHECK_SCREENSHOTS") == "1":
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "queue.png"), full_page=True)

    page.select_option("select[name=outlet]", "Arlo Daily")
    with page.expect_navigation():
        page.click("form.filters button[type=submit]")
    assert "outlet=Arlo+Daily" in page.url
    assert page.locator("table.queue tbody tr").count() == 1

    page.keyboard.press("j")  # select the first row
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.startswith(f"{base}/pairs/{pairs['flood']}")
    assert page.locator("#side-a blockquote").inner_text() == "The flood killed 14 people in Arlo."
    assert page.locator("mark").count() >= 2  # the evidence is highlighted

    page.fill("#note", "toll checked with the coroner")
    page.locator("#note").press("Escape")  # leave the note; shortcuts work again
    with page.expect_navigation():
        page.keyboard.press("c")
    with session_scope(url) as session:
        pair = session.get(ClaimPair, pairs["flood"])
        assert (pair.status, pair.reviewer, pair.note) == ("confirmed", "ana", "toll checked with the coroner")
        assert session.query(PairReview).filter_by(pair_id=pairs["flood"]).count() == 1
    # No other Arlo Daily pair is pending: back to the (now empty) filtered queue.
    assert page.locator("table.queue tbody tr").count() == 0
    page.goto(f"{base}/pairs/{pairs['flood']}")
    assert page.locator("#pair-status").inner_text().lower() == "confirmed"
    assert "toll checked with the coroner" in page.locator("section.history").inner_text()
    assert dialogs == [] and errors == []


def test_a_script_payload_from_a_feed_renders_inert(served, page):
    base, _, pairs = served
    dialogs, errors = watch(page)
    sign_in(page, base)
    page.goto(f"{base}/pairs/{pairs['xss']}")
    statement = page.locator("#side-a blockquote")
    assert statement.is_visible() and PAYLOAD in statement.inner_text()
    unsafe = page.locator("#side-a .unsafe-url")
    assert unsafe.is_visible() and unsafe.inner_text() == "javascript:alert(1)"
    assert page.locator('a[href^="javascript" i]').count() == 0
    unsafe.click()
    page.locator("#side-a h2").click()
    page.goto(base + "/?status=all")  # the queue shows the payload too
    assert PAYLOAD in page.locator("table.queue").inner_text()
    page.wait_for_timeout(300)
    assert dialogs == [] and errors == []
    assert page.evaluate("document.querySelectorAll('script').length") == 1


def test_screenshot_of_a_pair_page(served, page):
    base, _, pairs = served
    sign_in(page, base)
    page.goto(f"{base}/pairs/{pairs['denial']}")
    assert page.locator(".sides article").count() == 2
    page.locator("li[data-reason='0']").hover()  # lights up the evidence of the first reason
    if os.environ.get("FACTCHECK_SCREENSHOTS") == "1":
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "pair.png"), full_page=True)
