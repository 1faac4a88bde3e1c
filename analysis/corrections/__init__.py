"""The analyst's corrections: relabel a sentence, a sentence's frame or an article's stance, and win at once.

correct(store, article_id, "label", "negative", start=12, end=40)   # one sentence, rescored and stored
correct(store, article_id, "stance", "bearish")                      # the article
import_corrections(store, "corrections.csv"); export_corrections(store, "corrections.csv")
status(store) -> {"total", "in_force", "articles", "learned", "not_learned"}
"""

from __future__ import annotations

from pathlib import Path

from analysis.corrections.csvfile import CSV_COLUMNS, as_dict, export_corrections, read_csv, write_csv
from analysis.corrections.workflow import correct, frame_names, rescore, save, status
from analysis.scoring.corrections import (
    FIELDS,
    NO_FRAME,
    SENTENCE_LABELS,
    STANCES,
    Correction,
)
from analysis.store import Store

__all__ = [
    "CSV_COLUMNS", "FIELDS", "NO_FRAME", "SENTENCE_LABELS", "STANCES", "Correction", "as_dict", "correct",
    "export_corrections", "frame_names", "import_corrections", "read_csv", "rescore", "save", "status", "write_csv",
]  # fmt: skip


def import_corrections(
    store: Store, path: str | Path, *, ticker: str | None = None, data_dir: Path | None = None
) -> tuple[int, int]:
    """Import a corrections CSV (all rows or none) and rescore their articles; returns (added, already stored)."""
    corrections, lines = read_csv(path)
    return save(store, corrections, ticker=ticker, data_dir=data_dir, where=str(path), rows=lines)
