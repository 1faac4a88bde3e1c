"""Stages joined up: files → articles in the store, and scoring runs over the store.

The same functions serve the CLI, the dashboard's buttons and the benchmark; progress is reported
through a plain callback so no caller needs to know how the other shows it.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from analysis import DATA_DIR
from analysis.errors import InputError, NarrativeError
from analysis.models import Article, Problem
from analysis.score_rows import ScoreRows
from analysis.store import RunInfo, Store

if TYPE_CHECKING:  # ingest is imported lazily: the CLI's other commands need not load it
    from analysis.ingest import IngestResult, Manifest, ManifestEntry, NearDuplicateIndex
    from analysis.ingest.readers import Record

Progress = Callable[[int, int, str], None]  # (done, total, message)

# Articles per scoring batch (the unit of work a pool process gets).
BATCH_SIZE = int(os.environ.get("NARRATIVE_BATCH_SIZE", "200"))
# Rows per write transaction, for scores and for ingest. Every short connection's close checkpoints,
# and DuckDB re-compresses the open row group of the text columns at each checkpoint: fewer, larger
# writes keep that cost down, while readers (the dashboard) still get in between them. A killed
# process loses at most the transaction in flight, never half a row.
WRITE_EVERY = int(os.environ.get("NARRATIVE_WRITE_EVERY", "2000"))
INGEST_BATCH_SIZE = int(os.environ.get("NARRATIVE_INGEST_BATCH", "2000"))
# Scoring batches whose texts the parent reads in one query when feeding the pool.
PREFETCH_BATCHES = 10


@dataclass
class IngestSummary:
    """What an ingest did: counts, and every file or row it could not take."""

    files: int = 0
    added: list[str] = field(default_factory=list)
    already_stored: list[str] = field(default_factory=list)
    near_duplicates: int = 0
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    @property
    def fatal_problems(self) -> list[Problem]:
        return [p for p in self.problems if p.fatal]

    def as_dict(self) -> dict:
        return {
            "files": self.files,
            "added": len(self.added),
            "already_stored": len(self.already_stored),
            "near_duplicates": self.near_duplicates,
            "problems": [str(p) for p in self.problems],
            "warnings": [str(p) for p in self.warnings],
        }


def ingest_paths(
    store: Store,
    paths: Iterable[str | Path],
    *,
    progress: Progress | None = None,
    batch_size: int = INGEST_BATCH_SIZE,
    workers: int | None = None,
) -> IngestSummary:
    """Ingest files and folders; good files are stored even when others fail.

    Files are read here; cleaning and metadata (the costly part) run on a process pool for big ingests. Articles
    are stored in file order either way, so ids, near-duplicate links and problems do not depend on the pool.
    """
    from analysis.ingest import NearDuplicateIndex, iter_paths

    summary = IngestSummary()
    files = list(iter_paths(paths))
    n_workers = workers or default_workers()
    if n_workers > 1 and _total_bytes(files) < POOL_MIN_BYTES:
        n_workers = 1  # starting a pool costs more than a few small files
    dedup = NearDuplicateIndex(store.known_fingerprints())
    pending: list[Article] = []
    for chunk, result in _built_chunks(_record_chunks(files, summary), n_workers):
        _sort_problems(summary, result.problems)
        pending.extend(result.articles)
        if len(pending) >= 2 * batch_size:  # a batch always remains for the last write, which merges
            _store_batch(store, pending[:batch_size], dedup, summary, merge=False)
            pending = pending[batch_size:]
        if progress and chunk.last:
            progress(chunk.file_number, len(files), chunk.name)
    if pending:
        _store_batch(store, pending, dedup, summary, merge=True)
    return summary


# Records per pool task: small enough to spread one big JSONL file over the workers.
INGEST_CHUNK = 50
# Below this many bytes of input the pool is not started (bundled corpus, a few uploads).
POOL_MIN_BYTES = 4 * 1024 * 1024


@dataclass
class _Chunk:
    """Some records of one file, with what the parent needs to report on them."""

    file_number: int
    name: str
    entry: ManifestEntry | None
    records: list[Record]
    problems: list[Problem]
    last: bool


def _total_bytes(files: Sequence[Path]) -> int:
    total = 0
    for path in files:
        try:
            total += path.stat().st_size
        except OSError:
            pass  # reported when the file is read
    return total


def _record_chunks(files: Sequence[Path], summary: IngestSummary) -> Iterator[_Chunk]:
    """Each file read and split into records (cheap), in chunks of INGEST_CHUNK, manifests applied."""
    from analysis.ingest import load_manifest, read_file_records

    manifests: dict[Path, Manifest | None] = {}
    for number, path in enumerate(files, 1):
        folder = path.parent
        if folder not in manifests:
            try:
                manifests[folder] = load_manifest(folder)
            except InputError as exc:  # a bad manifest is reported; the articles are still read
                manifests[folder] = None
                summary.problems.append(Problem(exc.path or str(folder), f"manifest ignored: {exc.reason}"))
        manifest = manifests[folder]
        records, problems = read_file_records(path)
        summary.files += 1
        entry = manifest.lookup(path) if manifest else None
        starts = range(0, len(records), INGEST_CHUNK) if records else [0]
        for start in starts:
            last = start + INGEST_CHUNK >= len(records)
            yield _Chunk(number, str(path), entry, records[start : start + INGEST_CHUNK],
                         problems if start == 0 else [], last)  # fmt: skip


def _build_chunk(records: list[Record], name: str, entry: ManifestEntry | None) -> IngestResult:
    from analysis.ingest import build_records

    return build_records(records, name=name, entry=entry)


def _built_chunks(chunks: Iterator[_Chunk], n_workers: int) -> Iterator[tuple[_Chunk, IngestResult]]:
    """(chunk, IngestResult) in input order, built here or on a pool with a few chunks in flight."""

    def with_read_problems(chunk: _Chunk, result: IngestResult) -> IngestResult:
        result.problems[:0] = chunk.problems
        return result

    if n_workers <= 1:
        for chunk in chunks:
            yield chunk, with_read_problems(chunk, _build_chunk(chunk.records, chunk.name, chunk.entry))
        return
    ctx = multiprocessing.get_context("forkserver" if os.name != "nt" else "spawn")
    with ctx.Pool(n_workers) as pool:
        queue: deque = deque()
        for chunk in chunks:
            queue.append((chunk, pool.apply_async(_build_chunk, (chunk.records, chunk.name, chunk.entry))))
            chunk.records = []  # the worker has its copy; do not hold the text twice
            while len(queue) > 2 * n_workers or (queue and queue[0][1].ready()):
                done, pending = queue.popleft()
                yield done, with_read_problems(done, pending.get())
        while queue:
            done, pending = queue.popleft()
            yield done, with_read_problems(done, pending.get())


UPLOAD_TYPES = (".txt", ".md", ".markdown", ".html", ".htm", ".jsonl", ".csv")
UPLOAD_MAX_BYTES = 50 * 1024 * 1024


def upload_storage_name(name: str, data: bytes) -> str:
    """A generated name for an upload: its content hash and type, never the user's path."""
    suffix = Path(name.replace("\\", "/")).suffix.lower()
    return f"upload/{hashlib.sha256(data).hexdigest()[:16]}{suffix}"


def ingest_uploads(store: Store, uploads: Sequence[tuple[str, bytes]]) -> IngestSummary:
    """Ingest uploaded (name, bytes) pairs: the dashboard's upload widget, with type and size limits."""
    from analysis.ingest import ingest_bytes

    summary = IngestSummary()
    articles: list[Article] = []
    for name, data in uploads:
        shown = Path(name.replace("\\", "/")).name or "upload"
        summary.files += 1
        if Path(shown).suffix.lower() not in UPLOAD_TYPES:
            summary.problems.append(
                Problem(shown, f"not an article file (accepted: {', '.join(UPLOAD_TYPES)})")
            )
            continue
        if len(data) > UPLOAD_MAX_BYTES:
            limit = UPLOAD_MAX_BYTES // (1024 * 1024)
            summary.problems.append(Problem(shown, f"larger than {limit} MB: ingest it with the CLI instead"))
            continue
        stored_as = upload_storage_name(shown, data)
        result = ingest_bytes(data, name=stored_as)
        # Messages name the file as the user knows it; the database keeps only the generated name.
        _sort_problems(summary, (replace(p, path=shown) for p in result.problems))
        articles.extend(result.articles)
    if articles:
        from analysis.ingest import NearDuplicateIndex

        _store_batch(store, articles, NearDuplicateIndex(store.known_fingerprints()), summary)
    return summary


def _sort_problems(summary: IngestSummary, problems: Iterable[Problem]) -> None:
    for problem in problems:
        (summary.problems if problem.fatal else summary.warnings).append(problem)


def _store_batch(
    store: Store,
    articles: list[Article],
    dedup: NearDuplicateIndex,
    summary: IngestSummary,
    *,
    merge: bool = True,
) -> None:
    existing = store.existing_ids(a.id for a in articles)
    fresh = [a for a in articles if a.id not in existing]
    linked = dedup.link(fresh)  # the index remembers them for the next batches
    summary.near_duplicates += sum(1 for a in linked if a.duplicate_of)
    added, skipped = store.add_articles(linked, merge=merge)
    summary.added.extend(added)
    summary.already_stored.extend(a.id for a in articles if a.id in existing)
    summary.already_stored.extend(skipped)


# -- scoring ---------------------------------------------------------------------------------------
@dataclass
class ScoreSummary:
    """What a scoring run did."""

    run: RunInfo | None
    scored: int
    total_articles: int
    seconds: float
    skipped_reason: str | None = None

    def as_dict(self) -> dict:
        return {
            "run_id": self.run.run_id if self.run else None,
            "scorer": self.run.scorer if self.run else None,
            "version": self.run.version if self.run else None,
            "scored": self.scored,
            "articles": self.total_articles,
            "seconds": round(self.seconds, 3),
            "note": self.skipped_reason,
        }


_worker_scorer = None


def _init_worker(ticker: str, use_snownlp: bool, data_dir: str | None) -> None:
    global _worker_scorer
    from analysis.scoring import load_scorer

    _worker_scorer = load_scorer(Path(data_dir) if data_dir else None, ticker=ticker, use_snownlp=use_snownlp)


def _score_batch(rows: list[tuple[str, str, str, str]]) -> ScoreRows:
    # Columns of plain values, not ArticleScore objects: far cheaper to pickle back to the parent.
    return ScoreRows.from_scores(_worker_scorer.score_article(*row) for row in rows)


def _scored_batches(
    store: Store, scorer, batches: list[list[str]], n_workers: int, use_snownlp: bool, data_dir: Path | None
) -> Iterator[ScoreRows]:
    """Score batches in order, in this process or a pool; texts are read batch by batch."""
    if n_workers <= 1 or len(batches) <= 1:
        for batch in batches:
            yield ScoreRows.from_scores(scorer.score_article(*row) for row in store.article_texts(batch))
        return
    # forkserver: the dashboard is multi-threaded, and fork() under threads can deadlock.
    ctx = multiprocessing.get_context("forkserver" if os.name != "nt" else "spawn")
    init = (scorer.ticker, use_snownlp, str(data_dir) if data_dir else None)
    with ctx.Pool(n_workers, initializer=_init_worker, initargs=init) as pool:
        # At most two batches per worker in flight: the corpus is never held in memory at once.
        queue: deque = deque()
        pending = iter(batches)
        prefetched: deque = deque()

        def submit() -> None:
            # Texts are read for several batches per query: each read opens a connection and scans the table.
            if not prefetched:
                group = [b for b in (next(pending, None) for _ in range(PREFETCH_BATCHES)) if b is not None]
                by_id = {row[0]: row for row in store.article_texts([i for b in group for i in b])}
                prefetched.extend([by_id[i] for i in b if i in by_id] for b in group)
            if prefetched:
                queue.append(pool.apply_async(_score_batch, (prefetched.popleft(),)))

        for _ in range(2 * n_workers):
            submit()
        while queue:
            scores = queue.popleft().get()
            submit()
            yield scores


def default_workers() -> int:
    return max(1, min(os.cpu_count() or 1, 8))


def score_store(
    store: Store,
    *,
    ticker: str = "1810.HK",
    force: bool = False,
    workers: int | None = None,
    use_snownlp: bool = True,
    data_dir: Path | None = None,
    progress: Progress | None = None,
    batch_size: int = BATCH_SIZE,
) -> ScoreSummary:
    """Score what needs it (everything with force) in a new run that becomes current only when complete."""
    from analysis.scoring import load_scorer

    started = time.perf_counter()
    scorer = load_scorer(data_dir, ticker=ticker, use_snownlp=use_snownlp)
    ids = store.articles_to_score(ticker=ticker, config_hash=scorer.config_hash, force=force)
    total_articles = store.article_count()
    run_id = store.start_run(
        ticker=ticker, scorer=scorer.name, version=scorer.version, config_hash=scorer.config_hash,
        options={"force": force, "snownlp": use_snownlp, "workers": workers or default_workers()},
    )  # fmt: skip
    try:
        if progress:
            progress(0, len(ids), f"run {run_id}: {len(ids)} of {total_articles} articles to score")
        batches = [ids[i : i + batch_size] for i in range(0, len(ids), batch_size)]
        done, buffer = 0, ScoreRows()
        for scores in _scored_batches(
            store, scorer, batches, workers or default_workers(), use_snownlp, data_dir
        ):
            buffer.extend(scores)
            done += len(scores)
            # One write transaction per ~WRITE_EVERY articles: each short connection costs a checkpoint.
            if len(buffer) >= WRITE_EVERY or done == len(ids):
                store.write_scores(run_id, buffer)
                buffer = ScoreRows()
            if progress:
                progress(done, len(ids), f"run {run_id}: scored {done}/{len(ids)}")
        run = store.finish_run(run_id, n_articles=total_articles)
    except BaseException as exc:
        store.fail_run(run_id, f"{type(exc).__name__}: {exc}")
        raise
    return ScoreSummary(
        run=run, scored=done, total_articles=total_articles, seconds=time.perf_counter() - started
    )


# -- first start -----------------------------------------------------------------------------------
BUNDLED_ARTICLES = DATA_DIR / "articles"
BUNDLED_PRICES = {"1810.HK": DATA_DIR / "prices" / "1810.HK.csv", "HSI": DATA_DIR / "prices" / "HSI.csv"}


def import_price_file(store: Store, path: Path, *, ticker: str) -> tuple[int, list[str]]:
    """Import one price CSV all-or-nothing; returns (rows, warnings about the data)."""
    from analysis.prices import check_against_existing, parse_price_csv

    frame = parse_price_csv(Path(path), name=str(path))
    warnings = check_against_existing(frame, store.prices([ticker]))
    rows = store.replace_prices(ticker, frame, source=Path(path).name)
    return rows, warnings


def ensure_bundled_prices(store: Store) -> list[str]:
    """Load the bundled price files for tickers with no prices yet."""
    have = {row["ticker"] for row in store.price_stats()}
    loaded = []
    for ticker, path in BUNDLED_PRICES.items():
        if ticker not in have and path.exists():
            import_price_file(store, path, ticker=ticker)
            loaded.append(ticker)
    return loaded


def setup(store: Store, *, progress: Progress | None = None, use_snownlp: bool = True) -> dict:
    """Build the embedded database from the bundled data when missing, then score what needs it."""
    report: dict = {"db": str(store.path)}
    if store.article_count() == 0:
        report["ingest"] = ingest_paths(store, [BUNDLED_ARTICLES], progress=progress).as_dict()
    report["prices_loaded"] = ensure_bundled_prices(store)
    try:
        report["score"] = score_store(store, progress=progress, use_snownlp=use_snownlp).as_dict()
    except NarrativeError as exc:
        report["score_error"] = str(exc)
    return report
