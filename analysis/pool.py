"""The process pool of ingest and scoring: a worker that dies fails the run (never a hang); a stop ends it cleanly.

multiprocessing.Pool replaces a killed worker and waits forever for the task it held (what the OOM killer's
SIGKILL did to `score`, `ingest` and the dashboard's scoring thread). concurrent.futures marks the pool broken
instead, so every waiting result raises at once; that becomes a WorkerDiedError naming the signal. Workers ignore
SIGINT (Ctrl-C reaches the whole process group): the parent alone decides, and terminates them on the way out, so
an interruption prints no worker tracebacks.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from types import TracebackType
from typing import Any

from analysis.errors import WorkerDiedError


def _start_worker(initializer: Callable[..., None] | None, initargs: tuple) -> None:
    # Ctrl-C is the parent's to handle; SIGTERM keeps its default (a quiet exit) for the parent's terminate().
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if initializer is not None:
        initializer(*initargs)


class WorkerPool:
    """A pool of worker processes; use as a context manager, take results with result()."""

    def __init__(
        self, n_workers: int, *, initializer: Callable[..., None] | None = None, initargs: tuple = ()
    ):
        # forkserver: the dashboard is multi-threaded, and fork() under threads can deadlock.
        ctx = multiprocessing.get_context("forkserver" if os.name != "nt" else "spawn")
        self._executor = ProcessPoolExecutor(
            n_workers, mp_context=ctx, initializer=_start_worker, initargs=(initializer, initargs)
        )
        self._processes: dict[int, Any] = {}  # our own references: the executor drops its own when it breaks

    def submit(self, fn: Callable[..., Any], *args: Any) -> Future:
        """Run fn(*args) on a worker."""
        try:
            future = self._executor.submit(fn, *args)
        except BrokenProcessPool as exc:
            raise self._died() from exc
        self._processes.update(getattr(self._executor, "_processes", None) or {})
        return future

    def result(self, future: Future, timeout: float | None = None) -> Any:
        """The task's result; a dead worker raises WorkerDiedError, a timeout concurrent.futures.TimeoutError."""
        try:
            return future.result(timeout)
        except BrokenProcessPool as exc:
            raise self._died() from exc

    def _died(self) -> WorkerDiedError:
        codes = [p.exitcode for p in self._processes.values() if p.exitcode is not None]
        # The pool terminates the survivors (SIGTERM) once one died: the other code names the cause.
        killed = [c for c in codes if c != -signal.SIGTERM] or codes
        return WorkerDiedError(describe_exit(killed[0] if killed else None))

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if kind is not None:  # interrupted, cancelled or failed: stop the workers now, not after their tasks
            for process in self._processes.values():
                if process.exitcode is None:
                    process.terminate()
        self._executor.shutdown(wait=True, cancel_futures=kind is not None)


def describe_exit(code: int | None) -> str:
    """What a worker's exit code says, in words (SIGKILL is what the out-of-memory killer sends)."""
    if code is None:
        return "a worker process stopped unexpectedly"
    if code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        hint = (
            " (the system's out-of-memory killer sends it: try fewer --workers)" if name == "SIGKILL" else ""
        )
        return f"a worker process was killed by {name}{hint}"
    return f"a worker process exited with code {code}"
