"""A hostile environment gets one clear line, never a traceback: disk full, read-only files, little memory, bad
settings, bad output paths, a stale write-ahead log, junk tickers and too many workers (the real CLI)."""

from __future__ import annotations

import os
import resource
import shutil
import signal
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pytest

from analysis.errors import StoreError
from analysis.scoring.run import score_store
from analysis.store import Store
from tests.conftest import REPO, make_article

pytestmark = pytest.mark.slow

PHRASES = [
    "小米市值突破万亿港元，创下历史新高。",
    "小米召回11万辆SU7，股价暴跌。",
    "雷军表示交付目标提升至35万辆。",
]


def _cli(db: Path, *args: str, max_file_bytes: int | None = None, **env: str) -> subprocess.CompletedProcess:
    """The CLI in a subprocess; max_file_bytes caps the size of any file it writes (a full disk, for DuckDB)."""

    def limit_file_size() -> None:
        # Writing past RLIMIT_FSIZE fails with EFBIG ("File too large") once SIGXFSZ, which would kill the
        # process, is ignored: every write DuckDB makes beyond the cap fails, as on a full disk.
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (max_file_bytes, max_file_bytes))

    return subprocess.run(
        [sys.executable, "-m", "analysis", *args], capture_output=True, text=True, timeout=600, cwd=REPO,
        env=os.environ | {"NARRATIVE_DB": str(db), "PYTHONPATH": str(REPO)} | env,
        preexec_fn=limit_file_size if max_file_bytes else None,
    )  # fmt: skip


def _one_line(result: subprocess.CompletedProcess, *expected: str, code: int = 2) -> str:
    assert "Traceback" not in result.stderr, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip() and not line.startswith("scoring: ")]
    assert result.returncode == code and len(lines) == 1, (result.returncode, result.stderr)
    for text in expected:
        assert text in lines[0], lines[0]
    return lines[0]


def _articles_folder(root: Path, n: int, *, size: int = 60) -> Path:
    folder = root / "in"
    folder.mkdir(exist_ok=True)
    for i in range(n):
        (folder / f"{i:04d}.txt").write_text(f"小米新闻第{i}篇\n\n" + PHRASES[i % 3] * size, encoding="utf-8")
    return folder


def _seeded(tmp_path: Path, n: int = 5) -> Store:
    store = Store(tmp_path / "env.duckdb")
    store.add_articles([make_article(f"第{i}篇。" + PHRASES[i % 3] * 10) for i in range(n)])
    score_store(store, workers=1, use_snownlp=False, scorer="lexicon")
    return store


def _size(store: Store) -> int:
    return store.path.stat().st_size


# -- a full disk (RLIMIT_FSIZE: no file may grow past the database's size now) ---------------------------------
def test_a_full_disk_during_ingest_is_one_line_and_what_was_stored_is_intact(tmp_path):
    store = _seeded(tmp_path)
    folder = _articles_folder(tmp_path, 400, size=300)  # ~6 MB: more than the database file may grow by
    result = _cli(store.path, "ingest", str(folder), max_file_bytes=_size(store))
    _one_line(result, "the disk is full", "File too large")
    assert store.article_count() >= 5 and len(store.scored_articles()) == 5


def test_a_full_disk_during_scoring_is_one_line_and_the_previous_run_stays_current(tmp_path):
    store = _seeded(tmp_path)
    previous = store.current_run().run_id
    store.add_articles([make_article(f"新{i}篇。" + PHRASES[i % 3] * 60) for i in range(600)])
    result = _cli(store.path, "score", "--workers", "1", "--no-snownlp", "--scorer", "lexicon",
                  max_file_bytes=_size(store), NARRATIVE_WRITE_EVERY="100")  # fmt: skip
    _one_line(result, "the disk is full")
    assert store.current_run().run_id == previous
    assert store.runs(1)[0].status in (
        "failed",
        "running",
    )  # 'running' when even the failure could not be written


def test_a_full_disk_during_a_price_import_is_one_line_and_the_stored_prices_stay(tmp_path):
    store = _seeded(tmp_path)
    day, rows = date(2001, 1, 1), ["date,open,high,low,close,volume"]
    while day < date(2024, 1, 1):
        if day.weekday() < 5:
            rows.append(f"{day},10.5,11.25,10.0,10.75,{1000 + len(rows)}")
        day += timedelta(days=1)
    prices = tmp_path / "prices.csv"
    prices.write_text("\n".join(rows) + "\n", encoding="utf-8")
    before = len(store.prices())
    result = _cli(
        # ~6,000 rows write a log larger than 16 KB: that log cannot be written
        store.path,
        "prices",
        "import",
        str(prices),
        "--ticker",
        "9999.HK",
        max_file_bytes=16_384,
    )
    _one_line(result, "the disk is full")
    assert len(store.prices()) == before


# -- read-only files and folders (chattr +i: root ignores file modes, not the immutable flag) -------------------
@pytest.fixture
def immutable():
    """Make paths immutable (even root cannot write them); undone after the test."""
    if shutil.which("chattr") is None:
        pytest.skip("chattr is not available")
    made: list[Path] = []

    def freeze(path: Path) -> None:
        if subprocess.run(["chattr", "+i", str(path)], capture_output=True).returncode != 0:
            pytest.skip("this file system or user cannot set the immutable flag")
        made.append(path)

    yield freeze
    for path in reversed(made):
        subprocess.run(["chattr", "-i", str(path)], check=False)


def test_a_read_only_database_file_can_still_be_read_and_a_write_is_one_line(tmp_path, immutable):
    store = _seeded(tmp_path)
    immutable(store.path)
    stats = _cli(store.path, "stats")
    assert stats.returncode == 0 and "articles: 5" in stats.stdout, stats.stderr
    assert _cli(store.path, "export").stdout.count("\n") == 6  # header and five articles
    assert _cli(store.path, "report").returncode == 0
    folder = _articles_folder(tmp_path, 2)
    _one_line(_cli(store.path, "ingest", str(folder)), "read-only", "can be read, not changed")


def test_a_database_in_a_read_only_folder_is_one_line(tmp_path, immutable):
    store = _seeded(tmp_path)
    folder = _articles_folder(tmp_path, 2)
    frozen = tmp_path / "frozen"
    frozen.mkdir()
    immutable(frozen)
    _one_line(_cli(frozen / "new.duckdb", "ingest", str(folder)), "its folder is read-only")
    immutable(store.path.parent)  # an existing database whose folder cannot take its write-ahead log
    _one_line(_cli(store.path, "ingest", str(folder)), "its folder is read-only")
    assert _cli(store.path, "stats").returncode == 0  # reading needs no write-ahead log


# -- memory, settings, output paths, the write-ahead log -------------------------------------------------------
def test_out_of_memory_in_duckdb_is_one_line_naming_the_setting(tmp_path):
    store = _seeded(tmp_path)
    folder = tmp_path / "big"
    folder.mkdir()
    (folder / "big.txt").write_text("小米股价上涨，市场关注。" * 300_000, encoding="utf-8")  # ~11 MB
    result = _cli(store.path, "ingest", str(folder), "--workers", "1", NARRATIVE_DUCKDB_MEMORY="8MB")
    # The file is named and rejected (the rest of its batch would land), with what to do.
    _one_line(result, "big.txt", "ran out of memory", "NARRATIVE_DUCKDB_MEMORY=8MB", code=1)
    assert store.article_count() == 5


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("NARRATIVE_DUCKDB_MEMORY", "lots", "not a memory size"),
        ("NARRATIVE_LOCK_TIMEOUT", "soon", "not a number"),
        ("NARRATIVE_LOCK_TIMEOUT", "inf", "finite"),
        ("NARRATIVE_RUN_STALE", "nan", "finite"),
        ("NARRATIVE_RUN_HEARTBEAT", "-1", "at least"),
        ("NARRATIVE_BATCH_SIZE", "0", "between 1 and"),
        ("NARRATIVE_WRITE_EVERY", "1e3", "not a whole number"),
        ("NARRATIVE_INGEST_BATCH", "-5", "between 1 and"),
        ("NARRATIVE_WORKERS", "999", "between 1 and"),
        ("NARRATIVE_TODAY", "yesterday", "not an ISO date"),
        ("NARRATIVE_DATA_DIR", "/nonexistent-narrative", "companies.toml"),
    ],
)
def test_a_bad_setting_is_one_line_naming_the_variable(tmp_path, name, value, expected):
    folder = _articles_folder(tmp_path, 1)
    result = _cli(tmp_path / "s.duckdb", "ingest", str(folder), **{name: value})
    line = _one_line(result, expected)
    assert name in line or "companies.toml" in line


def test_a_database_path_that_is_a_folder_is_one_line(tmp_path):
    _one_line(_cli(tmp_path, "stats"), "cannot open the database")


@pytest.mark.parametrize("where", ["missing-folder/out.csv", "a-folder", "a-file/out.csv"])
def test_export_to_a_path_that_cannot_be_written_is_one_line(tmp_path, where):
    store = _seeded(tmp_path)
    (tmp_path / "a-folder").mkdir()
    (tmp_path / "a-file").write_text("x")
    out = tmp_path / where
    _one_line(_cli(store.path, "export", "--out", str(out)), str(out), "cannot write the file")
    _one_line(_cli(store.path, "corrections", "export", str(out)), str(out), "cannot write the file")


def test_a_write_ahead_log_from_another_database_is_one_line_saying_what_to_do(tmp_path):
    store = _seeded(tmp_path)
    other = tmp_path / "other.duckdb"
    con = duckdb.connect(str(other))
    con.execute("PRAGMA disable_checkpoint_on_shutdown")
    con.execute("SET checkpoint_threshold = '1TB'")
    con.execute("CREATE TABLE u AS SELECT * FROM range(1000)")
    shutil.copy(str(other) + ".wal", str(store.path) + ".wal")  # the log of another file beside ours
    con.close()
    line = _one_line(_cli(store.path, "stats"), "write-ahead log", "move env.duckdb.wal aside")
    assert "does not belong" in line
    with pytest.raises(StoreError, match="move env.duckdb.wal aside"):
        Store(store.path).article_count()
    os.rename(str(store.path) + ".wal", str(store.path) + ".wal.bad")  # what the message says to do
    assert Store(store.path).article_count() == 5


# -- the command line itself -------------------------------------------------------------------------------------
@pytest.mark.parametrize("ticker", ["'; DROP TABLE prices; --", "18 10.HK", "\x1b[2J", "", "x" * 40])
@pytest.mark.parametrize("command", [["score"], ["stats"], ["export"], ["report"], ["prices", "fetch"]])
def test_a_junk_ticker_is_refused_before_anything_runs(tmp_path, command, ticker):
    db = tmp_path / "t.duckdb"
    result = _cli(db, *command, "--ticker", ticker)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "argument --ticker" in result.stderr and "\x1b" not in result.stderr
    assert not db.exists()  # refused before the database was opened


def test_workers_beyond_the_cores_are_refused_and_the_library_bounds_them(tmp_path):
    cores = os.cpu_count() or 1
    for bad in (str(cores + 1), "0", "-2", "many"):
        result = _cli(tmp_path / "w.duckdb", "score", "--workers", bad)
        assert (
            result.returncode == 2
            and "argument --workers" in result.stderr
            and "Traceback" not in result.stderr
        )
    from analysis.settings import bounded_workers

    assert bounded_workers(cores + 50) == cores and bounded_workers(-3) == 1
