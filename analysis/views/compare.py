"""Companies side by side (`compare`): each selected ticker's tone index, and its price when stored, normalised
so that series of different levels share one axis.

Normalised as a z-score over the range shown: each series minus its own mean over the periods in range,
divided by its own standard deviation there (0 is the series' mean, ±1 one standard deviation). The tone is
the same weighted tone index per period as the company's own view (narrative.tone_index on the dated
articles); the price is the period's last close. A series with fewer than two periods, or with no spread, has
no z-score and is left out rather than drawn flat.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import numpy as np
import pandas as pd

from analysis.narrative import tone_index
from analysis.narrative.sums import period_start
from analysis.views.read import dated_cube

COMPARE_COLUMNS = ("date", "ticker", "series", "value", "raw", "n")
MIN_SPREAD = 1e-9


def read_compare(store, filters, tickers: list[str], *, tone_field: str, freq: str) -> pd.DataFrame:
    """compare_series for the chosen tickers under the view's filters (its ticker replaced by each), one
    connection; the filters' dates bound the prices too."""
    with store.reading():
        cubes = {ticker: store.tone_cube(replace(filters, ticker=ticker)) for ticker in tickers}
        prices = store.prices(list(tickers), date_from=filters.date_from, date_to=filters.date_to)
    return compare_series(cubes, prices, tone_field=tone_field, freq=freq,
                          date_from=filters.date_from, date_to=filters.date_to)  # fmt: skip


def compare_series(
    cubes: dict[str, pd.DataFrame],
    prices: pd.DataFrame,
    *,
    tone_field: str,
    freq: str,
    date_from: date | None = None,
    date_to: date | None = None,
) -> pd.DataFrame:
    """Long rows (date, ticker, series 'tone' or 'price', value = z-score over the range, raw, n) per period.

    `cubes` is each ticker's Store.tone_cube; `prices` the stored daily bars (any tickers, read whole or not).
    Without a date range the prices are taken over the days the articles span, as the tone is.
    """
    tones = {}
    for ticker, cube in cubes.items():
        index = tone_index(dated_cube(cube), freq=freq, tone_field=tone_field).dropna(subset=["tone"])
        tones[ticker] = pd.DataFrame({"date": pd.to_datetime(index["date"]), "raw": index["tone"].astype(float),
                                      "n": index["n_unique"].astype(int)})  # fmt: skip
    days = pd.concat(
        [pd.to_datetime(c["date"]) for c in cubes.values() if len(c)] or [pd.Series(dtype="M8[ns]")]
    )
    date_from = date_from or (days.min().date() if len(days) else None)
    date_to = date_to or (days.max().date() if len(days) else None)
    parts = []
    for ticker, tone in tones.items():
        parts.append(_normalised(tone, ticker, "tone"))
        closes = _closes(prices, ticker, freq=freq, date_from=date_from, date_to=date_to)
        parts.append(_normalised(closes, ticker, "price"))
    rows = [part for part in parts if len(part)]
    if not rows:
        return pd.DataFrame({c: pd.Series(dtype="datetime64[ns]" if c == "date" else object)
                             for c in COMPARE_COLUMNS})  # fmt: skip
    return pd.concat(rows, ignore_index=True).sort_values(["ticker", "series", "date"], ignore_index=True)


def zscore(values: pd.Series) -> pd.Series:
    """Each value against the series' own mean and standard deviation (NaN without two values or a spread)."""
    values = values.astype(float)
    spread = values.std(ddof=1)
    if len(values.dropna()) < 2 or not np.isfinite(spread) or spread <= MIN_SPREAD:
        return pd.Series(np.nan, index=values.index)
    return (values - values.mean()) / spread


def _normalised(series: pd.DataFrame, ticker: str, kind: str) -> pd.DataFrame:
    if series.empty:
        return series
    value = zscore(series["raw"])
    out = series.assign(ticker=ticker, series=kind, value=value).dropna(subset=["value"])
    return out[list(COMPARE_COLUMNS)]


def _closes(
    prices: pd.DataFrame, ticker: str, *, freq: str, date_from: date | None, date_to: date | None
) -> pd.DataFrame:
    """The ticker's last close per period within the range (empty when it has no stored prices)."""
    if prices is None or prices.empty:
        return pd.DataFrame(columns=["date", "raw", "n"])
    rows = prices[(prices["ticker"] == ticker) & prices["close"].notna()].copy()
    rows["date"] = pd.to_datetime(rows["date"])
    if date_from is not None:
        rows = rows[rows["date"] >= pd.Timestamp(date_from)]
    if date_to is not None:
        rows = rows[rows["date"] <= pd.Timestamp(date_to)]
    if rows.empty:
        return pd.DataFrame(columns=["date", "raw", "n"])
    rows["period"] = period_start(rows["date"], freq).to_numpy()
    last = rows.sort_values("date").groupby("period").agg(raw=("close", "last"), n=("close", "size"))
    return pd.DataFrame({"date": last.index, "raw": last["raw"].astype(float).to_numpy(),
                         "n": last["n"].astype(int).to_numpy()})  # fmt: skip
