"""Lexicon matching, configuration files, the config hash and the scorer's process-level caching."""

from __future__ import annotations

import pickle
import shutil
from pathlib import Path

import pytest

from analysis import DATA_DIR
from analysis.errors import ConfigError, InputError
from analysis.scoring import Scorer, load_scorer
from analysis.scoring.lexicon import normalise_key
from analysis.text import aligned_lower, to_simplified


@pytest.fixture(scope="module")
def scorer():
    return load_scorer(use_snownlp=False)


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A copy of the configuration part of data/ (not the corpus or prices) that a test may edit."""
    target = tmp_path / "data"
    target.mkdir()
    shutil.copytree(DATA_DIR / "lexicons", target / "lexicons")
    shutil.copytree(DATA_DIR / "models", target / "models")
    for name in ("frames.toml", "companies.toml"):
        shutil.copy(DATA_DIR / name, target / name)
    for path in target.rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)  # the bundled copies are read-only
    return target


def tokens(scorer, text: str) -> list[str]:
    lowered = aligned_lower(to_simplified(text))
    return [lowered[s:e] for s, e, _ in scorer.lexicon.match(lowered)]


def test_scorer_identity(scorer):
    assert scorer.name in ("learned", "lexicon") and scorer.version.startswith("2.0.0")
    assert len(scorer.config_hash) == 64


def test_longer_entry_hides_the_words_inside_it(scorer):
    assert tokens(scorer, "信任危机") == ["信任危机"]
    assert "能手" not in tokens(scorer, "智能手机")


def test_english_entries_match_whole_words_only(scorer):
    assert tokens(scorer, "execute") == []
    assert "cut" in tokens(scorer, "analysts cut the target")
    assert "plunged" in tokens(scorer, "shares plunged")  # 'plung*' is a prefix entry


def test_product_alias_may_touch_letters_after_a_digit(scorer):
    lowered = aligned_lower("小米SU7Ultra车型")
    kinds = [entry.entity for _, _, entry in scorer.lexicon.match(lowered)]
    assert "self" in kinds


def test_phrase_and_stop_lists_do_not_contradict_each_other():
    def words(name: str) -> set[str]:
        lines = (DATA_DIR / "lexicons" / "domain" / name).read_text(encoding="utf-8").splitlines()
        return {
            normalise_key(line.split("\t")[0])[0]
            for line in lines
            if line.strip() and not line.startswith("#")
        }

    stop = words("stoplist.txt")
    assert not stop & words("phrases_positive.txt")
    assert not stop & words("phrases_negative.txt")
    assert not words("phrases_positive.txt") & words("phrases_negative.txt")


def test_config_hash_changes_when_frames_toml_changes(data_copy):
    learned_before = load_scorer(data_copy, use_snownlp=False).config_hash
    before = load_scorer(data_copy, use_snownlp=False, scorer="lexicon")
    assert "regulation" not in before.score_text("小米遭遇新的行业风向").frames
    frames = data_copy / "frames.toml"
    frames.write_text(
        frames.read_text(encoding="utf-8").replace('"监管", "監管",', '"监管", "監管", "行业风向",'),
        encoding="utf-8",
    )
    after = load_scorer(data_copy, use_snownlp=False, scorer="lexicon")
    assert after.config_hash != before.config_hash
    assert load_scorer(data_copy, use_snownlp=False).config_hash != learned_before  # both rescore
    assert "regulation" in after.score_text("小米遭遇新的行业风向").frames


def test_config_hash_is_stable_and_covers_the_snownlp_switch(data_copy):
    first = load_scorer(data_copy, use_snownlp=False).config_hash
    assert load_scorer(data_copy, use_snownlp=False).config_hash == first
    assert load_scorer(data_copy, use_snownlp=True).config_hash != first


def test_a_new_tone_model_is_a_new_configuration_and_version(data_copy):
    before = load_scorer(data_copy, use_snownlp=False)
    model = before.model
    model.bias = model.bias + 0.01  # any change to what the model computes
    model.save(data_copy / "models" / "tone.npz")
    after = load_scorer(data_copy, use_snownlp=False)
    assert after.config_hash != before.config_hash and after.version != before.version
    assert load_scorer(data_copy, use_snownlp=False, scorer="lexicon").config_hash != after.config_hash


def test_load_scorer_is_cached_per_process(scorer):
    assert load_scorer(use_snownlp=False) is scorer


def test_scorer_survives_pickling_for_worker_processes(scorer):
    clone = pickle.loads(pickle.dumps(scorer))
    assert isinstance(clone, Scorer)
    assert clone.config_hash == scorer.config_hash
    assert clone.score_text("小米股价暴跌").tone == scorer.score_text("小米股价暴跌").tone


def test_user_supplied_loughran_mcdonald_csv_adds_english_words(data_copy, tmp_path):
    lm = tmp_path / "lm.csv"
    lm.write_text(
        "Word,Seq_num,Negative,Positive\nABYSMAL,1,2009,0\nSTELLAR,2,0,2009\nBOTH,3,2009,2009\n",
        encoding="utf-8",
    )
    plain = load_scorer(data_copy, use_snownlp=False, scorer="lexicon")
    with_lm = load_scorer(data_copy, use_snownlp=False, lm_csv=lm, scorer="lexicon")
    assert plain.score_text("Xiaomi posted abysmal numbers").tone == 0
    assert with_lm.score_text("Xiaomi posted abysmal numbers").tone < 0
    assert with_lm.score_text("Xiaomi posted stellar numbers").tone > 0
    assert with_lm.config_hash != plain.config_hash


def test_csv_that_is_not_loughran_mcdonald_is_a_config_error(data_copy, tmp_path):
    bad = tmp_path / "words.csv"
    bad.write_text("term,score\nabysmal,-1\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="missing columns"):
        load_scorer(data_copy, use_snownlp=False, lm_csv=bad)


def test_missing_config_file_is_a_config_error(data_copy):
    (data_copy / "lexicons" / "domain" / "hedges.txt").unlink()
    with pytest.raises(ConfigError, match="hedges.txt"):
        load_scorer(data_copy, use_snownlp=False)


def test_malformed_frames_toml_is_a_config_error(data_copy):
    (data_copy / "frames.toml").write_text("[frames.x\npolarity = 'bullish'\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="frames.toml"):
        load_scorer(data_copy, use_snownlp=False)


def test_frame_with_unknown_polarity_is_a_config_error(data_copy):
    frames = data_copy / "frames.toml"
    frames.write_text(
        frames.read_text(encoding="utf-8") + '\n[frames.hype]\npolarity = "sideways"\n', encoding="utf-8"
    )
    with pytest.raises(ConfigError, match=r"frames\.hype"):
        load_scorer(data_copy, use_snownlp=False)


def test_bad_weight_names_file_and_line(data_copy):
    phrases = data_copy / "lexicons" / "domain" / "phrases_positive.txt"
    phrases.write_text(phrases.read_text(encoding="utf-8") + "大爆发\tlots\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"phrases_positive\.txt:\d+"):
        load_scorer(data_copy, use_snownlp=False)


def test_unknown_ticker_is_a_config_error():
    with pytest.raises(ConfigError, match="unknown ticker"):
        load_scorer(ticker="NOPE.HK", use_snownlp=False)


def test_any_configured_ticker_can_be_scored():
    tesla = load_scorer(ticker="TSLA", use_snownlp=False)
    sentence = tesla.score_text("特斯拉股价暴跌").sentences[0]
    assert sentence.relevance == 1.0 and sentence.tone < -0.5
    about_xiaomi = tesla.score_text("小米股价暴跌").sentences[0]
    assert about_xiaomi.relevance < 0.5


def test_misaligned_simplified_copy_is_an_input_error(scorer):
    with pytest.raises(InputError, match="text_simplified"):
        scorer.score_article("a1", "小米股價", "小米股价大跌", "zh-Hant")


def test_non_string_text_is_an_input_error(scorer):
    with pytest.raises(InputError, match="text"):
        scorer.score_text(42)


def test_the_scoring_code_is_part_of_the_configuration(tmp_path, monkeypatch):
    from analysis.scoring import config

    before = config.scoring_code_digest()
    source = Path(config.__file__).parent
    shutil.copytree(source, tmp_path / "scoring", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(source.parent / "text", tmp_path / "text", ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(config, "__file__", str(tmp_path / "scoring" / "config.py"))
    config.scoring_code_digest.cache_clear()
    try:
        assert config.scoring_code_digest() == before  # the same code, wherever it lies
        rules = tmp_path / "scoring" / "rules.py"
        rules.write_text(
            rules.read_text(encoding="utf-8").replace("HEDGE = 0.6", "HEDGE = 0.5"), encoding="utf-8"
        )
        config.scoring_code_digest.cache_clear()
        assert config.scoring_code_digest() != before  # a changed constant is a new configuration
        card = tmp_path / "scoring" / "card.py"
        card.write_text(card.read_text(encoding="utf-8") + "\n# a comment\n", encoding="utf-8")
        changed = config.scoring_code_digest()
        config.scoring_code_digest.cache_clear()
        assert config.scoring_code_digest() == changed  # the model card's code scores nothing
    finally:
        config.scoring_code_digest.cache_clear()
