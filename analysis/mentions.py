"""Share-price statements in article text ('收于43.20港元', 'closing at HK$49.08') and their check against prices.

What counts as a share-price mention: an HKD amount (港元/港币/港幣/HK$/HKD) in a sentence about the stock, that
is not a multiple (万/亿/billion: market value, turnover) and not the price of a deal. Deal prices are left out on
purpose: a placement or subscription price ('以每股53港元的價格認購', 'at HK$53.25 per share'), a target price
(目标价), an offer, dividend or buyback price, and rumoured ranges are agreed or forecast numbers, not quotes, so
checking them against the day's close would flag a 'mismatch' that is no error. Car and product prices are quoted
in 万元/元 and never match the HKD patterns.

Each mention gets a kind: 'close' (收于, 收报, 收涨…至, closing at, concluding the week at), 'intraday' (盘中,
午盘收报 (the midday break, not the close), 最高, 低见, as high as), or 'unknown' (股价突破到, 报, rose to).
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd

from analysis.companies import default_ticker
from analysis.text import date_words as dw
from analysis.text.spans import first_wins

MENTION_COLUMNS = (
    "article_id", "date", "date_basis", "kind", "price", "currency", "change_pct",
    "trade_date", "close", "low", "high", "matched", "sentence", "start", "end",
)  # fmt: skip
# A quote is checked against the last trading day on or before its date, if that day is at most this far back.
MAX_CALENDAR_GAP_DAYS = 7
# Bounds that keep a long sentence linear: a clause longer than this is not one clause, and a longer sentence
# is shown as a window around the price.
MAX_CLAUSE = 300
MAX_SHOWN_SENTENCE = 600
_LOOK_BEFORE = 32  # '40 - ' / '40至': what makes a price the upper end of a range
_LOOK_AFTER = 64  # '万', '-45', '大关', 'per share' right after the price


@dataclass(frozen=True)
class PriceMention:
    """One share-price statement: the quoted price, what kind of quote it is, and the day it refers to."""

    price: float
    currency: str  # 'HKD'
    kind: str  # close | intraday | unknown
    change_pct: float | None  # the day's move stated next to it, signed (-2.17 for 下跌2.17%)
    day: date | None  # the day the sentence states, resolved against the reference date when given
    sentence: str
    start: int  # character span of the price (with its currency) in the text
    end: int
    day_text: str | None = None  # the date words as written: '10月31日', '今日', 'On March 25', '2025年10月'
    day_kind: str | None = None  # stated | relative | period (a month or year: no single day to check)


_NUMBER = r"(\d{1,6}(?:,\d{3})*(?:\.\d+)?)"
_PRICE = re.compile(
    rf"(?:HK\$|HKD|港幣|港币|港元)\s*{_NUMBER}(?:\s*元)?"
    rf"|{_NUMBER}\s*(?:港元|港币|港幣|港圓|HKD|Hong Kong dollars?)",
    re.IGNORECASE,
)
_MULTIPLE_AFTER = re.compile(
    r"\s*(?:万|萬|亿|億|千|百|bn\b|billion|million|mn\b|m\b|trillion|tn\b)", re.IGNORECASE
)
_RANGE_AFTER = re.compile(r"\s*[-–~〜]\s*\d")
_RANGE_BEFORE = re.compile(r"\d\s*(?:[-–~〜]|至)\s*$")
# '突破20港元大关': a round level crossed at some time, not a quote of one day.
_THRESHOLD_AFTER = re.compile(r"^\s*(?:大关|大關|关口|關口|整数关|整數關|mark\b)", re.IGNORECASE)
_PER_SHARE_AFTER = re.compile(r"^\s*(?:a|per|each)\s+share", re.IGNORECASE)
_DEAL = re.compile(
    r"配售|配股|定增|增发|增發|认购|認購|发行价|發行價|招股|目标价|目標價|目标股价|目標股價|评级|評級|派息|股息|"
    r"回购|回購|收购价|收購價|要约|要約|售价|售價|起售|定价|定價|每股|"
    r"placement|placing|target|dividend|offer|subscri|\bIPO\b|buy-?back|rumou?r|range|valuation",
    re.IGNORECASE,
)
_STOCK = re.compile(
    r"股价|股價|港股|股份|收于|收於|收报|收報|报收|報收|收盘|收盤|收市|盘中|盤中|低见|低見|高见|高見|开盘|開盤|"
    r"share|stock|clos|1810",
    re.IGNORECASE,
)
_INTRADAY = re.compile(
    r"午盘|午盤|盘中|盤中|早盘|早盤|盘初|盤初|一度|最高|最低|低见|低見|高见|高見|开盘|開盤|"
    r"intraday|as high as|as low as|midday|morning|\bopen(?:ed|ing)?\b|\btouch\w*|\bhit\b",
    re.IGNORECASE,
)
_CLOSE = re.compile(
    r"收于|收於|收报|收報|报收|報收|收盘|收盤|收市|收涨|收漲|收跌|收升|收低|收高|收在|"
    r"\bclos(?:e|ed|ing)\b|\bend(?:ed|ing)?\b|finish|settl|conclud",
    re.IGNORECASE,
)
_BREAK_CHARS = ",，;；:：、"
_CLAUSE_BREAK = re.compile(rf"[{_BREAK_CHARS}](?!\d)|\s-\s")
_SENTENCE_END = re.compile(r"[。！？!?\n]+|(?<=[.!?])\s+(?=[A-Z\"“‘(])")
_PERCENT = re.compile(r"([+-]?\d+(?:\.\d+)?)\s*(?:%|％|percent\b|per cent\b)", re.IGNORECASE)
_NOT_DAILY_PCT = re.compile(
    r"累计|累計|年内|年內|年初|全年|本周|本週|上周|市值|占|佔|折让|折讓|溢价|溢價|至今|高位|低位|"
    r"week|year|ytd|month|discount|premium|since|from",
    re.IGNORECASE,
)
_DOWN = re.compile(
    r"跌|挫|降|下滑|回落|fell|fall|down|drop|lost|lose|declin|slid|slump|plung|tumbl|sank|lower", re.I
)
_UP = re.compile(r"涨|漲|升|rose|rise|up\b|gain|jump|surg|climb|soar|higher|rall", re.I)

_MONTH_WORD = rf"({dw.MONTH_NAME})\.?"
_Y, _M, _D = rf"({dw.YEAR})", rf"({dw.MONTH})", rf"({dw.DAY})"
# (pattern, how its groups map to year/month/day, kind). Longer forms are listed first and win overlaps.
_DATE_PATTERNS = [
    (re.compile(rf"{_Y}\s*年\s*{_M}\s*月\s*{_D}\s*{dw.DAY_MARK}"), "ymd", "stated"),
    (re.compile(rf"(?<!\d){_Y}{dw.NUMERIC_SEPARATOR}{_M}{dw.NUMERIC_SEPARATOR}{_D}(?!\d)"), "ymd", "stated"),
    (re.compile(rf"\b{_MONTH_WORD}\s+{_D}{dw.ORDINAL}?\b,?\s*{_Y}", re.I), "mdy", "stated"),
    (re.compile(rf"\b{_D}{dw.ORDINAL}?\s+{_MONTH_WORD}\b,?\s*{_Y}", re.I), "dmy", "stated"),
    (re.compile(rf"(?<![\d年]){_M}\s*月\s*{_D}\s*{dw.DAY_MARK}"), "md", "stated"),
    (re.compile(rf"\b{_MONTH_WORD}\s+{_D}{dw.ORDINAL}?\b", re.I), "md_en", "stated"),
    (re.compile(rf"\b{_D}{dw.ORDINAL}?\s+{_MONTH_WORD}\b", re.I), "dm_en", "stated"),
    (re.compile(rf"(?<![\d月]){_D}\s*{dw.DAY_MARK}(?![内內前后後以起间間])"), "d", "stated"),
    (
        re.compile(rf"{_Y}\s*年\s*(?:{_M}\s*月)?|(?<![\d年]){_M}\s*月(?!\s*\d)"),
        "period",
        "period",
    ),
    (
        re.compile(rf"\b(?:in|during)\s+{_MONTH_WORD}\b|\b(?:in|during)\s+{dw.YEAR}\b", re.I),
        "period",
        "period",
    ),
    (re.compile(rf"{dw.TODAY_WORD}|today", re.I), "today", "relative"),
    (re.compile(rf"{dw.YESTERDAY_WORD}|yesterday", re.I), "yesterday", "relative"),
    (re.compile(rf"(上)?{dw.WEEK_WORD}({dw.WEEKDAY_NUMERAL})"), "weekday_zh", "relative"),
    (re.compile(rf"\b(last\s+)?({dw.WEEKDAY_NAME})\b", re.I), "weekday_en", "relative"),
]
_DATE_KINDS = ("stated", "period", "relative")


def extract_price_mentions(text: str, *, reference: date | None = None) -> list[PriceMention]:
    """Find the share-price quotes in a text, with their kind, stated move and day (resolved against reference)."""
    mentions = []
    for sentence_start, sentence_end in _sentences(text):
        sentence = text[sentence_start:sentence_end]
        if not _PRICE.search(sentence):
            continue
        context = _context(sentence)
        for match in _PRICE.finditer(sentence):
            mention = _mention(context, match, reference, offset=sentence_start)
            if mention is not None:
                mentions.append(mention)
    return mentions


def check_price_mentions(
    texts: pd.DataFrame, prices: pd.DataFrame, *, ticker: str | None = None, tolerance: float = 0.01
) -> pd.DataFrame:
    """Check each article's price quotes against the price table; matched is None where there is nothing to check.

    tolerance is relative: a close matches when |price - close| <= tolerance × close; an intraday quote when it lies
    in [low, high] widened by the tolerance; an 'unknown' quote when either holds. ticker: the default company's.
    """
    ticker = ticker or default_ticker()
    if prices.empty or "date" not in prices.columns:
        table = pd.DataFrame({"date": pd.Series(dtype="datetime64[ns]"), "close": [], "low": [], "high": []})
    else:
        table = prices[prices["ticker"] == ticker] if "ticker" in prices.columns else prices
        table = table.assign(date=pd.to_datetime(table["date"]).dt.normalize()).sort_values("date")
        for column in ("low", "high"):
            if column not in table.columns:
                table[column] = float("nan")
    days = table["date"].to_numpy()
    rows = []
    for article in texts.itertuples(index=False):
        article_day = None if pd.isna(article.date) else pd.Timestamp(article.date).date()
        inferred = bool(getattr(article, "date_inferred", False))
        for mention in extract_price_mentions(str(article.text or ""), reference=article_day):
            day, basis = _mention_day(mention, article_day, inferred)
            bar = _bar_on_or_before(table, days, day)
            rows.append(
                {
                    "article_id": article.article_id,
                    "date": pd.Timestamp(day) if day else pd.NaT,
                    "date_basis": basis,
                    "kind": mention.kind,
                    "price": mention.price,
                    "currency": mention.currency,
                    "change_pct": mention.change_pct,
                    "trade_date": bar["date"] if bar is not None else pd.NaT,
                    "close": bar["close"] if bar is not None else float("nan"),
                    "low": bar["low"] if bar is not None else float("nan"),
                    "high": bar["high"] if bar is not None else float("nan"),
                    "matched": _matches(mention, bar, tolerance) if bar is not None else None,
                    "sentence": mention.sentence,
                    "start": mention.start,
                    "end": mention.end,
                }
            )
    frame = pd.DataFrame(rows, columns=list(MENTION_COLUMNS))
    frame["matched"] = frame["matched"].astype(object)
    for column in ("date", "trade_date"):
        frame[column] = pd.to_datetime(frame[column]).astype("datetime64[ns]")
    return frame


def _sentences(text: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for match in _SENTENCE_END.finditer(text):
        if match.start() > start:
            spans.append((start, match.start()))
        start = match.end()
    if start < len(text):
        spans.append((start, len(text)))
    return spans


@dataclass(frozen=True)
class _Context:
    """What each price in one sentence is judged by, found once per sentence: a sentence with thousands of
    prices (a 5 MB line of quotes) stays linear instead of rescanning the sentence for every price."""

    sentence: str
    shown: str  # the sentence as displayed beside a mention
    breaks: list[int]  # where clauses start (ends of clause breaks), ascending
    first_stock_end: int | None  # end of the first stock word
    percents: list[re.Match]  # percentages, in order (non-overlapping: starts and ends both ascend)
    percent_starts: list[int]
    percent_ends: list[int]
    dates: list[tuple[int, int, str, str]]
    date_starts: list[int]
    ends_by_kind: dict[str, list[int]]  # per date kind, the ends of its dates; a bisection finds the nearest
    index_by_kind: dict[str, list[int]]  # ... and their positions in `dates`


def _context(sentence: str) -> _Context:
    percents = list(_PERCENT.finditer(sentence))
    dates = _dates_in(sentence)
    stock = _STOCK.search(sentence)
    return _Context(
        sentence=sentence,
        shown=sentence.strip() if len(sentence) <= MAX_SHOWN_SENTENCE else "",
        breaks=[m.end() for m in _CLAUSE_BREAK.finditer(sentence)],
        first_stock_end=stock.end() if stock else None,
        percents=percents,
        percent_starts=[m.start() for m in percents],
        percent_ends=[m.end() for m in percents],
        dates=dates,
        date_starts=[d[0] for d in dates],
        ends_by_kind={kind: [d[1] for d in dates if d[3] == kind] for kind in _DATE_KINDS},
        index_by_kind={kind: [i for i, d in enumerate(dates) if d[3] == kind] for kind in _DATE_KINDS},
    )


def _mention(
    context: _Context, match: re.Match, reference: date | None, *, offset: int
) -> PriceMention | None:
    sentence = context.sentence
    start, end = match.span()
    after = sentence[end : end + _LOOK_AFTER]
    near_before = sentence[max(0, start - _LOOK_BEFORE) : start]
    if _MULTIPLE_AFTER.match(after) or _RANGE_AFTER.match(after) or _RANGE_BEFORE.search(near_before):
        return None
    if _THRESHOLD_AFTER.match(after):
        return None
    if _PER_SHARE_AFTER.match(after):
        return None  # 'at HK$53.25 per share': the price of a deal, not a market quote
    clause = sentence[max(_clause_start(context, start), start - MAX_CLAUSE) : start]
    deal = list(_DEAL.finditer(clause))
    if deal:
        cue = max((m.start() for m in (*_CLOSE.finditer(clause), *_INTRADAY.finditer(clause))), default=-1)
        if cue < deal[-1].end():
            return None  # a deal word after the last quote word: 'the target price was raised to HK$60'
    stock_before = context.first_stock_end is not None and context.first_stock_end <= start
    if not stock_before and not _STOCK.search(after[:12]):
        return None
    number = float((match.group(1) or match.group(2)).replace(",", ""))
    if number <= 0:
        return None
    kind = "intraday" if _INTRADAY.search(clause) else "close" if _CLOSE.search(clause) else "unknown"
    day, day_text, day_kind = _pick_day(context, start, reference)
    shown = (
        context.shown
        or sentence[max(0, start - MAX_SHOWN_SENTENCE // 2) : end + MAX_SHOWN_SENTENCE // 2].strip()
    )
    return PriceMention(
        price=number,
        currency="HKD",
        kind=kind,
        change_pct=_change_pct(context, start, end),
        day=day,
        sentence=shown,
        start=offset + start,
        end=offset + end,
        day_text=day_text,
        day_kind=day_kind,
    )


def _clause_start(context: _Context, start: int) -> int:
    """Where the clause holding position `start` begins: after the last clause break before it."""
    if start and context.sentence[start - 1] in _BREAK_CHARS:
        return start  # a break char just before the price ends the clause, whatever digit follows
    index = bisect.bisect_right(context.breaks, start)
    return context.breaks[index - 1] if index else 0


def _change_pct(context: _Context, start: int, end: int) -> float | None:
    """The daily move stated nearest the price (within 40 characters), signed by its verb."""
    sentence = context.sentence
    best: tuple[int, float] | None = None
    first = bisect.bisect_left(context.percent_ends, start - 40)
    last = bisect.bisect_right(context.percent_starts, end + 40)
    for match in context.percents[first:last]:
        distance = start - match.end() if match.end() <= start else match.start() - end
        if distance < 0 or distance > 40:
            continue
        lead = sentence[max(0, match.start() - 12) : match.start()]
        if _NOT_DAILY_PCT.search(lead):
            continue
        value = float(match.group(1))
        verbs = sentence[max(0, match.start() - 12) : match.start()]
        down = [m.end() for m in _DOWN.finditer(verbs)]
        up = [m.end() for m in _UP.finditer(verbs)]
        if down and (not up or max(down) > max(up)):
            value = -abs(value)
        elif not up and not match.group(1).startswith(("+", "-")):
            continue  # no direction stated: a share or a ratio, not a move
        if best is None or distance < best[0]:
            best = (distance, value)
    return best[1] if best else None


def _dates_in(sentence: str) -> list[tuple[int, int, str, str]]:
    """Every date expression in a sentence as (start, end, resolved-or-raw text key, kind), overlaps removed."""
    patterns = [pattern for pattern, _, _ in _DATE_PATTERNS]
    return [
        (
            match.start(),
            match.end(),
            f"{_DATE_PATTERNS[number][1]}|{match.group(0)}",
            _DATE_PATTERNS[number][2],
        )
        for number, match in first_wins(patterns, sentence)
    ]


def _pick_day(
    context: _Context, price_start: int, reference: date | None
) -> tuple[date | None, str | None, str | None]:
    """The date the quote refers to: the nearest stated date before it, else a period or relative word, else after."""
    dates = context.dates
    for kind in ("stated", "period", "relative"):
        ends = context.ends_by_kind[kind]  # dates are disjoint: ends ascend with starts
        n_before = bisect.bisect_right(ends, price_start)
        if n_before:
            return _resolve(dates[context.index_by_kind[kind][n_before - 1]], reference)
    first_after = bisect.bisect_left(context.date_starts, price_start)
    if first_after < len(dates):
        return _resolve(dates[first_after], reference)
    return None, None, None


def _resolve(found: tuple[int, int, str, str], reference: date | None) -> tuple[date | None, str, str]:
    shape, raw = found[2].split("|", 1)
    kind = found[3]
    if kind == "period":
        return None, raw.strip(), kind
    if shape == "today":
        return reference, raw, kind
    if shape == "yesterday":
        return (reference - timedelta(days=1) if reference else None), raw, kind
    if shape.startswith("weekday"):
        return _resolve_weekday(raw, shape, reference), raw, kind
    numbers = [int(n) for n in re.findall(r"\d+", raw)]
    month_word = re.search(_MONTH_WORD, raw, re.I)
    month = dw.month_number(month_word.group(1)) if month_word else 0  # no month word: date() refuses 0
    try:
        if shape == "ymd":
            return date(numbers[0], numbers[1], numbers[2]), raw, kind
        if shape == "mdy":
            return date(numbers[1], month, numbers[0]), raw, kind
        if shape == "dmy":
            return date(numbers[1], month, numbers[0]), raw, kind
        if reference is None:
            return None, raw, kind
        if shape in ("md", "md_en", "dm_en"):
            month, day = (numbers[0], numbers[1]) if shape == "md" else (month, numbers[0])
            resolved = date(reference.year, month, day)
            if resolved > reference + timedelta(days=MAX_CALENDAR_GAP_DAYS):
                resolved = date(reference.year - 1, month, day)  # 'December 31' in an article of 2 January
            return resolved, raw, kind
        if shape == "d":
            resolved = date(reference.year, reference.month, numbers[0])
            if resolved > reference + timedelta(days=MAX_CALENDAR_GAP_DAYS):
                previous = reference.replace(day=1) - timedelta(days=1)
                resolved = date(previous.year, previous.month, numbers[0])
            return resolved, raw, kind
    except (ValueError, IndexError, TypeError):
        return None, raw, kind
    return None, raw, kind


def _resolve_weekday(raw: str, shape: str, reference: date | None) -> date | None:
    """'周五' / 'on Friday': the latest such day on or before the reference; '上周五' / 'last Friday': the previous week's."""
    if reference is None:
        return None
    if shape == "weekday_zh":
        weekday, last_week = dw.WEEKDAY_NUMERALS[raw[-1]], raw.startswith("上")
    else:
        words = raw.lower().split()
        weekday, last_week = dw.WEEKDAY_NUMBERS[words[-1]], words[0] == "last"
    if last_week:
        monday = reference - timedelta(days=reference.weekday() + 7)
        return monday + timedelta(days=weekday)
    return reference - timedelta(days=(reference.weekday() - weekday) % 7)


def _mention_day(mention: PriceMention, article_day: date | None, inferred: bool) -> tuple[date | None, str]:
    if mention.day is not None:
        return mention.day, mention.day_kind or "stated"
    if mention.day_kind == "period":
        return None, "period"  # 'in October 2025': no single day to check
    if mention.day_kind == "stated" and mention.day_text:
        return None, "unresolved"  # a stated day that is not a calendar date, or no article date to anchor it
    if article_day is None:
        return None, "none"
    return article_day, "article (inferred)" if inferred else "article"


def _bar_on_or_before(table: pd.DataFrame, days, day: date | None) -> dict | None:
    """The price bar of the last trading day on or before `day`, if it is recent enough to be that day's quote."""
    if day is None or table.empty:
        return None
    position = int(days.searchsorted(pd.Timestamp(day).to_datetime64(), side="right")) - 1
    if position < 0:
        return None
    row = table.iloc[position]
    if (pd.Timestamp(day) - row["date"]).days > MAX_CALENDAR_GAP_DAYS:
        return None
    return {
        "date": row["date"],
        "close": float(row["close"]),
        "low": float(row["low"]),
        "high": float(row["high"]),
    }


def _matches(mention: PriceMention, bar: dict, tolerance: float) -> bool:
    close_ok = abs(mention.price - bar["close"]) <= tolerance * bar["close"]
    low, high = bar["low"], bar["high"]
    if pd.isna(low) or pd.isna(high):
        low = high = bar["close"]  # a close-only file: the close is all we know of the day
    range_ok = low * (1 - tolerance) <= mention.price <= high * (1 + tolerance)
    if mention.kind == "close":
        return bool(close_ok)
    if mention.kind == "intraday":
        return bool(range_ok)
    return bool(close_ok or range_ok)
