"""The opened article's evidence: tone words and frame phrases marked apart, a legend for every colour, and the
sentence picked in the strip highlighted in the text (#12)."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest

from analysis.store import ArticleFilter, Store
from analysis.views import read_article
from tests.test_app import built_db, corpus_db, go, run_app  # noqa: F401  (fixtures)
from ui import charts, markup, sentences

LEGEND_KINDS = {"strip", "frame-bullish", "frame-bearish", "frame-context", "negated", "tone-positive",
                "tone-negative", "sentence"}  # fmt: skip


def _evidence(*rows: tuple) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["start", "end", "polarity", "frame", "negated"])


def test_tone_words_and_frame_phrases_are_marked_apart():
    text = "小米股价大涨，市值突破万亿。"
    marks = markup.highlight_evidence(text, _evidence((0, 2, "bullish", "tone", False),
                                                      (7, 11, "bullish", "market_cap", False)))  # fmt: skip
    tone = re.search(r'<mark style="([^"]+)" class="nt-tone"[^>]*>小米</mark>', marks)
    frame = re.search(r'<mark style="([^"]+)" class="nt-frame"[^>]*>市值突破</mark>', marks)
    assert tone and frame and tone.group(1) != frame.group(1)


def test_the_picked_sentence_is_wrapped_and_splits_a_mark_it_cuts():
    text = "第一句很好。第二句市值突破万亿。"
    evidence = _evidence((4, 11, "bullish", "market_cap", False))  # crosses the sentences' boundary at 6
    html = markup.highlight_evidence(text, evidence, sentence=(6, 16))
    assert html.count('<span class="nt-sentence"') == 1
    inside = re.search(r'<span class="nt-sentence"[^>]*>(.*?)</span>', html).group(1)
    assert re.sub(r"<[^>]+>", "", inside) == text[6:16]
    assert html.count("<mark") == 2  # the mark is cut at the sentence's start, both halves marked
    assert re.sub(r"<[^>]+>", "", html) == text  # nothing lost, nothing doubled
    assert '<span class="nt-sentence"' not in markup.highlight_evidence(text, evidence, sentence=None)


def test_the_legend_wraps_between_its_items_in_a_narrow_column():
    legend = markup.evidence_legend_html("en", search=True)
    items = legend.count('class="nt-legend-item"')
    # Each item is kept whole (nowrap); the space between items is where a line may break.
    assert items > 5 and legend.count('</span> <span class="nt-legend-item"') == items  # after the title too


def test_the_legend_shows_every_colour_the_marks_use():
    legend = markup.evidence_legend_html("en", search=True)
    kinds = set(re.findall(r'data-kind="([^"]+)"', legend))
    assert kinds == LEGEND_KINDS | {"search"}
    text = "利好利空背景否定搜索"
    evidence = _evidence((0, 1, "bullish", "tone", False), (1, 2, "bearish", "tone", False),
                         (2, 3, "bullish", "f", False), (3, 4, "bearish", "f", False), (4, 5, "context", "f", False),
                         (5, 6, "bearish", "f", True), (8, 10, "search", "“搜索”", False))  # fmt: skip
    html = markup.highlight_evidence(text, evidence, sentence=(0, 4))
    used = set(re.findall(r'<mark style="([^;"]+(?:;[^;"]+)*?);padding:0 2px', html))
    used.add(re.search(r'<span class="nt-sentence" style="([^"]+)"', html).group(1))
    shown = set(re.findall(r'<mark style="([^"]+);padding:0 4px', legend))
    assert used <= shown, used - shown
    chinese = markup.evidence_legend_html("zh")
    assert "search" not in chinese and not re.findall(
        r">[^<]*[A-Za-z]{3,}[^<]*<", chinese.replace(">Aa<", "><")
    )


def test_the_strip_outlines_the_picked_sentence_and_selects_by_index():
    frame = pd.DataFrame({"index": [0, 1], "tone": [0.4, -0.6], "label": ["positive", "negative"],
                          "text": ["小米股价大涨。", "事故引发质疑。"]})  # fmt: skip
    spec = charts.sentence_strip_chart(frame, selected=1).to_dict()
    (param,) = spec["params"]
    assert param["name"] == charts.SENTENCE_PICK and param["select"]["fields"] == ["index"]
    assert spec["encoding"]["strokeWidth"]["condition"]["test"] == "datum.index == 1"
    plain = charts.sentence_strip_chart(frame).to_dict()
    assert plain["encoding"]["strokeWidth"]["condition"]["test"] == "false"


def _article_with_tone_and_frame_evidence(db) -> tuple[str, dict]:
    store = Store(db)
    for article_id in store.article_page(ArticleFilter(ticker="1810.HK"), limit=200)["article_id"]:
        detail = read_article(store, article_id, ticker="1810.HK")
        live = detail["evidence"]
        if len(detail["tone_evidence"]) and len(live) and len(detail["sentences"]) >= 3:
            return article_id, detail
    pytest.fail("no bundled article has both tone words and frame phrases")


@pytest.mark.slow
def test_the_article_view_marks_tone_words_and_frames_with_a_legend(corpus_db):  # noqa: F811
    article_id, _ = _article_with_tone_and_frame_evidence(corpus_db)
    at = go(run_app(), "articles")
    at.selectbox(key="article").set_value(article_id).run()
    assert not at.exception
    blocks = [h.value for h in at.html]
    text = next(b for b in blocks if 'class="nt-text"' in b)
    assert 'class="nt-tone"' in text and 'class="nt-frame"' in text
    legend = next(b for b in blocks if 'class="nt-legend"' in b)
    assert set(re.findall(r'data-kind="([^"]+)"', legend)) == LEGEND_KINDS
    assert any("Click a bar" in c.value for c in at.caption)


@pytest.mark.slow
def test_a_sentence_picked_in_the_strip_is_highlighted_in_the_text(corpus_db):  # noqa: F811
    article_id, detail = _article_with_tone_and_frame_evidence(corpus_db)
    sentence = detail["sentences"].iloc[2]
    at = go(run_app(), "articles")
    at.selectbox(key="article").set_value(article_id).run()
    at.session_state[sentences.PICKED_KEY] = {"article": article_id, "index": int(sentence["index"])}
    at.run()
    assert not at.exception
    text = next(h.value for h in at.html if 'class="nt-text"' in h.value)
    inside = re.search(r'<span class="nt-sentence"[^>]*>(.*?)</span>', text).group(1)
    assert re.sub(r"<[^>]+>", "", inside).replace("&quot;", '"') == str(sentence["text"]).replace(
        "&", "&amp;"
    )
    strip = next(c for c in at.get("vega_lite_chart") if sentences.STRIP_KEY in c.proto.id)
    assert f"datum.index == {int(sentence['index'])}" in json.dumps(json.loads(strip.proto.spec))
    assert any(c.value.startswith(f"Sentence {int(sentence['index'])}:") for c in at.caption)
    # another article: nothing of the first one's pick is highlighted
    other = next(i for i in at.selectbox(key="article").options if i != article_id)
    at.selectbox(key="article").set_value(other).run()
    assert not any('class="nt-sentence"' in h.value for h in at.html)
