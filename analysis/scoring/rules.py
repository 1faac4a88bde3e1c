"""Sentence-level linguistics over lexicon tokens: negation, degree, contrast, hedges, questions, quotes.

Every rule is a multiplier on one sentiment token's weight; the sentence's raw score is their sum.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass

from analysis.scoring.lexicon import Token

_CLAUSE = re.compile(r"[，,、；;：:()（）—]")
# A move stated as a percentage right after the word: '跌不足0.1%', 'fell 0.2 percent'.
_MOVE = re.compile(r"\s*\D{0,2}?\s*(\d+(?:\.\d+)?)\s*(?:%|个百分点|percent\b|pct\b)")
_QUOTE = re.compile(r"“[^”]{1,400}”|「[^」]{1,400}」|『[^』]{1,400}』|\"[^\"]{1,400}\"")

NEGATION_WINDOW_CJK = 4  # characters between a Chinese negator and the word it negates
NEGATION_WINDOW_EN = 25  # characters (about three words) for English
NEGATED_POSITIVE = -0.8  # 'did not beat': a negated good word is bad news, a little weaker
NEGATED_NEGATIVE = -0.15  # '股价并未暴跌': a negated bad word is at most faintly good news
HEDGE = 0.6  # 可能 / may / if: a possibility, not an event
QUESTION = 0.6  # a question states nothing for sure
QUOTED = 0.7  # attributed speech weighs less than the writer's own statement
QUOTE_ATTRIBUTION_WINDOW = 8
LONG_QUOTE = 20  # a quotation this long is speech even without a speech verb next to it
CONCEDED = 0.5  # '虽然A' / 'despite A' / 'A, but': the clause that loses
WINNING = 1.5  # '但B' / 'but B' / 'however B': the clause that wins
MAIN_AFTER_CONCESSION = 1.3  # 'despite A, B': B
# Source-lexicon words are general-language sentiment ('保障', '灵活', '审慎'): many of them in one
# sentence still add up to at most this much raw evidence. Domain phrases and the English finance
# list are not capped.
GENERAL_CAP = 0.8
SMALL_MOVE = 0.5  # a stated move under 0.5% is flat, whatever the verb says
SMALL_MOVE_FACTOR = 0.3


@dataclass(slots=True)
class SentenceSignal:
    """The tone evidence of one sentence before relevance is applied."""

    raw: float = 0.0
    positive: float = 0.0
    negative: float = 0.0
    polar: int = 0
    question: bool = False


class Clauses:
    """Clause boundaries of one sentence, to keep negation, hedges and degree inside their clause."""

    __slots__ = ("offset", "bounds")

    def __init__(self, sentence_lowered: str, offset: int, bounds: list[int] | None = None):
        self.offset = offset
        # `bounds`: the marks' positions in the text when the caller found them for the whole article at once
        self.bounds = (
            [m.start() + offset for m in _CLAUSE.finditer(sentence_lowered)] if bounds is None else bounds
        )

    def of(self, position: int) -> int:
        return bisect_right(self.bounds, position)

    def next_bound(self, position: int, default: int) -> int:
        i = bisect_right(self.bounds, position)
        return self.bounds[i] if i < len(self.bounds) else default


def is_negated(tokens: list[Token], limit: int, position: int, clauses: Clauses) -> bool:
    """Whether the text at `position` follows an odd number of negators in its clause (tokens[:limit] precede it)."""
    bounds = clauses.bounds
    clause = bisect_right(bounds, position)
    count = 0
    edge = position
    for j in range(limit - 1, -1, -1):
        start, end, entry = tokens[j]
        if end > position:
            continue
        window = NEGATION_WINDOW_EN if entry.head == "L" else NEGATION_WINDOW_CJK
        if edge - end > window or (bounds and bisect_right(bounds, start) != clause):
            break
        if entry.negator:
            count += 1
        if entry.tone:  # scope ends at the previous sentiment word (a shifter such as '削弱' included)
            break
        edge = start
    return count % 2 == 1


def _degree(tokens: list[Token], i: int, clauses: Clauses) -> float:
    start, end, entry = tokens[i]
    factor = 1.0
    if i > 0:
        p_start, p_end, previous = tokens[i - 1]
        if previous.degree and start - p_end <= 1 and clauses.of(p_start) == clauses.of(start):
            factor *= previous.degree
    if entry.head == "L" and i + 1 < len(tokens):
        n_start, _, following = tokens[i + 1]
        if following.degree and following.head == "L" and n_start - end <= 1:  # 'fell sharply'
            factor *= following.degree
    return factor


def _quoted_spans(lowered: str, offset: int, tokens: list[Token]) -> list[tuple[int, int]]:
    """Spans of attributed quotations: next to a speech verb, or long enough to be speech."""
    spans = []
    speech = [(s, e) for s, e, entry in tokens if entry.speech]
    for match in _QUOTE.finditer(lowered):
        q_start, q_end = match.start() + offset, match.end() + offset
        attributed = match.end() - match.start() >= LONG_QUOTE or any(
            q_start - QUOTE_ATTRIBUTION_WINDOW <= e <= q_start
            or q_end <= s <= q_end + QUOTE_ATTRIBUTION_WINDOW
            for s, e in speech
        )
        if attributed:
            spans.append((q_start, q_end))
    return spans


def _contrast_weights(
    tokens: list[Token], clauses: Clauses, start: int, end: int, lowered: str
) -> Callable[[int], float] | None:
    """A function position -> contrast weight for one sentence.

    Adversative markers cut the sentence into segments (a marker in the same clause as the one
    before it, as in '但B仍C', does not cut again): the last segment wins, the one before the
    first marker loses, segments in between hold. A concessive marker ('虽然', 'despite') loses
    its own clause (up to the next adversative marker or clause end); the rest is the main clause.
    """
    adversative: list[int] = []
    concessions: list[int] = []
    for t_start, _, entry in tokens:
        if entry.contrast is None:
            continue
        if entry.contrast_start:
            before = lowered[: t_start - start].rstrip()
            if before and not _CLAUSE.match(before[-1]):
                continue
        if entry.contrast == "concede":
            concessions.append(t_start)
        elif not adversative or clauses.of(t_start) != clauses.of(adversative[-1]):
            adversative.append(t_start)
    if not adversative and not concessions:
        return None
    scopes = []
    for c in concessions:
        later = [a for a in adversative if a > c]
        scopes.append((c, later[0] if later else clauses.next_bound(c, end)))

    def weight(position: int) -> float:
        if adversative:
            segment = bisect_right(adversative, position)
            if segment == len(adversative):
                return WINNING
            if segment == 0:
                return CONCEDED
            return 1.0
        if any(c <= position < e for c, e in scopes):
            return CONCEDED
        return MAIN_AFTER_CONCESSION

    return weight


def _small_move(lowered: str, end: int) -> bool:
    """Whether the word ending at `end` is followed by a percentage move smaller than SMALL_MOVE."""
    match = _MOVE.match(lowered, end, end + 16)
    return match is not None and float(match.group(1)) < SMALL_MOVE


def _before_number(lowered: str, end: int) -> bool:
    """Whether a digit follows position `end` of the sentence (spaces skipped)."""
    rest = lowered[end : end + 3].lstrip()
    return bool(rest) and rest[0].isdigit()


def clause_marks(lowered: str) -> list[int]:
    """Positions of every clause mark in a text: one pass per article instead of one per sentence."""
    return [m.start() for m in _CLAUSE.finditer(lowered)]


def score_sentence(
    tokens: list[Token], lowered: str, start: int, end: int, marks: list[int] | None = None
) -> tuple[SentenceSignal, Clauses]:
    """Raw tone evidence of the sentence text[start:end] (lowered is its lowercased simplified slice).

    `marks`: the sentence's clause marks (positions in the text) when already found by clause_marks().
    """
    signal = SentenceSignal()
    clauses = Clauses(lowered, start, marks)
    if not any(entry.tone for _, _, entry in tokens):
        return signal, clauses
    signal.question = "?" in lowered or "？" in lowered
    hedged_clauses = {clauses.of(s) for s, _, entry in tokens if entry.hedge}
    quotes = (
        _quoted_spans(lowered, start, tokens)
        if ("“" in lowered or "「" in lowered or '"' in lowered or "『" in lowered)
        else []
    )
    contrast = _contrast_weights(tokens, clauses, start, end, lowered)
    domain = general = 0.0
    for i, (t_start, t_end, entry) in enumerate(tokens):
        if not entry.tone:
            continue
        if entry.quantity and entry.source != "phrase" and _before_number(lowered, t_end - start):
            continue
        value = entry.tone * _degree(tokens, i, clauses)
        if entry.source != "lexicon" and _small_move(lowered, t_end - start):
            value *= SMALL_MOVE_FACTOR
        if is_negated(tokens, i, t_start, clauses):
            value *= NEGATED_POSITIVE if value > 0 else NEGATED_NEGATIVE
        if hedged_clauses and clauses.of(t_start) in hedged_clauses:
            value *= HEDGE
        if signal.question:
            value *= QUESTION
        if quotes and any(q_start <= t_start < q_end for q_start, q_end in quotes):
            value *= QUOTED
        if contrast is not None:
            value *= contrast(t_start)
        if entry.source == "lexicon":
            general += value
        else:
            domain += value
        if value > 0:
            signal.positive += value
        else:
            signal.negative -= value
        signal.polar += 1
    signal.raw = domain + GENERAL_CAP * math.tanh(general / GENERAL_CAP)
    return signal, clauses
