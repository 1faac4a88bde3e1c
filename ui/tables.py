"""Tables the page shows, with labels in the reader's language."""

from __future__ import annotations

import pandas as pd

from analysis.csv_guard import guard_frame
from ui.labels import basis_name, frame_list_name, label_name, t

EXPLORER_COLUMNS = ("date", "date_basis", "outlet", "title", "tone", "label", "frames", "article_id")


def explorer_table(
    articles: pd.DataFrame, lang: str = "en", outlets: dict[str, str] | None = None
) -> pd.DataFrame:
    """The explorer's rows: date and its basis ('inferred' where it is), outlet (its name when `outlets` maps the
    spelling, data/outlets.toml), title, tone, label, frames."""
    if articles.empty:
        return pd.DataFrame(columns=list(EXPLORER_COLUMNS))
    inferred = articles["date_inferred"].fillna(False).astype(bool)
    basis = [
        t("inferred", lang) if was_inferred else basis_name(b, lang)
        for was_inferred, b in zip(inferred, articles["published_basis"], strict=True)
    ]
    # Defused as shown: the table's own toolbar downloads these values as CSV (analysis.csv_guard).
    return guard_frame(pd.DataFrame({
        "date": pd.to_datetime(articles["date"]).dt.date,
        "date_basis": basis,
        "outlet": outlet_names(articles["source"], outlets).fillna(t("unknown_outlet", lang)),
        "title": articles["title"].fillna(""),
        "tone": pd.to_numeric(articles["tone"], errors="coerce").round(3),
        "label": [label_name(v, lang) for v in articles["label"]],
        "frames": [frame_list_name(v, lang).replace(";", ", ") for v in articles["frames"].fillna("")],
        "article_id": articles["article_id"],
    })).reset_index(drop=True)  # fmt: skip


def outlet_names(spellings: pd.Series, outlets: dict[str, str] | None) -> pd.Series:
    """Outlet spellings as the outlets they belong to (unknown ones, and None, kept as they are)."""
    if not outlets:
        return spellings
    return spellings.map(lambda s: outlets.get(s, s) if isinstance(s, str) else s)


def with_outlet_names(rows: pd.DataFrame, outlets: dict[str, str] | None) -> pd.DataFrame:
    """A copy of article rows whose `source` is the outlet's name, for display (charts, the picker)."""
    if rows is None or not len(rows) or "source" not in rows or not outlets:
        return rows
    return rows.assign(source=outlet_names(rows["source"], outlets))
