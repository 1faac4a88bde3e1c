"""Opening the DuckDB file: short-lived connections, waiting for another process's lock, reading sessions.

Connections are opened per call and closed at once because DuckDB lets one process write a file at a time and
any open connection blocks a writer elsewhere: the CLI must be able to write while the dashboard is open.
"""

from __future__ import annotations

import os
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from analysis import settings
from analysis.errors import DatabaseLockedError, SchemaVersionError, StoreError
from analysis.store.schema import SCHEMA_VERSION, migrate, version

_process_lock = threading.RLock()  # one DuckDB instance per file per process: serialise our own threads
_HOLDER = re.compile(r"held in (?P<holder>.+?\(PID \d+\))")

# Text columns: DuckDB's FSST string compressions took ~80% of ingest time here (20k articles, 2,000 per
# write: 11.5 s with them, 3.2 s without) and left the file 3.4x larger than zstd does, since CJK text
# gives FSST's short symbols little to find. Older DuckDB versions without the setting keep their default.
_DISABLED_COMPRESSION = "fsst,dict_fsst"


class Database:
    """One DuckDB file: short-lived connections to it, migrated to this release's schema on first use."""

    def __init__(self, path: str | os.PathLike, *, lock_timeout: float | None = None):
        self.path = Path(path)
        self.lock_timeout = settings.current().lock_timeout_s if lock_timeout is None else lock_timeout
        self._migrated = False
        self.read_only = False  # set when the file cannot be written: opened read-only, reads still work
        self.session: duckdb.DuckDBPyConnection | None = None  # the connection of an open reading() session

    @contextmanager
    def reading(self) -> Iterator[None]:
        """Share one connection across the queries inside (one view of the dashboard), then close it."""
        if self.session is not None:  # already inside a session: share it, leave closing to its owner
            yield
            return
        with self.connect() as con:
            self.session = con
            try:
                yield
            finally:
                self.session = None

    @contextmanager
    def connect(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A short-lived connection, retried with backoff while another process holds the lock.

        DuckDB's own errors that a user can cause (disk full, out of memory, a read-only file or folder, a damaged
        file or a write-ahead log from another copy) become one StoreError saying what to do; others propagate.
        """
        if self.session is not None:
            yield self.session
            return
        with _process_lock:
            con = self._open_with_retry()
            failed = True
            try:
                if not self._migrated:
                    self._prepare(con)
                    self._migrated = True
                yield con
                failed = False
            except duckdb.Error as exc:
                error = translate(exc, self.path, read_only=self.read_only)
                if error is exc:
                    raise
                raise error from exc
            finally:
                try:
                    con.close()  # checkpoints: it writes, so it can fail on a full disk too
                except duckdb.Error as exc:
                    if not failed:
                        error = translate(exc, self.path, read_only=self.read_only)
                        raise error from (None if error is exc else exc)

    def _prepare(self, con: duckdb.DuckDBPyConnection) -> None:
        """Migrate a writable file; a read-only one is only checked (it cannot be migrated, but can be read)."""
        if not self.read_only:
            migrate(con, self.path)
            return
        found = version(con) if _has_schema_table(con) else 0
        if found > SCHEMA_VERSION:
            raise SchemaVersionError(
                f"{self.path}: written by a newer Narrative Tone (schema {found}, this one reads up to "
                f"{SCHEMA_VERSION}); upgrade the product or use another --db"
            )
        if found < SCHEMA_VERSION:
            raise StoreError(
                f"{self.path}: the file is read-only and needs migrating from schema {found} to {SCHEMA_VERSION}: "
                "make it writable once, or use another --db"
            )

    @contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A connection inside BEGIN/COMMIT: all of it lands, or none."""
        with self.connect() as con:
            con.execute("BEGIN TRANSACTION")
            try:
                yield con
            except BaseException:
                con.execute("ROLLBACK")
                raise
            con.execute("COMMIT")

    def _open_with_retry(self) -> duckdb.DuckDBPyConnection:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(
                f"{self.path}: cannot create its folder ({exc.strerror or exc}): use another --db or NARRATIVE_DB"
            ) from exc
        deadline = time.monotonic() + self.lock_timeout
        delay = 0.05
        while True:
            try:
                con = duckdb.connect(str(self.path), read_only=self.read_only)
            except duckdb.IOException as exc:
                message = str(exc)
                if any(m in message for m in _PERMISSION) and not self.read_only and self.path.is_file():
                    self.read_only = True  # a read-only file can still be read: every write says so
                    continue
                if "lock" not in message.lower():
                    raise translate(exc, self.path, opening=True) from exc
                if time.monotonic() >= deadline:
                    holder = _HOLDER.search(message)
                    who = holder.group("holder").strip() if holder else "another process"
                    raise DatabaseLockedError(
                        f"{self.path}: the database is locked by {who}; gave up after "
                        f"{self.lock_timeout:.0f}s (set NARRATIVE_LOCK_TIMEOUT to wait longer)"
                    ) from exc
                time.sleep(delay)
                delay = min(delay * 2, 1.0)
            except duckdb.Error as exc:
                raise translate(exc, self.path, opening=True) from exc
            else:
                _tune(con)
                return con


# A file or folder that cannot be written: its mode (EACCES), immutable (EPERM) or a read-only mount (EROFS).
_PERMISSION = ("Permission denied", "Operation not permitted", "Read-only file system")
_DISK_FULL = ("No space left on device", "File too large", "Disk quota exceeded", "disk is full")


def translate(
    exc: duckdb.Error, path: Path, *, read_only: bool = False, opening: bool = False
) -> BaseException:
    """The StoreError a user can act on for a DuckDB error they can cause; the error itself when it is ours."""
    first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
    if any(marker in first for marker in _DISK_FULL):
        return StoreError(
            f"{path}: the disk is full ({first}); this write was not kept and what was stored before is intact: "
            "free some space and run it again"
        )
    if isinstance(exc, duckdb.OutOfMemoryException):
        return StoreError(
            f"{path}: DuckDB ran out of memory (NARRATIVE_DUCKDB_MEMORY={settings.current().duckdb_memory}); "
            "this write was not kept: raise the limit (e.g. NARRATIVE_DUCKDB_MEMORY=2GB) or ingest fewer files "
            "at a time"
        )
    if "read-only mode" in first or (read_only and isinstance(exc, duckdb.InvalidInputException)):
        return StoreError(
            f"{path}: the database file is read-only: it can be read, not changed; make it writable (or copy it "
            "to a writable folder and use --db) to change it"
        )
    if any(marker in first for marker in _PERMISSION):
        where = "folder" if ".wal" in first or not path.exists() else "file"
        return StoreError(
            f"{path}: cannot write the database: its {where} is read-only ({first}); make it writable, or use "
            "another --db or NARRATIVE_DB"
        )
    if "replaying WAL" in first or "WAL does not match" in first:
        return StoreError(
            f"{path}: its write-ahead log {path.name}.wal does not belong to this file (left by another copy, or "
            f"a restored backup): move {path.name}.wal aside and open again; the changes it held are not applied"
        )
    if opening:
        return StoreError(f"{path}: cannot open the database: {first}")
    if isinstance(exc, duckdb.IOException | duckdb.SerializationException):
        return StoreError(
            f"{path}: the database file cannot be read ({first}); it may be damaged: restore a backup or use "
            "another --db"
        )
    return exc


def _has_schema_table(con: duckdb.DuckDBPyConnection) -> bool:
    found = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_version'"
    ).fetchone()
    return bool(found and found[0])


# DuckDB's own default is 80% of RAM: merging 100k articles' row groups then held ~2 GB; bounded, it spills
# to disk instead (merging 60k: 1,828 MB unbounded, 588 MB at 512 MB, in about the same time).
def _tune(con: duckdb.DuckDBPyConnection) -> None:
    for setting, value in (("disabled_compression_methods", _DISABLED_COMPRESSION),
                           ("memory_limit", settings.current().duckdb_memory)):  # fmt: skip
        try:
            con.execute(f"SET {setting} = ?", [value])
        except duckdb.Error:
            pass  # an older DuckDB without the setting, or a bad NARRATIVE_DUCKDB_MEMORY: its default


def append_only(con: duckdb.DuckDBPyConnection) -> None:
    """This connection's checkpoint does not merge earlier small row groups ('vacuum').

    Each 2,000-article write leaves a small row group; merging re-reads and rewrites the text of all of them.
    Done at every write, ingesting 100k articles peaked at 1,496 MB (file 415 MB); skipped until the last
    write, 597 MB (file 361 MB). The first write that does not skip it merges everything once (~11 s at 100k).
    """
    try:
        con.execute("SET max_vacuum_tasks = 0")
    except duckdb.Error:
        pass
