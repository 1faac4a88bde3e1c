"""Pool workers that die, and runs stopped by signals: real processes, real signals, never a hang or a traceback."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from analysis.errors import WorkerDiedError
from analysis.pool import death_cause
from analysis.scoring.run import score_store
from analysis.store import Store
from tests.conftest import REPO, make_article

pytestmark = pytest.mark.slow

PHRASES = [
    "小米市值突破万亿港元，创下历史新高。",
    "小米召回11万辆SU7，股价暴跌。",
    "雷军表示交付目标提升至35万辆。",
    "受事故影响，小米汽车订单大量退订。",
]


def _children(pid: int) -> list[int]:
    """Direct children of a process, from /proc (no psutil needed)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # pid (comm) state ppid ...: comm may hold spaces and parentheses, so split after the last ')'
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found.append(int(entry.name))
    return found


def _pool_workers(pid: int) -> list[int]:
    """The pool's worker processes: children of the forkserver, itself a child of the process running the pool."""
    return [grandchild for child in _children(pid) for grandchild in _children(child)]


def _wait_for(predicate, timeout: float = 300):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError("condition not reached in time")


def _scored_store(tmp_path: Path, n: int = 1500) -> tuple[Store, int]:
    """A store with a finished run and enough articles that a snownlp run takes far longer than the test waits."""
    store = Store(tmp_path / "pool.duckdb")
    store.add_articles([make_article(f"第{i}篇。" + PHRASES[i % len(PHRASES)] * 30) for i in range(n)])
    previous = score_store(store, workers=1, use_snownlp=False, scorer="lexicon").run
    assert previous is not None
    return store, previous.run_id


def _cli(db: Path, *args: str, **popen) -> subprocess.Popen:
    env = os.environ | {"NARRATIVE_DB": str(db), "NARRATIVE_BATCH_SIZE": "20", "PYTHONPATH": str(REPO)}
    return subprocess.Popen(
        [sys.executable, "-m", "analysis", *args], env=env, cwd=REPO,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **popen,
    )  # fmt: skip


def _article_folder(tmp_path: Path, files: int = 600) -> Path:
    """Over the pool's 4 MB threshold, so ingest cleans on worker processes."""
    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(files):
        body = f"小米新闻第{i}篇\n\n" + "\n\n".join(
            PHRASES[(i + k) % 4] * 40 + f"编号{i}-{k}。" for k in range(8)
        )
        (folder / f"{i:04d}.txt").write_text(body, encoding="utf-8")
    return folder


def _assert_one_clean_line(stderr: str, *expected: str) -> None:
    assert "Traceback" not in stderr, stderr
    lines = [line for line in stderr.splitlines() if line.strip() and not line.startswith("scoring")]
    assert len(lines) == 1, stderr
    for text in expected:
        assert text in lines[0], stderr


def test_a_killed_scoring_worker_fails_the_cli_run_in_one_line_and_keeps_the_previous_run(tmp_path):
    store, previous = _scored_store(tmp_path)
    proc = _cli(store.path, "score", "--force", "--workers", "2")
    try:
        workers = _wait_for(lambda: _pool_workers(proc.pid))
        os.kill(workers[0], signal.SIGKILL)  # what the out-of-memory killer does
        _, stderr = proc.communicate(timeout=120)  # no hang
    finally:
        proc.kill()
    assert proc.returncode == 2
    _assert_one_clean_line(stderr, "error:", "killed by SIGKILL")
    latest = store.runs(1)[0]
    assert latest.run_id != previous and latest.status == "failed" and "SIGKILL" in latest.message
    assert store.current_run().run_id == previous


def test_a_killed_worker_fails_the_dashboards_scoring_job_and_keeps_the_previous_run(tmp_path, monkeypatch):
    from ui.state import ScoringJob

    store, previous = _scored_store(tmp_path)
    monkeypatch.setenv("NARRATIVE_BATCH_SIZE", "20")
    monkeypatch.setenv("NARRATIVE_WORKERS", "2")
    job = ScoringJob(db=str(store.path), ticker="1810.HK", force=True).start()  # snownlp on: a long run
    workers = _wait_for(lambda: _pool_workers(os.getpid()))
    os.kill(workers[-1], signal.SIGKILL)
    job.thread.join(timeout=120)
    assert not job.alive  # the thread ended: the page stops polling and shows the message
    assert isinstance(job.error, WorkerDiedError) and "SIGKILL" in str(job.error)
    assert store.current_run().run_id == previous
    assert store.runs(1)[0].status == "failed"


def test_a_killed_ingest_worker_fails_the_ingest_in_one_line(tmp_path):
    folder = _article_folder(tmp_path)
    db = tmp_path / "ingest.duckdb"
    proc = _cli(db, "ingest", str(folder), "--workers", "2")
    try:
        workers = _wait_for(lambda: _pool_workers(proc.pid))
        os.kill(workers[0], signal.SIGKILL)
        _, stderr = proc.communicate(timeout=120)
    finally:
        proc.kill()
    assert proc.returncode == 2
    _assert_one_clean_line(stderr, "error:", "killed by SIGKILL")


def test_sigterm_during_a_pooled_score_stops_it_in_one_line_and_keeps_the_previous_run(tmp_path):
    store, previous = _scored_store(tmp_path)
    proc = _cli(store.path, "score", "--force", "--workers", "2")
    try:
        _wait_for(lambda: _pool_workers(proc.pid))
        proc.send_signal(signal.SIGTERM)
        _, stderr = proc.communicate(timeout=120)
    finally:
        proc.kill()
    assert proc.returncode == 143
    _assert_one_clean_line(stderr, "stopped by SIGTERM")
    assert store.current_run().run_id == previous
    assert store.runs(1)[0].status == "failed"
    assert not _pool_workers(proc.pid)


def test_sigterm_during_a_pooled_ingest_stops_it_in_one_line(tmp_path):
    folder = _article_folder(tmp_path)
    proc = _cli(tmp_path / "term.duckdb", "ingest", str(folder), "--workers", "2")
    try:
        _wait_for(lambda: _pool_workers(proc.pid))
        proc.send_signal(signal.SIGTERM)
        _, stderr = proc.communicate(timeout=120)
    finally:
        proc.kill()
    assert proc.returncode == 143
    _assert_one_clean_line(stderr, "stopped by SIGTERM")


def test_ctrl_c_during_a_pooled_ingest_stops_it_in_one_line_without_worker_tracebacks(tmp_path):
    folder = _article_folder(tmp_path)
    # Its own process group, as a shell gives a foreground job: Ctrl-C sends SIGINT to every process in it.
    proc = _cli(tmp_path / "int.duckdb", "ingest", str(folder), "--workers", "2", start_new_session=True)
    try:
        _wait_for(lambda: _pool_workers(proc.pid))
        os.killpg(proc.pid, signal.SIGINT)
        _, stderr = proc.communicate(timeout=120)
    finally:
        proc.kill()
    assert proc.returncode == 130
    _assert_one_clean_line(stderr, "interrupted")


def test_ctrl_c_during_a_pooled_score_marks_the_run_failed_and_keeps_the_previous_one(tmp_path):
    store, previous = _scored_store(tmp_path)
    proc = _cli(store.path, "score", "--force", "--workers", "2", start_new_session=True)
    try:
        _wait_for(lambda: _pool_workers(proc.pid))
        os.killpg(proc.pid, signal.SIGINT)
        _, stderr = proc.communicate(timeout=120)
    finally:
        proc.kill()
    assert proc.returncode == 130
    _assert_one_clean_line(stderr, "interrupted")
    assert store.current_run().run_id == previous
    assert store.runs(1)[0].status == "failed"


@pytest.mark.parametrize(
    ("codes", "cause"),
    [
        ([255, -signal.SIGKILL, -signal.SIGTERM], -signal.SIGKILL),  # a survivor stopped mid-way exits 255
        ([-signal.SIGTERM, 1], 1),
        ([-signal.SIGTERM, -signal.SIGTERM], -signal.SIGTERM),
        ([], None),
    ],
)
def test_the_reason_a_pool_broke_is_the_killing_signal_not_a_stopped_survivors_code(codes, cause):
    assert death_cause(codes) == cause
