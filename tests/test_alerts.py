"""Alerts: each rule fires on a constructed series and stays silent on a flat one; stored once; delivered once
to a webhook receiver and an SMTP server on localhost; a failed delivery is kept and retried."""

from __future__ import annotations

import json
import socket
import threading
from datetime import date, timedelta

import pandas as pd
import pytest

from analysis.alerts import AlertConfig, Rule, alerts_from_series, deliver_pending, evaluate_alerts
from analysis.alerts.config import KINDS, Email, Webhook, parse_alert_config
from analysis.cli import main
from analysis.errors import ConfigError
from analysis.mentions import check_price_mentions
from analysis.narrative import detect_shifts, frame_shares, tone_index
from analysis.store.live import AlertRecord
from tests.daily_sums import cube, frames_by_day
from tests.live_server import serve

START = date(2025, 10, 1)
DAYS = 40
LAST = START + timedelta(days=DAYS - 1)


def _days():
    return [START + timedelta(days=i) for i in range(DAYS)]


def flat_series(*, tone=lambda i: 0.3 + 0.05 * (i % 2), per_day=lambda i: 3, recall=lambda i: 0, price=40.0):
    """Forty days of coverage: tone wobbling around +0.3, three articles a day, one steady frame mix, a price
    statement that matches the table. Each argument changes one aspect by day number."""
    articles, frames, texts = [], [], []
    for i, day in enumerate(_days()):
        n = per_day(i)
        articles += [{"date": day, "tone": tone(i), "label": "bullish"} for _ in range(n)]
        frames.append((day, "product_success", "bullish", 4, n))
        if recall(i):
            frames.append((day, "recall_quality", "bearish", recall(i), recall(i)))
        texts.append({"article_id": f"a{i}", "date": pd.Timestamp(day), "date_inferred": False,
                      "text": f"{day.month}月{day.day}日,小米集团股价收于{price if i == DAYS - 1 else 40.0:.2f}港元。"})  # fmt: skip
    prices = pd.DataFrame({"ticker": "1810.HK", "date": pd.to_datetime(_days()), "close": 40.0, "low": 39.5,
                           "high": 40.5})  # fmt: skip
    index = tone_index(cube(*articles), freq="D")
    by_day = frames_by_day(*frames)
    scored = pd.DataFrame({"article_id": [t["article_id"] for t in texts], "date": pd.to_datetime(_days()),
                           "frames": ["recall_quality" if recall(i) else "product_success" for i in range(DAYS)]})  # fmt: skip
    return {
        "index": index,
        "shifts": detect_shifts(index, by_day),
        "shares": frame_shares(by_day, freq="D"),
        "mentions": check_price_mentions(pd.DataFrame(texts), prices, ticker="1810.HK"),
        "articles": scored,
    }


# One constructed series per kind: what makes that rule fire on the last days.
FIRING = {
    "tone_zscore": {"tone": lambda i: -0.6 if i == DAYS - 1 else 0.3 + 0.05 * (i % 2)},
    "shift": {"tone": lambda i: 0.4 if i < DAYS // 2 else -0.4},
    "volume_spike": {"per_day": lambda i: 20 if i == DAYS - 1 else 3},
    "frame_share": {"recall": lambda i: 6 if i >= DAYS - 2 else 0},
    "price_mismatch": {"price": 55.0},
}


def _config(kind: str, **params) -> AlertConfig:
    return AlertConfig(rules=(Rule(kind, kind, dict(KINDS[kind]) | params),), lookback_days=0)


@pytest.mark.parametrize("kind", list(KINDS))
def test_each_rule_fires_on_its_constructed_series(kind):
    alerts = alerts_from_series(flat_series(**FIRING[kind]), _config(kind), ticker="1810.HK", today=LAST)
    assert alerts, kind
    assert all(a.kind == kind and a.period_start >= START for a in alerts)
    assert max(a.period_start for a in alerts) >= LAST - timedelta(days=DAYS // 2)
    assert all(a.article_ids for a in alerts)  # the articles behind it


@pytest.mark.parametrize("kind", list(KINDS))
def test_each_rule_stays_silent_on_a_flat_series(kind):
    assert alerts_from_series(flat_series(), _config(kind), ticker="1810.HK", today=LAST) == []


def test_the_tone_rule_reads_the_tone_index_zscore():
    series = flat_series(**FIRING["tone_zscore"])
    (alert,) = alerts_from_series(series, _config("tone_zscore"), ticker="1810.HK", today=LAST)
    last = series["index"].iloc[-1]
    assert alert.figures["zscore"] == round(float(last["zscore"]), 4) and alert.period_start == LAST


def test_the_frame_rule_watches_the_named_frame_only():
    series = flat_series(**FIRING["frame_share"])
    assert (
        alerts_from_series(series, _config("frame_share", frame="trust_crisis"), ticker="x", today=LAST) == []
    )
    (alert, *_) = alerts_from_series(
        series, _config("frame_share", frame="recall_quality"), ticker="x", today=LAST
    )
    assert alert.subject == "recall_quality"


def test_old_periods_are_left_out_by_the_lookback():
    series = flat_series(**FIRING["volume_spike"])
    config = AlertConfig(rules=(Rule("v", "volume_spike", dict(KINDS["volume_spike"])),), lookback_days=3)
    assert alerts_from_series(series, config, ticker="x", today=LAST + timedelta(days=10)) == []
    assert alerts_from_series(series, config, ticker="x", today=LAST + timedelta(days=1))


def _alert(n: int) -> AlertRecord:
    day = START + timedelta(days=n)
    return AlertRecord("1810.HK", "spike", "volume_spike", "", day, day, f"spike {n}", {"n": n}, [f"a{n}"])


def test_an_alert_is_stored_once(store):
    assert len(store.live.add_alerts([_alert(1), _alert(2)])) == 2
    assert store.live.add_alerts([_alert(1), _alert(3)])[0].message == "spike 3"
    assert [a.message for a in store.live.alerts()] == ["spike 3", "spike 2", "spike 1"]
    assert store.live.alerts()[0].figures == {"n": 3} and store.live.alerts()[0].article_ids == ["a3"]


def test_evaluating_the_same_data_again_fires_nothing_new(store):
    config = AlertConfig(rules=(Rule("shift", "shift", {"min_delta": 0.1}),), lookback_days=0)
    _seed(store)
    first = evaluate_alerts(store, config, ticker="1810.HK")
    assert first and evaluate_alerts(store, config, ticker="1810.HK") == []


def _seed(store) -> None:
    """Twenty days of positive coverage, then twenty negative: one shift."""
    from tests.conftest import make_article, make_score

    articles, scores = [], []
    for i, day in enumerate(_days()):
        article = make_article(f"小米第{i}天的报道,内容各不相同。" * 3, published=day)
        articles.append(article)
        scores.append(make_score(article, tone=0.5 if i < DAYS // 2 else -0.5))
    store.add_articles(articles)
    run_id = store.start_run(ticker="1810.HK", scorer="test", version="1", config_hash="h", options={})
    store.write_scores(run_id, scores)
    store.finish_run(run_id, n_articles=len(scores))


def test_a_webhook_receiver_gets_each_alert_once_and_a_failure_is_retried(store, monkeypatch):
    monkeypatch.setenv("NARRATIVE_FETCH_BACKOFF", "0")
    with serve() as site:
        answers = iter([500, 500, 500, 200, 200, 200])  # the first delivery fails for the whole round
        site.on_post = lambda path, body: next(answers)
        config = AlertConfig(webhook=Webhook(site.url("/hook")))
        store.live.add_alerts([_alert(1), _alert(2)], channels=config.channels)
        first = deliver_pending(store, config)
        assert first["delivered"] == 1 and len(first["delivery_failures"]) == 1
        assert "HTTP 500" in first["delivery_failures"][0]
        second = deliver_pending(store, config)  # the next round: the kept one goes out
        third = deliver_pending(store, config)
    assert second["delivered"] == 1 and third["delivered"] == 0
    received = [json.loads(body) for body, answer in zip(site.bodies, [500, 500, 500, 200, 200], strict=False)
                if answer == 200]  # fmt: skip
    assert sorted(a["message"] for a in received) == ["spike 1", "spike 2"]
    assert store.live.delivery_counts() == {"webhook": {"sent": 2}}


class SmtpSink:
    """A minimal SMTP server on localhost (stdlib sockets): accepts every message and keeps it."""

    def __init__(self) -> None:
        self.messages: list[str] = []
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            with conn, conn.makefile("rb") as reader:
                conn.sendall(b"220 localhost test SMTP\r\n")
                data: list[bytes] | None = None
                for line in reader:
                    if data is not None:
                        if line in (b".\r\n", b".\n"):
                            self.messages.append(b"".join(data).decode("utf-8", "replace"))
                            data = None
                            conn.sendall(b"250 queued\r\n")
                        else:
                            data.append(line[1:] if line.startswith(b"..") else line)
                        continue
                    verb = line[:4].upper()
                    if verb in (b"EHLO", b"HELO"):
                        conn.sendall(b"250 localhost\r\n")
                    elif verb == b"DATA":
                        data = []
                        conn.sendall(b"354 go on\r\n")
                    elif verb == b"QUIT":
                        conn.sendall(b"221 bye\r\n")
                        break
                    else:
                        conn.sendall(b"250 ok\r\n")

    def close(self) -> None:
        self.sock.close()


def test_an_smtp_server_on_localhost_receives_the_email(store):
    sink = SmtpSink()
    try:
        config = AlertConfig(
            email=Email("127.0.0.1", sink.port, "alerts@test.local", ("analyst@test.local",))
        )
        store.live.add_alerts([_alert(5)], channels=config.channels)
        assert deliver_pending(store, config)["delivered"] == 1
        assert deliver_pending(store, config)["delivered"] == 0  # sent once
    finally:
        sink.close()
    (message,) = sink.messages
    assert "spike 5" in message and "analyst@test.local" in message and "a5" in message


def test_an_unreachable_smtp_server_is_reported_and_the_alert_kept(store, monkeypatch):
    monkeypatch.setenv("NARRATIVE_DELIVERY_RETRIES", "0")
    closed = socket.create_server(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()
    config = AlertConfig(email=Email("127.0.0.1", port, "a@test.local", ("b@test.local",)))
    store.live.add_alerts([_alert(6)], channels=config.channels)
    result = deliver_pending(store, config)
    assert result["delivered"] == 0 and "e-mail via 127.0.0.1" in result["delivery_failures"][0]
    assert store.live.delivery_counts() == {"email": {"pending": 1}}


def test_alerts_toml_is_checked(tmp_path):
    from analysis import DATA_DIR
    from analysis.alerts import load_alert_config

    bundled = load_alert_config(DATA_DIR / "alerts.toml")
    assert {rule.kind for rule in bundled.rules} == set(KINDS) and bundled.channels == ()
    with pytest.raises(ConfigError, match="kind"):
        parse_alert_config({"rule": [{"name": "x", "kind": "astrology"}]})
    with pytest.raises(ConfigError, match="unknown parameter"):
        parse_alert_config({"rule": [{"name": "x", "kind": "shift", "k": 2}]})
    with pytest.raises(ConfigError, match=r"\[email\] to"):
        parse_alert_config({"email": {"host": "h", "from": "a@b"}})


def test_alerts_command_lists_them_as_json(tmp_path, capsys):
    from analysis.store import Store

    db = tmp_path / "a.duckdb"
    Store(db).live.add_alerts([_alert(7)])
    assert main(["alerts", "--db", str(db), "--format", "json"]) == 0
    (row,) = json.loads(capsys.readouterr().out)
    assert (
        row["message"] == "spike 7" and row["article_ids"] == ["a7"] and row["period_start"] == "2025-10-08"
    )
