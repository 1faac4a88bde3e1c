"""Crashes: a scoring run or an ingest killed with SIGKILL half-way loses nothing that was stored."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from analysis.scoring.run import score_store
from analysis.store import Store
from tests.conftest import REPO, make_article

pytestmark = pytest.mark.slow

PHRASES = [
    "小米市值突破万亿港元，创下历史新高。",
    "小米召回11万辆SU7，股价暴跌。",
    "雷军表示交付目标提升至35万辆。",
    "受事故影响，小米汽车订单大量退订。",
    "恒生指数今日微跌。",
]


def _corpus(n: int) -> list:
    return [make_article(f"第{i}篇。" + PHRASES[i % len(PHRASES)] * 40) for i in range(n)]


def _wait_for(predicate, timeout: float = 600) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError("condition not reached in time")


def _cli(db: Path, *args: str, batch: int = 200) -> subprocess.Popen:
    env = os.environ | {
        "NARRATIVE_DB": str(db),
        "NARRATIVE_BATCH_SIZE": str(batch),
        "NARRATIVE_INGEST_BATCH": str(batch),
        "NARRATIVE_WRITE_EVERY": str(batch),
        "PYTHONPATH": str(REPO),
    }
    return subprocess.Popen(
        [sys.executable, "-m", "analysis", *args],
        env=env,
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_a_scoring_run_killed_half_way_leaves_the_previous_run_current(tmp_path):
    db = tmp_path / "kill.duckdb"
    store = Store(db)
    store.add_articles(_corpus(600))
    previous = score_store(store, workers=1, use_snownlp=False).run
    proc = _cli(db, "score", "--force", "--workers", "1", "--no-snownlp", batch=20)

    def scoring_started() -> bool:
        runs = store.runs(1)
        if not runs or runs[0].run_id == previous.run_id:
            return False
        with store.connect() as con:
            return (
                con.execute(
                    "SELECT count(*) FROM article_scores WHERE run_id = ?", [runs[0].run_id]
                ).fetchone()[0]
                > 0
            )

    try:
        _wait_for(scoring_started)
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait()
    killed = store.runs(1)[0]
    assert killed.status == "running" and killed.run_id != previous.run_id
    assert store.current_run().run_id == previous.run_id
    assert len(store.scored_articles()) == 600  # still readable, still the previous scores
    after = score_store(store, force=True, workers=1, use_snownlp=False)
    assert after.run.status == "finished" and store.current_run().run_id == after.run.run_id
    assert store.run(killed.run_id).status == "abandoned"


def test_an_ingest_killed_half_way_leaves_no_partial_rows_and_resumes(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(400):
        (folder / f"{i:04d}.txt").write_text(
            f"小米新闻第{i}篇\n" + PHRASES[i % 5] * 30 + f"\n编号{i}。", encoding="utf-8"
        )
    db = tmp_path / "ingest.duckdb"
    store = Store(db)
    store.article_count()
    proc = _cli(db, "ingest", str(folder), batch=10)
    try:
        _wait_for(lambda: store.article_count() > 0)
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait()
    partial = store.article_count()
    with store.connect() as con:
        incomplete = con.execute(
            "SELECT count(*) FROM articles WHERE text IS NULL OR raw_text IS NULL OR length(text) = 0"
        ).fetchone()[0]
    assert incomplete == 0
    resumed = _cli(db, "ingest", str(folder))
    assert resumed.wait(timeout=300) == 0
    assert store.article_count() == 400 >= partial
