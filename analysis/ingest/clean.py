"""Remove page chrome from a page copy: Markdown syntax, chrome lines, trailing story lists and page tails."""

from __future__ import annotations

import re
from dataclasses import dataclass

from analysis.ingest.patterns import load_patterns

# Every pattern here must run in linear time on a 5 MB line: a bracket or parenthesis class stops at the
# next opening one, so failed attempts from successive '[' or '(' never rescan the same characters, and the
# heading's closing '#'s are stripped in Python (a regex for them backtracks cubically on runs of spaces).
_MD_HEADING = re.compile(r"^[ \t]{0,3}#{1,6}[ \t]+([^\n]*)$", re.M)
_TARGET = r"\((?:[^()\n]|\([^()\n]*\))*\)"  # '(url)', '(url "title")', one level of nested parentheses
_MD_IMAGE = re.compile(r"!\[[^\[\]\n]*\]" + _TARGET)
_MD_EMPTY_LINK = re.compile(r"\[[ \t]*\]" + _TARGET)
_MD_LINK = re.compile(r"\[([^\[\]\n]+)\]\((?=https?:|/|#|mailto:)(?:[^()\n]|\([^()\n]*\))*\)")
_MD_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>~])")
_MD_EMPHASIS = re.compile(r"\*{2,}|(?<![\w*])\*(?=[^\s*])|(?<=[^\s*])\*(?![\w*])|(?<!\w)_{2,}|_{2,}(?!\w)")
_MD_QUOTE = re.compile(r"^[ \t]{0,3}>[ \t]?", re.M)
_HTML_TAG = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]*(?:\s[^<>\n]{0,200})?/?>")
_URL_ONLY = re.compile(r"(?:<?(?:https?://|www\.)\S+>?\s*)+", re.I)
_SENTENCE_STOP = ("。", "！", "？", "!", "?", ".", "；")


def strip_markdown(text: str) -> tuple[str, list[str]]:
    """Markdown to plain text: drop images and link targets, emphasis, quotes; return the headings too."""
    if not any(mark in text for mark in "#*[]_>\\<"):
        return text, []
    headings = [_heading_text(h).strip() for h in _MD_HEADING.findall(text)]
    text = _MD_HEADING.sub(lambda match: _heading_text(match.group(1)), text)
    text = _MD_IMAGE.sub("", text)
    text = _MD_LINK.sub(r"\1", text)
    text = _MD_EMPTY_LINK.sub("", text)
    text = _MD_QUOTE.sub("", text)
    text = _HTML_TAG.sub("", text)
    text = (
        _MD_EMPHASIS.sub("", _MD_ESCAPE.sub(r"\1", text))
        if "*" in text or "_" in text
        else _MD_ESCAPE.sub(r"\1", text)
    )
    headings = [_MD_EMPHASIS.sub("", _MD_ESCAPE.sub(r"\1", _MD_LINK.sub(r"\1", h))).strip() for h in headings]
    return text, [h for h in headings if h]


def _heading_text(line: str) -> str:
    """A heading's text without the optional closing '#'s and the blanks around them."""
    return line.rstrip(" \t").rstrip("#").rstrip(" \t")


def chrome_flags(simp_lines: list[str]) -> list[bool]:
    """True for each line that as a whole is page chrome (matched on its simplified copy)."""
    chrome = load_patterns().chrome_line
    return [
        bool(line) and (chrome.fullmatch(line) is not None or _URL_ONLY.fullmatch(line) is not None)
        for line in simp_lines
    ]


def cut_inline(orig: str, simp: str) -> tuple[str, str]:
    """Drop a chrome prefix (' date 2025-11-24 ') and a chrome tail ('【版权声明】…') from one line pair."""
    patterns = load_patterns()
    head = patterns.inline_head.match(simp)
    if head and head.end():
        orig, simp = orig[head.end() :], simp[head.end() :]
    tail = patterns.inline_tail.search(simp)
    if tail:
        orig, simp = orig[: tail.start()], simp[: tail.start()]
    return orig.strip(), simp.strip()


def _story_list_after(simp_lines: list[str], flags: list[bool]) -> list[bool]:
    """For each index: is what follows it other stories (mostly short headline-like lines, or only chrome)?

    Counted once from the end, so a page with thousands of 'related' markers stays linear.
    """
    after = [True] * len(simp_lines)
    rest = short = 0
    for index in range(len(simp_lines) - 1, -1, -1):
        after[index] = rest == 0 or short >= 0.7 * rest
        line = simp_lines[index]
        if line and not flags[index]:
            rest += 1
            short += len(line) <= 60 and not line.endswith("。")
    return after


def tail_start(simp_lines: list[str], flags: list[bool]) -> int:
    """Index of the first line of a trailing non-article block (after a hard or soft marker), else len."""
    patterns = load_patterns()
    total = sum(len(line) for line in simp_lines) or 1
    story_list_after: list[bool] | None = None
    seen = 0
    for index, line in enumerate(simp_lines):
        position = seen / total
        seen += len(line)
        if not line or len(line) > 40:
            continue
        key = line.strip(" *#:：|｜-")
        if position >= 0.4 and patterns.tail_hard.fullmatch(key):
            return index
        if position >= 0.3 and patterns.tail_soft.fullmatch(key):
            if story_list_after is None:
                story_list_after = _story_list_after(simp_lines, flags)
            if story_list_after[index]:
                return index
    return len(simp_lines)


@dataclass(frozen=True)
class CleanText:
    """The article text for display and its aligned simplified copy."""

    text: str
    text_simplified: str


def assemble(orig_lines: list[str], simp_lines: list[str], keep: list[bool]) -> CleanText:
    """Join kept lines; one blank line where the source had a paragraph gap (blank or dropped lines)."""
    out_o: list[str] = []
    out_s: list[str] = []
    gap = False
    for orig, simp, kept in zip(orig_lines, simp_lines, keep, strict=True):
        if not kept or not orig:
            gap = gap or not orig
            continue
        if out_o and gap:
            out_o.append("")
            out_s.append("")
        out_o.append(orig)
        out_s.append(simp)
        gap = False
    return CleanText("\n".join(out_o), "\n".join(out_s))


def ends_sentence(line: str) -> bool:
    """True when the line ends like a sentence (so it is not a headline)."""
    return line.endswith(_SENTENCE_STOP) and not line.endswith("...")
