"""The Posture page under AppTest: every tab draws on the demo; bad input shows an error."""

from __future__ import annotations

import html
import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from conftest import page_map_html, sha256, shown_table

ROOT = Path(__file__).parents[1]
PAGE = "ui/posture_page.py"
TABS = {"completeness": "Thành phần", "depth": "Chiều sâu", "support": "Hỗ trợ lẫn nhau",
        "nearest": "Căn cứ gần nhất", "hazards": "Thiên tai"}


def run_page(project: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("KVPT_PROJECT", str(project))
    return AppTest.from_file(str(ROOT / PAGE), default_timeout=60).run()


def open_tab(at: AppTest, name: str) -> AppTest:
    """Select a tab (the tabs are lazy: only the open one runs) and rerun."""
    at.session_state["posture_tab_vi"] = TABS[name]
    return at.run()


def frame_with(at: AppTest, column: str):
    return shown_table(at, column)


def test_every_tab_draws_on_the_demo(demo_project: Path,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    before = sha256(demo_project)
    at = run_page(demo_project, monkeypatch)
    assert not at.exception and not at.error
    assert at.title[0].value == "Thế trận"
    assert [t.label for t in at.tabs] == list(TABS.values())
    units = frame_with(at, "completeness_pct")
    assert len(units) == 238
    districts = units[units["level"] == "huyện"]
    assert districts["has_combat_base"].all() and not districts["complete"].all()
    downloads = set()
    checks = {
        "depth": ("outside_province", lambda f: set(f["band"]) <= {"0–10", "10–30", "30–60",
                                                                   "> 60"}),
        "support": ("component_size", lambda f: f["component"].min() == 1),
        "nearest": ("road_time_min", lambda f: len(f) == 226 and f["road_time_min"].notna()
                    .all()),
        "hazards": ("zone_name", lambda f: "Địa điểm di chuyển" in set(f["kind"])),
    }
    for name, (column, check) in checks.items():
        open_tab(at, name)
        assert not at.exception and not at.error, name
        assert check(frame_with(at, column)), name
        assert "L.map(" in map_script(at), name
        keys = {b.key for b in at.get("download_button")} - {"brief_posture_pdf"}
        assert len(keys) == 1, keys  # the tab's CSV, beside the brief of the whole page
        downloads |= keys
    assert downloads == {"posture_depth_csv", "posture_support_csv", "posture_nearest_csv",
                         "posture_hazards_csv"}
    assert sha256(demo_project) == before


def map_script(at: AppTest) -> str:
    """The HTML page of the one Folium map on the page."""
    return page_map_html(at)


def in_script(label: str, script: str) -> bool:
    """Whether ``label`` is in a map script: HTML-escaped, then as Jinja's ``tojson`` writes it."""
    text = json.dumps(html.escape(label))[1:-1]
    for char, code in (("&", "\\u0026"), ("<", "\\u003c"), (">", "\\u003e"),
                       ("'", "\\u0027")):
        text = text.replace(char, code)
    return text in script


def test_nearest_map_classes_follow_the_mode(demo_project: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    at = open_tab(run_page(demo_project, monkeypatch), "nearest")
    table = frame_with(at, "road_time_min")
    script = map_script(at)
    minutes = table["road_time_min"]
    classes = {"0–15 phút": minutes <= 15, "15–30 phút": (minutes > 15) & (minutes <= 30),
               "30–60 phút": (minutes > 30) & (minutes <= 60), "> 60 phút": minutes > 60}
    assert sum(int(c.sum()) for c in classes.values()) == len(table) == 226
    for label, members in classes.items():  # a class is drawn when it has a commune
        assert in_script(label, script) == bool(members.any()), label
    assert classes["> 60 phút"].any() and classes["15–30 phút"].any()
    at.checkbox(key="posture_nearest_road").uncheck().run()
    assert (frame_with(at, "distance_m")["road_time_min"] == "").all()
    script = map_script(at)
    assert in_script("5–10 km", script) and not in_script("15–30 phút", script)


def test_inputs_change_the_results(demo_project: Path,
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    at = run_page(demo_project, monkeypatch)
    at.multiselect(key="posture_req_district").set_value(["combat_base"]).run()
    districts = frame_with(at, "completeness_pct").query("level == 'huyện'")
    assert districts["complete"].all()
    open_tab(at, "depth")
    at.text_input(key="posture_bands").set_value("5, 20").run()
    assert not at.exception and not at.error
    assert set(frame_with(at, "outside_province")["band"]) <= {"0–5", "5–20", "> 20"}
    at.text_input(key="posture_bands").set_value("30, 10").run()
    assert not at.exception
    assert "10, 30, 60" in at.error[0].value
    open_tab(at, "support")
    at.radio(key="posture_support_mode").set_value(True).run()
    assert not at.exception and not at.error
    assert frame_with(at, "component_size")["component"].max() > 1


def test_language_switch_and_missing_project(demo_project: Path, tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    at = run_page(demo_project, monkeypatch)
    at.sidebar.radio(key="lang_choice").set_value("en").run()
    assert at.title[0].value == "Posture"
    assert not at.exception
    assert at.tabs[0].label == "Completeness"
    missing = run_page(tmp_path / "missing.gpkg", monkeypatch)
    assert not missing.exception
    assert "kvpt demo" in missing.warning[0].value


def test_a_level_without_requirements_says_why(demo_project: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    at = run_page(demo_project, monkeypatch)
    assert not any("chưa có thành phần bắt buộc" in i.value for i in at.info)
    at.radio(key="posture_level").set_value("commune").run()
    assert not at.exception
    assert any("Cấp xã chưa có thành phần bắt buộc" in i.value for i in at.info)
    at.multiselect(key="posture_req_commune").set_value(["combat_base"]).run()
    assert not any("chưa có thành phần bắt buộc" in i.value for i in at.info)


def test_missing_components_are_named_in_the_interface_language(
        demo_project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from layers.kinds import KINDS
    from ui.tables import header

    at = run_page(demo_project, monkeypatch)
    at.multiselect(key="posture_req_commune").set_value(
        ["combat_base", "key_defense_area", "combat_commune"]).run()
    assert not at.exception
    shown = next(d.value for d in at.dataframe if header("missing", "vi") in d.value.columns)
    named = {k for cell in shown[header("missing", "vi")] for k in cell.split(", ") if k}
    # every commune lacks something (the demo designates no combat commune): each named
    # as people read it, never as its code
    assert "xã chiến đấu" in named
    assert named <= {KINDS["combat_base"].label("vi"), KINDS["key_defense_area"].label("vi"),
                     "xã chiến đấu"}
