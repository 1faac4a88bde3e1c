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
    result = event_study(arts, prices, ticker="1810.HK", model="market-adjusted")
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
    car = event_study(
        scored([days[20]], labels=["bullish"]), prices, ticker="1810.HK", model="market-adjusted"
    )["bullish"]["car"]
    assert max(abs(value) for value in car.values()) == pytest.approx(0.0, abs=1e-12)


def test_weekend_article_counts_from_monday_and_same_day_articles_are_one_event():
    days, flat = jump_market()
    stock = flat.copy()
    stock[20:] = 110.0
    prices = price_table({"1810.HK": stock, "HSI": flat}, days)
    saturday = days[20] - pd.Timedelta(days=2)
    assert days[20].day_name() == "Monday"
    arts = scored([saturday, days[20], days[20]], labels=["bullish"] * 3)
    bull = event_study(arts, prices, ticker="1810.HK", model="market-adjusted")["bullish"]
    assert bull["n"] == 1
    assert bull["car"][0] == pytest.approx(0.10)


def test_events_whose_window_runs_off_the_table_are_left_out():
    days, flat = jump_market(30)
    prices = price_table({"1810.HK": flat, "HSI": flat}, days)
    arts = scored([days[2], days[25], days[10]], labels=["bullish", "bullish", "bearish"])
    result = event_study(arts, prices, ticker="1810.HK", model="market-adjusted")
    assert {key: result["bullish"][key] for key in ("n", "car", "ci_lo", "ci_hi", "note", "benchmark", "model")} == {
        "n": 0, "car": {}, "ci_lo": {}, "ci_hi": {}, "note": "not enough data", "benchmark": "HSI",
        "model": "market-adjusted",
    }  # fmt: skip
    assert result["bullish"]["n_incomplete"] == 2
    assert result["bearish"]["n"] == 1


def test_missing_benchmark_falls_back_to_raw_returns_and_says_so():
    days, flat = jump_market()
    stock = flat.copy()
    stock[20:] = 110.0
    result = event_study(
        scored([days[20]], labels=["bullish"]),
        price_table({"1810.HK": stock}, days),
        ticker="1810.HK",
        model="market-adjusted",
    )
    assert result["bullish"]["model"] == "raw returns (benchmark missing)"
    assert result["bullish"]["car"][0] == pytest.approx(0.10)


def test_min_n_hides_a_side_with_too_few_events():
    days, flat = jump_market()
    prices = price_table({"1810.HK": flat, "HSI": flat}, days)
    result = event_study(
        scored([days[20]], labels=["bullish"]), prices, ticker="1810.HK", min_n=3, model="market-adjusted"
    )
    assert result["bullish"]["n"] == 1
    assert result["bullish"]["car"] == {} and result["bullish"]["note"] == "not enough data"


def test_near_duplicates_are_no_events_and_no_tone():
    days, flat = jump_market()
    prices = price_table({"1810.HK": flat, "HSI": flat}, days)
    arts = scored([days[20], days[30]], labels=["bullish", "bullish"], duplicate=[False, True])
    assert event_study(arts, prices, ticker="1810.HK", model="market-adjusted")["bullish"]["n"] == 1
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


# -- significance: p-values, the correction over lags, and what chance alone shows ---------------------------


def noise_panel(seed: int, *, effect: float = 0.0, lag: int = 1, n_days: int = 250, n_articles: int = 60):
    """Tone on 60 random days of a year of sessions; returns are noise, plus `effect`·tone `lag` sessions later."""
    rng = np.random.default_rng(seed)
    days = pd.bdate_range("2024-01-01", periods=n_days)
    article_days = np.sort(rng.choice(np.arange(6, n_days - 6), n_articles, replace=False))
    tones = rng.uniform(-1, 1, n_articles)
    returns = rng.normal(0, 0.02, n_days)
    returns[article_days + lag] += effect * tones
    return scored(days[article_days], tones), price_table({"1810.HK": 40 * np.cumprod(1 + returns)}, days)


def test_lead_lag_rows_equal_scipy_pearsonr_and_statsmodels_multipletests():
    from scipy import stats
    from statsmodels.stats.multitest import multipletests

    arts, prices = planted_lead(2, n_days=120, seed=9)
    table = lead_lag(arts, prices, ticker="1810.HK", correction="holm")
    close = prices.set_index("date")["close"]
    returns = close.pct_change()
    tone = pd.Series(arts["tone_sum"].to_numpy(), index=pd.to_datetime(arts["date"]))
    for row in table.itertuples():
        shifted = returns.shift(-row.k).reindex(tone.index)
        ok = shifted.notna()
        reference = stats.pearsonr(tone[ok], shifted[ok])
        interval = reference.confidence_interval(0.95)
        assert (row.n, row.r, row.p) == (
            ok.sum(),
            pytest.approx(reference.statistic),
            pytest.approx(reference.pvalue),
        )
        assert (row.lo, row.hi) == (pytest.approx(interval.low), pytest.approx(interval.high))
    reject, corrected, _, _ = multipletests(table["p"], alpha=0.05, method="holm")
    assert table["p_adjusted"].tolist() == pytest.approx(corrected.tolist())
    assert table["significant"].tolist() == reject.tolist()
    assert table.attrs["method"]["correction"] == "holm" and table.attrs["method"]["n_tests"] == 11


def test_on_pure_noise_few_panels_show_a_significant_lag_after_the_correction():
    # 120 seeded panels of noise: uncorrected, about 4 in 10 show a lag with p < 0.05; after the correction the
    # share with any significant lag stays near the 5% it promises (0.0575 over 400 seeds, measured).
    raw, corrected = [], []
    for seed in range(120):
        table = lead_lag(*noise_panel(seed), ticker="1810.HK")
        raw.append(bool((table["p"] < 0.05).any()))
        corrected.append(bool(table["significant"].any()))
    assert np.mean(raw) > 0.3
    assert np.mean(corrected) <= 0.075


def test_a_planted_lag_one_effect_is_the_lag_that_survives_the_correction():
    table = lead_lag(*noise_panel(0, effect=0.02), ticker="1810.HK").set_index("k")
    assert table.index[table["significant"]].tolist() == [1]
    assert table.loc[1, "p_adjusted"] < 0.01 and table.loc[1, "lo"] > 0


def test_rows_without_a_coefficient_are_not_counted_among_the_tests():
    days = pd.bdate_range("2025-01-01", periods=30)
    prices = price_table({"1810.HK": np.linspace(40, 45, 30)}, days)
    table = lead_lag(scored(days[[8, 11, 14]], [0.2, -0.3, 0.5]), prices, ticker="1810.HK", min_n=10)
    assert table["p"].isna().all() and table["p_adjusted"].isna().all() and not table["significant"].any()
    assert table.attrs["method"]["n_tests"] == 0


def test_min_n_and_correction_come_from_settings(monkeypatch):
    arts, prices = planted_lead(3, n_days=60)
    monkeypatch.setenv("NARRATIVE_LAG_MIN_N", "1000")
    assert set(lead_lag(arts, prices, ticker="1810.HK")["note"]) == {"not enough data"}
    monkeypatch.setenv("NARRATIVE_LAG_MIN_N", "10")
    monkeypatch.setenv("NARRATIVE_LAG_CORRECTION", "holm")
    method = lead_lag(arts, prices, ticker="1810.HK").attrs["method"]
    assert (method["correction"], method["min_n"]) == ("holm", 10)
    assert "trading days of the 1810.HK price table" in method["calendar"]


def market_with_beta(seed: int, *, n_days: int = 400, beta: float = 1.5, drift: float = 0.0):
    """A stock that moves beta × the benchmark plus noise (and a daily drift), no news effect at all."""
    rng = np.random.default_rng(seed)
    days = pd.bdate_range("2023-01-02", periods=n_days)
    market = rng.normal(0.0004, 0.01, n_days)
    stock = drift + beta * market + rng.normal(0, 0.01, n_days)
    closes_ = {"1810.HK": 30 * np.cumprod(1 + stock), "HSI": 20000 * np.cumprod(1 + market)}
    return days, price_table(closes_, days)


def test_market_model_abnormal_returns_equal_statsmodels_ols_on_the_estimation_window():
    import statsmodels.api as sm

    days, prices = market_with_beta(4)
    event = 300
    result = event_study(
        scored([days[event]], labels=["bullish"]), prices, ticker="1810.HK", estimation_days=120
    )
    bull = result["bullish"]
    stock = prices[prices["ticker"] == "1810.HK"]["close"].pct_change().to_numpy()
    market = prices[prices["ticker"] == "HSI"]["close"].pct_change().to_numpy()
    estimation = slice(event - 5 - 120, event - 5)  # the 120 sessions before day -5
    fit = sm.OLS(stock[estimation], sm.add_constant(market[estimation])).fit()
    window = slice(event - 5, event + 11)
    expected = np.cumsum(stock[window] - fit.params[0] - fit.params[1] * market[window])
    assert [bull["car"][day] for day in range(-5, 11)] == pytest.approx(expected.tolist())
    assert bull["beta"] == pytest.approx(fit.params[1])
    assert bull["model"] == "market" and bull["estimation"]["window"] == [-125, -6]


def test_car_band_is_the_cross_sectional_t_interval_of_scipy():
    from scipy import stats

    days, prices = market_with_beta(6)
    events = [150, 190, 230, 270, 310]
    arts = scored(days[events], labels=["bearish"] * 5)
    result = event_study(arts, prices, ticker="1810.HK", model="market-adjusted")
    bear = result["bearish"]
    stock = prices[prices["ticker"] == "1810.HK"]["close"].pct_change().to_numpy()
    market = prices[prices["ticker"] == "HSI"]["close"].pct_change().to_numpy()
    cars = np.array([np.cumsum((stock - market)[e - 5 : e + 11]) for e in events])
    interval = stats.ttest_1samp(cars, 0.0, axis=0).confidence_interval(0.95)
    assert bear["n"] == 5 and bear["band"] == "cross-sectional t, 95%"
    assert [bear["ci_lo"][d] for d in range(-5, 11)] == pytest.approx(interval.low.tolist())
    assert [bear["ci_hi"][d] for d in range(-5, 11)] == pytest.approx(interval.high.tolist())


def test_placebo_band_contains_zero_and_random_events_stay_inside_it():
    # 20 seeded markets where the stock beats the benchmark by 0.1% a day and articles fall on random days.
    inside, covered = [], []
    for seed in range(20):
        days, prices = market_with_beta(seed, drift=0.001)
        rng = np.random.default_rng(seed)
        picks = np.sort(rng.choice(np.arange(150, 380), 12, replace=False))
        labels = list(rng.permutation(["bullish"] * 6 + ["bearish"] * 6))  # both sides spread over the period
        result = event_study(scored(days[picks], labels=labels), prices, ticker="1810.HK")
        placebo = result["placebo"]
        assert placebo["n"] == 6 and placebo["draws"] == 1000 and placebo["days"] > 100
        assert all(placebo["ci_lo"][d] < 0 < placebo["ci_hi"][d] for d in range(-5, 11))
        for side in ("bullish", "bearish"):
            entry = result[side]
            inside.append(placebo["ci_lo"][10] <= entry["car"][10] <= placebo["ci_hi"][10])
            covered.append(entry["ci_lo"][10] <= 0 <= entry["ci_hi"][10])
    # 95% bands: over 100 such seeds 94% of the sides fall inside the placebo band, 94.5% of their bands hold 0.
    assert np.mean(inside) >= 0.85 and np.mean(covered) >= 0.85


def test_market_adjusted_placebo_keeps_the_drift_the_market_model_takes_out():
    days, prices = market_with_beta(1, n_days=800, drift=0.002)  # 16 sessions × 0.2% ≈ 3.2% by day 10
    arts = scored(days[[200, 790 - 11]], labels=["bullish", "bearish"])
    adjusted = event_study(arts, prices, ticker="1810.HK", model="market-adjusted")["placebo"]
    market = event_study(arts, prices, ticker="1810.HK", model="market")["placebo"]
    assert adjusted["car"][10] > 0.02 and abs(market["car"][10]) < 0.01


def test_placebo_is_the_same_for_the_same_seed_and_moves_with_another():
    days, prices = market_with_beta(2)
    arts = scored(days[[200, 260, 320]], labels=["bullish", "bearish", "bullish"])
    first = event_study(arts, prices, ticker="1810.HK")["placebo"]
    assert event_study(arts, prices, ticker="1810.HK")["placebo"] == first
    other = event_study(arts, prices, ticker="1810.HK", seed=14)["placebo"]
    assert other["ci_hi"] != first["ci_hi"] and other["car"] == first["car"]


def test_inferred_and_undated_articles_are_left_out_and_counted():
    days, prices = market_with_beta(3)
    arts = cube(
        {"date": days[200], "label": "bullish"}, {"date": days[250], "label": "bullish", "inferred": True},
        {"date": days[300], "label": "bearish"},
    )  # fmt: skip
    result = event_study(arts, prices, ticker="1810.HK", undated={"bearish": 2})
    assert (result["bullish"]["n"], result["bullish"]["n_inferred_excluded"]) == (1, 1)
    assert (result["bearish"]["n"], result["bearish"]["n_undated_excluded"]) == (1, 2)
    assert result["bullish"]["n_undated_excluded"] == 0


def test_events_without_enough_estimation_history_are_incomplete_under_the_market_model():
    days, prices = market_with_beta(5, n_days=200)
    arts = scored(days[[30, 150]], labels=["bullish", "bullish"])
    bull = event_study(arts, prices, ticker="1810.HK", estimation_days=120)["bullish"]
    assert (bull["n"], bull["n_incomplete"]) == (
        1,
        1,
    )  # day 30 has 24 sessions before its window, 150 has 144


@pytest.mark.parametrize(
    ("variable", "value", "words"),
    [("NARRATIVE_LAG_CORRECTION", "bonferroni", "must be one of holm, fdr_bh"),
     ("NARRATIVE_ALPHA", "0.7", "must be below 0.5"), ("NARRATIVE_EVENT_MODEL", "capm", "must be one of")],
)  # fmt: skip
def test_bad_statistics_settings_name_the_variable(monkeypatch, variable, value, words):
    from analysis.errors import ConfigError
    from analysis.settings import current

    monkeypatch.setenv(variable, value)
    with pytest.raises(ConfigError, match=variable) as raised:
        current()
    assert words in str(raised.value)


def test_market_model_over_a_flat_benchmark_has_beta_zero_and_keeps_the_jump():
    days, flat = jump_market(200)
    stock = flat.copy()
    stock[150:] = 110.0
    prices = price_table({"1810.HK": stock, "HSI": flat * 200}, days)
    bull = event_study(scored([days[150]], labels=["bullish"]), prices, ticker="1810.HK")["bullish"]
    assert (bull["model"], bull["n"], bull["beta"]) == ("market", 1, pytest.approx(0.0))
    assert bull["car"][0] == pytest.approx(0.10) and bull["car"][-1] == pytest.approx(0.0)
