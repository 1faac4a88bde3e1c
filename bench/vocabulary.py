"""Word pools for the synthetic benchmark corpus: real lexicon terms, frame phrases and seed sentences.

Everything is read from data/ (lexicons, frames.toml, the bundled articles) so the corpus exercises the
same vocabulary the scorer matches; the short fixed lists below only give sentences their shape.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from analysis import DATA_DIR

_CJK = re.compile(r"[\u4e00-\u9fff]")
_LATIN_WORD = re.compile(r"^[A-Za-z][A-Za-z' -]{2,40}$")
_REGEX_CHARS = re.compile(r"[\\()\[\]{}|*+?^$.]")
_SENTENCE_END = re.compile(r"(?<=[。！？!?])|\n+|(?<=\.)\s+")

XIAOMI_ZH = ("小米集团", "小米", "小米集团", "小米汽车", "雷军", "小米SU7", "小米YU7", "小米手机")
XIAOMI_EN = (
    "Xiaomi",
    "Xiaomi Group",
    "Xiaomi",
    "Lei Jun",
    "Xiaomi's EV unit",
    "the Beijing-based phone maker",
)
OTHERS_ZH = (
    "华为",
    "比亚迪",
    "特斯拉",
    "蔚来",
    "理想汽车",
    "小鹏汽车",
    "苹果",
    "腾讯",
    "阿里巴巴",
    "美团",
    "京东",
    "联想",
)
OTHERS_EN = ("Huawei", "BYD", "Tesla", "NIO", "Li Auto", "XPeng", "Apple", "Tencent", "Alibaba", "Meituan")
GENERIC_ZH = ("该公司", "公司", "这家公司", "新能源车企", "手机厂商", "科技股", "港股科技板块", "市场")
GENERIC_EN = ("the company", "the firm", "the group", "the sector", "Hong Kong tech stocks", "the carmaker")
METRICS_ZH = ("营收", "净利润", "经调整净利润", "毛利率", "出货量", "交付量", "市值", "股价", "订单量", "经营现金流",
              "研发投入", "智能手机业务收入", "汽车业务毛利", "IoT业务收入", "互联网服务收入")  # fmt: skip
METRICS_EN = ("revenue", "net profit", "adjusted net income", "gross margin", "smartphone shipments",
              "EV deliveries", "market value", "order backlog", "operating cash flow", "R&D spending")  # fmt: skip
PERIODS_ZH = (
    "第一季度",
    "第二季度",
    "第三季度",
    "第四季度",
    "上半年",
    "前三季度",
    "本月",
    "上周",
    "今年以来",
    "去年同期",
)
PERIODS_EN = ("in the first quarter", "in the second quarter", "in the third quarter", "in the fourth quarter",
              "in the first half", "this month", "last week", "so far this year")  # fmt: skip
ANALYSTS_ZH = (
    "高盛",
    "摩根士丹利",
    "中金公司",
    "花旗",
    "瑞银",
    "摩根大通",
    "中信证券",
    "华泰证券",
    "美银证券",
)
ANALYSTS_EN = ("Goldman Sachs", "Morgan Stanley", "CICC", "Citi", "UBS", "JPMorgan", "Jefferies", "BofA")
LEADS_ZH = (
    "市场认为,",
    "分析人士指出,",
    "据报道,",
    "业内人士表示,",
    "有投资者担心,",
    "值得注意的是,",
    "",
    "",
    "",
)
CITIES_ZH = ("北京", "上海", "深圳", "香港", "武汉", "广州")
NEUTRAL_ZH = (
    "{city}{month}月{day}日电,{co}将于{month}月{day}日举行新品发布会。",
    "当日恒生指数收报{num4}点,成交额{num3}亿港元。",
    "据悉,本次活动共有{num3}家媒体和{num2}位分析师参加。",
    "{co}的总部位于{city},员工总数约{num2}万人。",
    "记者{month}月{day}日从{city}获悉,相关展会将持续{num1}天。",
    "截至{month}月{day}日发稿,{co}方面未就此事作出回应。",
    "更多细节将在{month}月{day}日的业绩会上公布。",
    "本次发布会在{city}举行,现场约有{num3}名观众。",
    "恒生科技指数当日收报{num4}点,南向资金净买入{num2}亿港元。",
    "根据公告,{co}将于{month}月{day}日召开董事会会议。",
)
NEUTRAL_EN = (
    "{co} will hold a product launch in {city_en} on {month_en} {day}.",
    "The Hang Seng Index closed at {num5} points, with turnover of HK${num3} billion.",
    "{co} did not respond to a request for comment by press time on {month_en} {day}.",
    "The company is headquartered in Beijing and employs about {num2},{num3} people.",
    "More details are expected at the results briefing on {month_en} {day}.",
    "The board will meet on {month_en} {day} to review the results.",
    "Southbound investors bought a net HK${num1}.{num1} billion of Hong Kong shares on the day.",
)
CITIES_EN = ("Beijing", "Shanghai", "Shenzhen", "Hong Kong", "Wuhan")
MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
             "November", "December")  # fmt: skip
POSITIVE_EN = ("surged", "beat estimates", "hit a record high", "rallied", "outperformed", "raised guidance",
               "won market share", "posted strong growth", "was upgraded", "exceeded expectations")  # fmt: skip
NEGATIVE_EN = ("slumped", "missed estimates", "fell to a six-month low", "came under pressure", "cut guidance",
               "faced a recall", "was downgraded", "drew regulatory scrutiny", "lost market share",
               "warned of weaker demand")  # fmt: skip


@dataclass(frozen=True)
class Vocabulary:
    """Every pool the generator draws from, and a hash of them (the corpus changes when they do)."""

    positive_zh: tuple[str, ...]
    negative_zh: tuple[str, ...]
    frames_zh: tuple[str, ...]
    frames_en: tuple[str, ...]
    seed_zh: tuple[str, ...]
    seed_en: tuple[str, ...]
    digest: str


def _read_words(path: Path) -> list[str]:
    if not path.exists():
        return []
    words = [w.strip() for w in path.read_text(encoding="utf-8").splitlines()]
    # Two to four Hanzi: words that read naturally inside a template sentence.
    return [w for w in words if 2 <= len(w) <= 4 and all(_CJK.match(c) for c in w)]


def _toml_strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _toml_strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _toml_strings(v)]
    return []


def _frame_phrases(path: Path) -> tuple[list[str], list[str]]:
    """Phrases from frames.toml's patterns (CJK and English); 'A…B' keeps its gap marker, '*' is dropped."""
    if not path.exists():
        return [], []
    with path.open("rb") as handle:
        config = tomllib.load(handle)
    frames = config.get("frames")
    if isinstance(frames, dict):
        strings = [s for f in frames.values() if isinstance(f, dict)
                   for s in _toml_strings([f.get("patterns", []), f.get("weak", [])])]  # fmt: skip
    else:
        strings = _toml_strings(config)
    phrases = {s.strip().replace("...", "…").replace("*", "") for s in strings}
    literal = [s for s in phrases if s and not _REGEX_CHARS.search(s)]
    zh = sorted({s for s in literal if _CJK.search(s) and 2 <= len(s) <= 12})
    en = sorted({s for s in literal if not _CJK.search(s) and _LATIN_WORD.match(s.replace("…", " "))})
    return zh, en


def _seed_sentences(folder: Path) -> tuple[list[str], list[str]]:
    zh: list[str] = []
    en: list[str] = []
    for path in sorted(folder.glob("*.txt")) + sorted(folder.glob("*.md")):
        text = path.read_text(encoding="utf-8", errors="replace")
        for sentence in _SENTENCE_END.split(text):
            sentence = sentence.strip()
            if "http" in sentence or sentence.startswith(("#", "!", "---", "title:", "url:")):
                continue
            if _CJK.search(sentence) and 12 <= len(sentence) <= 160:
                zh.append(sentence)
            elif not _CJK.search(sentence) and 40 <= len(sentence) <= 300:
                en.append(sentence)
    return sorted(set(zh)), sorted(set(en))


def _simplified(items: list[str]) -> list[str]:
    import opencc

    converter = opencc.OpenCC("t2s")
    return sorted({converter.convert(item) for item in items})


def load_vocabulary(data_dir: Path | None = None) -> Vocabulary:
    """The pools from data_dir (default: the bundled data), with fallbacks so the generator always runs."""
    data = Path(data_dir) if data_dir else DATA_DIR
    lex = data / "lexicons"
    positive = sorted(
        set(_read_words(lex / "jiang2020/positive.txt") + _read_words(lex / "yao2021/formal_positive.txt"))
    )
    negative = sorted(
        set(_read_words(lex / "jiang2020/negative.txt") + _read_words(lex / "yao2021/formal_negative.txt"))
    )
    frames_zh, frames_en = _frame_phrases(data / "frames.toml")
    seed_zh, seed_en = _seed_sentences(data / "articles")
    # Chinese pools are kept in simplified script; traditional articles are converted as a whole.
    frames_zh, seed_zh = _simplified(frames_zh), _simplified(seed_zh)
    pools = {
        "positive_zh": positive or ["增长", "改善", "突破", "领先"],
        "negative_zh": negative or ["下滑", "亏损", "承压", "风险"],
        "frames_zh": frames_zh or ["市值突破", "信任危机", "召回", "目标价上调", "估值修复", "毛利率提升"],
        "frames_en": frames_en
        or ["record high", "recall", "price target", "trust crisis", "margin expansion"],
        "seed_zh": seed_zh or ["小米集团股价表现亮眼,市场情绪明显回暖。"],
        "seed_en": seed_en or ["Xiaomi's shares swung sharply as investors weighed the recall."],
    }
    digest = hashlib.sha256(repr(sorted(pools.items())).encode()).hexdigest()[:12]
    return Vocabulary(**{k: tuple(v) for k, v in pools.items()}, digest=digest)
