"""Narrative shifts: planted change points are found, noise is not split, the bundled-corpus shape splits right."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.narrative import detect_shifts, tone_index


def index_of(tones, start="2025-01-06", freq="D") -> pd.DataFrame:
    dates = pd.date_range(start, periods=len(tones), freq=freq)
    return pd.DataFrame({"date": dates, "tone": tones, "n_unique": 1})


def articles_for(index: pd.DataFrame, frames_by_row) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One article per index point, with the given frame evidence per row."""
    ids = [f"a{i}" for i in range(len(index))]
    arts = pd.DataFrame(
        {"article_id": ids, "date": index["date"], "tone": index["tone"], "duplicate_of": None}
    )
    hits = [(ids[i], frame, "bullish", False) for i, frames in enumerate(frames_by_row) for frame in frames]
    return arts, pd.DataFrame(hits, columns=["article_id", "frame", "polarity", "negated"])


def test_planted_change_point_is_found_with_pelt():
    rng = np.random.default_rng(7)
    tones = np.r_[0.4 + rng.normal(0, 0.1, 30), -0.3 + rng.normal(0, 0.1, 30)]
    index = index_of(tones)
    arts, hits = articles_for(index, [["growth_momentum"]] * 30 + [["recall_quality"]] * 30)
    shifts = detect_shifts(index, arts, hits)
    assert len(shifts) == 1
    shift = shifts[0]
    assert shift["method"] == "pelt"
    assert abs((shift["date"] - index["date"][30]).days) <= 1
    assert shift["before_tone"] == pytest.approx(0.4, abs=0.06)
    assert shift["after_tone"] == pytest.approx(-0.3, abs=0.06)
    assert shift["frames_up"] == ["recall_quality"]
    assert shift["frames_down"] == ["growth_momentum"]


def test_two_planted_shifts_are_both_found_in_order():
    rng = np.random.default_rng(3)
    tones = np.r_[rng.normal(0.3, 0.08, 20), rng.normal(-0.4, 0.08, 20), rng.normal(0.2, 0.08, 20)]
    index = index_of(tones)
    shifts = detect_shifts(index, index.assign(article_id="x").iloc[0:0], pd.DataFrame())
    assert [
        abs((s["date"] - index["date"][cut]).days) <= 1 for s, cut in zip(shifts, (20, 40), strict=True)
    ] == [True, True]


@pytest.mark.parametrize("seed", range(5))
def test_pure_noise_is_not_split(seed):
    tones = np.random.default_rng(seed).normal(0.2, 0.15, 60)
    assert detect_shifts(index_of(tones), pd.DataFrame(), pd.DataFrame()) == []


def bundled_like() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Shaped like the bundled corpus: two bullish articles in February 2025, three bearish/mixed in the autumn."""
    arts = pd.DataFrame(
        {
            "article_id": ["003", "002", "004", "001", "000"],
            "date": pd.to_datetime(["2025-02-07", "2025-02-08", "2025-09-28", "2025-11-03", "2025-11-10"]),
            "date_inferred": [False, False, False, False, True],
            "duplicate_of": None,
            "tone": [0.55, 0.6, -0.1, -0.5, -0.45],
            "confidence": [0.8, 0.8, 0.5, 0.7, 0.7],
            "relevance": [1.0, 1.0, 0.9, 1.0, 0.8],
        }
    )
    hits = pd.DataFrame(
        [
            ("003", "market_cap_milestone", "bullish", False),
            ("002", "market_cap_milestone", "bullish", False),
            ("002", "product_success", "bullish", False),
            ("004", "recall_quality", "bearish", False),
            ("004", "tech_leadership", "bullish", False),
            ("001", "trust_crisis", "bearish", False),
            ("001", "order_cancellation", "bearish", False),
            ("000", "safety_accident", "bearish", False),
            ("000", "trust_crisis", "bearish", False),
        ],
        columns=["article_id", "frame", "polarity", "negated"],
    )
    return arts, hits


@pytest.mark.parametrize("freq", ["D", "W", "M"])
def test_bundled_corpus_shape_shifts_between_february_and_the_autumn(freq):
    arts, hits = bundled_like()
    shifts = detect_shifts(tone_index(arts, freq=freq), arts, hits)
    assert len(shifts) == 1
    shift = shifts[0]
    assert shift["method"] == "mean-split"
    assert pd.Timestamp("2025-02-08") >= shift["from_date"] >= pd.Timestamp("2025-02-01")
    assert pd.Timestamp("2025-02-08") < shift["date"] <= pd.Timestamp("2025-09-28")
    assert shift["before_tone"] > 0 > shift["after_tone"]
    assert shift["frames_up"][0] == "trust_crisis"
    assert "market_cap_milestone" in shift["frames_down"]
    assert (shift["n_before"], shift["n_after"]) == (2, 3)


def test_short_series_with_a_small_difference_has_no_shift():
    index = index_of([0.2, 0.25, 0.1, 0.15, 0.2])
    assert detect_shifts(index, pd.DataFrame(), pd.DataFrame()) == []
    assert len(detect_shifts(index, pd.DataFrame(), pd.DataFrame(), min_delta=0.05)) == 1


def test_frames_column_stands_in_when_there_is_no_evidence():
    arts, _ = bundled_like()
    arts["frames"] = ["market_cap_milestone", "market_cap_milestone;product_success", "recall_quality", "trust_crisis",
                      "trust_crisis"]  # fmt: skip
    shift = detect_shifts(tone_index(arts), arts, pd.DataFrame(columns=["article_id", "frame"]))[0]
    assert shift["frames_up"][0] == "trust_crisis"
    assert shift["frames_down"][0] == "market_cap_milestone"


def test_too_short_or_empty_index_has_no_shift():
    assert detect_shifts(index_of([0.5]), pd.DataFrame(), pd.DataFrame()) == []
    assert detect_shifts(index_of([]), pd.DataFrame(), pd.DataFrame()) == []


def test_fast_pelt_gives_the_same_breakpoints_as_ruptures_pelt_l2():
    import ruptures

    from analysis.narrative.shifts import _pelt

    rng = np.random.default_rng(11)
    signal = np.r_[rng.normal(0.3, 0.2, 40), rng.normal(-0.2, 0.2, 30), rng.normal(0.1, 0.2, 50)]
    penalty = 0.3
    reference = ruptures.Pelt(model="l2", min_size=2, jump=1).fit(signal.reshape(-1, 1)).predict(pen=penalty)
    assert _pelt(signal, min_size=2, penalty=penalty) == [int(cut) for cut in reference[:-1]]
