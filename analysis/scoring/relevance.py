"""Who a sentence is about: the company (by ticker), another firm, the market, or nobody named."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from analysis.errors import ConfigError
from analysis.scoring import config

# Sentence relevance to the company by what it names. Values are weights in the article
# aggregate; an 'other only' sentence also has its tone damped (see OTHER_TONE_DAMPING).
RELEVANCE_SELF = 1.0
RELEVANCE_ANAPHORA = 0.8  # 'the company', '该公司': refers back to the article's company
RELEVANCE_CONTINUATION = 0.6  # no name, in an article that names the company elsewhere
RELEVANCE_UNANCHORED = 0.4  # no name, and the text never names the company
RELEVANCE_OTHER = 0.2  # names only other firms, funds or indices
OTHER_TONE_DAMPING = 0.25  # tone of an 'other only' sentence toward the company is mostly not about it


@dataclass(frozen=True)
class Company:
    """One configured company: ticker, display name, benchmark and every name it goes by."""

    ticker: str
    name: str
    benchmark: str | None
    names: tuple[str, ...]


@dataclass(frozen=True)
class Companies:
    """All configured companies plus the generic anaphora, market and other-firm words."""

    companies: tuple[Company, ...]
    anaphora: tuple[str, ...]
    market: tuple[str, ...]
    others: tuple[str, ...]

    def get(self, ticker: str) -> Company:
        """The company with this ticker (case-insensitive); ConfigError listing the known tickers."""
        for company in self.companies:
            if company.ticker.lower() == ticker.lower():
                return company
        known = ", ".join(c.ticker for c in self.companies)
        raise ConfigError(f"companies.toml: unknown ticker {ticker!r} (known: {known})")

    def entity_kinds(self, ticker: str) -> dict[str, str]:
        """Every name mapped to its kind for this ticker: self, other, market or anaphora."""
        target = self.get(ticker)
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


def _strings(value: object, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ConfigError(f"{where}: expected a list of non-empty strings")
    return tuple(v.strip() for v in value)


def load_companies(data_dir: Path) -> Companies:
    """Parse companies.toml; ConfigError naming the block and field when something is malformed."""
    path = config.resolve(data_dir, config.COMPANIES)
    data = config.read_toml(path)
    defaults = data.get("defaults", {})
    blocks = data.get("company")
    if not isinstance(blocks, list) or not blocks:
        raise ConfigError(f"{path}: needs at least one [[company]] block")
    companies = []
    for index, block in enumerate(blocks, start=1):
        where = f"{path} [[company]] #{index}"
        ticker, name = block.get("ticker"), block.get("name")
        if not isinstance(ticker, str) or not ticker.strip():
            raise ConfigError(f"{where}: 'ticker' is required")
        if not isinstance(name, str) or not name.strip():
            raise ConfigError(f"{where} ({ticker}): 'name' is required")
        names = ()
        for field in ("aliases", "people", "products"):
            names += _strings(block.get(field), f"{where} ({ticker}).{field}")
        if not names:
            raise ConfigError(f"{where} ({ticker}): 'aliases' must name the company at least once")
        companies.append(Company(ticker.strip(), name.strip(), block.get("benchmark"), names))
    return Companies(
        companies=tuple(companies),
        anaphora=_strings(defaults.get("anaphora"), f"{path} [defaults].anaphora"),
        market=_strings(defaults.get("market"), f"{path} [defaults].market"),
        others=_strings(defaults.get("others"), f"{path} [defaults].others"),
    )


def sentence_relevance(kinds: set[str], *, article_names_company: bool) -> float:
    """How much a sentence is about the company, from the kinds of names it mentions."""
    if "self" in kinds:
        return RELEVANCE_SELF
    if "anaphora" in kinds:
        # 'the company ... Tesla': probably still about the company, less surely so.
        return RELEVANCE_ANAPHORA if kinds == {"anaphora"} else RELEVANCE_CONTINUATION
    if "other" in kinds or "market" in kinds:
        return RELEVANCE_OTHER
    return RELEVANCE_CONTINUATION if article_names_company else RELEVANCE_UNANCHORED
