"""The main chart's aggregate layer: articles per day and label with their mean tone, from the view's sums.

At thousands of articles one dot per article is a blur; these groups (at most four a day, every article
counted, none sampled) are what the chart draws until the visible range holds few enough articles to show
them one by one (settings: NARRATIVE_CHART_POINTS).
"""

from __future__ import annotations

import pandas as pd

from analysis.narrative.sums import field_sums

GROUP_COLUMNS = ["date", "date_end", "label", "n", "tone"]
# Beyond this many day groups (about 250 days of four labels) the groups are weeks: a year of days is a blur,
# and Altair embeds at most 5,000 rows per dataset.
MAX_GROUP_ROWS = 1000


def tone_groups(
    cube: pd.DataFrame, tone_field: str = "tone", *, max_rows: int = MAX_GROUP_ROWS
) -> pd.DataFrame:
    """Per day (per week, from Monday, when the days would exceed max_rows) and label: the articles with the plotted tone
    and their plain mean tone (where the dots sit, not the weighted index); articles with only an inferred
    date are left out, as from every series that needs a day (the chart sums a zoomed range's articles from
    these groups' n).
    """
    if not len(cube):
        return pd.DataFrame(columns=GROUP_COLUMNS)
    rows = cube[~cube["inferred"].astype(bool)] if "inferred" in cube else cube
    rows = field_sums(rows, tone_field)
    if rows.empty:
        return pd.DataFrame(columns=GROUP_COLUMNS)
    days = pd.to_datetime(rows["date"]).dt.normalize()
    step = pd.Timedelta(days=1)
    if rows.assign(day=days).groupby(["day", "label"]).ngroups > max_rows:
        days = days.dt.to_period("W-SUN").dt.start_time
        step = pd.Timedelta(days=7)
    groups = (
        rows.assign(date=days.astype("datetime64[ns]"))
        .groupby(["date", "label"], as_index=False)[["n", "tone_sum"]]
        .sum()
    )
    groups["tone"] = groups["tone_sum"] / groups["n"]
    groups["date_end"] = groups["date"] + step
    groups["n"] = groups["n"].astype("int64")
    return groups[GROUP_COLUMNS].sort_values(["date", "label"], ignore_index=True)
