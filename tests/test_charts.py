"""Chart builders, tested by their Vega-Lite spec: layers, axes, selections, labels and empty states."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from analysis.narrative import detect_shifts, event_study, frame_shares, lead_lag, source_tone, tone_index
from analysis.prices import load_price_file
from analysis.views import tone_groups
from tests.daily_sums import cube, frames_by_day, source_sums
from ui import charts
from ui.charts import (
    PICK,
    event_study_chart,
    frame_mix_chart,
    lead_lag_chart,
    main_chart,
    sentence_strip_chart,
    source_tone_chart,
    tone_zscore_chart,
)
from ui.charts import main as main_module

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def prices() -> pd.DataFrame:
    frames = [load_price_file(ROOT / "data" / "prices" / f"{ticker}.csv") for ticker in ("1810.HK", "HSI")]
    table = pd.concat(frames, ignore_index=True)
    return table[table["date"] >= "2025-01-01"]


@pytest.fixture(scope="module")
def articles() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "article_id": ["003", "002", "004", "001", "000"],
            "title": ["市值破万亿", "<script>alert(1)</script>", "What happened to Xiaomi?", "股价大跌", None],
            "source": ["chinaaet", "极客公园", "MarketWatch", "经济观察", None],
            "date": pd.to_datetime(["2025-02-07", "2025-02-08", "2025-09-28", "2025-11-03", "2025-11-10"]),
            "date_inferred": [False, False, False, False, True],
            "duplicate_of": None,
            "tone": [0.55, 0.6, -0.1, -0.5, -0.45],
            "snownlp": [0.9, 0.8, 0.4, 0.1, None],
            "confidence": [0.8, 0.8, 0.5, 0.7, 0.7],
            "relevance": [1.0, 1.0, 0.9, 1.0, 0.8],
            "label": ["bullish", "bullish", "mixed", "bearish", "bearish"],
            "dominant_frame": ["market_cap_milestone", "market_cap_milestone", "recall_quality", "trust_crisis", None],
            "frames": ["market_cap_milestone;growth_momentum;product_success;tech_leadership", "market_cap_milestone",
                       "recall_quality", "trust_crisis", ""],
        }
    )  # fmt: skip


@pytest.fixture(scope="module")
def evidence() -> pd.DataFrame:
    return pd.DataFrame(
        [
            ("003", "market_cap_milestone", "bullish", False),
            ("002", "product_success", "bullish", False),
            ("004", "recall_quality", "bearish", False),
            ("001", "trust_crisis", "bearish", False),
            ("000", "trust_crisis", "bearish", False),
            ("000", "market_context", "context", False),
        ],
        columns=["article_id", "frame", "polarity", "negated"],
    )


@pytest.fixture(scope="module")
def sums(articles) -> pd.DataFrame:
    """Store.tone_cube of the articles."""
    return cube(*(
        {"date": row.date, "tone": row.tone, "relevance": row.relevance, "confidence": row.confidence,
         "label": row.label, "inferred": row.date_inferred, "snownlp": None if pd.isna(row.snownlp) else row.snownlp}
        for row in articles.itertuples()
    ))  # fmt: skip


@pytest.fixture(scope="module")
def frames(articles, evidence) -> pd.DataFrame:
    """Store.frame_counts_by_day of the evidence (one hit per row, each article on its date)."""
    days = articles.set_index("article_id")["date"]
    return frames_by_day(
        *((days[row.article_id], row.frame, row.polarity, 1) for row in evidence.itertuples())
    )


@pytest.fixture(scope="module")
def sources(articles) -> pd.DataFrame:
    """Store.source_cube of the articles per month, outlets without a name as '(unknown)'."""
    return source_sums(*(
        {"period": row.date.replace(day=1), "source": "(unknown)" if pd.isna(row.source) else row.source, "n": 1,
         "weight": row.relevance * row.confidence, "weighted": row.relevance * row.confidence * row.tone,
         "tone_sum": row.tone}
        for row in articles.itertuples()
    ))  # fmt: skip


def units(spec: dict, data: dict | None = None) -> list[dict]:
    """Every single-mark view in a (possibly nested) layered spec, with the data it inherits from its parents."""
    data = spec.get("data", data)
    if "layer" in spec:
        return [unit for layer in spec["layer"] for unit in units(layer, data)]
    return [spec if "data" in spec or data is None else {**spec, "data": data}]


def mark_type(unit: dict) -> str:
    mark = unit["mark"]
    return mark if isinstance(mark, str) else mark["type"]


def rows(spec: dict, unit: dict) -> list[dict]:
    return spec["datasets"][unit["data"]["name"]]


def is_empty_state(spec: dict, words: str) -> bool:
    return mark_type(spec) == "text" and words in rows(spec, spec)[0]["message"]


@pytest.fixture(scope="module")
def spec(prices, articles, sums, frames) -> dict:
    index = tone_index(sums, freq="W")
    shifts = detect_shifts(index, frames)
    return main_chart(prices, articles, index, shifts, ticker="1810.HK").to_dict()


def test_main_chart_puts_price_and_tone_on_independent_y_axes(spec):
    assert spec["resolve"]["scale"]["y"] == "independent"
    price_layer, tone_layer, _volume = spec["layer"]
    assert {unit["encoding"]["y"]["field"] for unit in units(price_layer)} == {"close"}
    tone_axes = [unit["encoding"]["y"] for unit in units(tone_layer) if "y" in unit["encoding"]]
    assert tone_axes and all(axis["scale"]["domain"] == [-1, 1] for axis in tone_axes if "scale" in axis)
    assert tone_axes[0]["axis"]["orient"] == "right"


def test_main_chart_draws_the_benchmark_rebased_to_the_first_close(spec, prices):
    stock_line, bench_line = units(spec["layer"][0])
    assert bench_line["mark"]["opacity"] < 1 and "strokeDash" in bench_line["mark"]
    first_close = prices[prices["ticker"] == "1810.HK"]["close"].iloc[0]
    assert rows(spec, stock_line)[0]["close"] == first_close
    assert rows(spec, bench_line)[0]["close"] == pytest.approx(first_close)
    hsi = prices[prices["ticker"] == "HSI"]["close"].to_numpy()
    assert rows(spec, bench_line)[-1]["close"] == pytest.approx(first_close * hsi[-1] / hsi[0])


def test_main_chart_has_a_rule_and_a_label_at_each_shift(spec):
    tone_units = units(spec["layer"][1])
    rules = [unit for unit in tone_units if mark_type(unit) == "rule"]
    labels = [unit for unit in tone_units if mark_type(unit) == "text"]
    assert len(rules) == 1 and len(labels) == 1
    (shift_row,) = rows(spec, rules[0])
    assert "2025-02-08" < shift_row["date"][:10] <= "2025-09-28"
    assert shift_row["shift_label"].startswith("shift +0.5")
    assert "↑trust_crisis" in shift_row["shift_frames"]


def test_main_chart_points_carry_article_id_for_the_pick_selection(spec):
    params = {param["name"]: param for param in spec["params"]}
    assert params[PICK]["select"] == {
        "type": "point",
        "fields": ["article_id"],
        "on": "click",
        "toggle": False,
    }
    assert params["zoom"]["bind"] == "scales" and params["zoom"]["select"]["encodings"] == ["x"]
    (points,) = [unit for unit in units(spec["layer"][1]) if mark_type(unit) == "circle"]
    data = rows(spec, points)
    assert [row["article_id"] for row in data] == ["003", "002", "004", "001", "000"]
    assert points["encoding"]["size"]["field"] == "relevance"
    assert points["encoding"]["color"]["field"] == "label"


def test_main_chart_tooltips_mark_inferred_dates_and_list_top_frames(spec):
    (points,) = [unit for unit in units(spec["layer"][1]) if mark_type(unit) == "circle"]
    fields = [tip["field"] for tip in points["encoding"]["tooltip"]]
    assert fields == ["date_label", "outlet", "title_text", "y", "label_name", "top_frames"]
    data = {row["article_id"]: row for row in rows(spec, points)}
    assert data["000"]["date_label"] == "2025-11-10 (inferred)"
    assert data["003"]["date_label"] == "2025-02-07"
    assert data["003"]["top_frames"] == "market_cap_milestone, growth_momentum, product_success"
    assert data["000"]["title_text"] == "(untitled)" and data["000"]["outlet"] == "?"
    assert (
        data["002"]["title_text"] == "<script>alert(1)</script>"
    )  # data, not markup: Vega renders it as text


def test_main_chart_can_colour_by_frame_plot_snownlp_and_speak_chinese(prices, articles):
    chart = main_chart(prices, articles, pd.DataFrame(), [], ticker="1810.HK", color_by="dominant_frame",
                       tone_field="snownlp", lang="zh").to_dict()  # fmt: skip
    (points,) = [unit for unit in units(chart) if mark_type(unit) == "circle"]
    assert points["encoding"]["color"]["field"] == "dominant_frame"
    assert [row["y"] for row in rows(chart, points)] == pytest.approx(
        [0.8, 0.6, -0.2, -0.8]
    )  # 2p − 1, None dropped
    assert points["encoding"]["y"]["axis"]["title"].startswith("snownlp")
    assert chart["layer"][0]["layer"][0]["encoding"]["y"]["title"] == "1810.HK 收盘价"
    assert chart["title"]["text"] == "1810.HK：股价与新闻情绪"


def test_main_chart_without_prices_still_shows_the_articles(articles):
    chart = main_chart(
        pd.DataFrame(columns=["ticker", "date", "close"]), articles, pd.DataFrame(), [], ticker="1810.HK"
    )
    spec = chart.to_dict()
    assert "resolve" not in spec
    assert any(mark_type(unit) == "circle" for unit in units(spec))
    assert any(param["name"] == "zoom" for param in spec["params"])


def test_main_chart_with_nothing_says_what_to_do(articles):
    spec = main_chart(pd.DataFrame(), articles.iloc[0:0], pd.DataFrame(), [], ticker="1810.HK").to_dict()
    assert is_empty_state(spec, "ingest articles and import prices")


def test_main_chart_draws_at_most_max_points_with_the_highest_weight(prices, articles, monkeypatch):
    monkeypatch.setattr(main_module, "MAX_POINTS", 2)
    weighted = articles.assign(relevance=[0.2, 0.9, 0.5, 1.0, 0.1])  # × confidence: .16 .72 .25 .70 .07
    spec = main_chart(prices, weighted, pd.DataFrame(), [], ticker="1810.HK").to_dict()
    (points,) = [unit for unit in units(spec) if mark_type(unit) == "circle"]
    assert sorted(row["article_id"] for row in rows(spec, points)) == ["001", "002"]


def _circle_layers(spec: dict) -> list[dict]:
    return [unit for unit in units(spec) if mark_type(unit) == "circle"]


def test_main_chart_draws_day_groups_until_the_zoom_holds_few_enough_articles(prices, articles, sums):
    """#12: over points_limit articles the chart draws per-day groups; the points only once the zoomed range
    holds points_limit or fewer (both layers count the groups' articles in the zoomed range)."""
    index = tone_index(sums, freq="W")
    groups = tone_groups(sums)
    spec = main_chart(prices, articles, index, [], ticker="1810.HK", groups=groups, points_limit=3).to_dict()
    group_layer, point_layer = _circle_layers(spec)
    assert (
        group_layer["encoding"]["size"]["field"] == "n"
        and point_layer["encoding"]["size"]["field"] == "relevance"
    )
    assert group_layer["data"] == point_layer["data"]  # one dataset: the same visible count for both
    data = rows(spec, group_layer)
    assert sum(row["n"] for row in data if row["kind"] == "group") == int(groups["n"].sum())
    assert sum(row["n"] for row in data if row["kind"] == "point") == 0
    filters = [json.dumps(step) for step in point_layer["transform"]]
    assert "zoom.date" in filters[0] and "sum" in filters[1] and "visible_n <= 3" in filters[2]
    assert "visible_n > 3" in json.dumps(group_layer["transform"][-1])
    assert any(param["name"] == PICK for param in spec.get("params", []))  # a click still picks an article


def test_main_chart_draws_only_the_points_when_the_range_holds_few_articles(prices, articles, sums):
    index = tone_index(sums, freq="W")
    spec = main_chart(
        prices, articles, index, [], ticker="1810.HK", groups=tone_groups(sums), points_limit=1500
    )
    (points,) = _circle_layers(spec.to_dict())
    assert "transform" not in points and points["encoding"]["size"]["field"] == "relevance"


def test_tone_groups_count_every_dated_article_per_day_and_label_and_fall_back_to_weeks():
    many = cube(*(
        {"date": pd.Timestamp("2025-01-01") + pd.Timedelta(days=i // 3), "tone": 0.5 if i % 3 else -0.5,
         "label": "bullish" if i % 3 else "bearish"} for i in range(300)
    ), {"date": "2025-03-01", "tone": 0.9, "label": "bullish", "inferred": True})  # fmt: skip
    daily = tone_groups(many)
    assert len(daily) == 200 and int(daily["n"].sum()) == 300  # the inferred date is left out
    first = daily[daily["date"] == pd.Timestamp("2025-01-01")].set_index("label")
    assert first.loc["bullish", "n"] == 2 and first.loc["bearish", "tone"] == -0.5
    assert (daily["date_end"] - daily["date"] == pd.Timedelta(days=1)).all()
    weekly = tone_groups(many, max_rows=100)
    assert int(weekly["n"].sum()) == 300 and (weekly["date"].dt.day_of_week == 0).all()
    assert (weekly["date_end"] - weekly["date"] == pd.Timedelta(days=7)).all()
    assert tone_groups(many.iloc[0:0]).empty


def test_tone_index_line_breaks_across_long_gaps(prices, articles, sums):
    index = tone_index(sums, freq="W")
    spec = main_chart(prices, articles, index, [], ticker="1810.HK").to_dict()
    (line,) = [unit for unit in units(spec["layer"][1]) if mark_type(unit) == "line"]
    assert line["encoding"]["detail"]["field"] == "segment"
    segments = [row["segment"] for row in rows(spec, line)]
    assert segments == [0, 1, 2, 2]  # Feb | late Sep | two consecutive November weeks


def test_frame_mix_stacks_bullish_up_and_bearish_down(frames):
    spec = frame_mix_chart(frame_shares(frames, freq="M")).to_dict()
    data = rows(spec, spec)
    signs = {(row["polarity"], row["signed"] > 0) for row in data}
    assert signs == {("bullish", True), ("bearish", False)}
    assert "market_context" not in {row["frame"] for row in data}
    assert is_empty_state(frame_mix_chart(frame_shares(frames.iloc[0:0])).to_dict(), "score the articles")


def test_source_tone_heatmap_uses_the_full_tone_range(sources):
    spec = source_tone_chart(source_tone(sources)).to_dict()
    assert spec["encoding"]["color"]["scale"]["domain"] == [-1, 0, 1]
    assert {row["source"] for row in rows(spec, spec)} >= {"极客公园", "(unknown)"}
    assert is_empty_state(source_tone_chart(source_tone(sources.iloc[0:0])).to_dict(), "widen the date range")


def test_lead_lag_chart_draws_bars_with_interval_rules():
    table = pd.DataFrame(
        {
            "k": range(-2, 3),
            "r": [None, -0.1, 0.05, 0.4, 0.2],
            "lo": [None, -0.3, -0.15, 0.2, 0.0],
            "hi": [None, 0.1, 0.25, 0.6, 0.4],
            "n": [8, 40, 41, 40, 39],
            "note": ["not enough data", None, None, None, None],
        }
    )
    spec = lead_lag_chart(table).to_dict()
    kinds = [mark_type(unit) for unit in units(spec)]
    assert kinds == ["bar", "rule", "text"]
    bars, rules, notes = units(spec)
    assert rules["encoding"]["y"]["field"] == "lo" and rules["encoding"]["y2"]["field"] == "hi"
    assert len(rows(spec, bars)) == 4
    assert rows(spec, notes)[0]["note_text"] == "not enough data"


def test_lead_lag_chart_says_not_enough_data_when_no_k_has_a_coefficient(sums, prices):
    spec = lead_lag_chart(lead_lag(sums, prices, ticker="1810.HK")).to_dict()
    assert is_empty_state(spec, "Not enough data")
    assert "have 5" in rows(spec, spec)[0]["message"]


def test_event_study_chart_names_n_per_side(sums):
    full = pd.concat(
        [load_price_file(ROOT / "data" / "prices" / f"{ticker}.csv") for ticker in ("1810.HK", "HSI")],
        ignore_index=True,
    )
    spec = event_study_chart(event_study(sums, full, ticker="1810.HK")).to_dict()
    lines = units(spec)[0]
    assert lines["encoding"]["color"]["scale"]["domain"] == ["bullish (n=2)", "bearish (n=1)"]
    assert lines["encoding"]["y"]["axis"]["format"] == "%"
    empty = {"bullish": {"n": 0, "car": {}}, "bearish": {"n": 0, "car": {}}}
    assert is_empty_state(event_study_chart(empty).to_dict(), "complete price window")


def test_lead_lag_chart_solidifies_and_stars_only_the_lags_that_survive_the_correction():
    table = pd.DataFrame(
        {
            "k": range(-1, 3), "r": [-0.05, 0.02, 0.45, 0.3], "lo": [-0.2, -0.15, 0.3, 0.05],
            "hi": [0.1, 0.2, 0.6, 0.5], "n": [60] * 4, "p": [0.6, 0.8, 0.0001, 0.02],
            "p_adjusted": [0.8, 0.8, 0.0004, 0.04], "significant": [False, False, True, False], "note": None,
        }
    )  # fmt: skip
    spec = lead_lag_chart(table).to_dict()
    bars, _, stars = units(spec)
    assert bars["encoding"]["opacity"]["condition"]["test"] == "datum.significant"
    assert bars["encoding"]["opacity"]["value"] == 0.3
    assert [row["k"] for row in rows(spec, stars)] == [1]  # k = 2 has p < 0.05 but not after the correction
    assert {tip["field"] for tip in bars["encoding"]["tooltip"]} >= {"p", "p_adjusted", "verdict"}
    verdicts = {row["k"]: row["verdict"] for row in rows(spec, bars)}
    assert verdicts == {-1: "within chance", 0: "within chance", 1: "significant", 2: "within chance"}


def test_lead_lag_chart_from_the_library_table_stars_a_planted_lag(prices):
    from tests.test_narrative_market import noise_panel

    spec = lead_lag_chart(lead_lag(*noise_panel(0, effect=0.02), ticker="1810.HK")).to_dict()
    assert [row["k"] for row in rows(spec, units(spec)[-1])] == [1]


def test_event_study_chart_draws_each_sides_band_and_the_placebo(sums):
    full = pd.concat(
        [load_price_file(ROOT / "data" / "prices" / f"{ticker}.csv") for ticker in ("1810.HK", "HSI")],
        ignore_index=True,
    )
    study = event_study(sums, full, ticker="1810.HK")
    spec = event_study_chart(study).to_dict()
    kinds = [mark_type(unit) for unit in units(spec)]
    assert kinds == ["line", "area", "area", "line", "text", "rule"]
    lines, band, placebo_band, placebo_line, placebo_label, _ = units(spec)
    assert band["encoding"]["y"]["field"] == "ci_lo" and band["encoding"]["y2"]["field"] == "ci_hi"
    assert {row["label"] for row in rows(spec, band)} == {"bullish"}  # one bearish event: no band
    assert placebo_line["mark"]["strokeDash"] == [5, 3]
    assert len(rows(spec, placebo_band)) == 16
    assert rows(spec, placebo_label)[0]["placebo"] == "placebo: 1 random days × 1000"
    assert rows(spec, placebo_band)[0]["ci_lo"] == pytest.approx(study["placebo"]["ci_lo"][-5])


def zscore_index() -> pd.DataFrame:
    tones = [0.3, 0.35, 0.25, 0.3, 0.32, 0.28, 0.0]
    return tone_index(
        cube(*({"date": f"2025-03-{day + 1:02d}", "tone": tone} for day, tone in enumerate(tones)))
    )


def test_tone_zscore_chart_plots_the_index_zscore_with_rules_at_two():
    index = zscore_index()
    spec = tone_zscore_chart(index).to_dict()
    bars, limits = units(spec)
    assert bars["encoding"]["y"]["field"] == "zscore"
    assert [row["zscore"] for row in rows(spec, bars)] == pytest.approx(index["zscore"].dropna().tolist())
    assert [row["zscore"] for row in rows(spec, limits)] == [-2.0, 2.0]
    assert is_empty_state(tone_zscore_chart(index.iloc[:2]).to_dict(), "3+ earlier periods")


def test_sentence_strip_colours_each_sentence_by_tone():
    sentences = pd.DataFrame(
        {"index": [0, 1, 2], "tone": [0.4, -0.6, 0.0], "label": ["positive", "negative", "neutral"],
         "text": ["小米股价大涨。", "事故引发质疑。", "文 / 张恒"]}
    )  # fmt: skip
    spec = sentence_strip_chart(sentences).to_dict()
    assert mark_type(spec) == "rect"
    assert spec["encoding"]["color"]["field"] == "tone"
    assert [row["snippet"] for row in rows(spec, spec)] == sentences["text"].tolist()
    assert is_empty_state(sentence_strip_chart(sentences.iloc[0:0]).to_dict(), "select a scored article")


def test_every_chart_text_has_both_languages_with_its_terms_filled():
    for key, (english, chinese) in charts.TEXT.items():
        assert english and chinese, key
        assert "[" not in english + chinese, key  # a [term] mark left unresolved
    assert {"empty_main", "empty_frames", "empty_sources", "empty_lead_lag", "empty_events",
            "empty_sentences"} <= set(charts.TEXT)  # fmt: skip


TITLED_CHANNELS = ("x", "y", "color", "size", "tooltip")
# Words a Chinese title may keep: names and symbols, not vocabulary.
NAMES = re.compile(r"1810\.HK|HSI|snownlp|SnowNLP")


def titles(spec: object) -> list[tuple[str, str | None]]:
    """(channel, title) of every field a chart shows on an axis, legend or tooltip, and the chart titles."""
    found: list[tuple[str, str | None]] = []
    if isinstance(spec, list):
        for item in spec:
            found += titles(item)
    if not isinstance(spec, dict):
        return found
    for channel, encoding in (spec.get("encoding") or {}).items():
        for entry in encoding if isinstance(encoding, list) else [encoding]:
            if channel not in TITLED_CHANNELS or "field" not in entry:
                continue
            if entry.get("legend", {}) is None or entry.get("axis", {}) is None:
                continue  # not shown
            found.append((channel, entry.get("title", (entry.get("axis") or {}).get("title"))))
    if isinstance(spec.get("title"), dict):
        found += [
            ("title", spec["title"].get(part)) for part in ("text", "subtitle") if part in spec["title"]
        ]
    for key, value in spec.items():
        if key not in ("encoding", "datasets"):
            found += titles(value)
    return found


@pytest.fixture(scope="module")
def chinese_specs(prices, articles, sums, frames, sources) -> dict[str, dict]:
    """Every chart the dashboard draws, built in Chinese with data in each."""
    index = tone_index(sums, freq="W")
    shifts = detect_shifts(index, frames)
    full = pd.concat(
        [load_price_file(ROOT / "data" / "prices" / f"{ticker}.csv") for ticker in ("1810.HK", "HSI")],
        ignore_index=True,
    )
    lead = pd.DataFrame({"k": [-1, 0, 1], "r": [None, 0.2, -0.1], "lo": [None, 0.0, -0.3], "hi": [None, 0.4, 0.1],
                         "n": [8, 40, 40], "note": ["not enough data", None, None], "p": [None, 0.004, 0.5],
                         "p_adjusted": [None, 0.008, 0.5], "significant": [False, True, False]})  # fmt: skip
    sentences = pd.DataFrame({"index": [0, 1], "tone": [0.4, -0.6], "label": ["positive", "negative"],
                              "text": ["小米股价大涨。", "事故引发质疑。"]})  # fmt: skip
    built = {
        "main": main_chart(prices, articles, index, shifts, ticker="1810.HK", lang="zh"),
        "main_grouped": main_chart(
            prices,
            articles,
            index,
            shifts,
            ticker="1810.HK",
            lang="zh",
            groups=tone_groups(sums),
            points_limit=2,
        ),  # fmt: skip
        "main_by_frame": main_chart(
            prices, articles, index, shifts, ticker="1810.HK", lang="zh", color_by="dominant_frame"
        ),  # fmt: skip
        "frame_mix": frame_mix_chart(frame_shares(frames, freq="M"), lang="zh"),
        "source_tone": source_tone_chart(source_tone(sources), lang="zh"),
        "lead_lag": lead_lag_chart(lead, lang="zh"),
        "event_study": event_study_chart(event_study(sums, full, ticker="1810.HK"), lang="zh"),
        "sentences": sentence_strip_chart(sentences, lang="zh"),
        "zscore": tone_zscore_chart(zscore_index(), lang="zh"),
    }
    return {name: chart.to_dict() for name, chart in built.items()}


def test_every_chinese_chart_titles_each_axis_legend_and_tooltip_in_chinese(chinese_specs):
    for name, spec in chinese_specs.items():
        assert "message" not in [unit["encoding"].get("text", {}).get("field") for unit in units(spec)], name
        shown = titles(spec)
        assert len(shown) > 3, name
        for channel, title in shown:
            assert title is not None, f"{name}: a {channel} falls back to its field name"
            english = re.findall(r"[A-Za-z]{2,}", NAMES.sub("", title))
            assert not english, f"{name}: {channel} title {title!r}"


def test_chinese_charts_say_qingxu_for_tone_and_name_labels_as_terms(chinese_specs):
    text = json.dumps(chinese_specs, ensure_ascii=False)
    assert "语气" not in text
    assert "情绪" in text and "情绪指数" in text
    (points,) = [unit for unit in units(chinese_specs["main"]) if mark_type(unit) == "circle"]
    assert "看多" in points["encoding"]["color"]["legend"]["labelExpr"]
    assert {row["label_name"] for row in rows(chinese_specs["main"], points)} == {"看多", "看空", "多空交织"}
    lines = units(chinese_specs["event_study"])[0]
    assert lines["encoding"]["color"]["scale"]["domain"] == ["看多 (n=2)", "看空 (n=1)"]
    strip = chinese_specs["sentences"]
    assert [row["label_name"] for row in rows(strip, strip)] == ["正面", "负面"]


def test_chart_module_does_not_import_streamlit():
    code = "import sys, ui.charts, analysis.report; print('streamlit' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert result.stdout.strip() == "False"
