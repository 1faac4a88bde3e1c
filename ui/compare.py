"""Companies side by side (`compare`): when the store holds scores for more than one ticker, the tone index of
each chosen company, and its price where stored, normalised on one chart (analysis/views/compare.py)."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from analysis.companies import load_tickers
from ui import state
from ui.labels import t
from ui.render import show_chart
from ui.sidebar import Controls

COMPARE_KEY = "compare"
DEFAULT_COMPANIES = 4  # the opened company and the next scored ones, until the analyst chooses
HEIGHT = 320


def render(controls: Controls) -> None:
    """The compare section; nothing when the store holds one ticker's scores (there is nothing to compare)."""
    lang = controls.lang
    tickers = state.scored_tickers(controls.db)
    if len(tickers) < 2:
        return
    labels = load_tickers(tickers)
    chosen = st.session_state.get(COMPARE_KEY)
    if chosen is None:  # first view (or a link without it): the opened company and the next scored ones
        others = [ticker for ticker in tickers if ticker != controls.ticker]
        chosen = (([controls.ticker] if controls.ticker in tickers else []) + others)[:DEFAULT_COMPANIES]
    # Set, not passed as a default: a link's choice (ui/urlstate.py) is the session's; unknown tickers dropped.
    st.session_state[COMPARE_KEY] = [ticker for ticker in chosen if ticker in tickers]
    st.subheader(t("compare_title", lang))
    picked = st.multiselect(t("compare", lang), tickers, key=COMPARE_KEY, format_func=lambda x: labels.get(x, x),
                            placeholder=t("compare_pick", lang))  # fmt: skip
    if not picked:
        st.info(t("compare_none", lang))
        return
    rows = state.compare(controls.view, controls.price_key, tuple(picked), tone_field=controls.tone_field,
                         freq=controls.freq)  # fmt: skip
    show_chart(compare_chart(rows, labels, lang))
    st.caption(t("compare_caption", lang))


def compare_chart(rows: pd.DataFrame, labels: dict[str, str], lang: str) -> alt.Chart:
    """One line per company and series (tone solid, price dashed) on the normalised axis."""
    if rows.empty:
        return alt.Chart(pd.DataFrame({"message": [t("compare_empty", lang)]})).mark_text()
    names = {"tone": t("compare_tone", lang), "price": t("compare_price", lang)}
    data = rows.assign(
        company=[labels.get(ticker, ticker) for ticker in rows["ticker"]],
        series_name=[names[kind] for kind in rows["series"]],
    )
    return (
        alt.Chart(data)
        .mark_line(point=True, strokeWidth=2)
        .encode(
            x=alt.X("date:T", title=t("compare_date", lang)),
            y=alt.Y("value:Q", title=t("compare_axis", lang)),
            color=alt.Color("company:N", title=t("compare_company", lang)),
            strokeDash=alt.StrokeDash(
                "series_name:N", title=t("compare_series", lang), sort=[names["tone"], names["price"]]
            ),  # fmt: skip
            detail="ticker:N",
            tooltip=[
                alt.Tooltip("date:T", title=t("compare_date", lang)),
                alt.Tooltip("company:N", title=t("compare_company", lang)),
                alt.Tooltip("series_name:N", title=t("compare_series", lang)),
                alt.Tooltip("value:Q", title=t("compare_axis", lang), format="+.2f"),
                alt.Tooltip("raw:Q", title=t("compare_raw", lang), format=".2f"),
                alt.Tooltip("n:Q", title=t("compare_n", lang)),
            ],
        )
        .properties(height=HEIGHT)
    )
