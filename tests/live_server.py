"""A real HTTP server on localhost for the live-coverage tests: routes set per test, every request logged."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Route:
    """What the server answers on one path."""

    body: bytes = b""
    status: int = 200
    content_type: str = "text/html; charset=utf-8"
    location: str | None = None  # a redirect's target
    delay_s: float = 0.0  # wait before answering (a timeout when longer than the client's)
    declare_length: bool = True  # False: no Content-Length (the body ends when the connection closes)


@dataclass
class Site:
    """The routes of the test server and the paths requested so far (in order)."""

    routes: dict[str, Route] = field(default_factory=dict)
    requests: list[str] = field(default_factory=list)
    bodies: list[bytes] = field(default_factory=list)  # POST bodies (a webhook receiver)
    on_post: Callable[[str, bytes], int] | None = None
    base: str = ""

    def url(self, path: str) -> str:
        return self.base + path

    def count(self, path: str) -> int:
        return sum(1 for p in self.requests if p == path)


def _handler(site: Site):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:  # quiet
            pass

        def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
            site.requests.append(self.path)
            route = site.routes.get(self.path)
            if route is None:
                self.send_response(404)
                self.send_header("Content-Type", "text/html")
                self.end_headers()
                self.wfile.write(b"<html><body>not found</body></html>")
                return
            if route.delay_s:
                time.sleep(route.delay_s)
            try:
                self.send_response(route.status)
                self.send_header("Content-Type", route.content_type)
                if route.location:
                    self.send_header("Location", route.location)
                if route.declare_length:
                    self.send_header("Content-Length", str(len(route.body)))
                self.end_headers()
                self.wfile.write(route.body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (a timeout or the size cap)

        def do_POST(self) -> None:  # noqa: N802
            site.requests.append(self.path)
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            site.bodies.append(body)
            status = site.on_post(self.path, body) if site.on_post else 200
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

    return Handler


@contextmanager
def serve(site: Site | None = None) -> Iterator[Site]:
    """Serve the site on 127.0.0.1 (a free port) in a thread for the block."""
    site = site or Site()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(site))
    server.daemon_threads = True
    site.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def page(title: str, paragraphs: list[str], *, lang: str = "zh-CN", date: str | None = None,
         charset_meta: bool = True, links: tuple[str, ...] = ()) -> bytes:  # fmt: skip
    """An article page as news sites write them: head, navigation, the article, a footer."""
    meta = '<meta charset="utf-8">' if charset_meta else ""
    stated = f'<meta property="article:published_time" content="{date}">' if date else ""
    nav = "".join(f'<a href="{link}">{link}</a> ' for link in links)
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    html = (f'<!DOCTYPE html><html lang="{lang}"><head>{meta}<title>{title}</title>{stated}</head><body>'
            f"<nav>{nav}</nav><article><h1>{title}</h1>{body}</article>"
            "<footer>Copyright test site</footer></body></html>")  # fmt: skip
    return html.encode("utf-8")
