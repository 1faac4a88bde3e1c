"""Identical text from another outlet or date kept as its own linked record; `ingest --update` corrects a stored
copy; `articles delete` removes articles with their scores and facts; ids of existing data stay (issue 15, item 2)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from analysis.ingest.run import ingest_paths
from analysis.store import SCHEMA_VERSION, ArticleFilter, Store
from tests.conftest import REPO, make_article, make_score

BODY = "小米集团今日公布季度业绩，营收同比增长，市场反应积极。\n雷军表示公司将继续加大研发投入，汽车业务交付量创新高。\n"


def page(
    folder: Path, name: str, *, source: str, day: str, title: str = "小米业绩", body: str = BODY
) -> Path:
    path = folder / name
    path.write_text(f"---\ntitle: {title}\nsource: {source}\ndate: {day}\n---\n{body}", encoding="utf-8")
    return path


def rows(store: Store, sql: str) -> list[tuple]:
    with store.connect() as con:
        return con.execute(sql).fetchall()


def test_a_syndicated_copy_is_kept_as_its_own_record_linked_to_the_first(tmp_path, store, pinned_today):
    first = page(tmp_path, "sina.md", source="新浪财经", day="2025-03-01")
    second = page(tmp_path, "163.md", source="网易财经", day="2025-03-02")
    summary = ingest_paths(store, [first, second], workers=1)
    assert len(summary.added) == 2 and summary.near_duplicates == 0
    (link,) = summary.copies
    original = summary.added[0]
    assert link["copy_of"] == original and link["path"] == str(second) and link["source"] == "网易财经"
    stored = rows(store, "SELECT id, source, published, duplicate_of FROM articles ORDER BY source")
    assert [(s, str(p), d) for _, s, p, d in stored] == [("新浪财经", "2025-03-01", None),
                                                          ("网易财经", "2025-03-02", original)]  # fmt: skip
    again = ingest_paths(store, [first, second], workers=1)
    assert again.added == [] and sorted(again.already_stored) == sorted(summary.added)


def test_a_copy_is_counted_once_in_the_tone_index(tmp_path, store, pinned_today):
    a = make_article(BODY, source="新浪财经")
    copy = make_article(BODY, source="网易财经", id="copy0000000000ab", duplicate_of=a.id)
    store.add_articles([a, copy])
    run = store.start_run(ticker="1810.HK", scorer="finance", version="1", config_hash="h", options={})
    store.write_scores(run, [make_score(a), make_score(copy)])
    store.finish_run(run, n_articles=2)
    cube = store.tone_cube(ArticleFilter(ticker="1810.HK"))
    assert cube.loc[~cube["duplicate"], "n"].sum() == 1 and cube["n"].sum() == 2


def test_ingest_update_corrects_the_date_title_and_outlet_of_the_same_text(tmp_path, store, pinned_today):
    path = page(tmp_path, "a.md", source="新浪", day="2025-03-01")
    (article_id,) = ingest_paths(store, [path], workers=1).added
    page(tmp_path, "a.md", source="新浪财经", day="2025-03-03", title="小米业绩亮眼")
    summary = ingest_paths(store, [path], workers=1, update=True)
    assert summary.updated == [article_id] and summary.added == []
    stored = store.article(article_id)
    assert (stored["title"], stored["source"], str(stored["published"])) == (
        "小米业绩亮眼",
        "新浪财经",
        "2025-03-03",
    )
    assert ingest_paths(store, [path], workers=1, update=True).already_stored == [article_id]


def test_delete_removes_articles_their_scores_and_facts_and_relinks_copies(store):
    a = make_article(BODY)
    copy = make_article(BODY, source="网易财经", id="copy0000000000ab", duplicate_of=a.id)
    other = make_article("另一篇文章：小米股价上涨。")
    store.add_articles([a, copy, other])
    run = store.start_run(ticker="1810.HK", scorer="finance", version="1", config_hash="h", options={})
    store.write_scores(run, [make_score(x) for x in (a, copy, other)])
    store.finish_run(run, n_articles=3)
    assert store.delete_articles([a.id, "nonexistent"]) == [a.id]
    assert store.article(a.id) is None and store.current_score(a.id) is None
    for table in ("article_scores", "sentence_scores", "frame_evidence", "current_scores", "article_facts"):
        assert rows(store, f"SELECT count(*) FROM {table} WHERE article_id = '{a.id}'") == [(0,)], table
    assert store.article(copy.id)["duplicate_of"] is None  # the copy is now the original
    assert rows(store, f"SELECT duplicate FROM article_facts WHERE article_id = '{copy.id}'") == [(False,)]
    assert store.article_count() == 2


def cli(*args: str, db: Path) -> subprocess.CompletedProcess:
    env = os.environ | {"NARRATIVE_DB": str(db), "PYTHONPATH": str(REPO), "NARRATIVE_TODAY": "2026-01-15"}
    return subprocess.run([sys.executable, "-m", "analysis", *args], capture_output=True, text=True, env=env,
                          cwd=REPO, timeout=300)  # fmt: skip


@pytest.mark.slow
def test_the_cli_says_what_was_linked_to_what_and_deletes_on_request(tmp_path):
    db = tmp_path / "n.duckdb"
    first = page(tmp_path, "sina.md", source="新浪财经", day="2025-03-01")
    second = page(tmp_path, "163.md", source="网易财经", day="2025-03-02")
    result = cli("ingest", str(first), str(second), db=db)
    assert result.returncode == 0 and "2 articles added, 1 kept as copies of stored texts" in result.stdout
    (line,) = [x for x in result.stderr.splitlines() if x.startswith("linked:")]
    assert f"linked: {second} (" in line and "网易财经, 2025-03-02) is a copy of " in line
    ids = [
        r[0] for r in duckdb.connect(str(db), read_only=True).execute("SELECT id FROM articles").fetchall()
    ]
    result = cli("articles", "delete", *ids, "0000000000000000", db=db)
    assert result.returncode == 0 and result.stdout.startswith("deleted 2 article(s)")
    assert "error: 0000000000000000: no such article" in result.stderr


def test_a_v4_file_keeps_its_ids_and_gets_content_hashes(tmp_path):
    path = tmp_path / "v4.duckdb"
    store = Store(path)
    articles = [make_article(f"小米新闻第{i}篇：市值突破万亿港元。") for i in range(3)]
    store.add_articles(articles)
    con = duckdb.connect(str(path))
    for statement in ("DROP TABLE price_batch_rows", "DROP TABLE price_batches", "DROP SEQUENCE price_batch_ids",
                      "ALTER TABLE articles DROP COLUMN content_hash", "DELETE FROM schema_version WHERE version > 4"):  # fmt: skip
        con.execute(statement)
    con.close()
    reopened = Store(path)
    assert reopened.schema_version() == SCHEMA_VERSION
    assert sorted(rows(reopened, "SELECT id, content_hash FROM articles")) == sorted(
        (a.id, a.id) for a in articles
    )
    copy = reopened.copies_of([articles[0].id])
    assert [c["id"] for c in copy] == [articles[0].id]
