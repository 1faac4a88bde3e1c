"""Standalone relative dates ('上周五', '昨日', 'last Friday', 'on Tuesday') read against the stated date."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from analysis.ingest import ingest_record
from analysis.ingest.readers import Record
from analysis.ingest.record import build_article
from analysis.ingest.relative_days import find_relative_days, relative_days, resolve_relative_day
from tests.conftest import ingest_one

pytestmark = pytest.mark.usefixtures("pinned_today")  # dates are checked against a pinned today

# A page copy as a browser's "save as text" gives it: navigation, headline, byline, body, footer.
PAGE_ZH = """首页 > 资讯 > 创业
小米股价连跌两日 市场担忧汽车交付
文 / 张恒
上周五，港股小米集团股价下跌2.17%，收于43.20港元，市值1.13万亿港元。市场对其汽车业务的前景看法不一。
昨日，小米集团股价再度走低，盘中一度跌超3%。分析师认为，短期股价仍需观察交付数据与新车订单的变化。
本周五小米将公布第三季度业绩，投资者关注汽车业务的毛利率与交付节奏能否维持。
Copyright © 2025 chinaz.com 备案号
"""
PAGE_HANT = """小米股價連跌兩日
來源:香港商報    2025-04-03 11:26
上週五小米集團股價下跌2.17%，前天再跌3%，市場擔憂汽車業務放緩，分析師認為仍需觀察交付數據。
"""
PAGE_EN = """Home > Markets > Asia
Xiaomi shares slide as EV worries mount
By Staff Reporter
Xiaomi shares fell 3% last Friday and slid again yesterday, as investors weighed weaker car deliveries.
The company said on Tuesday that it would keep its delivery target for the year unchanged.
"""
NOTE = "relative dates"


def _notes(article) -> list[str]:
    return [w for w in article.warnings if w.startswith(NOTE)]


def _page(tmp_path: Path, name: str, text: str, **front: str) -> Path:
    path = tmp_path / name
    head = "".join(f"{k}: {v}\n" for k, v in front.items())
    path.write_text(f"---\n{head}---\n{text}" if front else text, encoding="utf-8")
    return path


def test_relative_words_are_read_against_the_url_date_and_never_after_it(tmp_path: Path) -> None:
    path = _page(tmp_path, "page.md", PAGE_ZH, url="https://www.chinaz.com/2025/1118/1721322.shtml")
    (article,) = ingest_one(path).articles
    assert (article.published, article.published_basis) == (date(2025, 11, 18), "url")
    assert _notes(article) == [
        "relative dates read against the URL date 2025-11-18: '上周五' = 2025-11-14, '昨日' = 2025-11-17",
        "relative dates not resolved ('本周五'): they fall after the URL date 2025-11-18 (plans?)",
    ]


def test_a_saved_html_page_reads_its_relative_words_against_its_canonical_urls_date(tmp_path: Path) -> None:
    body = "".join(f"<p>{line}</p>" for line in PAGE_ZH.splitlines()[3:6])
    path = tmp_path / "page.html"
    path.write_text(
        '<html><head><meta charset="utf-8"><title>小米股价连跌两日</title>'
        '<link rel="canonical" href="https://www.chinaz.com/2025/1118/1721322.shtml"></head>'
        f"<body><div>首页 | 资讯</div><article><h1>小米股价连跌两日</h1>{body}</article></body></html>",
        encoding="utf-8",
    )
    (article,) = ingest_one(path).articles
    assert article.published == date(2025, 11, 18)
    assert "'上周五' = 2025-11-14, '昨日' = 2025-11-17" in _notes(article)[0]


def test_a_traditional_page_reads_them_against_its_dateline_quoting_the_words_as_written() -> None:
    article = ingest_record(PAGE_HANT, path="t.txt", fmt="txt")
    assert (article.published, article.published_basis) == (date(2025, 4, 3), "header")
    assert _notes(article) == [
        "relative dates read against the dateline date 2025-04-03: '上週五' = 2025-03-28, '前天' = 2025-04-01"
    ]


def test_english_words_are_read_against_the_front_matter_date(tmp_path: Path) -> None:
    path = _page(tmp_path, "page.md", PAGE_EN, date="2025-11-19")  # a Wednesday
    (article,) = ingest_one(path).articles
    assert (article.published, article.published_basis) == (date(2025, 11, 19), "front_matter")
    assert _notes(article) == [
        "relative dates read against the front-matter date 2025-11-19: 'last Friday' = 2025-11-14, "
        "'yesterday' = 2025-11-18, 'on Tuesday' = 2025-11-18"
    ]


def test_a_feed_date_is_an_anchor_for_a_fetched_page_that_states_none() -> None:
    record = Record(PAGE_EN, PAGE_EN, "https://example.com/p/1", "html", "utf-8", {}, markdown=False)
    article, _ = build_article(record, listed=date(2025, 11, 17))  # a Monday
    assert (article.published, article.published_basis) == (date(2025, 11, 17), "feed")
    assert "against the feed date 2025-11-17: 'last Friday' = 2025-11-14" in _notes(article)[0]
    assert "'on Tuesday' = 2025-11-11" in _notes(article)[0]  # the latest Tuesday on or before it


@pytest.mark.parametrize("text", [PAGE_ZH, PAGE_HANT.replace("2025-04-03 11:26", ""), PAGE_EN])
def test_without_a_stated_date_no_date_is_claimed_and_the_note_says_why(text: str) -> None:
    article = ingest_record(text, path="t.txt", fmt="txt")
    assert article.published is None
    assert article.published_basis in ("none", "inferred")
    (note,) = _notes(article)
    assert note.startswith("relative dates not resolved (") and "no date (URL, feed, front matter" in note


def test_a_weekday_beside_a_yearless_date_claims_no_year_the_text_does_not_allow() -> None:
    lead = "10月31日(上周五),港股小米集团股价下跌2.17%,收于43.20港元,市场担忧汽车业务放缓。"
    # the same day and weekday recur (31 October was a Friday in 2014 and 2025): no year, no claim
    alone = ingest_record(lead, path="t.txt", fmt="txt")
    assert (alone.published, alone.published_basis) == (None, "none")
    # a named product bounds the year (SU7: public since November 2023), and only 2025 then fits
    named = ingest_record(lead + "小米SU7交付放缓。", path="t.txt", fmt="txt")
    assert (named.published_from, named.published_to, named.published_basis) == (
        date(2025, 11, 3),
        date(2025, 11, 9),
        "relative",
    )
    # a URL date wins over the weekday's reading
    dated = ingest_record(lead, path="t.txt", fmt="txt", url="https://www.chinaz.com/2025/1104/1.shtml")
    assert (dated.published, dated.published_basis) == (date(2025, 11, 4), "url")
    assert not _notes(dated)  # the word beside its calendar date is not read again on its own


@pytest.mark.parametrize(
    "text",
    [
        "小米之家每周五上新",
        "营业时间周一至周五",
        "工厂一周二十万台的产能",
        "本周小米股价下跌",
        "上周小米股价下跌",
    ],
)
def test_words_that_name_no_single_day_are_not_relative_dates(text: str) -> None:
    assert find_relative_days(text) == []


def test_no_relative_word_ever_resolves_after_its_anchor_or_more_than_two_weeks_before() -> None:
    words = "昨天 昨日 前天 上周一 上周日 本周一 本周日 周三 星期天 yesterday last Monday last Sunday this Friday on Tuesday"
    found = find_relative_days(words)
    assert len(found) == 14
    for offset in range(14):  # every weekday of two weeks as the anchor
        anchor = date(2025, 11, 10) + timedelta(days=offset)
        for _, _, raw, number, week in found:
            day = resolve_relative_day(number, week, anchor)
            assert day is None or anchor - timedelta(days=13) <= day <= anchor, (raw, anchor, day)
    wednesday = date(2025, 11, 19)
    days = {r.raw: r.day for r in relative_days(words, wednesday, "url")}
    assert days["本周一"] == date(2025, 11, 17) and days["本周日"] is None  # a Sunday still to come
    assert days["上周日"] == date(2025, 11, 16) and days["last Sunday"] == date(2025, 11, 16)
