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


DEFAULT_USER_AGENT = "NarrativeTone/0.1 (media-tone research tool; set NARRATIVE_USER_AGENT to add a contact)"


def _choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    raw = (os.environ.get(name) or "").strip().lower()
    if not raw:
        return default
    if raw not in choices:
        raise ConfigError(f"{name}={raw!r}: must be one of {', '.join(choices)}")
    return raw


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
    ingest_batch_chars: (
        int  # NARRATIVE_INGEST_BATCH_CHARS: text per ingest write (long articles write sooner)
    )
    run_heartbeat_s: float  # NARRATIVE_RUN_HEARTBEAT: seconds between a running scoring run's heartbeats
    run_stale_s: float  # NARRATIVE_RUN_STALE: a running run silent this long is taken as dead (killed)
    today: date  # NARRATIVE_TODAY: the reference day dates are checked against (ISO date; default: today)
    # Live coverage (analysis/fetch, analysis/live): polite fetching by default.
    user_agent: str  # NARRATIVE_USER_AGENT: names the product, so a site can tell who fetches and why
    fetch_timeout_s: float  # NARRATIVE_FETCH_TIMEOUT: seconds to connect and between bytes
    fetch_retries: int  # NARRATIVE_FETCH_RETRIES: further tries after a timeout, a 5xx or a 429
    fetch_backoff_s: float  # NARRATIVE_FETCH_BACKOFF: first wait before a retry (doubles each try)
    host_delay_s: float  # NARRATIVE_HOST_DELAY: seconds between two requests to the same host
    fetch_max_bytes: int  # NARRATIVE_FETCH_MAX_BYTES: a larger page is refused, not truncated
    fetch_robots: bool  # NARRATIVE_FETCH_ROBOTS: 0 ignores robots.txt (only for your own sites)
    fetch_max_attempts: int  # NARRATIVE_FETCH_MAX_ATTEMPTS: rounds a URL that timed out is tried again
    delivery_retries: int  # NARRATIVE_DELIVERY_RETRIES: tries per alert delivery within one round
    max_article_chars: (
        int  # NARRATIVE_MAX_ARTICLE_CHARS: an article's text is bounded to this many characters
    )
    long_articles: str  # NARRATIVE_LONG_ARTICLES: 'cut' (keep the start, with a warning) or 'reject'
    max_html_tree_bytes: (
        int  # NARRATIVE_MAX_HTML_TREE_BYTES: bigger pages are read tag by tag, without a tree
    )
    max_title_chars: int  # NARRATIVE_MAX_TITLE_CHARS: a longer title is cut, with a warning
    max_outlet_chars: int  # NARRATIVE_MAX_OUTLET_CHARS: a longer outlet name is cut, with a warning
    max_url_chars: int  # NARRATIVE_MAX_URL_CHARS: a longer URL is dropped, with a warning
    max_front_matter_bytes: int  # NARRATIVE_MAX_FRONT_MATTER: YAML front matter larger than this is ignored
    max_yaml_aliases: (
        int  # NARRATIVE_MAX_YAML_ALIASES: front matter with more aliases is ignored (alias bombs)
    )
    price_jump_factor: (
        float  # NARRATIVE_PRICE_JUMP_FACTOR: a close this many times off both neighbours is refused
    )
    chart_points: (
        int  # NARRATIVE_CHART_POINTS: the main chart draws each article once its range holds this few
    )
    stats: StatsSettings  # the statistics beside the price (lead/lag, event study, shifts, tone z-score)


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
        ingest_batch_chars=_int("NARRATIVE_INGEST_BATCH_CHARS", 30_000_000, low=1000),
        run_heartbeat_s=_float("NARRATIVE_RUN_HEARTBEAT", 20.0, low=0.01),
        run_stale_s=_float("NARRATIVE_RUN_STALE", 120.0, low=0.02),
        today=today(),
        user_agent=os.environ.get("NARRATIVE_USER_AGENT") or DEFAULT_USER_AGENT,
        fetch_timeout_s=_float("NARRATIVE_FETCH_TIMEOUT", 15.0, low=0.01),
        fetch_retries=_int("NARRATIVE_FETCH_RETRIES", 2, low=0, high=10),
        fetch_backoff_s=_float("NARRATIVE_FETCH_BACKOFF", 2.0),
        host_delay_s=_float("NARRATIVE_HOST_DELAY", 3.0),
        fetch_max_bytes=_int("NARRATIVE_FETCH_MAX_BYTES", 5 * 1024 * 1024, low=1024),
        fetch_robots=(os.environ.get("NARRATIVE_FETCH_ROBOTS") or "1").strip() not in ("0", "false", "no"),
        fetch_max_attempts=_int("NARRATIVE_FETCH_MAX_ATTEMPTS", 3, high=100),
        delivery_retries=_int("NARRATIVE_DELIVERY_RETRIES", 2, low=0, high=10),
        max_article_chars=_int("NARRATIVE_MAX_ARTICLE_CHARS", 10_000_000, low=1000, high=100_000_000),
        long_articles=_choice("NARRATIVE_LONG_ARTICLES", "cut", ("cut", "reject")),
        max_html_tree_bytes=_int("NARRATIVE_MAX_HTML_TREE_BYTES", 20_000_000, low=1000),
        max_title_chars=_int("NARRATIVE_MAX_TITLE_CHARS", 500, low=20, high=100_000),
        max_outlet_chars=_int("NARRATIVE_MAX_OUTLET_CHARS", 200, low=10, high=100_000),
        max_url_chars=_int("NARRATIVE_MAX_URL_CHARS", 4000, low=100, high=1_000_000),
        max_front_matter_bytes=_int("NARRATIVE_MAX_FRONT_MATTER", 64 * 1024, low=1024, high=100_000_000),
        max_yaml_aliases=_int("NARRATIVE_MAX_YAML_ALIASES", 50, low=0, high=100_000),
        price_jump_factor=_float("NARRATIVE_PRICE_JUMP_FACTOR", 5.0, low=1.5),
        chart_points=_int("NARRATIVE_CHART_POINTS", 1500, low=1, high=4000),
        stats=stats_settings(),
    )


# statsmodels.stats.multitest names: Holm (family-wise error), Benjamini–Hochberg (false discovery rate)
LAG_CORRECTIONS = ("holm", "fdr_bh")
EVENT_MODELS = ("market", "market-adjusted")


@dataclass(frozen=True)
class StatsSettings:
    """The choices behind the numbers shown beside the price; each field names its environment variable."""

    baseline_days: int  # NARRATIVE_BASELINE_D: tone z-score baseline, in days (about a quarter)
    baseline_weeks: int  # NARRATIVE_BASELINE_W: ... in weeks (half a year)
    baseline_months: int  # NARRATIVE_BASELINE_M: ... in months (a year)
    alpha: float  # NARRATIVE_ALPHA: significance level of lead/lag, shifts (two-sided)
    # NARRATIVE_LAG_CORRECTION: fdr_bh | holm, over the lags tested together. Under pure noise both keep the
    # chance of any 'significant' lag near alpha; BH is the default as it finds more of several real lags (and
    # statsmodels' Holm branch runs a full gc.collect() per call, about 0.1 s in a loaded process).
    lag_correction: str
    lag_min_n: int  # NARRATIVE_LAG_MIN_N: trading days with articles below which no r is shown
    event_model: str  # NARRATIVE_EVENT_MODEL: market (OLS on the benchmark) | market-adjusted
    estimation_days: int  # NARRATIVE_EVENT_ESTIMATION: sessions of the market model's estimation window
    placebo_draws: int  # NARRATIVE_PLACEBO_DRAWS: random-day samples behind the event study's placebo band
    shift_permutations: int  # NARRATIVE_SHIFT_PERMUTATIONS: permutations behind a shift's p-value
    shift_min_articles: int  # NARRATIVE_SHIFT_MIN_ARTICLES: articles each side below which a shift is flagged
    seed: int  # NARRATIVE_STATS_SEED: the random draws' seed (placebo, permutations): same data, same figures

    def baseline(self, freq: str) -> int:
        """The rolling baseline length in periods of freq (D, W or M)."""
        return {"D": self.baseline_days, "W": self.baseline_weeks, "M": self.baseline_months}[freq]


def stats_settings() -> StatsSettings:
    """The statistics' settings as the environment gives them now."""
    alpha = _float("NARRATIVE_ALPHA", 0.05, low=1e-6)
    if alpha >= 0.5:
        raise ConfigError(f"NARRATIVE_ALPHA={alpha!r}: must be below 0.5")
    return StatsSettings(
        baseline_days=_int("NARRATIVE_BASELINE_D", 90, low=3, high=10_000),
        baseline_weeks=_int("NARRATIVE_BASELINE_W", 26, low=3, high=2_000),
        baseline_months=_int("NARRATIVE_BASELINE_M", 12, low=3, high=500),
        alpha=alpha,
        lag_correction=_choice("NARRATIVE_LAG_CORRECTION", "fdr_bh", LAG_CORRECTIONS),
        lag_min_n=_int("NARRATIVE_LAG_MIN_N", 10, low=4, high=100_000),
        event_model=_choice("NARRATIVE_EVENT_MODEL", "market", EVENT_MODELS),
        estimation_days=_int("NARRATIVE_EVENT_ESTIMATION", 120, low=20, high=2_000),
        placebo_draws=_int("NARRATIVE_PLACEBO_DRAWS", 1000, low=100, high=100_000),
        shift_permutations=_int("NARRATIVE_SHIFT_PERMUTATIONS", 2000, low=100, high=1_000_000),
        shift_min_articles=_int("NARRATIVE_SHIFT_MIN_ARTICLES", 5, low=1, high=100_000),
        seed=_int("NARRATIVE_STATS_SEED", 13, low=0, high=2**32 - 1),
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
