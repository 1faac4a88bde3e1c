"""Near-duplicate links without a sequential pass: a join on fingerprint bands, then each copy's earliest root.

The single-machine ingest (analysis/ingest/dedup.py) walks the articles in order and links each to the root
of the earliest earlier article within NEAR_DUPLICATE_BITS. The same links follow from two parallel steps:
1. a join, split into buckets of band keys: each article's four band keys (the index side) against every
   article's 68 probe keys (each band and its one-bit neighbours: by pigeonhole a pair within 6 bits shares a
   band within one bit), kept when the other article is earlier and within 6 bits; per article, the earliest
   such match is its parent;
2. roots by pointer jumping (root = root[root] until nothing moves), vectorised: no article waits on another.
Articles are given as positions in the single-machine order: known (already stored) originals first, then the
ingest's fresh articles in file and row order, so "earliest" means the same thing in both.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.ingest.dedup import _BAND_BITS, _BAND_COUNT, NEAR_DUPLICATE_BITS

_LOW = np.uint64((1 << _BAND_BITS) - 1)
_FLIPS = np.array([0] + [1 << bit for bit in range(_BAND_BITS)], dtype=np.int64)  # the key and its neighbours
_CHUNK = 50_000  # articles per probe chunk inside a task: bounds a task's memory (68 keys each)


def band_keys(values: np.ndarray) -> np.ndarray:
    """(n, 4) int keys, band number in the high bits (as dedup._band_keys), of signed 64-bit fingerprints."""
    unsigned = values.astype(np.int64).view(np.uint64)
    bands = [(unsigned >> np.uint64(i * _BAND_BITS)) & _LOW for i in range(_BAND_COUNT)]
    keys = np.stack(bands, axis=1).astype(np.int64)
    return keys | (np.arange(_BAND_COUNT, dtype=np.int64) << _BAND_BITS)[None, :]


def probe_keys(values: np.ndarray) -> np.ndarray:
    """(n, 68) keys: each band key and its 16 one-bit neighbours (as dedup._probe_keys)."""
    keys = band_keys(values)
    return (keys[:, :, None] ^ _FLIPS[None, None, :]).reshape(len(values), -1)


def bucket_parents(bucket: int, buckets: int, values: np.ndarray, probe: np.ndarray, index: np.ndarray):
    """One bucket of the join: (article, earliest earlier match) position pairs among keys ≡ bucket.

    values: every article's fingerprint, by position; probe / index: which articles look for matches /
    can be matched.
    """
    index_pos = np.flatnonzero(index)
    keys = band_keys(values[index_pos])
    mine = keys % buckets == bucket
    index_side = pd.DataFrame({"key": keys[mine], "q": np.broadcast_to(index_pos[:, None], keys.shape)[mine]})
    unsigned = values.astype(np.int64).view(np.uint64)
    found = []
    probe_pos = np.flatnonzero(probe)
    for start in range(0, len(probe_pos), _CHUNK):
        chunk = probe_pos[start : start + _CHUNK]
        keys = probe_keys(values[chunk])
        mine = keys % buckets == bucket
        probe_side = pd.DataFrame({"key": keys[mine], "p": np.broadcast_to(chunk[:, None], keys.shape)[mine]})
        pairs = probe_side.merge(index_side, on="key")[["p", "q"]]
        pairs = pairs[pairs["q"].to_numpy() < pairs["p"].to_numpy()]
        p, q = pairs["p"].to_numpy(), pairs["q"].to_numpy()
        close = np.bitwise_count(unsigned[p] ^ unsigned[q]) <= NEAR_DUPLICATE_BITS
        found.append(pd.DataFrame({"p": p[close], "q": q[close]}))
    if not found:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    best = pd.concat(found).groupby("p", sort=False)["q"].min()
    return best.index.to_numpy(np.int64), best.to_numpy(np.int64)


def roots(n: int, parents: list[tuple[np.ndarray, np.ndarray]]) -> np.ndarray:
    """Each article's root position (itself when it is an original), from the buckets' (article, match) pairs."""
    parent = np.full(n, np.iinfo(np.int64).max, dtype=np.int64)
    for p, q in parents:
        np.minimum.at(parent, p, q)  # the earliest match over all buckets
    root = np.arange(n, dtype=np.int64)
    linked = parent != np.iinfo(np.int64).max
    root[linked] = parent[linked]
    while True:  # pointer jumping: parents are earlier, so this ends within log2(depth) + 1 passes
        jumped = root[root]
        if np.array_equal(jumped, root):
            return root
        root = jumped


def link_roots(engine, values: np.ndarray, n_known: int, *, buckets: int) -> np.ndarray:
    """Root positions of known + fresh articles (known first): the join's buckets run as engine tasks.

    Known originals only match; fresh articles with a fingerprint match and can be matched (as in
    dedup.NearDuplicateIndex: a fingerprint of 0 means no text to compare).
    """
    values = np.asarray(values, dtype=np.int64)
    fresh = np.arange(len(values)) >= n_known
    probe = fresh & (values != 0)
    index = ~fresh | probe
    if not probe.any():
        return np.arange(len(values), dtype=np.int64)
    shared = engine.put((values, probe, index))
    handles = [engine.submit(_bucket_task, b, buckets, shared) for b in range(buckets)]
    return roots(len(values), engine.get(handles))


def _bucket_task(bucket: int, buckets: int, shared) -> tuple[np.ndarray, np.ndarray]:
    values, probe, index = shared
    return bucket_parents(bucket, buckets, values, probe, index)
