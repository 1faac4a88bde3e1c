"""Copies of one text: each source's copy kept, the same record never twice, corrections and completions applied.

A text already stored under another outlet or date (a syndicated copy) becomes its own record, linked to the
first copy (duplicate_of: counted once in the tone index, like near-duplicates); its id is the hash of the text,
outlet and date, so ingesting it again adds nothing. With `update`, a stored copy of the same text (the one read
from the same path, else the one with the same outlet and date, else the first) takes the new date, title,
outlet and URL instead. A new text read from the path of a stored one that it completes (the stored text is a
cut-off start of it: the file was still being written) replaces that stored one.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
from collections.abc import Sequence
from dataclasses import dataclass, field

from analysis.models import Article
from analysis.store import Store

# A stored text is a truncated copy of a new one from its path when the new one is longer and shares at least
# this share of the stored text as its start (the cut-off last line may be cleaned differently).
TRUNCATED_SHARE = 0.9
_FIELDS = ("title", "source", "published", "url")


@dataclass
class Resolution:
    """What a batch of new articles comes to, against the store and the earlier articles of the batch."""

    fresh: list[Article] = field(default_factory=list)  # to insert (copies with their own id and link)
    already: list[str] = field(default_factory=list)  # stored ids met again
    updates: list[tuple[str, Article]] = field(default_factory=list)  # (stored id, the corrected article)
    replacements: list[tuple[str, Article]] = field(default_factory=list)  # (truncated id, complete article)
    links: list[dict] = field(default_factory=list)  # copy -> first copy, for the summary


def copy_id(content_hash: str, source: str | None, published: object) -> str:
    """The id of a copy of a stored text from another outlet or date: stable across ingests."""
    key = f"{content_hash}\x1f{source or ''}\x1f{published or ''}"
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


def resolve_copies(store: Store, articles: Sequence[Article], *, update: bool = False) -> Resolution:
    """Sort a batch into new records, copies, records met again, corrections (update) and completions."""
    result = Resolution()
    by_hash: dict[str, list[dict]] = {}
    for row in store.copies_of(sorted({a.content_hash or a.id for a in articles})):
        by_hash.setdefault(row["content_hash"], []).append(row)
    unmatched_paths = sorted({a.path for a in articles if (a.content_hash or a.id) not in by_hash})
    at_path: dict[str, list[dict]] = {}
    for row in store.articles_at_paths(unmatched_paths):
        at_path.setdefault(row["path"], []).append(row)
    for article in articles:
        content_hash = article.content_hash or article.id
        article = dataclasses.replace(article, content_hash=content_hash)
        copies = by_hash.get(content_hash)
        if not copies:
            truncated = _truncated_by(article, at_path.get(article.path, []))
            if truncated:
                result.replacements.append((truncated, article))
                result.links.append({"id": article.id, "path": article.path, "replaces": truncated,
                                     "kind": "completes"})  # fmt: skip
            else:
                result.fresh.append(article)
            by_hash[content_hash] = [_row(article)]
            continue
        same = next(
            (c for c in copies if (c["source"], c["published"]) == (article.source, article.published)), None
        )
        if update:
            target = next((c for c in copies if c["path"] == article.path), None) or same or copies[0]
            if any(target.get(name) != getattr(article, name) for name in _FIELDS):
                result.updates.append((target["id"], article))
                target.update(_row(article) | {"id": target["id"], "path": target["path"]})
            else:
                result.already.append(target["id"])
        elif same is not None:
            result.already.append(same["id"])
        else:
            first = copies[0]
            root = first.get("duplicate_of") or first["id"]
            copy = dataclasses.replace(
                article, id=copy_id(content_hash, article.source, article.published), duplicate_of=root
            )
            result.fresh.append(copy)
            copies.append(_row(copy))
            result.links.append({"id": copy.id, "path": copy.path, "copy_of": first["id"], "source": copy.source,
                                 "published": copy.published, "kind": "identical"})  # fmt: skip
    return result


def _row(article: Article) -> dict:
    return {"id": article.id, "content_hash": article.content_hash, "path": article.path,
            "duplicate_of": article.duplicate_of} | {name: getattr(article, name) for name in _FIELDS}  # fmt: skip


def _truncated_by(article: Article, stored: list[dict]) -> str | None:
    """The id of a stored article from the same path whose text is a cut-off start of this one's."""
    for row in stored:
        old = row["text"] or ""
        if len(article.text) > len(old) and old:
            shared = len(os.path.commonprefix([old, article.text]))
            if shared >= TRUNCATED_SHARE * len(old):
                return row["id"]
    return None
