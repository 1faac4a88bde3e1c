"""The evidence as sentences: the most bullish and most bearish sentences in range, each one click from its
article; and the opened article's sentence strip, where a click on a bar highlights that sentence in the text."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from ui import charts, state
from ui.labels import label_name, t
from ui.markup import escape_markdown, evidence_legend_html
from ui.render import show_chart
from ui.sidebar import Controls

TOP_N = 5
PICKED_KEY = "picked_sentence"  # {"article": id, "index": n}: the sentence clicked in the strip
STRIP_KEY = "sentence_strip"  # the strip chart's widget key, per article (a new article starts unselected)


def strip_key(article_id: str) -> str:
    return f"{STRIP_KEY}_{article_id}"


def picked_sentence(article_id: str, sentences: pd.DataFrame) -> pd.Series | None:
    """The opened article's sentence clicked in the strip (its row: index, start, end, tone...), else None."""
    picked = st.session_state.get(PICKED_KEY)
    if not isinstance(picked, dict) or picked.get("article") != article_id or sentences.empty:
        return None
    row = sentences[sentences["index"] == picked.get("index")]
    return None if row.empty else row.iloc[0]


def _on_strip_click(article_id: str) -> None:
    """The strip's selection, read when it changes, kept as the picked sentence (an empty click clears it)."""
    event = st.session_state.get(strip_key(article_id))
    selection = getattr(event, "selection", None) or (event or {}).get("selection") or {}
    points = selection.get(charts.SENTENCE_PICK) or []
    index = next((p.get("index") for p in points if isinstance(p, dict) and p.get("index") is not None), None)
    if index is None:
        st.session_state.pop(PICKED_KEY, None)
    else:
        st.session_state[PICKED_KEY] = {"article": article_id, "index": int(index)}


def legend(controls: Controls) -> None:
    """What each colour of the article view means (the strip, frame phrases, tone words, the picked sentence)."""
    st.html(evidence_legend_html(controls.lang, search=bool(controls.view.search)))


def strip(controls: Controls, article_id: str, sentences: pd.DataFrame) -> None:
    """The sentence strip of the opened article; a click on a bar reruns with that sentence highlighted."""
    lang = controls.lang
    picked = picked_sentence(article_id, sentences)
    chart = charts.sentence_strip_chart(
        sentences, lang=lang, selected=None if picked is None else int(picked["index"])
    )
    show_chart(chart, on_select=lambda: _on_strip_click(article_id), key=strip_key(article_id),
               selection_mode=[charts.SENTENCE_PICK])  # fmt: skip
    if sentences.empty:
        return
    if picked is None:
        st.caption(t("strip_hint", lang))
    else:
        said = t("picked_sentence", lang, n=int(picked["index"]), tone=f"{float(picked['tone']):+.2f}",
                 label=label_name(picked["label"], lang))  # fmt: skip
        st.caption(f"{said} · {escape_markdown(str(picked['text']).strip()[:200])}")


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
