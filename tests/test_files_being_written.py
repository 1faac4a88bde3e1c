"""A file still being written is read again or skipped with a message, never stored cut off; a later complete
copy replaces a truncated one (issue 15, item 6). The writer is a real process appending to the file."""

from __future__ import annotations

import subprocess
import sys
import time

from analysis.ingest.files import read_file_records
from analysis.ingest.run import ingest_paths

PARAGRAPH = "小米集团今日公布季度业绩，营收同比增长，市场反应积极。雷军表示公司将继续加大研发投入。\n"
WRITER = """
import sys, time
path, seconds = sys.argv[1], float(sys.argv[2])
end = time.monotonic() + seconds
with open(path, "a", encoding="utf-8") as out:
    print("ready", flush=True)
    while time.monotonic() < end:
        out.write({paragraph!r}); out.flush(); time.sleep(0.005)
"""


def start_writer(path, seconds: float) -> subprocess.Popen:
    code = WRITER.format(paragraph=PARAGRAPH)
    writer = subprocess.Popen(
        [sys.executable, "-c", code, str(path), str(seconds)], stdout=subprocess.PIPE, text=True
    )
    assert writer.stdout.readline().strip() == "ready"
    time.sleep(0.05)
    return writer


def test_a_file_that_keeps_changing_while_read_is_skipped_with_a_message(tmp_path, store):
    path = tmp_path / "growing.txt"
    path.write_text(PARAGRAPH, encoding="utf-8")
    writer = start_writer(path, seconds=30)
    try:
        records, problems = read_file_records(path)
        summary = ingest_paths(store, [path], workers=1)
    finally:
        writer.kill()
        writer.wait()
    assert records == []
    (problem,) = problems
    assert (
        problem.path == str(path)
        and "changed while it was read" in problem.reason
        and "skipped" in problem.reason
    )
    assert summary.added == [] and "changed while it was read" in summary.problems[0].reason


def test_a_file_that_settles_during_the_retries_is_read_whole(tmp_path):
    path = tmp_path / "settling.txt"
    path.write_text(PARAGRAPH, encoding="utf-8")
    writer = start_writer(path, seconds=0.1)  # stops within the first wait
    try:
        records, problems = read_file_records(path)
    finally:
        writer.wait()
    assert problems == [] and records[0].raw_text == path.read_text(encoding="utf-8")


def test_a_later_complete_copy_replaces_the_truncated_one(tmp_path, store, pinned_today):
    path = tmp_path / "article.txt"
    full = PARAGRAPH * 3 + "文章最后一段：分析师上调目标价。\n"
    path.write_text(full[: len(PARAGRAPH) + 20], encoding="utf-8")  # cut mid-line: a copy still being written
    (truncated,) = ingest_paths(store, [path], workers=1).added
    path.write_text(full, encoding="utf-8")
    summary = ingest_paths(store, [path], workers=1)
    (complete,) = summary.added
    assert complete != truncated and summary.near_duplicates == 0
    assert summary.replaced == [
        {"id": complete, "path": str(path), "replaces": truncated, "kind": "completes"}
    ]
    assert summary.as_dict()["replaced"] == [{"id": complete, "path": str(path), "replaces": truncated}]
    assert store.article(truncated) is None and store.article_count() == 1
    assert store.article(complete)["text"].endswith("分析师上调目标价。")
    assert ingest_paths(store, [path], workers=1).already_stored == [complete]
