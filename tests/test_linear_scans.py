"""Every per-article scan is linear: dates, the cleaner, price mentions, sentences and relevance.

A line of 160,000 dates once took 52 s (each date checked against every other one, or sliced to the line's
end). The inputs are generated here; what is measured is CPU time, not wall-clock time: the work for 4n
inputs must grow about 4x over the work for n (a quadratic scan grows 16x), with a generous margin.
"""

from __future__ import annotations

import itertools
import re
import time
from collections.abc import Callable
from datetime import date

import pytest

from analysis.ingest import ingest_bytes
from analysis.ingest.clean import tail_start
from analysis.mentions import extract_price_mentions
from analysis.scoring import load_scorer
from analysis.text.spans import first_wins, free_of
from tests.test_fuzz import deadline

pytestmark = pytest.mark.usefixtures("pinned_today")

# A linear scan grows ~4x (4.5x with Python's garbage collector on big heaps), a quadratic one ~16x.
MAX_GROWTH = 9.0
PAD = 0.05  # CPU seconds of fixed cost per run (lazy tables), so tiny runs do not decide the ratio


def cpu_seconds(work: Callable[[], object], *, runs: int = 1) -> float:
    """CPU time of the cheapest of `runs` runs."""
    best = float("inf")
    for _ in range(runs):
        start = time.process_time()
        work()
        best = min(best, time.process_time() - start)
    return best


def growth(make: Callable[[int], Callable[[], object]], n: int) -> tuple[float, float]:
    """CPU seconds for an input of size n (the cheaper of two runs) and of size 4n, within a CPU deadline."""
    small = cpu_seconds(make(n), runs=2)
    with deadline(60.0):
        large = cpu_seconds(make(4 * n))
    return small, large


def _article(unit: str, n: int, run: int = 0) -> bytes:
    # the run number makes each text and its long line new, so no cached scan answers a later run
    return (f"小米股价\n{run} " + unit * n + "\n小米集团股价今日大幅波动。").encode()


def _ingest(unit: str) -> Callable[[int], Callable[[], object]]:
    runs = itertools.count(1)
    return lambda n: lambda: ingest_bytes(_article(unit, n, next(runs)), name="a.txt")


INGEST_SHAPES = {
    "iso dates": "2025-01-12 ",  # each date's line sliced to the end: 20.8 s at 160k before
    "day-first dates": "12/01/2025 ",  # 22.8 s at 160k before
    "Chinese dates": "2025年1月12日",  # 37.7 s at 160k before
    "English day-month-year": "12 Nov 2025, ",  # each month-year checked against every full date
    "year and month": "2025年1月",  # the same, Chinese
    "mixed forms": "今天2025年1月1日 3月4日 Nov 12, 2025 ",
    "labelled datelines": "发布时间：2025-01-12 ",
    "related-story markers": "推荐\n小米集团的股价在今天大幅上涨，市场对其汽车业务的前景看法不一，机构认为其增长动能仍然强劲。\n",
}


@pytest.mark.slow
@pytest.mark.parametrize("unit", INGEST_SHAPES.values(), ids=INGEST_SHAPES.keys())
def test_ingest_work_grows_linearly_with_repeated_dates_and_markers(unit: str) -> None:
    ingest_bytes(_article(unit, 10), name="warm.txt")
    # 4n is 160,000 dates of the short forms: the line that took 52 s
    small, large = growth(_ingest(unit), min(40_000, 480_000 // len(unit)))
    assert large <= MAX_GROWTH * small + PAD, f"{small:.2f}s -> {large:.2f}s of CPU for 4x the input"


MENTION_SHAPES = {
    "dates before prices": "1月1日收于43.20港元",  # each price sliced every date before it
    "relative and stated days": "2025年1月1日周五收于43.2港元，今天",
    "price moves": "小米股价下跌5.49%至46.5港元，",
}


@pytest.mark.slow
@pytest.mark.parametrize("unit", MENTION_SHAPES.values(), ids=MENTION_SHAPES.keys())
def test_price_mention_work_grows_linearly_in_one_long_sentence(unit: str) -> None:
    def make(n: int) -> Callable[[], object]:
        text = unit * n
        return lambda: extract_price_mentions(text, reference=date(2025, 10, 31))

    small, large = growth(make, 120_000 // len(unit))
    assert large <= MAX_GROWTH * small + PAD, f"{small:.2f}s -> {large:.2f}s of CPU for 4x the input"


@pytest.mark.slow
@pytest.mark.parametrize("unit", ["小米集团股价今日大涨。", "小米\n", "Xiaomi shares rose 5% on Friday. "])
def test_sentence_split_and_relevance_work_grows_linearly(unit: str) -> None:
    scorer = load_scorer(use_snownlp=False)
    scorer.score_text("小米股价大涨")

    def make(n: int) -> Callable[[], object]:
        text = unit * n
        return lambda: scorer.score_text(text)

    small, large = growth(make, 40_000 // len(unit))
    assert large <= MAX_GROWTH * small + PAD, f"{small:.2f}s -> {large:.2f}s of CPU for 4x the input"


def test_a_later_pattern_keeps_only_matches_no_earlier_pattern_overlaps() -> None:
    patterns = [re.compile(r"\d{4}-\d\d-\d\d"), re.compile(r"\d\d-\d\d"), re.compile(r"[a-z]+")]
    found = first_wins(patterns, "ab 2025-01-02 03-04 cd")
    assert [(number, match.group()) for number, match in found] == [
        (2, "ab"),
        (0, "2025-01-02"),
        (1, "03-04"),
        (2, "cd"),
    ]


def test_matches_touching_a_taken_span_are_kept_and_overlapping_ones_dropped() -> None:
    taken = [(2, 4), (6, 8)]
    matches = re.compile(r"..").finditer("abcdefghij")  # ab [cd] ef [gh] ij
    assert [m.group() for m in free_of(taken, matches)] == ["ab", "ef", "ij"]
    matches = re.compile(r"...").finditer("abcdefghij")  # abc def ghi: each overlaps a taken span
    assert list(free_of(taken, matches)) == []
    matches = re.compile(r".").finditer("abcdefghij")
    assert "".join(m.group() for m in free_of(taken, matches)) == "abefij"


def test_related_marker_cuts_only_a_tail_that_is_a_list_of_stories() -> None:
    body = [
        "小米集团的股价在今天大幅上涨，市场对其汽车业务的前景看法不一，机构认为其增长动能仍然强劲。" * 2
    ] * 6
    stories = ["小米SU7交付创新高", "雷军谈汽车业务", "小米手机销量回升"]
    lines = [*body, "相关新闻", *stories]
    assert tail_start(lines, [False] * len(lines)) == len(body)
    lines = [*body, "相关新闻", *body]  # the rest is article text: no cut
    assert tail_start(lines, [False] * len(lines)) == len(lines)
