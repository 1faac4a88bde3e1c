"""Article explorer: a sortable table, a picker, and the detail of one article with its evidence."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analysis import charts
from analysis.dashboard import (
    basis_name,
    escape_markdown,
    explorer_table,
    finance_vs_snownlp,
    frame_name,
    highlight_evidence,
    label_name,
    language_name,
    picker_ids,
    t,
)
from app_pages import state
from app_pages.render import show_chart
from app_pages.sidebar import Controls

MAX_PICKER = 1000
TABLE_KEY = "articles_table"


def render(controls: Controls, articles: pd.DataFrame) -> None:
    lang = controls.lang
    st.subheader(t("explorer", lang))
    table = explorer_table(articles, lang)
    event = st.dataframe(
        table, hide_index=True, width="stretch", height=min(38 + 35 * len(table), 320),
        on_select="rerun", selection_mode="single-row", key=TABLE_KEY,
        column_config={
            "date": st.column_config.DateColumn(_col("date", lang)),
            "date_basis": st.column_config.TextColumn(_col("date_basis", lang)),
            "outlet": st.column_config.TextColumn(_col("outlet", lang)),
            "title": st.column_config.TextColumn(_col("title", lang), width="medium"),
            "tone": st.column_config.NumberColumn(_col("tone", lang), format="%+.2f"),
            "label": st.column_config.TextColumn(_col("label", lang)),
            "frames": st.column_config.TextColumn(_col("frames", lang)),
            "article_id": st.column_config.TextColumn("id", width="small"),
        },
    )  # fmt: skip
    rows = list(event.selection.rows) if event is not None and hasattr(event, "selection") else []
    # Like the chart, a table row selection persists: only a newly clicked row moves the picker.
    if rows and rows != st.session_state.get("_table_rows_seen") and rows[0] < len(table):
        st.session_state[state.ARTICLE_KEY] = table["article_id"].iloc[rows[0]]
    st.session_state["_table_rows_seen"] = rows

    current = st.session_state.get(state.ARTICLE_KEY)
    ids = picker_ids(articles, limit=MAX_PICKER, keep=current)
    if current not in ids:
        st.session_state.pop(state.ARTICLE_KEY, None)
    if len(articles) > MAX_PICKER:
        st.caption(t("too_many", lang, shown=MAX_PICKER, total=len(articles)))
    titles = _titles(articles, ids)
    article_id = st.selectbox(t("pick_article", lang), ids, key=state.ARTICLE_KEY,
                              format_func=lambda i: titles.get(i, i))  # fmt: skip
    if article_id:
        detail(controls, article_id)


def _titles(articles: pd.DataFrame, ids: list[str]) -> dict[str, str]:
    """'date · outlet · title' for the picker's options only (the table may hold far more articles)."""
    rows = articles[articles["article_id"].isin(set(ids))]
    labels = {}
    for row in rows.itertuples(index=False):
        day = pd.Timestamp(row.date).strftime("%Y-%m-%d") if pd.notna(row.date) else "?"
        title = row.title if isinstance(row.title, str) and row.title else row.article_id
        outlet = row.source if isinstance(row.source, str) and row.source else "?"
        labels[row.article_id] = f"{day} · {outlet} · {title}"[:140]
    return labels


def detail(controls: Controls, article_id: str) -> None:
    """Cleaned text with evidence marked, the sentence strip, both tones, and the stated prices checked."""
    lang = controls.lang
    data = state.article_detail(controls.db, controls.ticker, controls.view.run_id, article_id)
    article = data["article"]
    if article is None:
        st.info(t("empty_filter", lang))
        return
    scored = data["sentences"]
    st.markdown(f"#### {escape_markdown(article.get('title') or article_id)}")
    st.caption(" · ".join(escape_markdown(part) for part in _meta(article, lang)))
    text_column, side = st.columns([3, 2])
    with text_column:
        st.markdown(f"**{t('evidence', lang)}**")
        with st.container(height=460):
            # The only unsafe_allow_html in the app: markup built from html.escape'd text pieces only.
            st.markdown(highlight_evidence(article["text"], data["evidence"]), unsafe_allow_html=True)
    with side:
        tone, snownlp = _article_tones(controls, article_id)
        left, right = st.columns(2)
        left.metric(t("finance_tone", lang), "—" if tone is None else f"{tone:+.2f}", border=True)
        right.metric(t("snownlp_tone", lang), "—" if snownlp is None else f"{snownlp:+.2f}", border=True,
                     help=t("snownlp_help", lang))  # fmt: skip
        st.markdown(f"**{t('sentences', lang)}**")
        show_chart(charts.sentence_strip_chart(scored, lang=lang))
        frames = _frames_of(data["evidence"], lang)
        if frames:
            st.caption(escape_markdown(", ".join(frames)))
        st.markdown(f"**{t('price_mentions', lang)}**")
        own = data["mentions"]
        if own is None or own.empty:
            st.caption(t("no_mentions", lang))
        else:
            columns = [c for c in ("date", "kind", "price", "trade_date", "close", "matched", "sentence")
                       if c in own.columns]  # fmt: skip
            shown = own[columns].copy()
            for column in ("date", "trade_date"):
                if column in shown:
                    shown[column] = pd.to_datetime(shown[column]).dt.date
            st.dataframe(shown, hide_index=True, width="stretch", column_config={
                "price": st.column_config.NumberColumn(format="%.2f"),
                "close": st.column_config.NumberColumn(format="%.2f"),
                "sentence": st.column_config.TextColumn(width="large"),
            })  # fmt: skip


def _meta(article: dict, lang: str) -> list[str]:
    published = article.get("published") or article.get("published_from")
    day = str(published) if published else "?"
    basis = basis_name(article.get("published_basis"), lang)
    if article.get("published") is None and article.get("published_from") is not None:
        day = f"{article['published_from']}…{article['published_to']}"
    parts = [
        f"{day} ({basis})",
        article.get("source") or "?",
        language_name(article.get("language") or "", lang),
    ]
    if article.get("url"):
        parts.append(str(article["url"])[:120])
    return parts


def _article_tones(controls: Controls, article_id: str) -> tuple[float | None, float | None]:
    frames = state.view_frames(controls.view)["articles"]
    row = frames[frames["article_id"] == article_id]
    if row.empty:
        return None, None
    return finance_vs_snownlp(row["tone"].iloc[0], row["snownlp"].iloc[0])


def _frames_of(evidence: pd.DataFrame, lang: str) -> list[str]:
    if evidence.empty:
        return []
    live = evidence[~evidence["negated"].astype(bool)] if "negated" in evidence else evidence
    counts = live.groupby(["frame", "polarity"]).size().sort_values(ascending=False)
    return [
        f"{frame_name(frame)} ({label_name(polarity, lang)}) ×{n}" for (frame, polarity), n in counts.items()
    ]


_COLUMNS = {
    "date": ("Date", "日期"), "date_basis": ("Date basis", "日期依据"), "outlet": ("Outlet", "媒体"),
    "title": ("Title", "标题"), "tone": ("Tone", "情绪"), "label": ("Label", "标签"), "frames": ("Frames", "框架"),
}  # fmt: skip


def _col(name: str, lang: str) -> str:
    english, chinese = _COLUMNS[name]
    return chinese if lang == "zh" else english
