"""The store's per-article facts and the dashboard's aggregate queries over them (the store's SQL, split out).

A dashboard filter change must not read every matching article into Python, nor join millions of frame
evidence rows. So when a scoring run finishes, the store writes narrow tables in the same transaction:
`article_facts` (one row per current score: the filter columns, tone, weight, label, a frames bit mask) and
`article_frame_hits` (non-negated hits per unique dated article and frame, as integers keyed by fact_id).
Filters and sums run over them in DuckDB, and the dashboard gets days, not articles.

They stay equal to the live join (current_scores ⋈ article_scores ⋈ articles) because nothing else changes
what it gives: articles rows are never updated once stored, and a score becomes current only when its run
finishes. `Store.rebuild_facts` rewrites them all; tests pin that they equal the live join.

Frames get small integer ids (table `frame_ids`); ids below 64 are also bits of an article's frames mask, so
the frames filter is one AND per row instead of splitting strings. A frame past bit 63 takes a slower list
match; a frame that no current score lists matches nothing, as before.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from analysis.errors import InputError

if TYPE_CHECKING:
    import duckdb

    from analysis.store import ArticleFilter

MASK_BITS = 64
PERIOD_UNITS = {"D": "day", "W": "week", "M": "month"}  # DuckDB's weeks start on Monday, as period_start's

FACTS_TABLES = [
    "CREATE SEQUENCE IF NOT EXISTS fact_ids START 1",
    """CREATE TABLE IF NOT EXISTS article_facts (
        fact_id INTEGER NOT NULL, ticker VARCHAR NOT NULL, article_id VARCHAR NOT NULL, run_id INTEGER NOT NULL,
        date DATE, date_inferred BOOLEAN NOT NULL, published_basis VARCHAR NOT NULL,
        title VARCHAR, source VARCHAR, language VARCHAR NOT NULL, duplicate BOOLEAN NOT NULL,
        tone DOUBLE NOT NULL, confidence DOUBLE NOT NULL, relevance DOUBLE NOT NULL,
        weight DOUBLE NOT NULL,  -- relevance × confidence floored at 0: the weight of the weighted tone
        label VARCHAR NOT NULL, bull_intensity DOUBLE NOT NULL, bear_intensity DOUBLE NOT NULL,
        dominant_frame VARCHAR, frames VARCHAR NOT NULL, frames_mask UBIGINT NOT NULL, snownlp DOUBLE,
        top_frames VARCHAR NOT NULL,  -- the first three listed frames: all the chart shows, a short read
        weight_rank INTEGER  -- the place of (weight DESC, article_id) among the ticker's facts, from 1
    )""",
    # Polarity: the frame's polarity in the evidence last written here (a frame keeps one per configuration).
    "CREATE TABLE IF NOT EXISTS frame_ids (frame VARCHAR NOT NULL, frame_id INTEGER NOT NULL, polarity VARCHAR)",
    # Unique (not near-duplicate) dated articles only: the frame series count each story once.
    """CREATE TABLE IF NOT EXISTS article_frame_hits (
        fact_id INTEGER NOT NULL, frame_id SMALLINT NOT NULL, hits INTEGER NOT NULL
    )""",
]

# Which current scores a refresh covers; constant SQL, the values are bound.
_SCOPES = {
    "all": "TRUE",
    "ticker": "{a}.ticker = $ticker",
    "run": "{a}.ticker = $ticker AND {a}.run_id = $run_id",
}


def _scope(scope: str, alias: str) -> str:
    return _SCOPES[scope].format(a=alias)


def refresh_statements(scope: str) -> list[str]:
    """The statements that rewrite the facts of the current scores in scope ('all', 'ticker' or 'run')."""
    stale = "TRUE" if scope == "all" else (
        "ticker = $ticker AND article_id IN (SELECT c.article_id FROM current_scores c WHERE "
        f"{_scope(scope, 'c')})"
    )  # fmt: skip
    current = (
        "current_scores c JOIN article_scores s ON s.run_id = c.run_id AND s.article_id = c.article_id "
        f"WHERE {_scope(scope, 'c')}"
    )
    evidence = (
        "current_scores c JOIN frame_evidence e ON e.run_id = c.run_id AND e.article_id = c.article_id "
        f"WHERE NOT e.negated AND {_scope(scope, 'c')}"
        + (" AND e.run_id = $run_id" if scope == "run" else "")
    )
    return [
        f"DELETE FROM article_frame_hits WHERE fact_id IN (SELECT fact_id FROM article_facts WHERE {stale})",
        f"DELETE FROM article_facts WHERE {stale}",
        # New frames (listed by a score, or hit in its evidence) get the next ids, in name order.
        f"""INSERT INTO frame_ids
            SELECT frame, (SELECT coalesce(max(frame_id) + 1, 0) FROM frame_ids) + row_number() OVER (ORDER BY frame) - 1,
                   NULL
            FROM (SELECT DISTINCT unnest(string_split(s.frames, ';')) AS frame FROM {current}
                  UNION SELECT DISTINCT e.frame FROM {evidence})
            WHERE frame <> '' AND frame NOT IN (SELECT frame FROM frame_ids)""",
        f"""UPDATE frame_ids SET polarity = seen.polarity
            FROM (SELECT e.frame, any_value(e.polarity) AS polarity FROM {evidence} GROUP BY e.frame) seen
            WHERE frame_ids.frame = seen.frame""",
        f"""INSERT INTO article_facts
            SELECT nextval('fact_ids'), c.ticker, c.article_id, c.run_id, d.date, d.date_inferred, a.published_basis,
                   a.title, a.source, a.language, a.duplicate_of IS NOT NULL, s.tone, s.confidence, s.relevance,
                   greatest(s.relevance * s.confidence, 0), s.label, s.bull_intensity, s.bear_intensity,
                   s.dominant_frame, s.frames,
                   coalesce((SELECT bit_or((1::UBIGINT) << i.frame_id) FROM frame_ids i
                             WHERE i.frame_id < {MASK_BITS} AND list_contains(string_split(s.frames, ';'), i.frame)),
                            0::UBIGINT),
                   s.snownlp, array_to_string(string_split(s.frames, ';')[1:3], ';'), NULL
            FROM current_scores c
            JOIN article_scores s ON s.run_id = c.run_id AND s.article_id = c.article_id
            JOIN articles a ON a.id = c.article_id
            JOIN article_dates d ON d.article_id = a.id
            WHERE {_scope(scope, "c")}
            ORDER BY d.date, c.article_id""",
        f"""INSERT INTO article_frame_hits
            SELECT f.fact_id, i.frame_id, count(*)
            FROM article_facts f
            JOIN frame_evidence e ON e.run_id = f.run_id AND e.article_id = f.article_id
            JOIN frame_ids i ON i.frame = e.frame
            WHERE NOT e.negated AND f.date IS NOT NULL AND NOT f.duplicate AND {_scope(scope, "f")}
            {" AND e.run_id = $run_id" if scope == "run" else ""}
            GROUP BY f.fact_id, i.frame_id
            ORDER BY f.fact_id, i.frame_id""",
        # The chart's sample takes each day's best by this one integer (see article_sample).
        f"""UPDATE article_facts SET weight_rank = ranked.weight_rank
            FROM (SELECT fact_id,
                         row_number() OVER (PARTITION BY ticker ORDER BY weight DESC, article_id) AS weight_rank
                  FROM article_facts f WHERE {_scope("ticker" if scope == "run" else scope, "f")}) ranked
            WHERE article_facts.fact_id = ranked.fact_id""",
    ]


MIGRATION = [*FACTS_TABLES, *refresh_statements("all")]


def refresh_facts(con: duckdb.DuckDBPyConnection, *, ticker: str | None, run_id: int | None = None) -> None:
    """Rewrite the facts of one run's current scores, of one ticker, or (ticker None) of everything."""
    scope = "all" if ticker is None else "ticker" if run_id is None else "run"
    params = {} if ticker is None else {"ticker": ticker} | ({} if run_id is None else {"run_id": run_id})
    for statement in refresh_statements(scope):
        con.execute(
            statement, {name: value for name, value in params.items() if f"${name}" in statement} or None
        )


# Each active filter adds its own predicate (constant SQL; the value is bound): a filter left open costs nothing
# per row, where `$x IS NULL OR ...` would be evaluated for every row.
_PREDICATES = {
    "date_from": "f.date >= $date_from",
    "date_to": "f.date <= $date_to",
    "sources": "list_contains($sources, coalesce(f.source, '(unknown)'))",
    "languages": "list_contains($languages, f.language)",
    "labels": "list_contains($labels, f.label)",
    "frames_mask": "(f.frames_mask & $frames_mask::UBIGINT) <> 0",
    "slow_frames": "((f.frames_mask & $frames_mask::UBIGINT) <> 0 OR list_has_any($slow_frames, string_split(f.frames, ';')))",
    # What a query narrows to besides the filters: one article, a date bound of a page, a tone field.
    "article_id": "f.article_id = $article_id",
    "since": "f.date >= $since",
    "until": "f.date <= $until",
    "snownlp_only": "f.snownlp IS NOT NULL",
}


def _filter(con: duckdb.DuckDBPyConnection, filters: ArticleFilter, narrow: dict) -> tuple[str, dict]:
    """An ArticleFilter (and `narrow`, see _PREDICATES) as SQL over article_facts (alias f), its bound values."""
    mask, slow = _frames_mask(con, filters.frames)
    values = {
        "date_from": filters.date_from,
        "date_to": filters.date_to,
        "sources": _list(filters.sources),
        "languages": _list(filters.languages),
        "labels": _list(filters.labels),
        "frames_mask": mask,
        "slow_frames": slow or None,
        **narrow,
    }
    active = {name: value for name, value in values.items() if value is not None and value is not False}
    predicates = [_PREDICATES[name] for name in active if not (name == "frames_mask" and slow)]
    if not filters.include_duplicates:
        predicates.append("NOT f.duplicate")
    return "".join(f" AND {p}" for p in predicates), {
        k: v for k, v in active.items() if f"${k}" in _PREDICATES[k]
    }


_CUBE = """
    SELECT f.date, f.label, f.duplicate, f.date_inferred AS inferred,
           count(*) AS n, sum(f.weight) AS weight, sum(f.weight * f.tone) AS weighted, sum(f.tone) AS tone_sum,
           sum(f.bull_intensity) AS bull, sum(f.bear_intensity) AS bear,
           count(f.snownlp) AS n_snownlp,
           coalesce(sum(f.weight) FILTER (WHERE f.snownlp IS NOT NULL), 0) AS weight_snownlp,
           coalesce(sum(f.weight * (2 * f.snownlp - 1)), 0) AS weighted_snownlp,
           coalesce(sum(2 * f.snownlp - 1), 0) AS snownlp_sum
    FROM article_facts f
    WHERE f.ticker = $ticker AND f.date IS NOT NULL {filters}
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
    WHERE f.ticker = $ticker AND f.date IS NOT NULL AND NOT f.duplicate {filters}
    GROUP BY ALL ORDER BY period, source
"""
_FRAMES_BY_DAY = """
    SELECT g.date, i.frame, i.polarity, g.hits, g.n_articles
    FROM (SELECT f.date, h.frame_id, sum(h.hits) AS hits, count(*) AS n_articles
          FROM article_frame_hits h JOIN article_facts f ON f.fact_id = h.fact_id
          WHERE f.ticker = $ticker AND f.date IS NOT NULL AND NOT f.duplicate {filters}
          GROUP BY f.date, h.frame_id) g
    JOIN frame_ids i ON i.frame_id = g.frame_id
    ORDER BY g.date, i.frame
"""
_ROW_COLUMNS = """f.article_id, f.date, f.date_inferred, f.published_basis, f.title, f.source, f.language,
    f.duplicate, f.tone, f.confidence, f.relevance, f.label, f.dominant_frame, f.frames, f.snownlp"""
# The chart's points read the short top_frames, not every listed frame: a dashboard view opens the file anew,
# and reading a long text column costs more than the whole per-day sum.
_POINT_COLUMNS = """f.article_id, f.date, f.date_inferred, f.title, f.source, f.tone, f.confidence, f.relevance,
    f.label, f.dominant_frame, f.top_frames, f.snownlp"""
_CANDIDATES = "f.ticker = $ticker AND f.date IS NOT NULL"
_DAY_COUNTS = (
    f"SELECT f.date, count(*) AS n FROM article_facts f WHERE {_CANDIDATES} {{filters}} GROUP BY f.date"
)
# Each day's `per_day` best candidates (smallest weight_rank: highest weight, then id), taken in rounds over the
# days (every day's first, then every day's second, ...), the last round by weight_rank.
_SAMPLE = f"""
    WITH lists AS (
        SELECT min(f.weight_rank, $per_day) AS best FROM article_facts f WHERE {_CANDIDATES} {{filters}} GROUP BY f.date
    ), ranked AS (SELECT unnest(best) AS weight_rank, generate_subscripts(best, 1) AS day_round FROM lists),
    picked AS (SELECT weight_rank FROM ranked ORDER BY day_round, weight_rank LIMIT $limit)
    SELECT {_POINT_COLUMNS} FROM article_facts f SEMI JOIN picked p ON p.weight_rank = f.weight_rank
    WHERE f.ticker = $ticker
    ORDER BY f.date, f.article_id
"""
_PAGE = f"""
    WITH picked AS (
        SELECT f.fact_id FROM article_facts f
        WHERE f.ticker = $ticker AND f.date IS NOT NULL {{filters}}
        ORDER BY f.date {{direction}}, f.article_id LIMIT $limit OFFSET $offset
    )
    SELECT {_ROW_COLUMNS} FROM article_facts f JOIN picked p ON p.fact_id = f.fact_id
    ORDER BY f.date {{direction}}, f.article_id
"""


class FactQueries:
    """The Store's queries over the facts (mixed into Store, which supplies connect() and transaction())."""

    def rebuild_facts(self, ticker: str | None = None) -> None:
        """Rewrite the facts of every current score (of one ticker): a repair, and what the migration does."""
        with self.transaction() as con:
            refresh_facts(con, ticker=ticker)

    def tone_cube(self, filters: ArticleFilter) -> pd.DataFrame:
        """Per day, label, duplicate and inferred-date flag: counts and tone sums, for both tone fields.

        Every tone series, the KPIs, lead/lag's daily tone and the event study's days follow from these sums.
        The snownlp columns hold 2p−1 (the plotted scale) over the articles that have a snownlp score.
        """
        frame = self._facts_query(_CUBE, filters)
        frame["date"] = pd.to_datetime(frame["date"])
        return frame

    def source_cube(self, filters: ArticleFilter, *, freq: str) -> pd.DataFrame:
        """Per period and outlet ('(unknown)' when none): the unique articles' counts and tone sums."""
        if freq not in PERIOD_UNITS:
            raise InputError(f"must be one of {', '.join(PERIOD_UNITS)}, got {freq!r}", field="freq")
        frame = self._facts_query(_SOURCES, filters, unit=PERIOD_UNITS[freq])
        frame["period"] = pd.to_datetime(frame["period"])
        return frame

    def frame_counts_by_day(self, filters: ArticleFilter | None = None) -> pd.DataFrame:
        """Non-negated frame hits per day and frame, near-duplicates counted once: series get days, not articles."""
        from analysis.store import ArticleFilter

        frame = self._facts_query(_FRAMES_BY_DAY, filters or ArticleFilter())
        frame["date"] = pd.to_datetime(frame["date"])
        frame["hits"] = frame["hits"].astype("int64")
        return frame

    def article_sample(
        self,
        filters: ArticleFilter,
        *,
        limit: int,
        tone_field: str = "tone",
        day_counts: pd.Series | None = None,
    ) -> pd.DataFrame:
        """At most `limit` articles for the chart, spread fairly over the days, by date then id.

        Within its day an article ranks by relevance × confidence (then id); articles are taken in rank rounds
        over all days (every day's first, then every day's second, ...), the last round by weight. So a day
        never gets another point while a day with more candidates has fewer. With `tone_field` 'snownlp' only
        articles with a snownlp score are candidates. `day_counts` (candidates per day, e.g. from tone_cube)
        saves counting them again.
        """
        snownlp_only = tone_field == "snownlp"
        with self.reading():  # one connection for both steps
            if day_counts is None:
                day_counts = self.day_counts(filters, tone_field=tone_field)
            per_day = rounds_needed([int(n) for n in day_counts if n > 0], int(limit))
            frame = self._facts_query(
                _SAMPLE,
                filters,
                narrow={"snownlp_only": snownlp_only},
                limit=int(limit),
                per_day=max(per_day, 1),
            )
        frame["date"] = pd.to_datetime(frame["date"])
        return frame

    def article_page(
        self,
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
        with self.reading():
            since = until = None
            if article_id is None:
                if day_counts is None:
                    day_counts = self.day_counts(filters)
                days = day_counts.sort_index(ascending=not newest_first)
                reached = days.index[days.cumsum().to_numpy() >= offset + limit]
                if len(reached):
                    bound = pd.Timestamp(reached[0]).date()
                    since, until = (bound, None) if newest_first else (None, bound)
            narrow = {"article_id": article_id, "since": since, "until": until}
            frame = self._facts_query(sql, filters, narrow=narrow, limit=int(limit), offset=int(offset))
        frame["date"] = pd.to_datetime(frame["date"])
        return frame

    def day_counts(self, filters: ArticleFilter, *, tone_field: str = "tone") -> pd.Series:
        """Filtered articles per date (with a snownlp score, for tone_field 'snownlp'), indexed by date."""
        frame = self._facts_query(_DAY_COUNTS, filters, narrow={"snownlp_only": tone_field == "snownlp"})
        return pd.Series(frame["n"].to_numpy(), index=pd.to_datetime(frame["date"]), name="n").sort_index()

    def _facts_query(
        self, sql: str, filters: ArticleFilter, *, narrow: dict | None = None, **values
    ) -> pd.DataFrame:
        """Run sql with its {filters} placeholder replaced by the filters' predicates; `values` bound by name."""
        with self.connect() as con:
            where, bound = _filter(con, filters, narrow or {})
            return con.execute(
                sql.replace("{filters}", where), {"ticker": filters.ticker, **bound, **values}
            ).df()


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


def _frames_mask(con: duckdb.DuckDBPyConnection, frames) -> tuple[int | None, list[str]]:
    """(mask of the chosen frames' bits, chosen frames past the mask); (None, []) when frames are not filtered."""
    if frames is None:
        return None, []
    chosen = _list(frames)
    ids = con.execute(
        "SELECT frame, frame_id FROM frame_ids WHERE list_contains(?, frame)", [chosen]
    ).fetchall()
    mask = sum(1 << frame_id for _, frame_id in ids if frame_id < MASK_BITS)
    return mask, [frame for frame, frame_id in ids if frame_id >= MASK_BITS]


def _list(values) -> list[str] | None:
    return None if values is None else [str(v) for v in values]
