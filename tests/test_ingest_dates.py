"""Published dates: datelines, URL paths, relative dates, the reported event, inferred ranges, validation."""

from __future__ import annotations

from datetime import date

import pytest

from analysis.ingest import dates as dt
from analysis.ingest import ingest_record
from tests.conftest import TODAY

pytestmark = pytest.mark.usefixtures("pinned_today")  # dates are checked against a pinned today


BODY = "小米集团股价今日大幅波动,市场对其汽车业务的前景看法不一,分析师认为仍需观察交付数据。"


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("Time:2025-09-28", date(2025, 9, 28)),
        ("2025-04-03 13:34:39", date(2025, 4, 3)),
        ("2025年04月01日22:12:06", date(2025, 4, 1)),
        (" date 2025-11-19   • 會員", date(2025, 11, 19)),
        ("來源:香港商報    2025-04-03 11:26", date(2025, 4, 3)),
        ("17 October 2025", date(2025, 10, 17)),
        ("电车Daily 2025-09-19 10:55", date(2025, 9, 19)),
        ("19/11/2025", date(2025, 11, 19)),
        ("March 5, 2025", date(2025, 3, 5)),
        ("发布时间：2024年12月3日", date(2024, 12, 3)),
        ("2025-04-01 来源：新浪财经", date(2025, 4, 1)),
    ],
)
def test_explicit_dateline_is_the_header_date(header: str, expected: date) -> None:
    article = ingest_record(f"小米股价大跌\n{header}\n\n{BODY}", path="t.txt", fmt="txt")
    assert (article.published, article.published_basis) == (expected, "header")
    assert header.strip() not in article.text  # the dateline is metadata, not text


def test_a_headline_that_contains_a_date_is_not_a_dateline() -> None:
    article = ingest_record(
        f"2025年2月7日,小米集团股价强势飙升,盘中最高达43.05港元/股,总市值突破1万亿港元。\n{BODY}",
        path="t.txt",
        fmt="txt",
    )
    assert article.published_basis != "header"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://www.chinaz.com/2025/1118/1721322.shtml", date(2025, 11, 18)),
        ("https://chinaservicesinfo.com/s/202405/27/WS6653fc2f498ed2d7b7eae8a1/x.html", date(2024, 5, 27)),
        ("https://www.chinatimes.com/cn/newspapers/20250319000208-260203", date(2025, 3, 19)),
        ("https://flazznews.buyplrblogs.com/2025/08/01/xiaomi-delivers", date(2025, 8, 1)),
        ("https://newtalk.tw/news/view/2024-04-12/915703", date(2024, 4, 12)),
        ("https://cm.asiae.co.kr/en/article/2024041515482570209", date(2024, 4, 15)),
        ("https://news.qq.com/rain/a/20250325A02KBJ00", date(2025, 3, 25)),
        ("http://www.gov.cn/xinwen/202503/t20250319_123.html", date(2025, 3, 19)),
        (
            "https://money18.on.cc/finnews/content/exp/bkn-20250702190235322-0702_00842_001.html",
            date(2025, 7, 2),
        ),
    ],
)
def test_date_in_url_path(url: str, expected: date) -> None:
    assert dt.url_date(url, today=TODAY)[0] == expected
    article = ingest_record(BODY, path="t.txt", fmt="txt", url=url)
    assert (article.published, article.published_basis) == (expected, "url")


def test_ids_in_urls_and_query_strings_are_not_dates() -> None:
    url = "https://mp.weixin.qq.com/s?__biz=MTMwNDMwODQ0MQ==&mid=2653073413&sn=3be20250101e&chksm=7e20250203"
    assert dt.url_date(url, today=TODAY) == (None, None)
    assert dt.url_date("https://x.com/a/WS6653fc2f20250101/b", today=TODAY) == (None, None)


def test_last_friday_means_the_week_after() -> None:
    text = "10月31日(上周五),港股小米集团股价下跌2.17%。\n2025年10月,小米集团股价已累计下跌20%,市值蒸发超过2800亿港元。"
    article = ingest_record(text, path="t.txt", fmt="txt")
    assert article.published_basis == "relative"
    assert (article.published_from, article.published_to) == (date(2025, 11, 3), date(2025, 11, 9))
    assert article.published == date(2025, 11, 3)


def test_yesterday_with_a_day_resolves_against_the_text() -> None:
    text = "2025年3月18日,小米发布财报。\n昨日(19日),小米集团股价上涨5%,市场反应积极,投资者看好汽车业务。"
    article = ingest_record(text, path="t.txt", fmt="txt")
    assert (article.published, article.published_basis) == (date(2025, 3, 20), "relative")


def test_day_only_wire_dateline_takes_month_and_year_from_the_latest_date_in_the_text() -> None:
    text = "《經濟通通訊社19日專訊》小米汽車即日起召回2024年2月6日至2025年8月30日生產的部分SU7標準版電動汽車,共計116887輛。"
    article = ingest_record(text, path="t.txt", fmt="txt")
    assert (article.published, article.published_basis) == (date(2025, 9, 19), "relative")
    assert article.text.startswith("小米汽車即日起召回")


def test_yearless_dateline_year_comes_from_named_products() -> None:
    text = "雷军、小米风评为什么越来越差?\n\nEscalade\n09-28 13:35\n\n从小米17发布会、小米汽车宣传智能驾驶已经反映出非常大的问题。"
    article = ingest_record(text, path="t.txt", fmt="txt")
    assert (article.published, article.published_basis) == (date(2025, 9, 28), "relative")
    assert any("year not stated" in w for w in article.warnings)
    assert "Escalade" not in article.text and "09-28" not in article.text


def test_lead_reporting_a_dated_event_as_today_gives_an_event_date() -> None:
    text = "2025年2月7日,小米集团股价强势飙升,盘中最高达43.05港元/股,发稿前已经突破1万亿元人民币。此项里程碑意义重大。"
    article = ingest_record(text, path="t.txt", fmt="txt")
    assert (article.published, article.published_basis) == (date(2025, 2, 7), "event")
    assert article.published_evidence.startswith("2025年2月7日") and article.published_evidence.endswith(
        "人民币。"
    )


def test_a_dated_lead_without_a_now_cue_is_only_inferred() -> None:
    text = "2024年3月28日,小米SU7正式发布,雷军称这是三年之约。此后小米汽车交付量一路攀升,市场反响热烈。"
    article = ingest_record(text, path="t.txt", fmt="txt")
    assert article.published is None
    assert article.published_basis == "inferred"
    assert article.published_from == date(2024, 3, 28)


def test_inferred_range_from_this_year_and_several_months() -> None:
    text = (
        "今年,多家機構以每股53港元的價格認購了8億股小米股票,然而短短數月間,這筆巨額投資已浮虧超80億港元。\n"
        "2025年3月,德上高速發生的一起嚴重事故成為信任崩塌的導火索。\n今年4月,SU7Ultra車型被曝鎖馬力事件。"
    )
    article = ingest_record(text, path="t.txt", fmt="txt")
    assert article.published is None and article.published_basis == "inferred"
    assert (article.published_from, article.published_to) == (date(2025, 7, 1), date(2025, 12, 31))


def test_text_without_any_date_has_none() -> None:
    article = ingest_record(BODY, path="t.txt", fmt="txt")
    assert (article.published, article.published_basis, article.published_from) == (None, "none", None)


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("2025-02-30", "not a date"),
        ("1999-12-31", "outside"),
        ("2031-01-01", "outside"),
        ("soon", "not a date"),
    ],
)
def test_impossible_or_out_of_range_stated_dates_are_warnings_never_facts(value: str, reason: str) -> None:
    article = ingest_record(BODY, path="t.txt", fmt="txt", published=value)
    assert article.published is None
    assert any(reason in w for w in article.warnings)


def test_impossible_header_date_falls_through_with_a_warning() -> None:
    article = ingest_record(
        f"Time:2025-02-30\n\n{BODY}", path="t.txt", fmt="txt", url="https://a.com/2025/0301/1.html"
    )
    assert (article.published, article.published_basis) == (date(2025, 3, 1), "url")
    assert any("2025-02-30" in w for w in article.warnings)


def test_front_matter_date_beats_everything_in_the_text() -> None:
    article = ingest_record(f"Time:2025-09-28\n\n{BODY}", path="t.md", fmt="md", published="2025-02-08")
    assert (article.published, article.published_basis) == (date(2025, 2, 8), "front_matter")


def test_full_dates_finds_the_supported_formats() -> None:
    text = "2025年2月7日; 2025-02-08; 2025/02/09; 10 February 2025; Feb 11, 2025"
    found = [(m.year, m.month, m.day) for m in dt.full_dates(text)]
    assert found == [(2025, 2, 7), (2025, 2, 8), (2025, 2, 9), (2025, 2, 10), (2025, 2, 11)]


def test_yearless_chinese_dateline_with_time() -> None:
    text = "小米股价大跌\n11月18日 09:30\n\n2025年第三季度,小米集团营收同比增长22.3%,汽车业务首次盈利。"
    article = ingest_record(text, path="t.txt", fmt="txt")
    assert (article.published, article.published_basis) == (date(2025, 11, 18), "relative")


def test_event_with_month_and_day_needs_the_cue_in_the_same_sentence() -> None:
    text = "3月19日,小米集团股价今日盘中大涨5%,市值再创新高。此前2025年3月18日,小米发布了年度财报。"
    article = ingest_record(text, path="t.txt", fmt="txt")
    assert (article.published, article.published_basis) == (date(2025, 3, 19), "event")
    elsewhere = "3月19日,小米集团发布财报,营收超预期。今日,分析师上调目标价。2025年3月,交付目标提升至35万辆。"
    assert ingest_record(elsewhere, path="t.txt", fmt="txt").published_basis == "inferred"


def test_evidence_is_quoted_as_the_text_has_it_not_simplified() -> None:
    text = f"小米股價今日再大跌超4%\n來源:香港商報    2025-04-03 11:26\n\n{BODY}"
    article = ingest_record(text, path="t.txt", fmt="txt")
    assert article.published_evidence == "來源:香港商報 2025-04-03 11:26"


def test_today_is_a_setting_that_bounds_stated_dates(monkeypatch) -> None:
    from analysis import settings
    from analysis.errors import ConfigError

    assert settings.today() == TODAY and settings.current().today == TODAY
    article = ingest_record(BODY, path="t.txt", fmt="txt", published="2025-06-01")
    assert article.published == date(2025, 6, 1)
    monkeypatch.setenv("NARRATIVE_TODAY", "2025-05-01")
    article = ingest_record(BODY, path="t.txt", fmt="txt", published="2025-06-01")
    assert article.published is None and "outside 2000..today" in " ".join(article.warnings)
    monkeypatch.setenv("NARRATIVE_TODAY", "15/01/2026")
    with pytest.raises(ConfigError, match="NARRATIVE_TODAY"):
        settings.today()


# -- day/month order, and the forms real page copies write (issue 15 item 7) --------------------------------
EN_BODY = (
    "Xiaomi shares swung sharply today as investors weighed the outlook for its car business and margins."
)


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("发布 : 2025-1-25", date(2025, 1, 25)),  # a short label, spaces around the colon, unpadded month
        ("发布时间：2025 - 01 - 25", date(2025, 1, 25)),  # spaces around the separators
        ("21 Nov 2025, 17:56 GMT+10", date(2025, 11, 21)),  # English day-month-year, a time and a zone
        ("2025-09-28 13:35 +08:00", date(2025, 9, 28)),
        ("Nov 21, 2025 5:30 pm HKT", date(2025, 11, 21)),
        ("5 November 2025", date(2025, 11, 5)),
    ],
)
def test_datelines_in_the_forms_page_copies_write_are_found(header: str, expected: date) -> None:
    article = ingest_record(f"Xiaomi shares swing\n{header}\n\n{EN_BODY}", path="t.txt", fmt="txt")
    assert (article.published, article.published_basis) == (expected, "header")


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://www.example.com.hk/news/xiaomi", date(2025, 11, 5)),  # Hong Kong: day first
        ("https://www.example.mo/news/xiaomi", date(2025, 11, 5)),  # Macau
        ("https://www.example.co.uk/news/xiaomi", date(2025, 11, 5)),
        ("https://www.example.com.au/news/xiaomi", date(2025, 11, 5)),
        ("https://news.example.us/xiaomi", date(2025, 5, 11)),  # the United States: month first
    ],
)
def test_a_numeric_dateline_is_ordered_by_the_outlets_place(url: str, expected: date) -> None:
    article = ingest_record(
        f"Xiaomi shares swing\nPublished: 05/11/2025\n\n{EN_BODY}", path="t.txt", fmt="txt", url=url
    )
    assert (article.published, article.published_basis) == (expected, "header")


def test_chinese_text_reads_a_numeric_dateline_day_first() -> None:
    article = ingest_record(f"小米股價大跌\n發佈時間：05/11/2025\n\n{BODY}", path="t.txt", fmt="txt")
    assert (article.published, article.published_basis) == (date(2025, 11, 5), "header")


def test_the_texts_own_unambiguous_dates_order_its_dateline() -> None:
    text = f"Xiaomi shares swing\nPublished: 05/11/2025\n\n{EN_BODY} Deliveries began on 19/10/2025."
    article = ingest_record(text, path="t.txt", fmt="txt")
    assert article.published == date(2025, 11, 5)


def test_an_unordered_numeric_dateline_is_a_range_never_a_date_claimed_as_fact() -> None:
    article = ingest_record(
        f"Xiaomi shares swing\nPublished: 05/11/2025\n\n{EN_BODY}", path="t.txt", fmt="txt"
    )
    assert article.published is None
    assert article.published_basis == "ambiguous"
    assert (article.published_from, article.published_to) == (date(2025, 5, 11), date(2025, 11, 5))
    assert any("day and month order" in w for w in article.warnings)


def test_a_url_date_settles_an_unordered_dateline() -> None:
    article = ingest_record(
        f"Xiaomi shares swing\nPublished: 05/11/2025\n\n{EN_BODY}",
        path="t.txt",
        fmt="txt",
        url="https://example.com/2025/11/05/xiaomi",
    )
    assert (article.published, article.published_basis) == (date(2025, 11, 5), "url")


def test_day_first_order_reads_place_script_and_evidence() -> None:
    assert dt.day_first_order("05/11/2025", url="https://a.hk/x") is True
    assert dt.day_first_order("05/11/2025", url="https://a.us/x") is False
    assert dt.day_first_order("on 12/25/2025 and 05/11/2025") is False
    assert dt.day_first_order("on 25/12/2025 and 05/11/2025") is True
    assert dt.day_first_order("on 25/12/2025 and 12/25/2025") is None  # the text contradicts itself
    assert dt.day_first_order("05/11/2025") is None


def test_a_yearless_dateline_with_nothing_to_anchor_its_year_is_not_resolved() -> None:
    text = "小米风评为什么越来越差?\n\n09-28 13:35\n\n市场对小米的看法出现分歧，部分用户开始质疑其宣传方式与产品质量。"
    article = ingest_record(text, path="t.txt", fmt="txt")
    assert article.published_basis != "relative"
    assert article.published is None
