"""A big ingest builds articles on a process pool: the store ends up exactly as a one-process ingest leaves it."""

from __future__ import annotations

import duckdb
import pytest

from analysis.ingest import NearDuplicateIndex, iter_paths, link_near_duplicates
from analysis.ingest import run as ingest_run
from analysis.ingest.run import ingest_paths
from analysis.store import Store
from bench import synthetic
from tests.conftest import ingest_one


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    folder = tmp_path_factory.mktemp("pool")
    info = synthetic.write_corpus(
        folder, 150, reuse=False
    )  # JSONL shards, .md and .txt files, near-duplicates
    (info.files_dir / "broken.jsonl").write_text('{"text": "小米股价上涨。", "title": "ok"}\n{not json\n')
    (info.files_dir / "empty.txt").write_bytes(b"")
    return info


def _stored(db) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(
            "SELECT id, path, text, text_simplified, language, published, published_basis, source, duplicate_of "
            "FROM articles ORDER BY id"
        ).fetchall()


def test_a_pooled_ingest_stores_what_a_one_process_ingest_stores(corpus, tmp_path, monkeypatch):
    monkeypatch.setattr(ingest_run, "POOL_MIN_BYTES", 0)  # start the pool even for a small corpus
    monkeypatch.setattr(ingest_run, "INGEST_CHUNK", 7)  # many chunks per JSONL file, out of step with batches
    serial = ingest_paths(Store(tmp_path / "serial.duckdb"), [corpus.files_dir], workers=1, batch_size=40)
    pooled = ingest_paths(Store(tmp_path / "pooled.duckdb"), [corpus.files_dir], workers=2, batch_size=40)
    assert len(pooled.added) >= 150 and pooled.added == serial.added
    assert pooled.near_duplicates == serial.near_duplicates > 0
    assert [str(p) for p in pooled.problems] == [str(p) for p in serial.problems]
    assert pooled.files == serial.files
    assert _stored(tmp_path / "pooled.duckdb") == _stored(tmp_path / "serial.duckdb")


def test_a_pooled_ingest_names_the_bad_row_and_file_and_keeps_the_rest(corpus, tmp_path, monkeypatch):
    monkeypatch.setattr(ingest_run, "POOL_MIN_BYTES", 0)
    summary = ingest_paths(Store(tmp_path / "p.duckdb"), [corpus.files_dir], workers=2)
    messages = [str(p) for p in summary.problems]
    assert any("broken.jsonl:2" in m for m in messages), messages
    assert any("empty.txt" in m for m in messages), messages
    assert any(a for a in summary.added)  # the good row of broken.jsonl and every other file are stored
    with duckdb.connect(str(tmp_path / "p.duckdb"), read_only=True) as con:
        assert (
            con.execute("SELECT count(*) FROM articles WHERE path LIKE '%broken.jsonl%'").fetchone()[0] == 1
        )


def test_progress_reaches_every_file_with_the_pool(corpus, tmp_path, monkeypatch):
    monkeypatch.setattr(ingest_run, "POOL_MIN_BYTES", 0)
    seen = []
    ingest_paths(Store(tmp_path / "p.duckdb"), [corpus.files_dir], workers=2,
                 progress=lambda done, total, _: seen.append((done, total)))  # fmt: skip
    total = len(list(iter_paths([corpus.files_dir])))
    assert seen[-1] == (total, total) and [d for d, _ in seen] == sorted(d for d, _ in seen)


def test_linking_in_batches_equals_linking_all_at_once(corpus):
    articles = [a for path in iter_paths([corpus.files_dir]) for a in ingest_one(path).articles]
    at_once = link_near_duplicates(articles)
    index = NearDuplicateIndex()
    in_batches = [
        a for start in range(0, len(articles), 13) for a in index.link(articles[start : start + 13])
    ]
    assert [a.duplicate_of for a in in_batches] == [a.duplicate_of for a in at_once]
    assert any(a.duplicate_of for a in at_once)
