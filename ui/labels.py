"""The dashboard's words in English and Chinese: the product's terms, UI messages, label/basis/language names."""

from __future__ import annotations

import math
import re

UI_LANGS = ("en", "zh")
UI_LANG_NAMES = {"en": "English", "zh": "中文"}

# The product's vocabulary, each term written once per language. Messages here and in ui/charts/ name a term
# as [term] ([Term] capitalises the English), so a word such as tone reads the same on every widget and chart.
TERMS: dict[str, tuple[str, str]] = {
    "tone": ("tone", "情绪"),
    "tone_index": ("tone index", "情绪指数"),
    "frame": ("frame", "框架"),
    "frames": ("frames", "框架"),
    "stance": ("stance", "立场"),
    "label": ("label", "标签"),
    "bullish": ("bullish", "看多"),
    "bearish": ("bearish", "看空"),
    "mixed": ("mixed", "多空交织"),
    "neutral": ("neutral", "中性"),
    "positive": ("positive", "正面"),
    "negative": ("negative", "负面"),
    "context": ("context", "背景"),
    "negated": ("negated", "否定"),
    "outlet": ("outlet", "媒体"),
    "outlets": ("outlets", "媒体"),
    "article": ("article", "文章"),
    "articles": ("articles", "文章"),
    "sentence": ("sentence", "句子"),
    "evidence": ("evidence", "证据"),
    "relevance": ("relevance", "相关度"),
    "polarity": ("polarity", "方向"),
    "share": ("share", "占比"),
    "date": ("date", "日期"),
    "title": ("title", "标题"),
    "text": ("text", "文本"),
    "period": ("period", "时期"),
    "close": ("close", "收盘价"),
    "share_price": ("share price", "股价"),
    "prices": ("prices", "股价"),
    "return": ("return", "收益"),
    "returns": ("returns", "收益"),
    "trading_day": ("trading day", "交易日"),
    "shift": ("shift", "转折"),
    "inferred": ("inferred", "推断"),
    "unknown": ("unknown", "未知"),
    "scoring_run": ("scoring run", "评分批次"),
    "finance_scorer": ("finance scorer", "金融情绪模型"),
}

_TERM = re.compile(r"\[([A-Za-z_]+)\]")


def term(name: str, lang: str = "en") -> str:
    """One term of the vocabulary in the UI language; a capitalised name ('Tone') capitalises the English."""
    english, chinese = TERMS[name.lower()]
    word = chinese if lang == "zh" else english
    return word[:1].upper() + word[1:] if name[:1].isupper() else word


def with_terms(english: str, chinese: str) -> tuple[str, str]:
    """A message pair with its [term] marks replaced by the vocabulary; an unknown term fails at import."""
    return (
        _TERM.sub(lambda match: term(match.group(1), "en"), english),
        _TERM.sub(lambda match: term(match.group(1), "zh"), chinese),
    )


# Message text, English and Chinese, written with [term] marks; the keys are what the shell asks for.
_MESSAGES: dict[str, tuple[str, str]] = {
    "title": ("Narrative [Tone]", "叙事[tone]"),
    "subtitle": (
        "How the media story about {ticker} shifts, against its [share_price]",
        "{ticker} 的媒体叙事如何变化,与[share_price]对照",
    ),
    "filters": ("Filters", "筛选"),
    "ui_lang": ("Language / 语言", "Language / 语言"),
    "ticker": ("Company (ticker)", "公司(代码)"),
    "date_range": ("[Date] range", "[date]范围"),
    "sources": ("[Outlets]", "[outlets]"),
    "languages": ("[Article] languages", "[article]语言"),
    "frames": ("[Frames]", "[frames]"),
    "all": ("All", "全部"),
    "tone_field": ("[Tone] to plot", "绘制的[tone]"),
    "tone_finance": ("[Finance_scorer] (tone)", "[finance_scorer] (tone)"),
    "tone_snownlp": ("SnowNLP product-review model (2p−1)", "SnowNLP 商品评论模型 (2p−1)"),
    "color_by": ("Colour points by", "点的颜色"),
    "color_label": ("[Label]", "[label]"),
    "color_frame": ("Dominant [frame]", "主导[frame]"),
    "freq": ("Panels by", "面板周期"),
    "freq_W": ("Week", "周"),
    "freq_M": ("Month", "月"),
    "scoring": ("Scoring", "评分"),
    "rerun": ("Rerun scoring", "重新评分"),
    "rerun_help": (
        "Rescore every [article] with the current lexicons and [frames], in a new run.",
        "用当前词典与[frames]重新为所有[articles]评分(新的[scoring_run])。",
    ),
    "run_going": ("Scoring run going…", "评分进行中…"),
    "run_busy": ("A [scoring_run] is already going: {message}", "已有评分任务在进行:{message}"),
    "run_done": (
        "New [scoring_run] #{run_id} ({scorer} {version}): {scored} [articles] rescored in {seconds:.1f}s",
        "新[scoring_run] #{run_id}({scorer} {version}):{scored} 篇[articles],用时 {seconds:.1f} 秒",
    ),
    "run_failed": (
        "Scoring failed; the previous scores stay: {message}",
        "评分失败,保留之前的结果:{message}",
    ),
    "empty_db": (
        "The database has no [articles] yet. Run `make run` (it builds the database from the bundled "
        "corpus), or upload [articles] below.",
        "数据库里还没有[articles]。运行 `make run`(会用自带语料建库),或在下方上传[articles]。",
    ),
    "no_run": (
        "No [scoring_run] for {ticker} yet: click **Rerun scoring** in the sidebar.",
        "{ticker} 还没有评分结果:点击侧栏的 **重新评分**。",
    ),
    "empty_filter": (
        "No scored [article] matches these filters: widen the [date] range or clear the [outlet], "
        "language and [frame] filters.",
        "没有符合筛选条件的[articles]:放宽[date]范围,或清除[outlets]、语言、[frame]筛选。",
    ),
    "kpi_articles": ("[Articles] in range", "范围内[articles]"),
    "kpi_tone": ("Mean [tone]", "平均[tone]"),
    "kpi_balance": ("[Bullish] : [bearish]", "[bullish] : [bearish]"),
    "kpi_price": ("{ticker} change", "{ticker} 涨跌"),
    "kpi_run": ("[Scoring_run]", "[scoring_run]"),
    "kpi_none": ("none", "无"),
    "kpi_no_prices": ("no [prices] in range", "范围内无[prices]"),
    "kpi_others": ("{mixed} [mixed] · {neutral} [neutral]", "[mixed] {mixed} · [neutral] {neutral}"),
    "kpi_days": ("over {days} days", "{days} 天内"),
    "kpi_finance": ("[finance_scorer]", "[finance_scorer]"),
    "kpi_snownlp": ("SnowNLP (2p−1)", "SnowNLP (2p−1)"),
    "kpi_run_help": ("{scored} [articles] scored, {reused} reused", "评分 {scored} 篇,沿用 {reused} 篇"),
    "main_chart": ("[Share_price] and [article] [tone]", "[share_price]与[article][tone]"),
    "main_caption": (
        "Close on the left axis ({benchmark} rebased, faint); each [article] is a point on the "
        "[tone] axis (right), the line is the [tone_index]; rules mark narrative [shift]s. "
        "Click a point to open the [article] below.",
        "左轴为[close]({benchmark} 按比例重设,浅色);每篇[article]是右轴[tone]上的一个点,折线是[tone_index];"
        "竖线标出叙事[shift]。点击一个点可在下方打开该[article]。",
    ),
    "main_sampled": (
        "Points: {shown} of {total} [articles], each day's most relevant ([relevance] × confidence) first, so "
        "every day with [articles] has one; the line and the panels use every [article].",
        "圆点为 {total} 篇中的 {shown} 篇:每天先取最相关([relevance] × 置信度)的[articles],使每个有[articles]的日子都有点;"
        "折线与各面板使用全部[articles]。",
    ),
    "frame_mix": ("[Frame] mix over time", "[frame]构成"),
    "source_tone": ("[Tone] per [outlet]", "各[outlet][tone]"),
    "lead_lag": ("[Tone] vs [returns] (lead/lag)", "[tone]与[returns](领先/滞后)"),
    "lead_lag_days": ("n = {n} [trading_day]s with [articles]", "n = {n} 个有[articles]的[trading_day]"),
    "event_study": ("Event study around [articles]", "事件研究:[articles]前后的超额[returns]"),
    "n_articles": ("n = {n} [articles]", "n = {n} 篇[articles]"),
    "not_enough": ("Not enough data: {note}", "数据不足:{note}"),
    "explorer": ("[Article] explorer", "[article]浏览"),
    "pick_article": ("[Article]", "[article]"),
    # The explorer table's column headers (ui/tables.EXPLORER_COLUMNS): col_ + the column.
    "col_date": ("[Date]", "[date]"),
    "col_date_basis": ("[Date] basis", "[date]依据"),
    "col_outlet": ("[Outlet]", "[outlet]"),
    "col_title": ("[Title]", "[title]"),
    "col_tone": ("[Tone]", "[tone]"),
    "col_label": ("[Label]", "[label]"),
    "col_frames": ("[Frames]", "[frames]"),
    "too_many": (
        "Showing the newest {shown} of {total} [articles] in the picker: narrow the filters for the rest.",
        "选择框仅列出最新的 {shown} 篇(共 {total} 篇):缩小筛选范围以查看其余[articles]。",
    ),
    "table_page": (
        "Rows {first}–{last} of {total}, by [date].",
        "第 {first}–{last} 行,共 {total} 行,按[date]排序。",
    ),
    "page": ("Page", "页"),
    "evidence": (
        "[Text] with [evidence] ([bullish] green, [bearish] red)",
        "正文与[evidence]([bullish]绿色,[bearish]红色)",
    ),
    "sentences": ("[Sentence] by [sentence]", "逐句[tone]"),
    "finance_tone": ("Finance [tone]", "金融[tone]"),
    "snownlp_tone": ("SnowNLP (2p−1)", "SnowNLP (2p−1)"),
    "snownlp_help": (
        "SnowNLP is a product-review sentiment model, not a finance one: its P([positive]) is shown "
        "as 2p−1 so it shares the finance [tone]'s −1…+1 scale.",
        "SnowNLP 是商品评论情感模型,不是金融模型:其 P([positive]) 以 2p−1 显示,与金融[tone]同为 −1…+1。",
    ),
    "price_mentions": ("[Share_price]s the [article] states", "文中提到的[share_price]"),
    "no_mentions": ("The [article] states no [share_price].", "文中没有提到[share_price]。"),
    "data": ("Data", "数据"),
    "upload_articles": (
        "Upload [articles] (txt, md, html, jsonl, csv)",
        "上传[articles](txt、md、html、jsonl、csv)",
    ),
    "ingest": ("Ingest and score", "导入并评分"),
    "upload_prices": (
        "Upload a price CSV (Yahoo, akshare or date,close)",
        "上传[prices] CSV(Yahoo、akshare 或 date,close)",
    ),
    "price_ticker": ("Ticker of the price file", "[prices]文件的代码"),
    "import_prices": ("Import [prices]", "导入[prices]"),
    "imported_prices": ("Imported {rows} days of {ticker}.", "已导入 {ticker} 的 {rows} 个[trading_day]。"),
    "download": (
        "Download the filtered, scored [articles] (CSV)",
        "下载筛选后的评分结果(CSV)",
    ),
    "ingest_done": (
        "{files} file(s): {added} [article](s) added, {stored} already stored, {rejected} rejected.",
        "{files} 个文件:新增 {added} 篇,已存在 {stored} 篇,拒收 {rejected} 个。",
    ),
    "no_prices": (
        "No [prices] for {ticker}: upload a price CSV in the Data section.",
        "没有 {ticker} 的[prices]:在“数据”部分上传[prices] CSV。",
    ),
    # The analyst's corrections (ui/corrections.py).
    "corrections_title": ("Correct the labels", "修正标签"),
    "correct_stance": ("Article stance", "文章立场"),
    "correct_sentences": ("Sentence labels", "句子标签"),
    "correct_frames_too": ("Correct frames too", "同时修正框架"),
    "correct_frame": ("Frame", "框架"),
    "correct_no_frame": ("(no frame)", "(无框架)"),
    "correct_saved": (
        "Saved: {what} is now {new}; the article was rescored.",
        "已保存:{what} 改为 {new},文章已重新评分。",
    ),
    "correct_the_stance": ("the stance", "立场"),
    "correct_sentence_n": ("sentence {n}", "第 {n} 句"),
    "correct_frame_n": ("the frame of sentence {n}", "第 {n} 句的框架"),
    "correct_retrain": ("Retrain with corrections", "用修正重新训练"),
    "correct_retrain_help": (
        "Rebuild the tone model from data/training/ plus the corrections in force, then rescore (a few minutes).",
        "用 data/training/ 与生效的修正重建情绪模型,然后重新评分(需几分钟)。",
    ),
    "correct_status": (
        "Corrections: {in_force} in force ({total} made), {not_learned} newer than the learned model.",
        "修正:生效 {in_force} 条(共 {total} 条),其中 {not_learned} 条尚未被学习模型使用。",
    ),
    "inferred": ("[inferred]", "[inferred]"),
    "unknown_outlet": ("([unknown])", "([unknown])"),
}
TEXT: dict[str, tuple[str, str]] = {key: with_terms(*pair) for key, pair in _MESSAGES.items()}

# Article labels (the finance scorer's stance), sentence labels and evidence polarities, as terms.
LABEL_NAMES = {
    name: TERMS[name]
    for name in ("bullish", "bearish", "mixed", "neutral", "positive", "negative", "context")
}
# How an article's date was found (Article.published_basis).
BASIS_NAMES = {
    "manifest": ("manifest", "清单"), "front_matter": ("front matter", "文件头"), "header": ("dateline", "正文日期"),
    "url": ("URL", "网址"), "relative": ("relative date", "相对日期"), "event": ("event date", "事件日期"),
    "inferred": TERMS["inferred"], "none": TERMS["unknown"],
    "ambiguous": ("ambiguous date (day/month order)", "日期不确定（日月顺序）"),
}  # fmt: skip

LANGUAGE_NAMES = {"zh-Hans": ("Simplified Chinese", "简体中文"), "zh-Hant": ("Traditional Chinese", "繁体中文"),
                  "en": ("English", "英文")}  # fmt: skip


def t(key: str, lang: str = "en", **values: object) -> str:
    """The message for key in the UI language ('en' or 'zh'), with {placeholders} filled."""
    english, chinese = TEXT[key]
    text = chinese if lang == "zh" else english
    return text.format(**values) if values else text


def label_name(label: str | None, lang: str = "en") -> str:
    """An article or sentence label, or an evidence polarity (bullish, positive, context…), in the UI language."""
    if label is None or (isinstance(label, float) and math.isnan(label)):
        return ""
    names = LABEL_NAMES.get(str(label))
    return (names[1] if lang == "zh" else names[0]) if names else str(label)


def basis_name(basis: str | None, lang: str = "en") -> str:
    """How a date was found (manifest, dateline, URL…) in the UI language."""
    names = BASIS_NAMES.get(str(basis)) if basis else None
    return (names[1] if lang == "zh" else names[0]) if names else str(basis or "")


def language_name(code: str, lang: str = "en") -> str:
    """An article language code (zh-Hans, zh-Hant, en) as its name in the UI language."""
    names = LANGUAGE_NAMES.get(code)
    return (names[1] if lang == "zh" else names[0]) if names else code


def frame_name(frame: str | None) -> str:
    """A frame id as words ('market_cap_milestone' → 'market cap milestone'); ids stay the data."""
    return str(frame or "").replace("_", " ")
