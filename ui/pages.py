"""The dashboard's pages (st.navigation): overview, articles, market, data; each usable on its own.

The shell (app.py) draws the sidebar once and hands its Controls here through the session (each browser
session has its own); a page reads the view it needs and draws it. A domain error stops that section only.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st

from analysis.errors import NarrativeError, ScoringRunError
from ui import compare, data, explorer, overview, sentences, state
from ui.labels import t
from ui.markup import escape_markdown
from ui.sidebar import Controls

CONTROLS_KEY = "_controls"
PAGES = {
    "overview": ":material/insights:",
    "articles": ":material/article:",
    "market": ":material/candlestick_chart:",
    "data": ":material/database:",
}


@contextmanager
def section() -> Iterator[None]:
    """A domain error stops this section only, with its message; anything else is not swallowed."""
    try:
        yield
    except ScoringRunError as exc:
        st.info(escape_markdown(str(exc)))
    except NarrativeError as exc:
        st.error(escape_markdown(str(exc)))


def controls() -> Controls:
    return st.session_state[CONTROLS_KEY]


def _ready(controls: Controls) -> bool:
    """Say what to do when there is nothing to analyse yet (then the data section is the page's use)."""
    if controls.n_articles == 0:
        st.info(t("empty_db", controls.lang))
        return False
    if controls.run is None:
        st.info(t("no_run", controls.lang, ticker=controls.ticker))
        return False
    return True


def _view(controls: Controls):
    return state.view_data(controls.view, freq=controls.freq, tone_field=controls.tone_field,
                           page=explorer.requested_page(), sort=explorer.requested_sort())  # fmt: skip


def _series(controls: Controls, view, *, market: bool = False):
    return state.series(controls.view, controls.price_key, view, tone_field=controls.tone_field,
                        freq=controls.freq, benchmark=controls.benchmark, market=market)  # fmt: skip


def _kpis(controls: Controls, view, series) -> None:
    overview.kpi_row(controls, series["kpis"], series.get("tone_change"))
    if view.n_articles == 0:
        st.info(t("empty_filter", controls.lang))


def overview_page() -> None:
    """The story at a glance: KPIs, price against tone with the shifts, and the article a click opens."""
    c = controls()
    if not _ready(c):
        with section():
            data.render(c, None)
        return
    with section():
        view = _view(c)
        series = _series(c, view)
        _kpis(c, view, series)
        prices = state.prices(c.db, c.price_key)
        if prices[prices["ticker"] == c.ticker].empty if len(prices) else True:
            st.warning(t("no_prices", c.lang, ticker=c.ticker))
        with section():
            overview.main_chart(c, view, series, prices)
        if view.n_articles:
            with section():
                explorer.render(c, view)


def articles_page() -> None:
    """The explorer alone: the filtered (and searched) articles, newest first, and the opened one."""
    c = controls()
    if not _ready(c):
        return
    with section():
        view = _view(c)
        _kpis(c, view, _series(c, view))
        if view.n_articles:
            with section():
                sentences.render(c)
            explorer.render(c, view)


def market_page() -> None:
    """The narrative against the market: frame mix, tone per outlet, lead/lag, the event study, and companies
    side by side."""
    c = controls()
    if not _ready(c):
        return
    with section():
        view = _view(c)
        series = _series(c, view, market=True)
        _kpis(c, view, series)
        overview.panels(c, view, series)
    with section():
        compare.render(c)  # companies side by side, when the store holds more than one ticker's scores


def data_page() -> None:
    """Uploads, price import and the CSV of the filtered articles."""
    c = controls()
    view = None
    if c.n_articles and c.run is not None:
        with section():
            view = _view(c)
    with section():
        data.render(c, view)
