"""Near-duplicates: SimHash over character shingles links reposts and mirrors to the earliest copy."""

from __future__ import annotations

from pathlib import Path

import pytest

from analysis.ingest import ingest_bytes, ingest_record, link_near_duplicates, simhash64
from analysis.ingest.dedup import NEAR_DUPLICATE_BITS, hamming

pytestmark = pytest.mark.usefixtures("pinned_today")  # dates are checked against a pinned today


CORPUS = Path(__file__).resolve().parents[1] / "data" / "articles"


def seed_bytes(prefix: str) -> bytes:
    (path,) = CORPUS.glob(f"{prefix}_*.txt")
    return path.read_bytes()


def test_simhash_is_deterministic_and_fits_a_signed_bigint() -> None:
    value = simhash64("小米集团股价强势飙升,总市值突破1万亿港元。" * 20)
    assert value == simhash64("小米集团股价强势飙升,总市值突破1万亿港元。" * 20)
    assert -(2**63) <= value < 2**63
    assert simhash64("") == 0


def test_simhash_ignores_spacing_punctuation_and_case() -> None:
    assert simhash64("Xiaomi shares, fell 5%!") == simhash64("xiaomi   shares fell 5%")


def test_a_mirror_with_different_chrome_is_linked_to_the_first_copy() -> None:
    original = ingest_bytes(seed_bytes("003"), name="site-a/003.txt").articles[0]
    mirror_text = seed_bytes("003").decode("utf-8").replace("首页 > 全部资讯 > 行业新闻 > ", "Home > News > ")
    mirror_text = (
        "移动版\n" + mirror_text.replace("芯达茂广告F 芯达茂广告F", "广告") + "\n京ICP备12345678号\n"
    )
    mirror_text = mirror_text.replace("开创工业转型升级的新纪元。", "开创工业转型升级的新纪元。(转载)")
    mirror = ingest_bytes(mirror_text.encode(), name="site-b/003.txt").articles[0]
    assert mirror.id != original.id
    assert hamming(mirror.simhash, original.simhash) <= NEAR_DUPLICATE_BITS
    linked = link_near_duplicates([original, mirror])
    assert linked[0].duplicate_of is None
    assert linked[1].duplicate_of == original.id


def test_a_traditional_repost_is_linked_through_the_simplified_copy() -> None:
    text = "小米集团股价今日大幅波动,市场对其汽车业务的前景看法不一,分析师认为仍需观察交付数据。" * 6
    import opencc

    traditional = opencc.OpenCC("s2t").convert(text)
    a = ingest_record(text, path="a.txt", fmt="txt")
    b = ingest_record(traditional, path="b.txt", fmt="txt")
    assert a.language == "zh-Hans" and b.language == "zh-Hant"
    assert link_near_duplicates([a, b])[1].duplicate_of == a.id


def test_different_articles_on_the_same_company_are_not_linked() -> None:
    articles = [
        ingest_bytes(seed_bytes(p), name=f"{p}.txt").articles[0] for p in ("000", "001", "002", "003", "004")
    ]
    assert [a.duplicate_of for a in link_near_duplicates(articles)] == [None] * 5


def test_known_articles_in_the_database_win() -> None:
    article = ingest_bytes(seed_bytes("001"), name="001.txt").articles[0]
    (linked,) = link_near_duplicates([article], known=[("0123456789abcdef", article.simhash ^ 0b101)])
    assert linked.duplicate_of == "0123456789abcdef"


def test_the_same_body_again_is_not_its_own_duplicate() -> None:
    article = ingest_bytes(seed_bytes("001"), name="001.txt").articles[0]
    linked = link_near_duplicates([article, article], known=[])
    assert [a.duplicate_of for a in linked] == [None, None]
    (again,) = link_near_duplicates([article], known=[(article.id, article.simhash)])
    assert again.duplicate_of is None


def test_chains_point_at_the_earliest_copy() -> None:
    base = ingest_bytes(seed_bytes("002"), name="002.txt").articles[0]
    import dataclasses

    second = dataclasses.replace(base, id="b" * 16, simhash=base.simhash ^ 0b11)
    third = dataclasses.replace(base, id="c" * 16, simhash=base.simhash ^ 0b1111)
    linked = link_near_duplicates([base, second, third])
    assert [a.duplicate_of for a in linked] == [None, base.id, base.id]
