"""The CLI run for real on a temporary database: python -m analysis ..."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from analysis import DATA_DIR
from tests.conftest import REPO

pytestmark = pytest.mark.slow  # every test runs the real CLI in a subprocess

SEEDS = DATA_DIR / "articles"


def cli(*args: str, db: Path, stdin: str | None = None, check: bool = True) -> subprocess.CompletedProcess:
    env = os.environ | {"NARRATIVE_DB": str(db), "PYTHONPATH": str(REPO)}
    result = subprocess.run(
        [sys.executable, "-m", "analysis", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
        timeout=600,
    )
    if check and result.returncode != 0:
        raise AssertionError(f"exit {result.returncode}\n{result.stdout}\n{result.stderr}")
    return result


@pytest.fixture(scope="module")
def scored_db(tmp_path_factory) -> Path:
    """The bundled corpus ingested and scored through the CLI."""
    db = tmp_path_factory.mktemp("cli") / "narrative.duckdb"
    cli("ingest", str(SEEDS), db=db)
    cli("prices", "import", str(DATA_DIR / "prices" / "1810.HK.csv"), "--ticker", "1810.HK", db=db)
    cli("prices", "import", str(DATA_DIR / "prices" / "HSI.csv"), "--ticker", "HSI", db=db)
    cli("score", "--workers", "1", db=db)
    return db


def test_ingesting_the_same_files_again_adds_nothing_and_says_so(tmp_path):
    db = tmp_path / "n.duckdb"
    first = cli("ingest", str(SEEDS), db=db)
    assert "5 articles added" in first.stdout
    again = cli("ingest", str(SEEDS), db=db)
    assert "0 articles added" in again.stdout and "5 already stored" in again.stdout


def test_bad_files_are_named_and_good_ones_still_ingested(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(SEEDS / "002_53f5c50a01ef3361.txt", folder / "good.md")
    (folder / "empty.txt").write_text("")
    (folder / "picture.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    result = cli("ingest", str(folder), db=tmp_path / "n.duckdb")
    assert result.returncode == 0
    assert "1 articles added" in result.stdout
    assert "empty.txt" in result.stderr and "picture.txt" in result.stderr


def test_ingest_exits_non_zero_when_nothing_could_be_ingested(tmp_path):
    (tmp_path / "empty.txt").write_text("   \n")
    result = cli("ingest", str(tmp_path / "empty.txt"), db=tmp_path / "n.duckdb", check=False)
    assert result.returncode != 0
    assert "empty.txt" in result.stderr


def test_export_has_the_promised_columns_and_one_row_per_article(scored_db):
    out = cli("export", "--format", "csv", db=scored_db).stdout
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == 5
    for column in (
        "id",
        "path",
        "title",
        "source",
        "published",
        "published_basis",
        "language",
        "duplicate_of",
        "tone",
        "label",
        "frames",
    ):
        assert column in rows[0]
    jsonl = cli("export", "--format", "jsonl", db=scored_db).stdout.splitlines()
    assert len(jsonl) == 5 and "tone" in json.loads(jsonl[0])


def test_stats_shows_the_article_count_and_current_run(scored_db):
    out = cli("stats", db=scored_db).stdout
    assert "articles: 5" in out and "current run: 1" in out
    data = json.loads(cli("stats", "--format", "json", db=scored_db).stdout)
    assert data["articles"] == 5 and data["current_run"]["scorer"] == "learned"


def test_score_is_incremental_and_force_rescores_everything(scored_db):
    again = json.loads(cli("score", "--format", "json", "--workers", "1", db=scored_db).stdout)
    assert again["scored"] == 0
    forced = json.loads(
        cli("score", "--force", "--format", "json", "--no-snownlp", "--workers", "1", db=scored_db).stdout
    )
    assert forced["scored"] == 5 and forced["run_id"] > again["run_id"]


def test_classify_needs_no_database_and_keeps_order(tmp_path):
    lines = [
        json.dumps({"id": 1, "text": "小米股价大涨，市值突破万亿港元"}),
        json.dumps({"id": 2, "text": ""}),
        "not json",
        json.dumps({"id": 3, "text": "小米召回11万辆SU7，股价暴跌"}),
    ]
    out = cli("classify", db=tmp_path / "absent" / "n.duckdb", stdin="\n".join(lines) + "\n").stdout
    results = [json.loads(line) for line in out.splitlines()]
    assert [r.get("id") for r in results][:2] == [1, 2] and results[3]["id"] == 3
    assert results[0]["label"] == "positive" and results[3]["label"] == "negative"
    assert results[1]["label"] == "neutral" and "warning" in results[1]
    assert not (tmp_path / "absent").exists()


def test_prices_import_reports_bad_rows_and_keeps_what_was_stored(scored_db, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("date,close\n2025-02-06,40.55\nnot-a-date,1\n2025-02-07,-3\n")
    result = cli("prices", "import", str(bad), "--ticker", "1810.HK", db=scored_db, check=False)
    assert result.returncode != 0 and "bad.csv" in result.stderr
    stats = cli("prices", "stats", db=scored_db).stdout
    assert "1810.HK: 465 days" in stats


def test_report_json_has_the_promised_keys(scored_db):
    report = json.loads(cli("report", "--format", "json", db=scored_db).stdout)
    for key in ("shifts", "lead_lag", "event_study", "price_mentions"):
        assert key in report
    assert {"bullish", "bearish"} <= set(report["event_study"])


def test_a_domain_error_is_one_line_and_a_non_zero_exit(tmp_path):
    result = cli(
        "prices",
        "import",
        str(tmp_path / "missing.csv"),
        "--ticker",
        "X",
        db=tmp_path / "n.duckdb",
        check=False,
    )
    assert result.returncode != 0
    assert "missing.csv" in result.stderr and "Traceback" not in result.stderr


def test_classify_survives_lone_surrogates_in_its_input(tmp_path):
    line = '{"id": "x\\ud800", "text": "\\ud800小米股价大涨"}'
    out = cli("classify", "--no-snownlp", db=tmp_path / "n.duckdb", stdin=line + "\n").stdout
    assert json.loads(out)["id"] == "x\ud800"


def test_a_malformed_manifest_is_reported_and_the_articles_still_ingested(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(SEEDS / "002_53f5c50a01ef3361.txt", folder / "a.md")
    (folder / "manifest.csv").write_text("nonsense,columns\n1,2\n")
    result = cli("ingest", str(folder), db=tmp_path / "n.duckdb")
    assert "1 articles added" in result.stdout and "manifest" in result.stderr


def test_eval_prints_the_finance_scorer_beside_snownlp_and_the_metadata_figures(tmp_path, dev_set):
    out = cli(
        "eval",
        "--sentences",
        str(dev_set / "sentences.csv"),
        "--articles",
        str(dev_set / "articles.csv"),
        "--articles-dir",
        str(dev_set),
        db=tmp_path / "n.duckdb",
    ).stdout
    assert "learned" in out and "lexicon" in out and "snownlp" in out and "macro-F1" in out
    assert "stated dates recovered exactly" in out
    data = json.loads(
        cli(
            "eval",
            "--sentences",
            str(dev_set / "sentences.csv"),
            "--format",
            "json",
            db=tmp_path / "n.duckdb",
        ).stdout
    )
    assert data["sentences"]["finance"]["macro_f1"] > data["sentences"]["snownlp"]["macro_f1"]
