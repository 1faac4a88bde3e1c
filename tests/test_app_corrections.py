"""The explorer's relabel controls driven through AppTest: a click stores the correction and the page shows it."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from analysis.bundled import setup
from analysis.store import Store
from tests.test_app import run_app


@pytest.fixture
def corpus_db(tmp_path, monkeypatch) -> Path:
    """The bundled corpus ingested and scored (without snownlp: quicker), the dashboard pointed at it."""
    path = tmp_path / "narrative.duckdb"
    report = setup(Store(path), use_snownlp=False)
    assert "score_error" not in report, report
    monkeypatch.setenv("NARRATIVE_DB", str(path))
    return path


def table_label(at: AppTest, article_id: str) -> str:
    table = at.dataframe[0].value
    return table.loc[table["article_id"] == article_id, "label"].iloc[0]


def texts(elements) -> str:
    return "\n".join(str(e.value) for e in elements)


def test_relabelling_the_stance_stores_the_correction_and_the_page_shows_the_new_label(corpus_db):
    at = run_app()
    article_id = at.selectbox(key="article").value
    stance = at.radio(key="correct_stance")
    new = "bearish" if stance.value != "bearish" else "bullish"
    assert "Corrections: 0 in force" in texts(at.caption)

    stance.set_value(new).run()

    assert not at.exception, [e.value for e in at.exception]
    (saved,) = Store(corpus_db).corrections()
    assert (saved.article_id, saved.field, saved.new, saved.start) == (article_id, "stance", new, None)
    assert at.radio(key="correct_stance").value == new
    assert table_label(at, article_id) == new  # the table, read from the facts, shows the corrected label
    assert "Corrections: 1 in force (1 made), 1 newer than the learned model." in texts(at.caption)
    assert "the article was rescored" in texts(at.success)


def test_relabelling_a_sentence_stores_the_correction_and_the_page_shows_the_new_label(corpus_db):
    at = run_app()
    article_id = at.selectbox(key="article").value
    sentences = Store(corpus_db).sentences(article_id)
    target = sentences[sentences["label"] == "positive"].iloc[0]
    key = f"correct_sentence_{int(target['index'])}"
    assert at.radio(key=key).value == "positive"

    at.radio(key=key).set_value("negative").run()

    assert not at.exception, [e.value for e in at.exception]
    (saved,) = Store(corpus_db).corrections()
    assert (saved.field, saved.old, saved.new) == ("label", "positive", "negative")
    assert (saved.start, saved.end) == (int(target["start"]), int(target["end"]))
    assert at.radio(key=key).value == "negative"
    assert (
        Store(corpus_db).sentences(article_id).set_index("index").loc[target["index"], "label"] == "negative"
    )


def test_the_relabel_controls_follow_the_opened_article(corpus_db):
    at = run_app()
    picker = at.selectbox(key="article")
    first, second = picker.options[0], picker.options[1]
    at.radio(key="correct_stance").set_value("mixed").run()
    picker = at.selectbox(key="article")
    at.selectbox(key="article").set_value(second if picker.value == first else first).run()
    assert not at.exception
    opened = at.selectbox(key="article").value
    expected = Store(corpus_db).current_score(opened)["label"]
    assert at.radio(key="correct_stance").value == expected
    assert len(Store(corpus_db).corrections()) == 1


def test_a_sentence_frame_can_be_corrected_when_frames_are_toggled_on(corpus_db):
    at = run_app()
    article_id = at.selectbox(key="article").value
    at.toggle(key="correct_frames").set_value(True).run()
    sentences = Store(corpus_db).sentences(article_id)
    index = int(sentences.loc[sentences["relevance"] > 0, "index"].iloc[0])  # boilerplate gets no controls
    at.selectbox(key=f"correct_frame_{index}").set_value("regulation").run()
    assert not at.exception, [e.value for e in at.exception]
    (saved,) = Store(corpus_db).corrections()
    assert (saved.field, saved.new) == ("frame", "regulation")
    assert at.selectbox(key=f"correct_frame_{index}").value == "regulation"
