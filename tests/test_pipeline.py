"""The pipeline: scoring runs over the store, serial and parallel, and first-start setup."""

from __future__ import annotations

import pytest

from analysis.bundled import setup
from analysis.scoring.run import score_store
from analysis.store import Store
from tests.conftest import make_article

TEXTS = [
    "小米市值突破万亿港元，创下历史新高。",
    "小米召回11万辆SU7，股价暴跌。",
    "Xiaomi shares plunge after a fatal crash.",
    "小米集團股價今早急升9.55%。",
]


def test_parallel_scoring_gives_the_same_scores_as_one_process(tmp_path):
    articles = [make_article(f"第{i}篇。" + TEXTS[i % len(TEXTS)] * 3) for i in range(60)]
    serial, parallel = Store(tmp_path / "a.duckdb"), Store(tmp_path / "b.duckdb")
    for store in (serial, parallel):
        store.add_articles(articles)
    score_store(serial, workers=1, use_snownlp=False, batch_size=10)
    summary = score_store(parallel, workers=2, use_snownlp=False, batch_size=10)
    assert summary.scored == 60 and summary.run.status == "finished"
    a = serial.scored_articles().set_index("article_id")["tone"].sort_index()
    b = parallel.scored_articles().set_index("article_id")["tone"].sort_index()
    assert a.round(9).equals(b.round(9))


def test_a_progress_callback_sees_every_article(store):
    store.add_articles([make_article(t) for t in TEXTS])
    seen = []
    score_store(
        store, workers=1, use_snownlp=False, progress=lambda done, total, _: seen.append((done, total))
    )
    assert seen[-1] == (4, 4)


def test_a_failing_scorer_marks_the_run_failed_and_keeps_the_previous_one(store, monkeypatch):
    store.add_articles([make_article(t) for t in TEXTS])
    first = score_store(store, workers=1, use_snownlp=False).run
    from analysis.scoring.scorer import Scorer

    def boom(self, *args, **kwargs):
        raise RuntimeError("scorer broke")

    monkeypatch.setattr(Scorer, "score_article", boom)
    with pytest.raises(RuntimeError):
        score_store(store, force=True, workers=1, use_snownlp=False)
    assert store.runs(1)[0].status == "failed" and "scorer broke" in store.runs(1)[0].message
    assert store.current_run().run_id == first.run_id and len(store.scored_articles()) == 4


def test_setup_builds_the_bundled_database_once(tmp_path):
    store = Store(tmp_path / "n.duckdb")
    first = setup(store, use_snownlp=False)
    assert first["ingest"]["added"] == 5 and set(first["prices_loaded"]) == {"1810.HK", "HSI"}
    again = setup(store, use_snownlp=False)
    assert "ingest" not in again and again["prices_loaded"] == [] and again["score"]["scored"] == 0
