"""One scoring run at a time, whatever its batches take; progress through the run, an ETA, and a clean cancel."""

from __future__ import annotations

import threading
import time

import pytest

import analysis.scoring as scoring
from analysis.errors import RunCancelledError, ScoringRunError
from analysis.progress import Eta
from analysis.scoring.run import score_store
from analysis.store import Store
from tests.conftest import make_article


class _SlowScorer:
    """The real scorer, with each article taking `delay` seconds: a batch outlasts the stale limit."""

    def __init__(self, inner, delay: float, started: threading.Event):
        self._inner, self._delay, self._started = inner, delay, started

    def __getattr__(self, name):
        return getattr(self._inner, name)

    def score_article(self, *args, **kwargs):
        self._started.set()
        time.sleep(self._delay)
        return self._inner.score_article(*args, **kwargs)


@pytest.fixture
def slow_scoring(monkeypatch):
    """Call it to make later runs slow: one batch then lasts several stale limits. Returns 'scoring started'."""

    def slow_down() -> threading.Event:
        started = threading.Event()
        real = scoring.load_scorer
        monkeypatch.setattr(
            scoring, "load_scorer", lambda *a, **k: _SlowScorer(real(*a, **k), delay=0.1, started=started)
        )
        monkeypatch.setenv("NARRATIVE_RUN_HEARTBEAT", "0.05")
        monkeypatch.setenv("NARRATIVE_RUN_STALE", "0.5")
        return started

    return slow_down


def _store(tmp_path, n: int = 40) -> tuple[Store, int]:
    store = Store(tmp_path / "live.duckdb")
    store.add_articles([make_article(f"第{i}篇。小米股价上涨，市值创新高。") for i in range(n)])
    run = score_store(store, workers=1, use_snownlp=False, scorer="lexicon").run
    return store, run.run_id


def _run_in_thread(store: Store, **kwargs) -> tuple[threading.Thread, dict]:
    outcome: dict = {}

    def work() -> None:
        try:
            outcome["summary"] = score_store(store, force=True, workers=1, use_snownlp=False, **kwargs)
        except BaseException as exc:
            outcome["error"] = exc

    thread = threading.Thread(target=work)
    thread.start()
    return thread, outcome


def test_a_live_run_whose_batch_outlasts_the_stale_limit_is_not_taken_over(tmp_path, slow_scoring):
    store, previous = _store(tmp_path)
    started = slow_scoring()
    cancel = threading.Event()
    thread, outcome = _run_in_thread(store, batch_size=40, cancel=cancel)  # one batch of ~4 s
    try:
        assert started.wait(30)
        time.sleep(1.5)  # three stale limits with no batch written: only the heartbeat says it is alive
        other = Store(store.path)
        with pytest.raises(ScoringRunError, match="already going"):
            other.start_run(ticker="1810.HK", scorer="x", version="1", config_hash="h", options={})
        running = [r for r in other.runs(5) if r.run_id != previous]
        assert [r.status for r in running] == ["running"]  # reading runs never abandons a live one
    finally:
        cancel.set()
        thread.join(60)
    assert isinstance(outcome.get("error"), RunCancelledError)


def test_a_cancelled_run_is_marked_cancelled_and_the_previous_run_stays_current(tmp_path, slow_scoring):
    store, previous = _store(tmp_path)
    started = slow_scoring()
    cancel = threading.Event()
    thread, outcome = _run_in_thread(store, batch_size=5, cancel=cancel)
    assert started.wait(30)
    cancel.set()
    thread.join(60)
    assert not thread.is_alive()
    assert isinstance(outcome.get("error"), RunCancelledError)
    cancelled = store.runs(1)[0]
    assert cancelled.status == "cancelled" and cancelled.run_id != previous
    assert store.current_run().run_id == previous
    with store.connect() as con:
        assert con.execute(
            "SELECT count(*) FROM article_scores WHERE run_id = ?", [cancelled.run_id]
        ).fetchone() == (0,)


def test_progress_is_reported_after_every_batch_not_only_at_the_end(tmp_path):
    store, _ = _store(tmp_path, n=60)
    calls: list[tuple[int, int]] = []
    score_store(store, force=True, workers=1, use_snownlp=False, batch_size=10,
                progress=lambda done, total, message: calls.append((done, total)))  # fmt: skip
    scoring_calls = [done for done, total in calls if total == 60]
    assert scoring_calls[0] == 0 and scoring_calls[-1] == 60
    steps = sorted(set(scoring_calls))
    assert steps == [0, 10, 20, 30, 40, 50, 60]


def test_the_eta_follows_the_rate_since_the_first_finished_batch():
    now = [100.0]
    eta = Eta(clock=lambda: now[0])
    assert eta.update(0, 100) is None  # nothing done yet: no rate
    now[0] = 160.0  # start-up took a minute: not part of the rate
    assert eta.update(10, 100) is None
    now[0] = 170.0
    assert eta.update(20, 100) == pytest.approx(80.0)  # 10 per 10 s, 80 left
    assert eta.update(100, 100) == 0.0
    assert eta.update(5, 50) is None  # a new phase counting from zero starts a new rate


def test_the_dashboard_job_exposes_fraction_eta_and_a_cancel_that_keeps_the_previous_run(
    tmp_path, slow_scoring, monkeypatch
):
    from ui.state import ScoringJob

    store, previous = _store(tmp_path)
    slow_scoring()
    monkeypatch.setenv("NARRATIVE_BATCH_SIZE", "5")
    monkeypatch.setenv("NARRATIVE_WORKERS", "1")  # the slowed scorer is this process's
    job = ScoringJob(db=str(store.path), ticker="1810.HK", force=True, use_snownlp=False).start()
    deadline = time.monotonic() + 60
    while job.eta_seconds is None and job.alive and time.monotonic() < deadline:
        time.sleep(0.05)
    assert 0 < job.fraction < 1 and job.eta_seconds is not None and job.eta_seconds > 0
    job.cancel()
    job.thread.join(60)
    assert isinstance(job.error, RunCancelledError)
    assert store.current_run().run_id == previous
    assert store.runs(1)[0].options["snownlp"] is False  # the job's no-snownlp option reached the run
