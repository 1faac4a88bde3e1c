"""KPI row, the main chart (price against tone) and the four narrative panels."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analysis.settings import current as current_settings
from analysis.views import Kpis, ViewData, chart_window, picked_article_ids, prices_in_range, tone_groups
from analysis.views.kpis import compact_count
from analysis.views.story import ToneChange
from ui import charts, live
from ui.labels import frame_name, is_chinese, label_name, named_frames, named_shifts, t
from ui.markup import escape_markdown
from ui.render import show_chart
from ui.sidebar import Controls
from ui.state import ARTICLE_KEY, PICK_SEEN_KEY
from ui.tables import with_outlet_names


def shift_lines(shifts: list[dict], freq: str, lang: str) -> list[str]:
    """Each detected shift in words (the report's shifts, the same dicts), for above the chart."""
    lines = []
    for shift in shifts:
        day = pd.Timestamp(shift["date"])
        if is_chinese(lang):
            when = f"{day.year}年{day.month}月" + ("" if freq == "M" else f"{day.day}日当周")
        else:
            when = f"month of {day:%b %Y}" if freq == "M" else f"week of {day.day} {day:%b %Y}"
        up = ", ".join(frame_name(f, lang) for f in (shift.get("frames_up") or [])[:3]) or "—"
        down = ", ".join(frame_name(f, lang) for f in (shift.get("frames_down") or [])[:3]) or "—"
        # The template's bold is ours; every part filled in is escaped.
        lines.append(t("shift_line", lang, when=escape_markdown(when), before=_signed(shift.get("before_tone")),
                       after=_signed(shift.get("after_tone")), up=escape_markdown(up),
                       down=escape_markdown(down)))  # fmt: skip
    return lines


def _signed(value) -> str:
    return "—" if value is None else f"{float(value):+.2f}".replace("-", "−")


def kpi_row(controls: Controls, kpis: Kpis, change: ToneChange | None = None) -> None:
    """Articles in range, mean tone, the tone's change, bullish : bearish, price change, current run."""
    lang, view = controls.lang, controls.view
    # Two rows of three: six cards in one row cut their labels and notes on a laptop screen.
    columns = [*st.columns(3), *st.columns(3)]
    span = (view.date_to - view.date_from).days + 1 if view.date_from and view.date_to else None
    dates = t("kpi_days", lang, days=f"{span:,}") if span else None
    _card(columns[0], t("kpi_articles", lang), compact_count(kpis.n_articles), dates,
          help=f"{kpis.n_articles:,}")  # fmt: skip
    snownlp = controls.tone_field == "snownlp"
    note = t("kpi_snownlp" if snownlp else "kpi_finance", lang)
    if kpis.n_without_tone:
        note += " · " + t("kpi_of_n", lang, n=f"{kpis.n_plotted:,}")
    _card(columns[1], t("kpi_tone", lang), "—" if kpis.mean_tone is None else f"{kpis.mean_tone:+.2f}", note,
          help=t("tone_snownlp" if snownlp else "tone_finance", lang))  # fmt: skip
    # The label counts are always the finance scorer's, over every filtered article.
    _tone_change_card(columns[2], change, lang)
    _card(columns[3], t("kpi_balance", lang), kpis.balance,
          t("kpi_others", lang, mixed=compact_count(kpis.n_mixed), neutral=compact_count(kpis.n_neutral)))  # fmt: skip
    price_label = t("kpi_price", lang, ticker=controls.ticker)
    if kpis.price_change is None:
        _card(columns[4], price_label, "—", t("kpi_no_prices", lang))
    else:
        _card(
            columns[4],
            price_label,
            f"{kpis.price_change:+.1%}",
            f"{kpis.price_first:.2f} → {kpis.price_last:.2f}",
        )
    run = controls.run
    if run is None:
        _card(columns[5], t("kpi_run", lang), t("kpi_none", lang), None)
    else:
        # The version is long: it goes in the help, so the card never cuts it mid-number.
        _card(columns[5], t("kpi_run", lang), f"#{run.run_id}", str(run.scorer),
              help=t("kpi_run_help", lang, scored=run.n_scored, reused=run.n_reused) + f" · {run.version}")  # fmt: skip


def _tone_change_card(column, change: ToneChange | None, lang: str) -> None:
    """The tone's move, first to last period; the note says it since the latest shift."""
    if change is None or change.change is None:
        _card(column, t("kpi_tone_change", lang), "—", t("kpi_no_change", lang))
        return
    note = f"{_signed(change.first)} → {_signed(change.last)}"
    if change.since_shift is not None:
        note = t(
            "kpi_since_shift", lang, change=_signed(change.since_shift), date=f"{change.shift_date:%Y-%m-%d}"
        )
    _card(column, t("kpi_tone_change", lang), _signed(change.change), note,
          help=t("kpi_tone_change_help", lang, first=f"{change.first_date:%Y-%m-%d}",
                 last=f"{change.last_date:%Y-%m-%d}"))  # fmt: skip


def _card(column, label: str, value: str, note: str | None, *, help: str | None = None) -> None:
    """One KPI: the number, and a neutral note under it (no arrow: none of these is a change to judge)."""
    column.metric(label, value, delta=note, delta_color="off", delta_arrow="off", help=help, border=True,
                  height="stretch")  # fmt: skip


def main_chart(controls: Controls, data: ViewData, series: dict, prices: pd.DataFrame) -> None:
    """The layered dual-axis chart; a click on an article point opens it in the explorer."""
    lang, view = controls.lang, controls.view
    st.subheader(t("main_chart", lang))
    for line in shift_lines(series["shifts"], controls.freq, lang):
        st.markdown(line)
    window = chart_window(view.date_from, view.date_to)
    # Frames reach the chart by name in the UI language (legend, tooltips); the ids stay the data.
    points = with_outlet_names(named_frames(data.points, lang), controls.facets.get("outlet_names"))
    shifts = named_shifts(series["shifts"], lang)
    groups, limit = tone_groups(data.cube, controls.tone_field), current_settings().chart_points
    chart = charts.main_chart(
        prices_in_range(prices, *window), points, series["periods"], shifts, ticker=controls.ticker,
        benchmark=controls.benchmark, tone_field=controls.tone_field, color_by=controls.color_by, lang=lang,
        window=window, ranges=data.ranges, freq=controls.freq,
        daily=series["index"] if controls.raw_daily else None,
        groups=groups, points_limit=limit,
    )  # fmt: skip
    event = show_chart(chart, on_select="rerun", key="main_chart")
    caption = t("main_caption", lang, benchmark=controls.benchmark)
    total = data.n_plotted(controls.tone_field) - data.n_undated
    if len(data.points) < total:
        caption += " " + t("main_sampled", lang, shown=f"{len(data.points):,}", total=f"{total:,}")
    st.caption(caption)
    grouped = int(groups["n"].sum()) if len(groups) else 0
    if grouped > limit:  # the chart draws day groups until the zoom holds few enough articles
        st.caption(t("main_grouped", lang, n=f"{grouped:,}", limit=f"{limit:,}"))
    missing = data.n_articles - data.n_plotted(controls.tone_field)
    if missing:  # e.g. English articles or a run scored --no-snownlp: left out of that line, said so
        st.caption(
            t("main_without_signal", lang, n=f"{missing:,}", signal=t("signal_" + controls.tone_field, lang))
        )
    if data.n_undated:
        st.caption(t("main_undated", lang, n=f"{data.n_undated:,}"))
    picked = picked_article_ids(getattr(event, "selection", None) if event is not None else None,
                                param=charts.PICK)  # fmt: skip
    # A selection persists across reruns: only a new click moves the explorer, so the picker stays usable.
    if picked and picked != st.session_state.get(PICK_SEEN_KEY):
        st.session_state[ARTICLE_KEY] = picked[0]
    st.session_state[PICK_SEEN_KEY] = picked


def panels(controls: Controls, data: ViewData, series: dict) -> None:
    """Frame mix, tone per outlet, lead/lag and event study, each with its n."""
    lang = controls.lang
    left, right = st.columns(2)
    with left:
        st.subheader(t("frame_mix", lang))
        shares = series["frame_shares"]
        show_chart(charts.frame_mix_chart(named_frames(shares, lang), lang=lang))
        st.caption(t("n_articles", lang, n=data.n_articles))
    with right:
        st.subheader(t("source_tone", lang))
        outlet = series["source_tone"]
        if outlet.empty and data.n_articles:  # articles in range, none with the plotted tone
            st.info(t("no_signal_panel", lang, signal=t("signal_" + controls.tone_field, lang)))
        else:
            show_chart(charts.source_tone_chart(outlet, lang=lang))
        st.caption(t("n_articles", lang, n=int(outlet["n"].sum()) if len(outlet) else 0))
    left, right = st.columns(2)
    with left:
        st.subheader(t("lead_lag", lang))
        lead_lag = series["lead_lag"]
        method = series.get("lead_lag_method") or {}
        show_chart(charts.lead_lag_chart(lead_lag, lang=lang, min_n=method.get("min_n", 10)))
        st.caption(_lead_lag_note(lead_lag, lang))
        st.caption(t("lead_lag_caption", lang, correction=method.get("correction_name", "-"),
                     n_tests=method.get("n_tests", 0), min_n=method.get("min_n", "-")))  # fmt: skip
    with right:
        st.subheader(t("event_study", lang))
        events = series["event_study"]
        show_chart(charts.event_study_chart(events, lang=lang, benchmark=controls.benchmark))
        st.caption(_event_note(events, lang))
        sides = [events.get(side) or {} for side in ("bullish", "bearish")]
        st.caption(t("event_caption", lang, model=sides[0].get("model", "-"),
                     inferred=sum(side.get("n_inferred_excluded", 0) for side in sides),
                     undated=sum(side.get("n_undated_excluded", 0) for side in sides)))  # fmt: skip
    st.subheader(t("zscore_title", lang))
    show_chart(charts.tone_zscore_chart(series["index"], lang=lang))
    st.caption(t("zscore_caption", lang, window=baseline_days()))
    live.render_emerging(controls)  # emerging narratives and "make it a frame" (ui/live.py)


def baseline_days() -> int:
    """The z-score's baseline window in days (the dashboard's index is daily)."""
    return current_settings().stats.baseline_days


def _lead_lag_note(lead_lag: pd.DataFrame, lang: str) -> str:
    if lead_lag.empty:
        return t("n_articles", lang, n=0)
    n = int(lead_lag["n"].max())
    days = t("lead_lag_days", lang, n=n)
    notes = sorted({str(v) for v in lead_lag["note"].dropna()})
    return days + (" · " + "; ".join(notes) if notes else "")


def _event_note(events: dict, lang: str) -> str:
    parts = []
    for side in ("bullish", "bearish"):
        entry = events.get(side) or {}
        note = f" ({entry['note']})" if entry.get("note") else ""
        parts.append(f"{label_name(side, lang)} n = {entry.get('n', 0)}{note}")
    model = (events.get("bullish") or {}).get("model")
    return " · ".join(parts) + (f" · {model}" if model else "")
