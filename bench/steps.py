"""The benchmark's steps; each runs in its own process (see measure.run_in_child) and returns plain numbers.

Arguments are plain values (paths as strings) because they cross a process boundary.
"""

from __future__ import annotations

import multiprocessing
import os
import random
import re
import shutil
import time
from datetime import timedelta
from pathlib import Path

from bench.measure import median, percentile

MB = 1_000_000  # MB of text = 10^6 bytes of UTF-8
_SENTENCE = re.compile(r"[^。！？!?\n]+[。！？!?]?")


def _store(db: str):
    from analysis.store import Store

    return Store(db)


def _rate(count: float, seconds: float) -> float:
    return round(count / seconds, 3) if seconds > 0 else float("inf")


# -- ingest ----------------------------------------------------------------------------------------
def ingest(*, db: str, paths: list[str], input_bytes: int) -> dict:
    """Files → articles in a fresh store, as `narrative ingest` does."""
    from analysis.bundled import ensure_bundled_prices
    from analysis.ingest.run import ingest_paths

    store = _store(db)
    started = time.perf_counter()
    summary = ingest_paths(store, paths)
    seconds = time.perf_counter() - started
    ensure_bundled_prices(store)  # the queries step charts prices too; not part of the ingest figure
    articles = len(summary.added) + len(summary.already_stored)
    return {
        "seconds": round(seconds, 3),
        "files": summary.files,
        "added": len(summary.added),
        "already_stored": len(summary.already_stored),
        "near_duplicates": summary.near_duplicates,
        "problems": len(summary.problems),
        "first_problems": [str(p) for p in summary.problems[:5]],
        "input_mb": round(input_bytes / MB, 3),
        "articles_per_s": _rate(articles, seconds),
        "mb_per_s": _rate(input_bytes / MB, seconds),
    }


# -- scorer throughput ------------------------------------------------------------------------------
_worker_scorer = None


def _init_worker(use_snownlp: bool) -> None:
    global _worker_scorer
    from analysis.scoring import load_scorer

    _worker_scorer = load_scorer(ticker="1810.HK", use_snownlp=use_snownlp)


def _worker_ready(_: int) -> bool:
    time.sleep(0.2)  # long enough that every worker takes one: all have loaded their scorer
    return _worker_scorer is not None


def _score_rows(rows: list[tuple[str, str, str, str]]):
    from analysis.scoring.columns import ScoreRows

    return ScoreRows.from_scores(_worker_scorer.score_article(*row) for row in rows)  # as the pipeline's pool


def sample_rows(store, size: int) -> list[tuple[str, str, str, str]]:
    """A fixed, evenly spread sample of stored articles: (id, text, text_simplified, language)."""
    ids = store.articles_to_score(ticker="1810.HK", config_hash="", force=True)
    step = max(1, len(ids) // max(1, size))
    return store.article_texts(ids[::step][:size])


def split_sentences(text: str) -> list[str]:
    """Sentences as snownlp would be given them: split at CJK and Latin sentence ends and line breaks."""
    return [s.strip() for s in _SENTENCE.findall(text) if len(s.strip()) >= 4]


def scorer_throughput(
    *,
    db: str,
    sample_size: int,
    repeats: int,
    workers: int,
    snownlp_sentences: int,
    snownlp_share_articles: int,
) -> dict:
    """Finance scorer on one core and on a pool, snownlp on the same text, each repeated; medians reported."""
    from analysis.scoring import load_scorer

    rows = sample_rows(_store(db), sample_size)
    text_mb = sum(len(r[1].encode()) for r in rows) / MB
    started = time.perf_counter()
    scorer = load_scorer(ticker="1810.HK", use_snownlp=False)
    load_s = time.perf_counter() - started
    scorer.score_article(*rows[0])  # warm: lazy tables, first-call caches

    single = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        for row in rows:
            scorer.score_article(*row)
        single.append(time.perf_counter() - t0)

    parallel = []
    chunks = [rows[i : i + 20] for i in range(0, len(rows), 20)]
    ctx = multiprocessing.get_context("forkserver" if os.name != "nt" else "spawn")
    with ctx.Pool(workers, initializer=_init_worker, initargs=(False,)) as pool:
        pool.map(_worker_ready, range(workers), chunksize=1)
        for _ in range(repeats):
            t0 = time.perf_counter()
            pool.map(_score_rows, chunks, chunksize=1)
            parallel.append(time.perf_counter() - t0)

    sentences = [s for r in rows for s in split_sentences(r[2])][:snownlp_sentences]
    snow = _snownlp_seconds(sentences, repeats)
    snow_mb = sum(len(s.encode()) for s in sentences) / MB
    share = _snownlp_share(rows[:snownlp_share_articles], scorer)

    single_s, parallel_s, snow_s = median(single), median(parallel), median(snow)
    finance = text_mb / single_s
    snownlp = snow_mb / snow_s
    return {
        "sample_articles": len(rows),
        "sample_text_mb": round(text_mb, 3),
        "repeats": repeats,
        "scorer_load_s": round(load_s, 3),
        "single_s": [round(x, 3) for x in single],
        "parallel_s": [round(x, 3) for x in parallel],
        "workers": workers,
        "finance_articles_per_s_per_core": round(len(rows) / single_s, 1),
        "finance_mb_per_s_per_core": round(finance, 3),
        "finance_parallel_articles_per_s": round(len(rows) / parallel_s, 1),
        "finance_parallel_mb_per_s": round(text_mb / parallel_s, 3),
        "parallel_speedup": round(single_s / parallel_s, 3),
        "snownlp_sentences": len(sentences),
        "snownlp_text_mb": round(snow_mb, 4),
        "snownlp_s": [round(x, 3) for x in snow],
        "snownlp_sentences_per_s": round(len(sentences) / snow_s, 1),
        "snownlp_mb_per_s_per_core": round(snownlp, 4),
        "finance_vs_snownlp": round(finance / snownlp, 1),
        **share,
    }


def _snownlp_seconds(sentences: list[str], repeats: int) -> list[float]:
    from snownlp import SnowNLP

    _ = SnowNLP("加载模型").sentiments  # the first call loads the model: not throughput
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        total = 0.0
        for sentence in sentences:
            total += SnowNLP(sentence).sentiments
        times.append(time.perf_counter() - t0)
    return times


def _snownlp_share(rows: list, finance_scorer) -> dict:
    """How much of a scorer's time snownlp takes when on: the same articles scored with and without it."""
    from analysis.scoring import load_scorer

    if not rows:
        return {}
    with_snownlp = load_scorer(ticker="1810.HK", use_snownlp=True)
    with_snownlp.score_article(*rows[0])
    t0 = time.perf_counter()
    for row in rows:
        finance_scorer.score_article(*row)
    without_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    for row in rows:
        with_snownlp.score_article(*row)
    with_s = time.perf_counter() - t0
    return {
        "snownlp_share_articles": len(rows),
        "scoring_with_snownlp_s": round(with_s, 3),
        "scoring_without_snownlp_s": round(without_s, 3),
        "snownlp_share_of_scoring": round(max(0.0, 1 - without_s / with_s), 3) if with_s > 0 else None,
    }


# -- scoring runs ----------------------------------------------------------------------------------
def score(*, db: str, use_snownlp: bool, force: bool = False, data_dir: str | None = None) -> dict:
    """One `score_store` run over the store, as `narrative score` does."""
    from analysis.scoring.run import score_store

    store = _store(db)
    started = time.perf_counter()
    summary = score_store(
        store, force=force, use_snownlp=use_snownlp, data_dir=Path(data_dir) if data_dir else None
    )
    seconds = time.perf_counter() - started
    return {
        "seconds": round(seconds, 3),
        "scored": summary.scored,
        "articles": summary.total_articles,
        "run_id": summary.run.run_id if summary.run else None,
        "articles_per_s": _rate(summary.scored, seconds),
    }


def incremental(*, db: str, changed_file: str, use_snownlp: bool) -> dict:
    """Ingest edited copies of some articles, then rerun scoring: only the new ones should be scored."""
    from analysis.ingest.run import ingest_paths

    store = _store(db)
    t0 = time.perf_counter()
    summary = ingest_paths(store, [changed_file])
    ingest_s = time.perf_counter() - t0
    result = score(db=db, use_snownlp=use_snownlp)
    return {"ingest_s": round(ingest_s, 3), "added": len(summary.added), **result}


def reconfigured(*, db: str, tmp_data_dir: str, use_snownlp: bool) -> dict:
    """Edit frames.toml (in a copy of data/) and rerun: every article must be rescored."""
    from analysis import DATA_DIR

    target = Path(tmp_data_dir)
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(DATA_DIR, target, ignore=shutil.ignore_patterns("*.duckdb*"))
    frames = target / "frames.toml"
    with frames.open("a", encoding="utf-8") as handle:
        # A harmless edit: a pattern no article contains, in a frame of its own.
        handle.write('\n[frames.bench_edit]\npolarity = "context"\ndescription = "benchmark edit"\n'
                     'patterns = ["基准测试专用短语"]\n')  # fmt: skip
    return score(db=db, use_snownlp=use_snownlp, data_dir=str(target))


# -- dashboard queries -----------------------------------------------------------------------------
def _filters(store, count: int, seed: int) -> list:
    from analysis.store import ArticleFilter

    facets = store.facets()
    rng = random.Random(seed)
    first, last = facets["date_min"], facets["date_max"]
    span = (last - first).days if first and last else 0
    out = []
    for _ in range(count):
        start = end = None
        if span and rng.random() < 0.8:
            length = rng.randint(30, span)
            start = first + timedelta(days=rng.randint(0, max(0, span - length)))
            end = start + timedelta(days=length)
        out.append(ArticleFilter(
            date_from=start, date_to=end,
            sources=tuple(rng.sample(facets["sources"], rng.randint(1, min(5, len(facets["sources"])))))
            if facets["sources"] and rng.random() < 0.4 else None,
            languages=tuple(rng.sample(facets["languages"], rng.randint(1, len(facets["languages"]))))
            if facets["languages"] and rng.random() < 0.3 else None,
            frames=tuple(rng.sample(facets["frames"], min(2, len(facets["frames"]))))
            if facets["frames"] and rng.random() < 0.2 else None,
            include_duplicates=rng.random() < 0.5,
        ))  # fmt: skip
    return out


class _Timer:
    """Milliseconds per named call, and per filter change."""

    def __init__(self) -> None:
        self.parts: dict[str, list[float]] = {}
        self.totals: list[float] = []

    def call(self, name: str, func, *args, **kwargs):
        t0 = time.perf_counter()
        value = func(*args, **kwargs)
        self.parts.setdefault(name, []).append((time.perf_counter() - t0) * 1000)
        return value

    def summary(self) -> dict:
        return {
            "repetitions": len(self.totals),
            "p50_ms": round(percentile(self.totals, 50), 1),
            "p95_ms": round(percentile(self.totals, 95), 1),
            "max_ms": round(max(self.totals), 1) if self.totals else None,
            "parts_p50_ms": {k: round(percentile(v, 50), 1) for k, v in self.parts.items()},
            "parts_p95_ms": {k: round(percentile(v, 95), 1) for k, v in self.parts.items()},
        }


def _core_change(timer: _Timer, store, f) -> int:
    """The data behind the charts, read as the dashboard reads it: per-day sums, per-outlet sums, frame hits per
    day and the main chart's bounded sample of points (one connection, opened and closed per change), prices,
    and the series drawn from those sums. No step reads every filtered article."""
    from analysis import narrative
    from analysis.views import read_points

    t0 = time.perf_counter()
    with store.reading():  # one connection per filter change, as the dashboard does
        opened = time.perf_counter()
        sums = timer.call("tone_cube", store.tone_cube, f)
        sources = timer.call("source_cube", store.source_cube, f, freq="W")
        frames = timer.call("frame_counts_by_day", store.frame_counts_by_day, f)
        timer.call("points", read_points, store, f, tone_field="tone", cube=sums)
        timer.call("prices", store.prices, [f.ticker], date_from=f.date_from, date_to=f.date_to)
        closing = time.perf_counter()
    timer.parts.setdefault("connection", []).append(((opened - t0) + (time.perf_counter() - closing)) * 1000)
    timer.call("tone_index", narrative.tone_index, sums, freq="D")
    timer.call("frame_shares", narrative.frame_shares, frames, freq="W")
    timer.call("source_tone", narrative.source_tone, sources)
    timer.call("bull_bear_intensity", narrative.bull_bear_intensity, sums, freq="W")
    return int(sums["n"].sum()) if len(sums) else 0


def _dashboard_change(timer: _Timer, store, f, all_prices) -> None:
    """What the dashboard recomputes on a filter change (app.py, app_pages/): the sidebar's reads, the view
    (sums, points, explorer page, picker) through one connection, the KPIs and every series, the explorer's
    rows and the five charts' Altair specs (prices are cached apart, keyed by their version; Streamlit's own
    serialising and sending of the specs is not timed)."""
    from analysis.views import chart_window, prices_in_range, read_view, view_series
    from ui import charts
    from ui.tables import explorer_table

    def sidebar_reads() -> None:
        with store.reading():  # app_pages/sidebar.py: one connection for what every rerun reads
            store.price_stats()
            store.current_run(f.ticker)
            store.article_count()

    timer.call("sidebar_reads", sidebar_reads)
    data = timer.call("read_view", read_view, store, f, freq="W", tone_field="tone")
    series = timer.call("view_series", view_series, data, all_prices, ticker=f.ticker, tone_field="tone",
                        freq="W", benchmark="HSI", date_from=f.date_from, date_to=f.date_to)  # fmt: skip
    timer.call("explorer_table", explorer_table, data.page)

    def build_charts() -> None:
        shown = prices_in_range(all_prices, *chart_window(f.date_from, f.date_to))
        charts.main_chart(shown, data.points, series["index"], series["shifts"], ticker=f.ticker)
        charts.frame_mix_chart(series["frame_shares"])
        charts.source_tone_chart(series["source_tone"])
        charts.lead_lag_chart(series["lead_lag"])
        charts.event_study_chart(series["event_study"])

    timer.call("charts", build_charts)


def queries(*, db: str, repetitions: int, seed: int = 7) -> dict:
    """The data behind one filter change, timed over varied filters (the first is a warm-up): p50 and p95.

    'core' is the data behind the charts; 'dashboard' is everything the dashboard recomputes (_dashboard_change).
    A database from before the facts tables is migrated on first open, outside the timed changes.
    """
    store = _store(db)
    filters = _filters(store, repetitions + 1, seed)
    all_prices = store.prices()
    core, dashboard = _Timer(), _Timer()
    rows: list[int] = []
    for i, f in enumerate(filters):
        t0 = time.perf_counter()
        n = _core_change(core, store, f)
        core_ms = (time.perf_counter() - t0) * 1000
        t0 = time.perf_counter()
        _dashboard_change(dashboard, store, f, all_prices)
        dashboard_ms = (time.perf_counter() - t0) * 1000
        if i == 0:  # the first opens the file and fills DuckDB's caches: not a filter change
            core.parts, dashboard.parts = {}, {}
            continue
        core.totals.append(core_ms)
        dashboard.totals.append(dashboard_ms)
        rows.append(n)
    return {
        **core.summary(),
        "median_rows": int(median(rows)) if rows else 0,
        "dashboard": dashboard.summary(),
        "store": {"articles": store.article_count(), "db_mb": round(os.path.getsize(db) / MB, 1)},
    }
