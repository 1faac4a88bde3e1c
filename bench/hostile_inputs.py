"""Generated hostile inputs for the hostile-corpus run: article files, classify lines and price files.

Every kind the reliability rows name (first round and issue 15) is made here, in a temporary folder, never
committed: encodings and bad bytes, YAML bombs and huge fields, odd names and links, deep HTML, dates by the
hundred thousand, syndicated copies, bad JSONL/CSV rows, price files with another ticker, decimal commas,
1e308 or year-1 dates. Each article input carries a tag (`HOSTILE-<n>`) in its text when it is meant to be
stored, so the run can tell what must be in the store afterwards.
"""

from __future__ import annotations

import io
import json
import os
import socket
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

LEAD = "小米集团今日发布公告，公司第三季度营收同比增长22%，达到1131亿元。雷军表示，智能电动汽车业务进展顺利，交付量创新高。"
MORE = "分析师认为，小米股价仍有上涨空间，但汽车业务的毛利率仍需观察。"
LEAD_HANT = "小米集團今日發佈公告，公司第三季度營收同比增長22%，達到1131億元。雷軍表示，智能電動汽車業務進展順利，交付量創新高。"
LEAD_EN = "Xiaomi shares rose 4% in Hong Kong after the company reported record quarterly revenue and car deliveries."


@dataclass
class Corpus:
    """What was generated: the article folder, extra paths named on the command line, and the other inputs."""

    articles: Path
    named: list[Path] = field(default_factory=list)  # special files given on the command line
    inputs: list[str] = field(default_factory=list)  # every article input (file names relative to `articles`)
    tags: list[str] = field(default_factory=list)  # tags that must be stored after the run
    classify_lines: list[str] = field(default_factory=list)
    prices: list[Path] = field(default_factory=list)
    good_prices: list[Path] = field(default_factory=list)  # price files that must be imported
    # exact repeats (same text and metadata) of an input: ingest counts them as already stored
    repeats: dict[str, str] = field(default_factory=dict)

    @property
    def size(self) -> int:
        return len(self.inputs) + len(self.named) + len(self.classify_lines) + len(self.prices)


def body(tag: str, lead: str = LEAD) -> str:
    """A distinct article body (a distinct id) that carries its tag."""
    return f"{tag}：{lead}{MORE}"


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def _front(text: str, **fields: str) -> str:
    return "---\n" + "".join(f"{k}: {v}\n" for k, v in fields.items()) + f"---\n{text}\n"


def _alias_bomb() -> str:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for level in "bcdefghi":
        previous = chr(ord(level) - 1)
        lines.append(
            f"{level}: &{level} [*{previous},*{previous},*{previous},*{previous},*{previous},*{previous}]"
        )
    return "---\n" + "\n".join(lines) + "\ntitle: *i\n---\n"


def article_files() -> tuple[dict[str, bytes], list[str]]:
    """The article files (name -> bytes) and the tags whose texts must be stored after ingest."""
    n = iter(range(10_000))
    files: dict[str, bytes] = {}
    tags: list[str] = []

    def good(name: str, make: Callable[[str], bytes]) -> None:
        tag = f"HOSTILE-{next(n)}"
        files[name] = make(tag)
        tags.append(tag)

    def bad(name: str, data: bytes) -> None:
        files[name] = data

    # plain good files in every format
    for i in range(8):
        good(f"good-{i}.txt", lambda t: body(t).encode())
    good(
        "good.md", lambda t: _front(body(t), title="小米公告", source="极客公园", date="2025-02-08").encode()
    )
    good(
        "good.html",
        lambda t: f"<html><head><title>小米</title></head><body><p>{body(t)}</p></body></html>".encode(),
    )
    good("good-en.txt", lambda t: body(t, LEAD_EN).encode())
    good("good-hant.txt", lambda t: body(t, LEAD_HANT).encode())
    # empty, chrome, binaries renamed
    bad("empty.txt", b"")
    bad("whitespace.txt", b"  \n\t\r\n   \n")
    bad("bom-only.txt", b"\xef\xbb\xbf")
    bad("utf16-whitespace.txt", "\ufeff   \n".encode("utf-16"))
    bad("chrome-only.txt", "登录\n注册\n微信扫一扫\n备案号：京ICP备12345678号\n".encode())
    bad("picture.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8)
    bad("archive.txt", _zip())
    bad("document.docx.txt", _zip())
    bad("program.txt", b"\x7fELF\x02\x01\x01" + bytes(512))
    bad("pdf.txt", b"%PDF-1.7\n" + bytes(range(256)) * 4)
    bad("nul-bytes.txt", b"\x00" * 4096)
    bad("random-bytes.txt", bytes((i * 7919) % 256 for i in range(8192)))
    # encodings, bad bytes, mixed encodings
    for enc in ("gb18030", "gbk", "utf-16-le", "utf-16-be", "utf-16", "utf-8-sig", "utf-32"):
        good(f"enc-{enc}.txt", lambda t, enc=enc: body(t).encode(enc))
    good("enc-big5.txt", lambda t: f"{t}：{LEAD_HANT}".encode("big5"))
    good("stray-byte.txt", lambda t: body(t).encode()[:30] + b"\xff" + body(t).encode()[30:])
    good("cut-mid-char.txt", lambda t: body(t).encode()[:-1])
    good("stray-byte.md", lambda t: _front(body(t), title="小米").encode() + b"\xc0\xaf")
    good("utf16le-utf8-tail.txt", lambda t: body(t).encode("utf-16-le") + f"\n{MORE}尾部".encode())
    good("utf16be-utf8-tail.txt", lambda t: b"\xfe\xff" + body(t).encode("utf-16-be") + f"\n{MORE}".encode())
    bad("utf16-head-bad-tail.txt", "小米集团".encode("utf-16-le") + b"\x00 \xc0" * 40)
    good("nul-in-text.txt", lambda t: (body(t)[:20] + "\x00" + body(t)[20:]).encode())
    good("cr-only.txt", lambda t: f"第一段{body(t)}\r第二段{MORE}\r第三段{LEAD}".encode())
    good("lone-surrogate.jsonl", lambda t: ('{"text": "' + body(t) + '\\ud800"}').encode())
    # front matter and fields
    good("alias-bomb.md", lambda t: (_alias_bomb() + body(t) + "\n").encode())
    good("huge-front-matter.md", lambda t: ("---\nnote: " + "x" * 70_000 + "\n---\n" + body(t)).encode())
    good("list-title.md", lambda t: _front(body(t), title="[a, b, c]").encode())
    good("bad-yaml.md", lambda t: _front(body(t), title="[unclosed", source="极客公园").encode())
    good(
        "yaml-tags.md",
        lambda t: _front(body(t), title="!!python/object/apply:os.system ['echo hi']").encode(),
    )
    good("huge-title.md", lambda t: _front(body(t), title="标" * 100_000).encode())
    good("huge-outlet.md", lambda t: _front(body(t), source="源" * 5_000).encode())
    good("huge-url.md", lambda t: _front(body(t), url="https://example.com/" + "a" * 10_000).encode())
    for value in (
        "2025-02-30",
        "2099-01-01",
        "1999-12-31",
        "0001-01-01",
        "last tuesday",
        "99999-01-01",
        "1e308",
    ):
        good(f"date-{value.replace(' ', '_')}.md", lambda t, v=value: _front(body(t), date=v).encode())
    for line in (
        "2025-02-30 10:00",
        "Time:2099-03-01",
        "05/11/2025",
        "发布 : 2025-1-25",
        "21 Nov 2025, 17:56 GMT+10",
    ):
        good(
            f"dateline-{next(n)}.txt",
            lambda t, line=line: f"小米发布三季度财报\n{line}\n{body(t)}\n".encode(),
        )
    good("relative-days.txt", lambda t: f"{body(t)}上周五股价下跌，昨日再跌，本周五将公布业绩。".encode())
    # sizes and scans
    good("long-line.txt", lambda t: (body(t) + "小米股价上涨，" * 300_000).encode())
    good("long-article.txt", lambda t: (body(t) + "\n" + f"{LEAD}{MORE}\n" * 30_000).encode())
    good(
        "dates-160k.txt",
        lambda t: (body(t) + "\n" + "2025-01-12 12/01/2025 2025年1月12日 12 Nov 2025 " * 40_000).encode(),
    )
    good("price-quotes.txt", lambda t: (body(t) + "收于43.20港元，" * 20_000 + "。").encode())
    good("brackets.md", lambda t: (body(t) + "\n" + "[" * 200_000 + "\n").encode())
    good("cdata.md", lambda t: (body(t) + "\n" + "<![CDATA[" * 20_000 + "\n").encode())
    good("heading-spaces.md", lambda t: ("# 小米" + " " * 200_000 + "\n" + body(t)).encode())
    good("related-markers.txt", lambda t: (body(t) + "\n" + "推荐\n小米新车发布\n" * 5_000).encode())
    for depth in (300, 5_000, 50_000):
        good(
            f"deep-{depth}.html",
            lambda t, d=depth: (
                "<html><body>" + "<div>" * d + f"<p>{body(t)}</p>" + "</div>" * d + "</body></html>"
            ).encode(),
        )
    good(
        "deep-unclosed.html",
        lambda t: ("<html><body>" + "<span>" * 3_000 + f"<p>{body(t)}</p></body></html>").encode(),
    )
    bad(
        "script-only.html",
        b"<html><head><script>var a=1;</script></head><body><script>b()</script></body></html>",
    )
    good(
        "gbk-meta.html",
        lambda t: f'<html><head><meta charset="gb2312"></head><body><p>{body(t)}</p></body></html>'.encode(
            "gb18030"
        ),
    )
    good(
        "markdown-injection.md",
        lambda t: (
            f"{body(t)}\n\n![pixel](https://tracker.example/p.gif) [link](javascript:alert(1)) 3~5年\n".encode()
        ),
    )
    good(
        "script-title.md",
        lambda t: _front(body(t), title="<script>alert(1)</script>", source="<b>x</b>").encode(),
    )
    good(
        "sql-title.md", lambda t: _front(body(t), title="'''; DROP TABLE articles; --'").encode()
    )  # YAML 'x' quoting
    good(
        "formula-title.md",
        lambda t: _front(body(t), title='=HYPERLINK("http://x")', source="+cmd|' /C calc'!A0").encode(),
    )
    good("escape-codes-in-text.txt", lambda t: f"\x1b[2J\x1b]0;owned\x07{body(t)}".encode())
    # syndicated copies: one text, two outlets and dates; an exact repeat; a near-duplicate
    copy_tag = f"HOSTILE-{next(n)}"
    copy = body(copy_tag)
    bad("copy-a.md", _front(copy, source="新浪财经", date="2025-03-01").encode())
    bad("copy-b.md", _front(copy, source="网易财经", date="2025-03-02").encode())
    bad("copy-a-again.md", _front(copy, source="新浪财经", date="2025-03-01").encode())
    bad("near-dup.txt", (copy + "（完）").encode())
    tags.append(copy_tag)
    # bulk files: JSONL and CSV with good and bad rows
    row_tag = f"HOSTILE-{next(n)}"
    tags.append(row_tag)
    rows = [json.dumps({"title": "第一篇", "text": body(row_tag)}, ensure_ascii=False)]
    rows += [
        '{"title": "broken", "text": "no closing brace"',
        "[1, 2, 3]",
        '"just a string"',
        '{"title": "no text"}',
        '{"text": 12345}',
        "",
        "[" * 100_000 + "]" * 100_000,
        '{"text": "' + "小米" * 140_000 + '"}',
        '{"text": "x", "published": "0001-01-01"}',
    ]
    bad("rows.jsonl", "\n".join(rows).encode() + b'\n{"text": "\xff\xfe bad"}\n')
    csv_tag = f"HOSTILE-{next(n)}"
    tags += [csv_tag, csv_tag + "B"]
    bad(
        "rows.csv",
        (
            f'title,text,published\n第一篇,"{body(csv_tag)}",2025-02-08\n'
            f'=cmd|calc,"{body(csv_tag + "B")}",2025-02-30\n'
            f'短,"{"长" * 200_000}",\n第四篇,"unclosed {body("x")}\n'
        ).encode(),
    )
    bad("no-text-column.csv", b"title,url\nx,https://example.com\n")
    good("array.json", lambda t: json.dumps([{"text": body(t)}], ensure_ascii=False).encode())
    bad("huge-number.json", b'{"text": 1' + b"0" * 5_000 + b"}")
    bad(".hidden.txt", body("hidden").encode())
    return files, tags


# Names a file system accepts that a terminal or a walk may not: each holds a good article.
ODD_NAMES = [
    "name.txt ",
    "no-extension",
    "with space.txt",
    "小米新闻.txt",
    "-rf.txt",
    "clear\x1b[2J.txt",
    "new\nline.txt",
    "bell\x07.txt",
    "bidi\u202eexe.txt",
    "c1\x9b.txt",
    "x" * 240 + ".txt",
    "UPPER.TXT",
    "double.txt.txt",
    "a.md ",
    "tab\tname.txt",
]


def generate(root: Path) -> Corpus:
    """Write the whole hostile corpus under `root` and describe it."""
    articles = root / "articles"
    articles.mkdir(parents=True)
    corpus = Corpus(articles)
    files, corpus.tags = article_files()
    corpus.repeats = {"copy-a.md": "copy-a-again.md"}
    for name, data in files.items():
        (articles / name).write_bytes(data)
        corpus.inputs.append(name)
    for i, name in enumerate(ODD_NAMES):
        tag = f"ODD-{i}"
        (articles / name).write_bytes(body(tag).encode())
        corpus.inputs.append(name)
        if not name.startswith("."):
            corpus.tags.append(tag)
    raw_name = os.fsdecode(b"latin1-\xff.txt")  # a name that is not UTF-8
    (articles / raw_name).write_bytes(body("ODD-RAW").encode())
    corpus.inputs.append(raw_name)
    corpus.tags.append("ODD-RAW")
    _links_and_folders(corpus)
    corpus.classify_lines = classify_lines()
    corpus.prices, corpus.good_prices = price_files(root / "prices")
    return corpus


def _links_and_folders(corpus: Corpus) -> None:
    """Sub-folders, hidden folders, links of every kind, a pipe and a socket."""
    articles = corpus.articles
    sub = articles / "sub" / "deeper"
    sub.mkdir(parents=True)
    (sub / "nested.txt").write_bytes(body("LINK-0").encode())
    corpus.inputs.append("sub/deeper/nested.txt")
    corpus.tags.append("LINK-0")
    (articles / ".hidden-folder").mkdir()
    (articles / ".hidden-folder" / "inside.txt").write_bytes(body("hidden-folder").encode())
    corpus.inputs.append(".hidden-folder")
    outside = articles.parent / "outside"
    outside.mkdir()
    (outside / "linked.txt").write_bytes(body("LINK-1").encode())
    (articles / "linked-folder").symlink_to(outside, target_is_directory=True)
    corpus.inputs.append("linked-folder/linked.txt")
    corpus.tags.append("LINK-1")
    (articles / "link-to-sub").symlink_to(articles / "sub", target_is_directory=True)  # already read
    corpus.inputs.append("link-to-sub")
    (articles / "file-link.txt").symlink_to(articles / "good-0.txt")
    corpus.inputs.append("file-link.txt")
    (articles / "dangling.txt").symlink_to(articles / "gone.txt")
    corpus.inputs.append("dangling.txt")
    (articles / "loop-a").symlink_to(articles / "loop-b")
    (articles / "loop-b").symlink_to(articles / "loop-a")
    corpus.inputs += ["loop-a", "loop-b"]
    os.mkfifo(articles / "pipe.txt")
    corpus.inputs.append("pipe.txt")
    sock = socket.socket(socket.AF_UNIX)
    try:
        sock.bind(str(articles / "socket.txt"))
        corpus.inputs.append("socket.txt")
    except OSError:
        pass  # a path too long for a socket: the pipe stands for special files
    finally:
        sock.close()
    (articles / "empty-folder").mkdir()
    locked = articles / "locked"
    locked.mkdir()
    (locked / "inside.txt").write_bytes(body("LOCKED").encode())
    locked.chmod(0)  # root still reads it: then it is ingested; otherwise named as unreadable
    corpus.inputs.append("locked")
    os.mkfifo(articles.parent / "named-pipe")
    corpus.named += [
        articles.parent / "named-pipe",
        articles.parent / "missing.txt",
        articles / "dangling.txt",
    ]


def classify_lines() -> list[str]:
    """Lines for `classify`: good ones, broken JSON, every wrong shape, deep nesting, huge and odd text."""
    lines = [
        LEAD,
        LEAD_EN,
        json.dumps({"id": "a", "text": LEAD}, ensure_ascii=False),
        json.dumps({"id": "b", "text": LEAD_HANT}, ensure_ascii=False),
        '{"text": "no closing brace"',
        "[1, 2, 3]",
        '"bare string"',
        '{"id": "c"}',
        '{"text": 42}',
        '{"text": null}',
        '{"text": ""}',
        "",
        "   ",
        "[" * 100_000,
        "{" * 50_000 + "}" * 50_000,
        '{"text": "ok", "n": 1' + "0" * 5_000 + "}",  # past Python's digit limit for int()
        json.dumps({"text": "小米" * 140_000}, ensure_ascii=False),
        '{"text": "\\ud800\\udfff\\ud800"}',
        "\x1b[2J\x1b]0;owned\x07" + LEAD,
        "\x00" * 100,
        "收于43.20港元，" * 5_000,
        "2025-01-12 " * 20_000,
        json.dumps({"text": LEAD, "extra": {"deep": [[[[[[1]]]]]]}}, ensure_ascii=False),
        '{"text": "' + "\\u0000" * 1000 + '"}',
        "1e308",
        "NaN",
        json.dumps({"text": LEAD, "id": ["not", "a", "string"]}, ensure_ascii=False),
        "\u2028\u2029\x85" + LEAD,
        "<script>alert(1)</script>" + LEAD,
    ]
    return lines


PRICE_HEADER = "date,open,high,low,close,volume\n"


def _bars(start_day: int, closes: list[str]) -> str:
    return "".join(f"2023-03-{start_day + i:02d},{c},{c},{c},{c},1000\n" for i, c in enumerate(closes))


def price_files(folder: Path) -> tuple[list[Path], list[Path]]:
    """Price CSVs for `prices import --ticker 1810.HK`: good ones dated March 2023, bad ones of every kind."""
    folder.mkdir(parents=True)
    ok = ["30.1", "30.4", "30.2", "30.6", "30.5"]
    good = {
        "good.csv": PRICE_HEADER + _bars(1, ok),
        "good-crlf-bom.csv": "\ufeff" + (PRICE_HEADER + _bars(6, ok)).replace("\n", "\r\n"),
        "decimal-commas.csv": "date;close\n"
        + "".join(f"2023-03-{13 + i};{c.replace('.', ',')}\n" for i, c in enumerate(ok)),
        "date-close-only.csv": "date,close\n" + "".join(f"2023-03-{20 + i},{c}\n" for i, c in enumerate(ok)),
        "same-ticker.csv": "date,ticker,close\n"
        + "".join(f"2023-03-{27 + i},01810,{c}\n" for i, c in enumerate(ok[:3])),
    }
    bad = {
        "other-ticker.csv": "date,ticker,close\n"
        + "".join(f"2023-04-{3 + i},AAPL,{c}\n" for i, c in enumerate(ok)),
        "ambiguous-comma.csv": 'date,close\n2023-04-03,"4,010"\n',
        "inf.csv": "date,close\n2023-04-03,inf\n",
        "1e308.csv": "date,close\n2023-04-03,1e308\n",
        "negative.csv": "date,close\n2023-04-03,-40\n",
        "zero.csv": "date,close\n2023-04-03,0\n",
        "nan.csv": "date,close\n2023-04-03,NaN\n",
        "spike.csv": "date,close\n"
        + "".join(f"2023-04-{3 + i},{c}\n" for i, c in enumerate(["30", "31", "400", "30", "31"])),
        "year-1.csv": "date,close\n0001-01-01,30\n",
        "year-1899.csv": "date,close\n1899-12-30,30\n",
        "year-9999.csv": "date,close\n9999-12-31,30\n",
        "impossible-date.csv": "date,close\n2023-02-30,30\n",
        "not-a-number.csv": "date,close\n2023-04-03,abc\n",
        "formula.csv": "date,close\n2023-04-03,=1+1\n",
        "empty.csv": "",
        "header-only.csv": PRICE_HEADER,
        "no-close.csv": "date,open\n2023-04-03,30\n",
        "no-date.csv": "close\n30\n",
        "duplicate-dates.csv": "date,close\n2023-04-03,30\n2023-04-03,31\n",
        "level-98.csv": "date,close\n" + "".join(f"2023-04-{3 + i},98.{i}\n" for i in range(5)),
        "high-below-low.csv": "date,open,high,low,close,volume\n2023-04-03,30,29,31,30,100\n",
        "huge-line.csv": "date,close\n2023-04-03," + "9" * 5_000_000 + "\n",
        "binary.csv": bytes(range(256)).decode("latin-1") * 16,
        "unclosed-quote.csv": 'date,close\n"2023-04-03,30\n2023-04-04,31\n',
    }
    paths = []
    for name, text in good.items():
        (folder / name).write_text(text, encoding="utf-8", newline="")
        paths.append(folder / name)
    good_paths = list(paths)
    for name, text in bad.items():
        (folder / name).write_text(text, encoding="latin-1" if name == "binary.csv" else "utf-8", newline="")
        paths.append(folder / name)
    (folder / "utf16.csv").write_bytes(("date,close\n2023-04-03,30\n").encode("utf-16"))
    (folder / "pdf.csv").write_bytes(b"%PDF-1.7\n" + bytes(range(256)))
    paths += [folder / "utf16.csv", folder / "pdf.csv", folder / "missing.csv", folder]
    return paths, good_paths
