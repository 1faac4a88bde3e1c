"""Data in and out of the page: uploaded price files, the problems of an upload, the CSV download."""

from __future__ import annotations

import pandas as pd

from analysis.companies import check_ticker
from analysis.csv_guard import guard_frame
from analysis.store.outlets import with_outlet


def articles_csv(articles: pd.DataFrame) -> bytes:
    """The filtered scored articles as UTF-8 CSV with a BOM (Excel reads Chinese), formula cells defused."""
    return guard_frame(articles).to_csv(index=False).encode("utf-8-sig")


def filtered_articles_csv(store, filters) -> bytes:
    """articles_csv of every article under the filters, read when the download is asked for (not per view); the
    outlet as written stays in `source`, the outlet it belongs to is added last as `outlet`."""
    with store.reading():
        return articles_csv(with_outlet(store.scored_articles(filters), store.outlet_names()))


def import_price_upload(
    store, data: bytes, *, name: str, ticker: str, accept_level: bool = False
) -> tuple[int, list[str]]:
    """Parse an uploaded price CSV and replace that ticker's days all-or-nothing, as a batch that can be undone;
    a level that does not fit the stored series is refused unless accept_level. Returns (rows, warnings)."""
    from analysis.price_import import import_price_data

    done = import_price_data(store, data, name=name, ticker=check_ticker(ticker), accept_level=accept_level)
    return done.rows, done.warnings


def upload_rows(summary) -> pd.DataFrame:
    """One row per problem of an ingest (file, row, outcome, reason): shown as a table, never as markup."""
    rows = [
        {"file": p.path, "row": p.row, "outcome": "rejected" if p.fatal else "warning", "reason": p.reason}
        for p in [*summary.problems, *summary.warnings]
    ]
    frame = pd.DataFrame(rows, columns=["file", "row", "outcome", "reason"])
    frame["row"] = frame["row"].astype("Int64")
    return guard_frame(frame)  # shown in a table whose toolbar downloads it as CSV
