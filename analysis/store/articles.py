"""Articles: added once by id (never updated), looked up by id, fingerprints for dedup, texts for scoring."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime

import duckdb
import pandas as pd

from analysis.models import Article
from analysis.store import outlets
from analysis.store.corrections import CORRECTED_BY_ARTICLE
from analysis.store.rows import one_row

_COLUMNS = (
    "id", "path", "format", "raw_text", "text", "text_simplified", "language", "title", "title_basis",
    "source", "source_basis", "url", "published", "published_basis", "published_from", "published_to",
    "published_evidence", "encoding", "duplicate_of", "simhash", "warnings", "ingested_at", "content_hash",
)  # fmt: skip
COLUMNS = _COLUMNS


def add(con: duckdb.DuckDBPyConnection, articles: Sequence[Article]) -> tuple[list[str], list[str]]:
    """Insert the articles not stored yet (inside a transaction); returns (added ids, ids already stored)."""
    if not articles:
        return [], []
    unique: dict[str, Article] = {}
    for article in articles:
        unique.setdefault(article.id, article)
    now = datetime.now()
    existing = existing_ids(con, list(unique))
    new = [a for i, a in unique.items() if i not in existing]
    if new:
        frame = pd.DataFrame([_row(a, now) for a in new], columns=list(_COLUMNS))
        con.register("new_articles", frame)
        con.execute(
            f"INSERT INTO articles ({', '.join(_COLUMNS)}) SELECT {', '.join(_COLUMNS)} FROM new_articles"
        )
        con.unregister("new_articles")
    return [a.id for a in new], [a.id for a in articles if a.id in existing]


def existing_ids(con: duckdb.DuckDBPyConnection, ids: list[str]) -> set[str]:
    """Which of the ids are stored."""
    if not ids:
        return set()
    rows = con.execute("SELECT id FROM articles WHERE list_contains(?, id)", [ids]).fetchall()
    return {r[0] for r in rows}


def known_fingerprints(con: duckdb.DuckDBPyConnection) -> list[tuple[str, int]]:
    """(id, simhash) of stored articles that are not themselves duplicates, oldest first."""
    return con.execute(
        "SELECT id, simhash FROM articles WHERE duplicate_of IS NULL AND simhash IS NOT NULL "
        "ORDER BY ingested_at, id"
    ).fetchall()


def count(con: duckdb.DuckDBPyConnection) -> int:
    """How many articles are stored."""
    return one_row(con, "SELECT count(*) FROM articles")[0]


def one(con: duckdb.DuckDBPyConnection, article_id: str) -> dict | None:
    """One article with every stored field, or None."""
    cur = con.execute("SELECT * FROM articles WHERE id = ?", [article_id])
    row = cur.fetchone()
    if row is None:
        return None
    return dict(zip([d[0] for d in cur.description], row, strict=True))


def texts(con: duckdb.DuckDBPyConnection, ids: Sequence[str]) -> list[tuple[str, str, str, str]]:
    """(id, text, text_simplified, language) for the given ids, in that order.

    Texts are read only from the row range the ids span (scoring asks for ids in storage order), so a
    batch does not decompress the whole table's text.
    """
    ids = list(ids)
    try:
        first, last = one_row(
            con,
            "SELECT min(a.rowid), max(a.rowid) FROM (SELECT unnest(?) AS id) k JOIN articles a USING (id)",
            [ids],
        )
        rows = (
            con.execute(
                "SELECT a.id, a.text, a.text_simplified, a.language FROM (SELECT unnest(?) AS id) k "
                "JOIN (SELECT * FROM articles WHERE rowid BETWEEN ? AND ?) a USING (id)",
                [ids, first, last],
            ).fetchall()
            if first is not None
            else []
        )
    except duckdb.BinderException:  # a view over a lake's files has no rowid: join on the ids alone
        rows = con.execute(
            "SELECT a.id, a.text, a.text_simplified, a.language FROM (SELECT unnest(?) AS id) k "
            "JOIN articles a USING (id)",
            [ids],
        ).fetchall()
    by_id = {r[0]: r for r in rows}
    return [by_id[i] for i in ids if i in by_id]


def export_frame(con: duckdb.DuckDBPyConnection, *, ticker: str) -> pd.DataFrame:
    """Every article (scored or not, unfiltered), with its current score and which labels were corrected; the
    outlet as written (`source`) and the outlet it belongs to (`outlet`, data/outlets.toml, just before
    `corrected`, which stays last)."""
    frame = con.execute(
        f"""SELECT a.id, a.path, a.title, a.title_basis, a.source, a.source_basis, a.url,
                  a.published, a.published_basis, a.published_from, a.published_to,
                  a.published_evidence, a.language, a.encoding, a.duplicate_of,
                  s.tone, s.label, s.frames, s.confidence, s.relevance, s.bull_intensity,
                  s.bear_intensity, s.framing_balance, s.dominant_frame, s.snownlp, c.run_id,
                  coalesce(k.corrected, '') AS corrected
           FROM articles a
           LEFT JOIN current_scores c ON c.article_id = a.id AND c.ticker = ?
           LEFT JOIN article_scores s ON s.run_id = c.run_id AND s.article_id = a.id
           LEFT JOIN ({CORRECTED_BY_ARTICLE}) k ON k.article_id = a.id
           ORDER BY coalesce(a.published, a.published_from), a.id""",
        [ticker, ticker],
    ).df()
    named = outlets.with_outlet(frame, outlets.outlet_names(con))
    return named[[c for c in named.columns if c != "corrected"] + ["corrected"]]


def facets(con: duckdb.DuckDBPyConnection, *, ticker: str) -> dict:
    """What the filters can offer: sources, languages, frames and the date bounds."""
    # Outlets, not spellings: 'Reuters' and '路透社' are one option (data/outlets.toml); outlet_names maps each
    # stored spelling to its option.
    names = outlets.outlet_names(con)
    sources = sorted(set(names.values()))
    languages = [r[0] for r in con.execute("SELECT DISTINCT language FROM articles ORDER BY 1").fetchall()]
    frames = [
        r[0]
        for r in con.execute(
            "SELECT DISTINCT e.frame FROM current_scores c JOIN frame_evidence e "
            "ON e.run_id = c.run_id AND e.article_id = c.article_id WHERE c.ticker = ? ORDER BY 1",
            [ticker],
        ).fetchall()
    ]
    bounds = one_row(con, "SELECT min(date), max(date) FROM article_dates")
    return {"sources": sources, "languages": languages, "frames": frames,
            "date_min": bounds[0], "date_max": bounds[1], "outlet_names": names}  # fmt: skip


def counts(con: duckdb.DuckDBPyConnection) -> dict:
    """Articles, duplicates, and articles per language and per date basis, for `stats`."""
    total, duplicates = one_row(con, "SELECT count(*), count(duplicate_of) FROM articles")
    by_language = dict(
        con.execute("SELECT language, count(*) FROM articles GROUP BY 1 ORDER BY 1").fetchall()
    )
    by_basis = dict(
        con.execute("SELECT published_basis, count(*) FROM articles GROUP BY 1 ORDER BY 1").fetchall()
    )
    return {
        "articles": total,
        "duplicates": duplicates,
        "by_language": by_language,
        "by_published_basis": by_basis,
    }


def row(a: Article, now: datetime) -> tuple:
    """An article as the `articles` table stores it, in COLUMNS order (the lake writes the same values)."""
    return _row(a, now)


def _row(a: Article, now: datetime) -> tuple:
    return (
        a.id, a.path, a.format, a.raw_text, a.text, a.text_simplified, a.language, a.title, a.title_basis,
        a.source, a.source_basis, a.url, a.published, a.published_basis, a.published_from, a.published_to,
        a.published_evidence, a.encoding, a.duplicate_of, _signed64(a.simhash),
        json.dumps(list(a.warnings), ensure_ascii=False) if a.warnings else None, now, a.content_hash or a.id,
    )  # fmt: skip


def _signed64(value: int) -> int:
    value &= (1 << 64) - 1
    return value - (1 << 64) if value >= 1 << 63 else value
