"""Spreadsheet formulas defused in every CSV the product writes: one rule, changing real text as little as possible.

Excel and LibreOffice (with "evaluate formulas") read a cell whose first non-blank character is = + - or @ as a
formula, unless it is a plain number: "-5%", "+3.2" and "-1,234.5" open as those numbers, so they are left as
they are. Any other such cell gets one leading apostrophe, which spreadsheets take as "this is text": a title
"=HYPERLINK(…)" or "-5%! 小米股价…" opens as text instead of running or failing as a formula. Nothing else is
changed; `unguard` takes the apostrophe off again where the product reads its own CSV back.
"""

from __future__ import annotations

import re

import pandas as pd

_TRIGGERS = ("=", "+", "-", "@")
_BLANK = " \t\r\n"  # leading tab and CR: some importers drop them, which would leave the trigger first
# A number a spreadsheet reads as a number (not a formula): sign, digits with thousands commas, decimals,
# exponent, percent.
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d[\d,]*(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?%?")


def is_formula(text: str) -> bool:
    """Whether a spreadsheet would take this cell as a formula."""
    head = text.lstrip(_BLANK)
    return head[:1] in _TRIGGERS and head != "" and not _PLAIN_NUMBER.fullmatch(head.rstrip(_BLANK))


def _needs_guard(text: str) -> bool:
    # Apostrophes already in front count too ("'=1" becomes "''=1"), so unguard() always gives the text back.
    return is_formula(text.lstrip("'"))


def guard(value: object) -> object:
    """The cell as it goes into a CSV: a leading apostrophe where it would be a formula, else unchanged."""
    if isinstance(value, str) and _needs_guard(value):
        return "'" + value
    return value


def unguard(value: str) -> str:
    """A cell of the product's own CSV as it was before guard()."""
    return value[1:] if value.startswith("'") and _needs_guard(value[1:]) else value


def guard_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of the frame with every text cell guarded (numbers, dates and missing values untouched)."""
    guarded = frame.copy()
    for column in guarded.columns:
        if guarded[column].dtype == object or pd.api.types.is_string_dtype(guarded[column].dtype):
            guarded[column] = guarded[column].map(guard)
    if guarded.columns.dtype == object:  # header cells leave in the CSV too
        guarded.columns = [guard(c) for c in guarded.columns]
    return guarded
