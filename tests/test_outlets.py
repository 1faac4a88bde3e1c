"""Outlets merged across scripts and spellings (issue #12): data/outlets.toml names an outlet however it is
written, script variants merge without an entry, and filters, options, per-outlet sums and exports follow."""

from __future__ import annotations

import io
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from analysis import DATA_DIR
from analysis.errors import ConfigError
from analysis.outlets import load_outlets, spelling_key
from analysis.store import ArticleFilter, Store
from analysis.views import filtered_articles_csv
from tests.conftest import make_article, make_score
from tests.test_app import APP, TIMEOUT, chart_frames, go, metrics, run_app

SPELLINGS = ["Reuters", "路透社", "reuters.com", "極客公園", "极客公园", "新华社"]


def _outlet_store(store: Store) -> Store:
    articles = [
        make_article(
            f"小米第{i}篇报道，股价表现", published=date(2025, 3, 1) + timedelta(days=i), source=source
        )
        for i, source in enumerate(SPELLINGS)
    ]
    store.add_articles(articles)
    run_id = store.start_run(ticker="1810.HK", scorer="finance", version="t", config_hash="t", options={})
    store.write_scores(run_id, [make_score(a, tone=0.1 * i) for i, a in enumerate(articles)])
    store.finish_run(run_id, n_articles=store.article_count())
    return store


def test_a_spelling_key_ignores_script_case_spaces_and_www():
    assert spelling_key("極客公園") == spelling_key("极客公园")
    assert spelling_key(" REUTERS.com ") == spelling_key("www.reuters.com") == "reuters.com"
    assert spelling_key("South  China Morning Post") == "south china morning post"


def test_the_bundled_file_names_each_outlet_one_way():
    outlets = load_outlets(DATA_DIR)
    names = outlets.names(SPELLINGS)
    assert {names[s] for s in ("Reuters", "路透社", "reuters.com")} == {"Reuters"}
    assert names["極客公園"] == names["极客公园"] == "极客公园"
    assert names["新华社"] == "新华社"  # not listed: its own outlet
    assert outlets.spellings_of(["路透社"], SPELLINGS) == sorted(["Reuters", "路透社", "reuters.com"])


def test_script_variants_merge_without_any_entry(data_dir):
    (data_dir / "outlets.toml").unlink()
    outlets = load_outlets(data_dir)
    names = outlets.names(["極客公園", "极客公园", "Caixin", "caixin"])
    assert names["極客公園"] == names["极客公园"] == "极客公园"
    assert names["Caixin"] == names["caixin"] == "Caixin"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            '[[outlet]]\nname = "A"\naliases = ["x"]\n[[outlet]]\nname = "B"\naliases = ["X"]\n',
            "already names",
        ),
        ('[[outlet]]\nname = "A"\nalias = ["x"]\n', "unknown field 'alias'"),
        ('[[outlet]]\naliases = ["x"]\n', "'name' is required"),
        ('[[outlet]]\nname = "A"\naliases = "x"\n', r"\(A\)\.aliases"),
        ("[outlets]\n", r"unknown section \[outlets\]"),
    ],
)
def test_a_malformed_outlets_file_is_a_config_error_naming_the_block(tmp_path, text, message):
    path = tmp_path / "outlets.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=message) as error:
        load_outlets(path=path)
    assert str(path) in str(error.value)


def test_filters_options_sums_and_exports_use_the_outlet(store):
    _outlet_store(store)
    facets = store.facets(ticker="1810.HK")
    assert facets["sources"] == sorted(["Reuters", "极客公园", "新华社"])
    assert len(store.scored_articles(ArticleFilter(sources=("Reuters",)))) == 3
    assert len(store.scored_articles(ArticleFilter(sources=("路透社",)))) == 3  # any spelling chooses it
    assert len(store.scored_articles(ArticleFilter(sources=("極客公園",)))) == 2
    assert store.scored_articles(ArticleFilter(sources=("nobody",))).empty
    cube = store.source_cube(ArticleFilter(), freq="M")
    assert cube.groupby("source")["n"].sum().to_dict() == {"Reuters": 3, "极客公园": 2, "新华社": 1}
    exported = store.export_frame(ticker="1810.HK")
    assert list(exported.columns[-2:]) == ["outlet", "corrected"] and "source" in exported.columns
    assert dict(zip(exported["source"], exported["outlet"], strict=True))["reuters.com"] == "Reuters"
    csv = pd.read_csv(io.BytesIO(filtered_articles_csv(store, ArticleFilter(sources=("Reuters",)))))
    assert sorted(csv["source"]) == sorted(["Reuters", "路透社", "reuters.com"]) and set(csv["outlet"]) == {
        "Reuters"
    }


@pytest.fixture
def outlet_db(tmp_path, monkeypatch) -> Path:
    path = tmp_path / "outlets.duckdb"
    _outlet_store(Store(path))
    monkeypatch.setenv("NARRATIVE_DB", str(path))
    return path


@pytest.mark.slow
def test_the_sidebar_offers_outlets_and_choosing_one_keeps_every_spelling(outlet_db):
    at = run_app()
    assert at.multiselect(key="sources").options == sorted(["Reuters", "极客公园", "新华社"])
    at.multiselect(key="sources").set_value(["Reuters"]).run()
    assert not at.exception
    assert metrics(at)["Articles in range"] == "3"
    assert set(at.dataframe[0].value["outlet"]) == {"Reuters"}
    assert at.query_params["source"] in ("Reuters", ["Reuters"])
    go(at, "market")
    heat = [
        f for c in at.get("vega_lite_chart") for f in chart_frames(c) if {"source", "n"} <= set(f.columns)
    ]
    assert heat and set(heat[0]["source"]) == {"Reuters"} and heat[0]["n"].sum() == 3


@pytest.mark.slow
def test_a_link_naming_an_outlet_by_another_spelling_restores_it(outlet_db):
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params["source"] = "極客公園"
    at.run()
    assert not at.exception
    assert at.multiselect(key="sources").value == ["极客公园"]
    assert metrics(at)["Articles in range"] == "2"
