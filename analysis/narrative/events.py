"""The event study: cumulative abnormal returns around bullish and around bearish articles, each side with a 95%
band and its n, beside a placebo drawn from random days of the same period.

Abnormal return. The market model (default): the stock's return regressed on the benchmark's by OLS
(statsmodels RollingOLS) over an estimation window of sessions that ends the session before the event window
starts, AR = R − (α + β·Rm). It takes out the stock's own drift and its beta: Xiaomi beat the HSI over 2024–25,
so a market-adjusted CAR (R − Rm, the other choice) rises after any day, news or not. Without benchmark prices
the raw return is used, and the model says so.

Events. The days of the unique articles with that finance label, aligned to trading days (a weekend article
counts from Monday); articles of one side on one trading day are one event. Articles with an inferred date are
left out (their day is a guess, and the study is about days) and counted, and so are undated ones (passed in by
the caller, as the per-day sums cannot hold them). An event needs a complete event window and a full enough
estimation window; the rest are counted as incomplete.

Band. Cross-sectional t over the events (scipy ttest_1samp), per horizon: with two events it is wide, and it
says so. Overlapping windows make the events dependent, so the band is, if anything, too narrow.

Placebo. The same statistic over `n` random trading days of the articles' period (n = the smaller side's
events), drawn `draws` times with a fixed seed: its mean is what 'no news' looks like (the drift left after the
model), and its 2.5–97.5% range how far a side of that size moves by chance.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
from numpy.lib.stride_tricks import sliding_window_view

from analysis import settings
from analysis.companies import default_benchmark
from analysis.narrative.market import closes, trading_day_positions
from analysis.narrative.significance import NOT_ENOUGH_DATA, mean_band
from analysis.narrative.sums import unique_rows

SIDES = ("bullish", "bearish")
BAND = "cross-sectional t, 95%"
MARKET_ADJUSTED = "market-adjusted"
MARKET_MODEL = "market"
RAW = "raw returns (benchmark missing)"


def event_study(
    cube: pd.DataFrame,
    prices: pd.DataFrame,
    *,
    ticker: str,
    benchmark: str | None = None,
    window: tuple[int, int] = (-5, 10),
    min_n: int = 1,
    model: str | None = None,
    estimation_days: int | None = None,
    placebo_draws: int | None = None,
    seed: int | None = None,
    undated: Mapping[str, int] | None = None,
) -> dict:
    """Mean CAR with its 95% band per side ('bullish', 'bearish') and a 'placebo' block (see the module doc).

    CAR(d) sums abnormal returns from the window's first day to day d, day 0 being the article's trading day.
    `model` is 'market' or 'market-adjusted' (default from settings); `undated` counts the filtered undated
    articles per label, which no per-day sum holds.
    """
    config = settings.current().stats
    model = model or config.event_model
    estimation_days = estimation_days or config.estimation_days
    draws = placebo_draws or config.placebo_draws
    seed = config.seed if seed is None else seed
    first, last = window
    benchmark = benchmark or default_benchmark()  # the default company's, as its prices are stored
    close = closes(prices, ticker)
    bench = closes(prices, benchmark)
    if bench.empty:
        model = RAW
    paths, betas = car_paths(close, bench, model=model, window=window, estimation_days=estimation_days)
    complete = ~np.isnan(paths).any(axis=1) if len(paths) else np.zeros(0, dtype=bool)
    estimation = _estimation(model, first, estimation_days)
    unique = unique_rows(cube)
    dated = unique[~unique["inferred"].astype(bool)] if "inferred" in unique.columns else unique
    result: dict = {}
    for side in SIDES:
        days = trading_day_positions(dated.loc[dated["label"] == side, "date"], close.index)
        used = [position for position in days if complete[position]]
        inferred = (
            unique.loc[unique["label"] == side, "n"].sum() - dated.loc[dated["label"] == side, "n"].sum()
        )
        entry: dict = {
            "n": len(used), "car": {}, "ci_lo": {}, "ci_hi": {}, "note": None, "benchmark": benchmark,
            "model": model, "estimation": estimation, "beta": None, "band": BAND,
            "n_incomplete": len(days) - len(used), "n_inferred_excluded": int(inferred),
            "n_undated_excluded": int((undated or {}).get(side, 0)),
        }  # fmt: skip
        if len(used) < max(min_n, 1):
            entry["note"] = NOT_ENOUGH_DATA
        else:
            mean, low, high = mean_band(paths[used])
            entry.update(_by_day(first, mean=mean, low=low, high=high))
            entry["beta"] = float(np.mean(betas[used])) if model == MARKET_MODEL else None
        result[side] = entry
    period = trading_day_positions(unique["date"], close.index)
    sizes = [result[side]["n"] for side in SIDES if result[side]["n"] > 0]
    result["placebo"] = placebo(
        paths, complete, period=period, n=min(sizes) if sizes else 0, draws=draws, seed=seed, first=first,
        trading_days=close.index, model=model,
    )  # fmt: skip
    return result


def car_paths(
    close: pd.Series, bench: pd.Series, *, model: str, window: tuple[int, int], estimation_days: int
) -> tuple[np.ndarray, np.ndarray]:
    """The CAR path over the window for every trading day as day 0 (NaN rows where incomplete), and β per day.

    Row p holds CAR(first..last) of an event on close.index[p]; for the market model its α and β come from the
    estimation window of `estimation_days` sessions ending the session before p + first (at least half of
    them with both returns), β being NaN where there are too few.
    """
    first, last = window
    length = last - first + 1
    n_days = len(close)
    paths = np.full((n_days, length), np.nan)
    betas = np.full(n_days, np.nan)
    if n_days < length + 1:
        return paths, betas
    stock = close.pct_change().to_numpy(dtype=float)
    market = bench.pct_change().reindex(close.index).to_numpy(dtype=float) if len(bench) else np.zeros(n_days)
    # Row s of a sliding window starts at session s: an event on p uses the row s = p + first.
    starts = np.arange(n_days - length + 1)
    returns = sliding_window_view(stock, length)
    if model == MARKET_MODEL:
        alpha, beta = _market_model(stock, market, estimation_days)
        before = starts - 1  # the estimation window ends the session before the event window starts
        ok = before >= 0
        a = np.where(ok, alpha[np.clip(before, 0, None)], np.nan)
        b = np.where(ok, beta[np.clip(before, 0, None)], np.nan)
        abnormal = returns - a[:, None] - b[:, None] * sliding_window_view(market, length)
    elif model == MARKET_ADJUSTED:
        abnormal, b = returns - sliding_window_view(market, length), np.ones(len(starts))
    else:
        abnormal, b = returns, np.zeros(len(starts))
    cumulative = np.cumsum(abnormal, axis=1)  # a NaN anywhere in the window leaves a NaN at its end
    positions = starts - first
    inside = (positions >= 0) & (positions < n_days)
    paths[positions[inside]] = cumulative[inside]
    betas[positions[inside]] = b[inside]
    return paths, betas


def placebo(
    paths: np.ndarray,
    complete: np.ndarray,
    *,
    period: list[int],
    n: int,
    draws: int,
    seed: int,
    first: int,
    trading_days: pd.DatetimeIndex,
    model: str,
) -> dict:
    """Mean CAR of `n` random days of the period (the articles' first to last trading day), `draws` times."""
    block: dict = {"n": n, "draws": draws, "seed": seed, "days": 0, "period": [None, None], "car": {},
                   "ci_lo": {}, "ci_hi": {}, "model": model, "note": None}  # fmt: skip
    if not period or n == 0:
        block["note"] = NOT_ENOUGH_DATA
        return block
    span = np.arange(min(period), max(period) + 1)
    candidates = span[complete[span]]
    block["days"] = len(candidates)
    block["period"] = [trading_days[span[0]], trading_days[span[-1]]]
    if len(candidates) < 2:
        block["note"] = NOT_ENOUGH_DATA
        return block
    rng = np.random.default_rng(seed)
    if len(candidates) >= n:  # each draw is n distinct days, as a side's events are
        keys = rng.random(
            (draws, len(candidates))
        )  # the n smallest keys of a row: n days drawn without replacement
        picks = (
            np.argpartition(keys, n - 1, axis=1)[:, :n] if n < len(candidates) else np.argsort(keys, axis=1)
        )
    else:
        picks = rng.integers(0, len(candidates), size=(draws, n))
    means = paths[candidates][picks].mean(axis=1)  # draws × horizons
    low, high = np.percentile(means, [2.5, 97.5], axis=0)
    block.update(_by_day(first, mean=paths[candidates].mean(axis=0), low=low, high=high))
    return block


def _market_model(
    stock: np.ndarray, market: np.ndarray, estimation_days: int
) -> tuple[np.ndarray, np.ndarray]:
    """α and β of R = α + β·Rm over the `estimation_days` sessions ending at each session (NaN when too few)."""
    # Imported here: statsmodels' regression package costs 1–2 s to import, and the dashboard's first page
    # (the overview) draws no event study.
    from statsmodels.regression.rolling import RollingOLS
    from statsmodels.tools.tools import add_constant

    exog = add_constant(market, has_constant="add")
    minimum = max(estimation_days // 2, 3)
    if len(stock) < minimum:
        nan = np.full(len(stock), np.nan)
        return nan, nan.copy()
    window = min(estimation_days, len(stock))
    rolling = RollingOLS(stock, exog, window=window, min_nobs=minimum, missing="drop")
    params = np.asarray(rolling.fit(method="inv", params_only=True).params, dtype=float)
    # RollingOLS fits full-length windows only (the first window - 1 sessions have none), each with at least
    # `minimum` sessions where both returns exist.
    counts = pd.Series(~np.isnan(stock) & ~np.isnan(market)).rolling(window).sum().to_numpy()
    if (np.isnan(params[:, 1]) & (counts >= minimum)).any():
        # A flat benchmark over some window is singular for the fast fit; pinv gives β = 0 and α the stock's
        # mean there (slower, so only then).
        params = np.asarray(rolling.fit(method="pinv", params_only=True).params, dtype=float)
    return params[:, 0], params[:, 1]


def _estimation(model: str, first: int, estimation_days: int) -> dict | None:
    """The market model's stated parameters: its window relative to day 0, its length and the minimum kept."""
    if model != MARKET_MODEL:
        return None
    return {
        "window": [first - estimation_days, first - 1],
        "days": estimation_days,
        "min_days": max(estimation_days // 2, 3),
        "method": "OLS of the stock's on the benchmark's daily return (statsmodels)",
    }


def _by_day(first: int, *, mean: np.ndarray, low: np.ndarray, high: np.ndarray) -> dict:
    days = range(first, first + len(mean))
    return {
        "car": {day: float(value) for day, value in zip(days, mean, strict=True)},
        "ci_lo": {day: float(value) for day, value in zip(days, low, strict=True)},
        "ci_hi": {day: float(value) for day, value in zip(days, high, strict=True)},
    }
