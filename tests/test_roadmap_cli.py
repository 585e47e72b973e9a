"""Issue #12 §1: `kvpt periods`, `kvpt roadmap` and `kvpt targets --period`."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from cli import app
from conftest import sha256, without_exercises
from geo import targets as tg
from layers.store import ProjectStore
from planning import inputs
from planning.project import Project

runner = CliRunner()


@pytest.fixture
def project(demo_project: Path) -> Path:
    return without_exercises(demo_project)


def run(*args: str) -> object:
    return runner.invoke(app, [str(a) for a in args])


def test_periods_show_add_and_refuse(project: Path) -> None:
    shown = json.loads(run("periods", project, "--json").stdout)
    assert [(p["name"], p["first_year"], p["last_year"]) for p in shown] == [
        ("2016-2020", 2016, 2020), ("2021-2025", 2021, 2025), ("2026-2030", 2026, 2030)]
    result = run("periods", project, "--add", "2031-2035", "2031", "2035", "--json")
    assert result.exit_code == 0, result.output
    assert [p["name"] for p in json.loads(result.stdout)][-1] == "2031-2035"
    before = sha256(project)
    result = run("periods", project, "--add", "X", "2035", "2036")
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        "kvpt: error: plan period 'X' (2035-2036) overlaps '2031-2035' (2031-2035); "
        "periods must not share a year.")
    assert sha256(project) == before


def test_roadmap_import_history_and_works(project: Path, tmp_path: Path) -> None:
    good = tmp_path / "lo_trinh.csv"
    good.write_text("ma_cong_trinh;nam;ke_hoach;thuc_hien\nCCCD-180;2022;30;25\n"
                    "CCCD-180;2024;80;70\n", encoding="utf-8")
    result = run("roadmap", project, "--import", good, "--author", "Đại úy B", "--year",
                 "2023", "--json")
    assert result.exit_code == 0, result.output
    works = {w["work_code"]: w for w in json.loads(result.stdout)}
    bases = inputs.layer_frame(Project(ProjectStore(project)), "combat_base")
    assert len(works) >= len(bases)
    mine = works["CCCD-180"]
    assert (mine["actual_pct"], mine["planned_pct"], mine["completion_source"]) == (
        25.0, 30.0, "roadmap")  # 2024 is after --year 2023
    assert (mine["start_year"], mine["finish_year"]) == (2022, 2024)
    other = works["CCCD-178"]
    attribute = float(bases.loc[bases["code"] == "CCCD-178", "percent_complete"].iloc[0])
    assert (other["completion_pct"], other["completion_source"]) == (attribute, "attribute")
    past = json.loads(run("roadmap", project, "--history", "--json").stdout)
    assert [(h["year"], h["actual_pct"], h["author"]) for h in past] == [
        (2022, 25.0, "Đại úy B"), (2024, 70.0, "Đại úy B")]


def test_roadmap_bad_csv_exits_2_and_changes_nothing(project: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("work_code,year,actual_pct\nCCCD-999,2022,10\nCCCD-180,2022,-5\n",
                   encoding="utf-8")
    before = sha256(project)
    result = run("roadmap", project, "--import", bad)
    assert result.exit_code == 2
    assert "bad.csv line 2: unknown work code 'CCCD-999'" in result.stderr
    assert "bad.csv line 3: actual_pct = '-5' is not a percentage from 0 to 100" in \
        result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert sha256(project) == before


def test_targets_per_period_and_year(project: Path, tmp_path: Path) -> None:
    csv = tmp_path / "r.csv"
    csv.write_text("work_code,year,actual_pct\nTT-181,2023,60\n", encoding="utf-8")
    assert run("roadmap", project, "--import", csv).exit_code == 0
    result = run("targets", project, "--period", "2021-2025", "--json")
    assert result.exit_code == 0, result.output
    rows = pd.DataFrame(json.loads(result.stdout))
    assert rows["year"].tolist() == [y for y in range(2021, 2026) for _ in tg.MEASURES]
    ground = rows[rows["measure"] == "training_ground"].set_index("year")["value"]
    grounds = inputs.layer_frame(Project(ProjectStore(project)), "training_ground")
    pct = grounds["percent_complete"].astype(float)
    assert ground[2022] == pytest.approx(pct.mean() / 100)
    assert ground[2023] == pytest.approx(pct.where(grounds["code"] != "TT-181", 60).mean()
                                         / 100)
    one = json.loads(run("targets", project, "--year", "2023", "--json").stdout)
    same = {p["measure"]: p["value"] for p in one["province"]}
    assert same["training_ground"] == pytest.approx(ground[2023])
    text = run("targets", project, "--period", "2021-2025")
    assert "Plan period 2021-2025" in text.stdout and "2025" in text.stdout
    result = run("targets", project, "--period", "1990-1994")
    assert result.exit_code == 2 and "no plan period '1990-1994'" in result.stderr
