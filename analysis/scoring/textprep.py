"""Character-aligned text helpers: simplified copy, lowercase copy, rough language guess."""

from __future__ import annotations

import unicodedata
from functools import lru_cache

import opencc


@lru_cache(maxsize=1)
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """OpenCC t2s of text, guaranteed the same length (falls back to one character at a time)."""
    if not text:
        return text
    converter = _t2s()
    try:
        converted = converter.convert(text)
    except UnicodeError:
        # Lone surrogates (from JSON '\ud800' escapes) cannot pass through OpenCC: one U+FFFD each.
        text = "".join("\ufffd" if "\ud800" <= c <= "\udfff" else c for c in text)
        converted = converter.convert(text)
    if len(converted) == len(text):
        return converted
    # Phrase conversions can change length; per-character conversion keeps spans valid.
    out = []
    for char in text:
        single = converter.convert(char)
        out.append(single if len(single) == 1 else char)
    return "".join(out)


def aligned_lower(text: str) -> str:
    """Lowercase copy of text with the same length (characters whose lowercase is longer stay)."""
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


def _is_cjk(char: str) -> bool:
    return "\u4e00" <= char <= "\u9fff" or "\u3400" <= char <= "\u4dbf"


def detect_language(text: str, simplified: str | None = None) -> str:
    """Rough language of text: 'en' when CJK is rare, else zh-Hant when t2s changes it, else zh-Hans."""
    sample = text[:5000]
    letters = sum(1 for c in sample if c.isalpha())
    cjk = sum(1 for c in sample if _is_cjk(c))
    if not letters or cjk / letters < 0.2:
        return "en"
    simple = simplified[: len(sample)] if simplified is not None else to_simplified(sample)
    changed = sum(1 for a, b in zip(sample, simple, strict=False) if a != b)
    return "zh-Hant" if changed >= max(2, cjk * 0.01) else "zh-Hans"


def light_prepare(raw: str) -> tuple[str, str, str]:
    """A light stand-in for ingest: strip, NFKC, aligned t2s copy, language (text, simplified, language)."""
    text = unicodedata.normalize("NFKC", raw.replace("\r\n", "\n").replace("\r", "\n")).strip()
    simplified = to_simplified(text)
    return text, simplified, detect_language(text, simplified)


def _fold_width(text: str) -> str:
    """Full-width ASCII and ideographic spaces to their ASCII forms, one character for one."""
    out = []
    for char in text:
        if "\uff01" <= char <= "\uff5e":
            out.append(chr(ord(char) - 0xFEE0))
        elif char == "\u3000":
            out.append(" ")
        else:
            out.append(char)
    return "".join(out)


def matching_copy(text: str) -> str:
    """The aligned copy the scorer matches on when no ingest ran: width-folded, then OpenCC t2s."""
    if any("\uff01" <= c <= "\uff5e" or c == "\u3000" for c in text):
        text = _fold_width(text)
    return to_simplified(text)
