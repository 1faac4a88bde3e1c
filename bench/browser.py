"""`python -m bench --browser [--articles N]`: the dashboard's interaction times in a real Chromium.

Builds (once, cached under bench/out/) a database of the bundled corpus plus N synthetic articles, scored
without snownlp; serves the dashboard on it; and times, as the analyst sees them, the first load (until the
KPIs and the main chart are drawn), a filter change (a date preset, until the page has settled) and opening
an article (until its title is shown). Each is the median of three tries in fresh page loads, each changing
to a preset not yet used (so the filter change is never a cache hit). The cold first load (a server just
started: its first imports and empty caches) is the median of `cold_tries` fresh servers, reported apart.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from bench import REPO, synthetic
from bench.measure import median

OUT = REPO / "bench" / "out"
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
TIMEOUT_MS = 180_000
TARGETS = {"first_load_s": 5.0, "filter_change_s": 1.0}
# The page is settled when Streamlit's running indicator is gone.
SETTLED = "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"


def build_db(n_articles: int, *, out: Path = OUT) -> Path:
    """The bundled corpus and prices plus n synthetic articles, ingested and scored (no snownlp)."""
    from analysis.bundled import setup
    from analysis.ingest.run import ingest_paths
    from analysis.scoring.run import score_store
    from analysis.store import Store

    path = out / f"browser_{n_articles}" / "narrative.duckdb"
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    store = Store(path)
    setup(store, use_snownlp=False)
    corpus = synthetic.write_corpus(path.parent / "corpus", n_articles)
    ingest_paths(store, [corpus.files_dir])
    score_store(store, use_snownlp=False)
    return path


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _serve(db: Path, log: Path) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    env = dict(os.environ, NARRATIVE_DB=str(db))
    process = subprocess.Popen(
        [sys.executable, "-m", "ui.serve", "app.py", "--server.port", str(port), "--server.headless",
         "true", "--browser.gatherUsageStats", "false"],
        cwd=REPO, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 300
    while True:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2):
                return process, url
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"streamlit did not start: {log.read_text()[-2000:]}") from None
            time.sleep(0.3)


def _settle(page, start: float) -> float:
    page.wait_for_function(SETTLED, timeout=TIMEOUT_MS, polling=50)
    return time.perf_counter() - start


def _one_try(browser, url: str, preset: str) -> dict:
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    try:
        start = time.perf_counter()
        page.goto(url)
        page.wait_for_selector("[data-testid='stVegaLiteChart'] canvas, [data-testid='stVegaLiteChart'] svg",
                               timeout=TIMEOUT_MS)  # fmt: skip
        page.get_by_text("Articles in range", exact=True).wait_for(timeout=TIMEOUT_MS)
        first_load = _settle(page, start)
        kpi = page.locator("[data-testid='stMetricValue']").first.inner_text()
        start = time.perf_counter()
        page.get_by_role("radio", name=preset, exact=True).click()
        page.wait_for_function(
            "([old]) => { const v = document.querySelector('[data-testid=\"stMetricValue\"]');"
            " return v && v.innerText !== old; }", arg=[kpi], timeout=TIMEOUT_MS, polling=50,
        )  # fmt: skip
        filter_change = _settle(page, start)
        title = page.locator(".nt-title").first.inner_text()
        start = time.perf_counter()
        page.locator("[data-testid='stSelectbox']").last.click()
        page.keyboard.press("ArrowDown")  # the picker's second article
        page.keyboard.press("Enter")
        page.wait_for_function(
            "([old]) => { const h = document.querySelector('.nt-title'); return h && h.innerText !== old; }",
            arg=[title], timeout=TIMEOUT_MS, polling=50,
        )  # fmt: skip
        open_article = _settle(page, start)
        return {"first_load_s": first_load, "filter_change_s": filter_change, "open_article_s": open_article}
    finally:
        page.close()


def run_browser_benchmark(
    n_articles: int = 20_000, *, tries: int = 3, cold_tries: int = 3, out: Path = OUT
) -> dict:
    """Median interaction times over `tries` fresh page loads, and of the cold try of `cold_tries` fresh servers,
    with the targets they are held to."""
    from playwright.sync_api import sync_playwright

    db = build_db(n_articles, out=out)
    from analysis.store import Store

    total = Store(db).article_count()
    colds, runs = [], []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        try:
            for attempt in range(cold_tries):
                process, url = _serve(db, out / "browser_streamlit.log")
                try:
                    # The cold try: the server's first imports and an empty cache. Each timed try then picks a
                    # preset no earlier try on this server picked, so its filter change is never a cache hit.
                    colds.append(_one_try(browser, url, "1Y"))
                    if attempt == cold_tries - 1:
                        runs = [_one_try(browser, url, preset) for preset in ("3M", "1M", "YTD")[:tries]]
                finally:
                    process.terminate()
                    process.wait(timeout=30)
        finally:
            browser.close()
    result = {"articles": total, "tries": len(runs), "cold_tries": len(colds), "cores": os.cpu_count(),
              "load_1min": round(os.getloadavg()[0], 2)}  # fmt: skip
    result["cold"] = {key: round(median([c[key] for c in colds]), 3) for key in colds[0]}
    result["cold_max"] = {key: round(max(c[key] for c in colds), 3) for key in colds[0]}
    for key in ("first_load_s", "filter_change_s", "open_article_s"):
        result[key] = round(median([r[key] for r in runs]), 3)
        result[key.replace("_s", "_max_s")] = round(max(r[key] for r in runs), 3)
    result["targets"] = {
        key: {"target_s": limit, "met": result[key] < limit} for key, limit in TARGETS.items()
    }
    result["targets"]["cold_first_load_s"] = {
        "target_s": TARGETS["first_load_s"], "met": result["cold"]["first_load_s"] < TARGETS["first_load_s"]
    }  # fmt: skip
    (out / "browser_results.json").write_text(json.dumps(result, indent=2))
    return result
