"""What the dashboard's live-coverage section reads: the last update round, the alerts, the emerging narratives.

Plain data for ui/live.py (no Streamlit here), so what each row says is tested without a browser.
"""

from __future__ import annotations

import pandas as pd

ALERT_COLUMNS = ("period", "rule", "message", "articles", "alert_id")
ROUND_SOURCE_COLUMNS = ("source", "ok", "added", "listed", "failed", "error")
EMERGING_COLUMNS = ("phrase", "recent_articles", "history_articles", "ratio", "tone", "first_date")


def last_round(store) -> dict | None:
    """The latest update round: when it ran, its status, what it added, which sources failed (None: never)."""
    rounds = store.live.rounds(limit=1)
    if not rounds:
        return None
    latest = rounds[0]
    summary = latest["summary"] or {}
    sources = summary.get("sources", [])
    table = pd.DataFrame(
        [{"source": s["name"], "ok": s["ok"], "added": s["added"], "listed": s["listed"],
          "failed": len(s["failed"]), "error": s["error"] or ""} for s in sources],
        columns=list(ROUND_SOURCE_COLUMNS),
    )  # fmt: skip
    return {
        "round_id": latest["round_id"],
        "started_at": latest["started_at"],
        "finished_at": latest["finished_at"],
        "status": latest["status"],
        "added": latest["added"],
        "failed_sources": summary.get("failed_sources", []),
        "sources": table,
        "notes": summary.get("notes", []),
    }


def alerts_table(store, *, ticker: str | None, limit: int = 100) -> pd.DataFrame:
    """The stored alerts, newest period first, one row each."""
    rows = [
        {"period": str(a.period_start) if a.period_start == a.period_end else f"{a.period_start}..{a.period_end}",
         "rule": a.rule, "message": a.message, "articles": len(a.article_ids), "alert_id": a.alert_id}
        for a in store.live.alerts(ticker=ticker, limit=limit)
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=list(ALERT_COLUMNS))


def emerging_table(rows: list[dict]) -> pd.DataFrame:
    """Emerging narratives (narrative.emerging rows) as a table."""
    return pd.DataFrame(
        [{c: row.get(c) for c in EMERGING_COLUMNS} for row in rows], columns=list(EMERGING_COLUMNS)
    )
