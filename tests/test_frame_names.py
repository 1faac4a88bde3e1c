"""Frame names (issue #12): frames.toml's name_zh in the Chinese dashboard (zh-Hant converted), the id's words
in English, the id itself as the fallback; frames made from an emerging narrative get a name too."""

from __future__ import annotations

import json
import re
import tomllib

import pandas as pd
import pytest

from analysis import DATA_DIR
from analysis.errors import ConfigError
from analysis.frame_names import chinese_names
from analysis.narrative.frame_action import add_frame
from tests import test_app
from tests.test_app import chart_frames, go, main_chart, run_app
from ui.labels import frame_list_name, frame_name, named_frames, named_shifts

built_db, corpus_db = test_app.built_db, test_app.corpus_db  # the scored bundled corpus, a copy per test
CJK = re.compile(r"[\u4e00-\u9fff]")


def test_every_bundled_frame_has_a_chinese_name():
    frames = tomllib.loads((DATA_DIR / "frames.toml").read_text(encoding="utf-8"))["frames"]
    names = chinese_names(DATA_DIR)
    assert set(names) == set(frames)
    assert all(CJK.search(name) for name in names.values())


def test_a_frame_reads_in_the_ui_language_and_falls_back_to_its_id():
    assert frame_name("market_cap_milestone", "zh") == "市值里程碑"
    assert frame_name("growth_momentum", "zh-Hant") == "增長動能"
    assert frame_name("growth_momentum", "en") == "growth momentum"
    assert frame_name("not_in_the_file", "zh") == "not in the file"
    assert frame_list_name("trust_crisis;recall_quality", "zh") == "信任危机;召回与质量"
    assert frame_list_name("", "zh") == ""


def test_charts_receive_names_and_the_view_keeps_the_ids():
    points = pd.DataFrame(
        {"dominant_frame": ["trust_crisis", None], "top_frames": ["trust_crisis;regulation", ""]}
    )
    named = named_frames(points, "zh")
    assert named["dominant_frame"].iloc[0] == "信任危机" and pd.isna(named["dominant_frame"].iloc[1])
    assert named["top_frames"].tolist() == ["信任危机;监管", ""]
    assert points["dominant_frame"].iloc[0] == "trust_crisis"  # a copy: the data keeps its ids
    shifts = [{"date": "2025-09-22", "frames_up": ["recall_quality"], "frames_down": ["growth_momentum"]}]
    assert named_shifts(shifts, "zh")[0]["frames_up"] == ["召回与质量"]
    assert shifts[0]["frames_up"] == ["recall_quality"]


def test_an_emerging_frame_is_named_by_its_chinese_phrase_or_read_as_its_id(data_dir):
    name, _ = add_frame("交付延迟", name="delivery_delay")
    assert chinese_names(data_dir)[name] == "交付延迟"
    assert frame_name(name, "zh") == "交付延迟"
    english, _ = add_frame("delivery slip", name="delivery_slip")
    assert english not in chinese_names(data_dir)
    assert frame_name(english, "zh") == "delivery slip"  # the fallback: the id


def test_a_blank_chinese_name_is_a_config_error_naming_the_frame(data_dir):
    path = data_dir / "frames.toml"
    path.write_text(
        path.read_text(encoding="utf-8").replace('name_zh = "监管"', 'name_zh = " "'), encoding="utf-8"
    )
    with pytest.raises(ConfigError, match=r"frames\.regulation.*name_zh"):
        chinese_names(data_dir)
    assert frame_name("regulation", "zh") == "regulation"  # the page shows ids rather than failing


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["zh", "zh-Hant"])
def test_the_chinese_dashboard_names_frames_in_charts_table_and_filter(corpus_db, lang):
    at = run_app()
    at.radio(key="ui_lang").set_value(lang).run()
    at.radio(key="color_by").set_value("dominant_frame").run()
    assert not at.exception
    expected = {frame_name(frame, lang) for frame in chinese_names()}
    points = [f for f in chart_frames(main_chart(at)) if "dominant_frame" in f.columns][0]
    shown = set(points["dominant_frame"].dropna())
    assert shown and shown <= expected
    spec = json.loads(main_chart(at).proto.spec)
    assert "trust_crisis" not in json.dumps(spec, ensure_ascii=False)
    table = at.dataframe[0].value
    listed = {f for value in table["frames"] for f in value.split(", ") if f}
    assert listed and listed <= expected
    frames = at.multiselect(key="frames")
    assert frames.options and all(CJK.search(option) for option in frames.options)
    go(at, "market")
    mix = [c for c in at.get("vega_lite_chart") if "frame" in json.dumps(json.loads(c.proto.spec))]
    frames_drawn = {f for chart in mix for data in chart_frames(chart) if "frame" in data.columns
                    for f in data["frame"]}  # fmt: skip
    assert frames_drawn and frames_drawn <= expected
