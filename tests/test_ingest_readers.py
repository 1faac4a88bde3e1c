"""Readers for every format, and a clear per-file (per-row) problem for each kind of bad input."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from analysis.ingest import ingest_bytes
from tests.conftest import ingest_one

pytestmark = pytest.mark.usefixtures("pinned_today")  # dates are checked against a pinned today


LEAD = "小米集团股价今日大幅波动,市场对其汽车业务的前景看法不一,分析师认为仍需观察交付数据。"
LEAD2 = "小米汽车交付量持续增长,二期工厂预计六月竣工,产能瓶颈有望缓解,市场情绪随之回暖。"


def write(tmp_path: Path, name: str, data: bytes | str) -> Path:
    path = tmp_path / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def test_markdown_front_matter_fields_are_used(tmp_path: Path) -> None:
    text = f"---\ntitle: 小米市值破万亿\nurl: https://example.com/a\nsource: 极客公园\ndate: 2025-02-08\n---\n\n{LEAD}\n"
    (article,) = ingest_one(write(tmp_path, "a.md", text)).articles
    assert (article.title, article.title_basis) == ("小米市值破万亿", "front_matter")
    assert (article.source, article.source_basis) == ("极客公园", "front_matter")
    assert (article.published, article.published_basis) == (date(2025, 2, 8), "front_matter")
    assert article.url == "https://example.com/a" and article.format == "md"
    assert article.raw_text.startswith("---\ntitle")
    assert "title:" not in article.text


def test_malformed_front_matter_is_a_warning_and_the_body_is_ingested(tmp_path: Path) -> None:
    text = f"---\ntitle: [unclosed\ndate: 2025-02-08\n---\n{LEAD}\n"
    result = ingest_one(write(tmp_path, "bad.md", text))
    (article,) = result.articles
    assert article.text == LEAD
    (problem,) = result.problems
    assert (
        not problem.fatal and "malformed front matter" in problem.reason and problem.path.endswith("bad.md")
    )


def test_non_date_in_front_matter_date_is_a_warning(tmp_path: Path) -> None:
    text = f"---\ntitle: 小米\ndate: next tuesday\n---\n{LEAD}\n"
    result = ingest_one(write(tmp_path, "a.md", text))
    (article,) = result.articles
    assert article.published is None
    assert any("next tuesday" in p.reason and not p.fatal for p in result.problems)


@pytest.mark.parametrize(
    ("name", "data"),
    [("empty.txt", b""), ("blank.txt", b" \n\t\r\n  \n"), ("blank16.txt", "\ufeff  \n \n".encode("utf-16"))],
)
def test_empty_or_whitespace_only_file_is_one_problem(tmp_path: Path, name: str, data: bytes) -> None:
    result = ingest_one(write(tmp_path, name, data))
    assert result.articles == []
    (problem,) = result.problems
    assert problem.fatal and problem.path.endswith(name) and "empty" in problem.reason


def test_only_chrome_is_empty(tmp_path: Path) -> None:
    result = ingest_one(
        write(tmp_path, "chrome.txt", "登录\n注册\n微信扫一扫\n京公网安备 11011402013531号\n")
    )
    assert result.articles == [] and "no article text" in result.problems[0].reason


def test_missing_file_is_a_problem(tmp_path: Path) -> None:
    result = ingest_one(tmp_path / "nope.txt")
    assert result.articles == [] and result.problems[0].reason == "file not found"


def test_jsonl_broken_line_in_the_middle_keeps_the_good_rows(tmp_path: Path) -> None:
    lines = [
        json.dumps(
            {"title": "第一篇", "text": LEAD, "source": "新浪", "published": "2025-03-01"}, ensure_ascii=False
        ),
        '{"title": "坏行", "text": "没有结束',
        json.dumps(
            {"title": "第三篇", "body": LEAD2, "url": "https://a.com/2025/0305/x.html"}, ensure_ascii=False
        ),
        json.dumps({"title": "没有正文", "text": "  "}, ensure_ascii=False),
        json.dumps(["not", "an", "object"]),
    ]
    result = ingest_one(write(tmp_path, "bulk.jsonl", "\n".join(lines) + "\n"))
    assert [a.title for a in result.articles] == ["第一篇", "第三篇"]
    assert [a.path for a in result.articles] == [
        f"{tmp_path / 'bulk.jsonl'}#1",
        f"{tmp_path / 'bulk.jsonl'}#3",
    ]
    assert result.articles[0].published == date(2025, 3, 1)
    assert result.articles[1].published_basis == "url"
    assert sorted(p.row for p in result.problems) == [2, 4, 5]
    assert all(p.fatal for p in result.problems)
    assert "not valid JSON" in next(p.reason for p in result.problems if p.row == 2)


def test_json_array_file_is_read_like_jsonl(tmp_path: Path) -> None:
    data = json.dumps([{"text": LEAD}, {"text": LEAD2}], ensure_ascii=False)
    assert len(ingest_one(write(tmp_path, "bulk.json", data)).articles) == 2


def test_csv_with_bom_and_quoted_newlines(tmp_path: Path) -> None:
    data = (
        f'\ufefftitle,text,source,published\n第一篇,"{LEAD}\n\n{LEAD2}",新浪,2025-03-01\n第二篇,"{LEAD2}",,\n'
    )
    result = ingest_one(write(tmp_path, "bulk.csv", data.encode("utf-8")))
    assert result.problems == []
    first, second = result.articles
    assert first.text == f"{LEAD}\n\n{LEAD2}"
    assert (first.title, first.source, first.published) == ("第一篇", "新浪", date(2025, 3, 1))
    assert second.path.endswith("bulk.csv#3") and second.format == "csv"


def test_csv_without_a_text_column_is_one_problem_for_the_file(tmp_path: Path) -> None:
    result = ingest_one(write(tmp_path, "prices.csv", "date,close\n2025-01-02,40.1\n2025-01-03,41.0\n"))
    assert result.articles == []
    (problem,) = result.problems
    assert problem.row is None and "no text column" in problem.reason and "date, close" in problem.reason


def test_csv_rows_without_text_are_row_problems(tmp_path: Path) -> None:
    data = f"title,body\n有正文,{LEAD}\n无正文,\n"
    result = ingest_one(write(tmp_path, "bulk.csv", data))
    assert len(result.articles) == 1
    (problem,) = result.problems
    assert problem.row == 3 and "no text" in problem.reason


def test_csv_in_gb18030_with_semicolons(tmp_path: Path) -> None:
    data = f"标题;text\n第一篇;{LEAD}\n".encode("gb18030")
    (article,) = ingest_one(write(tmp_path, "bulk.csv", data)).articles
    assert article.encoding == "gb18030" and article.text == LEAD


HTML = """<!doctype html><html><head><meta charset="gbk"><title>小米股价大涨 - 新浪财经</title>
<meta property="og:site_name" content="新浪财经"><meta property="article:published_time" content="2025-03-19T10:00:00+08:00">
</head><body><nav><a href="/">首页</a> &gt; <a href="/finance">财经</a></nav>
<article><h1>小米股价大涨</h1><p>{lead}</p><p>{lead2}</p><p>{lead}{lead2}</p></article>
<footer>Copyright &copy; 2025 新浪 京ICP备12345号</footer></body></html>"""


def test_html_main_text_and_metadata_via_trafilatura(tmp_path: Path) -> None:
    data = HTML.format(lead=LEAD, lead2=LEAD2).encode("gbk")
    result = ingest_one(write(tmp_path, "page.html", data))
    (article,) = result.articles
    assert article.format == "html" and article.encoding == "gb18030"
    assert LEAD in article.text and "Copyright" not in article.text and "ICP" not in article.text
    assert (article.title, article.title_basis) == ("小米股价大涨", "front_matter")
    assert (article.source, article.published) == ("新浪财经", date(2025, 3, 19))


def test_html_without_text_is_a_problem(tmp_path: Path) -> None:
    result = ingest_one(write(tmp_path, "empty.html", "<html><body><nav>首页</nav></body></html>"))
    assert result.articles == [] and result.problems[0].fatal


def test_upload_bytes_pick_the_reader_by_name() -> None:
    data = json.dumps({"text": LEAD}, ensure_ascii=False).encode()
    assert ingest_bytes(data, name="upload.jsonl").articles[0].format == "jsonl"
    assert ingest_bytes(data, name="upload.txt").articles[0].format == "txt"


def test_pretty_printed_json_object_is_one_record(tmp_path: Path) -> None:
    data = json.dumps(
        {"title": "一篇", "text": LEAD, "published": "2025-03-01"}, ensure_ascii=False, indent=2
    )
    result = ingest_one(write(tmp_path, "one.json", data))
    assert result.problems == []
    (article,) = result.articles
    assert (article.title, article.published) == ("一篇", date(2025, 3, 1))


def test_csv_with_chinese_column_names(tmp_path: Path) -> None:
    data = f'标题,正文,来源,日期\n一篇,"{LEAD}",新浪财经,2025-03-01\n'
    (article,) = ingest_one(write(tmp_path, "bulk.csv", data)).articles
    assert (article.title, article.source, article.published) == ("一篇", "新浪财经", date(2025, 3, 1))


def test_lone_surrogates_from_json_escapes_do_not_break_ingest(tmp_path: Path) -> None:
    data = b'{"text": "Xiaomi shares \\ud800 rose in Hong Kong trading today"}\n'
    (article,) = ingest_one(write(tmp_path, "bulk.jsonl", data)).articles
    assert article.text == "Xiaomi shares rose in Hong Kong trading today"
    article.raw_text.encode("utf-8")  # storable


def _deep_page(depth: int, tag: str = "div") -> bytes:
    article = "小米集团股价今日大幅波动，市场对其汽车业务的前景看法不一，机构认为增长动能仍然强劲。"
    return (
        "<html><head><title>小米股价大幅波动</title><script>var x = '脚本文字';</script></head><body>"
        + f"<{tag}>" * depth
        + f"<p>{article}</p><p>第二段：小米汽车交付量再创新高。</p><style>p{{color:red}}</style>"
        + f"</{tag}>" * depth
        + "</body></html>"
    ).encode()


@pytest.mark.parametrize("depth", [252, 255, 300, 2_000, 50_000])
def test_html_nested_past_the_parser_depth_limit_keeps_its_text(depth: int) -> None:
    result = ingest_bytes(_deep_page(depth), name="deep.html")
    assert [p for p in result.problems if p.fatal] == []
    (article,) = result.articles
    assert "小米集团股价今日大幅波动" in article.text
    assert "第二段" in article.text
    assert "脚本文字" not in article.text and "color:red" not in article.text


def test_a_deep_page_is_read_tag_by_tag_with_a_warning_and_its_title() -> None:
    result = ingest_bytes(_deep_page(600, "section"), name="deep.html")
    (article,) = result.articles
    assert article.title == "小米股价大幅波动"
    assert any("nested more than 256 levels" in w for w in article.warnings)


def test_a_shallow_page_still_goes_through_the_main_text_extractor() -> None:
    result = ingest_bytes(_deep_page(5), name="shallow.html")
    (article,) = result.articles
    assert not any("nested more than" in w for w in article.warnings)


def test_flattened_text_has_one_line_per_block_and_no_hidden_text() -> None:
    from analysis.ingest.html_text import flatten_html

    text, title = flatten_html(
        "<title> T </title><div>a<br>b</div><p>c &amp; d</p><noscript>n</noscript><template>t</template>e"
    )
    assert (text, title) == ("a\nb\nc & d\ne", "T")
