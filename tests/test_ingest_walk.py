"""Every file under a given path is ingested or named with the reason it was skipped; names print escaped."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from analysis.ingest import files as ingest_files
from analysis.ingest.files import list_paths
from analysis.ingest.run import ingest_paths
from analysis.store import Store
from analysis.text.terminal import printable
from tests.conftest import REPO

BODY = "小米集团股价今日大幅波动,市场对其汽车业务的前景看法不一,分析师认为仍需观察交付数据。编号{}。"


def _tricky_folder(root: Path) -> Path:
    """Every kind of entry the walk once passed over without a word, beside a plain good file."""
    folder = root / "in"
    (folder / "sub").mkdir(parents=True)
    elsewhere = root / "elsewhere"
    elsewhere.mkdir()
    for number, path in enumerate([
        folder / "good.txt", folder / "name.txt ", folder / "noext", folder / "sub" / "deep.md",
        elsewhere / "linked.txt", folder / ".hidden.txt", folder / ".git" / "x.txt",
    ]):  # fmt: skip
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(BODY.format(number), encoding="utf-8")
    (folder / "photo.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    (folder / "gone.txt").symlink_to(root / "missing.txt")
    (folder / "linked").symlink_to(elsewhere, target_is_directory=True)
    (folder / "sub" / "loop").symlink_to(folder, target_is_directory=True)
    os.mkfifo(folder / "pipe.txt")  # reading it would block forever
    return folder


def _every_entry(folder: Path) -> set[str]:
    """Every entry under the folder that is not inside a skipped or already-walked folder."""
    return {
        str(folder / "good.txt"), str(folder / "name.txt "), str(folder / "noext"), str(folder / "sub" / "deep.md"),
        str(folder / "linked" / "linked.txt"), str(folder / ".hidden.txt"), str(folder / ".git"),
        str(folder / "photo.png"), str(folder / "gone.txt"), str(folder / "sub" / "loop"), str(folder / "pipe.txt"),
    }  # fmt: skip


def test_every_entry_under_a_folder_is_ingested_or_named_with_why_it_was_skipped(tmp_path):
    folder = _tricky_folder(tmp_path)
    summary = ingest_paths(Store(tmp_path / "walk.duckdb"), [folder], workers=1)
    with Store(tmp_path / "walk.duckdb").connect() as con:
        stored = {row[0] for row in con.execute("SELECT path FROM articles").fetchall()}
    skipped = {p.path: p.reason for p in summary.skipped}
    assert stored == {
        str(folder / n) for n in ("good.txt", "name.txt ", "noext", "sub/deep.md", "linked/linked.txt")
    }
    assert stored | set(skipped) == _every_entry(folder)
    assert "hidden file" in skipped[str(folder / ".hidden.txt")]
    assert "hidden folder" in skipped[str(folder / ".git")]
    assert "not an article file type (.png)" in skipped[str(folder / "photo.png")]
    assert "broken link" in skipped[str(folder / "gone.txt")]
    assert "already read" in skipped[str(folder / "sub" / "loop")]
    assert "not a regular file" in skipped[str(folder / "pipe.txt")]
    assert not summary.problems


def test_a_trailing_space_after_the_extension_keeps_the_files_format(tmp_path):
    (tmp_path / "a.md ").write_text("# 小米标题\n\n" + BODY.format(1), encoding="utf-8")
    summary = ingest_paths(Store(tmp_path / "s.duckdb"), [tmp_path], workers=1)
    with Store(tmp_path / "s.duckdb").connect() as con:
        assert con.execute("SELECT format, title FROM articles").fetchall() == [("md", "小米标题")]
    assert len(summary.added) == 1


def test_an_unreadable_sub_folder_is_named_and_the_rest_is_read(tmp_path, monkeypatch):
    # Tests may run as root, which reads any folder whatever its mode: the walk's own scandir is refused instead.
    (tmp_path / "locked").mkdir()
    (tmp_path / "ok.txt").write_text(BODY.format(1), encoding="utf-8")
    real_scandir = os.scandir

    def scandir(path):
        if Path(path).name == "locked":
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(ingest_files.os, "scandir", scandir)
    listing = list_paths([tmp_path])
    assert listing.files == [tmp_path / "ok.txt"]
    assert [(p.path, p.reason) for p in listing.skipped] == [
        (str(tmp_path / "locked"), "cannot read the folder (Permission denied)")
    ]


def test_an_unreadable_file_is_named_with_the_reason(tmp_path, monkeypatch):
    path = tmp_path / "secret.txt"
    path.write_text(BODY.format(1), encoding="utf-8")
    real = Path.read_bytes

    def read_bytes(self):
        if self.name == "secret.txt":
            raise PermissionError(13, "Permission denied", str(self))
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    summary = ingest_paths(Store(tmp_path / "u.duckdb"), [tmp_path], workers=1)
    assert [str(p) for p in summary.problems] == [f"{path}: cannot read: Permission denied"]


def test_a_named_special_file_or_broken_link_is_skipped_with_a_reason_never_read(tmp_path):
    os.mkfifo(tmp_path / "fifo")
    (tmp_path / "dangling").symlink_to(tmp_path / "nowhere")
    listing = list_paths([tmp_path / "fifo", tmp_path / "dangling"])
    assert listing.files == []
    assert [p.reason.split(" (")[0] for p in listing.skipped] == ["not a regular file", "broken link"]


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("evil\x1b[2J.txt", "evil\\x1b[2J.txt"),
        ("two\nlines.txt", "two\\nlines.txt"),
        ("bell\x07.txt", "bell\\x07.txt"),
        ("gpj\u202eexe.txt", "gpj\\u202eexe.txt"),
        ("c1\x9b31m.txt", "c1\\x9b31m.txt"),
        ("小米 新闻.txt", "小米 新闻.txt"),
    ],
)
def test_names_are_printed_with_terminal_controls_escaped(raw, shown):
    assert printable(raw) == shown


def _cli(db: Path, *args: str) -> subprocess.CompletedProcess:
    env = os.environ | {"NARRATIVE_DB": str(db), "PYTHONPATH": str(REPO)}
    return subprocess.run([sys.executable, "-m", "analysis", *args], capture_output=True, text=True, env=env,
                          cwd=REPO, timeout=300)  # fmt: skip


@pytest.mark.slow
def test_the_cli_names_every_skipped_entry_and_does_not_block_on_a_pipe(tmp_path):
    folder = _tricky_folder(tmp_path)
    result = _cli(tmp_path / "cli.duckdb", "ingest", str(folder))
    assert result.returncode == 0, result.stderr
    for name in (".hidden.txt", ".git", "photo.png", "gone.txt", "loop", "pipe.txt"):
        assert any(line.startswith("skipped: ") and name in line for line in result.stderr.splitlines()), name
    assert "5 articles added" in result.stdout and "6 skipped" in result.stdout
    assert "Traceback" not in result.stderr


@pytest.mark.slow
def test_the_cli_prints_hostile_file_names_escaped_never_raw(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "clear\x1b[2J\x1b[H.txt").write_bytes(b"")  # rejected: empty
    (folder / "fake\nrejected: other.png").write_bytes(b"x")  # skipped: not an article type
    (folder / "ok.txt").write_text(BODY.format(1), encoding="utf-8")
    result = _cli(tmp_path / "n.duckdb", "ingest", str(folder), str(tmp_path / "missing\x1b]0;title\x07"))
    err = result.stderr
    assert "\x1b" not in err and "\x07" not in err
    assert "clear\\x1b[2J\\x1b[H.txt: empty" in err
    assert "fake\\nrejected: other.png" in err
    assert "missing\\x1b]0;title\\x07: no such file or folder" in err
    assert len(err.splitlines()) == 3  # one line per name: a newline in a name never fakes a line
    bad = _cli(
        tmp_path / "n.duckdb", "prices", "import", str(tmp_path / "p\x1b[31m.csv"), "--ticker", "1810.HK"
    )
    assert bad.returncode == 2 and "\x1b" not in bad.stderr and "p\\x1b[31m.csv" in bad.stderr
