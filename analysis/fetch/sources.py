"""The sources a live update follows (data/sources.toml): one parser, one typed structure, a checked save.

Each [[source]] has a name (unique: failures are reported by it), a url and a kind (feed, sitemap or page);
optionally the language it publishes in and a company filter (a ticker of companies.toml: only articles that
name that company are kept), and enabled = false to pause it. Anything else is a ConfigError naming the file,
the source and the field. The dashboard's editor saves through save_sources_text, which refuses a file that
would not load.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from analysis import settings
from analysis.errors import ConfigError
from analysis.models import LANGUAGES

SOURCES_FILE_NAME = "sources.toml"
KINDS = ("feed", "sitemap", "page")
_FIELDS = ("name", "url", "kind", "language", "company", "enabled")


@dataclass(frozen=True)
class Source:
    """One followed source."""

    name: str
    url: str
    kind: str = "feed"
    language: str | None = None  # keep only articles detected in this language
    company: str | None = None  # keep only articles naming this company (a ticker of companies.toml)
    enabled: bool = True


def sources_file(data_dir: Path | None = None) -> Path:
    """Where the followed sources live: data_dir, else the configured data directory."""
    return (data_dir or settings.current().data_dir) / SOURCES_FILE_NAME


def parse_sources(text: str, *, where: str = SOURCES_FILE_NAME) -> list[Source]:
    """sources.toml's text to sources (paused ones included); ConfigError naming the source and field."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{where}: malformed TOML ({exc})") from None
    blocks = data.get("source", [])
    if not isinstance(blocks, list):
        raise ConfigError(f"{where}: sources are [[source]] blocks")
    sources, names = [], set()
    for number, block in enumerate(blocks, 1):
        at = f"{where} [[source]] {number}"
        if not isinstance(block, dict):
            raise ConfigError(f"{at}: not a table")
        unknown = sorted(set(block) - set(_FIELDS))
        if unknown:
            raise ConfigError(f"{at}: unknown field(s) {', '.join(unknown)} (allowed: {', '.join(_FIELDS)})")
        name, url = block.get("name"), block.get("url")
        if not isinstance(name, str) or not name.strip():
            raise ConfigError(f"{at} [name]: a source needs a name")
        at = f"{where} [[source]] {name!r}"
        if name in names:
            raise ConfigError(f"{at} [name]: two sources have this name")
        names.add(name)
        if not isinstance(url, str) or not url.startswith(("http://", "https://")):
            raise ConfigError(f"{at} [url]: needs an http(s) URL")
        kind = block.get("kind", "feed")
        if kind not in KINDS:
            raise ConfigError(f"{at} [kind]: {kind!r} is not one of {', '.join(KINDS)}")
        language = block.get("language")
        if language is not None and language not in LANGUAGES:
            raise ConfigError(f"{at} [language]: {language!r} is not one of {', '.join(LANGUAGES)}")
        company = block.get("company")
        if company is not None and not isinstance(company, str):
            raise ConfigError(f'{at} [company]: a ticker, e.g. "1810.HK"')
        enabled = block.get("enabled", True)
        if not isinstance(enabled, bool):
            raise ConfigError(f"{at} [enabled]: true or false")
        sources.append(Source(name.strip(), url.strip(), kind, language, company, enabled))
    return sources


def load_sources(path: Path | None = None) -> list[Source]:
    """The sources of sources.toml (none when the file is missing: nothing is followed yet)."""
    path = path or sources_file()
    if not path.exists():
        return []
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read as UTF-8 text ({exc})") from None
    return parse_sources(text, where=str(path))


def read_sources_text(path: Path | None = None) -> str:
    """The file as written (comments kept), for the dashboard's editor; empty when missing."""
    path = path or sources_file()
    return path.read_text(encoding="utf-8") if path.exists() else ""


def save_sources_text(text: str, path: Path | None = None) -> list[Source]:
    """Write sources.toml only when it loads (companies named must exist); returns its sources."""
    from analysis.companies import load_companies

    path = path or sources_file()
    sources = parse_sources(text, where=str(path))
    companies = load_companies()
    for source in sources:
        if source.company and companies.find(source.company) is None:
            raise ConfigError(
                f"{path} [[source]] {source.name!r} [company]: {source.company} is not in companies.toml"
            )
    tmp = path.with_suffix(".toml.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)  # a reader never sees half a file
    return sources
