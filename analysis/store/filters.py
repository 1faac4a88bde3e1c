"""The one filter compiler: an ArticleFilter as a bound WHERE clause over the facts table (alias `f`).

Every read that narrows articles by a filter (articles, evidence, frame counts, texts, the per-day sums, the
chart's sample, explorer pages) puts this clause on `article_facts f`, so one filter selects the same articles
in all of them. Each active filter adds its own predicate (constant SQL; the value is bound): a filter left
open costs nothing per row, where `$x IS NULL OR ...` would be evaluated for every row.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

import duckdb
import pandas as pd

from analysis.companies import default_ticker
from analysis.store.fact_tables import MASK_BITS
from analysis.store.outlets import spellings_of
from analysis.text.script import to_simplified


@dataclass(frozen=True)
class ArticleFilter:
    """What the dashboard and the CLI narrow articles by; None means 'all'."""

    ticker: str = field(default_factory=default_ticker)  # the first company of data/companies.toml
    date_from: date | None = None
    date_to: date | None = None
    sources: tuple[str, ...] | None = None  # outlets, by name or any spelling (data/outlets.toml)
    languages: tuple[str, ...] | None = None
    frames: tuple[str, ...] | None = None
    labels: tuple[str, ...] | None = None
    include_duplicates: bool = True
    search: str | None = None  # words the title or text holds (case- and script-insensitive)


# A predicate per active value: what the filter chooses, then what a query narrows to besides it.
_PREDICATES = {
    "date_from": "f.date >= $date_from",
    "date_to": "f.date <= $date_to",
    "sources": "list_contains($sources, coalesce(f.source, '(unknown)'))",
    "languages": "list_contains($languages, f.language)",
    "labels": "list_contains($labels, f.label)",
    "frames_mask": "(f.frames_mask & $frames_mask::UBIGINT) <> 0",
    # Full-text search: the simplified text and the title, lower-cased, hold the (simplified, lower) query.
    "search": (
        "f.article_id IN (SELECT a.id FROM articles a WHERE contains(lower(a.text_simplified), $search)"
        " OR contains(lower(coalesce(a.title, '')), $search))"
    ),
    # One article, or a date bound of an explorer page.
    "article_id": "f.article_id = $article_id",
    "since": "f.date >= $since",
    "until": "f.date <= $until",
}
# The frames predicate when some chosen frames are past the bit mask.
_SLOW_FRAMES = (
    "((f.frames_mask & $frames_mask::UBIGINT) <> 0 "
    "OR list_has_any($slow_frames, string_split(f.frames, ';')))"
)


def where(
    con: duckdb.DuckDBPyConnection,
    filters: ArticleFilter,
    *,
    article_id: str | None = None,
    since: date | None = None,
    until: date | None = None,
    snownlp_only: bool = False,
    dated_only: bool = False,
) -> tuple[str, dict]:
    """`filters` (and the narrowing arguments) as a condition over article_facts f, and its bound values.

    The condition always holds `f.ticker = $ticker`; the query adds what it alone requires (a date, unique
    articles, non-negated hits).
    """
    mask, slow = _frames_mask(con, filters.frames)
    values = {
        "date_from": filters.date_from,
        "date_to": filters.date_to,
        # Outlets chosen by name (or any spelling): the stored spellings that belong to them (data/outlets.toml).
        "sources": None if filters.sources is None else spellings_of(con, filters.ticker, filters.sources),
        "languages": _list(filters.languages),
        "labels": _list(filters.labels),
        "frames_mask": mask,
        "search": search_key(filters.search),
        "article_id": article_id,
        "since": since,
        "until": until,
    }
    active = {name: value for name, value in values.items() if value is not None}
    predicates = ["f.ticker = $ticker", *(_PREDICATES[name] for name in active)]
    if slow:  # chosen frames past the mask: matched in the listed frames as well
        predicates[predicates.index(_PREDICATES["frames_mask"])] = _SLOW_FRAMES
        active["slow_frames"] = slow
    if not filters.include_duplicates:
        predicates.append("NOT f.duplicate")
    if snownlp_only:
        predicates.append("f.snownlp IS NOT NULL")
    if dated_only:  # a read that needs a day: an inferred range's middle is not one
        predicates.append("NOT f.date_inferred")
    return " AND ".join(predicates), {"ticker": filters.ticker, **active}


def search_key(query: str | None) -> str | None:
    """A search as the store matches it: trimmed, lower case, simplified script; None when it is empty."""
    if query is None or not str(query).strip():
        return None
    return to_simplified(" ".join(str(query).split())).lower()


def read(
    con: duckdb.DuckDBPyConnection, sql: str, filters: ArticleFilter, *, narrow: dict | None = None, **values
) -> pd.DataFrame:
    """Run sql over article_facts f, its {where} placeholder the filters' condition; `values` bound."""
    condition, bound = where(con, filters, **(narrow or {}))
    return con.execute(sql.replace("{where}", condition), bound | values).df()


def _frames_mask(
    con: duckdb.DuckDBPyConnection, frames: Iterable[str] | None
) -> tuple[int | None, list[str]]:
    """(mask of the chosen frames' bits, chosen frames past the mask); (None, []) when frames are not filtered.

    Frames are matched by name among those current scores list: a choice no score lists (or the empty name)
    matches nothing.
    """
    if frames is None:
        return None, []
    ids = con.execute(
        "SELECT frame, frame_id FROM frame_ids WHERE list_contains(?, frame)", [_list(frames)]
    ).fetchall()
    mask = sum(1 << frame_id for _, frame_id in ids if frame_id < MASK_BITS)
    return mask, [frame for frame, frame_id in ids if frame_id >= MASK_BITS]


def _list(values: Iterable[str] | None) -> list[str] | None:
    return None if values is None else [str(v) for v in values]
