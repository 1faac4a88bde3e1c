"""Outlets merged across scripts and spellings (data/outlets.toml): one name per outlet, however written.

The file holds one [[outlet]] block per outlet: `name` (what the dashboard shows) and `aliases` (every other
spelling). Spellings are matched by a key: the simplified script, lower case, single spaces, no leading
'www.'. So 极客公园 / 極客公園 are one outlet without any block, and an alias names its outlet in either script.
A spelling no block lists is its own outlet, shown in simplified script (the first of its variants, sorted).
Articles keep their own spelling (the `source` column); filters, options, the per-outlet panel and the
export's `outlet` column use the name. Anything malformed is a ConfigError naming the file and the block.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from analysis import settings
from analysis.errors import ConfigError
from analysis.text.script import to_simplified

OUTLETS_FILE_NAME = "outlets.toml"
UNKNOWN = "(unknown)"  # an article without an outlet, as the store's filters and sums name it
_FIELDS = ("name", "aliases")


@lru_cache(maxsize=65536)
def spelling_key(spelling: str) -> str:
    """What two spellings of one outlet share: simplified script, lower case, single spaces, no 'www.'."""
    key = " ".join(to_simplified(str(spelling)).split()).casefold()
    return key[4:] if key.startswith("www.") else key


@dataclass(frozen=True)
class Outlets:
    """The configured outlets: each spelling's key mapped to its outlet's name."""

    path: Path | None = None
    names_by_key: dict[str, str] = field(default_factory=dict)

    def key(self, spelling: str | None) -> str:
        """The outlet a spelling belongs to, as a key: its configured name's, else the spelling's own."""
        spelling = UNKNOWN if spelling is None else str(spelling)
        own = spelling_key(spelling)
        name = self.names_by_key.get(own)
        return spelling_key(name) if name is not None else own

    def names(self, spellings: Iterable[str | None]) -> dict[str, str]:
        """Each spelling (None as '(unknown)') → its outlet's name: the configured one, else the simplified
        form of the first spelling of that outlet among these (sorted), so one outlet reads one way."""
        spellings = sorted({UNKNOWN if s is None else str(s) for s in spellings})
        chosen: dict[str, str] = {}
        for spelling in spellings:
            key = self.key(spelling)
            configured = self.names_by_key.get(spelling_key(spelling))
            chosen.setdefault(key, configured or " ".join(to_simplified(spelling).split()))
        return {spelling: chosen[self.key(spelling)] for spelling in spellings}

    def spellings_of(self, chosen: Iterable[str], spellings: Iterable[str | None]) -> list[str]:
        """The spellings among `spellings` that belong to any chosen outlet (by name or by any spelling)."""
        wanted = {self.key(c) for c in chosen}
        return sorted({UNKNOWN if s is None else str(s) for s in spellings if self.key(s) in wanted})


def outlets_file(data_dir: Path | None = None) -> Path:
    """Where the outlet names live: data_dir, else the configured data directory."""
    return (data_dir or settings.current().data_dir) / OUTLETS_FILE_NAME


def outlets_version(data_dir: Path | None = None) -> tuple[int, int]:
    """(mtime, size) of outlets.toml, (0, 0) without one: a cache key that changes when the file is edited."""
    try:
        stat = outlets_file(data_dir).stat()
    except OSError:
        return (0, 0)
    return (stat.st_mtime_ns, stat.st_size)


def load_outlets(data_dir: Path | None = None, *, path: Path | None = None) -> Outlets:
    """Parse outlets.toml (path, else data_dir's); no file means no names (script variants still merge)."""
    path = path or outlets_file(data_dir)
    try:
        stat = path.stat()
    except OSError:
        return Outlets()
    return _parse(path, stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=8)
def _parse(path: Path, _mtime_ns: int, _size: int) -> Outlets:
    """The parsed file, cached until it changes (mtime and size are part of the key)."""
    try:
        data = tomllib.loads(path.read_bytes().decode("utf-8-sig"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read the outlet names ({exc})") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: malformed TOML ({exc})") from None
    unknown = sorted(set(data) - {"outlet"})
    if unknown:
        raise ConfigError(f"{path}: unknown section [{unknown[0]}] (write one [[outlet]] block per outlet)")
    blocks = data.get("outlet", [])
    if not isinstance(blocks, list):
        raise ConfigError(f"{path}: 'outlet' must be [[outlet]] blocks")
    names: dict[str, str] = {}
    for number, block in enumerate(blocks, start=1):
        where = f"{path} [[outlet]] #{number}"
        if not isinstance(block, dict):
            raise ConfigError(f"{where}: must be a table")
        extra = sorted(set(block) - set(_FIELDS))
        if extra:
            raise ConfigError(f"{where}: unknown field {extra[0]!r} (known: {', '.join(_FIELDS)})")
        name = block.get("name")
        if not isinstance(name, str) or not name.strip():
            raise ConfigError(f"{where}: 'name' is required (a non-empty string)")
        name = " ".join(name.split())
        aliases = block.get("aliases", [])
        if not isinstance(aliases, list) or not all(isinstance(a, str) and a.strip() for a in aliases):
            raise ConfigError(f"{where} ({name}).aliases: expected a list of non-empty strings")
        for spelling in (name, *aliases):
            key = spelling_key(spelling)
            if names.get(key, name) != name:
                raise ConfigError(f"{where} ({name}): {spelling!r} already names the outlet {names[key]!r}")
            names[key] = name
    return Outlets(path=path, names_by_key=names)
