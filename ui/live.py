"""Live coverage on the dashboard: the last update round, the followed sources (editable), the alerts, and the
emerging narratives with the action that makes one a frame. Everything shown comes from the library."""

from __future__ import annotations

import streamlit as st

from analysis.errors import NarrativeError
from analysis.fetch.sources import read_sources_text, save_sources_text, sources_file
from analysis.narrative.emerging import emerging_narratives
from analysis.narrative.frame_action import add_frame, frame_name_for
from analysis.store import ArticleFilter, Store
from analysis.views.live import alerts_table, emerging_table, last_round
from ui import state
from ui.labels import t
from ui.markup import escape_markdown
from ui.sidebar import Controls

SOURCES_KEY = "sources_toml"
SAVED_KEY = "_sources_saved"


@st.cache_data(**state.CACHE)
def _emerging(db: str, filters: ArticleFilter, run_id: int | None) -> list[dict]:
    """Cached per filters and run: reading every story's text is the costly part."""
    return emerging_narratives(Store(db), filters)


def render_data_section(controls: Controls) -> None:
    """The Data page's live part: last round, alerts, sources editor."""
    lang = controls.lang
    store = Store(controls.db)
    st.subheader(t("live_title", lang))
    latest = last_round(store)
    if latest is None:
        st.info(t("live_never", lang))
    else:
        started = f"{latest['started_at']:%Y-%m-%d %H:%M}"
        line = t("live_last", lang, round_id=latest["round_id"], status=latest["status"], started=started,
                 added=latest["added"])  # fmt: skip
        (st.warning if latest["failed_sources"] else st.success)(escape_markdown(line))
        if latest["failed_sources"]:
            st.caption(escape_markdown(t("live_failed", lang, names=", ".join(latest["failed_sources"]))))
        if len(latest["sources"]):
            st.dataframe(latest["sources"], hide_index=True, width="stretch")
    _alerts(controls, store)
    _sources_editor(controls)


def _alerts(controls: Controls, store: Store) -> None:
    lang = controls.lang
    st.markdown(f"**{t('alerts_title', lang)}**")
    table = alerts_table(store, ticker=controls.ticker)
    if table.empty:
        st.caption(t("alerts_none", lang))
    else:
        st.dataframe(table, hide_index=True, width="stretch")  # a table: article text is never markup


def _sources_editor(controls: Controls) -> None:
    lang = controls.lang
    with st.expander(t("live_sources", lang, file=sources_file().name)):
        text = st.text_area(t("live_sources", lang, file=sources_file().name), value=read_sources_text(),
                            height=300, key=SOURCES_KEY, label_visibility="collapsed")  # fmt: skip
        if st.button(t("live_sources_save", lang), key="save_sources"):
            try:
                sources = save_sources_text(text)
            except NarrativeError as exc:
                st.error(escape_markdown(str(exc)))
            else:
                st.success(
                    t("live_sources_saved", lang, n=len(sources), enabled=sum(s.enabled for s in sources))
                )


def render_emerging(controls: Controls) -> None:
    """The overview's emerging narratives, with 'make it a frame' (then the store is rescored in the background)."""
    lang = controls.lang
    st.subheader(t("emerging_title", lang))
    st.caption(t("emerging_help", lang))
    rows = _emerging(controls.db, controls.view.filters, controls.run.run_id if controls.run else None)
    if not rows:
        st.caption(t("emerging_none", lang))
        return
    st.dataframe(emerging_table(rows), hide_index=True, width="stretch")
    phrases = [row["phrase"] for row in rows]
    pick, name, polarity, make = st.columns([3, 2, 2, 2], vertical_alignment="bottom")
    phrase = pick.selectbox(t("emerging_pick", lang), phrases, key="emerging_pick")
    frame = name.text_input(t("emerging_name", lang), value=frame_name_for(phrase or ""), key="emerging_name")
    chosen = polarity.selectbox(t("emerging_polarity", lang), ["context", "bearish", "bullish"],
                                key="emerging_polarity")  # fmt: skip
    job = state.current_job()
    if make.button(t("emerging_make", lang), key="make_frame", disabled=job is not None and job.alive):
        try:
            added, path = add_frame(phrase, name=frame or None, polarity=chosen)
        except NarrativeError as exc:
            st.error(escape_markdown(str(exc)))
            return
        st.success(escape_markdown(t("emerging_made", lang, frame=added, file=path.name)))
        state.start_job(
            controls.db, controls.ticker, force=False
        )  # frames.toml changed: every article rescored
