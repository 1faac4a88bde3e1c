"""The dashboard driven through Streamlit's AppTest: loads, filters, reruns scoring, uploads, renders safely."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from dataclasses import replace
from datetime import date
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest
from streamlit.testing.v1 import AppTest

from analysis.bundled import setup
from analysis.errors import ConfigError
from analysis.store import ArticleFilter, Store
from tests.conftest import make_article, make_score

pytestmark = pytest.mark.slow  # the dashboard through Streamlit's AppTest: each test runs the whole app

APP = str(Path(__file__).resolve().parents[1] / "app.py")
TIMEOUT = 300  # seconds per AppTest run: a guard against a hang, generous for a loaded machine


@pytest.fixture(scope="module")
def built_db(tmp_path_factory) -> Path:
    """The bundled corpus ingested, priced and scored once, by the same setup() as `make run`."""
    path = tmp_path_factory.mktemp("corpus") / "narrative.duckdb"
    report = setup(Store(path))
    assert "score_error" not in report, report
    return path


@pytest.fixture
def corpus_db(built_db, tmp_path, monkeypatch) -> Path:
    """A private copy of the scored corpus, so a test that writes cannot change another's data."""
    path = tmp_path / "narrative.duckdb"
    shutil.copy(built_db, path)
    monkeypatch.setenv("NARRATIVE_DB", str(path))
    return path


@pytest.fixture
def empty_db(tmp_path, monkeypatch) -> Path:
    path = tmp_path / "empty.duckdb"
    monkeypatch.setenv("NARRATIVE_DB", str(path))
    return path


def run_app() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def main_chart(at: AppTest):
    charts = [c for c in at.get("vega_lite_chart") if c.proto.id.endswith("main_chart")]
    assert len(charts) == 1
    return charts[0]


def chart_frames(chart) -> list:
    return [pa.ipc.open_stream(d.data.data).read_pandas() for d in chart.proto.datasets]


def article_points(at: AppTest):
    frames = [
        f for f in chart_frames(main_chart(at)) if "article_id" in f.columns and "date_to" not in f.columns
    ]
    assert len(frames) == 1
    return frames[0]


def drawn(at: AppTest):
    """Every article the main chart draws: dated ones as points, undated ones as their inferred range."""
    frames = [f for f in chart_frames(main_chart(at)) if "article_id" in f.columns]
    assert frames
    return pd.concat([f[["article_id", "date", "outlet"]] for f in frames], ignore_index=True)


def go(at: AppTest, page: str) -> AppTest:
    """Open one of the dashboard's pages (overview, articles, market, data) and run it."""
    at.switch_page(f"ui/app_pages/{page}.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def texts(elements) -> str:
    return "\n".join(str(e.value) for e in elements)


def test_app_loads_with_an_empty_database_and_says_what_to_do(empty_db):
    at = run_app()
    assert "make run" in texts(at.info)
    assert not at.get("vega_lite_chart")
    assert at.button(key="rerun")  # the scoring controls are there
    assert at.get_by_key("upload_articles") is not None


def test_app_loads_with_the_bundled_corpus(corpus_db):
    at = run_app()
    shown = metrics(at)
    assert int(shown["Articles in range"]) == len(Store(corpus_db).scored_articles())
    assert shown["Scoring run"] == f"#{Store(corpus_db).current_run().run_id}"
    assert len(drawn(at)) == int(shown["Articles in range"])
    assert not at.error


def test_main_chart_puts_price_and_tone_on_independent_y_axes(corpus_db):
    spec = json.loads(main_chart(run_app()).proto.spec)
    assert spec["resolve"]["scale"]["y"] == "independent"
    price_layer, tone_layer, _volume = spec["layer"]
    price_fields = {layer["encoding"]["y"]["field"] for layer in price_layer["layer"]}
    tone_axes = [layer["encoding"]["y"] for layer in tone_layer["layer"] if "y" in layer.get("encoding", {})
                 and "field" in layer["encoding"]["y"]]  # fmt: skip
    assert price_fields == {"close"}
    assert tone_axes and all(y["scale"]["domain"] == [-1, 1] for y in tone_axes)
    assert tone_axes[0]["axis"]["orient"] == "right"


def test_narrowing_the_date_range_changes_the_kpis_and_the_chart(corpus_db):
    at = run_app()
    before = metrics(at)
    points_before = drawn(at)
    at.date_input(key="date_range").set_value((date(2025, 9, 1), date(2025, 11, 20))).run()
    assert not at.exception
    after = metrics(at)
    points_after = drawn(at)
    assert int(after["Articles in range"]) < int(before["Articles in range"])
    assert len(points_after) == int(after["Articles in range"])
    assert set(points_after["article_id"]) < set(points_before["article_id"])
    assert after["1810.HK change"] != before["1810.HK change"]
    assert (article_points(at)["date"] >= "2025-09-01").all()  # dated points; a range may start before


def test_narrowing_the_sources_changes_the_kpis_and_the_chart(corpus_db):
    at = run_app()
    before = int(metrics(at)["Articles in range"])
    outlets = at.multiselect(key="sources").options
    assert len(outlets) >= 2
    at.multiselect(key="sources").set_value([outlets[0]]).run()
    assert not at.exception
    after = int(metrics(at)["Articles in range"])
    assert 0 < after < before
    assert set(drawn(at)["outlet"]) <= {outlets[0], "?"}


def test_a_filter_that_matches_nothing_says_so_without_a_broken_chart(corpus_db):
    at = run_app()
    at.date_input(key="date_range").set_value((date(2024, 3, 1), date(2024, 3, 2))).run()
    assert not at.exception
    assert "No scored article matches" in texts(at.info)
    assert metrics(at)["Articles in range"] == "0"


def test_rerun_creates_a_new_current_run_and_shows_it(corpus_db):
    store = Store(corpus_db)
    before = store.current_run().run_id
    at = run_app()
    at.button(key="rerun").click().run()
    assert not at.exception
    after = store.current_run()
    assert after.run_id > before and after.status == "finished"
    assert f"New scoring run #{after.run_id}" in texts(at.success)
    assert metrics(at)["Scoring run"] == f"#{after.run_id}"


def test_a_rerun_can_leave_snownlp_out(corpus_db):
    store = Store(corpus_db)
    at = run_app()
    at.checkbox(key="rerun_snownlp").uncheck().run()
    at.button(key="rerun").click().run()
    assert not at.exception
    run = store.current_run()
    assert run.status == "finished" and run.options.get("snownlp") is False


def test_a_run_already_going_elsewhere_is_reported_not_started(corpus_db):
    store = Store(corpus_db)
    before = store.current_run().run_id
    other = store.start_run(ticker="1810.HK", scorer="finance", version="x", config_hash="x", options={})
    try:
        at = run_app()
        at.button(key="rerun").click().run()
        assert not at.exception
        assert "already going" in texts(at.info)
        assert store.current_run().run_id == before
    finally:
        store.fail_run(other, "test cleanup")


def test_a_failed_run_shows_its_message_and_keeps_the_previous_scores(corpus_db, monkeypatch):
    from ui import state

    def broken(*args, **kwargs):
        raise ConfigError("data/frames.toml: line 3: bad pattern")

    monkeypatch.setattr(state, "score_store", broken)
    store = Store(corpus_db)
    before = store.current_run().run_id
    at = run_app()
    at.button(key="rerun").click().run()
    assert not at.exception
    assert "frames.toml" in texts(at.error)
    assert store.current_run().run_id == before
    assert metrics(at)["Scoring run"] == f"#{before}"
    assert main_chart(at) is not None


def _add_scored(store: Store, article) -> None:
    store.add_articles([article])
    run_id = store.start_run(ticker="1810.HK", scorer="finance", version="t", config_hash="t", options={})
    store.write_scores(run_id, [make_score(article)])
    store.finish_run(run_id, n_articles=store.article_count())


def test_a_script_title_is_shown_as_text_never_as_html(corpus_db):
    hostile = make_article("小米股价大涨,市值突破万亿港元。<img src=x onerror=alert(2)>",
                           published=date(2025, 3, 3), title="<script>alert(1)</script>",
                           source="<b>outlet</b>")  # fmt: skip
    _add_scored(Store(corpus_db), hostile)
    at = run_app()
    at.selectbox(key="article").set_value(hostile.id).run()
    assert not at.exception
    assert not [m for m in at.markdown if m.allow_html], "no article content goes through unsafe markdown"
    blocks = [h.value for h in at.html]
    assert blocks, "the heading and the evidence view should be shown"
    for block in blocks:
        assert "<script" not in block and "<img" not in block and "<b>" not in block
    assert any("&lt;img src=x onerror=alert(2)&gt;" in block for block in blocks)
    assert any("&lt;script&gt;alert(1)&lt;/script&gt;" in block for block in blocks)
    table = at.dataframe[0].value
    assert "<script>alert(1)</script>" in set(table["title"])


def test_article_text_is_text_after_a_blank_line_and_links_only_its_own_url(corpus_db):
    """#15.12/13: no Markdown from the text (images, links, ~strike~), no autolinks from a title or outlet, and
    the article's URL linked exactly, '_' and '&' included."""
    body = ("小米股价大涨,市值突破万亿港元。\n\n![pixel](https://tracker.example/p.png) "
            "[click](https://evil.example) 预计3~5年内,目标40~50港元。 https://bare.example/x")  # fmt: skip
    url = "https://news.example/a_b/c?x=1&y=2"
    article = make_article(body, published=date(2025, 3, 4), title="See https://title.example now",
                           source="www.outlet.example", url=url)  # fmt: skip
    _add_scored(Store(corpus_db), article)
    at = run_app()
    at.selectbox(key="article").set_value(article.id).run()
    assert not at.exception
    blocks = [h.value for h in at.html]
    evidence = next(b for b in blocks if "3~5年" in b)
    assert "<img" not in evidence and "<a " not in evidence and "<del" not in evidence
    assert "![pixel](https://tracker.example/p.png)" in evidence  # shown as typed
    header = next(b for b in blocks if "title.example" in b)
    assert header.count("<a ") == 1
    assert '<a href="https://news.example/a_b/c?x=1&amp;y=2"' in header
    assert not [m for m in at.markdown if "title.example" in m.value or "outlet.example" in m.value]


def test_picking_an_article_shows_its_tones_and_evidence(corpus_db):
    at = run_app()
    picker = at.selectbox(key="article")
    assert len(picker.options) == int(metrics(at)["Articles in range"])
    shown = metrics(at)
    assert "Finance tone" in shown and "SnowNLP (2p−1)" in shown
    assert any("<mark" in h.value for h in at.html)


def test_plotting_snownlp_changes_the_tone_axis_and_mean_tone(corpus_db):
    at = run_app()
    finance = metrics(at)["Mean tone"]
    at.radio(key="tone_field").set_value("snownlp").run()
    assert not at.exception
    spec = json.dumps(json.loads(main_chart(at).proto.spec), ensure_ascii=False)
    assert "snownlp" in spec
    assert metrics(at)["Mean tone"] != finance


def test_the_chinese_toggle_relabels_the_page(corpus_db):
    at = run_app()
    at.radio(key="ui_lang").set_value("zh").run()
    assert not at.exception
    assert "范围内文章" in metrics(at)
    assert at.button(key="rerun").label == "重新评分"


def test_uploaded_articles_are_ingested_scored_and_rejects_are_listed(corpus_db):
    store = Store(corpus_db)
    count = store.article_count()
    good = ("---\ntitle: 小米发布新车\nsource: 测试日报\ndate: 2025-03-05\n---\n"
            "小米集团股价大涨8%,市值突破万亿港元,创历史新高。订单大增,超出市场预期。\n").encode()  # fmt: skip
    at = go(run_app(), "data")
    at.file_uploader(key="upload_articles").set_value([("new story.md", good, "text/markdown"),
                                                       ("empty.txt", b"", "text/plain")])  # fmt: skip
    at.run()
    at.button(key="ingest").click().run()
    assert not at.exception
    assert store.article_count() == count + 1
    assert "1 article(s) added" in texts(at.warning)
    rejects = [d.value for d in at.dataframe if "outcome" in d.value.columns]
    assert rejects and "empty.txt" in set(rejects[0]["file"])
    assert "测试日报" in at.multiselect(key="sources").options


def test_an_uploaded_price_file_is_imported_and_a_bad_one_reported(corpus_db):
    at = go(run_app(), "data")
    at.file_uploader(key="upload_prices").set_value(("mine.csv", b"date,close\n2025-01-02,10\n2025-01-03,11\n",
                                                     "text/csv"))  # fmt: skip
    at.text_input(key="price_ticker").set_value("TEST.HK")
    at.run()
    at.button(key="import_prices").click().run()
    assert not at.exception
    assert "Imported 2 days of TEST.HK" in texts(at.success)
    assert Store(corpus_db).prices(["TEST.HK"])["close"].tolist() == [10.0, 11.0]
    at.file_uploader(key="upload_prices").set_value(("bad.csv", b"date,close\n2025-01-02,-3\n", "text/csv"))
    at.run()
    at.button(key="import_prices").click().run()
    assert not at.exception
    assert "bad.csv" in texts(at.error)


def test_the_filtered_articles_can_be_downloaded(corpus_db):
    at = go(run_app(), "data")
    assert at.get_by_key("download") is not None


def test_no_database_connection_outlives_a_script_run(corpus_db):
    run_app()
    writer = "import duckdb, sys; duckdb.connect(sys.argv[1]).execute('CREATE TABLE probe (x INT)').close()"
    result = subprocess.run([sys.executable, "-c", writer, str(corpus_db)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_a_frame_filter_keeps_only_articles_with_that_frame(corpus_db):
    store = Store(corpus_db)
    articles = store.scored_articles()
    frames = store.facets()["frames"]
    counts = {f: int(articles["frames"].map(lambda value, f=f: f in value.split(";")).sum()) for f in frames}
    rare = min((f for f in counts if counts[f]), key=counts.get)
    assert counts[rare] < len(articles), "the corpus should have a frame that not every article has"
    at = run_app()
    at.multiselect(key="frames").set_value([rare]).run()
    assert not at.exception
    assert int(metrics(at)["Articles in range"]) == counts[rare]
    assert set(drawn(at)["article_id"]) == set(
        articles.loc[articles["frames"].map(lambda value: rare in value.split(";")), "article_id"]
    )


def test_points_can_be_coloured_by_dominant_frame(corpus_db):
    at = run_app()
    at.radio(key="color_by").set_value("dominant_frame").run()
    assert not at.exception
    spec = json.loads(main_chart(at).proto.spec)
    colours = [layer["encoding"]["color"]["field"] for layer in spec["layer"][1]["layer"]
               if "color" in layer.get("encoding", {}) and layer["mark"]["type"] == "circle"]  # fmt: skip
    assert colours == ["dominant_frame"]


@pytest.fixture
def small_views(monkeypatch):
    """Sample, page and picker sizes smaller than the corpus, so its 5 articles need sampling and paging."""
    from analysis.views import read as viewdata

    monkeypatch.setattr(viewdata, "SAMPLE_POINTS", 2)
    monkeypatch.setattr(viewdata, "PAGE_ROWS", 2)
    monkeypatch.setattr(viewdata, "PICKER_ROWS", 3)


def test_a_large_view_draws_a_bounded_sample_and_says_so(corpus_db, small_views):
    at = run_app()
    total = int(metrics(at)["Articles in range"])
    assert len(article_points(at)) == 2 < total
    assert f"Points: 2 of {total - 1} articles" in texts(at.caption)  # the undated one is drawn as a range
    assert len(at.selectbox(key="article").options) == 3  # the newest 3
    assert f"newest 3 of {total}" in texts(at.caption)


def test_the_explorer_table_pages_through_the_filtered_articles(corpus_db, small_views):
    # Newest first, paged in DuckDB: the order of the store's newest-first page over every article.
    expected = (
        Store(corpus_db).article_page(ArticleFilter(), limit=100, newest_first=True)["article_id"].tolist()
    )
    at = run_app()
    assert at.dataframe[0].value["article_id"].tolist() == expected[:2]
    assert f"Rows 1–2 of {len(expected)}" in texts(at.caption)
    at.number_input(key="explorer_page").set_value(3).run()
    assert not at.exception
    assert at.dataframe[0].value["article_id"].tolist() == expected[4:6]
    # Narrowing the filters below the page moves it to their last page: the table is never an empty page.
    at.date_input(key="date_range").set_value((date(2025, 9, 1), date(2025, 11, 20))).run()
    assert not at.exception
    narrowed = (
        Store(corpus_db)
        .article_page(ArticleFilter(date_from=date(2025, 9, 1), date_to=date(2025, 11, 20)), limit=100,
                      newest_first=True)["article_id"]
        .tolist()
    )  # fmt: skip
    assert len(narrowed) == 3
    assert at.number_input(key="explorer_page").value == 2
    assert at.dataframe[0].value["article_id"].tolist() == narrowed[2:]


def test_an_article_opened_beyond_the_pickers_newest_stays_in_it(corpus_db, small_views):
    """A table click or chart point can open an article the picker (newest first) does not list: it is added."""
    from types import SimpleNamespace

    from analysis.views import read as viewdata
    from analysis.views import read_view
    from ui import explorer, state

    store = Store(corpus_db)
    ticker = "1810.HK"
    view = state.View(db=str(corpus_db), ticker=ticker, run_id=store.current_run(ticker).run_id)
    data = read_view(store, view.filters, freq="W", tone_field="tone", page=2)  # the last page: the oldest
    assert len(data.picker) == viewdata.PICKER_ROWS == 3
    oldest = data.page["article_id"].iloc[-1]
    assert oldest not in set(data.picker["article_id"])
    controls = SimpleNamespace(view=view)
    rows = explorer._picker_rows(controls, data, oldest)
    assert oldest in set(rows["article_id"]) and len(rows) == 4
    # Not on the page nor among the points either: looked up, and only when the filters keep it.
    bare = replace(data, page=data.page.iloc[0:0], points=data.points.iloc[0:0])
    assert oldest in set(explorer._picker_rows(controls, bare, oldest)["article_id"])
    narrowed = SimpleNamespace(view=replace(view, date_from=date(2025, 9, 1)))
    assert oldest not in set(explorer._picker_rows(narrowed, bare, oldest)["article_id"])
