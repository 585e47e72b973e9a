from __future__ import annotations

import json
import math
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from cli import app
from conftest import DATA, sha256, without_exercises
from geo import exercises as ex
from geo import settings
from layers import records as rec
from layers.store import ProjectStore
from planning import exercises as planning_exercises
from planning.project import Project

FIXTURE = DATA / "exercises_fictional.csv"
CCD = "commune_combat_defense"


# --- a hand-made province: 10 communes in 3 districts -----------------------------------------

HAND = pd.DataFrame({
    "code": ["A1", "A2", "A3", "A4", "B1", "B2", "B3", "C1", "C2", "C3"],
    "name": [f"Xã {c}" for c in ["A1", "A2", "A3", "A4", "B1", "B2", "B3", "C1", "C2", "C3"]],
    "parent_code": ["A"] * 4 + ["B"] * 3 + ["C"] * 3,
})
HAND_LAST = {"A2": 2021, "A3": 2024, "A4": 2025, "B2": 2022, "B3": 2021, "C1": 2021,
             "C2": 2023, "C3": 2025}  # A1 and B1 never exercised
HAND_RECORDS = pd.DataFrame({
    "commune_code": [*HAND_LAST, "A1", "C3", "B1"],
    "year": [*HAND_LAST.values(), 2025, 2019, 2026],
    # A1's record is a district exercise (does not count); C3's 2019 is older than its 2025;
    # B1's record is in the plan's first year (does not count)
    "type": [CCD] * len(HAND_LAST) + ["district_defense_area", CCD, CCD],
})

@pytest.fixture
def demo_project(demo_project: Path) -> Path:
    """The demo copy with no exercise records: these tests import their own."""
    return without_exercises(demo_project)



def planned(plan: pd.DataFrame) -> list[tuple[int, str]]:
    return list(zip(plan["year"], plan["commune_code"], strict=True))


def test_hand_made_rotation_default_shares() -> None:
    # 10 communes: at least ceil(2.0) = 2 and at most floor(2.5) = 2 a year. Cycle 5:
    # deadline = last + 5 (A2, B3, C1: 2026), never exercised: start + 4 = 2030.
    # 2026: three communes are due but the cap is 2, so 2 are forced from the class due
    #       2026 {A2, B3, C1}: A (0.5/4) < B = C (0.5/3) -> A2; then A (1.5/4) > B = C ->
    #       B by code -> B3. C1 cannot keep its deadline: the cap does not allow it.
    # 2027: C1 (overdue) and B2 (due 2027) are forced.
    # 2028: the cap of 2 must hold C2 (due 2028) and, with 2029 and 2030 holding 2 each,
    #       one of the six due by 2030 beyond the 4 later places: the never-exercised class
    #       {A1, B1} is due 2030, so the longest-waiting A1 (A: 0.5/4) goes, then C2. A3
    #       (due 2029) waits one more year.
    plan = ex.rotation_plan(HAND, HAND_RECORDS, years=3, start=2026,
                            district_names={"A": "Huyện A", "B": "Huyện B"})
    assert planned(plan) == [(2026, "A2"), (2026, "B3"), (2027, "B2"), (2027, "C1"),
                             (2028, "A1"), (2028, "C2")]
    assert list(plan.columns) == list(ex.PLAN_COLUMNS)
    assert plan["last_exercised"].tolist() == [2021, 2021, 2022, 2021, pd.NA, 2023]
    assert plan["waited_years"].tolist() == [5, 5, 5, 6, pd.NA, 5]
    assert plan["commune_name"].tolist() == ["Xã A2", "Xã B3", "Xã B2", "Xã C1", "Xã A1",
                                             "Xã C2"]
    assert plan["district_name"].isna().tolist() == [False, False, False, True, False, True]


def test_hand_made_rotation_deadlines_raise_the_count() -> None:
    # share_max 0.4: up to 4 a year. Cycle 5: deadline = last + 5; never -> 2030.
    # 2026: A2, B3, C1 are due in 2026 -> need 3, all forced (the old longest-waiting rule
    #       took the never-exercised A1, B1 first and left A2, B3 to wait 6 years).
    # 2027: need max(1, 2/2, 3/3, 7/4, 10/5) = 2; the longest-waiting first: never {A1, B1}
    #       shared out: A (0.5/4) < B (0.5/3) -> A1; the last place must go to B2 (due 2027).
    # 2028: need 2 (5/3 -> 2); never {B1} first, the last place to C2 (due 2028).
    plan = ex.rotation_plan(HAND, HAND_RECORDS, years=3, start=2026, share_max=0.4)
    assert planned(plan) == [(2026, "A2"), (2026, "B3"), (2026, "C1"), (2027, "A1"),
                             (2027, "B2"), (2028, "B1"), (2028, "C2")]


def test_communes_forced_by_the_cap() -> None:
    # cap 2: 3 due now -> 3; 1 now + 4 next year -> 5 - 2 = 3; 4 due within 2 years -> 0
    assert ex.communes_forced([2026, 2026, 2026], 2026, 2) == 3
    assert ex.communes_forced([2026, 2027, 2027, 2027, 2027], 2026, 2) == 3
    assert ex.communes_forced([2027, 2027, 2028, 2028], 2026, 2) == 0
    assert ex.communes_forced([2020, 2030], 2026, 1) == 1  # overdue: due now
    assert ex.communes_forced([], 2026, 2) == 0


def test_last_exercised_counts_only_commune_exercises_before_start() -> None:
    last = ex.last_exercised(HAND, HAND_RECORDS, before=2026)
    want = [HAND_LAST.get(c) for c in HAND["code"]]
    assert [None if pd.isna(v) else int(v) for v in last] == want
    assert ex.last_exercised(HAND, HAND_RECORDS, types=["district_defense_area"]).tolist()[
        0] == 2025


def test_counts_cycle_and_needed() -> None:
    assert ex.cycle_years() == 5
    assert ex.cycle_years(0.25) == 4
    assert ex.cycle_years(0.3) == 4
    assert ex.yearly_count(226) == (46, 56)
    assert ex.yearly_count(10) == (2, 2)
    # 7 communes: 1.4 .. 1.75, no whole number fits -> the documented rounding rule
    assert ex.yearly_count(7) == (2, 2)
    assert ex.communes_needed([2026, 2026, 2026, 2027, 2030], 2026) == 3
    assert ex.communes_needed([2030] * 10, 2026) == 2
    assert ex.communes_needed([], 2026) == 0


def test_rounding_rule_on_a_tiny_province() -> None:
    tiny = HAND.head(7)
    plan = ex.rotation_plan(tiny, years=4, start=2026)
    assert plan.groupby("year").size().tolist() == [2, 2, 2, 2]  # 2/7 = 29 % > 25 %


def test_bad_arguments_are_refused() -> None:
    with pytest.raises(ValueError, match="lengthen the cycle"):
        ex.rotation_plan(HAND, years=2, start=2026, cycle=3)
    with pytest.raises(ValueError, match="`years` must be"):
        ex.rotation_plan(HAND, years=0, start=2026)
    with pytest.raises(ValueError, match="share_min"):
        ex.rotation_plan(HAND, years=1, start=2026, share_min=0.5, share_max=0.3)
    dup = pd.concat([HAND, HAND.head(1)], ignore_index=True)
    with pytest.raises(ValueError, match="duplicate codes .*'A1'"):
        ex.rotation_plan(dup, years=1, start=2026)
    with pytest.raises(ValueError, match="no column 'ma'"):
        ex.rotation_plan(HAND, years=1, start=2026, code_col="ma")
    with pytest.raises(ValueError, match="commune_code and year"):
        ex.rotation_plan(HAND, pd.DataFrame({"year": [2020]}), years=1, start=2026)


def test_two_tier_province_plans_in_one_group() -> None:
    flat = HAND.drop(columns="parent_code")
    plan = ex.rotation_plan(flat, years=5, start=2026)
    assert plan["district_code"].isna().all()
    assert sorted(plan["commune_code"]) == sorted(HAND["code"])  # each once in the cycle
    assert ex.plan_summary(plan, flat)["districts"].tolist() == [1] * 5


# --- properties on the demo's 226 communes ----------------------------------------------------


@pytest.fixture(scope="module")
def demo_communes(demo_master: Path) -> pd.DataFrame:
    communes = planning_exercises.communes(Project(ProjectStore(demo_master)))
    return pd.DataFrame(communes.drop(columns="geometry"))


@pytest.fixture(scope="module")
def fixture_records(demo_communes: pd.DataFrame) -> pd.DataFrame:
    return rec.parse_exercise_csv(FIXTURE.read_bytes(), demo_communes).records


def replay(plan: pd.DataFrame, codes: list[str], start: int, years: int,
           records: pd.DataFrame | None) -> dict[int, dict[str, float]]:
    """Waiting time of every commune at the start of each plan year (never = inf)."""
    last: dict[str, float] = dict.fromkeys(codes, -math.inf)
    if records is not None:
        for r in records.itertuples():
            if r.type == CCD and r.year < start:
                last[r.commune_code] = max(last[r.commune_code], r.year)
    waits = {}
    for year in range(start, start + years):
        waits[year] = {c: year - y for c, y in last.items()}
        for c in plan.loc[plan["year"] == year, "commune_code"]:
            last[c] = year
    return waits


@pytest.mark.parametrize("with_records", [False, True])
def test_demo_rotation_properties(demo_communes: pd.DataFrame, fixture_records: pd.DataFrame,
                                  with_records: bool) -> None:
    records = fixture_records if with_records else None
    start, years = 2026, 12
    plan = ex.rotation_plan(demo_communes, records, years=years, start=start)
    n = len(demo_communes)
    assert n == 226
    cycle = math.ceil(1 / settings.exercise_share_min)
    codes = demo_communes["code"].tolist()
    sizes = demo_communes["parent_code"].value_counts()

    # each year's share within [min, max] (226 communes: 46..56 a year)
    per_year = plan.groupby("year").size()
    assert per_year.index.tolist() == list(range(start, start + years))
    assert per_year.between(math.ceil(0.20 * n), math.floor(0.25 * n)).all()
    assert (per_year / n).between(0.20, 0.25).all()
    assert not plan.duplicated(["commune_code", "year"]).any()

    # every commune within the cycle: from its last record (or from the plan's start when
    # never exercised) and between planned exercises, never more than `cycle` years
    last = {c: start - 1 for c in codes}  # never exercised: due by start + cycle - 1
    if records is not None:
        counted = records[records["type"] == CCD]
        last.update(counted.groupby("commune_code")["year"].max().to_dict())
    for code in codes:
        years_planned = sorted(plan.loc[plan["commune_code"] == code, "year"])
        gaps = [b - a for a, b in zip([last[code], *years_planned], years_planned,
                                      strict=False)]
        assert years_planned and max(gaps) <= cycle, (code, last[code], years_planned)
        assert start + years - years_planned[-1] <= cycle

    # longest-waiting first, within the deadlines: a commune planned although one left out
    # had waited longer must be due sooner (a never-exercised one is due start + cycle - 1)
    waits = replay(plan, codes, start, years, records)
    for year, wait in waits.items():
        chosen = set(plan.loc[plan["year"] == year, "commune_code"])
        left = [wait[c] for c in codes if c not in chosen]
        due = {c: (start + cycle - 1 if math.isinf(w) else year - w + cycle)
               for c, w in wait.items()}
        for c in chosen:
            if wait[c] < max(left):
                assert all(due[c] < due[d] for d in codes
                           if d not in chosen and wait[d] > wait[c]), (year, c)

    # spread across districts: planned per district close to its share of the year's count
    counts = pd.crosstab(plan["district_code"], plan["year"]).reindex(sizes.index,
                                                                      fill_value=0)
    expected = pd.DataFrame({y: per_year[y] * sizes / n for y in per_year.index})
    deviation = (counts - expected).abs()
    assert deviation.max().max() <= 2.0  # communes; see the module notes
    if not with_records:  # one waiting class in the first year: Sainte-Laguë within quota
        assert deviation[start].max() < 1.0
    share_dev = deviation.div(sizes, axis=0)
    assert share_dev.max().max() <= 2.0 / sizes.min()


def test_demo_rotation_is_deterministic(demo_communes: pd.DataFrame,
                                        fixture_records: pd.DataFrame) -> None:
    plan = ex.rotation_plan(demo_communes, fixture_records, years=6, start=2026)
    shuffled = demo_communes.sample(frac=1.0, random_state=7).reset_index(drop=True)
    again = ex.rotation_plan(shuffled, fixture_records.sample(frac=1.0, random_state=3),
                             years=6, start=2026)
    pd.testing.assert_frame_equal(plan, again)


def test_demo_summary(demo_communes: pd.DataFrame) -> None:
    plan = ex.rotation_plan(demo_communes, years=6, start=2026)
    summary = ex.plan_summary(plan, demo_communes)
    assert summary["planned"].tolist() == plan.groupby("year").size().tolist()
    assert summary["first_time"].sum() == 226  # everybody starts within the first cycle
    assert summary["first_time"].tolist()[-1] == 0
    assert (summary["districts_covered"] == 11).all()
    assert summary["share"].round(6).tolist() == (summary["planned"] / 226).round(6).tolist()


# --- the command line -------------------------------------------------------------------------


def kvpt(*args: object):
    return CliRunner().invoke(app, [str(a) for a in args])


def test_cli_exercises_json_and_import(demo_project: Path, tmp_path: Path) -> None:
    result = kvpt("exercises", demo_project, "--import", FIXTURE, "--years", 2, "--start",
                  2026, "--json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert set(rows[0]) == set(ex.PLAN_COLUMNS)
    assert len(rows) == 92 and {r["year"] for r in rows} == {2026, 2027}
    assert rows[0]["district_name"] == "Thành phố Lạng Sơn"
    assert len(rec.read_exercises(ProjectStore(demo_project))) == 94
    out = tmp_path / "plan.csv"
    result = kvpt("exercises", demo_project, "--years", 1, "--start", 2026, "--out", out)
    assert result.exit_code == 0, result.output
    written = pd.read_csv(out, dtype={"commune_code": str})
    assert written["commune_code"].tolist() == [r["commune_code"] for r in rows[:46]]


def test_cli_exercises_bad_csv_exits_2_and_leaves_the_project(demo_project: Path,
                                                              tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("commune_code,year,type\n2090101,2024,commune_combat_defense\n"
                   "9999999,2024,commune_combat_defense\n", encoding="utf-8")
    before = sha256(demo_project)
    result = kvpt("exercises", demo_project, "--import", bad)
    assert result.exit_code == 2
    assert "bad.csv line 3: unknown commune code '9999999'" in result.output
    assert sha256(demo_project) == before
