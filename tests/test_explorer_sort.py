"""The explorer's sort (issue #12): applied in DuckDB to every filtered row before paging, kept in the URL."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from analysis.errors import InputError
from analysis.store import ArticleFilter, Store
from analysis.store.explore import SORTS
from tests.conftest import make_article, make_score
from tests.test_app import APP, TIMEOUT, run_app

N_ARTICLES, PAGE = 60, 25


def _sixty(store: Store) -> list:
    """60 articles, a day apart; the oldest have the lowest tone, so newest-first page 1 holds none of them."""
    articles = [
        make_article(f"小米第{i}篇报道，股价表现", published=date(2025, 1, 1) + timedelta(days=i),
                     source=f"媒体{i % 4}")
        for i in range(N_ARTICLES)
    ]  # fmt: skip
    store.add_articles(articles)
    run_id = store.start_run(ticker="1810.HK", scorer="finance", version="t", config_hash="t", options={})
    tones = [round(-0.9 + 1.8 * i / (N_ARTICLES - 1), 4) for i in range(N_ARTICLES)]
    scores = [make_score(a, tone=tone, label="bullish" if tone > 0 else "bearish")
              for a, tone in zip(articles, tones, strict=True)]  # fmt: skip
    store.write_scores(run_id, scores)
    store.finish_run(run_id, n_articles=store.article_count())
    return sorted(zip(tones, (a.id for a in articles), strict=True))


def test_a_sort_orders_every_filtered_row_before_the_page_is_cut(store):
    by_tone = _sixty(store)
    page = store.sorted_page(ArticleFilter(), sort="tone_asc", limit=PAGE)
    assert page["article_id"].tolist() == [article for _, article in by_tone[:PAGE]]
    last = store.sorted_page(ArticleFilter(), sort="tone_desc", limit=PAGE, offset=2 * PAGE)
    assert last["article_id"].tolist() == [article for _, article in reversed(by_tone[:10])]
    outlets = store.sorted_page(ArticleFilter(), sort="outlet_asc", limit=N_ARTICLES)["source"].tolist()
    assert outlets == sorted(outlets)


def test_every_offered_sort_runs_and_an_unknown_one_is_refused(store):
    _sixty(store)
    for sort in SORTS:
        assert len(store.sorted_page(ArticleFilter(), sort=sort, limit=5)) == 5
    with pytest.raises(InputError, match="sort"):
        store.sorted_page(ArticleFilter(), sort="tone; DROP TABLE articles", limit=5)


@pytest.fixture
def sixty_db(tmp_path, monkeypatch) -> tuple[Path, list]:
    from analysis.views import read as viewdata

    path = tmp_path / "sixty.duckdb"
    by_tone = _sixty(Store(path))
    monkeypatch.setenv("NARRATIVE_DB", str(path))
    monkeypatch.setattr(viewdata, "PAGE_ROWS", PAGE)
    return path, by_tone


@pytest.mark.slow
def test_sorting_the_explorer_by_tone_puts_the_globally_lowest_on_page_one(sixty_db):
    _, by_tone = sixty_db
    lowest = [article for _, article in by_tone[:PAGE]]
    at = run_app()
    newest_first = at.dataframe[0].value
    assert not set(newest_first["article_id"]) & set(lowest)  # the default page holds none of them
    at.number_input(key="explorer_page").set_value(2).run()
    at.selectbox(key="explorer_sort").set_value("tone_asc").run()
    assert not at.exception
    table = at.dataframe[0].value
    assert table["article_id"].tolist() == lowest
    assert at.number_input(key="explorer_page").value == 1  # a new sort starts on its first page
    assert at.query_params["explorer_sort"] == "tone_asc"


@pytest.mark.slow
def test_a_link_with_a_sort_opens_the_explorer_in_that_order(sixty_db):
    _, by_tone = sixty_db
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params["explorer_sort"] = "tone_desc"
    at.run()
    assert not at.exception
    assert at.selectbox(key="explorer_sort").value == "tone_desc"
    assert at.dataframe[0].value["article_id"].tolist() == [a for _, a in reversed(by_tone[-PAGE:])]
