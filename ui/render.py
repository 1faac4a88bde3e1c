"""How the shell puts a library chart on the page: message-only charts as a notice, sizes that mean plot area."""

from __future__ import annotations

import altair as alt
import streamlit as st


def message_of(chart: alt.TopLevelMixin) -> str | None:
    """The sentence of a builder's empty state (a chart holding only a 'message' column), else None."""
    data = getattr(chart, "data", None)
    columns = getattr(data, "columns", None)
    if columns is not None and list(columns) == ["message"] and len(data):
        return str(data["message"].iloc[0])
    return None


def show_chart(chart: alt.TopLevelMixin, **kwargs):
    """Draw an Altair chart at the container's width; an empty state is shown as a notice, not a blank plot.

    Streamlit's default autosize ('fit') squeezes axis labels and legends into the chart's height, which
    flattens short charts (a strip, a heatmap of few outlets); 'fit-x' keeps the height for the plot itself.
    """
    message = message_of(chart)
    if message is not None:
        st.info(message)
        return None
    chart = chart.properties(autosize=alt.AutoSizeParams(type="fit-x", contains="padding"))
    return st.altair_chart(chart, width="stretch", **kwargs)
