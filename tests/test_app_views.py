"""Views an analyst shares and narrows (issue #12): a link restores the view, presets set the range, the
search narrows every view and highlights its hits, the explorer reads newest first."""

from __future__ import annotations

from datetime import date

import pytest
from streamlit.testing.v1 import AppTest

from analysis.store import Store
from analysis.views import preset_range
from tests import test_app
from tests.test_app import APP, TIMEOUT, metrics, run_app

pytestmark = pytest.mark.slow

built_db, corpus_db = test_app.built_db, test_app.corpus_db  # the scored bundled corpus, a copy per test


def test_a_search_narrows_every_view_and_highlights_its_hits(corpus_db):
    articles = Store(corpus_db).scored_articles()
    at = run_app()
    total = int(metrics(at)["Articles in range"])
    at.text_input(key="search").set_value("信任").run()
    assert not at.exception
    hits = int(metrics(at)["Articles in range"])
    assert 0 < hits < total
    table = at.dataframe[0].value
    assert len(table) == hits and set(table["article_id"]) <= set(articles["article_id"])
    assert any("background:#fff176" in h.value and ">信任<" in h.value for h in at.html)
    assert at.query_params["search"] == "信任"


def test_a_search_matches_the_other_script_and_case(corpus_db):
    at = run_app()
    at.text_input(key="search").set_value("惨烈").run()  # simplified, the article is written traditional
    assert metrics(at)["Articles in range"] == "1"
    at.text_input(key="search").set_value(" 慘烈  ").run()
    assert metrics(at)["Articles in range"] == "1"
    at.text_input(key="search").set_value("WHAT HAPPENED").run()
    assert metrics(at)["Articles in range"] == "1"


def test_a_preset_sets_the_range_and_a_hand_picked_range_clears_it(corpus_db):
    at = run_app()
    first, last = at.date_input(key="date_range").value
    at.segmented_control(key="preset").set_value("1M").run()
    assert not at.exception
    assert tuple(at.date_input(key="date_range").value) == preset_range("1M", first, last)
    assert at.query_params["preset"] == "1M"
    at.date_input(key="date_range").set_value((first, date(2025, 9, 30))).run()
    assert at.segmented_control(key="preset").value is None
    assert at.query_params["to"] == "2025-09-30"


def test_presets_end_on_the_newest_article_and_never_start_before_the_oldest():
    assert preset_range("1M", date(2025, 2, 7), date(2025, 11, 3)) == (date(2025, 10, 4), date(2025, 11, 3))
    assert preset_range("YTD", date(2025, 2, 7), date(2025, 11, 3)) == (date(2025, 2, 7), date(2025, 11, 3))
    assert preset_range("YTD", date(2024, 2, 7), date(2025, 11, 3)) == (date(2025, 1, 1), date(2025, 11, 3))
    assert preset_range("all", date(2025, 2, 7), date(2025, 11, 3)) == (date(2025, 2, 7), date(2025, 11, 3))


def test_a_link_with_query_parameters_restores_the_view(corpus_db):
    store = Store(corpus_db)
    articles = store.scored_articles()
    outlet = articles["source"].dropna().iloc[0]
    article = articles.loc[articles["source"] == outlet, "article_id"].iloc[0]
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params.update({"tone_field": "snownlp", "source": outlet, "from": "2025-01-01", "to": "2025-12-31",
                            "article": article, "ui_lang": "zh", "freq": "M"})  # fmt: skip
    at.run()
    assert not at.exception
    assert at.radio(key="tone_field").value == "snownlp"
    assert at.multiselect(key="sources").value == [outlet]
    assert tuple(at.date_input(key="date_range").value) == (date(2025, 1, 1), date(2025, 12, 31))
    assert at.selectbox(key="article").value == article
    assert at.radio(key="ui_lang").value == "zh" and at.radio(key="freq").value == "M"
    # The URL follows the view: a change is written back.
    at.radio(key="tone_field").set_value("tone").run()
    assert "tone_field" not in at.query_params and at.query_params["source"] == outlet


def test_a_link_with_unknown_values_is_ignored_not_an_error(corpus_db):
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params.update({"ticker": "NOPE", "tone_field": "x", "from": "2025-99-01", "article": "missing",
                            "preset": "5Y", "source": "no such outlet"})  # fmt: skip
    at.run()
    assert not at.exception
    assert at.radio(key="tone_field").value == "tone"
    assert int(metrics(at)["Articles in range"]) == len(Store(corpus_db).scored_articles())


def test_the_explorer_lists_the_newest_article_first(corpus_db):
    at = run_app()
    dates = list(at.dataframe[0].value["date"])
    assert dates == sorted(dates, reverse=True)
