"""The benchmark: its synthetic corpus is deterministic and realistic, and a tiny run reports every figure."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from bench import synthetic
from bench.measure import percentile
from bench.report import update_benchmarks_md
from bench.run import REQUIRED_KEYS, run_benchmark
from bench.vocabulary import load_vocabulary

pytestmark = pytest.mark.slow  # a benchmark run on a generated corpus

N = 2_000


@pytest.fixture(scope="module")
def articles() -> list[synthetic.SyntheticArticle]:
    return [synthetic.generate_article(i) for i in range(N)]


def _digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}  # fmt: skip


def test_same_seed_writes_byte_identical_corpus(tmp_path):
    first = synthetic.write_corpus(tmp_path / "a", 120, reuse=False)
    second = synthetic.write_corpus(tmp_path / "b", 120, reuse=False)
    assert _digest(first.files_dir) == _digest(second.files_dir)
    assert first.bytes == second.bytes > 0


def test_another_seed_gives_another_corpus():
    assert synthetic.generate_article(3, seed=1).body != synthetic.generate_article(3, seed=2).body


def test_article_depends_only_on_seed_and_index_so_quick_corpus_is_a_prefix(tmp_path):
    small = synthetic.write_corpus(tmp_path / "s", 60, reuse=False)
    large = synthetic.write_corpus(tmp_path / "l", 130, reuse=False)
    small_rows = (small.files_dir / "jsonl" / "shard_00000.jsonl").read_text().splitlines()
    large_rows = (large.files_dir / "jsonl" / "shard_00000.jsonl").read_text().splitlines()
    assert large_rows[: len(small_rows)] == small_rows


def test_languages_are_about_60_25_15_percent(articles):
    counts = Counter(a.language for a in articles)
    for language, share in synthetic.LANGUAGE_WEIGHTS.items():
        assert abs(counts[language] / N - share) < 0.04, (language, counts)


def test_traditional_articles_are_written_in_traditional_script(articles):
    hant = next(a for a in articles if a.language == "zh-Hant" and "小米" in "".join(a.paragraphs[0]))
    assert "小米" in hant.body
    assert any(c in hant.body for c in "與為們這們發說經報點億") or "集團" in hant.body


def test_two_percent_are_near_duplicates_of_earlier_articles(articles):
    duplicates = [a for a in articles if a.duplicate_of is not None]
    assert 0.018 * N <= len(duplicates) <= 0.02 * N
    kinds = Counter()
    for dup in duplicates:
        original = articles[dup.duplicate_of]
        assert dup.duplicate_of < dup.index
        original_sentences = [s for p in original.paragraphs for s in p]
        dup_sentences = [s for p in dup.paragraphs for s in p]
        same = sum(a == b for a, b in zip(original_sentences, dup_sentences, strict=True))
        assert same >= len(original_sentences) - 1
        kinds["same body" if same == len(original_sentences) else "one sentence changed"] += 1
    assert kinds["same body"] and kinds["one sentence changed"]


def test_twenty_outlets_and_dates_over_two_years(articles):
    assert len({a.outlet for a in articles}) == 20
    dates = [a.published for a in articles]
    assert min(dates) >= date(2024, 1, 1) and max(dates) <= date(2025, 12, 31)
    assert {d.year for d in dates} == {2024, 2025}
    assert len({(d.year, d.month) for d in dates}) == 24


def test_articles_are_about_2000_characters(articles):
    lengths = [len(a.body) for a in articles]
    assert 1800 <= sum(lengths) / len(lengths) <= 2400
    assert min(lengths) >= 1200


def test_sentences_rarely_repeat_so_caches_are_not_flattered(articles):
    sentences = [s for a in articles[:300] if a.duplicate_of is None for p in a.paragraphs for s in p]
    assert len(set(sentences)) / len(sentences) > 0.9


def test_corpus_is_real_files_jsonl_shards_markdown_and_text(tmp_path):
    info = synthetic.write_corpus(tmp_path, 1_100, reuse=False)
    shards = sorted((info.files_dir / "jsonl").glob("*.jsonl"))
    rows = [json.loads(line) for shard in shards for line in shard.read_text().splitlines()]
    assert all(len(s.read_text().splitlines()) <= synthetic.SHARD_ROWS for s in shards)
    assert {"title", "source", "date", "url", "text"} <= set(rows[0])
    md = next((info.files_dir / "md").glob("*.md")).read_text()
    assert md.startswith("---\ntitle:") and "\ndate: 20" in md
    txt = next((info.files_dir / "txt").glob("*.txt")).read_text()
    assert "来源" in txt or "來源" in txt or "Time:" in txt or ", 202" in txt
    assert len(rows) + info.formats.get("md", 0) + info.formats.get("txt", 0) == info.n_articles
    assert sum(info.formats.values()) == info.n_articles == 1_100


def test_page_chrome_surrounds_the_body(articles):
    chrome = [a for a in articles if a.header and a.footer]
    assert len(chrome) == N
    text = synthetic.render_text(articles[0])
    assert (
        text.index(articles[0].header[0]) < text.index(articles[0].body) < text.index(articles[0].footer[-1])
    )


def test_complete_corpus_is_reused_not_rewritten(tmp_path):
    first = synthetic.write_corpus(tmp_path, 50)
    marker = first.files_dir / "jsonl" / "shard_00000.jsonl"
    stamp = marker.stat().st_mtime_ns
    again = synthetic.write_corpus(tmp_path, 50)
    assert again.bytes == first.bytes and marker.stat().st_mtime_ns == stamp


def test_changed_copies_are_one_percent_with_one_sentence_edited(tmp_path):
    path, rows, size = synthetic.write_changed_copies(tmp_path, 1_000, round_=0)
    lines = path.read_text().splitlines()
    assert rows == len(lines) == 10 and size == path.stat().st_size
    for line in lines:
        row = json.loads(line)
        index = int(row["id"].split("-")[1])
        original = json.loads(synthetic.render_json_row(synthetic.generate_article(index)))
        assert row["text"] != original["text"]
        assert row["title"] == original["title"]
    other, _, _ = synthetic.write_changed_copies(tmp_path, 1_000, round_=1)
    assert other.read_text() != path.read_text()


def test_vocabulary_reads_frame_patterns_from_frames_toml(tmp_path):
    (tmp_path / "frames.toml").write_text(
        '[frames.x]\npolarity = "bullish"\ndescription = "A test."\n'
        'patterns = ["测试短语", "股价…新高", "recall*", "a(b|c)"]\nweak = ["rally"]\n',
        encoding="utf-8",
    )
    vocab = load_vocabulary(tmp_path)
    assert "测试短语" in vocab.frames_zh and "股价…新高" in vocab.frames_zh
    assert "recall" in vocab.frames_en and "rally" in vocab.frames_en
    assert not any("(" in p for p in vocab.frames_en + vocab.frames_zh)


def test_vocabulary_digest_changes_with_the_data(tmp_path):
    bundled = load_vocabulary()
    (tmp_path / "frames.toml").write_text('[frames.x]\npatterns = ["完全不同的短语"]\n', encoding="utf-8")
    assert load_vocabulary(tmp_path).digest != bundled.digest


def test_percentile_is_nearest_rank():
    values = list(range(1, 101))
    assert percentile(values, 50) == 50
    assert percentile(values, 95) == 95
    assert percentile([7.0], 95) == 7.0


def _fake_results(n: int, quick: bool) -> dict:
    from bench.report import evaluate_targets

    results = {key: 1.0 for key in REQUIRED_KEYS} | {
        "articles": n, "quick": quick, "use_snownlp": True, "date": "2025-01-01T00:00:00",
        "machine": {"cpu_count": 2, "cpu_model": "Test CPU", "memory_mb": 24_000},
        "git": {"commit": "abc", "dirty": False}, "repeats": {"scorer": 3, "incremental": 3, "queries": 30},
        "ingest_score_store_s": 10.0, "incremental_share_of_full": 0.01, "peak_score_rss_mb": 500,
    }  # fmt: skip
    results["targets"] = evaluate_targets(results)
    return results


def test_benchmarks_md_keeps_hand_written_text_and_one_column_per_corpus_size(tmp_path):
    path = tmp_path / "BENCHMARKS.md"
    path.write_text("# Benchmarks\n\nHow we measure.\n\n<!-- bench:results:begin -->\nold\n<!-- bench:results:end -->\n"
                    "\nTrailing notes.\n")  # fmt: skip
    update_benchmarks_md(path, _fake_results(2_000, True))
    update_benchmarks_md(path, _fake_results(100_000, False))
    update_benchmarks_md(path, _fake_results(2_000, True))
    text = path.read_text()
    assert text.startswith("# Benchmarks\n\nHow we measure.") and text.rstrip().endswith("Trailing notes.")
    header = next(line for line in text.splitlines() if line.startswith("| figure |"))
    assert header.count("N=2,000 (quick)") == 1 and header.count("N=100,000") == 1
    assert "old" not in text


def test_a_stale_column_can_be_dropped_keeping_the_others(tmp_path):
    from bench.report import drop_column

    path = tmp_path / "BENCHMARKS.md"
    path.write_text("# Benchmarks\n\n<!-- bench:results:begin -->\n<!-- bench:results:end -->\nNotes.\n")
    update_benchmarks_md(path, _fake_results(2_000, True))
    update_benchmarks_md(path, _fake_results(100_000, False))
    drop_column(path, "N=2,000 (quick)")
    header = next(line for line in path.read_text().splitlines() if line.startswith("| figure |"))
    assert "N=2,000" not in header and "N=100,000" in header
    assert path.read_text().endswith("Notes.\n")


def test_time_target_is_projected_to_100k_articles():
    verdict = _fake_results(2_000, True)["targets"]["ingest_score_store_s"]
    assert verdict["projected_to_100k"] == 500.0 and verdict["met"] is False


def test_tiny_benchmark_reports_every_required_key_and_writes_results(tmp_path):
    results = run_benchmark(n_articles=60, quick=True, use_snownlp=False, out_dir=tmp_path,
                            work_dir=tmp_path / "work")  # fmt: skip
    for key in REQUIRED_KEYS:
        assert results[key] is not None, key
    written = json.loads((tmp_path / "results.json").read_text())
    assert written["articles"] == 60 and set(REQUIRED_KEYS) <= set(written)
    assert written["reconfigured_rescored_all"] is True
    assert written["machine"]["cpu_count"] >= 1
    assert "N=60 (quick)" in (tmp_path / "BENCHMARKS.md").read_text()
    assert not any(p.name.startswith("run-") for p in (tmp_path / "work").iterdir())
