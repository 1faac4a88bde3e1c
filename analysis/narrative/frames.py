"""Framing per period from per-day sums: each frame's share of the frame evidence, and bull/bear intensity."""

from __future__ import annotations

import pandas as pd

from analysis.narrative.sums import empty_frame, period_start, unique_rows

FRAME_SHARE_COLUMNS = ("period", "frame", "polarity", "intensity", "share", "n_articles")
BULL_BEAR_COLUMNS = ("period", "bullish", "bearish", "balance", "n")


def frame_shares(frames_by_day: pd.DataFrame, *, freq: str = "W") -> pd.DataFrame:
    """Each frame's evidence count ('intensity') and share of all frame evidence per period.

    `frames_by_day` is Store.frame_counts_by_day: non-negated hits of unique articles per day and frame. Each
    article has one date, so summing the per-day article counts gives the per-period count exactly.
    """
    if frames_by_day.empty:
        return empty_frame(FRAME_SHARE_COLUMNS, date_columns=("period",))
    daily = frames_by_day.assign(period=period_start(frames_by_day["date"], freq))
    grouped = daily.groupby(["period", "frame", "polarity"])[["hits", "n_articles"]].sum()
    grouped = grouped.reset_index().rename(columns={"hits": "intensity"})
    grouped["share"] = grouped["intensity"] / grouped.groupby("period")["intensity"].transform("sum")
    grouped["intensity"] = grouped["intensity"].astype(float)
    grouped["n_articles"] = grouped["n_articles"].astype(int)
    grouped = grouped.sort_values(["period", "share"], ascending=[True, False], ignore_index=True)
    return grouped[list(FRAME_SHARE_COLUMNS)]


def bull_bear_intensity(cube: pd.DataFrame, *, freq: str = "W") -> pd.DataFrame:
    """Summed bullish and bearish framing intensity of the unique articles per period (Store.tone_cube's bull
    and bear), and their balance (bull − bear) / (bull + bear), 0 when both are 0."""
    rows = unique_rows(cube)
    if rows.empty:
        return empty_frame(BULL_BEAR_COLUMNS, date_columns=("period",))
    result = rows[["bull", "bear", "n"]].groupby(period_start(rows["date"], freq)).sum()
    result = result.rename(columns={"bull": "bullish", "bear": "bearish"})
    result.index.name = "period"
    total = result["bullish"] + result["bearish"]
    result["balance"] = ((result["bullish"] - result["bearish"]) / total.where(total > 0)).fillna(0.0)
    result["n"] = result["n"].astype("int64")
    return result.reset_index()[list(BULL_BEAR_COLUMNS)]
