"""Every price import a versioned batch that `prices undo` reverts; a level that does not fit the stored series is
refused unless confirmed (issue 15 item 3, issue 12 item 5). CLI tests run the real command."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from analysis import DATA_DIR
from analysis.errors import PriceDataError, PriceLevelError
from analysis.price_import import import_price_data, undo_price_import
from analysis.views import import_price_upload
from tests.conftest import REPO

STOCK = DATA_DIR / "prices" / "1810.HK.csv"
FIRST = b"date,close\n2025-01-02,40.1\n2025-01-03,41.0\n"
UPDATE = b"date,close\n2025-01-03,41.5\n2025-01-06,42.0\n"
# HK$98 on the same days: a level 2.4x the stored closes, another ticker's or currency's file
OTHER_LEVEL = b"date,close\n2025-01-02,98.0\n2025-01-03,98.5\n"


def closes(store, ticker="1810.HK"):
    frame = store.prices([ticker])
    return dict(zip(frame["date"].dt.strftime("%Y-%m-%d"), frame["close"], strict=True))


def test_undo_reverts_the_last_import_and_puts_back_the_bars_it_replaced(store):
    first = import_price_data(store, FIRST, name="a.csv", ticker="1810.HK")
    second = import_price_data(store, UPDATE, name="b.csv", ticker="1810.HK")
    assert second.batch_id > first.batch_id
    assert closes(store) == {"2025-01-02": 40.1, "2025-01-03": 41.5, "2025-01-06": 42.0}
    line = undo_price_import(store, ticker="1810.HK")
    assert line.startswith(f"undid price import {second.batch_id} (2 days of 1810.HK from upload:b.csv")
    assert closes(store) == {"2025-01-02": 40.1, "2025-01-03": 41.0}
    undo_price_import(store)
    assert closes(store) == {}
    with pytest.raises(PriceDataError, match="no price import to undo"):
        undo_price_import(store)


def test_a_named_batch_under_a_later_one_is_refused_until_the_later_one_is_undone(store):
    first = import_price_data(store, FIRST, name="a.csv", ticker="1810.HK")
    second = import_price_data(store, UPDATE, name="b.csv", ticker="1810.HK")
    with pytest.raises(PriceDataError, match=f"overwritten in part by import\\(s\\) {second.batch_id}: undo"):
        undo_price_import(store, batch_id=first.batch_id)
    undo_price_import(store, batch_id=second.batch_id)
    with pytest.raises(PriceDataError, match="already undone"):
        undo_price_import(store, batch_id=second.batch_id)
    undo_price_import(store, batch_id=first.batch_id)
    assert closes(store) == {}


def test_undo_touches_only_its_ticker(store):
    import_price_data(store, FIRST, name="a.csv", ticker="1810.HK")
    import_price_data(store, FIRST, name="a.csv", ticker="TEST.HK")
    undo_price_import(store, ticker="1810.HK")
    assert closes(store) == {} and len(closes(store, "TEST.HK")) == 2


def test_a_level_mismatch_is_refused_unless_confirmed_and_the_stored_series_is_kept(store):
    import_price_data(store, FIRST, name="a.csv", ticker="1810.HK")
    with pytest.raises(
        PriceLevelError, match="refused for 1810.HK: on 2 overlapping date\\(s\\).*--accept-level"
    ):
        import_price_upload(store, OTHER_LEVEL, name="hkd98.csv", ticker="1810.HK")
    assert closes(store) == {"2025-01-02": 40.1, "2025-01-03": 41.0}
    rows, warnings = import_price_upload(
        store, OTHER_LEVEL, name="hkd98.csv", ticker="1810.HK", accept_level=True
    )
    assert rows == 2 and "different ticker or currency" in warnings[0]
    assert store.price_batches(ticker="1810.HK")[0]["level_accepted"] is True
    undo_price_import(store, ticker="1810.HK")
    assert closes(store) == {"2025-01-02": 40.1, "2025-01-03": 41.0}


def cli(*args: str, db) -> subprocess.CompletedProcess:
    env = os.environ | {"NARRATIVE_DB": str(db), "PYTHONPATH": str(REPO)}
    return subprocess.run([sys.executable, "-m", "analysis", *args], capture_output=True, text=True, env=env,
                          cwd=REPO, timeout=300)  # fmt: skip


@pytest.mark.slow
def test_the_cli_refuses_a_level_mismatch_accepts_it_when_asked_and_undoes_it(tmp_path):
    db = tmp_path / "p.duckdb"
    assert cli("prices", "import", str(STOCK), "--ticker", "1810.HK", db=db).returncode == 0
    other = tmp_path / "hkd98.csv"
    other.write_bytes(b"date,close\n2025-02-03,98.0\n2025-02-04,98.5\n")
    refused = cli("prices", "import", str(other), "--ticker", "1810.HK", db=db)
    assert refused.returncode == 2 and "Traceback" not in refused.stderr
    assert (
        refused.stderr.startswith(f"error: {other}: refused for 1810.HK")
        and "--accept-level" in refused.stderr
    )
    accepted = cli("prices", "import", str(other), "--ticker", "1810.HK", "--accept-level", db=db)
    assert accepted.returncode == 0 and "(batch 2; `prices undo` reverts it)" in accepted.stdout
    listed = cli("prices", "batches", db=db)
    assert "level accepted" in listed.stdout.splitlines()[0]
    undone = cli("prices", "undo", "--ticker", "1810.HK", db=db)
    assert undone.returncode == 0 and undone.stdout.startswith("undid price import 2 (2 days of 1810.HK")
    assert "last close 37.7" in cli("prices", "stats", db=db).stdout
    aapl = tmp_path / "aapl.csv"
    aapl.write_text("date,ticker,close\n2025-02-03,AAPL,228.0\n")
    refused = cli("prices", "import", str(aapl), "--ticker", "1810.HK", db=db)
    assert refused.returncode == 2 and "ticker 'AAPL' is not 1810.HK" in refused.stderr
    year_one = tmp_path / "old.csv"
    year_one.write_text("date,close\n0001-01-01,40\n")
    refused = cli("prices", "import", str(year_one), "--ticker", "1810.HK", db=db)
    assert refused.returncode == 2 and "before 1900" in refused.stderr and "Traceback" not in refused.stderr
