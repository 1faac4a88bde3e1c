"""The lake's near-duplicate join gives the single-machine index's links (analysis/ingest/dedup.py)."""

from __future__ import annotations

import dataclasses
import random

import numpy as np
import pytest

from analysis.ingest.dedup import NEAR_DUPLICATE_BITS, NearDuplicateIndex, _band_keys, _probe_keys
from analysis.lake.engine import LocalEngine
from analysis.lake.neardup import band_keys, link_roots, probe_keys
from tests.conftest import make_article

pytest.importorskip("pyarrow")


def _signed(value: int) -> int:
    return value - (1 << 64) if value >= 1 << 63 else value


def _flip(rng: random.Random, value: int, bits: int) -> int:
    for bit in rng.sample(range(64), bits):
        value ^= 1 << bit
    return value


def _fingerprints(rng: random.Random, n: int) -> list[int]:
    """Originals, copies within and just past the threshold, chains of copies, and a few zeros."""
    values: list[int] = []
    for _ in range(n):
        roll = rng.random()
        if values and roll < 0.35:
            base = rng.choice(values) & 0xFFFFFFFFFFFFFFFF
            values.append(_signed(_flip(rng, base, rng.randint(0, NEAR_DUPLICATE_BITS + 2))))
        elif roll < 0.37:
            values.append(0)
        else:
            values.append(_signed(rng.getrandbits(64)))
    return values


def test_band_and_probe_keys_are_the_index_keys():
    values = [_signed(random.Random(i).getrandbits(64)) for i in range(50)]
    array = np.array(values, dtype=np.int64)
    assert band_keys(array).tolist() == [_band_keys(v) for v in values]
    assert [sorted(k) for k in probe_keys(array).tolist()] == [sorted(_probe_keys(v)) for v in values]


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("buckets", [1, 3])
def test_join_links_each_copy_to_the_root_the_sequential_index_picks(seed, buckets):
    rng = random.Random(seed)
    values = _fingerprints(rng, 1500)
    n_known = 200  # stored originals come first, as store.known_fingerprints gives them
    known = [(f"k{i}", values[i]) for i in range(n_known)]
    fresh = [
        dataclasses.replace(make_article(f"fresh {i}"), id=f"f{i}", simhash=values[n_known + i])
        for i in range(len(values) - n_known)
    ]
    expected = {a.id: a.duplicate_of for a in NearDuplicateIndex(known).link(fresh)}
    root = link_roots(LocalEngine(), np.array(values, dtype=np.int64), n_known, buckets=buckets)
    ids = [k for k, _ in known] + [a.id for a in fresh]
    got = {ids[i]: (ids[root[i]] if root[i] != i else None) for i in range(n_known, len(values))}
    assert got == expected
    assert sum(v is not None for v in expected.values()) > 100  # the case is not trivial
