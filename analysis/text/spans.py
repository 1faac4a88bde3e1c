"""Disjoint matches of several patterns, the earlier pattern winning an overlap, found in linear time.

Date and price scans try their patterns most specific first and keep a later pattern's match only where no
earlier one matched. Checking each match against every taken span, or inserting into the middle of a sorted
list, is quadratic on a line of 160,000 dates; walking both sorted lists side by side is linear.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence

Span = tuple[int, int]


def free_of(taken: Sequence[Span], matches: Iterable[re.Match[str]]) -> Iterator[re.Match[str]]:
    """The matches (in text order) that overlap no span of `taken` (sorted and disjoint)."""
    index = 0
    for match in matches:
        start, end = match.span()
        while index < len(taken) and taken[index][1] <= start:
            index += 1  # ends ascend with starts in a disjoint sorted list: a pointer walk, never a rescan
        if index < len(taken) and taken[index][0] < end:
            continue
        yield match


def first_wins(patterns: Iterable[re.Pattern[str]], text: str) -> list[tuple[int, re.Match[str]]]:
    """(pattern index, match) for every match no earlier pattern's match overlaps, in text order."""
    taken: list[Span] = []
    found: list[tuple[int, re.Match[str]]] = []
    for number, pattern in enumerate(patterns):
        new = list(free_of(taken, pattern.finditer(text)))
        if not new:
            continue
        found += [(number, match) for match in new]
        # both lists are sorted: timsort merges two sorted runs in linear time
        taken = sorted(taken + [match.span() for match in new])
    found.sort(key=lambda item: item[1].start())
    return found
