"""Layer rules: the library never imports Streamlit, the UI or the benchmark; only the store package
(analysis/store/) speaks SQL; the UI (ui/, app.py) reaches the store only through its façade."""

from __future__ import annotations

import ast
import importlib
import pkgutil
import re
import subprocess
import sys
from pathlib import Path

import analysis

ANALYSIS = Path(analysis.__file__).parent
ROOT = ANALYSIS.parent
UI_FILES = sorted((ROOT / "ui").rglob("*.py")) + [ROOT / "app.py"]
# `narrative bench` runs the clone's benchmark; the import is inside that command and fails cleanly when installed.
LAZY_SHELL_IMPORTS = {("cli.py", "bench")}


def imports(path: Path) -> list[tuple[str, list[str]]]:
    """(module, names) for every absolute import in a file, at any depth (lazy imports count)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(alias.name, []) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.module, [alias.name for alias in node.names]))
    return found


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


def test_the_library_never_imports_the_ui_or_the_benchmark():
    offenders = [
        f"{path.relative_to(ANALYSIS)}: {module}"
        for path in ANALYSIS.rglob("*.py")
        for module, _ in imports(path)
        if module.split(".")[0] in {"ui", "bench", "app"}
        and (str(path.relative_to(ANALYSIS)), module.split(".")[0]) not in LAZY_SHELL_IMPORTS
    ]
    assert offenders == []


def test_importing_the_whole_library_loads_no_ui_and_no_benchmark():
    names = [m.name for m in pkgutil.walk_packages([str(ANALYSIS)], prefix="analysis.")]
    code = "import importlib, sys\n" + "".join(f"importlib.import_module({n!r})\n" for n in names)
    code += "loaded = sorted(m for m in sys.modules if m.split('.')[0] in ('ui', 'bench'))\n"
    code += "assert not loaded, loaded\n"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stderr


def test_the_ui_reaches_the_store_only_through_its_facade():
    """ui/ and app.py import public names of analysis.store, never its modules (facts, ...) or duckdb."""
    # The façade's __all__ when it declares one; else what it defines (Store, ArticleFilter, RunInfo,
    # resolve_db_path), not what it imports from its own modules.
    import analysis.store

    facade = set(getattr(analysis.store, "__all__", ())) or {
        node.name
        for node in ast.parse((ANALYSIS / "store" / "__init__.py").read_text(encoding="utf-8")).body
        if isinstance(node, ast.ClassDef | ast.FunctionDef)
    }
    offenders = []
    for path in UI_FILES:
        for module, names in imports(path):
            where = f"{path.relative_to(ROOT)}: {module}"
            if module.startswith("analysis.store.") or module.split(".")[0] == "duckdb":
                offenders.append(where)
            elif module == "analysis.store":
                offenders += [f"{where}.{n}" for n in names if n.startswith("_") or n not in facade]
    assert offenders == []


def test_the_ui_holds_no_sql():
    sql = re.compile(r"\b(SELECT\s+\S+.*\bFROM|INSERT\s+INTO|CREATE\s+TABLE|DELETE\s+FROM)\b")
    assert [str(p.relative_to(ROOT)) for p in UI_FILES if sql.search(p.read_text(encoding="utf-8"))] == []
