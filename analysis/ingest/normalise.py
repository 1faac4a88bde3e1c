"""Character-level normalisation: NFKC, converter artefacts, whitespace, hard wraps (t2s is analysis.text)."""

from __future__ import annotations

import re
import unicodedata

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
