"""Fetching pages, feeds and news sitemaps from a real HTTP server on localhost (no other network)."""

from __future__ import annotations

from datetime import date

import pytest

from analysis.errors import ConfigError, FetchError
from analysis.fetch import HttpClient, fetch_listings, fetch_sources, fetch_urls, parse_sources
from analysis.fetch.listings import listed_date, parse_feed, parse_sitemap
from analysis.fetch.sources import Source, save_sources_text
from tests.live_server import Route, page


def _articles(store) -> dict[str, dict]:
    with store.connect() as con:
        rows = con.execute("SELECT url, title, language, published, published_basis FROM articles").fetchall()
    return {
        row[0]: dict(zip(("url", "title", "language", "published", "basis"), row, strict=True))
        for row in rows
    }


def test_a_feed_gives_articles_in_three_scripts_with_their_date_bases(store, site):
    (report,) = fetch_listings(store, [site.url("/feed.xml")], kind="feed")
    articles = _articles(store)
    hans, hant = articles[site.url("/news/hans.html")], articles[site.url("/news/hant.html")]
    recall = articles[site.url("/2025/11/20/xiaomi-recall.html")]  # stored under the URL it was answered from
    assert (hans["language"], hans["published"], hans["basis"]) == (
        "zh-Hans",
        date(2025, 11, 18),
        "front_matter",
    )
    # no date in the page: the feed's, in the publisher's own time zone (00:30 +0800 is the 19th)
    assert (hant["language"], hant["published"], hant["basis"]) == ("zh-Hant", date(2025, 11, 19), "feed")
    # no date in the page, an unreadable one in the feed: the date path of the URL it was redirected to
    assert (recall["language"], recall["published"], recall["basis"]) == ("en", date(2025, 11, 20), "url")
    assert len(report.added) == 3 and report.ok


def test_each_quirk_of_a_feed_is_reported_and_never_stops_the_others(store, site):
    (report,) = fetch_listings(store, [site.url("/feed.xml")], kind="feed")
    failed = "\n".join(report.failed)
    assert "missing.html: HTTP 404" in failed
    assert "slow.html: timed out" in failed
    assert "huge.html: larger than the size cap" in failed
    assert "data.pdf: not an HTML page (application/pdf)" in failed
    assert "secret.html: robots.txt disallows" in failed and site.count("/private/secret.html") == 0
    assert any("item 3" in w and "no link" in w for w in report.warnings)
    assert site.count("/slow.html") == 2  # a timeout is retried (NARRATIVE_FETCH_RETRIES=1), a 404 is not
    assert site.count("/news/missing.html") == 1


def test_a_second_fetch_of_the_feed_adds_and_requests_nothing_new(store, site):
    fetch_listings(store, [site.url("/feed.xml")], kind="feed")
    before = list(site.requests)
    (again,) = fetch_listings(store, [site.url("/feed.xml")], kind="feed")
    new_requests = site.requests[len(before) :]
    assert again.added == [] and again.skipped_seen >= 7
    # only the feed, robots.txt and the page that timed out (it may pass in a later round) are asked for again
    assert set(new_requests) <= {"/robots.txt", "/feed.xml", "/slow.html"}


def test_an_item_added_to_the_feed_is_fetched_once(store, site):
    fetch_listings(store, [site.url("/feed.xml")], kind="feed")
    feed = site.routes["/feed.xml"]
    item = "<item><title>new</title><link>/news/new.html</link><pubDate>Fri, 21 Nov 2025 08:00:00 +0800</pubDate></item>"
    site.routes["/feed.xml"] = Route(feed.body.replace(b"</channel>", item.encode() + b"</channel>"),
                                     content_type=feed.content_type)  # fmt: skip
    site.routes["/news/new.html"] = Route(
        page("小米发布新款手机", ["小米今天发布了新款手机,起售价3999元,首销当日售罄。" * 3])
    )
    (first,) = fetch_listings(store, [site.url("/feed.xml")], kind="feed")
    (second,) = fetch_listings(store, [site.url("/feed.xml")], kind="feed")
    assert len(first.added) == 1 and second.added == []
    assert site.count("/news/new.html") == 1


def test_a_news_sitemap_index_is_followed_and_seen_pages_are_skipped(store, site):
    fetch_urls(store, [site.url("/news/hant.html")])
    (report,) = fetch_listings(store, [site.url("/sitemap.xml")], kind="sitemap")
    assert site.count("/news-sitemap.xml") == 1
    assert report.listed == 2 and report.skipped_seen == 1  # hant.html was fetched by URL before
    assert any("404" in line for line in report.failed)
    assert any("no <loc>" in w for w in report.warnings)


def test_a_huge_page_without_a_declared_length_is_cut_off_at_the_cap_and_refused(store, site):
    site.routes["/stream.html"] = Route(site.routes["/huge.html"].body, declare_length=False)
    report = fetch_urls(store, [site.url("/stream.html")])
    assert report.failed == [f"{site.url('/stream.html')}: larger than the size cap (200000 bytes)"]
    assert store.article_count() == 0


def test_a_near_duplicate_page_is_recorded_not_added(store, site):
    fetch_urls(store, [site.url("/news/hans.html")])
    mirror = page("小米第三季度收入同比增长22%", [*site_paragraphs(), "(转载)"], date="2025-11-18")
    site.routes["/mirror/hans.html"] = Route(mirror)
    report = fetch_urls(store, [site.url("/mirror/hans.html")])
    assert report.added == [] and report.near_duplicates == 1
    assert store.article_count() == 1


def site_paragraphs() -> list[str]:
    from tests.live_corpus import HANS

    return list(HANS)


def test_a_failing_source_is_reported_by_name_and_the_next_one_still_runs(store, site):
    sources = [Source("broken", site.url("/nothing.xml")), Source("good", site.url("/feed.xml"))]
    broken, good = fetch_sources(store, sources)
    assert broken.name == "broken" and "404" in (broken.error or "")
    assert good.ok and len(good.added) == 3


def test_a_company_and_language_filter_keeps_only_matching_articles(store, site):
    (report,) = fetch_sources(
        store, [Source("en only", site.url("/feed.xml"), language="en", company="1810.HK")]
    )
    assert len(report.added) == 1 and report.off_topic == 2


def test_a_non_feed_answer_is_the_sources_error(store, site):
    (report,) = fetch_listings(store, [site.url("/news/hans.html")], kind="feed")
    assert "not an RSS or Atom feed" in (report.error or "")


def test_the_user_agent_names_the_product_and_the_host_delay_is_waited(site, monkeypatch):
    monkeypatch.setenv("NARRATIVE_HOST_DELAY", "5")
    waits: list[float] = []
    clock = iter(range(1000))
    client = HttpClient(sleep=waits.append, clock=lambda: float(next(clock)))
    client.get(site.url("/news/hans.html"))
    client.get(site.url("/news/hant.html"))
    assert client.tuning.user_agent.startswith("NarrativeTone/")
    assert waits and all(0 < wait <= 5 for wait in waits)  # between requests to the same host


def test_a_url_that_is_not_http_is_refused(polite_but_fast):
    with pytest.raises(FetchError, match="not an http"):
        HttpClient().get("file:///etc/passwd")


def test_listing_dates_keep_the_publishers_day():
    assert listed_date("Wed, 19 Nov 2025 00:30:00 +0800") == date(2025, 11, 19)
    assert listed_date("2025-11-19T00:30:00+08:00") == date(2025, 11, 19)
    assert listed_date("2025-11-21") == date(2025, 11, 21)
    assert listed_date("soon") is None


def test_an_atom_feed_and_a_plain_sitemap_list_their_links():
    atom = b"""<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>t</title>
    <entry><title>a</title><link href="https://ex.test/a"/><updated>2025-11-02T08:00:00Z</updated></entry></feed>"""
    items = parse_feed(atom, url="https://ex.test/atom").items
    assert [(i.url, i.published) for i in items] == [("https://ex.test/a", date(2025, 11, 2))]
    sitemap = b"""<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>https://ex.test/b</loc>
    <lastmod>2025-11-03</lastmod></url></urlset>"""
    assert [(i.url, i.published) for i in parse_sitemap(sitemap, url="https://ex.test/s").items] == [
        ("https://ex.test/b", date(2025, 11, 3))
    ]


def test_sources_toml_is_checked_field_by_field(tmp_path):
    good = '[[source]]\nname = "a"\nurl = "https://ex.test/feed"\nkind = "feed"\nlanguage = "zh-Hans"\n'
    assert parse_sources(good)[0] == Source("a", "https://ex.test/feed", "feed", "zh-Hans")
    with pytest.raises(ConfigError, match=r"\[kind\]"):
        parse_sources(good.replace('"feed"\n', '"podcast"\n'))
    with pytest.raises(ConfigError, match="two sources"):
        parse_sources(good + good)
    with pytest.raises(ConfigError, match="unknown field"):
        parse_sources(good + "colour = 1\n")
    target = tmp_path / "sources.toml"
    with pytest.raises(ConfigError, match="not in companies.toml"):
        save_sources_text(good + 'company = "NOPE"\n', target)
    assert not target.exists()  # a file that would not load is never written
    assert save_sources_text(good, target)[0].name == "a" and target.read_text() == good


def test_the_bundled_sources_file_loads():
    from analysis import DATA_DIR
    from analysis.fetch import load_sources

    assert all(source.url.startswith("http") for source in load_sources(DATA_DIR / "sources.toml"))
