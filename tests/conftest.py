"""Shared fixtures: a temporary store, hand-built articles and scores, the bundled corpus."""

from __future__ import annotations

import hashlib
import shutil
from datetime import date
from pathlib import Path

import pytest
from hypothesis import settings

from analysis import DATA_DIR
from analysis.ingest import IngestResult, Manifest, build_records, read_file_records
from analysis.models import Article, ArticleScore, FrameHit, SentenceScore
from analysis.store import Store

pytest_plugins = ("tests.live_corpus",)  # the localhost news site of the live-coverage tests

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"  # only the reserved-set check needs it; everything else is in the repo
EVAL_DEV = DATA_DIR / "eval" / "dev"  # the development set, copied from ../shared/eval/dev
BUNDLED_ARTICLES = DATA_DIR / "articles"
TODAY = date(2026, 1, 15)  # the day tests that check dates against 'today' pretend it is


@pytest.fixture
def pinned_today(monkeypatch: pytest.MonkeyPatch) -> date:
    """Dates are checked against 'today' (NARRATIVE_TODAY): pin it so results do not follow the clock."""
    monkeypatch.setenv("NARRATIVE_TODAY", TODAY.isoformat())
    return TODAY


# No property test has a wall-clock deadline: on a loaded machine a slow example is not a failing one.
# (Hangs are caught by CPU-time limits where they matter: tests/test_fuzz.py.)
settings.register_profile("narrative", deadline=None)
settings.load_profile("narrative")


def ingest_one(path: Path, *, manifest: Manifest | None = None) -> IngestResult:
    """One file through the product's own per-file steps (read, then build), as ingest_paths runs them."""
    records, problems = read_file_records(Path(path))
    result = build_records(records, name=str(path), entry=manifest.lookup(Path(path)) if manifest else None)
    result.problems[:0] = problems
    return result


def make_article(
    body: str,
    *,
    published: date | None = date(2025, 2, 8),
    source: str | None = "测试源",
    language: str = "zh-Hans",
    **extra,
) -> Article:
    """An Article built by hand, id from its body as ingest would."""
    article_id = hashlib.sha256(body.encode()).hexdigest()[:16]
    fields = dict(
        id=article_id,
        path=f"{article_id}.txt",
        format="txt",
        raw_text=body,
        text=body,
        text_simplified=body,
        language=language,
        title=body[:10],
        title_basis="derived",
        source=source,
        source_basis="front_matter",
        published=published,
        published_basis="front_matter" if published else "none",
        published_from=published,
        published_to=published,
    )
    fields.update(extra)
    return Article(**fields)


def make_score(
    article: Article,
    *,
    tone: float = 0.5,
    label: str = "bullish",
    frames: tuple[str, ...] = ("market_cap_milestone",),
) -> ArticleScore:
    """An ArticleScore with one sentence and one piece of evidence."""
    sentence = SentenceScore(
        index=0,
        start=0,
        end=len(article.text),
        text=article.text,
        tone=tone,
        label="positive" if tone > 0 else "negative",
        confidence=0.8,
        relevance=1.0,
        frames=frames,
        snownlp=0.9,
    )
    hits = tuple(
        FrameHit(frame=f, polarity="bullish", pattern=article.text[:2], sentence_index=0, start=0, end=2)
        for f in frames
    )
    return ArticleScore(
        article_id=article.id,
        tone=tone,
        confidence=0.8,
        label=label,
        relevance=1.0,
        bull_intensity=1.0,
        bear_intensity=0.0,
        framing_balance=1.0,
        dominant_frame=frames[0] if frames else None,
        frames=frames,
        snownlp=0.9,
        sentences=(sentence,),
        evidence=hits,
    )


@pytest.fixture
def store(tmp_path) -> Store:
    """An empty store on a temporary DuckDB file."""
    return Store(tmp_path / "test.duckdb", lock_timeout=2)


@pytest.fixture
def dev_set() -> Path:
    return EVAL_DEV


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    """A copy of the product's configuration (no corpus, no training data) the test may edit."""
    target = tmp_path / "data"
    shutil.copytree(
        DATA_DIR, target, ignore=shutil.ignore_patterns("training", "eval", "articles", "*.duckdb*")
    )
    monkeypatch.setenv("NARRATIVE_DATA_DIR", str(target))
    return target
