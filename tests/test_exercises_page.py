from __future__ import annotations

import json
import re
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from conftest import DATA, page_map_html, sha256, shown_table, without_exercises
from geo import exercises as ex
from layers import records as rec
from layers.store import NewLayer, ProjectStore
from planning import exercises as planning_exercises
from planning.project import Project

ROOT = Path(__file__).parents[1]
PAGE = "ui/exercises_page.py"
FIXTURE = DATA / "exercises_fictional.csv"
RECORDS, PLAN, TARGETS = "Kết quả diễn tập", "Kế hoạch luân phiên", "Chỉ tiêu"

@pytest.fixture
def demo_project(demo_project: Path) -> Path:
    """The demo copy with no exercise records: these tests import their own."""
    return without_exercises(demo_project)



def import_fixture(project: Path) -> None:
    """Import the fictional exercise records, checked against the project's communes."""
    planning_exercises.import_records(Project(ProjectStore(project)), FIXTURE)


def page(project: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("KVPT_PROJECT", str(project))
    return AppTest.from_file(str(ROOT / PAGE), default_timeout=60).run()


def frame_with(at: AppTest, column: str) -> pd.DataFrame:
    """The page table showing ``column`` (headers back to column names, values as shown)."""
    return shown_table(at, column)


def test_page_plan_and_targets_on_the_demo(demo_project: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    before = sha256(demo_project)
    at = page(demo_project, monkeypatch)
    assert not at.exception
    assert at.title[0].value == "Diễn tập & chỉ tiêu"
    assert [t.label for t in at.tabs] == [RECORDS, PLAN, TARGETS]
    assert at.data_editor(key="ex_editor_0").value.empty  # the demo has no records
    assert not at.number_input  # only the open tab runs
    at.session_state["ex_tab"] = PLAN
    at.run()
    summary = frame_with(at, "districts_covered")
    assert summary["planned"].tolist() == [46] * ex.cycle_years()
    assert at.number_input(key="plan_years").value == 5
    at.number_input(key="plan_years").set_value(3).run()
    at.selectbox(key="plan_year").set_value(at.selectbox(key="plan_year").options[2]).run()
    assert not at.exception
    chosen = frame_with(at, "waited_years")
    year = int(at.selectbox(key="plan_year").value)
    assert (chosen["year"] == year).all() and len(chosen) == 46
    at.radio(key="plan_kind").set_value("district").run()
    assert not at.exception
    plan = frame_with(at, "waited_years")
    assert plan["year"].between(2026, 2030).all() and plan["unit_code"].nunique() == 11
    assert len(plan) == 11  # once each in the period
    at.session_state["ex_tab"] = TARGETS
    at.run()
    province = frame_with(at, "target_max")
    # rows in MEASURES order; the training grounds (seed 003's build-progress reading): the
    # demo's three grounds are on average 24 % built, within 20-30 %
    assert province["status"].tolist()[4] == "đạt"
    assert province["status"].tolist()[1] == "dưới chỉ tiêu"  # no district exercise yet
    districts = frame_with(at, "base_completion")
    assert len(districts) == 11
    at.sidebar.radio(key="lang_choice").set_value("en").run()
    assert at.title[0].value == "Exercises & targets"
    assert sha256(demo_project) == before


def test_data_editor_save_and_bad_edit(demo_project: Path,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    store = ProjectStore(demo_project)
    import_fixture(demo_project)
    at = page(demo_project, monkeypatch)
    shown = at.data_editor(key="ex_editor_0").value
    assert len(shown) == 94
    at.session_state["ex_editor_0"] = {
        "edited_rows": {0: {"result": "Trung bình"}},
        "added_rows": [{"commune_code": "2090101", "year": 2023, "type": "civil_defense"}],
        "deleted_rows": [1]}
    at.button(key="ex_save").click().run()
    assert not at.exception and not at.error
    assert "94" in at.success[0].value
    stored = rec.read_exercises(store)
    assert len(stored) == 94
    assert shown.loc[1, "commune_code"] not in set(stored.loc[stored["year"] == 2024,
                                                              "commune_code"])
    added = stored[(stored["commune_code"] == "2090101") & (stored["year"] == 2023)]
    assert added[["type", "commune_name", "district_code"]].values.tolist() == [
        ["civil_defense", "Phường Hoàng Văn Thụ", "178"]]
    first = stored[(stored["commune_code"] == shown.loc[0, "commune_code"])
                   & (stored["year"] == shown.loc[0, "year"])]
    assert first["result"].tolist() == ["Trung bình"]
    # the editor now starts afresh from the stored rows
    assert len(at.data_editor(key="ex_editor_1").value) == 94
    # a bad edit: an error on the page, the store unchanged
    before = sha256(demo_project)
    at.session_state["ex_editor_1"] = {"edited_rows": {2: {"year": 1800}}, "added_rows": [],
                                       "deleted_rows": []}
    at.button(key="ex_save").click().run()
    assert not at.exception
    assert "hàng 3: năm 1800" in at.error[0].value  # issue #8: in the page's language
    assert sha256(demo_project) == before


def test_csv_upload(demo_project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = page(demo_project, monkeypatch)
    before = sha256(demo_project)
    bad = b"commune_code,year,type\n123,2024,commune_combat_defense\n"
    at.file_uploader(key="ex_upload").set_value(("bad.csv", bad, "text/csv")).run()
    at.button(key="ex_import").click().run()
    assert not at.exception
    assert "bad.csv dòng 2: không có xã nào mang mã '123'" in at.error[0].value
    assert sha256(demo_project) == before
    at.file_uploader(key="ex_upload").set_value(("ok.csv", FIXTURE.read_bytes(),
                                                 "text/csv")).run()
    at.button(key="ex_import").click().run()
    assert not at.exception and not at.error
    assert len(rec.read_exercises(ProjectStore(demo_project))) == 94
    assert len(at.data_editor(key="ex_editor_1").value) == 94
    # the plan now starts after the last record and the targets show 2025
    at.session_state["ex_tab"] = PLAN
    at.run()
    assert at.number_input(key="plan_start").value >= 2026
    at.session_state["ex_tab"] = TARGETS
    at.run()
    assert at.selectbox(key="targets_year").value == 2025
    districts = frame_with(at, "base_completion")
    assert districts["exercised"].sum() == 46


def test_missing_project_or_commune_layer(tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    at = page(tmp_path / "missing.gpkg", monkeypatch)
    assert not at.exception and "kvpt demo" in at.warning[0].value
    store = ProjectStore.init(tmp_path / "empty.gpkg")
    store.add_layer(NewLayer(gpd.read_file(DATA / "store_communes.geojson"), "Xã",
                             "admin_unit"))
    at = page(store.path, monkeypatch)
    assert not at.exception and "Cần một lớp 'Đơn vị hành chính' có các xã" in at.warning[0].value
    assert "Dự án chưa có xã" in at.caption[0].value  # the detail, from planning
    # why: the layer's units have no level (the one admin-unit rule), said in Vietnamese
    assert "'Xã': 5 đơn vị không rõ cấp" in at.warning[1].value


@pytest.mark.browser
def test_page_in_a_real_browser_draws_chart_and_map_offline(demo_project: Path,
                                                            tmp_path: Path) -> None:
    import time

    from browser import launch, open_page, serve_app, wait_for_leaflet, wait_for_streamlit

    import_fixture(demo_project)
    # Streamlit serves static/ beside the main script: run the page from a one-page
    # navigation next to a link to the repository's static/ (as app.py will)
    main = tmp_path / "app" / "main.py"
    main.parent.mkdir()
    (main.parent / "static").symlink_to(ROOT / "static")
    main.write_text("import streamlit as st\n"
                    f"st.navigation([st.Page({str(ROOT / PAGE)!r})]).run()\n")
    with serve_app(demo_project, script=main) as url:
        with launch() as browser, open_page(browser, width=1400, height=1600) as (page, log):
            page.goto(url)
            wait_for_streamlit(page)
            page.get_by_role("tab", name=PLAN).click()
            wait_for_streamlit(page)
            # the coverage chart: Vega drawn by Streamlit's bundled vega-embed
            page.wait_for_selector(".vega-embed canvas, .vega-embed svg", timeout=30_000)
            frame = None
            deadline = time.monotonic() + 30
            while frame is None and time.monotonic() < deadline:
                frame = next((f for f in page.frames if f != page.main_frame
                              and f.query_selector(".leaflet-container")), None)
                page.wait_for_timeout(250)
            assert frame is not None, "no Leaflet map on the page"
            wait_for_leaflet(frame)
            frame.wait_for_function(
                "() => document.querySelectorAll('.leaflet-overlay-pane path').length > 200",
                timeout=30_000)
            zooms = frame.evaluate("() => Object.keys(window).filter(k => k.startsWith('map_'))"
                                   ".map(k => window[k].getZoom())")
            assert zooms and min(zooms) >= 7  # opened on the province, not the whole world
            assert log.outside_localhost() == []
            assert log.bad_responses() == []
            assert log.page_errors == []


def test_targets_map_colours_districts_by_status(demo_project: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    at = page(demo_project, monkeypatch)
    at.session_state["ex_tab"] = TARGETS
    at.run()
    at.radio(key="targets_map_measure").set_value("training_ground").run()
    assert not at.exception
    districts = frame_with(at, "base_completion")
    script = page_map_html(at)
    # one GeoJSON feature per district, under the status of its training-ground target
    with_ground = int(districts["has_training_ground"].sum())
    assert 0 < with_ground < len(districts)
    assert len(re.findall(r'"type":\s*"Feature"', script)) >= len(districts)
    for label in ("đạt", "dưới chỉ tiêu", "Thao trường"):
        assert json.dumps(label)[1:-1] in script, label
    assert json.dumps("vượt chỉ tiêu")[1:-1] not in script
