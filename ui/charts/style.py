"""Shared look of the charts: colours, sizes, bilingual labels, and the empty state every builder falls back to."""

from __future__ import annotations

import altair as alt
import pandas as pd

from ui.labels import is_chinese, localise, term, with_terms

WIDTH, HEIGHT = "container", 360
LABEL_COLOURS = {"bullish": "#2e7d32", "bearish": "#c62828", "mixed": "#ef8f00", "neutral": "#9e9e9e"}
PRICE_COLOUR, BENCH_COLOUR, INDEX_COLOUR, SHIFT_COLOUR = "#1f4e79", "#8c8c8c", "#6a1b9a", "#37474f"
BULL_SCHEME, BEAR_SCHEME = (
    ["#1b5e20", "#388e3c", "#66bb6a", "#a5d6a7"],
    ["#b71c1c", "#e53935", "#ef9a9a", "#ff7043"],
)

# Axis, legend and tooltip titles, chart titles and empty states, English and Chinese, written with the
# vocabulary's [term] marks (ui/labels.py) so that the charts and the page use the same words.
_MESSAGES: dict[str, tuple[str, str]] = {
    "date": ("[Date]", "[date]"),
    "close": ("{ticker} [close]", "{ticker} [close]"),
    "benchmark": ("{benchmark} rebased to {ticker}", "{benchmark}（按 {ticker} 重定基）"),
    "tone": ("[Tone] (−1 [bearish] … +1 [bullish])", "[tone]（−1 [bearish] … +1 [bullish]）"),
    "snownlp": ("snownlp (rescaled to −1…+1)", "snownlp（换算到 −1…+1）"),
    "tone_index": ("[Tone_index]", "[tone_index]"),
    "outlet": ("[Outlet]", "[outlet]"),
    "title": ("[Title]", "[title]"),
    "label": ("[Label]", "[label]"),
    "frames": ("Top [frames]", "主要[frames]"),
    "relevance": ("[Relevance]", "[relevance]"),
    "frame": ("[Frame]", "[frame]"),
    "polarity": ("[Polarity]", "[polarity]"),
    "share": ("[Share]", "[share]"),
    "intensity": (
        "[Frame] [evidence] ([bullish] up, [bearish] down)",
        "[frame][evidence]（[bullish]向上，[bearish]向下）",
    ),
    "period": ("[Period]", "[period]"),
    "n": ("[Articles]", "[articles]数"),
    "k": (
        "k: the [return]'s session relative to the [article] (> 0: [tone] leads)",
        "k：[returns]所在[trading_day]相对[article]的位置（> 0：[tone]领先）",
    ),
    "r": ("Correlation r (95% interval)", "相关系数 r（95% 区间）"),
    "r_lo": ("95% interval, low", "95% 区间下限"),
    "r_hi": ("95% interval, high", "95% 区间上限"),
    "note": ("Note", "说明"),
    "day": ("[Trading_day] relative to the [article]", "相对[article]的[trading_day]"),
    "car": ("Mean cumulative abnormal [return] vs {benchmark}", "相对 {benchmark} 的平均累计超额[returns]"),
    "side": ("[Articles]", "[articles]"),
    "sentence": ("[Sentence]", "[sentence]"),
    "text": ("[Text]", "[text]"),
    "shift": ("[shift]", "[shift]"),
    "inferred": ("[inferred]", "[inferred]"),
    "untitled": ("(untitled)", "（无[title]）"),
    "band_lo": ("95% band, low", "95% 区间下限"),
    "band_hi": ("95% band, high", "95% 区间上限"),
    "daily_index": ("Daily [tone_index] (raw)", "每日[tone_index]（原始）"),
    "main_title": (
        "{ticker}: [share_price] and the [tone] of the news",
        "{ticker}：[share_price]与新闻[tone]",
    ),
    "main_subtitle": (
        "Left: [close] (line), {benchmark} rebased (dashed). Right: [articles] (dots), [tone_index] (purple, "
        "95% band shaded); grey bars: [articles] per [period].",
        "左轴：[close]（实线），{benchmark} 重定基（虚线）。右轴：[articles]（圆点）与[tone_index]（紫线，阴影为 95% 区间）；"
        "灰色柱：每[period][articles]数。",
    ),
    "empty_main": (
        "No [articles] or [prices] in range: ingest [articles] and import [prices], or widen the filters.",
        "所选范围内没有[articles]或[prices]：请导入[articles]和[prices]，或放宽筛选条件。",
    ),
    "empty_frames": (
        "No [frame] [evidence] in range: score the [articles], or widen the filters.",
        "所选范围内没有[frame][evidence]：请先评分，或放宽筛选条件。",
    ),
    "empty_sources": (
        "No [articles] in range: widen the [date] range or select more [outlets].",
        "所选范围内没有[articles]：请放宽[date]范围或选择更多[outlets]。",
    ),
    "empty_lead_lag": (
        "Not enough data for [tone] vs [returns] (need {min_n}+ [trading_day]s with [articles]; have {n}).",
        "数据不足，无法计算[tone]与[returns]的关系（至少需要 {min_n} 个有[articles]的[trading_day]；现有 {n} 个）。",
    ),
    "empty_events": (
        "No [bullish] or [bearish] [article] with a complete price window in range.",
        "所选范围内没有具备完整[prices]窗口的[bullish]或[bearish][articles]。",
    ),
    "empty_sentences": (
        "No [sentence]s to show: select a scored [article].",
        "没有可显示的[sentence]：请选择一篇已评分的[article]。",
    ),
    # The aggregate layer at thousands of articles (per day and label) and the sentence strip's selection.
    "group_period": ("[Date]", "[date]"),
    "group_tone": ("Their mean [tone]", "平均[tone]"),
    "group_hint": (
        "zoom in (or narrow the [date] range) to see each [article]",
        "放大（或缩小[date]范围）可查看每篇[article]",
    ),
    "group_size": ("[Articles] per circle", "每个圆圈的[articles]数"),
    "sentence_hint": ("click: highlight it in the [text]", "点击：在[text]中标出该句"),
    # Significance, bands and the placebo (lead/lag, event study, tone z-score panels).
    "p": ("p (two-sided)", "p 值（双侧）"),
    "p_adjusted": ("p adjusted for the lags tested", "多重检验校正后的 p 值"),
    "verdict": ("After the correction", "校正后"),
    "lag_significant": ("significant", "显著"),
    "lag_chance": ("within chance", "不显著（可能是偶然）"),
    "placebo": ("placebo: {n} random days × {draws}", "安慰剂：{n} 个随机日 × {draws} 次"),
    "placebo_title": ("Placebo", "安慰剂"),
    "zscore": ("[Tone] z-score vs its baseline", "[tone] z 值（相对基线）"),
    "baseline": ("Baseline [tone]", "基线[tone]"),
    "empty_zscore": (
        "No z-score yet: the baseline needs 3+ earlier periods with [articles].",
        "尚无 z 值：基线至少需要此前 3 个有[articles]的时期。",
    ),
}
TEXT: dict[str, tuple[str, str]] = {key: with_terms(*pair) for key, pair in _MESSAGES.items()}


def text(key: str, lang: str = "en", **values: object) -> str:
    """A chart label in the chosen language (English when the language is unknown, the key when the key is)."""
    pair = TEXT.get(key)
    if pair is None:
        return key
    return (localise(pair[1], lang) if is_chinese(lang) else pair[0]).format(**values)


def label_legend(lang: str) -> alt.Legend:
    """The article-label legend: the colour domain stays the data's ids, the labels are the terms."""
    if not is_chinese(lang):
        return alt.Legend()
    cases = " : ".join(f"datum.label == '{name}' ? '{term(name, lang)}'" for name in LABEL_COLOURS)
    return alt.Legend(labelExpr=f"{cases} : datum.label")


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
