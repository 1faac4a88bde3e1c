"""Changes to stored articles: a corrected date/title/outlet (`ingest --update`), a truncated copy replaced by
its complete one, articles deleted on request. Scores, facts and near-duplicate links follow in the same
transaction, so the dashboard's per-day facts never describe an article that changed or is gone.
"""

from __future__ import annotations

from collections.abc import Sequence

import duckdb

from analysis.models import Article
from analysis.store import articles
from analysis.store.fact_tables import refresh_facts

# The fields `ingest --update` may correct; the text (and so the id) stays.
UPDATABLE = (
    "title", "title_basis", "source", "source_basis", "url", "published", "published_basis",
    "published_from", "published_to", "published_evidence",
)  # fmt: skip

# Content hash, for finding stored copies of the same text: filled from the id for older rows (the id was the
# content hash of the text until copies of one text could be kept).
MIGRATION = [
    "ALTER TABLE articles ADD COLUMN IF NOT EXISTS content_hash VARCHAR",
    "UPDATE articles SET content_hash = id WHERE content_hash IS NULL",
]


def copies_of(con: duckdb.DuckDBPyConnection, hashes: Sequence[str]) -> list[dict]:
    """Stored articles whose text has one of the content hashes, oldest first."""
    if not hashes:
        return []
    cur = con.execute(
        "SELECT id, content_hash, path, title, source, published, url, duplicate_of FROM articles "
        "WHERE list_contains(?, content_hash) ORDER BY ingested_at, id",
        [list(hashes)],
    )
    return [dict(zip([d[0] for d in cur.description], r, strict=True)) for r in cur.fetchall()]


def at_paths(con: duckdb.DuckDBPyConnection, paths: Sequence[str]) -> list[dict]:
    """Stored articles read from one of the paths (id, path, text): where a truncated copy would be."""
    if not paths:
        return []
    cur = con.execute("SELECT id, path, text FROM articles WHERE list_contains(?, path)", [list(paths)])
    return [dict(zip([d[0] for d in cur.description], r, strict=True)) for r in cur.fetchall()]


def update_fields(con: duckdb.DuckDBPyConnection, updates: Sequence[tuple[str, Article]]) -> None:
    """Set the updatable fields of stored articles (id, from the corrected article); facts refreshed."""
    for article_id, new in updates:
        con.execute(
            f"UPDATE articles SET {', '.join(f'{name} = ?' for name in UPDATABLE)} WHERE id = ?",
            [getattr(new, name) for name in UPDATABLE] + [article_id],
        )
    _refresh(con, [article_id for article_id, _ in updates])


def replace(con: duckdb.DuckDBPyConnection, old_id: str, new: Article) -> None:
    """A stored article replaced by another (its complete copy): the old one's scores go, its links move."""
    articles.add(con, [new])
    con.execute("UPDATE articles SET duplicate_of = ? WHERE duplicate_of = ?", [new.id, old_id])
    delete(con, [old_id], relink=False)
    _refresh(con, _linked_to(con, new.id))


def delete(con: duckdb.DuckDBPyConnection, ids: Sequence[str], *, relink: bool = True) -> list[str]:
    """Delete articles with their scores, evidence and facts; returns the ids that were stored.

    A deleted original's near-duplicates and copies are re-linked to the earliest of them, which becomes the
    original (so the story is still counted once).
    """
    ids = sorted(articles.existing_ids(con, list(ids)))
    if not ids:
        return []
    # Their facts go (weight ranks of the others keep their order; gaps do not matter to the sample).
    con.execute(
        "DELETE FROM article_frame_hits WHERE fact_id IN "
        "(SELECT fact_id FROM article_facts WHERE list_contains(?, article_id))",
        [ids],
    )
    for table in ("article_facts", "article_scores", "sentence_scores", "frame_evidence", "current_scores"):
        con.execute(f"DELETE FROM {table} WHERE list_contains(?, article_id)", [ids])
    relinked: list[str] = []
    if relink:
        for old in ids:
            relinked += _relink(con, old, gone=ids)
    con.execute("DELETE FROM articles WHERE list_contains(?, id)", [ids])
    _refresh(con, relinked)
    return ids


def _relink(con: duckdb.DuckDBPyConnection, old: str, *, gone: Sequence[str]) -> list[str]:
    children = [r[0] for r in con.execute(
        "SELECT id FROM articles WHERE duplicate_of = ? AND NOT list_contains(?, id) ORDER BY ingested_at, id",
        [old, list(gone)],
    ).fetchall()]  # fmt: skip
    if not children:
        return []
    con.execute("UPDATE articles SET duplicate_of = NULL WHERE id = ?", [children[0]])
    con.execute("UPDATE articles SET duplicate_of = ? WHERE duplicate_of = ?", [children[0], old])
    return children


def _linked_to(con: duckdb.DuckDBPyConnection, article_id: str) -> list[str]:
    rows = con.execute("SELECT id FROM articles WHERE duplicate_of = ?", [article_id]).fetchall()
    return [article_id, *(r[0] for r in rows)]


def _refresh(con: duckdb.DuckDBPyConnection, ids: Sequence[str]) -> None:
    """Rewrite the facts of these articles for every ticker that has current scores of them."""
    ids = list(ids)
    if not ids:
        return
    tickers = con.execute(
        "SELECT DISTINCT ticker FROM current_scores WHERE list_contains(?, article_id)", [ids]
    ).fetchall()
    for (ticker,) in tickers:
        refresh_facts(con, ticker=ticker, article_ids=ids)
