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
        detail["tone_evidence"] = tone_evidence(detail["sentences"])
        if article is not None:
            texts = store.article_texts_frame(scope, article_id=article_id)
            detail["mentions"] = check_price_mentions(texts, store.prices(), ticker=ticker)
    return detail


TONE_EVIDENCE_COLUMNS = ("start", "end", "polarity", "frame", "negated", "sentence_index")


def tone_evidence(sentences: pd.DataFrame) -> pd.DataFrame:
    """The words that carried each sentence's tone label (the learned scorer's), as evidence rows to highlight.

    polarity is bullish for a positive sentence and bearish for a negative one, so they share the frames' colours;
    `frame` is "tone" (the highlight's title says it is tone evidence, not a frame's).
    """
    rows = []
    if len(sentences) and "tone_evidence" in sentences:
        for sentence in sentences.itertuples(index=False):
            if sentence.label not in ("positive", "negative") or not sentence.tone_evidence:
                continue
            polarity = "bullish" if sentence.label == "positive" else "bearish"
            for span in str(sentence.tone_evidence).split(";"):
                start, _, end = span.partition("-")
                rows.append((int(start), int(end), polarity, "tone", False, int(sentence.index)))
    return pd.DataFrame(rows, columns=list(TONE_EVIDENCE_COLUMNS))
