"""Tables the page shows, with labels in the reader's language."""

from __future__ import annotations

import pandas as pd

from analysis.csv_guard import guard_frame
from ui.labels import basis_name, frame_list_name, label_name, t

EXPLORER_COLUMNS = ("date", "date_basis", "outlet", "title", "tone", "label", "frames", "article_id")


def explorer_table(articles: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """The explorer's rows: date and its basis ('inferred' where it is), outlet, title, tone, label, frames."""
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
        "outlet": articles["source"].fillna(t("unknown_outlet", lang)),
        "title": articles["title"].fillna(""),
        "tone": pd.to_numeric(articles["tone"], errors="coerce").round(3),
        "label": [label_name(v, lang) for v in articles["label"]],
        "frames": [frame_list_name(v, lang).replace(";", ", ") for v in articles["frames"].fillna("")],
        "article_id": articles["article_id"],
    })).reset_index(drop=True)  # fmt: skip
