"""The dashboard's overview page (see ui/pages.py)."""

from ui import pages

pages.overview_page()
