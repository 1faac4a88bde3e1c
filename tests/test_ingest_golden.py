"""Golden tests over the bundled corpus (data/articles): dates, outlets, languages, titles, clean text."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from analysis.models import LANGUAGES, PUBLISHED_BASES, SOURCE_BASES, TITLE_BASES, Article
from tests.conftest import ingest_one

CORPUS = Path(__file__).resolve().parents[1] / "data" / "articles"


pytestmark = pytest.mark.usefixtures("pinned_today")  # dates are checked against a pinned today


def seed(prefix: str) -> Article:
    (path,) = CORPUS.glob(f"{prefix}_*.txt")
    result = ingest_one(path)
    assert [p for p in result.problems if p.fatal] == []
    assert len(result.articles) == 1
    return result.articles[0]


def test_seed_002_front_matter_gives_date_outlet_title() -> None:
    article = seed("002")
    assert article.published == date(2025, 2, 8)
    assert article.published_basis == "front_matter"
    assert article.source == "极客公园"
    assert article.language == "zh-Hans"
    assert article.title == "小米市值突破 1 万亿，造小米 SU7 成了雷军最好的决策"


def test_seed_003_date_is_the_event_reported_as_todays_news() -> None:
    article = seed("003")
    assert article.published == date(2025, 2, 7)
    assert article.published_basis == "event"
    assert article.published_evidence.startswith("2025年2月7日,小米集团股价强势飙升")
    assert "发稿前" in article.published_evidence
    assert article.source == "中国出海半导体网"
    assert article.source_basis == "signature"
    assert article.language == "zh-Hans"
    assert article.title == "市值破万亿!解读小米集团跻身全球百强俱乐部的背后"
    assert article.title_basis == "breadcrumb"


def test_seed_004_header_date_copyright_outlet_and_english() -> None:
    article = seed("004")
    assert article.published == date(2025, 9, 28)
    assert article.published_basis == "header"
    assert article.published_evidence == "Time:2025-09-28"
    assert article.source == "JamThame capital (jt-capital.com.cn)"
    assert article.source_basis == "copyright"
    assert article.language == "en"
    assert article.title == "What happened to Xiaomi?"


def test_seed_001_relative_date_in_the_week_after_last_friday() -> None:
    article = seed("001")
    assert article.published_basis == "relative"
    assert date(2025, 11, 1) <= article.published <= date(2025, 11, 9)
    assert article.published_from <= article.published <= article.published_to <= date(2025, 11, 9)
    assert "上周五" in article.published_evidence
    assert article.source == "汽车人传媒"
    assert article.language == "zh-Hans"
    assert article.title_basis == "derived"
    assert article.title.startswith("这次股价大跌")


def test_seed_000_traditional_inferred_range_never_published() -> None:
    article = seed("000")
    assert article.language == "zh-Hant"
    assert article.published is None
    assert article.published_basis == "inferred"
    start, end = article.published_from, article.published_to
    assert start <= date(2025, 12, 31) and end >= date(2025, 9, 1)  # overlaps 2025-09..2025-12
    midpoint = start + (end - start) / 2
    assert date(2025, 9, 1) <= midpoint <= date(2025, 12, 31)
    assert article.title_basis == "derived"
    assert article.title.startswith("最近的港股市場")


def test_seed_000_pinyin_annotations_are_stripped() -> None:
    article = seed("000")
    for artefact in ("(xiàn)", "(chuàng)", "(shù)", "(jù)", "?shù)", "(guī)", "(yè)", "(fā)"):
        assert artefact not in article.text
    assert "表現堪稱" in article.text
    assert "數據顯示" in article.text
    assert article.raw_text.count("(xiàn)") > 0  # raw text is kept as read


CHROME = {
    "000": ["京公網安備", "11011402013531"],
    "001": [
        "相关车系",
        "推荐",
        "搅动大六座SUV市场",
        "汽车通研社",
        "BigDriver评论",
        "暂无评论",
        "版权声明",
        "未经授权不得转载",
        "文 / 张恒",
    ],
    "002": [
        "直播预告",
        "DeepSeek",
        "2 月 8 日（本周六）",
        "更多阅读",
        "预览时标签不可点",
        "微信扫一扫",
        "轻点两下取消赞",
        "继续滑动看下一个",
        "轻触阅读原文",
        "使用小程序",
        "取消\n允许",
        "mmbiz",
        "![",
        "](",
        "头图来源",
        "图片来源",
        "本文为极客公园原创文章",
        "作者 |",
        "原创\n",
        "**",
        "知道了",
    ],
    "003": [
        "首页 >",
        "芯达茂广告F",
        "相关新闻推荐",
        "登录",
        "注册",
        "{{codeText}}",
        "提交",
        "关 闭",
        "订阅",
        "对比栏",
        "图:小米集团市值破万亿",
    ],
    "004": [
        "Home > MarketWatch",
        "Time:2025-09-28",
        "26256485-q6BCDS.jpg",
        "auth_key",
        "TEL:",
        "18117862238",
        "Email:",
        "Address:",
        "Copyright",
        "粤ICP备",
        "LINKS",
        "All Rights Reserved",
    ],
}
LAST_SENTENCE = {
    "000": "這樣的轉型未免來得太晚了些。",
    "001": "这次股价大跌,可能只是小米信任崩塌的开端,重建信任,比追求销量更困难和迫切。",
    "002": "毕竟，你现在已经很难再把小米看成是一家单纯的消费电子公司了。",
    "003": "正如市场所预期的那样,小米的这一里程碑式成就,将为全球半导体与智能制造领域注入全新活力,开创工业转型升级的新纪元。",
    "004": "If it can be done, the premium is worth it; if something happens repeatedly, the market will reprice "
    "and the stock price may also pull back.",
}


@pytest.mark.parametrize("prefix", sorted(CHROME))
def test_no_chrome_left_and_article_ends_with_its_last_real_sentence(prefix: str) -> None:
    article = seed(prefix)
    for chrome in CHROME[prefix]:
        assert chrome not in article.text, chrome
    assert article.text.rstrip().endswith(LAST_SENTENCE[prefix])


@pytest.mark.parametrize("prefix", sorted(CHROME))
def test_simplified_copy_is_aligned_and_fields_use_known_vocabularies(prefix: str) -> None:
    article = seed(prefix)
    assert len(article.text_simplified) == len(article.text)
    assert [i for i, c in enumerate(article.text) if c == "\n"] == [
        i for i, c in enumerate(article.text_simplified) if c == "\n"
    ]
    assert article.language in LANGUAGES
    assert article.published_basis in PUBLISHED_BASES
    assert article.title_basis in TITLE_BASES
    assert article.source_basis in SOURCE_BASES
    assert len(article.id) == 16 and int(article.id, 16) >= 0
    assert -(2**63) <= article.simhash < 2**63


def test_seed_000_simplified_copy_is_simplified() -> None:
    article = seed("000")
    assert "数据显示" in article.text_simplified
    assert "數據顯示" in article.text


def test_ingesting_a_seed_twice_gives_the_same_id() -> None:
    assert seed("003").id == seed("003").id
    assert len({seed(p).id for p in CHROME}) == len(CHROME)
