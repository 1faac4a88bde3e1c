"""Every field bounded before it reaches the store; YAML front matter loaded safely; one bad record never sinks its
batch (issue 15, item 1)."""

from __future__ import annotations

import tracemalloc

import pytest

from analysis.ingest import ingest_bytes
from analysis.ingest.readers import split_front_matter
from analysis.ingest.run import ingest_paths, ingest_uploads

BODY = "小米集团今日公布季度业绩，营收同比增长，市场反应积极。\n雷军表示公司将继续加大研发投入。\n"


def alias_bomb(levels: int = 9) -> str:
    """The billion-laughs shape: each level a list of nine aliases of the one below (about 1 KB)."""
    lines = ['a0: &a0 "lol"']
    for level in range(1, levels + 1):
        refs = ", ".join(f"*a{level - 1}" for _ in range(9))
        lines.append(f"a{level}: &a{level} [{refs}]")
    lines.append(f"title: *a{levels}")
    return "---\n" + "\n".join(lines) + "\n---\n"


def test_an_alias_bomb_in_front_matter_is_rejected_by_name_in_bounded_memory():
    text = alias_bomb() + BODY
    assert len(text.encode()) < 2000
    tracemalloc.start()
    try:
        result = ingest_bytes(text.encode(), name="bomb.md")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 20 * 1024 * 1024
    (article,) = result.articles
    assert article.title_basis != "front_matter" and len(article.title or "") <= 500
    (warning,) = [p for p in result.problems if "front matter" in p.reason]
    assert warning.path == "bomb.md" and not warning.fatal
    assert "front matter rejected" in warning.reason and "aliases" in warning.reason


def test_a_few_aliases_are_still_read_and_a_list_as_title_is_ignored():
    fields, body, warnings = split_front_matter("---\nsrc: &s 新浪财经\nsource: *s\ntitle: [a, b]\n---\n正文")
    assert fields == {"source": "新浪财经"} and body == "正文"
    assert warnings == ["front matter field 'title' is not a plain value; ignored"]


def test_oversized_front_matter_is_ignored_with_a_warning(monkeypatch):
    monkeypatch.setenv("NARRATIVE_MAX_FRONT_MATTER", "2048")
    text = "---\ntitle: 小米\nnote: " + "x" * 5000 + "\n---\n" + BODY
    fields, body, warnings = split_front_matter(text)
    assert fields == {} and body == BODY
    assert "front matter rejected: 5,0" in warnings[0] and "NARRATIVE_MAX_FRONT_MATTER" in warnings[0]


def test_title_outlet_and_url_are_bounded_with_a_warning_each():
    row = (
        '{"text": "' + BODY.replace("\n", "\\n") + '", "title": "' + "标" * 100_000 + '", "source": "'
        + "源" * 5000 + '", "url": "https://example.com/' + "p" * 10_000 + '"}\n'
    )  # fmt: skip
    result = ingest_bytes(row.encode(), name="rows.jsonl")
    (article,) = result.articles
    assert len(article.title) == 500 and len(article.source) == 200 and article.url is None
    reasons = [p.reason for p in result.problems]
    assert any(r.startswith("title is 100,000 characters: cut to 500") for r in reasons)
    assert any(r.startswith("outlet is 5,000 characters: cut to 200") for r in reasons)
    assert any(r.startswith("url is 10,020 characters") and r.endswith("dropped") for r in reasons)
    assert all(p.path == "rows.jsonl" and p.row == 1 for p in result.problems)


def test_a_long_article_is_cut_at_a_line_end_with_a_warning(monkeypatch):
    monkeypatch.setenv("NARRATIVE_MAX_ARTICLE_CHARS", "5000")
    result = ingest_bytes((BODY * 200).encode(), name="long.txt")
    (article,) = result.articles
    assert len(article.text) <= 5000 and article.text.endswith("。")
    assert len(article.raw_text) <= 10_000
    (warning,) = [p for p in result.problems if "NARRATIVE_MAX_ARTICLE_CHARS" in p.reason]
    assert warning.path == "long.txt" and "over the limit of 5,000" in warning.reason and not warning.fatal


def test_a_long_article_is_rejected_by_name_when_so_configured_and_the_rest_of_the_file_lands(monkeypatch):
    monkeypatch.setenv("NARRATIVE_MAX_ARTICLE_CHARS", "5000")
    monkeypatch.setenv("NARRATIVE_LONG_ARTICLES", "reject")
    rows = [BODY * 200, BODY, "另一篇" + BODY]
    data = "".join('{"text": "' + r.replace("\n", "\\n") + '"}\n' for r in rows).encode()
    result = ingest_bytes(data, name="rows.jsonl")
    assert len(result.articles) == 2
    (problem,) = result.problems
    assert problem.fatal and problem.row == 1 and "rejected" in problem.reason


def test_a_record_the_database_refuses_is_named_and_the_rest_of_its_batch_lands(tmp_path, monkeypatch, store):
    """A real DuckDB out-of-memory refusal (a small memory limit, a large article): the others are stored."""
    monkeypatch.setenv("NARRATIVE_DUCKDB_MEMORY", "2MB")
    monkeypatch.setenv("NARRATIVE_MAX_ARTICLE_CHARS", "60000000")
    folder = tmp_path / "batch"
    folder.mkdir()
    (folder / "a.txt").write_text(BODY)
    (folder / "b.txt").write_text(("Xiaomi shares rose sharply today after the results. " * 20 + "\n") * 2000)
    (folder / "c.txt").write_text("雷军在发布会上宣布新车型。\n" + BODY)
    summary = ingest_paths(store, [folder], workers=1)
    assert len(summary.added) == 2
    (problem,) = summary.problems
    assert problem.path.endswith("b.txt") and problem.reason.startswith(
        "cannot be stored: the database refused"
    )
    assert "Out of Memory" in problem.reason


def test_an_upload_the_database_refuses_is_named_by_the_users_file_name(monkeypatch, store):
    monkeypatch.setenv("NARRATIVE_DUCKDB_MEMORY", "2MB")
    monkeypatch.setenv("NARRATIVE_MAX_ARTICLE_CHARS", "60000000")
    big = (("Xiaomi shares rose sharply today after the results. " * 20 + "\n") * 2000).encode()
    summary = ingest_uploads(store, [("good.txt", BODY.encode()), ("huge article.txt", big)])
    assert len(summary.added) == 1
    assert [p.path for p in summary.problems] == ["huge article.txt"]


@pytest.mark.parametrize("value", ["0", "abc"])
def test_a_bad_article_limit_is_a_config_error_naming_the_variable(monkeypatch, value):
    from analysis import settings
    from analysis.errors import ConfigError

    monkeypatch.setenv("NARRATIVE_MAX_ARTICLE_CHARS", value)
    with pytest.raises(ConfigError, match="NARRATIVE_MAX_ARTICLE_CHARS"):
        settings.current()
