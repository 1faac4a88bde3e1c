"""Turning an emerging narrative into a frame: a new [frames.<name>] table appended to frames.toml, then a rescore.

The block is appended (the file's comments and order stay as the user wrote them) and the file is loaded again
before anything else happens: a block that would break the scorer is taken back out and the error raised.
frames.toml is part of the scoring configuration, so the rescore scores every article under the new file.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from analysis import settings
from analysis.errors import ConfigError
from analysis.frame_names import chinese_names

if TYPE_CHECKING:
    from analysis.store import Store

_NAME = re.compile(r"^[a-z][a-z0-9_]{1,48}$")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def frame_name_for(phrase: str) -> str:
    """A TOML-safe frame name from a phrase: its Latin words, else 'emerging_' and a short hash."""
    words = re.findall(r"[a-z0-9]+", phrase.lower())
    base = "_".join(words)[:32].strip("_")
    digest = hashlib.sha1(phrase.encode("utf-8")).hexdigest()[:6]
    if base and base[0].isalpha() and len(base) >= 4 and phrase.isascii():
        return base
    return f"emerging_{base + '_' if base else ''}{digest}"[:48]


def _toml_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def add_frame(
    phrase: str, *, name: str | None = None, polarity: str = "context", description: str | None = None,
    data_dir: Path | None = None, name_zh: str | None = None,
) -> tuple[str, Path]:  # fmt: skip
    """Append a frame whose pattern is the phrase to frames.toml; returns (name, file). ConfigError when refused.

    Its Chinese name (`name_zh`, what the Chinese dashboard shows) is the one given, else the phrase when it is
    Chinese; an English phrase leaves it out, and the frame reads as its id.
    """
    from analysis.scoring.frames import POLARITIES, FrameMatcher

    phrase = " ".join(phrase.split())
    if len(phrase) < 2:
        raise ConfigError("a frame's phrase needs at least two characters")
    if polarity not in POLARITIES:
        raise ConfigError(f"polarity must be one of {', '.join(POLARITIES)}")
    data_dir = data_dir or settings.current().data_dir
    path = data_dir / "frames.toml"
    before = path.read_text(encoding="utf-8")
    existing = tomllib.loads(before).get("frames", {})
    name = name or frame_name_for(phrase)
    if not _NAME.match(name):
        raise ConfigError(f"frame name {name!r}: lower-case letters, digits and _, starting with a letter")
    if name in existing:
        raise ConfigError(f"{path}: a frame named {name} exists already")
    description = description or f"Emerging narrative “{phrase}”, added {date.today().isoformat()}."
    name_zh = " ".join((name_zh or (phrase if _CJK.search(phrase) else "")).split())
    block = (
        f"\n# Added from an emerging narrative (python -m analysis emerging --make-frame).\n"
        f"[frames.{name}]\npolarity = {_toml_string(polarity)}\n"
        + (f"name_zh = {_toml_string(name_zh)}\n" if name_zh else "")
        + f"description = {_toml_string(description)}\npatterns = [{_toml_string(phrase)}]\n"
    )
    path.write_text(before.rstrip("\n") + "\n" + block, encoding="utf-8")
    try:
        FrameMatcher(data_dir)
        chinese_names(data_dir)
    except (ConfigError, tomllib.TOMLDecodeError) as exc:
        path.write_text(before, encoding="utf-8")
        raise ConfigError(f"{path}: the new frame was refused and taken out ({exc})") from None
    return name, path


def add_frame_and_rescore(
    store: Store, phrase: str, *, name: str | None = None, polarity: str = "context", ticker: str | None = None,
    rescore: bool = True, use_snownlp: bool = True, workers: int | None = None,
) -> dict:  # fmt: skip
    """Add the frame, then score the store under the changed configuration (every article, as the hash changed)."""
    frame, path = add_frame(phrase, name=name, polarity=polarity)
    result: dict = {"frame": frame, "polarity": polarity, "phrase": phrase, "file": str(path)}
    if rescore and store.article_count():
        from analysis.scoring.run import score_store

        summary = score_store(store, ticker=ticker, use_snownlp=use_snownlp, workers=workers)
        result |= {"run_id": summary.run.run_id if summary.run else None, "scored": summary.scored}
    return result
