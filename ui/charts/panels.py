"""The smaller panels: frame mix, tone per outlet, lead/lag bars, event-study curves, the sentence strip."""

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
    """Correlation bars per k with 95% interval rules; 'not enough data' when no k has a coefficient."""
    if lead_lag.empty or lead_lag["r"].isna().all():
        most = int(lead_lag["n"].max()) if not lead_lag.empty else 0
        return empty_chart(text("empty_lead_lag", lang, min_n=min_n, n=most))
    data = lead_lag.copy()
    data["direction"] = data["r"].apply(lambda r: "positive" if r >= 0 else "negative")
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
    bars = (
        alt.Chart(valid)
        .mark_bar(opacity=0.75)
        .encode(
            x,
            alt.Y("r:Q", title=text("r", lang), scale=y_scale),
            color=alt.Color(
                "direction:N",
                scale=alt.Scale(domain=["positive", "negative"], range=["#2e7d32", "#c62828"]),
                legend=None,
            ),
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
    return alt.layer(*layers).properties(width=WIDTH, height=240)


def event_study_chart(
    event_study: dict, *, lang: str = "en", benchmark: str | None = None
) -> alt.LayerChart | alt.Chart:
    """Mean CAR per trading day around bullish and bearish articles, n in the legend."""
    if benchmark is None:
        sides = [event_study.get(side) or {} for side in ("bullish", "bearish")]
        benchmark = next((side["benchmark"] for side in sides if side.get("benchmark")), default_benchmark())
    rows = []
    for side in ("bullish", "bearish"):
        entry = event_study.get(side) or {}
        for day, value in (entry.get("car") or {}).items():
            rows.append(
                {
                    "side": f"{label_name(side, lang)} (n={entry.get('n', 0)})",
                    "label": side,
                    "day": int(day),
                    "car": value,
                }
            )
    if not rows:
        return empty_chart(text("empty_events", lang))
    data = pd.DataFrame(rows)
    sides = list(dict.fromkeys(data["side"]))
    colours = [LABEL_COLOURS[label] for label in dict.fromkeys(data["label"])]
    lines = (
        alt.Chart(data)
        .mark_line(point=True)
        .encode(
            x=alt.X("day:Q", title=text("day", lang)),
            y=alt.Y("car:Q", title=text("car", lang, benchmark=benchmark), axis=alt.Axis(format="%")),
            color=alt.Color("side:N", title=text("side", lang), scale=alt.Scale(domain=sides, range=colours)),
            tooltip=[
                alt.Tooltip("side:N", title=text("side", lang)),
                alt.Tooltip("day:Q", title=text("day", lang)),
                alt.Tooltip("car:Q", title=text("car", lang, benchmark=benchmark), format="+.2%"),
            ],
        )
    )
    day_zero = (
        alt.Chart(pd.DataFrame({"day": [0]}))
        .mark_rule(color="#999999", strokeDash=[3, 3])
        .encode(x=alt.X("day:Q", title=text("day", lang)))
    )
    return alt.layer(lines, day_zero).properties(width=WIDTH, height=240)


def sentence_strip_chart(sentences: pd.DataFrame, *, lang: str = "en") -> alt.Chart:
    """One cell per sentence, coloured by its tone, the sentence text in the tooltip."""
    if sentences.empty:
        return empty_chart(text("empty_sentences", lang), height=60)
    data = sentences[["index", "tone", "label", "text"]].copy()
    data["snippet"] = data["text"].astype(str).str.slice(0, 160)
    data["label_name"] = [label_name(label, lang) for label in data["label"]]
    return (
        alt.Chart(data)
        .mark_rect(stroke="white", strokeWidth=0.5)
        .encode(
            x=alt.X(
                "index:O", title=text("sentence", lang), axis=alt.Axis(labels=len(data) <= 60, labelAngle=0)
            ),
            color=alt.Color("tone:Q", title=text("tone", lang), scale=tone_colour_scale()),
            tooltip=[
                alt.Tooltip("index:O", title=text("sentence", lang)),
                alt.Tooltip("tone:Q", title=text("tone", lang), format="+.2f"),
                alt.Tooltip("label_name:N", title=text("label", lang)),
                alt.Tooltip("snippet:N", title=text("text", lang)),
            ],
        )
        .properties(width=WIDTH, height=50)
    )
