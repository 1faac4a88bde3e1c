"""The dashboard's facts tables: equal to the live join after full and incremental runs, after a migration and a
rebuild; one filter selects the same articles in every read; the frames mask; the chart's fair sample; explorer
pages; the CSV made on demand."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import date, timedelta

import duckdb
import pandas as pd
import pytest

from analysis.models import FrameHit
from analysis.store import SCHEMA_VERSION, ArticleFilter, Store
from analysis.store.fact_tables import MASK_BITS
from analysis.store.facts import rounds_needed
from analysis.views import articles_csv, filtered_articles_csv
from tests.conftest import make_article, make_score

ROW_COLUMNS = ["article_id", "date", "date_inferred", "title", "source", "language", "tone", "confidence",
               "relevance", "label", "dominant_frame", "frames", "snownlp"]  # fmt: skip


def _run(store: Store, scores, *, ticker: str = "1810.HK") -> int:
    run_id = store.start_run(ticker=ticker, scorer="finance", version="1", config_hash="h", options={})
    store.write_scores(run_id, scores)
    store.finish_run(run_id, n_articles=len(scores))
    return run_id


def _corpus(store: Store) -> list:
    """Stated, inferred and undated articles, a near-duplicate, an article without an outlet."""
    day = date(2025, 2, 3)
    articles = [make_article(f"小米新闻第{i}篇", published=day + timedelta(days=i % 4), source=["甲", "乙"][i % 2])
                for i in range(6)]  # fmt: skip
    articles.append(make_article("推断日期的新闻", published=None, published_from=date(2025, 2, 1),
                                 published_to=date(2025, 2, 5), published_basis="inferred"))  # fmt: skip
    articles.append(make_article("没有日期的新闻", published=None, published_from=None, published_to=None))
    articles.append(make_article("小米新闻第0篇 转载", published=day, duplicate_of=articles[0].id))
    articles.append(make_article("No outlet here", published=day, source=None, language="en"))
    store.add_articles(articles)
    return articles


def _scores(articles, *, tone: float = 0.5) -> list:
    frames = [("market_cap_milestone",), ("trust_crisis", "founder_ip"), ()]
    scores = []
    for i, article in enumerate(articles):
        score = make_score(article, tone=tone if i % 3 else -tone, label=["bullish", "bearish", "neutral"][i % 3],
                           frames=frames[i % 3])  # fmt: skip
        negated = FrameHit("valuation_reset", "bearish", "暴跌", 0, 0, 1, negated=True)
        scores.append(replace(score, evidence=score.evidence * 2 + (negated,), relevance=0.2 * (i % 5)))
    return scores


def _rows(store: Store, filters: ArticleFilter) -> pd.DataFrame:
    """The facts' article rows, in the live join's order, with its columns."""
    page = store.article_page(filters, limit=10_000)
    return page[ROW_COLUMNS].reset_index(drop=True)


# The reference the facts are held to: the live join of the current scores, filtered here in pandas by what
# ArticleFilter means (not by the store's filter compiler).
_LIVE = """
    SELECT a.id AS article_id, d.date, d.date_inferred, a.title, a.source, a.language, s.tone, s.confidence,
           s.relevance, s.label, s.dominant_frame, s.frames, s.snownlp, a.duplicate_of
    FROM current_scores c
    JOIN article_scores s ON s.run_id = c.run_id AND s.article_id = c.article_id
    JOIN articles a ON a.id = c.article_id
    JOIN article_dates d ON d.article_id = a.id
    WHERE c.ticker = ? AND d.date IS NOT NULL
    ORDER BY d.date, a.id
"""
_LIVE_HITS = """
    SELECT e.article_id, e.frame, any_value(e.polarity) AS polarity, count(*) AS hits
    FROM current_scores c JOIN frame_evidence e ON e.run_id = c.run_id AND e.article_id = c.article_id
    WHERE c.ticker = ? AND NOT e.negated
    GROUP BY e.article_id, e.frame
"""


def _live_articles(store: Store, filters: ArticleFilter) -> pd.DataFrame:
    with store.connect() as con:
        frame = con.execute(_LIVE, [filters.ticker]).df()
    frame["date"] = pd.to_datetime(frame["date"])
    keep = pd.Series(True, index=frame.index)
    if filters.date_from is not None:
        keep &= frame["date"] >= pd.Timestamp(filters.date_from)
    if filters.date_to is not None:
        keep &= frame["date"] <= pd.Timestamp(filters.date_to)
    if filters.sources is not None:
        keep &= frame["source"].fillna("(unknown)").isin(filters.sources)
    if filters.languages is not None:
        keep &= frame["language"].isin(filters.languages)
    if filters.labels is not None:
        keep &= frame["label"].isin(filters.labels)
    if filters.frames is not None:
        chosen = set(filters.frames)
        keep &= frame["frames"].map(lambda listed: bool(chosen & (set(listed.split(";")) - {""})))
    if not filters.include_duplicates:
        keep &= frame["duplicate_of"].isna()
    return frame[keep].reset_index(drop=True)


def _live(store: Store, filters: ArticleFilter) -> pd.DataFrame:
    return _live_articles(store, filters)[ROW_COLUMNS]


def _frames_by_day_live(store: Store, filters: ArticleFilter) -> pd.DataFrame:
    """Frame hits per day from the live join's per-article counts (unique articles), as the facts give them."""
    articles = _live_articles(store, filters)
    unique = articles[articles["duplicate_of"].isna()][["article_id", "date"]]
    with store.connect() as con:
        hits = con.execute(_LIVE_HITS, [filters.ticker]).df()
    counts = hits.merge(unique, on="article_id")
    daily = counts.groupby(["date", "frame", "polarity"]).agg(
        hits=("hits", "sum"), n_articles=("article_id", "size")
    )
    return daily.reset_index()[["date", "frame", "polarity", "hits", "n_articles"]]


FILTERS = [
    ArticleFilter(),
    ArticleFilter(date_from=date(2025, 2, 4), date_to=date(2025, 2, 5)),
    ArticleFilter(sources=("甲", "(unknown)")),
    ArticleFilter(languages=("en",)),
    ArticleFilter(frames=("trust_crisis",)),
    ArticleFilter(labels=("bullish", "neutral"), include_duplicates=False),
]


def _cells(frame: pd.DataFrame) -> pd.DataFrame:
    """Values as plain objects, every missing one None: a filtered frame's text columns keep their dtype."""
    return frame.astype(object).where(frame.notna(), None)


def _assert_facts_equal_live(store: Store) -> None:
    for filters in FILTERS:
        live = _cells(_live(store, filters))
        pd.testing.assert_frame_equal(_cells(_rows(store, filters)), live)
        pd.testing.assert_frame_equal(_cells(store.scored_articles(filters)[ROW_COLUMNS]), live)
        pd.testing.assert_frame_equal(
            store.frame_counts_by_day(filters), _frames_by_day_live(store, filters), check_dtype=False
        )


def test_facts_equal_the_live_join_after_a_full_and_an_incremental_run(store):
    articles = _corpus(store)
    _run(store, _scores(articles))
    _assert_facts_equal_live(store)
    # An incremental run rescores a few: current scores now point at two runs.
    _run(store, _scores(articles[:3], tone=-0.9))
    assert store.scored_articles()["tone"].abs().max() == pytest.approx(0.9)
    _assert_facts_equal_live(store)


def test_a_failed_run_leaves_the_facts_of_the_current_scores(store):
    articles = _corpus(store)
    _run(store, _scores(articles))
    before = _rows(store, ArticleFilter())
    run_id = store.start_run(ticker="1810.HK", scorer="finance", version="1", config_hash="h", options={})
    store.write_scores(run_id, _scores(articles, tone=-0.9))
    store.fail_run(run_id, "killed")
    pd.testing.assert_frame_equal(_rows(store, ArticleFilter()), before)


def test_rebuilding_the_facts_gives_what_the_runs_left(store):
    articles = _corpus(store)
    _run(store, _scores(articles))
    _run(store, _scores(articles[2:5], tone=0.1))
    cube, days = store.tone_cube(ArticleFilter()), store.frame_counts_by_day()
    store.rebuild_facts()
    pd.testing.assert_frame_equal(store.tone_cube(ArticleFilter()), cube)
    pd.testing.assert_frame_equal(store.frame_counts_by_day(), days)
    _assert_facts_equal_live(store)


def test_each_ticker_has_its_own_facts(store):
    articles = _corpus(store)
    _run(store, _scores(articles))
    _run(store, _scores(articles[:2], tone=-0.3), ticker="0700.HK")
    assert len(_rows(store, ArticleFilter(ticker="0700.HK"))) == 2
    assert len(_rows(store, ArticleFilter())) == len(_live(store, ArticleFilter()))


def test_a_v1_database_is_migrated_and_its_facts_filled_from_its_scores(tmp_path):
    path = tmp_path / "v1.duckdb"
    store = Store(path, lock_timeout=2)
    _run(store, _scores(_corpus(store)))
    con = duckdb.connect(str(path))  # back to version 1: the facts tables (and the corrections) did not exist
    for statement in ("DROP TABLE article_frame_hits", "DROP TABLE article_facts", "DROP TABLE frame_ids",
                      "DROP SEQUENCE fact_ids", "DROP VIEW corrections_in_force", "DROP TABLE corrections",
                      "DROP SEQUENCE correction_ids", "DELETE FROM schema_version WHERE version > 1"):  # fmt: skip
        con.execute(statement)
    con.close()
    migrated = Store(path, lock_timeout=2)
    assert migrated.schema_version() == SCHEMA_VERSION
    _assert_facts_equal_live(migrated)


EDGE_FILTERS = [
    *FILTERS,
    ArticleFilter(sources=("(unknown)",), languages=("en", "zh-Hans")),
    ArticleFilter(frames=("market_cap_milestone", "founder_ip"), include_duplicates=False),
    ArticleFilter(frames=("",)),  # the empty name is no frame: it matches nothing
    ArticleFilter(frames=()),
    ArticleFilter(sources=()),
    ArticleFilter(labels=("bearish",), date_from=date(2025, 2, 3), date_to=date(2025, 2, 3)),
    ArticleFilter(ticker="0700.HK"),
]


def _changed(filters: ArticleFilter) -> str:
    """The fields a filter sets, as a test id."""
    default = ArticleFilter()
    return ",".join(f"{k}={v}" for k, v in vars(filters).items() if v != getattr(default, k)) or "all"


@pytest.mark.parametrize("filters", EDGE_FILTERS, ids=_changed)
def test_one_filter_selects_the_same_articles_in_every_read(store, filters):
    articles = _corpus(store)
    _run(store, _scores(articles))
    expected = _live_articles(store, filters)
    ids = set(expected["article_id"])
    unique = set(expected.loc[expected["duplicate_of"].isna(), "article_id"])
    dated = set(store.scored_articles(ArticleFilter(ticker=filters.ticker))["article_id"])
    hit = set(store.frame_counts(ArticleFilter(ticker=filters.ticker))["article_id"])

    assert list(store.scored_articles(filters)["article_id"]) == list(expected["article_id"])
    assert set(store.article_page(filters, limit=1000)["article_id"]) == ids
    # The chart draws dated articles as points and undated ones (inferred ranges) as ranges: together, the same.
    points = set(store.article_sample(filters, limit=1000)["article_id"])
    ranges = set(store.undated_ranges(filters, limit=1000)["article_id"])
    assert points | ranges == ids and not points & ranges
    assert set(store.article_texts_frame(filters)["article_id"]) == ids
    assert set(pd.read_csv(io.BytesIO(filtered_articles_csv(store, filters)))["article_id"]) == ids
    assert set(store.evidence(filters)["article_id"]) & dated == ids  # every corpus article has evidence
    assert set(store.frame_counts(filters)["article_id"]) & dated == ids & hit
    assert int(store.tone_cube(filters)["n"].sum()) == len(ids)
    assert int(store.day_counts(filters).sum()) == len(ids)
    assert int(store.source_cube(filters, freq="D")["n"].sum()) == len(unique)
    by_day = store.frame_counts_by_day(filters)
    live_by_day = _frames_by_day_live(store, filters)
    assert int(by_day["hits"].sum()) == int(live_by_day["hits"].sum())


def test_the_frames_filter_matches_listed_frames_past_the_bit_mask(store):
    names = [f"frame_{i:03d}" for i in range(MASK_BITS + 6)]  # ids 64.. are past the mask
    articles = [make_article(f"小米框架{i}") for i in range(len(names))]
    store.add_articles(articles)
    _run(
        store, [make_score(a, frames=(names[i], names[(i + 1) % len(names)])) for i, a in enumerate(articles)]
    )
    for chosen in (
        (names[3],),
        (names[MASK_BITS + 2],),
        (names[5], names[MASK_BITS + 4]),
        ("no_such_frame",),
    ):
        filters = ArticleFilter(frames=chosen)
        expected = set(_live(store, filters)["article_id"])
        assert set(_rows(store, filters)["article_id"]) == expected
        assert int(store.tone_cube(filters)["n"].sum()) == len(expected)
    assert len(_rows(store, ArticleFilter(frames=("no_such_frame",)))) == 0


@pytest.mark.parametrize(
    ("counts", "limit", "rounds"),
    [([5, 1, 3], 100, 5), ([5, 1, 3], 3, 1), ([5, 1, 3], 4, 2), ([5, 1, 3], 7, 3), ([], 10, 0), ([4], 0, 0)],
)
def test_rounds_needed_is_the_fewest_per_day_that_reaches_the_limit(counts, limit, rounds):
    assert rounds_needed(counts, limit) == rounds


def _sample_corpus(store: Store) -> dict[date, int]:
    """Days with 1, 3 and 12 articles, weights spread so each day's order is known."""
    per_day = {date(2025, 3, 3): 1, date(2025, 3, 4): 3, date(2025, 3, 5): 12}
    articles, scores = [], []
    for day, n in per_day.items():
        for i in range(n):
            article = make_article(f"小米 {day} 第{i}篇", published=day)
            articles.append(article)
            scores.append(replace(make_score(article), relevance=round(1 - i / 20, 2)))
    store.add_articles(articles)
    _run(store, scores)
    return per_day


def test_the_chart_sample_is_fair_across_days_and_most_relevant_first(store):
    per_day = _sample_corpus(store)
    everything = store.scored_articles()
    sample = store.article_sample(ArticleFilter(), limit=8)
    assert len(sample) == 8
    counts = sample.groupby(sample["date"].dt.date).size().to_dict()
    assert counts == {date(2025, 3, 3): 1, date(2025, 3, 4): 3, date(2025, 3, 5): 4}  # water-filled
    for day, rows in sample.groupby(sample["date"].dt.date):
        candidates = everything[everything["date"].dt.date == day]
        best = candidates.sort_values(["relevance", "article_id"], ascending=[False, True]).head(len(rows))
        assert set(rows["article_id"]) == set(best["article_id"])
    assert list(sample["date"]) == sorted(sample["date"])
    pd.testing.assert_frame_equal(store.article_sample(ArticleFilter(), limit=8), sample)  # deterministic
    assert len(store.article_sample(ArticleFilter(), limit=100)) == sum(per_day.values())


def test_a_snownlp_sample_only_takes_articles_with_a_snownlp_score(store):
    articles = [make_article(f"小米情绪{i}") for i in range(4)]
    store.add_articles(articles)
    _run(store, [replace(make_score(a), snownlp=None if i % 2 else 0.7) for i, a in enumerate(articles)])
    assert len(store.article_sample(ArticleFilter(), limit=10, tone_field="snownlp")) == 2
    assert len(store.article_sample(ArticleFilter(), limit=10)) == 4


def test_explorer_pages_cover_the_filtered_articles_in_order(store):
    _sample_corpus(store)
    live = store.scored_articles()["article_id"].tolist()
    pages = [store.article_page(ArticleFilter(), limit=5, offset=offset) for offset in range(0, len(live), 5)]
    assert pd.concat(pages)["article_id"].tolist() == live
    newest = store.article_page(ArticleFilter(), limit=4, newest_first=True)
    assert newest["date"].is_monotonic_decreasing and newest["date"].iloc[0] == pd.Timestamp("2025-03-05")
    assert store.article_page(ArticleFilter(), limit=1, article_id=live[3])["article_id"].tolist() == [
        live[3]
    ]
    assert store.article_page(ArticleFilter(date_to=date(2025, 3, 3)), limit=1, article_id=live[3]).empty


def test_the_download_is_every_filtered_article_with_the_export_columns(store):
    articles = _corpus(store)
    _run(store, _scores(articles))
    filters = ArticleFilter(sources=("甲",))
    rows = store.scored_articles(filters)
    # The export's columns as they were, then the outlet each row's spelling belongs to (data/outlets.toml).
    expected = articles_csv(rows.assign(outlet=rows["source"]))
    assert filtered_articles_csv(store, filters) == expected
