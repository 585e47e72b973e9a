"""planning.exercises: the communes by the one admin-unit rule; CLI and page agree."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest
from typer.testing import CliRunner

from cli import app
from conftest import DATA, without_exercises
from geo import exercises as ex
from geo import targets as tg
from layers.store import NewLayer, ProjectStore
from planning import exercises as planning_exercises
from planning.errors import PlanningError
from planning.project import Project
from ui.tables import header, localized

ROOT = Path(__file__).parents[1]
COMMUNES = "Xã, phường, thị trấn (Lạng Sơn, 2009)"
DISTRICTS = "Huyện, thành phố (Lạng Sơn)"
PLAN, TARGETS = "Kế hoạch luân phiên", "Chỉ tiêu"


def project_of(path: Path) -> Project:
    return Project(ProjectStore(path))


@pytest.fixture(scope="module")
def demo_communes(demo_master: Path) -> gpd.GeoDataFrame:
    return planning_exercises.communes(project_of(demo_master))


# --- the communes and districts ---------------------------------------------------------------


def test_communes_and_districts_of_the_demo(demo_master: Path,
                                            demo_communes: gpd.GeoDataFrame) -> None:
    raw = ProjectStore(demo_master).read(COMMUNES)
    assert len(demo_communes) == 226
    assert demo_communes["code"].tolist() == raw["code"].tolist()
    assert demo_communes["parent_code"].tolist() == raw["parent_code"].tolist()
    assert demo_communes.index[0] == f"{COMMUNES}:0"
    districts = planning_exercises.districts(project_of(demo_master))
    assert sorted(districts["code"]) == sorted(set(demo_communes["parent_code"]))


def test_two_tier_and_missing_admin_layers(tmp_path: Path,
                                           demo_communes: gpd.GeoDataFrame) -> None:
    two_tier = ProjectStore.init(tmp_path / "two.gpkg")
    flat = demo_communes[["code", "name", "geometry"]].assign(level="xã")
    two_tier.add_layer(NewLayer(flat.reset_index(drop=True), "Xã", "admin_unit"))
    got = planning_exercises.communes(Project(two_tier))
    assert len(got) == 226 and got["parent_code"].isna().all()
    assert planning_exercises.districts(Project(two_tier)).empty
    plan = planning_exercises.rotation(Project(two_tier), years=1, start=2030).main
    assert len(plan) == 46 and plan["district_code"].isna().all()
    empty = ProjectStore.init(tmp_path / "none.gpkg")
    with pytest.raises(PlanningError, match="no communes.*level") as err:
        planning_exercises.communes(Project(empty))
    assert err.value.key == "no_communes"


def test_the_spellings_records_knew_are_levels(tmp_path: Path,
                                               demo_communes: gpd.GeoDataFrame) -> None:
    """'ward' (commune) and 'thành phố' (district) were levels of the records' own rule."""
    store = ProjectStore.init(tmp_path / "p.gpkg")
    some = demo_communes.iloc[:4][["code", "name", "parent_code", "geometry"]]
    units = some.assign(level=["ward", "Phường", "Thị trấn", "xã"]).reset_index(drop=True)
    city = gpd.GeoDataFrame({"code": ["178"], "name": ["Thành phố Lạng Sơn"],
                             "level": ["Thành phố"]},
                            geometry=[some.union_all().envelope], crs=some.crs)
    store.add_layer(NewLayer(units, "Phường xã", "admin_unit"))
    store.add_layer(NewLayer(city, "Thành phố", "admin_unit"))
    project = Project(store)
    assert planning_exercises.communes(project)["code"].tolist() == some["code"].tolist()
    assert planning_exercises.districts(project)["code"].tolist() == ["178"]
    assert project.take_notes() == []  # no unit left out


def test_communes_need_codes(tmp_path: Path, demo_communes: gpd.GeoDataFrame) -> None:
    store = ProjectStore.init(tmp_path / "p.gpkg")
    units = demo_communes.iloc[:3][["name", "level", "geometry"]].reset_index(drop=True)
    store.add_layer(NewLayer(units.assign(code=["A", None, ""]), "Xã", "admin_unit"))
    result = planning_exercises.rotation(Project(store), years=1, start=2030)
    assert result.main["commune_code"].tolist() == ["A"]  # the two without a code left out
    (warning,) = result.warnings
    assert warning.key == "communes_without_code_skipped"
    assert "'Xã': 2 communes have no code" in warning.text("en")
    assert "Xã:1, Xã:2" in warning.text("en") and "2 xã không có mã" in warning.text("vi")
    store.add_layer(NewLayer(units.assign(code=[None, None, ""]), "Xã", "admin_unit"))
    with pytest.raises(PlanningError) as err:
        planning_exercises.rotation(Project(store), years=1, start=2030)
    assert err.value.key == "communes_without_code"
    assert "'Xã': 3 communes have no code" in str(err.value)


def test_records_are_checked_against_planning_communes(demo_project: Path) -> None:
    project = project_of(without_exercises(demo_project))
    parsed = planning_exercises.import_records(project, DATA / "exercises_fictional.csv")
    assert len(parsed.records) == 94
    stored = planning_exercises.records(project)
    assert len(stored) == 94
    assert planning_exercises.default_start(project) >= 2026
    assert planning_exercises.default_year(project) == 2025
    saved = planning_exercises.save_records(project, stored.iloc[:5])
    assert len(saved) == 5 and len(planning_exercises.records(project)) == 5


def test_results_carry_the_tables_and_values(demo_master: Path) -> None:
    project = project_of(demo_master)
    plan = planning_exercises.rotation(project, years=2, start=2030)
    assert plan.main_name == "exercise_plan" and list(plan.main.columns) == list(
        ex.PLAN_COLUMNS)
    assert plan.values == {"years": 2, "start": 2030}
    assert plan.tables["summary"]["planned"].sum() == len(plan.main)
    assert isinstance(plan.json_data(), list) and len(plan.json_data()) == len(plan.main)
    targets = planning_exercises.targets(project, year=2024)
    assert list(targets.json_data()) == ["year", "province", "records"]
    assert targets.values["year"] == 2024
    assert list(targets.main.columns) == list(tg.DISTRICT_COLUMNS) and len(targets.main) == 11
    assert targets.tables["province"]["measure"].tolist() == list(tg.MEASURES)


# --- parity with the Exercises page -----------------------------------------------------------


def kvpt_json(*args: object) -> object:
    res = CliRunner().invoke(app, [str(a) for a in args])
    assert res.exit_code == 0, res.output
    return json.loads(res.stdout)


def page_table(at: AppTest, column: str) -> pd.DataFrame:
    wanted = header(column, "vi")
    return next(d.value for d in at.dataframe if wanted in d.value.columns)


def assert_same(shown: pd.DataFrame, expected: pd.DataFrame) -> None:
    """Same headers, rows and cells; unrounded shares to JSON's 10 significant digits."""
    assert list(shown.columns) == list(expected.columns)
    assert len(shown) == len(expected) > 0
    for col in expected.columns:
        if pd.api.types.is_float_dtype(expected[col]):
            assert shown[col].tolist() == pytest.approx(expected[col].tolist(), rel=1e-9,
                                                        nan_ok=True), col
        else:
            assert (shown[col].astype(str).tolist()
                    == expected[col].astype(str).tolist()), col


@pytest.fixture(scope="module")
def exercises_page(demo_master: Path) -> AppTest:
    """The Exercises page on the demo (with its fictional records), widgets as they open."""
    mp = pytest.MonkeyPatch()
    mp.chdir(ROOT)
    mp.setenv("KVPT_PROJECT", str(demo_master))
    at = AppTest.from_file(str(ROOT / "ui/exercises_page.py"), default_timeout=60).run()
    yield at
    mp.undo()


def test_exercises_json_equals_the_page_plan(exercises_page: AppTest,
                                            demo_master: Path) -> None:
    """``kvpt exercises --json`` (default years and start, as the page's widgets open) gives,
    year by year and put through :func:`ui.tables.localized`, exactly the table of the
    communes the page plans that year; every year of the plan is shown."""
    plan = kvpt_json("exercises", demo_master, "--json")
    rows = pd.DataFrame(plan)
    at = exercises_page
    at.session_state["ex_tab"] = PLAN
    at.run()
    assert not at.exception and not at.error
    years = list(at.selectbox(key="plan_year").options)
    assert [int(y) for y in years] == sorted(set(rows["year"]))
    summary = page_table(at, "districts_covered")
    assert summary[header("planned", "vi")].tolist() == rows.groupby("year").size().tolist()
    for year in years:
        at.selectbox(key="plan_year").set_value(year).run()
        assert not at.exception
        # the records of that year as JSON gives them (a year without a null has int years)
        part = pd.DataFrame([r for r in plan if r["year"] == int(year)])
        assert_same(page_table(at, "waited_years"), localized(part, "vi"))


def test_targets_json_equals_the_page_tables(exercises_page: AppTest,
                                            demo_master: Path) -> None:
    """``kvpt targets --json`` (default year, as the page opens) gives, through
    :func:`ui.tables.localized`, exactly the page's per-district table, and the province
    table but for the measure, which the page names in words."""
    data = kvpt_json("targets", demo_master, "--json")
    at = exercises_page
    at.session_state["ex_tab"] = TARGETS
    at.run()
    assert not at.exception and not at.error
    assert at.selectbox(key="targets_year").value == data["year"]
    assert_same(page_table(at, "base_completion"),
                localized(pd.DataFrame(data["records"]), "vi"))
    province = page_table(at, "target_max")
    expected = localized(pd.DataFrame(data["province"]), "vi")
    measure = header("measure", "vi")
    assert province[measure].tolist() == [
        "Xã diễn tập chiến đấu phòng thủ trong năm",
        "Huyện diễn tập khu vực phòng thủ trong giai đoạn",
        "Tỉnh diễn tập khu vực phòng thủ trong giai đoạn",
        "Huyện diễn tập phòng chống lụt bão, tìm kiếm cứu nạn trong giai đoạn",
        "Tiến độ xây dựng thao trường cấp huyện, cấp tỉnh",
        "Tiến độ xây dựng căn cứ chiến đấu"]
    assert_same(province.drop(columns=measure), expected.drop(columns=measure))
