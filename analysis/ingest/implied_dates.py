"""Dates the text implies rather than states: relative dates, the reported event, an inferred range."""

from __future__ import annotations

import re
from datetime import date, timedelta

from analysis.ingest.dates import (
    EARLIEST,
    MONTH_DAY,
    YEARLESS_DATELINES,
    DateFinding,
    Mention,
    check_date,
    context_year,
    full_dates,
    make_date,
    year_months,
)
from analysis.ingest.patterns import load_patterns
from analysis.text import date_words as dw
from analysis.text.spans import free_of

_M, _D = rf"(?P<m>{dw.MONTH})", rf"(?P<d>{dw.DAY})"
_DAY_DATELINE = re.compile(rf"^[《【(（]?[^\s》】]{{0,14}}?(?:{_M}月)?{_D}日(?:专讯|电|讯|消息)")
_WEEK_REL, _WEEKDAY = rf"(?P<rel>{dw.RELATIVE_WEEK})", rf"(?P<wd>{dw.WEEKDAY_NUMERAL})"
_RELATIVE = [
    re.compile(rf"{_M}月{_D}日\s*[(（]\s*{_WEEK_REL}{_WEEKDAY}\s*[)）]"),  # 10月31日(上周五)
    re.compile(rf"{_WEEK_REL}{_WEEKDAY}\s*[(（]\s*{_M}月{_D}日\s*[)）]"),  # 上周五(10月31日)
    re.compile(rf"(?P<rel>{dw.RELATIVE_DAY})\s*[(（]\s*(?:{_M}月)?{_D}日\s*[)）]"),  # 昨日(18日)
]
_SENTENCE_END = re.compile(r"(?<=[。！？!?])|(?<=\.)\s+")


def _lower_bound(text: str, today: date) -> date | None:
    """The earliest the article can be: its latest full date, or the first date of a thing it names."""
    bounds = [
        d
        for m in full_dates(text)
        if (d := make_date(m.year, m.month, m.day or 1)) and EARLIEST <= d <= today
    ]
    bounds += [since for regex, since in load_patterns().anchors if regex.search(text)]
    return max(bounds) if bounds else None


def _first_on_or_after(month: int, day: int, bound: date | None, today: date) -> date | None:
    """The first (month, day) on or after the bound; without a bound, the latest one not after today."""
    if bound:
        for year in range(bound.year, today.year + 1):
            value = make_date(year, month, day)
            if value and bound <= value <= today + timedelta(days=1):
                return value
    for year in range(today.year, EARLIEST.year - 1, -1):
        value = make_date(year, month, day)
        if value and value <= today:
            return value
    return None


def _next_month_day(day: int, bound: date | None, today: date) -> date | None:
    """The first day-of-month `day` on or after the bound (a dateline that gives only the day)."""
    if not bound:
        return None
    probe = bound
    for _ in range(3):
        value = make_date(probe.year, probe.month, day)
        if value and value >= bound:
            return value if value <= today + timedelta(days=1) else None
        probe = (probe.replace(day=1) + timedelta(days=32)).replace(day=1)
    return None


def relative_date(text: str, lines: list[str], *, today: date) -> DateFinding | None:
    """'10月31日(上周五)', '昨日(18日)', a year-less dateline ('09-28 13:35', '19日专讯') resolved by context."""
    years = context_year(text, today)
    for regex in _RELATIVE:
        match = regex.search(text)
        if not match:
            continue
        finding = _resolve_relative(match, years, text, today)
        if (
            finding
            and check_date(finding.published, raw=finding.evidence or "", where="relative", today=today)[0]
        ):
            return finding
    # the year comes from the text: a date it names (or a thing first public then), else the year it states
    bound = _lower_bound(text, today) or (make_date(years, 1, 1) if years else None)
    if bound is None:
        return None  # a year-less dateline with nothing to anchor its year: a guess is no date
    for index, line in enumerate(lines[:15]):
        match = next((m for regex in YEARLESS_DATELINES if (m := regex.match(line))), None)
        match = match or _DAY_DATELINE.match(line)
        if not match:
            continue
        month = match.groupdict().get("m")
        day = int(match["d"])
        value = (
            _first_on_or_after(int(month), day, bound, today) if month else _next_month_day(day, bound, today)
        )
        if value:
            note = f"year not stated: {value.year} from the text's own dates"
            return DateFinding(value, "relative", value, value, match.group(0).strip(), index, (note,))
    return None


def _resolve_relative(match: re.Match[str], years: int | None, text: str, today: date) -> DateFinding | None:
    rel = match["rel"]
    day = int(match["d"])
    month = int(match["m"]) if match.groupdict().get("m") else None
    evidence = match.group(0)
    if match.groupdict().get("wd"):
        weekday = dw.WEEKDAY_NUMERALS[match["wd"]]
        if years:
            candidates = [years, years + 1, years - 1]
        else:
            # No year in the text: the weekday picks the year only among those the text allows (after
            # what it names), and only when one fits; the same day and weekday recur every few years.
            bound = _lower_bound(text, today)
            fits = [
                year
                for year in range(bound.year if bound else today.year + 1, today.year + 1)
                if (value := make_date(year, month or 1, day))
                and value.weekday() == weekday
                and bound is not None
                and bound <= value <= today
            ]
            candidates = fits if len(fits) == 1 else []
        for year in candidates:
            value = make_date(year, month or 1, day)
            if value and value.weekday() == weekday and value <= today:
                monday = value - timedelta(days=value.weekday())
                if rel in dw.LAST_WEEK_WORDS:
                    monday += timedelta(days=7)  # written in the week after the named day's week
                start, end = monday, min(monday + timedelta(days=6), today)
                # published is the first day the wording allows; the range says how loose that is
                return DateFinding(start, "relative", start, end, evidence)
        return None
    if month is None:
        bound = _lower_bound(text, today)
        anchor = _next_month_day(day, bound, today)
    else:
        anchor = _first_on_or_after(month, day, make_date(years, 1, 1) if years else None, today)
    if anchor is None:
        return None
    shift = dw.DAYS_BACK.get(rel, 0)
    value = anchor + timedelta(days=shift)
    return DateFinding(value, "relative", value, value, evidence)


def event_date(paragraphs: list[str], *, year: int | None, today: date) -> DateFinding | None:
    """The dated event a lead reports as today's news: '2025年2月7日,小米股价飙升…发稿前已突破…'.

    The date and the 'now' cue (发稿前, 今日, today) must share a sentence of the first two paragraphs; a
    month and day without a year count only when the text states its year elsewhere.
    """
    cue = load_patterns().now_cue
    for paragraph in paragraphs[:2]:
        if not cue.search(paragraph):
            continue
        for sentence in _SENTENCE_END.split(paragraph):
            if not cue.search(sentence):
                continue
            days = [make_date(m.year, m.month, m.day or 1) for m in full_dates(sentence)]
            if year:
                days += [make_date(year, int(m["m"]), int(m["d"])) for m in MONTH_DAY.finditer(sentence)]
            for day in days:
                value, _ = check_date(day, raw="", where="event", today=today)
                if value:
                    return DateFinding(value, "event", value, value, sentence.strip())
    return None


def _add_months(value: date, months: int) -> date:
    month = value.month - 1 + months
    return date(value.year + month // 12, month % 12 + 1, 1)


def _month_days(text: str, years: int | None, skip: list[tuple[int, int]], today: date) -> list[Mention]:
    """'6 月 26 日' without a year: the text's own year, else the first such day after what it names."""
    bound = None if years else _lower_bound(text, today)
    out = []
    for match in free_of(skip, MONTH_DAY.finditer(text)):
        month, day = int(match["m"]), int(match["d"])
        value = (
            make_date(years, month, day)
            if years
            else _first_on_or_after(month, day, bound, today)
            if bound
            else None
        )
        if value:
            out.append(Mention(match.start(), match.end(), value.year, value.month, value.day))
    return out


def inferred_range(text: str, *, today: date) -> DateFinding | None:
    """A range from the latest dated event in the text; never a published date (basis 'inferred').

    The article was written after the last month or day it names. Duration words push the start further
    ('短短数月间' = several months: at least three months after the last named month). When the text ties
    itself to that year ('今年', '年内'), the range ends at that year's end; otherwise it spans six months.
    """
    patterns = load_patterns()
    years = context_year(text, today)
    days = full_dates(text)
    spans = [(m.start, m.end) for m in days]
    stated_year = context_year(text, today, explicit_only=True)
    mentions = [*days, *year_months(text, years, spans), *_month_days(text, stated_year, spans, today)]
    dated = [(make_date(m.year, m.month, m.day or 1), m) for m in mentions]
    points = [(d, m) for d, m in dated if d is not None and EARLIEST <= d <= today]
    if not points:
        return None
    latest, mention = max(points, key=lambda p: p[0])
    months = max((n for regex, n in patterns.durations if regex.search(text)), default=0)
    start = _add_months(latest, months) if months else latest
    anchors = [since for regex, since in patterns.anchors if regex.search(text)]
    pushed = bool(anchors) and max(anchors) > start
    start = max([start, *anchors])
    if patterns.this_year.search(text) and years == start.year:
        end = date(start.year, 12, 31)
    else:
        end = _add_months(start, 6) - timedelta(days=1)
    end = min(end, today)
    if start > end:
        return None
    evidence = f"latest dated event: {text[mention.start : mention.end]!r}" + (
        f", +{months} months" if months else ""
    )
    if pushed:
        evidence += f"; names something first public on {start.isoformat()}"
    return DateFinding(None, "inferred", start, end, evidence)
