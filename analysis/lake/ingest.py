"""`lake ingest`: files to the lake's articles, read and built in parallel tasks, near-duplicates by a join.

Each task reads one file (a part of a big one), and cleans and reads metadata with the single-machine
functions (ingest/files.py, ingest/record.py), so an article is the same whichever path made it. Only the
fingerprints (id, order, simhash) come back to this process; the articles stay with the tasks (Ray's object
store) until the write tasks add their near-duplicate links and write them, one file per month per task.
Files are written under `.part` names and renamed once every task is done: a killed ingest adds nothing.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from analysis.errors import InputError
from analysis.ingest.copies import copy_id
from analysis.ingest.files import build_records, iter_paths, read_file_records
from analysis.ingest.manifest import load_manifest
from analysis.ingest.run import IngestSummary
from analysis.lake.layout import ARTICLE_SCHEMA, ARTICLES, PART_SUFFIX, UNDATED, Lake
from analysis.lake.neardup import link_roots
from analysis.models import Problem, Progress
from analysis.store.articles import COLUMNS, row

# Input bytes per task: a bigger file is split over several tasks (each reads it and builds its share of the
# records), smaller files are packed together, so tasks are few and even.
TASK_BYTES = 4 * 1024 * 1024
_SEQ_FILE = 1 << 32  # seq = file number × this + the record's place in its file


@dataclass(frozen=True)
class Piece:
    """A file (or its part-th share of `parts`) and its place in the ingest."""

    number: int
    path: str
    part: int
    parts: int
    first_in_folder: bool  # reports the folder's manifest problem, once


def plan(paths: Iterable[str | Path]) -> list[list[Piece]]:
    """The tasks (lists of pieces) for some files and folders, in the single-machine ingest's file order."""
    tasks: list[list[Piece]] = []
    folders: set[Path] = set()
    current: list[Piece] = []
    size_in_task = 0.0
    for number, path in enumerate(iter_paths(paths), 1):
        try:
            size = path.stat().st_size
        except OSError:
            size = 0  # reported by the task that reads it
        parts = max(1, math.ceil(size / TASK_BYTES))
        first = path.parent not in folders
        folders.add(path.parent)
        for part in range(parts):
            share = size / parts
            if current and size_in_task + share > TASK_BYTES:
                tasks.append(current)
                current, size_in_task = [], 0.0
            current.append(Piece(number, str(path), part, parts, first and part == 0))
            size_in_task += share
    if current:
        tasks.append(current)
    return tasks


def build_task(pieces: list[Piece], ingested_at: datetime) -> tuple[pa.Table, dict]:
    """Read and build the pieces' articles: (articles table, fingerprints and problems)."""
    frames, problems, finished = [], [], []
    for piece in pieces:
        frame, found = _build_piece(piece, ingested_at)
        frames.append(frame)
        problems += found
        if piece.part == piece.parts - 1:
            finished.append(piece.path)
    frame = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=ARTICLE_SCHEMA.names)
    table = pa.Table.from_pandas(frame, schema=ARTICLE_SCHEMA, preserve_index=False)
    meta = {
        "finished": finished,
        "fingerprints": table.select(["seq", "id", "simhash", "content_hash", "source", "published", "path"]),
        "problems": problems,
    }
    return table, meta


def _build_piece(piece: Piece, ingested_at: datetime) -> tuple[pd.DataFrame, list[Problem]]:
    problems: list[Problem] = []
    manifest = None
    try:
        manifest = load_manifest(Path(piece.path).parent)
    except InputError as exc:
        if piece.first_in_folder:
            problems.append(
                Problem(exc.path or str(Path(piece.path).parent), f"manifest ignored: {exc.reason}")
            )
    records, read_problems = read_file_records(Path(piece.path))
    if piece.part == 0:
        problems += read_problems
    start = len(records) * piece.part // piece.parts
    stop = len(records) * (piece.part + 1) // piece.parts
    entry = manifest.lookup(piece.path) if manifest else None
    result = build_records(records[start:stop], name=piece.path, entry=entry)
    problems += result.problems
    frame = pd.DataFrame([row(a, ingested_at) for a in result.articles], columns=list(COLUMNS))
    frame["seq"] = np.arange(len(frame), dtype=np.int64) + piece.number * _SEQ_FILE + start
    return frame, problems


def write_task(lake: Lake, table: pa.Table, links: pa.Table, name: str) -> list[str]:
    """Write a task's fresh articles with their links, one `.part` file per month; returns their paths."""
    keep = pc.is_in(table["seq"], value_set=links["seq"])
    table = table.filter(keep)
    if not table.num_rows:
        return []
    where = pc.index_in(table["seq"], value_set=links["seq"])
    for column in ("id", "duplicate_of"):  # a copy from another outlet or date gets its own id and its link
        table = table.set_column(table.schema.get_field_index(column), column, pc.take(links[column], where))
    dated = pc.coalesce(table["published"], table["published_from"])
    months = pc.fill_null(pc.strftime(pc.cast(dated, pa.timestamp("s")), format="%Y-%m"), UNDATED)
    written = []
    for month in sorted(set(months.to_pylist())):
        part = table.filter(pc.equal(months, month))
        folder = f"{ARTICLES}/month={month}"
        lake.fs.create_dir(lake.path(folder), recursive=True)
        path = lake.path(folder, f"{name}.parquet{PART_SUFFIX}")
        with lake.fs.open_output_stream(path) as stream:
            pq.write_table(part, stream, compression="zstd")
        written.append(path)
    return written


def lake_ingest(
    lake: Lake, paths: Iterable[str | Path], *, engine, progress: Progress | None = None
) -> tuple[IngestSummary, dict]:
    """Ingest files and folders into the lake: the same articles, problems and links as `ingest`.

    Returns the summary and the work done (tasks, files written, partitions), for the CLI and the benchmark.
    """
    summary = IngestSummary()
    tasks = plan(paths)
    ingest_id = f"{datetime.now():%Y%m%d%H%M%S}-{uuid.uuid4().hex[:6]}"
    ingested_at = datetime.now()
    summary.files = len({piece.number for task in tasks for piece in task})
    handles = [engine.submit(build_task, task, ingested_at, num_returns=2) for task in tasks]
    metas: list[dict | None] = [None] * len(tasks)
    files_done = 0
    for index, meta in engine.as_completed([h[1] for h in handles]):
        metas[index] = meta
        for path in meta["finished"]:
            files_done += 1
            if progress:
                progress(files_done, summary.files, path)
    for meta in metas:
        assert meta is not None
        for problem in meta["problems"]:
            (summary.problems if problem.fatal else summary.warnings).append(problem)

    fingerprints = pa.concat_tables([m["fingerprints"] for m in metas if m]) if metas else None
    work = {"tasks": len(tasks), "files_written": 0, "partitions": 0}
    if fingerprints is None or not fingerprints.num_rows:
        return summary, work
    links = _links(lake, fingerprints.sort_by("seq").to_pandas(), engine, summary)
    fresh = pa.Table.from_pandas(links, preserve_index=False)
    written: list[str] = []
    writes = []
    for number, (handle, meta) in enumerate(zip(handles, metas, strict=True)):
        assert meta is not None
        mine = pc.is_in(fresh["seq"], value_set=meta["fingerprints"]["seq"])
        writes.append(
            engine.submit(write_task, lake, handle[0], fresh.filter(mine), f"{ingest_id}-{number:05d}")
        )
    for paths_written in engine.get(writes):
        written += paths_written
    for path in written:  # the commit: every file complete, now visible
        lake.fs.move(path, path[: -len(PART_SUFFIX)])
    work |= {"files_written": len(written), "partitions": len({p.rsplit("/", 2)[-2] for p in written})}
    return summary, work


def _links(lake: Lake, found: pd.DataFrame, engine, summary: IngestSummary) -> pd.DataFrame:
    """(seq, id, duplicate_of) of the fresh articles, as the single-machine ingest would store and link them.

    A text already stored (or earlier in this ingest) from the same outlet and date is met again; from another
    outlet or date it is a copy with its own id, linked to the first copy's root (ingest/copies.py). The other
    fresh articles are linked to their near-duplicates by the band join.
    """
    stored = lake.read(lake.files(ARTICLES), columns=["id", "simhash", "duplicate_of", "ingested_at",
                       "content_hash", "source", "published"], schema=ARTICLE_SCHEMA).to_pandas()  # fmt: skip
    by_hash: dict[str, list[dict]] = {}
    for kept in stored.sort_values(["ingested_at", "id"]).itertuples(index=False):
        by_hash.setdefault(kept.content_hash or kept.id, []).append(
            {
                "id": kept.id,
                "source": kept.source,
                "published": kept.published,
                "duplicate_of": kept.duplicate_of,
            }
        )
    ids: list[str | None] = []
    links: list[str | None] = []
    originals: list[bool] = []
    for item in found.itertuples(index=False):
        content_hash = item.content_hash or item.id
        copies = by_hash.get(content_hash)
        if not copies:
            by_hash[content_hash] = [{"id": item.id, "source": item.source, "published": item.published,
                                      "duplicate_of": None}]  # fmt: skip
            ids.append(item.id)
            links.append(None)
            originals.append(True)
            continue
        if any((c["source"], c["published"]) == (item.source, item.published) for c in copies):
            summary.already_stored.append(next(c["id"] for c in copies if (c["source"], c["published"])
                                               == (item.source, item.published)))  # fmt: skip
            ids.append(None)
            links.append(None)
            originals.append(False)
            continue
        first = copies[0]
        root = first["duplicate_of"] or first["id"]
        copy = copy_id(content_hash, item.source, item.published)
        copies.append({"id": copy, "source": item.source, "published": item.published, "duplicate_of": root})
        summary.links.append({"id": copy, "path": item.path, "copy_of": first["id"], "source": item.source,
                              "published": item.published, "kind": "identical"})  # fmt: skip
        ids.append(copy)
        links.append(root)
        originals.append(False)
    found = found.assign(new_id=ids, link=links, original=originals)
    found = found[found["new_id"].notna()].reset_index(drop=True)
    fresh = found[found["original"]].reset_index(drop=True)
    known = stored[stored["duplicate_of"].isna() & stored["simhash"].notna()]
    known = known.sort_values(["ingested_at", "id"])  # store.known_fingerprints' order
    values = np.concatenate([known["simhash"].to_numpy(np.int64), fresh["simhash"].to_numpy(np.int64)])
    buckets = max(1, min(4 * getattr(engine, "workers", 1), 1 + len(values) // 20_000))
    root = link_roots(engine, values, len(known), buckets=buckets)
    every_id = np.concatenate([known["id"].to_numpy(object), fresh["id"].to_numpy(object)])
    mine = root[len(known) :]
    linked = mine != np.arange(len(known), len(values))
    near = dict(
        zip(
            fresh["seq"].to_numpy(np.int64).tolist(),
            list(np.where(linked, every_id[mine], None)),
            strict=True,
        )
    )
    duplicate_of = [near.get(int(seq)) if original else link
                    for seq, original, link in zip(found["seq"], found["original"], found["link"], strict=True)]  # fmt: skip
    summary.added.extend(found["new_id"].tolist())
    summary.near_duplicates += int(linked.sum())
    return pd.DataFrame({
        "seq": found["seq"].to_numpy(np.int64),
        "id": pd.array(found["new_id"].tolist(), "string"),
        "duplicate_of": pd.array(duplicate_of, "string"),
    })  # fmt: skip
