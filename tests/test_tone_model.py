"""The learned tone model: deterministic training, calibrated probabilities, evidence spans, scorer choice."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from analysis import DATA_DIR
from analysis.errors import ConfigError
from analysis.scoring import load_scorer
from analysis.scoring.features import candidate_ngrams, model_text
from analysis.scoring.model import MODEL_FILE, SentenceModel
from analysis.scoring.training_run import load_metrics, train_model
from tests.conftest import BUNDLED_ARTICLES, REPO

MODELS = DATA_DIR / "models"


def _small_training_dir(tmp_path: Path, per_class: int = 30) -> Path:
    """A few rows of each class from two real training files (enough for 5-fold CV)."""
    out = tmp_path / "training"
    out.mkdir()
    for name in ("pages.csv", "sentfin.csv"):
        with (DATA_DIR / "training" / name).open(encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
        picked = [
            r
            for label in ("negative", "neutral", "positive")
            for r in [x for x in rows if x["label"] == label][:per_class]
        ]
        with (out / name).open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(rows[0]))  # pages.csv keeps its url and frame
            writer.writeheader()
            writer.writerows(picked)
    return out


def test_training_twice_with_the_same_data_and_seed_gives_the_same_model(tmp_path):
    training = _small_training_dir(tmp_path)
    first = train_model(out_dir=tmp_path / "a", seed=3, training_dir=training)
    second = train_model(out_dir=tmp_path / "b", seed=3, training_dir=training)
    assert first["digest"] == second["digest"]
    assert (tmp_path / "a" / "tone.npz").read_bytes() == (tmp_path / "b" / "tone.npz").read_bytes()
    other = train_model(out_dir=tmp_path / "c", seed=4, training_dir=training)
    assert other["digest"] != first["digest"]  # the seed decides the folds, hence the temperature


def test_the_model_card_is_regenerated_from_the_metrics_it_quotes(tmp_path):
    training = _small_training_dir(tmp_path)
    metrics = train_model(out_dir=tmp_path / "m", seed=0, training_dir=training)
    card = (tmp_path / "m" / "README.md").read_text(encoding="utf-8")
    assert metrics["digest"] in card
    assert f"{metrics['calibration']['ece']:.3f}" in card
    assert load_metrics(tmp_path / "m")["digest"] == metrics["digest"]


def test_the_shipped_model_is_the_one_its_card_and_metrics_describe():
    model = SentenceModel.load(DATA_DIR / MODEL_FILE)
    metrics = load_metrics(MODELS)
    assert model.digest() == metrics["digest"]
    assert metrics["digest"] in (MODELS / "README.md").read_text(encoding="utf-8")
    assert (DATA_DIR / MODEL_FILE).stat().st_size < 30 * 1024 * 1024
    assert model.digest() in load_scorer(use_snownlp=False).version


def test_shipped_probabilities_are_calibrated_out_of_fold():
    calibration = load_metrics(MODELS)["calibration"]
    assert 0 <= calibration["ece"] < 0.05
    for row in calibration["curve"]:
        if row["n"] >= 200:  # a well-filled bin: stated confidence is close to the accuracy it has
            assert abs(row["confidence"] - row["accuracy"]) < 0.1


def test_sentence_probabilities_sum_to_one_and_confidence_is_the_top_class():
    scorer = load_scorer(use_snownlp=False)
    model = scorer.model
    text = "小米集团股价大跌8%。公司将于8月19日公布中期业绩。Xiaomi beat estimates."
    lowered = text.lower()
    spans = [(0, 10), (10, 28), (28, len(text))]
    dense = np.zeros((3, model.dense_weights.shape[0]))
    for prediction in model.predict(model_text(lowered), spans, dense):
        assert sum(prediction.probabilities) == pytest.approx(1.0, abs=1e-3)
        assert prediction.confidence == max(prediction.probabilities)


def test_evidence_spans_lie_inside_their_sentences_on_the_bundled_corpus():
    scorer = load_scorer(use_snownlp=False)
    checked = 0
    for path in sorted(BUNDLED_ARTICLES.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        for sentence in scorer.score_text(text).sentences:
            for start, end, weight in sentence.evidence:
                assert sentence.start <= start < end <= sentence.end
                assert text[start:end].strip()
                assert weight > 0
                checked += 1
    assert checked > 20


def test_a_polar_sentence_label_agrees_with_its_tone_sign():
    scorer = load_scorer(use_snownlp=False)
    for text in ("小米集团股价大跌8%，创下年内最大跌幅", "Xiaomi shares rose 5% after record deliveries"):
        (sentence,) = scorer.score_text(text).sentences
        assert (sentence.label == "positive") == (sentence.tone >= 0.2)
        assert (sentence.label == "negative") == (sentence.tone <= -0.2)


def test_latin_features_match_whole_words_only():
    model = SentenceModel(["rise", "涨"], np.array([[0, 0, 1.0], [0, 0, 1.0]]), np.zeros((6, 3)), np.zeros(3))
    text = model_text("enterprise rise 涨")
    sentence, features, starts = model.matches(text, [(0, len(text))])
    assert sorted(zip(features.tolist(), starts.tolist(), strict=True)) == [(0, 11), (1, 16)]


def test_ngrams_do_not_cross_punctuation_or_digits():
    grams = candidate_ngrams(model_text("营收增长，利润80.5%"))
    assert "长，利" not in grams and "长利" not in grams
    assert "营收增" in grams and "0000%" in grams


def test_a_damaged_model_file_is_one_clear_error(tmp_path):
    bad = tmp_path / "tone.npz"
    bad.write_bytes(b"not a model")
    with pytest.raises(ConfigError, match="not a model written by"):
        SentenceModel.load(bad)
    with pytest.raises(ConfigError, match="missing"):
        SentenceModel.load(tmp_path / "absent.npz")


def test_learned_and_lexicon_scorers_have_different_configurations():
    learned = load_scorer(use_snownlp=False)
    lexicon = load_scorer(use_snownlp=False, scorer="lexicon")
    assert (learned.name, lexicon.name) == ("learned", "lexicon")
    assert learned.config_hash != lexicon.config_hash
    assert lexicon.model is None


@pytest.mark.slow
def test_classify_keeps_its_contract_with_either_scorer(tmp_path):
    line = json.dumps({"id": 7, "text": "小米集团股价大跌8%，创下年内最大跌幅"}, ensure_ascii=False)
    keys = {"id", "tone", "label", "confidence", "relevance", "stance", "frames", "dominant_frame", "snownlp",
            "evidence"}  # fmt: skip
    for scorer in ("learned", "lexicon"):
        out = subprocess.run(
            [sys.executable, "-m", "analysis", "classify", "--no-snownlp", "--scorer", scorer],
            input=line + "\n", capture_output=True, text=True, cwd=REPO, timeout=300, check=True,
        )  # fmt: skip
        result = json.loads(out.stdout)
        assert keys <= set(result)
        assert result["label"] == "negative" and result["id"] == 7


def test_training_with_corrections_learns_the_analysts_sentence_labels(tmp_path):
    from analysis.corrections import correct
    from tests.test_corrections import first_polar, scored_store

    store, (article_id, _) = scored_store(tmp_path)
    target = first_polar(store, article_id)
    correct(store, article_id, "label", "neutral", start=int(target.start), end=int(target.end))
    training = _small_training_dir(tmp_path)
    metrics = train_model(out_dir=tmp_path / "m", seed=0, training_dir=training, corrections=store)
    plain = train_model(out_dir=tmp_path / "p", seed=0, training_dir=training)
    assert metrics["corrections_used"] == 1 and plain["corrections_used"] == 0
    assert metrics["cv_by_source"]["corrections"]["rows"] == 1
    assert metrics["digest"] != plain["digest"]


def test_the_dashboards_retrain_job_learns_the_corrections_then_rescores(tmp_path, monkeypatch):
    import shutil

    from analysis.corrections import correct, status
    from tests.test_corrections import first_polar, scored_store
    from ui.state import ScoringJob

    data = tmp_path / "data"

    def heavy(
        folder: str, names: list[str]
    ) -> set[str]:  # the bundled corpus and training data are not needed
        top = Path(folder) == DATA_DIR
        return {n for n in names if (top and n in ("training", "articles")) or ".duckdb" in n}

    shutil.copytree(DATA_DIR, data, ignore=heavy)
    _small_training_dir(data)
    monkeypatch.setenv("NARRATIVE_DATA_DIR", str(data))
    store, (article_id, _) = scored_store(tmp_path)
    target = first_polar(store, article_id)
    correct(store, article_id, "label", "neutral", start=int(target.start), end=int(target.end))
    assert status(store)["not_learned"] == 1
    before = SentenceModel.load(data / MODEL_FILE).digest()

    job = ScoringJob(db=str(store.path), ticker="1810.HK", force=False, retrain=True)
    job._work()  # what the worker thread runs

    assert job.error is None, job.error
    assert job.trained["corrections_used"] == 1
    assert SentenceModel.load(data / MODEL_FILE).digest() == job.trained["digest"] != before
    assert status(store)["not_learned"] == 0
    assert job.trained["digest"] in job.summary.run.version  # the new model scored the articles


def test_the_tone_words_are_stored_and_come_back_as_evidence_to_highlight(tmp_path):
    from analysis.views.article import read_article
    from tests.test_corrections import scored_store

    store, (article_id, _) = scored_store(tmp_path)
    detail = read_article(store, article_id, ticker="1810.HK")
    marks = detail["tone_evidence"]
    assert len(marks) > 0
    spans = detail["sentences"].set_index("index")
    for mark in marks.itertuples(index=False):
        sentence = spans.loc[mark.sentence_index]
        assert sentence.start <= mark.start < mark.end <= sentence.end
        assert mark.polarity == ("bullish" if sentence.label == "positive" else "bearish")


@pytest.mark.parametrize(
    "prefix, stances",
    [
        ("000", {"bearish"}),
        ("001", {"bearish"}),
        ("002", {"bullish"}),
        ("003", {"bullish"}),
        ("004", {"mixed"}),
    ],
)
def test_the_learned_scorer_reads_the_bundled_articles_stance(prefix, stances):
    from analysis.scoring.textprep import light_prepare

    (path,) = BUNDLED_ARTICLES.glob(f"{prefix}_*.txt")
    text, simplified, language = light_prepare(path.read_text(encoding="utf-8"))
    article = load_scorer(use_snownlp=False).score_article(prefix, text, simplified, language)
    assert article.label in stances
    assert article.dominant_frame in article.frames
    for hit in article.evidence:  # frame evidence, from patterns or from the frame model, inside its sentence
        sentence = article.sentences[hit.sentence_index]
        assert sentence.start <= hit.start < hit.end <= sentence.end
