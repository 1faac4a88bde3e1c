"""Scores travel from pool workers to the store as columns; sentence texts are sliced from the article."""

from __future__ import annotations

import pickle

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis.ingest.run import ingest_paths
from analysis.scoring import load_scorer
from analysis.scoring.columns import ARTICLE_COLUMNS, ScoreRows
from analysis.scoring.run import score_store
from tests.conftest import BUNDLED_ARTICLES, make_article, make_score


def test_score_rows_keep_every_article_sentence_and_hit_value():
    articles = [make_article("小米市值突破万亿港元。"), make_article("SU7交付量再创新高。")]
    scores = [make_score(articles[0]), make_score(articles[1], tone=-0.4, label="bearish", frames=())]
    rows = ScoreRows.from_scores(scores)
    assert len(rows) == 2
    assert rows.articles["article_id"] == [a.id for a in articles]
    assert rows.articles["tone"] == [0.5, -0.4]
    assert rows.articles["frames"] == ["market_cap_milestone", ""]
    assert rows.sentences["end_char"] == [len(a.text) for a in articles]
    assert rows.evidence["article_id"] == [articles[0].id]  # the second has no frames, so no hits
    assert set(rows.articles) == set(ARTICLE_COLUMNS)


def test_every_declared_column_is_filled_for_every_row():
    rows = ScoreRows.from_scores([make_score(make_article("小米汽车交付。"))])
    for table in (rows.articles, rows.sentences, rows.evidence):
        assert {len(values) for values in table.values()} == {1}


def test_score_rows_extend_and_survive_pickling_as_plain_columns():
    first = ScoreRows.from_scores([make_score(make_article("第一篇。"))])
    second = ScoreRows.from_scores([make_score(make_article("第二篇。"))])
    first.extend(pickle.loads(pickle.dumps(second)))
    assert len(first) == 2 and len(first.sentences["idx"]) == 2 and len(first.evidence["frame"]) == 2


def test_stored_sentences_read_back_with_the_texts_the_scorer_split(tmp_path):
    from analysis.store import Store

    store = Store(tmp_path / "s.duckdb")
    ingest_paths(store, [BUNDLED_ARTICLES])
    score_store(store, use_snownlp=False, workers=2, batch_size=2)
    scorer = load_scorer(use_snownlp=False)
    for article_id, text, simplified, language in store.article_texts(
        store.articles_to_score(ticker="1810.HK", config_hash="", force=True)
    ):
        expected = [s.text for s in scorer.score_article(article_id, text, simplified, language).sentences]
        assert store.sentences(article_id)["text"].tolist() == expected


@pytest.mark.slow
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(min_size=1, max_size=60).filter(lambda s: s.strip()), st.data())
def test_any_unicode_sentence_span_is_sliced_as_python_slices_it(store, body, data):
    start = data.draw(st.integers(0, len(body) - 1))
    end = data.draw(st.integers(start + 1, len(body)))
    article = make_article(body)
    store.add_articles([article])
    score = make_score(article)
    sentence = score.sentences[0].__class__(**{**score.sentences[0].__dict__, "start": start, "end": end})
    run_id = store.start_run(ticker="1810.HK", scorer="t", version="1", config_hash="h", options={})
    store.write_scores(run_id, [score.__class__(**{**score.__dict__, "sentences": (sentence,)})])
    store.finish_run(run_id, n_articles=1)
    assert store.sentences(article.id)["text"].tolist() == [body[start:end]]
