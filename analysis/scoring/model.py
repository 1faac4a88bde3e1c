"""The learned sentence models (tone, frame): calibrated linear models over sentence n-grams and rule features.

Why linear: it trains in minutes on a CPU, scores through one vectorised n-gram pass per article, ships in a
few MB, and every decision decomposes into the spans of the n-grams that carried it (the evidence).
"""

from __future__ import annotations

import hashlib
import io
import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from analysis.errors import ConfigError
from analysis.scoring.features import DENSE_NAMES
from analysis.scoring.ngram_match import NgramMatcher, run_starts

CLASSES = ("negative", "neutral", "positive")
MODEL_FILE = "models/tone.npz"
FRAME_MODEL_FILE = "models/frames.npz"
EVIDENCE_PER_SENTENCE = 4
EVIDENCE_MIN = 0.05  # contributions below this explain nothing


def assign_frame(
    probabilities: np.ndarray, classes: list[str], threshold: float, quiet: str = "none"
) -> np.ndarray:
    """The frame per row: the most probable real frame when it reaches the threshold, else `quiet` (none)."""
    none = classes.index(quiet)
    best = probabilities.copy()
    best[:, none] = -1.0
    chosen = best.argmax(axis=1)
    return np.where(best.max(axis=1) >= threshold, chosen, none)


@dataclass(frozen=True)
class SentencePrediction:
    """One sentence's calibrated class probabilities and the spans (in the text) that carried the label."""

    probabilities: tuple[float, float, float]  # negative, neutral, positive
    label: str
    evidence: tuple[tuple[int, int, float], ...] = ()  # (start, end, contribution toward the label)

    @property
    def tone(self) -> float:
        """P(positive) - P(negative), kept on the side of the label (|tone| >= 0.2 exactly when polar)."""
        negative, _, positive = self.probabilities
        tone = positive - negative
        if self.label == "positive":
            return max(tone, 0.2)
        if self.label == "negative":
            return min(tone, -0.2)
        return max(-0.19, min(0.19, tone))

    @property
    def confidence(self) -> float:
        return max(self.probabilities)


@dataclass
class SentenceModel:
    """Weights over n-gram features (F x K) and dense features (D x K), a bias and a softmax temperature.

    K classes: the tone model's negative / neutral / positive, or the frame model's none and frames. `quiet`
    is the class that needs no evidence (neutral, none).
    """

    features: list[str]
    weights: np.ndarray
    dense_weights: np.ndarray
    bias: np.ndarray
    temperature: float = 1.0
    meta: dict = field(default_factory=dict)
    classes: tuple[str, ...] = CLASSES
    dense_names: tuple[str, ...] = DENSE_NAMES
    quiet: str = "neutral"
    _matcher: NgramMatcher | None = field(default=None, repr=False)
    _row_mean: np.ndarray | None = field(default=None, repr=False)
    _used: np.ndarray | None = field(default=None, repr=False)  # features with weight, when few are

    # -- matching ---------------------------------------------------------------------------------
    def _ready(self) -> NgramMatcher:
        if self._matcher is None:
            try:
                self._matcher = NgramMatcher.build(self.features)
            except ValueError as error:
                raise ConfigError(f"model {self.meta.get('kind', 'tone')}: {error}") from None
        return self._matcher

    def matches(
        self, normalised: str, spans: list[tuple[int, int]]
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(sentence number, feature, start) of every feature found once inside a span; Latin ones whole words."""
        return self._ready().find(normalised, spans, len(self.features))

    # -- prediction -------------------------------------------------------------------------------
    def logits(self, sentence: np.ndarray, features: np.ndarray, dense: np.ndarray, n: int) -> np.ndarray:
        """Uncalibrated class scores of n sentences."""
        # einsum's own loop, not BLAS: with a handful of dense features a matrix product gains nothing from
        # BLAS threads, whose spinning made a long article's CPU time grow faster than its length.
        scores = np.einsum("nd,dk->nk", dense, self.dense_weights) + self.bias
        if len(features):
            # Matches come ordered by sentence (matches()): each sentence's weights summed in one pass.
            if (sentence[1:] < sentence[:-1]).any():
                order = np.argsort(sentence, kind="stable")
                sentence, features = sentence[order], features[order]
            first = np.flatnonzero(run_starts(sentence))
            scores[sentence[first]] += np.add.reduceat(self.weights[features], first, axis=0)
        return scores

    def predict(
        self,
        normalised: str,
        spans: list[tuple[int, int]],
        dense: np.ndarray,
        *,
        found: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
    ) -> list[SentencePrediction]:
        """Calibrated probabilities, label and evidence spans for each span of the normalised text."""
        probabilities, labels, evidence = self.classify(normalised, spans, dense, found=found)
        rounded = np.round(probabilities, 4).tolist()
        return [
            SentencePrediction((p[0], p[1], p[2]), self.classes[label], spans_of)
            for p, label, spans_of in zip(rounded, labels.tolist(), evidence, strict=True)
        ]

    def classify(
        self,
        normalised: str,
        spans: list[tuple[int, int]],
        dense: np.ndarray,
        *,
        choose: Callable[[np.ndarray], np.ndarray] | None = None,
        found: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
        evidence_limit: int = EVIDENCE_PER_SENTENCE,
    ) -> tuple[np.ndarray, np.ndarray, list[tuple[tuple[int, int, float], ...]]]:
        """(probabilities n x K, chosen class per span, evidence spans per span); `choose` replaces the argmax.

        `found`: this text's matches() when already computed (models sharing one feature list, see share_features).
        """
        n = len(spans)
        if n == 0:
            return np.zeros((0, len(self.classes))), np.zeros(0, dtype=np.int64), []
        sentence, features, starts = found if found is not None else self.matches(normalised, spans)
        matcher = self._ready()
        if self._used is None:
            used = (self.weights != 0).any(axis=1)
            self._used = used if used.mean() < 0.5 else np.zeros(0, dtype=bool)
        if len(self._used):  # a model over a shared feature list that uses few of them: zero rows add nothing
            keep = self._used[features]
            sentence, features, starts = sentence[keep], features[keep], starts[keep]
        probabilities = self.probabilities(self.logits(sentence, features, dense, n))
        labels = choose(probabilities) if choose is not None else probabilities.argmax(axis=1)
        # Evidence: the n-grams pushing hardest toward the chosen class against the others (not for `quiet`).
        if self._row_mean is None:
            self._row_mean = self.weights.mean(axis=1)
        # Only sentences with a label that needs evidence, and only words and phrases: a single character
        # ('跌', '下') says too little to show as the reason.
        labelled = (labels[sentence] != self.classes.index(self.quiet)) & (
            (matcher.lengths[features] > 1) | matcher.is_latin[features]
        )
        candidates = np.flatnonzero(labelled)
        contribution = np.zeros(len(features))
        contribution[candidates] = (
            self.weights[features[candidates], labels[sentence[candidates]]]
            - self._row_mean[features[candidates]]
        )
        candidates = candidates[contribution[candidates] > EVIDENCE_MIN]
        # Co-occurring n-grams get equal weights: of equals, the longer is the clearer evidence.
        order = np.lexsort(
            (-matcher.lengths[features[candidates]], -contribution[candidates], sentence[candidates])
        )
        candidates = candidates[order]
        per_sentence: list[tuple[tuple[int, int, float], ...]] = [()] * n
        if not len(candidates):
            return probabilities, labels, per_sentence
        grouped = sentence[candidates]
        begins_group = run_starts(grouped)
        starts_of_group = np.flatnonzero(begins_group)
        # Plain lists: the greedy pick below is sequential, and numpy scalars are slow to index one by one.
        rows = grouped[starts_of_group].tolist()
        bounds = np.append(starts_of_group, len(grouped)).tolist()
        begins = starts[candidates].tolist()
        ends = (starts[candidates] + matcher.lengths[features[candidates]]).tolist()
        weights = contribution[candidates].tolist()
        for row, first, last in zip(rows, bounds, bounds[1:], strict=False):
            chosen: list[tuple[int, int, float]] = []
            # Strongest first, the best few only; of overlapping n-grams the stronger.
            for i in range(first, min(last, first + 3 * evidence_limit)):
                start, end = begins[i], ends[i]
                for a, b, _ in chosen:
                    if a < end and start < b:
                        break
                else:
                    chosen.append((start, end, round(weights[i], 3)))
                    if len(chosen) == evidence_limit:
                        break
            per_sentence[row] = tuple(sorted(chosen))
        return probabilities, labels, per_sentence

    def probabilities(self, logits: np.ndarray) -> np.ndarray:
        scaled = logits / self.temperature
        scaled -= scaled.max(axis=1, keepdims=True)
        exp = np.exp(scaled)
        return exp / exp.sum(axis=1, keepdims=True)

    # -- files ------------------------------------------------------------------------------------
    def digest(self) -> str:
        """A hash of what the model computes (features, weights, temperature): its version."""
        h = hashlib.sha256()
        h.update("\n".join(self.features).encode("utf-8"))
        h.update("\n".join((*self.classes, "|", *self.dense_names, "|", self.quiet)).encode("utf-8"))
        for array in (self.weights, self.dense_weights, self.bias):
            h.update(np.ascontiguousarray(array, dtype=np.float32).tobytes())
        h.update(repr(round(float(self.temperature), 6)).encode())
        return h.hexdigest()[:16]

    def save(self, path: Path) -> None:
        """Write the model as one .npz (deterministic bytes for the same model)."""
        meta = dict(self.meta, digest=self.digest(), classes=list(self.classes), dense=list(self.dense_names),
                    quiet=self.quiet)  # fmt: skip
        buffer = io.BytesIO()
        np.savez_compressed(
            buffer,
            features=np.frombuffer("\n".join(self.features).encode("utf-8"), dtype=np.uint8),
            weights=self.weights.astype(np.float32),
            dense_weights=self.dense_weights.astype(np.float32),
            bias=self.bias.astype(np.float32),
            temperature=np.array([self.temperature], dtype=np.float64),
            meta=np.frombuffer(json.dumps(meta, sort_keys=True, ensure_ascii=False).encode(), dtype=np.uint8),
        )
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(path.name + ".partial")
        partial.write_bytes(buffer.getvalue())
        os.replace(partial, path)  # a scorer loading the model never sees half a file

    @classmethod
    def load(cls, path: Path) -> SentenceModel:
        """Read a model written by save(); ConfigError naming the file when it is missing or damaged."""
        try:
            with np.load(path, allow_pickle=False) as data:
                listed = bytes(data["features"]).decode("utf-8")
                features = listed.split("\n") if listed else []  # a model of dense inputs alone has none
                meta = json.loads(bytes(data["meta"]).decode("utf-8"))
                model = cls(
                    features=features,
                    weights=data["weights"].astype(np.float64),
                    dense_weights=data["dense_weights"].astype(np.float64),
                    bias=data["bias"].astype(np.float64),
                    temperature=float(data["temperature"][0]),
                    meta=meta,
                    classes=tuple(meta.get("classes", CLASSES)),
                    dense_names=tuple(meta.get("dense", DENSE_NAMES)),
                    quiet=str(meta.get("quiet", "neutral")),
                )
        except FileNotFoundError:
            raise ConfigError(
                f"{path}: the model is missing (rebuild the models with `narrative train`)"
            ) from None
        except (OSError, KeyError, ValueError) as exc:
            raise ConfigError(f"{path}: not a model written by `narrative train` ({exc})") from None
        k = len(model.classes)
        if model.weights.shape != (len(features), k) or model.bias.shape != (k,):
            raise ConfigError(f"{path}: weights do not match the feature list")
        if model.dense_weights.shape != (len(model.dense_names), k) or model.quiet not in model.classes:
            raise ConfigError(f"{path}: dense weights do not match the model's features")
        return model


def share_features(*models: SentenceModel) -> tuple[SentenceModel, ...]:
    """The same models over one feature list (the union), so one pass over a text serves all of them.

    Each keeps its weights (zero rows for the n-grams it does not use); their predictions are unchanged.
    """
    union = sorted({f for m in models for f in m.features})
    position = {f: i for i, f in enumerate(union)}
    shared = []
    for model in models:
        weights = np.zeros((len(union), len(model.classes)))
        weights[[position[f] for f in model.features]] = model.weights
        shared.append(
            SentenceModel(
                union,
                weights,
                model.dense_weights,
                model.bias,
                model.temperature,
                model.meta,
                model.classes,
                model.dense_names,
                model.quiet,
            )  # fmt: skip
        )
    matcher = shared[0]._ready()
    for other in shared[1:]:
        other._matcher = matcher
    return tuple(shared)
