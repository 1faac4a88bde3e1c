"""Article stance from the article's aggregate signals: a small model learned from labelled real articles.

Why a model: the rule thresholds (aggregate.py) were set against a handful of articles; on real articles
nobody tuned them to, they read many one-sided articles as neutral. The model reads the same signals the
rules do (tone, the headline's tone, how many sentences lean each way, frame weight on each side) and is
fitted on data/training/articles.csv by `narrative train`. Without a stance model the rules decide.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from analysis.scoring.model import SentenceModel

STANCES = ("bearish", "bullish", "mixed", "neutral")
STANCE_MODEL_FILE = "models/stance.npz"
SIGNALS = (
    "tone",  # relevance- and lead-weighted mean tone of the polar sentences
    "lead_tone",  # the headline's (first informative sentence's) tone
    "mean_tone",  # relevance-weighted mean tone over every content sentence
    "positive_share",  # relevance-weighted share of positive sentences
    "negative_share",
    # Frame weight per content sentence, not in total: the labelled articles are page excerpts, the articles
    # scored are whole, and a total grows with length on both sides (a long bullish piece read as mixed).
    "bull_per_sentence",
    "bear_per_sentence",
    "balance",  # (bull - bear) / (bull + bear)
    "density",  # relevance-weighted mean |tone|
    "agreement",  # |net tone| / tone mass
    "both_sides_per_sentence",  # the smaller side's frame weight per content sentence
    "length",  # log(1 + content sentences)
)


def signal_vector(values: dict[str, float]) -> list[float]:
    """The signals in SIGNALS order (the stance model's input)."""
    return [float(values[name]) for name in SIGNALS]


def predict_stance(model: SentenceModel, signals: Sequence[float]) -> tuple[str, float]:
    """The stance label and its probability for one article's signals."""
    dense = np.asarray(signals, dtype=np.float64).reshape(1, -1)
    empty = np.zeros(0, dtype=np.int64)
    probabilities = model.probabilities(model.logits(empty, empty, dense, 1))[0]
    best = int(probabilities.argmax())
    return model.classes[best], float(probabilities[best])
