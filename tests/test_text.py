"""The shared text tools: one language detector, one aligned t2s conversion, one date vocabulary."""

from __future__ import annotations

import re

import pytest

from analysis.text import date_words as dw
from analysis.text import detect_language, matching_copy, to_simplified


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("這是小米", "zh-Hant"),  # one traditional-only character and nothing simplified-only: traditional
        ("这是小米", "zh-Hans"),
        ("小米", "zh-Hans"),  # characters shared by both scripts read as simplified
        ("小米SU7 Ultra交付破万 Xiaomi shares rise 3% on HKEX 1810.HK", "zh-Hans"),  # mixed headline
        ("小米集團股價上漲，SU7 Ultra 訂單破萬", "zh-Hant"),
        ("Xiaomi shares rose 3% after the SU7 launch", "en"),
        ("Xiaomi's Lei Jun (雷军) said the company would keep investing in cars and chips this year", "en"),
        ("", "en"),
    ],
)
def test_one_detector_decides_script_and_language(text: str, language: str) -> None:
    assert detect_language(text) == language
    assert detect_language(text, to_simplified(text)) == language


def test_the_scorer_and_ingest_use_the_same_detector() -> None:
    from analysis.ingest import record
    from analysis.scoring import scorer, textprep

    assert record.detect_language is scorer.detect_language is textprep.detect_language is detect_language


def test_simplified_copies_keep_every_offset() -> None:
    text = "小米集團股價表現\n乾隆皇帝 ＳＵ７\ud800"
    assert to_simplified(text)[:8] == "小米集团股价表现"
    assert len(to_simplified(text)) == len(text)
    assert len(matching_copy(text)) == len(text)
    assert matching_copy("ＳＵ７　小米")[:4] == "SU7 "


def test_month_names_are_whole_words() -> None:
    pattern = re.compile(rf"\b{dw.MONTH_NAME}\b", re.I)
    assert [m.group(0) for m in pattern.finditer("Sept 5, March 3, the market fell, may be")] == [
        "Sept",
        "March",
        "may",
    ]
    assert dw.month_number("Sept.") == 9 and dw.month_number("MAY") == 5


def test_relative_words_name_days_back() -> None:
    assert dw.DAYS_BACK["昨日"] == 1 and dw.DAYS_BACK["前天"] == 2 and dw.WEEKDAY_NUMERALS["天"] == 6


def test_a_sentence_with_a_month_like_word_is_not_a_dateline() -> None:
    from analysis.scoring.sentences import _shape_chrome

    assert _shape_chrome("Shares declined 5%", "shares declined 5%", True) is None
    assert _shape_chrome("Oct 17", "oct 17", True) == "dateline"
