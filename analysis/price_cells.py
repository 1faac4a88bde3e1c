"""Cells of a price file: numbers (decimal points or commas), ticker names, and closes that jump off the series."""

from __future__ import annotations

import math
import re

from analysis import settings

_DECIMAL_POINT = re.compile(r"^[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)\.\d+$")
_DECIMAL_COMMA = re.compile(r"^[+-]?\d+,(?:\d{1,2}|\d{4,})$|^[+-]?\d{1,3}(?:\.\d{3})+,\d+$")


def same_ticker(written: str, expected: str) -> bool:
    """Whether a file's ticker cell names the expected ticker: '1810.HK', '01810', '1810' are one; 'AAPL' is not."""

    def base(value: str) -> str:
        head = value.strip().upper().split(".")[0]
        return head.lstrip("0") or head if head.isdigit() else head

    return written.strip().upper() == expected.strip().upper() or base(written) == base(expected)


def parse_number(
    raw: str, *, style: str | None = None, integer: bool = False
) -> tuple[float | None, str | None]:
    """A number cell: '40.10', '1,234.5', decimal comma '40,10' / '1.234,5'; (None, why) when it cannot be read.

    A lone comma before exactly three digits ('4,010') is a thousands separator in a file that writes decimal
    points, a decimal comma in one that writes decimal commas, and refused as ambiguous otherwise (volumes,
    whole numbers, are read as thousands).
    """
    text = raw.replace(" ", "").replace("\u00a0", "")
    if "," in text and "." in text:
        decimal = "," if text.rfind(",") > text.rfind(".") else "."
        text = text.replace("." if decimal == "," else ",", "").replace(",", ".")
    elif text.count(",") > 1:
        if not re.fullmatch(r"[+-]?\d{1,3}(?:,\d{3})+", text):
            return None, "unparsable"
        text = text.replace(",", "")
    elif "," in text:
        digits_after = len(text) - text.index(",") - 1
        if digits_after != 3:
            if style == "point":
                return None, "decimal comma in a file of decimal points:"
            text = text.replace(",", ".")
        elif style == "comma":
            text = text.replace(",", ".")
        elif style == "point" or integer:
            text = text.replace(",", "")
        else:
            return None, "ambiguous (decimal comma or thousands separator?)"
    try:
        number = float(text)
    except ValueError:
        return None, "unparsable"
    if not math.isfinite(number):
        return None, "non-finite"
    return number, None


def decimal_style(rows: list[list[str]], mapping: dict[str, int]) -> str | None:
    """'comma' or 'point' when the file's price cells show which it writes, else None."""
    positions = [mapping[c] for c in ("open", "high", "low", "close") if c in mapping]
    for row in rows[:5000]:
        for position in positions:
            cell = row[position].strip() if position < len(row) else ""
            if _DECIMAL_COMMA.match(cell):
                return "comma"
            if _DECIMAL_POINT.match(cell):
                return "point"
    return None


def jumps(records: list[dict]) -> list[str]:
    """Rows whose close is more than NARRATIVE_PRICE_JUMP_FACTOR off every neighbour (a spike, not a split)."""
    factor = settings.current().price_jump_factor
    ordered = sorted(records, key=lambda r: r["date"])
    problems = []
    for index, record in enumerate(ordered):
        neighbours = [ordered[i]["close"] for i in (index - 1, index + 1) if 0 <= i < len(ordered)]
        close = record["close"]
        ratios = [max(close / n, n / close) for n in neighbours]
        if ratios and min(ratios) > factor:
            problems.append(
                f"{record['_where']}: close {close:g} is {min(ratios):.3g}× off its neighbours "
                f"(limit {factor:g}, NARRATIVE_PRICE_JUMP_FACTOR)"
            )
    return problems
