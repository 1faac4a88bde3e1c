"""What the dashboard reads: the view's sums from the store and every series drawn from them, and the opened
article; on the bundled corpus and on a small store with known answers."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pandas as pd
import pytest

from analysis.bundled import setup
from analysis.models import FrameHit
from analysis.store import ArticleFilter, Store
from analysis.views import read_article, read_series, read_view, view_series
from tests.conftest import make_article, make_score

TICKER, BENCH = "1810.HK", "HSI"


@pytest.fixture(scope="module")
def bundled(tmp_path_factory) -> Store:
    """The bundled corpus ingested, priced and scored by the same setup() as `make run`."""
    store = Store(tmp_path_factory.mktemp("bundled") / "narrative.duckdb")
    assert "score_error" not in setup(store)
    return store


def test_the_dashboard_view_of_the_bundled_corpus_shows_every_article(bundled):
    view = read_view(bundled, ArticleFilter(), freq="W", tone_field="tone")
    articles = bundled.scored_articles()
    assert view.n_articles == len(articles) == len(view.page) == len(view.picker)
    # The one undated article (an inferred range) is drawn as its range, not as a point on its middle day.
    assert view.n_undated == len(view.ranges) == 1
    assert len(view.points) + len(view.ranges) == len(articles)
    assert not set(view.points["article_id"]) & set(view.ranges["article_id"])
    newest_first = articles.sort_values(
        ["date", "article_id"], ascending=[False, True]
    )  # the explorer's order
    assert view.page["article_id"].tolist() == newest_first["article_id"].tolist()
    series = read_series(bundled, ArticleFilter(), view, tone_field="tone", freq="W", benchmark=BENCH)
    assert series["kpis"].n_articles == len(articles)
    assert len(series["shifts"]) == 1  # February's bullish stories, then the autumn's bearish ones
    shift = series["shifts"][0]
    assert shift["before_tone"] > 0 > shift["after_tone"]
    dated = set(view.points["article_id"])  # what needs a day leaves the inferred range out
    assert shift["n_before"] + shift["n_after"] == int(
        (articles["duplicate_of"].isna() & articles["article_id"].isin(dated)).sum()
    )


@pytest.fixture
def small(store) -> Store:
    """Three articles: a story and its near-duplicate on Monday, a bearish one without snownlp on Wednesday."""
    story = make_article("小米市值突破万亿", published=date(2025, 2, 3), source="A")
    copy = make_article(
        "小米市值突破万亿 转载", published=date(2025, 2, 3), source="B", duplicate_of=story.id
    )
    bearish = make_article("小米股价大跌", published=date(2025, 2, 5), source="A")
    store.add_articles([story, copy, bearish])
    falling = replace(make_score(bearish, tone=-0.5, label="bearish", frames=("trust_crisis",)), snownlp=None,
                      relevance=0.5, bull_intensity=0.0, bear_intensity=2.0,
                      evidence=(FrameHit("trust_crisis", "bearish", "大跌", 0, 0, 2),
                                FrameHit("trust_crisis", "bearish", "大跌", 0, 3, 5),
                                FrameHit("recall_quality", "bearish", "召回", 0, 6, 8, negated=True)))  # fmt: skip
    run_id = store.start_run(ticker=TICKER, scorer="finance", version="1", config_hash="h", options={})
    store.write_scores(run_id, [make_score(story, tone=0.6), make_score(copy, tone=0.2), falling])
    store.finish_run(run_id, n_articles=3)
    days = pd.bdate_range("2025-01-20", "2025-02-28")
    for ticker, close in ((TICKER, 40.0), (BENCH, 20000.0)):
        store.replace_prices(ticker, pd.DataFrame({"date": days, "open": close, "high": close, "low": close,
                                                   "close": close, "volume": 1}), source="test")  # fmt: skip
    return store


def series_of(store: Store, filters: ArticleFilter, *, tone_field: str = "tone", freq: str = "W") -> dict:
    view = read_view(store, filters, freq=freq, tone_field=tone_field)
    return read_series(store, filters, view, tone_field=tone_field, freq=freq, benchmark=BENCH)


def test_the_series_of_a_small_store_have_the_known_answers(small, monkeypatch):
    # Six weeks of prices are too few for the market model's estimation window: count the events as R − Rm.
    monkeypatch.setenv("NARRATIVE_EVENT_MODEL", "market-adjusted")
    series = series_of(small, ArticleFilter(ticker=TICKER))
    index = series["index"].set_index("date")
    monday, wednesday = pd.Timestamp("2025-02-03"), pd.Timestamp("2025-02-05")
    assert index.loc[monday, ["n_articles", "n_unique"]].tolist() == [2, 1]
    assert index.loc[monday, "tone"] == pytest.approx(0.6)  # the near-duplicate's tone is not counted
    assert index.loc[wednesday, "tone"] == pytest.approx(-0.5)
    kpis = series["kpis"]
    assert (kpis.n_articles, kpis.n_bullish, kpis.n_bearish) == (3, 2, 1)
    assert kpis.mean_tone == pytest.approx((0.6 + 0.2 - 0.5) / 3)
    shares = series["frame_shares"].set_index("frame")
    assert shares.loc["trust_crisis", ["intensity", "n_articles"]].tolist() == [2.0, 1]
    assert "recall_quality" not in shares.index  # negated evidence carries no weight
    outlets = series["source_tone"].set_index("source")
    assert outlets["n"].to_dict() == {"A": 2}  # B's only article is a near-duplicate
    assert outlets.loc["A", "tone"] == pytest.approx((0.8 * 0.6 - 0.4 * 0.5) / (0.8 + 0.4))
    assert series["event_study"]["bullish"]["n"] == 1 and series["event_study"]["bearish"]["n"] == 1
    monkeypatch.delenv("NARRATIVE_EVENT_MODEL")
    market = series_of(small, ArticleFilter(ticker=TICKER))["event_study"]["bullish"]
    assert (market["model"], market["n"], market["n_incomplete"]) == ("market", 0, 1)
    assert [row["k"] for row in series["lead_lag"].to_dict("records")] == list(range(-5, 6))


def test_the_snownlp_series_leave_out_articles_without_a_snownlp_score(small):
    series = series_of(small, ArticleFilter(ticker=TICKER), tone_field="snownlp")
    index = series["index"]
    assert index["date"].tolist() == [pd.Timestamp("2025-02-03")]
    assert index["tone"].iloc[0] == pytest.approx(2 * 0.9 - 1)
    # Every article is in range (#12.3: never "0 in range" beside the label counts); two have the signal.
    assert (series["kpis"].n_articles, series["kpis"].n_plotted) == (3, 2)
    assert series["kpis"].n_bearish == 1  # labels stay the finance scorer's, over every article


def test_filters_narrow_every_series(small):
    series = series_of(small, ArticleFilter(ticker=TICKER, date_from=date(2025, 2, 4)))
    assert series["index"]["date"].tolist() == [pd.Timestamp("2025-02-05")]
    assert series["kpis"].n_articles == 1
    assert series["event_study"]["bullish"]["n"] == 0
    assert series["kpis"].price_first == 40.0
    unique = series_of(small, ArticleFilter(ticker=TICKER, include_duplicates=False))
    assert unique["index"]["n_articles"].tolist() == [1, 1]


def test_view_series_takes_the_prices_it_is_given(small):
    view = read_view(small, ArticleFilter(ticker=TICKER), freq="W", tone_field="tone")
    series = view_series(view, small.prices().iloc[0:0], ticker=TICKER, tone_field="tone", freq="W",
                         benchmark=BENCH)  # fmt: skip
    assert series["kpis"].price_change is None
    assert series["event_study"]["bullish"]["n"] == 0


def test_an_opened_article_comes_with_its_sentences_evidence_and_checked_prices(store):
    article = make_article(
        "10月31日，港股小米集团股价下跌2.17%，收于43.20港元。", published=date(2025, 11, 3)
    )
    store.add_articles([article])
    run_id = store.start_run(ticker=TICKER, scorer="finance", version="1", config_hash="h", options={})
    store.write_scores(run_id, [make_score(article, tone=-0.4, label="bearish")])
    store.finish_run(run_id, n_articles=1)
    day = pd.Timestamp("2025-10-31")
    store.replace_prices(TICKER, pd.DataFrame({"date": [day], "open": 44.0, "high": 44.5, "low": 43.0,
                                               "close": 43.2, "volume": 1}), source="test")  # fmt: skip
    detail = read_article(store, article.id, ticker=TICKER)
    assert detail["article"]["id"] == article.id
    assert detail["score"]["article_id"].tolist() == [article.id]
    assert len(detail["sentences"]) == 1 and len(detail["evidence"]) == 1
    mention = detail["mentions"].iloc[0]
    assert (mention["price"], bool(mention["matched"])) == (43.2, True)
    missing = read_article(store, "no-such-id", ticker=TICKER)
    assert missing["article"] is None and missing["mentions"].empty


def test_undated_articles_are_counted_beside_the_event_study(store):
    undated = make_article("小米股价下跌 无日期", published=None)
    dated = make_article("小米股价下跌 有日期", published=date(2025, 2, 5))
    store.add_articles([undated, dated])
    run_id = store.start_run(ticker=TICKER, scorer="finance", version="1", config_hash="h", options={})
    store.write_scores(run_id, [make_score(a, tone=-0.5, label="bearish") for a in (undated, dated)])
    store.finish_run(run_id, n_articles=2)
    assert store.undated_labels(ArticleFilter(ticker=TICKER)) == {"bearish": 1}
    view = read_view(store, ArticleFilter(ticker=TICKER), freq="W", tone_field="tone")
    assert view.undated == {"bearish": 1}
    series = view_series(view, store.prices(), ticker=TICKER, tone_field="tone", freq="W", benchmark=BENCH)
    assert series["event_study"]["bearish"]["n_undated_excluded"] == 1
    assert series["lead_lag_method"]["n_tests"] == 0


def _band_cube(rows: list[tuple[str, float]]) -> pd.DataFrame:
    """A tone cube of single articles (date, tone), weight 1 each."""
    frame = pd.DataFrame(rows, columns=["date", "tone"])
    return pd.DataFrame({
        "date": pd.to_datetime(frame["date"]), "label": "neutral", "duplicate": False, "inferred": False,
        "n": 1, "weight": 1.0, "weighted": frame["tone"], "tone_sum": frame["tone"], "tone_sq": frame["tone"] ** 2,
        "bull": 0.0, "bear": 0.0, "n_snownlp": 0, "weight_snownlp": 0.0, "weighted_snownlp": 0.0,
        "snownlp_sum": 0.0, "snownlp_sq": 0.0,
    })  # fmt: skip


def test_the_smoothed_index_has_a_95_percent_band_from_the_articles_spread():
    from analysis.views.story import tone_band

    band = tone_band(_band_cube([("2025-03-03", 0.2), ("2025-03-04", 0.6), ("2025-03-12", -0.4)]), freq="W")
    first, second = band.iloc[0], band.iloc[1]
    assert first["tone"] == pytest.approx(0.4)
    half = 1.96 * (((0.2 - 0.4) ** 2 + (0.6 - 0.4) ** 2) / 1) ** 0.5 / 2**0.5
    assert (first["lo"], first["hi"]) == (pytest.approx(0.4 - half), pytest.approx(0.4 + half))
    assert pd.isna(second["lo"]) and second["n_unique"] == 1  # one article: no band


def test_the_tone_change_runs_first_to_last_period_and_since_the_latest_shift():
    from analysis.views.story import tone_change

    periods = pd.DataFrame({"date": pd.to_datetime(["2025-03-03", "2025-03-10", "2025-03-17"]),
                            "tone": [0.5, 0.1, -0.3]})  # fmt: skip
    change = tone_change(periods, [{"date": "2025-03-10", "before_tone": 0.5, "after_tone": -0.1}])
    assert change.change == pytest.approx(-0.8)
    assert change.since_shift == pytest.approx(-0.8)
    assert change.shift_date == pd.Timestamp("2025-03-10")
    assert tone_change(periods.iloc[:1], []).change is None  # one period: no change to state
