"""The evidence as sentences: the most bullish and most bearish sentences in range, each one click from its
article."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from ui import state
from ui.labels import t
from ui.markup import escape_markdown
from ui.sidebar import Controls

TOP_N = 5


def _open(article_id: str) -> None:
    st.session_state[state.ARTICLE_KEY] = article_id


def render(controls: Controls) -> None:
    """Two columns: the strongest bullish and bearish sentences, with date · outlet and an Open button."""
    lang = controls.lang
    st.subheader(t("top_sentences", lang))
    for column, bullish in zip(st.columns(2), (True, False), strict=True):
        rows = state.top_sentences(controls.view, bullish=bullish, limit=TOP_N)
        side = "bullish" if bullish else "bearish"
        with column:
            st.markdown(f"**{t('top_' + side, lang)}**")
            if rows.empty:
                st.caption(t("no_sentences", lang))
            for i, row in enumerate(rows.itertuples(index=False)):
                day = pd.Timestamp(row.date).strftime("%Y-%m-%d") if pd.notna(row.date) else "?"
                outlet = row.source if isinstance(row.source, str) else "?"
                st.markdown(f"{float(row.tone):+.2f} · {escape_markdown(str(row.text).strip())}")
                left, right = st.columns([4, 1])
                left.caption(escape_markdown(f"{day} · {outlet} · {row.title or ''}"[:160]))
                right.button(t("open_article", lang), key=f"open_{side}_{i}", on_click=_open,
                             args=(row.article_id,))  # fmt: skip
