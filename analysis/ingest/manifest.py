"""A sidecar manifest (CSV: file, published, source, title[, url]) that overrides what ingest extracts."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from analysis.errors import InputError
from analysis.ingest.dates import parse_date_value
from analysis.ingest.encoding import decode_bytes

MANIFEST_NAMES = ("manifest.csv",)


@dataclass(frozen=True)
class ManifestEntry:
    """What the user states about one file; None fields are left to extraction."""

    file: str
    published: date | None = None
    source: str | None = None
    title: str | None = None
    url: str | None = None
    warnings: tuple[str, ...] = ()


@dataclass
class Manifest:
    """Entries keyed by resolved path and by bare file name (a unique name is enough to match)."""

    path: str
    entries: dict[str, ManifestEntry] = field(default_factory=dict)
    by_name: dict[str, ManifestEntry] = field(default_factory=dict)

    def lookup(self, name: str | Path) -> ManifestEntry | None:
        """The entry for a file path or upload name, if the manifest lists it."""
        path = Path(name)
        try:
            key = str(path.resolve())
        except OSError:
            key = str(path)
        return self.entries.get(key) or self.by_name.get(path.name)


def is_manifest(path: Path) -> bool:
    """True for a file that is a manifest, so folder walks do not ingest it as articles."""
    return path.name.lower() in MANIFEST_NAMES


def load_manifest(folder_or_file: str | Path) -> Manifest | None:
    """Read folder/manifest.csv (or the given CSV); None when a folder has none; InputError when malformed."""
    path = Path(folder_or_file)
    if path.is_dir():
        found = [p for p in sorted(path.iterdir()) if p.is_file() and is_manifest(p)]
        if not found:
            return None
        path = found[0]
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read manifest: {exc.strerror or exc}", path=str(path)) from exc
    text, _ = decode_bytes(data, name=str(path))
    return parse_manifest(text, path=path)


def parse_manifest(text: str, *, path: Path) -> Manifest:
    """Parse manifest CSV text; file names are relative to the manifest's folder."""
    reader = csv.DictReader(io.StringIO(text, newline=""))
    columns = {(name or "").strip().lower(): name for name in (reader.fieldnames or [])}
    if "file" not in columns:
        raise InputError(
            f"manifest needs a 'file' column (has: {', '.join(columns) or 'none'})", path=str(path)
        )
    manifest = Manifest(path=str(path))
    byname_count: dict[str, int] = {}
    for row_number, row in enumerate(reader, start=2):

        def value(key: str, row: dict = row) -> str | None:
            raw = row.get(columns[key]) if key in columns else None
            return raw.strip() if isinstance(raw, str) and raw.strip() else None

        file = value("file")
        if not file:
            continue
        warnings = []
        published = None
        if value("published"):
            published = parse_date_value(value("published"))
            if published is None:
                warnings.append(f"manifest row {row_number}: published {value('published')!r} is not a date")
        entry = ManifestEntry(file, published, value("source"), value("title"), value("url"), tuple(warnings))
        target = (path.parent / file).resolve()
        manifest.entries[str(target)] = entry
        name = Path(file).name
        byname_count[name] = byname_count.get(name, 0) + 1
        manifest.by_name[name] = entry
    for name, count in byname_count.items():
        if count > 1:  # the same bare name in two folders: only the full path can tell them apart
            del manifest.by_name[name]
    return manifest
