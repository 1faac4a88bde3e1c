"""Evaluation: metric arithmetic, input errors, report formatting, and the dev-set targets."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from analysis.errors import InputError
from analysis.evaluation.scorer import (
    classification_metrics,
    evaluate_articles,
    evaluate_sentences,
    format_eval_text,
)
from analysis.scoring import load_scorer
from tests.conftest import EVAL_DEV

DEV = EVAL_DEV  # the development set, in the repo


@pytest.fixture(scope="module")
def scorer():
    return load_scorer(use_snownlp=True)


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_classification_metrics_by_hand():
    gold = ["positive", "positive", "negative", "neutral"]
    pred = ["positive", "negative", "negative", "negative"]
    metrics = classification_metrics(gold, pred, ("positive", "negative", "neutral"))
    assert metrics["accuracy"] == 0.5
    assert metrics["per_class"]["positive"] == {"precision": 1.0, "recall": 0.5, "f1": 0.6667, "support": 2}
    assert metrics["per_class"]["negative"]["precision"] == pytest.approx(1 / 3, abs=1e-4)
    assert metrics["per_class"]["neutral"]["f1"] == 0.0
    assert metrics["macro_f1"] == pytest.approx((0.6667 + 0.5 + 0.0) / 3, abs=1e-4)
    assert metrics["confusion"]["neutral"]["negative"] == 1


def test_sentence_evaluation_reports_both_scorers_and_frames(tmp_path, scorer):
    csv_path = write(
        tmp_path / "s.csv",
        "id,file,text,label,frame,rationale\n"
        "a,x,小米股价暴跌,negative,valuation_reset,r\n"
        "b,x,小米市值突破万亿港元,positive,market_cap_milestone,r\n"
        "c,x,By Che Pan and Brenda Goh,neutral,none,byline\n",
    )
    result = evaluate_sentences(csv_path, scorer)
    assert result["finance"]["accuracy"] == 1.0
    assert result["frames"]["recall"] == 1.0 and result["frames"]["precision"] == 1.0
    assert result["frames"]["false_alarm_rate"] == 0.0
    assert set(result["snownlp"]) >= {"accuracy", "macro_f1", "per_class", "confusion"}
    json.dumps(result)
    report = format_eval_text(result)
    assert "finance" in report and "snownlp" in report and "> 0.6 positive" in report


def test_bad_label_names_the_row_and_field(tmp_path, scorer):
    csv_path = write(tmp_path / "s.csv", "id,file,text,label,frame\na,x,小米,great,none\n")
    with pytest.raises(InputError, match=r"s\.csv:2 \[label\]"):
        evaluate_sentences(csv_path, scorer)


def test_missing_column_is_an_input_error(tmp_path, scorer):
    with pytest.raises(InputError, match="missing column"):
        evaluate_sentences(write(tmp_path / "s.csv", "id,text\na,小米\n"), scorer)


def test_missing_csv_is_an_input_error(tmp_path, scorer):
    with pytest.raises(InputError, match="cannot read"):
        evaluate_sentences(tmp_path / "absent.csv", scorer)


def test_article_evaluation_with_a_custom_preparation(tmp_path, scorer):
    (tmp_path / "articles").mkdir()
    write(tmp_path / "articles" / "a.txt", "小米股价暴跌，市值蒸发超过2800亿港元，信任危机蔓延。")
    write(tmp_path / "articles" / "b.txt", "小米市值突破万亿港元，创下历史新高，营收同比增长30%。")
    csv_path = write(
        tmp_path / "articles.csv", "file,stance\narticles/a.txt,bearish\narticles/b.txt,bullish\n"
    )
    calls = []

    def prepare(raw: str) -> tuple[str, str, str]:
        calls.append(raw)
        return raw, raw, "zh-Hans"

    result = evaluate_articles(csv_path, tmp_path / "articles", scorer, prepare=prepare)
    assert len(calls) == 2
    assert result["finance"]["stance_accuracy"] == 1.0
    assert result["polar_articles"] == 2
    json.dumps(result)
    assert "stance_accuracy" in format_eval_text({"articles": result})


def test_each_article_is_read_toward_the_company_its_row_names(tmp_path, scorer):
    (tmp_path / "articles").mkdir()
    # Good for BYD, bad for Xiaomi: the stance depends on whose article it is.
    text = "比亚迪销量大涨，利润创历史新高，市值突破万亿。小米汽车订单大减，股价暴跌，信任危机蔓延。"
    write(tmp_path / "articles" / "a.txt", text)
    write(tmp_path / "articles" / "b.txt", text)
    csv_path = write(tmp_path / "articles.csv",
                     "file,stance,company\narticles/a.txt,bullish,1211.HK\narticles/b.txt,bearish,\n")  # fmt: skip
    result = evaluate_articles(csv_path, tmp_path / "articles", scorer,
                               prepare=lambda raw: (raw, raw, "zh-Hans"))  # fmt: skip
    assert [(d["company"], d["finance"]) for d in result["rows"]] == [
        ("1211.HK", "bullish"), ("1810.HK", "bearish"),
    ]  # fmt: skip
    bad = write(tmp_path / "bad.csv", "file,stance,company\narticles/a.txt,bullish,NOPE\n")
    with pytest.raises(InputError, match=r"bad\.csv:2 \[company\]"):
        evaluate_articles(bad, tmp_path / "articles", scorer, prepare=lambda raw: (raw, raw, "zh-Hans"))


def test_missing_article_file_names_the_csv_row(tmp_path, scorer):
    csv_path = write(tmp_path / "articles.csv", "file,stance\narticles/none.txt,bearish\n")
    with pytest.raises(InputError, match=r"articles\.csv:2 \[file\]"):
        evaluate_articles(csv_path, tmp_path, scorer)


# What each scorer measured on the development set when it shipped, less a margin: a change that loses more
# than that is a regression to explain. (The lexicon's word lists were written against this set; the learned
# scorer never saw it.)
DEV_FLOORS = {
    "lexicon": {"sentences": 0.75, "stance": 0.85, "frame_recall": 0.6, "frame_precision": 0.7},
    "learned": {"sentences": 0.82, "stance": 0.76, "frame_recall": 0.55, "frame_precision": 0.7},
}


@pytest.mark.parametrize("kind", sorted(DEV_FLOORS))
def test_dev_set_figures_hold(kind):
    scorer = load_scorer(use_snownlp=True, scorer=kind)
    floors = DEV_FLOORS[kind]
    sentences = evaluate_sentences(DEV / "sentences.csv", scorer)
    assert sentences["finance"]["macro_f1"] >= floors["sentences"]
    assert sentences["snownlp"]["macro_f1"] < 0.5  # the product-review model reads finance news near chance
    assert sentences["frames"]["recall"] >= floors["frame_recall"]
    assert sentences["frames"]["precision"] >= floors["frame_precision"]
    articles = evaluate_articles(DEV / "articles.csv", DEV / "articles", scorer)
    assert articles["finance"]["stance_accuracy"] >= floors["stance"]
