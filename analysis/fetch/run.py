"""Fetching over a store: pages, feeds, sitemaps and the followed sources, each link fetched once.

A listed link already dealt with (any outcome but a failure a later round may pass) is not fetched again;
a page whose text is already stored, or is a near-duplicate of a stored article, is recorded and not added.
A failing source is reported by name and never stops the others.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from analysis.errors import FetchError, InputError, NarrativeError
from analysis.fetch.http import HttpClient, clean_url
from analysis.fetch.listings import Item, parse_feed, parse_sitemap
from analysis.fetch.pages import page_article
from analysis.fetch.sources import Source
from analysis.ingest.dedup import NearDuplicateIndex
from analysis.models import Article
from analysis.store import Store
from analysis.store.live import FetchRecord

MAX_NESTED_SITEMAPS = 20  # of one sitemap index per round


@dataclass
class SourceReport:
    """What one source (or one `fetch` command) gave."""

    name: str
    kind: str
    url: str
    listed: int = 0
    fetched: int = 0
    added: list[str] = field(default_factory=list)
    skipped_seen: int = 0
    already_stored: int = 0
    near_duplicates: int = 0
    off_topic: int = 0
    failed: list[str] = field(default_factory=list)  # one line per page that could not be fetched or read
    warnings: list[str] = field(default_factory=list)
    error: str | None = None  # the source itself failed (its feed or sitemap)

    @property
    def ok(self) -> bool:
        return self.error is None

    def as_dict(self) -> dict:
        return {
            "name": self.name, "kind": self.kind, "url": self.url, "ok": self.ok, "error": self.error,
            "listed": self.listed, "fetched": self.fetched, "added": len(self.added),
            "skipped_seen": self.skipped_seen, "already_stored": self.already_stored,
            "near_duplicates": self.near_duplicates, "off_topic": self.off_topic,
            "failed": list(self.failed), "warnings": list(self.warnings),
        }  # fmt: skip


class Fetcher:
    """One round's fetching: one HTTP client (robots cache, host clocks) and one near-duplicate index."""

    def __init__(self, store: Store, *, client: HttpClient | None = None):
        self.store = store
        self.client = client or HttpClient()
        self._dedup: NearDuplicateIndex | None = None
        self._keep: Callable[[Article], bool] = lambda article: True

    def _index(self) -> NearDuplicateIndex:
        if self._dedup is None:
            self._dedup = NearDuplicateIndex(self.store.known_fingerprints())
        return self._dedup

    def pages(
        self, items: Sequence[Item], report: SourceReport, *, keep: Callable[[Article], bool] | None = None
    ) -> None:
        """Fetch the listed pages not dealt with before; store the new articles."""
        self._keep = keep or (lambda article: True)
        wanted: dict[str, Item] = {}
        for item in items:
            wanted.setdefault(clean_url(item.url), item)
        report.listed += len(wanted)
        skip = self.store.live.urls_to_skip(list(wanted), max_attempts=self.client.tuning.fetch_max_attempts)
        report.skipped_seen += len(skip)
        for url, item in wanted.items():
            if url not in skip:
                self._page(url, item, report)

    def _page(self, url: str, item: Item, report: SourceReport) -> None:
        try:
            response = self.client.get(url)
        except FetchError as exc:
            report.failed.append(str(exc))
            self._record(
                report, url, "failed", http_status=exc.status, retryable=exc.retryable, message=exc.reason
            )
            return
        report.fetched += 1
        if response.final_url != url and self.store.live.urls_to_skip([response.final_url], max_attempts=1):
            report.skipped_seen += 1  # a redirect to a page fetched before
            self._record(
                report, url, "already_stored", final_url=response.final_url, http_status=response.status
            )
            return
        try:
            article, warnings = page_article(response, listed=item.published)
        except InputError as exc:
            report.failed.append(f"{url}: {exc.reason}")
            self._record(report, url, "not_article", final_url=response.final_url, http_status=response.status,
                         message=exc.reason)  # fmt: skip
            return
        report.warnings.extend(f"{url}: {warning}" for warning in warnings)
        status, article_id = self._store_article(article, report)
        self._record(report, url, status, final_url=response.final_url, http_status=response.status,
                     article_id=article_id)  # fmt: skip

    def _store_article(self, article: Article, report: SourceReport) -> tuple[str, str | None]:
        if not self._keep(article):
            report.off_topic += 1
            return "off_topic", None
        if self.store.existing_ids([article.id]):
            report.already_stored += 1
            return "already_stored", article.id
        (linked,) = self._index().link([article])
        if linked.duplicate_of:
            report.near_duplicates += 1
            return "near_duplicate", linked.duplicate_of
        added, _ = self.store.add_articles([linked])
        report.added.extend(added)
        return "added", article.id

    def _record(self, report: SourceReport, url: str, status: str, **fields) -> None:
        self.store.live.record_fetch(FetchRecord(url=url, status=status, source=report.name, **fields))

    def listing(self, url: str, kind: str, report: SourceReport) -> list[Item]:
        """The items of a feed or sitemap (nested sitemaps of an index followed); FetchError when unreadable."""
        response = self.client.get(url)
        if kind == "feed":
            listing = parse_feed(response.body, url=response.final_url)
            report.warnings.extend(listing.problems)
            return listing.items
        listing = parse_sitemap(response.body, url=response.final_url)
        report.warnings.extend(listing.problems)
        items = list(listing.items)
        for nested in listing.sitemaps[:MAX_NESTED_SITEMAPS]:
            try:
                inner = parse_sitemap(self.client.get(nested).body, url=nested)
            except FetchError as exc:
                report.failed.append(str(exc))
                continue
            report.warnings.extend(inner.problems)
            items.extend(inner.items)
        return items

    def source(self, source: Source) -> SourceReport:
        """Fetch one followed source; its failure is in the report, never raised."""
        report = SourceReport(source.name, source.kind, source.url)
        try:
            items = (
                [Item(source.url)] if source.kind == "page" else self.listing(source.url, source.kind, report)
            )
            self.pages(items, report, keep=_filter(source))
        except NarrativeError as exc:  # the feed itself failed, or the source's filter is misconfigured
            report.error = str(exc)
        return report


def _filter(source: Source) -> Callable[[Article], bool]:
    """A source's language and company filters as one test of an article."""
    names: tuple[str, ...] = ()
    if source.company:
        from analysis.companies import load_companies
        from analysis.text import to_simplified

        company = load_companies().get(source.company)
        names = tuple(to_simplified(name).lower() for name in company.names + (company.name,))

    def keep(article: Article) -> bool:
        if source.language and article.language != source.language:
            return False
        if names:
            text = article.text_simplified.lower()
            return any(name in text for name in names)
        return True

    return keep


def fetch_urls(store: Store, urls: Sequence[str], *, client: HttpClient | None = None) -> SourceReport:
    """`fetch URL...`: article pages by URL (each once)."""
    report = SourceReport("cli", "page", " ".join(urls))
    Fetcher(store, client=client).pages([Item(url) for url in urls], report)
    return report


def fetch_listings(
    store: Store, urls: Sequence[str], *, kind: str, client: HttpClient | None = None
) -> list[SourceReport]:
    """`fetch --feed/--sitemap URL...`: each listing's links (each once); one report per listing."""
    fetcher = Fetcher(store, client=client)
    return [fetcher.source(Source(name=url, url=url, kind=kind)) for url in urls]


def fetch_sources(
    store: Store, sources: Sequence[Source], *, client: HttpClient | None = None,
    stop: Callable[[], bool] | None = None,
) -> list[SourceReport]:  # fmt: skip
    """Every enabled source, one after the other (a stop request is honoured between sources)."""
    fetcher = Fetcher(store, client=client)
    reports = []
    for source in sources:
        if stop and stop():
            break
        if source.enabled:
            reports.append(fetcher.source(source))
    return reports
