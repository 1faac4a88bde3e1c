"""Altair chart builders: DataFrames in, charts out, no Streamlit. Every builder has an empty state."""

from ui.charts.main import MAX_POINTS, PICK, ZOOM, main_chart
from ui.charts.panels import (
    SENTENCE_PICK,
    event_study_chart,
    frame_mix_chart,
    lead_lag_chart,
    sentence_strip_chart,
    source_tone_chart,
    tone_zscore_chart,
)
from ui.charts.style import TEXT, empty_chart, text

__all__ = [
    "MAX_POINTS",
    "PICK",
    "SENTENCE_PICK",
    "TEXT",
    "ZOOM",
    "empty_chart",
    "event_study_chart",
    "frame_mix_chart",
    "lead_lag_chart",
    "main_chart",
    "sentence_strip_chart",
    "source_tone_chart",
    "text",
    "tone_zscore_chart",
]
