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
from ui.labels import label_name, t, term

_HIGHLIGHT_STYLE = {
    "bullish": "background:#c9efd0;color:#0b5d1e",
    "bearish": "background:#f8cfcf;color:#8a1010",
    "context": "background:#e4e7ee;color:#333",
    "search": "background:#fff176;color:#111;outline:1px solid #c9a800",
}
_NEGATED_STYLE = "background:#eeeeee;color:#666;text-decoration:line-through"
# The learned scorer's tone words: coloured and underlined, no background, so they read apart from frame phrases.
_TONE_STYLE = {
    "bullish": "background:transparent;color:#1b5e20;font-weight:700;border-bottom:2px solid #2e7d32",
    "bearish": "background:transparent;color:#b71c1c;font-weight:700;border-bottom:2px solid #c62828",
}
# The sentence clicked in the strip: a frame around it, under the evidence marks.
_SENTENCE_STYLE = "background:#e3f2fd;outline:2px solid #1565c0;border-radius:3px"
_STRIP_GRADIENT = "linear-gradient(90deg,#c62828,#f5f5f5,#2e7d32)"


def _mark_style(polarity: str, frame: str, negated: bool) -> str:
    if negated:
        return _NEGATED_STYLE
    if frame == "tone" and polarity in _TONE_STYLE:
        return _TONE_STYLE[polarity]
    return _HIGHLIGHT_STYLE.get(polarity, _HIGHLIGHT_STYLE["context"])


def highlight_evidence(
    text: str, evidence: pd.DataFrame | None, lang: str = "en", *, sentence: tuple[int, int] | None = None
) -> str:
    """The text as HTML with evidence spans marked; built only from html.escape'd pieces of text and names.

    Each mark's hover title names the frame and its polarity in the UI language; tone words (frame "tone")
    are drawn apart from frame phrases. `sentence` (start, end) is wrapped in a span.nt-sentence: the sentence
    clicked in the strip.
    """
    spans = _evidence_spans(len(text), evidence)
    cuts = _sentence_cuts(len(text), sentence)
    parts: list[str] = []
    position = 0
    for piece_start, piece_end, span in _pieces(len(text), spans, cuts):
        if cuts and piece_start == cuts[0]:
            parts.append(f'<span class="nt-sentence" style="{_SENTENCE_STYLE}">')
        if span is None:
            parts.append(html.escape(text[piece_start:piece_end]))
        else:
            _, _, polarity, frame, negated = span
            name = term("tone", lang) if frame == "tone" else frame  # the learned scorer's tone words
            tip = f"{name} ({label_name(polarity, lang)}{', ' + term('negated', lang) if negated else ''})"
            if polarity == "search":
                tip = frame
            kind = "tone" if frame == "tone" else "search" if polarity == "search" else "frame"
            parts.append(
                f'<mark style="{_mark_style(polarity, frame, negated)};padding:0 2px;border-radius:3px" '
                f'class="nt-{kind}" title="{html.escape(tip, quote=True)}">'
                f"{html.escape(text[piece_start:piece_end])}</mark>"
            )
        if cuts and piece_end == cuts[1]:
            parts.append("</span>")
        position = piece_end
    parts.append(html.escape(text[position:]))
    body = "".join(parts)
    return f'<div class="nt-text" style="white-space:pre-wrap;line-height:1.7;font-size:0.95rem">{body}</div>'


def _sentence_cuts(length: int, sentence: tuple[int, int] | None) -> tuple[int, int] | None:
    if sentence is None:
        return None
    start, end = max(0, int(sentence[0])), min(length, int(sentence[1]))
    return (start, end) if start < end else None


def _pieces(length: int, spans: list, cuts: tuple[int, int] | None) -> list[tuple[int, int, tuple | None]]:
    """The text as consecutive (start, end, span or None) pieces, split at the sentence's ends as well."""
    pieces: list[tuple[int, int, tuple | None]] = []
    position = 0
    for span in spans:
        if span[0] > position:
            pieces.append((position, span[0], None))
        pieces.append((span[0], span[1], span))
        position = span[1]
    if position < length:
        pieces.append((position, length, None))
    if cuts is None:
        return pieces
    split: list[tuple[int, int, tuple | None]] = []
    for start, end, span in pieces:
        for cut in cuts:
            if start < cut < end:
                split.append((start, cut, span))
                start = cut
        split.append((start, end, span))
    return split


def evidence_legend_html(lang: str = "en", *, search: bool = False) -> str:
    """What every colour of the article view means: the sentence strip's scale, frame phrases by polarity,
    negated phrases, tone words, search hits and the sentence picked in the strip."""

    def swatch(style: str, label: str, kind: str) -> str:
        return (
            f'<span class="nt-legend-item" data-kind="{kind}" style="margin-right:0.9rem;white-space:nowrap">'
            f'<mark style="{style};padding:0 4px;border-radius:3px">Aa</mark> {text_html(label)}</span>'
        )

    items = [
        f'<span class="nt-legend-item" data-kind="strip" style="margin-right:0.9rem;white-space:nowrap">'
        f'<span style="display:inline-block;width:48px;height:0.8rem;vertical-align:middle;'
        f'background:{_STRIP_GRADIENT};border:1px solid #ccc"></span> {text_html(t("legend_strip", lang))} '
        f"(−1 … +1)</span>",
        swatch(_HIGHLIGHT_STYLE["bullish"], t("legend_frame_bull", lang), "frame-bullish"),
        swatch(_HIGHLIGHT_STYLE["bearish"], t("legend_frame_bear", lang), "frame-bearish"),
        swatch(_HIGHLIGHT_STYLE["context"], t("legend_frame_context", lang), "frame-context"),
        swatch(_NEGATED_STYLE, t("legend_negated", lang), "negated"),
        swatch(_TONE_STYLE["bullish"], t("legend_tone_pos", lang), "tone-positive"),
        swatch(_TONE_STYLE["bearish"], t("legend_tone_neg", lang), "tone-negative"),
        swatch(_SENTENCE_STYLE, t("legend_sentence", lang), "sentence"),
    ]
    if search:
        items.append(swatch(_HIGHLIGHT_STYLE["search"], t("legend_search", lang), "search"))
    title = f'<span style="font-weight:700">{text_html(t("legend_title", lang))}</span> '
    return f'<div class="nt-legend" style="font-size:0.8rem;line-height:2;color:#444">{title}{" ".join(items)}</div>'


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
