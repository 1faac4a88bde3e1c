"""A polite HTTP client: a user agent naming the product, robots.txt, a per-host delay, timeouts, retries with
backoff and a size cap. Standard library only (urllib), so fetching needs no extra package.

A timeout, a refused connection, a 5xx or a 429 is retried (waiting backoff, 2·backoff, ...); a 4xx, a page
over the size cap or a URL robots.txt disallows is not. Each failure is a FetchError saying whether a later
round may get past it (`retryable`).
"""

from __future__ import annotations

import http.client
import ssl
import time
import urllib.error
import urllib.request
import urllib.robotparser
from collections.abc import Callable
from dataclasses import dataclass
from email.message import Message
from urllib.parse import urldefrag, urlsplit, urlunsplit

from analysis import settings as settings_module
from analysis.errors import FetchError

_CHUNK = 64 * 1024


@dataclass(frozen=True)
class Response:
    """What a GET gave: the URL asked for, the one answered after redirects, the type, the bytes."""

    url: str
    final_url: str
    status: int
    content_type: str  # lower case, parameters removed: 'text/html'
    charset: str | None
    body: bytes


def clean_url(url: str) -> str:
    """The URL as it is fetched and remembered: fragment removed, scheme and host lower-cased."""
    url, _ = urldefrag(url.strip())
    parts = urlsplit(url)
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path or "/", parts.query, ""))


class HttpClient:
    """GETs with the product's manners; one instance per round keeps the robots cache and host clocks."""

    def __init__(
        self,
        tuning: settings_module.Settings | None = None,
        *,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.tuning = tuning or settings_module.current()
        self._sleep, self._clock = sleep, clock
        self._robots: dict[str, urllib.robotparser.RobotFileParser | None] = {}
        self._last_request: dict[str, float] = {}
        self._opener = urllib.request.build_opener(urllib.request.HTTPRedirectHandler())

    def get(self, url: str) -> Response:
        """Fetch one URL (robots.txt and the host delay respected), retrying what may pass."""
        url = clean_url(url)
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise FetchError(url, "not an http(s) URL")
        if self.tuning.fetch_robots and not self._allowed(url):
            raise FetchError(url, "robots.txt disallows fetching it")
        attempt = 0
        while True:
            try:
                return self._get_once(url)
            except FetchError as exc:
                if not exc.retryable or attempt >= self.tuning.fetch_retries:
                    raise
                self._sleep(self.tuning.fetch_backoff_s * 2**attempt)
                attempt += 1

    def _wait_for_host(self, host: str) -> None:
        last = self._last_request.get(host)
        if last is not None:
            wait = self.tuning.host_delay_s - (self._clock() - last)
            if wait > 0:
                self._sleep(wait)
        self._last_request[host] = self._clock()

    def _get_once(self, url: str) -> Response:
        self._wait_for_host(urlsplit(url).netloc)
        request = urllib.request.Request(url, headers={
            "User-Agent": self.tuning.user_agent,
            "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.5",
            "Accept-Encoding": "identity",
        })  # fmt: skip
        try:
            with self._opener.open(request, timeout=self.tuning.fetch_timeout_s) as answer:
                body = self._read_capped(url, answer)
                headers: Message = answer.headers
                status, final_url = answer.status, answer.geturl()
        except urllib.error.HTTPError as exc:
            retryable = exc.code >= 500 or exc.code == 429
            raise FetchError(
                url, f"HTTP {exc.code} {exc.reason}", status=exc.code, retryable=retryable
            ) from None
        except TimeoutError:
            raise FetchError(
                url, f"timed out after {self.tuning.fetch_timeout_s:g}s", retryable=True
            ) from None
        except ssl.SSLError as exc:
            raise FetchError(url, f"TLS error: {exc.reason or exc}") from None
        except urllib.error.URLError as exc:
            reason = exc.reason
            timed_out = isinstance(reason, TimeoutError)
            text = "timed out" if timed_out else f"cannot connect: {reason}"
            raise FetchError(url, text, retryable=True) from None
        except (http.client.HTTPException, ConnectionError, OSError) as exc:
            raise FetchError(url, f"connection failed: {exc}", retryable=True) from None
        content_type = (headers.get_content_type() or "").lower()
        return Response(url, clean_url(final_url), status, content_type, headers.get_content_charset(), body)

    def _read_capped(self, url: str, answer) -> bytes:
        """The body, refused (not truncated) past the size cap: half a page would be a wrong article."""
        limit = self.tuning.fetch_max_bytes
        declared = answer.headers.get("Content-Length")
        if declared and declared.isdigit() and int(declared) > limit:
            raise FetchError(url, f"larger than the size cap ({int(declared)} > {limit} bytes)")
        chunks: list[bytes] = []
        total = 0
        while True:
            chunk = answer.read(_CHUNK)
            if not chunk:
                return b"".join(chunks)
            total += len(chunk)
            if total > limit:
                raise FetchError(url, f"larger than the size cap ({limit} bytes)")
            chunks.append(chunk)

    def _allowed(self, url: str) -> bool:
        parts = urlsplit(url)
        root = f"{parts.scheme}://{parts.netloc}"
        if root not in self._robots:
            self._robots[root] = self._read_robots(root)
        parser = self._robots[root]
        return parser is None or parser.can_fetch(self.tuning.user_agent, url)

    def _read_robots(self, root: str) -> urllib.robotparser.RobotFileParser | None:
        """The host's robots.txt; None (everything allowed) when it has none or it cannot be read."""
        parser = urllib.robotparser.RobotFileParser(root + "/robots.txt")
        try:
            answer = self._get_once(root + "/robots.txt")
        except FetchError as exc:
            if exc.status in (401, 403):  # the robots.txt convention: a forbidden robots.txt forbids all
                parser.disallow_all = True  # type: ignore[attr-defined]  # the stdlib's own flag, untyped
                return parser
            return None
        parser.parse(answer.body.decode("utf-8", errors="replace").splitlines())
        return parser
