"""Chinese script tools: one character-aligned t2s conversion, aligned lowercase, and one language detector.

Every copy made here has the same length as its input, so a span found in the copy points into the original
text: ingest, the scorer and the lexicons all match on these copies and show the original.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import opencc


@lru_cache(maxsize=1)
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


@lru_cache(maxsize=1)
def _s2t() -> opencc.OpenCC:
    return opencc.OpenCC("s2t")


@lru_cache(maxsize=65536)
def _char_t2s(ch: str) -> str:
    out = _t2s().convert(ch)
    return out if len(out) == 1 else ch


@lru_cache(maxsize=65536)
def _char_s2t(ch: str) -> str:
    out = _s2t().convert(ch)
    return out if len(out) == 1 else ch


def _without_surrogates(text: str) -> str:
    """Lone surrogates (from JSON '\\ud800' escapes) cannot pass through OpenCC: one U+FFFD each."""
    return "".join("\ufffd" if "\ud800" <= c <= "\udfff" else c for c in text)


def _convert(converter: opencc.OpenCC, text: str) -> tuple[str, str]:
    """(text OpenCC can read, its conversion): surrogates replaced only when OpenCC refuses them."""
    try:
        return text, converter.convert(text)
    except UnicodeError:
        text = _without_surrogates(text)
        return text, converter.convert(text)


def to_simplified(text: str) -> str:
    """OpenCC t2s with the same length as the input, so spans found in the copy point into the original."""
    if not text:
        return text
    text, converted = _convert(_t2s(), text)
    if len(converted) == len(text):
        return converted
    # a phrase conversion changed the length somewhere: convert line by line, and char by char where needed
    out = []
    for line in text.split("\n"):
        conv = _t2s().convert(line)
        out.append(conv if len(conv) == len(line) else "".join(_char_t2s(ch) for ch in line))
    return "\n".join(out)


def to_traditional(text: str) -> str:
    """OpenCC s2t (simplified to traditional script): the dashboard's zh-Hant labels come from its zh ones."""
    if not text:
        return text
    return _convert(_s2t(), text)[1]


def aligned_lower(text: str) -> str:
    """Lowercase copy of text with the same length (characters whose lowercase is longer stay)."""
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


def fold_width(text: str) -> str:
    """Full-width ASCII and ideographic spaces to their ASCII forms, one character for one."""
    if not any("\uff01" <= c <= "\uff5e" or c == "\u3000" for c in text):
        return text
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
    """The aligned copy the scorer matches on when no ingest ran: width-folded, then t2s."""
    return to_simplified(fold_width(text))


def _codes(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


def script_counts(text: str, simplified: str | None = None) -> tuple[int, int, int]:
    """(Han characters, traditional-only ones, simplified-only ones): what t2s and s2t would change.

    `simplified` is the text's aligned t2s copy when the caller has it already (ingest does), saving one
    conversion.
    """
    codes = _codes(text)
    han_mask = ((codes >= 0x4E00) & (codes <= 0x9FFF)) | ((codes >= 0x3400) & (codes <= 0x4DBF))
    han = int(han_mask.sum())
    if not han:
        return 0, 0, 0
    readable, to_trad = _convert(_s2t(), text)
    to_simp = simplified if simplified is not None and len(simplified) == len(text) else None
    if to_simp is None:
        to_simp = _t2s().convert(readable)
    if len(to_simp) != len(text) or len(to_trad) != len(text):
        to_simp = "".join(_char_t2s(ch) for ch in readable)
        to_trad = "".join(_char_s2t(ch) for ch in readable)
    changed_by_t2s = (_codes(to_simp) != codes) & han_mask
    changed_by_s2t = (_codes(to_trad) != codes) & han_mask & ~changed_by_t2s
    return han, int(changed_by_t2s.sum()), int(changed_by_s2t.sum())


def latin_letters(text: str) -> int:
    """How many ASCII letters the text has (for the Han-versus-Latin share)."""
    folded = _codes(text) | 0x20
    return int(((folded >= 0x61) & (folded <= 0x7A)).sum())


def detect_language(text: str, simplified: str | None = None) -> str:
    """zh-Hans, zh-Hant or en: the Han share decides Chinese; script-specific characters decide the script.

    Any substantial Han text is Chinese even among English words and tickers; a text is zh-Hant when it has
    more traditional-only characters than simplified-only ones ('這是小米' is zh-Hant).
    """
    han, traditional, simplified_only = script_counts(text, simplified)
    # a Latin word is ~5 letters and carries about as much as 1.5 Han characters: the text is Chinese once
    # its Han characters weigh 30% of its Latin words ('小米SU7 Ultra交付破万' is Chinese, not en)
    if han == 0 or han < 0.3 * latin_letters(text) / 3.3:
        return "en"
    return "zh-Hant" if traditional > simplified_only else "zh-Hans"
