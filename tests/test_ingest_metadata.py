"""Title, outlet and language, each with how it is known."""

from __future__ import annotations

import pytest

from analysis.ingest import ingest_record
from analysis.ingest.metadata import derive_title, headline_like, url_domain
from analysis.text import detect_language

pytestmark = pytest.mark.usefixtures("pinned_today")  # dates are checked against a pinned today


LEAD = "小米集团股价今日大幅波动,市场对其汽车业务的前景看法不一,分析师认为仍需观察交付数据。"


def test_markdown_heading_is_the_title() -> None:
    article = ingest_record(f"# 小米市值突破万亿港元\n\n{LEAD}", path="a.md", fmt="md")
    assert (article.title, article.title_basis) == ("小米市值突破万亿港元", "heading")


def test_breadcrumb_last_item_is_the_title_when_it_is_a_headline() -> None:
    text = (
        f"首页 > 全部资讯 > 行业新闻 > 市值破万亿!解读小米集团跻身全球百强俱乐部的背后\n芯达茂广告F\n\n{LEAD}"
    )
    article = ingest_record(text, path="a.txt", fmt="txt")
    assert (article.title, article.title_basis) == (
        "市值破万亿!解读小米集团跻身全球百强俱乐部的背后",
        "breadcrumb",
    )


def test_headline_right_after_a_category_breadcrumb() -> None:
    text = "Home > MarketWatch > Industry News\nWhat happened to Xiaomi?\nTime:2025-09-28\n\nXiaomi shares fell 2% today."
    article = ingest_record(text, path="a.txt", fmt="txt")
    assert (article.title, article.title_basis) == ("What happened to Xiaomi?", "headline")
    assert article.text.startswith("What happened to Xiaomi?")


def test_headline_above_a_dateline_and_the_slogans_above_it_are_dropped() -> None:
    text = f"移動版\n在這裏認識香港\n\n小米股價今日再大跌超4%\n來源:香港商報    2025-04-03 11:26\n\n{LEAD}"
    article = ingest_record(text, path="a.txt", fmt="txt")
    assert (article.title, article.title_basis) == ("小米股價今日再大跌超4%", "headline")
    assert "移動版" not in article.text and "在這裏認識香港" not in article.text


def test_derived_title_from_the_lead_when_the_page_has_none() -> None:
    article = ingest_record(LEAD + "\n" + LEAD, path="a.txt", fmt="txt")
    assert article.title_basis == "derived"
    assert article.title == "小米集团股价今日大幅波动,市场对其汽车业务的前景看法不一…"
    assert len(article.title) <= 41


def test_derived_english_title_is_cut_to_twelve_words() -> None:
    lead = (
        "Xiaomi Corp targets a total delivery of 120,000 electric vehicles in 2024, up from the initial goal."
    )
    assert derive_title(lead) == "Xiaomi Corp targets a total delivery of 120,000 electric vehicles in 2024…"


def test_headline_shape() -> None:
    assert headline_like("What happened to Xiaomi?")
    assert headline_like("突发!智驾存安全隐患,小米召回116887辆SU7标准版!")
    assert not headline_like("最近的港股市場,小米集團的股價表現堪稱“慘烈”。")
    assert not headline_like("Escalade")


@pytest.mark.parametrize(
    ("text", "source", "basis"),
    [
        ("正文。【版权声明】本文系汽车人传媒原创稿件,未经授权不得转载。", "汽车人传媒", "signature"),
        ("本文为极客公园原创文章，转载请联系极客君微信 geekparkGO", "极客公园", "signature"),
        ("中国出海半导体网将从历史回顾、多元协同等多个角度进行深入剖析。", "中国出海半导体网", "signature"),
        ("來源:香港商報    2025-04-03 11:26\n正文内容。", "香港商報", "signature"),
        ("【識港網訊】內地一輛小米SU7高速路上碰撞爆燃事件持續發酵。", "識港網", "signature"),
        ("股價上升1.28元或9.55%。(中央社)", "中央社", "signature"),
        ("BEIJING (Reuters) -China's Xiaomi reported a 47.4% jump.", "Reuters", "signature"),
        ("“电车Daily”9月19日北京报道", "电车Daily", "signature"),
        (
            "Copyright © 2021 jt-capital.com.cn All Rights Reserved\nCopyright: JamThame capital 粤ICP备2022003949号-1",
            "JamThame capital (jt-capital.com.cn)",
            "copyright",
        ),
    ],
)
def test_outlet_from_in_text_signature(text: str, source: str, basis: str) -> None:
    article = ingest_record(f"{LEAD}\n{text}", path="a.txt", fmt="txt")
    assert (article.source, article.source_basis) == (source, basis)


def test_outlet_from_url_domain_when_the_text_has_no_signature() -> None:
    article = ingest_record(
        LEAD, path="a.txt", fmt="txt", url="https://www.chinaz.com/2025/1118/1721322.shtml"
    )
    assert (article.source, article.source_basis) == ("chinaz.com", "url")
    assert url_domain("m.x-techcon.com/article/51719.html") == "x-techcon.com"


def test_stated_source_overrides_signatures() -> None:
    article = ingest_record(f"{LEAD}\n本文为极客公园原创文章", path="a.txt", fmt="txt", source="我的来源")
    assert (article.source, article.source_basis) == ("我的来源", "front_matter")


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("小米集团股价强势飙升,总市值突破1万亿港元,之后持续上涨。", "zh-Hans"),
        ("小米集團股價今日再大跌超4%,市場對其後續表現充滿擔憂。", "zh-Hant"),
        ("Xiaomi shares plunged after the SU7 recall, and 小米 fans were upset.", "en"),
        ("小米SU7 Ultra的售价为52.99万元,预订量超过1万台,CEO Lei Jun said demand was strong.", "zh-Hans"),
        ("中國大陸手機品牌大廠小米集團18日港股盤後公布最新財報,營收年增48.8%。", "zh-Hant"),
    ],
)
def test_language_by_han_share_and_script_specific_characters(text: str, language: str) -> None:
    assert detect_language(text) == language
