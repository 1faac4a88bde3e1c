"""Frame evidence: patterns of data/frames.toml, negation-aware, with spans in the displayed text."""

from __future__ import annotations

import tomllib

import pytest

from analysis import DATA_DIR
from analysis.scoring import load_scorer

EVAL_FRAMES = {
    "bullish": {
        "market_cap_milestone",
        "growth_momentum",
        "product_success",
        "ecosystem_synergy",
        "tech_leadership",
        "capital_inflow",
    },
    "bearish": {
        "safety_accident",
        "recall_quality",
        "false_marketing",
        "trust_crisis",
        "order_cancellation",
        "cash_flow_risk",
        "valuation_reset",
    },
    "context": {"founder_ip", "regulation", "market_context"},
}


@pytest.fixture(scope="module")
def scorer():
    # The patterns and rules themselves: the lexicon scorer (the learned one reads them as features).
    return load_scorer(use_snownlp=False, scorer="lexicon")


def test_frames_toml_configures_the_eval_vocabulary_with_its_polarities():
    frames = tomllib.loads((DATA_DIR / "frames.toml").read_text(encoding="utf-8"))["frames"]
    configured = {}
    for name, table in frames.items():
        configured.setdefault(table["polarity"], set()).add(name)
    assert configured == EVAL_FRAMES


def test_negated_pattern_is_kept_as_evidence_without_weight(scorer):
    article = scorer.score_text("小米股价并未暴跌")
    hits = [h for h in article.evidence if h.frame == "valuation_reset"]
    assert hits and all(h.negated for h in hits)
    assert "valuation_reset" not in article.frames
    assert article.bear_intensity == 0.0


def test_same_pattern_without_negation_counts(scorer):
    article = scorer.score_text("小米股价暴跌")
    assert article.frames[0] == "valuation_reset"
    assert not article.evidence[0].negated


def test_evidence_span_points_at_the_pattern_in_the_displayed_traditional_text(scorer):
    text = "小米市值突破萬億港元，創下歷史新高"
    article = scorer.score_text(text)
    spans = {(h.frame, text[h.start : h.end]) for h in article.evidence}
    assert ("market_cap_milestone", "市值突破") in spans
    assert ("market_cap_milestone", "歷史新高") in spans
    for hit in article.evidence:
        assert hit.sentence_index == 0
        assert 0 <= hit.start < hit.end <= len(text)


def test_evidence_spans_index_into_the_article_text_across_sentences(scorer):
    text = "小米发布财报。\nXiaomi announced a recall of 116,887 cars after a fatal crash."
    article = scorer.score_text(text)
    by_frame = {h.frame: h for h in article.evidence}
    assert text[by_frame["recall_quality"].start : by_frame["recall_quality"].end] == "recall"
    assert text[by_frame["safety_accident"].start : by_frame["safety_accident"].end] in {"fatal", "crash"}
    assert {h.sentence_index for h in article.evidence} == {1}


def test_two_part_pattern_needs_both_parts_in_order(scorer):
    assert "valuation_reset" in scorer.score_text("花旗将小米目标价由65元下降至50元").frames
    assert "valuation_reset" not in scorer.score_text("小米股价下降后，花旗讨论目标价").frames


def test_two_part_pattern_parts_must_be_near_each_other(scorer):
    far = "花旗将小米目标价" + "，".join(["其余业务表现平稳"] * 4) + "，股价下降"
    assert "valuation_reset" not in scorer.score_text(far).frames


def test_topic_word_inside_another_pattern_is_not_evidence(scorer):
    # '创新' (innovation, a weak tech pattern) inside '创新高' (a new high) is not a claim of innovation.
    assert "tech_leadership" not in scorer.score_text("小米手机出货量再创新高").frames


def test_ignored_text_is_never_evidence(scorer):
    # '创新业务' is Xiaomi's segment name, not a claim of innovation.
    assert "tech_leadership" not in scorer.score_text("小米智能电动汽车等创新业务收入290亿元").frames


def test_bullish_frame_in_a_negative_sentence_does_not_count(scorer):
    article = scorer.score_text("The company's new EV orders have fallen sharply following a fatal crash")
    assert "product_success" not in article.frames
    assert "order_cancellation" in article.frames


def test_specific_frame_wins_over_a_topic_word(scorer):
    # '雷军' only names the founder (weak); a buyback is capital inflow.
    assert scorer.score_text("雷军宣布小米将回购股份").frames[0] == "capital_inflow"
    assert scorer.score_text("雷军出席了活动").frames == ("founder_ip",)


def test_article_framing_balance_and_dominant_frame(scorer):
    text = "小米市值突破万亿港元，创下历史新高。\n小米汽车召回3万辆。"
    article = scorer.score_text(text)
    assert article.bull_intensity > 0 and article.bear_intensity > 0
    expected = (article.bull_intensity - article.bear_intensity) / (
        article.bull_intensity + article.bear_intensity
    )
    assert article.framing_balance == pytest.approx(expected, abs=1e-3)
    assert article.dominant_frame == "market_cap_milestone"
    assert article.frames[0] == article.dominant_frame
