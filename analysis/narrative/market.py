"""Tone against the share price from per-day sums: trading-day alignment, lead/lag correlation, an event study.

The trading calendar is the price table's own dates (HKEX days in the bundled data), so holidays, typhoon
closures and half days need no separate calendar. An article dated on a non-trading day (a weekend, a holiday)
is aligned to the next trading day: that is the first session in which the market could react to it.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from analysis.companies import default_benchmark
from analysis.narrative.sums import SUMS, field_sums, unique_rows, weighted_tone_of

LEAD_LAG_COLUMNS = ("k", "r", "lo", "hi", "n", "note")
NOT_ENOUGH_DATA = "not enough data"
NO_VARIATION = "no variation"
Z_95 = 1.959963984540054
SIDES = ("bullish", "bearish")


def align_to_trading_days(dates: pd.Series | pd.DatetimeIndex | list, trading_days) -> pd.Series:
    """Each date's trading day: itself when the market traded, else the next trading day (NaT past the calendar)."""
    series = dates if isinstance(dates, pd.Series) else pd.Series(pd.to_datetime(list(dates)))
    days = pd.DatetimeIndex(pd.to_datetime(pd.Series(trading_days)).dt.normalize().unique()).sort_values()
    wanted = pd.to_datetime(series).dt.normalize()
    aligned = pd.Series(pd.NaT, index=series.index, dtype="datetime64[ns]")
    valid = wanted.notna()
    if days.empty or not valid.any():
        return aligned
    positions = days.searchsorted(wanted[valid].to_numpy(), side="left")
    inside = positions < len(days)
    values = np.full(len(positions), np.datetime64("NaT"), dtype="datetime64[ns]")
    values[inside] = days[positions[inside]].to_numpy().astype("datetime64[ns]")
    aligned[valid] = values
    return aligned


def closes(prices: pd.DataFrame, ticker: str) -> pd.Series:
    """One ticker's closes indexed by trading day, sorted."""
    if prices.empty:
        return pd.Series(dtype=float)
    rows = prices[prices["ticker"] == ticker] if "ticker" in prices.columns else prices
    series = pd.Series(
        rows["close"].astype(float).to_numpy(), index=pd.to_datetime(rows["date"]).dt.normalize().to_numpy()
    )
    return series[~series.index.duplicated(keep="last")].sort_index()


def daily_tone(cube: pd.DataFrame, trading_days: pd.DatetimeIndex, *, tone_field: str = "tone") -> pd.Series:
    """Weighted tone per trading day (unique articles, non-trading days moved to the next session)."""
    rows = field_sums(cube, tone_field)
    rows = rows[~rows["duplicate"].astype(bool)]
    if rows.empty or len(trading_days) == 0:
        return pd.Series(dtype=float)
    day = pd.Series(pd.to_datetime(rows["date"]).to_numpy(), index=rows.index)
    aligned = align_to_trading_days(day, trading_days)
    kept = aligned.notna()
    if not kept.any():
        return pd.Series(dtype=float)
    sums = rows.loc[kept, list(SUMS)].groupby(aligned[kept].rename("day")).sum()
    return weighted_tone_of(sums).sort_index()


def lead_lag(
    cube: pd.DataFrame,
    prices: pd.DataFrame,
    *,
    ticker: str,
    tone_field: str = "tone",
    ks: range | list[int] = range(-5, 6),
    min_n: int = 10,
) -> pd.DataFrame:
    """Cross-correlation of daily tone (from Store.tone_cube) with the return k sessions away, with a Fisher 95%
    interval.

    The return at k is one session's close-to-close return: k = 0 is the article day's own return (its
    previous close to its close), k > 0 a session after it (tone leads the price), k < 0 a session before it
    (the price leads the tone). One-session returns keep the lags apart, so a lead shows at its own k rather
    than smeared over every longer window. Below `min_n` days the row says 'not enough data', never a bare r.
    """
    close = closes(prices, ticker)
    tone = daily_tone(cube, close.index, tone_field=tone_field)
    values = close.to_numpy()
    positions = close.index.get_indexer(tone.index) if len(tone) else np.array([], dtype=int)
    tones = tone.to_numpy(dtype=float)
    rows = []
    for k in ks:
        start, end = positions + k - 1, positions + k
        valid = (start >= 0) & (end < len(values))
        x = tones[valid]
        y = values[end[valid]] / values[start[valid]] - 1 if valid.any() else np.array([])
        rows.append(_correlation(int(k), x, y, min_n))
    return pd.DataFrame(rows, columns=list(LEAD_LAG_COLUMNS))


def event_study(
    cube: pd.DataFrame,
    prices: pd.DataFrame,
    *,
    ticker: str,
    benchmark: str | None = None,
    window: tuple[int, int] = (-5, 10),
    min_n: int = 1,
) -> dict:
    """Mean cumulative abnormal return around bullish and around bearish articles (market-adjusted model).

    The events are the days of Store.tone_cube's unique articles with that finance label. Abnormal return =
    stock return − benchmark return on the same day (no estimation window: with a few dozen events a market
    model's beta adds noise, not insight). CAR(d) sums abnormal returns from the window's first day to day d,
    day 0 being the article's trading day. Articles of the same side on the same trading day are one event;
    events whose window runs off the price table are left out, so n counts complete windows only.
    """
    first, last = window
    benchmark = benchmark or default_benchmark()  # the default company's, as its prices are stored
    close = closes(prices, ticker)
    unique = unique_rows(cube)
    stock_returns = close.pct_change()
    bench = closes(prices, benchmark)
    model = "market-adjusted"
    if bench.empty:
        abnormal, model = stock_returns, "raw returns (benchmark missing)"
    else:
        abnormal = stock_returns - bench.pct_change().reindex(close.index)
    values = abnormal.to_numpy(dtype=float)
    result = {}
    for side in SIDES:
        offsets = trading_day_positions(unique.loc[unique["label"] == side, "date"], close.index)
        windows = []
        for position in offsets:
            if position + first - 1 < 0 or position + last >= len(close):
                continue
            segment = values[position + first : position + last + 1]
            if not np.isnan(segment).any():
                windows.append(np.cumsum(segment))
        entry: dict = {"n": len(windows), "car": {}, "note": None, "benchmark": benchmark, "model": model}
        if len(windows) < max(min_n, 1):
            entry["note"] = NOT_ENOUGH_DATA
        else:
            mean = np.mean(windows, axis=0)
            entry["car"] = {
                day: float(value) for day, value in zip(range(first, last + 1), mean, strict=True)
            }
        result[side] = entry
    return result


def trading_day_positions(dates: pd.Series, trading_days: pd.DatetimeIndex) -> list[int]:
    """The distinct trading days the dates align to, as sorted positions in trading_days (one event per day)."""
    if len(trading_days) == 0 or len(dates) == 0:
        return []
    days = align_to_trading_days(dates, trading_days).dropna().unique()
    return sorted(int(p) for p in trading_days.get_indexer(pd.DatetimeIndex(days)) if p >= 0)


def _correlation(k: int, x: np.ndarray, y: np.ndarray, min_n: int) -> dict:
    n = len(x)
    row: dict[str, object] = {"k": k, "r": math.nan, "lo": math.nan, "hi": math.nan, "n": n, "note": None}
    if n < max(min_n, 4):
        row["note"] = NOT_ENOUGH_DATA
        return row
    if np.std(x) == 0 or np.std(y) == 0:
        row["note"] = NO_VARIATION
        return row
    r = float(np.corrcoef(x, y)[0, 1])
    z = math.atanh(min(max(r, -0.999999), 0.999999))
    half = Z_95 / math.sqrt(n - 3)
    row.update(r=r, lo=math.tanh(z - half), hi=math.tanh(z + half))
    return row
