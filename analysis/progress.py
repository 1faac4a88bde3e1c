"""Time left in a long run, from its rate so far: one estimate for the dashboard's bar and the CLI's."""

from __future__ import annotations

import time
from collections.abc import Callable


class Eta:
    """Seconds left of a run, from the rate since its first finished unit (start-up is not the work's rate)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic):
        self._clock = clock
        self._first: tuple[float, int] | None = None  # (time, done) at the first report with work done

    def update(self, done: int, total: int) -> float | None:
        """Seconds left after `done` of `total`, or None until the rate can be told."""
        if total <= 0 or done <= 0:
            return None
        now = self._clock()
        if self._first is None or done < self._first[1]:  # first report, or a new phase counting from zero
            self._first = (now, done)
            return None
        if done >= total:
            return 0.0
        start, done_then = self._first
        if done == done_then or now <= start:
            return None
        rate = (done - done_then) / (now - start)
        return (total - done) / rate
