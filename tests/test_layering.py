"""Layer rules: the library never imports Streamlit; only the store package (analysis/store/) speaks SQL."""

from __future__ import annotations

import importlib
import pkgutil
import re
import subprocess
import sys
from pathlib import Path

import analysis

ANALYSIS = Path(analysis.__file__).parent


def test_the_library_never_imports_streamlit():
    names = [m.name for m in pkgutil.walk_packages([str(ANALYSIS)], prefix="analysis.")]
    code = "import importlib, sys\n" + "".join(f"importlib.import_module({n!r})\n" for n in names)
    code += "assert 'streamlit' not in sys.modules, 'streamlit imported'\n"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_only_the_store_package_holds_sql():
    """analysis/store/ (the Store and the dashboard's facts queries) is the store layer."""
    sql = re.compile(r"\b(SELECT\s+\S+.*\bFROM|INSERT\s+INTO|CREATE\s+TABLE|DELETE\s+FROM)\b")
    store_layer = set((ANALYSIS / "store").glob("*.py"))
    offenders = [
        str(path.relative_to(ANALYSIS))
        for path in ANALYSIS.rglob("*.py")
        if path not in store_layer and sql.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_every_analysis_module_imports():
    for module in pkgutil.walk_packages([str(ANALYSIS)], prefix="analysis."):
        importlib.import_module(module.name)
