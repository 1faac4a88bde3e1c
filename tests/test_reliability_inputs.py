"""Bad article files end to end: `python -m analysis ingest` on a temporary database.

Good files and good rows are ingested; each bad one gets a line naming the file (and row) and the reason;
doubtful dates are warnings and never stored as fact; nothing half-written reaches the database.
"""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import duckdb
import pytest

from analysis.ingest.run import ingest_uploads
from tests.conftest import REPO

LEAD = "小米集团今日发布公告，公司第三季度营收同比增长22%，达到1131亿元。雷军表示，智能电动汽车业务进展顺利，交付量创新高。"
LEAD_HANT = "小米集團今日發佈公告，公司第三季度營收同比增長22%，達到1131億元。雷軍表示，智能電動汽車業務進展順利，交付量創新高。"
MORE = "分析师认为，小米股价仍有上涨空间，但汽车业务的毛利率仍需观察。"
LONG_LINE = "小米股价上涨，" * (5 * 1024 * 1024 // len("小米股价上涨，".encode()))  # 5 MB, no line break


def body(tag: str) -> str:
    """A distinct article body (distinct ids), tagged so each stored row can be traced to its file."""
    return f"{tag}：{LEAD}{MORE}"


def cli(*args: str, db: Path, cwd: Path = REPO, timeout: float = 300) -> subprocess.CompletedProcess:
    env = os.environ | {"NARRATIVE_DB": str(db), "PYTHONPATH": str(REPO)}
    return subprocess.run(
        [sys.executable, "-m", "analysis", *args],
        capture_output=True, text=True, env=env, cwd=cwd, timeout=timeout,
    )  # fmt: skip


def rows(db: Path, sql: str, params: list | None = None) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def stored(db: Path, path_suffix: str) -> dict | None:
    """The one stored article whose path ends with this suffix, as a dict."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        cur = con.execute("SELECT * FROM articles WHERE ends_with(path, ?)", [path_suffix])
        found = cur.fetchall()
        names = [d[0] for d in cur.description]
    finally:
        con.close()
    assert len(found) <= 1, f"{path_suffix}: {len(found)} rows"
    return dict(zip(names, found[0], strict=True)) if found else None


def messages(result: subprocess.CompletedProcess, name: str) -> list[str]:
    """The stderr lines that name this file."""
    return [line for line in result.stderr.splitlines() if f"/{name}" in line or line.endswith(name)]


def _zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("article.txt", LEAD)
    return buffer.getvalue()


def _csv(header: list[str], records: list[list[str]], *, bom: bool = False) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(records)
    return (("\ufeff" if bom else "") + out.getvalue()).encode("utf-8")


FILES: dict[str, bytes] = {
    "empty.txt": b"",
    "whitespace.txt": b"  \n\t\r\n   \n",
    "picture.txt": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8,
    "archive.txt": _zip_bytes(),
    "gbk.txt": body("GBK").encode("gbk"),
    "big5.txt": LEAD_HANT.encode("big5"),
    "utf16le.txt": body("UTF16LE").encode("utf-16-le"),
    "utf16be.txt": body("UTF16BE").encode("utf-16-be"),
    "mixed-endings.txt": f"第一段{LEAD}\r\n第二段{MORE}\r第三段{LEAD}\n第四段{MORE}".encode(),
    "long-line.txt": LONG_LINE.encode(),
    "bad-yaml.md": f"---\ntitle: [unclosed\nsource: 极客公园\n---\n{body('BADYAML')}\n".encode(),
    "not-a-date.md": f"---\ntitle: 小米公告\ndate: last tuesday\n---\n{body('NOTADATE')}\n".encode(),
    "impossible-date.md": f"---\ntitle: 小米公告\ndate: 2025-02-30\n---\n{body('IMPOSSIBLE')}\n".encode(),
    "future-date.md": f"---\ndate: 2099-01-01\n---\n{body('FUTURE')}\n".encode(),
    "old-date.md": f"---\ndate: 1999-12-31\n---\n{body('OLD')}\n".encode(),
    "impossible-dateline.txt": f"小米发布三季度财报\n2025-02-30 10:00\n{body('DATELINE')}\n".encode(),
    "future-dateline.txt": f"小米发布三季度财报\nTime:2099-03-01\n{body('FUTUREDATELINE')}\n".encode(),
    "page.html": (
        "<html><head><title>小米公告</title><style>body{color:red} /* STYLE-LEAK */</style>"
        "<script>var leak = 'SCRIPT-LEAK';</script></head><body><article><h1>小米公告</h1>"
        f"<p>{body('HTML')}</p><iframe src='https://ads.example'>IFRAME-LEAK</iframe>"
        "<script>document.write('SCRIPT2-LEAK')</script><noscript>NOSCRIPT-LEAK</noscript>"
        f"<p>{MORE}{LEAD}</p></article></body></html>"
    ).encode(),
    "rows.jsonl": "\n".join(
        [
            json.dumps({"title": "第一篇", "text": body("JSONL1")}, ensure_ascii=False),
            '{"title": "broken", "text": "no closing brace"',
            json.dumps({"title": "第三篇", "text": body("JSONL3")}, ensure_ascii=False),
        ]
    ).encode(),
    "separators.jsonl": "\n".join(
        json.dumps({"text": body(f"SEP{i}") + "\u2028第二行\x85第三行"}, ensure_ascii=False) for i in (1, 2)
    ).encode(),
    "row-dates.jsonl": "\n".join(
        json.dumps({"text": body(f"ROWDATE-{value}"), "published": value}, ensure_ascii=False)
        for value in ("2025-02-30", "2099-06-01", "1999-01-01", "2025-02-08")
    ).encode(),
    "no-text-column.csv": _csv(["title", "url"], [["小米", "https://example.com/a"]]),
    "quoted-newlines.csv": _csv(
        ["title", "text"], [["第一篇", body("CSV1") + "\n第二行，\n第三行。"], ["第二篇", body("CSV2")]]
    ),
    "bom.csv": _csv(["text", "title"], [[body("BOMCSV"), "带BOM的标题"]], bom=True),
    "unclosed-quote.csv": (
        f'title,text\n第一篇,"{body("QUOTE1")}"\n第二篇,"{body("QUOTE2")}\n第三篇,"{body("QUOTE3")}"\n'
        f'第四篇,"{body("QUOTE4")}"\n第五篇,"{body("QUOTE5")}\n'
    ).encode(),
    "with space.txt": body("SPACE").encode(),
    "小米新闻.txt": body("CHINESE").encode(),
    "-rf.txt": body("DASH").encode(),
}
# Files that must be rejected, and a word of the reason each message must give.
REJECTED = {
    "empty.txt": "empty",
    "whitespace.txt": "empty",
    "picture.txt": "PNG",
    "archive.txt": "ZIP",
    "no-text-column.csv": "no text column",
}


@pytest.fixture(scope="module")
def ingested(tmp_path_factory) -> tuple[Path, Path, subprocess.CompletedProcess]:
    """Every input kind in one folder, ingested once through the CLI."""
    root = tmp_path_factory.mktemp("reliability")
    folder = root / "in"
    folder.mkdir()
    for name, data in FILES.items():
        (folder / name).write_bytes(data)
    db = root / "narrative.duckdb"
    return folder, db, cli("ingest", str(folder), db=db)


def test_a_folder_of_bad_and_good_files_ingests_the_good_and_exits_zero(ingested):
    folder, db, result = ingested
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    (count,) = rows(db, "SELECT count(*) FROM articles")[0]
    assert f"{count} articles added" in result.stdout
    assert f"{len(REJECTED) + 3} rejected" in result.stdout  # + a broken JSONL line, two bad CSV rows


@pytest.mark.parametrize(("name", "reason"), sorted(REJECTED.items()))
def test_each_rejected_file_is_named_with_its_reason_and_nothing_is_stored(ingested, name, reason):
    folder, db, result = ingested
    (line,) = messages(result, name)
    assert line.startswith(f"rejected: {folder / name}:") and reason in line
    assert stored(db, name) is None


@pytest.mark.parametrize(
    ("name", "encoding", "text", "language"),
    [
        ("gbk.txt", "gb18030", body("GBK"), "zh-Hans"),
        ("big5.txt", "big5", LEAD_HANT, "zh-Hant"),
        ("utf16le.txt", "utf-16-le", body("UTF16LE"), "zh-Hans"),
        ("utf16be.txt", "utf-16-be", body("UTF16BE"), "zh-Hans"),
    ],
    ids=["gbk", "big5", "utf16le", "utf16be"],
)
def test_gbk_big5_and_utf16_without_bom_are_decoded_without_mojibake(
    ingested, name, encoding, text, language
):
    _, db, result = ingested
    article = stored(db, name)
    assert article["encoding"] == encoding and article["language"] == language
    assert article["text"] == text and not messages(result, name)


def test_mixed_line_endings_become_plain_paragraphs(ingested):
    _, db, _ = ingested
    article = stored(db, "mixed-endings.txt")
    assert "\r" not in article["text"]
    assert [line[:3] for line in article["text"].split("\n") if line] == [
        "第一段",
        "第二段",
        "第三段",
        "第四段",
    ]
    assert "\r\n" in article["raw_text"] and "\r第三段" in article["raw_text"]  # raw text kept as read


def test_a_single_5_mb_line_is_ingested_whole(ingested):
    _, db, _ = ingested
    article = stored(db, "long-line.txt")
    assert len(FILES["long-line.txt"]) >= 5 * 1024 * 1024 - 21
    assert article["text"] == LONG_LINE and article["text_simplified"] == LONG_LINE


def test_malformed_yaml_front_matter_is_a_named_warning_and_the_body_is_kept(ingested):
    _, db, result = ingested
    (line,) = messages(result, "bad-yaml.md")
    assert line.startswith("warning:") and "malformed front matter (line 3)" in line
    article = stored(db, "bad-yaml.md")
    assert article["text"].startswith("BADYAML") and article["title_basis"] != "front_matter"
    assert "title:" not in article["text"]


@pytest.mark.parametrize(
    ("name", "value", "reason"),
    [
        ("not-a-date.md", "last tuesday", "is not a date"),
        ("impossible-date.md", "2025-02-30", "is not a date"),
        ("future-date.md", "2099-01-01", "outside 2000..today"),
        ("old-date.md", "1999-12-31", "outside 2000..today"),
        ("impossible-dateline.txt", "2025-02-30", "is not a real date"),
        ("future-dateline.txt", "2099-03-01", "outside 2000..today"),
    ],
    ids=["not-a-date", "impossible", "future", "before-2000", "impossible-dateline", "future-dateline"],
)
def test_a_bad_stated_date_is_a_warning_on_the_row_never_a_stored_fact(ingested, name, value, reason):
    _, db, result = ingested
    (line,) = messages(result, name)
    assert line.startswith("warning:") and value in line and reason in line
    article = stored(db, name)
    assert article["published"] is None and article["published_basis"] != "front_matter"
    assert any(value in warning for warning in json.loads(article["warnings"]))


def test_bad_dates_in_bulk_rows_are_row_warnings_and_a_good_one_is_kept(ingested):
    _, db, result = ingested
    lines = messages(result, "row-dates.jsonl") + [
        line for line in result.stderr.splitlines() if "row-dates.jsonl:" in line
    ]
    for row, value in ((1, "2025-02-30"), (2, "2099-06-01"), (3, "1999-01-01")):
        assert any(f"row-dates.jsonl:{row}:" in line and value in line for line in lines)
        assert stored(db, f"row-dates.jsonl#{row}")["published"] is None
    good = stored(db, "row-dates.jsonl#4")
    assert (str(good["published"]), good["published_basis"]) == ("2025-02-08", "front_matter")


def test_html_scripts_styles_and_iframes_never_reach_the_text(ingested):
    _, db, _ = ingested
    article = stored(db, "page.html")
    assert body("HTML") in article["text"]
    for leak in ("STYLE-LEAK", "SCRIPT-LEAK", "SCRIPT2-LEAK", "IFRAME-LEAK", "NOSCRIPT-LEAK", "color:red"):
        assert leak not in article["text"]


def test_a_broken_jsonl_line_in_the_middle_is_named_and_the_others_are_kept(ingested):
    _, db, result = ingested
    (line,) = [line for line in result.stderr.splitlines() if "rows.jsonl:" in line]
    assert line.startswith("rejected:") and "rows.jsonl:2:" in line and "not valid JSON" in line
    assert stored(db, "rows.jsonl#1")["title"] == "第一篇" and stored(db, "rows.jsonl#3")["title"] == "第三篇"
    assert stored(db, "rows.jsonl#2") is None


def test_line_separators_inside_jsonl_strings_do_not_split_the_line(ingested):
    _, db, result = ingested
    assert not [line for line in result.stderr.splitlines() if "separators.jsonl" in line]
    for row in (1, 2):
        assert stored(db, f"separators.jsonl#{row}")["text"].startswith(f"SEP{row}")


def test_csv_quoted_newlines_stay_inside_their_row(ingested):
    _, db, _ = ingested
    first = stored(db, "quoted-newlines.csv#2")
    assert first["title"] == "第一篇" and "第二行" in first["text"] and "第三行" in first["text"]
    assert stored(db, "quoted-newlines.csv#3")["text"] == body("CSV2")


def test_a_csv_with_a_byte_order_mark_reads_its_first_column(ingested):
    _, db, _ = ingested
    article = stored(db, "bom.csv#2")
    assert article["encoding"] == "utf-8-sig" and article["text"] == body("BOMCSV")
    assert (article["title"], article["title_basis"]) == ("带BOM的标题", "front_matter")


def test_stray_or_unclosed_csv_quotes_are_named_by_row_and_never_merge_rows(ingested):
    _, db, result = ingested
    lines = [line for line in result.stderr.splitlines() if "unclosed-quote.csv" in line]
    assert len(lines) == 2 and all(line.startswith("rejected:") for line in lines)
    assert "unclosed-quote.csv:3: row 3 (lines 3-4): malformed quoting" in lines[0]
    assert "unclosed-quote.csv:5: row 5 (line 6): a quoted field is never closed" in lines[1]
    assert stored(db, "unclosed-quote.csv#2")["text"] == body("QUOTE1")
    assert stored(db, "unclosed-quote.csv#4")["text"] == body("QUOTE4")  # read again after the bad row
    texts = [r[0] for r in rows(db, "SELECT text FROM articles")]
    assert not any(tag in text for text in texts for tag in ("QUOTE2", "QUOTE3", "QUOTE5"))


@pytest.mark.parametrize("name", ["with space.txt", "小米新闻.txt", "-rf.txt"])
def test_odd_file_names_inside_a_folder_are_ingested_under_their_own_name(ingested, name):
    folder, db, _ = ingested
    assert stored(db, name)["path"] == str(folder / name)


@pytest.mark.slow
def test_nothing_half_written_every_stored_row_is_complete_and_a_rerun_adds_nothing(ingested):
    folder, db, _ = ingested
    incomplete = rows(
        db,
        "SELECT path FROM articles WHERE length(trim(text)) = 0 OR raw_text IS NULL OR text_simplified IS NULL "
        "OR length(text_simplified) <> length(text) OR language IS NULL OR published_basis IS NULL",
    )
    assert incomplete == []
    before = rows(db, "SELECT count(*) FROM articles")[0][0]
    again = cli("ingest", str(folder), db=db)
    assert again.returncode == 0 and "0 articles added" in again.stdout
    assert rows(db, "SELECT count(*) FROM articles")[0][0] == before


@pytest.mark.slow
def test_a_leading_dash_name_after_double_dash_is_a_file_not_an_option(tmp_path):
    (tmp_path / "-rf.txt").write_bytes(body("DASH").encode())
    db = tmp_path / "n.duckdb"
    taken_as_option = cli("ingest", "-rf.txt", db=db, cwd=tmp_path)
    assert taken_as_option.returncode != 0 and not db.exists()  # argparse refuses it; nothing is touched
    result = cli("ingest", "--", "-rf.txt", db=db, cwd=tmp_path)
    assert result.returncode == 0 and "1 articles added" in result.stdout
    assert stored(db, "-rf.txt")["path"] == "-rf.txt"


@pytest.mark.slow
def test_relative_paths_with_dot_dot_are_read_where_they_point_and_only_once(tmp_path):
    (tmp_path / "articles").mkdir()
    (tmp_path / "work").mkdir()
    (tmp_path / "articles" / "小米 新闻.txt").write_bytes(body("DOTDOT").encode())
    db = tmp_path / "n.duckdb"
    result = cli(
        "ingest", "../articles/小米 新闻.txt", "../articles/../articles", db=db, cwd=tmp_path / "work"
    )
    assert result.returncode == 0 and "1 files: 1 articles added" in result.stdout  # one file by two routes
    assert stored(db, "小米 新闻.txt")["text"].startswith("DOTDOT")


@pytest.mark.slow
def test_a_missing_path_is_named_and_the_others_still_ingested(tmp_path):
    (tmp_path / "good.txt").write_bytes(body("GOOD").encode())
    db = tmp_path / "n.duckdb"
    result = cli("ingest", str(tmp_path / "good.txt"), str(tmp_path / "absent.txt"), db=db)
    assert result.returncode == 0 and "1 articles added" in result.stdout
    assert f"{tmp_path / 'absent.txt'}: no such file or folder" in result.stderr


@pytest.mark.slow
def test_a_50_mb_text_file_is_ingested_as_one_article_cut_to_the_length_limit(tmp_path):
    paragraph = f"{LEAD}{MORE}\n"
    repeats = 50 * 1024 * 1024 // len(paragraph.encode()) + 1
    (tmp_path / "big.txt").write_text(f"第{0}段" + paragraph * repeats, encoding="utf-8")
    assert (tmp_path / "big.txt").stat().st_size >= 50 * 1024 * 1024
    db = tmp_path / "n.duckdb"
    result = cli("ingest", str(tmp_path / "big.txt"), db=db, timeout=240)
    assert result.returncode == 0 and "1 articles added" in result.stdout, result.stderr
    assert "over the limit of 10,000,000 (NARRATIVE_MAX_ARTICLE_CHARS)" in result.stderr
    ((length, lines),) = rows(db, "SELECT length(text), len(string_split(text, chr(10))) FROM articles")
    assert lines < repeats and 9_000_000 < length <= 10_000_000


def test_uploads_get_the_same_treatment_each_bad_one_named_the_good_ones_stored(store):
    uploads = [
        ("empty.txt", b""),
        ("photo.txt", FILES["picture.txt"]),
        ("rows.jsonl", FILES["rows.jsonl"]),
        ("no text.csv", FILES["no-text-column.csv"]),
        ("bad-yaml.md", FILES["bad-yaml.md"]),
        ("page.html", FILES["page.html"]),
        ("C:\\Users\\me\\小米.txt", body("UPLOAD").encode("gbk")),
    ]
    summary = ingest_uploads(store, uploads)
    assert sorted(p.path for p in summary.problems) == ["empty.txt", "no text.csv", "photo.txt", "rows.jsonl"]
    assert [p.row for p in summary.problems if p.path == "rows.jsonl"] == [2]
    assert [w.path for w in summary.warnings] == ["bad-yaml.md"]
    assert len(summary.added) == 5  # two JSONL rows, the Markdown, the HTML page, the GBK text
    texts = [store.article(i)["text"] for i in summary.added]
    assert body("UPLOAD") in texts and not any("IFRAME-LEAK" in text for text in texts)


@pytest.mark.slow
def test_classify_answers_every_line_bad_ones_with_an_error_entry_in_order(tmp_path):
    lines = [
        json.dumps({"id": "good-1", "text": "小米股价大涨，市值突破万亿港元"}, ensure_ascii=False).encode(),
        b'{"id": "broken", "text": ',
        b"[1, 2, 3]",
        b'"just a string"',
        b'{"id": "no-text"}',
        b'{"id": "number", "text": 42}',
        b"",
        b"[" * 100_000 + b"]" * 100_000,
        b"\xff\xfe\x80 not utf-8",
        json.dumps({"id": "long", "text": "小米股价下跌。" * 40_000}, ensure_ascii=False).encode(),
        json.dumps({"id": "good-2", "text": "小米召回11万辆SU7，股价暴跌"}, ensure_ascii=False).encode(),
    ]
    env = os.environ | {"NARRATIVE_DB": str(tmp_path / "n.duckdb"), "PYTHONPATH": str(REPO)}
    result = subprocess.run(
        [sys.executable, "-m", "analysis", "classify", "--no-snownlp"],
        input=b"\n".join(lines) + b"\n", capture_output=True, env=env, cwd=REPO, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0 and b"Traceback" not in result.stderr
    out = [json.loads(line) for line in result.stdout.decode().splitlines()]
    assert len(out) == len(lines)
    assert [r["id"] for r in out] == ["good-1", None, None, None, "no-text", "number", None, None, None, "long",
                                      "good-2"]  # fmt: skip
    errors = [i + 1 for i, r in enumerate(out) if "error" in r]
    assert errors == [2, 3, 4, 8, 9] and all(out[i - 1]["error"].startswith(f"line {i}:") for i in errors)
    assert all("warning" in out[i] for i in (4, 5, 6))  # no text, text not a string, empty line
    assert out[0]["label"] == "positive" and out[-1]["label"] == "negative" and out[9]["label"] == "negative"
