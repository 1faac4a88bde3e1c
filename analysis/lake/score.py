"""`lake score`: a new run over the articles that need it, the scorer as a stateful actor in map_batches.

Incremental as `score`: an article is scored when it has no current score for the ticker under this
scorer configuration (scoring/config.py's hash; ids are content hashes, so a changed text is a new article).
Each batch's scores are written by the actor that made them (one file per score table, under run=N), and the
run commits by writing its scoring_runs row only once every batch is written: a run killed before that
leaves the previous run current, and the next run marks it abandoned and removes its files.
"""

from __future__ import annotations

import json
import os
import time
import uuid
from datetime import datetime
from pathlib import Path

import pandas as pd
import pyarrow as pa

from analysis import settings
from analysis.errors import ScoringRunError
from analysis.lake.layout import (
    ARTICLES,
    RUN_SCHEMA,
    RUNNING,
    RUNS,
    SCORE_SCHEMAS,
    SCORE_TABLES,
    Lake,
    to_table,
)
from analysis.models import Progress
from analysis.scoring.columns import ScoreRows
from analysis.scoring.run import ScoreSummary
from analysis.store.runs import RunInfo, _pid_alive
from analysis.store.scores import score_frames

TEXT_COLUMNS = ["id", "text", "text_simplified", "language"]
HEARTBEAT_S = 10.0  # how often the marker of a going run is renewed


class BatchScorer:
    """The stateful actor: builds the scorer once, then scores and writes one batch per call."""

    def __init__(self, *, lake: Lake, run_id: int, data_dir: str | None, ticker: str, use_snownlp: bool,
                 scorer: str) -> None:  # fmt: skip
        from analysis.scoring import load_scorer

        self.lake, self.run_id = lake, run_id
        self.scorer = load_scorer(
            Path(data_dir) if data_dir else None, ticker=ticker, use_snownlp=use_snownlp, scorer=scorer
        )

    def __call__(self, batch: pa.Table) -> pa.Table:
        """Score the batch's articles, write their three tables' rows; returns one row saying what was written."""
        rows = ScoreRows.from_scores(
            self.scorer.score_article(*values)
            for values in zip(*(batch[c].to_pylist() for c in TEXT_COLUMNS), strict=True)
        )
        part = f"part-{uuid.uuid4().hex[:12]}"
        frames = score_frames(self.run_id, rows)
        for table, frame in zip(SCORE_TABLES, frames, strict=True):
            self.lake.write_parquet(to_table(frame, SCORE_SCHEMAS[table]), f"{table}/run={self.run_id}", part)
        return pa.table({"part": [part], "articles": [len(rows)], "sentences": [len(frames[1])],
                         "hits": [len(frames[2])], "worker": [f"{os.uname().nodename}:{os.getpid()}"]})  # fmt: skip


def lake_score(
    lake: Lake,
    *,
    engine,
    ticker: str | None = None,
    force: bool = False,
    use_snownlp: bool = True,
    scorer: str = "learned",
    data_dir: Path | None = None,
    progress: Progress | None = None,
    batch_size: int | None = None,
) -> tuple[ScoreSummary, dict]:
    """Score what needs it in a new run, committed only when every batch is written; (summary, work done)."""
    from analysis.scoring import load_scorer

    started = time.perf_counter()
    batch_size = batch_size or settings.current().score_batch
    built = load_scorer(data_dir, ticker=ticker, use_snownlp=use_snownlp, scorer=scorer)
    ticker = built.ticker
    abandon_dead_runs(lake)
    files, ids, total = to_score(lake, ticker=ticker, config_hash=built.config_hash, force=force)
    run_id = _next_run_id(lake)
    now = datetime.now()
    run = {"run_id": run_id, "ticker": ticker, "scorer": built.name, "version": built.version,
           "config_hash": built.config_hash, "started_at": now, "heartbeat_at": now, "finished_at": None,
           "status": "running", "pid": os.getpid(), "host": os.uname().nodename, "n_articles": None,
           "n_scored": None, "n_reused": None, "message": None, "parts": None, "engine": engine.name,
           "options": json.dumps({"force": force, "snownlp": use_snownlp, "workers": engine.workers,
                                  "engine": engine.name})}  # fmt: skip
    lake.write_json(run, RUNNING, f"run-{run_id}.json")
    kwargs = {"lake": lake, "run_id": run_id, "data_dir": str(built.data_dir), "ticker": ticker,
              "use_snownlp": use_snownlp, "scorer": scorer}  # fmt: skip
    written: list[pa.Table] = []
    try:
        if progress:
            progress(0, len(ids), f"run {run_id}: {len(ids)} of {total} articles to score")
        done, beat = 0, time.monotonic()
        if ids:
            wanted = None if len(ids) == total else ids
            for result in engine.map_batches(BatchScorer, kwargs, lake, files, columns=TEXT_COLUMNS, ids=wanted,
                                             batch_size=batch_size):  # fmt: skip
                written.append(result)
                done += sum(result["articles"].to_pylist())
                if time.monotonic() - beat > HEARTBEAT_S:
                    lake.write_json(run | {"heartbeat_at": datetime.now()}, RUNNING, f"run-{run_id}.json")
                    beat = time.monotonic()
                if progress:
                    progress(done, len(ids), f"run {run_id}: scored {done}/{len(ids)}")
        if done != len(ids):
            raise ScoringRunError(
                f"run {run_id} wrote {done} of {len(ids)} articles' scores; not made current"
            )
        parts = pa.concat_tables(written) if written else None
        run |= {"status": "finished", "finished_at": datetime.now(), "n_articles": total, "n_scored": done,
                "n_reused": total - done, "parts": parts.num_rows if parts is not None else 0}  # fmt: skip
        _commit(lake, run)  # the run is current from here
    except BaseException as exc:
        _end(lake, run_id, run, "failed", f"{type(exc).__name__}: {exc}")
        raise
    work = {"parts": run["parts"], "workers": sorted(set(parts["worker"].to_pylist())) if parts else [],
            "input_files": len(files)}  # fmt: skip
    summary = ScoreSummary(run=run_info(run), scored=done, total_articles=total,
                           seconds=time.perf_counter() - started)  # fmt: skip
    return summary, work


def to_score(lake: Lake, *, ticker: str, config_hash: str, force: bool) -> tuple[list[str], list[str], int]:
    """(article files holding articles to score, their ids, all articles): no current score under this hash."""
    files = lake.files(ARTICLES)
    by_file = {path: lake.read([path], columns=["id"])["id"].to_pylist() for path in files}
    total = sum(len(v) for v in by_file.values())
    current = {} if force else current_hashes(lake, ticker)
    needed = {path: [i for i in ids if current.get(i) != config_hash] for path, ids in by_file.items()}
    return [p for p, ids in needed.items() if ids], [i for ids in needed.values() for i in ids], total


def current_hashes(lake: Lake, ticker: str) -> dict[str, str]:
    """Each article's current score's configuration hash: the latest finished run of the ticker that scored it."""
    runs = lake.runs()
    finished = runs[(runs["status"] == "finished") & (runs["ticker"] == ticker)]
    current: dict[str, str] = {}
    for run_id, config_hash in zip(finished["run_id"], finished["config_hash"], strict=True):
        for article_id in lake.read(lake.files(f"article_scores/run={run_id}"), columns=["article_id"],
                                    schema=SCORE_SCHEMAS["article_scores"])["article_id"].to_pylist():  # fmt: skip
            current[article_id] = config_hash
    return current


def abandon_dead_runs(lake: Lake) -> list[int]:
    """Runs killed before they committed: marked abandoned, files removed; refuses while one is alive."""
    committed = set(lake.runs()["run_id"].tolist())
    host = os.uname().nodename
    abandoned = []
    for run_id, marker in sorted(lake.running().items()):
        if run_id in committed:
            lake.remove(lake.path(RUNNING, f"run-{run_id}.json"))
            continue
        beat = datetime.fromisoformat(str(marker.get("heartbeat_at") or marker["started_at"]))
        fresh = (datetime.now() - beat).total_seconds() < settings.current().run_stale_s
        if fresh and (marker.get("host") != host or _pid_alive(marker.get("pid"))):
            raise ScoringRunError(
                f"lake scoring run {run_id} is already going (pid {marker.get('pid')} on {marker.get('host')}); "
                "wait for it to finish"
            )
        _end(lake, run_id, _marker_row(marker), "abandoned", "its process stopped before it finished")
        abandoned.append(run_id)
    for table in SCORE_TABLES:  # folders of runs with neither a row nor a marker (a marker removed by hand)
        for path in lake.files(table):
            run_id = int(path.split("/run=")[1].split("/")[0])
            if run_id not in committed and run_id not in abandoned:
                lake.delete(f"{table}/run={run_id}")
    return abandoned


def run_info(row: dict) -> RunInfo:
    """A lake runs row as the store's RunInfo."""
    options = row.get("options")
    started = _time(row["started_at"])
    assert started is not None, "every run records when it started"
    return RunInfo(
        run_id=int(row["run_id"]), ticker=row["ticker"], scorer=row["scorer"], version=row["version"],
        config_hash=row["config_hash"], status=row["status"], started_at=started,
        finished_at=_time(row.get("finished_at")), n_articles=row.get("n_articles"),
        n_scored=row.get("n_scored"), n_reused=row.get("n_reused"),
        options=json.loads(options) if isinstance(options, str) and options else {},
        message=row.get("message"),
    )  # fmt: skip


def current_run(lake: Lake, ticker: str) -> RunInfo | None:
    """The ticker's current run in the lake: its latest finished run, or None."""
    runs = lake.runs()
    finished = runs[(runs["status"] == "finished") & (runs["ticker"] == ticker)]
    return run_info(finished.iloc[-1].to_dict()) if len(finished) else None


def _time(value) -> datetime | None:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    return pd.Timestamp(value).to_pydatetime()


def _marker_row(marker: dict) -> dict:
    row = dict(marker)
    for key in ("started_at", "heartbeat_at", "finished_at"):
        row[key] = _time(row.get(key))
    return row


def _next_run_id(lake: Lake) -> int:
    seen = set(lake.runs()["run_id"].tolist()) | set(lake.running())
    for table in SCORE_TABLES:
        seen |= {int(p.split("/run=")[1].split("/")[0]) for p in lake.files(table)}
    return max(seen, default=0) + 1


def _commit(lake: Lake, run: dict) -> None:
    """Write the run's row (the commit), then drop its marker."""
    frame = pd.DataFrame([{name: run.get(name) for name in RUN_SCHEMA.names}])
    lake.write_parquet(to_table(frame, RUN_SCHEMA), RUNS, f"run-{run['run_id']:06d}")
    lake.remove(lake.path(RUNNING, f"run-{run['run_id']}.json"))


def _end(lake: Lake, run_id: int, run: dict, status: str, message: str) -> None:
    """A run that will never be current: its files removed, its row recorded with why."""
    for table in SCORE_TABLES:
        lake.delete(f"{table}/run={run_id}")
    _commit(lake, run | {"status": status, "finished_at": datetime.now(), "message": message[:2000]})
