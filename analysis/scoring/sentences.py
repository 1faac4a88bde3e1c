"""Sentence spans of a text, and which of them are page chrome (bylines, datelines, boilerplate)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from analysis.errors import ConfigError
from analysis.scoring import config
from analysis.text import date_words as dw

# A sentence ends at CJK/ASCII terminators (with any closing quotes/brackets that follow), or at
# an ASCII full stop followed by whitespace. Semicolons end sentences too: news copy uses them to
# join independent statements.
# ASCII '!', '?' and ';' end a sentence only before whitespace, CJK or the end: not inside URLs
# ('s?__biz=') or markup ('![').
_END = re.compile(
    r"[。！？；]+[”’」』\"'）)\]]*"
    r"|[!?;]+[”’」』\"'）)\]]*(?=[\s\u3000-\u9fff\uff00-\uffef]|$)"
    r"|\.[”’\"')\]]*(?=\s|$)"
)
# URLs and markdown image/link targets: masked before matching, so their letters are not words.
URL = re.compile(r"https?://[^\s)\]」”\u3000-\u9fff]+|www\.[^\s)\]」”\u3000-\u9fff]+")
_ABBREVIATIONS = frozenset(
    "mr mrs ms dr prof corp inc co ltd st vs no jan feb mar apr jun jul aug sep sept oct nov dec "
    "approx est u.s e.g i.e".split()
)
_TERMINAL = "。！？!?；;.…”」』\"'"
# A date or time anywhere in a line (a dateline is mostly one); English month names are whole words, so
# 'market 10' or 'declined 5%' are not dates.
_DATE = re.compile(
    rf"{dw.YEAR}\s*[-/.年]\s*{dw.MONTH}\s*[-/.月]\s*{dw.DAY}\s*日?"  # 2025-09-19, 2025年4月1日
    rf"|{dw.DAY}/{dw.MONTH}/{dw.YEAR}"  # 19/11/2025
    rf"|{dw.CLOCK}"  # 10:55, 14:37:41
    rf"|\b{dw.DAY}\s+{dw.MONTH_NAME}\b\.?\s+{dw.YEAR}"  # 17 October 2025
    rf"|\b{dw.MONTH_NAME}\b\.?\s+{dw.DAY}\b",  # Oct 17
    re.IGNORECASE,
)
_NOISE = re.compile(r"[\d\W_]+")
_WORD = re.compile(r"[A-Za-z]+")
_CJK = re.compile(r"[\u3400-\u9fff]")
_HASHTAG = re.compile(r"#[^\s#]+")
_BYLINE = re.compile(
    r"^by\s+[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,3}"
    r"(?:\s*(?:,|and|&)\s*[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,3})*\s*\.?$",
    re.IGNORECASE,
)
_ORNAMENTS = frozenset("◤◥◢◣■□▪▫▲△▶►▼▽◀◄◆◇○●◎★☆")
_MARKUP_LEAD = "*#>-_~`=|·【[ \t"
HEADER_MAX_CJK = 16
HEADER_MAX_WORDS = 8
PARAGRAPH_MIN_CHARS = 40
MAX_SENTENCE = 600  # longer runs without sentence punctuation are cut (page dumps, tables)


@dataclass(slots=True)
class Sentence:
    """One sentence: its span in the text, its line, and whether it is chrome or a section header."""

    index: int
    start: int
    end: int
    line: int
    whole_line: bool
    chrome: str | None = None  # boilerplate | byline | dateline | hashtags | ornament | markup
    header: bool = False


class ChromeRules:
    """Boilerplate markers from lexicons/domain/boilerplate.txt plus the built-in shape rules."""

    def __init__(self, data_dir: Path):
        path = config.resolve(data_dir, config.DOMAIN["boilerplate"])
        self.prefix: dict[str, list[str]] = {"line": [], "end": []}
        self.whole: dict[str, set[str]] = {"line": set(), "end": set()}
        self.contains: dict[str, list[str]] = {"line": [], "end": []}
        for number, fields in config.read_rows(path):
            marker = fields[0].lower()
            scope = fields[1] if len(fields) > 1 else "line"
            how = fields[2] if len(fields) > 2 else "prefix"
            if scope not in ("line", "end") or how not in ("prefix", "whole", "contains"):
                raise ConfigError(
                    f"{path}:{number}: expected 'marker<TAB>line|end[<TAB>prefix|whole|contains]'"
                )
            if how == "prefix":
                self.prefix[scope].append(marker)
            elif how == "whole":
                self.whole[scope].add(marker.strip())
            else:
                self.contains[scope].append(marker)
        self.prefix_tuple = {scope: tuple(markers) for scope, markers in self.prefix.items()}

    def marker_scope(self, lowered: str) -> str | None:
        """'end' or 'line' when the (lowercased, simplified) sentence is a boilerplate marker line."""
        bare = lowered.lstrip(_MARKUP_LEAD)
        for scope in ("end", "line"):
            if bare.startswith(self.prefix_tuple[scope]) or bare.strip(" .:：") in self.whole[scope]:
                return scope
            if len(bare) <= 40 and any(m in bare for m in self.contains[scope]):
                return scope
        return None


def _shape_chrome(original: str, lowered: str, whole_line: bool) -> str | None:
    """Chrome recognised by its shape: no letters, a byline, a dateline, hashtags, ad ornaments."""
    if not any(c.isalpha() for c in lowered):
        return "markup"
    if len(original) > 80:
        return None
    if _BYLINE.match(original.strip()):
        return "byline"
    if whole_line and _DATE.search(lowered):
        rest = _NOISE.sub(" ", _DATE.sub(" ", lowered))
        if len(_CJK.findall(rest)) <= 8 and len(_WORD.findall(rest)) <= 3:
            return "dateline"
    if lowered.count("#") >= 2:
        rest = _HASHTAG.sub("", lowered)
        if sum(c.isalpha() for c in rest) <= 4:
            return "hashtags"
    if len(original) <= 40 and not _ORNAMENTS.isdisjoint(original):
        return "ornament"
    return None


def _split_line(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sentence spans inside one line text[start:end]."""
    spans = []
    cursor = start
    for match in _END.finditer(text, start, end):
        if match.group().startswith("."):
            word = text[max(start, match.start() - 12) : match.start()].split()
            last = word[-1].lower().strip("(\"'“") if word else ""
            following = text[match.end() : match.end() + 3].lstrip()
            if last in _ABBREVIATIONS or (len(last) == 1 and last.isalpha()):
                continue
            if following[:1].islower():
                continue
        spans.append((cursor, match.end()))
        cursor = match.end()
    if cursor < end:
        spans.append((cursor, end))
    if end - start > MAX_SENTENCE and any(e - s > MAX_SENTENCE for s, e in spans):
        spans = [piece for s, e in spans for piece in _cap(text, s, e)]
    return spans


def _cap(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Cut an over-long run of text (no sentence punctuation) at clause marks, else hard, to bound the work."""
    pieces = []
    while end - start > MAX_SENTENCE:
        window = text[start : start + MAX_SENTENCE]
        cut = max(window.rfind(mark) for mark in "，,、：: ")
        cut = start + cut + 1 if cut > MAX_SENTENCE // 2 else start + MAX_SENTENCE
        pieces.append((start, cut))
        start = cut
    pieces.append((start, end))
    return pieces


def segment(text: str, lowered: str, rules: ChromeRules) -> list[Sentence]:
    """Sentences of text (spans in text), with chrome and section headers marked."""
    sentences: list[Sentence] = []
    in_lead = True  # lines before the first paragraph: the headline zone, never section headers
    chrome_tail = False
    position = 0
    for line_number, line in enumerate(text.split("\n")):
        line_start, line_end = position, position + len(line)
        position = line_end + 1
        spans = []
        for s, e in _split_line(text, line_start, line_end):
            while s < e and text[s].isspace():
                s += 1
            while e > s and text[e - 1].isspace():
                e -= 1
            if e > s:
                spans.append((s, e))
        line_chrome = False
        for s, e in spans:
            whole = len(spans) == 1
            sentence = Sentence(len(sentences), s, e, line_number, whole)
            low = lowered[s:e]
            scope = rules.marker_scope(low)
            if chrome_tail or scope:
                sentence.chrome = "boilerplate"
                chrome_tail = chrome_tail or scope == "end"
            else:
                sentence.chrome = _shape_chrome(text[s:e], low, whole)
            line_chrome = line_chrome or sentence.chrome is not None
            if sentence.chrome is None and whole and not in_lead and _is_header(text[s:e]):
                sentence.header = True
            sentences.append(sentence)
        if spans and not line_chrome and (line_end - line_start >= PARAGRAPH_MIN_CHARS):
            in_lead = False
    return sentences


def _is_header(sentence: str) -> bool:
    """A short stand-alone line without terminal punctuation: a section header inside the body."""
    if sentence[-1] in _TERMINAL:
        return False
    cjk = len(_CJK.findall(sentence))
    if cjk:
        return cjk <= HEADER_MAX_CJK and len(sentence) <= HEADER_MAX_CJK + 12
    return len(sentence.split()) <= HEADER_MAX_WORDS
