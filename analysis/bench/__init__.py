"""The benchmark: a synthetic corpus, and the timings and memory of every stage over it."""

from __future__ import annotations

from typing import Any


def run_benchmark(**kwargs: Any) -> dict:
    """See analysis.bench.run.run_benchmark (imported lazily: the generator must not pull in the pipeline)."""
    from analysis.bench.run import run_benchmark as run

    return run(**kwargs)
