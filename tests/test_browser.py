"""The dashboard in a real Chromium: it renders the main chart, shows no error box, and reruns scoring."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from analysis.bundled import setup
from analysis.store import Store

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]  # fmt: skip
TIMEOUT_MS = 120_000


def _missing(reason: str) -> None:
    if os.environ.get("REQUIRE_BROWSER") == "1":
        pytest.fail(f"REQUIRE_BROWSER=1 but {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser_ready() -> None:
    if not CHROMIUM.exists():
        _missing(f"{CHROMIUM} is missing (apt-get install -y chromium)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        _missing("playwright is not installed (pip install playwright)")


@pytest.fixture(scope="module")
def corpus_db(browser_ready, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("browser") / "narrative.duckdb"
    report = setup(Store(path))
    assert "score_error" not in report, report
    return path


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def server(corpus_db, tmp_path):
    port = _free_port()
    env = dict(os.environ, NARRATIVE_DB=str(corpus_db))
    log = (tmp_path / "streamlit.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
         "--server.headless", "true", "--browser.gatherUsageStats", "false"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 300  # start-up guard only; a loaded machine starts slowly
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2):
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(
                        f"streamlit did not start: {(tmp_path / 'streamlit.log').read_text()[-2000:]}"
                    )
                time.sleep(0.3)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def full_page_screenshot(page, path: Path, *, width: int = 1400) -> None:
    """Streamlit scrolls inside its main block, so grow the viewport to the content before the shot."""
    height = page.evaluate(
        "() => Math.max(document.body.scrollHeight,"
        " (document.querySelector('[data-testid=\"stMain\"]') || document.body).scrollHeight)"
    )
    page.set_viewport_size({"width": width, "height": int(height) + 40})
    page.wait_for_timeout(1500)
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path), full_page=True)


def _first_article_point(chart) -> tuple[float, float]:
    """Page coordinates of the leftmost strongly green or red pixel of the main chart: an article point (the
    price lines are blue and grey, the legend sits on the right)."""
    import io

    from PIL import Image

    box = chart.bounding_box()
    image = Image.open(io.BytesIO(chart.screenshot())).convert("RGB")
    pixels = image.load()
    coloured = [
        (x, y) for x in range(image.width // 2) for y in range(image.height)
        if max(pixels[x, y][1] - pixels[x, y][0], pixels[x, y][0] - pixels[x, y][1]) > 60
        and abs(pixels[x, y][1] - pixels[x, y][2]) > 50
    ]  # fmt: skip
    assert coloured, "no article point found on the main chart"
    x, y = min(coloured)
    return box["x"] + x + 4, box["y"] + y + 4


def test_dashboard_renders_and_reruns_scoring_in_chromium(server, corpus_db):
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import sync_playwright

    before = Store(corpus_db).current_run().run_id
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(server)
            page.wait_for_selector("[data-testid='stVegaLiteChart'] canvas, [data-testid='stVegaLiteChart'] svg",
                                   timeout=TIMEOUT_MS)  # fmt: skip
            page.get_by_text("Articles in range").wait_for(timeout=TIMEOUT_MS)
            assert page.locator("[data-testid='stException']").count() == 0

            # Clicking an article point opens that article in the explorer's picker. Vega may still be laying the
            # chart out when it first appears, so a click that lands before that is tried again.
            picker = page.locator("[data-testid='stSelectbox']").last
            opened = picker.inner_html()  # the chosen option is an attribute, not visible text
            heading = page.locator("[data-testid='stMarkdownContainer'] h4").first.inner_text()
            changed = (
                "([old]) => { const boxes = document.querySelectorAll('[data-testid=\"stSelectbox\"]');"
                " return boxes.length && boxes[boxes.length - 1].innerHTML !== old; }"
            )
            for attempt in range(4):
                page.wait_for_timeout(1000)
                page.mouse.click(*_first_article_point(page.locator("[data-testid='stVegaLiteChart']").first))
                try:
                    page.wait_for_function(changed, arg=[opened], timeout=10_000)
                    break
                except PlaywrightTimeout:
                    if attempt == 3:
                        raise
            page.wait_for_function(
                "([old]) => { const h = document.querySelector(\"[data-testid='stMarkdownContainer'] h4\");"
                " return h && h.innerText !== old; }", arg=[heading], timeout=TIMEOUT_MS,
            )  # fmt: skip

            page.get_by_role("button", name="Rerun scoring").click()
            page.get_by_text(f"New scoring run #{before + 1}").wait_for(timeout=TIMEOUT_MS)
            assert Store(corpus_db).current_run().run_id == before + 1
            page.wait_for_selector("[data-testid='stVegaLiteChart'] canvas, [data-testid='stVegaLiteChart'] svg",
                                   timeout=TIMEOUT_MS)  # fmt: skip
            assert page.locator("[data-testid='stException']").count() == 0
            full_page_screenshot(page, ARTIFACTS / "dashboard.png")
        finally:
            browser.close()
    assert (ARTIFACTS / "dashboard.png").stat().st_size > 10_000
