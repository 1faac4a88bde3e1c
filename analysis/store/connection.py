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
from analysis.errors import DatabaseLockedError, StoreError
from analysis.store.schema import migrate

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
        """A short-lived connection, retried with backoff while another process holds the lock."""
        if self.session is not None:
            yield self.session
            return
        with _process_lock:
            con = self._open_with_retry()
            try:
                if not self._migrated:
                    migrate(con, self.path)
                    self._migrated = True
                yield con
            except (duckdb.IOException, duckdb.SerializationException) as exc:
                raise StoreError(
                    f"{self.path}: the database file cannot be read ({str(exc).splitlines()[0]}); it may be "
                    "damaged: restore a backup or use another --db"
                ) from exc
            finally:
                con.close()

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
        self.path.parent.mkdir(parents=True, exist_ok=True)
        deadline = time.monotonic() + self.lock_timeout
        delay = 0.05
        while True:
            try:
                con = duckdb.connect(str(self.path))
            except duckdb.IOException as exc:
                message = str(exc)
                if "lock" not in message.lower():
                    raise StoreError(f"{self.path}: cannot open the database: {message}") from exc
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
                raise StoreError(f"{self.path}: cannot open the database: {exc}") from exc
            else:
                _tune(con)
                return con


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
