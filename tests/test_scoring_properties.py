"""Properties of the scorer over arbitrary text: it never crashes and its numbers stay in range."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis.scoring import load_scorer
from analysis.text import aligned_lower, matching_copy, to_simplified

SCORER = load_scorer(use_snownlp=False)

# Text that exercises the rules: finance words, negators, contrast and hedge markers, names,
# traditional characters, punctuation and line breaks, mixed with arbitrary Unicode.
PIECES = st.sampled_from(
    [
        "小米",
        "股價",
        "股价",
        "大跌",
        "暴跌",
        "并未",
        "並未",
        "不",
        "但",
        "虽然",
        "可能",
        "？",
        "，",
        "。",
        "\n",
        "市值突破",
        "万亿",
        "召回",
        "事故",
        "信任危机",
        "Xiaomi",
        " shares ",
        "plunged",
        " not ",
        " but ",
        "beat",
        "sharply",
        "%",
        "0.1",
        "特斯拉",
        "“",
        "”",
        "表示",
        "#",
        "By Che Pan",
        "2025-09-19 10:55",
        "声明:",
    ]
)
TEXT = st.lists(st.one_of(PIECES, st.text(max_size=12)), max_size=40).map("".join)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXT)
def test_tone_and_scores_stay_in_range_for_any_text(text):
    article = SCORER.score_text(text)
    assert -1.0 <= article.tone <= 1.0
    assert 0.0 <= article.confidence <= 1.0 and 0.0 <= article.relevance <= 1.0
    assert -1.0 <= article.framing_balance <= 1.0
    assert article.label in ("bullish", "bearish", "mixed", "neutral")
    for sentence in article.sentences:
        assert -1.0 <= sentence.tone <= 1.0
        assert text[sentence.start : sentence.end] == sentence.text
        assert sentence.label in ("positive", "negative", "neutral")
    for hit in article.evidence:
        assert 0 <= hit.start < hit.end <= len(text)


@given(st.text(max_size=200))
def test_matching_copies_keep_every_character_position(text):
    assert len(to_simplified(text)) == len(text)
    assert len(matching_copy(text)) == len(text)
    assert len(aligned_lower(text)) == len(text)


def test_text_without_sentence_punctuation_is_cut_into_bounded_sentences():
    text = "小米股价大跌，但是市场可能反弹" * 2000
    article = SCORER.score_text(text)
    assert all(s.end - s.start <= 600 for s in article.sentences)
    assert "".join(s.text for s in article.sentences) == text.replace(" ", "")
