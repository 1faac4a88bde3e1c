"""The analyst's corrections: every one kept (the history), the newest of each target in force.

A correction is keyed by the article's content hash, so a re-ingest of the same text finds it again, and by the
sentence's character span (NULL for an article-level stance). Rows are only ever added: a newer correction of
the same target is the one in force (view corrections_in_force), the older stays as history.
"""

from __future__ import annotations

from collections.abc import Sequence

import duckdb
import pandas as pd

from analysis.scoring.corrections import Correction
from analysis.store.rows import one_row

MIGRATION = [
    "CREATE SEQUENCE IF NOT EXISTS correction_ids START 1",
    """CREATE TABLE IF NOT EXISTS corrections (
        correction_id INTEGER NOT NULL,
        article_id VARCHAR NOT NULL,  -- content hash: a re-ingest of the same text keeps its corrections
        start_char INTEGER, end_char INTEGER,  -- the sentence's span; NULL for an article-level correction
        field VARCHAR NOT NULL,  -- label | stance | frame
        old_value VARCHAR, new_value VARCHAR NOT NULL,
        scorer VARCHAR, version VARCHAR,  -- the run it corrected
        created_at TIMESTAMP NOT NULL
    )""",
    # The newest correction of each target (a later id breaks a tie of times).
    """CREATE OR REPLACE VIEW corrections_in_force AS
        SELECT * FROM corrections
        QUALIFY row_number() OVER (PARTITION BY article_id, start_char, end_char, field
                                   ORDER BY created_at DESC, correction_id DESC) = 1""",
]

_COLUMNS = "article_id, field, new_value, start_char, end_char, old_value, scorer, version, created_at"
_ORDER = "ORDER BY article_id, start_char NULLS FIRST, end_char, field, created_at, correction_id"


def add(con: duckdb.DuckDBPyConnection, corrections: Sequence[Correction]) -> tuple[int, int]:
    """Insert the corrections not stored yet (inside a transaction); returns (added, already stored).

    One already stored has the same target, new value and time: importing an exported file adds nothing.
    """
    added = 0
    for c in corrections:
        (known,) = one_row(
            con,
            "SELECT count(*) FROM corrections WHERE article_id = ? AND start_char IS NOT DISTINCT FROM ? "
            "AND end_char IS NOT DISTINCT FROM ? AND field = ? AND new_value = ? AND created_at = ?",
            [c.article_id, c.start, c.end, c.field, c.new, c.created_at],
        )
        if known:
            continue
        con.execute(
            "INSERT INTO corrections VALUES (nextval('correction_ids'), ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [c.article_id, c.start, c.end, c.field, c.old, c.new, c.scorer, c.version, c.created_at],
        )
        added += 1
    return added, len(corrections) - added


def read(
    con: duckdb.DuckDBPyConnection, *, article_ids: Sequence[str] | None = None, history: bool = False
) -> list[Correction]:
    """The corrections in force (every one with history), of some articles or all, in target order."""
    table = "corrections" if history else "corrections_in_force"
    where, params = (
        ("WHERE list_contains(?, article_id)", [list(article_ids)]) if article_ids is not None else ("", [])
    )
    rows = con.execute(f"SELECT {_COLUMNS} FROM {table} {where} {_ORDER}", params).fetchall()
    return [Correction(*row) for row in rows]


def counts(con: duckdb.DuckDBPyConnection) -> dict:
    """How many corrections were made, how many are in force, and of how many articles."""
    (total,) = one_row(con, "SELECT count(*) FROM corrections")
    in_force, articles = one_row(con, "SELECT count(*), count(DISTINCT article_id) FROM corrections_in_force")
    return {"total": total, "in_force": in_force, "articles": articles}


def for_training(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """text, label, language, source, id of the sentence labels in force, as data/training/*.csv has them."""
    return con.execute(
        """SELECT substring(a.text, k.start_char + 1, k.end_char - k.start_char) AS text, k.new_value AS label,
                  a.language, 'corrections' AS source,
                  'corrections-' || k.article_id || '-' || k.start_char || '-' || k.end_char AS id
           FROM corrections_in_force k JOIN articles a ON a.id = k.article_id
           WHERE k.field = 'label' AND k.end_char <= length(a.text)
           ORDER BY k.article_id, k.start_char"""
    ).df()


# Per article, which of its labels the corrections in force changed: 'stance;sentence:3;frame:3', sentences
# by their index in the current score (by span when no current sentence has it). An SQL fragment: its one
# parameter is the ticker; articles.export_frame joins it.
CORRECTED_BY_ARTICLE = """SELECT k.article_id,
        string_agg(CASE WHEN k.field = 'stance' THEN 'stance'
                        ELSE (CASE k.field WHEN 'label' THEN 'sentence' ELSE k.field END) || ':' ||
                             coalesce(CAST(t.idx AS VARCHAR), k.start_char || '-' || k.end_char) END,
                   ';' ORDER BY k.start_char NULLS FIRST, k.field DESC) AS corrected
    FROM corrections_in_force k
    LEFT JOIN current_scores c ON c.article_id = k.article_id AND c.ticker = ?
    LEFT JOIN sentence_scores t ON t.run_id = c.run_id AND t.article_id = k.article_id
         AND t.start_char = k.start_char AND t.end_char = k.end_char
    GROUP BY k.article_id"""
