"""The single row of a query that always returns one: an aggregate, a sequence's next value."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import duckdb

from analysis.errors import StoreError


def one_row(
    con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[object] | Mapping[str, object] | None = None
) -> tuple[Any, ...]:
    """The query's one row; StoreError when it returns none (an aggregate always returns one)."""
    row = con.execute(sql, params).fetchone()
    if row is None:
        raise StoreError(f"the query returned no row: {sql}")
    return row
