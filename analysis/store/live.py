"""Live coverage tables: URLs fetched (each once), update rounds, alerts fired and their deliveries.

A URL is recorded once whatever became of it (added, already stored, a near-duplicate, not an article, failed),
so a later round fetches only what is new; a URL whose failure may pass (a timeout) is tried again for a few
rounds. An alert is keyed by rule, subject and period: evaluating the same data again fires nothing new.
A delivery row exists per alert and channel until it is sent; a failed one stays pending and is retried.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING

import duckdb

from analysis.store.rows import one_row

if TYPE_CHECKING:
    from analysis.store import Store

MIGRATION = [
    """CREATE TABLE IF NOT EXISTS fetched_urls (
        url VARCHAR PRIMARY KEY,  -- as listed by the feed or sitemap (fragment removed)
        final_url VARCHAR,  -- after redirects
        source VARCHAR,  -- the sources.toml name, or 'cli'
        status VARCHAR NOT NULL,  -- added | already_stored | near_duplicate | off_topic | not_article | failed
        http_status INTEGER,
        article_id VARCHAR,  -- the article added, the stored copy, or the one it near-duplicates
        attempts INTEGER NOT NULL,
        retryable BOOLEAN NOT NULL,  -- a failure a later round may get past (timeout, 5xx)
        first_at TIMESTAMP NOT NULL, last_at TIMESTAMP NOT NULL,
        message VARCHAR
    )""",
    "CREATE SEQUENCE IF NOT EXISTS update_round_ids START 1",
    """CREATE TABLE IF NOT EXISTS update_rounds (
        round_id INTEGER PRIMARY KEY,
        started_at TIMESTAMP NOT NULL, finished_at TIMESTAMP,
        status VARCHAR NOT NULL,  -- running | finished | nothing_done | failed
        added INTEGER NOT NULL DEFAULT 0,
        summary VARCHAR  -- JSON: per source, scoring, prices, alerts
    )""",
    "CREATE SEQUENCE IF NOT EXISTS alert_ids START 1",
    """CREATE TABLE IF NOT EXISTS alerts (
        alert_id INTEGER PRIMARY KEY,
        ticker VARCHAR NOT NULL,
        rule VARCHAR NOT NULL,  -- the [[rule]] name in alerts.toml
        kind VARCHAR NOT NULL,  -- tone_zscore | shift | volume_spike | frame_share | price_mismatch
        subject VARCHAR NOT NULL,  -- what within the rule: '' or a frame, an article
        period_start DATE NOT NULL, period_end DATE NOT NULL,
        message VARCHAR NOT NULL,
        figures VARCHAR NOT NULL,  -- JSON
        article_ids VARCHAR NOT NULL,  -- JSON list: the articles behind it
        created_at TIMESTAMP NOT NULL,
        UNIQUE (ticker, rule, subject, period_start)
    )""",
    """CREATE TABLE IF NOT EXISTS alert_deliveries (
        alert_id INTEGER NOT NULL,
        channel VARCHAR NOT NULL,  -- webhook | email
        status VARCHAR NOT NULL,  -- pending | sent
        attempts INTEGER NOT NULL,
        last_error VARCHAR, last_attempt_at TIMESTAMP, sent_at TIMESTAMP,
        PRIMARY KEY (alert_id, channel)
    )""",
]

DONE_STATUSES = ("added", "already_stored", "near_duplicate", "off_topic", "not_article")


@dataclass(frozen=True)
class FetchRecord:
    """What became of one URL in one attempt."""

    url: str
    status: str
    source: str = "cli"
    final_url: str | None = None
    http_status: int | None = None
    article_id: str | None = None
    retryable: bool = False
    message: str | None = None


@dataclass
class AlertRecord:
    """One alert: the rule that fired, over which period, the figures and the articles behind it."""

    ticker: str
    rule: str
    kind: str
    subject: str
    period_start: date
    period_end: date
    message: str
    figures: dict = field(default_factory=dict)
    article_ids: list[str] = field(default_factory=list)
    alert_id: int | None = None
    created_at: datetime | None = None

    def as_dict(self) -> dict:
        """JSON-ready: what `alerts --format json` prints and a webhook receives."""
        return {
            "alert_id": self.alert_id,
            "ticker": self.ticker,
            "rule": self.rule,
            "kind": self.kind,
            "subject": self.subject,
            "period_start": self.period_start.isoformat(),
            "period_end": self.period_end.isoformat(),
            "message": self.message,
            "figures": self.figures,
            "article_ids": list(self.article_ids),
            "created_at": self.created_at.isoformat(timespec="seconds") if self.created_at else None,
        }


def urls_to_skip(con: duckdb.DuckDBPyConnection, urls: Sequence[str], *, max_attempts: int) -> set[str]:
    """The URLs already dealt with: done, or failed for good (not retryable, or out of attempts)."""
    if not urls:
        return set()
    rows = con.execute(
        "SELECT url FROM fetched_urls WHERE list_contains(?, url) AND "
        "(list_contains(?, status) OR NOT retryable OR attempts >= ?)",
        [list(urls), list(DONE_STATUSES), max_attempts],
    ).fetchall()
    finals = con.execute(
        "SELECT final_url FROM fetched_urls WHERE list_contains(?, final_url) AND list_contains(?, status)",
        [list(urls), list(DONE_STATUSES)],
    ).fetchall()
    return {row[0] for row in rows} | {row[0] for row in finals}


def record_fetch(con: duckdb.DuckDBPyConnection, record: FetchRecord) -> None:
    """Insert or update the URL's row; attempts count every try."""
    con.execute(
        """INSERT INTO fetched_urls VALUES (?, ?, ?, ?, ?, ?, 1, ?, now(), now(), ?)
           ON CONFLICT (url) DO UPDATE SET final_url = excluded.final_url, source = excluded.source,
               status = excluded.status, http_status = excluded.http_status, article_id = excluded.article_id,
               attempts = fetched_urls.attempts + 1, retryable = excluded.retryable, last_at = now(),
               message = excluded.message""",
        [record.url, record.final_url, record.source, record.status, record.http_status, record.article_id,
         record.retryable, record.message],
    )  # fmt: skip


def fetch_log(con: duckdb.DuckDBPyConnection, *, limit: int) -> list[dict]:
    """The latest fetched URLs, newest first."""
    cursor = con.execute(
        "SELECT url, final_url, source, status, http_status, article_id, attempts, last_at, message "
        "FROM fetched_urls ORDER BY last_at DESC, url LIMIT ?",
        [limit],
    )
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def start_round(con: duckdb.DuckDBPyConnection) -> int:
    """A new running update round."""
    (round_id,) = one_row(con, "SELECT nextval('update_round_ids')")
    con.execute("INSERT INTO update_rounds VALUES (?, now(), NULL, 'running', 0, NULL)", [round_id])
    return int(round_id)


def finish_round(
    con: duckdb.DuckDBPyConnection, round_id: int, *, status: str, added: int, summary: dict
) -> None:
    """Close a round with what it did."""
    con.execute(
        "UPDATE update_rounds SET finished_at = now(), status = ?, added = ?, summary = ? WHERE round_id = ?",
        [status, added, json.dumps(summary, ensure_ascii=False, default=str), round_id],
    )


def rounds(con: duckdb.DuckDBPyConnection, *, limit: int) -> list[dict]:
    """The latest update rounds, newest first, summary parsed."""
    rows = con.execute(
        "SELECT round_id, started_at, finished_at, status, added, summary FROM update_rounds "
        "ORDER BY round_id DESC LIMIT ?",
        [limit],
    ).fetchall()
    return [
        {"round_id": r[0], "started_at": r[1], "finished_at": r[2], "status": r[3], "added": r[4],
         "summary": json.loads(r[5]) if r[5] else {}}
        for r in rows
    ]  # fmt: skip


def add_alerts(
    con: duckdb.DuckDBPyConnection, alerts: Sequence[AlertRecord], *, channels: Sequence[str]
) -> list[AlertRecord]:
    """Store the alerts not stored yet (same ticker, rule, subject, period) with a pending delivery per channel."""
    added = []
    for alert in alerts:
        (known,) = one_row(
            con,
            "SELECT count(*) FROM alerts WHERE ticker = ? AND rule = ? AND subject = ? AND period_start = ?",
            [alert.ticker, alert.rule, alert.subject, alert.period_start],
        )
        if known:
            continue
        (alert_id,) = one_row(con, "SELECT nextval('alert_ids')")
        created = datetime.now().replace(microsecond=0)
        con.execute(
            "INSERT INTO alerts VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [alert_id, alert.ticker, alert.rule, alert.kind, alert.subject, alert.period_start, alert.period_end,
             alert.message, json.dumps(alert.figures, ensure_ascii=False, default=str),
             json.dumps(list(alert.article_ids)), created],
        )  # fmt: skip
        for channel in channels:
            con.execute(
                "INSERT INTO alert_deliveries VALUES (?, ?, 'pending', 0, NULL, NULL, NULL)",
                [alert_id, channel],
            )
        alert.alert_id, alert.created_at = int(alert_id), created
        added.append(alert)
    return added


_ALERT_COLUMNS = (
    "a.ticker, a.rule, a.kind, a.subject, a.period_start, a.period_end, a.message, a.figures, a.article_ids, "
    "a.alert_id, a.created_at"
)


def _alert(row: tuple) -> AlertRecord:
    values = list(row)
    values[7], values[8] = json.loads(values[7]), json.loads(values[8])
    return AlertRecord(*values)


def read_alerts(con: duckdb.DuckDBPyConnection, *, ticker: str | None, limit: int) -> list[AlertRecord]:
    """Stored alerts, newest period first (all tickers when None)."""
    rows = con.execute(
        f"SELECT {_ALERT_COLUMNS} FROM alerts a WHERE ? IS NULL OR a.ticker = ? "
        "ORDER BY a.period_start DESC, a.alert_id DESC LIMIT ?",
        [ticker, ticker, limit],
    ).fetchall()
    return [_alert(row) for row in rows]


def pending_deliveries(
    con: duckdb.DuckDBPyConnection, channels: Sequence[str]
) -> list[tuple[str, AlertRecord]]:
    """(channel, alert) of every delivery not sent yet on the given channels, oldest alert first."""
    rows = con.execute(
        f"SELECT d.channel, {_ALERT_COLUMNS} FROM alert_deliveries d JOIN alerts a ON a.alert_id = d.alert_id "
        "WHERE d.status = 'pending' AND list_contains(?, d.channel) ORDER BY a.alert_id, d.channel",
        [list(channels)],
    ).fetchall()
    return [(row[0], _alert(row[1:])) for row in rows]


def mark_delivery(con: duckdb.DuckDBPyConnection, alert_id: int, channel: str, *, error: str | None) -> None:
    """One delivery attempt: sent when error is None, else still pending with the error kept."""
    con.execute(
        "UPDATE alert_deliveries SET attempts = attempts + 1, last_attempt_at = now(), last_error = ?, "
        "status = CASE WHEN ? IS NULL THEN 'sent' ELSE 'pending' END, "
        "sent_at = CASE WHEN ? IS NULL THEN now() ELSE NULL END WHERE alert_id = ? AND channel = ?",
        [error, error, error, alert_id, channel],
    )


def delivery_counts(con: duckdb.DuckDBPyConnection) -> dict:
    """Deliveries per status and channel: {'webhook': {'sent': 3, 'pending': 1}, ...}."""
    counts: dict[str, dict[str, int]] = {}
    for channel, status, n in con.execute(
        "SELECT channel, status, count(*) FROM alert_deliveries GROUP BY 1, 2 ORDER BY 1, 2"
    ).fetchall():
        counts.setdefault(channel, {})[status] = n
    return counts


class LiveTables:
    """The live-coverage part of the Store façade (store.live): each call one short connection."""

    def __init__(self, store: Store):
        self._store = store

    def urls_to_skip(self, urls: Sequence[str], *, max_attempts: int) -> set[str]:
        """Which URLs a fetch should leave alone (dealt with before)."""
        with self._store.connect() as con:
            return urls_to_skip(con, urls, max_attempts=max_attempts)

    def record_fetch(self, record: FetchRecord) -> None:
        """Remember what became of a URL."""
        with self._store.transaction() as con:
            record_fetch(con, record)

    def fetch_log(self, *, limit: int = 50) -> list[dict]:
        """The latest fetched URLs, newest first."""
        with self._store.connect() as con:
            return fetch_log(con, limit=limit)

    def start_round(self) -> int:
        """Record a running update round."""
        with self._store.transaction() as con:
            return start_round(con)

    def finish_round(self, round_id: int, *, status: str, added: int, summary: dict) -> None:
        """Record what an update round did."""
        with self._store.transaction() as con:
            finish_round(con, round_id, status=status, added=added, summary=summary)

    def rounds(self, *, limit: int = 10) -> list[dict]:
        """The latest update rounds, newest first."""
        with self._store.connect() as con:
            return rounds(con, limit=limit)

    def add_alerts(self, alerts: Sequence[AlertRecord], *, channels: Sequence[str] = ()) -> list[AlertRecord]:
        """Store new alerts (each once) with a pending delivery per configured channel; returns the new ones."""
        with self._store.transaction() as con:
            return add_alerts(con, alerts, channels=channels)

    def alerts(self, *, ticker: str | None = None, limit: int = 200) -> list[AlertRecord]:
        """Stored alerts, newest period first."""
        with self._store.connect() as con:
            return read_alerts(con, ticker=ticker, limit=limit)

    def pending_deliveries(self, channels: Sequence[str]) -> list[tuple[str, AlertRecord]]:
        """Deliveries still to make on the given channels."""
        with self._store.connect() as con:
            return pending_deliveries(con, channels)

    def mark_delivery(self, alert_id: int, channel: str, *, error: str | None) -> None:
        """Record one delivery attempt."""
        with self._store.transaction() as con:
            mark_delivery(con, alert_id, channel, error=error)

    def delivery_counts(self) -> dict:
        """Deliveries per channel and status."""
        with self._store.connect() as con:
            return delivery_counts(con)
