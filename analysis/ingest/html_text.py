"""Plain text of an HTML page read tag by tag, for pages nested deeper than lxml builds a tree for.

libxml2 (under lxml and trafilatura) stops building the tree at 256 levels of nesting and silently drops
everything deeper, so a page wrapped in a few hundred <div>s came out as "no article text found". This
reader keeps no tree: an event parser (the standard library's, no recursion) writes out the text outside
the elements a browser never shows as text, with a line break at each block element. It does not tell the
article from the page chrome; the page-copy cleaner that every text file goes through does that.
"""

from __future__ import annotations

from html.parser import HTMLParser

# lxml's HTML parser refuses deeper documents unless XML_PARSE_HUGE is set; then still 2048
LXML_MAX_DEPTH = 256
_HIDDEN = frozenset(
    "script style iframe frame frameset noscript template object embed applet svg canvas math".split()
)
_BLOCK = frozenset(
    "address article aside blockquote body br dd details div dl dt fieldset figcaption figure footer form "
    "h1 h2 h3 h4 h5 h6 header hr li main nav ol p pre section summary table td th tr ul".split()
)
_VOID = frozenset("area base br col embed hr img input link meta param source track wbr".split())


class _TextWriter(HTMLParser):
    """Collects visible text and the <title>; nesting is a counter of hidden elements, never a stack."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.title: list[str] = []
        self.hidden = 0  # open hidden elements around the current position
        self.in_title = False

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag == "title":
            self.in_title = True
        elif tag in _HIDDEN and tag not in _VOID:
            self.hidden += 1
        if tag in _BLOCK:
            self.parts.append("\n")

    def handle_startendtag(self, tag: str, attrs: list) -> None:
        if tag in _BLOCK:
            self.parts.append("\n")  # <br/>, <hr/>: a self-closed element opens nothing

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self.in_title = False
        elif tag in _HIDDEN and self.hidden:
            self.hidden -= 1
        if tag in _BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if self.in_title:
            self.title.append(data)
        elif not self.hidden:
            self.parts.append(data)


def flatten_html(html: str) -> tuple[str, str | None]:
    """(visible text with one line per block, the <title> or None), read without building a tree."""
    writer = _TextWriter()
    writer.feed(html)
    writer.close()
    lines = (" ".join(line.split()) for line in "".join(writer.parts).split("\n"))
    text = "\n".join(line for line in lines if line)
    title = " ".join("".join(writer.title).split()) or None
    return text, title


def nested_too_deep(html: str) -> bool:
    """True when lxml's HTML parser would cut this page at its depth limit (it says so in its error log)."""
    from lxml import etree

    parser = etree.HTMLParser(encoding="utf-8")
    try:
        etree.fromstring(html.encode("utf-8", "surrogatepass"), parser)
    except (etree.LxmlError, ValueError, UnicodeError):
        return False  # unparseable for other reasons: the normal path reports it
    return any("depth" in entry.message.lower() for entry in parser.error_log)
