"""Spreadsheet formulas are defused in every CSV the product writes; real headlines change as little as possible."""

from __future__ import annotations

import csv
import io
from datetime import datetime

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from analysis import cli
from analysis.corrections.csvfile import read_csv, write_csv
from analysis.csv_guard import guard, guard_frame, unguard
from analysis.ingest.run import IngestSummary
from analysis.models import Problem
from analysis.scoring.corrections import Correction
from analysis.scoring.run import score_store
from analysis.store import Store
from analysis.views import articles_csv, upload_rows
from tests.conftest import make_article

FORMULAS = [
    '=HYPERLINK("http://x.example/?leak","点我")',
    "=1+1",
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(A1:A9)",
    "\t=1+1",
    "\r=1+1",
    "  =1+1",
    "-5%! 小米股价暴跌",  # starts like a formula and is not a number: a spreadsheet would try to evaluate it
    "+86 138 0000 0000",
]
PLAIN = [
    "-5%",
    "+3.2",
    "-1,234.5",
    "-0.5",
    "+12%",
    "1e5",
    "小米 -5%",
    "小米=雷军",
    "",
    "a@b.example",
    "'quoted",
]


@pytest.mark.parametrize("text", FORMULAS)
def test_a_cell_a_spreadsheet_would_run_as_a_formula_gets_one_leading_apostrophe(text):
    assert guard(text) == "'" + text


@pytest.mark.parametrize("text", PLAIN)
def test_numbers_and_ordinary_text_are_left_exactly_as_they_are(text):
    assert guard(text) == text


@given(st.text(alphabet=st.sampled_from("'=+-@ \t5%.,eA小")) | st.text())
def test_unguard_gives_back_what_guard_was_given(text):
    assert unguard(str(guard(text))) == text


def test_a_cell_already_starting_with_an_apostrophe_still_reads_back_as_itself():
    assert guard("'=1") == "''=1" and unguard("''=1") == "'=1"


def test_numbers_dates_and_missing_values_pass_through_a_guarded_frame():
    frame = pd.DataFrame({"title": ["=1+1", "-5%", None], "tone": [-0.5, 0.25, None]})
    guarded = guard_frame(frame)
    assert list(guarded["title"][:2]) == ["'=1+1", "-5%"] and guarded["title"].isna().iloc[2]
    assert guarded["tone"].tolist()[:2] == [-0.5, 0.25]
    assert frame["title"].iloc[0] == "=1+1"  # the caller's frame is not changed


def _store_with_titles(tmp_path) -> Store:
    store = Store(tmp_path / "guard.duckdb")
    store.add_articles([
        make_article("小米股价上涨。" * 5, title='=HYPERLINK("http://x.example","x")', source="@outlet"),
        make_article("小米股价下跌。" * 5, title="-5%", source="极客公园"),
    ])  # fmt: skip
    score_store(store, workers=1, use_snownlp=False, scorer="lexicon")
    return store


def test_the_export_command_csv_defuses_formulas_and_keeps_numbers(tmp_path, capsys):
    store = _store_with_titles(tmp_path)
    assert cli.main(["export", "--db", str(store.path)]) == 0
    rows = {r["source"]: r for r in csv.DictReader(io.StringIO(capsys.readouterr().out))}
    assert rows["'@outlet"]["title"] == '\'=HYPERLINK("http://x.example","x")'
    assert rows["极客公园"]["title"] == "-5%"
    assert float(rows["极客公园"]["tone"]) <= 0  # numbers stay numbers


def test_the_dashboard_download_defuses_every_text_column(tmp_path):
    store = _store_with_titles(tmp_path)
    text = articles_csv(store.scored_articles()).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert {r["title"] for r in rows} == {'\'=HYPERLINK("http://x.example","x")', "-5%"}
    assert "'@outlet" in {r["source"] for r in rows}


def test_the_explorer_table_shows_defused_values_so_its_toolbar_download_is_safe():
    from ui.tables import explorer_table

    articles = pd.DataFrame({
        "date": ["2025-02-08", "2025-02-09"], "date_inferred": [False, False],
        "published_basis": ["front_matter", "front_matter"], "source": ["=cmd|x", "财新"],
        "title": ["@SUM(A1)", "-5%"], "tone": [0.1, -0.2], "label": ["bullish", "bearish"],
        "frames": ["", ""], "article_id": ["a1", "a2"],
    })  # fmt: skip
    table = explorer_table(articles)
    assert list(table["title"]) == ["'@SUM(A1)", "-5%"]
    assert list(table["outlet"]) == ["'=cmd|x", "财新"]
    assert list(table["article_id"]) == ["a1", "a2"]  # the row selection still finds its article


def test_the_upload_problems_table_defuses_hostile_file_names():
    summary = IngestSummary(problems=[Problem("=cmd|' /C calc'!A0.txt", "empty file")])
    assert upload_rows(summary)["file"].iloc[0] == "'=cmd|' /C calc'!A0.txt"


def test_a_corrections_export_is_guarded_and_imports_back_unchanged(tmp_path):
    made = Correction(article_id="=a1", start=None, end=None, field="label", old="-x", new="bullish",
                      scorer="learned", version="1", created_at=datetime(2025, 3, 1, 12, 0))  # fmt: skip
    out = io.StringIO()
    write_csv([made], out)
    assert "'=a1" in out.getvalue()
    path = tmp_path / "c.csv"
    path.write_text(out.getvalue(), encoding="utf-8")
    (back,), _ = read_csv(path)
    assert (back.article_id, back.old) == ("=a1", "-x")
