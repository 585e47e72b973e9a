"""The rotation keeps the cycle whenever the cap allows it (issue #12 §1).

The property is checked against an exhaustive search: on small random provinces, whenever
*some* plan with ``lo..hi`` communes a year keeps every commune within the cycle, the plan of
:func:`geo.exercises.rotation_plan` keeps it too.
"""

from __future__ import annotations

import itertools
import math
import random
from functools import cache
from pathlib import Path

import pandas as pd
import pytest

from geo import exercises as ex
from layers.store import ProjectStore
from planning import exercises as planning_exercises
from planning.project import Project

CCD = "commune_combat_defense"


def deadlines_kept(last: dict[str, int | None], plan: dict[int, set[str]], start: int,
                   years: int, cycle: int) -> bool:
    """Whether every commune keeps its deadlines inside the plan's years.

    A commune last exercised in year ``y`` must exercise again by ``y + cycle`` (a commune
    never exercised by ``start + cycle - 1``); only deadlines inside the plan count.
    """
    end = start + years - 1
    for code, first in last.items():
        prev = start - 1 if first is None else first
        for year in range(start, end + 1):
            if code in plan.get(year, set()):
                prev = year
            elif year - prev >= cycle:  # the deadline prev + cycle has passed
                return False
    return True


def some_plan_keeps_the_cycle(last: dict[str, int | None], start: int, years: int,
                              cycle: int, lo: int, hi: int) -> bool:
    """Exhaustive search over every yearly choice of ``lo..hi`` communes."""
    codes = sorted(last)

    @cache
    def ok(year: int, prev: tuple[int, ...]) -> bool:
        if any(year - p > cycle for p in prev):
            return False
        if year == start + years:
            return True
        for size in range(lo, hi + 1):
            for chosen in itertools.combinations(range(len(codes)), size):
                nxt = tuple(year if i in chosen else p for i, p in enumerate(prev))
                if ok(year + 1, nxt):
                    return True
        return False

    # a commune never exercised counts as exercised in start - 1 (due by start + cycle - 1)
    return ok(start, tuple(start - 1 if last[c] is None else last[c] for c in codes))


def plan_of(last: dict[str, int | None], districts: dict[str, str], *, start: int,
            years: int, cycle: int, lo: int, hi: int) -> dict[int, set[str]]:
    n = len(last)
    communes = pd.DataFrame({"code": list(last), "parent_code": [districts[c] for c in last]})
    records = pd.DataFrame({"commune_code": [c for c, y in last.items() if y is not None],
                            "year": [y for y in last.values() if y is not None],
                            "type": CCD})
    plan = ex.rotation_plan(communes, records, years=years, start=start, cycle=cycle,
                            share_min=lo / n, share_max=hi / n)
    counts = plan.groupby("year").size()
    assert counts.between(lo, hi).all() and len(counts) == years
    return {int(y): set(g["commune_code"]) for y, g in plan.groupby("year")}


def test_brute_force_checks_itself() -> None:
    # 3 communes all due in 2026, cap 2: no plan keeps the cycle; cap 3 does
    last: dict[str, int | None] = {"a": 2021, "b": 2021, "c": 2021}
    assert not some_plan_keeps_the_cycle(last, 2026, 2, 5, 1, 2)
    assert some_plan_keeps_the_cycle(last, 2026, 2, 5, 1, 3)
    assert deadlines_kept(last, {2026: {"a", "b", "c"}}, 2026, 1, 5)
    assert not deadlines_kept(last, {2026: {"a", "b"}}, 2026, 1, 5)


def test_the_issue_case_by_hand() -> None:
    # the bug of issue #12: 4 communes never exercised and 2 last exercised in 2021 (due
    # 2026), 2 a year. Longest-waiting first put the never-exercised first and the 2021 ones
    # in 2027 (6 years); the deadlines put the 2021 ones in 2026.
    last: dict[str, int | None] = {"n1": None, "n2": None, "n3": None, "n4": None,
                                   "o1": 2021, "o2": 2021, "r1": 2025, "r2": 2025}
    plan = plan_of(last, dict.fromkeys(last, "D"), start=2026, years=4, cycle=5, lo=2, hi=2)
    assert plan[2026] == {"o1", "o2"}
    assert plan[2027] == {"n1", "n2"}  # then longest-waiting: never exercised, by code
    assert plan[2028] == {"n3", "n4"}
    assert plan[2029] == {"r1", "r2"}
    assert deadlines_kept(last, plan, 2026, 4, 5)


@pytest.mark.parametrize("seed", range(60))
def test_rotation_keeps_the_cycle_whenever_some_plan_can(seed: int) -> None:
    rng = random.Random(seed)
    n = rng.randint(3, 6)
    hi = rng.randint(1, 3)
    lo = rng.randint(1, hi)
    cycle = rng.randint(math.ceil(n / hi), math.ceil(n / hi) + 2)
    start, years = 2026, rng.randint(2, 4)
    last = {f"c{i}": rng.choice([None, *range(start - cycle, start)]) for i in range(n)}
    districts = {c: rng.choice("AB") for c in last}
    plan = plan_of(last, districts, start=start, years=years, cycle=cycle, lo=lo, hi=hi)
    if some_plan_keeps_the_cycle(last, start, years, cycle, lo, hi):
        assert deadlines_kept(last, plan, start, years, cycle), (last, plan, lo, hi, cycle)


def test_demo_records_no_commune_waits_past_the_cycle(demo_master: Path) -> None:
    # the demo's own records (2021-2025): before the fix 12 communes last exercised in 2021
    # were planned in 2027 although 2026 had room
    project = Project(ProjectStore(demo_master))
    result = planning_exercises.rotation(project, years=10, start=2026)
    plan = result.tables["exercise_plan"]
    records = planning_exercises.records(project)
    communes = planning_exercises.communes(project)
    counted = records[(records["type"] == CCD) & (records["year"] < 2026)]
    last = counted.groupby("commune_code")["year"].max().to_dict()
    by_year = {int(y): set(g["commune_code"]) for y, g in plan.groupby("year")}
    start_last = {c: last.get(c) for c in communes["code"]}
    assert any(y == 2021 for y in start_last.values())  # the case of the issue is there
    assert deadlines_kept(start_last, by_year, 2026, 10, 5)
    assert plan["waited_years"].dropna().max() <= 5
