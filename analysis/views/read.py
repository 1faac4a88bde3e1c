"""What the dashboard reads and computes on a filter change: sums from DuckDB, the series from them, and bounded
rows (a fair sample of points for the main chart, one page of the explorer, the picker's newest articles).

No step reads every matching article into Python, so a filter change costs about the same at 5 articles as at
100,000; the CSV of every filtered article is made only when it is asked for (uploads.filtered_articles_csv).
The benchmark's query step times these same calls.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pandas as pd

from analysis.narrative import (
    detect_shifts,
    event_study,
    field_sums,
    frame_shares,
    lead_lag,
    source_tone,
    tone_index,
)
from analysis.store.explore import DEFAULT_SORT
from analysis.views.kpis import Kpis, kpis_from_cube
from analysis.views.story import tone_band, tone_change

SAMPLE_POINTS = 2000  # points on the main chart (Altair embeds them; lines and panels use every article)
PAGE_ROWS = 500  # explorer table rows per page
PICKER_ROWS = 1000  # articles offered by the picker, newest first
RANGE_ROWS = 200  # undated articles drawn as their inferred ranges (the most relevant first)


@dataclass(frozen=True)
class ViewData:
    """One filtered view: per-day sums, per-outlet sums, frame hits per day, and the bounded article rows (and
    the undated articles per label, which no per-day sum holds)."""

    cube: pd.DataFrame
    sources: pd.DataFrame
    frames_by_day: pd.DataFrame
    points: pd.DataFrame
    page: pd.DataFrame
    picker: pd.DataFrame
    page_number: int = 0
    page_rows: int = PAGE_ROWS
    picker_rows: int = PICKER_ROWS
    undated: dict[str, int] = field(default_factory=dict)
    ranges: pd.DataFrame = field(default_factory=pd.DataFrame)  # undated articles: their inferred ranges

    @property
    def n_undated(self) -> int:
        """Articles in the view with only an inferred date range: counted, shown as ranges, kept out of days."""
        if not len(self.cube) or "inferred" not in self.cube:
            return 0
        return int(self.cube.loc[self.cube["inferred"].astype(bool), "n"].sum())

    @property
    def n_articles(self) -> int:
        """Every article under the filters (near-duplicates included), as the KPI counts them."""
        return int(self.cube["n"].sum()) if len(self.cube) else 0

    def n_plotted(self, tone_field: str) -> int:
        """The articles that have the plotted tone (snownlp scores can be missing)."""
        return int(field_sums(self.cube, tone_field)["n"].sum()) if len(self.cube) else 0

    @property
    def n_pages(self) -> int:
        return max(1, -(-self.n_articles // self.page_rows))


def read_aggregates(store, filters, *, freq: str) -> dict[str, Any]:
    """The sums every chart is drawn from: per day (tone_cube), per outlet and period, frame hits per day; and
    the undated articles per label (the event study counts what it leaves out)."""
    with store.reading():
        return {
            "cube": store.tone_cube(filters),
            "sources": store.source_cube(filters, freq=freq),
            "frames_by_day": store.frame_counts_by_day(filters),
            "undated": store.undated_labels(filters),
        }


def day_counts(cube: pd.DataFrame, tone_field: str = "tone") -> pd.Series:
    """Articles per day (those with the plotted tone), from the cube: what sampling and paging need to know."""
    rows = field_sums(cube, tone_field)
    return rows.groupby("date")["n"].sum() if len(rows) else pd.Series(dtype="int64")


def read_points(
    store, filters, *, tone_field: str, limit: int = SAMPLE_POINTS, cube: pd.DataFrame | None = None
) -> pd.DataFrame:
    """The main chart's article points: all of them up to `limit`, else a sample fair across days."""
    counts = None if cube is None else day_counts(cube, tone_field)
    return store.article_sample(filters, limit=limit, tone_field=tone_field, day_counts=counts)


def read_view(
    store,
    filters,
    *,
    freq: str,
    tone_field: str,
    page: int = 0,
    page_rows: int | None = None,
    picker_rows: int | None = None,
    sample: int | None = None,
    sort: str = DEFAULT_SORT,
) -> ViewData:
    """Everything the page reads for one view, through one connection; `page` (from 0) is clamped to the last.

    The explorer's page is one page of every filtered article in `sort` (newest first by default), sorted in
    DuckDB before paging. The sizes default to SAMPLE_POINTS, PAGE_ROWS and PICKER_ROWS (read at call time).
    """
    page_rows, picker_rows = page_rows or PAGE_ROWS, picker_rows or PICKER_ROWS
    sample = sample or SAMPLE_POINTS
    with store.reading():
        sums = read_aggregates(store, filters, freq=freq)
        counts = day_counts(sums["cube"])
        total = int(counts.sum())
        page = min(max(0, int(page)), max(0, -(-total // page_rows) - 1))
        return ViewData(
            **sums,
            points=read_points(store, filters, tone_field=tone_field, limit=sample, cube=sums["cube"]),
            page=_page(
                store, filters, sort=sort, limit=page_rows, offset=page * page_rows, day_counts=counts
            ),
            picker=store.article_page(filters, limit=picker_rows, newest_first=True, day_counts=counts),
            page_number=page,
            page_rows=page_rows,
            picker_rows=picker_rows,
            ranges=store.undated_ranges(filters, limit=RANGE_ROWS, tone_field=tone_field),
        )


def _page(store, filters, *, sort: str, limit: int, offset: int, day_counts: pd.Series) -> pd.DataFrame:
    """The explorer's page: by date through the day-bounded read, any other sort over every filtered row."""
    if sort in ("date_desc", "date_asc"):
        newest = sort == "date_desc"
        return store.article_page(
            filters, limit=limit, offset=offset, newest_first=newest, day_counts=day_counts
        )
    return store.sorted_page(filters, sort=sort, limit=limit, offset=offset)


def view_series(
    data: ViewData,
    prices: pd.DataFrame,
    *,
    ticker: str,
    tone_field: str,
    freq: str,
    benchmark: str,
    date_from: date | None = None,
    date_to: date | None = None,
    market: bool = True,
) -> dict:
    """The KPIs and every narrative series the page draws, from the view's sums (no article rows).

    The KPIs count every article in range; the series that need a day (tone index, shifts, lead/lag) leave out
    articles whose day is only inferred: the middle of a range is not the day it appeared (the event study
    receives them to count what it leaves out). `index` carries the tone z-score against its rolling baseline
    (settings); `lead_lag_method` states the calendar, the statistic and the correction of the lead/lag table.
    `market=False` leaves out lead/lag and the event study (the market page's; the overview draws neither, and
    they are most of a first load's statistics).
    """
    dated = dated_cube(data.cube)
    index = tone_index(dated, freq="D", tone_field=tone_field)
    periods = tone_band(dated, freq=freq, tone_field=tone_field)
    # Shifts on the period index, as `report` finds them: the dashboard writes out the report's shifts.
    shifts = detect_shifts(tone_index(dated, freq=freq, tone_field=tone_field), data.frames_by_day)
    kpis: Kpis = kpis_from_cube(
        data.cube, prices, ticker=ticker, tone_field=tone_field, date_from=date_from, date_to=date_to
    )
    series = {
        "kpis": kpis,
        "index": index,
        "periods": periods,
        "shifts": shifts,
        "tone_change": tone_change(periods, shifts),
        "frame_shares": frame_shares(data.frames_by_day, freq=freq),
        "source_tone": source_tone(data.sources, tone_field=tone_field),
    }
    if market:
        lead = lead_lag(dated, prices, ticker=ticker, tone_field=tone_field)
        series |= {
            "lead_lag": lead,
            "lead_lag_method": lead.attrs["method"],
            "event_study": event_study(
                data.cube, prices, ticker=ticker, benchmark=benchmark, undated=data.undated
            ),
        }
    return series


def dated_cube(cube: pd.DataFrame) -> pd.DataFrame:
    """The cube's rows of articles with a stated day (an inferred range's middle is not one)."""
    if not len(cube) or "inferred" not in cube:
        return cube
    return cube[~cube["inferred"].astype(bool)].reset_index(drop=True)


def read_series(
    store, filters, data: ViewData, *, tone_field: str, freq: str, benchmark: str, market: bool = True
) -> dict:
    """view_series of a view read by read_view under the same filters, with the stored prices.

    Prices are read whole: the return windows of lead/lag and the event study reach past the filtered dates.
    """
    return view_series(data, store.prices(), ticker=filters.ticker, tone_field=tone_field, freq=freq,
                       benchmark=benchmark, date_from=filters.date_from, date_to=filters.date_to,
                       market=market)  # fmt: skip
