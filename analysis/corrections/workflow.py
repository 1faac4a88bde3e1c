"""Saving the analyst's corrections: checked, stored, and the article rescored with them, in one transaction.

A correction wins over the model at once: its article is rescored by the current run's scorer (the same ticker
and snownlp option) with every correction of it in force, and those rows replace the article's rows in the
current run, with its dashboard facts, in the transaction that stores the correction. Scoring runs apply the
stored corrections too (scoring/run.py), so a rerun, a new model or a changed frames.toml keeps them.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from analysis import settings
from analysis.errors import InputError
from analysis.scoring.columns import ScoreRows
from analysis.scoring.corrections import SENTENCE_FIELDS, Correction, by_article, check, in_force
from analysis.store import RunInfo, Store

MODEL_METRICS = Path("models") / "metrics.json"  # under the data directory; the learned model's metadata


def correct(
    store: Store,
    article_id: str,
    field: str,
    new: str,
    *,
    start: int | None = None,
    end: int | None = None,
    ticker: str | None = None,
    data_dir: Path | None = None,
) -> Correction:
    """Relabel one sentence (span start-end) or the article's stance, and rescore the article with it."""
    run = store.current_run(ticker)
    ticker = run.ticker if run else ticker
    old = _current_value(store, article_id, field, start, end, ticker=ticker)
    correction = Correction(
        article_id=article_id, field=field, new=new, start=start, end=end, old=old,
        scorer=run.scorer if run else None, version=run.version if run else None, created_at=datetime.now(),
    )  # fmt: skip
    save(store, [correction], ticker=ticker, data_dir=data_dir)
    return correction


def save(
    store: Store,
    batch: Sequence[Correction],
    *,
    ticker: str | None = None,
    data_dir: Path | None = None,
    where: str | None = None,
    rows: Sequence[int] | None = None,
) -> tuple[int, int]:
    """Check every correction, then store them and rescore their articles in one transaction.

    Returns (added, already stored). `where` (a file) and `rows` (each correction's row in it) name the bad
    row in an error; nothing is stored unless every correction passes.
    """
    run = store.current_run(ticker)
    scorer = _scorer(run, ticker=ticker, data_dir=data_dir)
    texts = {row[0]: row for row in store.article_texts(sorted({c.article_id for c in batch}))}
    for number, correction in enumerate(batch):
        _check(correction, texts, frames=scorer.frames.specs, where=where, row=rows[number] if rows else None)
    rescored = None
    if run is not None:
        grouped = by_article(store.corrections(sorted(texts)))
        for correction in batch:
            grouped.setdefault(correction.article_id, []).append(correction)
        rescored = ScoreRows.from_scores(
            scorer.score_article(*texts[article_id], in_force(grouped[article_id]))
            for article_id in sorted(texts)
        )
    return store.add_corrections(
        batch, rescored=rescored, ticker=run.ticker if run else ticker, run_id=run.run_id if run else None
    )


def rescore(
    store: Store, article_ids: Sequence[str], *, ticker: str | None = None, data_dir: Path | None = None
) -> None:
    """Rescore articles with their corrections in force into the current run (one transaction, facts too).

    What a scoring run does for the corrections saved while it went: it read the corrections when it started.
    """
    run = store.current_run(ticker)
    if run is None or not article_ids:
        return
    scorer = _scorer(run, ticker=ticker, data_dir=data_dir)
    grouped = by_article(store.corrections(article_ids))
    rescored = ScoreRows.from_scores(
        scorer.score_article(*row, grouped.get(row[0])) for row in store.article_texts(article_ids)
    )
    store.add_corrections([], rescored=rescored, ticker=run.ticker, run_id=run.run_id)


def status(store: Store, *, data_dir: Path | None = None) -> dict:
    """Corrections made, in force, and how many of those the learned model has not seen yet.

    The model's data/models/metrics.json says how many it was trained with (`corrections_used`); without it
    (no learned model yet) every correction in force is not learned.
    """
    counted = store.correction_counts()
    used = _corrections_used(Path(data_dir or settings.current().data_dir) / MODEL_METRICS)
    return counted | {
        "learned": min(used, counted["in_force"]),
        "not_learned": max(0, counted["in_force"] - used),
    }


def frame_names(data_dir: Path | None = None) -> list[str]:
    """The frames a sentence can be corrected to: data/frames.toml's [frames.<name>] tables, in file order."""
    from analysis.scoring import config

    path = config.resolve(Path(data_dir or settings.current().data_dir), config.FRAMES)
    frames = config.read_toml(path).get("frames")
    return list(frames) if isinstance(frames, dict) else []


def _corrections_used(path: Path) -> int:
    try:
        metrics = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return 0
    used = metrics.get("corrections_used") if isinstance(metrics, dict) else None
    return used if isinstance(used, int) and used >= 0 else 0


def _scorer(run: RunInfo | None, *, ticker: str | None, data_dir: Path | None):
    """The current run's scorer: load_scorer with the run's ticker and snownlp option (defaults without a run)."""
    from analysis.scoring import load_scorer

    if run is None:
        return load_scorer(data_dir, ticker=ticker, use_snownlp=False)  # only its frame names are needed
    # Runs before the learned model were the word-list scorer ("finance"): rescore those with the lexicon one.
    kind = run.scorer if run.scorer in ("learned", "lexicon") else "lexicon"
    return load_scorer(
        data_dir, ticker=run.ticker, use_snownlp=bool(run.options.get("snownlp", True)), scorer=kind
    )


def _check(correction: Correction, texts: dict, *, frames, where: str | None, row: int | None) -> None:
    try:
        check(correction, frames=frames)
        if correction.article_id not in texts:
            raise InputError(f"no stored article has id {correction.article_id!r}", field="article_id")
        end = correction.end  # check() made sure a sentence correction has one
        if (
            correction.field in SENTENCE_FIELDS
            and end is not None
            and end > len(texts[correction.article_id][1])
        ):
            raise InputError(
                f"span {correction.start}-{correction.end} ends past the article's "
                f"{len(texts[correction.article_id][1])} characters",
                field="end",
            )
    except InputError as exc:
        if where is None and row is None:
            raise
        raise InputError(exc.reason, path=where, row=row, field=exc.field) from None


def _current_value(
    store: Store, article_id: str, field: str, start: int | None, end: int | None, *, ticker: str | None
) -> str | None:
    """What the current score says for the target: the 'old' value a correction records."""
    if field not in SENTENCE_FIELDS:
        score = store.current_score(article_id, ticker=ticker)
        return score["label"] if score else None
    sentences = store.sentences(article_id, ticker=ticker)
    match = sentences[(sentences["start"] == start) & (sentences["end"] == end)]
    if match.empty:
        return None
    return str(match["label"].iloc[0] if field == "label" else match["frames"].iloc[0])
