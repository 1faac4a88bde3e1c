"""Narrative Tone: how the media story about a listed company shifts, against its share price.

The library never imports Streamlit; app.py and cli.py are thin shells over it.
"""

from pathlib import Path

__version__ = "0.1.0"

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = PROJECT_ROOT / "data"
