"""The alert rules as pure functions over the narrative series: each returns the periods where it fires.

tone_zscore reads narrative.tone_index's z-score (the tone against its own rolling baseline: financial news runs
positive, so the level alone misleads); shift reads narrative.detect_shifts; volume_spike compares a period's
articles with the mean of the periods before it; frame_share a frame's share of the frame evidence with its
mean share before; price_mismatch the price statements mentions.check_price_mentions found off the table.
A flat series fires nothing: no spread gives no z-score, no step gives no shift, no rise gives no spike.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import pandas as pd

MIN_HISTORY = 3  # periods with data a volume or share comparison needs before the period it judges


@dataclass
class Firing:
    """One period where a rule fires: what, when, the figures."""

    subject: str
    period_start: pd.Timestamp
    message: str
    figures: dict = field(default_factory=dict)
    frame: str | None = None  # the articles behind a frame alert are those with the frame
    article_ids: list[str] = field(default_factory=list)  # when the rule knows them (a price statement)


def _number(value: float) -> float | None:
    return (
        None if value is None or (isinstance(value, float) and math.isnan(value)) else round(float(value), 4)
    )


def tone_zscore(index: pd.DataFrame, *, k: float, min_articles: int) -> list[Firing]:
    """Periods whose tone is beyond k standard deviations of its rolling baseline (tone_index's zscore)."""
    rows = index.dropna(subset=["zscore"])
    rows = rows[(rows["zscore"].abs() >= k) & (rows["n_unique"] >= min_articles)]
    return [
        Firing(
            "",
            pd.Timestamp(r.date),
            f"tone {r.tone:+.2f} is {abs(r.zscore):.1f} SD {'above' if r.zscore > 0 else 'below'} its baseline "
            f"{r.baseline:+.2f} ({r.n_unique} articles)",
            {
                "tone": _number(r.tone),
                "baseline": _number(r.baseline),
                "zscore": _number(r.zscore),
                "n_articles": int(r.n_unique),
                "k": k,
            },
        )  # fmt: skip
        for r in rows.itertuples(index=False)
    ]


def shift(shifts: list[dict], *, min_delta: float) -> list[Firing]:
    """Detected narrative shifts whose tone moved by at least min_delta."""
    return [
        Firing(
            "",
            pd.Timestamp(s["date"]),
            f"tone shifted {s['before_tone']:+.2f} -> {s['after_tone']:+.2f}"
            + (f"; rising {', '.join(s['frames_up'][:3])}" if s["frames_up"] else "")
            + (f"; falling {', '.join(s['frames_down'][:3])}" if s["frames_down"] else ""),
            {
                "before_tone": _number(s["before_tone"]),
                "after_tone": _number(s["after_tone"]),
                "delta": _number(s["delta"]),
                "frames_up": s["frames_up"],
                "frames_down": s["frames_down"],
                "n_before": s["n_before"],
                "n_after": s["n_after"],
            },
        )  # fmt: skip
        for s in shifts
        if abs(s["delta"]) >= min_delta
    ]


def _grid(values: pd.Series, freq: str) -> pd.Series:
    """The series on every calendar period between its first and last (empty periods 0)."""
    if values.empty:
        return values
    step = {"D": "D", "W": "W-MON"}[freq]
    grid = pd.date_range(values.index.min(), values.index.max(), freq=step)
    return values.reindex(grid, fill_value=0)


def volume_spike(
    index: pd.DataFrame, *, freq: str, factor: float, window: int, min_articles: int
) -> list[Firing]:
    """Periods with at least `factor` times the mean articles of the `window` periods before (and min_articles)."""
    counts = _grid(index.set_index(pd.to_datetime(index["date"]))["n_articles"].astype(float), freq)
    before = counts.rolling(window, min_periods=MIN_HISTORY).mean().shift(1)
    firings = []
    for period, n in counts.items():
        mean = before.get(period)
        if mean is None or pd.isna(mean) or n < min_articles:
            continue
        ratio = n / max(mean, 1.0)  # a quiet history of zeros and ones counts as one a period
        if ratio >= factor:
            firings.append(Firing("", pd.Timestamp(period),
                                  f"{int(n)} articles, {ratio:.1f}x the mean {mean:.1f} before",
                                  {"n_articles": int(n), "mean_before": _number(mean), "ratio": _number(ratio),
                                   "factor": factor}))  # fmt: skip
    return firings


def frame_share(
    shares: pd.DataFrame, *, freq: str, frame: str | None, jump: float, window: int, min_articles: int
) -> list[Firing]:
    """Periods where a frame's share of the frame evidence rose by `jump` over its mean share before."""
    if shares.empty:
        return []
    table = shares.pivot_table(index="period", columns="frame", values="share", aggfunc="sum", fill_value=0.0)
    articles = shares.pivot_table(
        index="period", columns="frame", values="n_articles", aggfunc="sum", fill_value=0
    )
    table.index = pd.to_datetime(table.index)
    articles.index = pd.to_datetime(articles.index)
    firings = []
    for name in [frame] if frame else list(table.columns):
        if name not in table.columns:
            continue
        series = table[name]  # periods with any frame evidence: a period without is no share of anything
        before = series.rolling(window, min_periods=MIN_HISTORY).mean().shift(1)
        for period, share in series.items():
            mean = before.get(period)
            n = int(articles.at[period, name])
            if mean is None or pd.isna(mean) or n < min_articles or share - mean < jump:
                continue
            firings.append(Firing(name, pd.Timestamp(period),
                                  f"frame {name}: {share:.0%} of the frame evidence, up from {mean:.0%} ({n} articles)",
                                  {"frame": name, "share": _number(share), "mean_before": _number(mean),
                                   "jump": _number(share - mean), "n_articles": n}, frame=name))  # fmt: skip
    return firings


def price_mismatch(mentions: pd.DataFrame) -> list[Firing]:
    """Price statements that do not match the price table (matched is False; None means nothing to check)."""
    if mentions.empty:
        return []
    wrong = mentions[mentions["matched"].apply(lambda value: value is False)]
    firings = []
    for m in wrong.itertuples(index=False):
        day = m.date if not pd.isna(m.date) else m.trade_date
        firings.append(Firing(f"{m.article_id}:{m.start}", pd.Timestamp(day),
                              f"stated price {m.price:g} does not match the close {m.close:g} of "
                              f"{pd.Timestamp(m.trade_date).date()}",
                              {"price": _number(m.price), "close": _number(m.close), "low": _number(m.low),
                               "high": _number(m.high), "kind": m.kind,
                               "trade_date": str(pd.Timestamp(m.trade_date).date()), "sentence": m.sentence},
                              article_ids=[m.article_id]))  # fmt: skip
    return firings
