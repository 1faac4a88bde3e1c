"""Tone against prices from per-day sums: trading-day alignment, a planted lead found at its k, the CAR of a
planted jump."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.narrative import align_to_trading_days, event_study, lead_lag
from analysis.prices import load_price_file
from tests.daily_sums import cube

ROOT = Path(__file__).resolve().parents[1]


def price_table(closes: dict[str, np.ndarray], days: pd.DatetimeIndex) -> pd.DataFrame:
    return pd.concat(
        [
            pd.DataFrame({"ticker": ticker, "date": days, "close": values})
            for ticker, values in closes.items()
        ],
        ignore_index=True,
    )


def scored(dates, tones=None, labels=None, duplicate=None) -> pd.DataFrame:
    """Store.tone_cube of one article per date, with the given tones, labels and near-duplicate flags."""
    n = len(dates)
    tones = [0.0] * n if tones is None else list(tones)
    labels = ["neutral"] * n if labels is None else labels
    duplicate = [False] * n if duplicate is None else duplicate
    return cube(*(
        {"date": day, "tone": float(tone), "label": label, "duplicate": dup}
        for day, tone, label, dup in zip(pd.to_datetime(list(dates)), tones, labels, duplicate, strict=True)
    ))  # fmt: skip


def test_non_trading_days_align_to_the_next_trading_day_of_the_price_table():
    calendar = load_price_file(ROOT / "data" / "prices" / "1810.HK.csv")["date"]
    dates = pd.Series(
        pd.to_datetime(["2025-02-08", "2025-10-29", "2025-10-31", "2025-12-25", None]),
        index=[10, 11, 12, 13, 14],
    )
    aligned = align_to_trading_days(dates, calendar)
    assert aligned.index.tolist() == [10, 11, 12, 13, 14]
    assert aligned[10] == pd.Timestamp("2025-02-10")  # Saturday → Monday
    assert aligned[11] == pd.Timestamp("2025-10-30")  # Chung Yeung holiday → next session
    assert aligned[12] == pd.Timestamp("2025-10-31")  # a trading day stays
    assert pd.isna(aligned[13])  # past the end of the price table
    assert pd.isna(aligned[14])


def test_alignment_ignores_the_time_of_day():
    aligned = align_to_trading_days(
        pd.Series(pd.to_datetime(["2025-02-07 18:30"])), pd.to_datetime(["2025-02-07"])
    )
    assert aligned[0] == pd.Timestamp("2025-02-07")


def planted_lead(lead: int, n_days: int = 400, seed: int = 1) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Tone on every other day moves the stock `lead` sessions later; everything else is noise."""
    rng = np.random.default_rng(seed)
    days = pd.bdate_range("2023-01-02", periods=n_days)
    returns = rng.normal(0, 0.01, n_days)
    article_days = np.arange(10, n_days - 10, 2)
    tones = rng.uniform(-1, 1, len(article_days))
    returns[article_days + lead] += 0.02 * tones
    close = 50 * np.cumprod(1 + returns)
    return scored(days[article_days], tones), price_table({"1810.HK": close}, days)


def test_a_planted_three_day_lead_peaks_at_k_3():
    arts, prices = planted_lead(3)
    table = lead_lag(arts, prices, ticker="1810.HK").set_index("k")
    assert table.index.tolist() == list(range(-5, 6))
    assert table["r"].idxmax() == 3
    assert table.loc[3, "lo"] > 0.3  # the interval excludes zero
    assert table.drop(index=3)["r"].abs().max() < 0.2  # no other lag looks real
    assert table["note"].isna().all()


def test_price_leading_tone_shows_at_negative_k():
    rng = np.random.default_rng(5)
    n_days = 300
    days = pd.bdate_range("2023-01-02", periods=n_days)
    returns = rng.normal(0, 0.01, n_days)
    close = 50 * np.cumprod(1 + returns)
    article_days = np.arange(10, n_days - 10, 2)
    # The writer reacts to the previous session's move: tone follows the return of day t-1.
    tones = np.clip(returns[article_days - 1] * 60 + rng.normal(0, 0.1, len(article_days)), -1, 1)
    table = lead_lag(
        scored(days[article_days], tones), price_table({"1810.HK": close}, days), ticker="1810.HK"
    )
    table = table.set_index("k")
    assert table["r"].idxmax() == -1
    assert abs(table.loc[0, "r"]) < 0.2


def test_fisher_interval_matches_the_formula():
    arts, prices = planted_lead(2, n_days=120, seed=9)
    row = lead_lag(arts, prices, ticker="1810.HK", ks=[2]).iloc[0]
    z, half = math.atanh(row["r"]), 1.959963984540054 / math.sqrt(row["n"] - 3)
    assert row["lo"] == pytest.approx(math.tanh(z - half))
    assert row["hi"] == pytest.approx(math.tanh(z + half))


def test_below_min_n_the_table_says_not_enough_data():
    days = pd.bdate_range("2025-01-01", periods=30)
    prices = price_table({"1810.HK": np.linspace(40, 45, 30)}, days)
    table = lead_lag(scored(days[[8, 11, 14]], [0.2, -0.3, 0.5]), prices, ticker="1810.HK", min_n=10)
    assert (table["note"] == "not enough data").all()
    assert table["r"].isna().all() and table["lo"].isna().all() and table["hi"].isna().all()
    assert table["n"].tolist() == [3] * 11


def test_constant_tone_has_no_variation_note():
    arts, prices = planted_lead(1, n_days=100)
    arts = arts.assign(weighted=0.5 * arts["weight"], tone_sum=0.5)
    assert set(lead_lag(arts, prices, ticker="1810.HK")["note"]) == {"no variation"}


def test_returns_past_the_price_table_shrink_n_rather_than_guessing():
    arts, prices = planted_lead(1, n_days=100)
    table = lead_lag(arts, prices, ticker="1810.HK").set_index("k")
    assert table.loc[5, "n"] == table.loc[0, "n"]  # articles stop 10 sessions before the end
    late = scored(pd.to_datetime([prices["date"].iloc[-2]]), [0.3])
    assert (
        lead_lag(pd.concat([arts, late]), prices, ticker="1810.HK").set_index("k").loc[5, "n"]
        == table.loc[5, "n"]
    )


def jump_market(n_days: int = 60) -> tuple[pd.DatetimeIndex, np.ndarray]:
    return pd.bdate_range("2025-03-03", periods=n_days), np.full(n_days, 100.0)


def test_car_of_a_planted_jump_is_the_jump_from_day_zero():
    days, flat = jump_market()
    stock = flat.copy()
    stock[20:] = 110.0  # +10% on day 20 (the bullish article's day)
    stock[40:] = 110.0 * 0.95  # -5% two sessions after the bearish article on day 38
    prices = price_table({"1810.HK": stock, "HSI": flat * 200}, days)
    arts = scored([days[20], days[38]], labels=["bullish", "bearish"])
    result = event_study(arts, prices, ticker="1810.HK")
    bull, bear = result["bullish"], result["bearish"]
    assert bull["n"] == 1 and bear["n"] == 1
    assert sorted(bull["car"]) == list(range(-5, 11))
    assert bull["car"][-1] == pytest.approx(0.0)
    assert bull["car"][0] == pytest.approx(0.10)
    assert bull["car"][10] == pytest.approx(0.10)
    assert bear["car"][1] == pytest.approx(0.0)
    assert bear["car"][2] == pytest.approx(-0.05)
    assert bull["model"] == "market-adjusted" and bull["benchmark"] == "HSI"


def test_a_move_shared_with_the_benchmark_is_not_abnormal():
    days, flat = jump_market()
    moved = flat.copy()
    moved[20:] = 110.0
    prices = price_table({"1810.HK": moved, "HSI": moved * 200}, days)
    car = event_study(scored([days[20]], labels=["bullish"]), prices, ticker="1810.HK")["bullish"]["car"]
    assert max(abs(value) for value in car.values()) == pytest.approx(0.0, abs=1e-12)


def test_weekend_article_counts_from_monday_and_same_day_articles_are_one_event():
    days, flat = jump_market()
    stock = flat.copy()
    stock[20:] = 110.0
    prices = price_table({"1810.HK": stock, "HSI": flat}, days)
    saturday = days[20] - pd.Timedelta(days=2)
    assert days[20].day_name() == "Monday"
    arts = scored([saturday, days[20], days[20]], labels=["bullish"] * 3)
    bull = event_study(arts, prices, ticker="1810.HK")["bullish"]
    assert bull["n"] == 1
    assert bull["car"][0] == pytest.approx(0.10)


def test_events_whose_window_runs_off_the_table_are_left_out():
    days, flat = jump_market(30)
    prices = price_table({"1810.HK": flat, "HSI": flat}, days)
    arts = scored([days[2], days[25], days[10]], labels=["bullish", "bullish", "bearish"])
    result = event_study(arts, prices, ticker="1810.HK")
    assert result["bullish"] == {
        "n": 0, "car": {}, "note": "not enough data", "benchmark": "HSI", "model": "market-adjusted",
    }  # fmt: skip
    assert result["bearish"]["n"] == 1


def test_missing_benchmark_falls_back_to_raw_returns_and_says_so():
    days, flat = jump_market()
    stock = flat.copy()
    stock[20:] = 110.0
    result = event_study(
        scored([days[20]], labels=["bullish"]), price_table({"1810.HK": stock}, days), ticker="1810.HK"
    )
    assert result["bullish"]["model"] == "raw returns (benchmark missing)"
    assert result["bullish"]["car"][0] == pytest.approx(0.10)


def test_min_n_hides_a_side_with_too_few_events():
    days, flat = jump_market()
    prices = price_table({"1810.HK": flat, "HSI": flat}, days)
    result = event_study(scored([days[20]], labels=["bullish"]), prices, ticker="1810.HK", min_n=3)
    assert result["bullish"]["n"] == 1
    assert result["bullish"]["car"] == {} and result["bullish"]["note"] == "not enough data"


def test_near_duplicates_are_no_events_and_no_tone():
    days, flat = jump_market()
    prices = price_table({"1810.HK": flat, "HSI": flat}, days)
    arts = scored([days[20], days[30]], labels=["bullish", "bullish"], duplicate=[False, True])
    assert event_study(arts, prices, ticker="1810.HK")["bullish"]["n"] == 1
    from analysis.narrative import daily_tone

    assert daily_tone(arts, days).index.tolist() == [days[20]]


def test_lead_lag_reads_the_snownlp_sums_when_asked():
    arts, prices = planted_lead(3)
    # snownlp's plotted 2p−1 carries the planted tone; the finance tone is flat.
    plotted = arts["tone_sum"]
    arts = arts.assign(n_snownlp=1, weight_snownlp=arts["weight"], weighted_snownlp=plotted * arts["weight"],
                       snownlp_sum=plotted, weighted=0.0, tone_sum=0.0)  # fmt: skip
    assert lead_lag(arts, prices, ticker="1810.HK", tone_field="snownlp").set_index("k")["r"].idxmax() == 3
    assert set(lead_lag(arts, prices, ticker="1810.HK")["note"]) == {"no variation"}
