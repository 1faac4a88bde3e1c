"""The lake's folders and schemas, and how its files are listed, read and written (atomically, by rename)."""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.fs as pafs
import pyarrow.parquet as pq

from analysis.errors import ConfigError

ARTICLES = "articles"
SCORE_TABLES = ("article_scores", "sentence_scores", "frame_evidence")
RUNS = "scoring_runs"
RUNNING = f"{RUNS}/_running"
PART_SUFFIX = ".part"  # a file being written; renamed to .parquet once complete
UNDATED = "undated"

_TEXT = pa.string()
ARTICLE_SCHEMA = pa.schema([
    ("id", _TEXT), ("path", _TEXT), ("format", _TEXT), ("raw_text", _TEXT), ("text", _TEXT),
    ("text_simplified", _TEXT), ("language", _TEXT), ("title", _TEXT), ("title_basis", _TEXT),
    ("source", _TEXT), ("source_basis", _TEXT), ("url", _TEXT), ("published", pa.date32()),
    ("published_basis", _TEXT), ("published_from", pa.date32()), ("published_to", pa.date32()),
    ("published_evidence", _TEXT), ("encoding", _TEXT), ("duplicate_of", _TEXT), ("simhash", pa.int64()),
    ("warnings", _TEXT), ("ingested_at", pa.timestamp("us")), ("content_hash", _TEXT), ("seq", pa.int64()),
])  # fmt: skip
SCORE_SCHEMAS = {
    "article_scores": pa.schema([
        ("run_id", pa.int32()), ("article_id", _TEXT), ("tone", pa.float64()), ("confidence", pa.float64()),
        ("label", _TEXT), ("relevance", pa.float64()), ("bull_intensity", pa.float64()),
        ("bear_intensity", pa.float64()), ("framing_balance", pa.float64()), ("dominant_frame", _TEXT),
        ("frames", _TEXT), ("snownlp", pa.float64()),
    ]),
    "sentence_scores": pa.schema([
        ("run_id", pa.int32()), ("article_id", _TEXT), ("idx", pa.int32()), ("start_char", pa.int32()),
        ("end_char", pa.int32()), ("text", _TEXT), ("tone", pa.float64()), ("label", _TEXT),
        ("confidence", pa.float64()), ("relevance", pa.float64()), ("frames", _TEXT), ("snownlp", pa.float64()),
        ("tone_evidence", _TEXT),
    ]),
    "frame_evidence": pa.schema([
        ("run_id", pa.int32()), ("article_id", _TEXT), ("sentence_index", pa.int32()), ("frame", _TEXT),
        ("polarity", _TEXT), ("pattern", _TEXT), ("start_char", pa.int32()), ("end_char", pa.int32()),
        ("negated", pa.bool_()),
    ]),
}  # fmt: skip
RUN_SCHEMA = pa.schema([
    ("run_id", pa.int32()), ("ticker", _TEXT), ("scorer", _TEXT), ("version", _TEXT), ("config_hash", _TEXT),
    ("options", _TEXT), ("started_at", pa.timestamp("us")), ("heartbeat_at", pa.timestamp("us")),
    ("finished_at", pa.timestamp("us")), ("status", _TEXT), ("pid", pa.int32()), ("host", _TEXT),
    ("n_articles", pa.int32()), ("n_scored", pa.int32()), ("n_reused", pa.int32()), ("message", _TEXT),
    ("parts", pa.int32()), ("engine", _TEXT),
])  # fmt: skip
# The store's scoring_runs columns (the lake's runs table adds parts and engine).
STORE_RUN_COLUMNS = tuple(RUN_SCHEMA.names[:-2])


def _filesystem(uri: str) -> tuple[pafs.FileSystem, str]:
    """(filesystem, base path) of a local path, a pyarrow URI (s3://, gs://, hdfs://) or an fsspec URI."""
    if "://" not in uri:
        return pafs.LocalFileSystem(), str(Path(uri).resolve())
    if uri.startswith("file://"):
        return pafs.LocalFileSystem(), str(Path(uri[len("file://") :]).resolve())
    try:
        fs, path = pafs.FileSystem.from_uri(uri)
        return fs, path.rstrip("/")
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, ValueError):
        pass
    try:
        import fsspec
    except ImportError:
        raise ConfigError(f"{uri}: pyarrow cannot open this URI and fsspec is not installed") from None
    try:
        fs, path = fsspec.core.url_to_fs(uri)
    except (ImportError, ValueError) as exc:
        raise ConfigError(f"{uri}: cannot open the lake ({exc})") from exc
    return pafs.PyFileSystem(pafs.FSSpecHandler(fs)), str(path).rstrip("/")


@dataclass
class Snapshot:
    """What a reader sees at one moment: committed files per table (as DuckDB reads them) and the runs."""

    articles: list[str] = field(default_factory=list)
    scores: dict[str, list[str]] = field(default_factory=lambda: {t: [] for t in SCORE_TABLES})
    runs: pd.DataFrame = field(default_factory=lambda: RUN_SCHEMA.empty_table().to_pandas())

    @property
    def files(self) -> dict[str, list[str]]:
        """Files by store table name: what store.attach_lake takes."""
        return {ARTICLES: self.articles, **self.scores}


class Lake:
    """One lake: a root (path or URI) with its filesystem; every read and write of its files goes here."""

    def __init__(self, uri: str | os.PathLike):
        self.uri = str(uri)
        self.fs, self.root = _filesystem(self.uri)
        self.local = isinstance(self.fs, pafs.LocalFileSystem)

    def __reduce__(self):
        return (Lake, (self.uri,))  # a task on another machine opens the same URI

    def __repr__(self) -> str:
        return f"Lake({self.uri!r})"

    # -- paths ----------------------------------------------------------------------------------
    def path(self, *parts: str) -> str:
        """A path inside the lake, as its filesystem spells it."""
        return "/".join([self.root, *parts])

    def url(self, path: str) -> str:
        """A path as DuckDB or Ray reads it: local paths as they are, others with the URI's scheme."""
        if self.local:
            return path
        scheme = self.uri.split("://", 1)[0]
        return f"{scheme}://{path}"

    def exists(self) -> bool:
        """Whether the lake has any articles folder yet."""
        return self.fs.get_file_info(self.path(ARTICLES)).type == pafs.FileType.Directory

    def files(self, folder: str, *, suffix: str = ".parquet") -> list[str]:
        """Files under a folder of the lake (recursive), sorted; none when the folder is missing."""
        selector = pafs.FileSelector(self.path(folder), recursive=True, allow_not_found=True)
        return sorted(
            info.path
            for info in self.fs.get_file_info(selector)
            if info.type == pafs.FileType.File and info.path.endswith(suffix)
        )

    def delete(self, folder: str) -> None:
        """Remove a folder of the lake and everything in it (a run that will never be current)."""
        if self.fs.get_file_info(self.path(folder)).type == pafs.FileType.Directory:
            self.fs.delete_dir(self.path(folder))

    # -- reads ----------------------------------------------------------------------------------
    def read(self, paths: Sequence[str], *, columns: Sequence[str] | None = None, schema=None) -> pa.Table:
        """The rows of some files of one table (empty with the schema when there are none)."""
        if not paths:
            empty = schema.empty_table() if schema is not None else pa.table({})
            return empty.select(list(columns)) if columns else empty
        tables = [
            pq.read_table(p, columns=list(columns) if columns else None, filesystem=self.fs) for p in paths
        ]
        return pa.concat_tables(tables)

    def runs(self) -> pd.DataFrame:
        """The committed runs (finished, failed or abandoned), by run id."""
        frame = self.read(self.files(RUNS), schema=RUN_SCHEMA).to_pandas()
        return frame.sort_values("run_id").reset_index(drop=True)

    def running(self) -> dict[int, dict]:
        """Runs going or killed: their markers (pid, host, heartbeat), by run id."""
        markers = {}
        for path in self.files(RUNNING, suffix=".json"):
            with self.fs.open_input_stream(path) as stream:
                data = json.loads(stream.read().decode("utf-8"))
            markers[int(data["run_id"])] = data
        return markers

    def snapshot(self) -> Snapshot:
        """The committed files a reader may use now: all articles, the finished runs' scores."""
        runs = self.runs()
        finished = runs[runs["status"] == "finished"]["run_id"].tolist()
        scores = {
            table: [self.url(p) for r in finished for p in self.files(f"{table}/run={r}")]
            for table in SCORE_TABLES
        }
        return Snapshot(articles=[self.url(p) for p in self.files(ARTICLES)], scores=scores, runs=runs)

    # -- writes ---------------------------------------------------------------------------------
    def write_parquet(self, table: pa.Table, folder: str, name: str) -> str:
        """Write one file under `.part`, then rename it: a reader sees all of it or none."""
        self.fs.create_dir(self.path(folder), recursive=True)
        final = self.path(folder, f"{name}.parquet")
        partial = f"{final}.{uuid.uuid4().hex[:8]}{PART_SUFFIX}"
        with self.fs.open_output_stream(partial) as stream:
            pq.write_table(table, stream, compression="zstd")
        self.fs.move(partial, final)
        return final

    def write_json(self, data: dict, folder: str, name: str) -> None:
        """A small JSON file (a run's marker), replaced whole."""
        self.fs.create_dir(self.path(folder), recursive=True)
        final = self.path(folder, name)
        partial = f"{final}.{uuid.uuid4().hex[:8]}{PART_SUFFIX}"
        with self.fs.open_output_stream(partial) as stream:
            stream.write(json.dumps(data, default=str).encode("utf-8"))
        self.fs.move(partial, final)

    def remove(self, path: str) -> None:
        """Remove one file if it is there."""
        if self.fs.get_file_info(path).type == pafs.FileType.File:
            self.fs.delete_file(path)

    def sweep_partial(self) -> int:
        """Remove `.part` files a killed writer left (never read); returns how many."""
        left = [p for p in self.files("", suffix=PART_SUFFIX)]
        for path in left:
            self.remove(path)
        return len(left)


def to_table(frame: pd.DataFrame, schema: pa.Schema) -> pa.Table:
    """A DataFrame as a table of exactly this schema (all-null columns keep their type)."""
    return pa.Table.from_pandas(frame[schema.names], schema=schema, preserve_index=False)
