"""A deterministic synthetic news corpus for the benchmark: real vocabulary, realistic shapes, real files.

Article i depends only on (seed, i), so a quick corpus is a prefix of a large one and any article can be
regenerated alone (near-duplicates and the 1% changed copies are built that way).
"""

from __future__ import annotations

import json
import random
import re
import shutil
from dataclasses import dataclass, replace
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

from bench import vocabulary as V

GENERATOR_VERSION = 3
DEFAULT_SEED = 20240101
LANGUAGE_WEIGHTS = {"zh-Hans": 0.60, "zh-Hant": 0.25, "en": 0.15}
NEAR_DUPLICATE_RATE = 0.02
FORMAT_WEIGHTS = {"jsonl": 0.90, "md": 0.05, "txt": 0.05}
SHARD_ROWS = 1000
FIRST_DAY, DAYS = date(2024, 1, 1), (date(2025, 12, 31) - date(2024, 1, 1)).days + 1
ABOUT_COMPANY_RATE = 0.75  # the rest are about peers and mention the company in passing, or not at all

# 20 outlets: (name, domain, OpenCC conversion for the traditional ones)
OUTLETS: dict[str, tuple[tuple[str, str, str | None], ...]] = {
    "zh-Hans": (("新浪财经", "finance.sina.com.cn", None), ("证券时报", "stcn.com", None),
                ("第一财经", "yicai.com", None), ("财新网", "caixin.com", None),
                ("21世纪经济报道", "21jingji.com", None), ("界面新闻", "jiemian.com", None),
                ("澎湃新闻", "thepaper.cn", None), ("每日经济新闻", "nbd.com.cn", None),
                ("经济观察网", "eeo.com.cn", None), ("36氪", "36kr.com", None),
                ("格隆汇", "gelonghui.com", None), ("智通财经", "zhitongcaijing.com", None)),
    "zh-Hant": (("香港經濟日報", "hket.com", "s2hk"), ("信報財經新聞", "hkej.com", "s2hk"),
                ("明報", "mingpao.com", "s2hk"), ("鉅亨網", "cnyes.com", "s2tw"),
                ("工商時報", "ctee.com.tw", "s2tw")),
    "en": (("Reuters", "reuters.com", None), ("South China Morning Post", "scmp.com", None),
           ("CNBC", "cnbc.com", None)),
}  # fmt: skip

HEADERS = {
    "zh": ("首页 > 财经 > 港股 > 正文", "{outlet} | 财经频道", "分享到:微信 微博 QQ空间", "字号:大 中 小",
           "首页 > 全部资讯 > 行业新闻", "APP下载 | 登录 | 注册"),
    "en": ("Home > Markets > Asia", "Share this article", "Advertisement", "Sign in | Subscribe",
           "Markets | Technology | Autos"),
}  # fmt: skip
FOOTERS = {
    "zh": ("责任编辑:{editor}", "免责声明:本文仅代表作者个人观点,不构成投资建议。", "Copyright © 2025 {outlet} 版权所有",
           "相关阅读", "扫码关注我们,获取更多财经资讯", "粤ICP备{num}号-1"),
    "en": ("Copyright © 2025 {outlet}. All Rights Reserved.", "Reporting by {editor}; Editing by Staff",
           "Related coverage", "Sign up for our newsletter", "Our Standards: The Trust Principles."),
}  # fmt: skip
EDITORS = ("张恒", "李娜", "王磊", "陈静", "刘洋", "Kane Wu", "Julie Zhu", "Josh Ye")


@dataclass(frozen=True)
class SyntheticArticle:
    """One generated article before rendering: body as paragraphs of sentences, plus its page chrome."""

    index: int
    language: str
    outlet: str
    domain: str
    conversion: str | None
    published: date
    title: str
    paragraphs: tuple[tuple[str, ...], ...]
    header: tuple[str, ...]
    footer: tuple[str, ...]
    fmt: str
    about_company: bool
    duplicate_of: int | None = None

    @property
    def body(self) -> str:
        joiner = " " if self.language == "en" else ""
        return _convert("\n\n".join(joiner.join(p) for p in self.paragraphs), self.conversion)

    @property
    def url(self) -> str:
        return f"https://{self.domain}/{self.published:%Y/%m%d}/{self.index:07d}.html"


@dataclass(frozen=True)
class CorpusInfo:
    """What was written: where, how much, and in what proportions."""

    folder: Path
    files_dir: Path
    n_articles: int
    seed: int
    bytes: int
    files: int
    languages: dict[str, int]
    formats: dict[str, int]
    outlets: int
    near_duplicates: int
    date_min: str
    date_max: str

    def as_dict(self) -> dict:
        return {k: (str(v) if isinstance(v, Path) else v) for k, v in self.__dict__.items()}


@lru_cache(maxsize=4)
def _converter(config: str):
    import opencc

    return opencc.OpenCC(config)


def _convert(text: str, conversion: str | None) -> str:
    return _converter(conversion).convert(text) if conversion else text


def _pick(rng: random.Random, weights: dict[str, float]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _randomise_digits(rng: random.Random, sentence: str) -> str:
    def swap(match: re.Match) -> str:
        n = len(match.group())
        if n == 4 and match.group().startswith("20"):
            return match.group()  # keep years: a story about 2025 stays about 2025
        return str(rng.randrange(10 ** (n - 1) if n > 1 else 0, 10**n))

    return re.sub(r"\d+", swap, sentence)


def _fill(rng: random.Random, template: str, **slots: str) -> str:
    values = {
        "num1": str(rng.randint(1, 9)), "num2": str(rng.randint(10, 99)), "num3": str(rng.randint(100, 999)),
        "num4": str(rng.randint(15000, 28000)), "num5": f"{rng.randint(15, 28)},{rng.randint(100, 999)}",
        "month": str(rng.randint(1, 12)), "day": str(rng.randint(1, 28)), "city": rng.choice(V.CITIES_ZH),
        "city_en": rng.choice(V.CITIES_EN), "month_en": rng.choice(V.MONTHS_EN),
    }  # fmt: skip
    values.update(slots)
    return template.format(**values)


def _zh_sentence(rng: random.Random, vocab: V.Vocabulary, co: str) -> str:
    kind = rng.random()
    sign = rng.random() < 0.5
    word = rng.choice(vocab.positive_zh if sign else vocab.negative_zh)
    pct = f"{rng.uniform(0.3, 60):.{rng.choice((1, 2))}f}%"
    price = f"{rng.uniform(8, 62):.2f}"
    lead, period, metric = rng.choice(V.LEADS_ZH), rng.choice(V.PERIODS_ZH), rng.choice(V.METRICS_ZH)
    frame = rng.choice(vocab.frames_zh).replace("…", rng.choice(("", "再度", "持续", "一度", "大幅")))
    if kind < 0.25:
        return rng.choice((
            f"{lead}{co}{period}{metric}同比{'增长' if sign else '下降'}{pct},{word}。",
            f"{rng.choice(V.ANALYSTS_ZH)}{'上调' if sign else '下调'}{co}目标价至{price}港元,称其{word}。",
            f"受{word}影响,{co}股价{'上涨' if sign else '下跌'}{pct},收于{price}港元。",
            f"{co}表示,公司{period}{metric}{word},{rng.choice(vocab.positive_zh if sign else vocab.negative_zh)}。",
        ))  # fmt: skip
    if kind < 0.40:
        return rng.choice((
            f"{lead}{co}{frame},{word}。",
            f"{lead}{frame}对{co}的{metric}构成{'支撑' if sign else '压力'}。",
            f"{rng.choice(V.ANALYSTS_ZH)}认为{co}{frame},维持{'买入' if sign else '中性'}评级。",
            f"{lead}围绕{co}的{frame}话题在社交媒体持续发酵,{period}{metric}{pct}。",
        ))  # fmt: skip
    if kind < 0.52:
        return f"{lead}{co}并未{word},{metric}{period}仍{'保持稳定' if sign else '承压'}。"
    if kind < 0.60:
        return f"{co}与{rng.choice(V.OTHERS_ZH)}在{rng.choice(('汽车', '手机', '芯片', 'AI'))}领域的竞争加剧,{word}。"
    if kind < 0.82:
        # A real sentence's shape, made new: other numbers, often another lead-in.
        return rng.choice(V.LEADS_ZH) + _randomise_digits(rng, rng.choice(vocab.seed_zh))
    return _fill(rng, rng.choice(V.NEUTRAL_ZH), co=co)


def _en_sentence(rng: random.Random, vocab: V.Vocabulary, co: str) -> str:
    kind = rng.random()
    sign = rng.random() < 0.5
    move = rng.choice(V.POSITIVE_EN if sign else V.NEGATIVE_EN)
    pct = f"{rng.uniform(0.3, 60):.1f}%"
    price = f"{rng.uniform(8, 62):.2f}"
    period, metric = rng.choice(V.PERIODS_EN), rng.choice(V.METRICS_EN)
    frame = rng.choice(vocab.frames_en).replace("…", rng.choice((" ", " sharply ", " again ")))
    if kind < 0.3:
        return rng.choice((
            f"{co}'s {metric} {'rose' if sign else 'fell'} {pct} {period}, and the shares {move}.",
            f"{rng.choice(V.ANALYSTS_EN)} {'raised' if sign else 'cut'} its price target on {co} to HK${price}, "
            f"saying the company {move}.",
            f"Shares of {co} {move} on {rng.choice(V.MONTHS_EN)} {rng.randint(1, 28)}, closing at HK${price}.",
        ))  # fmt: skip
    if kind < 0.5:
        return rng.choice((
            f"Analysts said the {frame} could {'lift' if sign else 'weigh on'} {co}'s {metric} {period}.",
            f"The {frame} has become the main story around {co}, which {move} {period}.",
        ))  # fmt: skip
    if kind < 0.57:
        return f"{co} has not {rng.choice(('reported', 'seen', 'announced'))} a {frame} {period}, executives said."
    if kind < 0.8:
        lead = rng.choice(("", "", "Meanwhile, ", "Analysts noted that ", "According to people familiar, "))
        sentence = _randomise_digits(rng, rng.choice(vocab.seed_en))
        return lead + (sentence[0].lower() + sentence[1:] if lead else sentence)
    return _fill(rng, rng.choice(V.NEUTRAL_EN), co=co)


def _subject(rng: random.Random, language: str, about: bool) -> str:
    """Who a sentence is about: in an article about the company it is named in under half the sentences."""
    draw = rng.random()
    en = language == "en"
    if draw < (0.45 if about else 0.08):
        return rng.choice(V.XIAOMI_EN if en else V.XIAOMI_ZH)
    if draw < (0.60 if about else 0.55):
        return rng.choice(V.OTHERS_EN if en else V.OTHERS_ZH)
    return rng.choice(V.GENERIC_EN if en else V.GENERIC_ZH)


def _clause(rng: random.Random, vocab: V.Vocabulary, language: str, about: bool) -> str:
    co = _subject(rng, language, about)
    return _en_sentence(rng, vocab, co) if language == "en" else _zh_sentence(rng, vocab, co)


def _sentence(rng: random.Random, vocab: V.Vocabulary, language: str, about: bool) -> str:
    """One sentence; most join two clauses, so sentences run about as long as in real news (~60 characters)."""
    first = _clause(rng, vocab, language, about)
    if rng.random() < 0.4:
        return first
    second = _clause(rng, vocab, language, about)
    if language == "en":
        return f"{first.rstrip('.')}; {second[0].lower()}{second[1:]}"
    return f"{first.rstrip('。')},{second}"


def _paragraphs(rng: random.Random, vocab: V.Vocabulary, language: str, about: bool) -> list[list[str]]:
    target = min(2800, max(1300, int(rng.gauss(2000, 250))))
    paragraphs: list[list[str]] = []
    length = 0
    while length < target:
        paragraph = [_sentence(rng, vocab, language, about) for _ in range(rng.randint(2, 5))]
        length += sum(len(s) for s in paragraph) + 2
        paragraphs.append(paragraph)
    return paragraphs


def _chrome(rng: random.Random, language: str, outlet: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    key = "en" if language == "en" else "zh"
    slots = {"outlet": outlet, "editor": rng.choice(EDITORS), "num": str(rng.randint(10**7, 10**8))}
    header = tuple(h.format(**slots) for h in rng.sample(HEADERS[key], rng.randint(1, 3)))
    footer = tuple(f.format(**slots) for f in rng.sample(FOOTERS[key], rng.randint(1, 3)))
    return header, footer


def _title(rng: random.Random, vocab: V.Vocabulary, language: str, about: bool) -> str:
    co = rng.choice(
        (V.XIAOMI_EN if about else V.OTHERS_EN)
        if language == "en"
        else (V.XIAOMI_ZH if about else V.OTHERS_ZH)
    )
    if language == "en":
        return f"{co}: {rng.choice(vocab.frames_en).replace('…', ' ')} as {rng.choice(V.METRICS_EN)} {rng.choice(V.POSITIVE_EN + V.NEGATIVE_EN)}"
    return f"{co}{rng.choice(V.METRICS_ZH)}{rng.choice(('大涨', '下滑', '创新高', '承压'))}{rng.randint(2, 60)}%:{rng.choice(vocab.frames_zh).replace('…', '')}"


def generate_article(
    index: int, *, seed: int = DEFAULT_SEED, vocab: V.Vocabulary | None = None
) -> SyntheticArticle:
    """Article number `index` of the corpus with this seed; the same inputs always give the same article."""
    vocab = vocab or _default_vocab()
    rng = random.Random(f"{seed}:{index}")
    if is_near_duplicate(index, seed=seed):
        return _near_duplicate(rng, index, rng.randrange(max(0, index - 1500), index), seed, vocab)
    language = _pick(rng, LANGUAGE_WEIGHTS)
    outlet, domain, conversion = rng.choice(OUTLETS[language])
    about = rng.random() < ABOUT_COMPANY_RATE
    base = "en" if language == "en" else "zh"
    header, footer = _chrome(rng, language, outlet)
    return SyntheticArticle(
        index=index, language=language, outlet=outlet, domain=domain, conversion=conversion,
        published=FIRST_DAY + timedelta(days=rng.randrange(DAYS)),
        title=_convert(_title(rng, vocab, base, about), conversion),
        paragraphs=tuple(tuple(p) for p in _paragraphs(rng, vocab, base, about)),
        header=tuple(_convert(h, conversion) for h in header), footer=tuple(_convert(f, conversion) for f in footer),
        fmt=_pick(rng, FORMAT_WEIGHTS), about_company=about,
    )  # fmt: skip


def is_near_duplicate(index: int, *, seed: int = DEFAULT_SEED) -> bool:
    """Exactly one article in each block of 1/NEAR_DUPLICATE_RATE (after the first) repeats an earlier one."""
    block = round(1 / NEAR_DUPLICATE_RATE)
    if index < block:
        return False
    return index % block == random.Random(f"{seed}:duplicate-block:{index // block}").randrange(block)


def _near_duplicate(
    rng: random.Random, index: int, origin: int, seed: int, vocab: V.Vocabulary
) -> SyntheticArticle:
    """The same story again: syndicated under other chrome and outlet, or with one sentence rewritten."""
    original = generate_article(origin, seed=seed, vocab=vocab)
    published = original.published + timedelta(days=rng.randint(0, 2))
    if published.year > 2025:
        published = original.published
    article = replace(original, index=index, published=published, duplicate_of=original.index,
                      fmt=_pick(rng, FORMAT_WEIGHTS))  # fmt: skip
    if rng.random() < 0.5:
        outlet, domain, conversion = rng.choice(OUTLETS[original.language])
        header, footer = _chrome(rng, original.language, outlet)
        return replace(article, outlet=outlet, domain=domain, conversion=conversion,
                       header=tuple(_convert(h, conversion) for h in header),
                       footer=tuple(_convert(f, conversion) for f in footer))  # fmt: skip
    return change_one_sentence(article, rng, vocab)


def change_one_sentence(
    article: SyntheticArticle, rng: random.Random, vocab: V.Vocabulary
) -> SyntheticArticle:
    """A copy with one body sentence replaced by a new one (a correction, an update)."""
    paragraphs = [list(p) for p in article.paragraphs]
    p = rng.randrange(len(paragraphs))
    s = rng.randrange(len(paragraphs[p]))
    base = "en" if article.language == "en" else "zh"
    paragraphs[p][s] = _sentence(rng, vocab, base, article.about_company)
    return replace(article, paragraphs=tuple(tuple(x) for x in paragraphs))


@lru_cache(maxsize=1)
def _default_vocab() -> V.Vocabulary:
    return V.load_vocabulary()


# -- rendering ---------------------------------------------------------------------------------------
def _dateline(article: SyntheticArticle) -> str:
    d = article.published
    if article.language == "en":
        return (
            f"Time:{d.isoformat()}" if article.index % 2 else f"{V.MONTHS_EN[d.month - 1]} {d.day}, {d.year}"
        )
    return _convert(f"{d.year}年{d.month:02d}月{d.day:02d}日 {article.index % 24:02d}:{article.index % 60:02d} "
                    f"来源:{article.outlet}", article.conversion)  # fmt: skip


def render_text(article: SyntheticArticle) -> str:
    """The page as a scraper would save it: chrome, title, dateline, body, footer."""
    return "\n".join(
        [*article.header, article.title, _dateline(article), "", article.body, "", *article.footer]
    )


def render_markdown(article: SyntheticArticle) -> str:
    """Markdown with YAML front matter (title, source, date, url), like a saved WeChat article."""
    front = (f"---\ntitle: {json.dumps(article.title, ensure_ascii=False)}\nurl: {article.url}\n"
             f"source: {article.outlet}\ndate: {article.published.isoformat()}\n---\n")  # fmt: skip
    return (
        f"{front}\n# {article.title}\n\n"
        + "\n\n".join([*article.header, article.body, *article.footer])
        + "\n"
    )


def render_json_row(article: SyntheticArticle, *, row_id: str | None = None) -> str:
    """One JSONL row of a bulk export; the text keeps some chrome, as scraped bulk text does."""
    text = "\n".join([*article.header, article.body, *article.footer])
    row = {"id": row_id or f"bench-{article.index:07d}", "title": article.title, "source": article.outlet,
           "date": article.published.isoformat(), "url": article.url, "text": text}  # fmt: skip
    return json.dumps(row, ensure_ascii=False)


def corpus_folder(work_dir: Path, n_articles: int, *, seed: int = DEFAULT_SEED) -> Path:
    """Where the corpus for (N, seed, generator, vocabulary) lives; reused when complete."""
    return Path(work_dir) / f"corpus-{n_articles}-s{seed}-g{GENERATOR_VERSION}-{_default_vocab().digest}"


def write_corpus(
    work_dir: Path, n_articles: int, *, seed: int = DEFAULT_SEED, reuse: bool = True
) -> CorpusInfo:
    """Write N articles as files (JSONL shards of 1,000 rows, plus .md and .txt files); reuse a complete copy."""
    folder = corpus_folder(work_dir, n_articles, seed=seed)
    info_path = folder / "info.json"
    if reuse and info_path.exists():
        data = json.loads(info_path.read_text())
        return CorpusInfo(**(data | {"folder": folder, "files_dir": Path(data["files_dir"])}))
    if folder.exists():
        shutil.rmtree(folder)
    for stale in Path(work_dir).glob(f"corpus-{n_articles}-s{seed}-*"):
        shutil.rmtree(stale, ignore_errors=True)  # an older generator's or vocabulary's copy of this corpus
    files_dir = folder / "files"
    for sub in ("jsonl", "md", "txt"):
        (files_dir / sub).mkdir(parents=True, exist_ok=True)
    vocab = _default_vocab()
    languages: dict[str, int] = {}
    formats: dict[str, int] = {}
    outlets: set[str] = set()
    total_bytes = files = duplicates = 0
    shard: list[str] = []
    dates: list[date] = []

    shards = 0

    def flush() -> None:
        nonlocal total_bytes, files, shards
        if shard:
            data = ("\n".join(shard) + "\n").encode()
            (files_dir / "jsonl" / f"shard_{shards:05d}.jsonl").write_bytes(data)
            total_bytes += len(data)
            files += 1
            shards += 1
            shard.clear()

    for index in range(n_articles):
        article = generate_article(index, seed=seed, vocab=vocab)
        languages[article.language] = languages.get(article.language, 0) + 1
        formats[article.fmt] = formats.get(article.fmt, 0) + 1
        outlets.add(article.outlet)
        duplicates += article.duplicate_of is not None
        dates.append(article.published)
        if article.fmt == "jsonl":
            shard.append(render_json_row(article))
            if len(shard) >= SHARD_ROWS:
                flush()
            continue
        data = (render_markdown(article) if article.fmt == "md" else render_text(article)).encode()
        (files_dir / article.fmt / f"{index:07d}.{article.fmt}").write_bytes(data)
        total_bytes += len(data)
        files += 1
    flush()
    info = CorpusInfo(
        folder=folder, files_dir=files_dir, n_articles=n_articles, seed=seed, bytes=total_bytes, files=files,
        languages=dict(sorted(languages.items())), formats=dict(sorted(formats.items())), outlets=len(outlets),
        near_duplicates=duplicates, date_min=min(dates).isoformat(), date_max=max(dates).isoformat(),
    )  # fmt: skip
    info_path.write_text(
        json.dumps(info.as_dict(), ensure_ascii=False, indent=2)
    )  # written last: marks complete
    return info


def write_changed_copies(
    out_dir: Path, n_articles: int, *, fraction: float = 0.01, seed: int = DEFAULT_SEED, round_: int = 0
) -> tuple[Path, int, int]:
    """A JSONL file of edited copies of `fraction` of the articles (new text, so new ids): (path, rows, bytes)."""
    rng = random.Random(f"{seed}:changed:{round_}")
    vocab = _default_vocab()
    picks = sorted(rng.sample(range(n_articles), max(1, round(n_articles * fraction))))
    rows = [
        render_json_row(change_one_sentence(generate_article(i, seed=seed, vocab=vocab), rng, vocab),
                        row_id=f"bench-{i:07d}-r{round_}")
        for i in picks
    ]  # fmt: skip
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"changed_{round_}.jsonl"
    data = ("\n".join(rows) + "\n").encode()
    path.write_bytes(data)
    return path, len(rows), len(data)
