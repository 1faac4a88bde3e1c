"""One bad byte never loses an article; a UTF-16 file with a UTF-8 tail is read per segment (issue 15, item 4)."""

from __future__ import annotations

import pytest

from analysis.ingest import ingest_bytes
from analysis.ingest.encoding import decode_bytes, decode_with_warnings

ZH = "小米集团今日公布季度业绩，营收同比增长，市场反应积极。\n雷军表示公司将继续加大研发投入。\n" * 4
EN = "Xiaomi shares rose after the results were published on Tuesday.\n" * 3
TAIL_ZH = "追加的一段：小米汽车交付量创新高。\n"
TAIL_EN = "Appended later: deliveries hit a record.\n"


def test_a_stray_byte_is_replaced_and_its_offset_named():
    good = ZH.encode()
    offset = len("小米集团".encode())
    data = good[:offset] + b"\xff" + good[offset:]
    text, encoding, warnings = decode_with_warnings(data, name="a.txt")
    assert text == ZH[:4] + "\ufffd" + ZH[4:] and encoding == "utf-8"
    assert warnings == [f"1 invalid UTF-8 byte sequence replaced with U+FFFD (byte offset {offset})"]


def test_an_article_cut_mid_character_is_kept_with_a_warning_naming_the_offset():
    data = ZH.encode() + "米".encode()[:2]
    result = ingest_bytes(data, name="cut.txt")
    (article,) = result.articles
    assert article.text.startswith("小米集团今日") and "\ufffd" not in article.text.replace("\ufffd", "", 1)
    (warning,) = result.problems
    assert not warning.fatal and warning.path == "cut.txt"
    assert (
        warning.reason
        == f"1 invalid UTF-8 byte sequence replaced with U+FFFD (byte offset {len(ZH.encode())})"
    )


def test_a_stray_byte_in_a_jsonl_file_is_a_file_warning_and_every_row_is_kept():
    rows = "".join('{"text": "' + ZH.replace("\n", "\\n") + str(i) + '"}\n' for i in range(3)).encode()
    data = rows[:22] + b"\xfe" + rows[22:]  # after {"text": "小米集团
    result = ingest_bytes(data, name="rows.jsonl")
    assert len(result.articles) == 3
    (warning,) = result.problems
    assert not warning.fatal and warning.reason.endswith("(byte offset 22)")


def test_a_utf8_bom_file_with_a_stray_byte_is_kept():
    data = b"\xef\xbb\xbf" + ZH.encode()[:9] + b"\x80" + ZH.encode()[9:]
    text, encoding, warnings = decode_with_warnings(data)
    assert encoding == "utf-8-sig" and text.count("\ufffd") == 1 and "byte offset 12" in warnings[0]


def test_gbk_is_still_gbk_not_utf8_with_replacements():
    text, encoding = decode_bytes(ZH.encode("gbk"))
    assert text == ZH and encoding == "gb18030"


@pytest.mark.parametrize("head", [ZH, EN], ids=["zh", "en"])
@pytest.mark.parametrize("tail", [TAIL_ZH, TAIL_EN], ids=["zh-tail", "en-tail"])
@pytest.mark.parametrize(
    ("bom", "codec"), [(b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"), (b"", "utf-16-le")],
    ids=["le-bom", "be-bom", "le-no-bom"],
)  # fmt: skip
def test_a_utf16_file_with_a_utf8_tail_is_read_per_segment_with_a_warning(head, tail, bom, codec):
    data = bom + head.encode(codec) + tail.encode()
    text, encoding, warnings = decode_with_warnings(data, name="mixed.txt")
    assert text == head + tail
    assert encoding.endswith("+utf-8")
    split = len(bom) + len(head.encode(codec))
    assert warnings == [
        f"mixed encodings: bytes {len(bom)}-{split - 1} read as {codec.upper()}, bytes {split}- as UTF-8"
    ]


def test_a_mixed_encoding_file_is_ingested_with_the_warning_on_the_article():
    data = b"\xff\xfe" + ZH.encode("utf-16-le") + TAIL_ZH.encode()
    result = ingest_bytes(data, name="mixed.txt")
    (article,) = result.articles
    assert article.text.endswith("小米汽车交付量创新高。") and "mixed encodings" in article.warnings[0]
    assert [p.reason.split(":")[0] for p in result.problems] == ["mixed encodings"]


def test_plain_utf16_gives_no_warning():
    assert decode_with_warnings(b"\xff\xfe" + ZH.encode("utf-16-le")) == (ZH, "utf-16-le", [])


def test_a_utf16_looking_head_with_a_tail_that_is_not_utf8_is_a_problem_not_a_crash():
    from analysis.ingest import ingest_bytes

    result = ingest_bytes(b"\x00 \xc0", name="a.txt")  # found by fuzzing: the scored window looked like UTF-8
    assert result.articles or result.problems
