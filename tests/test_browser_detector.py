"""The Detector page in a real headless Chromium: the inline SVG chart renders under the strict
Content-Security-Policy (no violation reported). Set FACTCHECK_SCREENSHOT_DIR to a folder to get
a screenshot of the page there (detector.png)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from stats_data import build
from test_browser import CHROMIUM, page, serving, sign_in, watch  # noqa: F401 (page is a fixture)

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason=f"needs Debian's Chromium at {CHROMIUM}")

# Runs before any page script and outside the CSP: records every violation the page reports.
RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", function (event) {
  window.__violations.push(event.violatedDirective + " " + (event.blockedURI || "inline"));
});
"""


@pytest.fixture
def served_stats(tmp_path, monkeypatch) -> Iterator[str]:
    monkeypatch.delenv("FACTCHECK_WEB_SECRET", raising=False)
    url = f"sqlite:///{tmp_path / 'review.db'}"
    build(url)
    with serving(url) as base:
        yield base


def test_the_detector_page_draws_its_chart_without_csp_violations(served_stats, page):  # noqa: F811
    base = served_stats
    page.add_init_script(RECORD_VIOLATIONS)
    dialogs, errors = watch(page)
    sign_in(page, base)
    with page.expect_navigation():
        page.click("header.top a[href='/detector']")
    assert page.url == base + "/detector"
    assert page.locator("#count-confirmed").inner_text() == "2"

    svg = page.locator("svg#weekly-chart")
    assert svg.is_visible()
    box = svg.bounding_box()
    assert box and box["width"] > 300 and box["height"] > 100, box
    bars = page.locator("svg#weekly-chart g.bars rect")
    assert bars.count() == 7
    assert all((bars.nth(i).bounding_box() or {}).get("height", 0) > 0 for i in range(bars.count()))
    assert page.locator("svg#weekly-chart circle").count() == 3
    # Presentation attributes, not styles: the bars are coloured although no style attribute exists.
    assert bars.first.evaluate("bar => getComputedStyle(bar).fill") == "rgb(28, 124, 74)"
    assert page.locator("svg#weekly-chart title").first.text_content().startswith("Pairs stored and precision per ISO week")

    table = page.locator("table#weeks")
    assert not table.is_visible()  # the text fallback, folded
    page.click("details.chart-table summary")
    assert table.is_visible() and table.locator("tbody tr").count() == 4

    target = os.environ.get("FACTCHECK_SCREENSHOT_DIR")
    if target:
        Path(target).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(target) / "detector.png"), full_page=True)
    page.wait_for_timeout(200)
    assert page.evaluate("window.__violations") == []
    assert dialogs == [] and errors == []
