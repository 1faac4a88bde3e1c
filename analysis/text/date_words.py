"""The date vocabulary: the pieces every date pattern is built from, in one place.

Years, months and days as digits, their separators and Chinese marks, clock times, English month and weekday
names, Chinese weekday numerals and relative day words. Ingest (stated dates, implied ranges), the price
statements and sentence segmentation each build their own patterns from these for their own purpose. Every
fragment is bounded (no nested unbounded quantifier), so the patterns built from them scan linearly; the
fragments hold no capturing groups, so callers name the groups they read.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

# Digits are ASCII: ingest NFKC-normalises full-width digits before any date is read.
YEAR = r"\d{4}"
RECENT_YEAR = r"20\d{2}"  # a year a URL or a bare '2025年' can mean: this century
MONTH = r"\d{1,2}"
DAY = r"\d{1,2}"
MONTH_2 = r"[01]\d"  # two-digit month in a compact URL date (20250319)
DAY_2 = r"[0-3]\d"
NUMERIC_SEPARATOR = r"[-/.]"  # 2025-11-18, 2025/11/18, 2025.11.18 (spaces around allowed by callers)
ORDINAL = r"(?:st|nd|rd|th)"  # 1st, 22nd, 3rd, 4th
YEAR_MARK = "年"
MONTH_MARK = "月"
DAY_MARK = "[日号號]"  # 18日, 18号 (and 號 in traditional text, before conversion)
# What may follow a year and month: '2025年10月份', '10月底', '10月中旬'.
PART_OF_MONTH = r"(?:份|底|末|初|中旬|下旬|上旬)"
# A time zone after a clock time: 'GMT+10', 'UTC+8', '+08:00', 'HKT', 'Z'.
TIME_ZONE = r"(?:\s*(?:(?:GMT|UTC|HKT|CST|BST|AEST|AEDT)\s*(?:[+-]\d{1,2}(?::?\d{2})?)?|[+-]\d{2}:?\d{2}|Z)(?![A-Za-z]))"
# A clock time after a date: '2025-09-28 13:35', '2025-09-28T13:35:02', '11月18日 09：30',
# '21 Nov 2025, 17:56 GMT+10', '5:30 pm HKT'.
TIME = r"(?:\s*,?\s*T?\s*\d{1,2}[:：]\d{2}(?:[:：]\d{2})?(?:\s*[AaPp]\.?[Mm]\.?)?" + TIME_ZONE + "?)"
CLOCK = r"\b\d{1,2}:\d{2}(?::\d{2})?\b"  # a time on its own: '10:55', '14:37:41'

MONTH_NUMBERS: dict[str, int] = {
    name: number
    for number, names in enumerate(
        ["jan january", "feb february", "mar march", "apr april", "may", "jun june", "jul july",
         "aug august", "sep sept september", "oct october", "nov november", "dec december"],
        start=1,
    )
    for name in names.split()
}  # fmt: skip
WEEKDAY_NUMBERS: dict[str, int] = {
    name: number
    for number, name in enumerate(
        ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
    )
}
# Chinese weekday numerals: 周一 is Monday (0) … 周六 Saturday; 周日 and 周天 are Sunday.
WEEKDAY_NUMERALS: dict[str, int] = dict(zip("一二三四五六", range(6), strict=True)) | {"日": 6, "天": 6}
WEEK_WORDS = ("周", "週", "星期", "禮拜", "礼拜")  # '周五', '星期五', '礼拜五'
LAST_WEEK_WORDS = ("上周", "上星期", "上礼拜")
THIS_WEEK_WORDS = ("本周", "这周", "本星期")
TODAY_WORDS = ("今天", "今日")
# Relative day words and how many days before the day they are written they name.
DAYS_BACK: dict[str, int] = {"今天": 0, "今日": 0, "昨天": 1, "昨日": 1, "前天": 2}


def alternation(words: Iterable[str]) -> str:
    """A non-capturing alternation of literal words, longest first so 'september' wins over 'sep'."""
    return "(?:" + "|".join(re.escape(w) for w in sorted(set(words), key=lambda w: (-len(w), w))) + ")"


MONTH_NAME = alternation(MONTH_NUMBERS)  # case-insensitive patterns only
WEEKDAY_NAME = alternation(WEEKDAY_NUMBERS)
WEEKDAY_NUMERAL = "[" + "".join(WEEKDAY_NUMERALS) + "]"
WEEK_WORD = alternation(WEEK_WORDS)
LAST_WEEK = alternation(LAST_WEEK_WORDS)
THIS_WEEK = alternation(THIS_WEEK_WORDS)
RELATIVE_WEEK = alternation(LAST_WEEK_WORDS + THIS_WEEK_WORDS)
RELATIVE_DAY = alternation(DAYS_BACK)
TODAY_WORD = alternation(TODAY_WORDS)
YESTERDAY_WORD = alternation(w for w, back in DAYS_BACK.items() if back == 1)


def month_number(name: str) -> int:
    """The month an English month name or abbreviation stands for ('Sept.' → 9); KeyError otherwise."""
    return MONTH_NUMBERS[name.lower().rstrip(".")]


# Where a numeric date 05/11/2025 means 5 November: outlets of these places write day first (Hong Kong,
# Macau, Taiwan's English pages, the UK and the Commonwealth); the United States writes month first.
DAY_FIRST_TLDS = frozenset("hk mo tw uk au nz sg in ie my za ph pk".split())
MONTH_FIRST_TLDS = frozenset({"us"})
