"""Daily price bars per ticker: replaced by date in one transaction, read back by ticker and date range."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import duckdb
import pandas as pd

_COLUMNS = ["ticker", "date", "open", "high", "low", "close", "volume", "source"]


def replace(con: duckdb.DuckDBPyConnection, ticker: str, frame: pd.DataFrame, *, source: str) -> int:
    """Replace the given dates of a ticker's prices (inside a transaction); returns the rows written."""
    data = frame.copy()
    data["ticker"] = ticker
    data["source"] = source
    for column in ("open", "high", "low", "volume"):
        if column not in data:
            data[column] = None
    data["date"] = pd.to_datetime(data["date"]).dt.date
    data = data[_COLUMNS]
    con.register("new_prices", data)
    con.execute("DELETE FROM prices WHERE ticker = ? AND date IN (SELECT date FROM new_prices)", [ticker])
    con.execute("INSERT INTO prices SELECT * FROM new_prices")
    con.unregister("new_prices")
    return len(data)


def read(
    con: duckdb.DuckDBPyConnection,
    tickers: Sequence[str] | None,
    *,
    date_from: date | None,
    date_to: date | None,
) -> pd.DataFrame:
    """Daily bars, sorted by ticker and date."""
    names = None if tickers is None else [str(t) for t in tickers]
    frame = con.execute(
        "SELECT ticker, date, open, high, low, close, volume FROM prices "
        "WHERE (?::VARCHAR[] IS NULL OR list_contains(?::VARCHAR[], ticker)) "
        "AND (?::DATE IS NULL OR date >= ?::DATE) AND (?::DATE IS NULL OR date <= ?::DATE) "
        "ORDER BY ticker, date",
        [names, names, date_from, date_from, date_to, date_to],
    ).df()
    frame["date"] = pd.to_datetime(frame["date"])
    return frame


def stats(con: duckdb.DuckDBPyConnection) -> list[dict]:
    """Per ticker: rows, first and last date, last close."""
    cur = con.execute(
        "SELECT ticker, count(*) AS rows, min(date) AS first, max(date) AS last, "
        "arg_max(close, date) AS last_close FROM prices GROUP BY ticker ORDER BY ticker"
    )
    return [dict(zip([d[0] for d in cur.description], r, strict=True)) for r in cur.fetchall()]
