"""Narrative series over per-day sums (what the store's facts give): pure pandas functions, no I/O.

sums.py holds the input shape and shared arithmetic; tone.py the tone index and tone per outlet; frames.py frame
shares and bull/bear intensity; market.py tone against prices (trading days, lead/lag), events.py the CAR
around articles with its placebo; shifts.py change points; significance.py the statistics they share.
"""

from analysis.narrative.events import event_study
from analysis.narrative.frames import bull_bear_intensity, frame_shares
from analysis.narrative.market import align_to_trading_days, closes, daily_tone, lead_lag, lead_lag_method
from analysis.narrative.shifts import detect_shifts
from analysis.narrative.sums import field_sums, period_start
from analysis.narrative.tone import source_tone, tone_index

__all__ = [
    "align_to_trading_days",
    "bull_bear_intensity",
    "closes",
    "daily_tone",
    "detect_shifts",
    "event_study",
    "field_sums",
    "frame_shares",
    "lead_lag",
    "lead_lag_method",
    "period_start",
    "source_tone",
    "tone_index",
]
