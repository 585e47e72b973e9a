"""District, rescue and province exercise rotations (seed 003: 100 % per plan period)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
from typer.testing import CliRunner

from cli import app
from conftest import without_exercises
from geo import exercises as ex
from layers.store import ProjectStore
from planning import exercises as planning_exercises
from planning.project import Project

runner = CliRunner()
DDA = "district_defense_area"


def test_period_plan_by_hand() -> None:
    # 5 districts, periods 2021-2025 and 2026-2030; plan 2024-2030.
    # D1 exercised 2022 and D2 2021 (this period); D3 2019 (last period); D4, D5 never.
    # 2024: pending {D4, D5 (never), D3 (2019)}, 2 years left -> ceil(3/2) = 2: D4, D5
    # 2025: pending {D3} -> D3
    # 2026 (new period): all 5 pending, 5 years -> 1 a year, longest-waiting first:
    #       D2 (2021), D1 (2022), D4 and D5 (2024, by code), D3 (2025)
    units = pd.DataFrame({"code": ["D1", "D2", "D3", "D4", "D5"],
                          "name": [f"Huyện {i}" for i in range(1, 6)]})
    records = pd.DataFrame({"commune_code": ["D1", "D2", "D3", "D4"],
                            "year": [2022, 2021, 2019, 2023],
                            "type": [DDA, DDA, DDA, "civil_defense"]})
    plan = ex.period_plan(units, records, years=7, start=2024, types=[DDA])
    assert list(zip(plan["year"], plan["unit_code"], strict=True)) == [
        (2024, "D4"), (2024, "D5"), (2025, "D3"), (2026, "D2"), (2027, "D1"), (2028, "D4"),
        (2029, "D5"), (2030, "D3")]
    assert list(plan.columns) == list(ex.PERIOD_COLUMNS)
    assert plan["waited_years"].tolist()[2:] == [6, 5, 5, 4, 5, 5]
    assert plan["unit_name"].tolist()[0] == "Huyện 4"


def test_district_rotation_once_per_period(demo_project: Path) -> None:
    path = without_exercises(demo_project)
    project = Project(ProjectStore(path))
    communes = planning_exercises.communes(project)
    first = communes[communes["parent_code"] == "178"].iloc[0]
    planning_exercises.save_records(project, pd.DataFrame({
        "commune_code": [first["code"]], "year": [2025], "type": [DDA]}))
    project = Project(ProjectStore(path))
    result = planning_exercises.rotation(project, kind="district", years=10, start=2026)
    plan = result.main
    districts = sorted(planning_exercises.districts(project)["code"])
    # 11 districts over 2026-2030 and 2031-2035: each exactly once a period, 3 then 2 a year
    for first_year in (2026, 2031):
        period = plan[plan["year"].between(first_year, first_year + 4)]
        assert sorted(period["unit_code"]) == districts
    assert plan.groupby("year").size().tolist() == [3, 2, 2, 2, 2] * 2
    row = plan[(plan["unit_code"] == "178")].iloc[0]
    assert row["last_exercised"] == 2025 and row["year"] == 2030  # waited least: last
    summary = result.tables["summary"]
    assert summary["units_planned"].sum() == 22 and (summary["units"] == 11).all()
    # the rescue rotation does not count the district defense-area exercise
    rescue = planning_exercises.rotation(project, kind="rescue", years=5, start=2026).main
    assert rescue["last_exercised"].isna().all() and sorted(rescue["unit_code"]) == districts
    province = planning_exercises.rotation(project, kind="province", years=10, start=2026)
    assert province.main["year"].tolist() == [2026, 2031]


def test_cli_exercises_kind(demo_master: Path) -> None:
    res = runner.invoke(app, ["exercises", str(demo_master), "--kind", "district", "--years",
                              "5", "--start", "2026", "--json"])
    assert res.exit_code == 0, res.stderr
    rows = json.loads(res.stdout)
    assert len(rows) == 11 and len({r["unit_code"] for r in rows}) == 11
    bad = runner.invoke(app, ["exercises", str(demo_master), "--kind", "village"])
    assert bad.exit_code == 2 and "commune, district, rescue, province" in bad.stderr
