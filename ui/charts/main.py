"""The main chart: the share price and the tone of the news on one time axis, with the narrative shifts."""

from __future__ import annotations

import altair as alt
import pandas as pd

from analysis.companies import default_benchmark
from ui.charts.style import (
    BENCH_COLOUR,
    HEIGHT,
    INDEX_COLOUR,
    LABEL_COLOURS,
    PRICE_COLOUR,
    SHIFT_COLOUR,
    WIDTH,
    empty_chart,
    label_legend,
    text,
)
from ui.labels import label_name

PICK = "article_pick"  # the main chart's point selection: the dashboard reads the clicked article_id from it
ZOOM = "zoom"
# Altair refuses more than 5000 inline rows: draw at most this many articles (highest relevance × confidence
# first) and price days (longer price series are drawn as weekly closes).
MAX_POINTS = 4000
GAP_PERIODS = 4  # the tone index line breaks where more than this many periods in a row have no articles


def main_chart(
    prices: pd.DataFrame,
    articles: pd.DataFrame,
    index: pd.DataFrame,
    shifts: list[dict],
    *,
    ticker: str,
    benchmark: str | None = None,
    tone_field: str = "tone",
    color_by: str = "label",
    lang: str = "en",
    window: tuple | None = None,
    ranges: pd.DataFrame | None = None,
    daily: pd.DataFrame | None = None,
    freq: str = "W",
    groups: pd.DataFrame | None = None,
    points_limit: int | None = None,
) -> alt.LayerChart | alt.Chart:
    """Close (left axis) with the benchmark rebased, articles and the tone index on a tone axis (right), shifts.

    `window` (from, to) fixes the date axis, so it does not jump when a tone signal leaves articles out;
    `ranges` are undated articles, drawn as their inferred date range at their tone, never as one day.
    `index` is the smoothed index per period (views.story.tone_band: tone, lo, hi, n_articles): a line with its
    95% band, and the period's article volume as bars along the bottom; `daily` (the raw daily index) is drawn
    as a thin line only when given.

    `groups` (views.density.tone_groups: articles per day and label) with `points_limit`: when the range holds
    more than points_limit articles, the chart draws the groups (every article counted) and the article points
    only once the zoomed range holds points_limit or fewer; the switch runs in the browser, on the zoom.
    """
    benchmark = benchmark or default_benchmark()
    stock, bench = _price_lines(prices, ticker, benchmark)
    points = _article_points(articles, tone_field, lang)
    spans = _range_rows(ranges, tone_field, lang)
    dense = _dense_rows(points, groups, points_limit, lang)
    if stock.empty and points.empty and spans.empty:
        return empty_chart(text("empty_main", lang))
    scale = (
        alt.Scale(domain=[pd.Timestamp(d).isoformat() for d in window]) if window and all(window) else None
    )
    x = alt.X("date:T", title=text("date", lang), scale=scale or alt.Undefined)
    zoom = alt.selection_interval(name=ZOOM, bind="scales", encodings=["x"])
    layers = []
    if not stock.empty:
        y_price = alt.Y("close:Q", title=text("close", lang, ticker=ticker), scale=alt.Scale(zero=False))
        price_tooltip = [
            alt.Tooltip("date:T", title=text("date", lang)),
            alt.Tooltip("close:Q", title=text("close", lang, ticker=ticker), format=".2f"),
        ]
        price_line = (
            alt.Chart(stock)
            .mark_line(color=PRICE_COLOUR, strokeWidth=1.6)
            .encode(x, y_price, tooltip=price_tooltip)
        )
        price_parts = [price_line.add_params(zoom)]
        if not bench.empty:
            bench_title = text("benchmark", lang, benchmark=benchmark, ticker=ticker)
            price_parts.append(
                alt.Chart(bench)
                .mark_line(color=BENCH_COLOUR, opacity=0.45, strokeDash=[4, 3], strokeWidth=1.2)
                .encode(
                    x,
                    y_price,
                    tooltip=[
                        alt.Tooltip("date:T", title=text("date", lang)),
                        alt.Tooltip("close:Q", title=bench_title, format=".2f"),
                    ],
                )
            )
        layers.append(alt.layer(*price_parts))
    tone = _tone_layer(
        points, index, shifts, spans, x, tone_field, color_by, lang, zoom if stock.empty else None, daily,
        dense=dense, points_limit=points_limit,
    )  # fmt: skip
    if tone is not None:  # no article has the plotted tone: the price stays on its own
        layers.append(tone)
    volume = _volume_bars(index, x, freq, lang)
    if volume is not None:
        layers.append(volume)
    chart = alt.layer(*layers).resolve_scale(y="independent") if len(layers) > 1 else layers[0]
    subtitle = text("main_subtitle", lang, ticker=ticker, benchmark=benchmark)
    title = alt.Title(text("main_title", lang, ticker=ticker), subtitle=subtitle, anchor="start")
    return chart.properties(width=WIDTH, height=HEIGHT, title=title)


def _price_lines(prices: pd.DataFrame, ticker: str, benchmark: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The stock's closes, and the benchmark rebased so that it starts at the stock's first close."""
    if prices.empty:
        return pd.DataFrame(columns=["date", "close"]), pd.DataFrame(columns=["date", "close"])

    def series(name: str) -> pd.DataFrame:
        rows = prices[prices["ticker"] == name] if "ticker" in prices.columns else prices.iloc[0:0]
        frame = rows[["date", "close"]].dropna().copy()
        frame["date"] = pd.to_datetime(frame["date"])
        return frame.sort_values("date", ignore_index=True)

    stock, bench = _thin(series(ticker)), _thin(series(benchmark))
    if stock.empty or bench.empty:
        return stock, bench.iloc[0:0]
    bench = bench[(bench["date"] >= stock["date"].min()) & (bench["date"] <= stock["date"].max())]
    common = stock.merge(bench, on="date", suffixes=("", "_bench"))
    if common.empty:
        return stock, bench.iloc[0:0]
    factor = common["close"].iloc[0] / common["close_bench"].iloc[0]
    return stock, bench.assign(close=bench["close"] * factor)


def _thin(frame: pd.DataFrame) -> pd.DataFrame:
    """Weekly last closes when a daily series is too long to embed in the chart."""
    if len(frame) <= MAX_POINTS:
        return frame
    weekly = frame.set_index("date")["close"].resample("W-FRI").last().dropna()
    return weekly.reset_index()


def _article_points(articles: pd.DataFrame, tone_field: str, lang: str) -> pd.DataFrame:
    """One row per article for the tone axis, with tooltip text; the most relevant MAX_POINTS at most."""
    if articles.empty or tone_field not in articles.columns:
        return pd.DataFrame()
    data = articles.dropna(subset=[tone_field]).reset_index(drop=True)
    if data.empty:
        return data
    if len(data) > MAX_POINTS:
        weight = data["relevance"].astype(float).fillna(0) * data.get("confidence", 1.0)
        data = data.loc[weight.sort_values(ascending=False, kind="stable").index[:MAX_POINTS]]
    # snownlp is a probability in [0, 1]; put it on the same −1…+1 axis as the finance tone.
    data["y"] = (
        data[tone_field].astype(float) * 2 - 1 if tone_field == "snownlp" else data[tone_field].astype(float)
    )
    data["date"] = pd.to_datetime(data["date"])
    inferred = data["date_inferred"].astype(bool) if "date_inferred" in data else False
    day = data["date"].dt.strftime("%Y-%m-%d")
    data["date_label"] = day.where(~inferred, day + f" ({text('inferred', lang)})")
    data["title_text"] = data["title"].astype(object).where(data["title"].notna(), text("untitled", lang))
    data["outlet"] = data["source"].astype(object).where(data["source"].notna(), "?")
    data["label_name"] = [label_name(label, lang) for label in data["label"]] if "label" in data else None
    # Listed frames, strongest first ('a;b;c'); a store sample brings only the first three (top_frames).
    listed = next((data[c] for c in ("top_frames", "frames") if c in data), pd.Series("", index=data.index))
    data["top_frames"] = (
        listed.fillna("").astype(str).map(lambda value: ", ".join([f for f in value.split(";") if f][:3]))
    )
    keep = ["article_id", "date", "y", "relevance", "label", "label_name", "dominant_frame", "date_label",
            "title_text", "outlet", "top_frames"]  # fmt: skip
    for column in keep:
        if column not in data.columns:
            data[column] = None
    return data[keep]


def _range_rows(ranges: pd.DataFrame | None, tone_field: str, lang: str) -> pd.DataFrame:
    """Undated articles as (date, date_to, y) bars with tooltip text; empty when there are none."""
    if ranges is None or ranges.empty or tone_field not in ranges.columns:
        return pd.DataFrame()
    data = ranges.dropna(subset=[tone_field]).reset_index(drop=True)
    if data.empty:
        return data
    value = data[tone_field].astype(float)
    data["y"] = value * 2 - 1 if tone_field == "snownlp" else value
    data["date"] = pd.to_datetime(data["date_from"])
    data["date_to"] = pd.to_datetime(data["date_to"])
    data["date_label"] = (
        data["date"].dt.strftime("%Y-%m-%d") + " … " + data["date_to"].dt.strftime("%Y-%m-%d")
        + f" ({text('inferred', lang)})"
    )  # fmt: skip
    data["title_text"] = data["title"].astype(object).where(data["title"].notna(), text("untitled", lang))
    data["outlet"] = data["source"].astype(object).where(data["source"].notna(), "?")
    return data[["article_id", "date", "date_to", "y", "label", "date_label", "title_text", "outlet"]]


def _volume_bars(index: pd.DataFrame | None, x, freq: str, lang: str) -> alt.Chart | None:
    """Articles per period as faint bars in the bottom quarter of the plot (their own hidden scale)."""
    if index is None or index.empty or "n_articles" not in index:
        return None
    bars = index[["date", "n_articles"]].copy()
    bars["date"] = pd.to_datetime(bars["date"])
    step = pd.DateOffset(months=1) if freq == "M" else pd.Timedelta(days=7 if freq == "W" else 1)
    bars["date_end"] = bars["date"] + step
    top = max(1, int(bars["n_articles"].max())) * 4
    return (
        alt.Chart(bars)
        .mark_bar(color=BENCH_COLOUR, opacity=0.22)
        .encode(
            x,
            x2="date_end:T",
            y=alt.Y("n_articles:Q", axis=None, scale=alt.Scale(domain=[0, top])),
            tooltip=[
                alt.Tooltip("date:T", title=text("period", lang)),
                alt.Tooltip("n_articles:Q", title=text("n", lang)),
            ],
        )
    )


def _tone_layer(
    points,
    index,
    shifts,
    spans,
    x,
    tone_field,
    color_by,
    lang,
    zoom,
    daily=None,
    *,
    dense=None,
    points_limit=None,
) -> alt.LayerChart | None:
    """The tone index line and shift rules below, undated ranges, then the article points on top (a click on a
    point always reaches it, even where the index marker of a one-article day sits on it).

    With `dense` rows (_dense_rows: the points and the day groups in one dataset), the groups are drawn while
    the visible range holds more than points_limit articles, the points once it holds fewer.
    """
    y_scale = alt.Scale(domain=[-1, 1])
    y_title = text("snownlp" if tone_field == "snownlp" else "tone", lang)
    y_axis = alt.Axis(orient="right", title=y_title)
    layers = []
    below = _index_and_shift_layers(index, shifts, x, y_scale, y_axis, lang, daily)
    layers.extend(below)
    if not spans.empty:
        layers.append(
            alt.Chart(spans)
            .mark_rule(strokeWidth=3, opacity=0.45, strokeCap="round")
            .encode(
                x,
                x2="date_to:T",
                y=alt.Y("y:Q", scale=y_scale, axis=y_axis),
                # The points' legend, not none: layers that disagree on it lose the legend altogether.
                color=alt.Color(
                    "label:N",
                    title=text("label", lang),
                    scale=alt.Scale(domain=list(LABEL_COLOURS), range=list(LABEL_COLOURS.values())),
                    legend=label_legend(lang),
                ),  # fmt: skip
                tooltip=[
                    alt.Tooltip("date_label:N", title=text("date", lang)),
                    alt.Tooltip("outlet:N", title=text("outlet", lang)),
                    alt.Tooltip("title_text:N", title=text("title", lang)),
                    alt.Tooltip("y:Q", title=y_title, format="+.2f"),
                ],
            )
        )
    if dense is not None:
        groups = _group_layer(dense, x, y_scale, y_axis, y_title, color_by, lang, points_limit)
        layers.append(groups.add_params(zoom) if zoom is not None else groups)
        zoom = None  # defined once, on the groups (the points may all be filtered out)
    if not points.empty:
        pick = alt.selection_point(name=PICK, fields=["article_id"], on="click", toggle=False)
        if color_by == "dominant_frame":
            colour = alt.Color("dominant_frame:N", title=text("frame", lang))
        else:
            colour = alt.Color(
                "label:N",
                title=text("label", lang),
                scale=alt.Scale(domain=list(LABEL_COLOURS), range=list(LABEL_COLOURS.values())),
                legend=label_legend(lang),
            )
        source = alt.Chart(points) if dense is None else _in_view(alt.Chart(dense), "point", points_limit)
        circles = (
            source.mark_circle(stroke="#222222")
            .encode(
                x,
                alt.Y("y:Q", scale=y_scale, axis=y_axis),
                color=colour,
                size=alt.Size(
                    "relevance:Q",
                    title=text("relevance", lang),
                    scale=alt.Scale(domain=[0, 1], range=[25, 320]),
                ),
                opacity=alt.condition(pick, alt.value(0.9), alt.value(0.35)),
                strokeWidth=alt.condition(pick, alt.value(0.8), alt.value(0)),
                tooltip=[
                    alt.Tooltip("date_label:N", title=text("date", lang)),
                    alt.Tooltip("outlet:N", title=text("outlet", lang)),
                    alt.Tooltip("title_text:N", title=text("title", lang)),
                    alt.Tooltip("y:Q", title=y_title, format="+.2f"),
                    alt.Tooltip("label_name:N", title=text("label", lang)),
                    alt.Tooltip("top_frames:N", title=text("frames", lang)),
                ],
            )
            .add_params(pick)
        )
        layers.append(circles.add_params(zoom) if zoom is not None else circles)
    if not layers:
        return None
    if zoom is not None and points.empty:
        layers[0] = layers[0].add_params(zoom)
    tone = alt.layer(*layers)
    # The groups' sizes are articles per day, the points' their relevance: two scales, two legends.
    return tone.resolve_scale(size="independent") if dense is not None else tone


def _dense_rows(
    points: pd.DataFrame, groups: pd.DataFrame | None, limit: int | None, lang: str
) -> pd.DataFrame | None:
    """The points and the day groups in one dataset (kind 'point' / 'group'; a point's n is 0), so that both
    layers sum the same visible articles; None when the range holds at most `limit` articles (points only)."""
    if groups is None or groups.empty or not limit or int(groups["n"].sum()) <= limit:
        return None
    rows = groups.copy()
    rows["date"] = pd.to_datetime(rows["date"])
    rows["kind"] = "group"
    rows["y"] = rows["tone"].astype(float)
    rows["label_name"] = [label_name(label, lang) for label in rows["label"]]
    last = pd.to_datetime(rows["date_end"]) - pd.Timedelta(days=1)
    rows["date_label"] = (
        rows["date"]
        .dt.strftime("%Y-%m-%d")
        .where(
            last <= rows["date"], rows["date"].dt.strftime("%Y-%m-%d") + " … " + last.dt.strftime("%Y-%m-%d")
        )
    )  # a week's group names its days
    rows["hint"] = text("group_hint", lang)
    rows = rows.drop(columns=["tone", "date_end"], errors="ignore")
    return pd.concat([points.assign(kind="point", n=0), rows], ignore_index=True)


def _in_view(chart: alt.Chart, kind: str, limit: int | None) -> alt.Chart:
    """The rows of `kind` in the zoomed x range, kept when that range holds at most `limit` articles (points)
    or more (groups); the count is the groups' n over the visible range, so both layers agree."""
    zoomed = f"isObject({ZOOM}) && isArray({ZOOM}.date)"
    inside = f"time(datum.date) >= time({ZOOM}.date[0]) && time(datum.date) <= time({ZOOM}.date[1])"
    test = "<=" if kind == "point" else ">"
    return (
        chart.transform_filter(f"!({zoomed}) || ({inside})")
        .transform_joinaggregate(visible_n="sum(n)")
        .transform_filter(f"datum.kind == '{kind}' && datum.visible_n {test} {int(limit or 0)}")
    )


def _group_layer(dense, x, y_scale, y_axis, y_title, color_by, lang, limit) -> alt.Chart:
    """Articles per day and label at their mean tone, sized by how many: the chart's default at thousands."""
    if color_by == "label":
        colour = alt.Color(
            "label:N",
            title=text("label", lang),
            scale=alt.Scale(domain=list(LABEL_COLOURS), range=list(LABEL_COLOURS.values())),
            legend=label_legend(lang),
        )
    else:  # coloured by frame: the groups are per label, so they are drawn in one colour
        colour = alt.value(BENCH_COLOUR)
    most = int(dense["n"].max())  # a fixed domain: the legend stays as the zoom filters the groups
    return (
        _in_view(alt.Chart(dense), "group", limit)
        .mark_circle(opacity=0.55)
        .encode(
            x,
            alt.Y("y:Q", scale=y_scale, axis=y_axis),
            color=colour,
            size=alt.Size(
                "n:Q",
                title=text("group_size", lang),
                scale=alt.Scale(type="sqrt", domain=[0, most], range=[10, 260]),
            ),
            tooltip=[
                alt.Tooltip("date_label:N", title=text("group_period", lang)),
                alt.Tooltip("label_name:N", title=text("label", lang)),
                alt.Tooltip("n:Q", title=text("n", lang)),
                alt.Tooltip("y:Q", title=text("group_tone", lang), format="+.2f"),
                alt.Tooltip("hint:N", title=""),
            ],
        )
    )


def _index_and_shift_layers(index, shifts, x, y_scale, y_axis, lang, daily=None) -> list:
    """The tone index's band and line, the raw daily line on request, and the shift rules with their labels
    (all drawn under the article points)."""
    layers = []
    if index is not None and "lo" in index and index["lo"].notna().any():
        band = index.dropna(subset=["lo", "hi"]).copy()
        band["date"] = pd.to_datetime(band["date"])
        layers.append(
            alt.Chart(band)
            .mark_area(color=INDEX_COLOUR, opacity=0.15)
            .encode(x, alt.Y("lo:Q", scale=y_scale, axis=y_axis), y2="hi:Q",
                    tooltip=[alt.Tooltip("date:T", title=text("period", lang)),
                             alt.Tooltip("lo:Q", title=text("band_lo", lang), format="+.2f"),
                             alt.Tooltip("hi:Q", title=text("band_hi", lang), format="+.2f")])
        )  # fmt: skip
    if daily is not None and not daily.empty:
        raw = daily.dropna(subset=["tone"]).copy()
        raw["date"] = pd.to_datetime(raw["date"])
        layers.append(
            alt.Chart(raw[["date", "tone"]])
            .mark_line(color=INDEX_COLOUR, strokeWidth=0.8, opacity=0.45, interpolate="step-after")
            .encode(x, alt.Y("tone:Q", scale=y_scale, axis=y_axis),
                    tooltip=[alt.Tooltip("date:T", title=text("date", lang)),
                             alt.Tooltip("tone:Q", title=text("daily_index", lang), format="+.2f")])
        )  # fmt: skip
    if index is not None and not index.empty:
        line = _index_segments(index)
        layers.append(
            alt.Chart(line)
            .mark_line(
                color=INDEX_COLOUR, strokeWidth=2, point=alt.OverlayMarkDef(color=INDEX_COLOUR, size=18)
            )
            .encode(
                x,
                alt.Y("tone:Q", scale=y_scale, axis=y_axis),
                detail="segment:N",
                tooltip=[
                    alt.Tooltip("date:T", title=text("date", lang)),
                    alt.Tooltip("tone:Q", title=text("tone_index", lang), format="+.2f"),
                    alt.Tooltip("n_unique:Q", title=text("n", lang)),
                ],
            )
        )
    if shifts:
        rules = pd.DataFrame(
            {
                "date": [pd.Timestamp(shift["date"]) for shift in shifts],
                "shift_label": [_shift_label(shift, lang) for shift in shifts],
                "shift_frames": [_shift_frames(shift) for shift in shifts],
                "shift_flagged": [bool(shift.get("few_articles")) for shift in shifts],
            }
        )
        tooltip = [
            alt.Tooltip("shift_label:N", title=text("shift", lang)),
            alt.Tooltip("shift_frames:N", title=""),
        ]
        layers.append(
            # A shift backed by too few articles is drawn faint and labelled with a '?': a question, not a fact.
            alt.Chart(rules)
            .mark_rule(color=SHIFT_COLOUR, strokeDash=[6, 4])
            .encode(
                x,
                opacity=alt.condition("datum.shift_flagged", alt.value(0.35), alt.value(1.0)),
                tooltip=tooltip,
            )
        )
        layers.append(
            # Written upwards along the rule, so a shift near the right edge is not cut off.
            alt.Chart(rules)
            .mark_text(angle=270, align="right", baseline="bottom", dy=-3, fontSize=11, color=SHIFT_COLOUR)
            .encode(x, y=alt.value(4), text="shift_label:N", tooltip=tooltip)
        )
    return layers


def _index_segments(index: pd.DataFrame) -> pd.DataFrame:
    """Tone index points, split into separate line segments where more than GAP_PERIODS periods are empty."""
    line = index.dropna(subset=["tone"]).copy()
    line["date"] = pd.to_datetime(line["date"])
    line = line.sort_values("date", ignore_index=True)
    if "n_unique" not in line.columns:
        line["n_unique"] = None
    gaps = line["date"].diff().dt.days
    step = gaps[gaps > 0].min() if (gaps > 0).any() else 1
    line["segment"] = (gaps > GAP_PERIODS * step).cumsum()
    return line[["date", "tone", "n_unique", "segment"]]


def _shift_label(shift: dict, lang: str) -> str:
    label = f"{text('shift', lang)} {shift.get('before_tone', 0):+.2f} → {shift.get('after_tone', 0):+.2f}"
    p = shift.get("p")
    if p is not None and p == p:  # NaN: too few points to test
        label += f" (p {p:.2f})" if p >= 0.01 else " (p < 0.01)"
    return label + (" ?" if shift.get("few_articles") else "")


def _shift_frames(shift: dict) -> str:
    up, down = shift.get("frames_up") or [], shift.get("frames_down") or []
    return " ".join([*(f"↑{frame}" for frame in up[:3]), *(f"↓{frame}" for frame in down[:3])])
