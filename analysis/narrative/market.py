"""Tone against the share price from per-day sums: trading-day alignment and the lead/lag correlation table
(the event study is in events.py).

The trading calendar is the price table's own dates (HKEX days in the bundled data), so holidays, typhoon
closures and half days need no separate calendar. An article dated on a non-trading day (a weekend, a holiday)
is aligned to the next trading day: that is the first session in which the market could react to it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis import settings
from analysis.narrative.significance import CORRECTION_NAMES, NO_VARIATION, NOT_ENOUGH_DATA, adjust, pearson
from analysis.narrative.sums import SUMS, field_sums, weighted_tone_of

LEAD_LAG_COLUMNS = ("k", "r", "lo", "hi", "n", "p", "p_adjusted", "significant", "note")
__all__ = ["NOT_ENOUGH_DATA", "NO_VARIATION", "align_to_trading_days", "closes", "daily_tone", "lead_lag",
           "lead_lag_method", "trading_day_positions"]  # fmt: skip


def align_to_trading_days(dates: pd.Series | pd.DatetimeIndex | list, trading_days) -> pd.Series:
    """Each date's trading day: itself when the market traded, else the next trading day (NaT past the calendar)."""
    series = dates if isinstance(dates, pd.Series) else pd.Series(pd.to_datetime(list(dates)))
    # NumPy datetimes throughout: this runs for every side of every view, and pandas' accessors cost 10x more.
    days = np.unique(
        pd.DatetimeIndex(pd.to_datetime(trading_days)).normalize().to_numpy(dtype="datetime64[ns]")
    )
    days = days[~np.isnat(days)]
    wanted = pd.DatetimeIndex(pd.to_datetime(series)).normalize().to_numpy(dtype="datetime64[ns]")
    values = np.full(len(wanted), np.datetime64("NaT"), dtype="datetime64[ns]")
    valid = ~np.isnat(wanted)
    if len(days) and valid.any():
        positions = np.searchsorted(days, wanted[valid], side="left")
        inside = positions < len(days)
        aligned = np.full(len(positions), np.datetime64("NaT"), dtype="datetime64[ns]")
        aligned[inside] = days[positions[inside]]
        values[valid] = aligned
    return pd.Series(values, index=series.index, dtype="datetime64[ns]")


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
    min_n: int | None = None,
    correction: str | None = None,
    alpha: float | None = None,
) -> pd.DataFrame:
    """Pearson correlation of daily tone (from Store.tone_cube) with the return k sessions away: r, its Fisher 95%
    interval, p, and p adjusted for the lags tested together (Holm or Benjamini–Hochberg, from settings).

    The return at k is one session's close-to-close return: k = 0 is the article day's own return (its
    previous close to its close), k > 0 a session after it (tone leads the price), k < 0 a session before it
    (the price leads the tone). One-session returns keep the lags apart, so a lead shows at its own k rather
    than smeared over every longer window. Below `min_n` days the row says 'not enough data', never a bare r.
    Eleven lags tested at once find a 'significant' one in pure noise four times in ten: `significant` is the
    adjusted p below alpha, the only mark the dashboard and the report draw.
    """
    config = settings.current().stats
    min_n = config.lag_min_n if min_n is None else min_n
    correction = correction or config.lag_correction
    alpha = config.alpha if alpha is None else alpha
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
        rows.append({"k": int(k), **pearson(x, y, min_n=min_n)})
    table = pd.DataFrame(
        rows, columns=[c for c in LEAD_LAG_COLUMNS if c not in ("p_adjusted", "significant")]
    )
    table["p_adjusted"], table["significant"] = adjust(table["p"].to_numpy(), method=correction, alpha=alpha)
    table = table[list(LEAD_LAG_COLUMNS)]
    table.attrs["method"] = lead_lag_method(
        ticker, n_tests=int(table["p"].notna().sum()), min_n=min_n, correction=correction, alpha=alpha
    )
    return table


def lead_lag_method(ticker: str, *, n_tests: int, min_n: int, correction: str, alpha: float) -> dict:
    """What the lead/lag table is, stated: the calendar, the statistic, its interval and the correction."""
    return {
        "calendar": f"trading days of the {ticker} price table; an article on a non-trading day counts on the next",
        "tone": "weighted tone of the unique articles of each trading day (days without articles left out)",
        "return": "one session's close-to-close return, k sessions from the article's trading day",
        "statistic": "Pearson r (scipy.stats.pearsonr), two-sided p",
        "interval": "95%, Fisher z",
        "correction": correction,
        "correction_name": CORRECTION_NAMES.get(correction, correction),
        "n_tests": n_tests,
        "alpha": alpha,
        "min_n": min_n,
    }


def trading_day_positions(dates: pd.Series, trading_days: pd.DatetimeIndex) -> list[int]:
    """The distinct trading days the dates align to, as sorted positions in trading_days (one event per day)."""
    if len(trading_days) == 0 or len(dates) == 0:
        return []
    days = align_to_trading_days(dates, trading_days).dropna().unique()
    return sorted(int(p) for p in trading_days.get_indexer(pd.DatetimeIndex(days)) if p >= 0)
