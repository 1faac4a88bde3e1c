"""Shared look of the charts: colours, sizes, bilingual labels, and the empty state every builder falls back to."""

from __future__ import annotations

import altair as alt
import pandas as pd

WIDTH, HEIGHT = "container", 360
LABEL_COLOURS = {"bullish": "#2e7d32", "bearish": "#c62828", "mixed": "#ef8f00", "neutral": "#9e9e9e"}
PRICE_COLOUR, BENCH_COLOUR, INDEX_COLOUR, SHIFT_COLOUR = "#1f4e79", "#8c8c8c", "#6a1b9a", "#37474f"
BULL_SCHEME, BEAR_SCHEME = (
    ["#1b5e20", "#388e3c", "#66bb6a", "#a5d6a7"],
    ["#b71c1c", "#e53935", "#ef9a9a", "#ff7043"],
)

TEXT = {
    "en": {
        "date": "Date",
        "close": "{ticker} close",
        "benchmark": "{benchmark} rebased to {ticker}",
        "tone": "Tone (−1 bearish … +1 bullish)",
        "snownlp": "snownlp (rescaled to −1…+1)",
        "tone_index": "Tone index",
        "outlet": "Outlet",
        "title": "Title",
        "label": "Label",
        "frames": "Top frames",
        "relevance": "Relevance",
        "frame": "Frame",
        "polarity": "Polarity",
        "share": "Share",
        "intensity": "Frame evidence (bullish up, bearish down)",
        "period": "Period",
        "n": "Articles",
        "k": "k: the return's session relative to the article (> 0: tone leads)",
        "r": "Correlation r (95% interval)",
        "day": "Trading day relative to the article",
        "car": "Mean cumulative abnormal return vs {benchmark}",
        "side": "Articles",
        "sentence": "Sentence",
        "text": "Text",
        "shift": "shift",
        "inferred": "inferred",
        "untitled": "(untitled)",
        "main_title": "{ticker}: share price and the tone of the news",
        "main_subtitle": "Left: close (line), {benchmark} rebased (dashed). Right: articles (dots), tone index (purple).",
        "empty_main": "No articles or prices in range: ingest articles and import prices, or widen the filters.",
        "empty_frames": "No frame evidence in range: score the articles, or widen the filters.",
        "empty_sources": "No articles in range: widen the date range or select more outlets.",
        "empty_lead_lag": "Not enough data for tone vs returns (need {min_n}+ trading days with articles; have {n}).",
        "empty_events": "No bullish or bearish article with a complete price window in range.",
        "empty_sentences": "No sentences to show: select a scored article.",
    },
    "zh": {
        "date": "日期",
        "close": "{ticker} 收盘价",
        "benchmark": "{benchmark}（按 {ticker} 重定基）",
        "tone": "语气（−1 看空 … +1 看多）",
        "snownlp": "snownlp（换算到 −1…+1）",
        "tone_index": "语气指数",
        "outlet": "媒体",
        "title": "标题",
        "label": "标签",
        "frames": "主要框架",
        "relevance": "相关度",
        "frame": "框架",
        "polarity": "方向",
        "share": "占比",
        "intensity": "框架证据（看多向上，看空向下）",
        "period": "时期",
        "n": "文章数",
        "k": "k：收益所在交易日相对文章的位置（> 0：语气领先）",
        "r": "相关系数 r（95% 区间）",
        "day": "相对文章的交易日",
        "car": "相对 {benchmark} 的平均累计超额收益",
        "side": "文章",
        "sentence": "句子",
        "text": "文本",
        "shift": "转折",
        "inferred": "推断",
        "untitled": "（无标题）",
        "main_title": "{ticker}：股价与新闻语气",
        "main_subtitle": "左轴：收盘价（实线），{benchmark} 重定基（虚线）。右轴：文章（圆点）与语气指数（紫线）。",
        "empty_main": "所选范围内没有文章或股价：请导入文章和股价，或放宽筛选条件。",
        "empty_frames": "所选范围内没有框架证据：请先评分，或放宽筛选条件。",
        "empty_sources": "所选范围内没有文章：请放宽日期范围或选择更多媒体。",
        "empty_lead_lag": "数据不足，无法计算语气与收益的关系（至少需要 {min_n} 个有文章的交易日；现有 {n} 个）。",
        "empty_events": "所选范围内没有具备完整股价窗口的看多或看空文章。",
        "empty_sentences": "没有可显示的句子：请选择一篇已评分的文章。",
    },
}


def text(key: str, lang: str = "en", **values: object) -> str:
    """A chart label in the chosen language (English when the language or key is unknown)."""
    table = TEXT.get(lang, TEXT["en"])
    return table.get(key, TEXT["en"].get(key, key)).format(**values)


def empty_chart(message: str, *, height: int = 120) -> alt.Chart:
    """A chart holding only a sentence that says what to do: the empty state of every builder."""
    data = pd.DataFrame({"message": [message]})
    return (
        alt.Chart(data)
        .mark_text(fontSize=14, color="#555555")
        .encode(text="message:N")
        .properties(width=WIDTH, height=height)
    )


def tone_colour_scale() -> alt.Scale:
    """Red for bearish, white for neutral, green for bullish, over the whole −1…+1 range."""
    return alt.Scale(domain=[-1, 0, 1], range=["#c62828", "#f5f5f5", "#2e7d32"])
