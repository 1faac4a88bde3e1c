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
from ui.labels import frame_name, label_name
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


_TEXT = {
    "corrections": ("Correct the labels", "修正标签"),
    "stance": ("Article stance", "文章立场"),
    "sentences": ("Sentence labels", "句子标签"),
    "frames_too": ("Correct frames too", "同时修正框架"),
    "frame": ("Frame", "框架"),
    "no_frame": ("(no frame)", "(无框架)"),
    "saved": ("Saved: {what} is now {new}; the article was rescored.", "已保存:{what} 改为 {new},文章已重新评分。"),
    "the_stance": ("the stance", "立场"),
    "sentence_n": ("sentence {n}", "第 {n} 句"),
    "frame_n": ("the frame of sentence {n}", "第 {n} 句的框架"),
    "retrain": ("Retrain with corrections", "用修正重新训练"),
    "retrain_help": (
        "Rebuild the tone model from data/training/ plus the corrections in force, then rescore (a few minutes).",
        "用 data/training/ 与生效的修正重建情绪模型,然后重新评分(需几分钟)。",
    ),
    "status": (
        "Corrections: {in_force} in force ({total} made), {not_learned} newer than the learned model.",
        "修正:生效 {in_force} 条(共 {total} 条),其中 {not_learned} 条尚未被学习模型使用。",
    ),
}  # fmt: skip


_SENTENCE_LABELS = {
    "positive": ("positive", "正面"),
    "negative": ("negative", "负面"),
    "neutral": ("neutral", "中性"),
}


def _sentence_label(label: str, lang: str) -> str:
    names = _SENTENCE_LABELS.get(label)
    return (names[1] if lang == "zh" else names[0]) if names else label


def _t(key: str, lang: str, **values: object) -> str:
    english, chinese = _TEXT[key]
    text = chinese if lang == "zh" else english
    return text.format(**values) if values else text


def status_caption(controls: Controls) -> None:
    """How many corrections exist and how many the learned model in data/models/ has not seen."""
    counts = status(Store(controls.db))
    st.caption(_t("status", controls.lang, **counts))
    job = state.current_job()
    busy = job is not None and job.alive
    # Retrain in the background (like the rerun): the model learns the corrections, then every article is rescored.
    st.button(_t("retrain", controls.lang), key=RETRAIN_KEY, disabled=busy or not counts["not_learned"],
              help=_t("retrain_help", controls.lang), on_click=state.start_job,
              args=(controls.db, controls.ticker), kwargs={"force": False, "retrain": True})  # fmt: skip


def render(controls: Controls, article_id: str, score: pd.DataFrame, sentences: pd.DataFrame) -> None:
    """The stance control, one label control per sentence (and, toggled on, a frame control each)."""
    lang = controls.lang
    st.markdown(f"**{_t('corrections', lang)}**")
    feedback = st.session_state.pop(FEEDBACK_KEY, None)
    if feedback is not None:
        kind, message = feedback
        (st.success if kind == "success" else st.error)(escape_markdown(message))
    if score is not None and not score.empty:
        _control(st.radio, STANCE_KEY, STANCES, str(score["label"].iloc[0]), _t("stance", lang),
                 lambda v: label_name(v, lang),
                 (controls, article_id, "stance", STANCE_KEY, None, None, _t("the_stance", lang)))  # fmt: skip
    content = sentences[sentences["relevance"] > 0] if len(sentences) else sentences
    if content.empty:
        return
    with_frames = st.toggle(_t("frames_too", lang), key=FRAMES_TOGGLE_KEY)
    frames = [NO_FRAME, *frame_names()] if with_frames else []
    st.markdown(f"**{_t('sentences', lang)}**")
    with st.container(height=360):
        for row in content.itertuples(index=False):
            index, start, end = int(row.index), int(row.start), int(row.end)
            st.markdown(f"{index}. {escape_markdown(str(row.text).strip())}")
            where = _t("sentence_n", lang, n=index)
            _control(st.radio, sentence_key(index), SENTENCE_LABELS, str(row.label), where,
                     lambda v: _sentence_label(v, lang),
                     (controls, article_id, "label", sentence_key(index), start, end, where))  # fmt: skip
            if with_frames:
                listed = str(row.frames or "").split(";")[0] or NO_FRAME
                what = _t("frame_n", lang, n=index)
                _control(st.selectbox, frame_key(index), frames if listed in frames else [*frames, listed],
                         listed, _t("frame", lang),
                         lambda v: _t("no_frame", lang) if v == NO_FRAME else frame_name(v),
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
        shown = {"stance": label_name, "label": _sentence_label}.get(field, lambda v, _: frame_name(v))(
            new, controls.lang
        )
        st.session_state[FEEDBACK_KEY] = ("success", _t("saved", controls.lang, what=what, new=shown))
    state.clear_caches()  # the article's rows, its facts and so every sum changed
