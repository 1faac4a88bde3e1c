"""`python -m ui.serve <the arguments of streamlit run>`: the dashboard's server, its page's imports done first.

Streamlit imports a script's modules when the first visitor opens a page: pandas, DuckDB, Altair, scipy's
statistics and the dashboard's own modules took 2–3 s of a cold first load on two cores. Imported here,
before the server listens, the first page costs what every later one does (the server is up later instead).
"""

from __future__ import annotations

import importlib
import logging
import sys

# The modules app.py and its pages import (not ui/app_pages/*: those draw when imported).
PRELOAD = ("ui.pages", "ui.sidebar", "ui.state", "ui.urlstate", "ui.overview", "ui.explorer", "ui.sentences",
           "ui.data", "ui.live", "ui.corrections")  # fmt: skip


def preload() -> None:
    """Import the dashboard's modules (and so every library they use) into this process."""
    # Outside a script run, each st.cache_data decorator warns that no runtime exists yet: the caches
    # themselves are made in the runs, with the server's storage.
    caching = logging.getLogger("streamlit.runtime.caching.cache_data_api")
    level = caching.level
    caching.setLevel(logging.ERROR)
    try:
        for name in PRELOAD:
            importlib.import_module(name)
    finally:
        caching.setLevel(level)


def main(argv: list[str] | None = None) -> None:
    """Preload, then hand over to `streamlit run` with the given arguments, in this process."""
    preload()
    from streamlit.web import cli

    sys.argv = ["streamlit", "run", *(sys.argv[1:] if argv is None else argv)]
    cli.main()


if __name__ == "__main__":
    main()
