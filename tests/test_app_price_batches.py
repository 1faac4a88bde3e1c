"""The dashboard's price upload: a level mismatch refused until confirmed, and an undo button (issue 12, item 5)."""

from __future__ import annotations

from pathlib import Path

import pytest

from analysis.prices import parse_price_csv
from analysis.store import Store
from tests.test_app import run_app, texts

pytestmark = pytest.mark.slow  # the dashboard through Streamlit's AppTest


@pytest.fixture
def priced_db(tmp_path, monkeypatch) -> Path:
    """A database holding two days of 1810.HK around HK$40 and nothing else (the app runs on it empty)."""
    path = tmp_path / "p.duckdb"
    Store(path).import_prices(
        "1810.HK", parse_price_csv(b"date,close\n2025-01-02,40\n2025-01-03,41\n"), source="seed"
    )
    monkeypatch.setenv("NARRATIVE_DB", str(path))
    return path


def test_a_price_upload_at_another_level_is_refused_until_confirmed_and_can_be_undone(priced_db):
    at = run_app()
    assert "price_confirm_level" not in _keys(at)  # offered only after a refusal
    at.file_uploader(key="upload_prices").set_value(("hkd98.csv", b"date,close\n2025-01-02,98\n2025-01-03,99\n",
                                                     "text/csv"))  # fmt: skip
    at.text_input(key="price_ticker").set_value("1810.HK")
    at.run()
    at.button(key="import_prices").click().run()
    assert not at.exception
    assert "refused for 1810.HK" in texts(at.error)
    assert Store(priced_db).prices(["1810.HK"])["close"].tolist() == [40.0, 41.0]
    at.checkbox(key="price_confirm_level").check().run()
    at.button(key="import_prices").click().run()
    assert not at.exception
    assert "Imported 2 days of 1810.HK" in texts(at.success)
    assert Store(priced_db).prices(["1810.HK"])["close"].tolist() == [98.0, 99.0]
    at.button(key="price_undo").click().run()
    assert not at.exception
    assert "undid price import 2" in texts(at.success)
    assert Store(priced_db).prices(["1810.HK"])["close"].tolist() == [40.0, 41.0]


def _keys(at) -> set[str]:
    return {getattr(widget, "key", None) for widget in at.checkbox}
