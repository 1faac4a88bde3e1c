"""The schema: its version, and the migrations that bring any older file up to it (each in one transaction).

A file is never dropped or rewritten: a migration only adds, and one that fails leaves the file at the last
version that landed. A file from a newer release is refused before anything is written.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from analysis.errors import SchemaVersionError, StoreError
from analysis.store.article_changes import MIGRATION as ARTICLE_CHANGES_MIGRATION
from analysis.store.corrections import MIGRATION as CORRECTIONS_MIGRATION
from analysis.store.fact_tables import MIGRATION as FACTS_MIGRATION
from analysis.store.live import MIGRATION as LIVE_MIGRATION
from analysis.store.price_batches import MIGRATION as PRICE_BATCHES_MIGRATION
from analysis.store.rows import one_row

SCHEMA_VERSION = 6

_MIGRATIONS: dict[int, list[str]] = {
    1: [
        """CREATE TABLE IF NOT EXISTS articles (
            id VARCHAR PRIMARY KEY,
            path VARCHAR NOT NULL,
            format VARCHAR NOT NULL,
            raw_text VARCHAR NOT NULL,
            text VARCHAR NOT NULL,
            text_simplified VARCHAR NOT NULL,
            language VARCHAR NOT NULL,
            title VARCHAR, title_basis VARCHAR NOT NULL,
            source VARCHAR, source_basis VARCHAR NOT NULL,
            url VARCHAR,
            published DATE, published_basis VARCHAR NOT NULL,
            published_from DATE, published_to DATE, published_evidence VARCHAR,
            encoding VARCHAR, duplicate_of VARCHAR, simhash BIGINT,
            warnings VARCHAR,
            ingested_at TIMESTAMP NOT NULL
        )""",
        """CREATE TABLE IF NOT EXISTS prices (
            ticker VARCHAR NOT NULL, date DATE NOT NULL,
            open DOUBLE, high DOUBLE, low DOUBLE, close DOUBLE NOT NULL, volume DOUBLE,
            source VARCHAR,
            PRIMARY KEY (ticker, date)
        )""",
        "CREATE SEQUENCE IF NOT EXISTS run_ids START 1",
        """CREATE TABLE IF NOT EXISTS scoring_runs (
            run_id INTEGER PRIMARY KEY,
            ticker VARCHAR NOT NULL,
            scorer VARCHAR NOT NULL, version VARCHAR NOT NULL, config_hash VARCHAR NOT NULL,
            options VARCHAR,
            started_at TIMESTAMP NOT NULL, heartbeat_at TIMESTAMP, finished_at TIMESTAMP,
            status VARCHAR NOT NULL,  -- running | finished | failed | abandoned
            pid INTEGER, host VARCHAR,
            n_articles INTEGER, n_scored INTEGER, n_reused INTEGER,
            message VARCHAR
        )""",
        # Which run's score is current for each article of a ticker; switched in one transaction at run end.
        """CREATE TABLE IF NOT EXISTS current_scores (
            ticker VARCHAR NOT NULL, article_id VARCHAR NOT NULL, run_id INTEGER NOT NULL,
            PRIMARY KEY (ticker, article_id)
        )""",
        """CREATE TABLE IF NOT EXISTS current_run (
            ticker VARCHAR PRIMARY KEY, run_id INTEGER NOT NULL
        )""",
        """CREATE TABLE IF NOT EXISTS article_scores (
            run_id INTEGER NOT NULL, article_id VARCHAR NOT NULL,
            tone DOUBLE NOT NULL, confidence DOUBLE NOT NULL, label VARCHAR NOT NULL,
            relevance DOUBLE NOT NULL, bull_intensity DOUBLE NOT NULL, bear_intensity DOUBLE NOT NULL,
            framing_balance DOUBLE NOT NULL, dominant_frame VARCHAR, frames VARCHAR NOT NULL,
            snownlp DOUBLE
        )""",
        """CREATE TABLE IF NOT EXISTS sentence_scores (
            run_id INTEGER NOT NULL, article_id VARCHAR NOT NULL, idx INTEGER NOT NULL,
            start_char INTEGER NOT NULL, end_char INTEGER NOT NULL, text VARCHAR NOT NULL,
            tone DOUBLE NOT NULL, label VARCHAR NOT NULL, confidence DOUBLE NOT NULL,
            relevance DOUBLE NOT NULL, frames VARCHAR NOT NULL, snownlp DOUBLE
        )""",
        """CREATE TABLE IF NOT EXISTS frame_evidence (
            run_id INTEGER NOT NULL, article_id VARCHAR NOT NULL, sentence_index INTEGER NOT NULL,
            frame VARCHAR NOT NULL, polarity VARCHAR NOT NULL, pattern VARCHAR NOT NULL,
            start_char INTEGER NOT NULL, end_char INTEGER NOT NULL, negated BOOLEAN NOT NULL
        )""",
        # The effective date used by series: a stated date, else the middle of the inferred range.
        """CREATE OR REPLACE VIEW article_dates AS
            SELECT id AS article_id,
                   coalesce(published,
                            published_from + CAST((published_to - published_from) / 2 AS INTEGER)) AS date,
                   published IS NULL AND published_from IS NOT NULL AS date_inferred
            FROM articles""",
    ],
    # Per-article facts for the dashboard's aggregates (fact_tables.py), filled from the current scores.
    2: FACTS_MIGRATION,
    # The analyst's corrections of labels, stances and frames (corrections.py): history kept, newest in force.
    3: CORRECTIONS_MIGRATION,
    # The learned scorer's tone evidence per sentence: 'start-end;start-end' spans in the article's text.
    4: ["ALTER TABLE sentence_scores ADD COLUMN IF NOT EXISTS tone_evidence VARCHAR DEFAULT ''"],
    # Price imports as batches that can be undone (price_batches.py); a content hash per article, so copies of
    # one text from other outlets or dates are kept as their own records (article_changes.py).
    5: [*PRICE_BATCHES_MIGRATION, *ARTICLE_CHANGES_MIGRATION],
    # Live coverage (live.py): URLs fetched, update rounds, alerts fired and their deliveries.
    6: LIVE_MIGRATION,
}


def migrate(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    """Apply the migrations past the file's version, each in its transaction; refuse a newer file."""
    con.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL, applied_at TIMESTAMP)")
    current = version(con)
    if current > SCHEMA_VERSION:
        raise SchemaVersionError(
            f"{path}: written by a newer Narrative Tone (schema {current}, this one reads up to "
            f"{SCHEMA_VERSION}); upgrade the product or use another --db"
        )
    for target in sorted(v for v in _MIGRATIONS if v > current):
        con.execute("BEGIN TRANSACTION")
        try:
            for statement in _MIGRATIONS[target]:
                con.execute(statement)
            con.execute("INSERT INTO schema_version VALUES (?, now())", [target])
        except BaseException as exc:
            con.execute("ROLLBACK")
            if isinstance(exc, duckdb.Error):
                raise StoreError(
                    f"{path}: cannot migrate the database from schema {current} to {target} ({exc}); "
                    "the file is unchanged"
                ) from exc
            raise
        con.execute("COMMIT")
        current = target  # a later failure names the version the file is left at


def version(con: duckdb.DuckDBPyConnection) -> int:
    """The highest schema version applied to this file (0 for a new one)."""
    return one_row(con, "SELECT max(version) FROM schema_version")[0] or 0
