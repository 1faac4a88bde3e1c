"""Plain data passed between stages: ingest → Article → score → ArticleScore → store."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

# How a published date is known, strongest first. 'inferred' is an estimate, never shown as fact.
PUBLISHED_BASES = (
    "manifest",  # a sidecar manifest the user wrote
    "front_matter",  # YAML front matter / a bulk file's own field
    "header",  # an explicit dateline in the text: 'Time:2025-09-28', '2025年04月01日22:12:06'
    "feed",  # the date a feed or news sitemap lists a fetched page under (the page states none)
    "url",  # a date in the URL path: /2025/1118/, 20250523
    "ambiguous",  # a dateline like 05/11/2025 that nothing orders: the range over both readings
    "relative",  # '10月31日(上周五)' resolved against the article's own year context
    "event",  # the dated event the article reports on as happening 'today'
    "inferred",  # the latest dated event in the text: a range, low confidence
    "none",
)
TITLE_BASES = ("manifest", "front_matter", "heading", "breadcrumb", "headline", "derived", "none")
SOURCE_BASES = ("manifest", "front_matter", "signature", "copyright", "url", "none")
LANGUAGES = ("zh-Hans", "zh-Hant", "en")


@dataclass(frozen=True)
class Article:
    """One ingested article: raw text kept, cleaned text for display, simplified copy for scoring."""

    id: str  # content hash of the normalised body (hex, 16 chars)
    path: str  # where it came from ('file.jsonl#12' for a bulk row)
    format: str  # txt | md | html | jsonl | csv
    raw_text: str  # decoded bytes as read, never modified
    text: str  # cleaned, as published (chrome removed, annotations stripped, NFKC)
    text_simplified: str  # OpenCC t2s of text, for scoring
    language: str  # zh-Hans | zh-Hant | en
    title: str | None = None
    title_basis: str = "none"
    source: str | None = None
    source_basis: str = "none"
    url: str | None = None
    published: date | None = None  # a stated or resolved date; None when only inferred or unknown
    published_basis: str = "none"
    published_from: date | None = None  # the range the date lies in (equal to published when stated)
    published_to: date | None = None
    published_evidence: str | None = None  # the text that gave the date, e.g. 'Time:2025-09-28'
    encoding: str = "utf-8"
    duplicate_of: str | None = None
    simhash: int = 0  # 64-bit fingerprint of the body, for near-duplicate links
    warnings: tuple[str, ...] = ()
    content_hash: str | None = (
        None  # hash of the text (the id, except for a copy from another outlet or date)
    )


@dataclass(frozen=True)
class Problem:
    """A file or row that was (partly) rejected, with where and why; ingest goes on without it."""

    path: str
    reason: str
    row: int | None = None
    fatal: bool = True  # False: the article was ingested with a warning

    def __str__(self) -> str:
        where = f"{self.path}:{self.row}" if self.row is not None else self.path
        return f"{where}: {self.reason}"


@dataclass(frozen=True)
class FrameHit:
    """One piece of frame evidence: a pattern found in a sentence of the displayed text."""

    frame: str
    polarity: str  # bullish | bearish | context
    pattern: str
    sentence_index: int
    start: int  # character span in Article.text (the displayed text)
    end: int
    negated: bool = False  # negated hits are kept as evidence but carry no weight


@dataclass(frozen=True)
class SentenceScore:
    """Tone of one sentence toward the company."""

    index: int
    start: int  # character span in Article.text
    end: int
    text: str
    tone: float  # [-1, 1]
    label: str  # positive | negative | neutral
    confidence: float  # [0, 1]
    relevance: float  # [0, 1]: how much the sentence is about the company
    frames: tuple[str, ...] = ()
    snownlp: float | None = None  # [0, 1], the product-review model's probability of 'positive'
    # (start, end, weight) in Article.text of the words that carried the learned model's label
    evidence: tuple[tuple[int, int, float], ...] = ()


@dataclass(frozen=True)
class ArticleScore:
    """Tone and framing of one article."""

    article_id: str
    tone: float  # [-1, 1]
    confidence: float  # [0, 1]
    label: str  # bullish | bearish | mixed | neutral
    relevance: float  # [0, 1]
    bull_intensity: float
    bear_intensity: float
    framing_balance: float  # (bull - bear) / (bull + bear), 0 when neither
    dominant_frame: str | None
    frames: tuple[str, ...]  # strongest first
    snownlp: float | None
    sentences: tuple[SentenceScore, ...] = field(default_factory=tuple)
    evidence: tuple[FrameHit, ...] = field(default_factory=tuple)


# How a long stage reports: (done, total, message); the CLI prints it, the dashboard draws a bar.
Progress = Callable[[int, int, str], None]
