"""The learned sentence models (tone, frame): calibrated linear models over sentence n-grams and rule features.

Why linear: it trains in minutes on a CPU, scores through one Aho-Corasick pass per article, ships in a
few MB, and every decision decomposes into the spans of the n-grams that carried it (the evidence).
"""

from __future__ import annotations

import hashlib
import io
import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path

import ahocorasick_rs
import numpy as np

from analysis.errors import ConfigError
from analysis.scoring.features import DENSE_NAMES, is_latin, word_boundaries

CLASSES = ("negative", "neutral", "positive")
MODEL_FILE = "models/tone.npz"
FRAME_MODEL_FILE = "models/frames.npz"
EVIDENCE_PER_SENTENCE = 4
_SINGLE_LIMIT = 0xA000  # code points below this (CJK unified ideographs end at U+9FFF) use the lookup table
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


@dataclass(frozen=True)
class _Matcher:
    """What matching needs, built once per feature list: lookup tables by length, automaton, per-feature facts."""

    single: np.ndarray  # code point -> feature index (-1: none)
    # CJK pairs and triples as sorted keys of their code points (21 bits each) and the feature of each key:
    # one vectorised search over the text's code points finds them all, no per-match Python object.
    keys: tuple[tuple[np.ndarray, np.ndarray], ...]  # (sorted keys, feature index) for lengths 2 and 3
    automaton: ahocorasick_rs.AhoCorasick | None  # every other feature (Latin words and word pairs) ...
    automaton_features: np.ndarray  # ... and the feature index of each of its patterns
    latin: np.ndarray  # whether each feature is Latin (matched as whole words)
    lengths: np.ndarray  # each feature's length in characters


_BITS = 21  # every code point fits in 21 bits, so three fit in an int64


def _keys(codes: np.ndarray, n: int) -> np.ndarray:
    """The key of the n characters starting at each position (positions with fewer left are dropped)."""
    key = codes[: len(codes) - n + 1].copy()
    for offset in range(1, n):
        key = (key << _BITS) | codes[offset : len(codes) - n + 1 + offset]
    return key


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
    _matcher: _Matcher | None = field(default=None, repr=False)
    _row_mean: np.ndarray | None = field(default=None, repr=False)

    # -- matching ---------------------------------------------------------------------------------
    def _ready(self) -> _Matcher:
        if self._matcher is not None:
            return self._matcher
        # Single CJK characters are looked up in a table over the text's code points, pairs and triples by
        # their keys (numpy steps); the automaton finds the rest. Together they find exactly what one
        # automaton over all features would.
        single = np.full(_SINGLE_LIMIT, -1, dtype=np.int64)
        by_length: dict[int, tuple[list[int], list[int]]] = {2: ([], []), 3: ([], [])}
        other: list[tuple[str, int]] = []
        for index, feature in enumerate(self.features):
            if is_latin(feature) or " " in feature:
                other.append((feature, index))
            elif len(feature) == 1 and ord(feature) < _SINGLE_LIMIT:
                single[ord(feature)] = index
            elif len(feature) in by_length:
                codes = np.array([ord(c) for c in feature], dtype=np.int64)
                by_length[len(feature)][0].append(int(_keys(codes, len(feature))[0]))
                by_length[len(feature)][1].append(index)
            else:
                other.append((feature, index))
        keys = []
        for n in (2, 3):
            values, indexes = (np.array(v, dtype=np.int64) for v in by_length[n])
            order = np.argsort(values, kind="stable")
            keys.append((values[order], indexes[order]))
        automaton = (
            ahocorasick_rs.AhoCorasick([f for f, _ in other], matchkind=ahocorasick_rs.MatchKind.Standard)
            if other
            else None
        )
        self._matcher = _Matcher(
            single=single,
            keys=tuple(keys),
            automaton=automaton,
            automaton_features=np.array([i for _, i in other], dtype=np.int64),
            latin=np.fromiter((is_latin(f) for f in self.features), dtype=bool, count=len(self.features)),
            lengths=np.fromiter((len(f) for f in self.features), dtype=np.int64, count=len(self.features)),
        )
        return self._matcher

    def matches(
        self, normalised: str, spans: list[tuple[int, int]]
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(sentence number, feature, start) of every feature found once inside a span; Latin ones whole words.

        A feature counts once per sentence (presence), as in training.
        """
        matcher = self._ready()
        empty = np.zeros(0, dtype=np.int64)
        if not spans or not normalised:
            return empty, empty, empty
        # (end, feature) pairs flattened straight into one array: far cheaper than a list of tuples.
        found = (
            matcher.automaton.find_matches_as_indexes(normalised, overlapping=True)
            if matcher.automaton is not None
            else []
        )
        # (pattern, start, end) flattened straight into one array: far cheaper than np.array over tuples.
        triples = np.fromiter(chain.from_iterable(found), dtype=np.int64, count=3 * len(found)).reshape(-1, 3)
        codes = np.frombuffer(normalised.encode("utf-32-le"), dtype=np.uint32).astype(np.int64)
        looked_up = np.where(codes < _SINGLE_LIMIT, matcher.single[np.minimum(codes, _SINGLE_LIMIT - 1)], -1)
        positions = np.flatnonzero(looked_up >= 0)
        all_ends = [triples[:, 2], positions + 1]
        all_features = [matcher.automaton_features[triples[:, 0]], looked_up[positions]]
        for n, (keys, indexes) in zip((2, 3), matcher.keys, strict=True):
            if len(keys) and len(codes) >= n:
                key = _keys(codes, n)
                at = np.minimum(np.searchsorted(keys, key), len(keys) - 1)
                hit = np.flatnonzero(keys[at] == key)
                all_ends.append(hit + n)
                all_features.append(indexes[at[hit]])
        ends = np.concatenate(all_ends)
        features = np.concatenate(all_features)
        if not len(features):
            return empty, empty, empty
        starts = ends - matcher.lengths[features]
        latin = matcher.latin[features]
        if latin.any():
            word = word_boundaries(normalised)  # index i + 1 is position i
            whole = ~word[starts] & ~word[ends + 1]
            keep = ~latin | whole
            starts, ends, features = starts[keep], ends[keep], features[keep]
        span_starts = np.array([s for s, _ in spans], dtype=np.int64)
        span_ends = np.array([e for _, e in spans], dtype=np.int64)
        sentence = np.searchsorted(span_starts, starts, side="right") - 1
        inside = (sentence >= 0) & (ends <= span_ends[np.clip(sentence, 0, None)])
        sentence, features, starts = sentence[inside], features[inside], starts[inside]
        if not len(features):
            return empty, empty, empty
        # Presence, not counts: the first occurrence of a feature in a sentence stands for it. Ordered by
        # sentence (then feature), which is what logits() sums over.
        key = sentence * len(self.features) + features
        order = np.lexsort((starts, key))
        key, starts = key[order], starts[order]
        first = np.r_[True, key[1:] != key[:-1]]
        key = key[first]
        return key // len(self.features), key % len(self.features), starts[first]

    # -- prediction -------------------------------------------------------------------------------
    def logits(self, sentence: np.ndarray, features: np.ndarray, dense: np.ndarray, n: int) -> np.ndarray:
        """Uncalibrated class scores of n sentences."""
        scores = np.tile(self.bias, (n, 1)) + dense @ self.dense_weights
        if len(features):
            # Matches come ordered by sentence (matches()): each sentence's weights summed in one pass.
            order = np.argsort(sentence, kind="stable")
            sentence, features = sentence[order], features[order]
            first = np.flatnonzero(np.r_[True, sentence[1:] != sentence[:-1]])
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
        probabilities = self.probabilities(self.logits(sentence, features, dense, n))
        labels = choose(probabilities) if choose is not None else probabilities.argmax(axis=1)
        # Evidence: the n-grams pushing hardest toward the chosen class against the others (not for `quiet`).
        if self._row_mean is None:
            self._row_mean = self.weights.mean(axis=1)
        # Only sentences with a label that needs evidence, and only words and phrases: a single character
        # ('跌', '下') says too little to show as the reason.
        labelled = (labels[sentence] != self.classes.index(self.quiet)) & (
            (matcher.lengths[features] > 1) | matcher.latin[features]
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
        if len(candidates):  # the strongest few per sentence are all the loop below can use
            grouped = sentence[candidates]
            starts_of_group = np.flatnonzero(np.r_[True, grouped[1:] != grouped[:-1]])
            rank = np.arange(len(grouped)) - np.repeat(
                starts_of_group, np.diff(np.r_[starts_of_group, len(grouped)])
            )
            candidates = candidates[rank < 3 * evidence_limit]
        per_sentence: list[list[tuple[int, int, float]]] = [[] for _ in range(n)]
        for i in candidates:
            chosen = per_sentence[int(sentence[i])]
            if len(chosen) >= evidence_limit:
                continue
            start = int(starts[i])
            end = start + int(matcher.lengths[features[i]])
            if not any(a < end and start < b for a, b, _ in chosen):  # overlapping n-grams: the stronger
                chosen.append((start, end, round(float(contribution[i]), 3)))
        return probabilities, labels, [tuple(sorted(chosen)) for chosen in per_sentence]

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
