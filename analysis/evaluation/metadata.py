"""Measure metadata extraction on a labelled set (articles.csv + articles/*.txt): dates and languages.

Run through `narrative eval --articles CSV`, which reports these figures beside the scorer's.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from analysis.errors import InputError
from analysis.ingest.dates import parse_date_value
from analysis.ingest.files import ingest_bytes
from analysis.ingest.manifest import Manifest, ManifestEntry


def _manifest_with_url(name: str, url: str | None) -> Manifest | None:
    """A one-entry manifest carrying only the URL, as a user's sidecar manifest would."""
    if not url:
        return None
    manifest = Manifest(path="<evaluation>")
    manifest.by_name[Path(name).name] = ManifestEntry(file=name, url=url)
    return manifest


def evaluate_metadata(articles_csv: Path, articles_dir: Path, *, use_url: bool = True) -> dict:
    """Ingest each labelled file and compare its published date and language with the truth."""
    with Path(articles_csv).open(encoding="utf-8-sig", newline="") as handle:
        truth_rows = list(csv.DictReader(handle))
    base = Path(articles_dir)
    rows = []
    stated = exact = languages = languages_right = extra = 0
    for truth in truth_rows:
        file = truth["file"]
        path = base / Path(file).name if not (base / file).exists() else base / file
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise InputError(f"cannot read labelled file: {exc.strerror or exc}", path=str(path)) from exc
        manifest = _manifest_with_url(path.name, truth.get("url")) if use_url else None
        result = ingest_bytes(data, name=str(path), manifest=manifest)
        article = result.articles[0] if result.articles else None
        expected = parse_date_value(truth.get("published") or "")
        got = article.published if article else None
        row: dict[str, Any] = {
            "file": file,
            "expected_published": expected.isoformat() if expected else None,
            "published": got.isoformat() if got else None,
            "basis": article.published_basis if article else None,
            "range": [d.isoformat() if d else None for d in (article.published_from, article.published_to)]
            if article
            else None,
            "evidence": article.published_evidence if article else None,
            "expected_language": truth.get("language"),
            "language": article.language if article else None,
            "title": article.title if article else None,
            "source": article.source if article else None,
            "problems": [str(p) for p in result.problems],
        }
        if expected:
            stated += 1
            row["date_right"] = got == expected
            exact += got == expected
        elif got is not None:
            extra += 1  # a date resolved where the truth states none (relative/event): not scored
        if truth.get("language"):
            languages += 1
            row["language_right"] = row["language"] == truth["language"]
            languages_right += row["language_right"]
        rows.append(row)
    return {
        "dates_stated": stated,
        "dates_exact": exact,
        "date_accuracy": exact / stated if stated else None,
        "dates_resolved_where_none_stated": extra,
        "languages": languages,
        "languages_right": languages_right,
        "language_accuracy": languages_right / languages if languages else None,
        "rows": rows,
    }
