"""The finance scorer: tone toward a company, frames, relevance and evidence for articles.

scorer = load_scorer()                  # once per process (cached)
scorer.score_article(article_id, text, text_simplified, language) -> ArticleScore
scorer.score_text(text) -> ArticleScore
"""

from __future__ import annotations

import threading
from pathlib import Path

from analysis.companies import default_ticker
from analysis.scoring.config import compute_config_hash
from analysis.scoring.scorer import Scorer, build

__all__ = ["Scorer", "load_scorer"]

_CACHE: dict[tuple, Scorer] = {}
_LOCK = threading.Lock()


def load_scorer(
    data_dir: Path | None = None,
    *,
    ticker: str | None = None,
    use_snownlp: bool = True,
    lm_csv: Path | None = None,
) -> Scorer:
    """The finance scorer for a ticker, built once per process per configuration (keyed by its hash)."""
    from analysis import DATA_DIR

    data_dir = Path(data_dir if data_dir is not None else DATA_DIR).resolve()
    ticker = ticker or default_ticker(data_dir)  # the first [[company]] in companies.toml
    lm_csv = Path(lm_csv).resolve() if lm_csv is not None else None
    digest = compute_config_hash(
        data_dir,
        version=Scorer.version,
        use_snownlp=use_snownlp,
        ticker=ticker,
        extra=[lm_csv] if lm_csv else [],
    )
    key = (str(data_dir), ticker, use_snownlp, str(lm_csv), digest)
    with _LOCK:
        scorer = _CACHE.get(key)
        if scorer is None:
            scorer = _CACHE[key] = build(data_dir, ticker=ticker, use_snownlp=use_snownlp, lm_csv=lm_csv)
    return scorer
