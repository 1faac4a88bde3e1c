"""First start: the embedded database built from the bundled corpus and prices, then scored."""

from __future__ import annotations

from pathlib import Path

from analysis import DATA_DIR
from analysis.companies import default_benchmark, default_ticker
from analysis.errors import NarrativeError
from analysis.ingest.run import ingest_paths
from analysis.models import Progress
from analysis.scoring.run import score_store
from analysis.store import Store

BUNDLED_ARTICLES = DATA_DIR / "articles"


def bundled_prices() -> dict[str, Path]:
    """The bundled price files by ticker: the default company's and its benchmark's (data/prices/<ticker>.csv)."""
    return {
        ticker: DATA_DIR / "prices" / f"{ticker}.csv"
        for ticker in (default_ticker(DATA_DIR), default_benchmark(DATA_DIR))
    }


def import_price_file(
    store: Store, path: Path, *, ticker: str, accept_level: bool = False
) -> tuple[int, list[str]]:
    """Import one price CSV all-or-nothing, as a batch; returns (rows, warnings about the data)."""
    from analysis.price_import import import_price_path

    done = import_price_path(store, Path(path), ticker=ticker, accept_level=accept_level)
    return done.rows, done.warnings


def ensure_bundled_prices(store: Store) -> list[str]:
    """Load the bundled price files for tickers with no prices yet."""
    have = {row["ticker"] for row in store.price_stats()}
    loaded = []
    for ticker, path in bundled_prices().items():
        if ticker not in have and path.exists():
            import_price_file(store, path, ticker=ticker)
            loaded.append(ticker)
    return loaded


def setup(store: Store, *, progress: Progress | None = None, use_snownlp: bool = True) -> dict:
    """Build the embedded database from the bundled data when missing, then score what needs it."""
    report: dict = {"db": str(store.path)}
    if store.article_count() == 0:
        report["ingest"] = ingest_paths(store, [BUNDLED_ARTICLES], progress=progress).as_dict()
    report["prices_loaded"] = ensure_bundled_prices(store)
    try:
        report["score"] = score_store(store, progress=progress, use_snownlp=use_snownlp).as_dict()
    except NarrativeError as exc:
        report["score_error"] = str(exc)
    return report
