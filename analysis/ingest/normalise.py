"""Character-level normalisation (NFKC, converter artefacts, whitespace, hard wraps) and aligned t2s."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import numpy as np
import opencc

# NFKC would turn these into ASCII; in Chinese text the full-width forms read better, so they are kept.
_KEEP_FULLWIDTH = "！（），：；？～…"
_KEEP_SPLIT = re.compile(f"([{re.escape(_KEEP_FULLWIDTH)}]+)")
_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ"
# A traditional character followed by its simplified form's pinyin, '表現(xiàn)', from a converter; the
# opening bracket is sometimes a mojibake '?' ('謹?shù)'). Only lowercase pinyin with a tone mark counts,
# so '(SU7)' or '(de)' are left alone; several annotations in a row go in one pass (idempotent).
_PINYIN = rf"[a-zü]*[{_TONED}][a-zü{_TONED}]*"
_PINYIN_ANNOTATION = re.compile(rf"(?<=[{_CJK}])(?:[(（?？]{_PINYIN}[)）])+")
_INVISIBLE = re.compile("[\u200b-\u200d\u2060\ufeff\u00ad\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffd]")
_SURROGATE = re.compile("[\ud800-\udfff]")
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_TERMINAL = tuple("。！？!?…；;:：.”」』\"')）")
_LIST_START = re.compile(r"^(?:[-*•·✅▶►■□●○◆◇#>]|\d+[.、)）]|[（(]?\d+[)）]|第.{1,3}[章节条])")


def replace_surrogates(text: str) -> str:
    """Lone surrogates (from JSON '\\ud800') cannot be stored as UTF-8; mark them with U+FFFD."""
    return _SURROGATE.sub("\ufffd", text) if _SURROGATE.search(text) else text


def nfkc(text: str) -> str:
    """NFKC (full-width digits and letters to ASCII) but keep Chinese full-width punctuation for display."""
    if text.isascii() or unicodedata.is_normalized("NFKC", text):
        return text
    parts = _KEEP_SPLIT.split(text)
    return "".join(part if i % 2 else unicodedata.normalize("NFKC", part) for i, part in enumerate(parts))


def strip_pinyin_annotations(text: str) -> str:
    """Remove '(xiàn)'-style pinyin a converter wrote after a CJK character."""
    return (
        _PINYIN_ANNOTATION.sub("", text)
        if "(" in text or "?" in text or "（" in text or "？" in text
        else text
    )


def _clean_lines(text: str) -> list[str]:
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n")
    text = _INVISIBLE.sub("", text)
    return [_SPACES.sub(" ", line).strip() for line in text.split("\n")]


def _is_latin(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


def join_hard_wraps(lines: list[str]) -> list[str]:
    """Join lines a fixed-width export broke mid-sentence; only in documents that are clearly hard-wrapped."""
    lengths = sorted(len(line) for line in lines if line)
    if len(lengths) < 3:
        return lines
    width = lengths[int(0.9 * (len(lengths) - 1))]
    if width < 20:
        return lines
    floor = 0.8 * width
    long_lines = [line for line in lines if len(line) >= floor]
    open_ended = [line for line in long_lines if not line.endswith(_TERMINAL)]
    # a hard-wrapped text has many long lines that stop mid-sentence; ordinary paragraphs end in punctuation
    if len(open_ended) < 3 or len(open_ended) < 0.5 * len(long_lines):
        return lines
    out: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        while line and len(line) >= floor and not line.endswith(_TERMINAL):
            j = i + 1
            if j < len(lines) and not lines[j]:
                j += 1  # one blank line between wrapped pieces is how some exports write them
            if j >= len(lines) or not lines[j] or _LIST_START.match(lines[j]):
                break
            nxt = lines[j]
            glue = " " if _is_latin(line[-1]) and _is_latin(nxt[0]) else ""
            line = line + glue + nxt
            i = j
        out.append(line)
        i += 1
    return out


def _normalise_once(text: str) -> str:
    text = strip_pinyin_annotations(nfkc(_SURROGATE.sub("", text)))
    return "\n".join(join_hard_wraps(_clean_lines(text)))


def normalise_text(text: str) -> str:
    """NFKC, strip converter pinyin, tidy whitespace, join hard wraps; repeated to a fixed point (idempotent)."""
    for _ in range(5):
        new = _normalise_once(text)
        if new == text:
            break
        text = new
    return text


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


def to_simplified(text: str) -> str:
    """OpenCC t2s with the same length as the input, so spans found in the copy point into the original."""
    converted = _t2s().convert(text)
    if len(converted) == len(text):
        return converted
    # a phrase conversion changed the length somewhere: convert line by line, and char by char where needed
    out = []
    for line in text.split("\n"):
        conv = _t2s().convert(line)
        out.append(conv if len(conv) == len(line) else "".join(_char_t2s(ch) for ch in line))
    return "\n".join(out)


def _codes(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


def script_counts(text: str, simplified: str | None = None) -> tuple[int, int, int]:
    """(Han characters, traditional-only ones, simplified-only ones): what t2s and s2t would change.

    `simplified` is the text's t2s copy when the caller has it already (ingest does), saving one conversion.
    """
    codes = _codes(text)
    han_mask = ((codes >= 0x4E00) & (codes <= 0x9FFF)) | ((codes >= 0x3400) & (codes <= 0x4DBF))
    han = int(han_mask.sum())
    if not han:
        return 0, 0, 0
    to_simp = simplified if simplified is not None else _t2s().convert(text)
    to_trad = _s2t().convert(text)
    if len(to_simp) != len(text) or len(to_trad) != len(text):
        to_simp = "".join(_char_t2s(ch) for ch in text)
        to_trad = "".join(_char_s2t(ch) for ch in text)
    changed_by_t2s = (_codes(to_simp) != codes) & han_mask
    changed_by_s2t = (_codes(to_trad) != codes) & han_mask & ~changed_by_t2s
    return han, int(changed_by_t2s.sum()), int(changed_by_s2t.sum())


def latin_letters(text: str) -> int:
    """How many ASCII letters the text has (for the Han-versus-Latin share)."""
    folded = _codes(text) | 0x20
    return int(((folded >= 0x61) & (folded <= 0x7A)).sum())
