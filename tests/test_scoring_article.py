"""Article scores: the bundled corpus reads the way a careful reader would, with evidence; snownlp on the side."""

from __future__ import annotations

import pytest

from analysis import DATA_DIR
from analysis.models import ArticleScore
from analysis.scoring import load_scorer
from analysis.scoring.textprep import light_prepare

CORPUS = DATA_DIR / "articles"
EXPECTED = {
    "000": ({"bearish"}, ["信任危機", "浮虧"]),
    "001": ({"bearish"}, ["信任崩塌", "退订", "市值蒸发"]),
    "002": ({"bullish"}, ["市值突破", "历史新高"]),
    "003": ({"bullish"}, ["市值破", "市值突破", "同比增长"]),
    "004": ({"mixed", "bearish"}, ["recall", "fatal"]),
}


@pytest.fixture(scope="module")
def scorer():
    # The patterns and rules themselves: the lexicon scorer (the learned one reads them as features).
    return load_scorer(use_snownlp=False, scorer="lexicon")


def score_corpus_file(scorer, prefix: str) -> tuple[str, ArticleScore]:
    path = next(CORPUS.glob(f"{prefix}_*.txt"))
    text, simplified, language = light_prepare(path.read_text(encoding="utf-8"))
    return text, scorer.score_article(prefix, text, simplified, language)


@pytest.mark.parametrize("prefix", sorted(EXPECTED))
def test_bundled_article_label_is_explained_by_its_evidence(scorer, prefix):
    labels, phrases = EXPECTED[prefix]
    text, article = score_corpus_file(scorer, prefix)
    assert article.label in labels
    evidence = [text[h.start : h.end] for h in article.evidence if not h.negated]
    for phrase in phrases:
        assert any(phrase in piece for piece in evidence), (phrase, evidence[:20])


@pytest.mark.parametrize("prefix", sorted(EXPECTED))
def test_article_score_fields_are_consistent(scorer, prefix):
    text, article = score_corpus_file(scorer, prefix)
    assert -1 <= article.tone <= 1 and 0 <= article.confidence <= 1 and 0 <= article.relevance <= 1
    assert article.label in ("bullish", "bearish", "mixed", "neutral")
    assert article.dominant_frame in article.frames
    for sentence in article.sentences:
        assert text[sentence.start : sentence.end] == sentence.text
        assert sentence.label in ("positive", "negative", "neutral")
        assert -1 <= sentence.tone <= 1 and 0 <= sentence.relevance <= 1 and 0 <= sentence.confidence <= 1
    for hit in article.evidence:
        sentence = article.sentences[hit.sentence_index]
        assert sentence.start <= hit.start < hit.end <= sentence.end


def test_bearish_article_has_more_bear_than_bull_frames(scorer):
    _, article = score_corpus_file(scorer, "001")
    assert article.bear_intensity > article.bull_intensity
    assert article.framing_balance < 0


def test_text_without_any_evidence_is_neutral(scorer):
    article = scorer.score_text("小米集团于2025年3月25日在港交所发布公告。")
    assert (article.label, article.tone, article.frames, article.dominant_frame) == ("neutral", 0.0, (), None)


def test_article_that_never_names_the_company_has_low_relevance(scorer):
    assert scorer.score_text("特斯拉股价大涨，市值创历史新高。").relevance < 0.5
    assert scorer.score_text("小米股价大涨，市值创历史新高。").relevance == 1.0


def test_snownlp_off_gives_no_snownlp_values(scorer):
    article = scorer.score_text("小米股价大涨，市值创历史新高。")
    assert article.snownlp is None
    assert all(s.snownlp is None for s in article.sentences)


def test_snownlp_is_a_side_signal_on_relevant_chinese_sentences_only():
    with_snow = load_scorer(use_snownlp=True)
    article = with_snow.score_text("小米股价大涨。\n盈富基金沽空金额38.51亿元。")
    about_xiaomi, about_fund = article.sentences
    assert 0 <= about_xiaomi.snownlp <= 1
    assert about_fund.snownlp is None  # only about another firm
    assert article.snownlp == about_xiaomi.snownlp
    assert with_snow.score_text("Xiaomi shares jumped.").snownlp is None  # English: not its language
    # The finance tone never comes from snownlp: same tone with and without it.
    assert (
        article.tone
        == load_scorer(use_snownlp=False).score_text("小米股价大涨。\n盈富基金沽空金额38.51亿元。").tone
    )


def test_snownlp_answers_are_cached_by_sentence():
    signal = load_scorer(use_snownlp=True).snownlp
    first = signal("小米股价今天大涨了百分之五")
    misses = signal.misses
    assert signal("小米股价今天大涨了百分之五") == first
    assert signal.misses == misses
