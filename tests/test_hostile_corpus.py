"""The hostile-corpus run (issue 15, Done means): generated hostile inputs through the real CLI.

bench/hostile.py generates them in a temporary folder (never committed) and runs `ingest`, `classify` and
`prices import` as subprocesses; each failure it finds is one line of its report.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.hostile import MEMORY_LIMIT, run_big, run_hostile
from bench.hostile_inputs import generate

pytestmark = pytest.mark.slow


def test_the_generated_corpus_holds_over_150_inputs_of_every_kind(tmp_path: Path) -> None:
    corpus = generate(tmp_path)
    assert corpus.size >= 150
    names = set(corpus.inputs)
    for kind in ("alias-bomb.md", "huge-title.md", "stray-byte.txt", "utf16le-utf8-tail.txt", "name.txt ",
                 "dangling.txt", "pipe.txt", "locked", "deep-50000.html", "dates-160k.txt", "copy-b.md"):  # fmt: skip
        assert kind in names
    prices = {path.name for path in corpus.prices}
    assert {"other-ticker.csv", "decimal-commas.csv", "1e308.csv", "year-1.csv"} <= prices


def test_hostile_inputs_end_without_a_traceback_each_named_or_stored_and_nothing_good_lost(
    tmp_path: Path,
) -> None:
    report = run_hostile(tmp_path)
    assert report["failures"] == []
    assert report["inputs"] >= 150
    assert report["stored_after"] > report["stored_before"] >= 10  # the good hostile ones added
    assert report["prices"]["imported"] == 5 and report["closes_unchanged"] > 400
    assert max(report["ingest"]["peak_mb"], report["classify"]["peak_mb"]) * 2**20 < MEMORY_LIMIT


def test_a_200_mb_file_and_a_200_mb_folder_ingest_under_2_gb(tmp_path: Path) -> None:
    failures: list[str] = []
    big = run_big(tmp_path, megabytes=200, failures=failures)
    assert failures == []
    for run in big.values():
        assert run["megabytes"] >= 199 and run["peak_mb"] * 2**20 < MEMORY_LIMIT
