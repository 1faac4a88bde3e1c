"""Tone per period from per-day sums: the tone index with its rolling baseline and z-score, and tone per outlet."""

from __future__ import annotations

import pandas as pd

from analysis import settings
from analysis.narrative.sums import empty_frame, field_sums, period_start, weighted_tone_of

# The rolling baseline's length in periods is a setting (NARRATIVE_BASELINE_D/W/M): by default about a quarter
# of days, half a year of weeks, a year of months.
MIN_BASELINE_PERIODS = 3
MIN_SPREAD = 1e-9  # tones are stored to 4 decimals: a smaller baseline spread is float noise, not variation

TONE_INDEX_COLUMNS = ("date", "tone", "n_articles", "n_unique", "baseline", "zscore", "inferred_share")
SOURCE_TONE_COLUMNS = ("period", "source", "tone", "n")


def tone_index(
    cube: pd.DataFrame, *, freq: str = "D", tone_field: str = "tone", baseline_window: int | None = None
) -> pd.DataFrame:
    """Weighted tone per period (unique articles), with counts and a z-score against a rolling baseline.

    `cube` is Store.tone_cube; `tone_field` picks the finance tone or snownlp's (articles without one are left
    out). Financial news runs positive, so the level alone misleads: the z-score says how unusual a period is
    against the `baseline_window` periods before it (default: settings' baseline for freq; calendar periods,
    empty ones included; at least 3 with articles). n_articles counts near-duplicates too; n_unique and the tone count each story once.
    """
    rows = field_sums(cube, tone_field)
    if rows.empty:
        return empty_frame(TONE_INDEX_COLUMNS, date_columns=("date",))
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
    return _with_baseline(index, freq=freq, baseline_window=baseline_window)


def _with_baseline(index: pd.DataFrame, *, freq: str, baseline_window: int | None) -> pd.DataFrame:
    """The baseline and z-score added to per-period counts and tone (indexed by period start)."""
    window = baseline_window or settings.current().stats.baseline(freq)
    grid = pd.date_range(index.index.min(), index.index.max(), freq={"D": "D", "W": "W-MON", "M": "MS"}[freq])
    on_grid = index["tone"].reindex(grid)
    rolling = on_grid.rolling(window, min_periods=MIN_BASELINE_PERIODS)
    baseline = rolling.mean().shift(1)
    spread = rolling.std().shift(1)
    index["baseline"] = baseline.reindex(index.index)
    spread = spread.reindex(index.index)
    # A spread within rounding noise of zero is no spread: summing in another order must not make a z-score.
    index["zscore"] = (index["tone"] - index["baseline"]) / spread.where(spread > MIN_SPREAD)
    result = index.reset_index(names="date")
    return result[list(TONE_INDEX_COLUMNS)]


def source_tone(sources: pd.DataFrame, *, tone_field: str = "tone") -> pd.DataFrame:
    """Weighted tone per outlet and period, with the number of unique articles behind it.

    `sources` is Store.source_cube: already summed per period (its freq) and outlet ('(unknown)' when none).
    """
    rows = field_sums(sources, tone_field)
    if rows.empty:
        return empty_frame(SOURCE_TONE_COLUMNS, date_columns=("period",))
    result = pd.DataFrame({
        "period": pd.to_datetime(rows["period"]).astype("datetime64[ns]"),
        "source": rows["source"],
        "tone": weighted_tone_of(rows),
        "n": rows["n"].astype("int64"),
    })  # fmt: skip
    return result.sort_values(["period", "source"], ignore_index=True)[list(SOURCE_TONE_COLUMNS)]
