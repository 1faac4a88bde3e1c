"""Readers: bytes of a txt/md/html/jsonl/csv file to records (a body plus the fields the file states)."""

from __future__ import annotations

import csv
import io
import logging
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import yaml

from analysis import json_text, settings
from analysis.errors import EmptyInputError, InputError
from analysis.ingest.encoding import decode_with_warnings
from analysis.ingest.html_text import LXML_MAX_DEPTH, flatten_html, nested_too_deep
from analysis.ingest.normalise import replace_surrogates
from analysis.models import Problem

FORMATS = {
    ".txt": "txt",
    ".text": "txt",
    ".md": "md",
    ".markdown": "md",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "jsonl",
    ".csv": "csv",
    ".tsv": "csv",
}
TEXT_FIELDS = ("text", "body", "content", "article", "正文", "内容", "內容")
FIELD_NAMES = {
    "title": ("title", "headline", "标题", "標題"),
    "source": ("source", "outlet", "site", "sitename", "publisher", "来源", "來源", "媒体", "媒體"),
    "url": ("url", "link", "source_url", "链接", "鏈接", "网址", "網址"),
    "published": (
        "published",
        "date",
        "publish_date",
        "pubdate",
        "published_at",
        "time",
        "日期",
        "发布时间",
        "發佈時間",
        "发布日期",
    ),
}
_FRONT_MATTER = re.compile(r"\A\s*---[ \t]*\n(.*?)\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_-]+)""", re.I)
_NOT_TEXT_ELEMENTS = (
    "script", "style", "iframe", "frame", "frameset", "noscript", "template", "object", "embed", "applet",
    "svg", "canvas", "math",
)  # fmt: skip
_SUPERSETS = {"gb2312": "gb18030", "gbk": "gb18030", "big5": "big5hkscs", "iso-8859-1": "cp1252"}
csv.field_size_limit(min(sys.maxsize, 2**31 - 1))  # whole articles live in one CSV cell


class _TooManyAliases(yaml.YAMLError):
    """More aliases than the limit: an alias bomb expands a few KB into gigabytes once its values are read."""


class _FrontMatterLoader(yaml.SafeLoader):
    """SafeLoader that leaves dates as strings (PyYAML's own date constructor raises a bare ValueError on an
    impossible date, 2025-02-30, and our date parser validates and warns instead) and counts aliases as it
    composes, so an alias bomb is refused before anything expands."""

    max_aliases = 50
    aliases = 0

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        if self.check_event(yaml.AliasEvent):
            self.aliases += 1
            if self.aliases > self.max_aliases:
                raise _TooManyAliases(f"more than {self.max_aliases} YAML aliases (an alias bomb?)")
        return super().compose_node(parent, index)


_FrontMatterLoader.yaml_implicit_resolvers = {
    first: [(tag, regex) for tag, regex in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


@dataclass
class Record:
    """One article's body before cleaning, with the fields its file states and where it came from."""

    body: str
    raw_text: str
    path: str
    fmt: str
    encoding: str
    fields: dict[str, object] = field(default_factory=dict)
    markdown: bool = True  # page copies often carry Markdown; HTML extraction gives plain text
    row: int | None = None
    warnings: list[str] = field(default_factory=list)


def format_of(name: str) -> str:
    """The reader for a file name, by extension; unknown extensions are read as plain text."""
    lower = name.lower().rstrip(" .\t")  # 'a.md ' is Markdown: a trailing space or dot is no extension
    dot = lower.rfind(".")
    return FORMATS.get(lower[dot:], "txt") if dot >= 0 else "txt"


def pick_fields(mapping: dict) -> dict[str, object]:
    """title/source/url/published from a front-matter or row mapping, accepting common synonyms."""
    lowered = {str(k).strip().lower(): v for k, v in mapping.items()}
    out: dict[str, object] = {}
    for key, names in FIELD_NAMES.items():
        for name in names:
            value = lowered.get(name)
            if value not in (None, ""):
                out[key] = value.strip() if isinstance(value, str) else value
                break
    return out


def _load_front_matter(block: str, *, max_aliases: int) -> object:
    """Compose and construct the block with the safe loader, refusing more than max_aliases aliases."""
    loader = _FrontMatterLoader(block)
    loader.max_aliases = max_aliases
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


def split_front_matter(text: str) -> tuple[dict[str, object], str, list[str]]:
    """(fields, body, warnings) from YAML front matter; a malformed, oversized or aliased block is dropped with
    a warning (fields must be plain values: a list or mapping as a title is ignored)."""
    match = _FRONT_MATTER.match(text)
    if not match:
        return {}, text, []
    body = text[match.end() :]
    limits = settings.current()
    block = match.group(1)
    size = len(block.encode("utf-8", "surrogatepass"))
    if size > limits.max_front_matter_bytes:
        return (
            {},
            body,
            [
                f"front matter rejected: {size:,} bytes, over the limit of {limits.max_front_matter_bytes:,} "
                "(NARRATIVE_MAX_FRONT_MATTER); ignored"
            ],
        )
    try:
        data = _load_front_matter(block, max_aliases=limits.max_yaml_aliases)  # safe: no arbitrary objects
    except _TooManyAliases as exc:
        return {}, body, [f"front matter rejected: {exc} (NARRATIVE_MAX_YAML_ALIASES); ignored"]
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 2})" if mark is not None else ""
        return {}, body, [f"malformed front matter{where}: {getattr(exc, 'problem', None) or exc}; ignored"]
    except (ValueError, TypeError, RecursionError) as exc:  # constructors past the parser (deep nesting, ...)
        return {}, body, [f"malformed front matter: {exc}; ignored"]
    if data is None:
        return {}, body, []
    if not isinstance(data, dict):
        return {}, body, ["front matter is not a mapping of fields; ignored"]
    warnings = [
        f"front matter field {str(key)[:40]!r} is not a plain value; ignored"
        for key, value in data.items()
        if isinstance(value, (list, dict, set, tuple)) and _is_field_name(key)
    ]
    return (
        pick_fields({k: v for k, v in data.items() if not isinstance(v, (list, dict, set, tuple))}),
        body,
        warnings,
    )


def _is_field_name(key: object) -> bool:
    lowered = str(key).strip().lower()
    return any(lowered in names for names in FIELD_NAMES.values())


def read_text_file(data: bytes, *, name: str, fmt: str) -> Record:
    """A .txt/.md page copy: one record, front matter (if any) as its fields."""
    text, encoding, decode_warnings = decode_with_warnings(data, name=name)
    fields, body, warnings = split_front_matter(text)
    return Record(body, text, name, fmt, encoding, fields, warnings=decode_warnings + warnings)


def read_html(data: bytes, *, name: str) -> Record:
    """An HTML page: main text and title/date/site name via trafilatura."""
    declared = _META_CHARSET.search(data[:4096])
    text = encoding = None
    decode_warnings: list[str] = []
    if declared:
        # GB2312/GBK pages routinely use characters only their superset GB18030 has
        encoding = _SUPERSETS.get(
            declared.group(1).decode("ascii").lower(), declared.group(1).decode("ascii").lower()
        )
        try:
            text = data.decode(encoding)
        except (LookupError, UnicodeDecodeError):
            text = encoding = None
    if text is None:
        text, encoding, decode_warnings = decode_with_warnings(data, name=name)
    limit = settings.current().max_html_tree_bytes
    if len(data) > limit:
        # lxml's tree of a 200 MB page took the ingest past 3 GB (and trafilatura minutes): read it tag by tag
        size = f"the page is {len(data) / 1e6:,.0f} MB, over NARRATIVE_MAX_HTML_TREE_BYTES ({limit:,} bytes)"
        return _flattened(text, name=name, encoding=encoding, warnings=decode_warnings, why=size)
    if nested_too_deep(text):
        return _flattened(text, name=name, encoding=encoding, warnings=decode_warnings)
    import trafilatura  # imported here: only HTML needs it, and it is slow to import
    from lxml import etree

    try:
        with _quiet("trafilatura", "htmldate", "courlan"):  # its own logging would repeat our problem
            tree = trafilatura.load_html(text)
            if tree is None:
                raise EmptyInputError("no article text found in the HTML", path=name)
            # trafilatura's fallback extractors read short pages whole, iframe fallback text included:
            # what a browser never shows as text is removed before extraction.
            etree.strip_elements(tree, *_NOT_TEXT_ELEMENTS, with_tail=False)
            doc = trafilatura.bare_extraction(
                tree,
                with_metadata=True,
                include_comments=False,
                include_tables=True,
                date_extraction_params={"extensive_search": False, "original_date": True},
            )
    except InputError:
        raise
    except Exception as exc:  # lxml/trafilatura raise many types on broken markup; report it as input
        raise InputError(f"cannot parse the HTML: {exc}", path=name) from exc
    body = (getattr(doc, "text", None) or "") if doc is not None else ""
    if not body.strip():
        raise EmptyInputError("no article text found in the HTML", path=name)
    fields = {
        key: value
        for key, value in (
            ("title", getattr(doc, "title", None)),
            ("published", getattr(doc, "date", None)),
            ("source", getattr(doc, "sitename", None)),
            ("url", getattr(doc, "url", None)),
        )
        if value
    }
    return Record(
        body, text, name, "html", encoding or "utf-8", fields, markdown=False, warnings=decode_warnings
    )


def _flattened(
    text: str, *, name: str, encoding: str | None, warnings: list[str], why: str | None = None
) -> Record:
    """A page nested past lxml's depth limit (or too big for a tree): its text read tag by tag, cleaned like
    a page copy."""
    body, title = flatten_html(text)
    if not body.strip():
        raise EmptyInputError("no article text found in the HTML", path=name)
    why = why or f"HTML nested more than {LXML_MAX_DEPTH} levels deep"
    warning = f"{why}: text read without the main-text extractor, so page chrome may remain"
    fields: dict[str, object] = {"title": title} if title else {}
    return Record(
        body, text, name, "html", encoding or "utf-8", fields, markdown=False, warnings=[*warnings, warning]
    )


@contextmanager
def _quiet(*names: str) -> Iterator[None]:
    """Silence a library's loggers for one call, restoring their levels after."""
    loggers = [logging.getLogger(name) for name in names]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.CRITICAL + 1)
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)


def read_jsonl(data: bytes, *, name: str) -> tuple[list[Record], list[Problem]]:
    """JSON Lines (or a JSON array): one record per object; broken lines become per-line problems."""
    text, encoding, warnings = decode_with_warnings(data, name=name)
    records, problems = _read_jsonl_text(text, encoding, name=name)
    return records, [Problem(name, w, fatal=False) for w in warnings] + problems


def _read_jsonl_text(text: str, encoding: str, *, name: str) -> tuple[list[Record], list[Problem]]:
    stripped = text.lstrip()
    whole = _whole_json(stripped) if stripped.startswith(("[", "{")) else None
    if stripped.startswith("[") and whole is None:
        _, reason = _loads(stripped)
        if reason:
            return [], [Problem(name, f"not valid JSON: {reason}")]
    if whole is not None:
        numbered = list(enumerate(whole if isinstance(whole, list) else [whole], start=1))
    else:
        numbered = []
        problems: list[Problem] = []
        # Only \n ends a JSON line: str.splitlines() also splits at U+2028, U+0085 and form feeds,
        # which JSON strings may hold raw (scraped Chinese pages often do).
        for number, line in enumerate(text.split("\n"), start=1):
            line = line.removesuffix("\r")
            if not line.strip():
                continue
            value, reason = _loads(line, one_line=True)
            if reason:
                problems.append(Problem(name, f"line {number}: not valid JSON ({reason})", row=number))
            else:
                numbered.append((number, value))
        records, more = _records_from_rows(numbered, name=name, fmt="jsonl", encoding=encoding, what="line")
        return records, problems + more
    return _records_from_rows(numbered, name=name, fmt="jsonl", encoding=encoding, what="item")


def _whole_json(text: str) -> object | None:
    """The file as one JSON document (an array of objects, or one pretty-printed object), else None."""
    value, reason = _loads(text)
    return None if reason else value


def _loads(text: str, *, one_line: bool = False) -> tuple[object | None, str | None]:
    """A JSON value, or None and why not (a JSON Lines line's reason names no line: the caller does)."""
    return json_text.loads(text, at=None if one_line else "line")


def read_csv(data: bytes, *, name: str) -> tuple[list[Record], list[Problem]]:
    """CSV (comma, semicolon or tab): a text/body column is required; rows are numbered as in a spreadsheet."""
    text, encoding, warnings = decode_with_warnings(data, name=name)
    records, problems = _read_csv_text(text, encoding, name=name)
    return records, [Problem(name, w, fatal=False) for w in warnings] + problems


def _read_csv_text(text: str, encoding: str, *, name: str) -> tuple[list[Record], list[Problem]]:
    first = text.split("\n", 1)[0]
    delimiter = max([",", ";", "\t"], key=first.count)
    # Strict quoting: a lenient reader runs a stray or unclosed quote on to the next closing one, silently
    # merging the rows between into one article. Strict, each such row is an error the reader resumes after.
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        header = next(reader)
    except StopIteration:
        raise EmptyInputError("empty CSV file", path=name) from None
    except csv.Error as exc:
        raise InputError(f"not a readable CSV: {exc}", path=name) from exc
    columns = [column.strip().lstrip("\ufeff").lower() for column in header]
    if not any(column in TEXT_FIELDS for column in columns):
        raise InputError(
            f"no text column: expected one of {', '.join(TEXT_FIELDS)}; found {', '.join(columns) or 'none'}",
            path=name,
        )
    rows: list[tuple[int, object]] = []
    problems: list[Problem] = []
    number = 1
    while True:
        number += 1
        first_line = reader.line_num + 1
        try:
            values = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            lines = (
                f"line {first_line}"
                if reader.line_num <= first_line
                else f"lines {first_line}-{reader.line_num}"
            )
            if "unexpected end of data" in str(exc):
                reason = "a quoted field is never closed; skipped to the end of the file"
            elif '"' in str(exc):
                reason = f"malformed quoting ({exc}); skipped"
            else:
                reason = f"cannot read the row ({exc}); skipped"
            problems.append(Problem(name, f"row {number} ({lines}): {reason}", row=number))
            continue
        if not any(v.strip() for v in values):
            continue
        rows.append((number, dict(zip(columns, values, strict=False))))
    records, more = _records_from_rows(rows, name=name, fmt="csv", encoding=encoding, what="row")
    return records, problems + more


def _records_from_rows(
    rows: list[tuple[int, object]], *, name: str, fmt: str, encoding: str, what: str
) -> tuple[list[Record], list[Problem]]:
    records: list[Record] = []
    problems: list[Problem] = []
    for number, item in rows:
        if not isinstance(item, dict):
            problems.append(
                Problem(name, f"{what} {number}: expected an object with a text field", row=number)
            )
            continue
        lowered = {
            replace_surrogates(str(k)).strip().lower(): replace_surrogates(v) if isinstance(v, str) else v
            for k, v in item.items()
        }
        body = next(
            (lowered[k] for k in TEXT_FIELDS if isinstance(lowered.get(k), str) and lowered[k].strip()), None
        )
        if body is None:
            problems.append(
                Problem(name, f"{what} {number}: no text (fields text/body are empty or missing)", row=number)
            )
            continue
        records.append(
            Record(body, body, f"{name}#{number}", fmt, encoding, pick_fields(lowered), row=number)
        )
    return records, problems


def read_records(data: bytes, *, name: str) -> tuple[list[Record], list[Problem]]:
    """Any supported file to records and problems; raises only the product's InputError family."""
    fmt = format_of(name)
    if not data.strip():
        raise EmptyInputError("empty file", path=name)
    if fmt in ("jsonl", "csv"):
        records, problems = (read_jsonl if fmt == "jsonl" else read_csv)(data, name=name)
        if not records and not any(p.fatal for p in problems):
            raise EmptyInputError("empty file: no rows", path=name)
        return records, problems
    if fmt == "html":
        return [read_html(data, name=name)], []
    return [read_text_file(data, name=name, fmt=fmt)], []
