"""Daily price files: parse and validate CSV exports (Yahoo, yfinance, akshare, plain), optional online fetch."""

from __future__ import annotations

import csv
import io
import math
import re
from datetime import date, timedelta
from pathlib import Path

import pandas as pd

from analysis import settings
from analysis.errors import OfflineError, PriceDataError
from analysis.price_cells import decimal_style, jumps, parse_number, same_ticker

PRICE_COLUMNS = ("date", "open", "high", "low", "close", "volume")
MAX_LISTED_PROBLEMS = 20
# A new file whose closes sit this far from the stored ones on the same days is probably another ticker.
LEVEL_RATIO_RANGE = (0.8, 1.25)
# Across a gap of more than SEAM_DAYS a price may have moved a lot, so only a wider jump is suspicious.
SEAM_DAYS = 31
FAR_LEVEL_RATIO_RANGE = (1 / 3, 3.0)

# Header names (lower-cased, stripped) understood for each column, across Yahoo, yfinance, akshare and plain files.
_ALIASES = {
    "date": ("date", "datetime", "time", "timestamp", "trade_date", "日期", "交易日期", "时间", "時間"),
    "open": ("open", "开盘", "開盤", "开盘价", "開盤價"),
    "high": ("high", "最高", "最高价", "最高價"),
    "low": ("low", "最低", "最低价", "最低價"),
    "close": ("close", "收盘", "收盤", "收盘价", "收盤價", "close price"),
    "adj close": ("adj close", "adj_close", "adjclose"),
    "volume": ("volume", "vol", "成交量"),
    "ticker": ("ticker", "symbol", "code", "代码", "股票代码", "代碼", "證券代碼"),
}
_MISSING = {"", "null", "nan", "none", "-", "--", "n/a", "na"}
# No listed share or index trades above this: a bigger "price" is a unit slip or a corrupt cell (1e308).
MAX_PRICE = 1e9
FIRST_PRICE_YEAR = 1900  # an earlier date is a corrupt cell (0001-01-01), never a trading day
# Year first only: 2025-02-06, 2025/2/6, 2025.02.06, 20250206, each optionally followed by a time and zone.
_DATE = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T].*)?$|^(\d{4})(\d{2})(\d{2})$")


def parse_price_csv(
    data: bytes | str | Path, *, name: str = "prices.csv", ticker: str | None = None
) -> pd.DataFrame:
    """Read one daily price file into date/open/high/low/close/volume rows, or reject it whole with every bad row.

    With `ticker`, a ticker column (or a yfinance header) naming another ticker is a bad row (file).
    """
    if isinstance(data, Path):
        name = str(data) if name == "prices.csv" else name
        try:
            data = data.read_bytes()
        except OSError as exc:
            raise PriceDataError(f"cannot read the file ({exc.strerror})", path=name) from None
    text = _decode(data, name) if isinstance(data, bytes) else data
    first_line = text.lstrip("\ufeff").split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","  # European exports use ';'
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
        line_numbers = _line_numbers(text, delimiter)
    except csv.Error as exc:
        raise PriceDataError(f"not a readable CSV file ({exc})", path=name) from None
    header_index, mapping, file_format = _find_header(rows, name, ticker=ticker)
    style = decimal_style(rows[header_index + 1 :], mapping)

    records: list[dict] = []
    problems: list[str] = []
    seen: dict[date, int] = {}
    data_row = 0
    for index in range(header_index + 1, len(rows)):
        cells = rows[index]
        if not any(cell.strip() for cell in cells):
            continue
        data_row += 1
        where = f"row {data_row} (line {line_numbers[index]})"
        record, reasons = _parse_row(cells, mapping, style=style, ticker=ticker)
        if record is not None and not reasons:
            if record["date"] in seen:
                reasons.append(
                    f"duplicate date {record['date'].isoformat()} (first at row {seen[record['date']]})"
                )
            else:
                seen[record["date"]] = data_row
        if reasons:
            problems.append(f"{where}: {'; '.join(reasons)}")
        elif record is not None:
            records.append(record | {"_where": where})
    problems += jumps(records)
    if problems:
        listed = problems[:MAX_LISTED_PROBLEMS]
        more = f"; ... and {len(problems) - len(listed)} more" if len(problems) > len(listed) else ""
        error = PriceDataError(
            f"{len(problems)} bad row(s), nothing imported: " + " | ".join(listed) + more, path=name
        )
        error.problems = problems
        raise error
    if not records:
        raise PriceDataError("no data rows under the header", path=name)
    frame = pd.DataFrame.from_records(
        [{k: v for k, v in r.items() if k != "_where"} for r in records], columns=list(PRICE_COLUMNS)
    )
    frame["date"] = pd.to_datetime(frame["date"]).astype("datetime64[ns]")
    for column in PRICE_COLUMNS[1:]:
        frame[column] = frame[column].astype("float64")
    frame = frame.sort_values("date", ignore_index=True)
    frame.attrs["format"] = file_format
    return frame


def load_price_file(path: Path, *, ticker: str | None = None) -> pd.DataFrame:
    """Parse a price file and add its ticker (default: the file name without .csv, e.g. '1810.HK')."""
    frame = parse_price_csv(path, name=str(path), ticker=ticker)
    frame.insert(0, "ticker", ticker or path.name.removesuffix(".csv"))
    return frame


def check_against_existing(new: pd.DataFrame, existing: pd.DataFrame) -> list[str]:
    """Warn when a new file's price level does not fit the stored series (likely another ticker or a unit slip)."""
    mismatches, notes = compare_with_stored(new, existing)
    return mismatches + notes


def compare_with_stored(new: pd.DataFrame, existing: pd.DataFrame) -> tuple[list[str], list[str]]:
    """(level mismatches: another ticker or currency, notes: overlapping closes that differ a little)."""
    if new.empty or existing.empty:
        return [], []
    new_close = new.set_index(pd.to_datetime(new["date"]))["close"].astype(float)
    old_close = existing.set_index(pd.to_datetime(existing["date"]))["close"].astype(float)
    low, high = LEVEL_RATIO_RANGE
    warnings: list[str] = []
    common = new_close.index.intersection(old_close.index)
    if len(common):
        ratio = float((new_close[common] / old_close[common]).median())
        if not low <= ratio <= high:
            warnings.append(
                f"on {len(common)} overlapping date(s) the new closes are {ratio:.3g}× the stored ones "
                f"(median): this looks like a different ticker or currency"
            )
        else:
            differing = int(((new_close[common] / old_close[common] - 1).abs() > 0.01).sum())
            if differing:
                return [], [
                    f"{differing} of {len(common)} overlapping close(s) differ by more than 1%; the new file replaces them"
                ]
        return warnings, []
    # No overlap: compare the closes on either side of the seam, when they are near in time.
    first_new, last_new = new_close.index.min(), new_close.index.max()
    before = old_close[old_close.index < first_new]
    after = old_close[old_close.index > last_new]
    pairs = []
    if len(before):
        pairs.append((before.index[-1], before.iloc[-1], first_new, new_close[first_new]))
    if len(after):
        pairs.append((after.index[0], after.iloc[0], last_new, new_close[last_new]))
    for old_day, old_value, new_day, new_value in pairs:
        if abs((new_day - old_day).days) <= SEAM_DAYS and not low <= new_value / old_value <= high:
            warnings.append(
                f"the new close {new_value:g} on {new_day.date()} is {new_value / old_value:.3g}× the stored close "
                f"{old_value:g} on {old_day.date()}: this looks like a different ticker or currency"
            )
    if pairs and not warnings:
        # Dates far from the stored series: warn only when the level is far off too.
        old_day, old_value, new_day, new_value = min(pairs, key=lambda pair: abs((pair[2] - pair[0]).days))
        far_low, far_high = FAR_LEVEL_RATIO_RANGE
        gap = abs((new_day - old_day).days)
        if gap > SEAM_DAYS and not far_low <= new_value / old_value <= far_high:
            warnings.append(
                f"the new file ({first_new.date()}..{last_new.date()}) is {gap} days away from the stored series "
                f"({old_close.index.min().date()}..{old_close.index.max().date()}) and its close {new_value:g} on "
                f"{new_day.date()} is {new_value / old_value:.3g}× the stored close {old_value:g} on "
                f"{old_day.date()}: this looks like a different ticker"
            )
    return warnings, []


def fetch_prices(
    ticker: str, *, start: date | str | None = None, end: date | str | None = None
) -> pd.DataFrame:
    """Download daily unadjusted OHLCV from Yahoo with yfinance (optional extra), validated like an imported file."""
    try:
        import yfinance  # noqa: PLC0415 - optional extra, imported only when a fetch is asked for
    except ImportError:
        raise OfflineError(
            "fetching prices needs the optional extra: pip install 'narrative-tone[online]' (or import a CSV)"
        ) from None
    try:
        history = yfinance.Ticker(ticker).history(
            start=None if start is None else str(start),
            end=None if end is None else str(end),
            period=None if start or end else "max",
            interval="1d",
            auto_adjust=False,
            actions=False,
        )
    except Exception as exc:  # yfinance raises many network and parsing types; all mean 'could not fetch'
        first_line = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise OfflineError(f"could not fetch {ticker} from Yahoo: {first_line}") from None
    if history is None or history.empty:
        raise OfflineError(f"Yahoo returned no prices for {ticker} (offline, or an unknown ticker)")
    history = history.copy()
    history.index = pd.DatetimeIndex(history.index)
    if history.index.tz is not None:
        history.index = history.index.tz_localize(None)  # keep the exchange's own calendar date
    history.index.name = "Date"
    keep = [column for column in ("Open", "High", "Low", "Close", "Volume") if column in history.columns]
    csv_text = history[keep].to_csv(date_format="%Y-%m-%d")
    frame = parse_price_csv(csv_text, name=f"yfinance:{ticker}", ticker=ticker)
    frame.attrs["format"] = "yfinance"
    return frame


def _decode(data: bytes, name: str) -> str:
    """Decode a price file: UTF-8 (with or without BOM) first, then GBK for files saved by Chinese Excel."""
    for encoding in ("utf-8-sig", "gbk"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise PriceDataError("not text in UTF-8 or GBK", path=name)


def _line_numbers(text: str, delimiter: str = ",") -> list[int]:
    """Physical line number at which each CSV record starts (records can span lines inside quotes)."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    starts = []
    previous_end = 0
    for _ in reader:
        starts.append(previous_end + 1)
        previous_end = reader.line_num
    return starts


def _find_header(
    rows: list[list[str]], name: str, *, ticker: str | None = None
) -> tuple[int, dict[str, int], str]:
    """Locate the header row, map our columns to its positions, and say which export this is."""
    for index, row in enumerate(rows[:5]):
        names = [cell.strip().lower() for cell in row]
        if not any(names):
            continue
        if names[0] == "price" and index + 1 < len(rows) and rows[index + 1][:1] == ["Ticker"]:
            return _multiindex_header(rows, index, name, ticker=ticker)
        mapping = _map_columns(names)
        if "date" in mapping or "close" in mapping:
            return index, _require(mapping, row, name), _format_name(names)
    first = next((row for row in rows if any(cell.strip() for cell in row)), [])
    if not first:
        raise PriceDataError("the file is empty", path=name)
    raise PriceDataError(
        f"no price header found (got {','.join(first)[:80]!r}); expected e.g. 'date,close' or "
        "'Date,Open,High,Low,Close,Adj Close,Volume' or '日期,开盘,收盘,最高,最低,成交量'",
        path=name,
    )


def _multiindex_header(
    rows: list[list[str]], index: int, name: str, *, ticker: str | None = None
) -> tuple[int, dict[str, int], str]:
    """yfinance's download().to_csv(): 'Price,Close,...' then 'Ticker,T,...' then 'Date,,,' then the data."""
    tickers = {cell.strip() for cell in rows[index + 1][1:] if cell.strip()}
    if len(tickers) > 1:
        raise PriceDataError(
            f"the file holds several tickers ({', '.join(sorted(tickers))}); export one ticker per file",
            path=name,
        )
    if ticker and tickers and not same_ticker(next(iter(tickers)), ticker):
        raise PriceDataError(
            f"the file is for {next(iter(tickers))}, not {ticker}: refused", path=name, field="ticker"
        )
    names = [cell.strip().lower() for cell in rows[index]]
    names[0] = "date"
    mapping = _require(_map_columns(names), rows[index], name)
    skip = index + 1
    if (
        skip + 1 < len(rows)
        and rows[skip + 1][:1]
        and rows[skip + 1][0].strip().lower() in ("date", "datetime")
    ):
        skip += 1
    return skip, mapping, "yfinance-multiindex"


def _map_columns(names: list[str]) -> dict[str, int]:
    mapping: dict[str, int] = {}
    for position, header in enumerate(names):
        for column, aliases in _ALIASES.items():
            if header in aliases and column not in mapping:
                mapping[column] = position
    if "close" not in mapping and "adj close" in mapping:
        mapping["close"] = mapping["adj close"]  # only an adjusted close is given: the best we have
    mapping.pop("adj close", None)
    if len(mapping) == 1 and "ticker" in mapping:
        mapping.clear()  # a ticker column alone is no price header
    return mapping


def _require(mapping: dict[str, int], header: list[str], name: str) -> dict[str, int]:
    missing = [column for column in ("date", "close") if column not in mapping]
    if missing:
        raise PriceDataError(
            f"the header {','.join(header)[:80]!r} has no {' or '.join(missing)} column",
            path=name,
            field=missing[0],
        )
    return mapping


def _format_name(names: list[str]) -> str:
    if any(re.search(r"[\u4e00-\u9fff]", header) for header in names):
        return "akshare"
    if "adj close" in names:
        return "yahoo"
    return "plain" if len([n for n in names if n]) <= 2 else "ohlcv"


def _parse_row(
    cells: list[str], mapping: dict[str, int], *, style: str | None = None, ticker: str | None = None
) -> tuple[dict | None, list[str]]:
    """One data row → a record, or the reasons it cannot be used."""
    reasons: list[str] = []
    values: dict[str, object] = {}

    def cell(column: str) -> str:
        position = mapping.get(column)
        return cells[position].strip() if position is not None and position < len(cells) else ""

    if ticker and cell("ticker") and not same_ticker(cell("ticker"), ticker):
        reasons.append(f"ticker {cell('ticker')!r} is not {ticker}")
    day = _parse_date(cell("date"))
    if day is None:
        reasons.append(f"unparsable date {cell('date')!r}")
    elif day.year < FIRST_PRICE_YEAR:
        reasons.append(f"date {day.isoformat()} is before {FIRST_PRICE_YEAR}: not a trading day")
        day = None
    elif day > today() + timedelta(days=1):  # one day of slack: the exchange's date runs ahead of ours
        reasons.append(f"date {day.isoformat()} is in the future")
    values["date"] = day
    for column in PRICE_COLUMNS[1:]:
        raw = cell(column)
        if column not in mapping or raw.lower() in _MISSING:
            if column == "close":
                reasons.append("missing close")
            values[column] = math.nan
            continue
        number, why = parse_number(raw, style=style, integer=column == "volume")
        if number is None:
            reasons.append(f"{why or 'unparsable'} {column} {raw!r}")
            values[column] = math.nan
            continue
        if column == "volume" and number < 0:
            reasons.append(f"negative volume {raw}")
        elif column != "volume" and number <= 0:
            reasons.append(f"non-positive {column} {raw}")
        elif column != "volume" and number > MAX_PRICE:
            reasons.append(f"implausible {column} {raw} (above {MAX_PRICE:g})")
        values[column] = number
    if not reasons:
        reasons.extend(_bar_problems(values))
    return values, reasons


def _bar_problems(values: dict) -> list[str]:
    """Internal consistency of one bar; a small relative slack absorbs float noise in exports."""
    high, low = values["high"], values["low"]
    if math.isnan(high) or math.isnan(low):
        return []
    slack = 1e-6 * high
    if high < low - slack:
        return [f"high {high:g} < low {low:g}"]
    problems = []
    for column in ("close", "open"):
        value = values[column]
        if not math.isnan(value) and not low - slack <= value <= high + slack:
            problems.append(f"{column} {value:g} outside [low {low:g}, high {high:g}]")
    return problems


def today() -> date:
    """The reference 'today' for rejecting future-dated bars: the product's setting (NARRATIVE_TODAY)."""
    return settings.today()


def _parse_date(raw: str) -> date | None:
    match = _DATE.match(raw)
    if not match:
        return None
    year, month, day = (
        int(part) for part in (match.group(1, 2, 3) if match.group(1) else match.group(4, 5, 6))
    )
    try:
        return date(year, month, day)
    except ValueError:
        return None
