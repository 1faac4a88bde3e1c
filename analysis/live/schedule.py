"""`update --every 15m`: rounds one after the other in the foreground, stopped cleanly between steps.

SIGTERM (a service manager stopping it) and the first Ctrl-C set a stop flag that the round checks between its
steps and the wait between rounds watches; a second Ctrl-C interrupts at once.
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from analysis.live.update import UpdateSummary, run_update
from analysis.store import Store


class StopFlag:
    """Set by a signal (or a test); read between steps."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def set(self) -> None:
        self._event.set()

    def __call__(self) -> bool:
        return self._event.is_set()

    def wait(self, seconds: float) -> bool:
        """Sleep up to `seconds`, waking early when stopped; True when stopped."""
        return self._event.wait(max(0.0, seconds))


@contextmanager
def stop_on_signals(flag: StopFlag) -> Iterator[StopFlag]:
    """SIGTERM and the first SIGINT set the flag for the block (main thread only); the handlers are restored."""
    if threading.current_thread() is not threading.main_thread():
        yield flag
        return

    def request_stop(signum, frame) -> None:
        if signum == signal.SIGINT and flag():
            raise KeyboardInterrupt  # a second Ctrl-C: stop now
        flag.set()

    previous = {sig: signal.signal(sig, request_stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield flag
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def run_every(
    store: Store,
    interval_s: float,
    *,
    stop: StopFlag,
    on_round: Callable[[UpdateSummary], None] | None = None,
    max_rounds: int | None = None,
    **options,
) -> list[UpdateSummary]:
    """Rounds every interval_s seconds (measured start to start) until stopped; returns their summaries."""
    done: list[UpdateSummary] = []
    while not stop() and (max_rounds is None or len(done) < max_rounds):
        started = time.monotonic()
        summary = run_update(store, stop=stop, **options)
        done.append(summary)
        if on_round:
            on_round(summary)
        if max_rounds is not None and len(done) >= max_rounds:
            break
        if stop.wait(interval_s - (time.monotonic() - started)):
            break
    return done
