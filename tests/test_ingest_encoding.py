"""Encodings are detected, recorded on the article, and never turned into silent mojibake."""

from __future__ import annotations

import io
import zipfile

import pytest

from analysis.errors import DecodeError
from analysis.ingest import ingest_bytes
from analysis.ingest.encoding import decode_bytes, plausibility

SIMPLIFIED = "小米集团股价强势飙升，盘中最高达43.05港元。\n雷军表示，小米汽车交付量持续增长。\n"
TRADITIONAL = "小米集團股價今日再大跌超4%，市場對其後續表現充滿擔憂。\n雷軍表示將持續配合調查。\n"
ENGLISH = "Xiaomi shares plunged 5% on Tuesday after the recall.\n"

CASES = [
    ("utf-8", SIMPLIFIED.encode("utf-8"), "utf-8"),
    ("utf-8 with BOM", b"\xef\xbb\xbf" + SIMPLIFIED.encode("utf-8"), "utf-8-sig"),
    ("utf-16-le with BOM", b"\xff\xfe" + SIMPLIFIED.encode("utf-16-le"), "utf-16-le"),
    ("utf-16-be with BOM", b"\xfe\xff" + SIMPLIFIED.encode("utf-16-be"), "utf-16-be"),
    ("utf-16-le without BOM", SIMPLIFIED.encode("utf-16-le"), "utf-16-le"),
    ("utf-16-be without BOM", SIMPLIFIED.encode("utf-16-be"), "utf-16-be"),
    ("gb18030", SIMPLIFIED.encode("gb18030"), "gb18030"),
    ("gbk traditional", TRADITIONAL.encode("gbk"), "gb18030"),
    ("big5", TRADITIONAL.encode("big5"), "big5"),
]


@pytest.mark.parametrize(("label", "data", "encoding"), CASES, ids=[c[0] for c in CASES])
def test_each_encoding_decodes_to_the_original_text(label: str, data: bytes, encoding: str) -> None:
    text, found = decode_bytes(data, name=f"{label}.txt")
    assert found == encoding
    assert text in (SIMPLIFIED, TRADITIONAL)


@pytest.mark.parametrize(("label", "data", "encoding"), CASES, ids=[c[0] for c in CASES])
def test_ingested_article_records_its_encoding(label: str, data: bytes, encoding: str) -> None:
    result = ingest_bytes(data, name="article.txt")
    assert result.problems == []
    (article,) = result.articles
    assert article.encoding == encoding
    assert "小米" in article.text


def test_plain_ascii_is_utf8() -> None:
    assert decode_bytes(ENGLISH.encode("ascii")) == (ENGLISH, "utf-8")


def test_big5_bytes_are_not_read_as_gb18030_mojibake() -> None:
    data = TRADITIONAL.encode("big5")
    wrong = data.decode("gb18030", errors="replace")
    assert plausibility(wrong) < plausibility(TRADITIONAL)
    assert decode_bytes(data)[1] == "big5"


def _zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("a.txt", "hello")
    return buffer.getvalue()


BINARIES = [
    ("png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10" + bytes(range(256)), "PNG"),
    ("zip", _zip_bytes(), "ZIP"),
    ("nul bytes", b"abc\x00\x01\x02\x03def\x00\x00\x10\x11" * 20, "binary"),
]


@pytest.mark.parametrize(("label", "data", "named"), BINARIES, ids=[b[0] for b in BINARIES])
def test_binary_renamed_to_txt_is_a_decode_problem(label: str, data: bytes, named: str) -> None:
    with pytest.raises(DecodeError, match=named):
        decode_bytes(data, name="photo.txt")
    result = ingest_bytes(data, name="photo.txt")
    assert result.articles == []
    (problem,) = result.problems
    assert problem.path == "photo.txt" and named in problem.reason and problem.fatal


def test_undecodable_bytes_are_a_decode_problem_not_mojibake() -> None:
    data = bytes([0x81, 0x30, 0xFE, 0xFF, 0xC0, 0x20, 0xA1, 0x7F]) * 40 + b"\x9d\x8f\x90"
    with pytest.raises(DecodeError, match="encoding"):
        decode_bytes(data, name="odd.txt")
    result = ingest_bytes(data, name="odd.txt")
    assert result.articles == [] and "odd.txt" in str(result.problems[0])


def test_a_bom_that_lies_is_reported() -> None:
    with pytest.raises(DecodeError, match="byte-order mark"):
        decode_bytes(b"\xef\xbb\xbf" + "小米".encode("gb18030") + b"\xff")
