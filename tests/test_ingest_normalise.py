"""Normalisation: NFKC with Chinese punctuation kept, converter pinyin stripped, hard wraps, aligned t2s."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.ingest.normalise import (
    join_hard_wraps,
    nfkc,
    normalise_text,
    strip_pinyin_annotations,
)
from analysis.text import script_counts, to_simplified


def test_full_width_digits_and_letters_become_ascii_but_chinese_punctuation_stays() -> None:
    assert nfkc("２０２４年ＳＵ７，（中央社）：ａｂｃ！") == "2024年SU7，（中央社）：abc！"
    assert nfkc("７﹒５﹒８") == "7.5.8"
    assert nfkc("全\u3000角") == "全 角"


def test_pinyin_after_a_traditional_character_is_stripped() -> None:
    assert strip_pinyin_annotations("股價表現(xiàn)堪稱") == "股價表現堪稱"
    assert strip_pinyin_annotations("創(chuàng)始人與數(shù)據(jù)") == "創始人與數據"
    assert strip_pinyin_annotations("嚴謹?shù)暮弦?guī)意識") == "嚴謹暮弦意識"


def test_brackets_that_are_not_converter_pinyin_are_kept() -> None:
    for text in (
        "小米(SU7)交付",
        "小米(de)",
        "Xiaomi (xiàn) rose",
        "小米(01810.HK)",
        "利基市场（即「利基」）",
    ):
        assert strip_pinyin_annotations(text) == text


def test_hard_wrapped_lines_are_joined_inside_paragraphs_only() -> None:
    wrapped = [
        "《經濟通通訊社19日專訊》小米汽車即日起召回2024年2月6日至2025年8月",
        "",
        "30日生產的部分SU7標準版電動汽車，共計116887輛。而就在兩天前的17日，工信",
        "",
        "部就《智能網聯汽車組合駕駛輔助系統安全要求》強制性國家標準公開徵求意",
        "",
        "見。",
        "",
        "",
        "",
        "今年3月底，一輛小米SU7標準版在安徽銅陵一高速公路發生嚴重交通事故，造成3",
        "",
        "人死亡。",
    ]
    joined = [line for line in join_hard_wraps(wrapped) if line]
    assert joined == [
        "《經濟通通訊社19日專訊》小米汽車即日起召回2024年2月6日至2025年8月30日生產的部分SU7標準版電動汽車，"
        "共計116887輛。而就在兩天前的17日，工信部就《智能網聯汽車組合駕駛輔助系統安全要求》強制性國家標準公開徵求意見。",
        "今年3月底，一輛小米SU7標準版在安徽銅陵一高速公路發生嚴重交通事故，造成3人死亡。",
    ]


def test_ordinary_paragraphs_are_not_joined() -> None:
    lines = ["资金链风险", "对小米而言,可谓是成也营销败也营销。", "信任危机", "这很大程度上源于小米的策略。"]
    assert join_hard_wraps(lines) == lines


def test_english_hard_wraps_join_with_a_space() -> None:
    lines = [
        "Xiaomi reported a 47.4% annual jump in first-quarter revenue on",
        "Tuesday as the company doubled down on making electric vehicles and",
        "phones, beating the average of analyst estimates compiled by the",
        "data provider LSEG.",
    ]
    assert join_hard_wraps(lines) == [" ".join(lines)]


def test_simplified_copy_keeps_length_when_phrase_conversion_would_change_it() -> None:
    text = "小米集團股價表現堪稱慘烈,數據顯示"
    assert to_simplified(text) == "小米集团股价表现堪称惨烈,数据显示"
    assert len(to_simplified(text)) == len(text)


def test_script_counts_tell_traditional_from_simplified() -> None:
    _, trad, simp = script_counts("小米集團股價表現")
    assert trad > simp
    _, trad, simp = script_counts("小米集团股价表现")
    assert simp > trad


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_normalisation_is_idempotent(text: str) -> None:
    once = normalise_text(text)
    assert normalise_text(once) == once


@settings(max_examples=200, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from(list("表現創數據嚴謹(xiàn)?shùguī) \n。，ＡＢ１２３后來發髮乾")),
        max_size=200,
    )
)
def test_normalisation_is_idempotent_on_chinese_and_annotations(text: str) -> None:
    once = normalise_text(text)
    assert normalise_text(once) == once


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_simplified_copy_has_the_same_length_as_the_text(text: str) -> None:
    assert len(to_simplified(text)) == len(text)


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF), max_size=300))
def test_simplified_copy_of_han_text_has_the_same_length(text: str) -> None:
    assert len(to_simplified(text)) == len(text)
