"""The scoring stage run over a store: a new run scores what needs it and becomes current only when complete."""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Iterator
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import duckdb

from analysis import settings
from analysis.errors import NarrativeError, RunCancelledError, Terminated
from analysis.models import Progress
from analysis.pool import WorkerPool
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
    cancel: Cancel | None = None,
) -> Iterator[ScoreRows]:
    """Score batches in order, in this process or a pool; texts are read batch by batch, corrections applied.

    A cancel is seen between batches here, and within a quarter second while waiting on the pool.
    """
    if n_workers <= 1 or len(batches) <= 1:
        for batch in batches:
            _check(cancel)
            yield ScoreRows.from_scores(
                scorer.score_article(*row, corrections.get(row[0])) for row in store.article_texts(batch)
            )
        return
    init = (scorer.ticker, use_snownlp, str(data_dir) if data_dir else None, scorer.kind)
    with WorkerPool(n_workers, initializer=_init_worker, initargs=init) as pool:
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
                queue.append(pool.submit(_score_batch, prefetched.popleft()))

        for _ in range(2 * n_workers):
            submit()
        while queue:
            scores = _wait(pool, queue.popleft(), cancel)
            submit()
            yield scores


class Cancel(Protocol):
    """What asks a run to stop (a threading.Event): set by the dashboard's cancel button."""

    def is_set(self) -> bool: ...


def _check(cancel: Cancel | None) -> None:
    if cancel is not None and cancel.is_set():
        raise RunCancelledError("scoring cancelled; the previous run stays current")


def _wait(pool: WorkerPool, future, cancel: Cancel | None):
    """A batch's result, looking at the cancel while it is awaited (a dead worker raises WorkerDiedError)."""
    if cancel is None:
        return pool.result(future)
    while True:
        _check(cancel)
        try:
            return pool.result(future, timeout=0.25)
        except FutureTimeout:
            continue


class _Heartbeat:
    """Renews the run's heartbeat on a timer while it works, so a long batch never makes it look dead."""

    def __init__(self, store: Store, run_id: int, every_s: float):
        self._stop = threading.Event()
        # Its own Store: the run's may be inside a reading() session, whose connection is not for another thread.
        own = Store(store.path, lock_timeout=store.lock_timeout)
        self._thread = threading.Thread(
            target=self._beat, args=(own, run_id, every_s), name=f"run-{run_id}-heartbeat", daemon=True
        )

    def _beat(self, store: Store, run_id: int, every_s: float) -> None:
        while not self._stop.wait(every_s):
            try:
                store.beat_run(run_id)
            except (NarrativeError, duckdb.Error):
                pass  # a missed beat (database busy elsewhere) is made up by the next one, well before stale

    def __enter__(self) -> _Heartbeat:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


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
    cancel: Cancel | None = None,
) -> ScoreSummary:
    """Score what needs it (everything with force) in a new run that becomes current only when complete.

    scorer: "learned" (the tone model) or "lexicon" (word lists and rules); a different scorer is a different
    configuration, so switching rescores. progress(done, total, message) is called after every batch;
    cancel.is_set() stops the run (RunCancelledError), a dead pool worker fails it (WorkerDiedError): either
    way the run is marked so, its rows are dropped and the previous run stays current.
    """
    from analysis.scoring import load_scorer

    tuning = settings.current()
    batch_size = batch_size or tuning.score_batch
    n_workers = settings.bounded_workers(workers)
    started = time.perf_counter()
    if progress:
        progress(0, 0, "loading the scorer")
    built = load_scorer(data_dir, ticker=ticker, use_snownlp=use_snownlp, scorer=scorer)
    ticker = built.ticker  # the default company when none was named
    ids = store.articles_to_score(ticker=ticker, config_hash=built.config_hash, force=force)
    total_articles = store.article_count()
    _check(cancel)
    run_id = store.start_run(
        ticker=ticker, scorer=built.name, version=built.version, config_hash=built.config_hash,
        options={"force": force, "snownlp": use_snownlp, "workers": n_workers},
    )  # fmt: skip
    try:
        with _Heartbeat(store, run_id, tuning.run_heartbeat_s):
            loaded = set(store.corrections())  # the analyst's, in force: they win over the model
            corrections = by_article(loaded)
            if progress:
                progress(0, len(ids), f"run {run_id}: {len(ids)} of {total_articles} articles to score")
            batches = [ids[i : i + batch_size] for i in range(0, len(ids), batch_size)]
            done, buffer = 0, ScoreRows()
            for scores in _scored_batches(
                store, built, batches, n_workers, use_snownlp, data_dir, corrections, cancel
            ):
                buffer.extend(scores)
                done += len(scores)
                # One write transaction per ~write_every articles. DuckDB re-compresses the open row group at each
                # checkpoint (every short connection's close); a killed process loses at most the transaction in
                # flight.
                if len(buffer) >= tuning.write_every or done == len(ids):
                    store.write_scores(run_id, buffer)
                    buffer = ScoreRows()
                if progress:
                    progress(done, len(ids), f"run {run_id}: scored {done}/{len(ids)}")
            _check(cancel)  # the last moment a cancel is honoured: after this the run becomes current
            if progress:
                progress(done, len(ids), f"run {run_id}: making it current")
            run = store.finish_run(run_id, n_articles=total_articles)
    except BaseException as exc:
        _record_failure(store, run_id, exc)
        raise
    _apply_late_corrections(store, loaded, ticker=ticker, data_dir=data_dir)
    return ScoreSummary(
        run=run, scored=done, total_articles=total_articles, seconds=time.perf_counter() - started
    )


def _record_failure(store: Store, run_id: int, exc: BaseException) -> None:
    """Mark the run failed or cancelled; when even that cannot be written, the next start abandons it."""
    if isinstance(exc, RunCancelledError):
        status, message = "cancelled", "cancelled on request"
    elif isinstance(exc, KeyboardInterrupt | SystemExit):  # Ctrl-C, or SIGTERM (errors.Terminated)
        status, message = "failed", "interrupted (SIGTERM)" if isinstance(exc, Terminated) else "interrupted"
    else:
        status, message = "failed", f"{type(exc).__name__}: {exc}"
    try:
        store.fail_run(run_id, message, status=status)
    except (NarrativeError, duckdb.Error):
        pass


def _apply_late_corrections(store: Store, loaded: set, *, ticker: str, data_dir: Path | None) -> None:
    """Corrections saved while the run went were not in its scores: rescore their articles now."""
    from analysis.corrections import rescore

    late = sorted({c.article_id for c in store.corrections() if c not in loaded})
    if late:
        rescore(store, late, ticker=ticker, data_dir=data_dir)
