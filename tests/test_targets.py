from __future__ import annotations

import json
import math
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from shapely.geometry import Point, box
from typer.testing import CliRunner

from cli import app
from conftest import DATA, without_exercises
from geo import settings
from geo import targets as tg
from layers import records as rec
from layers.store import ProjectStore
from planning import exercises as planning_exercises
from planning import inputs
from planning.project import Project

X0, Y0 = 600_000.0, 2_400_000.0  # VN-2000 / UTM 48N metres, near Lạng Sơn
CCD = "commune_combat_defense"

@pytest.fixture
def demo_project(demo_project: Path) -> Path:
    """The demo copy with no exercise records: these tests import their own."""
    return without_exercises(demo_project)



def sq(x1: float, x2: float, y1: float = 0.0, y2: float = 10_000.0):
    return box(X0 + x1, Y0 + y1, X0 + x2, Y0 + y2)


# --- a hand-made province: three 10 km districts side by side ---------------------------------

DISTRICTS = gpd.GeoDataFrame(
    {"code": ["D1", "D2", "D3"], "name": ["Huyện 1", "Huyện 2", "Huyện 3"]},
    geometry=[sq(0, 10_000), sq(10_000, 20_000), sq(20_000, 30_000)], crs=3405)
COMMUNES = pd.DataFrame({
    "code": ["c11", "c12", "c13", "c14", "c21", "c22", "c23", "c24", "c25", "c31"],
    "parent_code": ["D1"] * 4 + ["D2"] * 5 + ["D3"],
})
RECORDS = pd.DataFrame({
    "commune_code": ["c11", "c21", "c22", "c23", "c31", "c12"],
    "year": [2025, 2025, 2025, 2025, 2024, 2025],
    "type": [CCD, CCD, CCD, "district_defense_area", CCD, "civil_defense"],
})
GROUNDS = gpd.GeoDataFrame(
    {"name": ["G1 (in D1)", "G2 (2 km in D2, 5 km in D3)", "G3 (half D1, half D2)",
              "G4 (outside)"]},
    geometry=[sq(2_000, 4_000, 2_000, 4_000), sq(18_000, 25_000, 1_000, 2_000),
              sq(9_000, 11_000, 5_000, 6_000), sq(-5_000, -4_000)], crs=3405)
BASES = gpd.GeoDataFrame(
    {"name": ["B1", "B2", "B3", "B4", "B5"],
     "percent_complete": [100.0, np.nan, 30.0, 60.0, np.nan],
     "status": ["done", "Đang xây dựng", "building", "building", "bị bỏ"]},
    geometry=[Point(X0 + 1_000, Y0 + 1_000), sq(5_000, 6_000, 5_000, 6_000),
              Point(X0 + 15_000, Y0 + 5_000), Point(X0 - 3_000, Y0), sq(25_000, 26_000)],
    crs=3405)


def test_hand_made_district_progress() -> None:
    # exercises 2025: D1 1/4 (c12's civil-defense record does not count), D2 2/5 (c23's
    # district exercise does not count), D3 0/1 (c31 exercised in 2024)
    # grounds: G1 -> D1, G2 -> D3 (larger part), G3 -> D1 (tie, smaller code), G4 -> none
    # bases: D1 B1 100 % and B2 "Đang xây dựng" 50 %; D2 B3 30 %; D3 B5 unknown status
    # (in metres: an exact tie; a round trip through degrees would break it by noise)
    got = tg.district_progress(DISTRICTS, communes=COMMUNES, records=RECORDS, year=2025,
                               training_grounds=GROUNDS, combat_bases=BASES.to_crs(4326))
    assert list(got.columns) == list(tg.DISTRICT_COLUMNS)
    assert got["communes"].tolist() == [4, 5, 1]
    assert got["exercised"].tolist() == [1, 2, 0]
    assert got["exercise_share"].tolist() == pytest.approx([0.25, 0.4, 0.0])
    assert got["exercise_status"].tolist() == ["within", "above", "below"]
    assert got["training_grounds"].tolist() == [2, 0, 1]
    assert got["has_training_ground"].tolist() == [True, False, True]
    assert got["ground_progress"].isna().all()  # the grounds have no status nor percentage
    # period 2021-2025: c23's district exercise -> D2; c12's civil-defense one -> D1
    assert got["district_exercised"].tolist() == [False, True, False]
    assert got["rescue_exercised"].tolist() == [True, False, False]
    assert got["combat_bases"].tolist() == [2, 1, 1]
    assert got["base_completion"].tolist()[:2] == pytest.approx([0.75, 0.3])
    assert math.isnan(got["base_completion"].iloc[2])
    assert got["base_status"].tolist() == ["below", "below", "no_data"]
    lower = tg.district_progress(DISTRICTS, communes=COMMUNES, records=RECORDS, year=2025,
                                 combat_bases=BASES,
                                 targets={"combat_base_completion": {"min": 0.5}})
    assert lower["base_status"].tolist() == ["within", "below", "no_data"]
    assert lower["training_grounds"].tolist() == [0, 0, 0]


def test_hand_made_province_progress() -> None:
    got = tg.province_progress(communes=COMMUNES, records=RECORDS, year=2025,
                               districts=DISTRICTS, training_grounds=GROUNDS,
                               combat_bases=BASES).set_index("measure")
    assert list(got.index) == list(tg.MEASURES)
    assert got.loc["commune_exercise", ["achieved", "total"]].tolist() == [3, 10]
    assert got.loc["commune_exercise", "status"] == "above"  # 30 % > 25 %
    # the seed's reading: build progress; these grounds have no status -> no data
    assert got.loc["training_ground", ["achieved", "total"]].tolist() == [0, 0]
    assert got.loc["training_ground", "status"] == "no_data"
    # district, province and rescue exercises in the period 2021-2025 up to 2025
    assert got.loc["district_exercise", ["achieved", "total"]].tolist() == [1, 3]
    assert got.loc["province_exercise", ["achieved", "total"]].tolist() == [0, 1]
    assert got.loc["rescue_exercise", ["achieved", "total"]].tolist() == [1, 3]
    assert got.loc["district_exercise", "status"] == "below"  # target 100 %
    # every base with a known completion, B4 outside the districts too: 1, .5, .3, .6
    assert got.loc["combat_base_completion", "value"] == pytest.approx(0.6)
    assert got.loc["combat_base_completion", ["achieved", "total"]].tolist() == [1, 4]
    assert got.loc["combat_base_completion", "status"] == "below"
    two_tier = tg.province_progress(communes=COMMUNES, records=RECORDS, year=2024)
    two_tier = two_tier.set_index("measure")
    assert two_tier.loc["commune_exercise", "value"] == pytest.approx(0.1)
    assert two_tier.loc["training_ground", "status"] == "no_data"
    assert two_tier.loc["combat_base_completion", "status"] == "no_data"


GROUNDS_STATUS = GROUNDS.assign(level=["district", "province", "Cấp huyện", "xã"],
                                percent_complete=[100.0, 10.0, np.nan, 50.0],
                                status=[None, None, "planned", None])


def test_training_ground_target_is_build_progress() -> None:
    # counted: G1 district 100 %, G2 province 10 %, G3 district "planned" 0 %; G4 is a
    # commune-level ground: left out. Mean (1 + 0.1 + 0) / 3 = 0.3667 > 0.30: above.
    got = tg.province_progress(communes=COMMUNES, records=RECORDS, year=2025,
                               districts=DISTRICTS,
                               training_grounds=GROUNDS_STATUS).set_index("measure")
    row = got.loc["training_ground"]
    assert row["value"] == pytest.approx(1.1 / 3)
    assert [row["achieved"], row["total"], row["status"]] == [1, 3, "above"]
    per = tg.district_progress(DISTRICTS, communes=COMMUNES, records=RECORDS, year=2025,
                               training_grounds=GROUNDS_STATUS).set_index("district_code")
    # G1 and G3 lie in D1 (mean of 1.0 and 0.0), G2 in D3
    assert per["ground_progress"].tolist()[0] == pytest.approx(0.5)
    assert math.isnan(per.loc["D2", "ground_progress"])
    assert per.loc["D3", "ground_progress"] == pytest.approx(0.1)


def test_training_ground_other_reading(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(settings, "training_ground_measure", "district_share")
    got = tg.province_progress(communes=COMMUNES, records=RECORDS, year=2025,
                               districts=DISTRICTS,
                               training_grounds=GROUNDS).set_index("measure")
    assert got.loc["training_ground", ["achieved", "total"]].tolist() == [2, 3]
    assert got.loc["training_ground", "status"] == "above"  # 67 % > 30 %
    monkeypatch.setattr(settings, "training_ground_measure", "share")
    with pytest.raises(ValueError, match="'build_progress' or 'district_share'"):
        tg.province_progress(communes=COMMUNES, records=RECORDS, year=2025)


def test_exercises_count_in_their_plan_period() -> None:
    assert tg.plan_period(2016) == (2016, 2020)
    assert tg.plan_period(2025) == (2021, 2025)
    assert tg.plan_period(2026) == (2026, 2030)
    extra = pd.DataFrame({"commune_code": ["c31", "c24", "c11"], "year": [2020, 2022, 2024],
                          "type": ["province_defense_area", "district_defense_area",
                                   "district_defense_area"]})
    records = pd.concat([RECORDS, extra], ignore_index=True)
    got = tg.province_progress(communes=COMMUNES, records=records, year=2024,
                               districts=DISTRICTS).set_index("measure")
    # up to 2024: c24 (D2, 2022) and c11 (D1, 2024); c23's 2025 is later; the province's
    # 2020 exercise belongs to the period before
    assert got.loc["district_exercise", ["achieved", "total"]].tolist() == [2, 3]
    assert got.loc["province_exercise", "achieved"] == 0
    records.loc[len(records)] = {"commune_code": "c31", "year": 2021,
                                 "type": "province_defense_area"}
    again = tg.province_progress(communes=COMMUNES, records=records, year=2025,
                                 districts=DISTRICTS).set_index("measure")
    assert again.loc["district_exercise", "achieved"] == 2  # D3 held none (c31: province)
    assert again.loc["district_exercise", "status"] == "below"
    assert again.loc["province_exercise", ["value", "status"]].tolist() == [1.0, "within"]


def test_locate_rules() -> None:
    where = tg.locate(GROUNDS, DISTRICTS)
    assert where.iloc[:3].tolist() == ["D1", "D3", "D1"] and pd.isna(where.iloc[3])
    on_edge = gpd.GeoDataFrame(geometry=[Point(X0 + 10_000, Y0 + 500),
                                         Point(X0 + 25_000, Y0 + 500)], crs=3405)
    assert tg.locate(on_edge, DISTRICTS).tolist() == ["D1", "D3"]
    with pytest.raises(ValueError, match="not projected in metres"):
        tg.locate(GROUNDS, DISTRICTS, crs="EPSG:4326")
    with pytest.raises(ValueError, match="no column 'ma'"):
        tg.locate(GROUNDS, DISTRICTS, code_col="ma")


def test_status_and_completion() -> None:
    target = {"min": 0.2, "max": 0.3}
    assert [tg.status(v, target) for v in (0.1999, 0.2, 0.3, 0.3001, np.nan)] == [
        "below", "within", "within", "above", "no_data"]
    assert tg.status(5.0, {"min": 0.2, "max": None}) == "within"
    done = tg.base_completion(BASES)
    assert done.iloc[:4].tolist() == pytest.approx([1.0, 0.5, 0.3, 0.6])
    assert math.isnan(done.iloc[4])
    with pytest.raises(ValueError, match="0–100"):
        tg.base_completion(pd.DataFrame({"percent_complete": [120.0]}))
    with pytest.raises(ValueError, match="min > max"):
        tg.province_progress(communes=COMMUNES, records=None, year=2025,
                             targets={"training_ground": {"min": 0.5, "max": 0.3}})


# --- the demo, checked by an independent shapely loop -----------------------------------------


@pytest.fixture(scope="module")
def demo(demo_master: Path) -> dict:
    store = ProjectStore(demo_master)
    project = Project(store)
    communes = planning_exercises.communes(project)
    return {"store": store, "communes": communes,
            "districts": planning_exercises.districts(project),
            "records": rec.parse_exercise_csv((DATA / "exercises_fictional.csv").read_bytes(),
                                              communes).records,
            "grounds": inputs.layer_frame(project, "training_ground"),
            "bases": inputs.layer_frame(project, "combat_base")}


def largest_overlap(geom: shapely.Geometry, districts: gpd.GeoDataFrame) -> str | None:
    best, best_code = 0.0, None
    for code, district in zip(districts["code"], districts.geometry, strict=True):
        size = (geom.intersection(district).area if geom.area > 0
                else float(geom.intersects(district)))
        if size > best:
            best, best_code = size, code
    return best_code


def test_demo_progress_matches_a_shapely_loop(demo: dict) -> None:
    got = tg.district_progress(demo["districts"], communes=demo["communes"],
                               records=demo["records"], year=2025,
                               training_grounds=demo["grounds"],
                               combat_bases=demo["bases"]).set_index("district_code")
    districts = demo["districts"].to_crs(3405)
    grounds = [largest_overlap(g, districts) for g in demo["grounds"].to_crs(3405).geometry]
    assert grounds == ["181", "182", "183"]  # "Thao trường huấn luyện <district>"
    bases: dict[str, list[float]] = {}
    for geom, pct in zip(demo["bases"].to_crs(3405).geometry, demo["bases"]["percent_complete"],
                         strict=True):
        bases.setdefault(largest_overlap(geom, districts), []).append(pct / 100)
    exercised: dict[str, int] = {}
    size: dict[str, int] = {}
    done = {r.commune_code for r in demo["records"].itertuples()
            if r.year == 2025 and r.type == CCD}
    for code, parent in zip(demo["communes"]["code"], demo["communes"]["parent_code"],
                            strict=True):
        size[parent] = size.get(parent, 0) + 1
        exercised[parent] = exercised.get(parent, 0) + (code in done)
    for code in districts["code"]:
        row = got.loc[code]
        assert row["training_grounds"] == grounds.count(code)
        assert row["combat_bases"] == len(bases[code])
        assert row["base_completion"] == pytest.approx(sum(bases[code]) / len(bases[code]))
        assert row["communes"] == size[code]
        assert row["exercise_share"] == pytest.approx(exercised[code] / size[code])
    assert got.loc["184", "combat_bases"] == 2  # the province base lies in Văn Quan
    province = tg.province_progress(
        communes=demo["communes"], records=demo["records"], year=2025,
        districts=demo["districts"], training_grounds=demo["grounds"],
        combat_bases=demo["bases"]).set_index("measure")
    # the seed's reading: the build progress of the (district-level) demo grounds
    pct = demo["grounds"]["percent_complete"].astype(float)
    assert len(pct) == 3 and pct.notna().all()
    assert province.loc["training_ground", "value"] == pytest.approx(pct.mean() / 100)
    assert province.loc["training_ground", ["achieved", "total"]].tolist() == [
        int((pct == 100).sum()), 3]
    assert province.loc["commune_exercise", "achieved"] == len(done)
    assert province.loc["combat_base_completion", "value"] == pytest.approx(
        demo["bases"]["percent_complete"].mean() / 100)


def test_cli_targets_json(demo_project: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["exercises", str(demo_project), "--import",
                                 str(DATA / "exercises_fictional.csv"), "--years", "1"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["targets", str(demo_project), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["year"] == 2025  # the last year with records
    assert [p["measure"] for p in data["province"]] == list(tg.MEASURES)
    assert len(data["records"]) == 11 and set(data["records"][0]) == set(tg.DISTRICT_COLUMNS)
    out = tmp_path / "targets.csv"
    result = runner.invoke(app, ["targets", str(demo_project), "--year", "2024", "--out",
                                 str(out)])
    assert result.exit_code == 0, result.output
    table = pd.read_csv(out, dtype={"district_code": str})
    assert table["exercised"].sum() == 46  # 47 records in 2024, one a district exercise
