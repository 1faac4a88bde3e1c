"""The narrative engine's input: per-day sums (Store.tone_cube, source_cube, frame_counts_by_day), and the
arithmetic every series shares over them: which tone field, the weighted tone of summed rows, the period of a day.

A weighted tone is Σ weight·tone / Σ weight over a group (the plain mean Σ tone / n when every weight is zero),
so the sums of its days give any period's tone exactly, and every count adds up. So a series costs a few
thousand summed rows, however many articles are behind them.

A cube row holds, for one day × label × near-duplicate flag × inferred-date flag, the count `n` and the sums
`weight`, `weighted`, `tone_sum` (and `bull`, `bear`), plus the same over the articles that have a snownlp
score, on its plotted 2p−1 scale: `n_snownlp`, `weight_snownlp`, `weighted_snownlp`, `snownlp_sum`. Rows of the
same key may repeat: every computation here sums them.
"""

from __future__ import annotations

import pandas as pd

from analysis.errors import InputError

FREQUENCIES = ("D", "W", "M")
TONE_FIELDS = ("tone", "snownlp")
SUMS = ("n", "weight", "weighted", "tone_sum")
_SNOWNLP_SUMS = ("n_snownlp", "weight_snownlp", "weighted_snownlp", "snownlp_sum")
_TEXT_COLUMNS = ("frame", "polarity", "source")


def period_start(dates: pd.Series, freq: str) -> pd.Series:
    """The first day of each date's period: the day itself, the Monday of its week, or the 1st of its month."""
    if freq not in FREQUENCIES:
        raise InputError(f"must be one of {', '.join(FREQUENCIES)}, got {freq!r}", field="freq")
    days = pd.to_datetime(dates).dt.normalize()
    if freq == "D":
        return days.astype("datetime64[ns]")
    period = "W-SUN" if freq == "W" else "M"
    return days.dt.to_period(period).dt.start_time.astype("datetime64[ns]")


def field_sums(cube: pd.DataFrame, tone_field: str = "tone") -> pd.DataFrame:
    """The sums with n/weight/weighted/tone_sum taken from the chosen tone field; rows with none left out."""
    if tone_field not in TONE_FIELDS:
        raise ValueError(f"tone_field must be one of {TONE_FIELDS}, got {tone_field!r}")
    if tone_field == "tone":
        rows = cube
    else:
        rows = cube.drop(columns=list(SUMS)).rename(columns=dict(zip(_SNOWNLP_SUMS, SUMS, strict=True)))
    return rows[rows["n"] > 0]


def unique_rows(cube: pd.DataFrame) -> pd.DataFrame:
    """The cube rows of unique articles (near-duplicates left out, so a story syndicated ten times counts once)."""
    return cube[~cube["duplicate"].astype(bool) & (cube["n"] > 0)]


def weighted_tone_of(sums: pd.DataFrame) -> pd.Series:
    """Σ weight·tone / Σ weight per row of sums; the plain mean where every weight was zero."""
    positive = sums["weight"] > 0
    mean = sums["tone_sum"] / sums["n"]
    return (sums["weighted"] / sums["weight"].where(positive)).where(positive, mean).rename("tone")


def empty_frame(columns: tuple[str, ...], *, date_columns: tuple[str, ...] = ()) -> pd.DataFrame:
    """A series with no rows but its columns (dates as datetime64), so charts and reports need no special case."""
    frame = pd.DataFrame(
        {column: pd.Series(dtype=object if column in _TEXT_COLUMNS else "float64") for column in columns}
    )
    for column in date_columns:
        frame[column] = pd.Series(dtype="datetime64[ns]")
    return frame
