"""The dashboard's market page (see ui/pages.py)."""

from ui import pages

pages.market_page()
