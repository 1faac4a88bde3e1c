"""Live coverage in: article pages by URL, RSS/Atom feeds and news sitemaps, through ingest's record path."""

from analysis.fetch.http import HttpClient, Response, clean_url
from analysis.fetch.listings import Item, parse_feed, parse_sitemap
from analysis.fetch.run import Fetcher, SourceReport, fetch_listings, fetch_sources, fetch_urls
from analysis.fetch.sources import Source, load_sources, parse_sources, save_sources_text, sources_file

__all__ = [
    "Fetcher", "HttpClient", "Item", "Response", "Source", "SourceReport", "clean_url", "fetch_listings",
    "fetch_sources", "fetch_urls", "load_sources", "parse_feed", "parse_sitemap", "parse_sources",
    "save_sources_text", "sources_file",
]  # fmt: skip
