"""Bad price files end to end: `python -m analysis prices import` on a temporary database.

Every bad row is reported by row and line, the import is all-or-nothing (the stored series is untouched),
and a file of another ticker imported under the wrong one is imported with a warning that says so.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pytest

from analysis import DATA_DIR
from tests.conftest import REPO

STOCK = DATA_DIR / "prices" / "1810.HK.csv"
INDEX = DATA_DIR / "prices" / "HSI.csv"
# Good rows that overlap the stored series with different closes: a half-done import would show.
GOOD_ROWS = "2025-02-03,1,2,0.5,1.5,100\n2025-02-04,1,2,0.5,1.6,100\n"
HEADER = "date,open,high,low,close,volume\n"


def cli(*args: str, db: Path) -> subprocess.CompletedProcess:
    env = os.environ | {"NARRATIVE_DB": str(db), "PYTHONPATH": str(REPO)}
    return subprocess.run(
        [sys.executable, "-m", "analysis", *args],
        capture_output=True, text=True, env=env, cwd=REPO, timeout=300,
    )  # fmt: skip


def series(db: Path, ticker: str = "1810.HK") -> tuple:
    """A fingerprint of a ticker's stored prices: rows, first and last day, sum of closes."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(
            "SELECT count(*), min(date), max(date), round(sum(close), 6), round(sum(high - low), 6) "
            "FROM prices WHERE ticker = ?",
            [ticker],
        ).fetchone()
    finally:
        con.close()


@pytest.fixture(scope="module")
def seeded(tmp_path_factory) -> Path:
    """A database holding the bundled 1810.HK series, imported through the CLI."""
    db = tmp_path_factory.mktemp("prices") / "seeded.duckdb"
    result = cli("prices", "import", str(STOCK), "--ticker", "1810.HK", db=db)
    assert result.returncode == 0 and "imported 465 days" in result.stdout, result.stderr
    return db


@pytest.fixture
def db(seeded, tmp_path) -> Path:
    """A private copy of the seeded database, for tests that import into it."""
    copy = tmp_path / "copy.duckdb"
    shutil.copy(seeded, copy)
    return copy


TOMORROW_PLUS = (date.today() + timedelta(days=3)).isoformat()


@pytest.mark.slow
@pytest.mark.parametrize(
    ("bad_row", "message"),
    [
        ("2025-02-30,1,2,0.5,1.5,100", "row 3 (line 4): unparsable date '2025-02-30'"),
        ("05/02/2025,1,2,0.5,1.5,100", "row 3 (line 4): unparsable date '05/02/2025'"),
        ("2025-02-05,1,2,0.5,abc,100", "row 3 (line 4): unparsable close 'abc'"),
        ("2025-02-05,1,2,0.5,1.5,1.2M", "row 3 (line 4): unparsable volume '1.2M'"),
        ("2025-02-05,1,2,0.5,0,100", "row 3 (line 4): non-positive close 0"),
        ("2025-02-05,-1,2,0.5,1.5,100", "row 3 (line 4): non-positive open -1"),
        ("2025-02-03,1,2,0.5,1.5,100", "row 3 (line 4): duplicate date 2025-02-03 (first at row 1)"),
        ("2025-02-05,1,0.5,2,1,100", "row 3 (line 4): high 0.5 < low 2"),
        (f"{TOMORROW_PLUS},1,2,0.5,1.5,100", f"row 3 (line 4): date {TOMORROW_PLUS} is in the future"),
    ],
    ids=[
        "impossible-date",
        "day-first-date",
        "close",
        "volume",
        "zero",
        "negative",
        "duplicate",
        "high-low",
        "future",
    ],  # fmt: skip
)
def test_a_bad_row_is_reported_by_row_and_line_and_nothing_is_imported(
    seeded, db, tmp_path, bad_row, message
):
    path = tmp_path / "bad.csv"
    path.write_text(HEADER + GOOD_ROWS + bad_row + "\n")
    before = series(db)
    result = cli("prices", "import", str(path), "--ticker", "1810.HK", db=db)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"error: {path}: 1 bad row(s), nothing imported:") and message in line
    assert series(db) == before == series(seeded)


@pytest.mark.slow
def test_every_bad_row_of_a_file_is_listed_in_one_error(db, tmp_path):
    path = tmp_path / "many.csv"
    path.write_text(HEADER + "2025-02-30,1,2,0.5,1.5,1\n\n2025-02-05,1,2,0.5,x,1\n2025-02-06,1,0.5,2,1,1\n")
    result = cli("prices", "import", str(path), "--ticker", "1810.HK", db=db)
    assert result.returncode == 2
    for where in ("row 1 (line 2)", "row 2 (line 4)", "row 3 (line 5)"):
        assert where in result.stderr
    assert "3 bad row(s)" in result.stderr


@pytest.mark.slow
@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "the file is empty"),
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)), "not text in UTF-8 or GBK"),
        (b"name,value\nx,1\n", "no price header found"),
        (b"date,open\n2025-02-03,1\n", "has no close column"),
        (b"date,close\n", "no data rows"),
    ],
    ids=["empty", "binary", "no-header", "no-close", "no-rows"],
)
def test_an_unusable_price_file_is_one_line_and_nothing_changes(db, tmp_path, content, reason):
    path = tmp_path / "prices.csv"
    path.write_bytes(content)
    before = series(db)
    result = cli("prices", "import", str(path), "--ticker", "1810.HK", db=db)
    assert result.returncode == 2 and result.stderr.count("\n") == 1
    assert f"{path}" in result.stderr and reason in result.stderr
    assert series(db) == before


@pytest.mark.slow
def test_a_folder_or_missing_file_given_as_the_price_file_is_one_line(db, tmp_path):
    for target in (tmp_path, tmp_path / "absent.csv"):
        result = cli("prices", "import", str(target), "--ticker", "1810.HK", db=db)
        assert result.returncode == 2 and result.stderr.startswith(f"error: {target}: cannot read the file")


@pytest.mark.slow
def test_an_update_of_the_same_ticker_imports_quietly(db, tmp_path):
    path = tmp_path / "update.csv"
    path.write_text(
        HEADER + "2025-11-20,38.8,38.86,37.3,37.7,348136827\n2025-11-21,37.7,38.5,37.1,38.2,1000\n"
    )
    result = cli("prices", "import", str(path), "--ticker", "1810.HK", db=db)
    assert result.returncode == 0 and result.stderr == ""
    assert series(db)[0] == 466


@pytest.mark.slow
def test_the_index_imported_under_the_stock_ticker_is_refused_unless_the_level_is_accepted(db):
    before = series(db)
    result = cli("prices", "import", str(INDEX), "--ticker", "1810.HK", db=db)
    assert result.returncode == 2 and series(db) == before
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"error: {INDEX}: refused for 1810.HK: on 465 overlapping date(s)")
    assert "different ticker" in line and "--accept-level" in line
    result = cli("prices", "import", str(INDEX), "--ticker", "1810.HK", "--accept-level", db=db)
    assert result.returncode == 0 and "imported 465 days" in result.stdout
    (line,) = result.stderr.splitlines()
    assert line.startswith("warning: on 465 overlapping date(s)") and "different ticker" in line


@pytest.mark.slow
def test_a_file_far_off_in_dates_and_level_is_refused_then_imported_with_a_warning_when_accepted(
    db, tmp_path
):
    path = tmp_path / "other.csv"
    days = ["2015-03-02", "2015-03-03", "2015-03-04"]
    path.write_text("Date,Close\n" + "".join(f"{day},{128.5 + i}\n" for i, day in enumerate(days)))
    result = cli("prices", "import", str(path), "--ticker", "1810.HK", db=db)
    assert result.returncode == 2 and "is 3226 days away from the stored series" in result.stderr
    result = cli("prices", "import", str(path), "--ticker", "1810.HK", "--accept-level", db=db)
    assert result.returncode == 0 and "imported 3 days" in result.stdout
    (line,) = result.stderr.splitlines()
    assert line.startswith(
        "warning: the new file (2015-03-02..2015-03-04) is 3226 days away from the stored series"
    )
    assert "different ticker" in line


@pytest.mark.slow
def test_a_far_off_file_at_a_plausible_level_is_not_flagged(db, tmp_path):
    path = tmp_path / "history.csv"
    path.write_text("date,close\n2023-06-01,12.1\n2023-06-02,12.4\n")
    result = cli("prices", "import", str(path), "--ticker", "1810.HK", db=db)
    assert result.returncode == 0 and result.stderr == ""
