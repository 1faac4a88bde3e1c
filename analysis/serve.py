"""How `narrative dashboard` starts Streamlit: the installed app entry and its shipped configuration."""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path

from analysis.errors import ConfigError


def dashboard_files() -> tuple[Path, Path]:
    """The Streamlit entry and its config: the installed copies (ui/_entry/), else those of a clone."""
    root = Path(__file__).resolve().parent.parent
    installed = root / "ui" / "_entry"
    if (installed / "app.py").exists():
        return installed / "app.py", installed / "config.toml"
    if (root / "app.py").exists() and (root / "ui").is_dir():
        return root / "app.py", root / ".streamlit" / "config.toml"
    raise ConfigError("the dashboard is not installed (no ui/ package next to analysis/)")


def dashboard_command(*, port: int, address: str) -> list[str]:
    """`streamlit run` on the entry (through ui.serve, which imports the page's modules before the server
    listens), with the shipped config as flags (it is not in the working folder)."""
    app, config = dashboard_files()
    flags: dict[str, str] = {}
    if config.exists():
        for section, values in tomllib.loads(config.read_text(encoding="utf-8")).items():
            for key, value in values.items():
                flags[f"{section}.{key}"] = str(value).lower() if isinstance(value, bool) else str(value)
    flags |= {"server.port": str(port), "server.address": address}
    return [sys.executable, "-m", "ui.serve", str(app), *(f"--{k}={v}" for k, v in flags.items())]
