"""The process pool of ingest and scoring: a worker that dies fails the run (never a hang); a stop ends it cleanly.

multiprocessing.Pool replaces a killed worker and waits forever for the task it held (what the OOM killer's
SIGKILL did to `score`, `ingest` and the dashboard's scoring thread). concurrent.futures marks the pool broken
instead, so every waiting result raises at once; that becomes a WorkerDiedError naming the signal.

Ctrl-C reaches the whole process group. Workers ignore SIGINT from birth (the fork server is started with it
ignored), and the parent defers SIGINT and SIGTERM while the pool is open: they are acted on between tasks, never
half-way through starting a worker (a worker left half-started printed its own traceback when the parent went).
The parent then terminates the workers on its way out, so an interruption is one line.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from multiprocessing import forkserver
from types import FrameType, TracebackType
from typing import Any

from analysis.errors import WorkerDiedError

_POLL_S = 0.25  # how often a wait looks at a deferred signal
_STOP_WAIT_S = 5.0  # how long a stopped worker is given to exit before the queues are unblocked


def _start_worker(initializer: Callable[..., None] | None, initargs: tuple) -> None:
    # Ctrl-C is the parent's to handle; SIGTERM keeps its default (a quiet exit) for the parent's terminate().
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if initializer is not None:
        initializer(*initargs)


def _start_forkserver_ignoring_ctrl_c() -> None:
    """Start the fork server with SIGINT ignored: a worker it forks gets the server's initial handler back, and a
    Python process started with SIGINT ignored keeps it ignored, so workers ignore Ctrl-C before any of our code
    runs in them."""
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        forkserver.ensure_running()
    finally:
        signal.signal(signal.SIGINT, previous)


class _DeferredSignals:
    """SIGINT and SIGTERM noted while the pool is open and acted on (their own handler called) at safe points.

    Only in the main thread, and only for signals with a Python handler (Ctrl-C's KeyboardInterrupt, the CLI's
    Terminated); elsewhere (the dashboard's scoring thread) nothing is changed.
    """

    def __init__(self) -> None:
        self.pending: int | None = None
        self._previous: dict[int, Callable] = {}

    def install(self) -> None:
        if threading.current_thread() is not threading.main_thread():
            return
        for signum in (signal.SIGINT, signal.SIGTERM):
            handler = signal.getsignal(signum)
            if callable(handler):
                self._previous[signum] = handler
                signal.signal(signum, self._note)

    def _note(self, signum: int, frame: FrameType | None) -> None:
        if self.pending is None:
            self.pending = signum

    def restore(self) -> None:
        for signum, handler in self._previous.items():
            signal.signal(signum, handler)

    def act(self) -> None:
        """Run the handler of a signal that came (it raises KeyboardInterrupt or Terminated); a second one acts
        at once, since the handlers are restored first."""
        if self.pending is None:
            return
        signum, self.pending = self.pending, None
        handler = self._previous.get(signum)
        self.restore()
        self._previous.clear()
        if handler is not None:
            handler(signum, None)


class WorkerPool:
    """A pool of worker processes; use as a context manager, take results with result()."""

    def __init__(
        self, n_workers: int, *, initializer: Callable[..., None] | None = None, initargs: tuple = ()
    ):
        # forkserver: the dashboard is multi-threaded, and fork() under threads can deadlock.
        self._ctx = multiprocessing.get_context("forkserver" if os.name != "nt" else "spawn")
        self._args = (n_workers, initializer, initargs)
        self._executor: ProcessPoolExecutor | None = None
        self._processes: dict[int, Any] = {}  # our own references: the executor drops its own when it breaks
        self._signals = _DeferredSignals()

    def __enter__(self) -> WorkerPool:
        self._signals.install()
        n_workers, initializer, initargs = self._args
        main_thread = threading.current_thread() is threading.main_thread()
        if self._ctx.get_start_method() == "forkserver" and main_thread:
            _start_forkserver_ignoring_ctrl_c()
        self._executor = ProcessPoolExecutor(
            n_workers, mp_context=self._ctx, initializer=_start_worker, initargs=(initializer, initargs)
        )
        return self

    def submit(self, fn: Callable[..., Any], *args: Any) -> Future:
        """Run fn(*args) on a worker (a worker may be started for it: a signal waits until it is)."""
        assert self._executor is not None, "use the pool as a context manager"
        try:
            future = self._executor.submit(fn, *args)
        except BrokenProcessPool as exc:
            raise self._died() from exc
        finally:
            self._processes.update(getattr(self._executor, "_processes", None) or {})
        self._signals.act()
        return future

    def result(self, future: Future, timeout: float | None = None) -> Any:
        """The task's result; a dead worker raises WorkerDiedError, a timeout concurrent.futures.TimeoutError."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            self._signals.act()
            step = _POLL_S if deadline is None else max(0.0, min(_POLL_S, deadline - time.monotonic()))
            try:
                return future.result(step)
            except FutureTimeout:
                if deadline is not None and time.monotonic() >= deadline:
                    raise
            except BrokenProcessPool as exc:
                raise self._died() from exc

    def _died(self) -> WorkerDiedError:
        codes = [p.exitcode for p in self._processes.values() if p.exitcode is not None]
        return WorkerDiedError(describe_exit(death_cause(codes)))

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        try:
            if self._executor is not None:
                if (
                    kind is not None
                ):  # interrupted, cancelled or failed: stop the workers now, not after their tasks
                    for process in self._processes.values():
                        if process.exitcode is None:
                            process.terminate()
                    self._unblock_queues()
                self._executor.shutdown(wait=True, cancel_futures=kind is not None)
        finally:
            if kind is None:
                self._signals.act()  # a signal that came during the last wait or the shutdown
            self._signals.restore()

    def _unblock_queues(self) -> None:
        """After the workers are stopped, no pipe wait of the executor may outlive them.

        A worker stopped half-way through sending a big result (an article of megabytes) leaves part of a
        message in the result pipe; the executor's thread then waits for the rest forever, and shutdown with
        it (an exception in the parent during a pooled ingest hung the CLI). The parent holds the pipe's
        write end too, so the read never fails: closing it, once the workers are gone, ends that read. The
        task feeder, blocked writing a task no worker will read, is not joined for the same reason.
        """
        for process in self._processes.values():
            process.join(_STOP_WAIT_S)
        call_queue = getattr(self._executor, "_call_queue", None)
        if call_queue is not None:
            call_queue.cancel_join_thread()
        writer = getattr(getattr(self._executor, "_result_queue", None), "_writer", None)
        if writer is not None:
            try:
                writer.close()
            except OSError:
                pass  # already closed


def death_cause(codes: list[int]) -> int | None:
    """The exit code that names why the pool broke, of all its workers' codes.

    Once one worker dies the pool stops the others (SIGTERM), and a survivor stopped mid-way can exit with
    255 instead: a signal that is not the pool's own SIGTERM (SIGKILL from the out-of-memory killer) is the
    cause, then any other failing code.
    """
    signalled = [c for c in codes if c < 0 and c != -signal.SIGTERM]
    failed = [c for c in codes if c != -signal.SIGTERM and c != 0]
    chosen = signalled or failed or codes
    return chosen[0] if chosen else None


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
