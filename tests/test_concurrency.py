"""Concurrent use: a locked database is waited for, then reported with its holder."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from analysis.errors import DatabaseLockedError
from analysis.store import Store
from tests.conftest import make_article

pytestmark = pytest.mark.slow  # holder processes and CLI subprocesses contend for one database

HOLD = """
import duckdb, sys, time
con = duckdb.connect(sys.argv[1])
con.execute("CREATE TABLE IF NOT EXISTS held (x INTEGER)")
print("holding", flush=True)
time.sleep(float(sys.argv[2]))
"""


def _hold(path, seconds: float) -> subprocess.Popen:
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(path), str(seconds)], stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout.readline().strip() == "holding"
    return proc


def test_a_writer_gives_up_after_a_bounded_wait_and_names_the_holder(tmp_path):
    path = tmp_path / "locked.duckdb"
    Store(path).article_count()
    holder = _hold(path, 600)
    try:
        with pytest.raises(DatabaseLockedError) as info:
            Store(path, lock_timeout=1).add_articles([make_article("小米")])
        assert holder.poll() is None  # it gave up while the lock was still held, not when the holder let go
        assert "locked" in str(info.value) and str(holder.pid) in str(info.value)
    finally:
        holder.kill()
        holder.wait()


def test_a_writer_waits_for_a_short_lock_and_then_succeeds(tmp_path):
    path = tmp_path / "busy.duckdb"
    Store(path).article_count()
    holder = _hold(path, 1.5)
    try:
        added, _ = Store(path, lock_timeout=20).add_articles([make_article("小米市值突破万亿")])
        assert len(added) == 1
    finally:
        holder.wait()


def test_the_cli_reports_a_locked_database_in_one_line(tmp_path):
    path = tmp_path / "locked.duckdb"
    Store(path).article_count()
    holder = _hold(path, 600)  # held far longer than the CLI takes to start on a loaded machine
    try:
        env = os.environ | {"NARRATIVE_DB": str(path), "NARRATIVE_LOCK_TIMEOUT": "1"}
        result = subprocess.run(
            [sys.executable, "-m", "analysis", "stats"], capture_output=True, text=True, env=env, timeout=300
        )
        assert result.returncode != 0
        assert "locked by" in result.stderr and "Traceback" not in result.stderr
    finally:
        holder.kill()
        holder.wait()


def test_a_dashboard_reading_while_the_cli_ingests_and_scores_both_succeed(tmp_path):
    """The dashboard's reads (short connections, in a loop) and a CLI writer interleave; neither fails."""
    import threading

    from analysis import DATA_DIR
    from analysis.bundled import setup
    from tests.conftest import REPO

    path = tmp_path / "shared.duckdb"
    reader = Store(path)
    setup(reader, use_snownlp=False)
    folder = tmp_path / "more"
    folder.mkdir()
    for i in range(40):
        (folder / f"{i}.txt").write_text(f"小米股价第{i}天大涨，市值再创历史新高。\n" * 20, encoding="utf-8")
    errors: list[Exception] = []
    reads = [0]
    stop = threading.Event()

    def read_loop() -> None:
        while not stop.is_set():
            try:
                reader.scored_articles()
                reader.frame_counts()
                reads[0] += 1
            except Exception as exc:  # any failure of the reader fails the test
                errors.append(exc)
                return

    thread = threading.Thread(target=read_loop)
    thread.start()
    try:
        env = os.environ | {
            "NARRATIVE_DB": str(path),
            "PYTHONPATH": str(REPO),
            "NARRATIVE_INGEST_BATCH": "5",
        }
        for args in (["ingest", str(folder)], ["score", "--workers", "1", "--no-snownlp"]):
            result = subprocess.run(
                [sys.executable, "-m", "analysis", *args],
                env=env,
                capture_output=True,
                text=True,
                timeout=300,
                cwd=DATA_DIR.parent,
            )
            assert result.returncode == 0, result.stderr
    finally:
        stop.set()
        thread.join()
    assert errors == [] and reads[0] > 0
    assert reader.article_count() == 45 and reader.current_run().n_scored == 40  # the 40 new ones
