"""One update round: fetch every followed source, ingest, score what is new, refresh prices, evaluate alerts.

Each step's failure is reported and the round goes on; a round did something when a source could be read or
prices were refreshed. Its record (when, what it added, which sources failed) is stored for the dashboard.
A stop request (SIGTERM, Ctrl-C in `update --every`) is honoured between steps: the round is recorded as
stopped and nothing is left half-written (each step writes in its own transactions).
"""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from analysis.errors import ConfigError, NarrativeError
from analysis.fetch.http import HttpClient
from analysis.fetch.run import SourceReport, fetch_sources
from analysis.fetch.sources import Source, load_sources, sources_file
from analysis.store import Store

Stop = Callable[[], bool]


@dataclass
class UpdateSummary:
    """What one round did, step by step."""

    round_id: int | None = None
    status: str = "running"  # finished | nothing_done | stopped | failed
    sources: list[SourceReport] = field(default_factory=list)
    scoring: dict | None = None
    prices: dict | None = None
    alerts: dict | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def added(self) -> int:
        return sum(len(report.added) for report in self.sources)

    @property
    def failed_sources(self) -> list[str]:
        return [report.name for report in self.sources if not report.ok]

    def as_dict(self) -> dict:
        return {
            "round_id": self.round_id, "status": self.status, "added": self.added,
            "failed_sources": self.failed_sources, "sources": [r.as_dict() for r in self.sources],
            "scoring": self.scoring, "prices": self.prices, "alerts": self.alerts, "notes": list(self.notes),
        }  # fmt: skip


def run_update(
    store: Store,
    *,
    ticker: str | None = None,
    sources: list[Source] | None = None,
    client: HttpClient | None = None,
    stop: Stop | None = None,
    use_snownlp: bool = True,
    workers: int | None = None,
    prices: bool = True,
) -> UpdateSummary:
    """One round over the store; the summary is stored as the round's record and returned."""
    from analysis.companies import default_ticker

    ticker = ticker or default_ticker()
    stop = stop or (lambda: False)
    round_id = store.live.start_round()
    summary = UpdateSummary(round_id=round_id)
    try:
        if sources is None:
            sources = load_sources()
        active = [s for s in sources if s.enabled]
        if not active:
            summary.notes.append(f"no enabled source in {sources_file()}: add a [[source]] block")
        summary.sources = fetch_sources(store, active, client=client, stop=stop)
        if not stop():
            summary.scoring = _score(store, ticker=ticker, added=summary.added, use_snownlp=use_snownlp,
                                     workers=workers)  # fmt: skip
        if not stop() and prices:
            summary.prices = _refresh_prices(store, ticker)
        if not stop():
            summary.alerts = _alerts(store, ticker)
        done = any(r.ok for r in summary.sources) or bool(summary.prices and summary.prices.get("ok"))
        summary.status = "stopped" if stop() else ("finished" if done else "nothing_done")
    except BaseException as exc:
        summary.status = "failed"
        summary.notes.append(f"{type(exc).__name__}: {exc}")
        raise
    finally:
        store.live.finish_round(round_id, status=summary.status, added=summary.added,
                                summary=summary.as_dict())  # fmt: skip
    return summary


def _score(store: Store, *, ticker: str, added: int, use_snownlp: bool, workers: int | None) -> dict:
    """Score incrementally when something is unscored (new articles, or a round whose scoring failed)."""
    from analysis.scoring.run import score_store

    run = store.current_run(ticker)
    if not added and run is not None and run.n_articles == store.article_count():
        return {"ok": True, "scored": 0, "run_id": run.run_id, "note": "nothing new to score"}
    if store.article_count() == 0:
        return {"ok": True, "scored": 0, "run_id": None, "note": "no articles yet"}
    try:
        result = score_store(store, ticker=ticker, use_snownlp=use_snownlp, workers=workers)
    except NarrativeError as exc:
        return {"ok": False, "error": str(exc)}
    return {"ok": True, "scored": result.scored, "run_id": result.run.run_id if result.run else None}


def _refresh_prices(store: Store, ticker: str) -> dict | None:
    """The company's and its benchmark's prices since the last stored day, when the online source (yfinance,
    extra [online]) is installed; None when it is not."""
    if importlib.util.find_spec("yfinance") is None:
        return None
    from analysis.companies import load_companies, price_ticker
    from analysis.prices import fetch_prices

    company = load_companies().find(ticker)
    symbols = [(ticker, ticker)]
    if company and company.benchmark:
        symbols.append((company.benchmark, price_ticker(company.benchmark)))
    last_days = {row["ticker"]: row["last"] for row in store.price_stats()}
    rows, errors = {}, []
    for symbol, stored_as in symbols:
        last = last_days.get(stored_as)
        start = (last - timedelta(days=7)) if isinstance(last, date) else None  # re-read a week: late fixes
        try:
            rows[stored_as] = store.replace_prices(
                stored_as, fetch_prices(symbol, start=start), source="yfinance"
            )
        except NarrativeError as exc:
            errors.append(str(exc))
    return {"ok": bool(rows), "rows": sum(rows.values()), "tickers": rows, "error": "; ".join(errors) or None}


def _alerts(store: Store, ticker: str) -> dict:
    """Evaluate the alert rules and deliver what is pending; a bad alerts.toml is reported, not raised."""
    from analysis.alerts import deliver_pending, evaluate_alerts, load_alert_config

    try:
        config = load_alert_config()
        fired = evaluate_alerts(store, config, ticker=ticker)
        delivery = deliver_pending(store, config)
    except NarrativeError as exc:
        return {"ok": False, "error": str(exc)}
    return {"ok": True, "new": len(fired), "new_alerts": [a.message for a in fired], **delivery}


_INTERVAL = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*$")
_UNIT_S = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_interval(text: str) -> float:
    """'15m', '1h', '30s', '2d' (or bare seconds) to seconds; ConfigError when unreadable or under 1s."""
    match = _INTERVAL.match(text or "")
    if not match:
        raise ConfigError(f"--every {text!r}: write a number and a unit, e.g. 15m, 1h, 30s")
    seconds = float(match[1]) * _UNIT_S[match[2]]
    if seconds < 1:
        raise ConfigError(f"--every {text!r}: at least one second")
    return seconds
