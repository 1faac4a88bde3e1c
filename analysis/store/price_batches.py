"""Price imports as versioned batches: each keeps the bars it replaced, so the last (or a named) one can be undone.

A batch writes its rows and the previous bars of the same days in one transaction; undoing it puts those bars
back (and removes days that were new) in one transaction, and is refused while a later live batch of the same
ticker covers any of its days (undo that one first).
"""

from __future__ import annotations

from datetime import datetime

import duckdb
import pandas as pd

from analysis.errors import PriceDataError
from analysis.store import prices

MIGRATION = [
    "CREATE SEQUENCE IF NOT EXISTS price_batch_ids START 1",
    """CREATE TABLE IF NOT EXISTS price_batches (
        batch_id INTEGER PRIMARY KEY, ticker VARCHAR NOT NULL, source VARCHAR,
        imported_at TIMESTAMP NOT NULL, n_rows INTEGER NOT NULL,
        level_accepted BOOLEAN NOT NULL,  -- imported although its level did not fit the stored series
        undone_at TIMESTAMP
    )""",
    # The bar each day of a batch replaced (had_previous false: the day was new).
    """CREATE TABLE IF NOT EXISTS price_batch_rows (
        batch_id INTEGER NOT NULL, date DATE NOT NULL, had_previous BOOLEAN NOT NULL,
        open DOUBLE, high DOUBLE, low DOUBLE, close DOUBLE, volume DOUBLE, source VARCHAR
    )""",
]


def import_batch(
    con: duckdb.DuckDBPyConnection, ticker: str, frame: pd.DataFrame, *, source: str, level_accepted: bool
) -> tuple[int, int]:
    """Record a batch with the bars it replaces, then replace them (inside a transaction): (batch id, rows)."""
    batch_id = con.execute("SELECT nextval('price_batch_ids')").fetchall()[0][0]
    days = pd.DataFrame({"date": pd.to_datetime(frame["date"]).dt.date})
    con.register("batch_days", days)
    con.execute(
        """INSERT INTO price_batch_rows
           SELECT ?, d.date, p.date IS NOT NULL, p.open, p.high, p.low, p.close, p.volume, p.source
           FROM batch_days d LEFT JOIN prices p ON p.ticker = ? AND p.date = d.date""",
        [batch_id, ticker],
    )
    con.unregister("batch_days")
    rows = prices.replace(con, ticker, frame, source=source)
    con.execute(
        "INSERT INTO price_batches VALUES (?, ?, ?, ?, ?, ?, NULL)",
        [batch_id, ticker, source, datetime.now(), rows, level_accepted],
    )
    return batch_id, rows


def undo(con: duckdb.DuckDBPyConnection, *, ticker: str | None, batch_id: int | None) -> dict:
    """Revert one live batch (the ticker's last when no id is given) inside a transaction; returns what it was."""
    if batch_id is None:
        row = con.execute(
            "SELECT batch_id FROM price_batches WHERE undone_at IS NULL AND (?::VARCHAR IS NULL OR ticker = ?) "
            "ORDER BY batch_id DESC LIMIT 1",
            [ticker, ticker],
        ).fetchone()
        if row is None:
            raise PriceDataError(f"no price import to undo{f' for {ticker}' if ticker else ''}")
        batch_id = row[0]
    batch = one(con, batch_id)
    if batch is None:
        raise PriceDataError(f"no price import with batch id {batch_id}")
    if batch["undone_at"] is not None:
        raise PriceDataError(
            f"price import {batch_id} was already undone on {batch['undone_at']:%Y-%m-%d %H:%M}"
        )
    if ticker and batch["ticker"] != ticker:
        raise PriceDataError(f"price import {batch_id} is of {batch['ticker']}, not {ticker}")
    later = con.execute(
        """SELECT DISTINCT b.batch_id FROM price_batches b JOIN price_batch_rows r USING (batch_id)
           WHERE b.ticker = ? AND b.batch_id > ? AND b.undone_at IS NULL
             AND r.date IN (SELECT date FROM price_batch_rows WHERE batch_id = ?) ORDER BY 1""",
        [batch["ticker"], batch_id, batch_id],
    ).fetchall()
    if later:
        raise PriceDataError(
            f"price import {batch_id} was overwritten in part by import(s) "
            f"{', '.join(str(r[0]) for r in later)}: undo those first"
        )
    con.execute(
        "DELETE FROM prices WHERE ticker = ? AND date IN (SELECT date FROM price_batch_rows WHERE batch_id = ?)",
        [batch["ticker"], batch_id],
    )
    con.execute(
        """INSERT INTO prices SELECT ?, date, open, high, low, close, volume, source
           FROM price_batch_rows WHERE batch_id = ? AND had_previous""",
        [batch["ticker"], batch_id],
    )
    con.execute("UPDATE price_batches SET undone_at = ? WHERE batch_id = ?", [datetime.now(), batch_id])
    return batch


def one(con: duckdb.DuckDBPyConnection, batch_id: int) -> dict | None:
    """One batch as recorded, or None."""
    cur = con.execute("SELECT * FROM price_batches WHERE batch_id = ?", [batch_id])
    row = cur.fetchone()
    return None if row is None else dict(zip([d[0] for d in cur.description], row, strict=True))


def latest(con: duckdb.DuckDBPyConnection, *, ticker: str | None, limit: int = 20) -> list[dict]:
    """The last batches (of one ticker, or all), newest first."""
    cur = con.execute(
        "SELECT * FROM price_batches WHERE ?::VARCHAR IS NULL OR ticker = ? ORDER BY batch_id DESC LIMIT ?",
        [ticker, ticker, limit],
    )
    return [dict(zip([d[0] for d in cur.description], r, strict=True)) for r in cur.fetchall()]
