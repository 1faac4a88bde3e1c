"""Which companies the dashboard offers and which benchmark each is compared with (data/companies.toml)."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from pathlib import Path

from analysis import DATA_DIR
from analysis.errors import ConfigError, InputError

COMPANIES_FILE = DATA_DIR / "companies.toml"
BENCHMARK = "HSI"


def load_tickers(price_tickers: Iterable[str] = (), *, path: Path = COMPANIES_FILE) -> dict[str, str]:
    """Ticker → display name: companies.toml first, then tickers that only have prices (benchmark left out)."""
    companies: dict[str, str] = {}
    if path.exists():
        try:
            config = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{path}: cannot read the company list: {exc}") from None
        for ticker, name in _companies_from_config(config):
            companies.setdefault(ticker, name)
    for ticker in price_tickers:
        if ticker != BENCHMARK:
            companies.setdefault(str(ticker), str(ticker))
    return companies


def _companies_from_config(config: dict) -> list[tuple[str, str]]:
    """Tickers of [[company]] blocks (or [companies."T"] tables), in file order."""
    found: list[tuple[str, str]] = []
    blocks = config.get("company", [])
    if isinstance(blocks, list):
        for entry in blocks:
            if isinstance(entry, dict) and entry.get("ticker"):
                found.append((str(entry["ticker"]), _display_name(entry, str(entry["ticker"]))))
    tables = config.get("companies", {})
    if isinstance(tables, dict):
        for key, entry in tables.items():
            if isinstance(entry, dict):
                ticker = str(entry.get("ticker", key))
                found.append((ticker, _display_name(entry, ticker)))
    return found


def benchmark_for(ticker: str, price_tickers: Iterable[str], *, path: Path = COMPANIES_FILE) -> str:
    """The benchmark series to compare a ticker with: its companies.toml benchmark when prices for it are
    stored (under its name with or without a leading '^'), else the bundled HSI."""
    stored = set(price_tickers)
    if path.exists():
        try:
            blocks = tomllib.loads(path.read_text(encoding="utf-8")).get("company", [])
        except (tomllib.TOMLDecodeError, UnicodeDecodeError):
            blocks = []
        for entry in blocks if isinstance(blocks, list) else []:
            if isinstance(entry, dict) and entry.get("ticker") == ticker and entry.get("benchmark"):
                name = str(entry["benchmark"])
                for candidate in (name, name.lstrip("^")):
                    if candidate in stored:
                        return candidate
    return BENCHMARK


def _display_name(entry: dict, ticker: str) -> str:
    for field in ("name", "name_en", "name_zh", "display"):
        if entry.get(field):
            return f"{entry[field]} ({ticker})"
    return ticker


_TICKER = re.compile(r"^[A-Za-z0-9^][A-Za-z0-9.^=_-]{0,19}$")


def check_ticker(ticker: str) -> str:
    """A ticker as typed, trimmed, or InputError when it cannot be one (e.g. '1810.HK', 'HSI', '^HSI')."""
    value = (ticker or "").strip()
    if not _TICKER.match(value):
        raise InputError("a ticker is 1–20 letters, digits, '.', '^', '=', '_' or '-'", field="ticker")
    return value
