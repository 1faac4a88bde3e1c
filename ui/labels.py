"""The dashboard's words in English and Chinese: UI labels, label/basis/language names."""

from __future__ import annotations

import math

UI_LANGS = ("en", "zh")

# Label text, English and Chinese; the keys are what the shell asks for.
TEXT: dict[str, tuple[str, str]] = {
    "title": ("Narrative Tone", "叙事情绪"),
    "subtitle": (
        "How the media story about {ticker} shifts, against its share price",
        "{ticker} 的媒体叙事如何变化,与股价对照",
    ),
    "filters": ("Filters", "筛选"),
    "ui_lang": ("Language / 语言", "Language / 语言"),
    "ticker": ("Company (ticker)", "公司(代码)"),
    "date_range": ("Date range", "日期范围"),
    "sources": ("Outlets", "媒体"),
    "languages": ("Article languages", "文章语言"),
    "frames": ("Frames", "叙事框架"),
    "all": ("All", "全部"),
    "tone_field": ("Tone to plot", "绘制的情绪"),
    "tone_finance": ("Finance scorer (tone)", "金融情绪模型 (tone)"),
    "tone_snownlp": ("SnowNLP product-review model (2p−1)", "SnowNLP 商品评论模型 (2p−1)"),
    "color_by": ("Colour points by", "点的颜色"),
    "color_label": ("Label", "标签"),
    "color_frame": ("Dominant frame", "主导框架"),
    "freq": ("Panels by", "面板周期"),
    "freq_W": ("Week", "周"),
    "freq_M": ("Month", "月"),
    "scoring": ("Scoring", "评分"),
    "rerun": ("Rerun scoring", "重新评分"),
    "rerun_help": (
        "Rescore every article with the current lexicons and frames, in a new run.",
        "用当前词典与框架重新为所有文章评分(新的评分批次)。",
    ),
    "run_going": ("Scoring run going…", "评分进行中…"),
    "run_busy": ("A scoring run is already going: {message}", "已有评分任务在进行:{message}"),
    "run_done": (
        "New scoring run #{run_id} ({scorer} {version}): {scored} articles rescored in {seconds:.1f}s",
        "新评分批次 #{run_id}({scorer} {version}):{scored} 篇文章,用时 {seconds:.1f} 秒",
    ),
    "run_failed": (
        "Scoring failed; the previous scores stay: {message}",
        "评分失败,保留之前的结果:{message}",
    ),
    "empty_db": (
        "The database has no articles yet. Run `make run` (it builds the database from the bundled "
        "corpus), or upload articles below.",
        "数据库里还没有文章。运行 `make run`(会用自带语料建库),或在下方上传文章。",
    ),
    "no_run": (
        "No scoring run for {ticker} yet: click **Rerun scoring** in the sidebar.",
        "{ticker} 还没有评分结果:点击侧栏的 **重新评分**。",
    ),
    "empty_filter": (
        "No scored article matches these filters: widen the date range or clear the outlet, "
        "language and frame filters.",
        "没有符合筛选条件的文章:放宽日期范围,或清除媒体、语言、框架筛选。",
    ),
    "kpi_articles": ("Articles in range", "范围内文章"),
    "kpi_tone": ("Mean tone", "平均情绪"),
    "kpi_balance": ("Bullish : bearish", "看多 : 看空"),
    "kpi_price": ("{ticker} change", "{ticker} 涨跌"),
    "kpi_run": ("Scoring run", "评分批次"),
    "kpi_none": ("none", "无"),
    "kpi_no_prices": ("no prices in range", "范围内无股价"),
    "kpi_others": ("{mixed} mixed · {neutral} neutral", "多空交织 {mixed} · 中性 {neutral}"),
    "kpi_days": ("over {days} days", "{days} 天内"),
    "kpi_finance": ("finance scorer", "金融情绪模型"),
    "kpi_snownlp": ("SnowNLP (2p−1)", "SnowNLP (2p−1)"),
    "kpi_run_help": ("{scored} articles scored, {reused} reused", "评分 {scored} 篇,沿用 {reused} 篇"),
    "main_chart": ("Share price and article tone", "股价与文章情绪"),
    "main_caption": (
        "Close on the left axis ({benchmark} rebased, faint); each article is a point on the "
        "tone axis (right), the line is the tone index; rules mark narrative shifts. "
        "Click a point to open the article below.",
        "左轴为收盘价({benchmark} 按比例重设,浅色);每篇文章是右轴情绪上的一个点,折线是情绪指数;"
        "竖线标出叙事转折。点击一个点可在下方打开该文章。",
    ),
    "main_sampled": (
        "Points: {shown} of {total} articles, each day's most relevant (relevance × confidence) first, so "
        "every day with articles has one; the line and the panels use every article.",
        "圆点为 {total} 篇中的 {shown} 篇:每天先取最相关(相关度 × 置信度)的文章,使每个有文章的日子都有点;"
        "折线与各面板使用全部文章。",
    ),
    "frame_mix": ("Frame mix over time", "叙事框架构成"),
    "source_tone": ("Tone per outlet", "各媒体情绪"),
    "lead_lag": ("Tone vs returns (lead/lag)", "情绪与收益(领先/滞后)"),
    "event_study": ("Event study around articles", "事件研究:文章前后的超额收益"),
    "n_articles": ("n = {n} articles", "n = {n} 篇文章"),
    "not_enough": ("Not enough data: {note}", "数据不足:{note}"),
    "explorer": ("Article explorer", "文章浏览"),
    "pick_article": ("Article", "文章"),
    "too_many": (
        "Showing the newest {shown} of {total} articles in the picker: narrow the filters for the rest.",
        "选择框仅列出最新的 {shown} 篇(共 {total} 篇):缩小筛选范围以查看其余文章。",
    ),
    "table_page": (
        "Rows {first}–{last} of {total}, by date.",
        "第 {first}–{last} 行,共 {total} 行,按日期排序。",
    ),
    "page": ("Page", "页"),
    "evidence": ("Text with evidence (bullish green, bearish red)", "正文与证据(看多绿色,看空红色)"),
    "sentences": ("Sentence by sentence", "逐句情绪"),
    "finance_tone": ("Finance tone", "金融情绪"),
    "snownlp_tone": ("SnowNLP (2p−1)", "SnowNLP (2p−1)"),
    "snownlp_help": (
        "SnowNLP is a product-review sentiment model, not a finance one: its P(positive) is shown "
        "as 2p−1 so it shares the finance tone's −1…+1 scale.",
        "SnowNLP 是商品评论情感模型,不是金融模型:其 P(正面) 以 2p−1 显示,与金融情绪同为 −1…+1。",
    ),
    "price_mentions": ("Share prices the article states", "文中提到的股价"),
    "no_mentions": ("The article states no share price.", "文中没有提到股价。"),
    "data": ("Data", "数据"),
    "upload_articles": ("Upload articles (txt, md, html, jsonl, csv)", "上传文章(txt、md、html、jsonl、csv)"),
    "ingest": ("Ingest and score", "导入并评分"),
    "upload_prices": (
        "Upload a price CSV (Yahoo, akshare or date,close)",
        "上传股价 CSV(Yahoo、akshare 或 date,close)",
    ),
    "price_ticker": ("Ticker of the price file", "股价文件的代码"),
    "import_prices": ("Import prices", "导入股价"),
    "imported_prices": ("Imported {rows} days of {ticker}.", "已导入 {ticker} 的 {rows} 个交易日。"),
    "download": ("Download the filtered, scored articles (CSV)", "下载筛选后的评分结果(CSV)"),
    "ingest_done": (
        "{files} file(s): {added} article(s) added, {stored} already stored, {rejected} rejected.",
        "{files} 个文件:新增 {added} 篇,已存在 {stored} 篇,拒收 {rejected} 个。",
    ),
    "no_prices": (
        "No prices for {ticker}: upload a price CSV in the Data section.",
        "没有 {ticker} 的股价:在“数据”部分上传股价 CSV。",
    ),
    "inferred": ("inferred", "推断"),
}

LABEL_NAMES = {"bullish": ("bullish", "看多"), "bearish": ("bearish", "看空"),
               "mixed": ("mixed", "多空交织"), "neutral": ("neutral", "中性")}  # fmt: skip
BASIS_NAMES = {
    "manifest": ("manifest", "清单"), "front_matter": ("front matter", "文件头"), "header": ("dateline", "正文日期"),
    "url": ("URL", "网址"), "relative": ("relative date", "相对日期"), "event": ("event date", "事件日期"),
    "inferred": ("inferred", "推断"), "none": ("unknown", "未知"),
}  # fmt: skip


LANGUAGE_NAMES = {"zh-Hans": ("Simplified Chinese", "简体中文"), "zh-Hant": ("Traditional Chinese", "繁体中文"),
                  "en": ("English", "英文")}  # fmt: skip


def t(key: str, lang: str = "en", **values: object) -> str:
    """The label for key in the UI language ('en' or 'zh'), with {placeholders} filled."""
    english, chinese = TEXT[key]
    text = chinese if lang == "zh" else english
    return text.format(**values) if values else text


def label_name(label: str | None, lang: str = "en") -> str:
    """An article label (bullish, bearish…) in the UI language."""
    if label is None or (isinstance(label, float) and math.isnan(label)):
        return ""
    names = LABEL_NAMES.get(str(label))
    return (names[1] if lang == "zh" else names[0]) if names else str(label)


def basis_name(basis: str | None, lang: str = "en") -> str:
    names = BASIS_NAMES.get(str(basis)) if basis else None
    return (names[1] if lang == "zh" else names[0]) if names else str(basis or "")


def language_name(code: str, lang: str = "en") -> str:
    names = LANGUAGE_NAMES.get(code)
    return (names[1] if lang == "zh" else names[0]) if names else code


def frame_name(frame: str | None) -> str:
    """A frame id as words ('market_cap_milestone' → 'market cap milestone'); ids stay the data."""
    return str(frame or "").replace("_", " ")
