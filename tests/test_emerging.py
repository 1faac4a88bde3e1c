"""Emerging narratives: on the bundled corpus plus constructed coverage, a phrase planted to rise is found and a
steady one is not; one becomes a frame of frames.toml and the store is rescored with it."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import pytest

from analysis.errors import ConfigError
from analysis.narrative.emerging import emerging_narratives, emerging_phrases, make_frame, phrases_of
from analysis.narrative.frame_action import add_frame, frame_name_for
from analysis.report import build_report, format_report_text
from analysis.store import ArticleFilter
from tests.conftest import BUNDLED_ARTICLES, ingest_one, make_article, make_score

RECENT_END = date(2025, 11, 30)
FILLERS = [
    "公司本周公布了新的门店扩张计划", "分析师对毛利率走势看法不一", "手机业务在海外市场继续增长",
    "港股科技板块整体表现平稳", "管理层在投资者交流会上回应了提问", "智能家居产品线迎来更新",
    "供应链人士透露芯片采购价格上涨", "渠道库存处于正常水平",
]  # fmt: skip
PLANTED, STEADY = "YU7交付延迟", "小米汽车工厂"
CONTEXTS = ["多位车主反映{}问题,等待时间超过预期", "针对{},官方客服回应称正在协调", "{}引发订单用户不满",
            "有媒体报道{}或将持续到明年", "社交平台上关于{}的讨论增多"]  # fmt: skip


def constructed_coverage() -> list[dict]:
    """Sixty days of stories: the steady phrase in every other story throughout, the planted one only lately."""
    rows = []
    for i in range(60):
        day = RECENT_END - timedelta(days=59 - i)
        recent = day > RECENT_END - timedelta(days=14)
        parts = [FILLERS[(i + k) % len(FILLERS)] for k in range(3)] + [f"第{i}篇报道"]
        if i % 2 == 0:
            parts.insert(1, f"{STEADY}的产能爬坡情况受到关注")
        if recent and i % 3 != 2:  # told in the words of each outlet
            parts.insert(2, CONTEXTS[i % len(CONTEXTS)].format(PLANTED))
        rows.append({"article_id": f"c{i:02d}", "date": pd.Timestamp(day), "text": "。".join(parts) + "。",
                     "tone": -0.4 if recent else 0.2})  # fmt: skip
    return rows


def bundled_stories() -> list[dict]:
    rows = []
    for path in sorted(BUNDLED_ARTICLES.glob("*.txt")):
        for article in ingest_one(path).articles:
            day = article.published or article.published_from
            rows.append({"article_id": article.id, "date": pd.Timestamp(day), "text": article.text_simplified,
                         "tone": 0.0})  # fmt: skip
    return rows


def test_a_planted_rising_phrase_is_found_and_a_steady_one_is_not():
    stories = pd.DataFrame(bundled_stories() + constructed_coverage())
    found = emerging_phrases(stories, recent_days=14)
    phrases = [row["phrase"] for row in found]
    assert PLANTED in phrases
    assert not any(STEADY in phrase or phrase in STEADY for phrase in phrases)
    planted = found[phrases.index(PLANTED)]
    assert planted["history_articles"] == 0 and planted["recent_articles"] >= 8
    assert planted["tone"] == pytest.approx(-0.4)
    assert planted["article_ids"] and all(a.startswith("c") for a in planted["article_ids"])


def test_the_longest_telling_of_a_phrase_is_kept():
    found = [row["phrase"] for row in emerging_phrases(pd.DataFrame(constructed_coverage()))]
    assert "交付延迟" not in found and "YU7交付" not in found  # parts of the planted phrase


def test_phrases_do_not_start_or_end_with_function_words():
    phrases = phrases_of("小米的交付延迟了。The delay of the SU7 deliveries")
    assert "交付延迟" in phrases and "su7 deliveries" in phrases
    assert not any(p.startswith("的") or p.endswith("了") or p.startswith("the ") for p in phrases)


def test_no_recent_coverage_gives_no_emerging_narrative():
    assert emerging_phrases(pd.DataFrame(bundled_stories()), as_of=date(2026, 6, 1)) == []


def test_frame_names_are_toml_keys():
    assert frame_name_for("delivery delay") == "delivery_delay"
    assert frame_name_for(PLANTED).startswith("emerging_yu7_")


def test_an_emerging_phrase_becomes_a_frame_and_the_store_is_rescored(store, data_dir):
    articles, scores = [], []
    for row in constructed_coverage():
        article = make_article(row["text"], published=row["date"].date())
        articles.append(article)
        scores.append(make_score(article, tone=row["tone"]))
    store.add_articles(articles)
    run_id = store.start_run(ticker="1810.HK", scorer="test", version="1", config_hash="h", options={})
    store.write_scores(run_id, scores)
    store.finish_run(run_id, n_articles=len(scores))
    assert PLANTED in [row["phrase"] for row in emerging_narratives(store)]
    report = build_report(store, ArticleFilter())
    assert PLANTED in [row["phrase"] for row in report["emerging_narratives"]]
    assert PLANTED in format_report_text(report)

    result = make_frame(
        store, PLANTED, name="delivery_delay", polarity="bearish", use_snownlp=False, workers=1
    )
    text = (data_dir / "frames.toml").read_text(encoding="utf-8")
    assert '[frames.delivery_delay]\npolarity = "bearish"' in text and text.startswith("# Frames")
    assert result["run_id"] != run_id and result["scored"] == len(articles)
    hits = store.evidence()
    assert (hits["frame"] == "delivery_delay").sum() >= 8


def test_emerging_from_the_command_line(tmp_path, capsys):
    from analysis.cli import main

    assert main(["emerging", "--db", str(tmp_path / "e.duckdb"), "--format", "json"]) == 0
    assert capsys.readouterr().out.strip() == "[]"


def test_a_frame_that_exists_or_breaks_the_file_is_refused(data_dir):
    before = (data_dir / "frames.toml").read_text(encoding="utf-8")
    with pytest.raises(ConfigError, match="exists already"):
        add_frame("召回", name="recall_quality")
    with pytest.raises(ConfigError, match="lower-case"):
        add_frame("召回", name="Bad Name")
    with pytest.raises(ConfigError, match="refused"):
        add_frame("A…B…C", name="three_parts")
    assert (data_dir / "frames.toml").read_text(encoding="utf-8") == before
