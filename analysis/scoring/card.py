"""The tone model's card (data/models/README.md), rendered from the metrics `narrative train` measured."""

from __future__ import annotations

from analysis.scoring.features import CJK_ORDERS, DENSE_NAMES

WEAKNESSES = """\
- Traditional Chinese: the public sets are simplified; traditional rows come only from the hand-labelled page
  sentences (a few hundred), so zh-Hant relies on the simplified copy the scorer reads (OpenCC t2s).
- Forum slang, irony and questions (the FinFE rows) stay hard; that source is weighted down.
- Sarcasm, long-range context and a sentence's meaning for a *different* company are not modelled: relevance
  (which company a sentence is about) stays rule-based, as in the lexicon scorer.
- Labels of two public sets are of unknown provenance (Wind tags; tweet annotators): see
  data/training/SOURCES.md. Numbers are cross-validated within the training data, which flatters sources
  whose rows resemble each other (templated headlines); the hand-labelled page rows are the honest guide.
"""


def _table(header: list[str], rows: list[list[object]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return lines


def render_card(metrics: dict) -> str:
    """Markdown model card: data, method, cross-validated figures, calibration, size, weaknesses."""
    sources = metrics["cv_by_source"]
    lines = [
        "# Tone model card",
        "",
        "Written by `python -m analysis train` from `metrics.json` beside it; do not edit by hand.",
        "",
        f"- Model: `tone.npz`, digest `{metrics['digest']}` (the scorer version is `2.0.0+<digest>`), "
        f"{metrics['model_bytes'] / 1e6:.1f} MB, {metrics['features']:,} n-gram features "
        f"({metrics['features_before_pruning']:,} before pruning) and {len(DENSE_NAMES)} rule features.",
        f"- Trained on {metrics['rows']:,} labelled sentences in {metrics['train_seconds']} s "
        f"(seed {metrics['seed']}); the same data and seed give the same digest.",
        "",
        "## What it does",
        "Per sentence, calibrated probabilities of negative / neutral / positive tone toward the company, and the "
        "character spans of the n-grams that carried the label (the evidence the dashboard highlights). The "
        "scorer keeps everything else of the lexicon scorer: segmentation, page chrome (always neutral), "
        "relevance (a sentence about a rival or the market is damped), frames and the article aggregate.",
        "",
        "## Method",
        "Multinomial logistic regression (scikit-learn, L2, C = "
        f"{metrics['regularisation_c']}) over binary features: Chinese character n-grams of orders "
        f"{', '.join(str(n) for n in CJK_ORDERS)} and English words and word pairs, read from the simplified, "
        "lower-cased copy of the sentence with digits folded (so a figure's digits carry no tone), plus the "
        f"lexicon scorer's rule-based signal ({', '.join(DENSE_NAMES)}), in which negation, degree, contrast "
        "(但 / however), hedges, questions and quoted speech are already applied. A linear model was chosen "
        "because it trains in minutes on a CPU, runs through one vectorised n-gram pass per article at lexicon "
        "speed, ships in a few MB with no download, and decomposes every decision into spans.",
        "",
        "Rows are weighted by source (hand-labelled page sentences most, forum posts and tweets least) and "
        "balanced by class within Chinese and within English (capped at 5x). Probabilities are calibrated by "
        f"one softmax temperature ({metrics['temperature']}) fitted on out-of-fold predictions.",
        "",
        "## Training data",
        "See `data/training/SOURCES.md` for provenance, licences and label mappings.",
        "",
    ]
    counts = metrics["training_counts"]
    lines += _table(
        ["source", "rows", "negative", "neutral", "positive", "weight"],
        [
            [
                s,
                v["rows"],
                counts[s].get("negative", 0),
                counts[s].get("neutral", 0),
                counts[s].get("positive", 0),
                metrics["source_weights"][s],
            ]
            for s, v in sources.items()
        ],  # fmt: skip
    )
    lines += [
        "",
        f"## Cross-validated figures ({metrics['cv_folds']}-fold, stratified by source and label)",
        "",
        f"Macro-F1 over all rows {metrics['cv_macro_f1']:.3f}; Chinese "
        f"{metrics['cv_by_language']['zh']['macro_f1']:.3f}, English {metrics['cv_by_language']['en']['macro_f1']:.3f}. "
        "Sources with one or two classes are scored over the classes they have. The lexicon scorer, which is "
        "not trained, is measured on the same rows.",
        "",
    ]
    lexicon = metrics.get("lexicon_by_source", {})
    lines += _table(
        ["source", "rows", "macro-F1 (learned, out of fold)", "accuracy", "macro-F1 (lexicon)"],
        [
            [
                s,
                v["rows"],
                f"{v['macro_f1']:.3f}",
                f"{v['accuracy']:.3f}",
                f"{lexicon[s]:.3f}" if s in lexicon else "–",
            ]
            for s, v in sources.items()
        ]  # fmt: skip
        + [
            [
                f"all {name}",
                metrics["cv_by_language"][name]["rows"],
                f"{metrics['cv_by_language'][name]['macro_f1']:.3f}",
                "",
                f"{lexicon[name]:.3f}" if name in lexicon else "–",
            ]
            for name in ("zh", "en")
        ],  # fmt: skip
    )
    dev = metrics.get("dev")
    if dev:
        lines += ["", "## Development set (reported, never trained on)", ""]
        lines += _table(
            ["scorer", "sentence macro-F1", "article stance (bullish/bearish)", "frames P / R"],
            [
                [
                    name,
                    f"{d['sentence_macro_f1']:.3f}",
                    f"{d['stance_accuracy']:.3f}",
                    f"{d['frame_precision']:.2f} / {d['frame_recall']:.2f}",
                ]
                for name, d in dev.items()
            ],  # fmt: skip
        )
    frames = metrics.get("frames")
    if frames:
        model, patterns = frames["cv_model"], frames["cv_patterns"]
        lines += [
            "",
            "## Frames",
            f"A second model of the same kind (`frames.npz`, digest `{metrics['frame_digest']}`) chooses each "
            "sentence's frame from the hand-labelled rows' frame labels "
            f"({frames['rows']:,} sentences, {frames['features']:,} n-gram features), with each frame's strongest "
            "pattern hit from data/frames.toml as a feature. A sentence gets the most probable frame when its "
            f"probability reaches {frames['threshold']}, else none; the pattern hits of that frame stay its "
            "evidence. Cross-validated on those rows "
            f"({frames['cv_model']['gold_framed']:,} with a gold frame):",
            "",
        ]
        lines += _table(
            ["", "recall", "precision", "precision on gold-framed rows", "sentences given a frame"],
            [
                [
                    name,
                    f"{m['recall']:.3f}",
                    f"{m['precision']:.3f}",
                    f"{m['precision_on_framed']:.3f}",
                    m["predicted"],
                ]
                for name, m in (("frame model", model), ("patterns alone (strongest hit)", patterns))
            ],  # fmt: skip
        )
        lines += [
            "",
            "Precision on gold-framed rows is `eval`'s definition (correct / gold-framed sentences given a frame).",
        ]
    stance = metrics.get("stance")
    if stance:
        counts = ", ".join(f"{n} {name}" for name, n in stance["counts"].items())
        lines += [
            "",
            "## Article stance",
            f"A third, small model (`stance.npz`, digest `{metrics['stance_digest']}`) decides each article's "
            "stance (bullish, bearish, mixed, neutral) from its aggregate signals: the weighted tone, the "
            "headline's tone, the shares of positive and negative sentences, frame weight per sentence on each side, balance, "
            f"density, agreement and length. It is fitted on {stance['articles']} real articles labelled by hand "
            f"(data/training/articles.csv: {counts}), scored by the two models above; their pages "
            f"({metrics.get('held_out_pages', 0)}) are held out of the sentence and frame training, so the signals "
            f"are what the models give on unseen text. C = {stance['c']} by cross-validation. "
            "Cross-validated on those articles, against the rules it replaces (the rules learn nothing):",
            "",
        ]
        lines += _table(
            ["", "stance accuracy (bullish/bearish)", "accuracy (4 classes)", "macro-F1"],
            [
                [name, f"{m['stance_accuracy']:.3f}", f"{m['accuracy']:.3f}", f"{m['macro_f1']:.3f}"]
                for name, m in (("stance model", stance["cv"]), ("rules (aggregate.py)", stance["rules"]))
            ],  # fmt: skip
        )
    calibration = metrics["calibration"]
    lines += [
        "",
        "## Calibration",
        f"Expected calibration error of the out-of-fold probabilities: **{calibration['ece']:.3f}** "
        "(10 bins of the top class's probability). Reliability:",
        "",
    ]
    lines += _table(
        ["confidence bin", "sentences", "mean confidence", "accuracy"],
        [[b["bin"], b["n"], b["confidence"], b["accuracy"]] for b in calibration["curve"]],
    )
    lines += [
        "",
        "## Speed",
        "Measured by `make bench` (the scorer's throughput per core, against snownlp): see docs/BENCHMARKS.md.",
        "",
        "## Known weaknesses",
        WEAKNESSES,
        "## Retraining",
        "`python -m analysis train [--out DIR] [--seed N]` rebuilds the model, `metrics.json` and this card from "
        "`data/training/`. A new model is a new scorer version, so the next `score` rescores every article.",
        "",
    ]
    return "\n".join(lines)
