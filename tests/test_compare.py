"""Companies side by side (issue #12, `compare`): each chosen ticker's tone index and price, normalised as a
z-score over the range, on one chart of the market page, kept in the URL."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from analysis.store import ArticleFilter, Store
from analysis.views import compare_series, read_compare
from analysis.views.compare import zscore
from tests.conftest import make_article, make_score
from tests.test_app import APP, TIMEOUT, chart_frames, go, run_app

START = date(2025, 3, 3)  # a Monday: eight whole weeks follow


def _two_tickers(store: Store, *, tsla_prices: bool = True) -> Store:
    """Eight weeks of articles scored for 1810.HK (tone rising) and TSLA (tone falling), with prices."""
    articles = [
        make_article(f"小米与特斯拉第{i}篇报道", published=START + timedelta(days=3 * i)) for i in range(19)
    ]
    store.add_articles(articles)
    for ticker, sign in (("1810.HK", 1), ("TSLA", -1)):
        run_id = store.start_run(ticker=ticker, scorer="finance", version="t", config_hash=ticker, options={})
        tones = [sign * (-0.8 + 0.08 * i) for i in range(len(articles))]
        store.write_scores(
            run_id, [make_score(a, tone=round(tone, 4)) for a, tone in zip(articles, tones, strict=True)]
        )
        store.finish_run(run_id, n_articles=store.article_count())
    days = pd.bdate_range(START, START + timedelta(days=60))
    store.replace_prices(
        "1810.HK", pd.DataFrame({"date": days, "close": np.linspace(40, 60, len(days))}), source="t"
    )
    if tsla_prices:
        store.replace_prices(
            "TSLA", pd.DataFrame({"date": days, "close": np.linspace(300, 200, len(days))}), source="t"
        )
    return store


def test_a_zscore_is_over_the_series_own_range_and_undefined_without_spread():
    assert zscore(pd.Series([1.0, 2.0, 3.0])).tolist() == [-1.0, 0.0, 1.0]
    assert zscore(pd.Series([5.0, 5.0])).isna().all()
    assert zscore(pd.Series([5.0])).isna().all()


def test_each_company_s_tone_and_price_are_normalised_on_one_scale(store):
    _two_tickers(store)
    rows = read_compare(store, ArticleFilter(), ["1810.HK", "TSLA"], tone_field="tone", freq="W")
    pairs = set(zip(rows["ticker"], rows["series"], strict=True))
    assert pairs == {("1810.HK", "tone"), ("1810.HK", "price"), ("TSLA", "tone"), ("TSLA", "price")}
    for (_, _), part in rows.groupby(["ticker", "series"]):
        assert abs(part["value"].mean()) < 1e-9 and abs(part["value"].std(ddof=1) - 1) < 1e-9
    xiaomi = rows[(rows["ticker"] == "1810.HK") & (rows["series"] == "tone")].sort_values("date")
    tesla = rows[(rows["ticker"] == "TSLA") & (rows["series"] == "tone")].sort_values("date")
    assert xiaomi["value"].is_monotonic_increasing and tesla["value"].is_monotonic_decreasing
    # The tone is the company's own tone index: the raw value is the weekly weighted tone.
    assert xiaomi["raw"].iloc[0] < 0 < xiaomi["raw"].iloc[-1]


def test_a_company_without_prices_is_compared_by_tone_alone(store):
    _two_tickers(store, tsla_prices=False)
    rows = read_compare(store, ArticleFilter(), ["1810.HK", "TSLA"], tone_field="tone", freq="M")
    assert set(rows.loc[rows["ticker"] == "TSLA", "series"]) == {"tone"}
    assert compare_series({}, pd.DataFrame(), tone_field="tone", freq="W").empty


@pytest.fixture
def two_ticker_db(tmp_path, monkeypatch) -> Path:
    path = tmp_path / "two.duckdb"
    _two_tickers(Store(path))
    monkeypatch.setenv("NARRATIVE_DB", str(path))
    return path


def _compare_chart(at):
    charts = [
        c
        for c in at.get("vega_lite_chart")
        if "over the range" in c.proto.spec or "区间内 z 分数" in c.proto.spec
    ]
    assert len(charts) == 1
    return charts[0]


@pytest.mark.slow
def test_the_market_page_compares_the_chosen_companies_on_one_chart(two_ticker_db):
    at = go(run_app(), "market")
    widget = at.multiselect(key="compare")
    assert widget.options == ["Xiaomi (1810.HK)", "Tesla (TSLA)"]  # the scored tickers, by company name
    assert widget.value == ["1810.HK", "TSLA"]
    data = pd.concat([f for f in chart_frames(_compare_chart(at)) if "company" in f.columns])
    assert set(data["company"]) == {"Xiaomi (1810.HK)", "Tesla (TSLA)"}
    assert len(set(data["series_name"])) == 2  # tone index and share price
    spec = json.loads(_compare_chart(at).proto.spec)
    assert "z-score over the range" in json.dumps(spec)
    at.multiselect(key="compare").set_value(["TSLA"]).run()
    assert not at.exception
    data = pd.concat([f for f in chart_frames(_compare_chart(at)) if "company" in f.columns])
    assert set(data["company"]) == {"Tesla (TSLA)"}
    assert at.query_params["compare"] in ("TSLA", ["TSLA"])


@pytest.mark.slow
def test_a_link_with_compare_restores_the_chosen_companies(two_ticker_db):
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params["compare"] = "TSLA"
    at.run()
    go(at, "market")
    assert at.multiselect(key="compare").value == ["TSLA"]


@pytest.mark.slow
def test_one_ticker_s_store_shows_no_compare(tmp_path, monkeypatch):
    path = tmp_path / "one.duckdb"
    store = Store(path)
    article = make_article("小米报道")
    store.add_articles([article])
    run_id = store.start_run(ticker="1810.HK", scorer="finance", version="t", config_hash="t", options={})
    store.write_scores(run_id, [make_score(article)])
    store.finish_run(run_id, n_articles=1)
    monkeypatch.setenv("NARRATIVE_DB", str(path))
    at = go(run_app(), "market")
    assert not [w for w in at.multiselect if w.key == "compare"]
