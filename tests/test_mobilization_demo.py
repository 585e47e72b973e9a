"""Industrial mobilization on the demo: ``kvpt mobilization`` against independent sums and
geodesic azimuths, ``kvpt relocate`` with must_relocate and ``--all``, the demo plan with
water / power requirements against an independent MILP, and the Relocation page section."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
import shapely
from pyproj import Geod, Transformer
from scipy.optimize import LinearConstraint, milp
from scipy.sparse import coo_array
from streamlit.testing.v1 import AppTest
from test_relocation import Demo, check_plan, utilities_met
from typer.testing import CliRunner

from cli import app
from geo import settings
from layers.store import ProjectStore
from planning import inputs
from planning.project import Project

ROOT = Path(__file__).parents[1]
NOT_MOVING = {"DN-07", "DN-17", "DN-27"}  # the demo enterprises that stay (layers/demo.py)


def json_of(*args: object) -> object:
    res = CliRunner().invoke(app, [str(a) for a in args] + ["--json"])
    assert res.exit_code == 0, res.output
    return json.loads(res.stdout)


def test_mobilization_totals_equal_an_independent_sum(demo_master: Path) -> None:
    data = json_of("mobilization", demo_master)
    assert set(data) == {"enterprises", "districts", "directions", "readiness"}
    ents = data["enterprises"]
    assert len(ents) == 30
    assert {e["enterprise"] for e in ents if not e["must_relocate"]} == NOT_MOVING
    store = ProjectStore(demo_master)
    raw = next(store.read(r.name) for r in store.layers() if r.kind == "enterprise")
    raw = raw.set_index("code").to_crs(settings.metric_crs)
    districts = inputs.districts(Project(store)).to_crs(settings.metric_crs)
    expected: dict[tuple[str, str], list[float]] = {}
    for code, row in raw.iterrows():  # plain loop: which district polygon contains it
        holders = [d.code for d in districts.itertuples() if d.geometry.contains(row.geometry)]
        assert len(holders) == 1, code
        acc = expected.setdefault((str(holders[0]), row["capacity_unit"]), [0.0, 0, 0])
        acc[0] += row["mobilization_capacity"]
        acc[1] += 1
        acc[2] += row["must_relocate"] == "có"
    got = {(r["district"], r["capacity_unit"]): [r["capacity_total"], r["n_enterprises"],
                                                 r["n_must_relocate"]]
           for r in data["districts"]}
    assert got.keys() == expected.keys()
    for key, value in expected.items():
        assert got[key] == pytest.approx(value), key
    readiness = {"sẵn sàng": "ready", "một phần": "partial", "chưa sẵn sàng": "not_ready"}
    counts = raw["readiness"].map(readiness).value_counts().to_dict()
    assert {k: v for k, v in data["readiness"].items() if v} == counts
    for key in ("districts", "directions"):
        assert sum(r["n_enterprises"] for r in data[key]) == 30


def test_directions_follow_the_geodesic_azimuth_from_the_province_centre(
        demo_master: Path) -> None:
    """The direction of each enterprise is the sector of its azimuth (pyproj.Geod) from the
    province's centroid, except within 1.5° of a sector edge (grid vs true north)."""
    data = json_of("mobilization", demo_master)
    province = inputs.province(Project(ProjectStore(demo_master)))
    centre = shapely.centroid(shapely.union_all(
        province.geometry.to_crs(settings.metric_crs).to_numpy()))
    lon0, lat0 = Transformer.from_crs(settings.metric_crs, "EPSG:4326",
                                      always_xy=True).transform(centre.x, centre.y)
    store = ProjectStore(demo_master)
    raw = next(store.read(r.name) for r in store.layers() if r.kind == "enterprise")
    points = raw.set_index("code").geometry
    geod = Geod(ellps="WGS84")
    named = {"Hướng Bắc": (315, 45), "Hướng Đông": (45, 135), "Hướng Nam": (135, 225),
             "Hướng Tây": (225, 315)}
    checked = 0
    for e in data["enterprises"]:
        p = points[e["enterprise"]]
        azimuth, _, dist = geod.inv(lon0, lat0, p.x, p.y)
        azimuth %= 360.0
        assert e["distance_km"] == pytest.approx(dist / 1000.0, rel=0.002)
        if min(abs((azimuth - edge + 180) % 360 - 180) for edge in (45, 135, 225, 315)) < 1.5:
            continue
        start, end = named[e["direction"]]
        inside = start <= azimuth < end if start < end else azimuth >= start or azimuth < end
        assert inside, (e["enterprise"], azimuth, e["direction"])
        checked += 1
    assert checked >= 25


def test_relocate_plans_only_those_that_must_move_unless_all(demo_master: Path) -> None:
    default = json_of("relocate", demo_master)["enterprises"]
    everyone = json_of("relocate", demo_master, "--all")["enterprises"]
    assert len(default) == 27 and len(everyone) == 30
    assert {e["enterprise"] for e in everyone} - {e["enterprise"] for e in default} == \
        NOT_MOVING


@pytest.fixture(scope="module")
def demo(demo_master: Path) -> Demo:
    return Demo(demo_master)


def independent_optimum(demo: Demo, max_min: float) -> tuple[int, float]:
    """Most placed, then least total time, by one MILP on the independent time matrix,
    with the depth / hazard / time / water-power pairs removed: (count, total)."""
    crs = demo.graph.graph["crs"]
    border = shapely.union_all(demo.border.geometry.to_crs(crs).to_numpy())
    hazards = shapely.union_all(demo.hazards.geometry.to_crs(crs).to_numpy())
    sites = demo.sites.geometry.to_crs(crs)
    ok_site = np.array([shapely.distance(s, border) >= settings.relocation_min_depth_km * 1000
                        and not shapely.intersects(s, hazards) for s in sites])
    t = demo.times.to_numpy()
    allowed = ok_site[None, :] & utilities_met(demo) & (np.nan_to_num(t, nan=np.inf)
                                                         <= max_min)
    ei, si = np.nonzero(allowed)
    times = t[ei, si]
    big = times.sum() + 1.0  # one more placed always beats any saving of time
    n, m, k = len(demo.enterprises), len(demo.sites), len(ei)
    one = coo_array((np.ones(k), (ei, np.arange(k))), shape=(n, k))
    need = demo.enterprises[["workforce", "floor_area_m2"]].to_numpy(float)
    caps = demo.sites[["capacity", "usable_area_m2"]].to_numpy(float)
    rows = [LinearConstraint(one, 0, 1)]
    for d in range(2):
        load = coo_array((need[ei, d], (si, np.arange(k))), shape=(m, k))
        rows.append(LinearConstraint(load, -np.inf, caps[:, d]))
    res = milp(times - big, constraints=rows, integrality=np.ones(k), bounds=(0, 1))
    assert res.status == 0
    x = res.x > 0.5
    return int(x.sum()), float(times[x].sum())


def test_demo_plan_with_requirements_is_the_independent_optimum(demo: Demo) -> None:
    needs = demo.enterprises[["needs_water", "needs_power"]].eq("có")
    assert needs.any().all()  # the demo does exercise both requirements
    plan = demo.plan()
    check_plan(demo, plan)  # includes: each placed site has the water / power needed
    count, total = independent_optimum(demo, plan.max_travel_min)
    assert plan.n_placed == count
    assert plan.total_travel_min == pytest.approx(total, rel=1e-6)


def test_relocation_page_shows_the_mobilization_section(
        demo_project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("KVPT_PROJECT", str(demo_project))
    at = AppTest.from_file(str(ROOT / "ui/relocation_page.py"), default_timeout=60).run()
    assert not at.exception
    assert at.metric[0].value == "27/27"
    labels = [e.label for e in at.expander]
    assert "Năng lực động viên công nghiệp theo huyện và hướng" in labels
    ready = next(m for m in at.metric if m.label == "sẵn sàng")
    data = json_of("mobilization", demo_project)
    assert int(ready.value) == data["readiness"]["ready"]
    shown = [d.value for d in at.dataframe if "Hướng" in d.value.columns]
    assert len(shown) == 1 and len(shown[0]) == len(data["directions"])
    assert "Tổng năng lực" in shown[0].columns


def test_import_maps_vietnamese_columns_and_warns_without_admin_units(tmp_path: Path) -> None:
    src = tmp_path / "doanh_nghiep.csv"
    src.write_text(
        "ma,ten,lon,lat,san_pham,day_chuyen,nang_luc,dvt,san_sang,phai_di_chuyen,can_nuoc,"
        "can_dien\n"
        "DN-1,Công ty A,106.70,21.85,May,Dây chuyền may,1000,bộ/tháng,Sẵn sàng,có,không,có\n"
        "DN-2,Công ty B,106.75,21.86,Cơ khí,Dây chuyền cơ khí,40,bộ/tháng,một phần,không,có,"
        "không\n", encoding="utf-8")
    project = tmp_path / "p.gpkg"
    runner = CliRunner()
    assert runner.invoke(app, ["init", str(project)]).exit_code == 0
    res = runner.invoke(app, ["import", str(project), str(src), "--kind", "enterprise"])
    assert res.exit_code == 0, res.output
    res = runner.invoke(app, ["mobilization", str(project), "--json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    one, two = data["enterprises"]
    assert (one["enterprise"], one["production_line"], one["mobilization_capacity"],
            one["capacity_unit"], one["readiness"], one["must_relocate"], one["needs_water"],
            one["needs_power"]) == ("DN-1", "Dây chuyền may", 1000.0, "bộ/tháng", "ready",
                                    True, False, True)
    assert (two["readiness"], two["must_relocate"], two["needs_water"]) == (
        "partial", False, True)
    assert one["direction"] == "" and one["district"] == ""
    assert "no admin units" in res.stderr and "district" in res.stderr
    (row,) = data["directions"]  # no province: one blank direction, one unit
    assert (row["n_enterprises"], row["capacity_total"]) == (2, 1040.0)


def test_a_weak_bridge_on_the_plan_is_left_out_as_a_cut_would(demo_master: Path,
                                                               tmp_path: Path) -> None:
    """Relocation with --load-t: a road too weak for the load is as if its segments were cut."""
    from geo import network as geo_network
    from layers.store import NewLayer, ProjectStore
    from planning import inputs as planning_inputs
    from planning import relocation as planning_relocation
    from planning.project import Project

    path = tmp_path / "load.gpkg"
    shutil.copy2(demo_master, path)
    proj = Project(ProjectStore(path))
    graph, roads = planning_inputs.road_graph(proj)
    used = planning_relocation.segments(proj).main
    edges = geo_network.edges_frame(graph)
    counts = edges.groupby("source")["segment_id"].nunique()
    # the busiest road line of plan A whose segments are few enough to cut them all
    busy = used[used["n_used"] > 0].merge(edges[["segment_id", "source"]], on="segment_id")
    source = next(s for s in busy.sort_values("n_used", ascending=False)["source"]
                  if counts[s] <= 10)
    layer, row = source.rsplit(":", 1)
    store = ProjectStore(path)
    lines = store.read(layer)
    lines["load_class"] = None
    lines.loc[lines.index[int(row)], "load_class"] = "H13"  # 13 t
    store.add_layer(NewLayer(lines, layer, store.record(layer).kind))
    proj = Project(ProjectStore(path))
    weak = planning_relocation.relocate(proj, load_t=30)
    cut_ids = sorted(edges.loc[edges["source"] == source, "segment_id"])
    cut = planning_relocation.relocate(proj, cut=cut_ids)
    plan_w, plan_c = weak.extra["plan"], cut.extra["plan_b"]
    assert plan_w.total_travel_min == pytest.approx(plan_c.total_travel_min, abs=1e-6)
    assert plan_w.enterprises["site"].tolist() == plan_c.enterprises["site"].tolist()
    left = set(planning_relocation.segments(proj, load_t=30).main["segment_id"])
    assert left and not left & set(cut_ids)  # the weak road is not in the graph used
    assert set(cut_ids) <= set(planning_relocation.segments(proj, load_t=10).main["segment_id"])
    assert weak.settings["load_t"] == 30
    light = planning_relocation.relocate(proj, load_t=10)  # the bridge holds 10 t
    assert light.extra["plan"].total_travel_min == pytest.approx(
        cut.extra["plan_a"].total_travel_min, abs=1e-6)
