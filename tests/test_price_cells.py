"""Price cells refused or read by row: a ticker column that disagrees, decimal commas, non-finite or implausible
closes, spikes off the neighbours, year-1 dates (issue 15, item 3)."""

from __future__ import annotations

import pytest

from analysis.errors import PriceDataError
from analysis.price_cells import parse_number, same_ticker
from analysis.prices import parse_price_csv


def test_a_ticker_column_that_disagrees_with_the_ticker_is_refused_by_row():
    text = "date,ticker,close\n2025-01-02,AAPL,190.1\n2025-01-03,AAPL,191.2\n"
    with pytest.raises(PriceDataError) as caught:
        parse_price_csv(text, name="aapl.csv", ticker="1810.HK")
    assert "row 1 (line 2): ticker 'AAPL' is not 1810.HK" in str(caught.value)
    assert len(caught.value.problems) == 2


def test_a_ticker_column_naming_the_same_ticker_is_accepted():
    text = "日期,代码,收盘\n2025-01-02,01810,40.1\n2025-01-03,01810,41.0\n"
    assert parse_price_csv(text, ticker="1810.HK")["close"].tolist() == [40.1, 41.0]
    assert same_ticker("1810.hk", "1810.HK") and not same_ticker("AAPL", "1810.HK")


def test_a_yfinance_file_of_another_ticker_is_refused():
    text = "Price,Close\nTicker,AAPL\nDate,\n2025-01-02,190.1\n"
    with pytest.raises(PriceDataError, match="the file is for AAPL, not 1810.HK"):
        parse_price_csv(text, ticker="1810.HK")


@pytest.mark.parametrize(
    ("cells", "closes"),
    [
        ('"40,10"\n"41,25"', [40.10, 41.25]),  # decimal comma (was 4010)
        ('"1.040,10"\n"1.041,25"', [1040.10, 1041.25]),  # European thousands and decimal comma
        ('"1,040.10"\n"1,041.25"', [1040.10, 1041.25]),  # English thousands
        ('"4,010"\n"4,10"', [4.010, 4.10]),  # the file writes decimal commas: '4,010' is 4.01
        ('"4,010"\n"4010.5"', [4010.0, 4010.5]),  # the file writes decimal points: '4,010' is 4010
    ],
)
def test_decimal_commas_are_read_by_what_the_file_writes(cells, closes):
    rows = cells.split("\n")
    text = "date,close\n" + "".join(f"2025-01-0{i + 2},{cell}\n" for i, cell in enumerate(rows))
    assert parse_price_csv(text)["close"].round(6).tolist() == closes


def test_an_ambiguous_comma_is_refused_by_row():
    with pytest.raises(PriceDataError, match=r"row 1 \(line 2\): ambiguous \(decimal comma or thousands"):
        parse_price_csv('date,close\n2025-01-02,"4,010"\n')


def test_a_semicolon_file_with_decimal_commas_is_read():
    frame = parse_price_csv("date;open;close\n2025-01-02;40,00;40,10\n2025-01-03;40,10;40,20\n")
    assert frame["close"].tolist() == [40.10, 40.20]


@pytest.mark.parametrize(
    ("close", "reason"),
    [
        ("inf", "non-finite close 'inf'"),
        ("nan%", "unparsable close 'nan%'"),
        ("1e308", "implausible close 1e308 (above 1e+09)"),
        ("-40", "non-positive close -40"),
    ],
)
def test_non_finite_implausible_or_non_positive_closes_are_refused_by_row(close, reason):
    text = f"date,close\n2025-01-02,40\n2025-01-03,{close}\n2025-01-06,41\n"
    with pytest.raises(PriceDataError) as caught:
        parse_price_csv(text, name="p.csv")
    assert f"row 2 (line 3): {reason}" in str(caught.value)


def test_a_close_far_off_both_neighbours_is_refused_and_a_step_is_not(monkeypatch):
    spike = "date,close\n2025-01-02,40\n2025-01-03,400\n2025-01-06,41\n"
    with pytest.raises(
        PriceDataError, match=r"row 2 \(line 3\): close 400 is 9.76× off its neighbours \(limit 5"
    ):
        parse_price_csv(spike)
    step = "date,close\n2025-01-02,40\n2025-01-03,41\n2025-01-06,4.1\n2025-01-07,4.2\n"  # an unadjusted split
    assert len(parse_price_csv(step)) == 4
    monkeypatch.setenv("NARRATIVE_PRICE_JUMP_FACTOR", "20")
    assert len(parse_price_csv(spike)) == 3


@pytest.mark.parametrize("day", ["0001-01-01", "1899-12-30"])
def test_dates_before_1900_are_refused_by_row_with_a_clear_message(day):
    with pytest.raises(
        PriceDataError, match=rf"row 1 \(line 2\): date {day} is before 1900: not a trading day"
    ):
        parse_price_csv(f"date,close\n{day},40\n2025-01-02,41\n")


def test_volumes_with_thousands_separators_are_read():
    frame = parse_price_csv('date,close,volume\n2025-01-02,40.1,"1,234"\n2025-01-03,40.2,"1,234,567"\n')
    assert frame["volume"].tolist() == [1234.0, 1234567.0]


def test_parse_number_says_why():
    assert parse_number("40,10") == (40.10, None)
    assert parse_number("1e309")[1] == "non-finite"
