"""The narrative engine's inputs built by hand, in the shapes the store's per-day queries return.

`cube` gives Store.tone_cube's columns, one row per article (the engine sums rows of the same key, so a row per
article is a valid cube); `frames_by_day` Store.frame_counts_by_day's; `source_sums` Store.source_cube's.
"""

from __future__ import annotations

import pandas as pd

CUBE_COLUMNS = ("date", "label", "duplicate", "inferred", "n", "weight", "weighted", "tone_sum", "bull", "bear",
                "n_snownlp", "weight_snownlp", "weighted_snownlp", "snownlp_sum")  # fmt: skip
FRAME_COLUMNS = ("date", "frame", "polarity", "hits", "n_articles")
SOURCE_COLUMNS = ("period", "source", "n", "weight", "weighted", "tone_sum", "n_snownlp", "weight_snownlp",
                  "weighted_snownlp", "snownlp_sum")  # fmt: skip


def article_sums(
    *,
    date,
    tone: float = 0.0,
    relevance: float = 1.0,
    confidence: float = 1.0,
    label: str = "neutral",
    duplicate: bool = False,
    inferred: bool = False,
    bull: float = 0.0,
    bear: float = 0.0,
    snownlp: float | None = None,
) -> dict:
    """One article's cube row: n = 1 and its sums, as the store's GROUP BY gives them."""
    weight = max(relevance * confidence, 0.0)
    plotted = None if snownlp is None else 2 * snownlp - 1
    return {
        "date": pd.Timestamp(date), "label": label, "duplicate": duplicate, "inferred": inferred, "n": 1,
        "weight": weight, "weighted": weight * tone, "tone_sum": tone, "bull": bull, "bear": bear,
        "n_snownlp": int(plotted is not None), "weight_snownlp": weight if plotted is not None else 0.0,
        "weighted_snownlp": weight * plotted if plotted is not None else 0.0,
        "snownlp_sum": plotted if plotted is not None else 0.0,
    }  # fmt: skip


def cube(*articles: dict) -> pd.DataFrame:
    """Store.tone_cube of the given articles (keyword arguments of article_sums), one row each."""
    frame = pd.DataFrame([article_sums(**article) for article in articles], columns=list(CUBE_COLUMNS))
    frame["date"] = pd.to_datetime(frame["date"])
    return frame


def frames_by_day(*rows: tuple) -> pd.DataFrame:
    """Store.frame_counts_by_day from (date, frame, polarity, hits[, n_articles]) rows (n_articles 1 if left out)."""
    frame = pd.DataFrame([(*row, 1) if len(row) == 4 else row for row in rows], columns=list(FRAME_COLUMNS))
    frame["date"] = pd.to_datetime(frame["date"])
    frame["hits"] = frame["hits"].astype("int64")
    return frame


def source_sums(*rows: dict) -> pd.DataFrame:
    """Store.source_cube from {period, source, n, weight, weighted, tone_sum} rows (no snownlp scores)."""
    full = [
        {"n_snownlp": 0, "weight_snownlp": 0.0, "weighted_snownlp": 0.0, "snownlp_sum": 0.0, **row}
        for row in rows
    ]
    frame = pd.DataFrame(full, columns=list(SOURCE_COLUMNS))
    frame["period"] = pd.to_datetime(frame["period"])
    return frame
