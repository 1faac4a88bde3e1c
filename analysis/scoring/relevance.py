"""How much a sentence is about the company, from whom it names (names come from analysis.companies)."""

from __future__ import annotations

# Sentence relevance to the company by what it names. Values are weights in the article
# aggregate; an 'other only' sentence also has its tone damped (see OTHER_TONE_DAMPING).
RELEVANCE_SELF = 1.0
RELEVANCE_ANAPHORA = 0.8  # 'the company', '该公司': refers back to the article's company
RELEVANCE_CONTINUATION = 0.6  # no name, in an article that names the company elsewhere
RELEVANCE_UNANCHORED = 0.4  # no name, and the text never names the company
RELEVANCE_OTHER = 0.2  # names only other firms, funds or indices
OTHER_TONE_DAMPING = 0.25  # tone of an 'other only' sentence toward the company is mostly not about it


def sentence_relevance(kinds: set[str], *, article_names_company: bool) -> float:
    """How much a sentence is about the company, from the kinds of names it mentions."""
    if "self" in kinds:
        return RELEVANCE_SELF
    if "anaphora" in kinds:
        # 'the company ... Tesla': probably still about the company, less surely so.
        return RELEVANCE_ANAPHORA if kinds == {"anaphora"} else RELEVANCE_CONTINUATION
    if "other" in kinds or "market" in kinds:
        return RELEVANCE_OTHER
    return RELEVANCE_CONTINUATION if article_names_company else RELEVANCE_UNANCHORED
