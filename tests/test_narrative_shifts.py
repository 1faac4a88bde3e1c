"""Narrative shifts: planted change points are found, noise is not split, the bundled-corpus shape splits right."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.narrative import detect_shifts, tone_index
from tests.daily_sums import cube, frames_by_day

NO_FRAMES = frames_by_day()


def index_of(tones, start="2025-01-06", freq="D") -> pd.DataFrame:
    dates = pd.date_range(start, periods=len(tones), freq=freq)
    return pd.DataFrame({"date": dates, "tone": tones, "n_unique": 1})


def frames_for(index: pd.DataFrame, frames_by_row) -> pd.DataFrame:
    """Frame hits per index day: one hit of each listed frame on that row's day."""
    return frames_by_day(*(
        (index["date"][i], frame, "bullish", 1) for i, frames in enumerate(frames_by_row) for frame in frames
    ))  # fmt: skip


def test_planted_change_point_is_found_with_pelt():
    rng = np.random.default_rng(7)
    tones = np.r_[0.4 + rng.normal(0, 0.1, 30), -0.3 + rng.normal(0, 0.1, 30)]
    index = index_of(tones)
    hits = frames_for(index, [["growth_momentum"]] * 30 + [["recall_quality"]] * 30)
    shifts = detect_shifts(index, hits)
    assert len(shifts) == 1
    shift = shifts[0]
    assert shift["method"] == "pelt"
    assert abs((shift["date"] - index["date"][30]).days) <= 1
    assert shift["before_tone"] == pytest.approx(0.4, abs=0.06)
    assert shift["after_tone"] == pytest.approx(-0.3, abs=0.06)
    assert shift["frames_up"] == ["recall_quality"]
    assert shift["frames_down"] == ["growth_momentum"]
    assert shift["n_before"] + shift["n_after"] == 60  # the index's n_unique, one a day


def test_two_planted_shifts_are_both_found_in_order():
    rng = np.random.default_rng(3)
    tones = np.r_[rng.normal(0.3, 0.08, 20), rng.normal(-0.4, 0.08, 20), rng.normal(0.2, 0.08, 20)]
    index = index_of(tones)
    shifts = detect_shifts(index, NO_FRAMES)
    assert [
        abs((s["date"] - index["date"][cut]).days) <= 1 for s, cut in zip(shifts, (20, 40), strict=True)
    ] == [True, True]


@pytest.mark.parametrize("seed", range(5))
def test_pure_noise_is_not_split(seed):
    tones = np.random.default_rng(seed).normal(0.2, 0.15, 60)
    assert detect_shifts(index_of(tones), NO_FRAMES) == []


def bundled_like() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Shaped like the bundled corpus: two bullish articles in February 2025, three bearish/mixed in the autumn."""
    sums = cube(
        {"date": "2025-02-07", "tone": 0.55, "confidence": 0.8}, {"date": "2025-02-08", "tone": 0.6, "confidence": 0.8},
        {"date": "2025-09-28", "tone": -0.1, "confidence": 0.5, "relevance": 0.9},
        {"date": "2025-11-03", "tone": -0.5, "confidence": 0.7},
        {"date": "2025-11-10", "tone": -0.45, "confidence": 0.7, "relevance": 0.8, "inferred": True},
    )  # fmt: skip
    hits = frames_by_day(
        ("2025-02-07", "market_cap_milestone", "bullish", 1),
        ("2025-02-08", "market_cap_milestone", "bullish", 1),
        ("2025-02-08", "product_success", "bullish", 1),
        ("2025-09-28", "recall_quality", "bearish", 1),
        ("2025-09-28", "tech_leadership", "bullish", 1),
        ("2025-11-03", "trust_crisis", "bearish", 1),
        ("2025-11-03", "order_cancellation", "bearish", 1),
        ("2025-11-10", "safety_accident", "bearish", 1),
        ("2025-11-10", "trust_crisis", "bearish", 1),
    )
    return sums, hits


@pytest.mark.parametrize("freq", ["D", "W", "M"])
def test_bundled_corpus_shape_shifts_between_february_and_the_autumn(freq):
    sums, hits = bundled_like()
    shifts = detect_shifts(tone_index(sums, freq=freq), hits)
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
    assert detect_shifts(index, NO_FRAMES) == []
    assert len(detect_shifts(index, NO_FRAMES, min_delta=0.05)) == 1


def test_without_frame_evidence_a_shift_names_no_frames():
    sums, _ = bundled_like()
    shift = detect_shifts(tone_index(sums), NO_FRAMES)[0]
    assert (shift["frames_up"], shift["frames_down"], shift["frame_changes"]) == ([], [], {})
    assert (shift["n_before"], shift["n_after"]) == (2, 3)


def test_near_duplicates_are_not_counted_either_side():
    sums, hits = bundled_like()
    copies = cube({"date": "2025-11-03", "tone": -0.5, "duplicate": True})
    shift = detect_shifts(tone_index(pd.concat([sums, copies], ignore_index=True)), hits)[0]
    assert (shift["n_before"], shift["n_after"]) == (2, 3)


def test_too_short_or_empty_index_has_no_shift():
    assert detect_shifts(index_of([0.5]), NO_FRAMES) == []
    assert detect_shifts(index_of([]), NO_FRAMES) == []


def test_fast_pelt_gives_the_same_breakpoints_as_ruptures_pelt_l2():
    import ruptures

    from analysis.narrative.shifts import _pelt

    rng = np.random.default_rng(11)
    signal = np.r_[rng.normal(0.3, 0.2, 40), rng.normal(-0.2, 0.2, 30), rng.normal(0.1, 0.2, 50)]
    penalty = 0.3
    reference = ruptures.Pelt(model="l2", min_size=2, jump=1).fit(signal.reshape(-1, 1)).predict(pen=penalty)
    assert _pelt(signal, min_size=2, penalty=penalty) == [int(cut) for cut in reference[:-1]]


# -- how surprising a shift is, and whether enough articles back it ------------------------------------------


def test_a_planted_shift_is_far_beyond_chance_and_backed_by_enough_articles():
    rng = np.random.default_rng(7)
    index = index_of(np.r_[0.4 + rng.normal(0, 0.1, 30), -0.3 + rng.normal(0, 0.1, 30)])
    (shift,) = detect_shifts(index, NO_FRAMES)
    assert shift["p"] < 0.001 and shift["significant"]
    assert not shift["few_articles"] and shift["min_articles"] == 5
    assert shift["p_method"].startswith("permutation test")


def test_short_series_p_is_the_exact_share_of_orders_that_split_as_well():
    from itertools import permutations

    from analysis.narrative.significance import best_split_gain

    sums, hits = bundled_like()
    index = tone_index(sums, freq="D")
    (shift,) = detect_shifts(index, hits)
    tones = index.dropna(subset=["tone"])["tone"].to_numpy()
    observed = best_split_gain(tones)
    orders = np.array(list(permutations(tones)))
    assert shift["p"] == pytest.approx(np.mean(best_split_gain(orders) >= observed - 1e-12))
    # Five articles, two on one side: no order of so few points is surprising, and the shift says so.
    assert shift["p"] > 0.05 and not shift["significant"] and shift["few_articles"]


def test_a_noise_split_forced_by_a_low_threshold_is_not_significant():
    index = index_of([0.2, 0.25, 0.1, 0.15, 0.2, 0.22, 0.12])
    shifts = detect_shifts(index, NO_FRAMES, min_delta=0.01)
    assert len(shifts) == 1 and shifts[0]["p"] > 0.2 and not shifts[0]["significant"]


def test_shift_p_is_deterministic_and_the_article_minimum_comes_from_settings(monkeypatch):
    rng = np.random.default_rng(3)
    index = index_of(np.r_[rng.normal(0.3, 0.2, 25), rng.normal(-0.1, 0.2, 25)])
    first = detect_shifts(index, NO_FRAMES)
    assert [s["p"] for s in detect_shifts(index, NO_FRAMES)] == [s["p"] for s in first]
    monkeypatch.setenv("NARRATIVE_SHIFT_MIN_ARTICLES", "40")
    assert all(s["few_articles"] and s["min_articles"] == 40 for s in detect_shifts(index, NO_FRAMES))
