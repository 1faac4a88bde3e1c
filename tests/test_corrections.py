"""The analyst's corrections: they win over the model at once, everywhere, and are never lost.

A sentence or stance correction changes the stored score, the dashboard's facts and every sum in the same
transaction; reruns, migrations and re-ingests keep it; CSV export and import round-trip and refuse bad rows.
"""

from __future__ import annotations

import csv
import json
from datetime import datetime
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from analysis.cli import main
from analysis.corrections import (
    CSV_COLUMNS,
    Correction,
    correct,
    export_corrections,
    import_corrections,
    status,
)
from analysis.errors import InputError
from analysis.ingest.run import ingest_paths
from analysis.narrative import tone_index
from analysis.scoring import load_scorer
from analysis.scoring.corrections import CORRECTED_CONFIDENCE, CORRECTED_TONE, in_force
from analysis.scoring.run import score_store
from analysis.store import SCHEMA_VERSION, ArticleFilter, Store
from analysis.store import schema as schema_module
from analysis.views import kpis_from_cube
from tests.conftest import make_article

BULLISH = "小米股价大涨，市值突破万亿港元。雷军表示交付顺利，订单创新高。公司利润大增。"
OTHER = "小米发布新款手机，销量强劲。分析师上调目标价。"


def scored_store(tmp_path: Path, *bodies: str) -> tuple[Store, list[str]]:
    store = Store(tmp_path / "c.duckdb", lock_timeout=2)
    articles = [make_article(body) for body in bodies or (BULLISH, OTHER)]
    store.add_articles(articles)
    score_store(store, workers=1, use_snownlp=False)
    return store, [a.id for a in articles]


def sentence(store: Store, article_id: str, index: int) -> pd.Series:
    return store.sentences(article_id).set_index("index").loc[index]


def day_tone(store: Store) -> float:
    return float(tone_index(store.tone_cube(ArticleFilter()))["tone"].iloc[0])


def first_polar(store: Store, article_id: str) -> pd.Series:
    rows = store.sentences(article_id)
    return rows[rows["label"] == "positive"].iloc[0]


def test_a_sentence_correction_changes_the_sentence_the_article_tone_and_the_tone_series_at_once(tmp_path):
    store, (article_id, _) = scored_store(tmp_path)
    target = first_polar(store, article_id)
    tone_before = store.current_score(article_id)["tone"]
    series_before = day_tone(store)

    saved = correct(store, article_id, "label", "negative", start=int(target.start), end=int(target.end))

    assert saved.old == "positive" and saved.scorer == "learned"
    after = sentence(store, article_id, int(target["index"]))
    assert after["label"] == "negative" and after["tone"] == CORRECTED_TONE["negative"]
    assert after["confidence"] == CORRECTED_CONFIDENCE
    assert store.current_score(article_id)["tone"] < tone_before
    scored = store.scored_articles().set_index("article_id")
    assert scored.loc[article_id, "tone"] == store.current_score(article_id)["tone"]  # the facts follow
    assert day_tone(store) < series_before


def test_an_article_stance_correction_changes_the_kpi_counts(tmp_path):
    store, (article_id, other_id) = scored_store(tmp_path)
    labels = store.scored_articles().set_index("article_id")["label"]
    assert labels[article_id] == "bullish"

    def kpis():
        return kpis_from_cube(store.tone_cube(ArticleFilter()), store.prices(), ticker="1810.HK")

    before = kpis()
    correct(store, article_id, "stance", "bearish")
    after = kpis()
    assert (after.n_bullish, after.n_bearish) == (before.n_bullish - 1, before.n_bearish + 1)
    assert store.current_score(article_id)["label"] == "bearish"
    assert store.current_score(other_id)["label"] == labels[other_id]


def test_a_frame_correction_sets_the_sentences_frame_and_keeps_the_evidence(tmp_path):
    store, (article_id, _) = scored_store(tmp_path)
    target = first_polar(store, article_id)
    evidence_before = store.evidence(article_id=article_id)
    correct(store, article_id, "frame", "recall_quality", start=int(target.start), end=int(target.end))
    assert sentence(store, article_id, int(target["index"]))["frames"] == "recall_quality"
    assert "recall_quality" in store.current_score(article_id)["frames"].split(";")
    assert store.evidence(article_id=article_id).equals(evidence_before)


def test_a_newer_correction_of_the_same_target_is_in_force_and_the_older_is_kept(tmp_path):
    store, (article_id, _) = scored_store(tmp_path)
    correct(store, article_id, "stance", "bearish")
    correct(store, article_id, "stance", "mixed")
    assert [c.new for c in store.corrections()] == ["mixed"]
    assert [c.new for c in store.corrections(history=True)] == ["bearish", "mixed"]
    assert store.corrections(history=True)[1].old == "bearish"
    assert store.current_score(article_id)["label"] == "mixed"
    assert status(store, data_dir=tmp_path) | {} == {
        "total": 2, "in_force": 1, "articles": 1, "learned": 0, "not_learned": 1,
    }  # fmt: skip


def test_in_force_takes_the_newest_correction_of_each_target():
    old = Correction("a", "label", "negative", start=0, end=5, created_at=datetime(2025, 1, 1))
    new = Correction("a", "label", "neutral", start=0, end=5, created_at=datetime(2025, 2, 1))
    other = Correction("a", "label", "positive", start=5, end=9, created_at=datetime(2024, 1, 1))
    assert in_force([new, other, old]) == [new, other]


def test_corrections_survive_score_force_and_a_changed_frames_file(tmp_path, monkeypatch):
    store, (article_id, _) = scored_store(tmp_path)
    target = first_polar(store, article_id)
    correct(store, article_id, "label", "negative", start=int(target.start), end=int(target.end))
    correct(store, article_id, "stance", "neutral")
    corrected_tone = store.current_score(article_id)["tone"]

    summary = score_store(store, workers=1, use_snownlp=False, force=True)
    assert summary.scored == 2 and store.current_run().run_id == summary.run.run_id
    assert sentence(store, article_id, int(target["index"]))["label"] == "negative"
    assert store.current_score(article_id)["label"] == "neutral"
    assert store.current_score(article_id)["tone"] == corrected_tone

    # A changed frames.toml is a new configuration: the incremental run rescores, corrections still win.
    data = tmp_path / "data"
    import shutil

    from analysis import DATA_DIR

    shutil.copytree(DATA_DIR, data, ignore=shutil.ignore_patterns("articles", "*.duckdb*", "training"))
    with open(data / "frames.toml", "a", encoding="utf-8") as frames:
        frames.write('\n[frames.analyst_watch]\npolarity = "context"\npatterns = ["雷军"]\n')
    score_store(store, workers=1, use_snownlp=False, data_dir=data)
    assert store.current_score(article_id)["label"] == "neutral"
    assert sentence(store, article_id, int(target["index"]))["label"] == "negative"


def test_corrections_survive_a_scoring_pool(tmp_path):
    store, (article_id, other_id) = scored_store(tmp_path)
    correct(store, other_id, "stance", "bearish")
    score_store(store, workers=2, use_snownlp=False, force=True, batch_size=1)
    assert store.current_score(other_id)["label"] == "bearish"


def _downgrade_to_v2(path: Path) -> None:
    """The file as schema 2 wrote it: schema 3 only added the corrections table and its view."""
    con = duckdb.connect(str(path))
    for statement in ("DROP VIEW corrections_in_force", "DROP TABLE corrections", "DROP SEQUENCE correction_ids",
                      "DELETE FROM schema_version WHERE version > 2"):  # fmt: skip
        con.execute(statement)
    con.close()


def test_a_schema_2_file_migrates_keeps_its_scores_and_takes_corrections(tmp_path):
    store, (article_id, _) = scored_store(tmp_path)
    tones = store.scored_articles()["tone"].tolist()
    _downgrade_to_v2(store.path)
    reopened = Store(store.path)
    assert reopened.schema_version() == SCHEMA_VERSION
    assert reopened.scored_articles()["tone"].tolist() == tones and reopened.corrections() == []
    correct(reopened, article_id, "stance", "bearish")
    assert Store(store.path).current_score(article_id)["label"] == "bearish"


def test_corrections_survive_the_next_schema_migration(tmp_path, monkeypatch):
    store, (article_id, _) = scored_store(tmp_path)
    correct(store, article_id, "stance", "bearish")
    monkeypatch.setattr(schema_module, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
    monkeypatch.setattr(
        schema_module,
        "_MIGRATIONS",
        schema_module._MIGRATIONS | {SCHEMA_VERSION + 1: ["CREATE TABLE notes (x INT)"]},
    )
    migrated = Store(store.path)
    assert migrated.schema_version() == SCHEMA_VERSION + 1
    assert [c.new for c in migrated.corrections()] == ["bearish"]
    assert migrated.current_score(article_id)["label"] == "bearish"


def test_corrections_survive_a_reingest_of_the_same_text(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "story.txt").write_text(BULLISH, encoding="utf-8")
    store = Store(tmp_path / "first.duckdb", lock_timeout=2)
    ingest_paths(store, [folder])
    score_store(store, workers=1, use_snownlp=False)
    (article_id,) = store.export_frame()["id"]
    correct(store, article_id, "stance", "bearish")

    (folder / "story again.txt").write_text(BULLISH, encoding="utf-8")
    assert ingest_paths(store, [folder]).added == []  # the same text: the same id, nothing added
    score_store(store, workers=1, use_snownlp=False, force=True)
    assert store.current_score(article_id)["label"] == "bearish"

    # A new database built from the same file: the exported corrections find the article by its content hash.
    export_corrections(store, tmp_path / "corrections.csv")
    fresh = Store(tmp_path / "second.duckdb", lock_timeout=2)
    ingest_paths(fresh, [folder / "story.txt"])
    score_store(fresh, workers=1, use_snownlp=False)
    assert import_corrections(fresh, tmp_path / "corrections.csv") == (1, 0)
    assert fresh.current_score(article_id)["label"] == "bearish"


def run_cli(*args: str, db: Path, capsys) -> tuple[int, str, str]:
    code = main([*args, "--db", str(db)])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_export_then_import_round_trips_and_importing_again_adds_nothing(tmp_path, capsys):
    store, (article_id, other_id) = scored_store(tmp_path)
    target = first_polar(store, article_id)
    correct(store, article_id, "label", "neutral", start=int(target.start), end=int(target.end))
    correct(store, other_id, "stance", "bearish")
    correct(store, other_id, "stance", "mixed")
    exported = tmp_path / "corrections.csv"
    assert run_cli("corrections", "export", str(exported), db=store.path, capsys=capsys)[0] == 0
    rows = list(csv.DictReader(exported.open(encoding="utf-8")))
    assert tuple(rows[0]) == CSV_COLUMNS and len(rows) == 3

    code, out, _ = run_cli("corrections", "import", str(exported), db=store.path, capsys=capsys)
    assert code == 0 and "imported 0 corrections" in out and "3 already stored" in out
    assert len(store.corrections(history=True)) == 3

    other, _ = scored_store(tmp_path / "other", BULLISH, OTHER)
    assert run_cli("corrections", "import", str(exported), db=other.path, capsys=capsys)[0] == 0
    assert other.corrections(history=True) == store.corrections(history=True)
    assert other.current_score(other_id)["label"] == "mixed"
    assert sentence(other, article_id, int(target["index"]))["label"] == "neutral"
    run_cli("corrections", "export", str(tmp_path / "again.csv"), db=other.path, capsys=capsys)
    assert (tmp_path / "again.csv").read_text(encoding="utf-8") == exported.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"field": "tone"}, "field"),
        ({"new": "very good"}, "new"),
        ({"start": "x"}, "start"),
        ({"end": "99999"}, "end"),
        ({"article_id": "0000000000000000"}, "article_id"),
        ({"created_at": "yesterday"}, "created_at"),
    ],
)
def test_a_bad_csv_row_is_refused_by_row_and_field_and_nothing_is_stored(tmp_path, capsys, change, field):
    store, (article_id, _) = scored_store(tmp_path)
    target = first_polar(store, article_id)
    good = {"article_id": article_id, "start": int(target.start), "end": int(target.end), "field": "label",
            "old": "positive", "new": "negative", "scorer": "finance", "version": "1.0.0",
            "created_at": "2025-03-01T10:00:00"}  # fmt: skip
    path = tmp_path / "bad.csv"
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS)
        writer.writeheader()
        writer.writerow(good)
        writer.writerow(good | {"new": "neutral", "created_at": "2025-03-02T10:00:00"} | change)
    with pytest.raises(InputError) as raised:
        import_corrections(store, path)
    assert raised.value.row == 3 and raised.value.field == field
    code, _, err = run_cli("corrections", "import", str(path), db=store.path, capsys=capsys)
    assert code == 2 and err.startswith(f"error: {path}:3 [{field}]: ") and err.count("\n") == 1
    assert store.corrections(history=True) == []


def test_a_stance_row_with_a_span_is_refused(tmp_path):
    store, (article_id, _) = scored_store(tmp_path)
    path = tmp_path / "bad.csv"
    path.write_text(",".join(CSV_COLUMNS) + f"\n{article_id},0,5,stance,,bearish,,,\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"bad.csv:2 \[start\]"):
        import_corrections(store, path)


def test_corrections_list_shows_those_in_force_and_all_with_history(tmp_path, capsys):
    store, (article_id, _) = scored_store(tmp_path)
    correct(store, article_id, "stance", "bearish")
    correct(store, article_id, "stance", "mixed")
    code, out, _ = run_cli("corrections", "list", "--format", "json", db=store.path, capsys=capsys)
    rows = json.loads(out)
    assert code == 0 and [r["new"] for r in rows] == ["mixed"] and set(rows[0]) == {*CSV_COLUMNS, "in_force"}
    _, out, _ = run_cli("corrections", "list", "--all", "--format", "json", db=store.path, capsys=capsys)
    assert [(r["new"], r["in_force"]) for r in json.loads(out)] == [("bearish", False), ("mixed", True)]
    _, out, _ = run_cli("corrections", "list", db=store.path, capsys=capsys)
    assert "bearish -> mixed" in out


def test_export_gains_a_corrected_column_and_keeps_the_existing_ones(tmp_path, capsys):
    store, (article_id, other_id) = scored_store(tmp_path)
    before = store.export_frame().drop(columns="corrected")
    target = first_polar(store, article_id)
    correct(store, article_id, "stance", "bearish")
    correct(store, article_id, "label", "negative", start=int(target.start), end=int(target.end))
    out = tmp_path / "export.csv"
    assert run_cli("export", "--out", str(out), db=store.path, capsys=capsys)[0] == 0
    frame = pd.read_csv(out, dtype={"id": str}, keep_default_na=False).set_index("id")
    assert frame.loc[article_id, "corrected"] == f"stance;sentence:{int(target['index'])}"
    assert frame.loc[other_id, "corrected"] == ""
    from analysis.cli import EXPORT_COLUMNS

    assert list(frame.reset_index().columns[: len(EXPORT_COLUMNS)]) == EXPORT_COLUMNS
    assert list(frame.columns)[-1] == "corrected"
    assert set(before.columns) <= set(frame.reset_index().columns)


def test_corrections_for_training_are_the_corrected_sentences_in_force(tmp_path):
    store, (article_id, _) = scored_store(tmp_path)
    target = first_polar(store, article_id)
    correct(store, article_id, "label", "negative", start=int(target.start), end=int(target.end))
    correct(store, article_id, "label", "neutral", start=int(target.start), end=int(target.end))
    correct(store, article_id, "stance", "bearish")
    rows = store.corrections_for_training()
    assert list(rows.columns) == ["text", "label", "language", "source", "id"]
    assert rows.to_dict("records") == [{
        "text": target["text"], "label": "neutral", "language": "zh-Hans", "source": "corrections",
        "id": f"corrections-{article_id}-{int(target.start)}-{int(target.end)}",
    }]  # fmt: skip


def test_corrections_newer_than_the_learned_model_are_counted_from_its_metrics(tmp_path):
    store, (article_id, other_id) = scored_store(tmp_path)
    correct(store, article_id, "stance", "bearish")
    correct(store, other_id, "stance", "bearish")
    assert status(store, data_dir=tmp_path)["not_learned"] == 2  # no learned model: none learned
    (tmp_path / "models").mkdir()
    (tmp_path / "models" / "metrics.json").write_text(json.dumps({"corrections_used": 1, "trained_at": "x"}))
    assert status(store, data_dir=tmp_path) | {} == {
        "total": 2, "in_force": 2, "articles": 2, "learned": 1, "not_learned": 1,
    }  # fmt: skip


def test_the_scorer_applies_corrections_given_to_it_and_is_unchanged_without():
    scorer = load_scorer(use_snownlp=False)
    article = make_article(BULLISH)
    plain = scorer.score_article(article.id, article.text, article.text_simplified, article.language)
    assert (
        scorer.score_article(article.id, article.text, article.text_simplified, article.language, []) == plain
    )
    first = plain.sentences[0]
    corrected = scorer.score_article(
        article.id, article.text, article.text_simplified, article.language,
        [Correction(article.id, "label", "negative", start=first.start, end=first.end),
         Correction(article.id, "stance", "mixed")],
    )  # fmt: skip
    assert corrected.sentences[0].label == "negative" and corrected.tone < plain.tone
    assert corrected.label == "mixed" and corrected.evidence == plain.evidence


def test_a_correction_saved_while_a_run_goes_is_in_force_when_it_finishes(tmp_path):
    store, (article_id, _) = scored_store(tmp_path)
    saved = []

    def meanwhile(done: int, total: int, message: str) -> None:
        if not saved:  # the run has read the corrections already: this one is not in its scores
            saved.append(correct(store, article_id, "stance", "bearish"))

    run = score_store(store, workers=1, use_snownlp=False, force=True, progress=meanwhile).run
    assert saved and store.current_run().run_id == run.run_id
    assert store.current_score(article_id)["label"] == "bearish"
    assert store.scored_articles().set_index("article_id").loc[article_id, "label"] == "bearish"
