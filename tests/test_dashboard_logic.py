"""The dashboard's pure helpers: labels, KPIs, safe evidence markup, filters, uploads."""

from __future__ import annotations

import html
import re
from datetime import date

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from analysis.companies import benchmark_for, check_ticker, load_tickers
from analysis.errors import InputError, PriceDataError
from analysis.store import ArticleFilter
from analysis.views import (
    articles_csv,
    chart_window,
    chosen,
    date_range_bounds,
    finance_vs_snownlp,
    import_price_upload,
    kpis_from_cube,
    picked_article_ids,
    picker_ids,
    prices_in_range,
    upload_rows,
)
from tests.conftest import make_article, make_score
from tests.daily_sums import cube
from ui import charts
from ui.labels import TERMS, TEXT, t, term, with_terms
from ui.markup import escape_markdown, highlight_evidence
from ui.tables import EXPLORER_COLUMNS, explorer_table


def _articles(rows: list[dict]) -> pd.DataFrame:
    base = {"article_id": "a", "title": "t", "source": "s", "date": pd.Timestamp("2025-02-08"),
            "date_inferred": False, "published_basis": "front_matter", "tone": 0.0, "label": "neutral",
            "frames": "", "snownlp": 0.5}  # fmt: skip
    return pd.DataFrame([base | row for row in rows])


def _prices(ticker: str, closes: dict[str, float]) -> pd.DataFrame:
    return pd.DataFrame(
        {"ticker": ticker, "date": pd.to_datetime(list(closes)), "close": list(closes.values())}
    )


def test_every_label_has_english_and_chinese():
    for key, (english, chinese) in TEXT.items():
        assert english and chinese, key
    assert t("kpi_tone", "zh") == "平均情绪"
    assert t("kpi_tone", "en") == "Mean tone"


def test_every_term_has_english_and_chinese_and_tone_is_qingxu_everywhere():
    for name, (english, chinese) in TERMS.items():
        assert english and chinese and english != chinese, name
    assert (term("tone", "zh"), term("tone_index", "zh"), term("frames", "zh")) == (
        "情绪",
        "情绪指数",
        "框架",
    )
    assert term("Tone_index", "en") == "Tone index"
    every = [*TEXT.values(), *charts.TEXT.values()]
    assert not [pair for pair in every if "[" in pair[0] + pair[1]]  # every [term] mark was filled
    assert not [pair for pair in every if "语气" in pair[1]]


def test_a_message_naming_an_unknown_term_fails_at_once():
    with pytest.raises(KeyError):
        with_terms("[Tonality]", "[tonality]")


def test_placeholders_are_filled_in_both_languages():
    assert "1810.HK" in t("no_run", "en", ticker="1810.HK")
    assert "1810.HK" in t("no_run", "zh", ticker="1810.HK")


def test_kpis_count_articles_balance_and_mean_tone():
    sums = cube(
        {"date": "2025-02-08", "tone": 0.6, "label": "bullish"}, {"date": "2025-02-08", "tone": -0.2, "label": "bearish"},
        {"date": "2025-02-09", "tone": 0.2, "label": "bullish", "duplicate": True},
        {"date": "2025-02-09", "tone": 0.0, "label": "mixed", "relevance": 0.0},
        {"date": "2025-02-10", "tone": 0.2, "label": "neutral"},
    )  # fmt: skip
    kpis = kpis_from_cube(sums, _prices("1810.HK", {}), ticker="1810.HK")
    assert kpis.n_articles == 5
    assert kpis.mean_tone == pytest.approx(0.16)
    assert kpis.balance == "2 : 1"
    assert (kpis.n_mixed, kpis.n_neutral) == (1, 1)
    assert kpis.price_change is None


def test_kpi_counts_of_an_archive_stay_short_enough_for_their_card():
    from analysis.views.kpis import compact_count

    assert [compact_count(n) for n in (7, 9_950, 21_436, 999_499, 1_234_567)] == [
        "7",
        "9,950",
        "21k",
        "999k",
        "1.2M",
    ]


def test_price_change_runs_from_first_to_last_close_inside_the_range():
    prices = pd.concat([
        _prices("1810.HK", {"2025-01-02": 10.0, "2025-01-03": 20.0, "2025-01-06": 15.0, "2025-01-07": 30.0}),
        _prices("HSI", {"2025-01-03": 1.0, "2025-01-06": 2.0}),
    ])  # fmt: skip
    kpis = kpis_from_cube(cube(), prices, ticker="1810.HK", date_from=date(2025, 1, 3),
                          date_to=date(2025, 1, 6))  # fmt: skip
    assert (kpis.price_first, kpis.price_last) == (20.0, 15.0)
    assert kpis.price_change == pytest.approx(-0.25)
    assert kpis.n_articles == 0 and kpis.mean_tone is None


def test_snownlp_kpis_count_every_article_and_average_those_with_a_snownlp_score_as_2p_minus_1():
    sums = cube({"date": "2025-02-08", "tone": 0.3, "snownlp": 0.0, "label": "bullish"},
                {"date": "2025-02-08", "tone": 0.3, "snownlp": 0.75}, {"date": "2025-02-08", "label": "bearish"})  # fmt: skip
    kpis = kpis_from_cube(sums, _prices("1810.HK", {}), ticker="1810.HK", tone_field="snownlp")
    # Every article is in range; the mean is over the two with a snownlp score (#12.3: never "0 in range").
    assert (kpis.n_articles, kpis.n_plotted, kpis.mean_tone) == (3, 2, pytest.approx(-0.25))
    assert kpis.n_without_tone == 1
    assert (kpis.n_bullish, kpis.n_bearish, kpis.n_neutral) == (1, 1, 1)  # labels: every article's, finance


def test_explorer_marks_inferred_dates_as_inferred():
    table = explorer_table(_articles([
        {"article_id": "a", "date_inferred": True, "published_basis": "inferred", "frames": "x;y"},
        {"article_id": "b", "published_basis": "header", "label": "bearish"},
    ]), "en")  # fmt: skip
    assert table["date_basis"].tolist() == ["inferred", "dateline"]
    assert table["frames"].iloc[0] == "x, y"
    assert table["label"].iloc[1] == "bearish"
    assert explorer_table(_articles([{"label": "bearish"}]), "zh")["label"].iloc[0] == "看空"


def test_every_explorer_column_but_the_id_has_a_header_in_both_languages():
    for column in EXPLORER_COLUMNS[:-1]:
        assert t(f"col_{column}", "en") and t(f"col_{column}", "zh") != t(f"col_{column}", "en")
    assert (t("col_tone", "zh"), t("col_frames", "zh")) == ("情绪", "框架")


def test_explorer_of_no_articles_has_its_columns():
    assert list(explorer_table(pd.DataFrame(), "en").columns) == list(EXPLORER_COLUMNS)


def test_evidence_is_highlighted_by_polarity():
    text = "股价大涨,但销量下滑。"
    evidence = pd.DataFrame([
        {"start": 2, "end": 4, "polarity": "bullish", "frame": "price_rally", "negated": False},
        {"start": 8, "end": 10, "polarity": "bearish", "frame": "sales_weakness", "negated": False},
    ])  # fmt: skip
    markup = highlight_evidence(text, evidence)
    marks = re.findall(r'<mark style="([^"]*)"[^>]*>([^<]*)</mark>', markup)
    assert [m[1] for m in marks] == ["大涨", "下滑"]
    assert "#c9efd0" in marks[0][0] and "#f8cfcf" in marks[1][0]


def test_evidence_hover_names_the_polarity_in_the_reader_language():
    evidence = pd.DataFrame(
        [{"start": 0, "end": 2, "polarity": "bearish", "frame": "recall", "negated": True}]
    )
    assert 'title="recall (bearish, negated)"' in highlight_evidence("召回事件", evidence)
    assert 'title="recall (看空, 否定)"' in highlight_evidence("召回事件", evidence, "zh")


def test_overlapping_and_out_of_range_evidence_is_dropped_not_garbled():
    text = "abcdefgh"
    evidence = pd.DataFrame([
        {"start": 1, "end": 5, "polarity": "bullish", "frame": "f", "negated": False},
        {"start": 3, "end": 6, "polarity": "bearish", "frame": "g", "negated": False},
        {"start": 6, "end": 99, "polarity": "bearish", "frame": "h", "negated": False},
    ])  # fmt: skip
    markup = highlight_evidence(text, evidence)
    assert re.sub(r"<[^>]+>", "", markup) == text
    assert markup.count("<mark") == 1


def test_article_html_in_text_and_frame_names_is_escaped():
    text = "<script>alert(1)</script> 股价大涨 <img src=x onerror=alert(2)>"
    evidence = pd.DataFrame([{"start": 26, "end": 30, "polarity": "bullish", "frame": '"><script>x</script>',
                              "negated": False}])  # fmt: skip
    markup = highlight_evidence(text, evidence)
    assert "<script" not in markup and "<img" not in markup
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in markup


@given(st.text(max_size=200), st.lists(st.tuples(st.integers(-5, 210), st.integers(-5, 210)), max_size=6))
def test_highlighting_only_adds_our_own_tags_and_keeps_the_text(text, spans):
    evidence = pd.DataFrame(
        [{"start": s, "end": e, "polarity": "bullish", "frame": "f<", "negated": False} for s, e in spans],
        columns=["start", "end", "polarity", "frame", "negated"],
    )
    markup = highlight_evidence(text, evidence)
    tags = re.findall(r"<(/?[a-z]+)", markup)
    assert set(tags) <= {"div", "/div", "mark", "/mark"}
    assert html.unescape(re.sub(r"<[^>]+>", "", markup)) == text


def test_markdown_escape_makes_titles_inert():
    escaped = escape_markdown("<script>alert(1)</script> **$5** [x](javascript:alert(1)) :red[hi]")
    assert "<script>" not in escaped
    unescaped = re.findall(r"(?<!\\)[<>*$\[\]]", escaped)
    assert unescaped == []


@pytest.mark.parametrize("text", ["# heading", "- item", "+ item", "> quote", "1. item", "12) item"])
def test_markdown_escape_defuses_block_syntax_at_the_start(text):
    assert escape_markdown(text) != text
    assert escape_markdown("a " + text) == "a " + text.replace(">", "\\>")


def test_an_empty_or_full_multiselect_means_no_filter():
    offered = ["a", "b", "c"]
    assert chosen([], offered) is None
    assert chosen(None, offered) is None
    assert chosen(["a", "b", "c"], offered) is None
    assert chosen(["b"], offered) == ("b",)
    assert chosen(["b", "gone"], offered) == ("b",)


def test_date_input_values_become_bounds():
    d1, d2 = date(2025, 1, 1), date(2025, 3, 1)
    assert date_range_bounds((d2, d1)) == (d1, d2)
    assert date_range_bounds((d1,)) == (d1, None)
    assert date_range_bounds(()) == (None, None)
    assert date_range_bounds(d1) == (d1, d1)


def test_chart_selection_yields_the_picked_article_ids():
    assert picked_article_ids({"article_pick": [{"article_id": "abc", "date": 1}]}) == ["abc"]
    assert picked_article_ids({"article_pick": {"article_id": ["x"]}}) == ["x"]
    assert picked_article_ids({"article_pick": []}) == []
    assert picked_article_ids({}) == []
    assert picked_article_ids(None) == []


def test_picker_is_newest_first_capped_and_keeps_the_open_article():
    articles = _articles([{"article_id": f"a{i}", "date": pd.Timestamp(2025, 1, 1 + i)} for i in range(5)])
    assert picker_ids(articles, limit=2) == ["a4", "a3"]
    assert picker_ids(articles, limit=2, keep="a0") == ["a4", "a3", "a0"]


def test_finance_and_snownlp_tones_share_one_scale():
    assert finance_vs_snownlp(0.3, 0.9) == (0.3, pytest.approx(0.8))
    assert finance_vs_snownlp(0.3, None) == (0.3, None)
    assert finance_vs_snownlp(float("nan"), float("nan")) == (None, None)


def test_csv_download_keeps_chinese_and_defuses_formulas():
    data = articles_csv(_articles([{"title": '=HYPERLINK("x")', "source": "极客公园", "tone": -0.5}]))
    text = data.decode("utf-8-sig")
    assert "极客公园" in text
    assert "'=HYPERLINK" in text
    assert ",-0.5," in text


def test_companies_file_and_price_tickers_make_the_ticker_list(tmp_path):
    path = tmp_path / "companies.toml"
    path.write_text(
        '[defaults]\nmarket = ["港股"]\n[[company]]\nticker = "1810.HK"\nname = "Xiaomi"\n'
        '[[company]]\nticker = "1211.HK"\n',
        encoding="utf-8",
    )
    tickers = load_tickers(["HSI", "0700.HK", "1810.HK"], path=path)
    assert list(tickers) == ["1810.HK", "1211.HK", "0700.HK"]
    assert tickers["1211.HK"] == "1211.HK"
    assert tickers["1810.HK"] == "Xiaomi (1810.HK)"
    assert list(load_tickers(["0700.HK"], path=tmp_path / "missing.toml")) == ["0700.HK"]


def test_a_malformed_companies_file_is_a_config_error(tmp_path):
    from analysis.errors import ConfigError

    path = tmp_path / "companies.toml"
    path.write_text("[companies\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="companies.toml"):
        load_tickers([], path=path)


@pytest.mark.parametrize("ticker", ["1810.HK", "HSI", "^HSI", "AAPL", " 0700.HK "])
def test_plausible_tickers_are_accepted(ticker):
    assert check_ticker(ticker) == ticker.strip()


@pytest.mark.parametrize("ticker", ["", "'; DROP TABLE prices; --", "a b", "x" * 30])
def test_implausible_tickers_are_refused(ticker):
    with pytest.raises(InputError, match="ticker"):
        check_ticker(ticker)


def test_price_upload_imports_all_rows(store):
    data = b"date,close\n2025-01-02,40.1\n2025-01-03,41.2\n"
    rows, warnings = import_price_upload(store, data, name="my prices.csv", ticker="1810.HK")
    assert rows == 2 and warnings == []
    assert store.prices(["1810.HK"])["close"].tolist() == [40.1, 41.2]


def test_a_bad_price_upload_imports_nothing(store):
    import_price_upload(store, b"date,close\n2025-01-02,40.1\n", name="a.csv", ticker="1810.HK")
    with pytest.raises(PriceDataError, match="b.csv"):
        import_price_upload(store, b"date,close\n2025-01-02,39\n2025-01-03,-1\n", name="b.csv",
                                 ticker="1810.HK")  # fmt: skip
    assert store.prices(["1810.HK"])["close"].tolist() == [40.1]


def test_upload_problems_become_table_rows():
    from analysis.ingest.run import IngestSummary
    from analysis.models import Problem

    summary = IngestSummary(files=2, problems=[Problem("<img src=x>.txt", "empty file")],
                            warnings=[Problem("b.csv", "no date", row=3, fatal=False)])  # fmt: skip
    rows = upload_rows(summary)
    assert rows["file"].tolist() == ["<img src=x>.txt", "b.csv"]
    assert rows["outcome"].tolist() == ["rejected", "warning"]
    assert rows["row"].isna().tolist() == [True, False] and rows["row"].iloc[1] == 3


def test_helpers_work_on_store_frames(store):
    article = make_article("小米股价大涨,市值突破万亿港元")
    store.add_articles([article])
    run_id = store.start_run(ticker="1810.HK", scorer="finance", version="1", config_hash="h", options={})
    store.write_scores(run_id, [make_score(article)])
    store.finish_run(run_id, n_articles=1)
    articles = store.scored_articles()
    kpis = kpis_from_cube(store.tone_cube(ArticleFilter()), store.prices(), ticker="1810.HK")
    assert (kpis.n_articles, kpis.n_bullish, kpis.mean_tone) == (1, 1, 0.5)
    table = explorer_table(articles)
    assert table["article_id"].tolist() == [article.id]
    markup = highlight_evidence(article.text, store.evidence(article_id=article.id))
    assert markup.count("<mark") == 1


def test_benchmark_comes_from_the_company_when_its_prices_are_stored(tmp_path):
    path = tmp_path / "companies.toml"
    path.write_text(
        '[[company]]\nticker = "TSLA"\nbenchmark = "^GSPC"\n[[company]]\nticker = "1810.HK"\n'
        'benchmark = "^HSI"\n',
        encoding="utf-8",
    )
    assert benchmark_for("1810.HK", ["HSI", "1810.HK"], path=path) == "HSI"
    assert benchmark_for("TSLA", ["TSLA", "GSPC"], path=path) == "GSPC"
    assert benchmark_for("TSLA", ["TSLA"], path=path) == "HSI"


def test_prices_are_clipped_to_the_chosen_dates():
    prices = _prices("1810.HK", {"2025-01-02": 1.0, "2025-01-03": 2.0, "2025-01-06": 3.0})
    assert prices_in_range(prices, date(2025, 1, 3), None)["close"].tolist() == [2.0, 3.0]
    assert prices_in_range(prices, None, date(2025, 1, 3))["close"].tolist() == [1.0, 2.0]
    assert len(prices_in_range(prices, None, None)) == 3


def test_the_chart_window_pads_the_range_so_edge_articles_show_whole():
    assert chart_window(date(2025, 1, 1), date(2025, 1, 11)) == (date(2024, 12, 30), date(2025, 1, 13))
    assert chart_window(date(2025, 1, 1), date(2025, 12, 31)) == (date(2024, 12, 21), date(2026, 1, 11))
    assert chart_window(None, date(2025, 1, 1)) == (None, date(2025, 1, 1))


@pytest.mark.parametrize(
    "text", ["see https://evil.example/x", "www.evil.example", "mail me@evil.example", ":red[hi] :smile:"]
)
def test_markdown_escape_breaks_autolinks_and_shortcodes_without_changing_the_words(text):
    escaped = escape_markdown(text)
    assert not re.search(r"https?://|\bwww\.|\w@\w|:[a-z]", escaped)
    assert re.sub(r"\\(.)", r"\1", escaped).replace("\u2060", "") == text


def test_a_link_goes_to_the_exact_url_and_only_for_http():
    from ui.markup import link_html

    link = link_html("https://news.example/a_b?x=1&y=2")
    assert 'href="https://news.example/a_b?x=1&amp;y=2"' in link
    assert html.unescape(re.search(r'href="([^"]+)"', link).group(1)) == "https://news.example/a_b?x=1&y=2"
    assert "<a" not in link_html("javascript:alert(1)")
    assert '"onmouseover' not in link_html('https://x.example/"onmouseover=alert(1)"', "x")
