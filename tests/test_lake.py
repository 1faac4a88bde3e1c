"""The lake (ingest, score, attach) on a local Ray and with --engine local gives the single-machine results.

One module-scoped local Ray (2 CPUs) and one synthetic corpus of a few thousand articles, each used by every
test here: Ray's start-up and the corpus's scoring are the costly parts.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from analysis.bundled import BUNDLED_ARTICLES, ensure_bundled_prices
from analysis.companies import default_ticker
from analysis.ingest.run import ingest_paths
from analysis.report import build_report
from analysis.scoring.run import score_store
from analysis.store import ArticleFilter, Store, attach_lake
from tests.conftest import REPO

pytest.importorskip("pyarrow")
pytestmark = pytest.mark.slow  # a local Ray, a few thousand articles scored three ways, subprocess runs

from analysis.lake.engine import LocalEngine, RayEngine, make_engine  # noqa: E402
from analysis.lake.ingest import lake_ingest  # noqa: E402
from analysis.lake.layout import Lake  # noqa: E402
from analysis.lake.score import current_run, lake_score  # noqa: E402

SYNTHETIC_ARTICLES = 3_000
COMPARED = ["id", "path", "title", "source", "published", "published_basis", "language", "duplicate_of",
            "tone", "label", "frames", "confidence", "relevance", "dominant_frame", "snownlp"]  # fmt: skip


@pytest.fixture(scope="module")
def ray_engine():
    """A local Ray with 2 CPUs for the module, shut down after it."""
    ray = pytest.importorskip("ray")
    pytest.importorskip("ray.data")
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, configure_logging=False)
    try:
        yield RayEngine()
    finally:
        ray.shutdown()


@pytest.fixture(params=["local", "ray"])
def engine(request):
    """Each engine in turn; the Ray one is the module's local Ray."""
    return LocalEngine() if request.param == "local" else request.getfixturevalue("ray_engine")


def _single_machine(path: Path, corpus: Path, *, use_snownlp: bool) -> Store:
    store = Store(path)
    ingest_paths(store, [corpus], workers=1)
    ensure_bundled_prices(store)
    score_store(store, use_snownlp=use_snownlp, workers=1)
    return store


@pytest.fixture(scope="module")
def synthetic_corpus(tmp_path_factory) -> Path:
    from bench import synthetic

    return synthetic.write_corpus(tmp_path_factory.mktemp("corpus"), SYNTHETIC_ARTICLES).files_dir


@pytest.fixture(scope="module")
def synthetic_store(tmp_path_factory, synthetic_corpus) -> Store:
    return _single_machine(tmp_path_factory.mktemp("store") / "s.duckdb", synthetic_corpus, use_snownlp=False)


@pytest.fixture(scope="module")
def bundled_store(tmp_path_factory) -> Store:
    return _single_machine(
        tmp_path_factory.mktemp("bundled") / "b.duckdb", BUNDLED_ARTICLES, use_snownlp=True
    )


@pytest.fixture(scope="module")
def synthetic_lakes(tmp_path_factory, synthetic_corpus):
    """The synthetic corpus through the lake, once per engine: (lake, attached store, ingest work)."""
    built: dict[str, tuple[Lake, Store, dict]] = {}

    def build(engine) -> tuple[Lake, Store, dict]:
        if engine.name not in built:
            folder = tmp_path_factory.mktemp(f"synthetic-{engine.name}")
            built[engine.name] = _lake_path(folder, engine, synthetic_corpus, use_snownlp=False)
        return built[engine.name]

    return build


def _lake_path(tmp_path: Path, engine, corpus: Path, *, use_snownlp: bool) -> tuple[Lake, Store, dict]:
    lake = Lake(tmp_path / "lake")
    summary, work = lake_ingest(lake, [corpus], engine=engine)
    assert not summary.problems
    lake_score(lake, engine=engine, use_snownlp=use_snownlp)
    db = tmp_path / "attached.duckdb"
    snapshot = lake.snapshot()
    attach_lake(db, files=snapshot.files, runs=snapshot.runs)
    store = Store(db)
    ensure_bundled_prices(store)
    return lake, store, work


def _exported(store: Store) -> pd.DataFrame:
    return store.export_frame()[COMPARED].sort_values("id").reset_index(drop=True)


def _evidence(store: Store) -> pd.DataFrame:
    frame = store.evidence(ArticleFilter())
    return frame.sort_values(["article_id", "start", "frame", "pattern"]).reset_index(drop=True)


def _assert_same_results(single: Store, attached: Store) -> None:
    pd.testing.assert_frame_equal(_exported(single), _exported(attached))
    pd.testing.assert_frame_equal(_evidence(single), _evidence(attached))
    for key in ("articles", "duplicates", "by_language", "by_published_basis", "prices"):
        assert single.stats()[key] == attached.stats()[key], key
    assert build_report(single, ArticleFilter()) == build_report(attached, ArticleFilter())


def test_lake_on_the_bundled_corpus_gives_the_single_machine_scores_report_and_stats(
    engine, bundled_store, tmp_path
):
    _, attached, _ = _lake_path(tmp_path, engine, BUNDLED_ARTICLES, use_snownlp=True)
    _assert_same_results(bundled_store, attached)


def test_lake_on_a_synthetic_corpus_gives_the_same_labels_tones_frames_and_links(
    engine, synthetic_store, synthetic_lakes
):
    lake, attached, work = synthetic_lakes(engine)
    exported = _exported(attached)
    assert exported["duplicate_of"].notna().sum() > 20  # the corpus has near-duplicates to link
    _assert_same_results(synthetic_store, attached)
    assert work["tasks"] > 1 and work["files_written"] > work["partitions"] > 1  # blocks > 1
    if engine.name == "ray":
        _, again = lake_score(lake, engine=engine, force=True, use_snownlp=False)
        assert len(again["workers"]) == 2  # both actors worked


def test_a_second_lake_score_with_nothing_changed_scores_nothing(engine, tmp_path):
    lake = Lake(tmp_path / "lake")
    lake_ingest(lake, [BUNDLED_ARTICLES], engine=engine)
    first, _ = lake_score(lake, engine=engine, use_snownlp=False)
    second, work = lake_score(lake, engine=engine, use_snownlp=False)
    assert first.scored == 5 and second.scored == 0 and work["parts"] == 0
    assert current_run(lake, first.run.ticker).run_id == second.run.run_id


def test_a_second_lake_ingest_of_the_same_files_adds_nothing(tmp_path):
    lake = Lake(tmp_path / "lake")
    first, _ = lake_ingest(lake, [BUNDLED_ARTICLES], engine=LocalEngine())
    second, work = lake_ingest(lake, [BUNDLED_ARTICLES], engine=LocalEngine())
    assert len(first.added) == 5 and not second.added and len(second.already_stored) == 5
    assert work["files_written"] == 0


def _cli(*args: str, env: dict | None = None, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "analysis", *args], cwd=REPO, capture_output=True, text=True,
                          env=(os.environ | (env or {})), timeout=600, **kwargs)  # fmt: skip


def test_a_killed_lake_score_leaves_the_previous_run_current(synthetic_lakes, tmp_path):
    scored, _, _ = synthetic_lakes(LocalEngine())
    root = tmp_path / "lake"
    shutil.copytree(scored.root, root)  # the synthetic corpus ingested and scored (run 1)
    lake = Lake(root)
    first = current_run(lake, default_ticker())
    assert first is not None
    ticker = first.ticker
    scoring = subprocess.Popen(
        [sys.executable, "-m", "analysis", "lake", "score", "--lake", str(root), "--force", "--no-snownlp"],
        cwd=REPO, env=os.environ | {"NARRATIVE_BATCH_SIZE": "50"}, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    killed_run = first.run_id + 1
    deadline = time.monotonic() + 300
    while not lake.files(f"article_scores/run={killed_run}") and time.monotonic() < deadline:
        time.sleep(0.2)
    assert lake.files(f"article_scores/run={killed_run}"), "the run wrote a batch before it was killed"
    os.kill(scoring.pid, signal.SIGKILL)
    scoring.wait()
    assert current_run(lake, ticker).run_id == first.run_id
    db = tmp_path / "attached.duckdb"
    assert _cli("lake", "attach", "--lake", str(root), "--db", str(db)).returncode == 0
    assert Store(db).current_run(ticker).run_id == first.run_id
    assert len(Store(db).export_frame().dropna(subset=["label"])) == first.n_scored

    after, _ = lake_score(lake, engine=LocalEngine(), use_snownlp=False)
    assert after.scored == 0  # nothing changed since the first run; the killed run's files are gone
    assert not lake.files(f"article_scores/run={killed_run}")
    statuses = dict(zip(lake.runs()["run_id"], lake.runs()["status"], strict=True))
    assert statuses[killed_run] == "abandoned" and statuses[after.run.run_id] == "finished"


def test_the_cli_builds_a_file_that_report_export_stats_and_the_dashboard_read(tmp_path):
    root, db = tmp_path / "lake", tmp_path / "lake.duckdb"
    assert _cli("lake", "ingest", str(BUNDLED_ARTICLES), "--lake", str(root)).returncode == 0
    scored = _cli("lake", "score", "--lake", str(root), "--no-snownlp")
    assert scored.returncode == 0 and "scored 5 articles" in scored.stdout, scored.stderr
    attached = _cli("lake", "attach", "--lake", str(root), "--db", str(db))
    assert attached.returncode == 0, attached.stderr
    env = {"NARRATIVE_DB": str(db)}
    stats = _cli("stats", "--format", "json", env=env)
    assert stats.returncode == 0 and '"articles": 5' in stats.stdout
    report = _cli("report", env=env)
    assert report.returncode == 0 and "Articles: 5" in report.stdout, report.stderr
    export = _cli("export", env=env)
    assert export.returncode == 0 and len(export.stdout.strip().splitlines()) == 6

    from streamlit.testing.v1 import AppTest

    os.environ["NARRATIVE_DB"] = str(db)
    try:
        at = AppTest.from_file(str(REPO / "app.py"), default_timeout=300)
        at.run()
    finally:
        del os.environ["NARRATIVE_DB"]
    assert not at.exception, [e.value for e in at.exception]
    assert at.get("vega_lite_chart"), "the dashboard drew its charts from the attached lake"


def test_attaching_again_keeps_the_files_prices_and_shows_the_new_run(tmp_path):
    lake = Lake(tmp_path / "lake")
    lake_ingest(lake, [BUNDLED_ARTICLES], engine=LocalEngine())
    db = tmp_path / "lake.duckdb"
    snapshot = lake.snapshot()
    attach_lake(db, files=snapshot.files, runs=snapshot.runs)
    assert Store(db).current_run() is None and Store(db).stats()["articles"] == 5
    ensure_bundled_prices(Store(db))
    run, _ = lake_score(lake, engine=LocalEngine(), use_snownlp=False)
    snapshot = lake.snapshot()
    attach_lake(db, files=snapshot.files, runs=snapshot.runs)
    store = Store(db)
    assert store.current_run().run_id == run.run.run_id
    assert {row["ticker"] for row in store.price_stats()} == {"1810.HK", "HSI"}


def test_ray_missing_or_unreachable_is_one_clear_message(monkeypatch):
    from analysis.errors import ConfigError

    monkeypatch.setitem(sys.modules, "ray", None)
    with pytest.raises(ConfigError, match="Ray is not installed.*--engine local"):
        make_engine("ray")
    with pytest.raises(ConfigError, match="--ray-address needs --engine ray"):
        make_engine("local", address="head:6379")


def test_an_unreachable_cluster_is_one_line_on_the_cli(tmp_path):
    pytest.importorskip("ray")
    result = _cli("lake", "score", "--lake", str(tmp_path / "lake"), "--engine", "ray",
                  "--ray-address", "127.0.0.1:1")  # fmt: skip
    assert result.returncode == 2
    assert (
        result.stderr.strip()
        .splitlines()[-1]
        .startswith("error: cannot reach the Ray cluster at 127.0.0.1:1")
    )
    shutil.rmtree(tmp_path / "lake", ignore_errors=True)


def test_a_lake_at_an_fsspec_uri_is_ingested_and_scored_the_same_way():
    pytest.importorskip("fsspec")
    lake = Lake("memory://lake-test")  # not a pyarrow filesystem: opened through fsspec
    try:
        summary, _ = lake_ingest(lake, [BUNDLED_ARTICLES], engine=LocalEngine())
        scored, _ = lake_score(lake, engine=LocalEngine(), use_snownlp=False)
        assert len(summary.added) == 5 and scored.scored == 5
        assert all(path.startswith("memory://") for path in lake.snapshot().files["articles"])
    finally:
        lake.delete("")
