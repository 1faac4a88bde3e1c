"""Narrative series over scored articles and prices: pure pandas functions, no I/O, no Streamlit."""

from analysis.narrative.market import align_to_trading_days, event_study, lead_lag
from analysis.narrative.series import bull_bear_intensity, frame_shares, source_tone, tone_index
from analysis.narrative.shifts import detect_shifts

__all__ = [
    "align_to_trading_days",
    "bull_bear_intensity",
    "detect_shifts",
    "event_study",
    "frame_shares",
    "lead_lag",
    "source_tone",
    "tone_index",
]
