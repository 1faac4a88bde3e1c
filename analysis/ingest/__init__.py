"""Ingest: files and uploads (txt, md, html, jsonl, csv) to cleaned, dated Articles with problems reported."""

from __future__ import annotations

from analysis.ingest.dedup import NearDuplicateIndex, link_near_duplicates, simhash64
from analysis.ingest.files import (
    IngestResult,
    build_records,
    ingest_bytes,
    ingest_record,
    iter_paths,
    read_file_records,
)
from analysis.ingest.manifest import Manifest, ManifestEntry, load_manifest

__all__ = [
    "IngestResult",
    "Manifest",
    "NearDuplicateIndex",
    "ManifestEntry",
    "build_records",
    "ingest_bytes",
    "ingest_record",
    "iter_paths",
    "link_near_duplicates",
    "load_manifest",
    "read_file_records",
    "simhash64",
]
