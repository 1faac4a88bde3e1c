"""The story in the first five seconds: the smoothed tone index with its uncertainty band, and the change in
tone over the range and since the latest shift, from the view's per-day sums."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.narrative import tone_index
from analysis.narrative.sums import period_start

Z95 = 1.96
BAND_COLUMNS = ("date", "tone", "lo", "hi", "n_unique", "n_articles")
# The cube's sums per tone field: count, plain sum, sum of squares (snownlp on its plotted 2p−1 scale).
_FIELD_SUMS = {"tone": ("n", "tone_sum", "tone_sq"), "snownlp": ("n_snownlp", "snownlp_sum", "snownlp_sq")}


def tone_band(cube: pd.DataFrame, *, freq: str, tone_field: str = "tone") -> pd.DataFrame:
    """The tone index per period (W or M) with a 95% band: tone ± 1.96 · s/√n over the period's unique articles.

    The centre is narrative.tone_index's weighted tone; s is the articles' plain standard deviation (the cube
    holds their sums of squares). A period of one article has no band (lo/hi are NaN).
    """
    index = tone_index(cube, freq=freq, tone_field=tone_field)
    if index.empty:
        return pd.DataFrame(columns=list(BAND_COLUMNS))
    n_col, sum_col, sq_col = _FIELD_SUMS[tone_field]
    if sq_col not in cube:
        spread = pd.Series(np.nan, index=pd.to_datetime(index["date"]))
    else:
        rows = cube[~cube["duplicate"].astype(bool) & (cube[n_col] > 0)]
        sums = (
            pd.DataFrame({"period": period_start(rows["date"], freq).to_numpy(), "n": rows[n_col].to_numpy(),
                          "s": rows[sum_col].to_numpy(), "q": rows[sq_col].to_numpy()})
            .groupby("period").sum()
        )  # fmt: skip
        n = sums["n"].astype(float)
        variance = ((sums["q"] - sums["s"] ** 2 / n) / (n - 1)).where(n > 1).clip(lower=0)
        spread = Z95 * np.sqrt(variance / n)
    half = spread.reindex(pd.to_datetime(index["date"])).to_numpy()
    tone = index["tone"].to_numpy(dtype=float)
    return pd.DataFrame({
        "date": pd.to_datetime(index["date"]),
        "tone": tone,
        "lo": np.clip(tone - half, -1, 1),
        "hi": np.clip(tone + half, -1, 1),
        "n_unique": index["n_unique"].astype(int),
        "n_articles": index["n_articles"].astype(int),
    })  # fmt: skip


@dataclass(frozen=True)
class ToneChange:
    """The tone of the first and last period in range, and of the period before the latest shift."""

    first_date: pd.Timestamp | None = None
    first: float | None = None
    last_date: pd.Timestamp | None = None
    last: float | None = None
    shift_date: pd.Timestamp | None = None
    before_shift: float | None = None

    @property
    def change(self) -> float | None:
        return None if self.first is None or self.last is None else self.last - self.first

    @property
    def since_shift(self) -> float | None:
        return None if self.before_shift is None or self.last is None else self.last - self.before_shift


def tone_change(periods: pd.DataFrame, shifts: list[dict]) -> ToneChange:
    """First vs last period of the smoothed index, and since the latest shift (its 'before' level to now)."""
    points = periods.dropna(subset=["tone"]).sort_values("date") if len(periods) else periods
    if points is None or len(points) < 2:
        return ToneChange()
    latest = shifts[-1] if shifts else None
    return ToneChange(
        first_date=pd.Timestamp(points["date"].iloc[0]),
        first=float(points["tone"].iloc[0]),
        last_date=pd.Timestamp(points["date"].iloc[-1]),
        last=float(points["tone"].iloc[-1]),
        shift_date=pd.Timestamp(latest["date"]) if latest else None,
        before_shift=float(latest["before_tone"]) if latest else None,
    )
