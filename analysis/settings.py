"""Every tunable of the product in one place: environment variables, read when asked for (never at import).

`current()` returns a frozen Settings; a bad value is a ConfigError naming the variable. Tests change settings
with environment variables (monkeypatch.setenv), not by patching module globals.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from analysis.errors import ConfigError

_PACKAGE = Path(__file__).resolve().parent


def _data_dir() -> Path:
    """The product's data: $NARRATIVE_DATA_DIR, else data/ of a checkout, else the copy inside the wheel."""
    env = os.environ.get("NARRATIVE_DATA_DIR")
    if env:
        return Path(env)
    checkout = _PACKAGE.parent / "data"
    if (checkout / "companies.toml").exists():
        return checkout
    return _PACKAGE / "_data"


DATA_DIR = _data_dir()


def _user_data_dir() -> Path:
    """Where an installed package keeps the user's files: site-packages is not the user's to write."""
    if os.name == "nt":
        base = os.environ.get("LOCALAPPDATA") or str(Path.home() / "AppData" / "Local")
    else:
        base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "narrative-tone"


def _default_db() -> Path:
    """data/narrative.duckdb of a checkout (or of $NARRATIVE_DATA_DIR); the user data dir when installed."""
    if DATA_DIR == _PACKAGE / "_data":
        return _user_data_dir() / "narrative.duckdb"
    return DATA_DIR / "narrative.duckdb"


def _int(name: str, default: int, *, low: int = 1, high: int = 10**9) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name}={raw!r}: not a whole number") from None
    if not low <= value <= high:
        raise ConfigError(f"{name}={raw!r}: must be between {low} and {high}")
    return value


def _float(name: str, default: float, *, low: float = 0.0) -> float:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(f"{name}={raw!r}: not a number") from None
    if not value >= low or value == float("inf"):
        raise ConfigError(f"{name}={raw!r}: must be a finite number of at least {low}")
    return value


# DuckDB's memory_limit: a size with a unit (512MB, 2GiB, 1.5GB) or a share of the RAM (50%).
_MEMORY = re.compile(r"\s*\d+(\.\d+)?\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB|%)\s*", re.I)


def _memory(name: str, default: str) -> str:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    if not _MEMORY.fullmatch(raw):
        raise ConfigError(f"{name}={raw!r}: not a memory size (e.g. 512MB, 2GB or 50%)")
    return raw.strip()


@dataclass(frozen=True)
class Settings:
    """What the product can be tuned with; each field names its environment variable."""

    db_path: Path  # NARRATIVE_DB; else data/ of a checkout, the user data dir when installed
    data_dir: Path  # NARRATIVE_DATA_DIR
    lock_timeout_s: float  # NARRATIVE_LOCK_TIMEOUT: seconds to wait for another process's write lock
    duckdb_memory: str  # NARRATIVE_DUCKDB_MEMORY: DuckDB's memory bound per connection (spills beyond it)
    score_batch: int  # NARRATIVE_BATCH_SIZE: articles per scoring batch (the unit a pool process gets)
    write_every: int  # NARRATIVE_WRITE_EVERY: scored articles per write transaction
    ingest_batch: int  # NARRATIVE_INGEST_BATCH: articles per ingest write transaction
    run_heartbeat_s: float  # NARRATIVE_RUN_HEARTBEAT: seconds between a running scoring run's heartbeats
    run_stale_s: float  # NARRATIVE_RUN_STALE: a running run silent this long is taken as dead (killed)
    today: date  # NARRATIVE_TODAY: the reference day dates are checked against (ISO date; default: today)


def current() -> Settings:
    """The settings as the environment gives them now."""
    data_dir = Path(os.environ.get("NARRATIVE_DATA_DIR") or DATA_DIR)
    db = os.environ.get("NARRATIVE_DB")
    return Settings(
        db_path=Path(db) if db else _default_db(),
        data_dir=data_dir,
        lock_timeout_s=_float("NARRATIVE_LOCK_TIMEOUT", 30.0),
        duckdb_memory=_memory("NARRATIVE_DUCKDB_MEMORY", "512MB"),
        score_batch=_int("NARRATIVE_BATCH_SIZE", 200, high=100_000),
        write_every=_int("NARRATIVE_WRITE_EVERY", 2000, high=10_000_000),
        ingest_batch=_int("NARRATIVE_INGEST_BATCH", 2000, high=10_000_000),
        run_heartbeat_s=_float("NARRATIVE_RUN_HEARTBEAT", 20.0, low=0.01),
        run_stale_s=_float("NARRATIVE_RUN_STALE", 120.0, low=0.02),
        today=today(),
    )


def today() -> date:
    """The reference 'today' (no date may lie after it): $NARRATIVE_TODAY when set, so runs can be replayed
    and tests pinned, else the calendar's today."""
    raw = os.environ.get("NARRATIVE_TODAY")
    if raw is None or raw.strip() == "":
        return date.today()
    try:
        return date.fromisoformat(raw.strip())
    except ValueError:
        raise ConfigError(f"NARRATIVE_TODAY={raw!r}: not an ISO date (YYYY-MM-DD)") from None


def default_workers() -> int:
    """Processes for pooled ingest and scoring: $NARRATIVE_WORKERS (at most the cores), else the cores, at most 8
    (the parent saturates beyond)."""
    cores = os.cpu_count() or 1
    return _int("NARRATIVE_WORKERS", max(1, min(cores, 8)), high=cores)


def bounded_workers(requested: int | None) -> int:
    """The processes a run uses: the request, at least 1 and at most the cores; the default when none."""
    if not requested:
        return default_workers()
    return max(1, min(requested, os.cpu_count() or 1))
