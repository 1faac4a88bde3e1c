"""Profiles behind the benchmark's figures: `python -m bench.profile STEP [--articles N]`.

Writes pyinstrument reports (text and HTML) to bench/profiles/. Steps: ingest (as the pipeline runs it: the
parent process, with cleaning on the pool), score (one process, so the scorer and the store show up in one
profile), score-pool (the parent while two workers score), scorer (score_article alone), queries. Needs
pyinstrument.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from pathlib import Path

from bench import REPO, steps, synthetic

PROFILES = REPO / "bench" / "out" / "profiles"


def _profiled(name: str, n_articles: int, func) -> None:
    from pyinstrument import Profiler

    profiler = Profiler(interval=0.002)
    started = time.perf_counter()
    profiler.start()
    func()
    profiler.stop()
    seconds = time.perf_counter() - started
    PROFILES.mkdir(parents=True, exist_ok=True)
    stem = PROFILES / f"{name}-{n_articles}"
    text = profiler.output_text(unicode=True, color=False, show_all=False)
    stem.with_suffix(".txt").write_text(
        f"# {name}, N={n_articles}, {seconds:.1f}s wall\n{text}", encoding="utf-8"
    )
    stem.with_suffix(".html").write_text(profiler.output_html(), encoding="utf-8")
    print(f"{name}: {seconds:.1f}s → {stem}.txt / .html", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.profile")
    parser.add_argument("step", choices=["ingest", "score", "score-pool", "scorer", "queries", "all"])
    parser.add_argument("--articles", type=int, default=2_000)
    parser.add_argument("--work", type=Path, default=REPO / "bench" / "out" / "work")
    args = parser.parse_args(argv)
    n = args.articles
    corpus = synthetic.write_corpus(args.work, n)
    run_dir = args.work / f"profile-{n}"
    db = run_dir / "bench.duckdb"
    todo = ["ingest", "score", "score-pool", "scorer", "queries"] if args.step == "all" else [args.step]
    if "ingest" in todo or not db.exists():
        shutil.rmtree(run_dir, ignore_errors=True)
        run_dir.mkdir(parents=True)
        ingest = lambda: steps.ingest(db=str(db), paths=[str(corpus.files_dir)], input_bytes=corpus.bytes)  # noqa: E731
        if "ingest" in todo:
            _profiled("ingest", n, ingest)
        else:
            ingest()
    if "score" in todo:
        from analysis.scoring.run import score_store

        _profiled(
            "score", n, lambda: score_store(steps._store(str(db)), force=True, workers=1, use_snownlp=False)
        )
    if "score-pool" in todo:  # the parent's share when workers score: reading texts, writing scores
        from analysis.scoring.run import score_store

        _profiled(
            "score-pool",
            n,
            lambda: score_store(steps._store(str(db)), force=True, workers=2, use_snownlp=False),
        )
    if "scorer" in todo:
        from analysis.scoring import load_scorer

        rows = steps.sample_rows(steps._store(str(db)), 300)
        scorer = load_scorer(ticker="1810.HK", use_snownlp=False)
        scorer.score_article(*rows[0])
        _profiled("scorer", len(rows), lambda: [scorer.score_article(*row) for row in rows])
    if "queries" in todo:
        from analysis.scoring.run import score_store

        store = steps._store(str(db))
        if store.current_run() is None:
            score_store(store, use_snownlp=False)
        _profiled("queries", n, lambda: steps.queries(db=str(db), repetitions=30))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
