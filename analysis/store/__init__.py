"""The store, the only package with SQL: one DuckDB file behind one façade, `Store`.

Each concept is a module of plain functions over an open connection: connection.py (short-lived connections,
locks, reading sessions), schema.py (version, migrations), filters.py (the one filter compiler), articles.py,
prices.py, runs.py, scores.py (writes and current-score reads), fact_tables.py and facts.py (the dashboard's
per-day facts and their reads), corrections.py (the analyst's corrections), rows.py (one-row queries).
`Store` decides where each connection and transaction begins and ends.

Connections are short-lived (opened per call, closed at once) because DuckDB lets one process write at a time
and any open connection blocks a writer elsewhere: the CLI must be able to write while the dashboard is open.
Values are always bound, never formatted into SQL.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd

from analysis import settings
from analysis.companies import default_ticker
from analysis.errors import StoreError, StoreWriteError
from analysis.models import Article, ArticleScore
from analysis.scoring.columns import ScoreRows
from analysis.scoring.corrections import Correction
from analysis.store import (
    article_changes,
    articles,
    corrections,
    explore,
    facts,
    outlets,
    price_batches,
    prices,
    runs,
    schema,
    scores,
    tickers,
)
from analysis.store.connection import Database, append_only
from analysis.store.fact_tables import refresh_facts
from analysis.store.filters import ArticleFilter
from analysis.store.lake import attach as attach_lake
from analysis.store.live import LiveTables
from analysis.store.runs import RunInfo
from analysis.store.schema import SCHEMA_VERSION

__all__ = ["SCHEMA_VERSION", "ArticleFilter", "RunInfo", "Store", "attach_lake", "resolve_db_path"]


def resolve_db_path(arg: str | os.PathLike | None = None) -> Path:
    """--db PATH, else $NARRATIVE_DB, else data/narrative.duckdb."""
    return Path(arg) if arg else settings.current().db_path


class Store:
    """One DuckDB file, every query the product makes."""

    def __init__(self, path: str | os.PathLike, *, lock_timeout: float | None = None):
        self._db = Database(path, lock_timeout=lock_timeout)

    @property
    def path(self) -> Path:
        """The database file."""
        return self._db.path

    @property
    def live(self) -> LiveTables:
        """Live coverage: fetched URLs, update rounds, alerts and their deliveries (store/live.py)."""
        return LiveTables(self)

    @property
    def lock_timeout(self) -> float:
        """Seconds to wait for another process's lock before giving up."""
        return self._db.lock_timeout

    # -- connections ----------------------------------------------------------------------------
    @contextmanager
    def reading(self) -> Iterator[Store]:
        """Share one connection across several queries (one view of the dashboard), then close it."""
        with self._db.reading():
            yield self

    def connect(self) -> AbstractContextManager[duckdb.DuckDBPyConnection]:
        """A short-lived connection (the session's inside reading()), retried while another process writes."""
        return self._db.connect()

    def transaction(self) -> AbstractContextManager[duckdb.DuckDBPyConnection]:
        """A connection inside BEGIN/COMMIT: all of it lands, or none."""
        return self._db.transaction()

    def schema_version(self) -> int:
        """The schema version the file is at (this release's, once opened)."""
        with self.connect() as con:
            return schema.version(con)

    # -- articles ---------------------------------------------------------------------------------
    def add_articles(self, batch: Sequence[Article], *, merge: bool = True) -> tuple[list[str], list[str]]:
        """Insert new articles in one transaction; returns (added ids, ids already stored).

        merge=False leaves the small row group this write makes for a later write to merge: an ingest's
        batches skip it and its last batch merges them all once (see connection.append_only).
        """
        if not batch:
            return [], []
        try:
            with self.transaction() as con:
                if not merge:
                    append_only(con)
                return articles.add(con, batch)
        except (duckdb.OutOfMemoryException, duckdb.InvalidInputException, duckdb.ConversionException,
                duckdb.ConstraintException, MemoryError) as exc:  # fmt: skip
            raise _refused_write(exc) from exc
        except StoreError as exc:
            # The connection says out-of-memory in words for the user; here it means this batch is too big.
            if isinstance(exc.__cause__, duckdb.OutOfMemoryException):
                advice = str(exc).split(": ", 1)[-1]  # what to do, without the file's path
                raise _refused_write(exc.__cause__, advice) from exc.__cause__
            raise

    def copies_of(self, hashes: Sequence[str]) -> list[dict]:
        """Stored articles with one of these content hashes (id, path, title, source, published, duplicate_of)."""
        with self.connect() as con:
            return article_changes.copies_of(con, hashes)

    def articles_at_paths(self, paths: Sequence[str]) -> list[dict]:
        """Stored articles read from one of these paths (id, path, text)."""
        with self.connect() as con:
            return article_changes.at_paths(con, paths)

    def update_articles(self, updates: Sequence[tuple[str, Article]]) -> None:
        """Correct the date, title, outlet and URL of stored articles (same text), facts refreshed, at once."""
        if updates:
            with self.transaction() as con:
                article_changes.update_fields(con, updates)

    def replace_article(self, old_id: str, new: Article) -> None:
        """Replace a stored article by another (its complete copy) in one transaction; links move to it."""
        with self.transaction() as con:
            article_changes.replace(con, old_id, new)

    def delete_articles(self, ids: Sequence[str]) -> list[str]:
        """Delete articles with their scores and facts in one transaction; returns the ids that were stored."""
        with self.transaction() as con:
            return article_changes.delete(con, ids)

    def existing_ids(self, ids: Iterable[str]) -> set[str]:
        """Which of the ids are stored."""
        with self.connect() as con:
            return articles.existing_ids(con, list(ids))

    def known_fingerprints(self) -> list[tuple[str, int]]:
        """(id, simhash) of stored articles that are not themselves duplicates, oldest first."""
        with self.connect() as con:
            return articles.known_fingerprints(con)

    def article_count(self) -> int:
        """How many articles are stored."""
        with self.connect() as con:
            return articles.count(con)

    def article(self, article_id: str) -> dict | None:
        """One article with every stored field."""
        with self.connect() as con:
            return articles.one(con, article_id)

    def article_texts(self, ids: Sequence[str]) -> list[tuple[str, str, str, str]]:
        """(id, text, text_simplified, language) for the given ids, in that order."""
        with self.connect() as con:
            return articles.texts(con, ids)

    def export_frame(self, *, ticker: str | None = None) -> pd.DataFrame:
        """One row per article (scored or not), with its current score when there is one."""
        with self.connect() as con:
            return articles.export_frame(con, ticker=ticker or default_ticker())

    def scored_tickers(self) -> list[str]:
        """The tickers with current scores (one scoring run each), in name order."""
        with self.connect() as con:
            return tickers.scored_tickers(con)

    def outlet_names(self) -> dict[str, str]:
        """Each stored outlet spelling → the outlet it belongs to (data/outlets.toml; script variants merged)."""
        with self.connect() as con:
            return outlets.outlet_names(con)

    def facets(self, *, ticker: str | None = None) -> dict:
        """What the filters can offer: sources, languages, frames and the date bounds."""
        with self.connect() as con:
            return articles.facets(con, ticker=ticker or default_ticker())

    # -- prices -----------------------------------------------------------------------------------
    def replace_prices(self, ticker: str, frame: pd.DataFrame, *, source: str) -> int:
        """Replace the given dates of a ticker's prices in one transaction (all rows or none)."""
        with self.transaction() as con:
            return prices.replace(con, ticker, frame, source=source)

    def import_prices(
        self, ticker: str, frame: pd.DataFrame, *, source: str, level_accepted: bool = False
    ) -> tuple[int, int]:
        """Replace the given dates of a ticker's prices as one batch that can be undone: (batch id, rows)."""
        with self.transaction() as con:
            return price_batches.import_batch(
                con, ticker, frame, source=source, level_accepted=level_accepted
            )

    def undo_prices(self, *, ticker: str | None = None, batch_id: int | None = None) -> dict:
        """Revert the last live price import (of a ticker), or a named one; returns the batch it was."""
        with self.transaction() as con:
            return price_batches.undo(con, ticker=ticker, batch_id=batch_id)

    def price_batches(self, *, ticker: str | None = None, limit: int = 20) -> list[dict]:
        """The last price imports (of one ticker, or all), newest first, undone ones included."""
        with self.connect() as con:
            return price_batches.latest(con, ticker=ticker, limit=limit)

    def prices(
        self,
        tickers: Sequence[str] | None = None,
        *,
        date_from: date | None = None,
        date_to: date | None = None,
    ) -> pd.DataFrame:
        """Daily bars, sorted by ticker and date."""
        with self.connect() as con:
            return prices.read(con, tickers, date_from=date_from, date_to=date_to)

    def price_stats(self) -> list[dict]:
        """Per ticker: rows, first and last date, last close."""
        with self.connect() as con:
            return prices.stats(con)

    # -- scoring runs -----------------------------------------------------------------------------
    def start_run(self, *, ticker: str, scorer: str, version: str, config_hash: str, options: dict) -> int:
        """Record a new running run; refuses while another live run of this database is going."""
        with self.transaction() as con:
            return runs.start(
                con, ticker=ticker, scorer=scorer, version=version, config_hash=config_hash, options=options
            )

    def articles_to_score(self, *, ticker: str, config_hash: str, force: bool) -> list[str]:
        """Ids needing a score: all with --force, else those with no current score under this configuration."""
        with self.connect() as con:
            return scores.articles_to_score(con, ticker=ticker, config_hash=config_hash, force=force)

    def write_scores(self, run_id: int, batch: Sequence[ArticleScore] | ScoreRows) -> None:
        """Store one batch of a running run's scores (not current until the run finishes)."""
        if not len(batch):
            return
        with self.transaction() as con:
            scores.write(con, run_id, batch)

    def finish_run(self, run_id: int, *, n_articles: int) -> RunInfo:
        """Make a complete run current, in one transaction: its scores replace the previous ones."""
        with self.transaction() as con:
            runs.finish(con, run_id, n_articles=n_articles)
        run = self.run(run_id)
        assert run is not None, "finish() found the run"
        return run

    def fail_run(self, run_id: int, message: str, *, status: str = "failed") -> None:
        """Mark a run failed (or cancelled) and drop its partial rows; the previous run stays current."""
        with self.transaction() as con:
            runs.fail(con, run_id, message, status=status)

    def beat_run(self, run_id: int) -> None:
        """Renew a running run's heartbeat (a timer calls it while the run works)."""
        with self.connect() as con:
            runs.beat(con, run_id)

    def run(self, run_id: int) -> RunInfo | None:
        """One run as recorded, or None."""
        with self.connect() as con:
            return runs.by_id(con, run_id)

    def current_run(self, ticker: str | None = None) -> RunInfo | None:
        """The run whose scores are current for the ticker, or None."""
        with self.connect() as con:
            return runs.current(con, ticker or default_ticker())

    def runs(self, limit: int = 20) -> list[RunInfo]:
        """The last runs, newest first."""
        with self.connect() as con:
            return runs.latest(con, limit)

    # -- current scores, filtered -----------------------------------------------------------------
    def scored_articles(self, filters: ArticleFilter | None = None) -> pd.DataFrame:
        """One row per article with its current score and effective date (undated articles left out)."""
        with self.connect() as con:
            return scores.scored_articles(con, filters or ArticleFilter())

    def evidence(
        self, filters: ArticleFilter | None = None, *, article_id: str | None = None
    ) -> pd.DataFrame:
        """Frame hits of the current scores, for the filtered articles or one article."""
        with self.connect() as con:
            return scores.evidence(con, filters or ArticleFilter(), article_id=article_id)

    def frame_counts(self, filters: ArticleFilter | None = None) -> pd.DataFrame:
        """Non-negated frame hits per article and frame, aggregated in DuckDB (what series need)."""
        with self.connect() as con:
            return scores.frame_counts(con, filters or ArticleFilter())

    def sentences(self, article_id: str, *, ticker: str | None = None) -> pd.DataFrame:
        """The current sentence scores of one article, in order."""
        ticker = ticker or default_ticker()
        with self.connect() as con:
            return scores.sentences(con, article_id, ticker=ticker)

    def current_score(self, article_id: str, *, ticker: str | None = None) -> dict | None:
        """One article's current score row (dated or not), or None when it has none."""
        with self.connect() as con:
            return scores.current_score(con, article_id, ticker=ticker or default_ticker())

    def article_texts_frame(
        self, filters: ArticleFilter | None = None, *, article_id: str | None = None
    ) -> pd.DataFrame:
        """article_id, date, date_inferred, text: what price-mention checks read (all filtered, or one)."""
        with self.connect() as con:
            return scores.article_texts_frame(con, filters or ArticleFilter(), article_id=article_id)

    # -- the analyst's corrections ----------------------------------------------------------------
    def corrections(
        self, article_ids: Sequence[str] | None = None, *, history: bool = False
    ) -> list[Correction]:
        """The corrections in force (with history=True every one ever made), of some articles or all."""
        with self.connect() as con:
            return corrections.read(con, article_ids=article_ids, history=history)

    def add_corrections(
        self,
        batch: Sequence[Correction],
        *,
        rescored: ScoreRows | None = None,
        ticker: str | None = None,
        run_id: int | None = None,
    ) -> tuple[int, int]:
        """Store corrections and (when given) their articles' rescored rows, in one transaction.

        The rescored rows replace the articles' rows in run `run_id` and become current, facts refreshed.
        Returns (added, already stored): a correction already stored (same target, value, time) is skipped.
        """
        with self.transaction() as con:
            counted = corrections.add(con, batch)
            if rescored is not None and len(rescored):
                if run_id is None:
                    raise ValueError("rescored rows need the run_id they belong to")
                scores.replace_current(con, ticker=ticker or default_ticker(), run_id=run_id, rows=rescored)
            return counted

    def correction_counts(self) -> dict:
        """total (every correction made), in_force and articles (that have one in force)."""
        with self.connect() as con:
            return corrections.counts(con)

    def corrections_for_training(self) -> pd.DataFrame:
        """The sentence labels in force as training rows: text, label, language, source='corrections', id."""
        with self.connect() as con:
            return corrections.for_training(con)

    # -- the dashboard's facts --------------------------------------------------------------------
    def rebuild_facts(self, ticker: str | None = None) -> None:
        """Rewrite the facts of every current score (of one ticker): a repair, and what the migration does."""
        with self.transaction() as con:
            refresh_facts(con, ticker=ticker)

    def tone_cube(self, filters: ArticleFilter) -> pd.DataFrame:
        """Per day, label, duplicate and inferred-date flag: counts and tone sums (see facts.tone_cube)."""
        with self.connect() as con:
            return facts.tone_cube(con, filters)

    def source_cube(self, filters: ArticleFilter, *, freq: str) -> pd.DataFrame:
        """Per period and outlet ('(unknown)' when none): the unique articles' counts and tone sums."""
        with self.connect() as con:
            return facts.source_cube(con, filters, freq=freq)

    def frame_counts_by_day(self, filters: ArticleFilter | None = None) -> pd.DataFrame:
        """Non-negated frame hits per day and frame, near-duplicates counted once."""
        with self.connect() as con:
            return facts.frame_counts_by_day(con, filters or ArticleFilter())

    def article_sample(
        self,
        filters: ArticleFilter,
        *,
        limit: int,
        tone_field: str = "tone",
        day_counts: pd.Series | None = None,
    ) -> pd.DataFrame:
        """At most `limit` articles for the chart, spread fairly over the days (see facts.article_sample)."""
        with self.connect() as con:  # one connection for counting and sampling
            return facts.article_sample(
                con, filters, limit=limit, tone_field=tone_field, day_counts=day_counts
            )

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
        """One page of the filtered articles, by date then id (or newest first); `article_id` narrows to one."""
        with self.connect() as con:
            return facts.article_page(
                con,
                filters,
                limit=limit,
                offset=offset,
                newest_first=newest_first,
                article_id=article_id,
                day_counts=day_counts,
            )

    def sorted_page(self, filters: ArticleFilter, *, sort: str, limit: int, offset: int = 0) -> pd.DataFrame:
        """One page of the filtered articles in a sort ('tone_asc'…) applied to every row (see explore.sorted_page)."""
        with self.connect() as con:
            return explore.sorted_page(con, filters, sort=sort, limit=limit, offset=offset)

    def undated_labels(self, filters: ArticleFilter) -> dict[str, int]:
        """Unique filtered articles without a date, per label (see facts.undated_labels)."""
        with self.connect() as con:
            return facts.undated_labels(con, filters)

    def undated_ranges(self, filters: ArticleFilter, *, limit: int, tone_field: str = "tone") -> pd.DataFrame:
        """The filtered articles with only an inferred date range, as ranges (see explore.undated_ranges)."""
        with self.connect() as con:
            return explore.undated_ranges(con, filters, limit=limit, tone_field=tone_field)

    def top_sentences(self, filters: ArticleFilter, *, limit: int = 5, bullish: bool = True) -> pd.DataFrame:
        """The most bullish (or bearish) sentences of the filtered articles (see explore.top_sentences)."""
        with self.connect() as con:
            return explore.top_sentences(con, filters, limit=limit, bullish=bullish)

    def day_counts(self, filters: ArticleFilter, *, tone_field: str = "tone") -> pd.Series:
        """Filtered articles per date (with a snownlp score, for tone_field 'snownlp'), indexed by date."""
        with self.connect() as con:
            return facts.day_counts(con, filters, tone_field=tone_field)

    # -- stats ------------------------------------------------------------------------------------
    def stats(self, *, ticker: str | None = None) -> dict:
        """Counts for `stats`: articles, duplicates, by language and date basis, prices, current run."""
        ticker = ticker or default_ticker()
        with self.connect() as con:
            counted = articles.counts(con)
            price_rows = prices.stats(con)
            current = runs.current(con, ticker)
        return {
            "db": str(self.path),
            "schema_version": schema.SCHEMA_VERSION,
            **counted,
            "prices": price_rows,
            "current_run": runs.as_dict(current) if current else None,
        }


def _refused_write(exc: BaseException, advice: str = "") -> StoreWriteError:
    first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
    return StoreWriteError(
        f"the database refused the write ({first[:300]})" + (f"; {advice}" if advice else "")
    )
