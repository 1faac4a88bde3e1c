"""Narrative Tone dashboard: a thin Streamlit shell over analysis/ (run with `make run`).

The sidebar is drawn once; the pages (ui/app_pages/, drawn by ui/pages.py) are overview, articles, market and
data, each usable alone. Every number and chart comes from the library. No DuckDB connection outlives a call,
so the CLI can ingest or score while this page is open.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from analysis.errors import NarrativeError
from analysis.store import resolve_db_path
from ui import pages, sidebar, state, urlstate
from ui.labels import t
from ui.markup import escape_markdown

# The page files live in the ui package, so the installed entry (ui/_entry/app.py) finds them too.
PAGES_DIR = Path(pages.__file__).resolve().parent / "app_pages"


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
    st.session_state[pages.CONTROLS_KEY] = controls
    navigation = st.navigation(
        [st.Page(PAGES_DIR / f"{name}.py", title=t("page_" + name, lang), icon=icon, url_path=name,
                 default=name == "overview") for name, icon in pages.PAGES.items()],
        position="top",
    )  # fmt: skip
    st.title(t("title", lang))
    st.caption(t("subtitle", lang, ticker=controls.ticker))
    navigation.run()
    view = controls.view
    urlstate.write(date_from=view.date_from, date_to=view.date_to,
                   full_range=(controls.facets["date_min"], controls.facets["date_max"]))  # fmt: skip
    state.follow_job(controls.run_box, lang)


# Streamlit runs this file as __main__; a scoring worker process (forkserver/spawn) re-imports the parent's main
# module as __mp_main__, and must not draw (and open the database) again.
if __name__ == "__main__":
    main()
