"""The ingest entry points: paths to files, files/uploads to articles plus per-file (per-row) problems."""

from __future__ import annotations

import os
import stat
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from analysis.errors import InputError
from analysis.ingest.manifest import Manifest, ManifestEntry, is_manifest
from analysis.ingest.normalise import replace_surrogates
from analysis.ingest.readers import FORMATS, Record, read_records
from analysis.ingest.record import build_article
from analysis.models import Article, Problem


@dataclass
class IngestResult:
    """What one file gave: its articles (a bulk file gives many) and what was rejected or doubtful."""

    articles: list[Article] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


@dataclass
class FileList:
    """The files a walk found to read, and every other entry under the given paths with why it is skipped."""

    files: list[Path] = field(default_factory=list)
    skipped: list[Problem] = field(default_factory=list)


def list_paths(paths: Iterable[str | Path]) -> FileList:
    """Files to ingest: named files as given, folders walked recursively (sorted by name, links followed once).

    Nothing under a folder goes unmentioned: an entry is either a file to read or a skipped Problem naming why
    (hidden, not an article type, broken link, a folder that cannot be read or was already read, not a regular
    file). Manifests are read as their folder's metadata, not as articles. Each file is listed once.
    """
    listing = FileList()
    seen_files: dict[Path, Path] = {}  # real path -> the route it was first listed by
    seen_folders: dict[Path, Path] = {}

    def add(path: Path) -> None:
        key = path.resolve() if path.exists() else path
        if key not in seen_files:
            seen_files[key] = path
            listing.files.append(path)
        elif seen_files[key] != path:  # another route to a file already listed (a link, '../x'): named too
            skip(path, f"the same file as {seen_files[key]}, which is read")

    def skip(path: Path, reason: str) -> None:
        listing.skipped.append(Problem(str(path), reason))

    def walk(folder: Path) -> None:
        try:
            with os.scandir(folder) as scan:
                entries = sorted(scan, key=lambda e: e.name)
        except OSError as exc:
            skip(folder, f"cannot read the folder ({exc.strerror or exc})")
            return
        for entry in entries:
            path = Path(entry.path)
            kind = _kind(path)
            if entry.name.startswith("."):
                what = "folder" if kind == "folder" else "file"
                skip(path, f"hidden {what} (name it on its own to ingest it)")
            elif kind == "folder":
                real = path.resolve()
                if real in seen_folders:
                    first = seen_folders[real]
                    reason = "a link to a folder that is already read"
                    skip(path, reason if path.is_symlink() else f"already read through the link {first}")
                else:
                    seen_folders[real] = path
                    walk(path)
            elif kind == "file":
                if is_manifest(path):
                    continue  # read as its folder's metadata by the ingest
                suffix = _suffix(entry.name)
                if suffix and suffix not in FORMATS:
                    skip(path, f"not an article file type ({suffix})")
                else:
                    add(path)
            else:
                skip(path, kind)

    for given in paths:
        path = Path(given)
        kind = _kind(path)
        if kind == "folder":
            if path.resolve() in seen_folders:
                skip(path, f"the same folder as {seen_folders[path.resolve()]}, which is read")
                continue
            seen_folders[path.resolve()] = path
            walk(path)
        elif kind in ("file", "missing"):  # a missing file is reported when it is read
            if not is_manifest(path):
                add(path)
        else:
            skip(path, kind)
    return listing


def iter_paths(paths: Iterable[str | Path]) -> Iterator[Path]:
    """The files list_paths finds to read (the skipped entries are left out)."""
    yield from list_paths(paths).files


def _kind(path: Path) -> str:
    """'file', 'folder', 'missing', or why the entry is not one (read without following into special files)."""
    try:
        mode = path.stat().st_mode  # follows links
    except FileNotFoundError:
        return "broken link (its target does not exist)" if path.is_symlink() else "missing"
    except OSError as exc:  # a link loop, or no permission on the way
        return f"cannot be opened ({exc.strerror or exc})"
    if stat.S_ISDIR(mode):
        return "folder"
    if stat.S_ISREG(mode):
        return "file"
    return "not a regular file (a pipe, socket or device: reading it could block)"


def _suffix(name: str) -> str:
    """The extension as a reader sees it: 'name.txt ' (a trailing space or dot, as Windows tools leave) is .txt."""
    return Path(name.rstrip(" .\t")).suffix.lower()


def ingest_bytes(data: bytes, *, name: str, manifest: Manifest | None = None) -> IngestResult:
    """Ingest an upload or file content; the name's extension picks the reader."""
    records, problems = bytes_records(data, name=name)
    result = build_records(records, name=name, entry=manifest.lookup(name) if manifest else None)
    result.problems[:0] = problems
    return result


def path_name(path: Path | str) -> str:
    """The path as text a database and a UTF-8 stream can hold: a name whose bytes are not UTF-8 (written
    under another system's encoding) has its stray bytes as \\xNN escapes, not the lone surrogates Python
    decodes them to (which DuckDB refuses, failing the whole batch)."""
    name = str(path)
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return os.fsencode(name).decode("utf-8", "backslashreplace")
    return name


def read_file_records(path: Path) -> tuple[list[Record], list[Problem]]:
    """A file's records before cleaning, and the problems of reading it (never raises for bad content)."""
    path = Path(path)
    name = path_name(path)
    for attempt in range(READ_ATTEMPTS):
        try:
            before = path.stat()
            data = path.read_bytes()
            after = path.stat()
        except FileNotFoundError:
            return [], [Problem(name, "file not found")]
        except OSError as exc:
            return [], [Problem(name, f"cannot read: {exc.strerror or exc}")]
        wait = READ_SETTLE_S * (attempt + 1)
        if _unchanged(before, after) and len(data) == after.st_size:
            if time.time() - after.st_mtime >= RECENT_S:
                return bytes_records(data, name=name)
            time.sleep(wait)  # modified just now: a writer may be between two writes
            try:
                if _unchanged(after, path.stat()):
                    return bytes_records(data, name=name)
            except OSError:
                pass  # gone or replaced meanwhile: read again
            continue
        time.sleep(wait)  # a writer still at work: give it a moment, then read again
    return [], [
        Problem(
            name,
            f"the file changed while it was read ({READ_ATTEMPTS} tries: still being written?); "
            "skipped: ingest it again once it is complete",
        )  # fmt: skip
    ]


# A file whose size or modification time changes while it is read (or, when modified in the last RECENT_S
# seconds, just after) is read again this many times, waiting a little longer each time, then skipped with a
# message (never stored cut off).
READ_ATTEMPTS = 3
READ_SETTLE_S = 0.05
RECENT_S = 1.0


def _unchanged(before: os.stat_result, after: os.stat_result) -> bool:
    return (before.st_size, before.st_mtime_ns) == (after.st_size, after.st_mtime_ns)


def bytes_records(data: bytes, *, name: str) -> tuple[list[Record], list[Problem]]:
    """Decoded records of file content (cheap); a file that cannot be read at all is one problem."""
    try:
        return read_records(data, name=name)
    except InputError as exc:
        return [], [Problem(exc.path or name, exc.reason, row=exc.row)]


def build_records(
    records: Sequence[Record], *, name: str, entry: ManifestEntry | None = None
) -> IngestResult:
    """Records of one file to articles (the costly part, run in pool workers for big ingests).

    A record that cannot become an article is a problem naming its row; the others are kept.
    """
    result = IngestResult()
    for record in records:
        try:
            article, warnings = build_article(record, manifest=entry)
        except InputError as exc:
            result.problems.append(Problem(name, exc.reason, row=record.row))
            continue
        except MemoryError:  # one huge record must not sink the others of its file
            result.problems.append(
                Problem(name, "too large to process (out of memory); skipped", row=record.row)
            )
            continue
        result.articles.append(article)
        result.problems.extend(Problem(name, warning, row=record.row, fatal=False) for warning in warnings)
    return result


def ingest_record(
    text: str,
    *,
    path: str,
    fmt: str,
    title: str | None = None,
    source: str | None = None,
    url: str | None = None,
    published: str | date | None = None,
    raw_text: str | None = None,
    encoding: str = "utf-8",
) -> Article:
    """One bulk row or plain text to an Article; the given fields count as the record's own (front matter).

    Raises EmptyInputError when nothing is left after cleaning, InputError for other unusable input.
    """
    if not isinstance(text, str):
        raise InputError("text must be a string", path=path, field="text")
    fields: dict[str, object] = {
        k: v for k, v in (("title", title), ("source", source), ("url", url), ("published", published)) if v
    }
    text = replace_surrogates(text)
    raw = text if raw_text is None else replace_surrogates(raw_text)
    record = Record(text, raw, path, fmt, encoding, fields, markdown=fmt != "html")
    article, _ = build_article(record)
    return article
