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
from analysis.errors import InputError, StoreWriteError
from analysis.ingest.copies import resolve_copies
from analysis.ingest.dedup import NearDuplicateIndex
from analysis.ingest.files import (
    IngestResult,
    build_records,
    ingest_bytes,
    list_paths,
    path_name,
    read_file_records,
)
from analysis.ingest.manifest import Manifest, ManifestEntry, load_manifest
from analysis.ingest.readers import Record
from analysis.ingest.record import bounded_record
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
    links: list[dict] = field(default_factory=list)  # copies of stored texts and completed truncated articles
    updated: list[str] = field(default_factory=list)  # stored articles whose date/title/outlet were corrected

    @property
    def copies(self) -> list[dict]:
        """Syndicated copies kept as their own records: id, path, copy_of, source, published."""
        return [link for link in self.links if link["kind"] == "identical"]

    @property
    def replaced(self) -> list[dict]:
        """Truncated articles replaced by their complete copy: id (new), path, replaces (old id)."""
        return [link for link in self.links if link["kind"] == "completes"]

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
            "copies": [
                {k: None if v is None else str(v) for k, v in c.items() if k != "kind"} for c in self.copies
            ],
            "replaced": [{k: v for k, v in c.items() if k != "kind"} for c in self.replaced],
            "updated": list(self.updated),
            "skipped": [str(p) for p in self.skipped],
        }


def ingest_paths(
    store: Store,
    paths: Iterable[str | Path],
    *,
    progress: Progress | None = None,
    batch_size: int | None = None,
    workers: int | None = None,
    update: bool = False,
) -> IngestSummary:
    """Ingest files and folders; good files are stored even when others fail.

    A text stored already under another outlet or date is kept as a linked copy; with `update`, the stored
    copy takes the file's date, title, outlet and URL instead (see ingest.copies).

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
    budget = settings.current().ingest_batch_chars
    dedup = NearDuplicateIndex(store.known_fingerprints())
    pending: list[Article] = []
    pending_chars = 0
    for chunk, result in _built_chunks(_record_chunks(files, summary), n_workers):
        _sort_problems(summary, result.problems)
        pending.extend(result.articles)
        pending_chars += _chars(result.articles)
        # A batch always remains for the last write, which merges. Long articles write sooner: 2,000 of
        # 700,000 characters held and written at once took the 200 MB folder of the hostile run past 2.9 GB.
        while len(pending) >= 2 * batch_size or pending_chars >= 2 * budget:
            cut = _batch_end(pending, batch_size, budget)
            _store_batch(store, pending[:cut], dedup, summary, merge=False, update=update)
            pending_chars -= _chars(pending[:cut])
            pending = pending[cut:]
        if progress and chunk.last:
            progress(chunk.file_number, len(files), chunk.name)
    if pending:
        _store_batch(store, pending, dedup, summary, merge=True, update=update)
    return summary


def _article_chars(article: Article) -> int:
    return len(article.raw_text) + len(article.text) + len(article.text_simplified)


def _chars(articles: Sequence[Article]) -> int:
    return sum(_article_chars(article) for article in articles)


def _batch_end(pending: Sequence[Article], batch_size: int, budget: int) -> int:
    """How many of the pending articles the next write takes: batch_size, or fewer once they hold the budget."""
    total = 0
    for index, article in enumerate(pending[:batch_size]):
        total += _article_chars(article)
        if total >= budget:
            return index + 1
    return min(batch_size, len(pending))


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
        records = [bounded_record(record) for record in records]  # cut here, not after a copy to a worker
        summary.files += 1
        entry = manifest.lookup(path) if manifest else None
        starts = range(0, len(records), INGEST_CHUNK) if records else [0]
        for start in starts:
            last = start + INGEST_CHUNK >= len(records)
            yield _Chunk(number, path_name(path), entry, records[start : start + INGEST_CHUNK],
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
    shown_names: dict[str, str] = {}
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
        shown_names[stored_as] = shown
        result = ingest_bytes(data, name=stored_as)
        # Messages name the file as the user knows it; the database keeps only the generated name.
        _sort_problems(summary, (replace(p, path=shown) for p in result.problems))
        articles.extend(result.articles)
    if articles:
        before = len(summary.problems)
        _store_batch(store, articles, NearDuplicateIndex(store.known_fingerprints()), summary)
        summary.problems[before:] = [
            replace(p, path=shown_names.get(p.path, p.path)) for p in summary.problems[before:]
        ]
    return summary


def _add_isolated(
    store: Store, articles: list[Article], summary: IngestSummary, *, merge: bool
) -> tuple[list[str], list[str]]:
    """Store a batch; when the database refuses it (a huge record past its memory limit), store each article
    alone so the good ones land, and name the ones it refuses. A refusal of every one is the store's problem."""
    try:
        return store.add_articles(articles, merge=merge)
    except StoreWriteError as batch_error:
        if len(articles) == 1:
            summary.problems.append(_refused(articles[0], batch_error))
            return [], []
        added: list[str] = []
        skipped: list[str] = []
        refused: list[Problem] = []
        for article in articles:
            try:
                one_added, one_skipped = store.add_articles([article], merge=True)
            except StoreWriteError as exc:
                refused.append(_refused(article, exc))
                continue
            added += one_added
            skipped += one_skipped
        if not added and not skipped:
            raise batch_error
        summary.problems.extend(refused)
        return added, skipped


def _refused(article: Article, exc: StoreWriteError) -> Problem:
    path, _, row = article.path.rpartition("#")
    if path and row.isdigit():
        return Problem(path, f"cannot be stored: {exc}", row=int(row))
    return Problem(article.path, f"cannot be stored: {exc}")


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
    update: bool = False,
) -> None:
    resolved = resolve_copies(store, articles, update=update)
    summary.already_stored.extend(resolved.already)
    if resolved.updates:
        store.update_articles(resolved.updates)
        summary.updated.extend(article_id for article_id, _ in resolved.updates)
    for old_id, complete in resolved.replacements:
        (linked_complete,) = dedup.link([complete])
        store.replace_article(old_id, linked_complete)
        summary.added.append(linked_complete.id)
    summary.links.extend(resolved.links)
    copies = {link["id"] for link in resolved.links if link["kind"] == "identical"}
    linked = dedup.link(resolved.fresh)  # the index remembers them for the next batches
    summary.near_duplicates += sum(1 for a in linked if a.duplicate_of and a.id not in copies)
    added, skipped = _add_isolated(store, linked, summary, merge=merge)
    summary.added.extend(added)
    summary.already_stored.extend(skipped)
