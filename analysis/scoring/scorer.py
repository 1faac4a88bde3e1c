"""The finance scorer: lexicon tokens + linguistic rules + frames + relevance -> ArticleScore."""

from __future__ import annotations

import hashlib
from bisect import bisect_left
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from analysis.companies import load_companies
from analysis.errors import ConfigError, InputError
from analysis.models import ArticleScore, FrameHit, SentenceScore
from analysis.scoring import aggregate as agg
from analysis.scoring import corrections as corrected
from analysis.scoring.config import compute_config_hash
from analysis.scoring.corrections import Correction
from analysis.scoring.features import dense_features, is_english, model_text
from analysis.scoring.frames import BASE_STRENGTH, FrameMatcher, strongest_by_frame
from analysis.scoring.lexicon import build_lexicon
from analysis.scoring.model import FRAME_MODEL_FILE, MODEL_FILE, SentenceModel, assign_frame, share_features
from analysis.scoring.relevance import OTHER_TONE_DAMPING, RELEVANCE_OTHER, sentence_relevance
from analysis.scoring.rules import clause_marks, is_negated, score_sentence
from analysis.scoring.sentences import URL, ChromeRules, segment
from analysis.scoring.snownlp_signal import SnowNLPSignal
from analysis.scoring.stance import SIGNALS, STANCE_MODEL_FILE
from analysis.text import aligned_lower, detect_language, matching_copy

FRAME_AGREEMENT = 0.3  # a bullish frame in a sentence with tone <= -0.3 (or bearish >= 0.3) does not count
SNOWNLP_MIN_RELEVANCE = 0.4  # everything but chrome and sentences only about other firms
FRAME_EVIDENCE = 2  # n-gram spans shown for a learned frame that no pattern names


SCORERS = ("learned", "lexicon")


class Scorer:
    """Scores articles toward one company. Build with load_scorer(); cheap to rebuild per worker process.

    kind "learned": each sentence's tone comes from the tone model (data/models/), which reads the lexicon's
    rule-based signal as features; kind "lexicon": from the rules alone. Segmentation, chrome, relevance,
    frames and the article aggregate are the same for both.
    """

    version = "2.0.0"

    def __init__(
        self,
        data_dir: Path,
        *,
        ticker: str,
        use_snownlp: bool,
        lm_csv: Path | None,
        config_hash: str,
        kind: str = "learned",
        model: SentenceModel | None = None,
        frame_model: SentenceModel | None = None,
        stance_model: SentenceModel | None = None,
    ):
        if kind not in SCORERS:
            raise InputError(f"unknown scorer {kind!r} (choose {' or '.join(SCORERS)})", field="scorer")
        self.data_dir = data_dir
        self.ticker = ticker
        self.use_snownlp = use_snownlp
        self.lm_csv = lm_csv
        self.config_hash = config_hash
        self.kind = kind
        self.name = kind
        self.model: SentenceModel | None = None
        self.frame_model: SentenceModel | None = None
        self.stance_model: SentenceModel | None = None
        if kind == "learned":
            self.model = model if model is not None else SentenceModel.load(model_path(data_dir))
            self.frame_model = (
                frame_model if frame_model is not None else SentenceModel.load(frame_model_path(data_dir))
            )
            self.stance_model = stance_model
            if stance_model is None and stance_model_path(data_dir).is_file():
                self.stance_model = SentenceModel.load(stance_model_path(data_dir))
                if self.stance_model.dense_names != SIGNALS:  # trained on another release's signals
                    raise ConfigError(
                        f"{stance_model_path(data_dir)}: trained on other article signals than this release "
                        "computes; rebuild the models with `narrative train`"
                    )
            # A new model is a new scorer version.
            self.version = f"{Scorer.version}+{self.model.digest()}.{self.frame_model.digest()[:8]}"
            if self.stance_model is not None:
                self.version += f".{self.stance_model.digest()[:8]}"
            self.model, self.frame_model = share_features(self.model, self.frame_model)
        # The frames the frame model can choose (a set: looked up for every hit of every sentence).
        self.known_frames = (
            frozenset(self.frame_model.classes) if self.frame_model is not None else frozenset()
        )
        companies = load_companies(data_dir)
        self.company = companies.get(ticker)
        self.lexicon = build_lexicon(data_dir, companies.entity_kinds(ticker), lm_csv=lm_csv)
        self.frames = FrameMatcher(data_dir)
        self.chrome_rules = ChromeRules(data_dir)
        self.snownlp = SnowNLPSignal() if use_snownlp else None

    def __reduce__(self):
        # Workers rebuild from the configuration instead of pickling automata.
        from analysis.scoring import load_scorer

        return (_rebuild, (load_scorer, self.data_dir, self.ticker, self.use_snownlp, self.lm_csv, self.kind))

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
        scored = self._scored_sentences(article_id, text, text_simplified, language, corrections)
        result = agg.aggregate(article_id, scored, self.stance_model)
        return corrected.apply_to_article(result, corrections) if corrections else result

    def summary(self, article_id: str, text: str, text_simplified: str, language: str) -> agg.Summary:
        """The article's figures before its label: the rules' stance and the stance model's signals."""
        return agg.summarise(self._scored_sentences(article_id, text, text_simplified, language, None))

    def _scored_sentences(
        self,
        article_id: str,
        text: str,
        text_simplified: str,
        language: str,
        corrections: Sequence[Correction] | None,
    ) -> list[agg.ScoredSentence]:
        """Every sentence of the article scored (corrections applied), ready for the aggregate."""
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

        signals, raw_hits = {}, {}
        marks = clause_marks(lowered)
        for sentence, sentence_tokens, _ in per_sentence:
            if sentence.chrome is None:
                s, e = sentence.start, sentence.end
                own_marks = marks[bisect_left(marks, s) : bisect_left(marks, e)]
                signals[sentence.index] = score_sentence(sentence_tokens, lowered[s:e], s, e, own_marks)
                lo, hi = bisect_left(part_starts, s), bisect_left(part_starts, e)
                raw_hits[sentence.index] = self.frames.hits([p for p in parts[lo:hi] if p[1] <= e])
        predictions, framed = {}, {}
        if self.model is not None and self.frame_model is not None:
            normalised = model_text(lowered)
            spans = [(x.start, x.end) for x, _, _ in per_sentence if x.chrome is None]
            found = self.model.matches(normalised, spans)  # one pass serves both models
            predictions = self._predict(self.model, lowered, normalised, per_sentence, signals, found)
            framed = self._predict_frames(self.frame_model, normalised, per_sentence, raw_hits, found)

        scored = []
        snownlp = self.snownlp if language != "en" else None
        known = self.known_frames
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
            signal, clauses = signals[sentence.index]
            relevance = sentence_relevance(kinds, article_names_company=names_company)
            prediction = predictions.get(sentence.index)
            if prediction is not None:
                own_tone, confidence, evidence = prediction.tone, prediction.confidence, prediction.evidence
            else:
                own_tone = agg.sentence_tone(signal.raw)
                evidence = ()
            choice = framed.get(sentence.index)
            if not raw_hits[sentence.index] and (choice is None or choice[0] is None):
                hits, strengths, polarity, weak = [], {}, {}, set()  # no pattern hit and no frame chosen
            elif choice is None:
                hits, strengths, polarity, weak = self._frames(
                    raw_hits[sentence.index], sentence.index, sentence_tokens, clauses, own_tone
                )
            else:  # the frame model decided: its frame's pattern hits (and those of frames it does not know)
                frame = choice[0]
                chosen = [h for h in raw_hits[sentence.index]
                          if h.pattern.frame.name == frame or h.pattern.frame.name not in known]  # fmt: skip
                hits, strengths, _, _ = self._frames(
                    chosen, sentence.index, sentence_tokens, clauses, own_tone
                )
                hits, strengths, polarity, weak = self._learned_frames(
                    choice, sentence.index, hits, strengths
                )
            if sentence.header:  # a section header names a topic; its frames count, its tone does not
                own_tone = 0.0
            tone = own_tone * OTHER_TONE_DAMPING if relevance == RELEVANCE_OTHER else own_tone
            if prediction is None:
                confidence = agg.sentence_confidence(
                    tone, signal.positive, signal.negative, signal.polar, relevance
                )
            snow = None
            if snownlp is not None and relevance >= SNOWNLP_MIN_RELEVANCE:
                snow = snownlp(text_simplified[s:e])
            score = SentenceScore(
                index=sentence.index,
                start=s,
                end=e,
                text=text[s:e],
                tone=round(tone, 4),
                label=agg.sentence_label(tone),
                confidence=round(confidence, 4),
                relevance=relevance,
                frames=tuple(sorted(strengths, key=lambda f: (-strengths[f], polarity[f] == "context"))),
                snownlp=None if snow is None else round(snow, 4),
                evidence=evidence,
            )
            scored.append(
                agg.ScoredSentence(score, hits, strengths, polarity, weak, names_company="self" in kinds)
            )
        if corrections:
            frame_polarity = {name: spec.polarity for name, spec in self.frames.specs.items()}
            scored = corrected.apply_to_sentences(scored, corrections, frame_polarity=frame_polarity)
        return scored

    def _predict(
        self, model: SentenceModel, lowered: str, normalised: str, per_sentence, signals, found
    ) -> dict:
        """The tone model's prediction for every non-chrome sentence."""
        indexes, spans, dense = [], [], []
        for sentence, _, _ in per_sentence:
            if sentence.chrome is None:
                indexes.append(sentence.index)
                spans.append((sentence.start, sentence.end))
                english = is_english(lowered, sentence.start, sentence.end)
                dense.append(dense_features(signals[sentence.index][0], english=english))
        if not spans:
            return {}
        predictions = model.predict(normalised, spans, np.array(dense, dtype=np.float64), found=found)
        return dict(zip(indexes, predictions, strict=True))

    def _predict_frames(self, model: SentenceModel, normalised: str, per_sentence, raw_hits, found) -> dict:
        """The frame model's choice for every non-chrome sentence: (frame or None, probability, evidence)."""
        names = list(model.dense_names)
        indexes, spans = [], []
        for sentence, _, _ in per_sentence:
            if sentence.chrome is None:
                indexes.append(sentence.index)
                spans.append((sentence.start, sentence.end))
        if not spans:
            return {}
        dense = strongest_by_frame([raw_hits[i] for i in indexes], names)
        threshold = float(model.meta.get("threshold", 0.5))
        probabilities, labels, evidence = model.classify(
            normalised, spans, dense,
            choose=lambda p: assign_frame(p, list(model.classes), threshold), found=found,
            evidence_limit=FRAME_EVIDENCE,
        )  # fmt: skip
        return {
            index: (
                None if model.classes[label] == model.quiet else model.classes[label],
                float(probabilities[row, label]),
                evidence[row],
            )  # fmt: skip
            for row, (index, label) in enumerate(zip(indexes, labels, strict=True))
        }

    def _learned_frames(self, choice, index: int, pattern_hits: list[FrameHit], pattern_strengths: dict):
        """One sentence's frames as the frame model decides: its frame (weighted by its probability) or none.

        The pattern hits of that frame stay its evidence; where no pattern names it, the n-grams that carried
        the decision are. Pattern hits of other frames are dropped: the model read them and decided. A frame
        added to frames.toml after the model was trained (an emerging narrative made a frame) is one the model
        cannot choose: its pattern hits count as the lexicon scorer counts them.
        """
        known = self.known_frames
        hits = [h for h in pattern_hits if h.frame not in known]
        strengths = {f: v for f, v in pattern_strengths.items() if f not in known}
        polarity = {f: self.frames.specs[f].polarity for f in strengths}
        frame, probability, spans = choice
        if frame is None or frame not in self.frames.specs:
            return hits, strengths, polarity, set()
        spec = self.frames.specs[frame]
        chosen = [h for h in pattern_hits if h.frame == frame]
        if not chosen:
            chosen = [
                FrameHit(frame, spec.polarity, "", index, start, end)
                for start, end, _ in spans[:FRAME_EVIDENCE]
            ]
        strengths[frame] = round(probability * BASE_STRENGTH[spec.polarity] * spec.weight, 4)
        polarity[frame] = spec.polarity
        return chosen + hits, strengths, polarity, set()

    def _frames(self, raw_hits, index, tokens, clauses, tone):
        """FrameHits of one sentence, each frame's strongest counted hit, and the frames only weak patterns hit."""
        token_starts = [t[0] for t in tokens]
        hits, strengths, polarity, weak = [], {}, {}, set()
        for raw in raw_hits:
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


def _rebuild(load, data_dir, ticker, use_snownlp, lm_csv, kind):
    return load(data_dir, ticker=ticker, use_snownlp=use_snownlp, lm_csv=lm_csv, scorer=kind)


def model_path(data_dir: Path) -> Path:
    return Path(data_dir) / MODEL_FILE


def frame_model_path(data_dir: Path) -> Path:
    return Path(data_dir) / FRAME_MODEL_FILE


def stance_model_path(data_dir: Path) -> Path:
    return Path(data_dir) / STANCE_MODEL_FILE


def scorer_config_hash(
    data_dir: Path, *, kind: str, ticker: str, use_snownlp: bool, lm_csv: Path | None
) -> str:
    """What versions a scorer's output: its kind and version, every configuration file, and its model."""
    if kind not in SCORERS:
        raise InputError(f"unknown scorer {kind!r} (choose {' or '.join(SCORERS)})", field="scorer")
    extra = [lm_csv] if lm_csv is not None else []
    if kind == "learned":
        for model in (model_path(data_dir), frame_model_path(data_dir)):
            if not model.is_file():
                raise ConfigError(
                    f"{model}: a learned model is missing (rebuild them with `narrative train`)"
                )
            extra.append(model)
        if stance_model_path(data_dir).is_file():  # optional: without it the rules decide the stance
            extra.append(stance_model_path(data_dir))
    return compute_config_hash(
        data_dir, version=f"{kind} {Scorer.version}", use_snownlp=use_snownlp, ticker=ticker, extra=extra
    )


def build(
    data_dir: Path, *, ticker: str, use_snownlp: bool, lm_csv: Path | None, kind: str = "learned"
) -> Scorer:
    """A new Scorer (no caching); load_scorer caches these per process."""
    digest = scorer_config_hash(data_dir, kind=kind, ticker=ticker, use_snownlp=use_snownlp, lm_csv=lm_csv)
    return Scorer(
        data_dir, ticker=ticker, use_snownlp=use_snownlp, lm_csv=lm_csv, config_hash=digest, kind=kind
    )
