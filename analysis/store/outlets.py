"""Outlet spellings in the store and the outlet each belongs to (analysis/outlets.py, data/outlets.toml).

The articles keep the outlet as written; filters, the sidebar's options and the per-outlet sums work on
outlets. A choice of outlets becomes the stored spellings that belong to them (a bound list, so the filter
stays one predicate in DuckDB), and names are given to the few distinct spellings, never per article.
"""

from __future__ import annotations

from collections.abc import Iterable

import duckdb
import pandas as pd

from analysis.outlets import UNKNOWN, load_outlets


def stored_spellings(con: duckdb.DuckDBPyConnection, *, ticker: str | None = None) -> list[str]:
    """Every outlet spelling stored ('(unknown)' for none): of all articles, or of one ticker's current scores."""
    if ticker is None:
        sql, values = "SELECT DISTINCT coalesce(source, ?) FROM articles", [UNKNOWN]
    else:
        sql, values = (
            "SELECT DISTINCT coalesce(source, ?) FROM article_facts WHERE ticker = ?",
            [UNKNOWN, ticker],
        )
    return sorted(str(row[0]) for row in con.execute(sql, values).fetchall())


def outlet_names(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Each stored spelling → its outlet's name (over all articles, so every view names an outlet one way)."""
    return load_outlets().names(stored_spellings(con))


def spellings_of(con: duckdb.DuckDBPyConnection, ticker: str, chosen: Iterable[str]) -> list[str]:
    """The ticker's stored spellings that belong to the chosen outlets (named, or written any way)."""
    return load_outlets().spellings_of(chosen, stored_spellings(con, ticker=ticker))


def merge_outlets(frame: pd.DataFrame, names: dict[str, str], *, keys: list[str]) -> pd.DataFrame:
    """Sums per `keys` and spelling as sums per `keys` and outlet (every other column is summed)."""
    if frame.empty:
        return frame
    merged = frame.assign(source=frame["source"].map(lambda s: names.get(s, s)))
    return merged.groupby([*keys, "source"], as_index=False, sort=True).sum(numeric_only=True)[frame.columns]


def with_outlet(frame: pd.DataFrame, names: dict[str, str]) -> pd.DataFrame:
    """The rows with an `outlet` column last: the outlet each row's `source` spelling belongs to."""
    spellings = frame["source"].astype(object).where(frame["source"].notna(), UNKNOWN)
    return frame.assign(outlet=[names.get(s, s) for s in spellings])
