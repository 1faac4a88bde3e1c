"""Article explorer: a sortable table, a picker, and the detail of one article with its evidence."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analysis.csv_guard import guard_frame
from analysis.views import DEFAULT_SORT, SORTS, ViewData, finance_vs_snownlp, picker_ids
from ui import corrections, sentences, state
from ui.labels import basis_name, frame_name, label_name, language_name, named_frames, t
from ui.markup import article_header_html, escape_markdown, highlight_evidence, search_spans
from ui.sidebar import Controls
from ui.tables import explorer_table, with_outlet_names

TABLE_KEY = "articles_table"
PAGE_KEY = "explorer_page"
SORT_KEY = "explorer_sort"


def requested_page() -> int:
    """The explorer page the user asked for (from 0): read before the view, which reads that page only."""
    value = st.session_state.get(PAGE_KEY, 1)
    return max(0, int(value) - 1) if isinstance(value, int | float) else 0


def requested_sort() -> str:
    """The explorer's sort (SORTS; newest first unless chosen): read before the view, which sorts in DuckDB."""
    value = st.session_state.get(SORT_KEY)
    return value if value in SORTS else DEFAULT_SORT


def _sort_changed() -> None:
    """A new sort starts on its first page: page 3 of another order is no place to land."""
    st.session_state[PAGE_KEY] = 1


def _sort_control(lang: str) -> None:
    """The sort of the whole filtered table (the first option, newest first, is the default)."""
    st.selectbox(t("explorer_sort", lang), list(SORTS), key=SORT_KEY, on_change=_sort_changed,
                 format_func=lambda sort: t("sort_" + sort, lang))  # fmt: skip


def render(controls: Controls, data: ViewData) -> None:
    lang = controls.lang
    st.subheader(t("explorer", lang))
    _sort_control(lang)
    outlets = controls.facets.get("outlet_names")
    table = explorer_table(data.page, lang, outlets)
    total = data.n_articles
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
    if total > len(table):
        _pager(data, lang)
    rows = list(event.selection.rows) if event is not None and hasattr(event, "selection") else []
    # Like the chart, a table row selection persists: only a newly clicked row moves the picker.
    if rows and rows != st.session_state.get("_table_rows_seen") and rows[0] < len(table):
        st.session_state[state.ARTICLE_KEY] = table["article_id"].iloc[rows[0]]
    st.session_state["_table_rows_seen"] = rows

    current = st.session_state.get(state.ARTICLE_KEY)
    choices = _picker_rows(controls, data, current)
    ids = picker_ids(choices, limit=data.picker_rows, keep=current)
    if current not in ids:
        # Set, not pop: a popped key leaves the browser showing the old choice above another's detail (#12.6).
        st.session_state[state.ARTICLE_KEY] = ids[0] if ids else None
    if total > data.picker_rows:
        st.caption(t("too_many", lang, shown=data.picker_rows, total=total))
    titles = _titles(with_outlet_names(choices, outlets), ids)
    article_id = st.selectbox(t("pick_article", lang), ids, key=state.ARTICLE_KEY,
                              format_func=lambda i: titles.get(i, i))  # fmt: skip
    if article_id:
        detail(controls, article_id)


def _pager(data: ViewData, lang: str) -> None:
    """Rows a–b of n, and the page number (the table holds one page; the filters narrow it)."""
    first = data.page_number * data.page_rows + 1
    last = first + len(data.page) - 1
    if st.session_state.get(PAGE_KEY) != data.page_number + 1:
        st.session_state[PAGE_KEY] = data.page_number + 1  # clamped by the view: the filters shrank the table
    left, right = st.columns([3, 1])
    left.caption(t("table_page", lang, first=f"{first:,}", last=f"{last:,}", total=f"{data.n_articles:,}"))
    right.number_input(t("page", lang), min_value=1, max_value=data.n_pages, step=1, key=PAGE_KEY)


def _picker_rows(controls: Controls, data: ViewData, current: str | None) -> pd.DataFrame:
    """The newest articles, plus the open article's row when it is under the filters but not among them."""
    rows = data.picker
    if not current or current in set(rows["article_id"]):
        return rows
    known = pd.concat([data.page, data.points], ignore_index=True)
    found = known[known["article_id"] == current].head(1)
    if found.empty:
        found = state.article_row(controls.view, current)
    return pd.concat([rows, found], ignore_index=True) if len(found) else rows


def _titles(articles: pd.DataFrame, ids: list[str]) -> dict[str, str]:
    """'date · outlet · title' for the picker's options only."""
    rows = articles[articles["article_id"].isin(set(ids))]
    labels = {}
    for row in rows.itertuples(index=False):
        day = pd.Timestamp(row.date).strftime("%Y-%m-%d") if pd.notna(row.date) else "?"
        title = row.title if isinstance(row.title, str) and row.title else row.article_id
        outlet = row.source if isinstance(row.source, str) and row.source else "?"
        labels[row.article_id] = f"{day} · {outlet} · {title}"[:140]
    return labels


def detail(controls: Controls, article_id: str) -> None:
    """Cleaned text with evidence marked, the sentence strip, both tones, the stated prices checked, and the
    controls that correct the article's and its sentences' labels."""
    lang = controls.lang
    data = state.article_detail(controls.db, controls.ticker, controls.view.run_id, article_id)
    article = data["article"]
    if article is None:
        st.info(t("empty_filter", lang))
        return
    scored = data["sentences"]
    # Title, outlet and text are the article's own words: shown through st.html as escaped text, never as
    # Markdown (no live links, images or strike-through from the text); the one link is the article's URL.
    outlets = controls.facets.get("outlet_names") or {}
    meta = _meta(article, lang, outlets)
    st.html(article_header_html(article.get("title") or article_id, meta, article.get("url")))
    text_column, side = st.columns([3, 2])
    with text_column:
        st.markdown(f"**{t('evidence', lang)}**")
        with st.container(height=460):
            # Markup built from html.escape'd text pieces only, through st.html: no Markdown pass at all.
            # Frame evidence first (it wins where the two overlap), then the words that carried the tone.
            # Search hits first: they are what the analyst asked to see.
            hits = search_spans(
                article["text"], controls.view.search, simplified=article.get("text_simplified")
            )
            marks = pd.concat([hits, named_frames(data["evidence"], lang), data["tone_evidence"]],
                              ignore_index=True)  # fmt: skip
            picked = sentences.picked_sentence(article_id, scored)  # clicked in the strip: highlighted
            around = None if picked is None else (int(picked["start"]), int(picked["end"]))
            st.html(highlight_evidence(article["text"], marks, lang, sentence=around))
        sentences.legend(controls)
    with side:
        tone, snownlp = _article_tones(data.get("score"))
        left, right = st.columns(2)
        left.metric(t("finance_tone", lang), "—" if tone is None else f"{tone:+.2f}", border=True)
        right.metric(t("snownlp_tone", lang), "—" if snownlp is None else f"{snownlp:+.2f}", border=True,
                     help=t("snownlp_help", lang))  # fmt: skip
        st.markdown(f"**{t('sentences', lang)}**")
        sentences.strip(controls, article_id, scored)
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
            shown = guard_frame(own[columns])  # its toolbar downloads a CSV: formulas defused
            for column in ("date", "trade_date"):
                if column in shown:
                    shown[column] = pd.to_datetime(shown[column]).dt.date
            st.dataframe(shown, hide_index=True, width="stretch", column_config={
                "price": st.column_config.NumberColumn(format="%.2f"),
                "close": st.column_config.NumberColumn(format="%.2f"),
                "sentence": st.column_config.TextColumn(width="large"),
            })  # fmt: skip
    corrections.status_caption(controls)
    corrections.render(controls, article_id, data.get("score"), scored)


def _meta(article: dict, lang: str, outlets: dict[str, str]) -> list[str]:
    published = article.get("published") or article.get("published_from")
    day = str(published) if published else "?"
    basis = basis_name(article.get("published_basis"), lang)
    if article.get("published") is None and article.get("published_from") is not None:
        day = f"{article['published_from']}…{article['published_to']}"
    source = article.get("source")
    outlet = outlets.get(source, source) if source else None
    parts = [
        f"{day} ({basis})",
        # As written, and the outlet it belongs to when that reads otherwise ('路透社 · Reuters').
        (source if outlet == source else f"{source} · {outlet}") if source else "?",
        language_name(article.get("language") or "", lang),
    ]
    return parts


def _article_tones(score: pd.DataFrame) -> tuple[float | None, float | None]:
    if score is None or score.empty:
        return None, None
    return finance_vs_snownlp(score["tone"].iloc[0], score["snownlp"].iloc[0])


def _frames_of(evidence: pd.DataFrame, lang: str) -> list[str]:
    if evidence.empty:
        return []
    live = evidence[~evidence["negated"].astype(bool)] if "negated" in evidence else evidence
    counts = live.groupby(["frame", "polarity"]).size().sort_values(ascending=False)
    return [
        f"{frame_name(frame, lang)} ({label_name(polarity, lang)}) ×{n}"
        for (frame, polarity), n in counts.items()
    ]


def _col(name: str, lang: str) -> str:
    return t(f"col_{name}", lang)
