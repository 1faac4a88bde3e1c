"""The package as a user gets it: a wheel built from the clone, installed into a fresh virtual environment
with its dependencies (from the indexes pip is configured with), run from a folder that is not the clone.

One environment for the module (the install takes about a minute); each test runs a real `narrative`
command in it. Nothing of the clone is importable there: the venv has no system site-packages and the
commands run with a clean PYTHONPATH from a temporary folder.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
import zipfile
from pathlib import Path

import pytest

from tests.conftest import REPO

pytestmark = pytest.mark.slow


def _run(command: list[str], *, timeout: float = 900, **kwargs) -> subprocess.CompletedProcess:
    result = subprocess.run(command, capture_output=True, text=True, timeout=timeout, **kwargs)
    assert result.returncode == 0, f"{command}: {result.stdout[-2000:]}\n{result.stderr[-4000:]}"
    return result


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    _run([sys.executable, "-m", "pip", "wheel", str(REPO), "--no-deps", "-w", str(out), "-q"])
    (built,) = out.glob("narrative_tone-*.whl")
    return built


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """A fresh venv holding the wheel and its dependencies; a working folder and user data dir outside it."""
    root = tmp_path_factory.mktemp("installed")
    venv = root / "venv"
    _run([sys.executable, "-m", "venv", str(venv)])
    bin_dir = venv / ("Scripts" if os.name == "nt" else "bin")
    _run([str(bin_dir / "python"), "-m", "pip", "install", "-q", str(wheel)], cwd=root)
    work = root / "work"
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NARRATIVE_", "PYTHON"))}
    env |= {"XDG_DATA_HOME": str(root / "xdg"), "HOME": str(root / "home")}
    return {
        "bin": bin_dir,
        "cwd": work,
        "env": env,
        "db": root / "xdg" / "narrative-tone" / "narrative.duckdb",
    }


def narrative(installed: dict, *args: str, **kwargs) -> subprocess.CompletedProcess:
    return _run(
        [str(installed["bin"] / "narrative"), *args], cwd=installed["cwd"], env=installed["env"], **kwargs
    )


def test_the_wheel_holds_the_library_the_dashboard_and_the_run_time_data_only(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for needed in [
        "analysis/cli.py", "analysis/py.typed", "ui/sidebar.py", "ui/charts/main.py", "ui/_entry/app.py",
        "ui/app_pages/overview.py", "ui/_entry/config.toml", "analysis/_data/companies.toml", "analysis/_data/frames.toml",
        "analysis/_data/chrome_patterns.toml", "analysis/_data/lexicons/remi_tw/positive.txt",
        "analysis/_data/prices/1810.HK.csv", "analysis/_data/README.md",
    ]:  # fmt: skip
        assert needed in names, needed
    assert sum(n.startswith("analysis/_data/articles/") for n in names) == 5
    assert not [n for n in names if n.startswith(("tests/", "bench/", "analysis/_data/training/"))]
    assert not [n for n in names if ".duckdb" in n or "__pycache__" in n]


def test_setup_builds_the_database_in_the_user_data_dir_from_the_installed_data(installed: dict) -> None:
    result = narrative(installed, "setup", "--no-snownlp")
    assert "ingested 5 articles from 5 files" in result.stdout
    assert "loaded bundled prices: 1810.HK, HSI" in result.stdout
    assert installed["db"].exists()
    assert not (installed["cwd"] / "data").exists()


def test_classify_scores_text_from_stdin_with_the_installed_lexicons(installed: dict) -> None:
    lines = [
        {"id": "up", "text": "小米股价大涨，市值创历史新高"},
        {"id": "down", "text": "小米股价暴跌，市值蒸发"},
    ]
    result = narrative(
        installed, "classify", "--no-snownlp", input="".join(json.dumps(x) + "\n" for x in lines)
    )
    scores = {row["id"]: row for row in map(json.loads, result.stdout.splitlines())}
    assert scores["up"]["label"] == "positive" and scores["down"]["label"] == "negative"
    assert "market_cap_milestone" in scores["up"]["frames"]


def test_report_reads_the_database_setup_built(installed: dict) -> None:
    narrative(installed, "setup", "--no-snownlp")
    result = narrative(installed, "report", "--format", "json")
    report = json.loads(result.stdout)
    assert report["ticker"] == "1810.HK" and report["articles"]["n"] == 5
    assert report["price"] and report["tone_index"]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_the_dashboard_command_serves_the_installed_app_on_localhost(installed: dict) -> None:
    port = _free_port()
    log = installed["cwd"] / "dashboard.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [str(installed["bin"] / "narrative"), "dashboard", "--port", str(port)],
            cwd=installed["cwd"], env=installed["env"], stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            # A generous bound on start-up only (the first start may build the database); no timing is asserted.
            for _ in range(600):
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as r:
                        assert r.read() == b"ok"
                        break
                except OSError:
                    assert process.poll() is None, log.read_text()[-3000:]
                    time.sleep(0.5)
            else:
                pytest.fail(f"the dashboard did not answer: {log.read_text()[-3000:]}")
        finally:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
    assert f"dashboard on http://127.0.0.1:{port}" in log.read_text()


APP_CHECK = """
import sys
from pathlib import Path
from streamlit.testing.v1 import AppTest

import ui

app = Path(ui.__file__).parent / "_entry" / "app.py"
at = AppTest.from_file(str(app), default_timeout=300).run()
assert not at.exception, [e.value for e in at.exception]
print(at.title[0].value, len(at.get("vega_lite_chart")))
"""


def test_the_installed_app_renders_the_database_with_its_charts(installed: dict) -> None:
    narrative(installed, "setup", "--no-snownlp")
    env = installed["env"] | {"NARRATIVE_DB": str(installed["db"])}
    result = _run([str(installed["bin"] / "python"), "-c", APP_CHECK], cwd=installed["cwd"], env=env)
    title, charts = result.stdout.strip().splitlines()[-1].rsplit(maxsplit=1)
    assert title == "Narrative Tone" and int(charts) > 0
