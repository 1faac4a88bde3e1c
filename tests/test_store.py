"""The store: schema, idempotent articles, run lifecycle, bound filters."""

from __future__ import annotations

from datetime import date

import duckdb
import pandas as pd
import pytest

from analysis.errors import SchemaVersionError, ScoringRunError
from analysis.store import ArticleFilter, Store
from tests.conftest import make_article, make_score


def _run(store: Store, scores, *, config_hash="h1") -> int:
    run_id = store.start_run(
        ticker="1810.HK", scorer="finance", version="1", config_hash=config_hash, options={}
    )
    store.write_scores(run_id, scores)
    store.finish_run(run_id, n_articles=store.article_count())
    return run_id


def test_adding_the_same_article_twice_adds_nothing(store):
    article = make_article("小米市值突破万亿港元")
    assert store.add_articles([article]) == ([article.id], [])
    assert store.add_articles([article]) == ([], [article.id])
    assert store.article_count() == 1


def test_any_unicode_text_round_trips(store):
    body = "繁體 simplified 简体 \u3000 emoji 🚗 NUL-free \u200b zero-width"
    article = make_article(body)
    store.add_articles([article])
    assert store.article(article.id)["text"] == body


def test_a_finished_run_becomes_current_and_scores_are_visible(store):
    article = make_article("小米市值突破万亿港元")
    store.add_articles([article])
    run_id = _run(store, [make_score(article)])
    assert store.current_run().run_id == run_id
    frame = store.scored_articles()
    assert list(frame["article_id"]) == [article.id]
    assert frame.loc[0, "tone"] == pytest.approx(0.5)
    assert list(store.evidence()["frame"]) == ["market_cap_milestone"]
    assert len(store.sentences(article.id)) == 1


def test_an_unfinished_run_leaves_the_previous_run_current(store):
    article = make_article("小米市值突破万亿港元")
    store.add_articles([article])
    first = _run(store, [make_score(article, tone=0.5)])
    second = store.start_run(ticker="1810.HK", scorer="finance", version="1", config_hash="h2", options={})
    store.write_scores(second, [make_score(article, tone=-0.9)])
    assert store.current_run().run_id == first
    assert store.scored_articles().loc[0, "tone"] == pytest.approx(0.5)


def test_a_second_run_is_refused_while_one_is_going(store):
    store.start_run(ticker="1810.HK", scorer="finance", version="1", config_hash="h", options={})
    with pytest.raises(ScoringRunError, match="already going"):
        store.start_run(ticker="1810.HK", scorer="finance", version="1", config_hash="h", options={})


def test_a_run_whose_process_died_is_abandoned_and_its_rows_dropped(store):
    article = make_article("小米市值突破万亿港元")
    store.add_articles([article])
    dead = store.start_run(ticker="1810.HK", scorer="finance", version="1", config_hash="h", options={})
    store.write_scores(dead, [make_score(article)])
    with store.connect() as con:  # as if its process had been killed
        con.execute("UPDATE scoring_runs SET pid = 999999999 WHERE run_id = ?", [dead])
    fresh = store.start_run(ticker="1810.HK", scorer="finance", version="1", config_hash="h", options={})
    assert store.run(dead).status == "abandoned"
    with store.connect() as con:
        assert con.execute("SELECT count(*) FROM article_scores WHERE run_id = ?", [dead]).fetchone()[0] == 0
    assert fresh > dead


def test_incremental_scoring_picks_new_articles_and_config_changes(store):
    old, new = make_article("小米市值突破万亿港元"), make_article("小米召回11万辆SU7")
    store.add_articles([old])
    _run(store, [make_score(old)], config_hash="h1")
    store.add_articles([new])
    assert store.articles_to_score(ticker="1810.HK", config_hash="h1", force=False) == [new.id]
    assert set(store.articles_to_score(ticker="1810.HK", config_hash="h2", force=False)) == {old.id, new.id}
    assert len(store.articles_to_score(ticker="1810.HK", config_hash="h1", force=True)) == 2


def test_filters_narrow_by_date_source_and_frame(store):
    a = make_article("小米市值突破万亿港元", published=date(2025, 2, 8), source="极客公园")
    b = make_article("小米信任崩塌", published=date(2025, 11, 3), source="汽车人传媒")
    store.add_articles([a, b])
    _run(store, [make_score(a), make_score(b, tone=-0.6, label="bearish", frames=("trust_crisis",))])
    assert len(store.scored_articles(ArticleFilter(date_from=date(2025, 6, 1)))) == 1
    assert list(store.scored_articles(ArticleFilter(sources=("极客公园",)))["article_id"]) == [a.id]
    assert list(store.scored_articles(ArticleFilter(frames=("trust_crisis",)))["article_id"]) == [b.id]


def test_filter_values_are_bound_never_executed(store):
    a = make_article("小米市值突破万亿港元")
    store.add_articles([a])
    _run(store, [make_score(a)])
    hostile = ("'; DROP TABLE articles; --",)
    assert store.scored_articles(ArticleFilter(sources=hostile, languages=hostile, frames=hostile)).empty
    assert store.article_count() == 1


def test_inferred_dates_use_the_middle_of_their_range_and_say_so(store):
    a = make_article(
        "小米股价下探",
        published=None,
        published_basis="inferred",
        published_from=date(2025, 9, 1),
        published_to=date(2025, 12, 31),
    )
    store.add_articles([a])
    _run(store, [make_score(a)])
    row = store.scored_articles().iloc[0]
    assert row["date"] == pd.Timestamp("2025-10-31") and bool(row["date_inferred"])
    assert pd.isna(row["published"])


def test_prices_replace_is_all_or_nothing(store):
    frame = pd.DataFrame(
        {
            "date": pd.to_datetime(["2025-02-06", "2025-02-07"]),
            "open": [1, 2],
            "high": [2, 3],
            "low": [1, 2],
            "close": [40.55, 41.0],
            "volume": [10, 20],
        }
    )
    assert store.replace_prices("1810.HK", frame, source="test") == 2
    bad = frame.assign(close=[None, 1.0])
    with pytest.raises(duckdb.Error):
        store.replace_prices("1810.HK", bad, source="test")
    assert list(store.prices(["1810.HK"])["close"]) == [40.55, 41.0]


def test_a_database_from_a_newer_version_is_refused(tmp_path):
    path = tmp_path / "newer.duckdb"
    Store(path).article_count()
    con = duckdb.connect(str(path))
    con.execute("INSERT INTO schema_version VALUES (99, now())")
    con.close()
    with pytest.raises(SchemaVersionError, match="newer"):
        Store(path).article_count()


def test_frame_counts_aggregate_non_negated_hits_per_article_and_frame(store):
    from analysis.models import FrameHit

    a = make_article("小米市值突破万亿港元，股价并未暴跌")
    store.add_articles([a])
    score = make_score(a, frames=("market_cap_milestone",))
    extra = (
        FrameHit("market_cap_milestone", "bullish", "市值突破", 0, 2, 6),
        FrameHit("valuation_reset", "bearish", "暴跌", 0, 14, 16, negated=True),
    )
    from dataclasses import replace

    _run(store, [replace(score, evidence=score.evidence + extra)])
    counts = store.frame_counts()
    assert counts.to_dict("records") == [
        {"article_id": a.id, "frame": "market_cap_milestone", "polarity": "bullish", "hits": 2}
    ]


def test_a_reading_session_shares_one_connection_and_closes_it(store):
    store.add_articles([make_article("小米")])
    with store.reading() as session:
        with session.connect() as first, session.connect() as second:
            assert first is second
        assert session.article_count() == 1
    with pytest.raises(duckdb.ConnectionException):
        first.execute("SELECT 1")  # closed with the session
    with store.connect() as later:
        assert later is not first


def test_frame_hits_per_day_count_each_unique_article_and_name_the_shift(store):
    """The dashboard's per-day frame hits: near-duplicates left out, the days' hits summed per frame."""
    from dataclasses import replace

    from analysis import narrative
    from analysis.models import FrameHit

    days = [date(2025, 2, 3), date(2025, 2, 4), date(2025, 2, 11), date(2025, 9, 22), date(2025, 9, 23)]
    articles = [make_article(f"小米新闻{i}", published=d) for i, d in enumerate(days)]
    dup = make_article("小米新闻0 转载", published=days[0], duplicate_of=articles[0].id)
    store.add_articles(articles + [dup])
    scores = []
    for i, a in enumerate(articles + [dup]):
        frame, polarity = ("market_cap_milestone", "bullish") if i < 3 else ("trust_crisis", "bearish")
        hits = tuple(FrameHit(frame, polarity, "x", 0, 0, 1) for _ in range(i + 1))
        hits += (FrameHit("founder_ip", "context", "雷军", 0, 1, 2),)
        base = make_score(a, frames=(frame,), tone=0.6 if i < 3 or i == 5 else -0.6)
        scores.append(replace(base, evidence=hits))
    _run(store, scores)
    by_day = store.frame_counts_by_day()
    counted = {(row.date.date(), row.frame): (row.hits, row.n_articles) for row in by_day.itertuples()}
    assert counted[(days[0], "market_cap_milestone")] == (1, 1)  # the near-duplicate's 6 hits are not counted
    assert counted[(days[4], "trust_crisis")] == (5, 1)
    assert sum(hits for (_, frame), (hits, _) in counted.items() if frame == "founder_ip") == 5
    shifts = narrative.detect_shifts(narrative.tone_index(store.tone_cube(ArticleFilter())), by_day)
    assert [(s["frames_up"][:1], s["frames_down"][:1]) for s in shifts] == [
        (["trust_crisis"], ["market_cap_milestone"])
    ]
