"""snownlp as a named second signal: a product-review model, shown side by side, never the default tone.

It reads financial news at chance level (it was trained on shopping reviews), so the scorer only
asks it about sentences relevant to the company, on the simplified copy, and caches each answer
by the sentence's hash for the life of the process.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from typing import Any

CACHE_SIZE = 100_000


class SnowNLPSignal:
    """snownlp's probability that a (simplified Chinese) sentence is positive, cached by sentence hash."""

    def __init__(self, cache_size: int = CACHE_SIZE):
        self.cache_size = cache_size
        self._cache: OrderedDict[bytes, float] = OrderedDict()
        self._model: Any = None
        self._lock = threading.Lock()  # the dashboard may call from several threads
        self.hits = 0
        self.misses = 0

    def _snownlp(self) -> Any:
        if self._model is None:
            # Imported on first use: loading its models takes about a second.
            from snownlp import SnowNLP

            self._model = SnowNLP
        return self._model

    def __call__(self, sentence: str) -> float | None:
        """Probability of 'positive' in [0, 1]; None for text snownlp cannot read (empty, no letters)."""
        text = sentence.strip()
        if not text or not any(c.isalpha() for c in text):
            return None
        key = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()
        with self._lock:
            cached = self._cache.get(key)
            if cached is not None:
                self.hits += 1
                self._cache.move_to_end(key)
                return cached
            self.misses += 1
        try:
            value = float(self._snownlp()(text).sentiments)
        except (ZeroDivisionError, ValueError, KeyError, IndexError, UnicodeError):
            return None  # snownlp fails on some symbol-only input; it is a side signal, not worth a crash
        value = min(1.0, max(0.0, value))
        with self._lock:
            self._cache[key] = value
            if len(self._cache) > self.cache_size:
                self._cache.popitem(last=False)
        return value


def snownlp_label(value: float | None, *, positive: float = 0.6, negative: float = 0.4) -> str:
    """snownlp's probability as a 3-class label: > 0.6 positive, < 0.4 negative, else (or None) neutral."""
    if value is None:
        return "neutral"
    if value > positive:
        return "positive"
    if value < negative:
        return "negative"
    return "neutral"
