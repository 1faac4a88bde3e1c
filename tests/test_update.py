"""`update`: one round over the followed sources (a real HTTP server on localhost), its record, the loop."""

from __future__ import annotations

import os
import signal

import pytest

from analysis.cli import main
from analysis.errors import ConfigError
from analysis.fetch import Source
from analysis.live.schedule import StopFlag, run_every, stop_on_signals
from analysis.live.update import parse_interval, run_update


def _sources(site) -> list[Source]:
    return [Source("test feed", site.url("/feed.xml")), Source("gone", site.url("/gone.xml"))]


def test_a_round_fetches_scores_and_records_what_it_did(store, site, data_dir):
    summary = run_update(store, sources=_sources(site), use_snownlp=False, workers=1, prices=False)
    assert summary.status == "finished" and summary.added == 3
    assert summary.failed_sources == ["gone"]
    assert summary.scoring and summary.scoring["ok"] and summary.scoring["scored"] == 3
    assert store.current_run().n_scored == 3
    (last,) = store.live.rounds()
    assert last["status"] == "finished" and last["added"] == 3 and last["finished_at"] is not None
    assert last["summary"]["failed_sources"] == ["gone"]


def test_a_second_round_adds_nothing_and_scores_nothing(store, site, data_dir):
    run_update(store, sources=_sources(site), use_snownlp=False, workers=1, prices=False)
    runs_before = len(store.runs())
    again = run_update(store, sources=_sources(site), use_snownlp=False, workers=1, prices=False)
    assert again.added == 0 and again.status == "finished"
    assert again.scoring["scored"] == 0 and len(store.runs()) == runs_before  # no empty scoring run
    assert [r["added"] for r in store.live.rounds()] == [0, 3]


def test_update_with_no_source_exits_nonzero_and_says_why(tmp_path, data_dir, capsys):
    code = main(["update", "--db", str(tmp_path / "x.duckdb"), "--no-prices", "--no-snownlp"])
    assert code == 1
    assert "no enabled source" in capsys.readouterr().out


def test_update_from_the_command_line_reads_sources_toml(tmp_path, site, data_dir, capsys):
    (data_dir / "sources.toml").write_text(f'[[source]]\nname = "site"\nurl = "{site.url("/feed.xml")}"\n')
    db = str(tmp_path / "x.duckdb")
    assert main(["update", "--db", db, "--no-prices", "--no-snownlp", "--format", "json"]) == 0
    assert '"added": 3' in capsys.readouterr().out
    assert main(["update", "--db", db, "--no-prices", "--no-snownlp"]) == 0
    assert "0 articles added" in capsys.readouterr().out


def test_fetch_from_the_command_line(tmp_path, site, capsys):
    db = str(tmp_path / "x.duckdb")
    assert main(["fetch", "--db", db, site.url("/news/hans.html")]) == 0
    assert "1 added" in capsys.readouterr().out
    assert main(["fetch", "--db", db, "--feed", site.url("/feed.xml"), "--format", "json"]) == 0
    assert main(["fetch", "--db", db, site.url("/gone.html")]) == 1  # nothing could be fetched


def test_the_loop_stops_between_rounds_when_asked(store, site, data_dir):
    stop = StopFlag()
    rounds = run_every(store, 3600, stop=stop, on_round=lambda summary: stop.set(), sources=_sources(site),
                       use_snownlp=False, workers=1, prices=False)  # fmt: skip
    assert len(rounds) == 1  # the hour's wait ended at once
    assert [r["status"] for r in store.live.rounds()] == ["finished"]


def test_a_stop_during_a_round_ends_it_between_steps(store, site, data_dir):
    calls = []

    def stop() -> bool:  # asked after the first source: the round ends before scoring
        calls.append(1)
        return len(calls) > 1

    summary = run_update(store, sources=_sources(site), stop=stop, use_snownlp=False, workers=1, prices=False)
    assert summary.status == "stopped" and summary.scoring is None and len(summary.sources) == 1
    assert store.live.rounds()[0]["status"] == "stopped"


def test_sigterm_sets_the_stop_flag_and_the_handlers_come_back():
    before = signal.getsignal(signal.SIGTERM)
    with stop_on_signals(StopFlag()) as stop:
        os.kill(os.getpid(), signal.SIGTERM)
        assert stop.wait(5)
    assert signal.getsignal(signal.SIGTERM) is before


def test_intervals_read_with_units():
    assert parse_interval("15m") == 900 and parse_interval("1h") == 3600 and parse_interval("45") == 45
    with pytest.raises(ConfigError, match="unit"):
        parse_interval("soon")


def test_prices_are_refreshed_when_the_online_source_is_installed(store, monkeypatch, data_dir):
    import analysis.prices
    from analysis.errors import OfflineError
    from analysis.live import update
    from analysis.prices import parse_price_csv

    asked = []

    def fake_fetch(symbol, *, start=None, end=None):
        asked.append((symbol, start))
        if symbol == "^HSI":
            raise OfflineError("could not fetch ^HSI from Yahoo: offline")
        return parse_price_csv("date,close\n2025-11-20,40.1\n2025-11-21,40.5\n")

    monkeypatch.setattr(update.importlib.util, "find_spec", lambda name: object())
    monkeypatch.setattr(analysis.prices, "fetch_prices", fake_fetch)
    summary = run_update(store, sources=[], use_snownlp=False, workers=1)
    assert summary.prices == {"ok": True, "rows": 2, "tickers": {"1810.HK": 2},
                              "error": "could not fetch ^HSI from Yahoo: offline"}  # fmt: skip
    assert summary.status == "finished"  # no source, but prices were refreshed
    assert [symbol for symbol, _ in asked] == ["1810.HK", "^HSI"]
    run_update(store, sources=[], use_snownlp=False, workers=1)
    assert str(asked[-2][1]) == "2025-11-14"  # the next round starts a week before the last stored day
