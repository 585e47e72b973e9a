"""Issue #12 §1 on the page: the targets per period and year, the roadmap editor, periods."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from conftest import sha256, without_exercises
from layers.store import ProjectStore
from planning import inputs
from planning import roadmap as planning_roadmap
from planning.project import Project

ROOT = Path(__file__).parents[1]
TARGETS = "Chỉ tiêu"


@pytest.fixture
def project(demo_project: Path) -> Path:
    return without_exercises(demo_project)


def targets_view(project: Path, monkeypatch: pytest.MonkeyPatch, view: str) -> AppTest:
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("KVPT_PROJECT", str(project))
    at = AppTest.from_file(str(ROOT / "ui/exercises_page.py"), default_timeout=90).run()
    at.session_state["ex_tab"] = TARGETS
    at.run()
    at.radio(key="targets_view").set_value(view).run()
    assert not at.exception
    return at


def test_period_dashboard_shows_each_year_with_the_roadmap(
        project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    proj = Project(ProjectStore(project))
    planning_roadmap.import_roadmap(proj, b"work_code,year,actual_pct\nTT-181,2023,60\n")
    at = targets_view(project, monkeypatch, "period")
    at.selectbox(key="targets_period").set_value("2021-2025").run()
    assert not at.exception and not at.error
    values, statuses = (d.value for d in at.dataframe if "2023" in d.value.columns)
    assert list(values.columns) == ["2021", "2022", "2023", "2024", "2025"]
    grounds = inputs.layer_frame(proj, "training_ground")
    pct = grounds["percent_complete"].astype(float)
    row = values.loc["Tiến độ xây dựng thao trường cấp huyện, cấp tỉnh"]
    assert row["2022"] == pytest.approx(pct.mean() / 100)
    assert row["2023"] == pytest.approx(pct.where(grounds["code"] != "TT-181", 60).mean()
                                        / 100)
    assert statuses.shape == (6, 5)
    ground = statuses.loc["Tiến độ xây dựng thao trường cấp huyện, cấp tỉnh"]
    expected = ["đạt" if 0.20 <= v <= 0.30 else "vượt chỉ tiêu" if v > 0.30
                else "dưới chỉ tiêu" for v in row]  # seed 003: 20-30 %
    assert ground.tolist() == expected
    assert expected[1:3] == ["đạt", "vượt chỉ tiêu"]  # 24.3 % in 2022, 44.3 % in 2023


def test_roadmap_editor_appends_and_refuses_in_vietnamese(
        project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = targets_view(project, monkeypatch, "roadmap")
    assert at.data_editor(key="rm_editor_0").value.empty
    work = planning_roadmap.works(Project(ProjectStore(project)))
    ident = work.index[work["code"] == "CCCD-180"][0]
    at.text_input(key="rm_author").set_value("Thiếu tá C")
    at.session_state["rm_editor_0"] = {
        "edited_rows": {}, "deleted_rows": [],
        "added_rows": [{"work_id": ident, "year": 2023, "planned_pct": 50.0,
                        "actual_pct": 40.0}]}
    at.button(key="rm_save").click().run()
    assert not at.exception and not at.error
    assert "Đã ghi thêm 1 cập nhật" in at.success[0].value
    past = planning_roadmap.history(Project(ProjectStore(project)))
    assert past[["work_code", "year", "actual_pct", "author"]].values.tolist() == [
        ["CCCD-180", 2023, 40.0, "Thiếu tá C"]]
    assert len(at.data_editor(key="rm_editor_1").value) == 1
    before = sha256(project)
    at.session_state["rm_editor_1"] = {"edited_rows": {0: {"year": 2040}}, "added_rows": [],
                                       "deleted_rows": []}
    at.button(key="rm_save").click().run()
    assert not at.exception
    assert "hàng 1: year = '2040' không thuộc giai đoạn kế hoạch nào" in at.error[0].value
    assert sha256(project) == before
    at.file_uploader(key="rm_upload").set_value(
        ("lo_trinh.csv", b"ma_cong_trinh,nam,thuc_hien\nKHONG-CO,2022,5\n", "text/csv")).run()
    at.button(key="rm_import").click().run()
    assert "lo_trinh.csv dòng 2: không có công trình nào mang mã 'KHONG-CO'" in \
        at.error[0].value
    assert sha256(project) == before


def test_periods_editor_saves_and_refuses_overlaps(
        project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = targets_view(project, monkeypatch, "periods")
    assert len(at.data_editor(key="periods_editor_0").value) == 3
    before = sha256(project)
    at.session_state["periods_editor_0"] = {
        "edited_rows": {}, "deleted_rows": [],
        "added_rows": [{"name": "Sai", "first_year": 2030, "last_year": 2034}]}
    at.button(key="periods_save").click().run()
    assert "trùng năm với giai đoạn '2026-2030'" in at.error[0].value
    assert sha256(project) == before
    at.session_state["periods_editor_0"] = {
        "edited_rows": {}, "deleted_rows": [],
        "added_rows": [{"name": "2031-2035", "first_year": 2031, "last_year": 2035}]}
    at.button(key="periods_save").click().run()
    assert not at.exception and not at.error
    stored = planning_roadmap.periods(Project(ProjectStore(project)))
    assert stored["name"].tolist() == ["2016-2020", "2021-2025", "2026-2030", "2031-2035"]
