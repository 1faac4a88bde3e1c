"""Data in and out: upload articles (ingested, then scored), upload a price CSV, download the filtered scores."""

from __future__ import annotations

from functools import partial

import streamlit as st

from analysis.errors import NarrativeError, PriceLevelError
from analysis.price_import import undo_price_import
from analysis.store import Store
from analysis.views import ViewData, filtered_articles_csv, import_price_upload, upload_rows
from ui import live, state
from ui.labels import t
from ui.markup import escape_markdown
from ui.sidebar import Controls

ARTICLE_TYPES = ["txt", "md", "html", "htm", "jsonl", "csv"]
PRICE_REPORT_KEY = "price_report"


def render(controls: Controls, data: ViewData | None) -> None:
    lang = controls.lang
    st.subheader(t("data", lang))
    uploads, prices, download = st.columns(3)
    with uploads:
        _article_uploads(controls)
    with prices:
        _price_upload(controls)
    with download:
        view = controls.view
        span = f"{view.date_from or 'start'}_{view.date_to or 'end'}"
        total = data.n_articles if data is not None else 0
        # A callable: the CSV of every filtered article is read and written only when the button is clicked.
        st.download_button(
            t("download", lang), data=partial(filtered_articles_csv, Store(controls.db), view.filters),
            file_name=f"narrative_{controls.ticker}_{span}.csv", mime="text/csv", key="download",
            disabled=total == 0, width="stretch",
        )  # fmt: skip
        st.caption(t("n_articles", lang, n=total))
    live.render_data_section(controls)  # live coverage: last update round, alerts, sources (ui/live.py)


def _article_uploads(controls: Controls) -> None:
    lang = controls.lang
    files = st.file_uploader(t("upload_articles", lang), type=ARTICLE_TYPES, accept_multiple_files=True,
                             key="upload_articles")  # fmt: skip
    job = state.current_job()
    busy = job is not None and job.alive
    if st.button(t("ingest", lang), key="ingest", disabled=not files or busy):
        # Bytes go straight to the library: nothing is written under the user's file name.
        state.start_job(controls.db, controls.ticker, force=False,
                        uploads=[(f.name, f.getvalue()) for f in files])  # fmt: skip
    report = st.session_state.get(state.UPLOAD_KEY)
    if report is not None:
        line = t("ingest_done", lang, files=report.files, added=len(report.added), stored=len(report.already_stored),
                 rejected=len(report.problems))  # fmt: skip
        (st.warning if report.problems else st.success)(line)
        rows = upload_rows(report)
        if len(rows):
            st.dataframe(rows, hide_index=True, width="stretch")  # a table: names shown as text


def _price_upload(controls: Controls) -> None:
    lang = controls.lang
    upload = st.file_uploader(t("upload_prices", lang), type=["csv"], key="upload_prices")
    ticker = st.text_input(t("price_ticker", lang), value=controls.ticker, key="price_ticker", max_chars=20)
    report = st.session_state.get(PRICE_REPORT_KEY)
    # Offered only after a level refusal: importing another level is a decision the user confirms.
    accept_level = (
        report is not None
        and report[0] == "level"
        and st.checkbox(t("price_confirm_level", lang), key="price_confirm_level")
    )
    if st.button(t("import_prices", lang), key="import_prices", disabled=upload is None):
        try:
            rows, warnings = import_price_upload(Store(controls.db), upload.getvalue(), name=upload.name,
                                                 ticker=ticker, accept_level=accept_level)  # fmt: skip
        except PriceLevelError as exc:
            st.session_state[PRICE_REPORT_KEY] = ("level", str(exc), [])
        except NarrativeError as exc:
            st.session_state[PRICE_REPORT_KEY] = ("error", str(exc), [])
        else:
            st.session_state[PRICE_REPORT_KEY] = ("success", t("imported_prices", lang, rows=rows,
                                                               ticker=ticker.strip()), warnings)  # fmt: skip
            state.clear_caches()
        st.rerun()
    if st.button(t("price_undo", lang), key="price_undo"):
        try:
            line = undo_price_import(Store(controls.db), ticker=ticker.strip() or None)
        except NarrativeError:
            st.session_state[PRICE_REPORT_KEY] = ("info", t("price_nothing_to_undo", lang, ticker=ticker), [])
        else:
            st.session_state[PRICE_REPORT_KEY] = ("success", line, [])
            state.clear_caches()
        st.rerun()
    if report is not None:
        kind, message, warnings = report
        show = {"success": st.success, "info": st.info}.get(kind, st.error)
        show(escape_markdown(message))
        for warning in warnings:
            st.warning(escape_markdown(warning))
