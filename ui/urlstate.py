"""Every view is a link: the filters, company, tone signal, search and opened article live in the URL.

On a session's first run the query parameters seed the widgets' values (each checked, an unknown value is
dropped); after every run the chosen values are written back, so the address bar always reopens this view.
"""

from __future__ import annotations

from datetime import date

import streamlit as st

from analysis.views import DEFAULT_SORT, PRESETS, SORTS
from ui.labels import UI_LANG_NAMES

RESTORED_KEY = "_url_restored"
# Widget keys kept in the URL as one value each; lists are repeated parameters (?source=a&source=b).
SCALARS = (
    "ticker",
    "tone_field",
    "color_by",
    "freq",
    "ui_lang",
    "search",
    "preset",
    "article",
    "explorer_sort",
)
LISTS = {"sources": "source", "languages": "language", "frames": "frame", "compare": "compare"}
CHOICES = {
    "tone_field": ("tone", "snownlp"),
    "color_by": ("label", "dominant_frame"),
    "freq": ("W", "M"),
    "ui_lang": tuple(UI_LANG_NAMES),
    "preset": PRESETS,
    "explorer_sort": SORTS,
}
DEFAULTS = {
    "tone_field": "tone",
    "color_by": "label",
    "freq": "W",
    "ui_lang": "en",
    "explorer_sort": DEFAULT_SORT,
}


def restore() -> None:
    """Seed session state from the URL once per session (before any widget is drawn)."""
    if st.session_state.get(RESTORED_KEY):
        return
    st.session_state[RESTORED_KEY] = True
    params = st.query_params
    for key in SCALARS:
        value = params.get(key)
        if value is None or (key in CHOICES and value not in CHOICES[key]):
            continue
        st.session_state[key] = value[:200]
    for key, name in LISTS.items():
        values = params.get_all(name)
        if values:
            st.session_state[key] = [v[:200] for v in values]
    start, end = _day(params.get("from")), _day(params.get("to"))
    if start and end and start <= end:
        st.session_state["date_range"] = (start, end)
        st.session_state.pop("preset", None)  # an explicit range wins over a preset


def _day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def write(*, date_from: date | None, date_to: date | None, full_range: tuple | None) -> None:
    """Write the chosen view into the URL (only what differs from the defaults)."""
    state = st.session_state
    wanted: dict[str, str | list[str]] = {}
    for key in SCALARS:
        value = state.get(key)
        if value not in (None, "") and value != DEFAULTS.get(key):
            wanted[key] = str(value)
    for key, name in LISTS.items():
        values = state.get(key) or []
        if values:
            wanted[name] = [str(v) for v in values]
    if (
        date_from
        and date_to
        and full_range
        and (date_from, date_to) != tuple(full_range)
        and not state.get("preset")
    ):
        wanted["from"], wanted["to"] = date_from.isoformat(), date_to.isoformat()
    current = {key: (st.query_params.get_all(key) if key in LISTS.values() else st.query_params.get(key))
               for key in st.query_params}  # fmt: skip
    if current != wanted:
        st.query_params.from_dict(wanted)
