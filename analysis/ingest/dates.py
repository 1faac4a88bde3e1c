"""Date mentions in text and URLs, and the published date with how it is known (basis) and a range."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache
from urllib.parse import urlparse

from analysis.ingest.patterns import load_patterns
from analysis.text import date_words as dw
from analysis.text.spans import first_wins, free_of

EARLIEST = date(2000, 1, 1)
_MON = rf"(?P<mon>{dw.MONTH_NAME})"
_Y, _M, _D = rf"(?P<y>{dw.YEAR})", rf"(?P<m>{dw.MONTH})", rf"(?P<d>{dw.DAY})"
_TIME = dw.TIME
# Full dates, most specific first; digits are ASCII after NFKC.
_FULL = [
    re.compile(rf"(?<!\d){_Y}\s*年\s*{_M}\s*月\s*{_D}\s*{dw.DAY_MARK}?"),
    # '2025-1-25', '2025 / 01 / 25': unpadded, spaces around the separator (each at most a few)
    re.compile(
        rf"(?<![\d.]){_Y} {{0,2}}(?P<sep>{dw.NUMERIC_SEPARATOR}) {{0,2}}{_M} {{0,2}}(?P=sep) {{0,2}}{_D}(?![\d])"
    ),
    re.compile(rf"(?<![\d/])(?P<a>{dw.DAY}) {{0,2}}/ {{0,2}}(?P<b>{dw.MONTH}) {{0,2}}/ {{0,2}}{_Y}(?!\d)"),
    re.compile(rf"(?<![\w]){_D}{dw.ORDINAL}?\s+{_MON}\.?,?\s+{_Y}(?!\d)", re.I),
    re.compile(rf"(?<![\w]){_MON}\.?\s+{_D}{dw.ORDINAL}?,?\s+{_Y}(?!\d)", re.I),
]
_YEAR_MONTH = [
    re.compile(rf"(?<!\d){_Y}\s*年\s*{_M}\s*月(?!\s*{dw.DAY}\s*{dw.DAY_MARK}){dw.PART_OF_MONTH}?"),
    re.compile(rf"(?<![\w]){_MON}\.?,?\s+{_Y}(?!\d)", re.I),
]
_THIS_YEAR_MONTH = re.compile(rf"(?:今年|本年)\s*{_M}\s*月")
MONTH_DAY = re.compile(rf"(?<![\d年]){_M}\s*月\s*{_D}\s*{dw.DAY_MARK}")
_YEAR = re.compile(rf"(?<!\d)(?P<y>{dw.RECENT_YEAR})\s*年")
# A dateline without the year: '09-28 13:35', 'Escalade 09-28 13:35', '11月18日 09:30'
YEARLESS_DATELINES = (
    re.compile(rf"^(?:\S{{0,20}}\s+)?{_M}-{_D}{_TIME}\s*$"),
    re.compile(rf"^(?:\S{{0,20}}\s+)?{_M}\s*月\s*{_D}\s*日{_TIME}\s*$"),
)
# What may follow a date at the start of a dateline: '2025-04-01 来源：新浪财经', '2025年4月1日 | 作者 张三'
_AFTER_DATE_LABEL = re.compile(
    r"^\s*(?:[|｜/·•]\s*)?(?:来源|作者|编辑|责编|source|by\b|阅读|浏览|发布)", re.I
)
_RY, _M2, _D2 = rf"(?P<y>{dw.RECENT_YEAR})", rf"(?P<m>{dw.MONTH_2})", rf"(?P<d>{dw.DAY_2})"
_URL_DATES = [
    re.compile(rf"/{_RY}/{_M2}{_D2}(?:/|$)"),  # /2025/1118/
    re.compile(rf"/{_RY}/{_M}/{_D}(?:/|$)"),  # /2025/08/01/
    re.compile(rf"(?<![0-9A-Za-z]){_RY}{_M2}/{_D2}(?:/|$)"),  # 202405/27/
    re.compile(rf"(?<![0-9A-Za-z]){_RY}-(?P<m>[01]?\d)-(?P<d>[0-3]?\d)(?!\d)"),  # 2024-04-12
    re.compile(rf"(?<![0-9A-Za-z]){_RY}{_M2}{_D2}"),  # 20250319, 2024041515482…
    re.compile(rf"/t{_RY}{_M2}{_D2}(?:[_./]|$)"),  # /202503/t20250319_123.html
]
_FOUR_DIGITS = re.compile(r"\d{4}")
# What a date alone on a line may carry around it.
_NOT_BARE = re.compile(rf"[\s\-–|｜/,，.:：()（）星期周{''.join(dw.WEEKDAY_NUMERALS)}]")
_LABEL_WINDOW = 80  # characters before a date searched for its label (the longest label is ~35)


@dataclass(frozen=True)
class Mention:
    """A date written in the text: day precision when day is set, else month precision."""

    start: int
    end: int
    year: int
    month: int
    day: int | None
    # 05/11/2025 where nothing says which number is the day: the other reading (month, day)
    alternative: tuple[int, int] | None = None


@dataclass(frozen=True)
class DateFinding:
    """The published date and how it is known; published is None when only a range can be inferred."""

    published: date | None = None
    basis: str = "none"
    start: date | None = None
    end: date | None = None
    evidence: str | None = None
    line: int | None = None  # the dateline's line index, so cleaning can drop it
    warnings: tuple[str, ...] = field(default_factory=tuple)


def make_date(year: int, month: int, day: int) -> date | None:
    """A date, or None when the numbers are not a calendar day."""
    try:
        return date(year, month, day)
    except ValueError:
        return None


def check_date(value: date | None, *, raw: str, where: str, today: date) -> tuple[date | None, str | None]:
    """Accept a stated date only if it exists and lies in 2000..today+1; otherwise a warning, never a fact."""
    if value is None:
        return None, f"{where}: {raw!r} is not a real date; ignored"
    if value < EARLIEST or value > today + timedelta(days=1):
        return None, f"{where}: {raw!r} is outside 2000..today; ignored"
    return value, None


def parse_date_value(value: object) -> date | None:
    """A date from a front-matter/CSV/manifest value: date, datetime or a string in any supported format."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).date()
    except ValueError:
        pass
    for mention in full_dates(text):
        return make_date(mention.year, mention.month, mention.day or 1)
    return None


def _full_from_match(match: re.Match[str], *, day_first: bool | None) -> Mention:
    groups = match.groupdict()
    year, (start, end) = int(groups["y"]), match.span()
    if groups.get("mon"):
        return Mention(start, end, year, dw.month_number(groups["mon"]), int(groups["d"]))
    if groups.get("a"):
        a, b = int(groups["a"]), int(groups["b"])
        # 19/11/2025 is day first and 11/19/2025 month first whatever the locale; 05/11/2025 follows it
        if a > 12 or a == b or (b <= 12 and day_first):
            return Mention(start, end, year, b, a)
        if b > 12 or day_first is False:
            return Mention(start, end, year, a, b)
        return Mention(start, end, year, a, b, alternative=(b, a))
    return Mention(start, end, year, int(groups["m"]), int(groups["d"]))


def day_first_order(text: str, *, url: str | None = None) -> bool | None:
    """Whether numeric dates put the day first: the outlet's place (URL), Chinese text, or the text's own
    unambiguous dates ('19/11/2025' is day first); None when nothing says."""
    host = _host(url)
    tld = host.rsplit(".", 1)[-1] if host else ""
    if tld in dw.DAY_FIRST_TLDS:
        return True
    if tld in dw.MONTH_FIRST_TLDS:
        return False
    if any("\u4e00" <= ch <= "\u9fff" for ch in text[:200]):
        return True  # Chinese text writes 18/11/2025 the Hong Kong way, never month first
    orders = set()
    for match in _FULL[2].finditer(text):
        a, b = int(match["a"]), int(match["b"])
        if a > 12 and b <= 12:
            orders.add(True)
        elif b > 12 and a <= 12:
            orders.add(False)
    return orders.pop() if len(orders) == 1 else None


def _host(url: str | None) -> str:
    if not url:
        return ""
    try:
        return (urlparse(url if "//" in url else f"//{url}").hostname or "").lower()
    except ValueError:
        return ""


@lru_cache(maxsize=256)
def full_dates(text: str, day_first: bool | None = None) -> tuple[Mention, ...]:
    """Every year-month-day written in the text, in order, overlapping matches removed (cached: pure).

    `day_first` orders 05/11/2025 (see day_first_order); without it the text's own evidence decides, and
    a date it leaves open carries its other reading (Mention.alternative).
    """
    if not _FOUR_DIGITS.search(text):
        return ()
    if day_first is None and "/" in text:
        day_first = day_first_order(text)
    return tuple(_full_from_match(match, day_first=day_first) for _, match in first_wins(_FULL, text))


def year_months(text: str, context_year: int | None, skip: list[tuple[int, int]]) -> list[Mention]:
    """Year-month mentions ('2025年10月', 'October 2025') outside the `skip` spans (sorted, disjoint)."""
    out = []
    for regex in _YEAR_MONTH:
        for match in free_of(skip, regex.finditer(text)):
            mon = match.groupdict().get("mon")
            month = dw.month_number(mon) if mon else int(match["m"])
            out.append(Mention(match.start(), match.end(), int(match["y"]), month, None))
    if context_year:
        for match in _THIS_YEAR_MONTH.finditer(text):
            out.append(Mention(match.start(), match.end(), context_year, int(match["m"]), None))
    return out


def context_year(text: str, today: date, *, explicit_only: bool = False) -> int | None:
    """The article's own year: the latest year written with a month or day, else the most frequent year.

    A bare year is often a plan ('需等到 2026 年才能提车'), so callers that can use a better bound ask for
    explicit years only.
    """
    explicit = [m.year for m in full_dates(text) if 2000 <= m.year <= today.year]
    explicit += [int(m["y"]) for m in _YEAR_MONTH[0].finditer(text) if 2000 <= int(m["y"]) <= today.year]
    if explicit:
        return max(explicit)
    if explicit_only:
        return None
    years = Counter(int(m["y"]) for m in _YEAR.finditer(text) if int(m["y"]) <= today.year)
    return max(years, key=lambda year: (years[year], year)) if years else None  # a tie: the later


def url_date(url: str | None, *, today: date) -> tuple[date | None, str | None]:
    """A date from the URL's path (/2025/1118/, 20250523, 2024-04-12, 202405/27) with its evidence."""
    if not url:
        return None, None
    try:
        path = urlparse(url).path
    except ValueError:  # 'http://[x': not a URL we can split, so no date in it
        return None, None
    for regex in _URL_DATES:
        for match in regex.finditer(path):
            value = make_date(int(match["y"]), int(match["m"]), int(match["d"]))
            if value and EARLIEST <= value <= today + timedelta(days=1):
                return value, match.group(0).strip("/")
    return None, None


@lru_cache(maxsize=1)
def _label_before() -> re.Pattern[str]:
    """A dateline label ending right before a date: 'Time:', '发布时间：', 'date '."""
    return re.compile(rf"(?:{load_patterns().header_label.pattern})\s*[:：]?\s*$", re.I)


@lru_cache(maxsize=4096)
def _dateline_mention(line: str) -> Mention | None:
    """The full date that makes this line a dateline: labelled, followed by a time, or alone on the line."""
    mentions = full_dates(line)
    for mention in mentions:
        # Each test reads a bounded window, never a slice to the line's end: a line of 160,000 dates stays
        # linear. Only short lines can be timed, bare or leading datelines.
        labelled = bool(_label_before().search(line[max(0, mention.start - _LABEL_WINDOW) : mention.start]))
        short = len(line) <= 80
        timed = short and bool(re.match(_TIME, line[mention.end :]))
        # another full date in the line is more than four other characters, so only a lone date can be bare
        bare = (
            len(mentions) == 1
            and len(_NOT_BARE.sub("", line[: mention.start] + _untimed(line, mention.end))) <= 4
        )
        leading = (
            len(line) <= 60
            and len(line[: mention.start].strip()) <= 2
            and bool(_AFTER_DATE_LABEL.match(line[mention.end :]))
        )
        if labelled or timed or bare or leading:
            return mention
    return None


def _untimed(line: str, end: int) -> str:
    """What follows a date, without the clock time and zone right after it ('21 Nov 2025, 17:56 GMT+10')."""
    after = line[end:]
    timed = re.match(_TIME, after)
    return after[timed.end() :] if timed else after


def is_dateline(line: str) -> bool:
    """True for a line that states when the page was published (with or without the year)."""
    if len(line) > 200 or not any(ch.isdigit() for ch in line[:120]):
        return False
    return _dateline_mention(line) is not None or any(regex.match(line) for regex in YEARLESS_DATELINES)


def first_dateline(lines: list[str], *, head: int = 15) -> int | None:
    """Index of the first dateline among the first non-empty lines."""
    seen = 0
    for index, line in enumerate(lines):
        if line:
            seen += 1
            if seen > head:
                return None
            if is_dateline(line):
                return index
    return None


def header_date(
    lines: list[str], *, today: date, head: int = 15, day_first: bool | None = None
) -> tuple[DateFinding | None, list[str]]:
    """An explicit dateline near the top: labelled ('Time:', 'date'), with a time, or a line that is a date.

    `day_first` (day_first_order of the article) orders a dateline like 05/11/2025; when nothing orders it,
    the finding is a range over both readings with basis 'ambiguous', never one of them as fact.
    """
    warnings: list[str] = []
    seen = 0
    for index, line in enumerate(lines):
        if not line:
            continue
        seen += 1
        if seen > head:
            break
        mention = _dateline_mention(line)
        if mention is None:
            continue
        raw = line[mention.start : mention.end]
        readings = [(mention.month, mention.day or 1)]
        if mention.alternative:
            readings = [mention.alternative] if day_first else readings
            if day_first is None:
                readings.append(mention.alternative)
        checked = []
        for month, day in readings:
            value, warning = check_date(
                make_date(mention.year, month, day), raw=raw, where="dateline", today=today
            )
            if value:
                checked.append(value)
            elif len(readings) == 1:
                warnings.append(warning or "")
        if not checked:
            continue
        if len(checked) == 1:
            return DateFinding(checked[0], "header", checked[0], checked[0], line.strip(), index), warnings
        note = (
            f"dateline {raw!r}: day and month order not known (outlet's place or the text would say); a range"
        )
        return (
            DateFinding(None, "ambiguous", min(checked), max(checked), line.strip(), index, (note,)),
            warnings,
        )
    return None, warnings
