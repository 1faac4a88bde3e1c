"""One opened article as the explorer shows it: its row, sentence scores, frame evidence and checked prices."""

from __future__ import annotations

import pandas as pd

from analysis.mentions import check_price_mentions
from analysis.store import ArticleFilter


def read_article(store, article_id: str, *, ticker: str) -> dict:
    """The article (None if unknown), its score row, sentences, evidence and price mentions, through one connection.

    Price statements are checked for this article only, not the whole corpus per view.
    """
    scope = ArticleFilter(ticker=ticker)
    with store.reading():
        article = store.article(article_id)
        detail = {
            "article": article,
            "score": store.article_page(scope, limit=1, article_id=article_id),
            "sentences": store.sentences(article_id, ticker=ticker),
            "evidence": store.evidence(scope, article_id=article_id),
            "mentions": pd.DataFrame(),
        }
        if article is not None:
            texts = store.article_texts_frame(scope, article_id=article_id)
            detail["mentions"] = check_price_mentions(texts, store.prices(), ticker=ticker)
    return detail
