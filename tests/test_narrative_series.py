"""Tone index, frame shares, bull/bear intensity and per-outlet tone on small frames with known answers."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.errors import InputError
from analysis.narrative import bull_bear_intensity, frame_shares, source_tone, tone_index
from analysis.narrative.series import TONE_INDEX_COLUMNS, period_start


def articles(*rows: dict) -> pd.DataFrame:
    """Scored-article rows with neutral defaults for the columns a test does not care about."""
    defaults = {
        "source": "outlet",
        "date_inferred": False,
        "duplicate_of": None,
        "tone": 0.0,
        "confidence": 1.0,
        "relevance": 1.0,
        "label": "neutral",
        "bull_intensity": 0.0,
        "bear_intensity": 0.0,
        "frames": "",
    }
    frame = pd.DataFrame([{"article_id": f"a{i}", **defaults, **row} for i, row in enumerate(rows)])
    frame["date"] = pd.to_datetime(frame["date"])
    return frame


def test_tone_is_the_relevance_and_confidence_weighted_mean():
    frame = articles(
        {"date": "2025-03-03", "tone": 1.0, "relevance": 1.0, "confidence": 1.0},
        {"date": "2025-03-03", "tone": -1.0, "relevance": 0.5, "confidence": 0.5},
    )
    index = tone_index(frame, freq="D")
    assert list(index.columns) == list(TONE_INDEX_COLUMNS)
    assert index.loc[0, "tone"] == pytest.approx((1.0 - 0.25) / 1.25)
    assert index.loc[0, "n_articles"] == 2


def test_zero_weights_fall_back_to_the_plain_mean():
    frame = articles(
        {"date": "2025-03-03", "tone": 0.6, "relevance": 0.0},
        {"date": "2025-03-03", "tone": 0.2, "relevance": 0.0},
    )
    assert tone_index(frame).loc[0, "tone"] == pytest.approx(0.4)


def test_near_duplicates_count_once():
    frame = articles(
        {"date": "2025-03-03", "tone": 0.8},
        {"date": "2025-03-03", "tone": 0.8, "duplicate_of": "a0"},
        {"date": "2025-03-03", "tone": -0.4},
    )
    row = tone_index(frame).iloc[0]
    assert row["n_articles"] == 3
    assert row["n_unique"] == 2
    assert row["tone"] == pytest.approx(0.2)


def test_weeks_start_on_monday_and_months_on_the_first():
    frame = articles({"date": "2025-02-09"}, {"date": "2025-02-10"}, {"date": "2025-02-28"})  # Sun, Mon, Fri
    assert tone_index(frame, freq="W")["date"].dt.strftime("%Y-%m-%d").tolist() == [
        "2025-02-03",
        "2025-02-10",
        "2025-02-24",
    ]
    monthly = tone_index(frame, freq="M")
    assert monthly["date"].dt.strftime("%Y-%m-%d").tolist() == ["2025-02-01"]
    assert monthly.loc[0, "n_articles"] == 3


def test_unknown_frequency_is_refused():
    with pytest.raises(InputError, match=r"\[freq\]: must be one of D, W, M"):
        period_start(pd.Series(pd.to_datetime(["2025-01-01"])), "Q")


def test_zscore_flags_a_day_far_below_its_own_baseline():
    # Financial news runs positive: +0.3 is the norm here, so a day at 0.0 is the news, not the level.
    tones = [0.3, 0.35, 0.25, 0.3, 0.32, 0.28, 0.0]
    frame = articles(*({"date": f"2025-03-{day + 1:02d}", "tone": tone} for day, tone in enumerate(tones)))
    index = tone_index(frame, freq="D", baseline_window=10)
    assert index["zscore"].iloc[:3].isna().all()  # fewer than 3 earlier periods: no baseline yet
    assert index["zscore"].iloc[-1] < -5
    baseline = np.mean(tones[:-1])
    spread = np.std(tones[:-1], ddof=1)
    assert index["baseline"].iloc[-1] == pytest.approx(baseline)
    assert index["zscore"].iloc[-1] == pytest.approx((0.0 - baseline) / spread)


def test_baseline_window_counts_calendar_periods_not_rows():
    # Three old days, then a month of silence: with a 10-day window the old days are out of the baseline.
    frame = articles(
        {"date": "2025-03-01", "tone": 0.1}, {"date": "2025-03-02", "tone": 0.2}, {"date": "2025-03-03", "tone": 0.3},
        {"date": "2025-04-10", "tone": 0.9},
    )  # fmt: skip
    index = tone_index(frame, freq="D", baseline_window=10)
    assert math.isnan(index["zscore"].iloc[-1])
    assert not math.isnan(tone_index(frame, freq="D", baseline_window=60)["zscore"].iloc[-1])


def test_inferred_share_is_the_fraction_of_estimated_dates():
    frame = articles(
        {"date": "2025-03-03", "date_inferred": True}, {"date": "2025-03-03"}, {"date": "2025-03-04"}
    )
    assert tone_index(frame)["inferred_share"].tolist() == [0.5, 0.0]


def test_empty_articles_give_empty_series_with_columns():
    empty = articles({"date": "2025-03-03"}).iloc[0:0]
    assert list(tone_index(empty).columns) == list(TONE_INDEX_COLUMNS)
    assert frame_shares(empty, pd.DataFrame(columns=["article_id", "frame", "polarity", "negated"])).empty
    assert source_tone(empty).empty and bull_bear_intensity(empty).empty


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(0, 40),
            st.floats(-1, 1),
            st.floats(0, 1),
            st.floats(0, 1),
        ),
        min_size=1,
        max_size=30,
    )
)
def test_tone_index_stays_within_minus_one_and_one(rows):
    frame = articles(
        *(
            {
                "date": pd.Timestamp("2025-01-01") + pd.Timedelta(days=day),
                "tone": tone,
                "relevance": rel,
                "confidence": conf,
            }
            for day, tone, rel, conf in rows
        )
    )
    for freq in ("D", "W", "M"):
        index = tone_index(frame, freq=freq)
        assert index["tone"].between(-1 - 1e-9, 1 + 1e-9).all()
        assert index["n_articles"].sum() == len(rows)


def evidence(*rows: tuple) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["article_id", "frame", "polarity", "negated"])


def test_frame_shares_per_period_sum_to_one_and_skip_negated_and_duplicate_hits():
    frame = articles(
        {"date": "2025-03-03"},
        {"date": "2025-03-04"},
        {"date": "2025-03-04", "duplicate_of": "a1"},
        {"date": "2025-04-01"},
    )
    hits = evidence(
        ("a0", "growth_momentum", "bullish", False),
        ("a0", "growth_momentum", "bullish", False),
        ("a1", "recall_quality", "bearish", False),
        ("a1", "safety_accident", "bearish", True),  # negated: kept as evidence, no weight
        ("a2", "recall_quality", "bearish", False),  # the duplicate's hit
        ("a3", "trust_crisis", "bearish", False),
    )
    shares = frame_shares(frame, hits, freq="M")
    march = shares[shares["period"] == "2025-03-01"].set_index("frame")
    assert march["share"].to_dict() == pytest.approx({"growth_momentum": 2 / 3, "recall_quality": 1 / 3})
    assert march.loc["growth_momentum", "intensity"] == 2
    assert march.loc["growth_momentum", "n_articles"] == 1
    assert shares.groupby("period")["share"].sum().tolist() == pytest.approx([1.0, 1.0])
    assert "safety_accident" not in set(shares["frame"])


def test_bull_bear_intensity_sums_the_scorer_intensities_and_balances_them():
    frame = articles(
        {"date": "2025-03-03", "bull_intensity": 3.0, "bear_intensity": 1.0},
        {"date": "2025-03-05", "bull_intensity": 0.0, "bear_intensity": 0.0},
        {"date": "2025-03-12", "bull_intensity": 0.0, "bear_intensity": 2.0},
    )
    result = bull_bear_intensity(frame, freq="W").set_index("period")
    assert result.loc["2025-03-03", ["bullish", "bearish", "n"]].tolist() == [3.0, 1.0, 2]
    assert result.loc["2025-03-03", "balance"] == pytest.approx(0.5)
    assert result.loc["2025-03-10", "balance"] == pytest.approx(-1.0)


def test_source_tone_groups_by_outlet_and_names_missing_outlets():
    frame = articles(
        {"date": "2025-03-03", "source": "A", "tone": 0.5},
        {"date": "2025-03-20", "source": "A", "tone": -0.1},
        {"date": "2025-03-21", "source": None, "tone": -0.7},
    )
    result = source_tone(frame, freq="M").set_index("source")
    assert result.loc["A", "tone"] == pytest.approx(0.2)
    assert result.loc["A", "n"] == 2
    assert result.loc["(unknown)", "tone"] == pytest.approx(-0.7)


def test_frame_shares_from_counted_evidence_equal_those_from_raw_rows():
    import pandas as pd

    from analysis import narrative

    articles = pd.DataFrame(
        {
            "article_id": ["a", "b"],
            "date": pd.to_datetime(["2025-02-03", "2025-02-04"]),
            "duplicate_of": [None, None],
            "tone": [0.5, -0.5],
            "confidence": [1.0, 1.0],
            "relevance": [1.0, 1.0],
        }
    )
    raw = pd.DataFrame(
        {
            "article_id": ["a", "a", "b"],
            "frame": ["x", "x", "y"],
            "polarity": ["bullish", "bullish", "bearish"],
            "negated": [False, False, False],
        }
    )
    counted = pd.DataFrame(
        {"article_id": ["a", "b"], "frame": ["x", "y"], "polarity": ["bullish", "bearish"], "hits": [2, 1]}
    )
    pd.testing.assert_frame_equal(
        narrative.frame_shares(articles, raw, freq="W"), narrative.frame_shares(articles, counted, freq="W")
    )
