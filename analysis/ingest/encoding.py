"""Bytes to text: BOM sniffing, then strict trial decodes scored for plausibility, never silent mojibake."""

from __future__ import annotations

from functools import lru_cache

from analysis.errors import DecodeError

_BOMS = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)
_MAGIC = (
    (b"\x89PNG", "a PNG image"),
    (b"PK\x03\x04", "a ZIP archive (or .docx/.xlsx)"),
    (b"PK\x05\x06", "an empty ZIP archive"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"%PDF", "a PDF document"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"BZh", "a bzip2 archive"),
    (b"\xd0\xcf\x11\xe0", "an old Office document"),
    (b"\x7fELF", "an executable"),
    (b"MZ", "a Windows executable"),
    (b"RIFF", "a media file"),
    (b"SQLite format 3", "a SQLite database"),
    (b"7z\xbc\xaf", "a 7-Zip archive"),
    (b"Rar!", "a RAR archive"),
)
# Below this share of plausible characters a decode is rejected rather than risk mojibake.
_MIN_PLAUSIBLE = 0.92
_CJK_PUNCT = set("，。、；：？！「」『』（）《》〈〉【】“”‘’…—～·　")


@lru_cache(maxsize=65536)
def _is_common_han(ch: str) -> bool:
    """A Han character in GB2312 or in Big5's frequent level (A440-C67E): common, not mojibake."""
    try:
        ch.encode("gb2312")
        return True
    except UnicodeEncodeError:
        pass
    try:
        big5 = ch.encode("big5")
    except UnicodeEncodeError:
        return False
    return b"\xa4\x40" <= big5 <= b"\xc6\x7e"


def plausibility(text: str) -> float:
    """Share of characters that real Chinese or English text is made of (ASCII, common Han, CJK punct)."""
    if not text:
        return 1.0
    good = 0.0  # half points for accented Latin
    for ch in text:
        code = ord(ch)
        if 0x20 <= code < 0x7F or ch in "\n\r\t":
            good += 1
        elif 0x4E00 <= code <= 0x9FFF:
            good += _is_common_han(ch)
        elif ch in _CJK_PUNCT or 0xFF01 <= code <= 0xFF5E or 0x2010 <= code <= 0x2027:
            good += 1
        elif 0xA0 <= code <= 0x17F:  # Latin-1 and Latin Extended-A: accented words in English text
            good += 0.5
    return good / len(text)


def binary_kind(data: bytes) -> str | None:
    """Name the binary format when the bytes are plainly not text (magic number or stray NUL/control bytes)."""
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            return kind
    head = data[:4096]
    if b"\x00" in head:
        return "binary data (NUL bytes)"
    controls = sum(1 for b in head if b < 0x20 and b not in (9, 10, 12, 13, 27))
    if head and controls / len(head) > 0.05:
        return "binary data (control bytes)"
    return None


def _utf16_without_bom(data: bytes) -> tuple[str, str] | None:
    """(text, 'utf-16-le'/'be') when bytes with NULs read as plausible UTF-16; ASCII in UTF-16 is half NULs."""
    if len(data) % 2 or b"\x00" not in data:
        return None
    best = _best_decoding(data, ("utf-16-le", "utf-16-be"))
    return (best[1], best[2]) if best and best[0] >= _MIN_PLAUSIBLE else None


def _best_decoding(data: bytes, encodings: tuple[str, ...]) -> tuple[float, str, str] | None:
    """(plausibility, text, encoding) of the strict decoding that reads most like text."""
    best: tuple[float, str, str] | None = None
    for encoding in encodings:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        score = plausibility(text[:20000])
        if best is None or score > best[0]:
            best = (score, text, encoding)
    return best


def decode_bytes(data: bytes, *, name: str = "<bytes>") -> tuple[str, str]:
    """Decode a file's bytes to (text, encoding); raise DecodeError for binary or undecodable input."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(encoding.replace("-sig", "")), encoding
            except UnicodeDecodeError as exc:
                raise DecodeError(
                    f"starts with a {encoding} byte-order mark but is not {encoding}: {exc.reason}", path=name
                ) from exc
    utf16 = _utf16_without_bom(data)
    if utf16:
        return utf16
    kind = binary_kind(data)
    if kind:
        raise DecodeError(f"looks like {kind}, not text", path=name)
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    candidates = ("gb18030", "big5") + (("utf-16-le", "utf-16-be") if len(data) % 2 == 0 else ())
    best = _best_decoding(data, candidates)
    if best and best[0] >= _MIN_PLAUSIBLE:
        return best[1], best[2]
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        text = ""
    if text and sum(1 for c in text if 0x20 <= ord(c) < 0x7F or c in "\n\r\t") / len(text) >= 0.97:
        return text, "cp1252"
    guess = f" (best guess {best[2]} reads as {best[0]:.0%} plausible text)" if best else ""
    raise DecodeError(f"cannot tell the text encoding; not UTF-8, UTF-16, GB18030 or Big5{guess}", path=name)
