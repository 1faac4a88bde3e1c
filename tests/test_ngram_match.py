"""The learned models' feature matcher finds exactly what reading every substring of every sentence finds."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.errors import ConfigError
from analysis.scoring.features import candidate_ngrams, model_text
from analysis.scoring.model import SentenceModel
from analysis.scoring.ngram_match import NgramMatcher

# Features of every kind the trainer produces: CJK characters, pairs, triples; Latin words and word pairs
# (some sharing prefixes with each other, so substring accidents are possible).
FEATURES = ["涨", "跌", "小米", "米汽", "汽车", "小米汽", "交付量", "创新高", "a", "an", "and", "ann", "net loss",
            "loss", "loss contracted", "up 00%", "00%", "0", "su0", "recall", "recalls"]  # fmt: skip
# Text as words and characters (whole or cut) joined by separators, so pairs, prefixes and substrings occur.
_PIECES = ["涨", "跌", "小米", "汽车", "交付量", "创新高", "小", "a", "an", "and", "ann", "net", "loss", "nets",
           "contracted", "recall", "recalls", "up", "12%", "5", "su7", "su"]  # fmt: skip
_SEPARATORS = ["", " ", " ", "  ", "，", ".", "\n"]


def _reference(
    features: list[str], normalised: str, spans: list[tuple[int, int]]
) -> set[tuple[int, str, int]]:
    """Every feature at every position of each span, Latin ones bounded by non-word characters, first start."""
    word = set("abcdefghijklmnopqrstuvwxyz0123456789%")
    found: dict[tuple[int, str], int] = {}
    for number, (lo, hi) in enumerate(spans):
        for start in range(lo, hi):
            for feature in features:
                end = start + len(feature)
                if end > hi or normalised[start:end] != feature:
                    continue
                if feature[0] in word and (
                    (start > 0 and normalised[start - 1] in word)
                    or (end < len(normalised) and normalised[end] in word)
                ):
                    continue
                found.setdefault((number, feature), start)
    return {(number, feature, start) for (number, feature), start in found.items()}


def _found(features: list[str], normalised: str, spans: list[tuple[int, int]]) -> set[tuple[int, str, int]]:
    sentence, feature, start = NgramMatcher.build(features).find(normalised, spans, len(features))
    return {(int(n), features[int(f)], int(s)) for n, f, s in zip(sentence, feature, start, strict=True)}


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.tuples(st.sampled_from(_PIECES), st.sampled_from(_SEPARATORS)), max_size=20),
    st.lists(st.integers(0, 80), max_size=6),
)
def test_the_matcher_finds_exactly_the_whole_word_and_cjk_occurrences(pieces, cuts):
    normalised = model_text("".join(piece + separator for piece, separator in pieces))
    bounds = sorted({0, len(normalised), *(c for c in cuts if c <= len(normalised))})
    spans = [(a, b) for a, b in zip(bounds, bounds[1:], strict=False) if b > a]
    features = [f for f in FEATURES if f == model_text(f)]
    assert _found(features, normalised, spans) == _reference(features, normalised, spans)


def test_a_feature_counts_once_per_sentence_at_its_first_occurrence():
    text = model_text("小米涨，小米涨。小米")
    assert _found(["小米", "涨"], text, [(0, 4), (4, 10)]) == {
        (0, "小米", 0), (0, "涨", 2), (1, "小米", 4), (1, "涨", 6),
    }  # fmt: skip


def test_latin_pairs_need_exactly_one_space_between_the_words():
    assert _found(["net loss"], "net loss", [(0, 8)]) == {(0, "net loss", 0)}
    assert _found(["net loss"], "net  loss", [(0, 9)]) == set()
    assert _found(["net loss"], "nets loss", [(0, 9)]) == set()


def test_every_feature_the_trainer_reads_is_one_the_matcher_finds():
    text = model_text("小米SU7交付量创新高，net loss contracted 12.5% to RMB 3 bn".lower())
    features = sorted(candidate_ngrams(text))
    (sentence, feature, _) = NgramMatcher.build(features).find(text, [(0, len(text))], len(features))
    assert {features[int(f)] for f in feature} == set(features)


def test_a_model_with_a_feature_of_no_known_kind_is_one_clear_error():
    model = SentenceModel(["负面情绪"], [[0.0, 0.0, 1.0]], [[0.0] * 3] * 6, [0.0] * 3)
    with pytest.raises(ConfigError, match="负面情绪"):
        model.matches("负面情绪", [(0, 4)])
