"""The ingest stage run over a store: files, folders and uploads → Articles, stored with near-duplicate links.

Files are read in this process; cleaning and metadata (the costly part) run on a process pool for big ingests.
Progress goes through a plain callback so the CLI, the dashboard and the benchmark each show it their way.
"""

from __future__ import annotations

import hashlib
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from analysis import settings
from analysis.errors import InputError
from analysis.ingest.dedup import NearDuplicateIndex
from analysis.ingest.files import IngestResult, build_records, ingest_bytes, list_paths, read_file_records
from analysis.ingest.manifest import Manifest, ManifestEntry, load_manifest
from analysis.ingest.readers import Record
from analysis.models import Article, Problem, Progress
from analysis.pool import WorkerPool
from analysis.store import Store


@dataclass
class IngestSummary:
    """What an ingest did: counts, and every file or row it could not take."""

    files: int = 0
    added: list[str] = field(default_factory=list)
    already_stored: list[str] = field(default_factory=list)
    near_duplicates: int = 0
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    skipped: list[Problem] = field(default_factory=list)  # entries under a folder that were not read, and why

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
            "skipped": [str(p) for p in self.skipped],
        }


def ingest_paths(
    store: Store,
    paths: Iterable[str | Path],
    *,
    progress: Progress | None = None,
    batch_size: int | None = None,
    workers: int | None = None,
) -> IngestSummary:
    """Ingest files and folders; good files are stored even when others fail.

    Files are read here; cleaning and metadata (the costly part) run on a process pool for big ingests. Articles
    are stored in file order either way, so ids, near-duplicate links and problems do not depend on the pool.
    """
    # Rows per write transaction: each short connection's close checkpoints, so fewer, larger writes are cheaper
    # while readers (the dashboard) still get in between them.
    batch_size = batch_size or settings.current().ingest_batch
    summary = IngestSummary()
    listing = list_paths(paths)
    files, summary.skipped = listing.files, listing.skipped
    n_workers = settings.bounded_workers(workers)
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
    with WorkerPool(n_workers) as pool:  # a dead worker raises WorkerDiedError; a stop terminates the workers
        queue: deque = deque()
        for chunk in chunks:
            queue.append((chunk, pool.submit(_build_chunk, chunk.records, chunk.name, chunk.entry)))
            chunk.records = []  # the worker has its copy; do not hold the text twice
            while len(queue) > 2 * n_workers or (queue and queue[0][1].done()):
                done, pending = queue.popleft()
                yield done, with_read_problems(done, pool.result(pending))
        while queue:
            done, pending = queue.popleft()
            yield done, with_read_problems(done, pool.result(pending))


UPLOAD_TYPES = (".txt", ".md", ".markdown", ".html", ".htm", ".jsonl", ".csv")
UPLOAD_MAX_BYTES = 50 * 1024 * 1024


def upload_storage_name(name: str, data: bytes) -> str:
    """A generated name for an upload: its content hash and type, never the user's path."""
    suffix = Path(name.replace("\\", "/")).suffix.lower()
    return f"upload/{hashlib.sha256(data).hexdigest()[:16]}{suffix}"


def ingest_uploads(store: Store, uploads: Sequence[tuple[str, bytes]]) -> IngestSummary:
    """Ingest uploaded (name, bytes) pairs: the dashboard's upload widget, with type and size limits."""
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
