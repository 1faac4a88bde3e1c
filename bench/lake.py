"""The lake column: ingest + score (finance only) at 20k, three ways, each in its own process.

single  the embedded store in one process (ingest_paths and score_store with workers=1)
local   the lake with --engine local (the same tasks in this process, Parquet instead of DuckDB)
ray     the lake with --engine ray on a local Ray of `cpus` CPUs (its start-up measured apart)

Each way ends with what the dashboard reads (the store as written; the lake attached as a DuckDB file).
"""

from __future__ import annotations

import json
import shutil
import sys
import time
from datetime import datetime
from pathlib import Path

from bench import synthetic
from bench.measure import machine_info, run_in_child

LAKE_ARTICLES = 20_000
STEPS = "bench.lake"


def single(*, corpus: str, work: str) -> dict:
    """The embedded store in one process: ingest, then score without snownlp."""
    from analysis.ingest.run import ingest_paths
    from analysis.scoring.run import score_store
    from analysis.store import Store

    store = Store(Path(work) / "single.duckdb")
    t0 = time.perf_counter()
    summary = ingest_paths(store, [corpus], workers=1)
    t1 = time.perf_counter()
    scored = score_store(store, use_snownlp=False, workers=1)
    t2 = time.perf_counter()
    return {"ingest_s": round(t1 - t0, 3), "score_s": round(t2 - t1, 3), "attach_s": 0.0,
            "total_s": round(t2 - t0, 3), "articles": len(summary.added), "scored": scored.scored,
            "near_duplicates": summary.near_duplicates}  # fmt: skip


def lake(*, corpus: str, work: str, engine: str, cpus: int = 2) -> dict:
    """The lake on an engine: lake ingest, lake score (no snownlp), lake attach; with the work each did."""
    from analysis.lake.engine import make_engine
    from analysis.lake.ingest import lake_ingest
    from analysis.lake.layout import Lake
    from analysis.lake.score import lake_score
    from analysis.store import attach_lake

    t0 = time.perf_counter()
    if engine == "ray":
        import ray

        ray.init(num_cpus=cpus, include_dashboard=False, log_to_driver=False, configure_logging=False)
    runner = make_engine(engine)
    startup = time.perf_counter() - t0
    try:
        target = Lake(Path(work) / f"lake-{engine}")
        t1 = time.perf_counter()
        summary, ingest_work = lake_ingest(target, [corpus], engine=runner)
        t2 = time.perf_counter()
        scored, score_work = lake_score(target, engine=runner, use_snownlp=False)
        t3 = time.perf_counter()
        snapshot = target.snapshot()
        attach_lake(Path(work) / f"lake-{engine}.duckdb", files=snapshot.files,
                    runs=snapshot.runs)  # fmt: skip
        t4 = time.perf_counter()
    finally:
        if engine == "ray":
            import ray

            ray.shutdown()
    return {"startup_s": round(startup, 3), "ingest_s": round(t2 - t1, 3), "score_s": round(t3 - t2, 3),
            "attach_s": round(t4 - t3, 3), "total_s": round(t4 - t1, 3), "articles": len(summary.added),
            "scored": scored.scored, "near_duplicates": summary.near_duplicates,
            "ingest_tasks": ingest_work["tasks"], "article_files": ingest_work["files_written"],
            "month_partitions": ingest_work["partitions"], "score_batches": score_work["parts"],
            "score_input_files": score_work["input_files"], "score_workers": len(score_work["workers"])}  # fmt: skip


ROWS = (("startup_s", "engine start-up, s", "{:.1f}"), ("ingest_s", "ingest, s", "{:.1f}"),
        ("score_s", "score (finance only), s", "{:.1f}"), ("attach_s", "attach (views + facts), s", "{:.1f}"),
        ("total_s", "ingest + score + attach, s", "{:.1f}"), ("vs_single", "… ÷ single-process store", "{:.2f}×"),
        ("near_duplicates", "near-duplicate links", "{:,}"), ("ingest_tasks", "ingest tasks", "{:,}"),
        ("article_files", "article files (blocks) written", "{:,}"),
        ("month_partitions", "month partitions", "{:,}"), ("score_batches", "score batches", "{:,}"),
        ("score_workers", "scoring workers that worked", "{:,}"),
        ("peak_mb", "peak memory (process tree), MB", "{:,.0f}"), ("load", "1-min load before, ", "{:.1f}"))  # fmt: skip


def table(columns: dict[str, dict]) -> str:
    """The lake comparison as a Markdown table, one column per way."""
    lines = ["| | " + " | ".join(columns) + " |", "|---|" + "---:|" * len(columns)]
    for key, label, fmt in ROWS:
        cells = [fmt.format(c[key]) if c.get(key) is not None else "–" for c in columns.values()]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def run_lake_benchmark(
    *, n_articles: int = LAKE_ARTICLES, out_dir: Path, work_dir: Path, cpus: int = 2
) -> dict:
    """single vs local vs ray on one corpus; writes lake.json and lake.md to out_dir and returns the figures."""
    corpus = synthetic.write_corpus(work_dir, n_articles)
    run_dir = Path(work_dir) / f"lake-{n_articles}-{datetime.now():%Y%m%d%H%M%S}"
    run_dir.mkdir(parents=True, exist_ok=True)
    columns: dict[str, dict] = {}
    try:
        for name, kwargs in (
            ("single", {}),
            ("local", {"engine": "local"}),
            ("ray", {"engine": "ray", "cpus": cpus}),
        ):
            print(f"[bench lake] {name} at {n_articles:,}", file=sys.stderr, flush=True)
            step = "single" if name == "single" else "lake"
            result = run_in_child(STEPS, step, corpus=str(corpus.files_dir), work=str(run_dir), **kwargs)
            result["peak_mb"] = result["memory"]["peak_tree_rss_mb"]
            result["load"] = result["load_average"]
            columns[name] = result
    finally:
        shutil.rmtree(run_dir, ignore_errors=True)
    for column in columns.values():
        column["vs_single"] = round(column["total_s"] / columns["single"]["total_s"], 3)
    results = {"articles": n_articles, "cpus": cpus, "date": datetime.now().isoformat(timespec="seconds"),
               "machine": machine_info(), "columns": columns}  # fmt: skip
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "lake.json").write_text(json.dumps(results, indent=2, default=str) + "\n")
    (out_dir / "lake.md").write_text(f"Lake at {n_articles:,} articles, {cpus} CPUs\n\n{table(columns)}\n")
    return results
