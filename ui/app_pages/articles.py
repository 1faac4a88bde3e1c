"""The dashboard's articles page (see ui/pages.py)."""

from ui import pages

pages.articles_page()
