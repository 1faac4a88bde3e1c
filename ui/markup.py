"""Article text made safe for the page: evidence highlighting from escaped pieces only, inert markdown.

Article text, titles and outlets reach the page through st.html (DOMPurify, no Markdown at all) as
html.escape'd text; everything else that quotes them through st.markdown goes through escape_markdown.
A link appears only where the product builds one (the article's own URL, exact, http(s) only).
"""

from __future__ import annotations

import html
import re

import pandas as pd

from analysis.views import search_key
from ui.labels import label_name, term

_HIGHLIGHT_STYLE = {
    "bullish": "background:#c9efd0;color:#0b5d1e",
    "bearish": "background:#f8cfcf;color:#8a1010",
    "context": "background:#e4e7ee;color:#333",
    "search": "background:#fff176;color:#111;outline:1px solid #c9a800",
}
_NEGATED_STYLE = "background:#eeeeee;color:#666;text-decoration:line-through"


def highlight_evidence(text: str, evidence: pd.DataFrame | None, lang: str = "en") -> str:
    """The text as HTML with evidence spans marked; built only from html.escape'd pieces of text and names.

    Each mark's hover title names the frame and its polarity in the UI language.
    """
    spans = _evidence_spans(len(text), evidence)
    parts: list[str] = []
    position = 0
    for start, end, polarity, frame, negated in spans:
        parts.append(html.escape(text[position:start]))
        style = _NEGATED_STYLE if negated else _HIGHLIGHT_STYLE.get(polarity, _HIGHLIGHT_STYLE["context"])
        name = term("tone", lang) if frame == "tone" else frame  # the learned scorer's tone words
        tip = f"{name} ({label_name(polarity, lang)}{', ' + term('negated', lang) if negated else ''})"
        if polarity == "search":
            tip = frame
        parts.append(
            f'<mark style="{style};padding:0 2px;border-radius:3px" title="{html.escape(tip, quote=True)}">'
            f"{html.escape(text[start:end])}</mark>"
        )
        position = end
    parts.append(html.escape(text[position:]))
    body = "".join(parts)
    return f'<div class="nt-text" style="white-space:pre-wrap;line-height:1.7;font-size:0.95rem">{body}</div>'


def search_spans(text: str, query: str | None, *, simplified: str | None = None) -> pd.DataFrame:
    """Where a search's words occur in the text (case- and script-insensitive), as evidence rows to highlight."""
    needle = search_key(query)
    columns = ["start", "end", "polarity", "frame", "negated"]
    if not needle or not text:
        return pd.DataFrame(columns=columns)
    haystack = simplified if simplified is not None and len(simplified) == len(text) else text
    haystack = haystack.lower()
    if len(haystack) != len(text):  # lower() changed the length (rare letters): match the text as it is
        haystack = text
    rows, position = [], haystack.find(needle)
    while position >= 0 and len(rows) < 500:
        rows.append((position, position + len(needle), "search", f"“{query}”", False))
        position = haystack.find(needle, position + len(needle))
    return pd.DataFrame(rows, columns=columns)


def _evidence_spans(length: int, evidence: pd.DataFrame | None) -> list[tuple[int, int, str, str, bool]]:
    """Evidence spans inside the text, sorted, overlaps dropped (the earlier, then longer, span wins)."""
    if evidence is None or evidence.empty:
        return []
    rows = []
    for row in evidence.itertuples(index=False):
        start, end = int(row.start), int(row.end)
        if 0 <= start < end <= length:
            rows.append((start, end, str(row.polarity), str(row.frame), bool(getattr(row, "negated", False))))
    rows.sort(key=lambda r: (r[0], -(r[1] - r[0])))
    kept: list[tuple[int, int, str, str, bool]] = []
    for span in rows:
        if not kept or span[0] >= kept[-1][1]:
            kept.append(span)
    return kept


# Inline markdown, HTML, entities, strikethrough, tables and Streamlit's $LaTeX$: escaped anywhere.
_MARKDOWN_INLINE = re.compile(r"([\\`*_\[\]<>&~$|])")
# Block syntax only counts at the start of a line, and escaped text is one line.
_MARKDOWN_BLOCK_START = re.compile(r"^(\s*\d*)([#>+.)-])")


# Streamlit's Markdown turns bare URLs (https://…, www.…), e-mail addresses and :shortcodes: (:red[…],
# :material/…:, emoji) into links and markup from the plain text, after backslash escapes are undone: an
# invisible WORD JOINER after ':' and 'www' and before '@' breaks them without changing what is read.
_WORD_JOINER = "\u2060"
_AUTOLINK = re.compile(r"(:)|(\bwww)(?=\\?\.)|(?=@)", re.IGNORECASE)


def escape_markdown(text: object) -> str:
    """Text made inert for st.markdown and friends: shown as typed, never as markup, links, HTML or LaTeX."""
    line = re.sub(r"\s*[\r\n]+\s*", " ", str(text))
    line = _MARKDOWN_INLINE.sub(r"\\\1", line)
    line = _AUTOLINK.sub(lambda m: (m.group(0) or "") + _WORD_JOINER, line)
    return _MARKDOWN_BLOCK_START.sub(lambda m: m.group(1) + "\\" + m.group(2), line)


def text_html(text: object) -> str:
    """Plain text as an HTML fragment for st.html: escaped, never a tag, a link or Markdown."""
    return html.escape(str(text), quote=True)


def link_html(url: object, label: object | None = None) -> str:
    """An http(s) URL as a link to exactly that address (other schemes are shown as text)."""
    address = str(url).strip()
    shown = text_html(label if label is not None else address)
    if not re.match(r"(?i)^https?://[^\s]+$", address):
        return shown
    return (
        f'<a href="{html.escape(address, quote=True)}" target="_blank" rel="noopener noreferrer">{shown}</a>'
    )


def article_header_html(title: str, meta: list[str], url: str | None) -> str:
    """The opened article's heading and its date · outlet · language line (and its link), all as text."""
    parts = [text_html(part) for part in meta]
    if url:
        parts.append(link_html(url, str(url)[:120]))
    line = " · ".join(parts)
    return (
        f'<div class="nt-title" style="font-size:1.25rem;font-weight:600;margin:0.2rem 0">{text_html(title)}</div>'
        f'<div class="nt-meta" style="color:#666;font-size:0.875rem">{line}</div>'
    )
