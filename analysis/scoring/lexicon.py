"""One Aho-Corasick automaton over every lexicon, phrase, modifier and company name, built once per process.

Matching is leftmost-longest over the lowercased simplified copy of a text (ahocorasick-rs's
LeftmostLongest: one call returns every match, no Python object per step), so a longer entry hides the shorter ones inside it: '信任危机' hides '信任' and '危机',
the stop-list entry '智能手机' hides '能手'. English entries only match whole words.
"""

from __future__ import annotations

from pathlib import Path

import ahocorasick_rs

from analysis.errors import ConfigError
from analysis.scoring import config
from analysis.text import to_simplified

# Weight of a source-lexicon word by how many of the four source lists agree on it; words one
# list alone holds are often general-language words that mislead in financial news.
AGREEMENT_WEIGHT = {1: 0.35, 2: 0.5, 3: 0.65, 4: 0.75}
LM_WEIGHT = 0.5
ENGLISH_DEFAULT_WEIGHT = 0.8


class Entry:
    """Everything the scorer knows about one surface string."""

    __slots__ = (
        "text",
        "tone",
        "source",
        "negator",
        "degree",
        "contrast",
        "contrast_start",
        "hedge",
        "speech",
        "quantity",
        "entity",
        "prefix",
        "head",
        "tail",
        "length",
    )

    def __init__(self, text: str):
        self.text = text
        self.tone = 0.0  # signed weight; 0 = no sentiment
        self.source = ""  # phrase | english | lm | lexicon
        self.negator = False
        self.degree = 0.0  # multiplier; 0 = not a degree word
        self.contrast: str | None = None  # concede | adversative
        self.contrast_start = False  # contrast only at the start of a sentence/clause
        self.hedge = False
        self.speech = False
        self.quantity = False  # '不足' / '逾' before a number: a comparison, not sentiment
        self.entity: str | None = None  # self | other | market | anaphora
        self.prefix = False  # English 'word*': matches any word starting with text
        self.head = _char_class(text[0])
        self.tail = None if self.prefix else _char_class(text[-1])
        self.length = len(text)

    def __repr__(self) -> str:
        return f"Entry({self.text!r}, tone={self.tone}, neg={self.negator}, deg={self.degree}, ent={self.entity})"


_CLASSES = {c: "L" for c in "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"}
_CLASSES.update({c: "D" for c in "0123456789"})


def _char_class(char: str) -> str | None:
    """'L' for an ASCII letter, 'D' for an ASCII digit, else None: English entries match whole words."""
    return _CLASSES.get(char)


def normalise_key(word: str) -> tuple[str, bool]:
    """The matching key of a configured word (simplified, lowercase) and whether it is a prefix entry."""
    word = to_simplified(word.strip()).lower()
    prefix = word.endswith("*") and len(word) > 1
    return (word[:-1] if prefix else word), prefix


# A token is a plain tuple (start, end, entry): character span in the text and its entry.
# Tuples rather than objects because a long article yields thousands of them.
Token = tuple[int, int, Entry]


class Lexicon:
    """Merged entries and their automaton; `match` returns the leftmost-longest tokens of a text."""

    def __init__(self, entries: dict[str, Entry]):
        self.entries = entries
        keys = list(entries)
        # What matching reads per match, unpacked once (a long text yields thousands of matches).
        self._values = [(e.head, e.tail, e.prefix, e) for e in entries.values()]
        self.automaton = (
            ahocorasick_rs.AhoCorasick(keys, matchkind=ahocorasick_rs.MatchKind.LeftmostLongest)
            if keys
            else None
        )

    def match(self, lowered: str) -> list[Token]:
        """Tokens of a lowercased simplified text, in order; English entries only at word boundaries."""
        if self.automaton is None:
            return []
        tokens: list[Token] = []
        append = tokens.append
        size = len(lowered)
        classes = _CLASSES
        values = self._values
        for index, start, end in self.automaton.find_matches_as_indexes(lowered):
            head, tail, prefix, entry = values[index]
            if head is None and tail is None:  # a CJK entry: no word boundary to check
                append((start, end, entry))
                continue
            if head is not None:
                if start > 0 and classes.get(lowered[start - 1]) == head:
                    continue
                if prefix:
                    while end < size and classes.get(lowered[end]) == "L":
                        end += 1
                elif end < size and tail is not None and classes.get(lowered[end]) == tail:
                    continue
            elif end < size and classes.get(lowered[end]) == tail:
                continue
            append((start, end, entry))
        return tokens


def _entry(entries: dict[str, Entry], word: str) -> Entry:
    key, prefix = normalise_key(word)
    if not key:  # every caller sets a field on the entry: an empty word is a broken list, not a skip
        raise ConfigError(f"lexicon word {word!r} is empty once normalised")
    entry = entries.get(key)
    if entry is None:
        entry = entries[key] = Entry(key)
        entry.prefix = prefix
        entry.tail = None if prefix else entry.tail
    return entry


def _source_tones(data_dir: Path) -> dict[str, float]:
    """Tone of each source-lexicon word: agreement-weighted, conflicting words dropped, single characters skipped."""
    votes: dict[str, list[int]] = {}
    for positive, negative in config.SOURCE_LEXICONS.values():
        for relative, sign in ((positive, 1), (negative, -1)):
            path = config.resolve(data_dir, relative)
            words = [fields[0] for _, fields in config.read_rows(path, comments=False)]
            # One t2s pass over the whole list (the traditional Remi list); other lists are unchanged.
            for word in set(to_simplified("\n".join(words)).lower().split("\n")):
                if len(word) > 1:
                    votes.setdefault(word, []).append(sign)
    tones = {}
    for word, signs in votes.items():
        net = sum(signs)
        if net:
            agreeing = sum(1 for s in signs if (s > 0) == (net > 0))
            tones[word] = (1 if net > 0 else -1) * AGREEMENT_WEIGHT[min(agreeing, 4)]
    return tones


def read_lm_csv(path: Path) -> dict[str, float]:
    """Positive/Negative words of a user-supplied Loughran-McDonald master dictionary CSV (not bundled)."""
    import csv

    try:
        handle = path.open(encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot open the Loughran-McDonald CSV ({exc})") from exc
    with handle:
        reader = csv.DictReader(handle)
        columns = {name.strip().lower(): name for name in (reader.fieldnames or [])}
        missing = [c for c in ("word", "positive", "negative") if c not in columns]
        if missing:
            raise ConfigError(
                f"{path}: not a Loughran-McDonald master dictionary (missing columns {missing})"
            )
        tones = {}
        for row_number, row in enumerate(reader, start=2):
            word = (row.get(columns["word"]) or "").strip().lower()
            try:
                pos = float(row.get(columns["positive"]) or 0)
                neg = float(row.get(columns["negative"]) or 0)
            except ValueError as exc:
                raise ConfigError(f"{path}:{row_number}: Positive/Negative must be numbers") from exc
            if word and bool(pos) != bool(neg):
                tones[word] = LM_WEIGHT if pos else -LM_WEIGHT
    return tones


def build_lexicon(data_dir: Path, entities: dict[str, str], *, lm_csv: Path | None = None) -> Lexicon:
    """Merge every list into one Lexicon. Precedence: entity > domain phrase > stop-list > English > LM > source."""
    entries: dict[str, Entry] = {}
    read = config.read_weighted

    stop = {
        normalise_key(w)[0] for w, _ in read(config.resolve(data_dir, config.DOMAIN["stoplist"]), default=0)
    }

    for word, tone in _source_tones(data_dir).items():
        if word not in stop:
            entry = _entry(entries, word)
            entry.tone, entry.source = tone, "lexicon"
    if lm_csv is not None:
        for word, tone in read_lm_csv(lm_csv).items():
            if word not in stop:
                entry = _entry(entries, word)
                entry.tone, entry.source = tone, "lm"
    for relative, sign in ((config.ENGLISH_POSITIVE, 1), (config.ENGLISH_NEGATIVE, -1)):
        for word, weight in read(config.resolve(data_dir, relative), default=ENGLISH_DEFAULT_WEIGHT):
            if normalise_key(word)[0] not in stop:
                entry = _entry(entries, word)
                entry.tone, entry.source = sign * weight, "english"

    source_negators = [
        w for _, (w, *_) in config.read_rows(config.resolve(data_dir, config.SOURCE_NEGATION), comments=False)
    ]
    for word in source_negators:
        if normalise_key(word)[0] not in stop:
            _entry(entries, word).negator = True
    degree_rows = read(config.resolve(data_dir, config.SOURCE_DEGREE), default=1.0, comments=False)
    degree_rows += read(config.resolve(data_dir, config.DOMAIN["degree"]), default=1.0)
    for word, weight in degree_rows:
        key = normalise_key(word)[0]
        if key not in stop and " ... " not in key:  # HowNet's discontinuous '越 ... 越' cannot be a token
            _entry(entries, word).degree = weight

    for key in stop:
        if len(key) > 1:
            _entry(entries, key)  # neutral blocker: hides shorter words inside it
    for relative, sign in ((config.DOMAIN["phrases_positive"], 1), (config.DOMAIN["phrases_negative"], -1)):
        for word, weight in read(config.resolve(data_dir, relative), default=1.0):
            entry = _entry(entries, word)
            entry.tone, entry.source, entry.negator = sign * weight, "phrase", False

    contrast_path = config.resolve(data_dir, config.DOMAIN["contrast"])
    for number, fields in config.read_rows(contrast_path):
        if len(fields) < 2 or fields[1] not in ("concede", "adversative"):
            raise ConfigError(
                f"{contrast_path}:{number}: expected 'marker<TAB>concede|adversative[<TAB>any|start]'"
            )
        entry = _entry(entries, fields[0])
        entry.contrast, entry.contrast_start = fields[1], len(fields) > 2 and fields[2] == "start"
        entry.degree, entry.negator, entry.tone = 0.0, False, 0.0
    for word, _ in read(config.resolve(data_dir, config.DOMAIN["hedges"]), default=0):
        _entry(entries, word).hedge = True
    for word, _ in read(config.resolve(data_dir, config.DOMAIN["speech"]), default=0):
        _entry(entries, word).speech = True
    for word, _ in read(config.resolve(data_dir, config.DOMAIN["quantity"]), default=0):
        _entry(entries, word).quantity = True

    for name, kind in entities.items():
        entry = _entry(entries, name)
        entry.entity, entry.tone, entry.negator, entry.degree = kind, 0.0, False, 0.0
        entry.hedge = entry.speech = entry.quantity = False
        entry.contrast = None

    for entry in entries.values():
        if entry.tone:  # a HowNet negator that carries tone itself ('缺乏') is a sentiment word
            entry.negator = False
    # The project's negators and shifters ('削弱', 'failed to') negate even when they carry tone.
    for word, _ in read(config.resolve(data_dir, config.DOMAIN["negation"]), default=0):
        entry = _entry(entries, word)
        if entry.entity is None and entry.contrast is None:
            entry.negator = True
    # Single characters with no role left (stop-listed degree words such as '万') only cost time.
    return Lexicon({k: e for k, e in entries.items() if len(k) > 1 or _has_role(e)})


def _has_role(entry: Entry) -> bool:
    return bool(
        entry.tone
        or entry.negator
        or entry.degree
        or entry.contrast
        or entry.hedge
        or entry.speech
        or entry.quantity
        or entry.entity
    )
