"""Where the scorer's configuration files live, how they are read, and the hash that versions them."""

from __future__ import annotations

import hashlib
import tomllib
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

from analysis.errors import ConfigError

# Every file the finance scorer reads, relative to the data directory. All of them feed the hash.
SOURCE_LEXICONS = {
    # name: (positive file, negative file); each list counts once toward a word's agreement.
    "jiang2020": ("lexicons/jiang2020/positive.txt", "lexicons/jiang2020/negative.txt"),
    "yao2021_formal": ("lexicons/yao2021/formal_positive.txt", "lexicons/yao2021/formal_negative.txt"),
    "yao2021_informal": ("lexicons/yao2021/informal_positive.txt", "lexicons/yao2021/informal_negative.txt"),
    "remi_tw": ("lexicons/remi_tw/positive.txt", "lexicons/remi_tw/negative.txt"),
}
SOURCE_NEGATION = "lexicons/modifiers/negation.txt"
SOURCE_DEGREE = "lexicons/modifiers/degree.tsv"
ENGLISH_POSITIVE = "lexicons/finance_en/positive.txt"
ENGLISH_NEGATIVE = "lexicons/finance_en/negative.txt"
DOMAIN = {
    "phrases_positive": "lexicons/domain/phrases_positive.txt",
    "phrases_negative": "lexicons/domain/phrases_negative.txt",
    "stoplist": "lexicons/domain/stoplist.txt",
    "negation": "lexicons/domain/negation.txt",
    "degree": "lexicons/domain/degree.tsv",
    "contrast": "lexicons/domain/contrast.tsv",
    "hedges": "lexicons/domain/hedges.txt",
    "speech": "lexicons/domain/speech.txt",
    "boilerplate": "lexicons/domain/boilerplate.txt",
    "quantity": "lexicons/domain/quantity.txt",
}
FRAMES = "frames.toml"
COMPANIES = "companies.toml"


def config_files() -> list[str]:
    """Relative paths of every configuration file, in a fixed order."""
    files = [path for pair in SOURCE_LEXICONS.values() for path in pair]
    files += [SOURCE_NEGATION, SOURCE_DEGREE, ENGLISH_POSITIVE, ENGLISH_NEGATIVE]
    files += list(DOMAIN.values())
    files += [FRAMES, COMPANIES]
    return files


def resolve(data_dir: Path, relative: str) -> Path:
    """The absolute path of a configuration file; ConfigError when it is missing."""
    path = data_dir / relative
    if not path.is_file():
        raise ConfigError(f"{path}: configuration file is missing")
    return path


def read_text(path: Path) -> str:
    """A configuration file's text (UTF-8, BOM tolerated); ConfigError when unreadable."""
    try:
        return path.read_bytes().decode("utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read as UTF-8 text ({exc})") from exc


def read_rows(path: Path, *, comments: bool = True) -> list[tuple[int, list[str]]]:
    """Non-empty lines of a list/TSV file as (line number, TAB-separated fields); '#' lines skipped."""
    rows = []
    for number, line in enumerate(read_text(path).split("\n"), start=1):
        stripped = line.strip()
        if not stripped or (comments and stripped.startswith("#")):
            continue
        fields = [field.strip() for field in line.rstrip("\r").split("\t")]
        rows.append((number, [f for f in fields if f] or [stripped]))
    return rows


def read_weighted(path: Path, *, default: float, comments: bool = True) -> list[tuple[str, float]]:
    """Entries of a 'word[TAB weight]' file; ConfigError naming the line when a weight is not a number."""
    entries = []
    for number, fields in read_rows(path, comments=comments):
        weight = default
        if len(fields) > 1:
            try:
                weight = float(fields[1])
            except ValueError as exc:
                raise ConfigError(f"{path}:{number}: weight {fields[1]!r} is not a number") from exc
        entries.append((fields[0], weight))
    return entries


def read_toml(path: Path) -> dict:
    """A parsed TOML file; ConfigError naming the file and the parser's message when malformed."""
    try:
        return tomllib.loads(read_text(path))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: malformed TOML ({exc})") from exc


def compute_config_hash(
    data_dir: Path, *, version: str, use_snownlp: bool, ticker: str, extra: Sequence[Path] = ()
) -> str:
    """sha256 over every configuration file's bytes, the scoring code, the scorer version, ticker and snownlp switch.

    The code counts too, so a change to a rule or a constant rescores without anyone bumping a version.
    """
    digest = hashlib.sha256()
    digest.update(f"finance {version} snownlp={use_snownlp} ticker={ticker}\n".encode())
    digest.update(scoring_code_digest().encode())
    paths = [(rel, resolve(data_dir, rel)) for rel in config_files()]
    paths += [(f"extra:{p.name}", p) for p in extra]
    for relative, path in paths:
        data = path.read_bytes()
        digest.update(f"{relative}\0{len(data)}\0".encode())
        digest.update(data)
    return digest.hexdigest()


# Modules that only train or describe the models: editing them changes no score.
_NOT_SCORING = {"train.py", "frame_train.py", "training_run.py", "card.py"}


@lru_cache(maxsize=1)
def scoring_code_digest() -> str:
    """A hash of the code that turns text into scores: analysis/scoring/ (less training) and analysis/text/."""
    package = Path(__file__).resolve().parent
    files = sorted(p for p in package.glob("*.py") if p.name not in _NOT_SCORING)
    files += sorted((package.parent / "text").glob("*.py"))
    digest = hashlib.sha256()
    for path in files:
        digest.update(f"{path.parent.name}/{path.name}\0".encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()
