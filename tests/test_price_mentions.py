"""Share-price statements: found with their kind, move and day; deal prices ignored; checked against closes."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.mentions import MENTION_COLUMNS, check_price_mentions, extract_price_mentions
from analysis.prices import load_price_file

ROOT = Path(__file__).resolve().parents[1]

# Sentences as they stand in the bundled corpus (after NFKC: ASCII commas) and in public articles.
SENTENCE_001 = "10月31日(上周五),港股小米集团股价下跌2.17%,收于43.20港元,市值1.13万亿港元。"
SENTENCE_002 = (
    "2 月 6 日，小米集团的港股迎来了强劲上涨，股价突破到 40.55 港币，涨幅为 2.27%，市值突破万亿港元大关。"
)


@pytest.fixture(scope="module")
def prices() -> pd.DataFrame:
    return pd.concat(
        [load_price_file(ROOT / "data" / "prices" / f"{ticker}.csv") for ticker in ("1810.HK", "HSI")],
        ignore_index=True,
    )


def _one(text: str, reference: date | None = None):
    mentions = extract_price_mentions(text, reference=reference)
    assert len(mentions) == 1, mentions
    return mentions[0]


@pytest.mark.parametrize(
    ("text", "price", "kind", "change"),
    [
        (SENTENCE_001, 43.20, "close", -2.17),
        (SENTENCE_002, 40.55, "unknown", 2.27),
        ("4月1日,小米集团股价收盘下跌5.49%至46.5港元。", 46.5, "close", -5.49),
        ("小米集團股價最終收報44.55港元,收跌4.19%。", 44.55, "close", -4.19),
        ("小米港股18日股价收涨3.3%至57.65港币,年内累计大涨69.56%。", 57.65, "close", 3.3),
        ("Xiaomi shares fell 5.7% on Monday, closing at HK$49.08.", 49.08, "close", -5.7),
        (
            "Xiaomi's stock price fell by 11.7 percent, concluding the week at HK$45.96.",
            45.96,
            "close",
            -11.7,
        ),
        ("小米集團股價今早急升,午盤收報港幣14.68元,上升1.28元或9.55%。", 14.68, "intraday", 9.55),
        (
            "2025年2月7日,小米集团股价强势飙升,盘中最高达43.05港元/股,总市值突破1万亿港元。",
            43.05,
            "intraday",
            None,
        ),
    ],
)
def test_share_price_statements_are_found_with_kind_and_signed_move(text, price, kind, change):
    mention = _one(text)
    assert mention.price == price
    assert mention.kind == kind
    assert mention.change_pct == change
    assert mention.currency == "HKD"
    assert text[mention.start : mention.end].count(str(price).rstrip("0")) == 1


@pytest.mark.parametrize(
    "text",
    [
        "今年,多家機構以每股53港元的價格,斥資約400億港元認購了8億股小米股票。",  # placement (定增) price
        "小米宣布配售8亿股现有股份,配售价定为每股53.25港元,预计筹资净额约425亿港元。",
        "Xiaomi completed the placement of 800 million shares at a price of HK$53.25 per share.",
        "The pricing is fixed near the upper edge of the rumored HK$52.8 -54.6 on March 24.",
        "大摩将小米目标价由50港元上调至60港元。",  # target prices are forecasts, not closes
        "按平均售价30万元计算,理论上对应着860亿元的潜在收入。",  # car prices are in 万元
        "港股小米集团市值1.13万亿港元,成交額289.91億港元。",  # market value and turnover are multiples
        "小米集团股价也突破 20 港元大关。",  # a round level crossed, not a quote of one day
        "公司宣布每股派息0.5港元。",
    ],
)
def test_prices_that_are_not_market_quotes_are_ignored(text):
    assert extract_price_mentions(text) == []


def test_stated_month_day_is_resolved_with_the_reference_year():
    assert _one(SENTENCE_001, reference=date(2025, 11, 3)).day == date(2025, 10, 31)
    assert _one(SENTENCE_001).day is None  # no year to resolve it with
    assert _one(SENTENCE_001).day_text == "10月31日"


def test_december_day_in_a_january_article_belongs_to_the_previous_year():
    mention = _one("12月31日,小米股价收于20.35港元。", reference=date(2025, 1, 2))
    assert mention.day == date(2024, 12, 31)


def test_day_of_month_alone_uses_the_reference_month_or_the_one_before():
    assert _one("小米港股18日股价收涨3.3%至57.65港币。", reference=date(2025, 3, 19)).day == date(2025, 3, 18)
    assert _one("小米港股30日股价收于50港元。", reference=date(2025, 4, 1)).day == date(2025, 3, 30)


def test_explicit_day_wins_over_today():
    mention = _one("小米集團股價今日(2日)開盤後走低,低見44.6港元。", reference=date(2025, 4, 3))
    assert mention.day == date(2025, 4, 2)
    assert mention.kind == "intraday"


def test_english_dates_and_relative_weekdays_resolve():
    assert _one(
        "On October 13, Xiaomi closed down 5.71% at HK$49.08", reference=date(2025, 10, 20)
    ).day == date(2025, 10, 13)
    assert _one("On March 25, 2025 Xiaomi shares closed at HK$50.1").day == date(2025, 3, 25)
    monday = _one("Xiaomi shares fell 5.7% on Monday, closing at HK$49.08.", reference=date(2025, 10, 14))
    assert monday.day == date(2025, 10, 13)
    assert _one("上周五小米股价收于43.2港元。", reference=date(2025, 11, 3)).day == date(2025, 10, 31)


def test_a_month_or_year_is_a_period_with_no_day_to_check():
    mention = _one(
        "小米股价从 2022 年 10 月底开始上涨,当时最低点只有 8.31 港元 / 股。", reference=date(2025, 2, 27)
    )
    assert mention.day is None
    assert mention.day_kind == "period"


def test_spans_point_into_the_whole_text():
    text = "第一句没有价格。" + SENTENCE_001
    mention = _one(text)
    assert text[mention.start : mention.end] == "43.20港元"
    assert mention.sentence == SENTENCE_001.rstrip("。")


def _texts(*rows) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["article_id", "date", "date_inferred", "text"]).assign(
        date=lambda frame: pd.to_datetime(frame["date"])
    )


def test_bundled_corpus_quotes_match_the_real_closes(prices):
    texts = _texts(("001", "2025-11-03", False, SENTENCE_001), ("002", "2025-02-08", False, SENTENCE_002))
    checked = check_price_mentions(texts, prices, ticker="1810.HK")
    assert list(checked.columns) == list(MENTION_COLUMNS)
    by_id = checked.set_index("article_id")
    assert by_id.loc["001", "date"] == pd.Timestamp("2025-10-31")
    assert by_id.loc["001", "close"] == 43.20
    assert by_id.loc["001", "matched"] is True
    assert by_id.loc["002", "date"] == pd.Timestamp("2025-02-06")
    assert by_id.loc["002", "close"] == 40.55
    assert by_id.loc["002", "matched"] is True


def test_a_wrong_close_is_flagged(prices):
    texts = _texts(("x", "2025-11-03", False, "10月31日,小米集团股价收于45.80港元。"))
    row = check_price_mentions(texts, prices).iloc[0]
    assert row["close"] == 43.20
    assert row["matched"] is False


def test_an_intraday_quote_is_checked_against_the_day_range(prices):
    texts = _texts(("003", "2025-02-07", False, "2025年2月7日,小米集团股价盘中最高达43.05港元/股。"))
    row = check_price_mentions(texts, prices).iloc[0]
    assert row["kind"] == "intraday"
    assert row["high"] == 43.05
    assert row["matched"] is True


def test_without_a_stated_day_the_article_date_is_used_and_weekends_fall_back_to_friday(prices):
    texts = _texts(("x", "2025-11-01", True, "小米集团股价收于43.20港元。"))  # a Saturday, inferred
    row = check_price_mentions(texts, prices).iloc[0]
    assert row["date"] == pd.Timestamp("2025-11-01")
    assert row["date_basis"] == "article (inferred)"
    assert row["trade_date"] == pd.Timestamp("2025-10-31")
    assert row["matched"] is True


def test_no_price_data_means_matched_is_none(prices):
    texts = _texts(
        ("late", "2026-03-02", False, "小米集团股价收于43.20港元。"),  # after the price table ends
        ("period", "2025-02-27", False, "2022 年 10 月底,小米股价最低点只有 8.31 港元 / 股。"),
        ("other", "2025-10-31", False, "小米集团股价收于43.20港元。"),
    )
    checked = check_price_mentions(texts, prices[prices["ticker"] == "1810.HK"], ticker="9999.HK").set_index(
        "article_id"
    )
    assert checked.loc["other", "matched"] is None
    checked = check_price_mentions(texts, prices).set_index("article_id")
    assert checked.loc["late", "matched"] is None
    assert checked.loc["period", "matched"] is None
    assert checked.loc["period", "date_basis"] == "period"


def test_tolerance_is_relative_to_the_close(prices):
    texts = _texts(("x", "2025-11-03", False, "10月31日,小米集团股价收于43.5港元。"))  # 0.7% above 43.20
    assert check_price_mentions(texts, prices, tolerance=0.01).iloc[0]["matched"] is True
    assert check_price_mentions(texts, prices, tolerance=0.005).iloc[0]["matched"] is False


def test_no_price_table_at_all_leaves_every_quote_unchecked():
    texts = _texts(("001", "2025-11-03", False, SENTENCE_001))
    row = check_price_mentions(texts, pd.DataFrame()).iloc[0]
    assert row["price"] == 43.20 and row["matched"] is None and pd.isna(row["close"])


def test_a_close_only_price_file_checks_intraday_quotes_against_the_close():
    close_only = pd.DataFrame({"ticker": "1810.HK", "date": pd.to_datetime(["2025-02-07"]), "close": [42.45]})
    texts = _texts(("003", "2025-02-07", False, "2025年2月7日,小米集团股价盘中最高达43.05港元/股。"))
    assert check_price_mentions(texts, close_only).iloc[0]["matched"] is False


def test_no_texts_give_an_empty_frame_with_the_columns(prices):
    checked = check_price_mentions(_texts(), prices)
    assert checked.empty and list(checked.columns) == list(MENTION_COLUMNS)


@settings(max_examples=300, deadline=None)
@given(
    st.text(
        st.sampled_from(
            list("股价收于报港元港币HK$ 0123456789.,%月日年今昨周五上Monday March at 每股配售。\n-")
        ),
        max_size=80,
    ),
    st.one_of(st.none(), st.dates(min_value=date(2000, 1, 1), max_value=date(2030, 12, 31))),
)
def test_any_text_gives_mentions_with_positive_prices_and_valid_spans(text, reference):
    for mention in extract_price_mentions(text, reference=reference):
        assert mention.price > 0
        assert 0 <= mention.start < mention.end <= len(text)
        assert mention.kind in ("close", "intraday", "unknown")
