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


@pytest.mark.parametrize("page", ["overview", "articles", "market", "data"])
def test_each_page_is_usable_alone(corpus_db, page):
    from tests.test_app import go

    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    go(at, page)
    assert not at.error
    expected = {"overview": "main_chart", "articles": "articles_table", "market": None, "data": "download"}[
        page
    ]
    if expected == "main_chart":
        assert [c for c in at.get("vega_lite_chart") if c.proto.id.endswith("main_chart")]
    elif expected is not None:
        assert at.get_by_key(expected) is not None
    else:  # the panels: frame mix, outlets, lead/lag, event study
        assert len(at.get("vega_lite_chart")) >= 3
    if page != "data":
        assert "Articles in range" in metrics(at)


def test_the_story_shows_the_tone_change_the_shift_in_words_and_the_band(corpus_db):
    import json

    at = run_app()
    shown = metrics(at)
    assert "Tone change" in shown and shown["Tone change"] != "—"
    words = [m.value for m in at.markdown if m.value.startswith("**week of ")]
    assert words and "tone" in words[0] and "up:" in words[0] and "down:" in words[0]
    spec = json.dumps(json.loads(test_app.main_chart(at).proto.spec))
    assert '"area"' in spec and '"bar"' in spec  # the band and the volume bars
    assert "Daily tone index (raw)" not in spec
    at.checkbox(key="raw_daily").check().run()
    assert "Daily tone index (raw)" in json.dumps(json.loads(test_app.main_chart(at).proto.spec))


def _titles(node, found: list[str]) -> list[str]:
    """Every axis, legend, tooltip and chart title in a Vega-Lite spec."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("title", "subtitle") and isinstance(value, str):
                found.append(value)
            elif (
                key == "text"
                and isinstance(value, str)
                and isinstance(node.get("subtitle"), str | type(None))
            ):
                found.append(value)
            else:
                _titles(value, found)
    elif isinstance(node, list):
        for item in node:
            _titles(item, found)
    return found


@pytest.mark.parametrize("lang", ["zh", "zh-Hant"])
def test_the_chinese_ui_leaves_no_english_title_in_the_main_chart(corpus_db, lang):
    import json
    import re

    at = run_app()
    at.radio(key="ui_lang").set_value(lang).run()
    assert not at.exception
    titles = _titles(json.loads(test_app.main_chart(at).proto.spec), [])
    assert titles
    english = [title for title in titles if title and not re.search(r"[\u4e00-\u9fff]", title)]
    assert english == [], english
    if lang == "zh-Hant":
        assert "範圍內文章" in metrics(at) and any("圖" in title or "價" in title for title in titles)


def test_the_most_bullish_and_bearish_sentences_open_their_articles(corpus_db):
    from analysis.store import ArticleFilter
    from tests.test_app import go

    strongest = Store(corpus_db).top_sentences(ArticleFilter(), limit=1, bullish=False).iloc[0]
    assert strongest["tone"] < 0
    at = go(run_app(), "articles")
    assert any(str(strongest["text"]).strip()[:20] in m.value for m in at.markdown)
    at.button(key="open_bearish_0").click().run()
    assert not at.exception
    assert at.selectbox(key="article").value == strongest["article_id"]


@pytest.mark.parametrize("lang", ["zh", "zh-Hant"])
def test_the_chinese_ui_leaves_no_english_title_in_the_grouped_main_chart(corpus_db, lang, monkeypatch):
    """#12: above NARRATIVE_CHART_POINTS articles the main chart draws day groups; their axes, legends and
    tooltips are Chinese too, and so is the caption that explains them."""
    import json
    import re

    monkeypatch.setenv("NARRATIVE_CHART_POINTS", "2")  # the bundled corpus holds 5
    at = run_app()
    at.radio(key="ui_lang").set_value(lang).run()
    assert not at.exception
    spec = json.loads(test_app.main_chart(at).proto.spec)
    assert '"visible_n"' in json.dumps(spec)  # the grouped layers are drawn
    titles = _titles(spec, [])
    english = [title for title in titles if title and not re.search(r"[\u4e00-\u9fff]", title)]
    assert english == [], english
    assert any("圆圈" in c.value or "圓圈" in c.value for c in at.caption)
