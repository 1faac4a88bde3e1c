"""The public ingest API: paths, manifests, uploads that never crash, records that raise domain errors."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis.errors import EmptyInputError, InputError, NarrativeError
from analysis.ingest import IngestResult, ingest_bytes, ingest_record, iter_paths, load_manifest
from tests.conftest import ingest_one

pytestmark = pytest.mark.usefixtures("pinned_today")  # dates are checked against a pinned today


LEAD = "小米集团股价今日大幅波动,市场对其汽车业务的前景看法不一,分析师认为仍需观察交付数据。"


def test_iter_paths_walks_folders_sorted_and_skips_hidden_files_and_manifests(tmp_path: Path) -> None:
    for name in (
        "b.txt",
        "a.md",
        "sub/c.jsonl",
        ".hidden.txt",
        ".git/x.txt",
        "manifest.csv",
        "photo.png",
        "d.csv",
    ):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")
    single = tmp_path / "photo.png"
    found = [p.relative_to(tmp_path).as_posix() for p in iter_paths([tmp_path, single, tmp_path / "b.txt"])]
    assert found == ["a.md", "b.txt", "d.csv", "sub/c.jsonl", "photo.png"]


def test_manifest_overrides_extracted_metadata(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(f"Time:2025-09-28\n\n{LEAD}\n本文为极客公园原创文章", encoding="utf-8")
    (tmp_path / "manifest.csv").write_text(
        "file,published,source,title\na.txt,2025-10-01,我的来源,我的标题\n", encoding="utf-8"
    )
    manifest = load_manifest(tmp_path)
    assert manifest is not None
    (article,) = ingest_one(tmp_path / "a.txt", manifest=manifest).articles
    assert (article.published, article.published_basis) == (date(2025, 10, 1), "manifest")
    assert (article.source, article.source_basis) == ("我的来源", "manifest")
    assert (article.title, article.title_basis) == ("我的标题", "manifest")


def test_manifest_with_a_bad_date_warns_and_extraction_decides(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(f"Time:2025-09-28\n\n{LEAD}", encoding="utf-8")
    (tmp_path / "manifest.csv").write_text("file,published\na.txt,someday\n", encoding="utf-8")
    result = ingest_one(tmp_path / "a.txt", manifest=load_manifest(tmp_path))
    assert result.articles[0].published_basis == "header"
    assert any("someday" in p.reason and not p.fatal for p in result.problems)


def test_folder_without_manifest_gives_none_and_a_manifest_without_file_column_is_an_error(
    tmp_path: Path,
) -> None:
    assert load_manifest(tmp_path) is None
    (tmp_path / "manifest.csv").write_text("name,published\n", encoding="utf-8")
    with pytest.raises(InputError, match="'file' column"):
        load_manifest(tmp_path)


def test_reingesting_the_same_file_gives_the_same_ids(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text(f"{LEAD}\n{LEAD}", encoding="utf-8")
    assert ingest_one(path).articles[0].id == ingest_one(path).articles[0].id


def test_same_body_with_different_chrome_gets_the_same_id() -> None:
    plain = ingest_record(LEAD, path="a.txt", fmt="txt")
    with_chrome = ingest_record(
        f"登录\n注册\n{LEAD}\n京公网安备 11011402013531号\n微信扫一扫", path="b.txt", fmt="txt"
    )
    assert plain.id == with_chrome.id


def test_ingest_record_raises_domain_errors() -> None:
    with pytest.raises(EmptyInputError, match="no article text"):
        ingest_record("   \n登录\n", path="bulk.csv#3", fmt="csv")
    with pytest.raises(InputError):
        ingest_record(None, path="bulk.csv#4", fmt="csv")  # type: ignore[arg-type]


def test_ingest_record_keeps_raw_text_and_states_fields() -> None:
    article = ingest_record(
        LEAD, path="bulk.jsonl#2", fmt="jsonl", title="标题", url="https://a.com/2025/0301/x"
    )
    assert (article.raw_text, article.path, article.format) == (LEAD, "bulk.jsonl#2", "jsonl")
    assert (article.title, article.title_basis, article.published) == (
        "标题",
        "front_matter",
        date(2025, 3, 1),
    )


NAMES = st.sampled_from(["a.txt", "a.md", "a.html", "a.jsonl", "a.csv", "a.json", "a.bin", "noext"])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.binary(max_size=2000), name=NAMES)
def test_ingest_bytes_never_raises_on_arbitrary_bytes(data: bytes, name: str) -> None:
    result = ingest_bytes(data, name=name)
    assert isinstance(result, IngestResult)
    assert result.articles or result.problems
    for problem in result.problems:
        assert problem.path and problem.reason


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.text(max_size=1500), name=NAMES)
def test_ingest_bytes_never_raises_on_arbitrary_text(text: str, name: str) -> None:
    result = ingest_bytes(text.encode("utf-8", errors="surrogatepass"), name=name)
    for article in result.articles:
        assert len(article.text_simplified) == len(article.text)
        assert article.text.strip()


@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=1500))
def test_ingest_record_raises_only_domain_errors(text: str) -> None:
    try:
        article = ingest_record(text, path="x.txt", fmt="txt")
    except NarrativeError:
        return
    assert len(article.text_simplified) == len(article.text)


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("小米股價 rose\n(xiàn)\ud800\udfff\ufffd\x00。")), max_size=300))
def test_ingest_record_survives_lone_surrogates_and_control_characters(text: str) -> None:
    try:
        article = ingest_record(text, path="x.jsonl#1", fmt="jsonl")
    except NarrativeError:
        return
    article.text.encode("utf-8")
    article.raw_text.encode("utf-8")
