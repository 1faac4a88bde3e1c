"""Price files: every export layout parses to the same columns; bad files are rejected whole, row by row."""

from __future__ import annotations

import sys
import types
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.errors import InputError, OfflineError, PriceDataError
from analysis.prices import (
    PRICE_COLUMNS,
    check_against_existing,
    fetch_prices,
    load_price_file,
    parse_price_csv,
)

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "data" / "prices"
BUNDLED = ROOT / "data" / "prices"


def test_bundled_files_parse_with_465_trading_days_each():
    stock = load_price_file(BUNDLED / "1810.HK.csv")
    index = load_price_file(BUNDLED / "HSI.csv")
    assert len(stock) == len(index) == 465
    assert stock["ticker"].unique().tolist() == ["1810.HK"]
    assert list(stock["date"]) == list(index["date"])  # the same HKEX calendar
    assert stock.loc[stock["date"] == "2025-10-31", "close"].item() == 43.20


def test_yahoo_export_with_time_zone_keeps_the_exchange_date():
    frame = parse_price_csv(FIXTURES / "yahoo_tz_1810.csv")
    assert list(frame.columns) == list(PRICE_COLUMNS)
    assert frame["date"].dt.strftime("%Y-%m-%d").tolist() == [
        "2025-02-03", "2025-02-04", "2025-02-05", "2025-02-06", "2025-02-07",
    ]  # fmt: skip
    assert frame["date"].dtype == "datetime64[ns]"
    # Close, not Adj Close, and float32 noise is left as is (it is far below a tick).
    assert frame.loc[3, "close"] == pytest.approx(40.55, abs=1e-5)
    assert frame.attrs["format"] == "yahoo"


def test_yfinance_multiindex_export_skips_its_ticker_and_date_header_rows():
    frame = parse_price_csv(FIXTURES / "yfinance_multiindex_hsi.csv")
    assert len(frame) == 3
    assert frame.loc[0, "close"] == pytest.approx(20217.26, abs=1e-2)
    assert frame.loc[0, "open"] == pytest.approx(20048.87, abs=1e-2)
    assert frame.attrs["format"] == "yfinance-multiindex"


def test_yfinance_multiindex_export_with_two_tickers_is_refused():
    text = "Price,Close,Close\nTicker,1810.HK,^HSI\nDate,,\n2025-02-03,37.95,20217.26\n"
    with pytest.raises(PriceDataError, match="several tickers"):
        parse_price_csv(text)


def test_akshare_export_in_gbk_maps_chinese_column_names():
    frame = parse_price_csv((FIXTURES / "akshare_gbk_1810.csv").read_bytes(), name="akshare.csv")
    assert frame.attrs["format"] == "akshare"
    row = frame[frame["date"] == "2025-10-31"].iloc[0]
    assert (row["open"], row["high"], row["low"], row["close"]) == (43.6, 44.04, 43.2, 43.2)
    assert row["volume"] == 139914873


def test_plain_date_close_with_bom_leaves_other_columns_empty():
    frame = parse_price_csv(FIXTURES / "plain_bom_1810.csv")
    assert frame["close"].tolist() == [40.55, 42.45]
    assert frame[["open", "high", "low", "volume"]].isna().all().all()
    assert frame.attrs["format"] == "plain"


def test_rows_are_sorted_by_date():
    frame = parse_price_csv("date,close\n2025-02-07,42.45\n2025-02-06,40.55\n")
    assert frame["close"].tolist() == [40.55, 42.45]


def test_bad_rows_are_all_reported_by_row_and_line_and_nothing_is_returned():
    with pytest.raises(PriceDataError) as caught:
        parse_price_csv(FIXTURES / "bad_rows.csv")
    error = caught.value
    message = str(error)
    assert "bad_rows.csv" in message
    assert "6 bad row(s)" in message
    assert "row 2 (line 3): unparsable date '2025-02-30'" in message
    assert "row 3 (line 4): unparsable close 'abc'" in message
    assert "row 4 (line 5): non-positive close -40.55" in message
    assert "row 5 (line 6): duplicate date 2025-02-03 (first at row 1)" in message
    assert "row 6 (line 7): high 40 < low 41" in message
    assert "row 7 (line 8): close 44 outside [low 40.55, high 43.05]" in message
    assert len(error.problems) == 6
    assert isinstance(error, InputError)


def test_line_numbers_count_blank_lines_and_quoted_newlines():
    text = 'date,close,note\n\n2025-02-06,40.55,"two\nlines"\n2025-02-07,x,ok\n'
    with pytest.raises(PriceDataError, match=r"row 2 \(line 5\): unparsable close 'x'"):
        parse_price_csv(text)


def test_error_message_lists_at_most_twenty_rows():
    text = "date,close\n" + "".join(f"2025-01-{day:02d},bad\n" for day in range(1, 31))
    with pytest.raises(PriceDataError) as caught:
        parse_price_csv(text)
    assert "30 bad row(s)" in str(caught.value)
    assert "and 10 more" in str(caught.value)
    assert "row 21 " not in str(caught.value)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "empty"),
        ("a,b\n1,2\n", "no price header"),
        ("date,open\n2025-01-02,3\n", "no close column"),
        ("date,close\n", "no data rows"),
    ],
)
def test_unusable_files_say_why(text, reason):
    with pytest.raises(PriceDataError, match=reason):
        parse_price_csv(text)


def test_bytes_that_are_not_utf8_or_gbk_are_a_price_error():
    with pytest.raises(PriceDataError, match="not text"):
        parse_price_csv(b"date,close\n\xff\xfe\xfa,1\n\x80\x81\xff")


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300))
def test_arbitrary_bytes_give_a_frame_or_a_price_error(data):
    try:
        frame = parse_price_csv(data)
    except PriceDataError:
        return
    assert list(frame.columns) == list(PRICE_COLUMNS)
    assert (frame["close"] > 0).all()


def test_same_ticker_file_gives_no_warning():
    existing = load_price_file(BUNDLED / "1810.HK.csv")
    new = parse_price_csv(FIXTURES / "yahoo_tz_1810.csv")
    assert check_against_existing(new, existing) == []


def test_index_file_imported_under_the_stock_ticker_is_flagged():
    existing = load_price_file(BUNDLED / "1810.HK.csv")
    new = parse_price_csv(FIXTURES / "yfinance_multiindex_hsi.csv")
    warnings = check_against_existing(new, existing)
    assert len(warnings) == 1
    assert "different ticker" in warnings[0]


def test_non_overlapping_file_with_a_jump_at_the_seam_is_flagged():
    existing = parse_price_csv("date,close\n2025-01-02,40\n2025-01-03,41\n")
    new = parse_price_csv("date,close\n2025-01-06,410\n2025-01-07,412\n")
    assert "different ticker" in check_against_existing(new, existing)[0]
    near = parse_price_csv("date,close\n2025-01-06,41.5\n")
    assert check_against_existing(near, existing) == []


def test_overlapping_closes_that_differ_a_little_are_counted():
    existing = parse_price_csv("date,close\n2025-01-02,40\n2025-01-03,41\n")
    new = parse_price_csv("date,close\n2025-01-02,40\n2025-01-03,42\n")
    assert check_against_existing(new, existing) == [
        "1 of 2 overlapping close(s) differ by more than 1%; the new file replaces them"
    ]


def _fake_yfinance(history: pd.DataFrame | Exception) -> types.ModuleType:
    module = types.ModuleType("yfinance")
    calls = []

    class Ticker:
        def __init__(self, symbol):
            self.symbol = symbol

        def history(self, **kwargs):
            calls.append((self.symbol, kwargs))
            if isinstance(history, Exception):
                raise history
            return history

    module.Ticker = Ticker
    module.calls = calls
    return module


def _recorded_history() -> pd.DataFrame:
    frame = pd.read_csv(FIXTURES / "yfinance_history_1810.csv")
    frame.index = pd.DatetimeIndex(pd.to_datetime(frame.pop("Date"), utc=True)).tz_convert("Asia/Hong_Kong")
    frame.index.name = "Date"
    return frame


def test_fetch_uses_yfinance_and_returns_validated_rows_on_exchange_dates(monkeypatch):
    fake = _fake_yfinance(_recorded_history())
    monkeypatch.setitem(sys.modules, "yfinance", fake)
    frame = fetch_prices("1810.HK", start="2025-10-30", end="2025-11-05")
    assert frame["date"].dt.strftime("%Y-%m-%d").tolist() == [
        "2025-10-30",
        "2025-10-31",
        "2025-11-03",
        "2025-11-04",
    ]
    assert frame.loc[1, "close"] == pytest.approx(43.20, abs=1e-5)
    assert list(frame.columns) == list(PRICE_COLUMNS)
    symbol, kwargs = fake.calls[0]
    assert symbol == "1810.HK"
    assert kwargs["start"] == "2025-10-30" and kwargs["auto_adjust"] is False


def test_fetch_without_yfinance_says_how_to_get_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "yfinance", None)  # makes `import yfinance` raise ImportError
    with pytest.raises(OfflineError, match=r"\[online\]"):
        fetch_prices("1810.HK")


def test_fetch_network_failure_is_one_offline_line(monkeypatch):
    monkeypatch.setitem(
        sys.modules, "yfinance", _fake_yfinance(ConnectionError("Failed to resolve host\nretry 3"))
    )
    with pytest.raises(OfflineError) as caught:
        fetch_prices("1810.HK")
    assert str(caught.value) == "could not fetch 1810.HK from Yahoo: Failed to resolve host"


def test_fetch_empty_answer_is_offline_or_unknown_ticker(monkeypatch):
    monkeypatch.setitem(sys.modules, "yfinance", _fake_yfinance(pd.DataFrame()))
    with pytest.raises(OfflineError, match="no prices for NOPE"):
        fetch_prices("NOPE")
