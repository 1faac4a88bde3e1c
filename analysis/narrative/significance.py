"""The statistics behind every number shown beside the price, from scipy.stats and statsmodels (no hand-written
distributions): Pearson's r with its Fisher interval and p-value, p-values adjusted for the tests made together,
the cross-sectional t band of a mean path, and a seeded permutation p-value for a mean change.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
from scipy import stats
from statsmodels.stats.multitest import multipletests

NOT_ENOUGH_DATA = "not enough data"
NO_VARIATION = "no variation"
CORRECTION_NAMES = {"holm": "Holm (family-wise error)", "fdr_bh": "Benjamini–Hochberg (false discovery rate)"}


def pearson(x: np.ndarray, y: np.ndarray, *, min_n: int) -> dict:
    """r, its 95% Fisher-z interval and two-sided p (scipy.stats.pearsonr) with n; a note instead below min_n."""
    n = len(x)
    row: dict[str, object] = {
        "r": math.nan,
        "lo": math.nan,
        "hi": math.nan,
        "n": n,
        "p": math.nan,
        "note": None,
    }
    if n < max(min_n, 4):
        row["note"] = NOT_ENOUGH_DATA
        return row
    if np.std(x) == 0 or np.std(y) == 0:
        row["note"] = NO_VARIATION
        return row
    result = stats.pearsonr(x, y)
    interval = result.confidence_interval(confidence_level=0.95)
    row.update(
        r=float(result.statistic), lo=float(interval.low), hi=float(interval.high), p=float(result.pvalue)
    )
    return row


def adjust(p_values: np.ndarray, *, method: str, alpha: float) -> tuple[np.ndarray, np.ndarray]:
    """p-values adjusted over the tests made together (statsmodels multipletests), and which survive alpha.

    NaN entries are tests not made (too little data): they are not counted among the tests and stay NaN/False.
    """
    p_values = np.asarray(p_values, dtype=float)
    adjusted = np.full(len(p_values), np.nan)
    significant = np.zeros(len(p_values), dtype=bool)
    made = ~np.isnan(p_values)
    if made.any():
        reject, corrected, _, _ = multipletests(p_values[made], alpha=alpha, method=method)
        adjusted[made], significant[made] = corrected, reject
    return adjusted, significant


def mean_band(samples: np.ndarray, *, confidence: float = 0.95) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Mean of each column of samples (n × horizons) with its cross-sectional t interval (scipy ttest_1samp).

    The interval is NaN below two samples; a column without spread has a zero-width interval at its mean.
    """
    mean = samples.mean(axis=0)
    if len(samples) < 2:
        nan = np.full(samples.shape[1], np.nan)
        return mean, nan, nan.copy()
    with warnings.catch_warnings():  # a constant column is a precision warning, handled below
        warnings.simplefilter("ignore", RuntimeWarning)
        interval = stats.ttest_1samp(samples, 0.0, axis=0).confidence_interval(confidence_level=confidence)
    flat = samples.std(axis=0) == 0
    low = np.where(flat, mean, interval.low)
    high = np.where(flat, mean, interval.high)
    return mean, low, high


def best_split_gain(signal: np.ndarray, *, min_size: int = 1) -> np.ndarray:
    """The largest drop in squared error from splitting each row of signal (… × n) into two means.

    For a cut at c the drop is c·(n−c)/n · (mean after − mean before)²: the l2 change-point statistic, maximised
    over the cuts leaving at least min_size points each side, so that a permutation test of it accounts for the
    search for the best cut.
    """
    n = signal.shape[-1]
    cuts = np.arange(min_size, n - min_size + 1)
    if len(cuts) == 0:
        return np.zeros(signal.shape[:-1])
    running = np.cumsum(signal, axis=-1)
    total = running[..., -1:]
    before = running[..., cuts - 1] / cuts
    after = (total - running[..., cuts - 1]) / (n - cuts)
    return (cuts * (n - cuts) / n * (after - before) ** 2).max(axis=-1)


def split_p_value(signal: np.ndarray, *, min_size: int, permutations: int, seed: int) -> float:
    """How often a random order of the same points splits as well as this order (scipy permutation_test).

    Small series are tested exactly over every order; otherwise `permutations` seeded random orders.
    """
    if len(signal) < 2 * max(min_size, 1):
        return math.nan

    def gain(values: np.ndarray, axis: int = -1) -> np.ndarray:
        return best_split_gain(np.moveaxis(values, axis, -1), min_size=max(min_size, 1))

    result = stats.permutation_test(
        (np.asarray(signal, dtype=float),),
        gain,
        permutation_type="pairings",
        vectorized=True,
        n_resamples=permutations,
        alternative="greater",
        random_state=np.random.default_rng(seed),
    )
    return float(result.pvalue)
