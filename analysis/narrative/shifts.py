"""Narrative shifts: change points in the tone index, each with the frames that rose and fell across it.

Method: PELT over the l2 cost (shifts in the mean tone) with a BIC-like penalty 3·σ²·log(n), where σ is the
noise level estimated robustly from the median absolute point-to-point difference (a step moves one difference
only) and floored at 0.05 tone units so that a noise-free series does not split at every wobble. It runs as
ruptures' KernelCPD with a linear kernel, which is PELT on the same l2 cost in compiled code (the same
breakpoints as ruptures.Pelt(model="l2"), about a thousand times faster on a few years of daily points).

Short series: below 8 points a noise level cannot be estimated, so the series gets at most one split, placed
where it best separates two means (least squares), and kept only when the means differ by at least `min_delta`.
The bundled corpus (5 articles: two bullish in February 2025, three bearish or mixed in the autumn) is such a
series.

How surprising a shift is: `p` is a permutation p-value (scipy.stats.permutation_test, seeded) of the best
two-mean split of the points between the neighbouring shifts: how often a random order of the same points splits
as well, so the search for the best cut is part of the null (a t-test at the chosen cut would not be). It
assumes the points are exchangeable without a shift; slow drift or autocorrelated tone makes it too small.
A shift with fewer than `shift_min_articles` articles on a side is flagged `few_articles`: drawn as a question,
not as a fact.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from analysis import settings
from analysis.narrative.significance import split_p_value

MIN_POINTS_FOR_PELT = 8
SIGMA_FLOOR = 0.05
PENALTY_FACTOR = 3.0
MIN_SHARE_CHANGE = (
    0.05  # a frame 'rose' or 'fell' when its share of the frame evidence moved by 5 points or more
)
TOP_FRAMES = 5
P_METHOD = "permutation test of the best two-mean split between the neighbouring shifts"


def detect_shifts(
    index: pd.DataFrame,
    frames_by_day: pd.DataFrame,
    *,
    min_size: int = 2,
    penalty: float | None = None,
    min_delta: float = 0.25,
    permutations: int | None = None,
    seed: int | None = None,
) -> list[dict]:
    """Change points in the tone index (`date`, `tone`), oldest first, with before/after tone and frame moves.

    `date` is the first index point of the new regime and `from_date` the last point of the old one: the change
    happened between them. `index` is narrative.tone_index at any frequency: its n_unique are the articles each
    side counts. `frames_by_day` (Store.frame_counts_by_day) gives the frames that rose and fell. `penalty`
    overrides the PELT penalty; `min_delta` applies to short series only. Each shift carries its `p`, whether it
    is `significant` (p below alpha) and whether it has `few_articles` (settings say how many is enough).
    """
    config = settings.current().stats
    permutations = permutations or config.shift_permutations
    seed = config.seed if seed is None else seed
    if index.empty:
        return []
    points = index.dropna(subset=["tone"]).sort_values("date", ignore_index=True)
    signal = points["tone"].to_numpy(dtype=float)
    if len(signal) < 2:
        return []
    if len(signal) < max(MIN_POINTS_FOR_PELT, 2 * min_size):
        breaks, method = _mean_split(signal, min_delta), "mean-split"
    else:
        breaks, method = _pelt(signal, min_size=min_size, penalty=penalty), "pelt"
    dates = pd.to_datetime(points["date"])
    bounds = [0, *breaks, len(signal)]
    shifts = []
    for position in range(1, len(bounds) - 1):
        start, cut, end = bounds[position - 1], bounds[position], bounds[position + 1]
        before_window = (dates[start], dates[cut])
        after_window = (dates[cut], dates[end] if end < len(dates) else None)
        before_shares = _frame_shares_between(frames_by_day, *before_window)
        after_shares = _frame_shares_between(frames_by_day, *after_window)
        changes = _share_changes(before_shares, after_shares)
        before_tone, after_tone = float(signal[start:cut].mean()), float(signal[cut:end].mean())
        n_before, n_after = _count_between(index, *before_window), _count_between(index, *after_window)
        p = split_p_value(
            signal[start:end], min_size=1 if method == "mean-split" else min_size, permutations=permutations,
            seed=seed,
        )  # fmt: skip
        shifts.append(
            {
                "date": dates[cut],
                "from_date": dates[cut - 1],
                "before_tone": before_tone,
                "after_tone": after_tone,
                "delta": after_tone - before_tone,
                "frames_up": [frame for frame, change in changes if change > 0][:TOP_FRAMES],
                "frames_down": [frame for frame, change in changes if change < 0][:TOP_FRAMES],
                "frame_changes": dict(changes),
                "n_before": n_before,
                "n_after": n_after,
                "method": method,
                "p": p,
                "p_method": P_METHOD,
                "significant": bool(p < config.alpha),
                "few_articles": min(n_before, n_after) < config.shift_min_articles,
                "min_articles": config.shift_min_articles,
            }
        )
    return shifts


def noise_level(signal: np.ndarray) -> float:
    """Robust noise σ of a piecewise-constant signal: MAD of first differences / √2, floored."""
    if len(signal) < 3:
        return SIGMA_FLOOR
    differences = np.diff(signal)
    mad = 1.4826 * float(np.median(np.abs(differences - np.median(differences))))
    return max(mad / math.sqrt(2), SIGMA_FLOOR)


def _pelt(signal: np.ndarray, *, min_size: int, penalty: float | None) -> list[int]:
    import ruptures  # noqa: PLC0415 - heavy import, only needed for longer series

    if penalty is None:
        penalty = PENALTY_FACTOR * noise_level(signal) ** 2 * math.log(len(signal))
    algorithm = ruptures.KernelCPD(kernel="linear", min_size=min_size, jump=1).fit(signal.reshape(-1, 1))
    return [int(cut) for cut in algorithm.predict(pen=penalty)[:-1]]


def _mean_split(signal: np.ndarray, min_delta: float) -> list[int]:
    """The one split that best separates two means, if they differ by at least min_delta."""
    best_cut, best_cost = None, math.inf
    for cut in range(1, len(signal)):
        left, right = signal[:cut], signal[cut:]
        cost = float(((left - left.mean()) ** 2).sum() + ((right - right.mean()) ** 2).sum())
        if cost < best_cost - 1e-12:
            best_cut, best_cost = cut, cost
    if best_cut is None or abs(signal[best_cut:].mean() - signal[:best_cut].mean()) < min_delta:
        return []
    return [best_cut]


def _in_window(rows: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp | None) -> pd.DataFrame:
    """The rows dated in [start, end); end None leaves the window open."""
    dates = pd.to_datetime(rows["date"])
    mask = dates >= start
    if end is not None:
        mask &= dates < end
    return rows[mask]


def _count_between(index: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp | None) -> int:
    """The unique articles of the index periods starting in [start, end)."""
    return int(_in_window(index, start, end)["n_unique"].sum())


def _frame_shares_between(
    frames_by_day: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp | None
) -> pd.Series:
    """Share of each frame in the (non-negated) evidence of the articles dated in [start, end)."""
    if frames_by_day.empty:
        return pd.Series(dtype=float)
    counts = _in_window(frames_by_day, start, end).groupby("frame")["hits"].sum()
    return counts / counts.sum() if counts.sum() else counts.astype(float)


def _share_changes(before: pd.Series, after: pd.Series) -> list[tuple[str, float]]:
    frames = before.index.union(after.index)
    change = after.reindex(frames, fill_value=0.0) - before.reindex(frames, fill_value=0.0)
    change = change[change.abs() >= MIN_SHARE_CHANGE]
    ordered = change.reindex(change.abs().sort_values(ascending=False).index)
    return [(str(frame), round(float(value), 4)) for frame, value in ordered.items()]
