"""The article stance model: learned from labelled articles, decides the label, reproducible, held-out pages."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import numpy as np
import pytest

from analysis import DATA_DIR
from analysis.errors import InputError
from analysis.models import SentenceScore
from analysis.scoring import load_scorer
from analysis.scoring.aggregate import ScoredSentence, aggregate, summarise
from analysis.scoring.model import SentenceModel
from analysis.scoring.stance import SIGNALS, STANCE_MODEL_FILE, STANCES
from analysis.scoring.stance_train import read_stance_articles
from analysis.scoring.train import read_training
from analysis.scoring.training_run import load_metrics, train_model

TRAINING = DATA_DIR / "training"
MODELS = DATA_DIR / "models"


def _sentence(index: int, tone: float, relevance: float = 1.0) -> ScoredSentence:
    label = "positive" if tone >= 0.2 else "negative" if tone <= -0.2 else "neutral"
    return ScoredSentence(
        SentenceScore(index, index * 10, index * 10 + 9, "x" * 9, tone, label, 0.8, relevance)
    )


def _always(stance: str) -> SentenceModel:
    """A stance model that ignores the signals and says `stance`."""
    bias = np.full(len(STANCES), -5.0)
    bias[STANCES.index(stance)] = 5.0
    return SentenceModel([], np.zeros((0, len(STANCES))), np.zeros((len(SIGNALS), len(STANCES))), bias,
                         classes=STANCES, dense_names=SIGNALS, quiet="neutral")  # fmt: skip


def test_the_stance_model_decides_the_label_and_the_rules_decide_without_one():
    sentences = [_sentence(0, 0.8), _sentence(1, 0.7), _sentence(2, 0.6)]
    assert aggregate("a", sentences).label == "bullish"
    assert aggregate("a", sentences, _always("mixed")).label == "mixed"
    assert summarise(sentences).rule_label == "bullish"


def test_an_article_without_any_evidence_stays_neutral_whatever_the_stance_model_says():
    sentences = [_sentence(0, 0.0), _sentence(1, 0.0)]
    assert aggregate("a", sentences, _always("bearish")).label == "neutral"


def test_the_stance_signals_read_the_headline_and_the_share_of_leaning_sentences():
    signals = summarise([_sentence(0, -0.9), _sentence(1, 0.5), _sentence(2, 0.0)]).signals
    assert signals["lead_tone"] == -0.9
    assert abs(signals["positive_share"] - 1 / 3) < 1e-9 and abs(signals["negative_share"] - 1 / 3) < 1e-9
    assert set(signals) == set(SIGNALS)


def test_a_stance_model_without_ngram_features_survives_save_and_load(tmp_path):
    model = _always("bearish")
    model.save(tmp_path / "stance.npz")
    loaded = SentenceModel.load(tmp_path / "stance.npz")
    assert loaded.features == [] and loaded.digest() == model.digest()


def test_the_stance_articles_pages_are_held_out_of_the_sentence_training():
    held_out = {a.url for a in read_stance_articles(TRAINING)}
    every = read_training(TRAINING)
    kept = read_training(TRAINING, held_out=held_out)
    urls = set()
    for path in TRAINING.glob("pages*.csv"):
        with path.open(encoding="utf-8") as handle:
            urls |= {r["url"] for r in csv.DictReader(handle) if r["url"] in held_out}
    assert urls, "no stance article shares a page with the sentence files: nothing to hold out"
    assert len(kept) < len(every)


def _small_training_dir(tmp_path: Path, n_articles: int = 60) -> Path:
    """A few sentence rows per class and the first articles of the stance set (enough for 5-fold CV)."""
    out = tmp_path / "training"
    (out / "articles").mkdir(parents=True)
    for name in ("pages.csv", "sentfin.csv"):
        with (TRAINING / name).open(encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
        picked = [r for label in ("negative", "neutral", "positive") for r in
                  [x for x in rows if x["label"] == label][:30]]  # fmt: skip
        with (out / name).open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(picked)
    with (TRAINING / "articles.csv").open(encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        articles = list(reader)[:n_articles]
        fields = reader.fieldnames
    with (out / "articles.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(fields or []))
        writer.writeheader()
        writer.writerows(articles)
    for row in articles:
        shutil.copy(TRAINING / row["file"], out / row["file"])
    return out


def test_training_the_stance_model_twice_gives_the_same_model_and_its_card_quotes_it(tmp_path):
    training = _small_training_dir(tmp_path)
    first = train_model(out_dir=tmp_path / "a", seed=1, training_dir=training)
    second = train_model(out_dir=tmp_path / "b", seed=1, training_dir=training)
    stance_file = Path(STANCE_MODEL_FILE).name
    assert (tmp_path / "a" / stance_file).read_bytes() == (tmp_path / "b" / stance_file).read_bytes()
    assert first["stance_digest"] == second["stance_digest"]
    assert first["stance"]["articles"] == 60
    assert first["stance_digest"] in (tmp_path / "a" / "README.md").read_text(encoding="utf-8")


def test_training_without_a_stance_set_leaves_no_stale_stance_model(tmp_path):
    training = _small_training_dir(tmp_path)
    train_model(out_dir=tmp_path / "m", seed=0, training_dir=training)
    (training / "articles.csv").unlink()
    metrics = train_model(out_dir=tmp_path / "m", seed=0, training_dir=training)
    assert "stance" not in metrics
    assert not (tmp_path / "m" / Path(STANCE_MODEL_FILE).name).exists()


def test_the_shipped_stance_model_is_in_the_scorer_and_beats_the_rules_it_replaced():
    metrics = load_metrics(MODELS)
    model = SentenceModel.load(DATA_DIR / STANCE_MODEL_FILE)
    assert model.digest() == metrics["stance_digest"]
    assert model.digest()[:8] in load_scorer(use_snownlp=False).version
    cv, rules = metrics["stance"]["cv"], metrics["stance"]["rules"]
    assert cv["stance_accuracy"] > rules["stance_accuracy"] and cv["accuracy"] > rules["accuracy"]


def test_a_stance_model_trained_on_other_signals_is_refused_in_one_line(tmp_path):
    from analysis.errors import ConfigError
    from analysis.scoring.scorer import build

    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data, ignore=shutil.ignore_patterns("training", "eval", "*.duckdb*"))
    old = SentenceModel([], np.zeros((0, 4)), np.zeros((2, 4)), np.zeros(4), classes=STANCES,
                        dense_names=("bull", "bear"), quiet="neutral")  # fmt: skip
    old.save(data / STANCE_MODEL_FILE)
    try:
        build(data, ticker="1810.HK", use_snownlp=False, lm_csv=None)
    except ConfigError as exc:
        assert "narrative train" in str(exc)
    else:
        raise AssertionError("a stance model over other signals was loaded")


def test_a_stance_article_about_a_company_not_in_companies_toml_is_refused_by_row(tmp_path):
    (tmp_path / "a.txt").write_text("联想集团业绩大增。", encoding="utf-8")
    (tmp_path / "articles.csv").write_text(
        "file,url,company,stance\na.txt,https://example.com/a,0992.HK,bullish\nb.txt,,NOPE.HK,bearish\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError, match=r"articles\.csv:3 \[company\].*'NOPE\.HK'"):
        read_stance_articles(tmp_path, known={"1810.HK", "0992.HK"})
