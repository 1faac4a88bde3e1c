"""The dashboard's aggregate reads over the per-article facts (see fact_tables.py): days, not articles.

Each read is a function of an open connection, so a caller can run several over one (Store.reading()).
"""

from __future__ import annotations

import duckdb
import pandas as pd

from analysis.errors import InputError
from analysis.store.filters import ArticleFilter, read
from analysis.store.outlets import merge_outlets, outlet_names

PERIOD_UNITS = {"D": "day", "W": "week", "M": "month"}  # DuckDB's weeks start on Monday, as period_start's

_CUBE = """
    SELECT f.date, f.label, f.duplicate, f.date_inferred AS inferred,
           count(*) AS n, sum(f.weight) AS weight, sum(f.weight * f.tone) AS weighted, sum(f.tone) AS tone_sum,
           sum(f.bull_intensity) AS bull, sum(f.bear_intensity) AS bear, sum(f.tone * f.tone) AS tone_sq,
           count(f.snownlp) AS n_snownlp,
           coalesce(sum(f.weight) FILTER (WHERE f.snownlp IS NOT NULL), 0) AS weight_snownlp,
           coalesce(sum(f.weight * (2 * f.snownlp - 1)), 0) AS weighted_snownlp,
           coalesce(sum(2 * f.snownlp - 1), 0) AS snownlp_sum,
           coalesce(sum((2 * f.snownlp - 1) * (2 * f.snownlp - 1)), 0) AS snownlp_sq
    FROM article_facts f
    WHERE {where} AND f.date IS NOT NULL
    GROUP BY f.date, f.label, f.duplicate, f.date_inferred
    ORDER BY f.date, f.label, f.duplicate, f.date_inferred
"""
_SOURCES = """
    SELECT date_trunc($unit, f.date) AS period, coalesce(f.source, '(unknown)') AS source,
           count(*) AS n, sum(f.weight) AS weight, sum(f.weight * f.tone) AS weighted, sum(f.tone) AS tone_sum,
           count(f.snownlp) AS n_snownlp,
           coalesce(sum(f.weight) FILTER (WHERE f.snownlp IS NOT NULL), 0) AS weight_snownlp,
           coalesce(sum(f.weight * (2 * f.snownlp - 1)), 0) AS weighted_snownlp,
           coalesce(sum(2 * f.snownlp - 1), 0) AS snownlp_sum
    FROM article_facts f
    WHERE {where} AND f.date IS NOT NULL AND NOT f.duplicate
    GROUP BY ALL ORDER BY period, source
"""
_FRAMES_BY_DAY = """
    SELECT g.date, i.frame, i.polarity, g.hits, g.n_articles
    FROM (SELECT f.date, h.frame_id, sum(h.hits) AS hits, count(*) AS n_articles
          FROM article_frame_hits h JOIN article_facts f ON f.fact_id = h.fact_id
          WHERE {where} AND f.date IS NOT NULL AND NOT f.duplicate
          GROUP BY f.date, h.frame_id) g
    JOIN frame_ids i ON i.frame_id = g.frame_id
    ORDER BY g.date, i.frame
"""
ROW_COLUMNS = """f.article_id, f.date, f.date_inferred, f.published_basis, f.title, f.source, f.language,
    f.duplicate, f.tone, f.confidence, f.relevance, f.label, f.dominant_frame, f.frames, f.snownlp"""
# The chart's points read the short top_frames, not every listed frame: a dashboard view opens the file anew,
# and reading a long text column costs more than the whole per-day sum.
_POINT_COLUMNS = """f.article_id, f.date, f.date_inferred, f.title, f.source, f.tone, f.confidence, f.relevance,
    f.label, f.dominant_frame, f.top_frames, f.snownlp"""
_UNDATED = """
    SELECT f.label, count(*) AS n FROM article_facts f
    WHERE {where} AND f.date IS NULL AND NOT f.duplicate GROUP BY f.label ORDER BY f.label
"""
_DAY_COUNTS = (
    "SELECT f.date, count(*) AS n FROM article_facts f WHERE {where} AND f.date IS NOT NULL GROUP BY f.date"
)
# Each day's `per_day` best candidates (smallest weight_rank: highest weight, then id), taken in rounds over the
# days (every day's first, then every day's second, ...), the last round by weight_rank.
_SAMPLE = f"""
    WITH lists AS (
        SELECT min(f.weight_rank, $per_day) AS best FROM article_facts f
        WHERE {{where}} AND f.date IS NOT NULL GROUP BY f.date
    ), ranked AS (SELECT unnest(best) AS weight_rank, generate_subscripts(best, 1) AS day_round FROM lists),
    picked AS (SELECT weight_rank FROM ranked ORDER BY day_round, weight_rank LIMIT $limit)
    SELECT {_POINT_COLUMNS} FROM article_facts f SEMI JOIN picked p ON p.weight_rank = f.weight_rank
    WHERE f.ticker = $ticker
    ORDER BY f.date, f.article_id
"""
_PAGE = f"""
    WITH picked AS (
        SELECT f.fact_id FROM article_facts f
        WHERE {{where}} AND f.date IS NOT NULL
        ORDER BY f.date {{direction}}, f.article_id LIMIT $limit OFFSET $offset
    )
    SELECT {ROW_COLUMNS} FROM article_facts f JOIN picked p ON p.fact_id = f.fact_id
    ORDER BY f.date {{direction}}, f.article_id
"""


def tone_cube(con: duckdb.DuckDBPyConnection, filters: ArticleFilter) -> pd.DataFrame:
    """Per day, label, duplicate and inferred-date flag: counts and tone sums, for both tone fields.

    Every tone series, the KPIs, lead/lag's daily tone and the event study's days follow from these sums.
    The snownlp columns hold 2p−1 (the plotted scale) over the articles that have a snownlp score.
    """
    frame = read(con, _CUBE, filters)
    frame["date"] = pd.to_datetime(frame["date"])
    return frame


def source_cube(con: duckdb.DuckDBPyConnection, filters: ArticleFilter, *, freq: str) -> pd.DataFrame:
    """Per period and outlet ('(unknown)' when none; spellings of one outlet merged): the unique articles' counts
    and tone sums."""
    if freq not in PERIOD_UNITS:
        raise InputError(f"must be one of {', '.join(PERIOD_UNITS)}, got {freq!r}", field="freq")
    frame = read(con, _SOURCES, filters, unit=PERIOD_UNITS[freq])
    frame["period"] = pd.to_datetime(frame["period"])
    # Summed per outlet, not per spelling: 'Reuters' and '路透社' are one outlet's tone (data/outlets.toml).
    return merge_outlets(frame, outlet_names(con), keys=["period"])


def frame_counts_by_day(con: duckdb.DuckDBPyConnection, filters: ArticleFilter) -> pd.DataFrame:
    """Non-negated frame hits per day and frame, near-duplicates counted once: series get days, not articles."""
    frame = read(con, _FRAMES_BY_DAY, filters)
    frame["date"] = pd.to_datetime(frame["date"])
    frame["hits"] = frame["hits"].astype("int64")
    return frame


def article_sample(
    con: duckdb.DuckDBPyConnection,
    filters: ArticleFilter,
    *,
    limit: int,
    tone_field: str = "tone",
    day_counts: pd.Series | None = None,
) -> pd.DataFrame:
    """At most `limit` articles with a day (not an inferred range) for the chart, spread fairly over the days.

    Within its day an article ranks by relevance × confidence (then id); articles are taken in rank rounds
    over all days (every day's first, then every day's second, ...), the last round by weight. So a day
    never gets another point while a day with more candidates has fewer. With `tone_field` 'snownlp' only
    articles with a snownlp score are candidates. `day_counts` (candidates per day, e.g. from tone_cube)
    saves counting them again.
    """
    if day_counts is None:
        day_counts = _count_days(con, filters, tone_field)
    per_day = rounds_needed([int(n) for n in day_counts if n > 0], int(limit))
    frame = read(
        con,
        _SAMPLE,
        filters,
        narrow={"snownlp_only": tone_field == "snownlp", "dated_only": True},
        limit=int(limit),
        per_day=max(per_day, 1),
    )
    frame["date"] = pd.to_datetime(frame["date"])
    return frame


def article_page(
    con: duckdb.DuckDBPyConnection,
    filters: ArticleFilter,
    *,
    limit: int,
    offset: int = 0,
    newest_first: bool = False,
    article_id: str | None = None,
    day_counts: pd.Series | None = None,
) -> pd.DataFrame:
    """One page of the filtered articles, by date then id (or newest first); `article_id` narrows to one.

    `day_counts` (articles per day, e.g. from tone_cube) bounds the scan to the days the page falls in.
    """
    sql = _PAGE.replace("{direction}", "DESC" if newest_first else "ASC")
    since = until = None
    if article_id is None:
        if day_counts is None:
            day_counts = _count_days(con, filters, "tone")
        days = day_counts.sort_index(ascending=not newest_first)
        reached = days.index[days.cumsum().to_numpy() >= offset + limit]
        if len(reached):
            bound = pd.Timestamp(reached[0]).date()
            since, until = (bound, None) if newest_first else (None, bound)
    narrow = {"article_id": article_id, "since": since, "until": until}
    frame = read(con, sql, filters, narrow=narrow, limit=int(limit), offset=int(offset))
    frame["date"] = pd.to_datetime(frame["date"])
    return frame


def day_counts(
    con: duckdb.DuckDBPyConnection, filters: ArticleFilter, *, tone_field: str = "tone"
) -> pd.Series:
    """Filtered articles per date (with a snownlp score, for tone_field 'snownlp'), indexed by date."""
    return _count_days(con, filters, tone_field)


def _count_days(con: duckdb.DuckDBPyConnection, filters: ArticleFilter, tone_field: str) -> pd.Series:
    frame = read(con, _DAY_COUNTS, filters, narrow={"snownlp_only": tone_field == "snownlp"})
    return pd.Series(frame["n"].to_numpy(), index=pd.to_datetime(frame["date"]), name="n").sort_index()


def undated_labels(con: duckdb.DuckDBPyConnection, filters: ArticleFilter) -> dict[str, int]:
    """Unique filtered articles with no date, per label: what per-day reads leave out (the event study counts them)."""
    frame = read(con, _UNDATED, filters)
    return {str(label): int(n) for label, n in zip(frame["label"], frame["n"], strict=True)}


def rounds_needed(day_counts: list[int], limit: int) -> int:
    """The fewest rank rounds (articles per day) that reach `limit` articles: Σ min(count, r) ≥ limit."""
    if not day_counts or limit <= 0:
        return 0
    low, high = 1, max(day_counts)
    if sum(day_counts) <= limit:
        return high
    while low < high:
        middle = (low + high) // 2
        if sum(min(count, middle) for count in day_counts) >= limit:
            high = middle
        else:
            low = middle + 1
    return low
