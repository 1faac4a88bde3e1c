"""The finance scorer: lexicon tokens + linguistic rules + frames + relevance -> ArticleScore."""

from __future__ import annotations

import hashlib
from bisect import bisect_left
from collections.abc import Sequence
from pathlib import Path

from analysis.companies import load_companies
from analysis.errors import InputError
from analysis.models import ArticleScore, FrameHit, SentenceScore
from analysis.scoring import aggregate as agg
from analysis.scoring import corrections as corrected
from analysis.scoring.config import compute_config_hash
from analysis.scoring.corrections import Correction
from analysis.scoring.frames import FrameMatcher
from analysis.scoring.lexicon import build_lexicon
from analysis.scoring.relevance import OTHER_TONE_DAMPING, RELEVANCE_OTHER, sentence_relevance
from analysis.scoring.rules import is_negated, score_sentence
from analysis.scoring.sentences import URL, ChromeRules, segment
from analysis.scoring.snownlp_signal import SnowNLPSignal
from analysis.text import aligned_lower, detect_language, matching_copy

FRAME_AGREEMENT = 0.3  # a bullish frame in a sentence with tone <= -0.3 (or bearish >= 0.3) does not count
SNOWNLP_MIN_RELEVANCE = 0.4  # everything but chrome and sentences only about other firms


class Scorer:
    """Scores articles toward one company. Build with load_scorer(); cheap to rebuild per worker process."""

    name = "finance"
    version = "1.0.0"

    def __init__(
        self, data_dir: Path, *, ticker: str, use_snownlp: bool, lm_csv: Path | None, config_hash: str
    ):
        self.data_dir = data_dir
        self.ticker = ticker
        self.use_snownlp = use_snownlp
        self.lm_csv = lm_csv
        self.config_hash = config_hash
        companies = load_companies(data_dir)
        self.company = companies.get(ticker)
        self.lexicon = build_lexicon(data_dir, companies.entity_kinds(ticker), lm_csv=lm_csv)
        self.frames = FrameMatcher(data_dir)
        self.chrome_rules = ChromeRules(data_dir)
        self.snownlp = SnowNLPSignal() if use_snownlp else None

    def __reduce__(self):
        # Workers rebuild from the configuration instead of pickling automata.
        from analysis.scoring import load_scorer

        return (_rebuild, (load_scorer, self.data_dir, self.ticker, self.use_snownlp, self.lm_csv))

    def score_text(self, text: str) -> ArticleScore:
        """Score a text as given (spans index into it): simplified copy by OpenCC t2s, language guessed."""
        if not isinstance(text, str):
            raise InputError(f"text must be a string, not {type(text).__name__}", field="text")
        simplified = matching_copy(text)
        article_id = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]
        return self.score_article(article_id, text, simplified, detect_language(text, simplified))

    def score_article(
        self,
        article_id: str,
        text: str,
        text_simplified: str,
        language: str,
        corrections: Sequence[Correction] | None = None,
    ) -> ArticleScore:
        """Tone, frames, relevance and evidence of one article; spans are character offsets in `text`.

        `corrections` (the analyst's, in force) win over the model: see analysis/scoring/corrections.py.
        """
        if not isinstance(text, str) or not isinstance(text_simplified, str):
            raise InputError("text and text_simplified must be strings", path=article_id, field="text")
        if len(text) != len(text_simplified):
            raise InputError(
                f"text_simplified has {len(text_simplified)} characters, text has {len(text)}: "
                "they must be character-aligned",
                path=article_id,
                field="text_simplified",
            )
        lowered = aligned_lower(text_simplified)
        if "http" in lowered or "www." in lowered:
            lowered = URL.sub(lambda m: " " * len(m.group()), lowered)
        sentences = segment(text, lowered, self.chrome_rules)
        tokens = self.lexicon.match(lowered)
        parts = self.frames.find(lowered)
        token_starts = [t[0] for t in tokens]
        part_starts = [p[0] for p in parts]

        per_sentence = []
        names_company = False
        for sentence in sentences:
            lo, hi = bisect_left(token_starts, sentence.start), bisect_left(token_starts, sentence.end)
            sentence_tokens = [t for t in tokens[lo:hi] if t[1] <= sentence.end]
            kinds = {entry.entity for _, _, entry in sentence_tokens if entry.entity}
            if sentence.chrome is None and "self" in kinds:
                names_company = True
            per_sentence.append((sentence, sentence_tokens, kinds))

        scored = []
        use_snownlp = self.snownlp is not None and language != "en"
        for sentence, sentence_tokens, kinds in per_sentence:
            s, e = sentence.start, sentence.end
            if sentence.chrome is not None:
                score = SentenceScore(
                    sentence.index,
                    s,
                    e,
                    text[s:e],
                    0.0,
                    "neutral",
                    agg.sentence_confidence(0.0, 0, 0, 0, 0.0),
                    0.0,
                )
                scored.append(agg.ScoredSentence(score, chrome=True))
                continue
            signal, clauses = score_sentence(sentence_tokens, lowered[s:e], s, e)
            relevance = sentence_relevance(kinds, article_names_company=names_company)
            own_tone = agg.sentence_tone(signal.raw)
            lo, hi = bisect_left(part_starts, s), bisect_left(part_starts, e)
            hits, strengths, polarity, weak = self._frames(
                [p for p in parts[lo:hi] if p[1] <= e], sentence.index, sentence_tokens, clauses, own_tone
            )
            if sentence.header:  # a section header names a topic; its frames count, its tone does not
                own_tone = 0.0
            tone = own_tone * OTHER_TONE_DAMPING if relevance == RELEVANCE_OTHER else own_tone
            snow = None
            if use_snownlp and relevance >= SNOWNLP_MIN_RELEVANCE:
                snow = self.snownlp(text_simplified[s:e])
            score = SentenceScore(
                index=sentence.index,
                start=s,
                end=e,
                text=text[s:e],
                tone=round(tone, 4),
                label=agg.sentence_label(tone),
                confidence=agg.sentence_confidence(
                    tone, signal.positive, signal.negative, signal.polar, relevance
                ),
                relevance=relevance,
                frames=tuple(sorted(strengths, key=lambda f: (-strengths[f], polarity[f] == "context"))),
                snownlp=None if snow is None else round(snow, 4),
            )
            scored.append(
                agg.ScoredSentence(score, hits, strengths, polarity, weak, names_company="self" in kinds)
            )
        if corrections:
            frame_polarity = {name: spec.polarity for name, spec in self.frames.specs.items()}
            scored = corrected.apply_to_sentences(scored, corrections, frame_polarity=frame_polarity)
        result = agg.aggregate(article_id, scored)
        return corrected.apply_to_article(result, corrections) if corrections else result

    def _frames(self, parts, index, tokens, clauses, tone):
        """FrameHits of one sentence, each frame's strongest counted hit, and the frames only weak patterns hit."""
        token_starts = [t[0] for t in tokens]
        hits, strengths, polarity, weak = [], {}, {}, set()
        for raw in self.frames.hits(parts):
            spec = raw.pattern.frame
            if (spec.polarity == "bullish" and tone <= -FRAME_AGREEMENT) or (
                spec.polarity == "bearish" and tone >= FRAME_AGREEMENT
            ):
                continue  # 'orders fell' is not product success; tone and frame must not contradict
            negated = is_negated(tokens, bisect_left(token_starts, raw.start), raw.start, clauses)
            hits.append(
                FrameHit(spec.name, spec.polarity, raw.pattern.written, index, raw.start, raw.end, negated)
            )
            if not negated and raw.strength > strengths.get(spec.name, 0.0):
                strengths[spec.name] = raw.strength
                polarity[spec.name] = spec.polarity
                if raw.pattern.weak:
                    weak.add(spec.name)
                else:
                    weak.discard(spec.name)
        return hits, strengths, polarity, weak


def _rebuild(load, data_dir, ticker, use_snownlp, lm_csv):
    return load(data_dir, ticker=ticker, use_snownlp=use_snownlp, lm_csv=lm_csv)


def build(data_dir: Path, *, ticker: str, use_snownlp: bool, lm_csv: Path | None) -> Scorer:
    """A new Scorer (no caching); load_scorer caches these per process."""
    extra = [lm_csv] if lm_csv is not None else []
    digest = compute_config_hash(
        data_dir, version=Scorer.version, use_snownlp=use_snownlp, ticker=ticker, extra=extra
    )
    return Scorer(data_dir, ticker=ticker, use_snownlp=use_snownlp, lm_csv=lm_csv, config_hash=digest)
