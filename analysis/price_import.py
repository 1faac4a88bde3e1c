"""Price imports over a store: parse, refuse a level that does not fit the stored series unless confirmed,
write as a batch that `prices undo` (or the dashboard's undo button) reverts."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from analysis.errors import PriceLevelError
from analysis.prices import compare_with_stored, parse_price_csv
from analysis.store import Store


@dataclass
class PriceImport:
    """What one import did: the ticker, rows written, its batch id (for undo) and warnings about the data."""

    ticker: str
    rows: int
    batch_id: int
    warnings: list[str] = field(default_factory=list)


def import_price_frame(
    store: Store, frame: pd.DataFrame, *, ticker: str, source: str, name: str, accept_level: bool = False
) -> PriceImport:
    """Write parsed bars as one batch; a level mismatch is refused (PriceLevelError) unless accept_level."""
    mismatches, notes = compare_with_stored(frame, store.prices([ticker]))
    if mismatches and not accept_level:
        raise PriceLevelError(
            f"refused for {ticker}: {'; '.join(mismatches)}. Check the ticker and currency; to import it anyway, "
            "confirm the level (CLI: --accept-level)",
            path=name,
        )
    batch_id, rows = store.import_prices(ticker, frame, source=source, level_accepted=bool(mismatches))
    return PriceImport(ticker, rows, batch_id, mismatches + notes)


def import_price_path(store: Store, path: Path, *, ticker: str, accept_level: bool = False) -> PriceImport:
    """Import one price CSV all-or-nothing, as a batch."""
    frame = parse_price_csv(Path(path), name=str(path), ticker=ticker)
    return import_price_frame(
        store, frame, ticker=ticker, source=Path(path).name, name=str(path), accept_level=accept_level
    )


def import_price_data(
    store: Store, data: bytes, *, name: str, ticker: str, accept_level: bool = False
) -> PriceImport:
    """Import uploaded price CSV bytes all-or-nothing, as a batch (the source names the upload, not a path)."""
    frame = parse_price_csv(data, name=name, ticker=ticker)
    return import_price_frame(
        store, frame, ticker=ticker, source=f"upload:{Path(name).name}", name=name, accept_level=accept_level
    )


def undo_price_import(store: Store, *, ticker: str | None = None, batch_id: int | None = None) -> str:
    """Revert the last price import (of a ticker) or a named one; returns a line saying what was undone."""
    batch = store.undo_prices(ticker=ticker, batch_id=batch_id)
    return (
        f"undid price import {batch['batch_id']} ({batch['n_rows']} days of {batch['ticker']} from "
        f"{batch['source']}, imported {batch['imported_at']:%Y-%m-%d %H:%M}): the previous prices are back"
    )
