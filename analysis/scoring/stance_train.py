"""Training the stance model on data/training/articles.csv: real articles labelled bullish, bearish, mixed or
neutral toward the company they are about (see data/training/GUIDELINES.md).

Each article is ingested as a file would be and scored by the freshly trained sentence and frame models; the
stance model learns from its signals (stance.SIGNALS). The article pages are held out of the sentence
training (train.py drops their sentences), so the signals are what the models give on unseen text.
"""

from __future__ import annotations

import csv
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from analysis.errors import InputError
from analysis.scoring.model import SentenceModel
from analysis.scoring.stance import SIGNALS, STANCES, signal_vector
from analysis.scoring.train import ARTICLES_FILE, fit, folds, macro_f1

STANCE_C_GRID = (0.1, 0.3, 1.0, 3.0, 10.0)  # chosen by cross-validated accuracy on the articles themselves
STANCE_FOLDS = 5
MIN_ARTICLES = 40


@dataclass
class StanceArticle:
    file: str
    url: str
    company: str
    stance: str

    @property
    def source(self) -> str:  # folds() stratifies by source and label
        return self.company

    @property
    def label(self) -> str:
        return self.stance


def read_stance_articles(directory: Path, known: Collection[str] | None = None) -> list[StanceArticle]:
    """The rows of articles.csv (none when the file is absent); InputError naming the row when one is bad.

    `known`: the tickers of companies.toml; an article about another company cannot be read toward it.
    """
    path = Path(directory) / ARTICLES_FILE
    if not path.is_file():
        return []
    articles = []
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for number, row in enumerate(csv.DictReader(handle), start=2):
            stance = (row.get("stance") or "").strip()
            if stance not in STANCES:
                raise InputError(f"stance {stance!r} is not one of {STANCES}", path=str(path), row=number)
            company = (row.get("company") or "").strip()
            if known is not None and company not in known:
                raise InputError(
                    f"company {company!r} is not a ticker of companies.toml: add the company there to learn "
                    "its article's stance",
                    path=str(path), row=number, field="company",
                )  # fmt: skip
            if not (Path(directory) / (row.get("file") or "")).is_file():
                raise InputError(f"article file {row.get('file')!r} is missing", path=str(path), row=number)
            articles.append(StanceArticle(row["file"], (row.get("url") or "").strip(), company, stance))
    return articles


def held_out_urls(directory: Path) -> set[str]:
    """The article pages of the stance set: their sentences stay out of the sentence training."""
    return {a.url for a in read_stance_articles(directory) if a.url}


def article_signals(articles: list[StanceArticle], directory: Path, scorers) -> np.ndarray:
    """The stance signals of each article, ingested like a file and scored toward its own company."""
    from analysis.ingest.files import ingest_record

    rows = []
    for article in articles:
        raw = (Path(directory) / article.file).read_text(encoding="utf-8")
        ingested = ingest_record(raw, path=article.file, fmt="txt")
        scorer = scorers(article.company)
        summary = scorer.summary(article.file, ingested.text, ingested.text_simplified, ingested.language)
        rows.append(signal_vector(summary.signals))
    return np.array(rows, dtype=np.float64).reshape(len(articles), len(SIGNALS))


def build_stance_model(articles: list[StanceArticle], signals: np.ndarray, *, seed: int):
    """Choose C by cross-validation, fit on every article; returns (model, metrics)."""
    if len(articles) < MIN_ARTICLES:
        raise InputError(f"{len(articles)} labelled articles: too few to learn the stance from")
    y = np.array([STANCES.index(a.stance) for a in articles])
    fold = folds(articles, STANCE_FOLDS, seed)
    weights = np.ones(len(articles))
    results = {}
    for c in STANCE_C_GRID:
        predicted = np.zeros(len(articles), dtype=np.int64)
        for k in range(STANCE_FOLDS):
            train, test = fold != k, fold == k
            classifier = fit(signals[train], y[train], weights[train], c=c, seed=seed)
            predicted[test] = classifier.classes_[classifier.predict_proba(signals[test]).argmax(axis=1)]
        results[c] = predicted
    best = max(STANCE_C_GRID, key=lambda c: (float((results[c] == y).mean()), -c))
    classifier = fit(signals, y, weights, c=best, seed=seed)
    dense = np.zeros((len(SIGNALS), len(STANCES)))
    dense[:, classifier.classes_] = classifier.coef_.T
    bias = np.full(len(STANCES), -1e3)  # a stance no article has is never chosen
    bias[classifier.classes_] = classifier.intercept_
    model = SentenceModel(
        features=[],
        weights=np.zeros((0, len(STANCES))),
        dense_weights=dense,
        bias=bias,
        classes=STANCES,
        dense_names=SIGNALS,
        quiet="neutral",
        meta={"c": best, "seed": seed, "articles": len(articles)},
    )
    return model, {
        "articles": len(articles),
        "c": best,
        "counts": {s: int((y == i).sum()) for i, s in enumerate(STANCES)},
        "cv": stance_metrics(y, results[best]),
        "cv_by_c": {str(c): round(float((results[c] == y).mean()), 4) for c in STANCE_C_GRID},
    }


def stance_metrics(gold: np.ndarray, predicted: np.ndarray) -> dict:
    """Accuracy over all articles, stance accuracy over the one-sided ones (as the evaluation counts it)."""
    polar = np.isin(gold, [STANCES.index("bullish"), STANCES.index("bearish")])
    return {
        "accuracy": round(float((gold == predicted).mean()), 4),
        "stance_accuracy": round(float((gold[polar] == predicted[polar]).mean()), 4) if polar.any() else 0.0,
        "macro_f1": round(macro_f1(gold, predicted, range(len(STANCES))), 4),
    }
