"""Standalone relative day words ('上周五', '昨日', 'last Friday', 'on Tuesday') read against a stated date.

Such a word names a day only relative to when the article was written, and the text alone does not say
when that was. So a word is resolved only against the article's best stated date (its anchor: manifest,
front matter, dateline, feed or URL, in the order ingest ranks them), never to a day after that anchor; with
no anchor nothing is resolved, and the note on the article says so. The published date itself never comes
from these words: a calendar date written beside them ('10月31日(上周五)') is what implied_dates reads.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from analysis.text import date_words as dw

# The bases that state when the article was written: a relative word can be read against them.
ANCHOR_BASES = ("manifest", "front_matter", "header", "feed", "url")
_ANCHOR_NAMES = {
    "manifest": "manifest",
    "front_matter": "front-matter",
    "header": "dateline",
    "feed": "feed",
    "url": "URL",
}
_MAX_LISTED = 5  # relative words listed in a note; the rest are counted

_ZH_DAYS_BACK = dw.alternation(w for w, back in dw.DAYS_BACK.items() if back > 0)  # 昨天, 昨日, 前天
# '每周五' is every Friday, '周一至周五' a span of weekdays and '一周二十万' a rate: none names one day.
_ZH_WEEKDAY = rf"(?<![每隔至到])(?P<zh_week>[上本这])?{dw.WEEK_WORD}(?P<zh_wd>{dw.WEEKDAY_NUMERAL})(?![至到\-~～十百千万亿])"
_EN_WEEKDAY = rf"\b(?P<en_week>last|this|on)\s+(?P<en_wd>{dw.WEEKDAY_NAME})\b"
_RELATIVE_DAY = re.compile(
    rf"(?P<zh_back>{_ZH_DAYS_BACK})|{_ZH_WEEKDAY}|(?P<en_back>\byesterday\b)|{_EN_WEEKDAY}", re.I
)
# '10月31日(上周五)', '昨日(18日)': a relative word beside its calendar date is implied_dates' to read.
_WITH_CALENDAR_DATE = re.compile(r"\s*[(（]\s*(?:\d{1,2}月)?\d{1,2}日\s*[)）]")
_AFTER_CALENDAR_DATE = re.compile(r"日\s*[(（]\s*$")


@dataclass(frozen=True)
class RelativeDay:
    """One relative day word in the text and what it resolves to (None: not resolved, `basis` says why)."""

    start: int
    end: int
    raw: str
    day: date | None
    basis: str  # 'relative to the URL date 2025-11-18', or why it is not resolved


def find_relative_days(text: str) -> list[tuple[int, int, str, int, str]]:
    """Every standalone relative day word: (start, end, raw, days back or weekday, week: back|last|this|on).

    One pass of one bounded pattern (linear). For 'back' the number is the days before the anchor; for the
    weeks it is the weekday (Monday 0): 'last' the previous calendar week's, 'this' the anchor's own week,
    'on' the latest such weekday on or before the anchor.
    """
    found = []
    for match in _RELATIVE_DAY.finditer(text):
        beside = _WITH_CALENDAR_DATE.match(text, match.end()) or _AFTER_CALENDAR_DATE.search(
            text[max(0, match.start() - 4) : match.start()]
        )
        if beside:
            continue  # '昨日(18日)' is read with its calendar date (implied_dates)
        raw = match.group(0)
        if match["zh_back"]:
            found.append((match.start(), match.end(), raw, dw.DAYS_BACK[match["zh_back"]], "back"))
        elif match["en_back"]:
            found.append((match.start(), match.end(), raw, 1, "back"))
        elif match["zh_wd"]:
            week = "last" if match["zh_week"] == "上" else "this"
            found.append((match.start(), match.end(), raw, dw.WEEKDAY_NUMERALS[match["zh_wd"]], week))
        else:
            weekday = dw.WEEKDAY_NUMBERS[match["en_wd"].lower()]
            found.append((match.start(), match.end(), raw, weekday, match["en_week"].lower()))
    return found


def resolve_relative_day(number: int, week: str, anchor: date) -> date | None:
    """The day a relative word names when written on `anchor`; None when that would be after the anchor."""
    if week == "back":
        return anchor - timedelta(days=number)
    monday = anchor - timedelta(days=anchor.weekday())
    if week == "last":
        return monday - timedelta(days=7) + timedelta(days=number)
    if week == "on":
        return anchor - timedelta(days=(anchor.weekday() - number) % 7)
    day = monday + timedelta(days=number)  # 'this': the anchor's own week
    return day if day <= anchor else None


def relative_days(
    text: str, anchor: date | None, anchor_basis: str, *, shown: str | None = None
) -> list[RelativeDay]:
    """The text's relative day words, each resolved against the anchor when it is a stated date.

    `text` is the simplified copy the patterns read; `shown` the text as published (the same offsets), so
    a word is quoted as the article writes it ('上週五').
    """
    out = []
    name = _ANCHOR_NAMES.get(anchor_basis)
    for start, end, raw, number, week in find_relative_days(text):
        if shown is not None and len(shown) == len(text):
            raw = shown[start:end]
        if anchor is None or name is None:
            out.append(RelativeDay(start, end, raw, None, "not resolved: no stated date to read it against"))
            continue
        day = resolve_relative_day(number, week, anchor)
        if day is None:
            basis = f"not resolved: it falls after the {name} date {anchor.isoformat()} (a plan?)"
        else:
            basis = f"relative to the {name} date {anchor.isoformat()}"
        out.append(RelativeDay(start, end, raw, day, basis))
    return out


def relative_day_notes(
    text: str, anchor: date | None, anchor_basis: str, *, shown: str | None = None
) -> list[str]:
    """One note per outcome saying which relative words were read against which anchor, or why not."""
    found = relative_days(text, anchor, anchor_basis, shown=shown)
    if not found:
        return []
    name = _ANCHOR_NAMES.get(anchor_basis)
    if anchor is None or name is None:
        words = _listed([f"'{r.raw}'" for r in found])
        return [
            f"relative dates not resolved ({words}): the text states no date (URL, feed, front matter or "
            "dateline) to read them against"
        ]
    notes = []
    resolved = [f"'{r.raw}' = {r.day.isoformat()}" for r in found if r.day]
    if resolved:
        notes.append(f"relative dates read against the {name} date {anchor.isoformat()}: {_listed(resolved)}")
    after = [f"'{r.raw}'" for r in found if r.day is None]
    if after:
        notes.append(
            f"relative dates not resolved ({_listed(after)}): they fall after the {name} date "
            f"{anchor.isoformat()} (plans?)"
        )
    return notes


def _listed(items: list[str]) -> str:
    unique = list(dict.fromkeys(items))
    shown = ", ".join(unique[:_MAX_LISTED])
    return shown + (f" and {len(unique) - _MAX_LISTED} more" if len(unique) > _MAX_LISTED else "")
