"""The store, the only package with SQL: schema, migrations and typed queries over one DuckDB file.

The per-article facts behind the dashboard's aggregates, and their queries, are in `facts.py`.

Connections are short-lived (opened per call, closed at once) because DuckDB lets one process
write at a time and any open connection blocks a writer elsewhere: the CLI must be able to
write while the dashboard is open. Values are always bound, never formatted into SQL.
"""

from __future__ import annotations

import json
import os
import re
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from pathlib import Path

import duckdb
import pandas as pd

from analysis import settings
from analysis.companies import default_ticker
from analysis.errors import DatabaseLockedError, SchemaVersionError, ScoringRunError, StoreError
from analysis.models import Article, ArticleScore
from analysis.scoring.columns import ARTICLE_COLUMNS, EVIDENCE_COLUMNS, SENTENCE_COLUMNS, ScoreRows
from analysis.store.facts import MIGRATION as FACTS_MIGRATION
from analysis.store.facts import FactQueries, refresh_facts

SCHEMA_VERSION = 2
# A 'running' run whose heartbeat is older than this is taken as dead (its process was killed).
STALE_RUN_S = 120.0

_process_lock = threading.RLock()  # one DuckDB instance per file per process: serialise our own threads

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
    # Per-article facts for the dashboard's aggregates (see store/facts.py), filled from the current scores.
    2: FACTS_MIGRATION,
}

_ARTICLE_COLUMNS = (
    "id", "path", "format", "raw_text", "text", "text_simplified", "language", "title", "title_basis",
    "source", "source_basis", "url", "published", "published_basis", "published_from", "published_to",
    "published_evidence", "encoding", "duplicate_of", "simhash", "warnings", "ingested_at",
)  # fmt: skip


@dataclass(frozen=True)
class ArticleFilter:
    """What the dashboard and the CLI narrow articles by; None means 'all'."""

    ticker: str = field(default_factory=default_ticker)  # the first [[company]] in companies.toml
    date_from: date | None = None
    date_to: date | None = None
    sources: tuple[str, ...] | None = None
    languages: tuple[str, ...] | None = None
    frames: tuple[str, ...] | None = None
    labels: tuple[str, ...] | None = None
    include_duplicates: bool = True


@dataclass
class RunInfo:
    """A scoring run as recorded."""

    run_id: int
    ticker: str
    scorer: str
    version: str
    config_hash: str
    status: str
    started_at: datetime
    finished_at: datetime | None
    n_articles: int | None
    n_scored: int | None
    n_reused: int | None
    options: dict = field(default_factory=dict)
    message: str | None = None

    @property
    def seconds(self) -> float | None:
        if self.finished_at is None:
            return None
        return (self.finished_at - self.started_at).total_seconds()


def resolve_db_path(arg: str | os.PathLike | None = None) -> Path:
    """--db PATH, else $NARRATIVE_DB, else data/narrative.duckdb."""
    return Path(arg) if arg else settings.current().db_path


_HOLDER = re.compile(r"held in (?P<holder>.+?\(PID \d+\))")


class Store(FactQueries):
    """One DuckDB file, every query the product makes."""

    def __init__(self, path: str | os.PathLike, *, lock_timeout: float | None = None):
        self.path = Path(path)
        self.lock_timeout = settings.current().lock_timeout_s if lock_timeout is None else lock_timeout
        self._migrated = False
        self._session: duckdb.DuckDBPyConnection | None = None

    # -- connections ----------------------------------------------------------------------------
    @contextmanager
    def reading(self) -> Iterator[Store]:
        """Share one connection across several queries (one view of the dashboard), then close it."""
        if self._session is not None:  # already inside a session: share it, leave closing to its owner
            yield self
            return
        with self.connect() as con:
            self._session = con
            try:
                yield self
            finally:
                self._session = None

    @contextmanager
    def connect(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A short-lived connection, retried with backoff while another process holds the lock."""
        if self._session is not None:
            yield self._session
            return
        with _process_lock:
            con = self._open_with_retry()
            try:
                if not self._migrated:
                    self._migrate(con)
                    self._migrated = True
                yield con
            except (duckdb.IOException, duckdb.SerializationException) as exc:
                raise StoreError(
                    f"{self.path}: the database file cannot be read ({str(exc).splitlines()[0]}); it may be "
                    "damaged: restore a backup or use another --db"
                ) from exc
            finally:
                con.close()

    def _open_with_retry(self) -> duckdb.DuckDBPyConnection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        deadline = time.monotonic() + self.lock_timeout
        delay = 0.05
        while True:
            try:
                con = duckdb.connect(str(self.path))
            except duckdb.IOException as exc:
                message = str(exc)
                if "lock" not in message.lower():
                    raise StoreError(f"{self.path}: cannot open the database: {message}") from exc
                if time.monotonic() >= deadline:
                    holder = _HOLDER.search(message)
                    who = holder.group("holder").strip() if holder else "another process"
                    raise DatabaseLockedError(
                        f"{self.path}: the database is locked by {who}; gave up after "
                        f"{self.lock_timeout:.0f}s (set NARRATIVE_LOCK_TIMEOUT to wait longer)"
                    ) from exc
                time.sleep(delay)
                delay = min(delay * 2, 1.0)
            except duckdb.Error as exc:
                raise StoreError(f"{self.path}: cannot open the database: {exc}") from exc
            else:
                _tune(con)
                return con

    @contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A connection inside BEGIN/COMMIT: all of it lands, or none."""
        with self.connect() as con:
            con.execute("BEGIN TRANSACTION")
            try:
                yield con
            except BaseException:
                con.execute("ROLLBACK")
                raise
            con.execute("COMMIT")

    # -- schema -----------------------------------------------------------------------------------
    def _migrate(self, con: duckdb.DuckDBPyConnection) -> None:
        con.execute(
            "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL, applied_at TIMESTAMP)"
        )
        row = con.execute("SELECT max(version) FROM schema_version").fetchone()
        current = row[0] or 0
        if current > SCHEMA_VERSION:
            raise SchemaVersionError(
                f"{self.path}: written by a newer Narrative Tone (schema {current}, this one reads up to "
                f"{SCHEMA_VERSION}); upgrade the product or use another --db"
            )
        for version in sorted(v for v in _MIGRATIONS if v > current):
            con.execute("BEGIN TRANSACTION")
            try:
                for statement in _MIGRATIONS[version]:
                    con.execute(statement)
                con.execute("INSERT INTO schema_version VALUES (?, now())", [version])
            except BaseException as exc:
                con.execute("ROLLBACK")
                if isinstance(exc, duckdb.Error):
                    raise StoreError(
                        f"{self.path}: cannot migrate the database from schema {current} to {version} ({exc}); "
                        "the file is unchanged"
                    ) from exc
                raise
            con.execute("COMMIT")
            current = version  # a later failure names the version the file is left at

    def schema_version(self) -> int:
        with self.connect() as con:
            return con.execute("SELECT max(version) FROM schema_version").fetchone()[0]

    # -- articles ---------------------------------------------------------------------------------
    def add_articles(self, articles: Sequence[Article], *, merge: bool = True) -> tuple[list[str], list[str]]:
        """Insert new articles in one transaction; returns (added ids, ids already stored).

        merge=False leaves the small row group this write makes for a later write to merge: an ingest's
        batches skip it and its last batch merges them all once (see _append_only).
        """
        if not articles:
            return [], []
        unique: dict[str, Article] = {}
        for article in articles:
            unique.setdefault(article.id, article)
        now = datetime.now()
        with self.transaction() as con:
            if not merge:
                _append_only(con)
            existing = self._existing_ids(con, list(unique))
            new = [a for i, a in unique.items() if i not in existing]
            if new:
                frame = pd.DataFrame([_article_row(a, now) for a in new], columns=list(_ARTICLE_COLUMNS))
                con.register("new_articles", frame)
                con.execute(
                    f"INSERT INTO articles ({', '.join(_ARTICLE_COLUMNS)}) "
                    f"SELECT {', '.join(_ARTICLE_COLUMNS)} FROM new_articles"
                )
                con.unregister("new_articles")
        skipped = [a.id for a in articles if a.id in existing]
        return [a.id for a in new], skipped

    @staticmethod
    def _existing_ids(con: duckdb.DuckDBPyConnection, ids: list[str]) -> set[str]:
        if not ids:
            return set()
        rows = con.execute("SELECT id FROM articles WHERE list_contains(?, id)", [ids]).fetchall()
        return {r[0] for r in rows}

    def existing_ids(self, ids: Iterable[str]) -> set[str]:
        with self.connect() as con:
            return self._existing_ids(con, list(ids))

    def known_fingerprints(self) -> list[tuple[str, int]]:
        """(id, simhash) of stored articles that are not themselves duplicates, oldest first."""
        with self.connect() as con:
            return con.execute(
                "SELECT id, simhash FROM articles WHERE duplicate_of IS NULL AND simhash IS NOT NULL "
                "ORDER BY ingested_at, id"
            ).fetchall()

    def article_count(self) -> int:
        with self.connect() as con:
            return con.execute("SELECT count(*) FROM articles").fetchone()[0]

    def article(self, article_id: str) -> dict | None:
        """One article with every stored field."""
        with self.connect() as con:
            cur = con.execute("SELECT * FROM articles WHERE id = ?", [article_id])
            row = cur.fetchone()
            if row is None:
                return None
            return dict(zip([d[0] for d in cur.description], row, strict=True))

    def article_texts(self, ids: Sequence[str]) -> list[tuple[str, str, str, str]]:
        """(id, text, text_simplified, language) for the given ids, in that order.

        Texts are read only from the row range the ids span (scoring asks for ids in storage order), so a
        batch does not decompress the whole table's text.
        """
        ids = list(ids)
        with self.connect() as con:
            first, last = con.execute(
                "SELECT min(a.rowid), max(a.rowid) FROM (SELECT unnest(?) AS id) k JOIN articles a USING (id)",
                [ids],
            ).fetchone()
            rows = (
                con.execute(
                    "SELECT a.id, a.text, a.text_simplified, a.language FROM (SELECT unnest(?) AS id) k "
                    "JOIN (SELECT * FROM articles WHERE rowid BETWEEN ? AND ?) a USING (id)",
                    [ids, first, last],
                ).fetchall()
                if first is not None
                else []
            )
        by_id = {r[0]: r for r in rows}
        return [by_id[i] for i in ids if i in by_id]

    # -- prices -----------------------------------------------------------------------------------
    def replace_prices(self, ticker: str, frame: pd.DataFrame, *, source: str) -> int:
        """Replace the given dates of a ticker's prices in one transaction (all rows or none)."""
        data = frame.copy()
        data["ticker"] = ticker
        data["source"] = source
        for column in ("open", "high", "low", "volume"):
            if column not in data:
                data[column] = None
        data["date"] = pd.to_datetime(data["date"]).dt.date
        data = data[["ticker", "date", "open", "high", "low", "close", "volume", "source"]]
        with self.transaction() as con:
            con.register("new_prices", data)
            con.execute(
                "DELETE FROM prices WHERE ticker = ? AND date IN (SELECT date FROM new_prices)", [ticker]
            )
            con.execute("INSERT INTO prices SELECT * FROM new_prices")
            con.unregister("new_prices")
        return len(data)

    def prices(
        self,
        tickers: Sequence[str] | None = None,
        *,
        date_from: date | None = None,
        date_to: date | None = None,
    ) -> pd.DataFrame:
        """Daily bars, sorted by ticker and date."""
        with self.connect() as con:
            frame = con.execute(
                "SELECT ticker, date, open, high, low, close, volume FROM prices "
                "WHERE (?::VARCHAR[] IS NULL OR list_contains(?::VARCHAR[], ticker)) "
                "AND (?::DATE IS NULL OR date >= ?::DATE) AND (?::DATE IS NULL OR date <= ?::DATE) "
                "ORDER BY ticker, date",
                [_list(tickers), _list(tickers), date_from, date_from, date_to, date_to],
            ).df()
        frame["date"] = pd.to_datetime(frame["date"])
        return frame

    def price_stats(self) -> list[dict]:
        """Per ticker: rows, first and last date, last close."""
        with self.connect() as con:
            cur = con.execute(
                "SELECT ticker, count(*) AS rows, min(date) AS first, max(date) AS last, "
                "arg_max(close, date) AS last_close FROM prices GROUP BY ticker ORDER BY ticker"
            )
            return [dict(zip([d[0] for d in cur.description], r, strict=True)) for r in cur.fetchall()]

    # -- scoring runs -----------------------------------------------------------------------------
    def start_run(self, *, ticker: str, scorer: str, version: str, config_hash: str, options: dict) -> int:
        """Record a new running run; refuses while another live run of this database is going."""
        now = datetime.now()
        with self.transaction() as con:
            for run_id, heartbeat, pid in con.execute(
                "SELECT run_id, coalesce(heartbeat_at, started_at), pid FROM scoring_runs WHERE status = 'running'"
            ).fetchall():
                alive = (now - heartbeat).total_seconds() < STALE_RUN_S and _pid_alive(pid)
                if alive:
                    raise ScoringRunError(
                        f"scoring run {run_id} is already going (pid {pid}); wait for it to finish"
                    )
                con.execute(
                    "UPDATE scoring_runs SET status = 'abandoned', message = 'its process stopped before it "
                    "finished' WHERE run_id = ?",
                    [run_id],
                )
                self._delete_run_rows(con, run_id)
            run_id = con.execute("SELECT nextval('run_ids')").fetchone()[0]
            con.execute(
                "INSERT INTO scoring_runs (run_id, ticker, scorer, version, config_hash, options, started_at, "
                "heartbeat_at, status, pid, host) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'running', ?, ?)",
                [run_id, ticker, scorer, version, config_hash, json.dumps(options), now, now, os.getpid(),
                 os.uname().nodename],
            )  # fmt: skip
        return run_id

    @staticmethod
    def _delete_run_rows(con: duckdb.DuckDBPyConnection, run_id: int) -> None:
        for table in ("article_scores", "sentence_scores", "frame_evidence"):
            con.execute(f"DELETE FROM {table} WHERE run_id = ?", [run_id])

    def articles_to_score(self, *, ticker: str, config_hash: str, force: bool) -> list[str]:
        """Ids needing a score: all with --force, else those with no current score under this configuration."""
        with self.connect() as con:
            if force:
                rows = con.execute("SELECT id FROM articles ORDER BY rowid").fetchall()
            else:
                rows = con.execute(
                    "SELECT a.id FROM articles a LEFT JOIN current_scores c ON c.article_id = a.id AND c.ticker = ? "
                    "LEFT JOIN scoring_runs r ON r.run_id = c.run_id "
                    "WHERE c.run_id IS NULL OR r.config_hash <> ? ORDER BY a.rowid",
                    [ticker, config_hash],
                ).fetchall()
        return [r[0] for r in rows]

    def write_scores(self, run_id: int, scores: Sequence[ArticleScore] | ScoreRows) -> None:
        """Store one batch of a running run's scores (not current until the run finishes)."""
        rows = scores if isinstance(scores, ScoreRows) else ScoreRows.from_scores(scores)
        if not len(rows):
            return
        articles, sentences, evidence = _score_frames(run_id, rows)
        with self.transaction() as con:
            for name, frame in (("article_scores", articles), ("sentence_scores", sentences),
                                ("frame_evidence", evidence)):  # fmt: skip
                if len(frame):
                    con.register("batch", frame)
                    con.execute(f"INSERT INTO {name} BY NAME SELECT * FROM batch")
                    con.unregister("batch")
            con.execute("UPDATE scoring_runs SET heartbeat_at = ? WHERE run_id = ?", [datetime.now(), run_id])

    def finish_run(self, run_id: int, *, n_articles: int) -> RunInfo:
        """Make a complete run current, in one transaction: its scores replace the previous ones."""
        with self.transaction() as con:
            ticker, status = con.execute(
                "SELECT ticker, status FROM scoring_runs WHERE run_id = ?", [run_id]
            ).fetchone()
            if status != "running":
                raise ScoringRunError(f"scoring run {run_id} is {status}, it cannot be finished")
            n_scored = con.execute(
                "SELECT count(*) FROM article_scores WHERE run_id = ?", [run_id]
            ).fetchone()[0]
            con.execute(
                "DELETE FROM current_scores WHERE ticker = ? AND article_id IN "
                "(SELECT article_id FROM article_scores WHERE run_id = ?)",
                [ticker, run_id],
            )
            con.execute(
                "INSERT INTO current_scores SELECT ?, article_id, run_id FROM article_scores WHERE run_id = ?",
                [ticker, run_id],
            )
            con.execute(
                "UPDATE scoring_runs SET status = 'finished', finished_at = ?, n_articles = ?, n_scored = ?, "
                "n_reused = ? WHERE run_id = ?",
                [datetime.now(), n_articles, n_scored, n_articles - n_scored, run_id],
            )
            con.execute("DELETE FROM current_run WHERE ticker = ?", [ticker])
            con.execute("INSERT INTO current_run VALUES (?, ?)", [ticker, run_id])
            refresh_facts(con, ticker=ticker, run_id=run_id)  # the dashboard's facts, in the same transaction
        return self.run(run_id)

    def fail_run(self, run_id: int, message: str) -> None:
        """Mark a run failed and drop its partial rows; the previous run stays current."""
        with self.transaction() as con:
            con.execute(
                "UPDATE scoring_runs SET status = 'failed', finished_at = ?, message = ? WHERE run_id = ?",
                [datetime.now(), message[:2000], run_id],
            )
            self._delete_run_rows(con, run_id)

    def run(self, run_id: int) -> RunInfo | None:
        runs = self._runs("WHERE run_id = ?", [run_id])
        return runs[0] if runs else None

    def current_run(self, ticker: str | None = None) -> RunInfo | None:
        ticker = ticker or default_ticker()
        runs = self._runs("WHERE run_id = (SELECT run_id FROM current_run WHERE ticker = ?)", [ticker])
        return runs[0] if runs else None

    def runs(self, limit: int = 20) -> list[RunInfo]:
        return self._runs("ORDER BY run_id DESC LIMIT ?", [limit])

    def _runs(self, where: str, params: list) -> list[RunInfo]:
        with self.connect() as con:
            rows = con.execute(
                "SELECT run_id, ticker, scorer, version, config_hash, status, started_at, finished_at, n_articles, "
                f"n_scored, n_reused, options, message FROM scoring_runs {where}",
                params,
            ).fetchall()
        return [RunInfo(*r[:11], options=json.loads(r[11]) if r[11] else {}, message=r[12]) for r in rows]

    # -- scored views -----------------------------------------------------------------------------
    def scored_articles(self, filters: ArticleFilter | None = None) -> pd.DataFrame:
        """One row per article with its current score and effective date (undated articles left out)."""
        f = filters or ArticleFilter()
        sql = f"""
            SELECT a.id AS article_id, a.title, a.source, a.url, a.path, a.language,
                   a.published, a.published_basis, d.date, d.date_inferred, a.duplicate_of,
                   s.tone, s.confidence, s.label, s.relevance, s.bull_intensity, s.bear_intensity,
                   s.framing_balance, s.dominant_frame, s.frames, s.snownlp
            FROM current_scores c
            JOIN article_scores s ON s.run_id = c.run_id AND s.article_id = c.article_id
            JOIN articles a ON a.id = c.article_id
            JOIN article_dates d ON d.article_id = a.id
            WHERE c.ticker = $ticker AND d.date IS NOT NULL {_filter_sql()}
            ORDER BY d.date, a.id
        """
        with self.connect() as con:
            frame = con.execute(sql, _filter_params(f)).df()
        for column in ("published", "date"):
            frame[column] = pd.to_datetime(frame[column])
        return frame

    def evidence(
        self, filters: ArticleFilter | None = None, *, article_id: str | None = None
    ) -> pd.DataFrame:
        """Frame hits of the current scores, for the filtered articles or one article."""
        f = filters or ArticleFilter()
        sql = f"""
            SELECT e.article_id, e.frame, e.polarity, e.pattern, e.sentence_index,
                   e.start_char AS start, e.end_char AS "end", e.negated
            FROM current_scores c
            JOIN frame_evidence e ON e.run_id = c.run_id AND e.article_id = c.article_id
            JOIN articles a ON a.id = c.article_id
            JOIN article_scores s ON s.run_id = c.run_id AND s.article_id = c.article_id
            JOIN article_dates d ON d.article_id = a.id
            WHERE c.ticker = $ticker AND ($article_id IS NULL OR e.article_id = $article_id) {_filter_sql()}
            ORDER BY e.article_id, e.start_char
        """
        params = _filter_params(f) | {"article_id": article_id}
        with self.connect() as con:
            return con.execute(sql, params).df()

    def frame_counts(self, filters: ArticleFilter | None = None) -> pd.DataFrame:
        """Non-negated frame hits per article and frame, aggregated in DuckDB (what series need)."""
        f = filters or ArticleFilter()
        sql = f"""
            SELECT e.article_id, e.frame, any_value(e.polarity) AS polarity, count(*) AS hits
            FROM current_scores c
            JOIN frame_evidence e ON e.run_id = c.run_id AND e.article_id = c.article_id
            JOIN articles a ON a.id = c.article_id
            JOIN article_scores s ON s.run_id = c.run_id AND s.article_id = c.article_id
            JOIN article_dates d ON d.article_id = a.id
            WHERE c.ticker = $ticker AND NOT e.negated {_filter_sql()}
            GROUP BY e.article_id, e.frame
            ORDER BY e.article_id, e.frame
        """
        with self.connect() as con:
            return con.execute(sql, _filter_params(f)).df()

    def sentences(self, article_id: str, *, ticker: str | None = None) -> pd.DataFrame:
        """The current sentence scores of one article, in order."""
        ticker = ticker or default_ticker()
        with self.connect() as con:
            return con.execute(
                # Sentence texts are not stored (they are spans of the article's text): sliced here.
                'SELECT t.idx AS index, t.start_char AS start, t.end_char AS "end", '
                "substring(a.text, t.start_char + 1, t.end_char - t.start_char) AS text, t.tone, t.label, "
                "t.confidence, t.relevance, t.frames, t.snownlp FROM current_scores c "
                "JOIN sentence_scores t ON t.run_id = c.run_id AND t.article_id = c.article_id "
                "JOIN articles a ON a.id = c.article_id "
                "WHERE c.ticker = ? AND c.article_id = ? ORDER BY t.idx",
                [ticker, article_id],
            ).df()

    def article_texts_frame(
        self, filters: ArticleFilter | None = None, *, article_id: str | None = None
    ) -> pd.DataFrame:
        """article_id, date, date_inferred, text: what price-mention checks read (all filtered, or one)."""
        f = filters or ArticleFilter()
        sql = f"""
            SELECT a.id AS article_id, d.date, d.date_inferred, a.text
            FROM current_scores c
            JOIN article_scores s ON s.run_id = c.run_id AND s.article_id = c.article_id
            JOIN articles a ON a.id = c.article_id
            JOIN article_dates d ON d.article_id = a.id
            WHERE c.ticker = $ticker AND d.date IS NOT NULL AND ($article_id IS NULL OR a.id = $article_id)
            {_filter_sql()}
            ORDER BY d.date
        """
        with self.connect() as con:
            frame = con.execute(sql, _filter_params(f) | {"article_id": article_id}).df()
        frame["date"] = pd.to_datetime(frame["date"])
        return frame

    def export_frame(self, *, ticker: str | None = None) -> pd.DataFrame:
        """One row per article (scored or not), with its current score when there is one."""
        ticker = ticker or default_ticker()
        with self.connect() as con:
            frame = con.execute(
                """SELECT a.id, a.path, a.title, a.title_basis, a.source, a.source_basis, a.url,
                          a.published, a.published_basis, a.published_from, a.published_to,
                          a.published_evidence, a.language, a.encoding, a.duplicate_of,
                          s.tone, s.label, s.frames, s.confidence, s.relevance, s.bull_intensity,
                          s.bear_intensity, s.framing_balance, s.dominant_frame, s.snownlp, c.run_id
                   FROM articles a
                   LEFT JOIN current_scores c ON c.article_id = a.id AND c.ticker = ?
                   LEFT JOIN article_scores s ON s.run_id = c.run_id AND s.article_id = a.id
                   ORDER BY coalesce(a.published, a.published_from), a.id""",
                [ticker],
            ).df()
        return frame

    def facets(self, *, ticker: str | None = None) -> dict:
        """What the filters can offer: sources, languages, frames and the date bounds."""
        ticker = ticker or default_ticker()
        with self.connect() as con:
            sources = [
                r[0]
                for r in con.execute(
                    "SELECT DISTINCT coalesce(source, '(unknown)') FROM articles ORDER BY 1"
                ).fetchall()
            ]
            languages = [
                r[0] for r in con.execute("SELECT DISTINCT language FROM articles ORDER BY 1").fetchall()
            ]
            frames = [
                r[0]
                for r in con.execute(
                    "SELECT DISTINCT e.frame FROM current_scores c JOIN frame_evidence e "
                    "ON e.run_id = c.run_id AND e.article_id = c.article_id WHERE c.ticker = ? ORDER BY 1",
                    [ticker],
                ).fetchall()
            ]
            bounds = con.execute("SELECT min(date), max(date) FROM article_dates").fetchone()
        return {"sources": sources, "languages": languages, "frames": frames,
                "date_min": bounds[0], "date_max": bounds[1]}  # fmt: skip

    def stats(self, *, ticker: str | None = None) -> dict:
        """Counts for `stats`: articles, duplicates, by language and date basis, prices, current run."""
        ticker = ticker or default_ticker()
        with self.connect() as con:
            total, duplicates = con.execute("SELECT count(*), count(duplicate_of) FROM articles").fetchone()
            by_language = dict(
                con.execute("SELECT language, count(*) FROM articles GROUP BY 1 ORDER BY 1").fetchall()
            )
            by_basis = dict(
                con.execute("SELECT published_basis, count(*) FROM articles GROUP BY 1 ORDER BY 1").fetchall()
            )
        current = self.current_run(ticker)
        return {
            "db": str(self.path),
            "schema_version": SCHEMA_VERSION,
            "articles": total,
            "duplicates": duplicates,
            "by_language": by_language,
            "by_published_basis": by_basis,
            "prices": self.price_stats(),
            "current_run": _run_dict(current) if current else None,
        }


def _run_dict(run: RunInfo) -> dict:
    data = asdict(run)
    data["seconds"] = run.seconds
    return data


# Text columns: DuckDB's FSST string compressions took ~80% of ingest time here (20k articles, 2,000 per
# write: 11.5 s with them, 3.2 s without) and left the file 3.4x larger than zstd does, since CJK text
# gives FSST's short symbols little to find. Older DuckDB versions without the setting keep their default.
_DISABLED_COMPRESSION = "fsst,dict_fsst"


# DuckDB's own default is 80% of RAM: merging 100k articles' row groups then held ~2 GB; bounded, it spills
# to disk instead (merging 60k: 1,828 MB unbounded, 588 MB at 512 MB, in about the same time).
def _tune(con: duckdb.DuckDBPyConnection) -> None:
    for setting, value in (("disabled_compression_methods", _DISABLED_COMPRESSION),
                           ("memory_limit", settings.current().duckdb_memory)):  # fmt: skip
        try:
            con.execute(f"SET {setting} = ?", [value])
        except duckdb.Error:
            pass  # an older DuckDB without the setting, or a bad NARRATIVE_DUCKDB_MEMORY: its default


def _append_only(con: duckdb.DuckDBPyConnection) -> None:
    """This connection's checkpoint does not merge earlier small row groups ('vacuum').

    Each 2,000-article write leaves a small row group; merging re-reads and rewrites the text of all of them.
    Done at every write, ingesting 100k articles peaked at 1,496 MB (file 415 MB); skipped until the last
    write, 597 MB (file 361 MB). The first write that does not skip it merges everything once (~11 s at 100k).
    """
    try:
        con.execute("SET max_vacuum_tasks = 0")
    except duckdb.Error:
        pass


def _filter_sql() -> str:
    return """
        AND ($date_from IS NULL OR d.date >= $date_from)
        AND ($date_to IS NULL OR d.date <= $date_to)
        AND ($sources IS NULL OR list_contains($sources, coalesce(a.source, '(unknown)')))
        AND ($languages IS NULL OR list_contains($languages, a.language))
        AND ($labels IS NULL OR list_contains($labels, s.label))
        AND ($frames IS NULL OR len(list_intersect($frames, string_split(s.frames, ';'))) > 0)
        AND ($include_duplicates OR a.duplicate_of IS NULL)
    """


def _filter_params(f: ArticleFilter) -> dict:
    return {
        "ticker": f.ticker,
        "date_from": f.date_from,
        "date_to": f.date_to,
        "sources": _list(f.sources),
        "languages": _list(f.languages),
        "labels": _list(f.labels),
        "frames": _list(f.frames),
        "include_duplicates": f.include_duplicates,
    }


def _list(values: Iterable[str] | None) -> list[str] | None:
    return None if values is None else [str(v) for v in values]


def _article_row(a: Article, now: datetime) -> tuple:
    return (
        a.id, a.path, a.format, a.raw_text, a.text, a.text_simplified, a.language, a.title, a.title_basis,
        a.source, a.source_basis, a.url, a.published, a.published_basis, a.published_from, a.published_to,
        a.published_evidence, a.encoding, a.duplicate_of, _signed64(a.simhash),
        json.dumps(list(a.warnings), ensure_ascii=False) if a.warnings else None, now,
    )  # fmt: skip


def _signed64(value: int) -> int:
    value &= (1 << 64) - 1
    return value - (1 << 64) if value >= 1 << 63 else value


def _score_frames(run_id: int, rows: ScoreRows) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The three score tables' rows for one run, in their column order (sentence text left empty)."""
    articles = pd.DataFrame({"run_id": run_id, **rows.articles}, columns=["run_id", *ARTICLE_COLUMNS])
    sentences = pd.DataFrame({"run_id": run_id, **rows.sentences}, columns=["run_id", *SENTENCE_COLUMNS])
    sentences["text"] = ""
    evidence = pd.DataFrame({"run_id": run_id, **rows.evidence}, columns=["run_id", *EVIDENCE_COLUMNS])
    for frame in (articles, sentences):
        frame["snownlp"] = frame["snownlp"].astype("float64")
    return articles, sentences, evidence


def _pid_alive(pid: int | None) -> bool:
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
