"""Cleaning: chrome lines, inline copyright tails, story lists after 'related' markers, Markdown."""

from __future__ import annotations

import pytest

from analysis.ingest import ingest_record
from analysis.ingest.clean import chrome_flags, cut_inline, strip_markdown, tail_start
from analysis.ingest.patterns import load_patterns

pytestmark = pytest.mark.usefixtures("pinned_today")  # dates are checked against a pinned today


CHROME_LINES = [
    "首页 > 全部资讯 > 行业新闻 > 市值破万亿",
    "Home > MarketWatch > Industry News",
    "京公网安备 11011402013531号",
    "粤ICP备2022003949号-1",
    "Copyright © 2021 jt-capital.com.cn All Rights Reserved",
    "Copyright: JamThame capital 粤ICP备2022003949号-1",
    "芯达茂广告F 芯达茂广告F",
    "微信扫一扫",
    "微信扫一扫可打开此内容，",
    "，轻点两下取消赞",
    "预览时标签不可点",
    "继续滑动看下一个",
    "轻触阅读原文",
    "使用小程序",
    "取消",
    "允许",
    "：",
    "。",
    "登录",
    "注册",
    "{{codeText}}",
    "提交",
    "关 闭",
    "订阅",
    "对比栏",
    "对比 清空对比栏",
    "暂无评论,抢占沙发",
    "LINKS",
    "26256485-q6BCDS.jpg?auth_key=1759075199-",
    "微信图片_20250402162739_副本.png",
    "- 2 min read",
    "#收入 #外销 #万辆 #汽车 #小米",
    "责任编辑:liangfang",
    "声明:内容取材于网络,仅代表作者观点,如有内容违规问题,请联系处理。",
    "TEL:",
    "18117862238",
    "Email:yumiao@jt-capital.com.cn",
    "Address:20th floor, Taihe · international financial center, high tech Zone, Chengdu",
    "作者 | 周永亮编辑| 靖宇",
    "文 / 张恒",
    "By Che Pan and Brenda Goh",
    "头图来源：雷军微博",
    "小米集团过去一年的股价表现 | 图片来源：雪球",
    "https://mp.weixin.qq.com/s?__biz=MTMwNDMwODQ0MQ==",
    "◤日本旅遊必買清單◢",
    "“电车Daily”9月19日北京报道",
]
ARTICLE_LINES = [
    "小米集团股价强势飙升,盘中最高达43.05港元/股。",
    "资金链风险",
    "对于投资者而言,小米的案例更像是一堂深刻的风险课。",
    "By contrast, the market fell.",
    "Why can you bear it? Because cars aren't that important yet.",
    "1 小米对造车这件事的复杂度，有足够认知，投入也足够大。",
    "2025年，小米汽车交付量超过13.5万辆。",
    "大行/券商 目標價變動（元） 評級變動",
]


@pytest.mark.parametrize("line", CHROME_LINES)
def test_chrome_line_is_recognised(line: str) -> None:
    from analysis.ingest.normalise import normalise_text
    from analysis.text import to_simplified

    simplified = to_simplified(normalise_text(line))
    assert chrome_flags([simplified]) == [True]


@pytest.mark.parametrize("line", ARTICLE_LINES)
def test_article_line_is_not_chrome(line: str) -> None:
    assert chrome_flags([line]) == [False]


def test_traditional_chrome_is_caught_through_the_simplified_copy() -> None:
    text = "小米的股價頹勢與400億定增的浮虧令人擔憂。\n\n京公網安備 11011402013531號"
    article = ingest_record(text, path="t.txt", fmt="txt")
    assert "京公網安備" not in article.text
    assert article.text.endswith("令人擔憂。")


def test_copyright_tail_glued_to_the_last_paragraph_is_cut() -> None:
    line = "重建信任,比追求销量更困难和迫切。【版权声明】本文系汽车人传媒原创稿件,未经授权不得转载。"
    assert cut_inline(line, line) == ("重建信任,比追求销量更困难和迫切。",) * 2


def test_dateline_prefix_is_cut_but_the_lead_stays() -> None:
    line = " date 2025-11-18 站长之家（ChinaZ.com）11月18日 消息:小米集团发布2025年第三季度财报"
    assert cut_inline(line.strip(), line.strip())[0] == "小米集团发布2025年第三季度财报"


def test_list_of_other_headlines_after_a_related_marker_is_dropped() -> None:
    body = ["小米集团股价下跌2.17%,收于43.20港元,市值1.13万亿港元。这是一段很长的正文。" * 3] * 6
    tail = [
        "相关车系",
        "推荐",
        "搅动大六座SUV市场,风云T11 限时抢鲜价17.99万元起",
        "汽车通研社",
        "比亚迪三季报 出炉:营收5663亿",
        "BusinessCars",
    ]
    lines = body + tail
    assert tail_start(lines, chrome_flags(lines)) == len(body)


def test_a_recommend_heading_followed_by_paragraphs_is_kept() -> None:
    body = ["小米集团股价下跌2.17%,收于43.20港元,市值1.13万亿港元。这是一段很长的正文。" * 3] * 6
    section = [
        "推荐",
        "分析师推荐买入小米,理由是汽车业务的现金流正在改善,而手机业务的毛利率也在回升,这一判断基于三季度财报中的多项数据。"
        * 2,
    ] * 2
    lines = body + section
    assert tail_start(lines, chrome_flags(lines)) == len(lines)


def test_live_stream_ad_after_a_hard_marker_is_dropped_even_when_it_has_long_paragraphs() -> None:
    text = "\n\n".join(
        [
            "小米市值突破 1 万亿港元大关，创下历史新高，这是正文的一部分，讲述了小米汽车的成功经验与未来计划。"
            * 2
        ]
        * 5
        + [
            "**直播预告**",
            "在 ChatGPT 诞生两年后，DeepSeek App 上线仅 20 天，日活超 2000 万，成为比 ChatGPT 增长还要迅猛的超级 APP。",
            "2 月 8 日（本周六）20:00 ，极客公园视频号直播间，极客公园创始人 & 总裁张鹏将对话最具有代表性的三位创业者。",
        ]
    )
    article = ingest_record(text, path="t.md", fmt="md")
    assert "直播" not in article.text and "DeepSeek" not in article.text


def test_markdown_images_links_and_emphasis_are_removed() -> None:
    text = (
        "# 标题\n![cover](https://a/b.png)\n**作者 | 周永亮**\n"
        "小米要做的，[不是以低价推动普惠](https://mp.weixin.qq.com/s?x=1)。\n"
        "[![](https://a/c.png)](https://mp.weixin.qq.com/s?y=2)\n\\*头图来源：雷军微博\n***01***"
    )
    plain, headings = strip_markdown(text)
    assert headings == ["标题"]
    assert "](" not in plain and "![" not in plain and "**" not in plain
    assert "小米要做的，不是以低价推动普惠。" in plain
    assert "*头图来源" not in plain and "头图来源：雷军微博" in plain


def test_patterns_file_compiles_into_one_regex_per_group() -> None:
    patterns = load_patterns()
    assert patterns.chrome_line.fullmatch("微信扫一扫")
    assert patterns.tail_hard.fullmatch("更多阅读")
    assert patterns.tail_soft.fullmatch("相关新闻推荐")
    assert len(patterns.signatures) >= 5
