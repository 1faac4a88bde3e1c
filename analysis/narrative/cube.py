"""The narrative series from per-day sums (Store.tone_cube, source_cube, frame_counts_by_day), not articles.

Each series here equals its per-article twin in series.py / market.py (tests pin it): a weighted tone is
Σ weight·tone / Σ weight over a group (the plain mean Σ tone / n when every weight is zero), so the sums of
its days give any period's tone exactly, and every count adds up. So the dashboard reads a few thousand
summed rows per filter change, however many articles match.

A cube row holds, for one day × label × near-duplicate flag × inferred-date flag, the count `n` and the sums
`weight`, `weighted`, `tone_sum` (and `bull`, `bear`), plus the same over the articles that have a snownlp
score, on its plotted 2p−1 scale: `n_snownlp`, `weight_snownlp`, `weighted_snownlp`, `snownlp_sum`.
"""

from __future__ import annotations

import pandas as pd

from analysis.narrative.market import (
    SIDES,
    align_to_trading_days,
    closes,
    event_study_at,
    lead_lag_of,
    trading_day_positions,
)
from analysis.narrative.series import (
    BULL_BEAR_COLUMNS,
    FRAME_SHARE_COLUMNS,
    SOURCE_TONE_COLUMNS,
    TONE_INDEX_COLUMNS,
    _empty,
    _frame_shares_by_day,
    period_start,
    with_baseline,
)

TONE_FIELDS = ("tone", "snownlp")
_SUMS = ("n", "weight", "weighted", "tone_sum")


def field_sums(cube: pd.DataFrame, tone_field: str = "tone") -> pd.DataFrame:
    """The cube with n/weight/weighted/tone_sum taken from the chosen tone field; rows with none left out."""
    if tone_field not in TONE_FIELDS:
        raise ValueError(f"tone_field must be one of {TONE_FIELDS}, got {tone_field!r}")
    if tone_field == "tone":
        rows = cube
    else:
        sources = ("n_snownlp", "weight_snownlp", "weighted_snownlp", "snownlp_sum")
        rows = cube.drop(columns=list(_SUMS)).rename(columns=dict(zip(sources, _SUMS, strict=True)))
    return rows[rows["n"] > 0]


def weighted_tone_of(sums: pd.DataFrame) -> pd.Series:
    """Σ weight·tone / Σ weight per row of sums; the plain mean where every weight was zero."""
    positive = sums["weight"] > 0
    mean = sums["tone_sum"] / sums["n"]
    return (sums["weighted"] / sums["weight"].where(positive)).where(positive, mean).rename("tone")


def tone_index_from_cube(
    cube: pd.DataFrame, *, freq: str = "D", tone_field: str = "tone", baseline_window: int | None = None
) -> pd.DataFrame:
    """series.tone_index of the articles behind the cube, plotting `tone_field`."""
    rows = field_sums(cube, tone_field)
    if rows.empty:
        return _empty(TONE_INDEX_COLUMNS, date_columns=("date",))
    n = rows["n"].to_numpy()
    unique = ~rows["duplicate"].to_numpy(dtype=bool)
    parts = pd.DataFrame({
        "period": period_start(rows["date"], freq).to_numpy(),
        "n_articles": n,
        "n_inferred": n * rows["inferred"].to_numpy(dtype=bool),
        "n": n * unique,  # the unique articles' sums: the tone and n_unique count each story once
        "weight": rows["weight"].to_numpy() * unique,
        "weighted": rows["weighted"].to_numpy() * unique,
        "tone_sum": rows["tone_sum"].to_numpy() * unique,
    })  # fmt: skip
    sums = parts.groupby("period").sum()
    index = pd.DataFrame({
        "n_articles": sums["n_articles"],
        "inferred_share": sums["n_inferred"] / sums["n_articles"],
        "tone": weighted_tone_of(sums).where(sums["n"] > 0),
        "n_unique": sums["n"].astype(int),
    })  # fmt: skip
    return with_baseline(index, freq=freq, baseline_window=baseline_window)


def source_tone_from_cube(sources: pd.DataFrame, *, tone_field: str = "tone") -> pd.DataFrame:
    """series.source_tone from Store.source_cube (already per period and outlet, unique articles)."""
    rows = field_sums(sources, tone_field)
    if rows.empty:
        return _empty(SOURCE_TONE_COLUMNS, date_columns=("period",))
    result = pd.DataFrame({
        "period": pd.to_datetime(rows["period"]).astype("datetime64[ns]"),
        "source": rows["source"],
        "tone": weighted_tone_of(rows),
        "n": rows["n"].astype("int64"),
    })  # fmt: skip
    return result.sort_values(["period", "source"], ignore_index=True)[list(SOURCE_TONE_COLUMNS)]


def bull_bear_from_cube(cube: pd.DataFrame, *, freq: str = "W") -> pd.DataFrame:
    """series.bull_bear_intensity (the finance scorer's intensities) of the articles behind the cube."""
    rows = cube[~cube["duplicate"].astype(bool) & (cube["n"] > 0)]
    if rows.empty:
        return _empty(BULL_BEAR_COLUMNS, date_columns=("period",))
    result = rows[["bull", "bear", "n"]].groupby(period_start(rows["date"], freq)).sum()
    result = result.rename(columns={"bull": "bullish", "bear": "bearish"})
    result.index.name = "period"
    total = result["bullish"] + result["bearish"]
    result["balance"] = ((result["bullish"] - result["bearish"]) / total.where(total > 0)).fillna(0.0)
    result["n"] = result["n"].astype("int64")
    return result.reset_index()[list(BULL_BEAR_COLUMNS)]


def frame_shares_from_days(frames_by_day: pd.DataFrame, *, freq: str = "W") -> pd.DataFrame:
    """series.frame_shares from Store.frame_counts_by_day."""
    if frames_by_day.empty:
        return _empty(FRAME_SHARE_COLUMNS, date_columns=("period",))
    return _frame_shares_by_day(frames_by_day, freq=freq)


def daily_tone_from_cube(
    cube: pd.DataFrame, trading_days: pd.DatetimeIndex, *, tone_field: str = "tone"
) -> pd.Series:
    """market.daily_tone of the articles behind the cube: unique articles, moved to the next trading day."""
    rows = field_sums(cube, tone_field)
    rows = rows[~rows["duplicate"].astype(bool)]
    if rows.empty or len(trading_days) == 0:
        return pd.Series(dtype=float)
    day = pd.Series(pd.to_datetime(rows["date"]).to_numpy(), index=rows.index)
    aligned = align_to_trading_days(day, trading_days)
    kept = aligned.notna()
    if not kept.any():
        return pd.Series(dtype=float)
    sums = rows.loc[kept, list(_SUMS)].groupby(aligned[kept].rename("day")).sum()
    return weighted_tone_of(sums).sort_index()


def lead_lag_from_cube(
    cube: pd.DataFrame,
    prices: pd.DataFrame,
    *,
    ticker: str,
    tone_field: str = "tone",
    ks: range | list[int] = range(-5, 6),
    min_n: int = 10,
) -> pd.DataFrame:
    """market.lead_lag of the articles behind the cube, with `tone_field` as their tone."""
    close = closes(prices, ticker)
    tone = daily_tone_from_cube(cube, close.index, tone_field=tone_field)
    return lead_lag_of(tone, close, ks=ks, min_n=min_n)


def event_study_from_cube(
    cube: pd.DataFrame,
    prices: pd.DataFrame,
    *,
    ticker: str,
    benchmark: str | None = None,
    window: tuple[int, int] = (-5, 10),
    min_n: int = 1,
) -> dict:
    """market.event_study of the articles behind the cube (their finance labels)."""
    trading_days = closes(prices, ticker).index
    unique = cube[~cube["duplicate"].astype(bool) & (cube["n"] > 0)]
    positions = {
        side: trading_day_positions(unique.loc[unique["label"] == side, "date"], trading_days)
        if len(trading_days)
        else []
        for side in SIDES
    }
    return event_study_at(positions, prices, ticker=ticker, benchmark=benchmark, window=window, min_n=min_n)
