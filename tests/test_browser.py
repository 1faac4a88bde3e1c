"""The dashboard in a real Chromium: it renders the main chart, shows no error box, and reruns scoring."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
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


@contextmanager
def served(db: Path, log_path: Path, *, unset: tuple[str, ...] = ()) -> Iterator[str]:
    """The dashboard on `db`, served as `make run` serves it (ui.serve) on a free port: its URL while open."""
    port = _free_port()
    env = dict(os.environ, NARRATIVE_DB=str(db))
    for name in unset:
        env.pop(name, None)
    log = log_path.open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "ui.serve", "app.py", "--server.port", str(port),
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
                    pytest.fail(f"streamlit did not start: {log_path.read_text()[-2000:]}")
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


@pytest.fixture
def server(corpus_db, tmp_path):
    with served(corpus_db, tmp_path / "streamlit.log") as url:
        yield url


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


def _dot_centre(chart) -> tuple[float, float]:
    """Page coordinates of the centre of the leftmost green or red article dot of the main chart (#12.2: the
    centre, where a one-article day's tone-index marker used to sit on the dot and take the click)."""
    import io

    from PIL import Image

    chart.scroll_into_view_if_needed()  # the shot scrolls the chart into view: measure it there
    image = Image.open(io.BytesIO(chart.screenshot())).convert("RGB")
    box = chart.bounding_box()
    pixels = image.load()

    def dot(x: int, y: int) -> bool:
        r, g, b = pixels[x, y]
        return (g - r > 40 and g - b > 40) or (r - g > 60 and r - b > 60)

    seeds = [(x, y) for x in range(image.width // 2) for y in range(image.height) if dot(x, y)]
    assert seeds, "no article point found on the main chart"
    blob, todo = set(), [min(seeds)]
    while todo and len(blob) < 5000:  # the dot's pixels, connected to its leftmost one
        x, y = todo.pop()
        if (x, y) in blob or not (0 <= x < image.width and 0 <= y < image.height) or not dot(x, y):
            continue
        blob.add((x, y))
        todo += [(x + 1, y), (x - 1, y), (x, y + 1), (x, y - 1)]
    xs, ys = [p[0] for p in blob], [p[1] for p in blob]
    return box["x"] + (min(xs) + max(xs)) / 2, box["y"] + (min(ys) + max(ys)) / 2


def _open(playwright, url: str):
    browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(url)
    page.wait_for_selector("[data-testid='stVegaLiteChart'] canvas, [data-testid='stVegaLiteChart'] svg",
                           timeout=TIMEOUT_MS)  # fmt: skip
    page.get_by_text("Articles in range").wait_for(timeout=TIMEOUT_MS)
    return browser, page


def test_article_text_is_plain_text_in_chromium(server, corpus_db):
    """#15.12/13: after a blank line the text stays text (no image request, no link, no strike-through); the
    title's bare URL is no link; the article's URL is the one link, to the exact address."""
    from datetime import date

    from playwright.sync_api import sync_playwright

    from tests.conftest import make_article, make_score

    store = Store(corpus_db)
    body = ("小米股价大涨,市值突破万亿港元。\n\n![pixel](http://127.0.0.1:9/pixel.png) [click](http://evil.example) "
            "预计3~5年内,目标40~50港元。 https://bare.example/x")  # fmt: skip
    url = "https://news.example/a_b/c?x=1&y=2"
    hostile = make_article(body, published=date(2025, 3, 4), title="Zeta https://title.example", url=url)
    store.add_articles([hostile])
    run_id = store.start_run(ticker="1810.HK", scorer="finance", version="t", config_hash="t", options={})
    store.write_scores(run_id, [make_score(hostile)])
    store.finish_run(run_id, n_articles=store.article_count())
    requests: list[str] = []
    with sync_playwright() as playwright:
        browser, page = _open(playwright, server)
        try:
            page.on("request", lambda request: requests.append(request.url))
            picker = page.locator("[data-testid='stSelectbox']").last
            picker.click()
            page.keyboard.type("Zeta https")
            page.keyboard.press("Enter")
            page.locator(".nt-text", has_text="3~5年").wait_for(timeout=TIMEOUT_MS)
            text = page.locator(".nt-text", has_text="3~5年")
            assert text.locator("img, a, del, s").count() == 0
            assert "![pixel](http://127.0.0.1:9/pixel.png)" in text.inner_text()
            links = page.locator(".nt-meta a")
            assert links.count() == 1 and links.get_attribute("href") == url
            assert page.locator(".nt-title a").count() == 0
            assert not [r for r in requests if "pixel.png" in r]
        finally:
            browser.close()


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
            heading = page.locator(".nt-title").first.inner_text()
            changed = (
                "([old]) => { const boxes = document.querySelectorAll('[data-testid=\"stSelectbox\"]');"
                " return boxes.length && boxes[boxes.length - 1].innerHTML !== old; }"
            )
            for attempt in range(4):
                page.wait_for_timeout(1000)
                page.mouse.click(*_dot_centre(page.locator("[data-testid='stVegaLiteChart']").first))
                try:
                    page.wait_for_function(changed, arg=[opened], timeout=10_000)
                    break
                except PlaywrightTimeout:
                    if attempt == 3:
                        raise
            page.wait_for_function(
                "([old]) => { const h = document.querySelector('.nt-title');"
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


def test_a_url_with_query_parameters_restores_the_view_in_chromium(server, corpus_db):
    """Every view is a link: a URL naming the tone signal, a search and the UI language reopens that view."""
    from urllib.parse import quote

    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(f"{server}/?tone_field=snownlp&search={quote('信任')}&ui_lang=zh")
            page.get_by_text("范围内文章").wait_for(timeout=TIMEOUT_MS)
            page.locator(".nt-text mark[style*='fff176']").first.wait_for(timeout=TIMEOUT_MS)
            page.wait_for_function("() => location.search.includes('search=')", timeout=TIMEOUT_MS)
            assert page.locator("[data-testid='stTextInput'] input").first.input_value() == "信任"
            assert page.get_by_role("radio", name="SnowNLP 商品评论模型 (2p−1)").is_checked()
            assert page.locator(".nt-text mark[style*='fff176']").count() >= 1  # the hits are highlighted
            assert "search=" in page.url and "tone_field=snownlp" in page.url
            assert page.locator("[data-testid='stException']").count() == 0
        finally:
            browser.close()


def test_a_click_on_the_sentence_strip_highlights_that_sentence_in_chromium(server, corpus_db):
    """#12: a bar of the opened article's sentence strip, clicked, is highlighted in the article's text."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser, page = _open(playwright, server)
        try:
            strip = page.locator("[class*='st-key-sentence_strip_'] [data-testid='stVegaLiteChart']").first
            strip.wait_for(timeout=TIMEOUT_MS)
            assert page.locator(".nt-text .nt-sentence").count() == 0
            page.locator(".nt-legend [data-kind='tone-positive']").wait_for(timeout=TIMEOUT_MS)
            for attempt in range(4):  # vega may still be laying the strip out when it first appears
                strip.scroll_into_view_if_needed()
                page.wait_for_timeout(1000)
                box = strip.bounding_box()
                page.mouse.click(box["x"] + 12, box["y"] + 20)  # the first bar (the strip is 50 px high)
                try:
                    page.locator(".nt-text .nt-sentence").wait_for(timeout=10_000)
                    break
                except PlaywrightTimeout:
                    if attempt == 3:
                        raise
            caption = page.get_by_text(re.compile(r"^Sentence \d+: ")).first
            caption.wait_for(timeout=TIMEOUT_MS)
            highlighted = page.locator(".nt-text .nt-sentence").inner_text().strip()
            assert highlighted and highlighted[:15] in caption.inner_text()  # the caption quotes the sentence
            assert page.locator("[data-testid='stException']").count() == 0
        finally:
            browser.close()
