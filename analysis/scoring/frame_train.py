"""Training the frame model: which story a sentence tells, learned from the hand-labelled rows' frames.

The patterns of data/frames.toml stay in as features (each frame's strongest pattern hit), so the model learns
when a pattern is evidence and when it is a coincidence, and finds frames that no pattern names.
"""

from __future__ import annotations

import csv
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy import sparse

from analysis.errors import InputError
from analysis.scoring.features import model_text
from analysis.scoring.frames import FrameMatcher, strongest_by_frame
from analysis.scoring.model import SentenceModel, assign_frame
from analysis.scoring.train import CV_FOLDS, fit, folds, ngram_matrix, text_key, vocabulary
from analysis.text import aligned_lower, matching_copy

NO_FRAME = "none"
FRAME_C = 1.0
# A sentence gets the model's best frame when its probability reaches a threshold, chosen by cross-validation
# on the hand-labelled rows: the lowest (most recall) whose precision on gold-framed rows stays at or above
# FRAME_MIN_PRECISION (the product's aim: recall >= 0.65 at precision >= 0.75, with a margin).
FRAME_THRESHOLDS = (0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.5)
FRAME_MIN_PRECISION = 0.76
FRAME_PRUNE_BELOW = 0.15


@dataclass
class FrameRow:
    text: str
    frame: str
    source: str
    id: str

    @property
    def label(self) -> str:  # folds() stratifies by source and label
        return self.frame


def read_frame_rows(
    directory: Path, frame_names: list[str], held_out: Collection[str] = ()
) -> list[FrameRow]:
    """Rows of the training files that carry a `frame` column (the hand-labelled ones), each sentence once.

    Rows from a page in `held_out` (the stance set's articles) are left out.
    """
    rows, seen = [], set()
    for path in sorted(Path(directory).glob("*.csv")):
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            if "frame" not in (reader.fieldnames or []):
                continue
            for row in reader:
                frame = (row.get("frame") or NO_FRAME).strip() or NO_FRAME
                key = text_key(row["text"])
                if frame not in frame_names and frame != NO_FRAME or key in seen:
                    continue
                if (row.get("url") or "").strip() in held_out:
                    continue
                seen.add(key)
                rows.append(FrameRow(row["text"].strip(), frame, row["source"], row["id"]))
    return rows


def pattern_strengths(matcher: FrameMatcher, lowered: str, frame_names: list[str]) -> list[float]:
    """Each frame's strongest pattern hit in the text (0 when none): the patterns as features."""
    return strongest_by_frame([matcher.hits(matcher.find(lowered))], frame_names)[0].tolist()


def frame_inputs(rows: list[FrameRow], matcher: FrameMatcher, frame_names: list[str]):
    """Normalised texts and pattern features of the rows, as the scorer computes them."""
    normalised, dense = [], []
    for row in rows:
        lowered = aligned_lower(matching_copy(row.text))
        normalised.append(model_text(lowered))
        dense.append(pattern_strengths(matcher, lowered, frame_names))
    return normalised, np.array(dense, dtype=np.float64).reshape(len(rows), len(frame_names))


def frame_metrics(gold: np.ndarray, predicted: np.ndarray, none: int) -> dict:
    """Recall over gold-framed rows; precision over rows given a frame (and over gold-framed rows given one)."""
    framed, given = gold != none, predicted != none
    correct = (predicted == gold) & framed
    return {
        "gold_framed": int(framed.sum()),
        "predicted": int(given.sum()),
        "recall": round(float(correct.sum() / max(1, framed.sum())), 4),
        "precision": round(float(correct.sum() / max(1, given.sum())), 4),
        "precision_on_framed": round(float(correct.sum() / max(1, (framed & given).sum())), 4),
    }


def build_frame_model(rows: list[FrameRow], matcher: FrameMatcher, frame_names: list[str], *, seed: int):
    """Cross-validate and fit the frame model; returns (model, metrics with the patterns' own figures)."""
    classes = [NO_FRAME, *frame_names]
    if len(rows) < CV_FOLDS * 4 or len({r.frame for r in rows}) < 2:
        raise InputError(f"{len(rows)} rows with a frame label: too few to learn frames from")
    y = np.array([classes.index(r.frame) for r in rows])
    normalised, dense = frame_inputs(rows, matcher, frame_names)
    features = vocabulary(normalised)
    blank = SentenceModel(features, np.zeros((len(features), len(classes))), np.zeros((dense.shape[1], len(classes))),
                      np.zeros(len(classes)), classes=tuple(classes), dense_names=tuple(frame_names))  # fmt: skip
    x = sparse.hstack([ngram_matrix(blank, normalised), sparse.csr_matrix(dense)]).tocsr()
    weights = np.ones(len(rows))

    fold = folds(rows, CV_FOLDS, seed)
    oof = np.zeros((len(rows), len(classes)))
    for k in range(CV_FOLDS):
        train, test = fold != k, fold == k
        classifier = fit(x[train], y[train], weights[train], c=FRAME_C, seed=seed)
        oof[test] = _full_proba(classifier, x[test], len(classes))
    none = classes.index(NO_FRAME)
    by_threshold = {t: frame_metrics(y, assign_frame(oof, classes, t), none) for t in FRAME_THRESHOLDS}
    precise = [t for t in FRAME_THRESHOLDS if by_threshold[t]["precision_on_framed"] >= FRAME_MIN_PRECISION]
    threshold = min(precise) if precise else max(FRAME_THRESHOLDS)
    patterns_only = np.where(dense.max(axis=1) > 0, dense.argmax(axis=1) + 1, none)

    classifier = fit(x, y, weights, c=FRAME_C, seed=seed)
    coef = np.zeros((x.shape[1], len(classes)))
    coef[:, classifier.classes_] = classifier.coef_.T
    bias = np.full(len(classes), -1e3)  # a class no training row has is never chosen
    bias[classifier.classes_] = classifier.intercept_
    ngram_weights, dense_weights = coef[: len(features)], coef[len(features) :]
    spread = np.abs(ngram_weights - ngram_weights.mean(axis=1, keepdims=True)).max(axis=1)
    keep = spread >= FRAME_PRUNE_BELOW
    model = SentenceModel(
        features=[f for f, k in zip(features, keep, strict=True) if k],
        weights=ngram_weights[keep],
        dense_weights=dense_weights,
        bias=bias,
        classes=tuple(classes),
        dense_names=tuple(frame_names),
        quiet=NO_FRAME,
        meta={"threshold": threshold, "seed": seed, "c": FRAME_C, "rows": len(rows)},
    )
    metrics = {
        "rows": len(rows),
        "features": len(model.features),
        "threshold": threshold,
        "cv_model": by_threshold[threshold],
        "cv_by_threshold": {str(t): m for t, m in by_threshold.items()},
        "cv_patterns": frame_metrics(y, patterns_only, none),
        "frames": {c: int((y == i).sum()) for i, c in enumerate(classes)},
    }
    return model, metrics


def _full_proba(classifier, x, n_classes: int) -> np.ndarray:
    """predict_proba over every class, zero for classes a fold's training rows did not have."""
    out = np.zeros((x.shape[0], n_classes))
    out[:, classifier.classes_] = classifier.predict_proba(x)
    return out
