"""Narrative Tone: how the media story about a listed company shifts, against its share price.

The library never imports Streamlit; app.py and cli.py are thin shells over it.
"""

__version__ = "0.1.0"

from analysis.settings import DATA_DIR as DATA_DIR  # noqa: E402  (the bundled data: checkout or wheel)
