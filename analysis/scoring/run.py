"""The scoring stage run over a store: a new run scores what needs it and becomes current only when complete."""

from __future__ import annotations

import multiprocessing
import os
import time
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from analysis import settings
from analysis.models import Progress
from analysis.scoring.columns import ScoreRows
from analysis.scoring.corrections import Correction, by_article
from analysis.store import RunInfo, Store

# Scoring batches whose texts the parent reads in one query when feeding the pool.
PREFETCH_BATCHES = 10


@dataclass
class ScoreSummary:
    """What a scoring run did."""

    run: RunInfo | None
    scored: int
    total_articles: int
    seconds: float
    skipped_reason: str | None = None

    def as_dict(self) -> dict:
        return {
            "run_id": self.run.run_id if self.run else None,
            "scorer": self.run.scorer if self.run else None,
            "version": self.run.version if self.run else None,
            "scored": self.scored,
            "articles": self.total_articles,
            "seconds": round(self.seconds, 3),
            "note": self.skipped_reason,
        }


_worker_scorer = None


def _init_worker(ticker: str, use_snownlp: bool, data_dir: str | None, kind: str) -> None:
    global _worker_scorer
    from analysis.scoring import load_scorer

    _worker_scorer = load_scorer(
        Path(data_dir) if data_dir else None, ticker=ticker, use_snownlp=use_snownlp, scorer=kind
    )


def _score_batch(rows: list[tuple]) -> ScoreRows:
    # rows: (id, text, text_simplified, language, the article's corrections or None)
    # Columns of plain values, not ArticleScore objects: far cheaper to pickle back to the parent.
    scorer = _worker_scorer
    assert scorer is not None, "the pool's initializer builds the worker's scorer"
    return ScoreRows.from_scores(scorer.score_article(*row) for row in rows)


def _scored_batches(
    store: Store,
    scorer,
    batches: list[list[str]],
    n_workers: int,
    use_snownlp: bool,
    data_dir: Path | None,
    corrections: dict[str, list[Correction]],
) -> Iterator[ScoreRows]:
    """Score batches in order, in this process or a pool; texts are read batch by batch, corrections applied."""
    if n_workers <= 1 or len(batches) <= 1:
        for batch in batches:
            yield ScoreRows.from_scores(
                scorer.score_article(*row, corrections.get(row[0])) for row in store.article_texts(batch)
            )
        return
    # forkserver: the dashboard is multi-threaded, and fork() under threads can deadlock.
    ctx = multiprocessing.get_context("forkserver" if os.name != "nt" else "spawn")
    init = (scorer.ticker, use_snownlp, str(data_dir) if data_dir else None, scorer.kind)
    with ctx.Pool(n_workers, initializer=_init_worker, initargs=init) as pool:
        # At most two batches per worker in flight: the corpus is never held in memory at once.
        queue: deque = deque()
        pending = iter(batches)
        prefetched: deque = deque()

        def submit() -> None:
            # Texts are read for several batches per query: each read opens a connection and scans the table.
            if not prefetched:
                group = [b for b in (next(pending, None) for _ in range(PREFETCH_BATCHES)) if b is not None]
                by_id = {row[0]: row for row in store.article_texts([i for b in group for i in b])}
                prefetched.extend([(*by_id[i], corrections.get(i)) for i in b if i in by_id] for b in group)
            if prefetched:
                queue.append(pool.apply_async(_score_batch, (prefetched.popleft(),)))

        for _ in range(2 * n_workers):
            submit()
        while queue:
            scores = queue.popleft().get()
            submit()
            yield scores


def score_store(
    store: Store,
    *,
    ticker: str | None = None,
    force: bool = False,
    workers: int | None = None,
    use_snownlp: bool = True,
    data_dir: Path | None = None,
    progress: Progress | None = None,
    batch_size: int | None = None,
    scorer: str = "learned",
) -> ScoreSummary:
    """Score what needs it (everything with force) in a new run that becomes current only when complete.

    scorer: "learned" (the tone model) or "lexicon" (word lists and rules); a different scorer is a different
    configuration, so switching rescores.
    """
    from analysis.scoring import load_scorer

    tuning = settings.current()
    batch_size = batch_size or tuning.score_batch
    started = time.perf_counter()
    built = load_scorer(data_dir, ticker=ticker, use_snownlp=use_snownlp, scorer=scorer)
    ticker = built.ticker  # the default company when none was named
    ids = store.articles_to_score(ticker=ticker, config_hash=built.config_hash, force=force)
    total_articles = store.article_count()
    run_id = store.start_run(
        ticker=ticker, scorer=built.name, version=built.version, config_hash=built.config_hash,
        options={"force": force, "snownlp": use_snownlp, "workers": workers or settings.default_workers()},
    )  # fmt: skip
    try:
        loaded = set(store.corrections())  # the analyst's, in force: they win over the model
        corrections = by_article(loaded)
        if progress:
            progress(0, len(ids), f"run {run_id}: {len(ids)} of {total_articles} articles to score")
        batches = [ids[i : i + batch_size] for i in range(0, len(ids), batch_size)]
        done, buffer = 0, ScoreRows()
        for scores in _scored_batches(
            store, built, batches, workers or settings.default_workers(), use_snownlp, data_dir, corrections
        ):
            buffer.extend(scores)
            done += len(scores)
            # One write transaction per ~write_every articles. DuckDB re-compresses the open row group at each
            # checkpoint (every short connection's close); a killed process loses at most the transaction in flight.
            if len(buffer) >= tuning.write_every or done == len(ids):
                store.write_scores(run_id, buffer)
                buffer = ScoreRows()
            if progress:
                progress(done, len(ids), f"run {run_id}: scored {done}/{len(ids)}")
        run = store.finish_run(run_id, n_articles=total_articles)
    except BaseException as exc:
        store.fail_run(run_id, f"{type(exc).__name__}: {exc}")
        raise
    _apply_late_corrections(store, loaded, ticker=ticker, data_dir=data_dir)
    return ScoreSummary(
        run=run, scored=done, total_articles=total_articles, seconds=time.perf_counter() - started
    )


def _apply_late_corrections(store: Store, loaded: set, *, ticker: str, data_dir: Path | None) -> None:
    """Corrections saved while the run went were not in its scores: rescore their articles now."""
    from analysis.corrections import rescore

    late = sorted({c.article_id for c in store.corrections() if c not in loaded})
    if late:
        rescore(store, late, ticker=ticker, data_dir=data_dir)
