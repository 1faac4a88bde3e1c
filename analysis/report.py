"""The narrative in brief (`report`): one JSON-ready dict read from the store as the dashboard reads it, and its
plain-text rendering."""

from __future__ import annotations

import math
from datetime import date, datetime
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from analysis.companies import default_benchmark
from analysis.mentions import check_price_mentions
from analysis.narrative import (
    bull_bear_intensity,
    closes,
    detect_shifts,
    event_study,
    frame_shares,
    lead_lag,
    tone_index,
)
from analysis.narrative.emerging import emerging_narratives
from analysis.views.read import dated_cube, read_aggregates

if TYPE_CHECKING:
    from analysis.store import ArticleFilter, Store

LABELS = ("bullish", "bearish", "mixed", "neutral")


def build_report(
    store: Store, filters: ArticleFilter, *, freq: str = "W", benchmark: str | None = None
) -> dict:
    """Shifts, tone index, frame shares, lead/lag, event study and price-mention checks for the filtered articles.

    The series come from the same per-day sums the dashboard reads (views.read_aggregates), through one
    connection. Prices are kept whole because the return windows of the lead/lag table and the event study reach
    past the filtered dates; price statements are checked in the filtered articles only.
    """
    benchmark = benchmark or default_benchmark()  # the default company's, as its prices are stored
    with store.reading():
        sums = read_aggregates(store, filters, freq=freq)
        prices = store.prices()
        mentions = check_price_mentions(store.article_texts_frame(filters), prices, ticker=filters.ticker)
    cube, frames_by_day = sums["cube"], sums["frames_by_day"]
    ticker = filters.ticker
    dated = dated_cube(cube)  # what needs a day leaves out inferred ranges, as the dashboard does
    index = tone_index(dated, freq=freq)
    shares = frame_shares(frames_by_day, freq=freq)
    lead = lead_lag(dated, prices, ticker=ticker)
    report = {
        "ticker": ticker,
        "benchmark": benchmark,
        "filters": {
            "date_from": filters.date_from,
            "date_to": filters.date_to,
            "sources": sorted(filters.sources) if filters.sources else None,
            "freq": freq,
        },
        "articles": _article_summary(cube),
        "price": _price_summary(prices, ticker, cube, filters.date_from, filters.date_to),
        "tone_index": _tone_summary(index, freq),
        "frame_shares": _frame_summary(shares, cube, freq),
        "shifts": detect_shifts(index, frames_by_day),
        "lead_lag": lead.to_dict("records"),
        "lead_lag_method": lead.attrs["method"],
        "event_study": event_study(cube, prices, ticker=ticker, benchmark=benchmark, undated=sums["undated"]),
        "price_mentions": _mention_rows(mentions),
        "emerging_narratives": emerging_narratives(store, filters),
    }
    return jsonable(report)


def format_report_text(report: dict) -> str:
    """The report as aligned plain text for a terminal."""
    lines: list[str] = []
    articles = report.get("articles", {})
    filters = report.get("filters", {})
    span = f"{articles.get('first') or '?'} .. {articles.get('last') or '?'}"
    lines.append(f"Narrative report: {report.get('ticker')} ({span})")
    if filters.get("sources"):
        lines.append(f"Sources: {', '.join(filters['sources'])}")
    labels = ", ".join(f"{name} {count}" for name, count in articles.get("labels", {}).items())
    lines.append(
        f"Articles: {articles.get('n', 0)} ({articles.get('n_unique', 0)} unique, "
        f"{articles.get('n_inferred_dates', 0)} with inferred dates); {labels}"
    )
    price = report.get("price") or {}
    if price.get("change_pct") is not None:
        lines.append(
            f"Price: {price['first_close']:.2f} on {price['first_date']} → {price['last_close']:.2f} on "
            f"{price['last_date']} ({price['change_pct']:+.1f}%)"
        )

    tone = report.get("tone_index", {})
    lines += ["", f"Tone index ({_FREQ_NAMES.get(tone.get('freq'), tone.get('freq'))})"]
    if tone.get("mean_tone") is None:
        lines.append("  no articles in range")
    else:
        lines.append(f"  mean tone {tone['mean_tone']:+.2f} over {tone['n_periods']} period(s)")
        for key, name in (
            ("latest", "latest"),
            ("most_positive", "most positive"),
            ("most_negative", "most negative"),
        ):
            point = tone.get(key)
            if point:
                z = f", z {point['zscore']:+.1f}" if point.get("zscore") is not None else ""
                lines.append(f"  {name:<14}{point['date']}  {point['tone']:+.2f} (n={point['n_unique']}{z})")

    lines += ["", "Narrative shifts"]
    if report.get("shifts"):
        lines.append(
            "  p: share of random orders of the same points that split as well (permutation test); "
            "'?' marks too few articles on a side"
        )
    for shift in report.get("shifts") or []:
        flag = (
            f"  ? fewer than {shift.get('min_articles')} articles a side" if shift.get("few_articles") else ""
        )
        lines.append(
            f"  {shift['from_date']} → {shift['date']}: tone {shift['before_tone']:+.2f} → {shift['after_tone']:+.2f}"
            f"  ({shift['n_before']} → {shift['n_after']} articles, {_p_text(shift.get('p'))}){flag}"
        )
        lines.append(f"    frames up:   {', '.join(shift['frames_up']) or '-'}")
        lines.append(f"    frames down: {', '.join(shift['frames_down']) or '-'}")
    if not report.get("shifts"):
        lines.append("  none detected")

    frames = report.get("frame_shares", {})
    lines += ["", "Frame shares (whole range)"]
    for row in frames.get("overall", [])[:10]:
        lines.append(
            f"  {row['frame']:<22}{row['polarity']:<9}{row['share'] * 100:5.1f}%  ({row['intensity']:g} hits)"
        )
    if not frames.get("overall"):
        lines.append("  no frame evidence")

    method = report.get("lead_lag_method") or {}
    lines += [
        "",
        "Tone vs returns (return of the session k days from the article; k > 0: tone leads; r, 95% CI)",
        f"  calendar: {method.get('calendar', 'trading days of the price table')}",
        f"  p: two-sided, Pearson; p_adj: adjusted over the {method.get('n_tests', 0)} lags tested by "
        f"{method.get('correction_name', '-')}; * = p_adj < {method.get('alpha', 0.05):g}; "
        f"no r below n = {method.get('min_n', '-')}. Correlation is not causation.",
    ]
    rows = report.get("lead_lag", [])
    notes = {row.get("note") for row in rows}
    if rows and len(notes) == 1 and None not in notes:
        most = max(row["n"] for row in rows)
        lines.append(f"  {notes.pop()} (at most {most} trading day(s) with articles and returns)")
        rows = []
    for row in rows:
        if row.get("r") is None:
            lines.append(f"  k={row['k']:+d}  n={row['n']:<4} {row.get('note') or ''}")
        else:
            star = " *" if row.get("significant") else ""
            lines.append(
                f"  k={row['k']:+d}  n={row['n']:<4} r={row['r']:+.2f}  [{row['lo']:+.2f}, {row['hi']:+.2f}]"
                f"  {_p_text(row.get('p'))}  {_p_text(row.get('p_adjusted'), 'p_adj')}{star}"
            )

    lines += _event_lines(report.get("event_study", {}), report.get("benchmark"))

    lines += ["", "Price mentions checked against the price table"]
    for row in report.get("price_mentions", []):
        status = {True: "ok", False: "MISMATCH", None: "unchecked"}[row.get("matched")]
        close = f"close {row['close']:.2f}" if row.get("close") is not None else "no price"
        lines.append(f"  {row['article_id']:<18}{row.get('date') or '?':<11} {row['price']:>9.2f} {row.get('kind', ''):<9}"
                     f" {close:<12} {status}")  # fmt: skip
    if not report.get("price_mentions"):
        lines.append("  none found")

    lines += ["", "Emerging narratives (phrases rising against their own history)"]
    for row in report.get("emerging_narratives", [])[:10]:
        tone = "-" if row.get("tone") is None else f"{row['tone']:+.2f}"
        lines.append(f"  {row['phrase']:<24} {row['recent_articles']} articles since {row['recent_from']} "
                     f"(before: {row['history_articles']}), {row['ratio']:.1f}x, tone {tone}")  # fmt: skip
    if not report.get("emerging_narratives"):
        lines.append("  none found")
    return "\n".join(lines) + "\n"


def _p_text(p, name: str = "p") -> str:
    return f"{name} -" if p is None else f"{name} {p:.3f}" if p >= 0.001 else f"{name} <0.001"


def _event_lines(study: dict, benchmark: str | None) -> list[str]:
    """The event study as text: each side's CAR with its band and n, the placebo beneath, and what was left out."""
    bull = study.get("bullish") or {}
    model = bull.get("model", "market-adjusted")
    estimation = bull.get("estimation")
    stated = (
        f", α and β by OLS over sessions {estimation['window'][0]}..{estimation['window'][1]}"
        if estimation
        else ""
    )
    lines = [
        "",
        f"Event study: CAR vs {benchmark} ({model}{stated})",
        "  CAR[d]: mean cumulative abnormal return to day d, [95% band: cross-sectional t]; placebo: the same "
        "over random days of the period (its 2.5–97.5% range)",
    ]  # fmt: skip
    picks = ("-1", "0", "1", "5", "10")
    for side in ("bullish", "bearish", "placebo"):
        entry = study.get(side) or {}
        car, low, high = entry.get("car") or {}, entry.get("ci_lo") or {}, entry.get("ci_hi") or {}
        size = f"n={entry.get('n', 0)}" + (
            f"×{entry['draws']}" if side == "placebo" and entry.get("draws") else ""
        )
        if not car:
            lines.append(f"  {side:<8} {size}  {entry.get('note') or 'no events'}")
            continue
        values = "  ".join(
            f"CAR[{day}] {car[day] * 100:+.1f}%" + _band_text(low.get(day), high.get(day))
            for day in picks if day in car
        )  # fmt: skip
        lines.append(f"  {side:<8} {size}  {values}")
    left_out = {
        side: ((study.get(side) or {}).get("n_inferred_excluded", 0), (study.get(side) or {}).get("n_undated_excluded", 0))
        for side in ("bullish", "bearish")
    }  # fmt: skip
    if any(sum(counts) for counts in left_out.values()):
        lines.append(
            "  left out: " + "; ".join(
                f"{side} {inferred} with an inferred date, {undated} undated"
                for side, (inferred, undated) in left_out.items()
            )
        )  # fmt: skip
    return lines


def _band_text(low, high) -> str:
    if low is None or high is None:
        return ""
    return f" [{low * 100:+.1f}, {high * 100:+.1f}]"


def jsonable(value):
    """Plain JSON types: ISO dates, None for NaN/NaT, Python numbers for NumPy ones, string keys."""
    if isinstance(value, dict):
        return {str(key): jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set):
        return [jsonable(item) for item in value]
    if isinstance(value, pd.Timestamp | datetime):
        if pd.isna(value):
            return None
        stamp = pd.Timestamp(value)
        return stamp.date().isoformat() if stamp == stamp.normalize() else stamp.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, np.bool_ | bool):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        return None if math.isnan(value) or math.isinf(value) else float(value)
    if value is pd.NaT or value is pd.NA:
        return None
    return value


_FREQ_NAMES = {"D": "daily", "W": "weekly", "M": "monthly"}


def _article_summary(cube: pd.DataFrame) -> dict:
    """Counts of the filtered articles (near-duplicates and inferred dates among them), their span and labels."""
    rows = cube[cube["n"] > 0]
    if rows.empty:
        return {"n": 0, "n_unique": 0, "n_inferred_dates": 0, "first": None, "last": None, "labels": {}}
    n = rows["n"]
    counts = n.groupby(rows["label"]).sum()
    return {
        "n": int(n.sum()),
        "n_unique": int(n[~rows["duplicate"].astype(bool)].sum()),
        "n_inferred_dates": int(n[rows["inferred"].astype(bool)].sum()),
        "first": pd.to_datetime(rows["date"]).min(),
        "last": pd.to_datetime(rows["date"]).max(),
        "labels": {label: int(counts.get(label, 0)) for label in LABELS},
    }


def _price_summary(prices: pd.DataFrame, ticker: str, cube: pd.DataFrame, date_from, date_to) -> dict | None:
    """Close-to-close change over the filtered range (or the articles' span when no range is given)."""
    series = closes(prices, ticker)
    if series.empty:
        return None
    days = pd.to_datetime(cube.loc[cube["n"] > 0, "date"])
    start = pd.Timestamp(date_from) if date_from else (days.min() if len(days) else None)
    end = pd.Timestamp(date_to) if date_to else (days.max() if len(days) else None)
    window = series
    if start is not None:
        window = window[window.index >= start]
    if end is not None:
        window = window[window.index <= end]
    if window.empty:
        return None
    first, last = window.index[0], window.index[-1]
    return {
        "first_date": first,
        "first_close": window.iloc[0],
        "last_date": last,
        "last_close": window.iloc[-1],
        "change_pct": (window.iloc[-1] / window.iloc[0] - 1) * 100,
    }


def _tone_summary(index: pd.DataFrame, freq: str) -> dict:
    summary: dict = {"freq": freq, "n_periods": len(index), "mean_tone": None, "points": []}
    valid = index.dropna(subset=["tone"])
    if valid.empty:
        return summary

    def point(row: pd.Series) -> dict:
        return {
            key: row[key] for key in ("date", "tone", "n_articles", "n_unique", "zscore", "inferred_share")
        }

    weights = valid["n_unique"].clip(lower=1)
    summary["mean_tone"] = float((valid["tone"] * weights).sum() / weights.sum())
    summary["latest"] = point(valid.iloc[-1])
    summary["most_positive"] = point(valid.loc[valid["tone"].idxmax()])
    summary["most_negative"] = point(valid.loc[valid["tone"].idxmin()])
    summary["points"] = [point(row) for _, row in index.iterrows()]
    return summary


def _frame_summary(shares: pd.DataFrame, cube: pd.DataFrame, freq: str) -> dict:
    overall: list[dict] = []
    if not shares.empty:
        totals = shares.groupby(["frame", "polarity"], as_index=False)["intensity"].sum()
        totals["share"] = totals["intensity"] / totals["intensity"].sum()
        totals = totals.sort_values("share", ascending=False)
        overall = totals[["frame", "polarity", "intensity", "share"]].to_dict("records")
    balance = bull_bear_intensity(cube, freq=freq)
    return {
        "freq": freq,
        "overall": overall,
        "by_period": shares.to_dict("records"),
        "bull_bear": balance.to_dict("records"),
    }


def _mention_rows(mentions: pd.DataFrame) -> list[dict]:
    if mentions.empty:
        return []
    chosen = mentions
    columns = [
        c for c in ("article_id", "date", "date_basis", "kind", "price", "close", "trade_date", "matched", "sentence")
        if c in chosen.columns
    ]  # fmt: skip
    rows = chosen[columns].to_dict("records")
    for row in rows:
        matched = row.get("matched")
        row["matched"] = (
            None if matched is None or (isinstance(matched, float) and math.isnan(matched)) else bool(matched)
        )
    return rows
