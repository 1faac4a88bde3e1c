"""The report: the documented keys, JSON-ready values, filters, and a readable text form."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from analysis.models import FrameHit
from analysis.prices import load_price_file
from analysis.report import build_report, format_report_text, jsonable
from analysis.store import ArticleFilter, Store
from tests.conftest import make_article, make_score

ROOT = Path(__file__).resolve().parents[1]
TICKER = "1810.HK"
# Shaped like the bundled corpus (5 articles), with the two real price sentences of 001 and 002:
# id, date (None: inferred from a range), source, tone, confidence, relevance, label, bull, bear, hits, text.
CORPUS = [
    ("003", date(2025, 2, 7), "chinaaet", 0.55, 0.8, 1.0, "bullish", 2.0, 0.0,
     [("market_cap_milestone", "bullish", False)], "市值破万亿"),
    ("002", date(2025, 2, 8), "极客公园", 0.6, 0.8, 1.0, "bullish", 3.0, 0.0,
     [("market_cap_milestone", "bullish", False), ("product_success", "bullish", False)],
     "2 月 6 日，小米集团的港股迎来了强劲上涨，股价突破到 40.55 港币，涨幅为 2.27%。"),
    ("004", date(2025, 9, 28), "MarketWatch", -0.1, 0.5, 0.9, "mixed", 1.0, 1.5,
     [("recall_quality", "bearish", False)], "What happened to Xiaomi?"),
    ("001", date(2025, 11, 3), "经济观察", -0.5, 0.7, 1.0, "bearish", 0.0, 3.0,
     [("trust_crisis", "bearish", False)],
     "10月31日(上周五),港股小米集团股价下跌2.17%,收于43.20港元,市值1.13万亿港元。"),
    ("000", None, None, -0.45, 0.7, 0.8, "bearish", 0.0, 2.0,
     [("trust_crisis", "bearish", False), ("safety_accident", "bearish", True)], "小米汽车事故"),
]  # fmt: skip


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Store:
    """The corpus stored, scored and priced (1810.HK and HSI from data/prices) as a real run leaves it."""
    store = Store(tmp_path_factory.mktemp("report") / "report.duckdb", lock_timeout=2)
    articles, scores = [], []
    for article_id, day, source, tone, confidence, relevance, label, bull, bear, hits, text in CORPUS:
        dated = {"published": day} if day else {
            "published": None, "published_from": date(2025, 11, 9), "published_to": date(2025, 11, 11),
            "published_basis": "inferred"}  # fmt: skip
        article = make_article(text, id=article_id, source=source, **dated)
        frames = tuple(dict.fromkeys(frame for frame, _, negated in hits if not negated))
        score = make_score(article, tone=tone, label=label, frames=frames)
        evidence = tuple(
            FrameHit(frame, polarity, "x", 0, 0, 1, negated=negated) for frame, polarity, negated in hits
        )
        scores.append(replace(score, confidence=confidence, relevance=relevance, bull_intensity=bull,
                              bear_intensity=bear, evidence=evidence))  # fmt: skip
        articles.append(article)
    store.add_articles(articles)
    run_id = store.start_run(ticker=TICKER, scorer="finance", version="1", config_hash="h", options={})
    store.write_scores(run_id, scores)
    store.finish_run(run_id, n_articles=len(scores))
    for ticker in (TICKER, "HSI"):
        store.replace_prices(
            ticker, load_price_file(ROOT / "data" / "prices" / f"{ticker}.csv"), source="test"
        )
    return store


def test_report_has_the_documented_keys_and_is_strict_json(corpus):
    report = build_report(corpus, ArticleFilter(ticker=TICKER))
    for key in ("shifts", "lead_lag", "event_study", "price_mentions", "tone_index", "frame_shares"):
        assert key in report
    assert json.loads(json.dumps(report, allow_nan=False, ensure_ascii=False)) == report

    shift = report["shifts"][0]
    assert "2025-02-08" < shift["date"] <= "2025-09-28"
    assert set(shift) >= {"date", "frames_up", "frames_down"}
    assert "trust_crisis" in shift["frames_up"]
    assert (shift["n_before"], shift["n_after"]) == (2, 2)  # the undated article (a range) needs no day

    assert [row["k"] for row in report["lead_lag"]] == list(range(-5, 6))
    assert all(row["note"] == "not enough data" and row["r"] is None for row in report["lead_lag"])
    assert set(report["event_study"]) == {"bullish", "bearish", "placebo"}  # the placebo block: issue 13
    assert report["event_study"]["bullish"]["n"] == 2
    assert set(report["event_study"]["bullish"]["car"]) == {str(day) for day in range(-5, 11)}

    checked = {row["article_id"]: row for row in report["price_mentions"]}
    expected = {"date": "2025-10-31", "price": 43.2, "close": 43.2, "matched": True}
    assert {key: checked["001"][key] for key in expected} == expected
    assert checked["002"]["date"] == "2025-02-06" and checked["002"]["matched"] is True


def test_report_states_p_values_bands_and_placebo_with_their_method(corpus):
    report = build_report(corpus, ArticleFilter(ticker=TICKER))
    for row in report["lead_lag"]:
        assert {"p", "p_adjusted", "significant"} <= set(row)
        assert row["p"] is None and row["p_adjusted"] is None and row["significant"] is False  # n < min_n
    method = report["lead_lag_method"]
    assert method["correction"] == "fdr_bh" and method["n_tests"] == 0 and method["min_n"] == 10
    assert "trading days of the 1810.HK price table" in method["calendar"]

    bull, bear = report["event_study"]["bullish"], report["event_study"]["bearish"]
    assert set(bull["ci_lo"]) == set(bull["ci_hi"]) == set(bull["car"]) == {str(day) for day in range(-5, 11)}
    assert all(bull["ci_lo"][d] <= bull["car"][d] <= bull["ci_hi"][d] for d in bull["car"])
    assert bull["model"] == "market" and bull["estimation"]["window"] == [-125, -6]
    # 000's date is inferred from a range: it is no event, and it is counted.
    assert (bear["n"], bear["n_inferred_excluded"], bear["n_undated_excluded"]) == (1, 1, 0)
    assert bear["ci_lo"] == {str(day): None for day in range(-5, 11)}  # one event: no band
    placebo = report["event_study"]["placebo"]
    assert (placebo["n"], placebo["draws"], placebo["seed"]) == (1, 1000, 13)
    assert placebo["period"] == ["2025-02-07", "2025-11-10"] and placebo["days"] > 150
    assert all(placebo["ci_lo"][d] < 0 < placebo["ci_hi"][d] for d in placebo["car"])

    shift = report["shifts"][0]
    assert 0 < shift["p"] <= 1 and shift["few_articles"] is True and shift["significant"] is False
    text = format_report_text(report)
    assert "Correlation is not causation." in text and "Benjamini–Hochberg" in text
    assert "placebo  n=1×1000" in text and "left out: bullish 0 with an inferred date" in text
    assert "? fewer than 5 articles a side" in text


def test_tone_and_frame_summaries_describe_the_range(corpus):
    report = build_report(corpus, ArticleFilter(ticker=TICKER), freq="M")
    tone = report["tone_index"]
    assert tone["freq"] == "M"
    assert tone["most_positive"]["date"] == "2025-02-01"
    assert tone["latest"]["date"] == "2025-11-01"
    assert len(tone["points"]) == 3
    overall = {row["frame"]: row for row in report["frame_shares"]["overall"]}
    assert overall["trust_crisis"]["share"] == pytest.approx(2 / 6)
    assert "safety_accident" not in overall  # negated evidence carries no weight
    bull_bear = {row["period"]: row for row in report["frame_shares"]["bull_bear"]}
    assert (bull_bear["2025-02-01"]["bullish"], bull_bear["2025-11-01"]["bearish"]) == (5.0, 5.0)
    articles = report["articles"]
    assert articles["labels"] == {"bullish": 2, "bearish": 2, "mixed": 1, "neutral": 0}
    assert (articles["n"], articles["n_unique"], articles["n_inferred_dates"]) == (5, 5, 1)
    assert (articles["first"], articles["last"]) == ("2025-02-07", "2025-11-10")


def test_date_filter_drops_the_february_story_and_with_it_the_shift(corpus):
    report = build_report(corpus, ArticleFilter(ticker=TICKER, date_from=date(2025, 10, 1)))
    assert report["articles"]["n"] == 2
    assert report["shifts"] == []  # two bearish weeks: nothing shifted inside the range
    assert [row["article_id"] for row in report["price_mentions"]] == ["001"]
    assert report["price"]["first_date"] == "2025-10-02"  # 10-01 was a holiday: the first session after it
    assert report["filters"]["date_from"] == "2025-10-01"


def test_source_filter_keeps_only_those_outlets(corpus):
    report = build_report(corpus, ArticleFilter(ticker=TICKER, sources=("经济观察", "极客公园")))
    assert report["articles"]["n"] == 2
    assert report["filters"]["sources"] == ["极客公园", "经济观察"]
    assert {row["article_id"] for row in report["price_mentions"]} == {"001", "002"}


def test_text_form_names_the_shift_the_frames_and_the_checks(corpus):
    text = format_report_text(build_report(corpus, ArticleFilter(ticker=TICKER)))
    assert "Narrative shifts" in text
    assert "frames up:   trust_crisis" in text
    assert "not enough data" in text
    assert "bullish  n=2" in text
    assert "001" in text and "close 43.20  ok" in text


def test_empty_database_gives_a_report_that_says_so(store):
    report = build_report(store, ArticleFilter(ticker=TICKER))
    json.dumps(report, allow_nan=False)
    assert report["shifts"] == [] and report["price_mentions"] == [] and report["price"] is None
    assert report["articles"] == {"n": 0, "n_unique": 0, "n_inferred_dates": 0, "first": None, "last": None,
                                  "labels": {}}  # fmt: skip
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


def test_text_form_stars_only_the_lags_that_survive_the_correction():
    from analysis.narrative import lead_lag
    from tests.test_narrative_market import noise_panel

    table = lead_lag(*noise_panel(0, effect=0.02), ticker=TICKER)
    text = format_report_text(
        jsonable({"lead_lag": table.to_dict("records"), "lead_lag_method": table.attrs["method"]})
    )
    starred = [line for line in text.splitlines() if line.endswith(" *")]
    assert len(starred) == 1 and starred[0].startswith("  k=+1") and "p_adj <0.001" in starred[0]
    assert "adjusted over the 11 lags tested by Benjamini–Hochberg" in text
    assert (
        "k=-5  n=60   r=+0.26" in text and "p 0.046  p_adj 0.251" in text
    )  # nominal p < 0.05, not significant
