"""`narrative bench`: generate the corpus, run every step in its own process, write results and the table."""

from __future__ import annotations

import json
import shutil
import sys
import time
from datetime import datetime
from pathlib import Path

from bench import REPO, synthetic
from bench.measure import git_state, machine_info, median, run_in_child
from bench.report import evaluate_targets, update_benchmarks_md

DEFAULT_OUT = REPO / "bench" / "out"  # git-ignored: results.json, the table, profiles
STEPS = "bench.steps"
QUICK_ARTICLES = 2_000
INCREMENTAL_ROUNDS = 3
QUERY_REPETITIONS = 30

REQUIRED_KEYS = (
    "articles", "ingest_mb_per_s", "finance_mb_per_s_per_core", "snownlp_mb_per_s_per_core", "parallel_speedup",
    "full_score_s", "incremental_score_s", "reconfigured_score_s", "query_p50_ms", "query_p95_ms", "peak_rss_mb",
)  # fmt: skip


def _sizes(n_articles: int, quick: bool) -> dict:
    """How big the repeated samples are: small for quick runs, enough for a stable median otherwise."""
    if quick or n_articles <= 5_000:
        return {"sample_size": min(n_articles, 200), "repeats": 3, "snownlp_sentences": 150,
                "snownlp_share_articles": min(n_articles, 10)}  # fmt: skip
    return {"sample_size": 1_000, "repeats": 3, "snownlp_sentences": 600, "snownlp_share_articles": 40}


def _say(message: str) -> None:
    print(f"[bench {datetime.now():%H:%M:%S}] {message}", file=sys.stderr, flush=True)


def run_benchmark(
    *,
    n_articles: int,
    quick: bool,
    use_snownlp: bool = True,
    out_dir: Path = DEFAULT_OUT,
    work_dir: Path | None = None,
    benchmarks_md: Path | None = None,
    keep_db: bool = False,
    seed: int = synthetic.DEFAULT_SEED,
    workers: int = 2,
) -> dict:
    """Measure every stage over a synthetic corpus of n_articles; write results.json and a BENCHMARKS.md table.

    Both go to out_dir (git-ignored): docs/BENCHMARKS.md quotes a run by hand, so CI never rewrites a tracked file.
    """
    out_dir = Path(out_dir)
    work = Path(work_dir) if work_dir else out_dir / "work"
    if benchmarks_md is None:
        benchmarks_md = out_dir / "BENCHMARKS.md"
    started = time.perf_counter()
    requested_snownlp = use_snownlp
    # snownlp scores ~0.02 MB/s: with it, a quick run's scoring steps alone would take minutes. A quick run
    # measures it on the throughput sample only (its speed, its share of scoring time) and scores without it.
    use_snownlp = use_snownlp and not quick

    _say(f"corpus of {n_articles} articles")
    t0 = time.perf_counter()
    corpus = synthetic.write_corpus(work, n_articles, seed=seed)
    corpus_s = time.perf_counter() - t0
    run_dir = work / f"run-{n_articles}-{datetime.now():%Y%m%d%H%M%S}"
    run_dir.mkdir(parents=True, exist_ok=True)
    db = str(run_dir / "bench.duckdb")
    steps: dict[str, dict] = {}
    try:
        _say("ingest")
        steps["ingest"] = run_in_child(
            STEPS, "ingest", db=db, paths=[str(corpus.files_dir)], input_bytes=corpus.bytes
        )
        _say("scorer throughput")
        steps["scorer"] = run_in_child(STEPS, "scorer_throughput", db=db, workers=workers,
                                       **_sizes(n_articles, quick))  # fmt: skip
        if use_snownlp:
            _say("full score, finance only")
            steps["finance_score"] = run_in_child(STEPS, "score", db=db, use_snownlp=False)
            _say(
                f"full score with snownlp (at least {_snownlp_minutes(steps['scorer'], n_articles, workers):.0f} min; "
                "--no-snownlp leaves it out)"
            )
            steps["full_score"] = run_in_child(STEPS, "score", db=db, use_snownlp=True, force=True)
        else:
            _say("full score")
            steps["full_score"] = run_in_child(STEPS, "score", db=db, use_snownlp=False)
            steps["finance_score"] = steps["full_score"]
        _say("rerun with nothing changed")
        steps["noop_score"] = run_in_child(STEPS, "score", db=db, use_snownlp=use_snownlp)
        rounds = []
        for round_ in range(INCREMENTAL_ROUNDS):
            _say(f"incremental rerun {round_ + 1}/{INCREMENTAL_ROUNDS}")
            changed, rows, _ = synthetic.write_changed_copies(run_dir / "changed", n_articles, seed=seed,
                                                              round_=round_)  # fmt: skip
            result = run_in_child(
                STEPS, "incremental", db=db, changed_file=str(changed), use_snownlp=use_snownlp
            )
            rounds.append(result | {"changed_rows": rows})
        steps["incremental"] = {"rounds": rounds, "seconds": median([r["seconds"] for r in rounds]),
                                "load_average": rounds[0]["load_average"]}  # fmt: skip
        _say("rerun after editing frames.toml")
        steps["reconfigured"] = run_in_child(STEPS, "reconfigured", db=db, tmp_data_dir=str(run_dir / "data"),
                                             use_snownlp=use_snownlp)  # fmt: skip
        _say("dashboard queries")
        steps["queries"] = run_in_child(STEPS, "queries", db=db, repetitions=QUERY_REPETITIONS)
    finally:
        if not keep_db:
            shutil.rmtree(run_dir, ignore_errors=True)

    results = _summarise(steps, corpus, n_articles=n_articles, quick=quick, use_snownlp=use_snownlp)
    if not quick and _ray_installed():
        from bench.lake import LAKE_ARTICLES, run_lake_benchmark

        _say(
            f"lake column at {min(n_articles, LAKE_ARTICLES):,}: single store vs --engine local vs --engine ray"
        )
        results["lake"] = run_lake_benchmark(n_articles=min(n_articles, LAKE_ARTICLES), out_dir=out_dir,
                                             work_dir=work, cpus=workers)  # fmt: skip
    results["snownlp_requested"] = requested_snownlp
    results["corpus"] = corpus.as_dict() | {"seconds": round(corpus_s, 3)}
    results["steps"] = steps
    results["total_s"] = round(time.perf_counter() - started, 1)
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "results.json").write_text(
        json.dumps(results, ensure_ascii=False, indent=2, default=str) + "\n"
    )
    update_benchmarks_md(benchmarks_md, results)
    _say(f"done in {results['total_s']}s: {out_dir / 'results.json'}")
    return results


def _ray_installed() -> bool:
    from analysis.lake.engine import ray_available

    return ray_available()


def _snownlp_minutes(scorer: dict, n_articles: int, workers: int) -> float:
    """The sample's extra seconds per article with snownlp on, times N, over the workers: a rough forecast."""
    sample = scorer.get("snownlp_share_articles") or 0
    extra = (scorer.get("scoring_with_snownlp_s") or 0) - (scorer.get("scoring_without_snownlp_s") or 0)
    return extra / sample * n_articles / max(1, workers) / 60 if sample else float("nan")


def _summarise(steps: dict, corpus, *, n_articles: int, quick: bool, use_snownlp: bool) -> dict:
    ingest, scorer, full = steps["ingest"], steps["scorer"], steps["full_score"]
    finance = steps["finance_score"]
    peaks = {name: step["memory"]["peak_tree_rss_mb"] for name, step in steps.items() if "memory" in step}
    for i, r in enumerate(steps["incremental"]["rounds"]):
        peaks[f"incremental_{i}"] = r["memory"]["peak_tree_rss_mb"]
    if use_snownlp:
        share = max(0.0, 1 - finance["seconds"] / full["seconds"]) if full["seconds"] else None
        share_basis = "full run with snownlp vs the same run without it"
    else:
        share = scorer.get("snownlp_share_of_scoring")
        share_basis = "estimated on the throughput sample (the full run left snownlp out)"
    results = {
        "articles": n_articles,
        "quick": quick,
        "use_snownlp": use_snownlp,
        "date": datetime.now().isoformat(timespec="seconds"),
        "machine": machine_info(),
        "git": git_state(),
        # Other work on the machine slows every figure: the 1-minute load average before each step says how much.
        "load_average_by_step": {name: step.get("load_average") for name, step in steps.items()},
        "ingest_s": ingest["seconds"],
        "ingest_articles_per_s": ingest["articles_per_s"],
        "ingest_mb_per_s": ingest["mb_per_s"],
        "finance_articles_per_s_per_core": scorer["finance_articles_per_s_per_core"],
        "finance_mb_per_s_per_core": scorer["finance_mb_per_s_per_core"],
        "finance_parallel_mb_per_s": scorer["finance_parallel_mb_per_s"],
        "snownlp_mb_per_s_per_core": scorer["snownlp_mb_per_s_per_core"],
        "finance_vs_snownlp": scorer["finance_vs_snownlp"],
        "parallel_speedup": scorer["parallel_speedup"],
        "full_score_s": full["seconds"],
        "finance_score_s": finance["seconds"],
        "ingest_score_store_s": round(ingest["seconds"] + finance["seconds"], 3),
        "noop_score_s": steps["noop_score"]["seconds"],
        "noop_scored": steps["noop_score"]["scored"],
        "incremental_score_s": steps["incremental"]["seconds"],
        "incremental_share_of_full": round(steps["incremental"]["seconds"] / full["seconds"], 4)
        if full["seconds"]
        else None,
        "reconfigured_score_s": steps["reconfigured"]["seconds"],
        "reconfigured_rescored_all": steps["reconfigured"]["scored"] == steps["reconfigured"]["articles"],
        "query_p50_ms": steps["queries"]["p50_ms"],
        "query_p95_ms": steps["queries"]["p95_ms"],
        "dashboard_p50_ms": steps["queries"]["dashboard"]["p50_ms"],
        "dashboard_p95_ms": steps["queries"]["dashboard"]["p95_ms"],
        "peak_rss_mb": max(peaks.values()),
        "peak_score_rss_mb": max(peaks["full_score"], peaks["finance_score"]),
        "peak_rss_mb_by_step": peaks,
        "snownlp_share_of_total": round(share, 3) if share is not None else None,
        "snownlp_share_basis": share_basis,
        "repeats": {
            "scorer": scorer["repeats"],
            "snownlp": scorer["repeats"],
            "incremental": len(steps["incremental"]["rounds"]),
            "queries": steps["queries"]["repetitions"],
        },  # fmt: skip
    }
    results["targets"] = evaluate_targets(results)
    return results
