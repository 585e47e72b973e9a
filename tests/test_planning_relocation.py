"""planning.relocation: the relocation plan of a project, for ``kvpt relocate`` and the page.

The parity tests put ``kvpt relocate --json`` through :func:`ui.tables.localized` (the
page's headers, values and rounding) and compare it with the tables the Relocation page
shows, cell by cell, without a cut and with one.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest
from typer.testing import CliRunner

from cli import app
from conftest import app_test, assert_page_shows, page_table
from geo import relocation as geo_relocation
from geo import settings
from geo.errors import AnalysisInputError, Problem
from layers.store import NewLayer, ProjectStore
from planning import inputs, relocation
from planning.errors import PlanningError
from planning.params import MAX_CUTS
from planning.project import Project

ROOT = Path(__file__).parents[1]
SITES = "Địa điểm di chuyển (giả định)"


def kvpt(*args: object):
    return CliRunner().invoke(app, [str(a) for a in args])


def json_of(*args: object):
    res = kvpt(*args, "--json")
    assert res.exit_code == 0, res.output
    return json.loads(res.stdout)


def fresh_caches() -> None:
    """Forget the road graphs and plans made so far (so a front end makes its own)."""
    inputs._GRAPHS.clear()
    relocation._PLANS.clear()


def test_every_placed_enterprise_travels_as_kvpt_route_says(demo_master: Path) -> None:
    """The one access rule: an enterprise's travel time in the plan is the time of
    ``kvpt route`` from the enterprise to its site, named by the ids the plan prints."""
    fresh_caches()
    plan = json_of("relocate", demo_master)
    placed = [e for e in plan["enterprises"] if e["site"] is not None]
    assert len(placed) == 27  # the demo enterprises that must relocate (kvpt relocate --all: 30)
    for ent in placed:
        (row,) = json_of("route", demo_master, "--from", ent["enterprise"], "--to", ent["site"])
        assert row["from_code"] == ent["enterprise"] and row["to_code"] == ent["site"]
        assert row["to_name"] == ent["site_name"]
        assert row["travel_min"] == pytest.approx(ent["travel_min"], abs=0.01)
        assert row["distance_km"] == pytest.approx(ent["distance_km"], abs=0.001)


def test_result_tables_and_json_keys(demo_master: Path) -> None:
    fresh_caches()
    project = Project(ProjectStore(demo_master))
    result = relocation.relocate(project, max_min=60)
    assert list(result.tables) == ["enterprises", "sites"] == list(result.json_keys)
    assert result.main.crs.to_epsg() == 4326
    assert result.extra["plan_b"] is None and result.extra["plan"] is result.extra["plan_a"]
    again = relocation.relocate(Project(ProjectStore(demo_master)), max_min=60)
    assert again.extra["plan"] is result.extra["plan"]  # kept, not solved again
    segments = relocation.segments(project, max_min=60).main
    top = segments["segment_id"].iloc[0]
    cut = relocation.relocate(project, max_min=60, cut=[top, f" {top} "])
    assert list(cut.json_keys) == ["enterprises", "sites", "changes"]
    assert cut.extra["plan_b"].cut == (top,)
    assert cut.extra["plan_a"] is result.extra["plan"]
    assert set(segments.loc[0, "used_by"].split(",")) <= set(cut.tables["changes"]["enterprise"])


def test_a_new_version_of_a_layer_is_planned_afresh(demo_project: Path) -> None:
    fresh_caches()
    store = ProjectStore(demo_project)
    before = relocation.relocate(Project(store))
    assert len(before.tables["sites"]) == 40
    fewer = store.read(SITES).iloc[:30]
    store.add_layer(NewLayer(fewer, SITES, "relocation_site"))
    after = relocation.relocate(Project(ProjectStore(demo_project)))
    assert len(after.tables["sites"]) == 30
    assert set(after.main["site"].dropna()) <= set(fewer["code"])


def test_a_quick_plan_b_then_the_optimum(demo_master: Path) -> None:
    """The page's first plan B after a cut is solved with a short limit; the plan without
    a limit is optimal, no worse, and above the quick plan's proven bound; once kept, the
    optimal plan answers the short-limit call too."""
    fresh_caches()
    project = Project(ProjectStore(demo_master))
    cut = relocation.segments(project).main["segment_id"].iloc[:2].tolist()
    quick = relocation.relocate(project, cut=cut, time_limit_s=0.02)
    plan_q = quick.extra["plan_b"]
    assert not [w for w in quick.warnings if w.key == "solver_limit"]
    assert quick.values["gap"] == pytest.approx(plan_q.gap) and 0 <= plan_q.gap <= 1
    best = relocation.relocate(Project(ProjectStore(demo_master)), cut=cut)
    plan_b = best.extra["plan_b"]
    assert plan_b.optimal and best.values["gap"] == 0.0
    if plan_q.n_placed == plan_b.n_placed:
        assert plan_q.bound_min - 1e-6 <= plan_b.total_travel_min
        assert plan_b.total_travel_min <= plan_q.total_travel_min + 1e-6
    again = relocation.relocate(Project(ProjectStore(demo_master)), cut=cut, time_limit_s=0.02)
    assert again.extra["plan_b"] is plan_b


def test_no_plan_within_a_short_limit_falls_back_to_the_full_one(
        demo_master: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """On a busy machine the quick limit may pass before any plan is found: the call then
    solves with the full limit rather than failing."""
    fresh_caches()
    limits = []
    solve = geo_relocation._milp

    def slow(cost, constraints, limit):  # finds nothing within less than a second
        limits.append(limit)
        if limit < 1:
            raise AnalysisInputError(Problem("solver_time_limit", limit=limit))
        return solve(cost, constraints, limit)

    monkeypatch.setattr(geo_relocation, "_milp", slow)
    project = Project(ProjectStore(demo_master))
    cut = relocation.segments(project).main["segment_id"].iloc[:1].tolist()
    plan_b = relocation.relocate(project, cut=cut, time_limit_s=0.5).extra["plan_b"]
    assert plan_b.optimal and 0.5 in limits
    assert limits[-1] == settings.relocation_time_limit_s


def test_cuts_are_checked_and_bounded(demo_master: Path) -> None:
    project = Project(ProjectStore(demo_master))
    ids = relocation.segments(project).main["segment_id"].tolist()
    assert len(ids) > MAX_CUTS
    with pytest.raises(PlanningError) as err:
        relocation.relocate(project, cut=ids)
    assert err.value.key == "too_many_cuts"
    assert err.value.text("vi") == (f"Cắt {len(ids)} đoạn là quá nhiều (tối đa {MAX_CUTS}): "
                                    "chọn các đoạn cần xét.")
    with pytest.raises(PlanningError) as err:
        relocation.relocate(project, cut=["no such segment"])
    assert err.value.key == "unknown_segment"
    res = kvpt("relocate", demo_master, *[a for i in ids for a in ("--cut", i)])
    assert res.exit_code == 2 and res.stderr.count("\n") == 1
    assert f"cutting {len(ids)} segments is too many" in res.stderr


def test_missing_or_wrong_layers_say_what_to_do(demo_master: Path, tmp_path: Path) -> None:
    project = Project(ProjectStore(demo_master))
    with pytest.raises(PlanningError) as err:
        relocation.relocate(project, sites="Căn cứ chiến đấu (giả định)")
    assert err.value.key == "not_layer_of_kind" and SITES in err.value.text("en")
    path = tmp_path / "empty.gpkg"
    ProjectStore.init(path)
    res = kvpt("relocate", path)
    assert res.exit_code == 2
    assert "'enterprise' nor 'relocation_site'" in res.stderr


def test_list_segments_matches_the_plan_routes(demo_master: Path) -> None:
    rows = json_of("relocate", demo_master, "--list-segments", "--max-min", 60)
    plan = json_of("relocate", demo_master, "--max-min", 60)
    assert list(rows[0]) == ["segment_id", "class", "name", "length_m", "time_min", "n_used",
                             "used_by"]
    placed = {e["enterprise"] for e in plan["enterprises"] if e["site"] is not None}
    used = {x for r in rows for x in r["used_by"].split(",") if x}
    assert used == placed  # every route runs over some segment, and only routes do
    assert [r["n_used"] for r in rows] == sorted((r["n_used"] for r in rows), reverse=True)


# --- the command line and the page show the same rows -------------------------------------


def run_page(project: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    return app_test('ui/relocation_page.py', project, monkeypatch)


def test_relocate_command_equals_page(demo_master: Path,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    fresh_caches()
    at = run_page(demo_master, monkeypatch)
    assert not at.exception and not at.error
    fresh_caches()
    data = json_of("relocate", demo_master)
    assert_page_shows(page_table(at, "binding"), data["enterprises"])
    assert_page_shows(page_table(at, "passes_depth"), data["sites"])
    placed = sum(e["site"] is not None for e in data["enterprises"])
    assert at.metric[0].value == f"{placed}/{len(data['enterprises'])}"

    picker = at.multiselect(key="reloc_cut")
    top = picker.options[0].split(" – ")[0]
    listed = json_of("relocate", demo_master, "--list-segments")
    assert top == listed[0]["segment_id"]  # the page's cut list is the command's
    assert [o.split(" – ")[0] for o in picker.options] == [r["segment_id"] for r in listed]
    picker.set_value([top]).run()
    assert not at.exception and not at.error
    fresh_caches()
    cut = json_of("relocate", demo_master, "--cut", top)
    assert_page_shows(page_table(at, "change"), cut["changes"])
    assert_page_shows(page_table(at, "binding"), cut["enterprises"])
    assert_page_shows(page_table(at, "passes_depth"), cut["sites"])


def test_changes_say_whose_route_was_cut(demo_master: Path) -> None:
    """route_cut is True exactly for the enterprises whose plan A route, as `kvpt route`
    finds it, runs over the cut segment."""
    plan_a = json_of("relocate", demo_master, "--json")["enterprises"]
    cut = json_of("relocate", demo_master, "--list-segments", "--json")[0]["segment_id"]
    changes = json_of("relocate", demo_master, "--cut", cut, "--json")["changes"]
    site_a = {r["enterprise"]: r["site"] for r in plan_a}
    assert changes and any(c["route_cut"] for c in changes)
    assert not all(c["route_cut"] for c in changes)  # others move for capacity
    for change in changes:
        if site_a[change["enterprise"]] is None:
            assert not change["route_cut"]
            continue
        way = json_of("route", demo_master, "--from", change["enterprise"], "--to",
                      site_a[change["enterprise"]], "--json")[0]
        assert change["route_cut"] == (cut in way["segments"].split("; ")), change
