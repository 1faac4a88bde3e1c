"""The dashboard at a few thousand articles in Chromium (#12): the main chart draws per-day groups, the article
points appear once the zoomed (or filtered) range holds few enough, a point still opens its article, and no KPI
card cuts its number, in English or Chinese."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from tests.test_browser import CHROMIUM, CHROMIUM_ARGS, TIMEOUT_MS, browser_ready, served  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.slow]

N_SYNTHETIC = 3000
CHART = "[data-testid='stVegaLiteChart']"
SETTLED = "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
# Every KPI's label, number and note: none may be wider than its box (cut or ellipsised).
CUT_KPIS = (
    '() => [...document.querySelectorAll(\'[data-testid="stMetric"] [data-testid="stMetricValue"],'
    ' [data-testid="stMetric"] [data-testid="stMetricDelta"]\')]'
    ".filter(e => e.scrollWidth > e.clientWidth + 1).map(e => e.innerText)"
)


@pytest.fixture(scope="module")
def dense_db(browser_ready, tmp_path_factory) -> Path:  # noqa: F811
    """The bundled corpus plus a few thousand synthetic articles, ingested and scored as the benchmark does."""
    from bench.browser import build_db

    return build_db(N_SYNTHETIC, out=tmp_path_factory.mktemp("dense"))


@pytest.fixture(scope="module")
def dense_server(dense_db, tmp_path_factory):
    # The default limit (1,500) from an unset NARRATIVE_CHART_POINTS: the range holds ~3,500 articles.
    log = tmp_path_factory.mktemp("dense_log") / "streamlit.log"
    with served(dense_db, log, unset=("NARRATIVE_CHART_POINTS",)) as url:
        yield url


def _open(browser, url: str):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(url)
    page.wait_for_selector(f"{CHART} canvas, {CHART} svg", timeout=TIMEOUT_MS)
    page.wait_for_function(SETTLED, timeout=TIMEOUT_MS, polling=100)
    page.wait_for_timeout(1000)  # vega lays the chart out after it appears
    return page


def _red_centre(chart) -> tuple[float, float]:
    """Page coordinates of the centre of the leftmost red mark of the chart (bearish groups or points; the
    price lines are blue and grey, the index purple)."""
    from PIL import Image

    chart.scroll_into_view_if_needed()
    image = Image.open(io.BytesIO(chart.screenshot())).convert("RGB")
    box = chart.bounding_box()
    pixels = image.load()

    def red(x: int, y: int) -> bool:
        r, g, b = pixels[x, y]
        return r - g > 60 and r - b > 60

    seeds = [(x, y) for x in range(image.width // 2) for y in range(image.height) if red(x, y)]
    assert seeds, "no bearish mark on the main chart"
    blob, todo = set(), [min(seeds)]
    while todo and len(blob) < 5000:
        x, y = todo.pop()
        if (x, y) in blob or not (0 <= x < image.width and 0 <= y < image.height) or not red(x, y):
            continue
        blob.add((x, y))
        todo += [(x + 1, y), (x - 1, y), (x, y + 1), (x, y - 1)]
    xs, ys = [p[0] for p in blob], [p[1] for p in blob]
    return box["x"] + (min(xs) + max(xs)) / 2, box["y"] + (min(ys) + max(ys)) / 2


def _tooltip_at(page, chart) -> str:
    """The tooltip of the leftmost red mark, as the analyst sees it on hovering."""
    for _ in range(4):
        x, y = _red_centre(chart)
        page.mouse.move(x - 3, y)
        page.mouse.move(x, y)
        try:
            page.wait_for_selector("#vg-tooltip-element.visible", timeout=5000)
            return page.locator("#vg-tooltip-element").inner_text()
        except Exception:  # the chart was still being laid out: try again
            page.wait_for_timeout(1000)
    raise AssertionError("no tooltip on the main chart's leftmost red mark")


def _zoom_in(page, chart, steps: int = 6) -> None:
    box = chart.bounding_box()
    page.mouse.move(box["x"] + box["width"] * 0.45, box["y"] + box["height"] * 0.55)
    for _ in range(steps):
        page.mouse.wheel(0, -500)
        page.wait_for_timeout(250)
    page.mouse.move(box["x"] + 5, box["y"] + 5)  # off the marks, so the next hover opens a fresh tooltip
    page.wait_for_timeout(1000)


def test_the_main_chart_draws_day_groups_and_the_points_on_zoom_in_chromium(dense_server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            page = _open(browser, dense_server)
            assert page.locator("[data-testid='stException']").count() == 0
            page.get_by_text("each circle is one day's articles").wait_for(timeout=TIMEOUT_MS)
            assert page.evaluate(CUT_KPIS) == []
            chart = page.locator(CHART).first
            grouped = _tooltip_at(page, chart)
            assert "zoom in" in grouped and "Their mean tone" in grouped and "Title" not in grouped

            _zoom_in(page, chart)
            point = _tooltip_at(page, chart)
            assert "Title" in point and "zoom in" not in point
            # A click on a point, after zooming, still opens its article in the explorer.
            heading = page.locator(".nt-title").first.inner_text()
            page.mouse.click(*_red_centre(chart))
            page.wait_for_function(
                "([old]) => { const h = document.querySelector('.nt-title'); return h && h.innerText !== old; }",
                arg=[heading], timeout=TIMEOUT_MS,
            )  # fmt: skip
            page.close()

            # Narrowing the range instead: a month holds few articles, the points are drawn straight away.
            page = _open(browser, dense_server)
            page.get_by_role("radio", name="1M", exact=True).click()
            page.wait_for_function(SETTLED, timeout=TIMEOUT_MS, polling=100)
            page.get_by_text("each circle is one day's articles").wait_for(
                state="detached", timeout=TIMEOUT_MS
            )
            page.wait_for_timeout(1000)
            assert "Title" in _tooltip_at(page, page.locator(CHART).first)
            page.close()
        finally:
            browser.close()


def test_no_kpi_card_cuts_its_number_in_chinese_at_thousands_of_articles(dense_server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            for width in (1400, 1100):
                page = browser.new_page(viewport={"width": width, "height": 1000})
                page.goto(f"{dense_server}/?ui_lang=zh")
                page.get_by_text("范围内文章").wait_for(timeout=TIMEOUT_MS)
                page.wait_for_function(SETTLED, timeout=TIMEOUT_MS, polling=100)
                page.get_by_text("每个圆圈代表某一天").wait_for(timeout=TIMEOUT_MS)
                assert page.locator("[data-testid='stMetricValue']").count() >= 6
                assert page.evaluate(CUT_KPIS) == [], width
                page.close()
        finally:
            browser.close()
