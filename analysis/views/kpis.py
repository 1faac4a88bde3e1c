"""What the page shows, computed from the store's DataFrames: filters, KPIs, chart windows, picks."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import pandas as pd

from analysis.narrative import field_sums


def date_range_bounds(value: object) -> tuple[date | None, date | None]:
    """The (from, to) of a date_input value, which is a single date or a 0–2 tuple while the user picks."""
    if isinstance(value, date):
        return value, value
    if isinstance(value, Sequence) and not isinstance(value, str):
        days = [v for v in value if isinstance(v, date)]
        if len(days) == 1:
            return days[0], None
        if len(days) >= 2:
            return min(days[:2]), max(days[:2])
    return None, None


PRESETS = ("1M", "3M", "YTD", "1Y", "all")


def preset_range(preset: str, first: date, last: date) -> tuple[date, date]:
    """The dates a preset names, ending on the newest article's day and never before the oldest's."""
    end = pd.Timestamp(last)
    starts = {
        "1M": end - pd.DateOffset(months=1),
        "3M": end - pd.DateOffset(months=3),
        "YTD": pd.Timestamp(year=end.year, month=1, day=1),
        "1Y": end - pd.DateOffset(years=1),
    }
    start = starts.get(preset)
    begin = (
        first
        if start is None
        else max(first, (start + pd.Timedelta(days=1 if preset != "YTD" else 0)).date())
    )
    return begin, last


def chosen(values: Sequence[str] | None, offered: Sequence[str]) -> tuple[str, ...] | None:
    """A multiselect choice as a filter: nothing picked, or everything picked, means no filter."""
    picked = tuple(v for v in (values or ()) if v in set(offered))
    if not picked or set(picked) >= set(offered):
        return None
    return picked


@dataclass(frozen=True)
class Kpis:
    """The KPI row: counts, tone and the price move over the chosen range."""

    n_articles: int  # every article in range, whatever the plotted tone
    mean_tone: float | None
    n_bullish: int
    n_bearish: int
    n_mixed: int
    n_neutral: int
    price_first: float | None
    price_last: float | None
    price_change: float | None  # fraction, e.g. -0.12 for a 12% fall
    n_plotted: int = 0  # the articles that have the plotted tone (snownlp can be missing)

    @property
    def n_without_tone(self) -> int:
        """Articles in range left out of the plotted tone (no snownlp score, for 'snownlp')."""
        return self.n_articles - self.n_plotted

    @property
    def balance(self) -> str:
        return f"{compact_count(self.n_bullish)} : {compact_count(self.n_bearish)}"


def compact_count(n: int) -> str:
    """A count short enough for a KPI card: 950, 9,950, 21k, 1.2M (an archive's counts overflow the card)."""
    if n < 10_000:
        return f"{n:,}"
    if n < 1_000_000:
        return f"{n / 1000:.0f}k"
    return f"{n / 1_000_000:.1f}M"


def kpis_from_cube(
    cube: pd.DataFrame,
    prices: pd.DataFrame,
    *,
    ticker: str,
    tone_field: str = "tone",
    date_from: date | None = None,
    date_to: date | None = None,
) -> Kpis:
    """The KPI row from Store.tone_cube: every article in range, the mean of the plotted tone over the articles that
    have it (n_plotted), the finance labels of every article, and the close-to-close change inside
    [date_from, date_to]."""
    plotted = field_sums(cube, tone_field)
    n_plotted = int(plotted["n"].sum()) if len(plotted) else 0
    labels = cube.groupby("label")["n"].sum() if len(cube) else pd.Series(dtype="int64")
    closes = _closes(prices, ticker, date_from, date_to)
    first = float(closes.iloc[0]) if len(closes) else None
    last = float(closes.iloc[-1]) if len(closes) else None
    return Kpis(
        n_articles=int(cube["n"].sum()) if len(cube) else 0,
        n_plotted=n_plotted,
        mean_tone=float(plotted["tone_sum"].sum() / n_plotted) if n_plotted else None,
        n_bullish=int(labels.get("bullish", 0)),
        n_bearish=int(labels.get("bearish", 0)),
        n_mixed=int(labels.get("mixed", 0)),
        n_neutral=int(labels.get("neutral", 0)),
        price_first=first,
        price_last=last,
        price_change=last / first - 1 if first and last is not None and len(closes) >= 2 else None,
    )


def _closes(prices: pd.DataFrame, ticker: str, date_from: date | None, date_to: date | None) -> pd.Series:
    if prices.empty:
        return pd.Series([], dtype=float)
    rows = prices[prices["ticker"] == ticker].sort_values("date")
    days = pd.to_datetime(rows["date"])
    if date_from is not None:
        rows = rows[days >= pd.Timestamp(date_from)]
        days = days[days >= pd.Timestamp(date_from)]
    if date_to is not None:
        rows = rows[days <= pd.Timestamp(date_to)]
    return rows["close"].astype(float)


def prices_in_range(prices: pd.DataFrame, date_from: date | None, date_to: date | None) -> pd.DataFrame:
    """The price rows inside the chosen dates (the main chart shows the range, not the whole history)."""
    if prices.empty:
        return prices
    days = pd.to_datetime(prices["date"])
    mask = pd.Series(True, index=prices.index)
    if date_from is not None:
        mask &= days >= pd.Timestamp(date_from)
    if date_to is not None:
        mask &= days <= pd.Timestamp(date_to)
    return prices[mask]


def chart_window(
    date_from: date | None, date_to: date | None, *, pad: float = 0.03
) -> tuple[date | None, date | None]:
    """The dates the main chart shows: the range widened a little (at least 2 days a side), so articles on the
    first or last day are drawn whole instead of cut in half by the plot's edge."""
    if date_from is None or date_to is None:
        return date_from, date_to
    margin = pd.Timedelta(days=max(2, round((date_to - date_from).days * pad)))
    return (pd.Timestamp(date_from) - margin).date(), (pd.Timestamp(date_to) + margin).date()


def picker_ids(articles: pd.DataFrame, *, limit: int = 1000, keep: str | None = None) -> list[str]:
    """Article ids for the picker, newest first and capped (a selectbox of 100k options is unusable)."""
    if articles.empty:
        return []
    ids = list(articles.sort_values(["date", "article_id"], ascending=[False, True])["article_id"])
    shown = ids[:limit]
    if keep and keep in ids and keep not in shown:
        shown.append(keep)
    return shown


def picked_article_ids(selection: object, *, param: str = "article_pick") -> list[str]:
    """The article ids a chart selection event holds (Streamlit gives {param: [{'article_id': ...}, ...]})."""
    if selection is None:
        return []
    points = selection.get(param) if hasattr(selection, "get") else None
    if not points:
        return []
    if isinstance(points, dict):  # interval-like selections: {'article_id': [...]}
        values = points.get("article_id") or []
        return [str(v) for v in (values if isinstance(values, list) else [values])]
    return [str(p["article_id"]) for p in points if isinstance(p, dict) and p.get("article_id") is not None]


def finance_vs_snownlp(tone: float | None, snownlp: float | None) -> tuple[float | None, float | None]:
    """The two tones side by side on one scale: finance tone, and snownlp as 2p−1."""
    finance = None if tone is None or _isnan(tone) else float(tone)
    review = None if snownlp is None or _isnan(snownlp) else 2 * float(snownlp) - 1
    return finance, review


def _isnan(value: object) -> bool:
    return isinstance(value, float) and math.isnan(value)
