"""The dashboard's live-coverage parts: the last update round, alerts, the sources editor, emerging narratives
and "make it a frame" (Streamlit's AppTest over a constructed store), and the views they read."""

from __future__ import annotations

import os
import shutil
from datetime import date
from pathlib import Path

import pytest

from analysis import DATA_DIR
from analysis.store import Store
from analysis.store.live import AlertRecord
from analysis.views.live import alerts_table, emerging_table, last_round
from tests.conftest import make_article, make_score
from tests.test_emerging import PLANTED, constructed_coverage

APP = str(Path(__file__).resolve().parents[1] / "app.py")


def _alert() -> AlertRecord:
    day = date(2025, 11, 30)
    return AlertRecord("1810.HK", "coverage_spike", "volume_spike", "", day, day, "coverage_spike: 20 articles",
                       {"n_articles": 20}, ["c01", "c02"])  # fmt: skip


def _round(store: Store) -> None:
    round_id = store.live.start_round()
    summary = {"failed_sources": ["gone"], "sources": [
        {"name": "feed", "ok": True, "added": 3, "listed": 9, "failed": ["x: HTTP 404"], "error": None},
        {"name": "gone", "ok": False, "added": 0, "listed": 0, "failed": [], "error": "HTTP 404"}]}  # fmt: skip
    store.live.finish_round(round_id, status="finished", added=3, summary=summary)


def test_the_views_say_when_the_last_round_ran_and_what_failed(store):
    assert last_round(store) is None
    _round(store)
    latest = last_round(store)
    assert latest["added"] == 3 and latest["failed_sources"] == ["gone"]
    assert latest["sources"].to_dict("records")[1] == {"source": "gone", "ok": False, "added": 0, "listed": 0,
                                                       "failed": 0, "error": "HTTP 404"}  # fmt: skip
    store.live.add_alerts([_alert()])
    assert alerts_table(store, ticker="1810.HK").to_dict("records")[0]["articles"] == 2
    assert list(emerging_table([]).columns)[0] == "phrase"


@pytest.fixture
def live_db(tmp_path, monkeypatch) -> Path:
    """Sixty days of scored coverage with a planted rising phrase, a recorded round and an alert."""
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data, ignore=shutil.ignore_patterns("training", "eval", "*.duckdb*"))
    monkeypatch.setenv("NARRATIVE_DATA_DIR", str(data))
    path = tmp_path / "live.duckdb"
    monkeypatch.setenv("NARRATIVE_DB", str(path))
    store = Store(path)
    articles = [make_article(row["text"], published=row["date"].date()) for row in constructed_coverage()]
    store.add_articles(articles)
    run_id = store.start_run(ticker="1810.HK", scorer="test", version="1", config_hash="h", options={})
    store.write_scores(run_id, [make_score(a, tone=-0.3) for a in articles])
    store.finish_run(run_id, n_articles=len(articles))
    _round(store)
    store.live.add_alerts([_alert()])
    return path


@pytest.mark.slow
def test_the_dashboard_shows_the_round_the_alerts_and_the_emerging_narratives(live_db):
    from tests.test_app import go, run_app, texts

    at = go(run_app(), "data")  # the round, its failed sources and the alerts live on the Data page
    shown = texts(at.success) + texts(at.warning) + texts(at.caption)
    assert "Last update round 1" in shown and "gone" in shown
    frames = [frame.value for frame in at.dataframe]
    assert any("coverage_spike: 20 articles" in set(f.get("message", [])) for f in frames)
    at = go(at, "market")  # emerging narratives beside the market panels
    frames = [frame.value for frame in at.dataframe]
    assert any(PLANTED in set(f.get("phrase", [])) for f in frames)
    assert at.selectbox(key="emerging_pick").value == PLANTED


@pytest.mark.slow
def test_make_it_a_frame_adds_the_frame_and_rescores(live_db):
    from tests.test_app import go, run_app

    at = go(run_app(), "market")
    at.text_input(key="emerging_name").set_value("delivery_delay")
    at.selectbox(key="emerging_polarity").set_value("bearish")
    at.button(key="make_frame").click().run()
    assert not at.exception
    text = (Path(os.environ["NARRATIVE_DATA_DIR"]) / "frames.toml").read_text(encoding="utf-8")
    assert "[frames.delivery_delay]" in text
    store = Store(live_db)
    assert store.current_run().run_id > 1  # the background rescore finished under the new frames.toml
    assert (store.evidence()["frame"] == "delivery_delay").sum() >= 8


@pytest.mark.slow
def test_the_sources_editor_saves_a_good_file_and_refuses_a_bad_one(live_db):
    from tests.test_app import go, run_app

    target = Path(os.environ["NARRATIVE_DATA_DIR"]) / "sources.toml"
    at = go(run_app(), "data")
    at.text_area(key="sources_toml").set_value('[[source]]\nname = "x"\nurl = "ftp://nope"\n')
    at.button(key="save_sources").click().run()
    assert "needs an http(s) URL" in "\n".join(e.value for e in at.error)
    good = '[[source]]\nname = "x"\nurl = "https://example.com/feed.xml"\n'
    at.text_area(key="sources_toml").set_value(good)
    at.button(key="save_sources").click().run()
    assert target.read_text(encoding="utf-8") == good
    assert any("1 sources" in e.value for e in at.success)
