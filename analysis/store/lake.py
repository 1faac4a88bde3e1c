"""A DuckDB file over a Parquet lake (analysis/lake/): the store's schema, with the lake's tables as views.

`lake attach` builds it so that everything that reads a Store (the dashboard, report, export, stats) reads
the lake unchanged. What stays on this machine is small: the runs table and which score is current (from
the lake's committed runs), and the per-day facts the dashboard aggregates (fact_tables.py), computed here
from the views in one pass. The big tables (articles, article_scores, sentence_scores, frame_evidence) are
views over the committed Parquet files, typed as the store's tables. Prices and the analyst's corrections
are the file's own tables, kept when the file is attached again. Scoring and ingest go to the lake, not here
(the views cannot be written, and the lake is the source of truth).

The file is built under a temporary name and renamed over the old one, so a reader sees the old or the new.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path

import duckdb
import pandas as pd

from analysis.errors import StoreError
from analysis.store.connection import Database
from analysis.store.fact_tables import refresh_facts
from analysis.store.rows import one_row

# The store's tables a lake provides, as views over its files.
LAKE_TABLES = ("articles", "article_scores", "sentence_scores", "frame_evidence")
# The file's own tables, carried over when the file is attached again (and their id sequences).
KEPT_TABLES = {"prices": None, "corrections": ("correction_ids", "correction_id")}
RUN_COLUMNS = ("run_id", "ticker", "scorer", "version", "config_hash", "options", "started_at", "heartbeat_at",
               "finished_at", "status", "pid", "host", "n_articles", "n_scored", "n_reused", "message")  # fmt: skip


def _literal(text: str) -> str:
    """A path as an SQL string literal: DDL (CREATE VIEW) cannot take bound parameters."""
    return "'" + text.replace("'", "''") + "'"


def _columns(con: duckdb.DuckDBPyConnection, table: str) -> list[tuple[str, str]]:
    return con.execute(
        "SELECT column_name, data_type FROM duckdb_columns() WHERE table_name = ? AND schema_name = 'main' "
        "ORDER BY column_index",
        [table],
    ).fetchall()


def _view(con: duckdb.DuckDBPyConnection, table: str, files: Sequence[str]) -> None:
    """Replace the migration's empty table by a view over the files, each column cast to the table's type."""
    columns = ", ".join(f'CAST("{name}" AS {kind}) AS "{name}"' for name, kind in _columns(con, table))
    sources = ", ".join(_literal(path) for path in files)
    con.execute(f"DROP TABLE {table}")
    con.execute(
        f"CREATE VIEW {table} AS SELECT {columns} FROM read_parquet([{sources}], hive_partitioning = false)"
    )


def _carry_over(con: duckdb.DuckDBPyConnection, previous: Path) -> None:
    """Copy prices and corrections from the file being replaced (its lake views are rebuilt, not copied)."""
    con.execute(f"ATTACH {_literal(str(previous))} AS previous (READ_ONLY)")
    try:
        have = {r[0] for r in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE database_name = 'previous'").fetchall()}  # fmt: skip
        for table, sequence in KEPT_TABLES.items():
            if table not in have:
                continue
            con.execute(f"INSERT INTO {table} SELECT * FROM previous.main.{table}")
            if sequence:
                name, column = sequence
                (top,) = one_row(con, f"SELECT coalesce(max({column}), 0) FROM {table}")
                con.execute(f"CREATE OR REPLACE SEQUENCE {name} START {int(top) + 1}")
    finally:
        con.execute("DETACH previous")


def attach(db: str | os.PathLike, *, files: Mapping[str, Sequence[str]], runs: pd.DataFrame) -> dict:
    """Build `db` over the lake's committed files and runs; returns counts (articles, current scores, facts)."""
    db = Path(db)
    tmp = db.with_name(db.name + ".attach-tmp")
    for leftover in (tmp, Path(f"{tmp}.wal")):
        leftover.unlink(missing_ok=True)
    with Database(tmp).connect():
        pass  # the store's schema, migrated to this release
    try:
        con = duckdb.connect(str(tmp))
    except duckdb.Error as exc:
        raise StoreError(f"{tmp}: cannot create the attached database: {exc}") from exc
    try:
        if db.exists():
            _carry_over(con, db)
        con.execute("BEGIN TRANSACTION")
        for table in LAKE_TABLES:
            if files.get(table):
                _view(con, table, files[table])
        frame = runs[list(RUN_COLUMNS)] if len(runs) else pd.DataFrame(columns=list(RUN_COLUMNS))
        con.register("lake_runs", frame)
        con.execute(f"INSERT INTO scoring_runs ({', '.join(RUN_COLUMNS)}) SELECT {', '.join(RUN_COLUMNS)} "
                    "FROM lake_runs")  # fmt: skip
        con.unregister("lake_runs")
        # The latest finished run that scored an article holds its current score, as runs.finish() leaves it.
        con.execute(
            "INSERT INTO current_scores SELECT r.ticker, s.article_id, max(s.run_id) FROM article_scores s "
            "JOIN scoring_runs r ON r.run_id = s.run_id WHERE r.status = 'finished' GROUP BY ALL"
        )
        con.execute(
            "INSERT INTO current_run SELECT ticker, max(run_id) FROM scoring_runs WHERE status = 'finished' "
            "GROUP BY ticker"
        )
        (top,) = one_row(con, "SELECT coalesce(max(run_id), 0) FROM scoring_runs")
        con.execute(f"CREATE OR REPLACE SEQUENCE run_ids START {int(top) + 1}")
        refresh_facts(con, ticker=None)
        con.execute("COMMIT")
        counts = dict(zip(("articles", "current_scores", "facts"), one_row(con, (
            "SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM current_scores), "
            "(SELECT count(*) FROM article_facts)")), strict=True))  # fmt: skip
        con.execute("CHECKPOINT")
    except duckdb.Error as exc:
        raise StoreError(f"{db}: cannot attach the lake ({str(exc).splitlines()[0]})") from exc
    finally:
        con.close()
    os.replace(tmp, db)
    Path(f"{db}.wal").unlink(missing_ok=True)  # the replaced file's log, if it had one
    return counts
