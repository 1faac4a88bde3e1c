"""Scores as columns of plain values: what pool workers send back and what the store inserts.

A list of ArticleScore objects costs ~25× more to pickle and unpickle than the same values as columns, and
the parent process (which also reads texts and writes scores) was the pool's bottleneck. Sentence texts are
left out: they are spans of the article's text, and the store slices them when one article is opened.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from operator import attrgetter
from typing import Any

from analysis.models import ArticleScore

ARTICLE_COLUMNS = ("article_id", "tone", "confidence", "label", "relevance", "bull_intensity", "bear_intensity",
                   "framing_balance", "dominant_frame", "frames", "snownlp")  # fmt: skip
SENTENCE_COLUMNS = ("article_id", "idx", "start_char", "end_char", "tone", "label", "confidence", "relevance",
                    "frames", "snownlp", "tone_evidence")  # fmt: skip
EVIDENCE_COLUMNS = ("article_id", "sentence_index", "frame", "polarity", "pattern", "start_char", "end_char",
                    "negated")  # fmt: skip


# How each column is read from a SentenceScore / FrameHit (article_id comes from the ArticleScore).
_SENTENCE_VALUES: dict[str, Callable[[Any], object]] = {"idx": attrgetter("index"), "start_char": attrgetter("start"), "end_char": attrgetter("end"),
                    "tone": attrgetter("tone"), "label": attrgetter("label"), "confidence": attrgetter("confidence"),
                    "relevance": attrgetter("relevance"), "frames": lambda t: ";".join(t.frames),
                    "snownlp": attrgetter("snownlp"),
                    "tone_evidence": lambda t: ";".join(f"{a}-{b}" for a, b, _ in t.evidence)}  # fmt: skip
_EVIDENCE_VALUES: dict[str, Callable[[Any], object]] = {"sentence_index": attrgetter("sentence_index"), "frame": attrgetter("frame"),
                    "polarity": attrgetter("polarity"), "pattern": attrgetter("pattern"),
                    "start_char": attrgetter("start"), "end_char": attrgetter("end"),
                    "negated": attrgetter("negated")}  # fmt: skip


def _columns(names: tuple[str, ...]) -> dict[str, list]:
    return {name: [] for name in names}


@dataclass
class ScoreRows:
    """Scores of a batch of articles, one list per column for articles, sentences and frame evidence."""

    articles: dict[str, list] = field(default_factory=lambda: _columns(ARTICLE_COLUMNS))
    sentences: dict[str, list] = field(default_factory=lambda: _columns(SENTENCE_COLUMNS))
    evidence: dict[str, list] = field(default_factory=lambda: _columns(EVIDENCE_COLUMNS))

    @classmethod
    def from_scores(cls, scores: Iterable[ArticleScore]) -> ScoreRows:
        rows = cls()
        for score in scores:
            rows.add(score)
        return rows

    def add(self, s: ArticleScore) -> None:
        values = (s.article_id, s.tone, s.confidence, s.label, s.relevance, s.bull_intensity, s.bear_intensity,
                  s.framing_balance, s.dominant_frame, ";".join(s.frames), s.snownlp)  # fmt: skip
        for column, value in zip(self.articles.values(), values, strict=True):
            column.append(value)
        items: tuple[Any, ...]
        for table, items, getters in ((self.sentences, s.sentences, _SENTENCE_VALUES),
                                      (self.evidence, s.evidence, _EVIDENCE_VALUES)):  # fmt: skip
            table["article_id"].extend([s.article_id] * len(items))
            for name, get in getters.items():
                table[name].extend(map(get, items))

    def extend(self, other: ScoreRows) -> None:
        for mine, theirs in ((self.articles, other.articles), (self.sentences, other.sentences),
                             (self.evidence, other.evidence)):  # fmt: skip
            for name, column in mine.items():
                column.extend(theirs[name])

    def __len__(self) -> int:
        """The number of articles."""
        return len(self.articles["article_id"])
