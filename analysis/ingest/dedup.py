"""Near-duplicate detection: a 64-bit SimHash over character shingles, and links to the earliest copy."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable

import numpy as np

from analysis.models import Article

SHINGLE = 4  # characters: about two Chinese words, or most of an English word
# Hamming distance at or below which two bodies are the same article: a repost that drops or adds a
# paragraph moves 1-7 bits; unrelated articles about the same company differ by 19+ bits (measured on the
# bundled corpus and the dev set).
NEAR_DUPLICATE_BITS = 6
# Pigeonhole: with distance <= 6, one of the four 16-bit bands differs in at most one bit, so probing each
# band's key and its 16 one-bit neighbours (68 lookups) finds every candidate without comparing all pairs.
_BAND_BITS = 16
_BAND_COUNT = 4
_NOT_WORD = re.compile(r"[\W_]+")
_PRIME = np.uint64(0x100000001B3)


def _mix(z: np.ndarray) -> np.ndarray:
    """splitmix64 finaliser: spreads every input bit over all 64 output bits."""
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


def _signed(value: int) -> int:
    return value - (1 << 64) if value >= 1 << 63 else value


def simhash64(text: str) -> int:
    """SimHash of the body's letters and digits (case-folded), as a signed 64-bit int (fits DuckDB BIGINT)."""
    core = _NOT_WORD.sub("", text.casefold())
    if not core:
        return 0
    codes = np.frombuffer(core.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    if len(codes) < SHINGLE:
        codes = np.concatenate([codes, np.zeros(SHINGLE - len(codes), dtype=np.uint64)])
    with np.errstate(over="ignore"):
        hashes = np.zeros(len(codes) - SHINGLE + 1, dtype=np.uint64)
        for offset in range(SHINGLE):
            hashes = hashes * _PRIME + codes[offset : offset + len(hashes)]
        hashes = _mix(hashes)
    bits = np.unpackbits(hashes.astype(">u8").view(np.uint8)).reshape(-1, 64)
    majority = bits.sum(axis=0, dtype=np.int64) * 2 > len(hashes)
    return _signed(int.from_bytes(np.packbits(majority).tobytes(), "big"))


def hamming(a: int, b: int) -> int:
    """Number of differing bits between two 64-bit fingerprints (signed or not)."""
    return ((a ^ b) & 0xFFFFFFFFFFFFFFFF).bit_count()


_MASK = 0xFFFFFFFFFFFFFFFF
_FLIPS = tuple(1 << bit for bit in range(_BAND_BITS))


def _band_keys(value: int) -> list[int]:
    """One int key per band: band number in the high bits, the band's 16 bits below."""
    unsigned = value & 0xFFFFFFFFFFFFFFFF
    return [(i << _BAND_BITS) | ((unsigned >> (i * _BAND_BITS)) & 0xFFFF) for i in range(_BAND_COUNT)]


def _probe_keys(value: int) -> list[int]:
    keys = _band_keys(value)
    return keys + [key ^ flip for key in keys for flip in _FLIPS]


def link_near_duplicates(articles: list[Article], known: Iterable[tuple[str, int]] = ()) -> list[Article]:
    """Set duplicate_of on reposts/mirrors: the earliest-seen copy (known ones first, then list order) wins."""
    return NearDuplicateIndex(known).link(articles)


class NearDuplicateIndex:
    """Fingerprints seen so far, banded for lookup; kept across an ingest's batches so each is added once."""

    def __init__(self, known: Iterable[tuple[str, int]] = ()) -> None:
        self._bands: dict[int, list[tuple[int, str]]] = {}  # band key -> (fingerprint, id)
        self._root: dict[str, str] = {}  # id -> the earliest copy it duplicates (itself when original)
        self._order: dict[str, int] = {}
        for article_id, value in known:
            self._add(article_id, int(value), article_id)

    def _add(self, article_id: str, value: int, root_id: str) -> None:
        if article_id in self._root:
            return
        self._root[article_id] = root_id
        self._order[article_id] = len(self._order)
        for key in _band_keys(value):
            self._bands.setdefault(key, []).append((value, article_id))

    def link(self, articles: list[Article]) -> list[Article]:
        """The articles with duplicate_of set where an earlier one is a near copy; all are remembered."""
        bands, root = self._bands, self._root
        out: list[Article] = []
        for article in articles:
            value = article.simhash
            if article.duplicate_of and article.id not in root:  # a copy already linked (same text)
                self._add(article.id, value, root.get(article.duplicate_of, article.duplicate_of))
                out.append(article)
                continue
            if article.id in root or not value:
                out.append(article)  # the same body again (the store skips it) or nothing to compare
                continue
            matches = [
                other
                for key in _probe_keys(value)
                if key in bands
                for fingerprint, other in bands[key]
                if ((fingerprint ^ value) & _MASK).bit_count() <= NEAR_DUPLICATE_BITS
            ]
            if matches:
                original = root[min(matches, key=self._order.__getitem__)]
                self._add(article.id, value, original)
                out.append(dataclasses.replace(article, duplicate_of=original))
            else:
                self._add(article.id, value, article.id)
                out.append(article)
        return out
