"""The `classify` contract: JSON lines {"id": ..., "text": ...} in, one result dict per line out, same order.

No input line ever stops the stream: an empty line, invalid JSON, a missing or non-string text
gets a neutral result with a `warning` (and an `error` when the line could not be used at all).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from analysis import json_text
from analysis.scoring.aggregate import sentence_label


def _neutral(identifier: object, warning: str, error: str | None = None) -> dict:
    result = {
        "id": identifier,
        "tone": 0.0,
        "label": "neutral",
        "confidence": 0.0,
        "relevance": 0.0,
        "stance": "neutral",
        "frames": [],
        "dominant_frame": None,
        "snownlp": None,
        "evidence": [],
        "tone_evidence": [],
        "warning": warning,
    }
    if error is not None:
        result["error"] = error
    return result


def classify_text(identifier: object, text: str, scorer) -> dict:
    """Score one text: tone, positive/negative/neutral label, frames (strongest first), snownlp, evidence."""
    score = scorer.score_text(text)
    return {
        "id": identifier,
        "tone": score.tone,
        "label": sentence_label(score.tone),
        "confidence": score.confidence,
        "relevance": score.relevance,
        "stance": score.label,
        "frames": list(score.frames),
        "dominant_frame": score.dominant_frame,
        "snownlp": score.snownlp,
        "evidence": [
            {
                "frame": hit.frame,
                "text": text[hit.start : hit.end],
                "start": hit.start,
                "end": hit.end,
                "negated": hit.negated,
            }
            for hit in score.evidence
        ],
        # The words that carried each sentence's label (the learned scorer's; empty for the lexicon's).
        "tone_evidence": [
            {"text": text[start:end], "start": start, "end": end, "weight": weight}
            for sentence in score.sentences
            for start, end, weight in sentence.evidence
        ],
    }


def classify_line(line: str, scorer, *, line_number: int = 1) -> dict:
    """One input line to one result dict; never raises for bad input."""
    if not isinstance(line, str):
        return _neutral(None, "line is not text", f"line {line_number}: expected a string")
    stripped = line.strip()
    if not stripped:
        return _neutral(None, "empty line")
    record, reason = json_text.loads(stripped, at="column")
    if reason is not None:
        return _neutral(None, "invalid JSON: line skipped", f"line {line_number}: invalid JSON ({reason})")
    if not isinstance(record, dict):
        return _neutral(
            None,
            "not a JSON object: line skipped",
            f'line {line_number}: expected an object like {{"id": ..., "text": ...}}',
        )
    identifier = record.get("id")
    text = record.get("text")
    if text is None:
        return _neutral(identifier, "no 'text' field: scored as neutral")
    if not isinstance(text, str):
        return _neutral(identifier, f"'text' is {type(text).__name__}, not a string: scored as neutral")
    if not text.strip():
        return _neutral(identifier, "empty text: scored as neutral")
    return classify_text(identifier, text, scorer)


def classify_lines(lines: Iterable[str], scorer) -> Iterator[dict]:
    """One output dict per input line, in the same order (a generator: stream stdin through it)."""
    for number, line in enumerate(lines, start=1):
        yield classify_line(line, scorer, line_number=number)
