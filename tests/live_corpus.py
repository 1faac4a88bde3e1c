"""A small news site for the live-coverage tests: pages in zh-Hans, zh-Hant and en, a feed, a news sitemap,
and the quirks real sites have (relative links, missing dates, redirects, a 404, a timeout, a huge page, a
non-HTML answer, a feed item without a link)."""

from __future__ import annotations

import pytest

from tests.live_server import Route, Site, page, serve

HANS = [
    "小米集团今日公布第三季度业绩,总收入同比增长22%,智能电动汽车业务首次实现单季经营盈利。",
    "公司表示,YU7 车型交付持续爬坡,十月交付量超过四万辆,管理层上调全年交付目标。",
    "分析师认为,小米汽车的规模效应开始显现,毛利率改善将支撑下一阶段的增长。",
]
HANT = [
    "小米集團股價今日下跌逾5%,市場憂慮記憶體成本上升將壓縮手機業務利潤率。",
    "有券商下調小米目標價,指出第四季度智能手機出貨量或按年下滑,競爭加劇。",
    "小米管理層在業績會上表示,將透過高端化策略抵銷部分成本壓力。",
]
EN = [
    "Xiaomi shares fell sharply in Hong Kong on Tuesday after the company recalled more than 100,000 SU7 "
    "sedans over a driver-assistance software issue, its largest recall so far.",
    "The recall follows a fatal crash earlier this year and renewed scrutiny of how the company markets its "
    "assisted-driving features to buyers in China.",
    "Analysts said the episode could weigh on orders for the new YU7 sport utility vehicle in coming months.",
]


def build_site(site: Site) -> Site:
    """The routes; URLs in the feed and sitemap are relative or absolute as sites mix them."""
    base = site.base
    routes = site.routes
    routes["/robots.txt"] = Route(b"User-agent: *\nDisallow: /private/\n", content_type="text/plain")
    # zh-Hans page: date stated in the page
    routes["/news/hans.html"] = Route(page("小米第三季度收入同比增长22%", HANS, date="2025-11-18"))
    # zh-Hant page without any date: the feed's date is used (basis feed)
    routes["/news/hant.html"] = Route(page("小米股價下跌 記憶體成本上升", HANT, lang="zh-HK"))
    # en page without a date in the page but with one in its URL (basis url), reached through a redirect
    routes["/old/recall"] = Route(status=301, location="/2025/11/20/xiaomi-recall.html")
    routes["/2025/11/20/xiaomi-recall.html"] = Route(page("Xiaomi recalls SU7 sedans", EN, lang="en"))
    routes["/slow.html"] = Route(page("slow", HANS), delay_s=2.0)
    routes["/huge.html"] = Route(page("huge", HANS * 4000))
    routes["/data.pdf"] = Route(b"%PDF-1.4 not a page", content_type="application/pdf")
    routes["/private/secret.html"] = Route(page("secret", HANS))
    routes["/feed.xml"] = Route(
        f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Test news</title><link>{base}/</link>
<item><title>小米第三季度收入同比增长22%</title><link>/news/hans.html</link>
  <pubDate>Tue, 18 Nov 2025 09:00:00 +0800</pubDate></item>
<item><title>小米股價下跌</title><link>news/hant.html</link>
  <pubDate>Wed, 19 Nov 2025 00:30:00 +0800</pubDate></item>
<item><title>no link here</title><pubDate>Wed, 19 Nov 2025 10:00:00 +0800</pubDate></item>
<item><title>Xiaomi recall</title><link>{base}/old/recall</link><pubDate>not a date</pubDate></item>
<item><title>gone</title><link>/news/missing.html</link></item>
<item><title>slow</title><link>/slow.html</link></item>
<item><title>huge</title><link>/huge.html</link></item>
<item><title>pdf</title><link>/data.pdf</link></item>
<item><title>private</title><link>/private/secret.html</link></item>
</channel></rss>""".encode(),
        content_type="application/rss+xml",
    )
    routes["/sitemap.xml"] = Route(
        f"""<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <sitemap><loc>{base}/news-sitemap.xml</loc></sitemap>
</sitemapindex>""".encode(),
        content_type="application/xml",
    )
    routes["/news-sitemap.xml"] = Route(
        b"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
  <url><loc>/news/hant.html</loc>
    <news:news><news:publication_date>2025-11-19T00:30:00+08:00</news:publication_date>
    <news:title>x</news:title></news:news></url>
  <url><loc>/news/missing.html</loc><lastmod>2025-11-21</lastmod></url>
  <url><lastmod>2025-11-21</lastmod></url>
</urlset>""",
        content_type="application/xml",
    )
    return site


@pytest.fixture
def polite_but_fast(monkeypatch, pinned_today):
    """Robots and the host delay are honoured, with the waits set to ~0 so the tests stay fast."""
    for name, value in {"NARRATIVE_HOST_DELAY": "0", "NARRATIVE_FETCH_BACKOFF": "0", "NARRATIVE_FETCH_TIMEOUT": "0.3",
                        "NARRATIVE_FETCH_RETRIES": "1", "NARRATIVE_FETCH_MAX_BYTES": "200000"}.items():  # fmt: skip
        monkeypatch.setenv(name, value)


@pytest.fixture
def site(polite_but_fast):
    with serve() as served:
        yield build_site(served)
