"""Alert evaluation over the store: the series the dashboard reads, every rule, each alert stored once."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd

from analysis import settings
from analysis.alerts import rules as rule_functions
from analysis.alerts.config import AlertConfig, Rule
from analysis.mentions import check_price_mentions
from analysis.narrative import detect_shifts, frame_shares, tone_index
from analysis.store import ArticleFilter, Store
from analysis.store.live import AlertRecord
from analysis.views.read import read_aggregates

MAX_ARTICLES_PER_ALERT = 20


def series_for_alerts(store: Store, filters: ArticleFilter, *, freq: str) -> dict:
    """What the rules read: tone index, shifts, frame shares, price checks, the scored articles (one session)."""
    with store.reading():
        sums = read_aggregates(store, filters, freq=freq)
        mentions = check_price_mentions(
            store.article_texts_frame(filters), store.prices(), ticker=filters.ticker
        )
        articles = store.scored_articles(filters)
    index = tone_index(sums["cube"], freq=freq)
    return {
        "index": index,
        "shifts": detect_shifts(index, sums["frames_by_day"]),
        "shares": frame_shares(sums["frames_by_day"], freq=freq),
        "mentions": mentions,
        "articles": articles,
    }


def fire(rule: Rule, series: dict, *, freq: str) -> list[rule_functions.Firing]:
    """One rule over the series."""
    p = rule.params
    if rule.kind == "tone_zscore":
        return rule_functions.tone_zscore(series["index"], k=p["k"], min_articles=p["min_articles"])
    if rule.kind == "shift":
        return rule_functions.shift(series["shifts"], min_delta=p["min_delta"])
    if rule.kind == "volume_spike":
        return rule_functions.volume_spike(series["index"], freq=freq, factor=p["factor"], window=p["window"],
                                           min_articles=p["min_articles"])  # fmt: skip
    if rule.kind == "frame_share":
        return rule_functions.frame_share(series["shares"], freq=freq, frame=p["frame"], jump=p["jump"],
                                          window=p["window"], min_articles=p["min_articles"])  # fmt: skip
    return rule_functions.price_mismatch(series["mentions"])


def _period_end(start: pd.Timestamp, freq: str) -> date:
    return (start + pd.Timedelta(days=6 if freq == "W" else 0)).date()


def _articles_behind(articles: pd.DataFrame, start: date, end: date, frame: str | None) -> list[str]:
    if articles.empty:
        return []
    days = pd.to_datetime(articles["date"]).dt.date
    chosen = articles[(days >= start) & (days <= end)]
    if frame:
        chosen = chosen[chosen["frames"].fillna("").astype(str).str.contains(frame, regex=False)]
    return chosen["article_id"].head(MAX_ARTICLES_PER_ALERT).tolist()


def alerts_from_series(
    series: dict, config: AlertConfig, *, ticker: str, today: date | None = None
) -> list[AlertRecord]:
    """Every rule's alerts over the series, periods older than the lookback left out (pure: nothing stored)."""
    today = today or settings.today()
    oldest = today - timedelta(days=config.lookback_days) if config.lookback_days else date.min
    alerts = []
    for rule in config.rules:
        for firing in fire(rule, series, freq=config.freq):
            start = firing.period_start.date()
            end = _period_end(firing.period_start, config.freq)
            if end < oldest:
                continue
            ids = firing.article_ids or _articles_behind(series["articles"], start, end, firing.frame)
            alerts.append(AlertRecord(ticker, rule.name, rule.kind, firing.subject, start, end,
                                      f"{rule.name}: {firing.message}", firing.figures, ids))  # fmt: skip
    return alerts


def evaluate_alerts(
    store: Store, config: AlertConfig, *, ticker: str | None = None, today: date | None = None
) -> list[AlertRecord]:
    """Evaluate every rule and store the alerts not fired before; returns the new ones (with ids)."""
    filters = ArticleFilter(ticker=ticker) if ticker else ArticleFilter()
    if not config.rules:
        return []
    series = series_for_alerts(store, filters, freq=config.freq)
    found = alerts_from_series(series, config, ticker=filters.ticker, today=today)
    return store.live.add_alerts(found, channels=config.channels)
