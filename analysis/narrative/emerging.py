"""Emerging narratives: phrases whose share of the coverage rises sharply in a recent window against their own
history, found without a taxonomy.

Method: the simplified text of each unique story is cut into tokens (a Chinese character, or a Latin word or
number such as 'YU7') and runs broken at punctuation; every n-gram of 2..MAX_TOKENS tokens is a candidate
phrase (n-grams starting or ending with a function word are not). A phrase's document frequency is counted in
the recent window (candidates: at least `min_articles` stories there) and then, for those candidates only, in
the history before it (one Aho-Corasick pass per story). The rise is the smoothed ratio of its recent share of
stories to its history share, (r + ½)/(R + 1) ÷ (h + ½)/(H + 1), so a phrase new to a short history is not
infinitely surprising; and it must be unlikely by chance: the Poisson probability of r or more recent stories at
the history rate, times the number of candidates tried, at most `max_p`. A phrase contained in a longer candidate that has nearly the same recent stories is
the same story told shorter, and is dropped. Character n-grams need no segmenter: they find '交付延迟' whether or
not a dictionary knows the word, in simplified and (converted) traditional text alike.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

import ahocorasick_rs
import pandas as pd
from scipy.stats import poisson

if TYPE_CHECKING:
    from analysis.store import ArticleFilter, Store

MAX_TOKENS = 6
# Stories read per window: beyond these, an even sample (newest kept in the recent window) bounds the time.
MAX_RECENT_STORIES = 3000
MAX_HISTORY_STORIES = 3000
MAX_PHRASES = 20
MAX_ARTICLES = 20
_TOKEN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]|[a-z0-9][a-z0-9\-']*", re.IGNORECASE)
_BREAK = re.compile(r"[^\u3400-\u4dbf\u4e00-\u9fffA-Za-z0-9\-' ]+")
# Function characters and words a phrase neither starts nor ends with (they join phrases, they are not one).
_EDGE_ZH = set("的了在是和与及等也都而就对将把被从为以于这那其之或并且但又还让向着地得所此该个")
_EDGE_EN = {
    "a", "an", "the", "of", "to", "in", "on", "for", "and", "or", "but", "is", "are", "was", "were", "be",
    "by", "at", "as", "with", "from", "that", "this", "it", "its", "has", "have", "had", "will", "said", "says",
}  # fmt: skip


@dataclass(frozen=True)
class Window:
    """The recent window (start..end, inclusive) and the history before it."""

    recent_start: date
    end: date
    history_start: date


def _tokens(text: str) -> list[list[str]]:
    """Runs of tokens between punctuation, lower-cased."""
    runs = []
    for segment in _BREAK.split(text.lower()):
        tokens = _TOKEN.findall(segment)
        if tokens:
            runs.append(tokens)
    return runs


def _join(tokens: list[str]) -> str:
    return _joined(tokens)[0]


def _joined(tokens: list[str]) -> tuple[str, list[int], list[int]]:
    """The run as one string (a space only between two Latin tokens), and where each token starts and ends."""
    parts, starts, ends, at = [], [], [], 0
    previous = ""
    for token in tokens:
        if previous and previous.isascii() and token.isascii():
            parts.append(" ")
            at += 1
        starts.append(at)
        parts.append(token)
        at += len(token)
        ends.append(at)
        previous = token
    return "".join(parts), starts, ends


def _edge(token: str) -> bool:
    return token in _EDGE_ZH or token in _EDGE_EN


def phrases_of(text: str) -> set[str]:
    """Every candidate phrase of a text (each once): n-grams of 2..MAX_TOKENS tokens, function words not at the edges."""
    found: set[str] = set()
    for run in _tokens(text):
        joined, starts, ends = _joined(run)
        edges = [_edge(token) for token in run]
        digits = [token.isdigit() for token in run]
        for start in range(len(run)):
            if edges[start]:
                continue
            begin = starts[start]
            for end in range(start + 2, min(start + MAX_TOKENS, len(run)) + 1):
                if not edges[end - 1] and not all(digits[start:end]):
                    found.add(joined[begin : ends[end - 1]])
    return found


def window_of(dates: pd.Series, *, recent_days: int, history_days: int, as_of: date | None) -> Window:
    """The recent window ends on `as_of` (default: the latest story's date)."""
    end = as_of or pd.to_datetime(dates).max().date()
    recent_start = end - timedelta(days=recent_days - 1)
    return Window(recent_start, end, recent_start - timedelta(days=history_days))


def emerging_phrases(
    stories: pd.DataFrame,
    *,
    recent_days: int = 14,
    history_days: int = 365,
    as_of: date | None = None,
    min_articles: int = 3,
    min_ratio: float = 3.0,
    max_p: float = 0.01,
    limit: int = MAX_PHRASES,
) -> list[dict]:
    """Phrases rising in the recent window, strongest first, with their stories and mean tone.

    `stories` has article_id, date, text (simplified) and tone (NaN when unscored), one row per unique story.
    """
    if stories.empty:
        return []
    frame = stories.assign(day=pd.to_datetime(stories["date"]).dt.date)
    window = window_of(frame["date"], recent_days=recent_days, history_days=history_days, as_of=as_of)
    recent = frame[(frame["day"] >= window.recent_start) & (frame["day"] <= window.end)]
    history = frame[(frame["day"] >= window.history_start) & (frame["day"] < window.recent_start)]
    if len(recent) < min_articles:
        return []
    recent = recent.sort_values("day", ascending=False).head(MAX_RECENT_STORIES)
    if len(history) > MAX_HISTORY_STORIES:  # an even sample: shares are what is compared, not counts
        history = history.iloc[:: -(-len(history) // MAX_HISTORY_STORIES)]
    holders: dict[str, list[int]] = {}
    for position, text in enumerate(recent["text"].astype(str)):
        for phrase in phrases_of(text):
            holders.setdefault(phrase, []).append(position)
    candidates = {phrase: rows for phrase, rows in holders.items() if len(rows) >= min_articles}
    if not candidates:
        return []
    before = _history_counts(candidates, history["text"].astype(str))
    n_recent, n_history = len(recent), len(history)
    scored = []
    for phrase, rows in candidates.items():
        r, h = len(rows), before[phrase]
        history_share = (h + 0.5) / (n_history + 1)
        ratio = ((r + 0.5) / (n_recent + 1)) / history_share
        # Chance alone: among thousands of candidates some rise by luck. The rise must be unlikely at the
        # phrase's own history rate (Poisson tail), corrected for how many phrases were tried (Bonferroni).
        if ratio >= min_ratio and poisson.sf(r - 1, history_share * n_recent) * len(candidates) <= max_p:
            scored.append((phrase, rows, h, ratio))
    kept = _longest_telling(_merged(scored, recent["text"].astype(str).tolist()))
    kept.sort(key=lambda item: (-len(item[1]) * math.log(item[3]), item[0]))
    return [
        _row(phrase, rows, h, ratio, recent, n_recent, n_history, window)
        for phrase, rows, h, ratio in kept[:limit]
    ]


def _history_counts(candidates: dict[str, list[int]], texts: pd.Series) -> Counter:
    """How many history stories hold each candidate (one automaton pass per story)."""
    counts: Counter = Counter({phrase: 0 for phrase in candidates})
    phrases = list(candidates)
    if texts.empty or not phrases:
        return counts
    automaton = ahocorasick_rs.AhoCorasick(phrases, matchkind=ahocorasick_rs.MatchKind.Standard)
    for text in texts:
        found = automaton.find_matches_as_indexes(_normalised(text), overlapping=True)
        counts.update({phrases[index] for index, _, _ in found})
    return counts


def _normalised(text: str) -> str:
    """The text as phrases are written: tokens lower-cased and joined as _join joins them, runs apart."""
    return "\n".join(_join(run) for run in _tokens(text))


def _merged(
    scored: list[tuple[str, list[int], int, float]], texts: list[str]
) -> list[tuple[str, list[int], int, float]]:
    """Candidates held by exactly the same stories are one phrase: their overlapping occurrences joined.

    A repeated sentence gives a chain of overlapping n-grams ('多位车主反映', '位车主反映YU7', ...), all in the
    same stories; reported once, as the longest stretch they cover together.
    """
    groups: dict[tuple[int, ...], list[tuple[str, list[int], int, float]]] = {}
    for item in scored:
        groups.setdefault(tuple(item[1]), []).append(item)
    merged = []
    for rows, members in groups.items():
        if len(members) == 1:
            merged.append(members[0])
            continue
        text = _normalised(texts[rows[0]])
        spans = sorted(
            (start, start + len(phrase))
            for phrase, *_ in members
            for start in [text.find(phrase)]
            if start >= 0
        )
        stretches: list[list[int]] = []
        for start, end in spans:
            if stretches and start < stretches[-1][1]:
                stretches[-1][1] = max(stretches[-1][1], end)
            else:
                stretches.append([start, end])
        best = max(stretches, key=lambda span: span[1] - span[0]) if stretches else None
        phrase = text[best[0] : best[1]].strip() if best else members[0][0]
        merged.append((phrase, list(rows), min(m[2] for m in members), max(m[3] for m in members)))
    return merged


def _longest_telling(
    scored: list[tuple[str, list[int], int, float]],
) -> list[tuple[str, list[int], int, float]]:
    """Drop a phrase inside a longer kept one with nearly the same recent stories (the same story, shorter)."""
    kept: list[tuple[str, list[int], int, float]] = []
    for item in sorted(scored, key=lambda item: (-len(item[0]), item[0])):
        phrase, rows = item[0], item[1]
        if any(
            phrase in longer and len(rows) <= 1.25 * len(longer_rows) for longer, longer_rows, _, _ in kept
        ):
            continue
        kept.append(item)
    return kept


def _as_written(phrase: str, texts: pd.Series) -> str:
    """The phrase as the coverage writes it ('YU7交付延迟', not the lower-cased key), when it is found so."""
    pattern = re.compile(r"\s*".join(re.escape(part) for part in phrase.split(" ")), re.IGNORECASE)
    for text in texts:
        match = pattern.search(text)
        if match:
            return match.group(0)
    return phrase


def _row(phrase, rows, h, ratio, recent: pd.DataFrame, n_recent: int, n_history: int, window: Window) -> dict:
    chosen = recent.iloc[rows]
    tones = pd.to_numeric(chosen["tone"], errors="coerce").dropna() if "tone" in chosen else pd.Series([])
    return {
        "phrase": _as_written(phrase, chosen["text"].astype(str)),
        "recent_articles": len(rows),
        "history_articles": int(h),
        "recent_share": round(len(rows) / n_recent, 4),
        "history_share": round(h / n_history, 4) if n_history else 0.0,
        "ratio": round(ratio, 2),
        "tone": round(float(tones.mean()), 4) if len(tones) else None,
        "first_date": str(min(chosen["day"])),
        "article_ids": chosen.sort_values("day", ascending=False)["article_id"].head(MAX_ARTICLES).tolist(),
        "recent_from": str(window.recent_start),
        "recent_to": str(window.end),
        "recent_days": (window.end - window.recent_start).days + 1,
    }


def stories_frame(store: Store, filters: ArticleFilter) -> pd.DataFrame:
    """article_id, date, text (simplified), tone of the filtered unique stories with a current score."""
    with store.reading():
        scored = store.scored_articles(filters)
        if "duplicate_of" in scored:
            scored = scored[scored["duplicate_of"].isna()]
        texts = store.article_texts(scored["article_id"].tolist()) if len(scored) else []
    simplified = {article_id: simp for article_id, _, simp, _ in texts}
    return pd.DataFrame({
        "article_id": scored["article_id"].to_numpy(),
        "date": pd.to_datetime(scored["date"]).to_numpy(),
        "text": [simplified.get(article_id, "") for article_id in scored["article_id"]],
        "tone": scored["tone"].to_numpy(),
    })  # fmt: skip


def emerging_narratives(
    store: Store, filters: ArticleFilter | None = None, *, ticker: str | None = None, recent_days: int | None = None,
    **options,
) -> list[dict]:  # fmt: skip
    """Emerging narratives of the store's filtered coverage (what `emerging`, `report` and the dashboard show)."""
    from analysis.store import ArticleFilter

    filters = filters or (ArticleFilter(ticker=ticker) if ticker else ArticleFilter())
    return emerging_phrases(stories_frame(store, filters), recent_days=recent_days or 14, **options)


def make_frame(store: Store, phrase: str, **options) -> dict:
    """Turn an emerging phrase into a frame of frames.toml and rescore (see narrative.frame_action)."""
    from analysis.narrative.frame_action import add_frame_and_rescore

    return add_frame_and_rescore(store, phrase, **options)
