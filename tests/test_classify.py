"""The classify contract: one JSON line in, one result out, same order, never a crash."""

from __future__ import annotations

import json

import pytest

from analysis.scoring import load_scorer
from analysis.scoring.classify import classify_lines

REQUIRED = {"id", "tone", "label", "frames", "snownlp"}


@pytest.fixture(scope="module")
def scorer():
    return load_scorer(use_snownlp=False)


def run(lines, scorer) -> list[dict]:
    return list(classify_lines(lines, scorer))


def test_results_come_back_one_per_line_in_order(scorer):
    lines = [
        json.dumps({"id": i, "text": t}, ensure_ascii=False)
        for i, t in enumerate(["小米股价大涨", "小米汽车召回3万辆", "小米发布公告", "Xiaomi shares plunged"])
    ]
    results = run(lines, scorer)
    assert [r["id"] for r in results] == [0, 1, 2, 3]
    assert [r["label"] for r in results] == ["positive", "negative", "neutral", "negative"]
    assert results[1]["frames"] == ["recall_quality"]
    for result in results:
        assert REQUIRED <= result.keys()
        assert "warning" not in result
        json.dumps(result)  # serialisable as one output line


def test_empty_line_gets_a_neutral_result_with_a_warning(scorer):
    (result,) = run(["   \n"], scorer)
    assert (result["label"], result["tone"], result["frames"]) == ("neutral", 0.0, [])
    assert result["warning"] and "error" not in result


def test_invalid_json_gets_a_neutral_result_with_warning_and_error(scorer):
    results = run(
        ['{"id": 1, "text": "小米股价大涨"}', "{not json", '{"id": 3, "text": "小米股价暴跌"}'], scorer
    )
    assert [r["label"] for r in results] == ["positive", "neutral", "negative"]
    assert "line 2" in results[1]["error"] and results[1]["warning"]


@pytest.mark.parametrize("line", ["[1, 2]", '"just a string"', "42", "null"])
def test_json_that_is_not_an_object_is_reported(scorer, line):
    (result,) = run([line], scorer)
    assert result["label"] == "neutral" and result["warning"] and result["error"]


@pytest.mark.parametrize(
    "record",
    [
        {"id": "a", "text": 5},
        {"id": "a", "text": ["小米"]},
        {"id": "a", "text": None},
        {"id": "a"},
        {"id": "a", "text": "   "},
    ],
)
def test_missing_empty_or_non_string_text_is_neutral_with_warning(scorer, record):
    (result,) = run([json.dumps(record)], scorer)
    assert result["id"] == "a"
    assert (result["label"], result["tone"]) == ("neutral", 0.0)
    assert result["warning"] and "error" not in result


def test_text_with_a_lone_surrogate_is_scored(scorer):
    (result,) = run(['{"id": 1, "text": "\\ud800 小米股价暴跌"}'], scorer)
    assert result["label"] == "negative"


def test_no_input_gives_no_output(scorer):
    assert run([], scorer) == []
