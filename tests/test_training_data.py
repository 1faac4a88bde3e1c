"""The training data: one normalised file per source, nothing reserved for judging, no text twice."""

from __future__ import annotations

import csv
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from analysis import DATA_DIR
from analysis.scoring.train import ARTICLES_FILE, TrainingRow, text_key, unique_rows
from tests.conftest import SHARED

TRAINING = DATA_DIR / "training"
FILES = sorted(p for p in TRAINING.glob("*.csv") if p.name != ARTICLES_FILE)
ARTICLES = TRAINING / ARTICLES_FILE
CHECK = SHARED / "eval" / "reserved" / "check.py"


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_every_training_file_has_the_normalised_columns_and_allowed_values():
    assert FILES, "no training files"
    for path in FILES:
        rows = _rows(path)
        assert rows, path.name
        assert {"text", "label", "language", "source", "id"} <= set(rows[0]), path.name
        assert {r["label"] for r in rows} <= {"positive", "negative", "neutral"}, path.name
        assert {r["language"] for r in rows} <= {"zh-Hans", "zh-Hant", "en"}, path.name
        assert len({r["id"] for r in rows}) == len(rows), f"{path.name}: ids repeat"
        assert all(r["text"].strip() for r in rows), f"{path.name}: empty text"


def test_no_text_appears_twice_across_the_training_files():
    seen: dict[str, str] = {}
    for path in FILES:
        for row in _rows(path):
            key = text_key(row["text"])
            assert key not in seen, f"{path.name}: {row['id']} repeats a row of {seen.get(key)}"
            seen[key] = path.name


def test_hand_labelled_rows_name_their_page_and_frame():
    for path in FILES:
        rows = _rows(path)
        if "url" in rows[0]:
            assert all(r["url"].startswith("http") for r in rows), path.name
            assert all(r.get("frame") for r in rows), path.name


@pytest.mark.skipif(
    not CHECK.exists(), reason="../shared (the reserved-set check) is not beside this checkout"
)
@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_no_training_row_is_reserved_for_judging(path):
    result = subprocess.run(
        [sys.executable, str(CHECK), str(path)], capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]


def test_training_reads_each_sentence_once_and_drops_conflicting_copies():
    rows = [
        TrainingRow("Read more", "neutral", "en", "a", "a-1"),
        TrainingRow("READ  MORE!", "neutral", "en", "b", "b-1"),
        TrainingRow("小米股价大涨", "positive", "zh-Hans", "a", "a-2"),
        TrainingRow("小米股价大涨。", "negative", "zh-Hans", "b", "b-2"),
    ]
    assert [r.id for r in unique_rows(rows)] == ["a-1"]


def test_article_stance_rows_name_their_file_page_and_allowed_labels(tmp_path):
    rows = _rows(ARTICLES)
    assert rows, ARTICLES.name
    frames = set(tomllib.loads((DATA_DIR / "frames.toml").read_text(encoding="utf-8"))["frames"])
    dev = {r["url"] for r in _rows(DATA_DIR / "eval" / "dev" / "articles.csv")}
    assert len({r["url"] for r in rows}) == len(rows), "an article page appears twice"
    for row in rows:
        assert (TRAINING / row["file"]).read_text(encoding="utf-8").strip(), row["file"]
        assert row["url"].startswith("http") and row["url"] not in dev, row["file"]
        assert row["stance"] in {"bullish", "bearish", "mixed", "neutral"}, row["file"]
        assert row["language"] in {"zh-Hans", "zh-Hant", "en"}, row["file"]
        assert set(filter(None, row["frames"].split(";"))) <= frames, row["file"]
    if CHECK.exists():  # the texts live in the files, so check them with their URLs
        pages = tmp_path / "pages.csv"
        with pages.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=["url", "text"])
            writer.writeheader()
            for row in rows:
                writer.writerow(
                    {"url": row["url"], "text": (TRAINING / row["file"]).read_text(encoding="utf-8")}
                )
        result = subprocess.run(
            [sys.executable, str(CHECK), str(pages)], capture_output=True, text=True, timeout=600
        )
        assert result.returncode == 0, result.stdout[-2000:]
