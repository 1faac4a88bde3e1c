"""Shared text tools: one script conversion, one language detector, one date vocabulary (date_words)."""

from analysis.text.script import (
    aligned_lower,
    detect_language,
    fold_width,
    latin_letters,
    matching_copy,
    script_counts,
    to_simplified,
)

__all__ = [
    "aligned_lower",
    "detect_language",
    "fold_width",
    "latin_letters",
    "matching_copy",
    "script_counts",
    "to_simplified",
]
