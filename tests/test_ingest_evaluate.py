"""Metadata evaluation on a labelled set: a generated one always, the shared dev set when it is present."""

from __future__ import annotations

from pathlib import Path

import pytest

from analysis.evaluation.metadata import evaluate_metadata
from tests.conftest import EVAL_DEV

pytestmark = pytest.mark.usefixtures("pinned_today")  # dates are checked against a pinned today


DEV = EVAL_DEV


def make_labelled_set(tmp_path: Path) -> tuple[Path, Path]:
    articles = tmp_path / "articles"
    articles.mkdir()
    (articles / "001.txt").write_text(
        "小米股價今日再大跌超4%\n來源:香港商報    2025-04-03 11:26\n\n小米集團股價今日開盤後走低,早盤中一度跌超4%。",
        encoding="utf-8",
    )
    (articles / "002.txt").write_text(
        "Xiaomi said on Thursday that revenue grew 27 percent year over year.\n", encoding="utf-8"
    )
    (articles / "003.txt").write_text(
        "小米集团股价今日大幅波动,市场对其汽车业务的前景看法不一。\n", encoding="utf-8"
    )
    truth = tmp_path / "articles.csv"
    truth.write_text(
        "file,url,source,published,published_basis,language\n"
        "articles/001.txt,,香港商报,2025-04-03,header,zh-Hant\n"
        "articles/002.txt,https://a.com/s/202405/27/x.html,a.com,2024-05-27,url,en\n"
        "articles/003.txt,,,,none,zh-Hans\n",
        encoding="utf-8",
    )
    return truth, articles


def test_dates_and_languages_are_scored_with_and_without_the_url(tmp_path: Path) -> None:
    truth, articles = make_labelled_set(tmp_path)
    with_url = evaluate_metadata(truth, articles)
    assert (with_url["dates_stated"], with_url["dates_exact"], with_url["date_accuracy"]) == (2, 2, 1.0)
    assert (with_url["languages"], with_url["languages_right"]) == (3, 3)
    without = evaluate_metadata(truth, articles, use_url=False)
    assert (without["dates_exact"], without["date_accuracy"]) == (1, 0.5)
    assert [row["date_right"] for row in without["rows"] if "date_right" in row] == [True, False]


@pytest.mark.skipif(not (DEV / "articles.csv").exists(), reason="shared dev set not present")
def test_dev_set_every_stated_date_and_every_language() -> None:
    report = evaluate_metadata(DEV / "articles.csv", DEV / "articles")
    assert report["date_accuracy"] == 1.0
    assert report["language_accuracy"] == 1.0
