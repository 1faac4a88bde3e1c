"""The smaller panels: frame mix, tone per outlet, lead/lag bars, event-study curves, the tone z-score, the
sentence strip."""

from __future__ import annotations

import altair as alt
import pandas as pd

from analysis.companies import default_benchmark
from ui.charts.style import (
    BEAR_SCHEME,
    BULL_SCHEME,
    LABEL_COLOURS,
    WIDTH,
    empty_chart,
    text,
    tone_colour_scale,
)
from ui.labels import label_name


def frame_mix_chart(frame_shares: pd.DataFrame, *, lang: str = "en") -> alt.Chart:
    """Bullish frames stacked up, bearish frames stacked down, per period (context frames left out)."""
    if frame_shares.empty:
        return empty_chart(text("empty_frames", lang))
    data = frame_shares[frame_shares["polarity"].isin(["bullish", "bearish"])].copy()
    if data.empty:
        return empty_chart(text("empty_frames", lang))
    data["signed"] = data["intensity"].where(data["polarity"] == "bullish", -data["intensity"])
    data["period_label"] = pd.to_datetime(data["period"]).dt.strftime("%Y-%m-%d")
    data["polarity_name"] = [label_name(polarity, lang) for polarity in data["polarity"]]
    bull = sorted(data.loc[data["polarity"] == "bullish", "frame"].unique())
    bear = sorted(data.loc[data["polarity"] == "bearish", "frame"].unique())
    colours = [BULL_SCHEME[i % len(BULL_SCHEME)] for i in range(len(bull))]
    colours += [BEAR_SCHEME[i % len(BEAR_SCHEME)] for i in range(len(bear))]
    return (
        alt.Chart(data)
        .mark_bar()
        .encode(
            x=alt.X("period_label:O", title=text("period", lang), axis=alt.Axis(labelAngle=-45)),
            y=alt.Y("signed:Q", title=text("intensity", lang)),
            color=alt.Color(
                "frame:N", title=text("frame", lang), scale=alt.Scale(domain=bull + bear, range=colours)
            ),
            tooltip=[
                alt.Tooltip("period_label:O", title=text("period", lang)),
                alt.Tooltip("frame:N", title=text("frame", lang)),
                alt.Tooltip("polarity_name:N", title=text("polarity", lang)),
                alt.Tooltip("intensity:Q", title=text("intensity", lang)),
                alt.Tooltip("share:Q", title=text("share", lang), format=".0%"),
            ],
        )
        .properties(width=WIDTH, height=260)
    )


def source_tone_chart(source_tone: pd.DataFrame, *, lang: str = "en") -> alt.Chart:
    """Heatmap of weighted tone per outlet and period (green bullish, red bearish), n in the tooltip."""
    if source_tone.empty:
        return empty_chart(text("empty_sources", lang))
    data = source_tone.copy()
    data["period_label"] = pd.to_datetime(data["period"]).dt.strftime("%Y-%m-%d")
    order = data.groupby("source")["n"].sum().sort_values(ascending=False).index.tolist()
    return (
        alt.Chart(data)
        .mark_rect()
        .encode(
            x=alt.X("period_label:O", title=text("period", lang), axis=alt.Axis(labelAngle=-45)),
            y=alt.Y("source:N", title=text("outlet", lang), sort=order),
            color=alt.Color("tone:Q", title=text("tone", lang), scale=tone_colour_scale()),
            tooltip=[
                alt.Tooltip("source:N", title=text("outlet", lang)),
                alt.Tooltip("period_label:O", title=text("period", lang)),
                alt.Tooltip("tone:Q", title=text("tone", lang), format="+.2f"),
                alt.Tooltip("n:Q", title=text("n", lang)),
            ],
        )
        .properties(width=WIDTH, height=max(120, 22 * len(order)))
    )


def lead_lag_chart(
    lead_lag: pd.DataFrame, *, lang: str = "en", min_n: int = 10
) -> alt.LayerChart | alt.Chart:
    """Correlation bars per k with 95% interval rules; the lags that survive the correction for the lags tested
    together are drawn solid and starred, the others faded; 'not enough data' when no k has a coefficient."""
    if lead_lag.empty or lead_lag["r"].isna().all():
        most = int(lead_lag["n"].max()) if not lead_lag.empty else 0
        return empty_chart(text("empty_lead_lag", lang, min_n=min_n, n=most))
    data = lead_lag.copy()
    data["direction"] = data["r"].apply(lambda r: "positive" if r >= 0 else "negative")
    marked = "significant" in data.columns
    data["significant"] = data["significant"].fillna(False).astype(bool) if marked else False
    for column in ("p", "p_adjusted"):
        if column not in data.columns:
            data[column] = None
    data["verdict"] = [
        text("lag_significant" if flag else "lag_chance", lang) for flag in data["significant"]
    ]  # fmt: skip
    valid = data.dropna(subset=["r"])
    x = alt.X("k:O", title=text("k", lang), axis=alt.Axis(labelAngle=0))
    y_scale = alt.Scale(domain=[-1, 1])
    tooltip = [
        alt.Tooltip("k:O", title="k"),
        alt.Tooltip("r:Q", title="r", format="+.2f"),
        alt.Tooltip("lo:Q", title=text("r_lo", lang), format="+.2f"),
        alt.Tooltip("hi:Q", title=text("r_hi", lang), format="+.2f"),
        alt.Tooltip("n:Q", title=text("n", lang)),
    ]
    if marked:
        tooltip += [
            alt.Tooltip("p:Q", title=text("p", lang), format=".3f"),
            alt.Tooltip("p_adjusted:Q", title=text("p_adjusted", lang), format=".3f"),
            alt.Tooltip("verdict:N", title=text("verdict", lang)),
        ]
    bars = (
        alt.Chart(valid)
        .mark_bar()
        .encode(
            x,
            alt.Y("r:Q", title=text("r", lang), scale=y_scale),
            color=alt.Color(
                "direction:N",
                scale=alt.Scale(domain=["positive", "negative"], range=["#2e7d32", "#c62828"]),
                legend=None,
            ),
            # Without a correction every lag is drawn as before; with one, only the survivors are solid.
            opacity=alt.condition("datum.significant", alt.value(0.9), alt.value(0.3 if marked else 0.75)),
            tooltip=tooltip,
        )
    )
    intervals = (
        alt.Chart(valid)
        .mark_rule(color="#333333")
        .encode(x, alt.Y("lo:Q", title=text("r", lang), scale=y_scale), alt.Y2("hi:Q"))
    )
    layers = [bars, intervals]
    missing = data[data["r"].isna()].assign(zero=0.0, note_text=lambda d: d["note"].fillna("n/a"))
    if not missing.empty:
        layers.append(
            alt.Chart(missing)
            .mark_text(angle=270, align="left", color="#777777", fontSize=10)
            .encode(
                x,
                alt.Y("zero:Q", title=text("r", lang), scale=y_scale),
                text="note_text:N",
                tooltip=[
                    alt.Tooltip("k:O", title="k"),
                    alt.Tooltip("n:Q", title=text("n", lang)),
                    alt.Tooltip("note_text:N", title=text("note", lang)),
                ],
            )
        )
    stars = valid[valid["significant"]].assign(star="*", top=lambda d: d["hi"].clip(upper=0.92) + 0.04)
    if not stars.empty:
        layers.append(
            alt.Chart(stars)
            .mark_text(fontSize=16, fontWeight="bold", color="#111111", baseline="bottom")
            .encode(x, alt.Y("top:Q", title=text("r", lang), scale=y_scale), text="star:N", tooltip=tooltip)
        )
    return alt.layer(*layers).properties(width=WIDTH, height=240)


PLACEBO_COLOUR = "#757575"


def event_study_chart(
    event_study: dict, *, lang: str = "en", benchmark: str | None = None
) -> alt.LayerChart | alt.Chart:
    """Mean CAR per trading day around bullish and bearish articles with each side's 95% band, n in the legend,
    over the placebo (random days of the same period: its mean dashed, its 2.5–97.5% range shaded grey)."""
    if benchmark is None:
        sides = [event_study.get(side) or {} for side in ("bullish", "bearish")]
        benchmark = next((side["benchmark"] for side in sides if side.get("benchmark")), default_benchmark())
    rows = []
    for side in ("bullish", "bearish"):
        entry = event_study.get(side) or {}
        low, high = entry.get("ci_lo") or {}, entry.get("ci_hi") or {}
        for day, value in (entry.get("car") or {}).items():
            rows.append(
                {
                    "side": f"{label_name(side, lang)} (n={entry.get('n', 0)})",
                    "label": side,
                    "day": int(day),
                    "car": value,
                    "ci_lo": low.get(day),
                    "ci_hi": high.get(day),
                }
            )
    if not rows:
        return empty_chart(text("empty_events", lang))
    data = pd.DataFrame(rows)
    sides = list(dict.fromkeys(data["side"]))
    colours = [LABEL_COLOURS[label] for label in dict.fromkeys(data["label"])]
    x = alt.X("day:Q", title=text("day", lang))
    car_title = text("car", lang, benchmark=benchmark)
    y = alt.Y("car:Q", title=car_title, axis=alt.Axis(format="%"))
    colour = alt.Color("side:N", title=text("side", lang), scale=alt.Scale(domain=sides, range=colours))
    lines = (
        alt.Chart(data)
        .mark_line(point=True)
        .encode(
            x,
            y,
            color=colour,
            tooltip=[
                alt.Tooltip("side:N", title=text("side", lang)),
                alt.Tooltip("day:Q", title=text("day", lang)),
                alt.Tooltip("car:Q", title=car_title, format="+.2%"),
                alt.Tooltip("ci_lo:Q", title=text("band_lo", lang), format="+.2%"),
                alt.Tooltip("ci_hi:Q", title=text("band_hi", lang), format="+.2%"),
            ],
        )
    )
    layers = [lines]
    banded = data.dropna(subset=["ci_lo", "ci_hi"])
    if not banded.empty:
        layers.append(
            alt.Chart(banded)
            .mark_area(opacity=0.15)
            .encode(x, alt.Y("ci_lo:Q", title=car_title), alt.Y2("ci_hi:Q"), color=colour)
        )
    layers += _placebo_layers(event_study.get("placebo") or {}, x, car_title, lang)
    day_zero = (
        alt.Chart(pd.DataFrame({"day": [0]}))
        .mark_rule(color="#999999", strokeDash=[3, 3])
        .encode(x=alt.X("day:Q", title=text("day", lang)))
    )
    return alt.layer(*layers, day_zero).properties(width=WIDTH, height=260)


def _placebo_layers(placebo: dict, x: alt.X, car_title: str, lang: str) -> list[alt.Chart]:
    """The placebo's mean (dashed grey) and its range (grey band), labelled at its last day."""
    car = placebo.get("car") or {}
    if not car:
        return []
    low, high = placebo.get("ci_lo") or {}, placebo.get("ci_hi") or {}
    name = text("placebo", lang, n=placebo.get("n", 0), draws=placebo.get("draws", 0))
    data = pd.DataFrame(
        {"day": [int(day) for day in car], "car": list(car.values()), "ci_lo": [low.get(d) for d in car],
         "ci_hi": [high.get(d) for d in car], "placebo": name}
    )  # fmt: skip
    tooltip = [
        alt.Tooltip("placebo:N", title=text("placebo_title", lang)),
        alt.Tooltip("day:Q", title=text("day", lang)),
        alt.Tooltip("car:Q", title=car_title, format="+.2%"),
        alt.Tooltip("ci_lo:Q", title=text("band_lo", lang), format="+.2%"),
        alt.Tooltip("ci_hi:Q", title=text("band_hi", lang), format="+.2%"),
    ]
    band = (
        alt.Chart(data.dropna(subset=["ci_lo", "ci_hi"]))
        .mark_area(color=PLACEBO_COLOUR, opacity=0.12)
        .encode(x, alt.Y("ci_lo:Q", title=car_title), alt.Y2("ci_hi:Q"), tooltip=tooltip)
    )
    line = (
        alt.Chart(data)
        .mark_line(color=PLACEBO_COLOUR, strokeDash=[5, 3])
        .encode(x, alt.Y("car:Q", title=car_title), tooltip=tooltip)
    )
    label = (
        alt.Chart(data.tail(1))
        .mark_text(align="right", baseline="bottom", dy=-4, color=PLACEBO_COLOUR, fontSize=11)
        .encode(x, alt.Y("car:Q", title=car_title), text="placebo:N")
    )
    return [band, line, label]


def tone_zscore_chart(index: pd.DataFrame, *, lang: str = "en") -> alt.LayerChart | alt.Chart:
    """The tone's z-score against its own rolling baseline per period, with rules at ±2 (unusual days)."""
    data = index.dropna(subset=["zscore"]) if "zscore" in index.columns else index.iloc[0:0]
    if data.empty:
        return empty_chart(text("empty_zscore", lang))
    data = data[["date", "zscore", "tone", "baseline", "n_unique"]].copy()
    data["date"] = pd.to_datetime(data["date"])
    x = alt.X("date:T", title=text("date", lang))
    y_title = text("zscore", lang)
    points = (
        alt.Chart(data)
        .mark_bar(width=3)
        .encode(
            x,
            alt.Y("zscore:Q", title=y_title),
            color=alt.condition("datum.zscore >= 0", alt.value("#2e7d32"), alt.value("#c62828")),
            opacity=alt.condition("abs(datum.zscore) >= 2", alt.value(0.95), alt.value(0.45)),
            tooltip=[
                alt.Tooltip("date:T", title=text("date", lang)),
                alt.Tooltip("zscore:Q", title=y_title, format="+.2f"),
                alt.Tooltip("tone:Q", title=text("tone_index", lang), format="+.2f"),
                alt.Tooltip("baseline:Q", title=text("baseline", lang), format="+.2f"),
                alt.Tooltip("n_unique:Q", title=text("n", lang)),
            ],
        )
    )
    limits = (
        alt.Chart(pd.DataFrame({"zscore": [-2.0, 2.0]}))
        .mark_rule(color="#999999", strokeDash=[4, 3])
        .encode(alt.Y("zscore:Q", title=y_title))
    )
    return alt.layer(points, limits).properties(width=WIDTH, height=200)


SENTENCE_PICK = "sentence_pick"  # the strip's click selection: the page highlights the picked sentence's text


def sentence_strip_chart(
    sentences: pd.DataFrame, *, lang: str = "en", selected: int | None = None
) -> alt.Chart:
    """One cell per sentence, coloured by its tone, the sentence text in the tooltip; a click selects one
    (SENTENCE_PICK, by index), and the `selected` sentence is outlined."""
    if sentences.empty:
        return empty_chart(text("empty_sentences", lang), height=60)
    data = sentences[["index", "tone", "label", "text"]].copy()
    data["snippet"] = data["text"].astype(str).str.slice(0, 160)
    data["label_name"] = [label_name(label, lang) for label in data["label"]]
    data["hint"] = text("sentence_hint", lang)
    pick = alt.selection_point(name=SENTENCE_PICK, fields=["index"], on="click", toggle=False)
    outlined = f"datum.index == {int(selected)}" if selected is not None else "false"
    return (
        alt.Chart(data)
        .mark_rect()
        .encode(
            x=alt.X(
                "index:O", title=text("sentence", lang), axis=alt.Axis(labels=len(data) <= 60, labelAngle=0)
            ),
            color=alt.Color("tone:Q", title=text("tone", lang), scale=tone_colour_scale()),
            stroke=alt.condition(outlined, alt.value("#111111"), alt.value("white")),
            strokeWidth=alt.condition(outlined, alt.value(2.5), alt.value(0.5)),
            tooltip=[
                alt.Tooltip("index:O", title=text("sentence", lang)),
                alt.Tooltip("tone:Q", title=text("tone", lang), format="+.2f"),
                alt.Tooltip("label_name:N", title=text("label", lang)),
                alt.Tooltip("snippet:N", title=text("text", lang)),
                alt.Tooltip("hint:N", title=""),
            ],
        )
        .add_params(pick)
        .properties(width=WIDTH, height=50)
    )
