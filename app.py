"""Narrative Tone dashboard: a thin Streamlit shell over analysis/ (run with `make run`).

Sections live in app_pages/; every number and chart comes from the library. No DuckDB connection outlives a
call, so the CLI can ingest or score while this page is open.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st

from analysis.errors import NarrativeError, ScoringRunError
from analysis.store import resolve_db_path
from analysis.views import ViewData
from ui import data, explorer, overview, sidebar, state, urlstate
from ui.labels import t
from ui.markup import escape_markdown


@contextmanager
def section() -> Iterator[None]:
    """A domain error stops this section only, with its message; anything else is not swallowed."""
    try:
        yield
    except ScoringRunError as exc:
        st.info(escape_markdown(str(exc)))
    except NarrativeError as exc:
        st.error(escape_markdown(str(exc)))


def main() -> None:
    st.set_page_config(page_title="Narrative Tone", page_icon="📰", layout="wide")
    db = str(resolve_db_path())
    lang = sidebar.ui_language()
    try:
        controls = sidebar.render(db, lang)
    except NarrativeError as exc:
        # The database cannot be opened (locked, newer schema): nothing else on the page can run.
        st.error(escape_markdown(str(exc)))
        st.stop()
    st.title(t("title", lang))
    st.caption(t("subtitle", lang, ticker=controls.ticker))

    view = None
    if controls.n_articles == 0:
        st.info(t("empty_db", lang))
    elif controls.run is None:
        st.info(t("no_run", lang, ticker=controls.ticker))
    else:
        with section():
            view = draw_analysis(controls)
    st.divider()
    with section():
        data.render(controls, view)
    view_ = controls.view
    urlstate.write(date_from=view_.date_from, date_to=view_.date_to,
                   full_range=(controls.facets["date_min"], controls.facets["date_max"]))  # fmt: skip
    state.follow_job(controls.run_box, lang)


def draw_analysis(controls: sidebar.Controls) -> ViewData:
    """KPIs, main chart, explorer and panels for the filtered articles; returns the view's data."""
    lang = controls.lang
    view = state.view_data(controls.view, freq=controls.freq, tone_field=controls.tone_field,
                           page=explorer.requested_page())  # fmt: skip
    prices = state.prices(controls.db, controls.price_key)
    series = state.series(controls.view, controls.price_key, view, tone_field=controls.tone_field,
                          freq=controls.freq, benchmark=controls.benchmark)  # fmt: skip
    overview.kpi_row(controls, series["kpis"])
    if view.n_articles == 0:
        st.info(t("empty_filter", lang))
    if prices[prices["ticker"] == controls.ticker].empty if len(prices) else True:
        st.warning(t("no_prices", lang, ticker=controls.ticker))
    with section():
        overview.main_chart(controls, view, series, prices)
    if view.n_articles:
        with section():
            explorer.render(controls, view)
    st.divider()
    with section():
        overview.panels(controls, view, series)
    return view


# Streamlit runs this file as __main__; a scoring worker process (forkserver/spawn) re-imports the parent's main
# module as __mp_main__, and must not draw (and open the database) again.
if __name__ == "__main__":
    main()
