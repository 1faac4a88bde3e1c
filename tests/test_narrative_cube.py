"""The dashboard's series from DuckDB's per-day sums equal the per-article path, on the bundled corpus and on
generated corpora: tone index and z-scores, frame shares, source tone, bull/bear, KPIs, lead/lag, event study,
shifts, for both tone fields and any filter."""

from __future__ import annotations

import tempfile
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis import narrative
from analysis.bundled import setup
from analysis.models import FrameHit
from analysis.narrative import cube
from analysis.store import ArticleFilter, Store
from analysis.views import compute_kpis, kpis_from_cube, plot_articles, read_view, view_series
from tests.conftest import make_article, make_score

TICKER, BENCH = "1810.HK", "HSI"
FRAMES = {
    "market_cap_milestone": "bullish",
    "trust_crisis": "bearish",
    "founder_ip": "context",
    "ipo": "bullish",
}
SOURCES = ("新浪财经", "财联社", "Reuters", None)
START = date(2025, 1, 1)


def assert_same_frame(left: pd.DataFrame, right: pd.DataFrame, **options) -> None:
    """Equal values within float rounding; two empty frames only need the same columns (their dtypes vary)."""
    if left.empty and right.empty:
        assert list(left.columns) == list(right.columns)
    else:
        pd.testing.assert_frame_equal(left, right, **{"rtol": 1e-9, **options})


def assert_same_series(store: Store, filters: ArticleFilter, prices: pd.DataFrame) -> None:
    """Every series the dashboard draws, from the sums and from the articles, for both tone fields."""
    articles = store.scored_articles(filters)
    sums = store.tone_cube(filters)
    by_day = store.frame_counts_by_day(filters)
    for tone_field in ("tone", "snownlp"):
        plotted = plot_articles(articles, tone_field)
        index = narrative.tone_index(plotted, freq="D")
        from_sums = cube.tone_index_from_cube(sums, freq="D", tone_field=tone_field)
        assert_same_frame(from_sums, index)
        for freq in ("W", "M"):
            assert_same_frame(
                cube.tone_index_from_cube(sums, freq=freq, tone_field=tone_field),
                narrative.tone_index(plotted, freq=freq),
            )
            assert_same_frame(
                cube.source_tone_from_cube(store.source_cube(filters, freq=freq), tone_field=tone_field),
                narrative.source_tone(plotted, freq=freq),
            )
        assert_same_frame(
            cube.lead_lag_from_cube(sums, prices, ticker=TICKER, tone_field=tone_field, min_n=3),
            narrative.lead_lag(plotted, prices, ticker=TICKER, min_n=3),
        )
        # The dashboard's shifts: the daily index stands in for its articles, frame hits come per day (of every
        # filtered article, as before: with snownlp plotted, an article without a snownlp score keeps its frames).
        shifts = narrative.detect_shifts(from_sums, from_sums, by_day)
        assert shifts == narrative.detect_shifts(index, plotted, by_day)
        if tone_field == "tone":
            assert shifts == narrative.detect_shifts(index, plotted, store.frame_counts(filters))
        kpis = kpis_from_cube(sums, prices, ticker=TICKER, tone_field=tone_field)
        per_plotted = compute_kpis(plotted, prices, ticker=TICKER)
        per_article = compute_kpis(articles, prices.iloc[0:0], ticker=TICKER)
        assert kpis.n_articles == per_plotted.n_articles
        if per_plotted.mean_tone is None:
            assert kpis.mean_tone is None
        else:
            assert kpis.mean_tone == pytest.approx(per_plotted.mean_tone, rel=1e-9, abs=1e-12)
        assert (kpis.n_bullish, kpis.n_bearish, kpis.n_mixed, kpis.n_neutral) == (
            per_article.n_bullish, per_article.n_bearish, per_article.n_mixed, per_article.n_neutral,
        )  # fmt: skip
        assert (kpis.price_first, kpis.price_last, kpis.price_change) == (
            per_plotted.price_first, per_plotted.price_last, per_plotted.price_change,
        )  # fmt: skip
    for freq in ("W", "M"):
        assert_same_frame(
            cube.frame_shares_from_days(by_day, freq=freq),
            narrative.frame_shares(articles, store.frame_counts(filters), freq=freq),
            check_dtype=False,
        )
        assert_same_frame(
            cube.bull_bear_from_cube(sums, freq=freq),
            narrative.bull_bear_intensity(articles, freq=freq),
        )
    assert cube.event_study_from_cube(sums, prices, ticker=TICKER, benchmark=BENCH) == narrative.event_study(
        articles, prices, ticker=TICKER, benchmark=BENCH
    )


@pytest.fixture(scope="module")
def bundled(tmp_path_factory) -> Store:
    """The bundled corpus ingested, priced and scored by the same setup() as `make run`."""
    store = Store(tmp_path_factory.mktemp("bundled") / "narrative.duckdb")
    assert "score_error" not in setup(store)
    return store


@pytest.mark.parametrize(
    "filters",
    [
        ArticleFilter(),
        ArticleFilter(date_from=date(2025, 9, 1)),
        ArticleFilter(languages=("zh-Hans",)),
        ArticleFilter(frames=("trust_crisis", "recall_quality")),
        ArticleFilter(include_duplicates=False),
    ],
    ids=["all", "autumn", "simplified", "frames", "no-duplicates"],
)
def test_series_from_sums_equal_series_from_articles_on_the_bundled_corpus(bundled, filters):
    assert_same_series(bundled, filters, bundled.prices())


def test_the_dashboard_view_of_the_bundled_corpus_shows_every_article(bundled):
    view = read_view(bundled, ArticleFilter(), freq="W", tone_field="tone")
    articles = bundled.scored_articles()
    assert view.n_articles == len(articles) == len(view.points) == len(view.page) == len(view.picker)
    assert view.page["article_id"].tolist() == articles["article_id"].tolist()
    series = view_series(view, bundled.prices(), ticker=TICKER, tone_field="tone", freq="W", benchmark=BENCH)
    assert series["kpis"].n_articles == len(articles)
    assert len(series["shifts"]) == len(narrative.detect_shifts(narrative.tone_index(articles), articles,
                                                                bundled.frame_counts()))  # fmt: skip


# -- generated corpora ----------------------------------------------------------------------------------
ARTICLE = st.fixed_dictionaries({
    "day": st.integers(0, 45),
    "dated": st.sampled_from(["stated", "stated", "stated", "inferred", "undated"]),
    "span": st.integers(0, 6),
    "source": st.sampled_from(SOURCES),
    "language": st.sampled_from(["zh-Hans", "zh-Hant", "en"]),
    "duplicate": st.booleans(),
    "tone": st.floats(-1, 1).map(lambda v: round(v, 4)),
    "confidence": st.sampled_from([0.0, 0.35, 0.8, 1.0]),
    "relevance": st.sampled_from([0.0, 0.4, 0.75, 1.0]),
    "label": st.sampled_from(["bullish", "bearish", "mixed", "neutral"]),
    "frames": st.lists(st.sampled_from(sorted(FRAMES)), unique=True, max_size=3),
    "hits": st.lists(st.integers(1, 3), min_size=3, max_size=3),
    "negated": st.booleans(),
    "snownlp": st.one_of(st.none(), st.floats(0, 1).map(lambda v: round(v, 4))),
    "rescored": st.booleans(),
})  # fmt: skip
FILTER = st.fixed_dictionaries({
    "dates": st.one_of(st.none(), st.tuples(st.integers(0, 45), st.integers(0, 20))),
    "sources": st.one_of(st.none(), st.lists(st.sampled_from(["新浪财经", "财联社", "Reuters", "(unknown)"]),
                                             min_size=1, unique=True)),
    "languages": st.one_of(st.none(), st.lists(st.sampled_from(["zh-Hans", "zh-Hant", "en"]), min_size=1,
                                               unique=True)),
    "frames": st.one_of(st.none(), st.lists(st.sampled_from(sorted(FRAMES)), min_size=1, max_size=2, unique=True)),
    "include_duplicates": st.booleans(),
})  # fmt: skip


def _article(i: int, spec: dict, earlier: list):
    day = START + timedelta(days=spec["day"])
    extra: dict = {"source": spec["source"], "language": spec["language"]}
    if spec["dated"] == "inferred":
        extra |= {"published": None, "published_from": day, "published_to": day + timedelta(days=spec["span"]),
                  "published_basis": "inferred"}  # fmt: skip
    elif spec["dated"] == "undated":
        extra |= {"published": None, "published_from": None, "published_to": None}
    else:
        extra["published"] = day
    if spec["duplicate"] and earlier:
        extra["duplicate_of"] = earlier[i % len(earlier)].id
    return make_article(f"小米生成新闻 {i}", **extra)


def _score(article, spec: dict, *, shift: float = 0.0):
    frames = tuple(spec["frames"])
    hits = tuple(
        FrameHit(frame, FRAMES[frame], "x", 0, 0, 1)
        for frame, count in zip(frames, spec["hits"], strict=False)
        for _ in range(count)
    )
    if spec["negated"]:
        hits += (FrameHit("trust_crisis", "bearish", "x", 0, 1, 2, negated=True),)
    score = make_score(article, tone=spec["tone"], label=spec["label"], frames=frames)
    return replace(score, tone=round(max(-1.0, min(1.0, spec["tone"] + shift)), 4), confidence=spec["confidence"],
                   relevance=spec["relevance"], snownlp=spec["snownlp"], evidence=hits,
                   bull_intensity=abs(spec["tone"]), bear_intensity=spec["relevance"] / 2)  # fmt: skip


def _prices(seed: int) -> pd.DataFrame:
    days = pd.bdate_range(START - timedelta(days=20), START + timedelta(days=80))
    rng = np.random.default_rng(seed)
    rows = []
    for ticker in (TICKER, BENCH):
        closes = 40 * np.exp(np.cumsum(rng.normal(0, 0.02, len(days))))
        rows += [
            {"ticker": ticker, "date": d, "close": round(float(c), 2)}
            for d, c in zip(days, closes, strict=True)
        ]
    return pd.DataFrame(rows)


def _filters(spec: dict) -> ArticleFilter:
    dates = spec["dates"]
    return ArticleFilter(
        date_from=None if dates is None else START + timedelta(days=dates[0]),
        date_to=None if dates is None else START + timedelta(days=dates[0] + dates[1]),
        sources=None if spec["sources"] is None else tuple(spec["sources"]),
        languages=None if spec["languages"] is None else tuple(spec["languages"]),
        frames=None if spec["frames"] is None else tuple(spec["frames"]),
        include_duplicates=spec["include_duplicates"],
    )


def _run(store: Store, scores: list) -> None:
    run_id = store.start_run(ticker=TICKER, scorer="finance", version="1", config_hash="h", options={})
    store.write_scores(run_id, scores)
    store.finish_run(run_id, n_articles=len(scores))


@pytest.mark.slow
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(specs=st.lists(ARTICLE, min_size=1, max_size=30), filters=st.lists(FILTER, min_size=1, max_size=3),
       seed=st.integers(0, 2**16))  # fmt: skip
def test_series_from_sums_equal_series_from_articles_on_generated_corpora(specs, filters, seed):
    with tempfile.TemporaryDirectory() as directory:
        store = Store(Path(directory) / "generated.duckdb", lock_timeout=2)
        articles: list = []
        for i, spec in enumerate(specs):
            articles.append(_article(i, spec, [a for a in articles if a.duplicate_of is None]))
        store.add_articles(articles)
        _run(store, [_score(a, s) for a, s in zip(articles, specs, strict=True)])
        # An incremental run: the current scores of some articles now come from a second run.
        rescored = [_score(a, s, shift=-0.3) for a, s in zip(articles, specs, strict=True) if s["rescored"]]
        if rescored:
            _run(store, rescored)
        prices = _prices(seed)
        for spec in [{"dates": None, "sources": None, "languages": None, "frames": None,
                      "include_duplicates": True}, *filters]:  # fmt: skip
            assert_same_series(store, _filters(spec), prices)
