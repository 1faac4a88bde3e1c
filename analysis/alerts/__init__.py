"""Alerts when the story turns: rules of data/alerts.toml over the narrative series, stored once, delivered."""

from analysis.alerts.config import AlertConfig, Rule, alerts_file, load_alert_config, parse_alert_config
from analysis.alerts.deliver import deliver_pending
from analysis.alerts.evaluate import alerts_from_series, evaluate_alerts, series_for_alerts

__all__ = [
    "AlertConfig", "Rule", "alerts_file", "alerts_from_series", "deliver_pending", "evaluate_alerts",
    "load_alert_config", "parse_alert_config", "series_for_alerts",
]  # fmt: skip
