"""The report: the documented keys, JSON-ready values, filters, and a readable text form."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from analysis.mentions import check_price_mentions
from analysis.prices import load_price_file
from analysis.report import build_report, format_report_text, jsonable

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def prices() -> pd.DataFrame:
    return pd.concat(
        [load_price_file(ROOT / "data" / "prices" / f"{ticker}.csv") for ticker in ("1810.HK", "HSI")],
        ignore_index=True,
    )


@pytest.fixture
def corpus() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Shaped like the bundled corpus (5 articles), with the two real price sentences of 001 and 002."""
    articles = pd.DataFrame(
        {
            "article_id": ["003", "002", "004", "001", "000"],
            "title": ["市值破万亿", "小米市值突破 1 万亿", "What happened to Xiaomi?", "股价大跌", None],
            "source": ["chinaaet", "极客公园", "MarketWatch", "经济观察", None],
            "date": pd.to_datetime(["2025-02-07", "2025-02-08", "2025-09-28", "2025-11-03", "2025-11-10"]),
            "date_inferred": [False, False, False, False, True],
            "duplicate_of": None,
            "tone": [0.55, 0.6, -0.1, -0.5, -0.45],
            "confidence": [0.8, 0.8, 0.5, 0.7, 0.7],
            "relevance": [1.0, 1.0, 0.9, 1.0, 0.8],
            "label": ["bullish", "bullish", "mixed", "bearish", "bearish"],
            "bull_intensity": [2.0, 3.0, 1.0, 0.0, 0.0],
            "bear_intensity": [0.0, 0.0, 1.5, 3.0, 2.0],
            "dominant_frame": ["market_cap_milestone", "market_cap_milestone", "recall_quality", "trust_crisis", "trust_crisis"],
            "frames": ["market_cap_milestone", "market_cap_milestone;product_success", "recall_quality", "trust_crisis",
                       "trust_crisis;safety_accident"],
        }
    )  # fmt: skip
    evidence = pd.DataFrame(
        [
            ("003", "market_cap_milestone", "bullish", False),
            ("002", "market_cap_milestone", "bullish", False),
            ("002", "product_success", "bullish", False),
            ("004", "recall_quality", "bearish", False),
            ("001", "trust_crisis", "bearish", False),
            ("000", "trust_crisis", "bearish", False),
            ("000", "safety_accident", "bearish", True),
        ],
        columns=["article_id", "frame", "polarity", "negated"],
    )
    texts = pd.DataFrame(
        {
            "article_id": ["001", "002"],
            "date": pd.to_datetime(["2025-11-03", "2025-02-08"]),
            "date_inferred": [False, False],
            "text": [
                "10月31日(上周五),港股小米集团股价下跌2.17%,收于43.20港元,市值1.13万亿港元。",
                "2 月 6 日，小米集团的港股迎来了强劲上涨，股价突破到 40.55 港币，涨幅为 2.27%。",
            ],
        }
    )
    return articles, evidence, texts


def test_report_has_the_documented_keys_and_is_strict_json(prices, corpus):
    articles, evidence, texts = corpus
    mentions = check_price_mentions(texts, prices)
    report = build_report(articles, evidence, prices, mentions, ticker="1810.HK")
    for key in ("shifts", "lead_lag", "event_study", "price_mentions", "tone_index", "frame_shares"):
        assert key in report
    assert json.loads(json.dumps(report, allow_nan=False, ensure_ascii=False)) == report

    shift = report["shifts"][0]
    assert "2025-02-08" < shift["date"] <= "2025-09-28"
    assert set(shift) >= {"date", "frames_up", "frames_down"}
    assert "trust_crisis" in shift["frames_up"]

    assert [row["k"] for row in report["lead_lag"]] == list(range(-5, 6))
    assert all(row["note"] == "not enough data" and row["r"] is None for row in report["lead_lag"])
    assert set(report["event_study"]) == {"bullish", "bearish"}
    assert report["event_study"]["bullish"]["n"] == 2
    assert set(report["event_study"]["bullish"]["car"]) == {str(day) for day in range(-5, 11)}

    checked = {row["article_id"]: row for row in report["price_mentions"]}
    expected = {"date": "2025-10-31", "price": 43.2, "close": 43.2, "matched": True}
    assert {key: checked["001"][key] for key in expected} == expected
    assert checked["002"]["date"] == "2025-02-06" and checked["002"]["matched"] is True


def test_tone_and_frame_summaries_describe_the_range(prices, corpus):
    articles, evidence, _ = corpus
    report = build_report(articles, evidence, prices, None, ticker="1810.HK", freq="M")
    tone = report["tone_index"]
    assert tone["freq"] == "M"
    assert tone["most_positive"]["date"] == "2025-02-01"
    assert tone["latest"]["date"] == "2025-11-01"
    assert len(tone["points"]) == 3
    overall = {row["frame"]: row for row in report["frame_shares"]["overall"]}
    assert overall["trust_crisis"]["share"] == pytest.approx(2 / 6)
    assert "safety_accident" not in overall  # negated evidence carries no weight
    assert report["articles"]["labels"] == {"bullish": 2, "bearish": 2, "mixed": 1, "neutral": 0}
    assert report["price_mentions"] == []


def test_date_filter_drops_the_february_story_and_with_it_the_shift(prices, corpus):
    articles, evidence, texts = corpus
    mentions = check_price_mentions(texts, prices)
    report = build_report(articles, evidence, prices, mentions, ticker="1810.HK", date_from="2025-10-01")
    assert report["articles"]["n"] == 2
    assert report["shifts"] == []  # two bearish weeks: nothing shifted inside the range
    assert [row["article_id"] for row in report["price_mentions"]] == ["001"]
    assert report["price"]["first_date"] == "2025-10-02"  # 10-01 was a holiday: the first session after it
    assert report["filters"]["date_from"] == "2025-10-01"


def test_source_filter_keeps_only_those_outlets(prices, corpus):
    articles, evidence, _ = corpus
    report = build_report(
        articles, evidence, prices, None, ticker="1810.HK", sources=["极客公园", "经济观察"]
    )
    assert report["articles"]["n"] == 2
    assert report["filters"]["sources"] == ["极客公园", "经济观察"]


def test_text_form_names_the_shift_the_frames_and_the_checks(prices, corpus):
    articles, evidence, texts = corpus
    report = build_report(articles, evidence, prices, check_price_mentions(texts, prices), ticker="1810.HK")
    text = format_report_text(report)
    assert "Narrative shifts" in text
    assert "frames up:   trust_crisis" in text
    assert "not enough data" in text
    assert "bullish  n=2" in text
    assert "001" in text and "close 43.20  ok" in text


def test_empty_database_gives_a_report_that_says_so(prices):
    empty = pd.DataFrame(columns=["article_id", "date", "tone", "relevance", "confidence", "label", "source"])
    report = build_report(empty, pd.DataFrame(), prices.iloc[0:0], None, ticker="1810.HK")
    json.dumps(report, allow_nan=False)
    assert report["shifts"] == [] and report["price_mentions"] == [] and report["price"] is None
    text = format_report_text(report)
    assert "no articles in range" in text and "none detected" in text


def test_jsonable_turns_pandas_and_numpy_values_into_plain_json():
    import numpy as np

    value = {
        "when": pd.Timestamp("2025-02-06"),
        "at": pd.Timestamp("2025-02-06 09:30"),
        "missing": float("nan"),
        "nat": pd.NaT,
        "n": np.int64(3),
        "ok": np.bool_(True),
        1: [np.float64(0.5)],
    }
    assert jsonable(value) == {
        "when": "2025-02-06", "at": "2025-02-06T09:30:00", "missing": None, "nat": None, "n": 3, "ok": True,
        "1": [0.5],
    }  # fmt: skip
