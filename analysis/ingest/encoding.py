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
    nuls = head.count(0)
    # A stray NUL or two in UTF-8 text (a scraper's C-string end) is text with a bad byte, not a binary file.
    if nuls and (nuls > max(2, len(head) // 100) or not _utf8_head(head)):
        return "binary data (NUL bytes)"
    controls = sum(1 for b in head if b < 0x20 and b not in (9, 10, 12, 13, 27))
    if head and controls / len(head) > 0.05:
        return "binary data (control bytes)"
    return None


def _nul_warnings(data: bytes) -> list[str]:
    """A warning naming where NUL bytes sit in text (cleaning drops them; the raw copy keeps them)."""
    first = data.find(0)
    if first < 0:
        return []
    count = data.count(0)
    noun = "byte" if count == 1 else "bytes"
    return [f"{count} NUL {noun} in the text (first at byte offset {first}): left out of the cleaned text"]


def _utf8_head(head: bytes) -> bool:
    """Whether a file's first bytes are UTF-8 (the last character may be cut by the slice)."""
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc.start >= len(head) - 3 and exc.reason == "unexpected end of data"
    return True


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
    text, encoding, _ = decode_with_warnings(data, name=name)
    return text, encoding


def decode_with_warnings(data: bytes, *, name: str = "<bytes>") -> tuple[str, str, list[str]]:
    """(text, encoding, warnings): a few bad bytes in UTF-8 are replaced (offsets named), a UTF-16 file with a
    tail in UTF-8 is read per segment; raise DecodeError for binary or undecodable input."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            body = data[len(bom) :]
            if encoding.startswith("utf-16"):
                return _utf16_segments(data, len(bom), encoding, name=name)
            try:
                return body.decode(encoding.replace("-sig", "")), encoding, []
            except UnicodeDecodeError as exc:
                if encoding == "utf-8-sig":
                    mended = _mostly_utf8(body, base=len(bom))
                    if mended:
                        return mended[0], encoding, [mended[1]]
                raise DecodeError(
                    f"starts with a {encoding} byte-order mark but is not {encoding}: {exc.reason}", path=name
                ) from exc
    utf16 = _utf16_without_bom(data)
    if utf16:
        return utf16[0], utf16[1], []
    head16 = _utf16_head(data)
    if head16:
        return _utf16_segments(data, 0, head16, name=name)
    kind = binary_kind(data)
    if kind:
        raise DecodeError(f"looks like {kind}, not text", path=name)
    try:
        return data.decode("utf-8"), "utf-8", _nul_warnings(data)
    except UnicodeDecodeError:
        pass
    mended = _mostly_utf8(data)
    if mended:
        return mended[0], "utf-8", [mended[1], *_nul_warnings(data)]
    candidates = ("gb18030", "big5") + (("utf-16-le", "utf-16-be") if len(data) % 2 == 0 else ())
    best = _best_decoding(data, candidates)
    if best and best[0] >= _MIN_PLAUSIBLE:
        return best[1], best[2], []
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        text = ""
    if text and sum(1 for c in text if 0x20 <= ord(c) < 0x7F or c in "\n\r\t") / len(text) >= 0.97:
        return text, "cp1252", []
    guess = f" (best guess {best[2]} reads as {best[0]:.0%} plausible text)" if best else ""
    raise DecodeError(f"cannot tell the text encoding; not UTF-8, UTF-16, GB18030 or Big5{guess}", path=name)


# UTF-8 with at most this many bad sequences, and those a tiny share of its non-ASCII bytes, is UTF-8 with a
# stray byte or a cut character, not another encoding (GBK read as UTF-8 fails on most of its bytes).
_MAX_BAD_UTF8 = 16
_MAX_BAD_UTF8_SHARE = 0.005
# A short article (a few hundred bytes) may still have one stray byte inserted inside a character, which
# makes up to four bad sequences (the cut lead byte, the stray one, two orphaned continuation bytes); it is
# UTF-8 when its other non-ASCII bytes outnumber them 20 to 1.
_MIN_BAD_UTF8 = 4
_MIN_NON_ASCII_PER_BAD = 20


def _mostly_utf8(data: bytes, *, base: int = 0) -> tuple[str, str] | None:
    """(text with U+FFFD for each bad sequence, a warning naming the byte offsets), or None when not UTF-8."""
    non_ascii = sum(1 for b in data if b >= 0x80) if len(data) < 1 << 20 else _count_non_ascii(data)
    limit = min(_MAX_BAD_UTF8, max(_MIN_BAD_UTF8, int(non_ascii * _MAX_BAD_UTF8_SHARE)))
    parts: list[str] = []
    offsets: list[int] = []
    position = 0
    while True:
        try:
            parts.append(data[position:].decode("utf-8"))
            break
        except UnicodeDecodeError as exc:
            offsets.append(base + position + exc.start)
            if len(offsets) > limit:
                return None
            parts.append(data[position : position + exc.start].decode("utf-8"))
            parts.append("\ufffd")
            position += exc.end
    if not offsets or non_ascii < _MIN_NON_ASCII_PER_BAD * len(offsets):
        return None  # little valid multi-byte UTF-8 around the bad bytes: another encoding is as likely
    shown = ", ".join(str(offset) for offset in offsets[:5]) + (", …" if len(offsets) > 5 else "")
    noun = "sequence" if len(offsets) == 1 else "sequences"
    where = "offset" if len(offsets) == 1 else "offsets"
    return "".join(
        parts
    ), f"{len(offsets)} invalid UTF-8 byte {noun} replaced with U+FFFD (byte {where} {shown})"


def _count_non_ascii(data: bytes) -> int:
    return len(data) - len(data.translate(None, bytes(range(0x80, 0x100))))


_SEGMENT = 64  # characters per plausibility window when looking for where a UTF-16 text stops being UTF-16


def _utf16_head(data: bytes) -> str | None:
    """'utf-16-le'/'-be' when a BOM-less file begins as plausible UTF-16 (NULs in its head) but is not all of it."""
    head = data[
        : min(2048, max(64, len(data) // 2))
    ]  # the head only: a short file's tail may be the other part
    if b"\x00" not in head:
        return None
    head = head[: len(head) - len(head) % 2]
    best = _best_decoding(head, ("utf-16-le", "utf-16-be"))
    return best[2] if best and best[0] >= _MIN_PLAUSIBLE else None


def _utf16_segments(data: bytes, start: int, encoding: str, *, name: str) -> tuple[str, str, list[str]]:
    """A UTF-16 file read per segment: when its end reads as mojibake but as UTF-8 text, the tail is UTF-8."""
    codec = encoding.replace("-sig", "")
    body = data[start:]
    try:
        text = body.decode(codec)
        strict = True
    except UnicodeDecodeError:
        text = body[: len(body) - len(body) % 2].decode(codec, errors="replace")
        strict = False
    windows = [text[i : i + _SEGMENT] for i in range(0, len(text), _SEGMENT)]
    bad = next((i for i, window in enumerate(windows) if plausibility(window) < 0.6), None)
    if bad is None and strict:
        return text, encoding, []
    if bad is None:
        bad = max(0, len(windows) - 1)
    split = _utf8_tail_start(
        data, start, codec, first_char=max(0, (bad - 1) * _SEGMENT), last_char=(bad + 1) * _SEGMENT
    )
    tail = None
    if split is not None:
        try:  # the split was scored on a window: the whole tail must be UTF-8 too
            tail = data[split:].decode("utf-8")
        except UnicodeDecodeError:
            split = None
    if split is not None and tail is not None:
        head = data[start:split].decode(codec)
        return (
            head + tail,
            f"{encoding}+utf-8",
            [f"mixed encodings: bytes {start}-{split - 1} read as {codec.upper()}, bytes {split}- as UTF-8"],
        )
    if not strict:
        raise DecodeError(f"starts as {codec.upper()} but is not {codec.upper()} throughout", path=name)
    return (
        text,
        encoding,
        [
            f"characters from about {bad * _SEGMENT} do not read as {codec.upper()} text (mixed encodings?); "
            "kept as decoded"
        ],
    )


def _utf8_tail_start(data: bytes, start: int, codec: str, *, first_char: int, last_char: int) -> int | None:
    """The byte offset where a UTF-8 tail begins: UTF-16 before it, UTF-8 from it, both plausible (scored on
    a window either side, so a long file costs no more than a short one)."""
    best: tuple[float, int] | None = None
    low = start + 2 * first_char
    high = min(len(data) - 1, start + 2 * last_char + 2)
    for split in range(low, high + 1, 2):
        before = data[max(start, split - 2 * _SEGMENT) : split]
        after = data[split : split + 3 * _SEGMENT]
        if not after or b"\x00" in after or after[0] & 0xC0 == 0x80:  # never start inside a UTF-8 character
            continue
        try:
            head = before.decode(codec)
        except UnicodeDecodeError:
            continue
        tail = after.decode("utf-8", errors="ignore")  # the window may cut the last character
        if after.decode("utf-8", errors="replace").count("\ufffd") > 1:
            continue
        score = plausibility(head) + plausibility(tail)
        if score >= 1.8 and (best is None or score > best[0]):
            best = (score, split)
    return best[1] if best else None
