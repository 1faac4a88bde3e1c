"""Feeds (RSS/Atom, through feedparser) and news sitemaps (XML) to the links they list, with their own dates.

A listing's date is the publisher's statement of when the item appeared: it becomes the article's date (basis
`feed`) when the page itself states none. Dates are kept in the publisher's own time zone ('Tue, 18 Nov 2025
00:30 +0800' is the 18th, not the 17th in UTC). An item without a usable link is a problem naming the item;
the other items are kept.
"""

from __future__ import annotations

import gzip
import re
from dataclasses import dataclass
from datetime import date, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin

from analysis.errors import FetchError

_ISO_DAY = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})")
MAX_ITEMS = 2000  # per listing: a feed or sitemap beyond this is cut (its newest come first by convention)


@dataclass(frozen=True)
class Item:
    """One listed link with what the listing says about it."""

    url: str
    published: date | None = None
    title: str | None = None


@dataclass
class Listing:
    """A feed's or sitemap's items, nested sitemaps (of an index) and the items that could not be read."""

    items: list[Item]
    sitemaps: list[str]
    problems: list[str]


def listed_date(value: object) -> date | None:
    """A listing's date (RFC 822 or ISO 8601), as the publisher's own calendar day; None when unreadable."""
    if not value:
        return None
    text = str(value).strip()
    try:
        return parsedate_to_datetime(text).date()
    except (TypeError, ValueError, IndexError):
        pass
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).date()
    except ValueError:
        pass
    match = _ISO_DAY.match(text)
    if match:
        try:
            return date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            return None
    return None


def parse_feed(data: bytes, *, url: str) -> Listing:
    """RSS or Atom to items; links resolved against the feed's URL. FetchError when it is no feed at all."""
    import feedparser  # imported here: only feeds need it

    parsed = feedparser.parse(data, response_headers={"content-location": url})
    if not parsed.entries and (parsed.bozo or not parsed.get("version")):
        raise FetchError(url, "not an RSS or Atom feed")
    items, problems = [], []
    for number, entry in enumerate(parsed.entries[:MAX_ITEMS], 1):
        link = (entry.get("link") or "").strip()
        if not link:
            problems.append(f"{url}: item {number} ({entry.get('title') or 'untitled'}): no link; skipped")
            continue
        raw_date = entry.get("published") or entry.get("updated")
        published = listed_date(raw_date)
        if raw_date and published is None:
            problems.append(
                f"{url}: item {number}: date {raw_date!r} unreadable; the page's own date is used"
            )
        items.append(Item(urljoin(url, link), published, (entry.get("title") or "").strip() or None))
    return Listing(items, [], problems)


def _local(tag: object) -> str:
    return str(tag).rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _child_text(element, name: str) -> str | None:
    for child in element.iter():
        if _local(child.tag) == name and child.text and child.text.strip():
            return child.text.strip()
    return None


def parse_sitemap(data: bytes, *, url: str) -> Listing:
    """A (news) sitemap or sitemap index; gzip accepted; no entities or network access while parsing."""
    from lxml import etree

    if data[:2] == b"\x1f\x8b":
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError) as exc:
            raise FetchError(url, f"broken gzip sitemap: {exc}") from None
    parser = etree.XMLParser(resolve_entities=False, no_network=True, recover=True, huge_tree=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise FetchError(url, f"not a sitemap (XML: {exc})") from None
    if root is None or _local(root.tag) not in ("urlset", "sitemapindex"):
        raise FetchError(url, "not a sitemap (no <urlset> or <sitemapindex>)")
    items, nested, problems = [], [], []
    for number, entry in enumerate(root, 1):
        kind = _local(entry.tag)
        if kind not in ("url", "sitemap"):
            continue
        loc = _child_text(entry, "loc")
        if not loc:
            problems.append(f"{url}: entry {number}: no <loc>; skipped")
            continue
        if kind == "sitemap":
            nested.append(urljoin(url, loc))
            continue
        raw_date = _child_text(entry, "publication_date") or _child_text(entry, "lastmod")
        published = listed_date(raw_date)
        if raw_date and published is None:
            problems.append(
                f"{url}: entry {number}: date {raw_date!r} unreadable; the page's own date is used"
            )
        items.append(Item(urljoin(url, loc), published, _child_text(entry, "title")))
        if len(items) >= MAX_ITEMS:
            break
    return Listing(items, nested, problems)
