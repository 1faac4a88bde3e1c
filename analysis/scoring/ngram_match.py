"""Where the features of a learned model occur in a text: every feature once per sentence, with its start.

The features are what training reads (features.candidate_ngrams): CJK characters, pairs and triples, Latin
words and pairs of words one space apart. Each kind is found the way that costs least per article:
single characters through a table over code points, pairs and triples by a vectorised search of their packed
code points (no Python object per position), Latin words through one regex pass
and dictionary look-ups (an automaton over Latin features reports every substring inside every word, most of
them thrown away). Together they find exactly the whole-word and CJK matches of one automaton over all
features.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from analysis.scoring.features import is_latin

_SINGLE_LIMIT = 0xA000  # code points below this (CJK unified ideographs end at U+9FFF) use the lookup table
_BITS = 21  # every code point fits in 21 bits, so three fit in an int64
_LATIN_TOKEN = re.compile(r"[a-z0-9%]+")  # features.py's Latin word
_LATIN_FEATURE = re.compile(r"[a-z0-9%]+( [a-z0-9%]+)?")
_EMPTY = np.zeros(0, dtype=np.int64)


class _KeyTable:
    """Integer keys -> feature index: sorted keys searched for a whole array of keys at once."""

    def __init__(self, keys: Sequence[int], values: Sequence[int]):
        order = np.argsort(np.array(keys, dtype=np.int64), kind="stable")
        self.keys = np.array(keys, dtype=np.int64)[order]
        self.values = np.array(values, dtype=np.int64)[order]

    def lookup(self, keys: np.ndarray) -> np.ndarray:
        """The value of each key (-1 when absent)."""
        if not len(self.keys) or not len(keys):
            return np.full(len(keys), -1, dtype=np.int64)
        at = np.minimum(np.searchsorted(self.keys, keys), len(self.keys) - 1)
        return np.where(self.keys[at] == keys, self.values[at], -1)


@dataclass(frozen=True)
class NgramMatcher:
    """Built once per feature list; `find` gives (sentence, feature, start) of every feature in the spans."""

    single: np.ndarray  # code point -> feature index (-1: none)
    gram_chars: np.ndarray  # code point -> whether any pair or triple holds it
    tables: tuple[_KeyTable, _KeyTable]  # CJK pairs and triples
    latin: dict[str, int]  # Latin word or 'word word' -> feature index
    is_latin: np.ndarray  # whether each feature is Latin (matched as whole words)
    lengths: np.ndarray  # each feature's length in characters

    @classmethod
    def build(cls, features: Sequence[str]) -> NgramMatcher:
        single = np.full(_SINGLE_LIMIT, -1, dtype=np.int64)
        gram_chars = np.zeros(_SINGLE_LIMIT, dtype=bool)
        packed: dict[int, tuple[list[int], list[int]]] = {2: ([], []), 3: ([], [])}
        latin: dict[str, int] = {}
        for index, feature in enumerate(features):
            if is_latin(feature) or " " in feature:
                if not _LATIN_FEATURE.fullmatch(feature):
                    raise ValueError(f"feature {feature!r} is neither a Latin word nor a pair of words")
                latin.setdefault(feature, index)
            elif len(feature) == 1 and ord(feature) < _SINGLE_LIMIT:
                single[ord(feature)] = index
            elif len(feature) in packed:
                codes = [ord(c) for c in feature]
                if max(codes) >= _SINGLE_LIMIT:
                    raise ValueError(
                        f"feature {feature!r}: CJK features are characters below U+{_SINGLE_LIMIT:X}"
                    )
                gram_chars[codes] = True
                key = codes[0]
                for code in codes[1:]:
                    key = (key << _BITS) | code
                packed[len(feature)][0].append(key)
                packed[len(feature)][1].append(index)
            else:
                raise ValueError(
                    f"feature {feature!r}: CJK features are 1 to 3 characters below U+{_SINGLE_LIMIT:X}"
                )
        return cls(
            single=single,
            gram_chars=gram_chars,
            tables=(_KeyTable(*packed[2]), _KeyTable(*packed[3])),
            latin=latin,
            is_latin=np.fromiter((is_latin(f) for f in features), dtype=bool, count=len(features)),
            lengths=np.fromiter((len(f) for f in features), dtype=np.int64, count=len(features)),
        )

    def _latin_matches(self, normalised: str, codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(end, feature) of every Latin word and adjacent word pair that is a feature."""
        word = ((codes >= 97) & (codes <= 122)) | ((codes >= 48) & (codes <= 57)) | (codes == 37)
        if not word.any():
            return _EMPTY, _EMPTY
        padded = np.zeros(len(codes) + 2, dtype=bool)
        padded[1:-1] = word
        change = np.flatnonzero(padded[1:] != padded[:-1])  # alternately a word's start and its end
        begins, ends = change[0::2], change[1::2]
        words = _LATIN_TOKEN.findall(normalised)  # the same runs, in order
        get = self.latin.get
        index = np.array([get(w, -1) for w in words], dtype=np.int64)
        # Pairs: two words one space apart (what training reads as a pair).
        pairs = np.flatnonzero((begins[1:] == ends[:-1] + 1) & (codes[ends[:-1]] == 32)).tolist()
        pair_index = np.array([get(words[i] + " " + words[i + 1], -1) for i in pairs], dtype=np.int64)
        pair_ends = ends[np.array(pairs, dtype=np.int64) + 1]
        single, paired = index >= 0, pair_index >= 0
        return (
            np.concatenate((ends[single], pair_ends[paired])),
            np.concatenate((index[single], pair_index[paired])),
        )

    def find(
        self, normalised: str, spans: list[tuple[int, int]], n_features: int
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(sentence number, feature, start) of every feature found once inside a span, by sentence then feature.

        A feature counts once per sentence (presence), as in training.
        """
        if not spans or not normalised:
            return _EMPTY, _EMPTY, _EMPTY
        codes = np.frombuffer(normalised.encode("utf-32-le"), dtype=np.uint32).astype(np.int64)
        looked_up = np.where(codes < _SINGLE_LIMIT, self.single[np.minimum(codes, _SINGLE_LIMIT - 1)], -1)
        positions = np.flatnonzero(looked_up >= 0)
        all_ends = [positions + 1]
        all_features = [looked_up[positions]]
        # Only where every character is one that some pair or triple holds (most positions of English text
        # and punctuation are not): the search touches the fewest keys.
        usable = self.gram_chars[np.minimum(codes, _SINGLE_LIMIT - 1)] & (codes < _SINGLE_LIMIT)
        for n, table in zip((2, 3), self.tables, strict=True):
            if len(codes) >= n:
                ok = usable[: len(codes) - n + 1].copy()
                for offset in range(1, n):
                    ok &= usable[offset : len(codes) - n + 1 + offset]
                at = np.flatnonzero(ok)
                key = codes[at]
                for offset in range(1, n):
                    key = (key << _BITS) | codes[at + offset]
                found = table.lookup(key)
                hit = found >= 0
                all_ends.append(at[hit] + n)
                all_features.append(found[hit])
        if self.latin:
            latin_ends, latin_features = self._latin_matches(normalised, codes)
            all_ends.append(latin_ends)
            all_features.append(latin_features)
        ends = np.concatenate(all_ends)
        features = np.concatenate(all_features)
        if not len(features):
            return _EMPTY, _EMPTY, _EMPTY
        starts = ends - self.lengths[features]
        span_starts = np.array([s for s, _ in spans], dtype=np.int64)
        span_ends = np.array([e for _, e in spans], dtype=np.int64)
        sentence = np.searchsorted(span_starts, starts, side="right") - 1
        inside = (sentence >= 0) & (ends <= span_ends[np.clip(sentence, 0, None)])
        sentence, features, starts = sentence[inside], features[inside], starts[inside]
        if not len(features):
            return _EMPTY, _EMPTY, _EMPTY
        # Presence, not counts: the first occurrence of a feature in a sentence stands for it. Ordered by
        # sentence (then feature), which is what SentenceModel.logits() sums over.
        key = sentence * n_features + features
        order = np.lexsort((starts, key))
        key, starts = key[order], starts[order]
        first = run_starts(key)
        key = key[first]
        return key // n_features, key % n_features, starts[first]


def run_starts(values: np.ndarray) -> np.ndarray:
    """True where a run of equal values begins (values sorted or grouped); np.r_ is slow on small arrays."""
    starts = np.empty(len(values), dtype=bool)
    if len(values):
        starts[0] = True
        np.not_equal(values[1:], values[:-1], out=starts[1:])
    return starts
