"""Uploads: accepted types and sizes, generated storage names, user's names only in messages."""

from __future__ import annotations

from analysis import DATA_DIR
from analysis.ingest.run import UPLOAD_MAX_BYTES, ingest_uploads

SEED = DATA_DIR / "articles" / "002_53f5c50a01ef3361.txt"


def test_an_upload_is_stored_under_a_generated_name_never_the_users_path(store):
    summary = ingest_uploads(store, [("../../etc/passwd 小米.md", SEED.read_bytes())])
    assert len(summary.added) == 1
    path = store.article(summary.added[0])["path"]
    assert path.startswith("upload/") and ".." not in path and "passwd" not in path


def test_a_file_of_the_wrong_type_is_refused_by_name(store):
    summary = ingest_uploads(store, [("photo.png", b"\x89PNG\r\n"), ("ok.md", SEED.read_bytes())])
    assert len(summary.added) == 1
    assert [p.path for p in summary.problems] == ["photo.png"]
    assert "not an article file" in summary.problems[0].reason


def test_an_oversized_upload_is_refused_and_nothing_is_stored(store):
    summary = ingest_uploads(store, [("huge.txt", b"a" * (UPLOAD_MAX_BYTES + 1))])
    assert summary.added == [] and "larger than" in summary.problems[0].reason
    assert store.article_count() == 0


def test_problems_in_an_upload_name_the_users_file(store):
    summary = ingest_uploads(
        store,
        [("bad rows.jsonl", b'{"text": "\\u5c0f\\u7c73\\u80a1\\u4ef7\\u5927\\u6da8\\u3002"}\n{broken\n')],
    )
    assert summary.problems and all(p.path == "bad rows.jsonl" for p in summary.problems)
