"""Scoring runs: started (refused while a live one goes), finished (made current at once) or failed.

A run's heartbeat is renewed while it works (a timer in its process, every NARRATIVE_RUN_HEARTBEAT seconds, and
with each batch it writes), so a long batch or a long write never makes a live run look dead. A 'running' run
whose heartbeat is older than NARRATIVE_RUN_STALE seconds or whose process is gone was killed, and the next start
marks it abandoned and drops its rows; reading runs (`runs`, `stats`) never changes them.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

import duckdb

from analysis import settings
from analysis.errors import ScoringRunError
from analysis.store.fact_tables import refresh_facts
from analysis.store.rows import one_row
from analysis.store.scores import delete_run_rows

_COLUMNS = (
    "run_id, ticker, scorer, version, config_hash, status, started_at, finished_at, n_articles, n_scored, "
    "n_reused, options, message"
)


@dataclass
class RunInfo:
    """A scoring run as recorded."""

    run_id: int
    ticker: str
    scorer: str
    version: str
    config_hash: str
    status: str
    started_at: datetime
    finished_at: datetime | None
    n_articles: int | None
    n_scored: int | None
    n_reused: int | None
    options: dict = field(default_factory=dict)
    message: str | None = None

    @property
    def seconds(self) -> float | None:
        if self.finished_at is None:
            return None
        return (self.finished_at - self.started_at).total_seconds()


def start(
    con: duckdb.DuckDBPyConnection, *, ticker: str, scorer: str, version: str, config_hash: str, options: dict
) -> int:
    """Record a new running run (inside a transaction); abandons dead runs, refuses while a live one goes."""
    now = datetime.now()
    stale_s = settings.current().run_stale_s
    for run_id, heartbeat, pid in con.execute(
        "SELECT run_id, coalesce(heartbeat_at, started_at), pid FROM scoring_runs WHERE status = 'running'"
    ).fetchall():
        alive = (now - heartbeat).total_seconds() < stale_s and _pid_alive(pid)
        if alive:
            raise ScoringRunError(f"scoring run {run_id} is already going (pid {pid}); wait for it to finish")
        con.execute(
            "UPDATE scoring_runs SET status = 'abandoned', message = 'its process stopped before it "
            "finished' WHERE run_id = ?",
            [run_id],
        )
        delete_run_rows(con, run_id)
    (run_id,) = one_row(con, "SELECT nextval('run_ids')")
    con.execute(
        "INSERT INTO scoring_runs (run_id, ticker, scorer, version, config_hash, options, started_at, "
        "heartbeat_at, status, pid, host) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'running', ?, ?)",
        [run_id, ticker, scorer, version, config_hash, json.dumps(options), now, now, os.getpid(),
         os.uname().nodename],
    )  # fmt: skip
    return run_id


def finish(con: duckdb.DuckDBPyConnection, run_id: int, *, n_articles: int) -> None:
    """Make a complete run current (inside a transaction): its scores and their facts replace the previous."""
    found = con.execute("SELECT ticker, status FROM scoring_runs WHERE run_id = ?", [run_id]).fetchone()
    if found is None:
        raise ScoringRunError(f"scoring run {run_id} does not exist, it cannot be finished")
    ticker, status = found
    if status != "running":
        raise ScoringRunError(f"scoring run {run_id} is {status}, it cannot be finished")
    (n_scored,) = one_row(con, "SELECT count(*) FROM article_scores WHERE run_id = ?", [run_id])
    con.execute(
        "DELETE FROM current_scores WHERE ticker = ? AND article_id IN "
        "(SELECT article_id FROM article_scores WHERE run_id = ?)",
        [ticker, run_id],
    )
    con.execute(
        "INSERT INTO current_scores SELECT ?, article_id, run_id FROM article_scores WHERE run_id = ?",
        [ticker, run_id],
    )
    con.execute(
        "UPDATE scoring_runs SET status = 'finished', finished_at = ?, n_articles = ?, n_scored = ?, "
        "n_reused = ? WHERE run_id = ?",
        [datetime.now(), n_articles, n_scored, n_articles - n_scored, run_id],
    )
    con.execute("DELETE FROM current_run WHERE ticker = ?", [ticker])
    con.execute("INSERT INTO current_run VALUES (?, ?)", [ticker, run_id])
    refresh_facts(con, ticker=ticker, run_id=run_id)  # the dashboard's facts, in the same transaction


def fail(con: duckdb.DuckDBPyConnection, run_id: int, message: str, *, status: str = "failed") -> None:
    """Mark a run failed (or cancelled) and drop its partial rows (in a transaction); the previous run stays current."""
    con.execute(
        "UPDATE scoring_runs SET status = ?, finished_at = ?, message = ? WHERE run_id = ? AND status = 'running'",
        [status, datetime.now(), message[:2000], run_id],
    )
    delete_run_rows(con, run_id)


def beat(con: duckdb.DuckDBPyConnection, run_id: int) -> None:
    """Renew a running run's heartbeat: it is alive, whatever its batches take."""
    con.execute(
        "UPDATE scoring_runs SET heartbeat_at = ? WHERE run_id = ? AND status = 'running'",
        [datetime.now(), run_id],
    )


def by_id(con: duckdb.DuckDBPyConnection, run_id: int) -> RunInfo | None:
    """One run, or None."""
    runs = _read(con, "WHERE run_id = ?", [run_id])
    return runs[0] if runs else None


def current(con: duckdb.DuckDBPyConnection, ticker: str) -> RunInfo | None:
    """The run whose scores are current for a ticker, or None before its first finished run."""
    runs = _read(con, "WHERE run_id = (SELECT run_id FROM current_run WHERE ticker = ?)", [ticker])
    return runs[0] if runs else None


def latest(con: duckdb.DuckDBPyConnection, limit: int) -> list[RunInfo]:
    """The last `limit` runs, newest first."""
    return _read(con, "ORDER BY run_id DESC LIMIT ?", [limit])


def as_dict(run: RunInfo) -> dict:
    """A run's fields and its duration, as `stats` reports them."""
    data = asdict(run)
    data["seconds"] = run.seconds
    return data


def _read(con: duckdb.DuckDBPyConnection, tail: str, params: list) -> list[RunInfo]:
    """The runs a constant `tail` (WHERE/ORDER BY, values bound) selects."""
    rows = con.execute(f"SELECT {_COLUMNS} FROM scoring_runs {tail}", params).fetchall()
    return [_run(row) for row in rows]


def _run(row: tuple[Any, ...]) -> RunInfo:
    """A scoring_runs row as a RunInfo (_COLUMNS are its fields, in order); options are stored as JSON."""
    values = dict(zip(_COLUMNS.split(", "), row, strict=True))
    values["options"] = json.loads(values["options"]) if values["options"] else {}
    return RunInfo(**values)


def _pid_alive(pid: int | None) -> bool:
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
