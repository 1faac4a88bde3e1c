"""Frame names as the dashboard shows them: the id's words in English, frames.toml's `name_zh` in Chinese.

Frame ids stay the data (scores, filters, exports, URLs); names are only how a frame reads. A frame without a
`name_zh` (one added by hand, or from an emerging narrative without a Chinese phrase) reads as its id.
"""

from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path

from analysis import settings
from analysis.errors import ConfigError

FRAMES_FILE_NAME = "frames.toml"


def frame_words(frame: str | None) -> str:
    """A frame id as words ('market_cap_milestone' → 'market cap milestone'): its English name."""
    return str(frame or "").replace("_", " ")


def chinese_names(data_dir: Path | None = None) -> dict[str, str]:
    """Frame id → its simplified Chinese name (`name_zh` of frames.toml), for the frames that have one."""
    path = (data_dir or settings.current().data_dir) / FRAMES_FILE_NAME
    try:
        stat = path.stat()
    except OSError:
        return {}  # no frames file: every frame reads as its id (the scorer reports the missing file)
    return dict(_parse(path, stat.st_mtime_ns, stat.st_size))


@lru_cache(maxsize=8)
def _parse(path: Path, _mtime_ns: int, _size: int) -> tuple[tuple[str, str], ...]:
    """The file's Chinese names, cached until it changes (mtime and size are part of the key)."""
    try:
        frames = tomllib.loads(path.read_bytes().decode("utf-8-sig")).get("frames", {})
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read the frame names ({exc})") from None
    names = []
    for frame, table in frames.items() if isinstance(frames, dict) else ():
        name = table.get("name_zh") if isinstance(table, dict) else None
        if name is None:
            continue
        if not isinstance(name, str) or not name.strip():
            raise ConfigError(f"{path} [frames.{frame}]: name_zh must be a non-empty string")
        names.append((str(frame), name.strip()))
    return tuple(names)
