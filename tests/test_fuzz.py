"""Fuzzing: readers, cleaners, metadata, the price parser and classify never raise anything but the
product's own errors on arbitrary input, and never hang (each example runs under a CPU-time deadline).

Inputs are built from fragments that reach deep code (dates, front matter, tags, price quotes, odd line
breaks, BOMs) mixed with arbitrary text and bytes, so the parsers are exercised past their first check.
"""

from __future__ import annotations

import csv
import io
import json
import os
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis.errors import InputError, PriceDataError
from analysis.ingest import dates as dt
from analysis.ingest import implied_dates as implied
from analysis.ingest import ingest_bytes
from analysis.ingest.clean import assemble, chrome_flags, cut_inline, strip_markdown, tail_start
from analysis.ingest.encoding import decode_bytes
from analysis.ingest.metadata import derive_title, find_source, find_title, url_domain
from analysis.ingest.normalise import normalise_text
from analysis.ingest.readers import read_records, split_front_matter
from analysis.mentions import check_price_mentions, extract_price_mentions
from analysis.models import LANGUAGES
from analysis.prices import PRICE_COLUMNS, check_against_existing, parse_price_csv
from analysis.scoring import load_scorer
from analysis.scoring.classify import classify_line
from analysis.text import detect_language, to_simplified
from tests.conftest import TODAY

DEADLINE_S = 5.0  # CPU seconds per example; real inputs of this size take milliseconds


class Hang(AssertionError):
    """An input ran past its deadline: a catastrophic regex or an endless loop."""


@contextmanager
def deadline(seconds: float = DEADLINE_S) -> Iterator[None]:
    """Fail the example if the block uses more than `seconds` of CPU (SIGPROF also interrupts the re engine).

    CPU time, not wall-clock time: a loaded machine slows the example down but does not use up its budget.
    """

    def expire(signum, frame):
        raise Hang(f"no result after {seconds}s of CPU")

    previous = signal.signal(signal.SIGPROF, expire)
    signal.setitimer(signal.ITIMER_PROF, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, previous)


pytestmark = [
    pytest.mark.slow,
    pytest.mark.usefixtures("pinned_today"),
]  # fuzz campaigns; dates against a pinned today


@pytest.fixture(scope="module", autouse=True)
def warm_up() -> None:
    """Load lazily built tables (OpenCC, patterns, trafilatura, the scorer) outside any deadline."""
    ingest_bytes("小米股价收于43.20港元。".encode(), name="w.txt")
    ingest_bytes(b"<html><body><p>warm up text for the html reader</p></body></html>", name="w.html")
    load_scorer(use_snownlp=False).score_text("小米股价大涨")


FRAGMENTS = [
    # dates: real, impossible, future, old, relative, partial
    "2025-02-08", "2025-02-30", "2099-01-01", "1999-12-31", "2025年2月8日", "2025年13月45日", "10月31日(上周五)",
    "上周五", "昨日", "今年3月", "Time:2025-09-28", "2025-04-03 13:34:39", "2025年04月01日22:12:06",
    "09-28 13:35", "19/11/2025", "March 25, 2025", "0000-00-00", "9999-99-99", "20250523",
    # front matter and markdown
    "---\n", "...\n", "title: 小米\n", "date: 2025-02-30\n", "date: [\n", "source: {a: b}\n", "# 标题\n",
    "![](a.png)", "[链接](http://x.com)", "> ", "**", "\\", "|",
    # html
    "<html>", "<body>", "<script>alert(1)</script>", "<style>p{}</style>", "<iframe>x</iframe>", "<p>",
    "</p>", "<!--", "-->", "<meta charset='gbk'>", "&amp;", "&#0;", "<![CDATA[",
    # prices and company
    "收于43.20港元", "股价突破到40.55港币", "收盘下跌5.49%至46.5港元", "closing at HK$49.08", "HK$", "港元",
    "小米", "雷军", "SU7", "涨", "跌", "不", "市值突破万亿", "召回", "1810.HK",
    # chrome, outlets, annotations
    "相关新闻推荐", "微信扫一扫", "京ICP备12345号", "本文系汽车人传媒原创稿件", "Copyright © 2025 jt-capital.com.cn",
    "表現(xiàn)", "創(chuàng)", "http://a.com/2025/1118/x.html", "Home > 新闻 > 标题",
    # separators, odd characters, runs
    "\n", "\r\n", "\r", "\u2028", "\x85", "\x0c", "\ufeff", "\x00", "\ud800", "\t", "，", "。", "！", "“", "”",
    ",", ";", '"', "'", "{", "}", "[", "]", ":", "9" * 40, " " * 60, "年" * 30, "月日" * 20, "(" * 50,
    "a" * 80, "港元" * 20, ".5" * 30,
]  # fmt: skip
TEXT = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=12)), max_size=60).map("".join)
NAMES = st.sampled_from(["a.txt", "a.md", "a.html", "a.jsonl", "a.json", "a.csv", "a.tsv", "noext"])
ENCODINGS = st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "big5", "utf-16-le", "utf-16-be", "utf-16"])
# NARRATIVE_FUZZ_EXAMPLES=5000 runs a deeper campaign; the default keeps `make test` quick.
FUZZ = settings(
    max_examples=int(os.environ.get("NARRATIVE_FUZZ_EXAMPLES", "150")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


def _encode(text: str, encoding: str) -> bytes:
    return text.encode(encoding, errors="replace")


# -- readers ---------------------------------------------------------------------------------------
@FUZZ
@given(data=st.one_of(st.binary(max_size=3000), st.tuples(TEXT, ENCODINGS).map(lambda t: _encode(*t))))
def test_decoding_any_bytes_gives_text_or_a_decode_error(data: bytes) -> None:
    with deadline():
        try:
            text, encoding = decode_bytes(data, name="x.txt")
        except InputError as error:
            assert "x.txt" in str(error)
            return
    assert isinstance(text, str) and encoding


@FUZZ
@given(text=TEXT, encoding=ENCODINGS, name=NAMES)
def test_readers_give_records_or_a_domain_error_for_any_text_in_any_encoding(
    text: str, encoding: str, name: str
) -> None:
    with deadline():
        try:
            records, problems = read_records(_encode(text, encoding), name=name)
        except InputError as error:
            assert error.path == name and error.reason
            return
    assert records or problems
    for problem in problems:
        assert problem.path == name and problem.reason


@FUZZ
@given(text=TEXT)
def test_front_matter_never_raises_and_gives_a_mapping(text: str) -> None:
    with deadline():
        fields, body, warnings = split_front_matter("---\n" + text.replace("---", "-") + "\n---\nbody")
    assert isinstance(fields, dict) and isinstance(body, str)
    assert all(isinstance(warning, str) for warning in warnings)


def _assert_article_is_sound(article) -> None:
    assert article.text.strip() and len(article.text_simplified) == len(article.text)
    assert article.language in LANGUAGES
    if article.published is not None:
        assert dt.EARLIEST <= article.published <= TODAY + timedelta(days=1)
    for bound in (article.published_from, article.published_to):
        assert bound is None or bound <= TODAY + timedelta(days=1)
    article.text.encode("utf-8")  # no lone surrogate reaches the store


@FUZZ
@given(text=TEXT, name=NAMES)
def test_ingest_of_tricky_text_gives_sound_articles_or_problems(text: str, name: str) -> None:
    with deadline():
        result = ingest_bytes(text.encode("utf-8", errors="surrogatepass"), name=name)
    assert result.articles or result.problems
    for article in result.articles:
        _assert_article_is_sound(article)


ROW = st.fixed_dictionaries(
    {"text": TEXT},
    optional={"title": TEXT, "date": st.one_of(TEXT, st.integers(), st.none()), "url": TEXT, "source": TEXT},
)


@FUZZ
@given(rows=st.lists(ROW, max_size=5), broken=st.booleans())
def test_bulk_rows_with_any_fields_give_sound_articles_or_row_problems(
    rows: list[dict], broken: bool
) -> None:
    lines = [json.dumps(row, ensure_ascii=False) for row in rows]
    if broken:
        lines.insert(len(lines) // 2, '{"text": "unterminated')
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=["text", "title", "date", "url", "source"])
    writer.writeheader()
    writer.writerows(rows)
    for name, data in (("rows.jsonl", "\n".join(lines)), ("rows.csv", out.getvalue())):
        with deadline():
            result = ingest_bytes(data.encode("utf-8", errors="surrogatepass"), name=name)
        for article in result.articles:
            _assert_article_is_sound(article)
        for problem in result.problems:
            assert problem.path == name and (problem.row is None or problem.row >= 1)


# -- cleaners and metadata -------------------------------------------------------------------------
@FUZZ
@given(text=TEXT)
def test_cleaners_keep_the_simplified_copy_aligned(text: str) -> None:
    with deadline():
        body, headings = strip_markdown(text)
        norm = normalise_text(body)
        simp = to_simplified(norm)
        orig_lines, simp_lines = norm.split("\n"), simp.split("\n")
        pairs = [cut_inline(o, s) for o, s in zip(orig_lines, simp_lines, strict=True)]
        flags = chrome_flags([p[1] for p in pairs])
        start = tail_start([p[1] for p in pairs], flags)
        clean = assemble([p[0] for p in pairs], [p[1] for p in pairs], [not f for f in flags])
    assert all(isinstance(h, str) for h in headings)
    assert all(len(o) == len(s) for o, s in pairs)
    assert 0 <= start <= len(pairs)
    assert len(clean.text) == len(clean.text_simplified)


@FUZZ
@given(text=TEXT, url=st.one_of(st.none(), TEXT, TEXT.map(lambda t: "http://a.com/" + t)))
def test_metadata_extraction_never_raises(text: str, url: str | None) -> None:
    with deadline():
        norm = normalise_text(text)
        simp = to_simplified(norm)
        lines = norm.split("\n")
        flags = chrome_flags(simp.split("\n"))
        title, basis, line = find_title(lines, flags, headings=[], dateline=dt.first_dateline(lines))
        source, source_basis = find_source(norm, simp, url=url)
        language = detect_language(norm)
        derived = derive_title(norm)
        url_domain(url)
    assert title is None or isinstance(title, str)
    assert line is None or 0 <= line < len(lines)
    assert source is None or isinstance(source, str)
    assert language in LANGUAGES and (derived is None or isinstance(derived, str))


@FUZZ
@given(text=TEXT, url=st.one_of(st.none(), TEXT.map(lambda t: "http://a.com/" + t)))
def test_every_date_found_in_text_or_url_lies_in_2000_to_today(text: str, url: str | None) -> None:
    limit = TODAY + timedelta(days=1)
    with deadline():
        simp = to_simplified(normalise_text(text))
        lines = simp.split("\n")
        header, _ = dt.header_date(lines, today=TODAY)
        from_url, _ = dt.url_date(url, today=TODAY)
        relative = implied.relative_date(simp, lines, today=TODAY)
        event = implied.event_date(lines, year=dt.context_year(simp, TODAY), today=TODAY)
        inferred = implied.inferred_range(simp, today=TODAY)
    for value in (header and header.published, from_url, relative and relative.published,
                  event and event.published):  # fmt: skip
        assert not value or dt.EARLIEST <= value <= limit
    if inferred:
        assert inferred.published is None and inferred.end <= limit


VALUES = st.one_of(
    TEXT, st.integers(), st.floats(), st.none(), st.booleans(), st.dates(), st.datetimes(),
    st.lists(st.integers(), max_size=3), st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)  # fmt: skip


@FUZZ
@given(value=VALUES)
def test_any_front_matter_date_value_is_a_date_or_none(value: object) -> None:
    with deadline():
        parsed = dt.parse_date_value(value)
    assert parsed is None or isinstance(parsed, date)
    if parsed is not None:
        checked, warning = dt.check_date(parsed, raw=str(value), where="date", today=TODAY)
        assert (checked is None) != (warning is None)


# -- prices ----------------------------------------------------------------------------------------
HEADERS = st.sampled_from([
    "date,close", "Date,Open,High,Low,Close,Adj Close,Volume", "日期,开盘,收盘,最高,最低,成交量",
    "Price,Close,High\nTicker,1810.HK,1810.HK\nDate,,", "date;close", "close", "a,b", "",
])  # fmt: skip
CELLS = st.one_of(
    st.sampled_from([
        "2025-02-06", "2025-02-30", "2025/2/7", "20250208", "2025-02-06 00:00:00+08:00", "2099-01-01",
        "40.55", "-1", "0", "1e400", "nan", "inf", "1,234.5", "", "--", "abc", '"', '"1\n2"', "\ufeff",
    ]),
    st.text(max_size=8),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
)  # fmt: skip
PRICE_FILE = st.tuples(
    HEADERS, st.lists(st.lists(CELLS, max_size=8).map(",".join), max_size=12), st.sampled_from(["\n", "\r\n"])
).map(lambda t: t[2].join([t[0], *t[1]]))


@FUZZ
@given(text=PRICE_FILE, encoding=st.sampled_from(["utf-8", "utf-8-sig", "gbk", "utf-16"]))
def test_price_files_give_valid_bars_or_a_price_error(text: str, encoding: str) -> None:
    with deadline():
        try:
            frame = parse_price_csv(_encode(text, encoding), name="p.csv")
        except PriceDataError as error:
            assert "p.csv" in str(error)
            return
    assert list(frame.columns) == list(PRICE_COLUMNS) and len(frame)
    assert (frame["close"] > 0).all() and frame["date"].is_unique and frame["date"].is_monotonic_increasing
    both = frame.dropna(subset=["high", "low"])
    assert (both["high"] >= both["low"] * (1 - 1e-6)).all()
    with deadline():
        warnings = check_against_existing(frame, frame.assign(close=frame["close"] * 7))
    assert all(isinstance(warning, str) for warning in warnings)


PRICES = pd.DataFrame(
    {"ticker": "1810.HK", "date": pd.to_datetime(["2025-02-06", "2025-10-31"]), "open": [40.0, 43.0],
     "high": [41.0, 44.0], "low": [39.0, 42.0], "close": [40.55, 43.2], "volume": [1.0, 1.0]}
)  # fmt: skip


@FUZZ
@given(text=TEXT, day=st.one_of(st.none(), st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 1, 1))))
def test_price_mentions_in_tricky_text_never_raise(text: str, day: date | None) -> None:
    stored = text.encode("utf-8", errors="replace").decode("utf-8")  # the store never holds lone surrogates
    with deadline():
        mentions = extract_price_mentions(stored, reference=day)
        frame = check_price_mentions(
            pd.DataFrame(
                {"article_id": ["a"], "date": [pd.Timestamp(day) if day else pd.NaT], "text": [stored]}
            ),
            PRICES,
        )
    assert all(m.price > 0 and 0 <= m.start < m.end <= len(stored) for m in mentions)
    assert len(frame) == len(mentions)


# -- classify --------------------------------------------------------------------------------------
JSON = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), TEXT),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=10,
)
LINES = st.one_of(
    TEXT,
    st.builds(lambda i, t: json.dumps({"id": i, "text": t}, ensure_ascii=False), JSON, st.one_of(TEXT, JSON)),
    JSON.map(json.dumps),
    st.just("[" * 5000 + "]" * 5000),
)


@FUZZ
@given(line=LINES)
def test_classify_answers_every_line_with_a_result_or_an_error_entry(line: str) -> None:
    scorer = load_scorer(use_snownlp=False)
    with deadline():
        result = classify_line(line, scorer, line_number=7)
    assert "id" in result and result["label"] in ("positive", "negative", "neutral")
    assert -1.0 <= result["tone"] <= 1.0
    if "error" in result:
        assert result["error"].startswith("line 7:")


def test_the_deadline_really_interrupts_a_runaway_regex() -> None:
    import re

    with pytest.raises(Hang), deadline(0.5):
        re.match(r"(a+)+$", "a" * 40 + "b")


# -- long runs: the shapes that were quadratic or worse before (each once took minutes at this size) --------
RUNS = [
    ("a.md", "[" * 200_000),  # Markdown link text rescanned from every '['
    ("a.txt", "<![CDATA[" * 20_000),  # image syntax '![' rescanned to the end of the line
    ("a.md", "![](" * 50_000),
    ("a.md", "[](" * 60_000),
    ("a.md", "# 小米" + " " * 200_000 + "股价"),  # heading with closing '#'s: cubic backtracking
    ("a.txt", "2025年2月8日" * 20_000),  # every date checked against every other one
    ("a.txt", "收于43.20港元" * 20_000),  # one sentence with thousands of price quotes
    ("a.txt", "小米股价下跌5.49%至46.5港元，" * 10_000),
]


@pytest.mark.slow
@pytest.mark.parametrize(("name", "text"), RUNS, ids=[f"{name}:{text[:12]!r}" for name, text in RUNS])
def test_long_runs_of_tricky_fragments_finish_within_the_deadline(name: str, text: str) -> None:
    with deadline(10.0):
        result = ingest_bytes(text.encode(), name=name)
        for article in result.articles:
            extract_price_mentions(article.text, reference=date(2025, 10, 31))
    assert result.articles or result.problems
