"""The finance scorer: tone toward a company, frames, relevance and evidence for articles.

scorer = load_scorer()                  # once per process (cached)
scorer.score_article(article_id, text, text_simplified, language) -> ArticleScore
scorer.score_text(text) -> ArticleScore
"""

from __future__ import annotations

import threading
from pathlib import Path

from analysis.companies import default_ticker
from analysis.scoring.scorer import SCORERS, Scorer, build, scorer_config_hash

__all__ = ["SCORERS", "Scorer", "load_scorer"]

_CACHE: dict[tuple, Scorer] = {}
_LOCK = threading.Lock()


def load_scorer(
    data_dir: Path | None = None,
    *,
    ticker: str | None = None,
    use_snownlp: bool = True,
    lm_csv: Path | None = None,
    scorer: str = "learned",
) -> Scorer:
    """The scorer (learned or lexicon) for a ticker, built once per process per configuration hash."""
    from analysis import settings

    data_dir = Path(data_dir if data_dir is not None else settings.current().data_dir).resolve()
    ticker = ticker or default_ticker(data_dir)  # the first [[company]] in companies.toml
    lm_csv = Path(lm_csv).resolve() if lm_csv is not None else None
    digest = scorer_config_hash(data_dir, kind=scorer, ticker=ticker, use_snownlp=use_snownlp, lm_csv=lm_csv)
    key = (str(data_dir), scorer, ticker, use_snownlp, str(lm_csv), digest)
    with _LOCK:
        built = _CACHE.get(key)
        if built is None:
            built = _CACHE[key] = build(
                data_dir, ticker=ticker, use_snownlp=use_snownlp, lm_csv=lm_csv, kind=scorer
            )
    return built
