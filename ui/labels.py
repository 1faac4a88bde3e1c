"""The dashboard's words in English and Chinese: the product's terms, UI messages, label/basis/language names."""

from __future__ import annotations

import math
import re
from functools import lru_cache

from analysis.errors import ConfigError
from analysis.frame_names import chinese_names, frame_words
from analysis.text.script import to_simplified, to_traditional

UI_LANGS = ("en", "zh", "zh-Hant")
UI_LANG_NAMES = {"en": "English", "zh": "简体中文", "zh-Hant": "繁體中文"}


def is_chinese(lang: str) -> bool:
    """Simplified or traditional Chinese labels."""
    return lang in ("zh", "zh-Hant")


@lru_cache(maxsize=8192)
def _traditional(text: str) -> str:
    return to_traditional(text)


@lru_cache(maxsize=4096)
def _simplified(text: str) -> str:
    return to_simplified(text)


def localise(chinese: str, lang: str) -> str:
    """A Chinese label in the UI's script: written simplified once, converted by the product's converter."""
    return _traditional(chinese) if lang == "zh-Hant" else chinese


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
    word = localise(chinese, lang) if is_chinese(lang) else english
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
    # -- the dashboard round (#12) --------------------------------------------------------------------
    "signal_tone": ("[finance_scorer]", "[finance_scorer]"),
    "signal_snownlp": ("SnowNLP", "SnowNLP"),
    "main_without_signal": (
        "{n} [articles] in range have no {signal} score: they are left out of its points and line, and counted "
        "in the KPIs; the [share_price] stays.",
        "范围内有 {n} 篇[articles]没有 {signal} 分数:不计入其点与折线,但计入指标;[share_price]照常显示。",
    ),
    "main_undated": (
        "{n} [articles] have only an [inferred] [date] range: drawn as that range (bar), and left out of the "
        "[tone_index], [shift]s, lead/lag and event study, which need a day.",
        "{n} 篇[articles]只有[inferred]的[date]范围:以该范围(横条)显示,不计入需要具体日期的[tone_index]、"
        "[shift]、领先/滞后与事件研究。",
    ),
    "kpi_of_n": ("over {n} with it", "基于 {n} 篇"),
    "preset": ("Period", "时段"),
    "preset_1M": ("1M", "1个月"),
    "preset_3M": ("3M", "3个月"),
    "preset_YTD": ("YTD", "年初至今"),
    "preset_1Y": ("1Y", "1年"),
    "preset_all": ("All", "全部"),
    "search": ("Search the [articles]", "搜索[articles]"),
    "search_hint": ("words in the [title] or [text]", "[title]或[text]中的词"),
    "search_hits": ("{n} [articles] hold “{query}”", "{n} 篇[articles]含有“{query}”"),
    "page_overview": ("Overview", "概览"),
    "page_articles": ("[Articles]", "[articles]"),
    "page_market": ("Market", "市场"),
    "page_data": ("Data", "数据"),
    "shift_line": (
        "**{when}**: [tone] {before} → {after}; up: {up}; down: {down}",
        "**{when}**:[tone] {before} → {after};上升:{up};下降:{down}",
    ),
    "kpi_tone_change": ("[Tone] change", "[tone]变化"),
    "kpi_no_change": ("needs 2 periods", "至少需要 2 个[period]"),
    "kpi_since_shift": ("{change} since [shift] {date}", "[shift] {date} 以来 {change}"),
    "kpi_tone_change_help": (
        "[Tone_index] of the last [period] ({last}) minus the first ({first}); the note: since the latest [shift].",
        "最后一个[period]({last})的[tone_index]减去第一个({first});注:自最近一次[shift]以来。",
    ),
    "raw_daily": ("Raw daily line", "显示每日原始折线"),
    "raw_daily_help": (
        "Also draw the unsmoothed daily [tone_index] (noisy on days with few [articles]).",
        "同时绘制未平滑的每日[tone_index](文章少的日子波动大)。",
    ),
    "top_sentences": ("The evidence as [sentence]s, in range", "范围内的[sentence]证据"),
    "top_bullish": ("Most [bullish] [sentence]s", "最[bullish]的[sentence]"),
    "top_bearish": ("Most [bearish] [sentence]s", "最[bearish]的[sentence]"),
    "no_sentences": ("No scored [sentence]s in range.", "范围内没有已评分的[sentence]。"),
    "open_article": ("Open", "打开"),
    "no_signal_panel": (
        "No [article] in range has a {signal} score: choose the other [tone] to plot.",
        "范围内没有[article]带 {signal} 分数:请改选另一种[tone]。",
    ),
    # Live coverage (ui/live.py)
    "live_title": ("Live coverage", "实时跟踪"),
    "live_never": (
        "No update round has run yet: add a source below, then run `python -m analysis update` (or schedule it).",
        "尚未运行过更新:在下方添加来源,然后运行 `python -m analysis update`(或定时运行)。",
    ),
    "live_last": (
        "Last update round {round_id}: {status}, started {started}, {added} articles added.",
        "最近一次更新(第 {round_id} 轮):{status},开始于 {started},新增 {added} 篇文章。",
    ),
    "live_failed": ("Sources that failed: {names}", "失败的来源:{names}"),
    "live_sources": ("Followed sources ({file})", "跟踪的来源({file})"),
    "live_sources_save": ("Save sources", "保存来源"),
    "live_sources_saved": ("Saved: {n} sources, {enabled} enabled.", "已保存:{n} 个来源,启用 {enabled} 个。"),
    "alerts_title": ("Alerts", "警报"),
    "alerts_none": ("No alert has fired (rules: data/alerts.toml).", "尚无警报(规则:data/alerts.toml)。"),
    "emerging_title": ("Emerging narratives", "新兴叙事"),
    "emerging_help": (
        "Phrases whose share of recent stories rises sharply against their own history: no frame names them yet.",
        "近期报道中占比相对自身历史急剧上升的短语:尚无框架命名它们。",
    ),
    "emerging_none": ("No emerging narrative in the recent window.", "近期窗口内没有新兴叙事。"),
    "emerging_pick": ("Phrase", "短语"),
    "emerging_name": ("Frame name", "框架名称"),
    "emerging_polarity": ("Polarity", "极性"),
    "emerging_make": ("Make it a frame", "设为框架"),
    "emerging_made": (
        "Added the frame {frame} to {file}; rescoring.",
        "已将框架 {frame} 加入 {file},正在重新评分。",
    ),
    # price imports as batches: a level mismatch confirmed, an import undone
    "price_confirm_level": (
        "Import anyway: the level is right (another currency or unit is intended)",
        "仍然导入:价位无误(确为另一币种或单位)",
    ),
    "price_undo": ("Undo the last price import", "撤销上次[prices]导入"),
    "price_nothing_to_undo": ("No price import of {ticker} to undo.", "没有可撤销的 {ticker} [prices]导入。"),
    # What the lead/lag, event-study and z-score panels show and do not show (issue 13).
    "lead_lag_caption": (
        "Each bar is Pearson's r between a [trading_day]'s [tone] and the [return] k sessions away, with its 95% "
        "interval. Solid, starred bars survive the {correction} correction for the {n_tests} lags tested; faded "
        "ones are within chance. No r is shown below {min_n} days. An association on past days, not a cause.",
        "每根柱为某[trading_day][tone]与其后(或其前)第 k 个交易日[returns]的 Pearson 相关系数 r,附 95% 区间。"
        "实心并标 * 的柱在对 {n_tests} 个滞后期做 {correction} 多重检验校正后仍显著;浅色柱可能只是偶然。"
        "少于 {min_n} 天不显示 r。这是过去的相关,不是因果。",
    ),
    "event_caption": (
        "Lines: mean cumulative abnormal [return] around [bullish] and [bearish] [articles] ({model} model), "
        "shaded: each side's 95% band. Grey: the same over random days of the period, what no news looks "
        "like; a side inside the grey band is indistinguishable from it. Left out: {inferred} [article](s) with "
        "an [inferred] [date], {undated} undated. Overlapping windows make the bands, if anything, too narrow.",
        "折线:[bullish]与[bearish][articles]前后的平均累计超额[returns]({model} 模型),阴影为各自的 95% 区间。"
        "灰色:同期随机日的同一统计量,即“没有新闻”时的样子;落在灰带内的一方与其无从区分。"
        "未计入:{inferred} 篇[inferred][date]的[articles],{undated} 篇无[date]。窗口重叠会使区间偏窄。",
    ),
    "zscore_title": ("How unusual the [tone] is", "[tone]的异常程度"),
    "zscore_caption": (
        "Each day's [tone_index] against its own previous {window} days (financial news runs positive, so the "
        "level alone misleads): bars past ±2 are unusual days. It says how rare a day is, not what comes next.",
        "每天的[tone_index]相对其前 {window} 天的基线(财经新闻整体偏正面,只看水平会误导):"
        "超过 ±2 的柱为异常日。它说明某天有多罕见,并不预示之后的走势。",
    ),
    # the rerun's controls: cancel, time left, snownlp left out
    "cancel_run": ("Cancel the run", "取消本次运行"),
    "run_eta": ("about {eta} left", "约剩 {eta}"),
    "run_cancelled": (
        "The run was cancelled; the previous run stays current.",
        "已取消本次运行,上一次运行的结果仍然有效。",
    ),
    "rerun_snownlp": (
        "Include SnowNLP (slow: most of a large run's time)",
        "包含 SnowNLP(较慢:占大型运行的大部分时间)",
    ),
    # -- the explorer's sort, companies side by side, outlet names (#12) --
    "explorer_sort": ("Sort", "排序"),
    "sort_date_desc": ("[Date], newest first", "[date]：最新在前"),
    "sort_date_asc": ("[Date], oldest first", "[date]：最早在前"),
    "sort_tone_desc": ("[Tone], highest first", "[tone]：由高到低"),
    "sort_tone_asc": ("[Tone], lowest first", "[tone]：由低到高"),
    "sort_confidence_desc": ("Confidence, highest first", "置信度：由高到低"),
    "sort_confidence_asc": ("Confidence, lowest first", "置信度：由低到高"),
    "sort_relevance_desc": ("[Relevance], highest first", "[relevance]：由高到低"),
    "sort_relevance_asc": ("[Relevance], lowest first", "[relevance]：由低到高"),
    "sort_outlet_desc": ("[Outlet], Z → A", "[outlet]：倒序"),
    "sort_outlet_asc": ("[Outlet], A → Z", "[outlet]：顺序"),
    "sort_title_desc": ("[Title], Z → A", "[title]：倒序"),
    "sort_title_asc": ("[Title], A → Z", "[title]：顺序"),
    "sort_frames_desc": ("Most [frames] first", "[frames]最多在前"),
    "sort_frames_asc": ("Fewest [frames] first", "[frames]最少在前"),
    "compare_title": ("Companies side by side", "公司对比"),
    "compare": ("Companies to compare", "对比的公司"),
    "compare_pick": ("Choose companies", "选择公司"),
    "compare_none": ("Choose at least one company to compare.", "请至少选择一家公司进行对比。"),
    "compare_empty": (
        "No [tone_index] or [prices] for these companies in range.",
        "所选范围内这些公司没有[tone_index]或[prices]。",
    ),
    "compare_tone": ("[Tone_index]", "[tone_index]"),
    "compare_price": ("[Share_price]", "[share_price]"),
    "compare_date": ("[Period]", "[period]"),
    "compare_axis": ("z-score over the range (0 = its mean)", "区间内 z 分数（0 = 自身均值）"),
    "compare_company": ("Company", "公司"),
    "compare_series": ("Series", "序列"),
    "compare_raw": ("Value (tone or close)", "原值（[tone]或[close]）"),
    "compare_n": ("[Articles] (or trading days)", "[articles]数（或[trading_day]数）"),
    "compare_caption": (
        "Each company's [tone_index] (solid) and [share_price] (dashed, where stored) per [period], each as a "
        "z-score over the range: its value minus its own mean over the range, divided by its own standard "
        "deviation. Levels differ between companies; the z-score shows when each moved.",
        "每家公司每个[period]的[tone_index]（实线）与[share_price]（虚线，如有数据），均为区间内 z 分数："
        "数值减去其在区间内的均值，再除以其标准差。各公司水平不同，z 分数显示各自何时变动。",
    ),
    # #12: the main chart at thousands of articles; the sentence strip linked to the text, and its legend
    "main_grouped": (
        "{n} [articles], too many for one point each: each circle is one day's [articles] of one [label] at "
        "their mean [tone], sized by how many. Zoom in (scroll on the chart) or narrow the [date] range until "
        "it holds {limit} or fewer to see each [article] as a point.",
        "范围内共 {n} 篇[articles]:每个圆圈代表某一天同一[label]的[articles],位于其平均[tone]处,大小表示篇数。"
        "放大图表(在图上滚动)或缩小[date]范围,直到不超过 {limit} 篇,即可逐篇显示为圆点。",
    ),
    "legend_title": ("Colours", "颜色说明"),
    "legend_strip": ("Sentence bars: [tone] of each [sentence]", "句子条:每句的[tone]"),
    "legend_frame_bull": ("[bullish] [frame] phrase", "[bullish][frame]短语"),
    "legend_frame_bear": ("[bearish] [frame] phrase", "[bearish][frame]短语"),
    "legend_frame_context": ("context [frame] phrase", "背景[frame]短语"),
    "legend_negated": ("[negated] phrase", "[negated]短语"),
    "legend_tone_pos": ("positive [tone] word", "正面[tone]词"),
    "legend_tone_neg": ("negative [tone] word", "负面[tone]词"),
    "legend_search": ("search hit", "搜索命中"),
    "legend_sentence": ("the [sentence] clicked in the strip", "在句子条中点选的[sentence]"),
    "strip_hint": (
        "Click a bar to highlight its [sentence] in the [text].",
        "点击句子条中的一格,即可在[text]中标出该句。",
    ),
    "picked_sentence": ("[Sentence] {n}: {tone} ({label})", "第 {n} 句:{tone}({label})"),
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
    text = localise(chinese, lang) if is_chinese(lang) else english
    return text.format(**values) if values else text


def label_name(label: str | None, lang: str = "en") -> str:
    """An article or sentence label, or an evidence polarity (bullish, positive, context…), in the UI language."""
    if label is None or (isinstance(label, float) and math.isnan(label)):
        return ""
    names = LABEL_NAMES.get(str(label))
    return (localise(names[1], lang) if is_chinese(lang) else names[0]) if names else str(label)


def basis_name(basis: str | None, lang: str = "en") -> str:
    """How a date was found (manifest, dateline, URL…) in the UI language."""
    names = BASIS_NAMES.get(str(basis)) if basis else None
    return (localise(names[1], lang) if is_chinese(lang) else names[0]) if names else str(basis or "")


def language_name(code: str, lang: str = "en") -> str:
    """An article language code (zh-Hans, zh-Hant, en) as its name in the UI language."""
    names = LANGUAGE_NAMES.get(code)
    return (localise(names[1], lang) if is_chinese(lang) else names[0]) if names else code


def frame_name(frame: str | None, lang: str = "en") -> str:
    """A frame in the UI language: frames.toml's name_zh in Chinese (converted for zh-Hant), else the id's words
    ('market_cap_milestone' → 'market cap milestone'); ids stay the data."""
    if is_chinese(lang) and frame:
        try:
            name = chinese_names().get(str(frame))
        except ConfigError:  # a broken frames.toml: the page shows ids (scoring reports the file's error)
            name = None
        if name:  # written in either script: shown in the UI's
            return localise(_simplified(name), lang)
    return frame_words(frame)


def frame_list_name(listed: str | None, lang: str = "en", *, sep: str = ";") -> str:
    """A 'a;b;c' list of frame ids with each frame named in the UI language (the separator kept)."""
    if listed is None or (isinstance(listed, float) and math.isnan(listed)):
        return ""
    return sep.join(frame_name(frame, lang) if frame else frame for frame in str(listed).split(sep))


# Columns that hold frame ids (one, or a 'a;b;c' list) in the frames the charts and the text marks receive.
_FRAME_COLUMNS = {"frame": False, "dominant_frame": False, "top_frames": True, "frames": True}


def named_frames(rows, lang: str = "en"):
    """A copy of a frame (DataFrame) with its frame-id columns as names in the UI language, for display only."""
    if rows is None or not len(rows) or not any(column in rows.columns for column in _FRAME_COLUMNS):
        return rows
    named = rows.copy()
    for column, listed in _FRAME_COLUMNS.items():
        if column in named.columns:
            name = frame_list_name if listed else frame_name
            # Named once per distinct value: thousands of points hold a few frames.
            names = {value: name(value, lang) for value in named[column].dropna().unique()}
            named[column] = [names.get(value, value) for value in named[column]]
    return named


def named_shifts(shifts: list[dict], lang: str = "en") -> list[dict]:
    """The detected shifts with their frames up and down as names in the UI language, for display only."""
    return [
        {
            **shift,
            **{
                key: [frame_name(f, lang) for f in shift.get(key) or []]
                for key in ("frames_up", "frames_down")
            },
        }
        for shift in shifts
    ]
