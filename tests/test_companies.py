"""companies.toml: one parser, one typed structure, the default ticker and its benchmark."""

from __future__ import annotations

import pytest

from analysis.companies import (
    benchmark_for,
    default_benchmark,
    default_ticker,
    load_companies,
    load_tickers,
    price_ticker,
)
from analysis.errors import ConfigError


def _write(tmp_path, text: str):
    path = tmp_path / "companies.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_bundled_file_makes_xiaomi_the_default_against_the_hang_seng() -> None:
    companies = load_companies()
    assert default_ticker() == companies.default.ticker == "1810.HK"
    assert companies.default.benchmark == "^HSI"
    assert default_benchmark() == "HSI"  # prices are stored without Yahoo's caret
    assert "小米" in companies.default.aliases and "雷军" in companies.default.people
    assert "hang seng" in companies.market


def test_the_scorer_and_the_dashboard_read_one_structure(tmp_path) -> None:
    path = _write(
        tmp_path,
        '[defaults]\nanaphora = ["the company"]\n[[company]]\nticker = "TSLA"\nname = "Tesla"\n'
        'benchmark = "^GSPC"\naliases = ["tesla"]\npeople = ["musk"]\n',
    )
    companies = load_companies(path=path)
    assert load_tickers([], path=path) == {"TSLA": "Tesla (TSLA)"}
    assert companies.entity_kinds("tsla") == {"the company": "anaphora", "tesla": "self", "musk": "self"}
    assert companies.get("TSLA").benchmark_ticker == "GSPC"


def test_price_tickers_drop_the_index_caret() -> None:
    assert price_ticker("^HSI") == "HSI" and price_ticker("1810.HK") == "1810.HK"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[companies."1810.HK"]\nname = "Xiaomi"\n', r"unknown section \[companies\]"),
        ("[defaults]\n", "at least one"),
        ('[[company]]\nname = "Xiaomi"\n', r"#1: 'ticker' is required"),
        ('[[company]]\nticker = "1810.HK"\nalias = ["小米"]\n', r"#1 \(1810.HK\): unknown field 'alias'"),
        ('[[company]]\nticker = "1810.HK"\naliases = "小米"\n', r"\(1810.HK\)\.aliases: expected a list"),
        ('[[company]]\nticker = "A"\n[[company]]\nticker = "a"\n', "listed twice"),
        ('[defaults]\nmarket = [""]\n[[company]]\nticker = "A"\n', r"\[defaults\]\.market"),
        ("[[company]\n", "malformed TOML"),
    ],
)
def test_a_bad_companies_file_names_the_file_and_field(tmp_path, text: str, message: str) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(ConfigError, match=message) as error:
        load_companies(path=path)
    assert str(path) in str(error.value)


def test_scoring_a_company_without_names_is_a_config_error(tmp_path) -> None:
    path = _write(tmp_path, '[[company]]\nticker = "1810.HK"\n')
    with pytest.raises(ConfigError, match="'aliases' must name the company"):
        load_companies(path=path).entity_kinds("1810.HK")


def test_a_ticker_without_stored_benchmark_prices_falls_back_to_the_default(tmp_path) -> None:
    path = _write(tmp_path, '[[company]]\nticker = "TSLA"\nbenchmark = "^GSPC"\n')
    assert benchmark_for("TSLA", ["TSLA", "^GSPC"], path=path) == "^GSPC"
    assert benchmark_for("TSLA", ["TSLA"], path=path) == "HSI"
    assert benchmark_for("0700.HK", ["0700.HK"], path=path) == "HSI"


def test_the_default_ticker_follows_the_data_directory(tmp_path, monkeypatch) -> None:
    _write(tmp_path, '[[company]]\nticker = "TSLA"\nbenchmark = "^GSPC"\naliases = ["tesla"]\n')
    monkeypatch.setenv("NARRATIVE_DATA_DIR", str(tmp_path))
    assert (default_ticker(), default_benchmark()) == ("TSLA", "GSPC")


def test_cli_ticker_defaults_come_from_the_company_list(tmp_path, monkeypatch, capsys) -> None:
    from analysis.cli import EXIT_ERROR, build_parser, main

    for command in (["score"], ["stats"], ["export"], ["classify"], ["report"]):
        assert build_parser().parse_args(command).ticker == "1810.HK"
    _write(tmp_path, '[[company]]\nticker = "TSLA"\nbenchmark = "^GSPC"\naliases = ["tesla"]\n')
    monkeypatch.setenv("NARRATIVE_DATA_DIR", str(tmp_path))
    assert build_parser().parse_args(["stats"]).ticker == "TSLA"
    _write(tmp_path, '[[company]]\nticker = "TSLA"\nalias = ["tesla"]\n')
    assert main(["stats"]) == EXIT_ERROR
    assert "unknown field 'alias'" in capsys.readouterr().err
