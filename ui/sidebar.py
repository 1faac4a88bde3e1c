"""The sidebar: UI language, filters, what to plot, and the scoring run controls."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from analysis.companies import benchmark_for, load_tickers
from analysis.outlets import load_outlets, outlets_version
from analysis.store import Store
from analysis.views import PRESETS, chosen, date_range_bounds, preset_range
from ui import state, urlstate
from ui.labels import TEXT, UI_LANG_NAMES, frame_name, language_name, t
from ui.markup import escape_markdown

RESET_DATES = state.RESET_DATES


@dataclass
class Controls:
    """Everything the sidebar decided for this script run."""

    lang: str
    db: str
    ticker: str
    benchmark: str
    run: object  # RunInfo | None
    n_articles: int
    price_key: tuple
    view: state.View
    facets: dict
    tone_field: str
    color_by: str
    freq: str
    run_box: object
    raw_daily: bool = False  # a sidebar container the running job reports into


# Widgets whose option labels depend on the UI language: the browser matches the chosen option by its label, so
# after a language switch their values are handed back explicitly or the page would show nothing chosen.
LANGUAGE_DEPENDENT_KEYS = ("languages", "frames", "tone_field", "color_by", "freq")


def _keep_language_dependent_choices() -> None:
    for key in LANGUAGE_DEPENDENT_KEYS:
        if key in st.session_state:
            st.session_state[key] = st.session_state[key]


def ui_language() -> str:
    urlstate.restore()  # a shared link's view, before any widget is drawn
    lang = st.sidebar.radio(
        TEXT["ui_lang"][0],
        list(UI_LANG_NAMES),
        format_func=UI_LANG_NAMES.get,
        key="ui_lang",
        horizontal=True,
        on_change=_keep_language_dependent_choices,
    )
    return lang or "en"


def render(db: str, lang: str) -> Controls:
    """Draw the sidebar and return the choices; reads three facts from the store, the rest is cached."""
    sidebar = st.sidebar
    with Store(db).reading() as store:  # one connection for the reads every rerun makes
        price_key = state.price_key(store)
        price_tickers = [row[0] for row in price_key]
        tickers = load_tickers(price_tickers)  # never empty: companies.toml has at least one company
        if st.session_state.get("ticker") not in tickers:  # e.g. a link naming a company this database lacks
            st.session_state.pop("ticker", None)
        sidebar.header(t("filters", lang))
        ticker = sidebar.selectbox(t("ticker", lang), list(tickers), format_func=tickers.get, key="ticker")
        run = store.current_run(ticker)
        n_articles = store.article_count()
    outlets = outlets_version()  # an edited outlets.toml is a new cache key for every read that names outlets
    facets = state.facets(db, ticker, run.run_id if run else None, n_articles, outlets)

    date_from = date_to = None
    if facets["date_min"] is not None:
        extent = (facets["date_min"], facets["date_max"])
        if st.session_state.pop(RESET_DATES, False):
            # New articles: the range widens to hold them. Set, not pop: a popped key leaves the browser's old
            # range in the widget, and the next click would drop the new articles again (#12.1).
            st.session_state["date_range"] = extent
            st.session_state.pop("preset", None)
        elif st.session_state.get("preset"):  # a preset (also from a link) sets the range it names
            st.session_state["date_range"] = preset_range(st.session_state["preset"], *extent)
        sidebar.segmented_control(t("preset", lang), list(PRESETS), key="preset",
                                  format_func=lambda p: t("preset_" + p, lang))  # fmt: skip
        if "date_range" not in st.session_state:
            st.session_state["date_range"] = extent
        # No default value beside the session value: the range is always the session's (link, preset, upload).
        value = sidebar.date_input(t("date_range", lang), key="date_range", on_change=_range_edited)
        date_from, date_to = date_range_bounds(value)
    search = sidebar.text_input(t("search", lang), key="search", max_chars=200,
                                placeholder=t("search_hint", lang)).strip() or None  # fmt: skip
    _as_outlets("sources", facets["sources"])
    sources = _multiselect(sidebar, "sources", facets["sources"], lang, format_func=str)
    languages = _multiselect(sidebar, "languages", facets["languages"], lang,
                             format_func=lambda code: language_name(code, lang))  # fmt: skip
    frames = _multiselect(
        sidebar, "frames", facets["frames"], lang, format_func=lambda f: frame_name(f, lang)
    )

    tone_labels = {"tone": t("tone_finance", lang), "snownlp": t("tone_snownlp", lang)}
    tone_field = sidebar.radio(t("tone_field", lang), list(tone_labels), format_func=tone_labels.get,
                               key="tone_field")  # fmt: skip
    color_labels = {"label": t("color_label", lang), "dominant_frame": t("color_frame", lang)}
    color_by = sidebar.radio(t("color_by", lang), list(color_labels), format_func=color_labels.get,
                             key="color_by", horizontal=True)  # fmt: skip
    freq_labels = {"W": t("freq_W", lang), "M": t("freq_M", lang)}
    freq = sidebar.radio(t("freq", lang), list(freq_labels), format_func=freq_labels.get, key="freq",
                         horizontal=True)  # fmt: skip

    raw_daily = sidebar.checkbox(t("raw_daily", lang), key="raw_daily", help=t("raw_daily_help", lang))
    view = state.View(db=db, ticker=ticker, run_id=run.run_id if run else None, date_from=date_from,
                      date_to=date_to, sources=sources, languages=languages, frames=frames,
                      search=search, outlets=outlets)  # fmt: skip
    run_box = _scoring_controls(sidebar, db, ticker, run, lang)
    return Controls(lang=lang, db=db, ticker=ticker, benchmark=benchmark_for(ticker, price_tickers), run=run,
                    n_articles=n_articles, price_key=price_key, view=view, facets=facets,
                    tone_field=tone_field or "tone", color_by=color_by or "label", freq=freq or "W",
                    run_box=run_box, raw_daily=bool(raw_daily))  # fmt: skip


def _range_edited() -> None:
    """A range picked by hand is no longer the preset's."""
    st.session_state["preset"] = None


def _as_outlets(key: str, offered: list[str]) -> None:
    """Outlets chosen by any spelling (a link naming '路透社' or '極客公園') as the outlet's option."""
    if st.session_state.get(key):
        outlets = load_outlets()
        by_key = {outlets.key(option): option for option in offered}
        st.session_state[key] = list(
            dict.fromkeys(by_key.get(outlets.key(v), v) for v in st.session_state[key])
        )


def _multiselect(sidebar, key: str, offered: list[str], lang: str, *, format_func) -> tuple[str, ...] | None:
    if key in st.session_state:  # outlets etc. can disappear after a rerun: keep only what is still offered
        st.session_state[key] = [v for v in st.session_state[key] if v in offered]
    values = sidebar.multiselect(t(key, lang), offered, key=key, format_func=format_func,
                                 placeholder=t("all", lang))  # fmt: skip
    return chosen(values, offered)


def _scoring_controls(sidebar, db: str, ticker: str, run, lang: str):
    sidebar.divider()
    sidebar.header(t("scoring", lang))
    if run is not None:
        finished = f"{run.finished_at:%Y-%m-%d %H:%M}" if run.finished_at else "?"
        sidebar.caption(escape_markdown(f"#{run.run_id} · {run.scorer} {run.version} · {finished}"))
    job = state.current_job()
    busy = job is not None and job.alive
    # snownlp is most of a large run's time: the rerun can leave it out.
    snownlp = sidebar.checkbox(t("rerun_snownlp", lang), value=True, key="rerun_snownlp", disabled=busy)
    sidebar.button(t("rerun", lang), key="rerun", help=t("rerun_help", lang), disabled=busy, type="primary",
                   on_click=state.start_job, args=(db, ticker), kwargs={"force": True, "use_snownlp": snownlp},
                   width="stretch")  # fmt: skip
    run_box = sidebar.container()
    outcome = st.session_state.get(state.OUTCOME_KEY)
    if outcome and not busy:
        kind, message = outcome
        # The message's variable parts were escaped when it was recorded (state.follow_job).
        {"success": sidebar.success, "info": sidebar.info, "error": sidebar.error}[kind](message)
    return run_box
