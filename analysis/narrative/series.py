"""Tone and framing per period: the tone index with its baseline z-score, frame shares, per-outlet tone."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.errors import InputError

FREQUENCIES = ("D", "W", "M")
# Rolling baseline length in periods: about a quarter of days, half a year of weeks, a year of months.
DEFAULT_BASELINE = {"D": 90, "W": 26, "M": 12}
MIN_BASELINE_PERIODS = 3
MIN_SPREAD = 1e-9  # tones are stored to 4 decimals: a smaller baseline spread is float noise, not variation
UNKNOWN_SOURCE = "(unknown)"
_TEXT_COLUMNS = ("frame", "polarity", "source")

TONE_INDEX_COLUMNS = ("date", "tone", "n_articles", "n_unique", "baseline", "zscore", "inferred_share")
FRAME_SHARE_COLUMNS = ("period", "frame", "polarity", "intensity", "share", "n_articles")
BULL_BEAR_COLUMNS = ("period", "bullish", "bearish", "balance", "n")
SOURCE_TONE_COLUMNS = ("period", "source", "tone", "n")


def period_start(dates: pd.Series, freq: str) -> pd.Series:
    """The first day of each date's period: the day itself, the Monday of its week, or the 1st of its month."""
    if freq not in FREQUENCIES:
        raise InputError(f"must be one of {', '.join(FREQUENCIES)}, got {freq!r}", field="freq")
    days = pd.to_datetime(dates).dt.normalize()
    if freq == "D":
        return days.astype("datetime64[ns]")
    period = "W-SUN" if freq == "W" else "M"
    return days.dt.to_period(period).dt.start_time.astype("datetime64[ns]")


def unique_articles(articles: pd.DataFrame) -> pd.DataFrame:
    """Articles with near-duplicates left out, so a story syndicated ten times counts once."""
    if "duplicate_of" not in articles.columns:
        return articles
    return articles[articles["duplicate_of"].isna()]


def weighted_tone(frame: pd.DataFrame) -> float:
    """Relevance × confidence weighted mean tone; the plain mean when every weight is zero."""
    if frame.empty:
        return float("nan")
    return float(weighted_tone_by(frame.assign(_group=0), "_group").iloc[0])


def weighted_tone_by(frame: pd.DataFrame, keys: str | list[str]) -> pd.Series:
    """weighted_tone per group, computed from group sums (no per-group Python calls)."""
    weight = _weights(frame)
    tone = frame["tone"].astype(float).to_numpy()
    parts = pd.DataFrame({"weight": weight, "weighted": weight * tone, "tone": tone}, index=frame.index)
    for key in [keys] if isinstance(keys, str) else keys:
        parts[key] = frame[key].to_numpy()
    sums = parts.groupby(keys).agg(
        weight=("weight", "sum"), weighted=("weighted", "sum"), mean=("tone", "mean")
    )
    positive = sums["weight"] > 0
    return (sums["weighted"] / sums["weight"].where(positive)).where(positive, sums["mean"]).rename("tone")


def tone_index(
    articles: pd.DataFrame, *, freq: str = "D", baseline_window: int | None = None
) -> pd.DataFrame:
    """Weighted tone per period, with counts and a z-score against the preceding periods' rolling baseline.

    Financial news runs positive, so the level alone misleads: the z-score says how unusual a period is against
    the `baseline_window` periods before it (calendar periods, empty ones included; at least 3 with articles).
    """
    if articles.empty:
        return _empty(TONE_INDEX_COLUMNS, date_columns=("date",))
    frame = articles.assign(period=period_start(articles["date"], freq))
    inferred = (
        frame["date_inferred"].astype(bool) if "date_inferred" in frame else pd.Series(False, frame.index)
    )
    counts = frame.groupby("period").agg(n_articles=("tone", "size"))
    counts["inferred_share"] = inferred.groupby(frame["period"]).mean()
    unique = unique_articles(frame)
    tones = weighted_tone_by(unique, "period")
    n_unique = unique.groupby("period").size().rename("n_unique")
    index = counts.join(tones).join(n_unique)
    index["n_unique"] = index["n_unique"].fillna(0).astype(int)
    return with_baseline(index, freq=freq, baseline_window=baseline_window)


def with_baseline(index: pd.DataFrame, *, freq: str, baseline_window: int | None = None) -> pd.DataFrame:
    """The tone index's baseline and z-score added to per-period counts and tone (indexed by period start)."""
    window = baseline_window or DEFAULT_BASELINE[freq]
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


def within_dates(frame: pd.DataFrame, date_from=None, date_to=None, *, column: str = "date") -> pd.Series:
    """A mask of the rows whose date lies in [date_from, date_to]; None leaves that side open."""
    days = pd.to_datetime(frame[column])
    mask = pd.Series(True, index=frame.index)
    if date_from is not None:
        mask &= days >= pd.Timestamp(date_from)
    if date_to is not None:
        mask &= days <= pd.Timestamp(date_to)
    return mask


def frame_shares(articles: pd.DataFrame, evidence: pd.DataFrame, *, freq: str = "W") -> pd.DataFrame:
    """Each frame's evidence count ('intensity') and share of all frame evidence per period (negated hits left out)."""
    if articles.empty or evidence.empty:
        return _empty(FRAME_SHARE_COLUMNS, date_columns=("period",))
    if "article_id" not in evidence.columns:
        return _frame_shares_by_day(evidence, freq=freq)
    unique = unique_articles(articles)
    periods = pd.Series(period_start(unique["date"], freq).to_numpy(), index=unique["article_id"].to_numpy())
    hits = evidence[evidence["article_id"].isin(periods.index.to_numpy())]
    if "negated" in hits.columns:
        hits = hits[~hits["negated"].astype(bool)]
    if hits.empty:
        return _empty(FRAME_SHARE_COLUMNS, date_columns=("period",))
    hits = hits.assign(period=hits["article_id"].map(periods))
    # Evidence may come row by row, or already counted per article and frame (a `hits` column).
    hits = hits.assign(weight=hits["hits"] if "hits" in hits.columns else 1)
    grouped = hits.groupby(["period", "frame", "polarity"]).agg(
        intensity=("weight", "sum"), n_articles=("article_id", "nunique")
    )
    grouped = grouped.reset_index()
    grouped["share"] = grouped["intensity"] / grouped.groupby("period")["intensity"].transform("sum")
    grouped["intensity"] = grouped["intensity"].astype(float)
    grouped = grouped.sort_values(["period", "share"], ascending=[True, False], ignore_index=True)
    return grouped[list(FRAME_SHARE_COLUMNS)]


def _frame_shares_by_day(daily: pd.DataFrame, *, freq: str) -> pd.DataFrame:
    """frame_shares from hits already counted per day and frame (Store.frame_counts_by_day).

    Each article has one date, so summing the per-day article counts gives the per-period count exactly.
    """
    daily = daily.assign(period=period_start(daily["date"], freq))
    grouped = daily.groupby(["period", "frame", "polarity"])[["hits", "n_articles"]].sum()
    grouped = grouped.reset_index().rename(columns={"hits": "intensity"})
    grouped["share"] = grouped["intensity"] / grouped.groupby("period")["intensity"].transform("sum")
    grouped["intensity"] = grouped["intensity"].astype(float)
    grouped["n_articles"] = grouped["n_articles"].astype(int)
    grouped = grouped.sort_values(["period", "share"], ascending=[True, False], ignore_index=True)
    return grouped[list(FRAME_SHARE_COLUMNS)]


def bull_bear_intensity(articles: pd.DataFrame, *, freq: str = "W") -> pd.DataFrame:
    """Summed bullish and bearish framing intensity per period, and their balance (bull − bear) / (bull + bear)."""
    if articles.empty:
        return _empty(BULL_BEAR_COLUMNS, date_columns=("period",))
    unique = unique_articles(articles)
    frame = unique.assign(period=period_start(unique["date"], freq))
    result = frame.groupby("period").agg(
        bullish=("bull_intensity", "sum"), bearish=("bear_intensity", "sum"), n=("article_id", "size")
    )
    total = result["bullish"] + result["bearish"]
    result["balance"] = ((result["bullish"] - result["bearish"]) / total.where(total > 0)).fillna(0.0)
    return result.reset_index()[list(BULL_BEAR_COLUMNS)]


def source_tone(articles: pd.DataFrame, *, freq: str = "M") -> pd.DataFrame:
    """Weighted tone per outlet and period, with the number of (unique) articles behind it."""
    if articles.empty:
        return _empty(SOURCE_TONE_COLUMNS, date_columns=("period",))
    unique = unique_articles(articles)
    source = unique["source"].astype(object).where(unique["source"].notna(), UNKNOWN_SOURCE)
    frame = unique.assign(period=period_start(unique["date"], freq), source=source)
    result = weighted_tone_by(frame, ["period", "source"]).to_frame()
    result["n"] = frame.groupby(["period", "source"]).size()
    return result.reset_index()[list(SOURCE_TONE_COLUMNS)]


def _weights(frame: pd.DataFrame) -> np.ndarray:
    relevance = frame["relevance"].astype(float).fillna(0).to_numpy() if "relevance" in frame else 1.0
    confidence = frame["confidence"].astype(float).fillna(0).to_numpy() if "confidence" in frame else 1.0
    return np.broadcast_to(np.clip(relevance * confidence, 0, None), (len(frame),)).astype(float)


def _empty(columns: tuple[str, ...], *, date_columns: tuple[str, ...] = ()) -> pd.DataFrame:
    frame = pd.DataFrame(
        {column: pd.Series(dtype=object if column in _TEXT_COLUMNS else "float64") for column in columns}
    )
    for column in date_columns:
        frame[column] = pd.Series(dtype="datetime64[ns]")
    return frame
