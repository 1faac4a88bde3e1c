"""From sentence scores to one article score: tone, frame intensities, balance, dominant frame, label."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from analysis.models import ArticleScore, FrameHit, SentenceScore
from analysis.scoring.model import SentenceModel
from analysis.scoring.stance import predict_stance, signal_vector

TONE_SCALE = 1.2  # sentence tone = tanh(raw / TONE_SCALE): one strong phrase (1.2) reads about 0.76
SENTENCE_THRESHOLD = 0.2  # |tone| at or above this is a positive/negative sentence
POLAR_MIN = 0.05  # sentences below this do not enter the article's tone average
LEAD_WEIGHTS = (2.0, 1.6, 1.3)  # the first informative sentences: headline and lede
WEAK_CAP = 1.0  # at most this much of a frame's article total comes from weak (topic-naming) patterns
STANCE_TONE = 0.6
STANCE_FRAMES = 0.4
FRAME_SATURATION = 3.0  # frame evidence counts fully in the stance from this much weight on
# Mean |tone| per relevant sentence below this: the article mostly reports (deal terms, figures)
# and takes no side; it is neutral, or mixed when what tone it has points both ways.
NEUTRAL_DENSITY = 0.3
MIXED_BAND = 0.12  # |stance| below this: no side wins
TWO_SIDED_AGREEMENT = 0.5  # |net| / total tone evidence below this: both sides are present
TWO_SIDED_FRAMES = 1.0  # or at least this much frame weight on each side
MIXED_BALANCE = 0.3  # frames on both sides this even ...
MIXED_TONE = 0.25  # ... and a tone this weak: mixed


@dataclass(slots=True)
class ScoredSentence:
    """A sentence score plus what the article aggregate needs and the model does not keep."""

    score: SentenceScore
    hits: list[FrameHit] = field(default_factory=list)
    strengths: dict[str, float] = field(default_factory=dict)  # frame -> strongest non-negated hit
    polarity: dict[str, str] = field(default_factory=dict)  # frame -> bullish | bearish | context
    weak: set[str] = field(default_factory=set)  # frames this sentence only names (weak patterns)
    chrome: bool = False
    names_company: bool = False


def sentence_tone(raw: float) -> float:
    """Raw evidence to a tone in [-1, 1]."""
    return math.tanh(raw / TONE_SCALE)


def sentence_label(tone: float) -> str:
    """positive / negative / neutral from a sentence (or short text) tone."""
    if tone >= SENTENCE_THRESHOLD:
        return "positive"
    if tone <= -SENTENCE_THRESHOLD:
        return "negative"
    return "neutral"


def sentence_confidence(tone: float, positive: float, negative: float, polar: int, relevance: float) -> float:
    """How sure the sentence label is: strong, one-sided, relevant evidence is sure; none is a modest 0.5."""
    if not polar:
        return 0.5 if relevance > 0 else 0.9  # chrome is surely neutral
    agreement = abs(positive - negative) / (positive + negative) if positive + negative else 0.0
    strength = min(1.0, abs(tone) / 0.8)
    if abs(tone) < SENTENCE_THRESHOLD:  # a neutral label with evidence on both sides or weak evidence
        return round(0.5 * (1 - strength), 4)
    return round(min(1.0, 0.3 + 0.7 * strength * agreement * (0.5 + 0.5 * relevance)), 4)


@dataclass
class Summary:
    """What an article's sentences add up to, before the label: the figures the stance is decided from."""

    content: list[ScoredSentence]
    tone: float
    confidence: float
    relevance: float
    bull: float
    bear: float
    balance: float
    ordered: list[str]
    dominant: str | None
    rule_label: str
    signals: dict[str, float]


def summarise(sentences: list[ScoredSentence]) -> Summary:
    """Article tone, frame totals, balance, dominant frame, the rules' stance label and the stance signals."""
    content = [s for s in sentences if not s.chrome]
    n_content = max(1, len(content))
    names_company = any(s.names_company for s in content)
    relevance = sum(s.score.relevance for s in content) / n_content if content else 0.0
    if not names_company:
        relevance = min(relevance, 0.4)

    # The headline and lede carry the story: the first informative sentences (tone or frames) weigh more.
    lead: dict[int, float] = {}
    for item in content:
        if abs(item.score.tone) >= POLAR_MIN or item.strengths:
            lead[item.score.index] = LEAD_WEIGHTS[len(lead)] if len(lead) < len(LEAD_WEIGHTS) else 1.0

    weighted_sum = weight_total = mass = 0.0
    for item in content:
        tone = item.score.tone
        if abs(tone) < POLAR_MIN:
            continue
        weight = item.score.relevance * lead.get(item.score.index, 1.0)
        weighted_sum += weight * tone
        weight_total += weight
        mass += weight * abs(tone)
    tone = weighted_sum / weight_total if weight_total else 0.0
    agreement = abs(weighted_sum) / mass if mass else 0.0
    confidence = (1 - math.exp(-mass / 2)) * (0.4 + 0.6 * agreement) if mass else 0.0

    strong: dict[str, float] = {}
    named: dict[str, float] = {}  # weak-pattern evidence: a topic named again and again saturates
    polarity: dict[str, str] = {}
    for item in content:
        for frame, strength in item.strengths.items():
            weight = item.score.relevance * lead.get(item.score.index, 1.0)
            bucket = named if frame in item.weak else strong
            bucket[frame] = bucket.get(frame, 0.0) + strength * weight
            polarity[frame] = item.polarity[frame]
    totals = {f: strong.get(f, 0.0) + min(named.get(f, 0.0), WEAK_CAP) for f in polarity}
    bull = sum(v for f, v in totals.items() if polarity[f] == "bullish")
    bear = sum(v for f, v in totals.items() if polarity[f] == "bearish")
    balance = (bull - bear) / (bull + bear) if bull + bear else 0.0
    ordered = sorted(totals, key=lambda f: (-totals[f], polarity[f] == "context", f))
    polar_frames = [f for f in ordered if polarity[f] != "context"]
    dominant = polar_frames[0] if polar_frames else (ordered[0] if ordered else None)

    # Density: how much of the relevant text takes a side at all (relevance-weighted mean |tone|).
    relevant_weight = sum(s.score.relevance for s in content) or 1.0
    density = sum(abs(s.score.tone) * s.score.relevance for s in content) / relevant_weight
    framed_both_ways = bull >= TWO_SIDED_FRAMES and bear >= TWO_SIDED_FRAMES
    stance = STANCE_TONE * tone + STANCE_FRAMES * balance * min(1.0, (bull + bear) / FRAME_SATURATION)
    if not mass and not bull and not bear:
        label = "neutral"
    elif density < NEUTRAL_DENSITY:
        label = "mixed" if framed_both_ways else "neutral"
    elif abs(stance) < MIXED_BAND:
        label = "mixed" if framed_both_ways or agreement < TWO_SIDED_AGREEMENT else "neutral"
    elif framed_both_ways and abs(balance) < MIXED_BALANCE and abs(tone) < MIXED_TONE:
        label = "mixed"  # the story is told both ways and the tone does not settle it
    else:
        label = "bullish" if stance > 0 else "bearish"

    relevant = [s for s in content if s.score.relevance > 0]
    weight_of = sum(s.score.relevance for s in relevant) or 1.0
    lead_index = next(iter(lead), None)
    lead_tone = next((s.score.tone for s in content if s.score.index == lead_index), 0.0)
    signals = {
        "tone": tone,
        "lead_tone": lead_tone,
        "mean_tone": sum(s.score.tone * s.score.relevance for s in relevant) / weight_of,
        "positive_share": sum(s.score.relevance for s in relevant if s.score.label == "positive") / weight_of,
        "negative_share": sum(s.score.relevance for s in relevant if s.score.label == "negative") / weight_of,
        "bull_per_sentence": bull / n_content,
        "bear_per_sentence": bear / n_content,
        "balance": balance,
        "density": density,
        "agreement": agreement,
        "both_sides_per_sentence": min(bull, bear) / n_content,
        "length": math.log1p(len(content)),
    }
    return Summary(
        content, tone, confidence, relevance, bull, bear, balance, ordered, dominant, label, signals
    )


def aggregate(
    article_id: str, sentences: list[ScoredSentence], stance: SentenceModel | None = None
) -> ArticleScore:
    """Article tone, frame intensities, framing balance, dominant frame and stance label.

    `stance`: the learned stance model (stance.py); without it the rules' label stands. An article with no
    evidence at all is neutral either way.
    """
    summary = summarise(sentences)
    content, tone, balance = summary.content, summary.tone, summary.balance
    label = summary.rule_label
    if stance is not None and (summary.signals["density"] > 0 or summary.bull or summary.bear):
        label = predict_stance(stance, signal_vector(summary.signals))[0]
    n_content = max(1, len(content))

    snow = [(s.score.snownlp, s.score.relevance) for s in content if s.score.snownlp is not None]
    snow_weight = sum(w for _, w in snow)
    snownlp_mean = sum(v * w for v, w in snow) / snow_weight if snow_weight else None

    evidence = tuple(hit for s in sentences for hit in s.hits)
    return ArticleScore(
        article_id=article_id,
        tone=round(max(-1.0, min(1.0, tone)), 4),
        confidence=round(max(0.0, min(1.0, summary.confidence)), 4),
        label=label,
        relevance=round(max(0.0, min(1.0, summary.relevance)), 4),
        bull_intensity=round(summary.bull / n_content, 4),
        bear_intensity=round(summary.bear / n_content, 4),
        framing_balance=round(balance, 4),
        dominant_frame=summary.dominant,
        frames=tuple(summary.ordered),
        snownlp=None if snownlp_mean is None else round(snownlp_mean, 4),
        sentences=tuple(s.score for s in sentences),
        evidence=evidence,
    )
