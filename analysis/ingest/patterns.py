"""Load data/chrome_patterns.toml once and compile each pattern group into one regex (fast per line)."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

from analysis.errors import ConfigError
from analysis.settings import DATA_DIR

PATTERNS_FILE = DATA_DIR / "chrome_patterns.toml"  # the clone's data/ or the installed copy
_FLAGS = re.IGNORECASE


@dataclass(frozen=True)
class Patterns:
    """Compiled ingest patterns; every regex runs on the simplified (t2s) copy of the text."""

    chrome_line: re.Pattern[str]  # fullmatch: the whole line is chrome
    inline_tail: re.Pattern[str]  # search: cut the line from here
    inline_head: re.Pattern[str]  # match: drop this prefix
    tail_hard: re.Pattern[str]  # fullmatch on a line: drop it and the rest
    tail_soft: re.Pattern[str]  # fullmatch on a line: drop the rest when it is a list of headlines
    signatures: tuple[re.Pattern[str], ...]  # in order; group 'name' is the outlet
    copyright_owner: re.Pattern[str]
    copyright_domain: re.Pattern[str]
    header_label: re.Pattern[str]  # a label that introduces a dateline ('Time:', 'date', '发布时间')
    now_cue: re.Pattern[str]
    this_year: re.Pattern[str]
    durations: tuple[tuple[re.Pattern[str], int], ...]
    anchors: tuple[tuple[re.Pattern[str], date], ...]


def _alternation(patterns: list[str], where: str) -> str:
    """Join patterns as one non-capturing alternation, checking each compiles on its own."""
    for pattern in patterns:
        try:
            re.compile(pattern, _FLAGS)
        except re.error as exc:
            raise ConfigError(f"{PATTERNS_FILE.name} [{where}]: bad pattern {pattern!r}: {exc}") from exc
    return "|".join(f"(?:{p})" for p in patterns) or r"(?!x)x"


def _compile(pattern: str, where: str) -> re.Pattern[str]:
    try:
        return re.compile(pattern, _FLAGS | re.MULTILINE)
    except re.error as exc:
        raise ConfigError(f"{PATTERNS_FILE.name} [{where}]: bad pattern {pattern!r}: {exc}") from exc


def _section(data: dict, *keys: str) -> object:
    node: object = data
    for key in keys:
        if not isinstance(node, dict) or key not in node:
            raise ConfigError(f"{PATTERNS_FILE}: missing [{'.'.join(keys)}]")
        node = node[key]
    return node


@lru_cache(maxsize=4)
def load_patterns(path: Path = PATTERNS_FILE) -> Patterns:
    """Read and compile the pattern file; cached, so every article shares one compiled set."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ConfigError(f"{path}: pattern file not found") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from exc
    lines = _section(data, "line")
    assert isinstance(lines, dict)
    every_line = [p for group, plist in lines.items() for p in _as_list(plist, f"line.{group}")]
    chrome = _compile(f"(?:{_alternation(every_line, 'line')})", "line")
    dates = _section(data, "dates")
    assert isinstance(dates, dict)
    return Patterns(
        chrome_line=chrome,
        inline_tail=_compile(
            _alternation(_list(data, "inline_tail", "patterns"), "inline_tail"), "inline_tail"
        ),
        inline_head=_compile(
            _alternation(_list(data, "inline_head", "patterns"), "inline_head"), "inline_head"
        ),
        tail_hard=_compile(_alternation(_list(data, "tail", "hard"), "tail.hard"), "tail.hard"),
        tail_soft=_compile(_alternation(_list(data, "tail", "soft"), "tail.soft"), "tail.soft"),
        signatures=tuple(_compile(p, "source.signatures") for p in _list(data, "source", "signatures")),
        copyright_owner=_compile(str(_section(data, "source", "copyright_owner")), "source.copyright_owner"),
        copyright_domain=_compile(
            str(_section(data, "source", "copyright_domain")), "source.copyright_domain"
        ),
        header_label=_compile(
            _alternation(_list(data, "dates", "header_labels"), "dates"), "dates.header_labels"
        ),
        now_cue=_compile(_alternation(_list(data, "dates", "now_cues"), "dates"), "dates.now_cues"),
        this_year=_compile(_alternation(_list(data, "dates", "this_year"), "dates"), "dates.this_year"),
        durations=tuple(
            (_compile(str(d["pattern"]), "dates.durations"), int(d["months"]))
            for d in dates.get("durations", [])
        ),
        anchors=tuple(_anchor(a) for a in dates.get("anchors", [])),
    )


def _anchor(entry: dict) -> tuple[re.Pattern[str], date]:
    since = entry.get("since")
    if not isinstance(since, date):
        raise ConfigError(f"{PATTERNS_FILE.name} [dates.anchors]: 'since' must be a date, got {since!r}")
    return _compile(str(entry.get("pattern", "")), "dates.anchors"), since


def _list(data: dict, *keys: str) -> list[str]:
    return _as_list(_section(data, *keys), ".".join(keys))


def _as_list(value: object, where: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{PATTERNS_FILE.name} [{where}]: expected a list of strings")
    return value
