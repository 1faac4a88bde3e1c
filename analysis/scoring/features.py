"""What the learned tone model reads in a sentence: n-grams of its text and the lexicon's rule-based signal.

Training and scoring share these functions, so a sentence has the same features in both. N-grams are taken
from a character-aligned copy of the scorer's lowered simplified text, so every feature has a span in the
displayed article: that is what the dashboard highlights as evidence.
"""

from __future__ import annotations

import math
import re

from analysis.scoring.rules import SentenceSignal

# Latin word characters; everything else that is not CJK becomes a space (one character for one).
_WORD = frozenset("abcdefghijklmnopqrstuvwxyz0123456789%")
_CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]+")
_ANY_CJK = re.compile(r"[\u3400-\u9fff]")
_LATIN_TOKEN = re.compile(r"[a-z0-9%]+")
# '80.5%' and '1,090' read as one number: the separator between digits becomes a digit.
_DIGIT_SEPARATOR = re.compile(r"(?<=[0-9])[.,](?=[0-9])")
# Single characters (涨, 跌, 亏), pairs and triples.
CJK_ORDERS = (1, 2, 3)


def _table() -> dict[int, str]:
    table: dict[int, str] = {}
    for code in range(0x20, 0x7F):
        char = chr(code)
        if char.isdigit():
            table[code] = "0"  # a figure's digits carry no tone; its presence and shape do
        elif char not in _WORD:
            table[code] = " "
    for code in (0x09, 0x0A, 0x0D, 0x3000, 0xA0):
        table[code] = " "
    # CJK and full-width punctuation: clause and sentence marks separate n-grams.
    for char in "，。、；：？！“”‘’「」『』（）《》【】—…·～,.;:?!()[]{}<>\"'`|/\\":
        table[ord(char)] = " "
    return table


_TRANSLATE = _table()


def model_text(lowered: str) -> str:
    """The copy n-grams are read from: same length as `lowered`, digits as 0, punctuation as spaces."""
    if "." in lowered or "," in lowered:
        lowered = _DIGIT_SEPARATOR.sub("0", lowered)
    return lowered.translate(_TRANSLATE)


def is_english(text: str, start: int = 0, end: int | None = None) -> bool:
    """A sentence with no CJK character is read as English by the models."""
    return _ANY_CJK.search(text, start, len(text) if end is None else end) is None


def is_latin(feature: str) -> bool:
    """Latin features must match whole words; CJK n-grams match anywhere."""
    return feature[:1] in _WORD


def candidate_ngrams(normalised: str) -> set[str]:
    """The n-grams a sentence offers: CJK character 1–3-grams, Latin words and adjacent word pairs."""
    found: set[str] = set()
    for run in _CJK_RUN.finditer(normalised):
        chars = run.group()
        for n in CJK_ORDERS:
            found.update(chars[i : i + n] for i in range(len(chars) - n + 1))
    previous: re.Match[str] | None = None
    for token in _LATIN_TOKEN.finditer(normalised):
        word = token.group()
        found.add(word)
        if previous is not None and previous.end() + 1 == token.start():
            found.add(previous.group() + " " + word)
        previous = token
    return found


DENSE_NAMES = ("lexicon_tone", "lexicon_positive", "lexicon_negative", "lexicon_polar", "question", "english")


def dense_features(signal: SentenceSignal, *, english: bool) -> list[float]:
    """The rule-based signal (negation, contrast, hedges, quotes already applied) as model inputs."""
    return [
        math.tanh(signal.raw / 1.2),
        math.log1p(signal.positive),
        math.log1p(signal.negative),
        1.0 if signal.polar else 0.0,
        1.0 if signal.question else 0.0,
        1.0 if english else 0.0,
    ]
