"""A light stand-in for ingest, for text that never went through it (evaluation sets, `score_text`)."""

from __future__ import annotations

import unicodedata

from analysis.text import detect_language, to_simplified


def light_prepare(raw: str) -> tuple[str, str, str]:
    """Strip, NFKC, aligned t2s copy, language: (text, simplified, language) as the scorer takes them."""
    text = unicodedata.normalize("NFKC", raw.replace("\r\n", "\n").replace("\r", "\n")).strip()
    simplified = to_simplified(text)
    return text, simplified, detect_language(text, simplified)
