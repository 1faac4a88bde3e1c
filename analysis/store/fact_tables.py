"""The per-article facts tables behind the dashboard's aggregates, and how they are rewritten from the scores.

A dashboard filter change must not read every matching article into Python, nor join millions of frame
evidence rows. So when a scoring run finishes, the store writes narrow tables in the same transaction:
`article_facts` (one row per current score: the filter columns, tone, weight, label, a frames bit mask) and
`article_frame_hits` (non-negated hits per unique dated article and frame, as integers keyed by fact_id).
Filters and sums run over them in DuckDB, and the dashboard gets days, not articles.

They stay equal to the live join (current_scores ⋈ article_scores ⋈ articles) because nothing else changes
what it gives: articles rows are never updated once stored, a score becomes current only when its run
finishes, and an article rescored for a correction has its facts rewritten in the same transaction. `Store.rebuild_facts` rewrites them all; tests pin that they equal the live join. Every filtered
read of the current scores goes through them (store/filters.py), so one filter selects the same articles in
every read.

Frames get small integer ids (table `frame_ids`); ids below 64 are also bits of an article's frames mask, so
the frames filter is one AND per row instead of splitting strings. A frame past bit 63 takes a slower list
match; a frame that no current score lists matches nothing, as before.
"""

from __future__ import annotations

import duckdb

MASK_BITS = 64

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
    "articles": "{a}.ticker = $ticker AND list_contains($article_ids, {a}.article_id)",  # a correction's rescore
}


def _scope(scope: str, alias: str) -> str:
    return _SCOPES[scope].format(a=alias)


def refresh_statements(scope: str) -> list[str]:
    """The statements that rewrite the facts of the current scores in scope ('all', 'ticker', 'run', 'articles')."""
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
                  FROM article_facts f WHERE {_scope("ticker" if scope in ("run", "articles") else scope, "f")}) ranked
            WHERE article_facts.fact_id = ranked.fact_id""",
    ]


MIGRATION = [*FACTS_TABLES, *refresh_statements("all")]


def refresh_facts(
    con: duckdb.DuckDBPyConnection,
    *,
    ticker: str | None,
    run_id: int | None = None,
    article_ids: list[str] | None = None,
) -> None:
    """Rewrite the facts of one run's current scores, of some articles, of one ticker, or (ticker None) of all."""
    params: dict[str, object]
    if ticker is None:
        scope, params = "all", {}
    elif article_ids is not None:
        scope, params = "articles", {"ticker": ticker, "article_ids": list(article_ids)}
    elif run_id is not None:
        scope, params = "run", {"ticker": ticker, "run_id": run_id}
    else:
        scope, params = "ticker", {"ticker": ticker}
    for statement in refresh_statements(scope):
        con.execute(
            statement, {name: value for name, value in params.items() if f"${name}" in statement} or None
        )
