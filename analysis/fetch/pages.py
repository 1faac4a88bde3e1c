"""A fetched page to an Article, through the same reader and record path as an HTML file.

The page is read by ingest's HTML reader (trafilatura's extraction) and built by ingest's build_article, so a
fetched article is cleaned, dated and labelled exactly as the same page saved to a file would be. Its URL is
the one it was answered from (after redirects): a date in that URL counts as basis `url`, and the listing's
date as basis `feed` when the page states none.
"""

from __future__ import annotations

import re
from datetime import date

from analysis.errors import InputError
from analysis.fetch.http import Response
from analysis.ingest.readers import read_html
from analysis.ingest.record import build_article
from analysis.models import Article

HTML_TYPES = ("text/html", "application/xhtml+xml")
_META_CHARSET = re.compile(rb"<meta[^>]+charset", re.IGNORECASE)


def page_article(response: Response, *, listed: date | None = None) -> tuple[Article, list[str]]:
    """The article a page holds and its warnings; InputError when it is no HTML page or has no article text."""
    if response.content_type not in HTML_TYPES:
        raise InputError(
            f"not an HTML page ({response.content_type or 'no content type'})", path=response.final_url
        )
    body = response.body
    if response.charset and not _META_CHARSET.search(body[:4096]):
        # The HTTP header names the encoding and the page does not: the reader only sees the bytes.
        try:
            body = body.decode(response.charset).encode("utf-8")
        except (LookupError, UnicodeDecodeError):
            pass  # a wrong header: the reader's own detection decides
    record = read_html(body, name=response.final_url)
    record.fields["url"] = response.final_url  # stored with the address it was fetched from
    return build_article(record, listed=listed)
