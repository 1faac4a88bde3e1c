"""The dashboard's data page (see ui/pages.py)."""

from ui import pages

pages.data_page()
