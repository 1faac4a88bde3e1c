"""The dashboard's article reads beyond the per-day sums: undated articles as ranges, the strongest sentences,
the explorer's sorted pages (one module, one concept: rows the analyst looks at, bounded and ordered in DuckDB)."""

from __future__ import annotations

import duckdb
import pandas as pd

from analysis.errors import InputError
from analysis.store.facts import ROW_COLUMNS
from analysis.store.filters import ArticleFilter, read

# Articles whose day is only inferred (a range): drawn as their range, never as the range's middle day.
_RANGES = """
    SELECT f.article_id, a.published_from AS date_from, a.published_to AS date_to, f.title, f.source, f.tone,
           f.snownlp, f.label, f.relevance
    FROM article_facts f JOIN articles a ON a.id = f.article_id
    WHERE {where} AND f.date_inferred AND a.published_from IS NOT NULL
    ORDER BY f.weight DESC, f.article_id
    LIMIT $limit
"""


def undated_ranges(
    con: duckdb.DuckDBPyConnection, filters: ArticleFilter, *, limit: int, tone_field: str = "tone"
) -> pd.DataFrame:
    """The filtered articles with an inferred date range (its middle inside the filters' dates), the most
    relevant `limit` of them: each is shown as its range, and no day-based series counts it."""
    frame = read(con, _RANGES, filters, narrow={"snownlp_only": tone_field == "snownlp"}, limit=int(limit))
    for column in ("date_from", "date_to"):
        frame[column] = pd.to_datetime(frame[column])
    return frame


# The sentences that carried the most bullish (or bearish) tone in the view, with their articles.
_TOP_SENTENCES = """
    SELECT f.article_id, s.idx AS sentence_index, s.tone, f.date, f.title, f.source,
           substr(a.text, s.start_char + 1, s.end_char - s.start_char) AS text
    FROM article_facts f JOIN sentence_scores s ON s.run_id = f.run_id AND s.article_id = f.article_id
    JOIN articles a ON a.id = f.article_id
    WHERE {where} AND NOT f.duplicate AND s.relevance > 0
    ORDER BY s.tone {direction}, f.date DESC, f.article_id, s.idx
    LIMIT $limit
"""


def top_sentences(
    con: duckdb.DuckDBPyConnection, filters: ArticleFilter, *, limit: int, bullish: bool
) -> pd.DataFrame:
    """The `limit` most bullish (or bearish) relevant sentences of the filtered unique articles, strongest first."""
    sql = _TOP_SENTENCES.replace("{direction}", "DESC" if bullish else "ASC")
    frame = read(con, sql, filters, limit=int(limit))
    frame["date"] = pd.to_datetime(frame["date"])
    return frame


# The explorer's sorts, each a column of article_facts f; ties go newest first, then by id (a stable page order).
SORT_COLUMNS = {
    "date": "f.date",
    "tone": "f.tone",
    "confidence": "f.confidence",
    "relevance": "f.relevance",
    "outlet": "lower(f.source)",
    "title": "lower(f.title)",
    "frames": "(CASE WHEN f.frames = '' THEN 0 ELSE len(string_split(f.frames, ';')) END)",
}
SORTS = tuple(f"{column}_{direction}" for column in SORT_COLUMNS for direction in ("desc", "asc"))
DEFAULT_SORT = "date_desc"  # newest first: the latest story is what an analyst opens first
_SORTED_PAGE = """
    WITH picked AS (
        SELECT f.fact_id FROM article_facts f
        WHERE {where} AND f.date IS NOT NULL
        ORDER BY {order} LIMIT $limit OFFSET $offset
    )
    SELECT {columns} FROM article_facts f JOIN picked p ON p.fact_id = f.fact_id
    ORDER BY {order}
"""


def sort_order(sort: str) -> str:
    """A sort name ('tone_asc') as its ORDER BY clause; InputError naming the known sorts otherwise."""
    column, _, direction = str(sort).rpartition("_")
    if column not in SORT_COLUMNS or direction not in ("asc", "desc"):
        raise InputError(f"must be one of {', '.join(SORTS)}, got {sort!r}", field="sort")
    return f"{SORT_COLUMNS[column]} {direction.upper()} NULLS LAST, f.date DESC, f.article_id"


def sorted_page(
    con: duckdb.DuckDBPyConnection, filters: ArticleFilter, *, sort: str, limit: int, offset: int = 0
) -> pd.DataFrame:
    """One page of the filtered articles in the chosen sort, ordered in DuckDB over every row before paging."""
    order = sort_order(sort)
    sql = _SORTED_PAGE.replace("{order}", order).replace("{columns}", ROW_COLUMNS)
    frame = read(con, sql, filters, limit=int(limit), offset=int(offset))
    frame["date"] = pd.to_datetime(frame["date"])
    return frame
