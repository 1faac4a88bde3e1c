"""The dashboard's article reads beyond the per-day sums: undated articles as ranges (one module, one concept:
rows the analyst looks at, bounded and ordered in DuckDB)."""

from __future__ import annotations

import duckdb
import pandas as pd

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
