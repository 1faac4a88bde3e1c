"""Scores: a run's batches written, and the current scores read back (filtered through the facts table).

A run's rows are not current until the run finishes (runs.py switches them in one transaction). The reads here
take the filtered articles from article_facts (filters.py) and join what the facts do not carry.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import duckdb
import pandas as pd

from analysis.models import ArticleScore
from analysis.scoring.columns import ARTICLE_COLUMNS, EVIDENCE_COLUMNS, SENTENCE_COLUMNS, ScoreRows
from analysis.store.fact_tables import refresh_facts
from analysis.store.filters import ArticleFilter, read

SCORE_TABLES = ("article_scores", "sentence_scores", "frame_evidence")

# The current score of each filtered article: article_facts f holds one row per current score.
_CURRENT = """article_facts f JOIN articles a ON a.id = f.article_id
    JOIN article_scores s ON s.run_id = f.run_id AND s.article_id = f.article_id"""
_EVIDENCE = "article_facts f JOIN frame_evidence e ON e.run_id = f.run_id AND e.article_id = f.article_id"


def write(con: duckdb.DuckDBPyConnection, run_id: int, scores: Sequence[ArticleScore] | ScoreRows) -> None:
    """Store one batch of a running run's scores and mark the run alive."""
    rows = scores if isinstance(scores, ScoreRows) else ScoreRows.from_scores(scores)
    _insert(con, run_id, rows)
    con.execute("UPDATE scoring_runs SET heartbeat_at = ? WHERE run_id = ?", [datetime.now(), run_id])


def replace_current(con: duckdb.DuckDBPyConnection, *, ticker: str, run_id: int, rows: ScoreRows) -> None:
    """Make these rescored articles' rows the run's and current (inside a transaction), facts refreshed.

    What a correction does to the scores: the run's older rows of the articles go, the new ones become current
    at once (an article's earlier run keeps its own rows), and the dashboard's facts follow.
    """
    ids = list(rows.articles["article_id"])
    if not ids:
        return
    for table in SCORE_TABLES:
        con.execute(f"DELETE FROM {table} WHERE run_id = ? AND list_contains(?, article_id)", [run_id, ids])
    _insert(con, run_id, rows)
    con.execute("DELETE FROM current_scores WHERE ticker = ? AND list_contains(?, article_id)", [ticker, ids])
    con.execute("INSERT INTO current_scores SELECT ?, unnest(?), ?", [ticker, ids, run_id])
    refresh_facts(con, ticker=ticker, article_ids=ids)


def delete_run_rows(con: duckdb.DuckDBPyConnection, run_id: int) -> None:
    """Drop the score rows of a run that will never be current (failed or abandoned)."""
    for table in SCORE_TABLES:
        con.execute(f"DELETE FROM {table} WHERE run_id = ?", [run_id])


def articles_to_score(
    con: duckdb.DuckDBPyConnection, *, ticker: str, config_hash: str, force: bool
) -> list[str]:
    """Ids needing a score: all with force, else those with no current score under this configuration."""
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


def scored_articles(con: duckdb.DuckDBPyConnection, filters: ArticleFilter) -> pd.DataFrame:
    """One row per filtered article with its current score and effective date (undated articles left out)."""
    frame = read(
        con,
        f"""SELECT a.id AS article_id, a.title, a.source, a.url, a.path, a.language,
                   a.published, a.published_basis, f.date, f.date_inferred, a.duplicate_of,
                   s.tone, s.confidence, s.label, s.relevance, s.bull_intensity, s.bear_intensity,
                   s.framing_balance, s.dominant_frame, s.frames, s.snownlp
            FROM {_CURRENT}
            WHERE {{where}} AND f.date IS NOT NULL
            ORDER BY f.date, f.article_id""",
        filters,
    )
    for column in ("published", "date"):
        frame[column] = pd.to_datetime(frame[column])
    return frame


def evidence(
    con: duckdb.DuckDBPyConnection, filters: ArticleFilter, *, article_id: str | None
) -> pd.DataFrame:
    """Frame hits of the current scores, for the filtered articles (dated or not) or one article."""
    return read(
        con,
        f"""SELECT e.article_id, e.frame, e.polarity, e.pattern, e.sentence_index,
                   e.start_char AS start, e.end_char AS "end", e.negated
            FROM {_EVIDENCE}
            WHERE {{where}}
            ORDER BY e.article_id, e.start_char""",
        filters,
        narrow={"article_id": article_id},
    )


def frame_counts(con: duckdb.DuckDBPyConnection, filters: ArticleFilter) -> pd.DataFrame:
    """Non-negated frame hits per filtered article and frame, aggregated in DuckDB (what series need)."""
    return read(
        con,
        f"""SELECT e.article_id, e.frame, any_value(e.polarity) AS polarity, count(*) AS hits
            FROM {_EVIDENCE}
            WHERE {{where}} AND NOT e.negated
            GROUP BY e.article_id, e.frame
            ORDER BY e.article_id, e.frame""",
        filters,
    )


def article_texts_frame(
    con: duckdb.DuckDBPyConnection, filters: ArticleFilter, *, article_id: str | None
) -> pd.DataFrame:
    """article_id, date, date_inferred, text of the filtered dated articles (or one), for mention checks."""
    frame = read(
        con,
        f"""SELECT a.id AS article_id, f.date, f.date_inferred, a.text
            FROM {_CURRENT}
            WHERE {{where}} AND f.date IS NOT NULL
            ORDER BY f.date, f.article_id""",
        filters,
        narrow={"article_id": article_id},
    )
    frame["date"] = pd.to_datetime(frame["date"])
    return frame


def sentences(con: duckdb.DuckDBPyConnection, article_id: str, *, ticker: str) -> pd.DataFrame:
    """The current sentence scores of one article, in order."""
    return con.execute(
        # Sentence texts are not stored (they are spans of the article's text): sliced here.
        'SELECT t.idx AS index, t.start_char AS start, t.end_char AS "end", '
        "substring(a.text, t.start_char + 1, t.end_char - t.start_char) AS text, t.tone, t.label, "
        "t.confidence, t.relevance, t.frames, t.snownlp, t.tone_evidence FROM current_scores c "
        "JOIN sentence_scores t ON t.run_id = c.run_id AND t.article_id = c.article_id "
        "JOIN articles a ON a.id = c.article_id "
        "WHERE c.ticker = ? AND c.article_id = ? ORDER BY t.idx",
        [ticker, article_id],
    ).df()


def current_score(con: duckdb.DuckDBPyConnection, article_id: str, *, ticker: str) -> dict | None:
    """The article's current score row (run_id, tone, label, frames...), dated or not, or None."""
    cur = con.execute(
        "SELECT s.* FROM current_scores c JOIN article_scores s ON s.run_id = c.run_id "
        "AND s.article_id = c.article_id WHERE c.ticker = ? AND c.article_id = ?",
        [ticker, article_id],
    )
    row = cur.fetchone()
    return None if row is None else dict(zip([d[0] for d in cur.description], row, strict=True))


def _insert(con: duckdb.DuckDBPyConnection, run_id: int, rows: ScoreRows) -> None:
    for name, frame in zip(SCORE_TABLES, _score_frames(run_id, rows), strict=True):
        if len(frame):
            con.register("batch", frame)
            con.execute(f"INSERT INTO {name} BY NAME SELECT * FROM batch")
            con.unregister("batch")


def score_frames(run_id: int, rows: ScoreRows) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The three score tables' rows for one run, as the store inserts them (the lake writes the same)."""
    return _score_frames(run_id, rows)


def _score_frames(run_id: int, rows: ScoreRows) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The three score tables' rows for one run, in their column order (sentence text left empty)."""
    articles = pd.DataFrame({"run_id": run_id, **rows.articles}, columns=["run_id", *ARTICLE_COLUMNS])
    sentences = pd.DataFrame({"run_id": run_id, **rows.sentences}, columns=["run_id", *SENTENCE_COLUMNS])
    sentences["text"] = ""
    evidence = pd.DataFrame({"run_id": run_id, **rows.evidence}, columns=["run_id", *EVIDENCE_COLUMNS])
    for frame in (articles, sentences):
        frame["snownlp"] = frame["snownlp"].astype("float64")
    return articles, sentences, evidence
