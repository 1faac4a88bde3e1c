"""Database files across versions: an older schema is migrated and keeps its data, never dropped; a newer
one is refused with a clear line; a damaged file is reported and left as it was."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from analysis.errors import StoreError
from analysis.store import SCHEMA_VERSION, Store
from analysis.store import schema as schema_module
from tests.conftest import REPO, make_article, make_score

NEXT = SCHEMA_VERSION + 1  # the version a next release would add
CURRENT = sorted(schema_module._MIGRATIONS)  # the versions a file opened by this release has applied
V2 = [
    "ALTER TABLE articles ADD COLUMN IF NOT EXISTS reviewed BOOLEAN DEFAULT false",
    "CREATE TABLE IF NOT EXISTS notes (article_id VARCHAR, note VARCHAR)",
]


def cli(*args: str, db: Path) -> subprocess.CompletedProcess:
    env = os.environ | {"NARRATIVE_DB": str(db), "PYTHONPATH": str(REPO)}
    return subprocess.run(
        [sys.executable, "-m", "analysis", *args],
        capture_output=True, text=True, env=env, cwd=REPO, timeout=120,
    )  # fmt: skip


def make_v1_file(path: Path) -> dict:
    """A v1 database written by this version: articles, prices and a finished scoring run."""
    store = Store(path, lock_timeout=2)
    articles = [make_article(f"小米新闻第{i}篇：市值突破万亿港元。") for i in range(3)]
    store.add_articles(articles)
    store.replace_prices(
        "1810.HK",
        pd.DataFrame({"date": pd.to_datetime(["2025-02-06", "2025-02-07"]), "open": [40.0, 41.0],
                      "high": [41.0, 42.0], "low": [39.0, 40.0], "close": [40.55, 41.0], "volume": [1.0, 2.0]}),
        source="test",
    )  # fmt: skip
    run_id = store.start_run(ticker="1810.HK", scorer="finance", version="1", config_hash="h", options={})
    store.write_scores(run_id, [make_score(a) for a in articles])
    store.finish_run(run_id, n_articles=3)
    state = snapshot(Store(path, lock_timeout=2))
    _downgrade_to_v1(path)
    return state


def _downgrade_to_v1(path: Path) -> None:
    """The file as version 1 wrote it: version 2 only added the dashboard's facts tables, 3 the corrections."""
    con = duckdb.connect(str(path))
    for statement in ("DROP TABLE article_frame_hits", "DROP TABLE article_facts", "DROP TABLE frame_ids",
                      "DROP SEQUENCE fact_ids", "DROP VIEW corrections_in_force", "DROP TABLE corrections",
                      "DROP SEQUENCE correction_ids", "DELETE FROM schema_version WHERE version > 1"):  # fmt: skip
        con.execute(statement)
    con.close()
    assert versions(path) == [1]


def snapshot(store: Store) -> dict:
    """Everything a user would miss if it were dropped."""
    return {
        "articles": sorted(store.article(i)["text"] for i in store.existing_ids(_all_ids(store))),
        "prices": store.prices(["1810.HK"])[["date", "close"]].to_dict("records"),
        "current_run": store.current_run().run_id,
        "tones": sorted(store.scored_articles()["tone"].tolist()),
        "evidence": len(store.evidence()),
    }


def _all_ids(store: Store) -> list[str]:
    with store.connect() as con:
        return [row[0] for row in con.execute("SELECT id FROM articles").fetchall()]


def versions(path: Path) -> list[int]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return [
            row[0] for row in con.execute("SELECT version FROM schema_version ORDER BY version").fetchall()
        ]
    finally:
        con.close()


@pytest.fixture
def future_version(monkeypatch):
    """This product as if its next release added schema version 2."""

    def install(statements: list[str]) -> None:
        monkeypatch.setattr(schema_module, "SCHEMA_VERSION", NEXT)
        monkeypatch.setattr(schema_module, "_MIGRATIONS", schema_module._MIGRATIONS | {NEXT: statements})

    return install


def test_a_v1_file_keeps_all_its_data_when_opened_again(tmp_path):
    path = tmp_path / "v1.duckdb"
    before = make_v1_file(path)
    assert snapshot(Store(path)) == before
    assert versions(path) == CURRENT  # migrated once to this release's version
    Store(path).article_count()
    assert versions(path) == CURRENT  # opening again applies nothing twice


def test_a_v1_file_is_migrated_to_a_new_version_and_keeps_its_data(tmp_path, future_version):
    path = tmp_path / "v1.duckdb"
    before = make_v1_file(path)
    future_version(V2)
    migrated = Store(path)
    assert migrated.schema_version() == NEXT and versions(path) == [*CURRENT, NEXT]
    assert snapshot(migrated) == before
    with migrated.connect() as con:
        assert con.execute("SELECT count(*) FROM articles WHERE NOT reviewed").fetchone()[0] == 3
        assert con.execute("SELECT count(*) FROM notes").fetchone()[0] == 0
    Store(path).article_count()
    assert versions(path) == [*CURRENT, NEXT]  # a migrated file is not migrated again


def test_a_migration_that_fails_half_way_leaves_the_v1_file_whole(tmp_path, future_version, monkeypatch):
    path = tmp_path / "v1.duckdb"
    before = make_v1_file(path)
    future_version([V2[0], "ALTER TABLE no_such_table ADD COLUMN x INTEGER"])
    with pytest.raises(Exception, match="no_such_table"):
        Store(path).article_count()
    assert versions(path) == CURRENT  # the versions before the failing one landed, each in its transaction
    con = duckdb.connect(str(path), read_only=True)
    columns = [row[0] for row in con.execute("DESCRIBE articles").fetchall()]
    con.close()
    assert "reviewed" not in columns  # the first statement was rolled back with the second
    monkeypatch.undo()  # back to this version: the file opens as the v1 it was
    assert snapshot(Store(path)) == before


def test_a_failed_migration_is_a_store_error_naming_the_versions(tmp_path, future_version):
    path = tmp_path / "v1.duckdb"
    make_v1_file(path)
    future_version(["ALTER TABLE no_such_table ADD COLUMN x INTEGER"])
    with pytest.raises(StoreError, match=rf"schema {SCHEMA_VERSION} to {NEXT}"):
        Store(path).article_count()


@pytest.mark.slow
def test_a_file_from_a_newer_version_is_refused_by_the_cli_and_left_untouched(tmp_path):
    path = tmp_path / "newer.duckdb"
    make_v1_file(path)
    con = duckdb.connect(str(path))
    con.execute("INSERT INTO schema_version VALUES (7, now())")
    con.close()
    before = path.read_bytes()
    for command in (["stats"], ["ingest", str(tmp_path)], ["score", "--workers", "1", "--no-snownlp"]):
        result = cli(*command, db=path)
        assert result.returncode == 2 and "Traceback" not in result.stderr
        assert result.stderr.strip() == (
            f"error: {path}: written by a newer Narrative Tone (schema 7, this one reads up to {SCHEMA_VERSION}); "
            "upgrade the product or use another --db"
        )
    assert path.read_bytes() == before


@pytest.mark.slow
def test_a_file_that_is_not_a_database_is_one_line_and_never_overwritten(tmp_path):
    path = tmp_path / "notes.duckdb"
    path.write_text("my notes, not a database\n")
    result = cli("stats", db=path)
    assert result.returncode == 2 and result.stderr.count("\n") == 1
    assert result.stderr.startswith(f"error: {path}: cannot open the database")
    assert path.read_text() == "my notes, not a database\n"


def _truncated_database(tmp_path: Path) -> Path:
    path = tmp_path / "damaged.duckdb"
    Store(path).add_articles([make_article("小米" * 4000 + str(i)) for i in range(40)])
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


@pytest.mark.slow
def test_a_damaged_database_file_is_never_overwritten_or_dropped(tmp_path):
    path = _truncated_database(tmp_path)
    before = path.read_bytes()
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text("小米股价大涨，市值突破万亿港元，雷军表示交付顺利。")
    for command in (["stats"], ["ingest", str(tmp_path / "in")]):
        assert cli(*command, db=path).returncode != 0
    assert path.read_bytes() == before


@pytest.mark.slow
def test_a_damaged_database_file_is_one_clear_line_at_the_cli(tmp_path):
    path = _truncated_database(tmp_path)
    result = cli("stats", db=path)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.startswith(f"error: {path}: ") and result.stderr.count("\n") == 1
