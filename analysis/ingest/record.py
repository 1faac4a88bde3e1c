"""One record to an Article: normalise, clean, then title/outlet/date/language with their bases."""

from __future__ import annotations

import dataclasses
import hashlib
from datetime import date

from analysis import settings
from analysis.errors import EmptyInputError, InputError
from analysis.ingest import dates as dt
from analysis.ingest import implied_dates as implied
from analysis.ingest.clean import assemble, chrome_flags, cut_inline, strip_markdown, tail_start
from analysis.ingest.dedup import simhash64
from analysis.ingest.manifest import ManifestEntry
from analysis.ingest.metadata import derive_title, find_source, find_title
from analysis.ingest.normalise import normalise_text
from analysis.ingest.readers import Record
from analysis.ingest.relative_days import ANCHOR_BASES, relative_day_notes
from analysis.models import Article
from analysis.text import detect_language, to_simplified

_HEAD_CHROME_MAX = 40  # lines above the headline and at most this long are navigation, slogans, badges


def content_id(text: str) -> str:
    """The article id: sha256 of the cleaned, normalised body, first 16 hex characters."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _stated(value: object, *, where: str, warnings: list[str], now: date) -> date | None:
    if value in (None, ""):
        return None
    parsed = dt.parse_date_value(value)
    if parsed is None:
        warnings.append(f"{where}: {str(value)!r} is not a date; ignored")
        return None
    checked, warning = dt.check_date(parsed, raw=str(value), where=where, today=now)
    if warning:
        warnings.append(warning)
    return checked


def build_article(
    record: Record, *, manifest: ManifestEntry | None = None, listed: date | None = None
) -> tuple[Article, list[str]]:
    """Clean one record and read its metadata; returns the article and input warnings (bad dates, YAML).

    `listed` is the date a feed or sitemap gave a fetched page: used (basis `feed`) when the page states none.
    """
    now = settings.today()
    problems = list(record.warnings)  # input problems the user should hear about
    notes: list[str] = []  # how something was resolved (kept on the article only)
    record = _bound_url_field(bound_length(record, problems), problems)
    body, headings = strip_markdown(record.body) if record.markdown else (record.body, [])
    headings = [normalise_text(heading) for heading in headings]
    norm = normalise_text(body)
    simp = to_simplified(norm)
    orig_lines, simp_lines = norm.split("\n"), simp.split("\n")
    pairs = [cut_inline(o, s) for o, s in zip(orig_lines, simp_lines, strict=True)]
    lines_o = [p[0] for p in pairs]
    lines_s = [p[1] for p in pairs]
    flags = chrome_flags(lines_s)

    order = dt.day_first_order(simp, url=_url(record, manifest))  # 05/11/2025: which is the day
    header, header_warnings = dt.header_date(simp_lines, today=now, day_first=order)
    problems += header_warnings
    keep = [bool(line) and not chrome for line, chrome in zip(lines_o, flags, strict=True)]
    for index in range(tail_start(lines_s, flags), len(keep)):
        keep[index] = False
    dateline = header.line if header else dt.first_dateline(simp_lines)
    title, title_basis, title_line = find_title(lines_o, flags, headings=headings, dateline=dateline)
    _drop_head_chrome(lines_o, keep, title_line, dateline)
    _drop_datelines(simp_lines, lines_o, keep, title_line)
    source, source_basis = _source(record, manifest, norm, simp)
    _drop_outlet_bylines(lines_o, keep, title_line, source)
    if title_line is not None:
        keep[title_line] = bool(lines_o[title_line])
        for index, line in enumerate(lines_o):
            if index != title_line and line == lines_o[title_line] and index < title_line + 20:
                keep[index] = False  # page copies repeat the headline
    clean = assemble(lines_o, lines_s, keep)
    if not clean.text.strip():
        raise EmptyInputError(
            "no article text (empty, or only page chrome)", path=record.path, row=record.row
        )

    fields = record.fields
    url = _url(record, manifest)
    published = _published(
        record, clean.text_simplified, simp_lines, url, manifest, problems, now, header, listed
    )
    if published.warnings:
        notes += list(published.warnings)
    anchor = published.published if published.basis in ANCHOR_BASES else None
    notes += relative_day_notes(clean.text_simplified, anchor, published.basis, shown=clean.text)
    evidence = _as_published(published.evidence, simp, norm)

    if manifest and manifest.title:
        title, title_basis = manifest.title, "manifest"
    elif _text(fields.get("title")):
        title, title_basis = _text(fields.get("title")), "front_matter"
    elif title is None:
        title = derive_title(clean.text)
        title_basis = "derived" if title else "none"

    title, source = bound_fields(title, source, problems)
    article = Article(
        id=content_id(clean.text),
        path=record.path,
        format=record.fmt,
        raw_text=record.raw_text,
        text=clean.text,
        text_simplified=clean.text_simplified,
        language=detect_language(clean.text, clean.text_simplified),
        title=title,
        title_basis=title_basis,
        source=source,
        source_basis=source_basis,
        url=url,
        published=published.published,
        published_basis=published.basis,
        published_from=published.start,
        published_to=published.end,
        published_evidence=evidence,
        encoding=record.encoding,
        simhash=simhash64(clean.text_simplified),
        warnings=tuple(problems + notes),
    )
    return article, problems


def bound_length(record: Record, problems: list[str]) -> Record:
    """The record with its body (and raw copy) within NARRATIVE_MAX_ARTICLE_CHARS: cut at a line end with a
    warning, or rejected by name (NARRATIVE_LONG_ARTICLES=reject). A store row stays well inside DuckDB's memory."""
    limits = settings.current()
    cap = limits.max_article_chars
    raw_cap = 2 * cap  # the raw copy holds markup or front matter too
    if len(record.body) <= cap and len(record.raw_text) <= raw_cap:
        return record
    if len(record.body) > cap and limits.long_articles == "reject":
        raise InputError(
            f"the article is {len(record.body):,} characters, over the limit of {cap:,} "
            "(NARRATIVE_MAX_ARTICLE_CHARS); rejected",
            path=record.path,
            row=record.row,
        )
    body = record.body
    if len(body) > cap:
        end = body.rfind("\n", cap - cap // 10, cap)
        body = body[: end if end > 0 else cap]
        problems.append(
            f"the article is {len(record.body):,} characters, over the limit of {cap:,} "
            f"(NARRATIVE_MAX_ARTICLE_CHARS): only the first {len(body):,} are kept"
        )
    raw = record.raw_text if len(record.raw_text) <= raw_cap else record.raw_text[:raw_cap]
    return dataclasses.replace(record, body=body, raw_text=raw)


def bounded_record(record: Record) -> Record:
    """The record cut to NARRATIVE_MAX_ARTICLE_CHARS as soon as it is read, its warning carried with it: a
    200 MB file is sent to a pool worker as its first 10 million characters, not whole (rejecting one, when so
    configured, is left to build_article, which names it)."""
    if settings.current().long_articles == "reject":
        return record
    warnings: list[str] = []
    bounded = bound_length(record, warnings)
    return dataclasses.replace(bounded, warnings=[*bounded.warnings, *warnings]) if warnings else record


def _bound_url_field(record: Record, problems: list[str]) -> Record:
    """A URL field over NARRATIVE_MAX_URL_CHARS is dropped (with a warning) before anything reads it."""
    url = record.fields.get("url")
    limit = settings.current().max_url_chars
    if url is None or len(str(url)) <= limit:
        return record
    problems.append(f"url is {len(str(url)):,} characters (limit {limit}): dropped")
    return dataclasses.replace(record, fields={k: v for k, v in record.fields.items() if k != "url"})


def bound_fields(title: str | None, source: str | None, problems: list[str]) -> tuple[str | None, str | None]:
    """Title and outlet cut to their limits, each with a warning naming the field."""
    limits = settings.current()
    if title and len(title) > limits.max_title_chars:
        problems.append(f"title is {len(title):,} characters: cut to {limits.max_title_chars}")
        title = title[: limits.max_title_chars].rstrip()
    if source and len(source) > limits.max_outlet_chars:
        problems.append(f"outlet is {len(source):,} characters: cut to {limits.max_outlet_chars}")
        source = source[: limits.max_outlet_chars].rstrip()
    return title, source


def _as_published(evidence: str | None, simp: str, norm: str) -> str | None:
    """Evidence is found in the simplified copy; show it as the text has it (same offsets: aligned)."""
    if not evidence:
        return evidence
    start = simp.find(evidence)
    return norm[start : start + len(evidence)] if start >= 0 else evidence


def _url(record: Record, manifest: ManifestEntry | None) -> str | None:
    return (manifest.url if manifest and manifest.url else None) or _text(record.fields.get("url"))


def _source(record: Record, manifest: ManifestEntry | None, norm: str, simp: str) -> tuple[str | None, str]:
    """The outlet: manifest, the record's own field, an in-text signature or copyright, the URL's domain."""
    if manifest and manifest.source:
        return manifest.source, "manifest"
    if _text(record.fields.get("source")):
        return _text(record.fields.get("source")), "front_matter"
    return find_source(norm, simp, url=_url(record, manifest))


def _drop_outlet_bylines(
    lines: list[str], keep: list[bool], title_line: int | None, source: str | None
) -> None:
    """Short head lines that are the outlet's name ('极客公园', '极客公园汽车组') are bylines."""
    if not source:
        return
    seen = 0
    for index, line in enumerate(lines):
        if line:
            seen += 1
            if seen > 15:
                return
            if index != title_line and len(line) <= len(source) + 8 and line.startswith(source):
                keep[index] = False


def _text(value: object) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _published(
    record: Record,
    clean_simp: str,
    simp_lines: list[str],
    url: str | None,
    manifest: ManifestEntry | None,
    problems: list[str],
    now: date,
    header: dt.DateFinding | None,
    listed: date | None = None,
) -> dt.DateFinding:
    """The first date source that gives an answer, strongest first (see models.PUBLISHED_BASES)."""
    if manifest:
        problems += list(manifest.warnings)
        value = _stated(manifest.published, where="manifest published", warnings=problems, now=now)
        if value:
            return dt.DateFinding(value, "manifest", value, value, f"manifest: {manifest.published}")
    value = _stated(record.fields.get("published"), where="front matter date", warnings=problems, now=now)
    if value:
        return dt.DateFinding(value, "front_matter", value, value, f"date: {record.fields.get('published')}")
    if header and header.published:
        return header
    value = _stated(listed, where="feed date", warnings=problems, now=now) if listed else None
    if value:
        return dt.DateFinding(value, "feed", value, value, f"feed: {listed}")
    value, evidence = dt.url_date(url, today=now)
    if value:
        return dt.DateFinding(value, "url", value, value, evidence)
    if header:
        return header  # a dateline whose day/month order is open: its range, never one reading as fact
    relative = implied.relative_date(clean_simp, simp_lines, today=now)
    if relative:
        return relative
    paragraphs = [line for line in clean_simp.split("\n") if len(line) >= 30]
    year = dt.context_year(clean_simp, now, explicit_only=True)
    event = implied.event_date(paragraphs, year=year, today=now)
    if event:
        return event
    return implied.inferred_range(clean_simp, today=now) or dt.DateFinding()


def _drop_head_chrome(
    lines: list[str], keep: list[bool], title_line: int | None, dateline: int | None
) -> None:
    """Short lines above the headline are navigation, slogans or badges; between it and the dateline, bylines."""
    if title_line is None:
        return
    end = dateline if dateline is not None and dateline > title_line else title_line
    for index in range(end):
        if index != title_line and len(lines[index]) <= _HEAD_CHROME_MAX:
            keep[index] = False


def _drop_datelines(
    simp_lines: list[str], lines: list[str], keep: list[bool], title_line: int | None
) -> None:
    """Datelines in the head ('Time:2025-09-28', '电车Daily 2025-09-19 10:55') are metadata, not text."""
    seen = 0
    for index, line in enumerate(simp_lines):
        if not line:
            continue
        seen += 1
        if seen > 15:
            break
        if index != title_line and len(lines[index]) <= 60 and dt.is_dateline(line):
            keep[index] = False
