"""Evaluation against labelled sentences and articles: the finance scorer and snownlp side by side.

Definitions (also printed by format_eval_text):
- Sentence label of the finance scorer: the tone of score_text(sentence) with the sentence
  threshold (>= 0.2 positive, <= -0.2 negative). snownlp: probability > 0.6 positive, < 0.4
  negative, else neutral; computed on the simplified copy of every sentence (no relevance gate).
- Frames, on sentences whose gold frame is not `none`: the prediction is the sentence's strongest
  frame. recall = correct / gold-framed sentences; precision = correct / gold-framed sentences
  with any predicted frame. `any_recall` counts a sentence when the gold frame is among all its
  predicted frames. `false_alarm_rate` = share of gold-`none` sentences that get a frame.
- Article stance: accuracy on articles whose gold stance is bullish or bearish, plus the full
  4-class metrics. snownlp's article stance: mean > 0.6 bullish, < 0.4 bearish, else neutral.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable
from pathlib import Path

from analysis.errors import ConfigError, InputError
from analysis.scoring.aggregate import SENTENCE_THRESHOLD, sentence_label
from analysis.scoring.snownlp_signal import SnowNLPSignal, snownlp_label
from analysis.scoring.textprep import light_prepare
from analysis.text import to_simplified

SENTENCE_LABELS = ("positive", "negative", "neutral")
STANCES = ("bullish", "bearish", "mixed", "neutral")
SNOWNLP_POSITIVE = 0.6
SNOWNLP_NEGATIVE = 0.4
Prepare = Callable[[str], tuple[str, str, str]]


def _read_csv(path: Path, required: Iterable[str]) -> list[dict[str, str]]:
    """Rows of a UTF-8 CSV with the required columns; InputError naming the file, row or column."""
    path = Path(path)
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            missing = [c for c in required if c not in (reader.fieldnames or [])]
            if missing:
                raise InputError(f"missing column(s) {', '.join(missing)}", path=str(path))
            rows = list(reader)
    except OSError as exc:
        raise InputError(f"cannot read ({exc.strerror or exc})", path=str(path)) from exc
    except (UnicodeDecodeError, csv.Error) as exc:
        raise InputError(f"not a UTF-8 CSV ({exc})", path=str(path)) from exc
    for number, row in enumerate(rows, start=2):
        for column in required:
            if row.get(column) is None:
                raise InputError("row is shorter than the header", path=str(path), row=number, field=column)
    return rows


def classification_metrics(gold: list[str], predicted: list[str], labels: tuple[str, ...]) -> dict:
    """Accuracy, macro-F1 over `labels`, per-class precision/recall/F1/support and the confusion matrix."""
    confusion = {g: {p: 0 for p in labels} for g in labels}
    for g, p in zip(gold, predicted, strict=True):
        if g in confusion and p in confusion[g]:
            confusion[g][p] += 1
    per_class = {}
    for label in labels:
        tp = confusion[label][label]
        predicted_n = sum(confusion[g][label] for g in labels)
        support = sum(confusion[label].values())
        precision = tp / predicted_n if predicted_n else 0.0
        recall = tp / support if support else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        per_class[label] = {
            "precision": round(precision, 4),
            "recall": round(recall, 4),
            "f1": round(f1, 4),
            "support": support,
        }
    present = [label for label in labels if per_class[label]["support"]]
    correct = sum(1 for g, p in zip(gold, predicted, strict=True) if g == p)
    return {
        "n": len(gold),
        "accuracy": round(correct / len(gold), 4) if gold else 0.0,
        "macro_f1": round(sum(per_class[label]["f1"] for label in present) / len(present), 4)
        if present
        else 0.0,
        "per_class": per_class,
        "confusion": confusion,
    }


def _snownlp_for(scorer) -> SnowNLPSignal:
    return scorer.snownlp if getattr(scorer, "snownlp", None) is not None else SnowNLPSignal()


def _allowed(row: dict, column: str, allowed: tuple[str, ...], path: Path, number: int) -> str:
    """A row's label, lower-cased, or an InputError naming the file, row and field."""
    value = row[column].strip().lower()
    if value not in allowed:
        raise InputError(
            f"{column} {row[column]!r} is not one of {allowed}", path=str(path), row=number, field=column
        )
    return value


def evaluate_sentences(sentences_csv: Path, scorer, *, compare: dict | None = None) -> dict:
    """Sentence-level metrics for the scorer (key `finance`), each compared scorer (by name) and snownlp.

    Frame precision/recall are the main scorer's.
    """
    rows = _read_csv(sentences_csv, ("id", "text", "label", "frame"))
    snow = _snownlp_for(scorer)
    gold, finance, snow_pred, details = [], [], [], []
    framed = correct = correct_any = predicted_framed = none_rows = false_alarms = 0
    for number, row in enumerate(rows, start=2):
        label = _allowed(row, "label", SENTENCE_LABELS, sentences_csv, number)
        result = scorer.score_text(row["text"])
        predicted = sentence_label(result.tone)
        snow_value = snow(to_simplified(row["text"]))
        gold.append(label)
        finance.append(predicted)
        snow_pred.append(snownlp_label(snow_value, positive=SNOWNLP_POSITIVE, negative=SNOWNLP_NEGATIVE))
        gold_frame = (row.get("frame") or "none").strip() or "none"
        top = result.frames[0] if result.frames else None
        if gold_frame != "none":
            framed += 1
            predicted_framed += top is not None
            correct += top == gold_frame
            correct_any += gold_frame in result.frames
        else:
            none_rows += 1
            false_alarms += top is not None
        details.append(
            {
                "id": row["id"],
                "gold": label,
                "finance": predicted,
                "tone": result.tone,
                "snownlp": snow_value,
                "gold_frame": gold_frame,
                "frames": list(result.frames),
            }
        )
    others = {
        name: classification_metrics(
            gold, [sentence_label(other.score_text(row["text"]).tone) for row in rows], SENTENCE_LABELS
        )
        for name, other in (compare or {}).items()
    }
    return {
        "sentences": len(rows),
        "scorer": scorer.name,
        "compared": list(others),
        **others,
        "thresholds": {
            "finance_tone": SENTENCE_THRESHOLD,
            "snownlp_positive_above": SNOWNLP_POSITIVE,
            "snownlp_negative_below": SNOWNLP_NEGATIVE,
        },
        "finance": classification_metrics(gold, finance, SENTENCE_LABELS),
        "snownlp": classification_metrics(gold, snow_pred, SENTENCE_LABELS),
        "frames": {
            "gold_framed": framed,
            "predicted": predicted_framed,
            "correct": correct,
            "precision": round(correct / predicted_framed, 4) if predicted_framed else 0.0,
            "recall": round(correct / framed, 4) if framed else 0.0,
            "any_recall": round(correct_any / framed, 4) if framed else 0.0,
            "false_alarm_rate": round(false_alarms / none_rows, 4) if none_rows else 0.0,
        },
        "rows": details,
    }


def _article_path(articles_dir: Path, file: str, csv_path: Path, row: int) -> Path:
    candidates = [articles_dir / file, articles_dir / Path(file).name]
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    raise InputError(
        f"article file {file!r} not found in {articles_dir}", path=str(csv_path), row=row, field="file"
    )


def _toward(scorer, company: str, path: Path, number: int):
    """The same scorer reading tone toward the row's company (a `company` column: a set about several)."""
    if not company or company == getattr(scorer, "ticker", company):
        return scorer
    from analysis.scoring import load_scorer

    try:
        return load_scorer(scorer.data_dir, ticker=company, use_snownlp=scorer.use_snownlp,
                           lm_csv=scorer.lm_csv, scorer=scorer.kind)  # fmt: skip
    except ConfigError as exc:
        raise InputError(f"company {company!r} is not a ticker of companies.toml ({exc})",
                         path=str(path), row=number, field="company") from None  # fmt: skip


def evaluate_articles(
    articles_csv: Path,
    articles_dir: Path,
    scorer,
    *,
    prepare: Prepare | None = None,
    compare: dict | None = None,
) -> dict:
    """Article stance accuracy (bullish/bearish articles) and 4-class metrics: the scorer (key `finance`),
    each compared scorer (by name) and snownlp."""
    rows = _read_csv(articles_csv, ("file", "stance"))
    prepare = prepare or light_prepare
    snow = _snownlp_for(scorer)
    gold, finance, snow_pred, details = [], [], [], []
    compared: dict[str, list[str]] = {name: [] for name in compare or {}}
    for number, row in enumerate(rows, start=2):
        stance = _allowed(row, "stance", STANCES, articles_csv, number)
        path = _article_path(Path(articles_dir), row["file"], Path(articles_csv), number)
        try:
            raw = path.read_bytes().decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise InputError(f"not UTF-8 text ({exc})", path=str(path)) from exc
        text, simplified, language = prepare(raw)
        company = (row.get("company") or "").strip()
        result = _toward(scorer, company, articles_csv, number).score_article(
            Path(row["file"]).stem, text, simplified, language
        )
        for name, other in (compare or {}).items():
            compared[name].append(
                _toward(other, company, articles_csv, number)
                .score_article(Path(row["file"]).stem, text, simplified, language)
                .label
            )
        snow_mean = result.snownlp
        if snow_mean is None and language != "en":
            values = [
                v
                for v in (snow(simplified[s.start : s.end]) for s in result.sentences if s.relevance > 0)
                if v is not None
            ]
            snow_mean = sum(values) / len(values) if values else None
        snow_stance = "neutral"
        if snow_mean is not None:
            snow_stance = (
                "bullish"
                if snow_mean > SNOWNLP_POSITIVE
                else "bearish"
                if snow_mean < SNOWNLP_NEGATIVE
                else "neutral"
            )
        gold.append(stance)
        finance.append(result.label)
        snow_pred.append(snow_stance)
        evidence = [f"{h.frame}:{text[h.start : h.end]}" for h in result.evidence if not h.negated][:6]
        details.append(
            {
                "file": row["file"],
                "company": company or getattr(scorer, "ticker", ""),
                "gold": stance,
                "finance": result.label,
                "tone": result.tone,
                "balance": result.framing_balance,
                "dominant_frame": result.dominant_frame,
                "snownlp": snow_mean,
                "evidence": evidence,
            }
        )
    polar = [i for i, g in enumerate(gold) if g in ("bullish", "bearish")]

    def stance_accuracy(predicted: list[str]) -> float:
        return round(sum(predicted[i] == gold[i] for i in polar) / len(polar), 4) if polar else 0.0

    return {
        "articles": len(rows),
        "polar_articles": len(polar),
        "scorer": scorer.name,
        "compared": list(compared),
        **{
            name: {
                "stance_accuracy": stance_accuracy(labels),
                **classification_metrics(gold, labels, STANCES),
            }
            for name, labels in compared.items()
        },
        "finance": {
            "stance_accuracy": stance_accuracy(finance),
            **classification_metrics(gold, finance, STANCES),
        },
        "snownlp": {
            "stance_accuracy": stance_accuracy(snow_pred),
            **classification_metrics(gold, snow_pred, STANCES),
        },
        "rows": details,
    }


def _metrics_block(title: str, result: dict, labels: tuple[str, ...], extra: str = "") -> list[str]:
    # Columns: the scorer evaluated (stored under "finance"), each compared scorer, then snownlp.
    names = [result.get("scorer", "finance"), *result.get("compared", []), "snownlp"]
    columns = [result["finance"], *(result[n] for n in result.get("compared", [])), result["snownlp"]]
    lines = [title, "  " + " " * 22 + "".join(f"{n:>12}" for n in names)]
    for key in ([extra] if extra else []) + ["accuracy", "macro_f1"]:
        shown = "macro-F1" if key == "macro_f1" else key
        lines.append(f"  {shown:<22}" + "".join(f"{c[key]:>12.3f}" for c in columns))
    for label in labels:
        cells = "".join(
            f"{c['per_class'][label]['precision']:>7.2f}/{c['per_class'][label]['recall']:<4.2f}"
            for c in columns
        )
        lines.append(f"  {label + ' P/R':<22}{cells}  (n={columns[0]['per_class'][label]['support']})")
    for name, metrics in zip(names, columns, strict=True):
        lines.append(f"  confusion ({name}; rows gold, columns predicted: {' '.join(labels)})")
        for g in labels:
            counts = " ".join(f"{metrics['confusion'][g][p]:>4}" for p in labels)
            lines.append(f"    {g:<10}{counts}")
    return lines


def format_eval_text(result: dict) -> str:
    """A plain-text report of evaluate_sentences / evaluate_articles results (either or both)."""
    lines: list[str] = []

    def part(key: str, marker: str) -> dict | None:
        # Either one evaluate_* result, or a dict holding them under 'sentences' / 'articles'.
        if isinstance(result.get(key), dict):
            return result[key]
        return result if marker in result else None

    sentences = part("sentences", "frames")
    articles = part("articles", "polar_articles")
    if sentences:
        t = sentences["thresholds"]
        lines += _metrics_block(f"Sentences (n={sentences['sentences']})", sentences, SENTENCE_LABELS)
        lines.append(
            f"  thresholds: finance |tone| >= {t['finance_tone']}; snownlp > {t['snownlp_positive_above']}"
            f" positive, < {t['snownlp_negative_below']} negative, else neutral"
        )
        f = sentences["frames"]
        lines.append(f"Frames (sentences with a gold frame: {f['gold_framed']}; strongest predicted frame)")
        lines.append(
            f"  precision {f['precision']:.3f} ({f['correct']}/{f['predicted']})   recall {f['recall']:.3f}"
            f" ({f['correct']}/{f['gold_framed']})   any-frame recall {f['any_recall']:.3f}"
            f"   frames on gold-none sentences {f['false_alarm_rate']:.3f}"
        )
    if articles:
        if lines:
            lines.append("")
        lines += _metrics_block(
            f"Articles (n={articles['articles']}; stance accuracy on "
            f"{articles['polar_articles']} bullish/bearish)",
            articles,
            STANCES,
            extra="stance_accuracy",
        )
        for row in articles["rows"]:
            mark = "ok " if row["finance"] == row["gold"] else "-- "
            lines.append(
                f"  {mark}{row['file']:<20} gold {row['gold']:<8} finance {row['finance']:<8} "
                f"tone {row['tone']:+.2f} balance {row['balance']:+.2f} {row['dominant_frame'] or ''}"
            )
    return "\n".join(lines)
