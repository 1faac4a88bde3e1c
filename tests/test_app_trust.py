"""What misled an analyst (issue #12), each pinned by driving the page: new data stays in view, a missing tone
signal keeps the price, the picker and the detail agree, an undated article is shown as a range."""

from __future__ import annotations

import re
from datetime import date

import pytest

from analysis.store import Store
from tests import test_app
from tests.conftest import make_article, make_score
from tests.test_app import article_points, go, main_chart, metrics, run_app, texts

built_db, corpus_db = test_app.built_db, test_app.corpus_db  # the scored bundled corpus, a copy per test

pytestmark = pytest.mark.slow


def _add_scored(store: Store, articles: list) -> None:
    store.add_articles(articles)
    run_id = store.start_run(ticker="1810.HK", scorer="finance", version="t", config_hash="t", options={})
    store.write_scores(run_id, [make_score(a) for a in articles])
    store.finish_run(run_id, n_articles=store.article_count())


def test_uploaded_articles_outside_the_range_widen_it_and_stay_in_view(corpus_db):
    """#12.1: after 'Ingest and score' the range covers the new articles, and the next click keeps them."""
    late = ("---\ntitle: 小米年终\nsource: 测试日报\ndate: 2026-01-20\n---\n"
            "小米集团股价大涨8%,市值突破万亿港元,创历史新高。订单大增,超出市场预期。\n").encode()  # fmt: skip
    at = run_app()
    before = int(metrics(at)["Articles in range"])
    go(at, "data")
    at.file_uploader(key="upload_articles").set_value([("late.md", late, "text/markdown")])
    at.run()
    at.button(key="ingest").click().run()
    assert not at.exception
    go(at, "overview")
    assert int(metrics(at)["Articles in range"]) == before + 1
    assert max(at.date_input(key="date_range").value) >= date(2026, 1, 20)
    at.radio(key="color_by").set_value("dominant_frame").run()  # any next click
    assert int(metrics(at)["Articles in range"]) == before + 1
    assert max(at.date_input(key="date_range").value) >= date(2026, 1, 20)


def test_plotting_snownlp_without_snownlp_values_keeps_the_price_and_counts_what_is_left_out(corpus_db):
    """#12.3: articles without the chosen signal are left out of that line and counted as such."""
    store = Store(corpus_db)
    english = [make_article(f"Xiaomi shares rose {i} percent on strong orders.", language="en",
                            published=date(2025, 3, 10 + i)) for i in range(3)]  # fmt: skip
    _add_scored(store, english)
    with store.connect() as con:  # a corpus scored --no-snownlp: no article has the signal
        con.execute("UPDATE article_scores SET snownlp = NULL")
        con.execute("UPDATE article_facts SET snownlp = NULL")
    at = run_app()
    total = metrics(at)["Articles in range"]
    at.radio(key="tone_field").set_value("snownlp").run()
    assert not at.exception
    shown = metrics(at)
    assert shown["Articles in range"] == total  # the count of the range does not depend on the signal
    chart = main_chart(at)
    assert '"close"' in chart.proto.spec  # the price line stays
    assert "have no SnowNLP score" in texts(at.caption)
    assert "widen" not in texts(at.info).lower()


def test_with_an_outlet_filter_the_picker_and_the_detail_show_the_same_article(corpus_db):
    """#12.6: an article opened before a filter that excludes it is not shown below another's title."""
    store = Store(corpus_db)
    mine = make_article(
        "小米股价大涨,订单超出预期。独家来源。", source="独家日报", published=date(2025, 3, 3)
    )
    _add_scored(store, [mine])
    at = run_app()
    at.selectbox(key="article").set_value(mine.id).run()
    others = [s for s in at.multiselect(key="sources").options if s != "独家日报"]
    at.multiselect(key="sources").set_value(others[:1]).run()
    assert not at.exception
    picked = at.selectbox(key="article").value
    assert picked != mine.id
    headers = [h.value for h in at.html if "font-weight:600" in h.value]
    assert len(headers) == 1 and "独家来源" not in headers[0]
    assert mine.id not in at.selectbox(key="article").options


def test_an_undated_article_is_a_range_not_a_day_and_stays_out_of_daily_analysis(corpus_db):
    """#12.8: an inferred range 2025-07..12 is not plotted on 2025-10-01 nor counted in day-based series."""
    store = Store(corpus_db)
    undated = make_article("小米股价暴跌,召回事件引发信任危机。", published=None, published_basis="inferred",
                           published_from=date(2025, 7, 1), published_to=date(2025, 12, 31))  # fmt: skip
    _add_scored(store, [undated])
    at = run_app()
    assert not at.exception
    points = article_points(at)
    assert undated.id not in set(points["article_id"])
    ranges = [f for f in _frames(main_chart(at)) if "date_to" in f.columns]
    assert ranges and undated.id in set(ranges[0]["article_id"])
    assert re.search(r"\b[1-9]\d* articles have only an inferred date range", texts(at.caption))


def _frames(chart):
    from tests.test_app import chart_frames

    return chart_frames(chart)


def test_article_points_are_drawn_above_the_tone_index_so_a_click_reaches_them(corpus_db):
    """#12.2: on a one-article day the index marker sat on the dot and took the click; the points are on top."""
    import json

    spec = json.loads(main_chart(run_app()).proto.spec)
    tone_layers = spec["layer"][1]["layer"]  # price, tone, volume bars
    marks = [
        layer["mark"]["type"] if isinstance(layer["mark"], dict) else layer["mark"] for layer in tone_layers
    ]
    assert marks[-1] == "circle" and "line" in marks[:-1]
    picks = [p for p in spec.get("params", []) if p.get("name") == "article_pick"]
    assert picks and tone_layers[-1]["name"] in picks[0]["views"]
