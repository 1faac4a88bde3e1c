"""Frame evidence: the patterns of data/frames.toml found in each sentence, with spans and strength."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import ahocorasick_rs
import numpy as np

from analysis.errors import ConfigError
from analysis.scoring import config
from analysis.scoring.lexicon import _char_class, normalise_key

POLARITIES = ("bullish", "bearish", "context")
BASE_STRENGTH = {"bullish": 1.0, "bearish": 1.0, "context": 0.8}
COMPOUND = 1.3  # 'A…B' patterns are more specific than either part
COMPOUND_GAP = 24  # characters allowed between the parts: '市值也由此突破了 1.4 万亿港元,刷新了历史记录'
WEAK = 0.5
SPECIFICITY = 0.01
_SEPARATORS = ("…", "...")


@dataclass(frozen=True)
class FrameSpec:
    """One frame of frames.toml."""

    name: str
    polarity: str
    description: str
    weight: float


@dataclass(frozen=True)
class Pattern:
    """One pattern: its text as written, its parts as matched, and the strength of a hit."""

    frame: FrameSpec
    written: str
    parts: tuple[str, ...]
    prefix: tuple[bool, ...]
    strength: float
    weak: bool = False


@dataclass(slots=True)
class RawHit:
    """A pattern found in one sentence (absolute character span)."""

    pattern: Pattern
    start: int
    end: int
    strength: float
    negated: bool = False


def _split_pattern(written: str) -> list[str]:
    for separator in _SEPARATORS:
        if separator in written:
            return [part for part in (p.strip() for p in written.split(separator))]
    return [written.strip()]


class FrameMatcher:
    """Loads frames.toml and finds its patterns in a lowercased simplified text."""

    def __init__(self, data_dir: Path):
        path = config.resolve(data_dir, config.FRAMES)
        data = config.read_toml(path)
        frames = data.get("frames")
        if not isinstance(frames, dict) or not frames:
            raise ConfigError(f"{path}: needs [frames.<name>] tables")
        self.specs: dict[str, FrameSpec] = {}
        self.patterns: list[Pattern] = []
        parts_index: dict[str, list[tuple[int, int]]] = {}
        for name, table in frames.items():
            where = f"{path} [frames.{name}]"
            polarity = table.get("polarity") if isinstance(table, dict) else None
            if polarity not in POLARITIES:
                raise ConfigError(f"{where}: polarity must be one of {', '.join(POLARITIES)}")
            weight = table.get("weight", 1.0)
            if not isinstance(weight, int | float) or weight <= 0:
                raise ConfigError(f"{where}: weight must be a positive number")
            spec = FrameSpec(name, polarity, str(table.get("description", "")), float(weight))
            self.specs[name] = spec
            for field, factor in (("patterns", 1.0), ("weak", WEAK)):
                written_list = table.get(field, [])
                if not isinstance(written_list, list) or not all(isinstance(w, str) for w in written_list):
                    raise ConfigError(f"{where}: {field} must be a list of strings")
                seen = set()
                for written in written_list:
                    raw_parts = _split_pattern(written)
                    if len(raw_parts) > 2 or not all(raw_parts):
                        raise ConfigError(f"{where}: pattern {written!r} must be 'text' or 'A…B'")
                    keys = [normalise_key(p) for p in raw_parts]
                    parts = tuple(k for k, _ in keys)
                    if parts in seen:
                        continue  # a traditional spelling that converts to a simplified one already listed
                    seen.add(parts)
                    strength = (
                        BASE_STRENGTH[polarity] * spec.weight * factor * (COMPOUND if len(parts) > 1 else 1)
                    )
                    # A longer pattern is more specific: it wins ties ('信任危机' over '退车').
                    strength *= 1 + SPECIFICITY * min(sum(len(p) for p in parts), 10)
                    pattern = Pattern(
                        spec, written, parts, tuple(p for _, p in keys), strength, field == "weak"
                    )
                    self.patterns.append(pattern)
                    for part_number, part in enumerate(parts):
                        parts_index.setdefault(part, []).append((len(self.patterns) - 1, part_number))
        ignore = data.get("settings", {}).get("ignore", [])
        if not isinstance(ignore, list) or not all(isinstance(w, str) for w in ignore):
            raise ConfigError(f"{path} [settings]: ignore must be a list of strings")
        self.ignore = {normalise_key(w)[0] for w in ignore}
        for key in self.ignore:
            parts_index.setdefault(key, [])
        # Word-boundary facts unpacked once per key: find() runs over every article.
        part_keys = list(parts_index)
        self._values = [
            (
                _char_class(key[0]),
                _char_class(key[-1]),
                any(self.patterns[p].prefix[n] for p, n in parts_index[key]),
                tuple(parts_index[key]),
                key in self.ignore,
                any(not self.patterns[p].weak for p, _ in parts_index[key]),
            )
            for key in part_keys
        ]
        # Every (overlapping) occurrence of every part: a compound's parts may overlap other patterns.
        self.automaton = (
            ahocorasick_rs.AhoCorasick(part_keys, matchkind=ahocorasick_rs.MatchKind.Standard)
            if part_keys
            else None
        )

    def find(self, lowered: str) -> list[tuple[int, int, tuple, bool, bool]]:
        """All (overlapping) part matches in the text: (start, end, uses, is_ignore, is_strong), by start.

        is_strong: the text is a part of some full-weight (not weak) pattern.
        """
        found: list[tuple[int, int, tuple, bool, bool]] = []
        if self.automaton is None:
            return found
        size = len(lowered)
        values = self._values
        for index, start, end in self.automaton.find_matches_as_indexes(lowered, overlapping=True):
            head, tail, prefix_use, uses, ignore, strong = values[index]
            if head and start > 0 and _char_class(lowered[start - 1]) == head:
                continue
            if prefix_use:
                while end < size and _char_class(lowered[end]) == "L":
                    end += 1
            elif tail and end < size and _char_class(lowered[end]) == tail:
                continue
            found.append((start, end, uses, ignore, strong))
        found.sort(key=lambda m: (m[0], m[1]))
        return found

    def hits(self, matches: list[tuple[int, int, tuple, bool, bool]]) -> list[RawHit]:
        """Pattern hits of one sentence from its part matches; compound patterns need both parts in order."""
        if not matches:
            return []
        ignored = [(s, e) for s, e, _, ign, _ in matches if ign]
        # Spans of every part of a full-weight pattern: a weak (topic) word overlapping one of them
        # is a substring accident ('创新' in '创新高'), not evidence.
        strong_parts = [(s, e) for s, e, _, ign, strong in matches if strong and not ign]
        first_seen: dict[tuple[int, int], tuple[int, int]] = {}
        hits: list[RawHit] = []
        for start, end, uses, _, _ in matches:
            if ignored and any(s < end and start < e for s, e in ignored):
                continue
            for pattern_id, part_number in uses:
                pattern = self.patterns[pattern_id]
                if len(pattern.parts) == 1:
                    if (
                        pattern.weak
                        and strong_parts
                        and any(s < end and start < e and (s, e) != (start, end) for s, e in strong_parts)
                    ):
                        continue
                    hits.append(RawHit(pattern, start, end, pattern.strength))
                elif part_number == 0:
                    first_seen[(pattern_id, 0)] = (start, end)  # the closest first part wins
                else:
                    first = first_seen.get((pattern_id, 0))
                    if (
                        first is not None
                        and first[1] <= start <= first[1] + COMPOUND_GAP
                        and (pattern_id, 1) not in first_seen
                    ):
                        first_seen[(pattern_id, 1)] = (start, end)
                        hits.append(RawHit(pattern, first[0], end, pattern.strength))
        return _drop_contained(hits)


def strongest_by_frame(hit_lists: list[list[RawHit]], frame_names: list[str]) -> np.ndarray:
    """Per sentence (row), each named frame's strongest pattern hit (0 when none): the frame model's features."""
    column = {name: i for i, name in enumerate(frame_names)}
    strongest = np.zeros((len(hit_lists), len(frame_names)))
    for row, hits in enumerate(hit_lists):
        for hit in hits:  # most sentences have none: only their rows are visited
            i = column.get(hit.pattern.frame.name)
            if i is not None and hit.strength > strongest[row, i]:
                strongest[row, i] = hit.strength
    return strongest


def _drop_contained(hits: list[RawHit]) -> list[RawHit]:
    """Within one frame keep the strongest of overlapping hits ('市值蒸发' over '蒸发').

    Contiguous hits go first: a two-part hit only counts where no contiguous pattern of its frame
    already covers the text, so evidence shows '市值突破' and '历史新高', not the whole stretch.
    """
    hits.sort(key=lambda h: (len(h.pattern.parts) > 1, -h.strength, -(h.end - h.start), h.start))
    kept: list[RawHit] = []
    for hit in hits:
        if not any(
            k.pattern.frame is hit.pattern.frame and k.start < hit.end and hit.start < k.end for k in kept
        ):
            kept.append(hit)
    kept.sort(key=lambda h: h.start)
    return kept
