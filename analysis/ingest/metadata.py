"""Title, outlet and language of an article, each with how it is known."""

from __future__ import annotations

import re
from urllib.parse import urlparse

from analysis.ingest.patterns import load_patterns

_BREADCRUMB = re.compile(r"\s*[>›»]\s*")
_CJK = re.compile(r"[\u3400-\u9fff]")
_SENTENCE = re.compile(r"[^。！？!?]*[。！？!?]|[^。！？!?]+$")
_LATIN_SENTENCE = re.compile(r".+?(?:[.!?](?=\s|$)|$)")
_HEAD_LINES = 12
_SIGNATURE_WINDOW = 2500
DERIVED_MAX = 40
_NOT_HEADLINE_END = ("。", "，", ",", "、", ":", "：", "；", ";", ".")


def headline_like(line: str) -> bool:
    """A short line that does not end like a sentence: how headlines look in a page copy."""
    # questions and exclamations make headlines ('What happened to Xiaomi?'); full stops and commas do not
    if not line or line.endswith(_NOT_HEADLINE_END) or "http" in line:
        return False
    if _CJK.search(line):
        return 6 <= len(line) <= 80
    words = line.split()
    return 3 <= len(words) <= 25 and len(line) <= 200


def _head(lines: list[str]) -> list[int]:
    """Indexes of the first non-empty lines (the page head), chrome included."""
    return [i for i, line in enumerate(lines) if line][:_HEAD_LINES]


def _index_of(lines: list[str], text: str, within: list[int]) -> int | None:
    return next((i for i in within if lines[i] == text), None)


def find_title(
    lines: list[str], flags: list[bool], *, headings: list[str], dateline: int | None
) -> tuple[str | None, str, int | None]:
    """(title, basis, line index) from a heading, a breadcrumb, a repeated or dateline-adjacent headline."""
    head = _head(lines)
    if headings:
        return headings[0], "heading", _index_of(lines, headings[0], head)
    for pos, i in enumerate(head):
        items = [item for item in _BREADCRUMB.split(lines[i]) if item]
        if len(items) < 3 or not flags[i]:
            continue
        last = items[-1]
        repeated = _index_of(lines, last, head[pos + 1 :])
        if repeated is not None or (headline_like(last) and len(last) >= (8 if _CJK.search(last) else 25)):
            return last, "breadcrumb", repeated
        for j in head[pos + 1 :]:
            if not flags[j] and headline_like(lines[j]):
                return lines[j], "headline", j
        break
    candidates = [i for i in head if not flags[i] and headline_like(lines[i])]
    for pos, i in enumerate(candidates):
        if _index_of(lines, lines[i], candidates[pos + 1 :]) is not None:
            return lines[i], "headline", i
    if dateline is not None:
        before = [i for i in candidates if i < dateline and _substantial(lines[i])]
        if before:
            return lines[before[-1]], "headline", before[-1]
    first = next((i for i in head if not flags[i]), None)
    if first is not None and headline_like(lines[first]) and _substantial(lines[first]):
        return lines[first], "headline", first
    return None, "none", None


def _substantial(line: str) -> bool:
    """Long enough to be a headline rather than a byline, site slogan or author name."""
    return len(line) >= 8 if _CJK.search(line) else len(line.split()) >= 3


def derive_title(text: str) -> str | None:
    """A title from the lead: its first sentence, cut to about 40 characters (or 12 words)."""
    lead = next((line for line in text.split("\n") if len(line) >= 10), None)
    if lead is None:
        return None
    if _CJK.search(lead):
        match = _SENTENCE.match(lead)
        sentence = (match.group(0) if match else lead).strip().rstrip("。！？!?,，")
        if len(sentence) <= DERIVED_MAX:
            return sentence
        # prefer ending at a clause boundary: '小米集团发布2025年第三季度财报，数据显示…' → the first clause
        cut = max(sentence.rfind(mark, 0, DERIVED_MAX) for mark in "，,；;：:")
        if cut >= 12:
            return sentence[:cut] + "…"
        return sentence[:DERIVED_MAX].rstrip("，,、") + "…"
    match = _LATIN_SENTENCE.match(lead)
    sentence = (match.group(0) if match else lead).strip().rstrip(".")
    words = sentence.split()
    return sentence if len(words) <= 12 else " ".join(words[:12]).rstrip(",;:") + "…"


def find_source(orig: str, simp: str, *, url: str | None) -> tuple[str | None, str]:
    """(outlet, basis) from an in-text signature, a copyright line, or the URL's domain."""
    patterns = load_patterns()
    if len(simp) > 2 * _SIGNATURE_WINDOW:
        # signatures sit in the lead or the footer; searching only there keeps long articles cheap
        orig = orig[:_SIGNATURE_WINDOW] + "\n" + orig[-_SIGNATURE_WINDOW:]
        simp = simp[:_SIGNATURE_WINDOW] + "\n" + simp[-_SIGNATURE_WINDOW:]
    for regex in patterns.signatures:
        match = regex.search(simp)
        if match:
            name = orig[match.start("name") : match.end("name")].strip()
            if name:
                return name, "signature"
    owner = patterns.copyright_owner.search(simp)
    domain = patterns.copyright_domain.search(simp)
    if owner or domain:
        owner_name = orig[owner.start("name") : owner.end("name")].strip() if owner else None
        domain_name = domain["name"].lower() if domain else None
        if owner_name and domain_name:
            return f"{owner_name} ({domain_name})", "copyright"
        return owner_name or domain_name, "copyright"
    host = url_domain(url)
    return (host, "url") if host else (None, "none")


def url_domain(url: str | None) -> str | None:
    """The site's host name without 'www.'/'m.', e.g. 'chinaz.com'."""
    if not url:
        return None
    try:
        host = (urlparse(url if "//" in url else f"//{url}").hostname or "").lower()
    except ValueError:  # 'http://[x', an invalid IPv6 literal or port: no domain to read
        return None
    for prefix in ("www.", "m.", "mobile.", "wap."):
        if host.startswith(prefix):
            host = host[len(prefix) :]
    return host or None
