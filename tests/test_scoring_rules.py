"""Each linguistic rule of the finance scorer, pinned by its own cases."""

from __future__ import annotations

import pytest

from analysis.scoring import load_scorer


@pytest.fixture(scope="module")
def scorer():
    # The word lists and rules themselves: the lexicon scorer (the learned one reads them as features).
    return load_scorer(use_snownlp=False, scorer="lexicon")


def tone(scorer, text: str) -> float:
    return scorer.score_text(text).tone


def only_sentence(scorer, text: str):
    sentences = scorer.score_text(text).sentences
    assert len(sentences) == 1
    return sentences[0]


# --- negation


def test_negated_plunge_is_not_negative_heavy(scorer):
    assert tone(scorer, "小米股价暴跌") < -0.5
    assert tone(scorer, "小米股价并未暴跌") > -0.2


def test_negating_an_expected_positive_is_negative(scorer):
    assert tone(scorer, "安全气囊如预期般发生作用") > 0
    assert tone(scorer, "但车主表示安全气囊并未如预期般发生作用") <= -0.2


def test_english_negation_flips_a_beat(scorer):
    assert tone(scorer, "Xiaomi beat estimates") > 0.3
    assert tone(scorer, "Xiaomi did not beat estimates") < -0.2
    assert tone(scorer, "Xiaomi failed to rebound") < -0.2


def test_negation_does_not_cross_a_clause_boundary(scorer):
    assert tone(scorer, "小米并未回应，股价大跌") < -0.5


def test_shifter_verb_turns_a_good_word_bad(scorer):
    assert tone(scorer, "这种连锁反应会削弱小米的品牌信誉") < -0.2


# --- degree


def test_degree_words_intensify_and_soften(scorer):
    sharp, plain, slight = (tone(scorer, t) for t in ("小米股价大幅下跌", "小米股价下跌", "小米股价小幅下跌"))
    assert sharp < plain < slight < 0


def test_english_degree_after_the_verb(scorer):
    sharp, plain, slight = (tone(scorer, f"Xiaomi shares fell{d}") for d in (" sharply", "", " slightly"))
    assert sharp < plain < slight < 0


def test_a_stated_small_move_is_nearly_flat(scorer):
    assert abs(tone(scorer, "小米股价下跌0.1%")) < abs(tone(scorer, "小米股价下跌5%"))


def test_quantity_word_before_a_number_is_not_sentiment(scorer):
    assert tone(scorer, "小米当日成交额不足1亿元") == 0.0
    assert tone(scorer, "小米资金不足") < 0


# --- contrast


def test_clause_after_but_wins_in_chinese(scorer):
    assert tone(scorer, "虽然行业竞争激烈，但小米汽车订单大增") > 0.5
    assert tone(scorer, "虽然小米汽车订单大增，但行业竞争激烈") < tone(
        scorer, "虽然行业竞争激烈，但小米汽车订单大增"
    )


def test_clause_after_but_wins_in_english(scorer):
    assert tone(scorer, "Xiaomi revenue rose, but the shares plunged") < -0.3
    assert tone(scorer, "Xiaomi shares plunged, but revenue rose") > 0.2


def test_despite_concession_loses(scorer):
    assert tone(scorer, "尽管雷军积极回应相关事件，但小米集团的股价仍表现糟糕") < -0.3


def test_still_at_sentence_start_marks_the_winning_clause(scorer):
    assert tone(scorer, "Still, Xiaomi's shares have rebounded since April") > 0.3


# --- hedges, questions, quotes


def test_hedge_softens_but_keeps_direction(scorer):
    hedged, stated = tone(scorer, "小米股价可能下跌"), tone(scorer, "小米股价下跌")
    assert stated < hedged < 0
    assert tone(scorer, "Xiaomi shares fell") < tone(scorer, "Xiaomi shares may fall") < 0


def test_question_softens(scorer):
    assert tone(scorer, "小米股价下跌") < tone(scorer, "小米股价会下跌吗？") < 0


def test_attributed_quotation_weighs_less_than_the_writer(scorer):
    quoted = tone(scorer, "雷军表示：“小米汽车订单大增，我们非常有信心。”")
    plain = tone(scorer, "小米汽车订单大增，我们非常有信心。")
    assert 0 < quoted < plain


# --- script and language


@pytest.mark.parametrize(
    ("traditional", "simplified"),
    [
        ("小米集團股價今早急升", "小米集团股价今早急升"),
        (
            "儘管雷軍積極回應相關事件,但小米集團的股價仍令表現糟糕",
            "尽管雷军积极回应相关事件,但小米集团的股价仍令表现糟糕",
        ),
        ("該行將小米目標價由65元大降超過兩成至50元", "该行将小米目标价由65元大降超过两成至50元"),
        ("小米汽車即日起召回２０２４年２月６日至２０２５年８月", "小米汽车即日起召回2024年2月6日至2025年8月"),
    ],
)
def test_traditional_script_reads_like_simplified(scorer, traditional, simplified):
    trad, simp = scorer.score_text(traditional), scorer.score_text(simplified)
    assert trad.tone == pytest.approx(simp.tone)
    assert trad.frames == simp.frames
    assert trad.tone != 0


def test_english_finance_words(scorer):
    assert tone(scorer, "Xiaomi shares plunge in their worst week in over three years") < -0.5
    assert tone(scorer, "Adjusted net profit jumped 64.5% year-on-year to 10.7 billion yuan") > 0.3


# --- neutral statements


@pytest.mark.parametrize(
    "text",
    [
        "Xiaomi's EV business generated 18.1 billion yuan in revenue during the first quarter, delivering 75,869 "
        "SU7 sedans.",
        "配售股份占小米现有已发行股本约3.2%,认购完成后将占扩大后股本约3.1%",
        "小米智能手机出货量为4330万台",
    ],
)
def test_numbers_only_statement_is_neutral(scorer, text):
    assert scorer.score_text(text).sentences[0].label == "neutral"


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        ("By Che Pan and Brenda Goh", "byline"),
        ("电车Daily 2025-09-19 10:55", "dateline"),
        ("来源:香港商报    2025-04-03 11:26", "boilerplate"),
        ("责任编辑:liangfang", "boilerplate"),
        ("#收入 #外销 #万辆 #汽车 #小米", "hashtags"),
        ("◤日本旅遊必買清單◢", "ornament"),
        ("声明:内容取材于网络,仅代表作者观点,如有内容违规问题,请联系处理。", "boilerplate"),
    ],
)
def test_page_chrome_is_neutral_and_irrelevant(scorer, line, kind):
    text = "小米集团股价大涨，市值突破万亿港元，创下历史新高，投资者信心大增。\n" + line
    last = scorer.score_text(text).sentences[-1]
    assert last.text == line.strip()
    assert (last.tone, last.relevance, last.label, last.frames) == (0.0, 0.0, "neutral", ())


def test_end_marker_makes_the_rest_of_the_page_chrome(scorer):
    text = "小米集团股价大涨，市值突破万亿港元，创下历史新高，投资者信心大增。\n相关阅读\n小鹏召回4.7万辆汽车，股价暴跌"
    sentences = scorer.score_text(text).sentences
    assert sentences[-1].relevance == 0.0 and sentences[-1].tone == 0.0
    assert scorer.score_text(text).tone > 0


def test_section_header_keeps_its_frame_but_not_its_tone(scorer):
    text = (
        "2025年10月，小米集团股价已累计下跌20%，市值蒸发超过2800亿港元，创下上市以来的最大单月损失。\n"
        "资金链风险\n对小米而言，可谓是成也营销败也营销。"
    )
    header = scorer.score_text(text).sentences[1]
    assert header.text == "资金链风险"
    assert header.tone == 0.0
    assert header.frames == ("cash_flow_risk",)


# --- relevance


def test_sentence_about_another_company_weighs_little(scorer):
    other = only_sentence(scorer, "盈富基金股价暴跌，市值蒸发百亿")
    own = only_sentence(scorer, "小米股价暴跌，市值蒸发百亿")
    assert other.relevance < 0.5 <= own.relevance == 1.0
    assert abs(other.tone) < 0.5 * abs(own.tone)


def test_other_company_news_barely_moves_the_article(scorer):
    text = "小米集团第三季度营收同比增长22%，净利润大增，远超市场预期。\n特斯拉股价暴跌，市值蒸发，投资者信心崩塌。"
    article = scorer.score_text(text)
    assert article.tone > 0.3
    assert article.label == "bullish"


def test_unnamed_sentence_in_a_company_article_weighs_partially(scorer):
    text = "小米集团公布第三季度业绩。\n利好消息一波接着一波。"
    sentences = scorer.score_text(text).sentences
    assert sentences[0].relevance == 1.0
    assert 0.3 < sentences[1].relevance < 1.0
    assert sentences[1].label == "positive"


def test_research_house_as_source_does_not_make_the_sentence_about_another_firm(scorer):
    text = "Xiaomi's revenue was 111.3 billion yuan, beating the average estimate compiled by LSEG."
    sentence = only_sentence(scorer, text)
    assert sentence.relevance == 1.0
    assert sentence.label == "positive"


# --- stop-list


def test_misleading_lexicon_words_are_stop_listed(scorer):
    # '能手' hides in 智能手机, '高速' in 高速公路, '安全' in 安全气囊: none of them is good news.
    assert tone(scorer, "小米智能手机在高速公路上测试安全气囊") == 0.0
    assert tone(scorer, "小米股价与市值") == 0.0
