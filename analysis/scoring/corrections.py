"""The analyst's corrections applied to a scored article: pure functions over the scorer's own values.

A correction names a target (a sentence by its character span, or the article) and a field: a sentence's tone
`label`, its `frame`, or the article's `stance`. The scorer applies the sentence corrections before the article
aggregate, so the article's tone follows the corrected sentences, and the stance after it, so the analyst's
stance is the article's label whatever the aggregate says.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime

from analysis.errors import InputError
from analysis.models import ArticleScore
from analysis.scoring.aggregate import ScoredSentence

FIELDS = ("label", "stance", "frame")
SENTENCE_FIELDS = ("label", "frame")
SENTENCE_LABELS = ("positive", "negative", "neutral")
STANCES = ("bullish", "bearish", "mixed", "neutral")
NO_FRAME = "none"  # a frame correction to this value says the sentence tells no frame's story

# A corrected sentence's tone: a clear sentence of that label (0.8 reads like one strong phrase and more),
# and the analyst is sure of it.
CORRECTED_TONE = {"positive": 0.8, "negative": -0.8, "neutral": 0.0}
CORRECTED_CONFIDENCE = 1.0
CORRECTED_FRAME_STRENGTH = 1.0  # a full-weight pattern hit: what the analyst's frame counts in the aggregate


@dataclass(frozen=True)
class Correction:
    """One correction: the target (article, sentence span or None for the article), the field and the values."""

    article_id: str
    field: str  # label | stance | frame
    new: str
    start: int | None = None  # the sentence's character span in the article's text; None for the stance
    end: int | None = None
    old: str | None = None  # what the model said when it was corrected
    scorer: str | None = None  # the scorer name and version of the run it corrected
    version: str | None = None
    created_at: datetime | None = None

    @property
    def target(self) -> tuple[str, int | None, int | None, str]:
        """What it corrects: a newer correction of the same target replaces it."""
        return (self.article_id, self.start, self.end, self.field)


def check(correction: Correction, *, frames: Iterable[str] | None = None) -> None:
    """Raise InputError naming the field when the correction cannot be applied (values, span)."""
    if not correction.article_id:
        raise InputError("needs the article's id", field="article_id")
    if correction.field not in FIELDS:
        raise InputError(f"{correction.field!r} is not one of {', '.join(FIELDS)}", field="field")
    sentence = correction.field in SENTENCE_FIELDS
    start, end = correction.start, correction.end
    if sentence and (start is None or end is None):
        raise InputError(f"a {correction.field} correction needs the sentence's start and end", field="start")
    if not sentence and (start is not None or end is not None):
        raise InputError(
            "a stance correction is of the whole article: leave start and end empty", field="start"
        )
    if start is not None and end is not None and not 0 <= start < end:
        raise InputError(f"span {start}-{end} is not a sentence span", field="end")
    allowed: tuple[str, ...] | list[str]
    if correction.field == "label":
        allowed = SENTENCE_LABELS
    elif correction.field == "stance":
        allowed = STANCES
    else:
        allowed = [NO_FRAME, *(frames or ())] if frames is not None else []
    if allowed and correction.new not in allowed:
        raise InputError(f"{correction.new!r} is not one of {', '.join(allowed)}", field="new")
    if not correction.new:
        raise InputError("needs the new value", field="new")


def in_force(corrections: Iterable[Correction]) -> list[Correction]:
    """The newest correction of each target (later in the sequence wins a tie), in target order."""
    latest: dict[tuple, Correction] = {}
    for correction in corrections:
        held = latest.get(correction.target)
        if held is None or (held.created_at or datetime.min) <= (correction.created_at or datetime.max):
            latest[correction.target] = correction
    return sorted(latest.values(), key=lambda c: (c.start is not None, c.start or 0, c.end or 0, c.field))


def by_article(corrections: Iterable[Correction]) -> dict[str, list[Correction]]:
    """The corrections grouped by article id, in the order given."""
    grouped: dict[str, list[Correction]] = {}
    for correction in corrections:
        grouped.setdefault(correction.article_id, []).append(correction)
    return grouped


def apply_to_sentences(
    sentences: list[ScoredSentence], corrections: Iterable[Correction], *, frame_polarity: Mapping[str, str]
) -> list[ScoredSentence]:
    """The sentences with their corrected labels (tone, confidence) and frames; evidence is kept as found."""
    # An unchecked correction without a full span matches no sentence.
    by_span: dict[tuple[int | None, int | None], list[Correction]] = {}
    for correction in corrections:
        if correction.field in SENTENCE_FIELDS:
            by_span.setdefault((correction.start, correction.end), []).append(correction)
    if not by_span:
        return sentences
    out = []
    for item in sentences:
        for correction in by_span.get((item.score.start, item.score.end), ()):
            item = _corrected(item, correction, frame_polarity)
        out.append(item)
    return out


def apply_to_article(score: ArticleScore, corrections: Iterable[Correction]) -> ArticleScore:
    """The article score with the analyst's stance as its label (the aggregate's tone is kept)."""
    for correction in corrections:
        if correction.field == "stance":
            score = replace(score, label=correction.new)
    return score


def _corrected(
    item: ScoredSentence, correction: Correction, frame_polarity: Mapping[str, str]
) -> ScoredSentence:
    if correction.field == "label":
        score = replace(
            item.score,
            tone=CORRECTED_TONE[correction.new],
            label=correction.new,
            confidence=CORRECTED_CONFIDENCE,
        )
        return replace(item, score=score)
    if correction.new == NO_FRAME:
        return replace(item, score=replace(item.score, frames=()), strengths={}, polarity={}, weak=set())
    polarity = frame_polarity.get(correction.new, "context")
    return replace(
        item,
        score=replace(item.score, frames=(correction.new,)),
        strengths={correction.new: CORRECTED_FRAME_STRENGTH},
        polarity={correction.new: polarity},
        weak=set(),
    )
