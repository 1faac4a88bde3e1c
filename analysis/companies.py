"""The companies the product knows (data/companies.toml): one parser, one typed structure, the default ticker.

The file's shape is [defaults] (anaphora, market, others: lists of words) and one [[company]] block per
company: ticker (required), name, benchmark, benchmark_name, and the aliases, people and products it goes
by. The first block is the default company (its ticker is what `--ticker` and the dashboard start with).
Anything else is a ConfigError naming the file and the field.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from analysis import settings
from analysis.errors import ConfigError, InputError

COMPANIES_FILE_NAME = "companies.toml"
_COMPANY_FIELDS = ("ticker", "name", "benchmark", "benchmark_name", "aliases", "people", "products")
_NAME_FIELDS = ("aliases", "people", "products")
_DEFAULT_FIELDS = ("anaphora", "market", "others")


def price_ticker(symbol: str) -> str:
    """The name a series' prices are stored under: the symbol without Yahoo's index prefix ('^HSI' → 'HSI').

    companies.toml writes benchmarks as quote symbols ('^HSI'), while price files are named and stored
    without the caret (data/prices/HSI.csv): this is the one place that maps one to the other.
    """
    return symbol.strip().lstrip("^")


@dataclass(frozen=True)
class Company:
    """One configured company: ticker, display name, benchmark and every name it goes by."""

    ticker: str
    name: str  # the ticker when the file gives no name
    benchmark: str | None  # as written, a quote symbol ('^HSI')
    benchmark_name: str | None
    aliases: tuple[str, ...] = ()
    people: tuple[str, ...] = ()
    products: tuple[str, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        """Every name the company goes by: aliases, then people, then products."""
        return self.aliases + self.people + self.products

    @property
    def label(self) -> str:
        """How the dashboard lists it: 'Xiaomi (1810.HK)', or the bare ticker when it has no name."""
        return self.ticker if self.name == self.ticker else f"{self.name} ({self.ticker})"

    @property
    def benchmark_ticker(self) -> str | None:
        """The name its benchmark's prices are stored under ('HSI' for '^HSI')."""
        return price_ticker(self.benchmark) if self.benchmark else None


@dataclass(frozen=True)
class Companies:
    """All configured companies (file order) plus the generic anaphora, market and other-firm words."""

    path: Path
    companies: tuple[Company, ...]
    anaphora: tuple[str, ...] = ()
    market: tuple[str, ...] = ()
    others: tuple[str, ...] = ()

    @property
    def default(self) -> Company:
        """The first [[company]] block: the company the product scores and shows unless told otherwise."""
        return self.companies[0]

    def find(self, ticker: str) -> Company | None:
        """The company with this ticker (case-insensitive), or None."""
        wanted = ticker.strip().lower()
        return next((c for c in self.companies if c.ticker.lower() == wanted), None)

    def get(self, ticker: str) -> Company:
        """The company with this ticker (case-insensitive); ConfigError listing the known tickers."""
        company = self.find(ticker)
        if company is None:
            known = ", ".join(c.ticker for c in self.companies)
            raise ConfigError(f"{self.path}: unknown ticker {ticker!r} (known: {known})")
        return company

    def entity_kinds(self, ticker: str) -> dict[str, str]:
        """Every name mapped to its kind for this ticker: self, other, market or anaphora."""
        target = self.get(ticker)
        if not target.names:
            raise ConfigError(
                f"{self.path} [[company]] {target.ticker}: 'aliases' must name the company at least once"
            )
        kinds: dict[str, str] = {}
        for word in self.anaphora:
            kinds[word] = "anaphora"
        for word in self.market:
            kinds[word] = "market"
        for word in self.others:
            kinds[word] = "other"
        for company in self.companies:
            if company is not target:
                for word in company.names:
                    kinds[word] = "other"
        for word in target.names:  # the company's own names win over any clash
            kinds[word] = "self"
        return kinds


def companies_file(data_dir: Path | None = None) -> Path:
    """Where the company list lives: data_dir, else the configured data directory."""
    return (data_dir or settings.current().data_dir) / COMPANIES_FILE_NAME


def load_companies(data_dir: Path | None = None, *, path: Path | None = None) -> Companies:
    """Parse companies.toml (path, else data_dir's); ConfigError naming the file and field when malformed."""
    path = path or companies_file(data_dir)
    try:
        stat = path.stat()
    except OSError:
        raise ConfigError(f"{path}: configuration file is missing") from None
    return _parse(path, stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=8)
def _parse(path: Path, _mtime_ns: int, _size: int) -> Companies:
    """The parsed file, cached until it changes (mtime and size are part of the key)."""
    try:
        data = tomllib.loads(path.read_bytes().decode("utf-8-sig"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read the company list ({exc})") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: malformed TOML ({exc})") from None
    unknown = sorted(set(data) - {"defaults", "company"})
    if unknown:
        raise ConfigError(
            f"{path}: unknown section [{unknown[0]}] (write one [[company]] block per company, "
            "and the shared words under [defaults])"
        )
    defaults = data.get("defaults", {})
    if not isinstance(defaults, dict):
        raise ConfigError(f"{path}: [defaults] must be a table")
    _no_unknown_fields(defaults, _DEFAULT_FIELDS, f"{path} [defaults]")
    blocks = data.get("company")
    if not isinstance(blocks, list) or not blocks:
        raise ConfigError(f"{path}: needs at least one [[company]] block")
    companies: list[Company] = []
    for number, block in enumerate(blocks, start=1):
        company = _company(block, f"{path} [[company]] #{number}")
        if any(c.ticker.lower() == company.ticker.lower() for c in companies):
            raise ConfigError(f"{path} [[company]] #{number}: ticker {company.ticker!r} is listed twice")
        companies.append(company)
    return Companies(
        path=path,
        companies=tuple(companies),
        **{field: _strings(defaults.get(field), f"{path} [defaults].{field}") for field in _DEFAULT_FIELDS},
    )


def _company(block: object, where: str) -> Company:
    if not isinstance(block, dict):
        raise ConfigError(f"{where}: must be a table")
    ticker = block.get("ticker")
    if not isinstance(ticker, str) or not ticker.strip():
        raise ConfigError(f"{where}: 'ticker' is required (a non-empty string)")
    ticker = ticker.strip()
    where = f"{where} ({ticker})"
    _no_unknown_fields(block, _COMPANY_FIELDS, where)
    texts = {
        field: _text(block.get(field), f"{where}.{field}")
        for field in ("name", "benchmark", "benchmark_name")
    }
    names = {field: _strings(block.get(field), f"{where}.{field}") for field in _NAME_FIELDS}
    return Company(ticker=ticker, name=texts["name"] or ticker, benchmark=texts["benchmark"],
                   benchmark_name=texts["benchmark_name"], **names)  # fmt: skip


def _no_unknown_fields(table: dict, allowed: tuple[str, ...], where: str) -> None:
    unknown = sorted(set(table) - set(allowed))
    if unknown:
        raise ConfigError(f"{where}: unknown field {unknown[0]!r} (known: {', '.join(allowed)})")


def _text(value: object, where: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise ConfigError(f"{where}: expected a string")
    return value.strip() or None


def _strings(value: object, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ConfigError(f"{where}: expected a list of non-empty strings")
    return tuple(v.strip() for v in value)


def default_ticker(data_dir: Path | None = None) -> str:
    """The ticker the product starts with: the first [[company]] block's (1810.HK with the bundled data)."""
    return load_companies(data_dir).default.ticker


def default_benchmark(data_dir: Path | None = None) -> str:
    """The default company's benchmark as its prices are stored ('HSI' with the bundled data)."""
    companies = load_companies(data_dir)
    if not companies.default.benchmark_ticker:
        raise ConfigError(
            f"{companies.path} [[company]] #1 ({companies.default.ticker}): 'benchmark' is required"
        )
    return companies.default.benchmark_ticker


def load_tickers(price_tickers: Iterable[str] = (), *, path: Path | None = None) -> dict[str, str]:
    """Ticker → display name: companies.toml first, then tickers that only have prices (benchmarks left out)."""
    path = path or companies_file()
    companies = load_companies(path=path).companies if path.exists() else ()
    tickers = {c.ticker: c.label for c in companies}
    benchmarks = {c.benchmark_ticker for c in companies}
    if companies_file().exists():
        benchmarks.add(default_benchmark())
    for ticker in price_tickers:
        if ticker not in benchmarks:
            tickers.setdefault(str(ticker), str(ticker))
    return tickers


def benchmark_for(ticker: str, price_tickers: Iterable[str], *, path: Path | None = None) -> str:
    """The benchmark series to compare a ticker with: its own benchmark when prices for it are stored (under
    its symbol with or without the '^'), else the default company's (HSI with the bundled data)."""
    company = load_companies(path=path or companies_file()).find(ticker)
    stored = set(price_tickers)
    if company is not None and company.benchmark:
        for candidate in (company.benchmark, price_ticker(company.benchmark)):
            if candidate in stored:
                return candidate
    return default_benchmark()


_TICKER = re.compile(r"^[A-Za-z0-9^][A-Za-z0-9.^=_-]{0,19}$")


def check_ticker(ticker: str) -> str:
    """A ticker as typed, trimmed, or InputError when it cannot be one (e.g. '1810.HK', 'HSI', '^HSI')."""
    value = (ticker or "").strip()
    if not _TICKER.match(value):
        raise InputError("a ticker is 1–20 letters, digits, '.', '^', '=', '_' or '-'", field="ticker")
    return value
