"""Issue #12 §1: plan periods as data and the construction roadmap, as of a year.

The as-of-year rule is checked on hand-made histories whose answers are worked out by hand
in the comments; the project side (store, CSV import, history, targets) on the demo.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from conftest import sha256, without_exercises
from geo import roadmap as rm
from geo import targets as tg
from layers import records as rec
from layers.errors import LayerError
from layers.store import ProjectStore
from layers.tables import table_csv_bytes
from planning import exercises as planning_exercises
from planning import inputs
from planning import roadmap as planning_roadmap
from planning.errors import PlanningError
from planning.project import Project

NAN = np.nan
T0 = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)


def updates(*rows: tuple) -> pd.DataFrame:
    """Updates ``(work_id, year, planned, actual)`` (+ start, finish), oldest first."""
    full = [(*r, *(NAN,) * (6 - len(r))) for r in rows]
    return pd.DataFrame(full, columns=["work_id", "year", "planned_pct", "actual_pct",
                                       "start_year", "finish_year"])


HISTORY = updates(
    ("w1", 2021, 10, 5),
    ("w1", 2023, 40, NAN),       # the plan for 2023 first ...
    ("w1", 2023, NAN, 35),       # ... then the result, an empty plan keeps the 40
    ("w1", 2023, NAN, 30),       # a correction: the last update wins
    ("w2", 2025, NAN, 100),
    ("w2", 2022, NAN, 50, 2019),  # saved later, for an earlier year
    ("w2", 2024, 80, NAN, NAN, 2026),
)


# --- the as-of-year rule (pure, by hand) ------------------------------------------------------


def test_current_entries_keep_the_last_non_empty_value_of_each_work_and_year() -> None:
    now = rm.current_entries(HISTORY).set_index(["work_id", "year"])
    assert now.loc[("w1", 2023), ["planned_pct", "actual_pct"]].tolist() == [40, 30]
    assert now.loc[("w1", 2021), ["planned_pct", "actual_pct"]].tolist() == [10, 5]
    assert len(now) == 5  # w1: 2021, 2023; w2: 2022, 2024, 2025


def test_an_empty_note_keeps_the_earlier_note() -> None:
    history = pd.DataFrame({"work_id": ["a", "a"], "year": [2022, 2022],
                            "planned_pct": [10.0, NAN], "actual_pct": [NAN, 5.0],
                            "note": ["khởi công", ""]})
    assert rm.current_entries(history)[["planned_pct", "actual_pct", "note"]].values.tolist(
        ) == [[10.0, 5.0, "khởi công"]]


@pytest.mark.parametrize(("year", "w1", "w2"), [
    (2020, None, None),   # nothing recorded up to 2020
    (2021, 5.0, None),
    (2022, 5.0, 50.0),    # w1 keeps its 2021 value
    (2023, 30.0, 50.0),   # the corrected 2023 value
    (2024, 30.0, 50.0),   # w2's 2024 update has a plan only
    (2025, 30.0, 100.0),  # the greatest year <= Y, not the last saved update
    (2040, 30.0, 100.0),
])
def test_actual_as_of_is_the_latest_year_up_to_y(year: int, w1: float | None,
                                                  w2: float | None) -> None:
    got = rm.actual_as_of(HISTORY, year).to_dict()
    assert got == {k: v for k, v in (("w1", w1), ("w2", w2)) if v is not None}


def test_planned_as_of_reads_the_plan_column() -> None:
    assert rm.actual_as_of(HISTORY, 2024, column="planned_pct").to_dict() == {
        "w1": 40.0, "w2": 80.0}


def test_completion_as_of_falls_back_to_the_attribute() -> None:
    works = pd.DataFrame({"percent_complete": [20.0, NAN, NAN],
                          "status": ["building", "done", "planned"]})
    ids = ["w1", "w2", "w3"]
    # 2020: no roadmap yet -> attributes: 20 %, done = 100 %, planned = 0 %
    assert rm.completion_as_of(works, ids, HISTORY, 2020).tolist() == [0.2, 1.0, 0.0]
    # 2022: the roadmap wins where it has an actual value for a year <= 2022
    assert rm.completion_as_of(works, ids, HISTORY, 2022).tolist() == [0.05, 0.5, 0.0]
    assert rm.completion_as_of(works, ids, HISTORY, 2025).tolist() == [0.3, 1.0, 0.0]
    assert works["percent_complete"].tolist()[0] == 20.0  # the input is not changed


def test_work_spans_prefer_recorded_years() -> None:
    spans = rm.work_spans(HISTORY)
    assert spans.loc["w1"].tolist() == [2021, 2023]  # first and last roadmap year
    assert spans.loc["w2"].tolist() == [2019, 2026]  # recorded start and finish


def test_default_periods_and_the_period_of_a_year() -> None:
    table = rm.default_periods(2016, 5, 3)
    assert table.values.tolist() == [["2016-2020", 2016, 2020], ["2021-2025", 2021, 2025],
                                     ["2026-2030", 2026, 2030]]
    assert rm.period_of(2023, table)["name"] == "2021-2025"
    assert rm.period_of(2031, table) is None
    assert rm.period_years(table.iloc[:1]) == [2016, 2017, 2018, 2019, 2020]


def test_plan_period_reads_the_project_periods_first() -> None:
    own = pd.DataFrame({"name": ["A"], "first_year": [2019], "last_year": [2022]})
    assert tg.plan_period(2020, own) == (2019, 2022)
    assert tg.plan_period(2024) == (2021, 2025)  # the settings' arithmetic
    assert tg.plan_period(2024, own) == (2021, 2025)  # outside every recorded period


# --- the project: periods, import, history, targets -------------------------------------------


@pytest.fixture
def demo(demo_project: Path) -> Project:
    return Project(ProjectStore(without_exercises(demo_project)))


def test_periods_default_then_stored_checked(demo: Project, demo_project: Path) -> None:
    assert planning_roadmap.periods(demo)["name"].tolist() == [
        "2016-2020", "2021-2025", "2026-2030"]
    planning_roadmap.add_period(demo, "2031-2035", 2031, 2035)
    assert planning_roadmap.periods(demo)["last_year"].tolist() == [2020, 2025, 2030, 2035]
    before = sha256(demo_project)
    with pytest.raises(PlanningError, match=r"'X' \(2030-2032\) overlaps '2026-2030'"):
        planning_roadmap.add_period(demo, "X", 2030, 2032)
    with pytest.raises(PlanningError, match="first year 2025 and last year 2021"):
        planning_roadmap.add_period(demo, "Y", 2025, 2021)
    with pytest.raises(PlanningError, match="already a plan period named '2016-2020'"):
        planning_roadmap.add_period(demo, "2016-2020", 2040, 2044)
    assert sha256(demo_project) == before
    planning_roadmap.remove_period(demo, "2016-2020")
    assert planning_roadmap.periods(demo)["name"].tolist()[0] == "2021-2025"
    with pytest.raises(PlanningError, match="no plan period 'nope'"):
        planning_roadmap.remove_period(demo, "nope")


def csv(text: str, encoding: str = "utf-8-sig") -> bytes:
    return text.encode(encoding)


def test_import_appends_history_with_who_and_when(demo: Project) -> None:
    first = csv("ma_cong_trinh;nam;ke_hoach;thuc_hien;ghi_chu\n"
                "CCCD-180;2021;10;5;khởi công\n"
                "CCCD-180;2023;40;35,5;\n"
                "TT-181;2022;20 %;20;\n")
    added = planning_roadmap.import_roadmap(demo, first, source="a.csv", author="Trung tá A",
                                            when=T0)
    assert len(added) == 3
    second = csv("work_code,year,actual_pct\nCCCD-180,2023,37\n")
    planning_roadmap.import_roadmap(demo, second, source="b.csv", author="B",
                                    when=datetime(2026, 2, 1, tzinfo=UTC))
    past = planning_roadmap.history(demo)
    assert len(past) == 4  # appended, nothing overwritten
    assert past["author"].tolist() == ["Trung tá A"] * 3 + ["B"]
    assert past["saved_at"].iloc[0] == "2026-01-02T03:04:05+00:00"
    assert past["actual_pct"].tolist() == [5.0, 35.5, 20.0, 37.0]
    assert past["note"].iloc[0] == "khởi công"
    bases = inputs.layer_frame(demo, "combat_base")
    row = int(np.flatnonzero(bases["code"] == "CCCD-180")[0])
    assert past["work_id"].iloc[0] == f"{bases['layer'].iloc[0]}:{row}"
    now = planning_roadmap.current(demo).set_index(["work_code", "year"])
    assert now.loc[("CCCD-180", 2023), ["planned_pct", "actual_pct"]].tolist() == [40, 37]


def test_import_refuses_bad_rows_and_stores_nothing(demo: Project, demo_project: Path) -> None:
    before = sha256(demo_project)
    bad = csv("work_code,year,planned_pct,actual_pct,start_year,finish_year\n"
              "XX-1,2022,10,5,,\n"             # line 2: unknown code
              "CCCD-180,2040,10,5,,\n"         # line 3: no plan period holds 2040
              "CCCD-180,2022,101,=1+1,,\n"     # line 4: 101 %, a formula
              "CCCD-180,2023,10,,2025,2022\n"  # line 5: start after finish
              "CCCD-181,2023,,,,\n"            # line 6: no value
              "TT-181,2022,10,,,\n"
              "TT-181,2022,20,,,\n")           # line 8: same work and year as line 7
    with pytest.raises(LayerError) as err:
        planning_roadmap.import_roadmap(demo, bad, source="bad.csv")
    text = str(err.value)
    assert "bad.csv line 2: unknown work code 'XX-1'" in text
    assert "bad.csv line 3: year = '2040' is not a year of a plan period" in text
    assert "bad.csv line 4: planned_pct = '101'" in text
    assert "bad.csv line 4: actual_pct = '=1+1' is not a percentage" in text
    assert "bad.csv line 5: start_year 2025 is after finish_year 2022" in text
    assert "bad.csv line 6: gives no planned_pct" in text
    vi = err.value.text("vi")
    assert "bad.csv dòng 2: không có công trình nào mang mã 'XX-1'" in vi
    assert "101" in vi and "unknown" not in vi
    assert sha256(demo_project) == before
    dup = csv("work_code,year,planned_pct\nTT-181,2022,10\nTT-181,2022,20\n")
    with pytest.raises(LayerError, match="line 3: the same work and year as d.csv line 2"):
        planning_roadmap.import_roadmap(demo, dup, source="d.csv")
    assert sha256(demo_project) == before


def test_formula_cells_round_trip_as_text(demo: Project) -> None:
    note = "=HYPERLINK(x)+1"
    planning_roadmap.import_roadmap(demo, csv(
        f"work_code,year,actual_pct,note\nCCCD-180,2022,5,{note}\n"))
    exported = table_csv_bytes(planning_roadmap.history(demo))
    assert b"'=HYPERLINK" in exported  # neutralised for spreadsheets
    table = rec.read_text_table(exported, synonyms=planning_roadmap.SYNONYMS).table
    assert table["note"].tolist() == [note]  # our own quote is taken off again


def test_save_edits_appends_only_changed_rows(demo: Project) -> None:
    planning_roadmap.import_roadmap(demo, csv(
        "work_code,year,planned_pct,actual_pct\nCCCD-180,2022,10,5\nTT-181,2022,20,20\n"))
    shown = planning_roadmap.current(demo)
    assert planning_roadmap.save_edits(demo, shown).empty  # nothing changed
    edited = shown.copy()
    edited.loc[edited["work_code"] == "TT-181", "actual_pct"] = 25.0
    added = planning_roadmap.save_edits(demo, edited, author="C", when=T0)
    assert added[["work_code", "actual_pct", "author"]].values.tolist() == [
        ["TT-181", 25.0, "C"]]
    assert len(planning_roadmap.history(demo)) == 3


def _mean_completion(frame: pd.DataFrame, override: dict[str, float]) -> float:
    """Mean of percent_complete / 100 (status where missing), with ``override`` by code."""
    pct = pd.to_numeric(frame["percent_complete"], errors="coerce").copy()
    for code, value in override.items():
        pct[frame["code"] == code] = value
    status = frame["status"].map({"planned": 0.0, "building": 50.0, "done": 100.0})
    return float(pct.fillna(status).mean() / 100)


def test_targets_count_works_as_of_the_year(demo: Project) -> None:
    bases = inputs.layer_frame(demo, "combat_base")
    grounds = inputs.layer_frame(demo, "training_ground")
    planning_roadmap.import_roadmap(demo, csv(
        "work_code,year,actual_pct\nCCCD-180,2022,60\nCCCD-180,2024,90\nTT-181,2023,45\n"))

    def value(year: int, measure: str) -> float:
        table = planning_exercises.targets(demo, year=year).tables["province"]
        return float(table.set_index("measure").loc[measure, "value"])

    assert value(2021, "combat_base_completion") == pytest.approx(_mean_completion(bases, {}))
    assert value(2023, "combat_base_completion") == pytest.approx(
        _mean_completion(bases, {"CCCD-180": 60.0}))
    assert value(2030, "combat_base_completion") == pytest.approx(
        _mean_completion(bases, {"CCCD-180": 90.0}))
    assert value(2022, "training_ground") == pytest.approx(_mean_completion(grounds, {}))
    assert value(2023, "training_ground") == pytest.approx(
        _mean_completion(grounds, {"TT-181": 45.0}))
    dash = planning_exercises.targets_by_year(demo, period="2021-2025").main
    assert sorted(set(dash["year"])) == [2021, 2022, 2023, 2024, 2025]
    assert len(dash) == 5 * len(tg.MEASURES)
    ground = dash[dash["measure"] == "training_ground"].set_index("year")["value"]
    assert ground[2022] == pytest.approx(_mean_completion(grounds, {}))
    assert ground[2025] == pytest.approx(_mean_completion(grounds, {"TT-181": 45.0}))


def test_period_targets_follow_the_project_periods(demo: Project) -> None:
    communes = planning_exercises.communes(demo)
    first = communes.iloc[0]
    record = pd.DataFrame({"commune_code": [first["code"]], "year": [2021],
                           "type": ["district_defense_area"]})
    planning_exercises.save_records(demo, record)

    def held(year: int) -> int:
        table = planning_exercises.targets(demo, year=year).tables["province"]
        return int(table.set_index("measure").loc["district_exercise", "achieved"])

    assert held(2022) == 1  # 2021 is in 2021-2025
    planning_roadmap.save_periods(demo, pd.DataFrame({
        "name": ["2017-2021", "2022-2026"], "first_year": [2017, 2022],
        "last_year": [2021, 2026]}))
    assert held(2022) == 0  # the period of 2022 now starts in 2022
    assert held(2021) == 1
