"""The benchmark: a synthetic corpus, and the timings and memory of every stage over it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

# The benchmark runs from a checkout (it is not installed with the package); its output goes to bench/out/.
REPO = Path(__file__).resolve().parents[1]


def run_benchmark(**kwargs: Any) -> dict:
    """See bench.run.run_benchmark (imported lazily: the generator must not pull in the pipeline)."""
    from bench.run import run_benchmark as run

    return run(**kwargs)
