"""Which companies the store holds scores for: the tickers with current scores (what `compare` offers)."""

from __future__ import annotations

import duckdb


def scored_tickers(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Every ticker with current scores, in name order: each is scored over the articles by its own aliases."""
    return [
        str(row[0]) for row in con.execute("SELECT DISTINCT ticker FROM article_facts ORDER BY 1").fetchall()
    ]
