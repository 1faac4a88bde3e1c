"""Tone index, frame shares, bull/bear intensity and per-outlet tone from per-day sums with known answers."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.errors import InputError
from analysis.narrative import bull_bear_intensity, frame_shares, period_start, source_tone, tone_index
from analysis.narrative.tone import TONE_INDEX_COLUMNS
from tests.daily_sums import cube, frames_by_day, source_sums


def test_tone_is_the_relevance_and_confidence_weighted_mean():
    sums = cube(
        {"date": "2025-03-03", "tone": 1.0, "relevance": 1.0, "confidence": 1.0},
        {"date": "2025-03-03", "tone": -1.0, "relevance": 0.5, "confidence": 0.5},
    )
    index = tone_index(sums, freq="D")
    assert list(index.columns) == list(TONE_INDEX_COLUMNS)
    assert index.loc[0, "tone"] == pytest.approx((1.0 - 0.25) / 1.25)
    assert index.loc[0, "n_articles"] == 2


def test_a_day_summed_into_one_row_gives_the_same_index_as_its_articles_row_by_row():
    rows = cube(
        {"date": "2025-03-03", "tone": 0.7, "relevance": 0.4}, {"date": "2025-03-03", "tone": -0.1},
        {"date": "2025-03-04", "tone": 0.2},
    )  # fmt: skip
    first_day = rows.iloc[:2]
    summed = pd.concat([first_day.iloc[:1].assign(**first_day[["n", "weight", "weighted", "tone_sum"]].sum()),
                        rows.iloc[2:]], ignore_index=True)  # fmt: skip
    assert summed["n"].tolist() == [2, 1]
    pd.testing.assert_frame_equal(tone_index(summed), tone_index(rows), check_dtype=False)


def test_zero_weights_fall_back_to_the_plain_mean():
    sums = cube(
        {"date": "2025-03-03", "tone": 0.6, "relevance": 0.0},
        {"date": "2025-03-03", "tone": 0.2, "relevance": 0.0},
    )
    assert tone_index(sums).loc[0, "tone"] == pytest.approx(0.4)


def test_near_duplicates_count_once():
    sums = cube(
        {"date": "2025-03-03", "tone": 0.8},
        {"date": "2025-03-03", "tone": 0.8, "duplicate": True},
        {"date": "2025-03-03", "tone": -0.4},
    )
    row = tone_index(sums).iloc[0]
    assert row["n_articles"] == 3
    assert row["n_unique"] == 2
    assert row["tone"] == pytest.approx(0.2)


def test_snownlp_tone_field_plots_2p_minus_1_of_the_articles_that_have_it():
    sums = cube(
        {"date": "2025-03-03", "tone": 0.3, "snownlp": 0.0}, {"date": "2025-03-03", "tone": 0.3, "snownlp": 0.75},
        {"date": "2025-03-03", "tone": 0.9},
    )  # fmt: skip
    row = tone_index(sums, tone_field="snownlp").iloc[0]
    assert row["tone"] == pytest.approx(-0.25)
    assert row["n_articles"] == 2
    assert tone_index(sums).iloc[0]["n_articles"] == 3


def test_weeks_start_on_monday_and_months_on_the_first():
    sums = cube({"date": "2025-02-09"}, {"date": "2025-02-10"}, {"date": "2025-02-28"})  # Sun, Mon, Fri
    assert tone_index(sums, freq="W")["date"].dt.strftime("%Y-%m-%d").tolist() == [
        "2025-02-03",
        "2025-02-10",
        "2025-02-24",
    ]
    monthly = tone_index(sums, freq="M")
    assert monthly["date"].dt.strftime("%Y-%m-%d").tolist() == ["2025-02-01"]
    assert monthly.loc[0, "n_articles"] == 3


def test_unknown_frequency_is_refused():
    with pytest.raises(InputError, match=r"\[freq\]: must be one of D, W, M"):
        period_start(pd.Series(pd.to_datetime(["2025-01-01"])), "Q")


def test_zscore_flags_a_day_far_below_its_own_baseline():
    # Financial news runs positive: +0.3 is the norm here, so a day at 0.0 is the news, not the level.
    tones = [0.3, 0.35, 0.25, 0.3, 0.32, 0.28, 0.0]
    sums = cube(*({"date": f"2025-03-{day + 1:02d}", "tone": tone} for day, tone in enumerate(tones)))
    index = tone_index(sums, freq="D", baseline_window=10)
    assert index["zscore"].iloc[:3].isna().all()  # fewer than 3 earlier periods: no baseline yet
    assert index["zscore"].iloc[-1] < -5
    baseline = np.mean(tones[:-1])
    spread = np.std(tones[:-1], ddof=1)
    assert index["baseline"].iloc[-1] == pytest.approx(baseline)
    assert index["zscore"].iloc[-1] == pytest.approx((0.0 - baseline) / spread)


def test_baseline_window_counts_calendar_periods_not_rows():
    # Three old days, then a month of silence: with a 10-day window the old days are out of the baseline.
    sums = cube(
        {"date": "2025-03-01", "tone": 0.1}, {"date": "2025-03-02", "tone": 0.2}, {"date": "2025-03-03", "tone": 0.3},
        {"date": "2025-04-10", "tone": 0.9},
    )  # fmt: skip
    index = tone_index(sums, freq="D", baseline_window=10)
    assert math.isnan(index["zscore"].iloc[-1])
    assert not math.isnan(tone_index(sums, freq="D", baseline_window=60)["zscore"].iloc[-1])


def test_the_default_baseline_window_is_the_setting_for_the_frequency(monkeypatch):
    sums = cube(
        {"date": "2025-03-01", "tone": 0.1}, {"date": "2025-03-02", "tone": 0.2}, {"date": "2025-03-03", "tone": 0.3},
        {"date": "2025-04-10", "tone": 0.9},
    )  # fmt: skip
    assert not math.isnan(tone_index(sums, freq="D")["zscore"].iloc[-1])  # 90 days by default
    monkeypatch.setenv("NARRATIVE_BASELINE_D", "10")
    assert math.isnan(tone_index(sums, freq="D")["zscore"].iloc[-1])


def test_a_spread_within_rounding_noise_gives_no_zscore():
    sums = cube(*({"date": f"2025-03-{day + 1:02d}", "tone": 0.3} for day in range(6)))
    assert tone_index(sums, freq="D")["zscore"].isna().all()


def test_inferred_share_is_the_fraction_of_estimated_dates():
    sums = cube({"date": "2025-03-03", "inferred": True}, {"date": "2025-03-03"}, {"date": "2025-03-04"})
    assert tone_index(sums)["inferred_share"].tolist() == [0.5, 0.0]


def test_empty_sums_give_empty_series_with_columns():
    empty = cube()
    assert list(tone_index(empty).columns) == list(TONE_INDEX_COLUMNS)
    assert frame_shares(frames_by_day()).empty
    assert source_tone(source_sums()).empty and bull_bear_intensity(empty).empty


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 40), st.floats(-1, 1), st.floats(0, 1), st.floats(0, 1), st.booleans()),
        min_size=1,
        max_size=30,
    )
)
def test_tone_index_stays_within_minus_one_and_one(rows):
    sums = cube(*(
        {"date": pd.Timestamp("2025-01-01") + pd.Timedelta(days=day), "tone": tone, "relevance": rel,
         "confidence": conf, "duplicate": duplicate}
        for day, tone, rel, conf, duplicate in rows
    ))  # fmt: skip
    for freq in ("D", "W", "M"):
        index = tone_index(sums, freq=freq)
        assert index["tone"].dropna().between(-1 - 1e-9, 1 + 1e-9).all()
        assert index["n_articles"].sum() == len(rows)
        assert index["n_unique"].sum() == sum(not duplicate for *_, duplicate in rows)


def test_frame_shares_per_period_sum_to_one():
    hits = frames_by_day(
        ("2025-03-03", "growth_momentum", "bullish", 2),
        ("2025-03-04", "recall_quality", "bearish", 1),
        ("2025-04-01", "trust_crisis", "bearish", 1),
    )
    shares = frame_shares(hits, freq="M")
    march = shares[shares["period"] == "2025-03-01"].set_index("frame")
    assert march["share"].to_dict() == pytest.approx({"growth_momentum": 2 / 3, "recall_quality": 1 / 3})
    assert march.loc["growth_momentum", "intensity"] == 2
    assert march.loc["growth_momentum", "n_articles"] == 1
    assert shares.groupby("period")["share"].sum().tolist() == pytest.approx([1.0, 1.0])


def test_frame_shares_add_up_the_days_of_a_period():
    hits = frames_by_day(
        ("2025-03-03", "ipo", "bullish", 3, 2), ("2025-03-05", "ipo", "bullish", 1, 1),
        ("2025-03-05", "trust_crisis", "bearish", 4, 1),
    )  # fmt: skip
    week = frame_shares(hits, freq="W").set_index("frame")
    assert week.loc["ipo", ["intensity", "n_articles"]].tolist() == [4.0, 3]
    assert week.loc["ipo", "share"] == pytest.approx(0.5)


def test_bull_bear_intensity_sums_the_scorer_intensities_and_balances_them():
    sums = cube(
        {"date": "2025-03-03", "bull": 3.0, "bear": 1.0},
        {"date": "2025-03-05", "bull": 0.0, "bear": 0.0},
        {"date": "2025-03-05", "bull": 5.0, "bear": 0.0, "duplicate": True},  # a near-duplicate: left out
        {"date": "2025-03-12", "bull": 0.0, "bear": 2.0},
    )
    result = bull_bear_intensity(sums, freq="W").set_index("period")
    assert result.loc["2025-03-03", ["bullish", "bearish", "n"]].tolist() == [3.0, 1.0, 2]
    assert result.loc["2025-03-03", "balance"] == pytest.approx(0.5)
    assert result.loc["2025-03-10", "balance"] == pytest.approx(-1.0)


def test_source_tone_is_the_weighted_tone_of_each_outlet_and_period():
    sums = source_sums(
        {"period": "2025-03-01", "source": "A", "n": 2, "weight": 1.5, "weighted": 0.3, "tone_sum": 0.4},
        {
            "period": "2025-03-01",
            "source": "(unknown)",
            "n": 1,
            "weight": 0.0,
            "weighted": 0.0,
            "tone_sum": -0.7,
        },
    )
    result = source_tone(sums).set_index("source")
    assert result.loc["A", "tone"] == pytest.approx(0.2)
    assert result.loc["A", "n"] == 2
    assert result.loc["(unknown)", "tone"] == pytest.approx(-0.7)  # no weight: the plain mean
