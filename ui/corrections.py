"""The analyst's corrections in the explorer: relabel the article's stance or a sentence in one click.

Each control shows the stored (possibly already corrected) value; a click saves a correction through the
library, which rescores the article at once, and the caches are cleared so every panel shows the new label.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analysis.corrections import NO_FRAME, SENTENCE_LABELS, STANCES, correct, frame_names, status
from analysis.errors import NarrativeError
from analysis.store import Store
from ui import state
from ui.labels import frame_name, label_name, t
from ui.markup import escape_markdown
from ui.sidebar import Controls

STANCE_KEY = "correct_stance"
FRAMES_TOGGLE_KEY = "correct_frames"
FEEDBACK_KEY = "_correction_feedback"
RETRAIN_KEY = "retrain"


def sentence_key(index: int) -> str:
    """The widget key of a sentence's label control (by the sentence's index in the article)."""
    return f"correct_sentence_{index}"


def frame_key(index: int) -> str:
    """The widget key of a sentence's frame control."""
    return f"correct_frame_{index}"


def status_caption(controls: Controls) -> None:
    """How many corrections exist and how many the learned model in data/models/ has not seen."""
    counts = status(Store(controls.db))
    st.caption(t("correct_status", controls.lang, **counts))
    job = state.current_job()
    busy = job is not None and job.alive
    # Retrain in the background (like the rerun): the model learns the corrections, then every article is rescored.
    st.button(t("correct_retrain", controls.lang), key=RETRAIN_KEY, disabled=busy or not counts["not_learned"],
              help=t("correct_retrain_help", controls.lang), on_click=state.start_job,
              args=(controls.db, controls.ticker), kwargs={"force": False, "retrain": True})  # fmt: skip


def render(controls: Controls, article_id: str, score: pd.DataFrame, sentences: pd.DataFrame) -> None:
    """The stance control, one label control per sentence (and, toggled on, a frame control each)."""
    lang = controls.lang
    st.markdown(f"**{t('corrections_title', lang)}**")
    feedback = st.session_state.pop(FEEDBACK_KEY, None)
    if feedback is not None:
        kind, message = feedback
        (st.success if kind == "success" else st.error)(escape_markdown(message))
    if score is not None and not score.empty:
        _control(st.radio, STANCE_KEY, STANCES, str(score["label"].iloc[0]), t("correct_stance", lang),
                 lambda v: label_name(v, lang),
                 (controls, article_id, "stance", STANCE_KEY, None, None, t("correct_the_stance", lang)))  # fmt: skip
    content = sentences[sentences["relevance"] > 0] if len(sentences) else sentences
    if content.empty:
        return
    with_frames = st.toggle(t("correct_frames_too", lang), key=FRAMES_TOGGLE_KEY)
    frames = [NO_FRAME, *frame_names()] if with_frames else []
    st.markdown(f"**{t('correct_sentences', lang)}**")
    with st.container(height=360):
        for row in content.itertuples(index=False):
            index, start, end = int(row.index), int(row.start), int(row.end)
            st.markdown(f"{index}. {escape_markdown(str(row.text).strip())}")
            where = t("correct_sentence_n", lang, n=index)
            _control(st.radio, sentence_key(index), SENTENCE_LABELS, str(row.label), where,
                     lambda v: label_name(v, lang),
                     (controls, article_id, "label", sentence_key(index), start, end, where))  # fmt: skip
            if with_frames:
                listed = str(row.frames or "").split(";")[0] or NO_FRAME
                what = t("correct_frame_n", lang, n=index)
                _control(st.selectbox, frame_key(index), frames if listed in frames else [*frames, listed],
                         listed, t("correct_frame", lang),
                         lambda v: t("correct_no_frame", lang) if v == NO_FRAME else frame_name(v, lang),
                         (controls, article_id, "frame", frame_key(index), start, end, what))  # fmt: skip


def _control(widget, key: str, options, current: str, label: str, format_func, args: tuple) -> None:
    """A control showing the stored value; changing it saves a correction (the callback runs before the page)."""
    options = list(options) if current in options else [*options, current]
    st.session_state[key] = current  # the stored value, also when another article had this key before
    kwargs = {"horizontal": True} if widget is st.radio else {}
    widget(label, options, key=key, format_func=format_func, on_change=_save, args=args,
           label_visibility="collapsed" if widget is st.radio and key != STANCE_KEY else "visible",
           **kwargs)  # fmt: skip


def _save(controls: Controls, article_id: str, field: str, key: str, start, end, what: str) -> None:
    new = st.session_state.get(key)
    if new is None:
        return
    try:
        correct(Store(controls.db), article_id, field, str(new), start=start, end=end, ticker=controls.ticker)
    except NarrativeError as exc:
        st.session_state[FEEDBACK_KEY] = ("error", str(exc))
    else:
        shown = {"stance": label_name, "label": label_name}.get(field, frame_name)(new, controls.lang)
        st.session_state[FEEDBACK_KEY] = ("success", t("correct_saved", controls.lang, what=what, new=shown))
    state.clear_caches()  # the article's rows, its facts and so every sum changed
