"""Corrections to and from CSV: every correction ever made (the history), so an exported file imports back as is.

Columns: article_id, start, end, field, old, new, scorer, version, created_at (ISO time; start and end empty for
an article-level correction). Importing checks every row before storing any, and names the bad row and field;
a row already stored (same target, new value and time) is skipped, so importing an export adds nothing.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from analysis.csv_guard import guard, unguard
from analysis.errors import InputError
from analysis.scoring.corrections import Correction
from analysis.store import Store

CSV_COLUMNS = ("article_id", "start", "end", "field", "old", "new", "scorer", "version", "created_at")


def as_dict(correction: Correction) -> dict:
    """One correction as a CSV row / JSON object (times as ISO text, missing values as None)."""
    return {
        "article_id": correction.article_id,
        "start": correction.start,
        "end": correction.end,
        "field": correction.field,
        "old": correction.old,
        "new": correction.new,
        "scorer": correction.scorer,
        "version": correction.version,
        "created_at": correction.created_at.isoformat() if correction.created_at else None,
    }


def write_csv(corrections: Sequence[Correction], out: io.TextIOBase) -> int:
    """Write the corrections as CSV rows under the CSV_COLUMNS header; returns how many."""
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for correction in corrections:
        writer.writerow({k: "" if v is None else guard(v) for k, v in as_dict(correction).items()})
    return len(corrections)


def export_corrections(store: Store, path: str | Path) -> int:
    """Every correction of the store (history included) to a CSV file; returns how many."""
    with open(path, "w", encoding="utf-8", newline="") as out:
        return write_csv(store.corrections(history=True), out)


def read_csv(path: str | Path) -> tuple[list[Correction], list[int]]:
    """The corrections of a CSV file and each one's line; InputError naming the row and field of a bad one."""
    name = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise InputError(f"cannot read the file ({exc.strerror or exc})", path=name) from exc
    except UnicodeDecodeError as exc:
        raise InputError("is not UTF-8 text", path=name) from exc
    reader = csv.DictReader(io.StringIO(text, newline=""))
    missing = [c for c in CSV_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise InputError(
            f"missing column(s) {', '.join(missing)}; needs {', '.join(CSV_COLUMNS)}", path=name, row=1
        )
    corrections, lines = [], []
    for record in reader:
        line = reader.line_num
        if None in record:
            raise InputError("has more cells than the header", path=name, row=line)
        corrections.append(_parse(record, where=name, row=line))
        lines.append(line)
    return corrections, lines


def _parse(record: dict, *, where: str, row: int) -> Correction:
    def text(column: str) -> str | None:
        value = unguard((record.get(column) or "").strip())
        return value or None

    def number(column: str) -> int | None:
        value = text(column)
        if value is None:
            return None
        try:
            return int(value)
        except ValueError:
            raise InputError(f"{value!r} is not a whole number", path=where, row=row, field=column) from None

    created = text("created_at")
    try:
        created_at = datetime.fromisoformat(created) if created else datetime.now()
    except ValueError:
        raise InputError(f"{created!r} is not an ISO time", path=where, row=row, field="created_at") from None
    if created_at.tzinfo is not None:  # stored as local wall-clock time, as the product writes them
        created_at = created_at.astimezone().replace(tzinfo=None)
    return Correction(
        article_id=text("article_id") or "", field=text("field") or "", new=text("new") or "",
        start=number("start"), end=number("end"), old=text("old"), scorer=text("scorer"),
        version=text("version"), created_at=created_at,
    )  # fmt: skip
