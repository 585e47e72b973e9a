"""Relocation of designated enterprises: the MILP by brute force, each constraint made
binding in a hand-made case, and the demo plan checked against independent recomputation."""

from __future__ import annotations

import dataclasses
import json

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from shapely.geometry import LineString, Point, box

from conftest import brute_force
from geo import relocation, settings
from geo.errors import AnalysisInputError
from geo.relocation import compare_plans, plan_relocation, site_criteria, solve_assignment

CRS = "EPSG:3405"
Y0 = 2_400_000.0  # the border line of the hand-made cases runs along y = Y0
X0 = 600_000.0


# --- the MILP against brute force ------------------------------------------------------------


@pytest.mark.parametrize("seed", range(12))
def test_solve_assignment_matches_brute_force(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n, m = int(rng.integers(4, 7)), int(rng.integers(3, 5))
    times = rng.uniform(5, 120, (n, m)).round(1)
    times[rng.random((n, m)) < 0.15] = np.nan
    demands = rng.integers(1, 10, (n, 2)).astype(float)
    caps = rng.integers(4, 16, (m, 2)).astype(float)
    got = solve_assignment(times, demands, caps)
    count, total = brute_force(times, demands, caps)
    placed = got.site >= 0
    assert placed.sum() == count
    assert got.total_min == pytest.approx(total, abs=1e-6)
    assert got.optimal
    # the solution itself is feasible and its total is what it says
    rows = np.flatnonzero(placed)
    assert np.isfinite(times[rows, got.site[rows]]).all()
    assert got.total_min == pytest.approx(times[rows, got.site[rows]].sum())
    for j in range(m):
        assert (demands[got.site == j].sum(axis=0) <= caps[j]).all()


@pytest.mark.parametrize("seed", range(4))
def test_a_time_limited_solve_is_bounded_by_the_optimum(seed: int) -> None:
    """A solve stopped by its time limit (the page's quick plan B) is feasible, and its
    proven bound lies at or below the optimum found without a limit, which lies at or
    below its own total."""
    rng = np.random.default_rng(100 + seed)
    n, m = 40, 30
    times = rng.uniform(5, 240, (n, m)).round(2)
    demands = rng.integers(50, 550, (n, 2)).astype(float)
    caps = rng.integers(150, 700, (m, 2)).astype(float)
    full = solve_assignment(times, demands, caps)
    for limit in (0.05, 0.2, 1.0, 5.0):  # a busy machine may find nothing in the shortest
        try:
            quick = solve_assignment(times, demands, caps, time_limit_s=limit)
            break
        except AnalysisInputError as err:
            assert err.problems[0].key == "solver_time_limit"
    assert full.optimal and full.bound_min == full.total_min
    assert (quick.site >= 0).sum() <= (full.site >= 0).sum()
    for j in range(m):
        assert (demands[quick.site == j].sum(axis=0) <= caps[j]).all()
    if (quick.site >= 0).sum() == (full.site >= 0).sum():
        assert quick.bound_min <= full.total_min + 1e-6 <= quick.total_min + 2e-6
    else:  # fewer placed than possible, unproven: no bound on the time is claimed
        assert quick.bound_min == -np.inf
    if quick.optimal:
        assert quick.total_min == pytest.approx(full.total_min, abs=1e-6)


def test_plan_gap_is_the_share_above_the_bound(border: gpd.GeoDataFrame) -> None:
    base = plan(enterprises([10]), sites([50], [20]), [[30.0]], border)
    assert base.optimal and base.gap == 0.0
    near = dataclasses.replace(base, optimal=False, total_travel_min=200.0, bound_min=190.0)
    assert near.gap == pytest.approx(0.05)
    unbounded = dataclasses.replace(near, bound_min=float("nan"))
    assert unbounded.gap == 1.0  # nothing proven: the total may be all above the best


def test_solve_assignment_places_most_before_fastest() -> None:
    # Fastest alone: e0 -> s0 (1 min), e1 unplaced. Most placed: e0 -> s1, e1 -> s0.
    times = np.array([[1.0, 100.0], [2.0, np.nan]])
    got = solve_assignment(times, np.array([[1.0], [1.0]]), np.array([[1.0], [5.0]]))
    assert got.site.tolist() == [1, 0]
    assert got.total_min == pytest.approx(102.0)


def test_solve_assignment_rejects_negative_demand() -> None:
    with pytest.raises(ValueError, match="finite numbers >= 0"):
        solve_assignment(np.ones((1, 1)), np.array([[-1.0]]), np.array([[1.0]]))


# --- hand-made cases: every constraint binding with the right reason -------------------------


def square(depth_km: float, x_km: float = 0.0, side_m: float = 1000.0) -> shapely.Polygon:
    """A square site whose edge nearest to the border lies ``depth_km`` south of it."""
    top = Y0 - depth_km * 1000.0
    return box(X0 + x_km * 1000, top - side_m, X0 + x_km * 1000 + side_m, top)


@pytest.fixture
def border() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(geometry=[LineString([(X0 - 50_000, Y0), (X0 + 50_000, Y0)])],
                            crs=CRS)


def enterprises(workforce: list[int], area: list[float] | None = None) -> gpd.GeoDataFrame:
    n = len(workforce)
    data = {"name": [f"E{i}" for i in range(n)], "workforce": workforce}
    if area is not None:
        data["floor_area_m2"] = area
    pts = [Point(X0 + 1000 * i, Y0 - 5000) for i in range(n)]
    return gpd.GeoDataFrame(data, geometry=pts, crs=CRS, index=[f"e{i}" for i in range(n)])


def sites(depths: list[float], capacity: list[int],
          area: list[float] | None = None) -> gpd.GeoDataFrame:
    n = len(depths)
    data = {"name": [f"S{j}" for j in range(n)], "capacity": capacity}
    if area is not None:
        data["usable_area_m2"] = area
    geoms = [square(d, x_km=3 * j) for j, d in enumerate(depths)]
    return gpd.GeoDataFrame(data, geometry=geoms, crs=CRS, index=[f"s{j}" for j in range(n)])


def times_frame(ent: gpd.GeoDataFrame, st: gpd.GeoDataFrame, rows: list[list[float]]
                ) -> pd.DataFrame:
    return pd.DataFrame(rows, index=ent.index, columns=st.index, dtype=float)


def plan(ent, st, rows, border, hazards=None, **kw) -> relocation.RelocationPlan:
    depth = kw.pop("min_depth_km", 25.0)
    crit = site_criteria(st, border, hazards, min_depth_km=depth)
    return plan_relocation(ent, st, times_frame(ent, st, rows), crit, min_depth_km=depth,
                           **{"max_travel_min": 120.0, **kw})


def test_site_criteria_depth_and_hazard_measured(border: gpd.GeoDataFrame) -> None:
    st = sites([30.0, 10.0, 40.0], [100, 100, 100])
    hazard = gpd.GeoDataFrame(geometry=[st.geometry["s2"].centroid.buffer(200)], crs=CRS)
    crit = site_criteria(st.to_crs("EPSG:4326"), border, hazard, min_depth_km=25.0)
    # measured in EPSG:3405 again after the round trip through EPSG:4326
    assert crit["depth_km"].to_numpy() == pytest.approx([30.0, 10.0, 40.0], abs=1e-3)
    assert crit["passes_depth"].tolist() == [True, False, True]
    assert crit["in_hazard"].tolist() == [False, False, True]
    assert crit["passes_hazard"].tolist() == [True, True, False]


def test_capacity_binding(border: gpd.GeoDataFrame) -> None:
    ent = enterprises([100, 100])
    st = sites([30, 30], [150, 500])
    p = plan(ent, st, [[10, 50], [20, 30]], border)
    e = p.enterprises
    assert e["site"].tolist() == ["s0", "s1"]  # 10 + 30 beats 50 + 20
    assert e["binding"].tolist() == ["", "capacity"]
    assert p.total_travel_min == pytest.approx(40.0)
    assert p.sites["used"].tolist() == [100, 100]
    assert p.sites["selected"].tolist() == [True, True]


def test_every_feasible_site_full_is_capacity(border: gpd.GeoDataFrame) -> None:
    ent = enterprises([100, 100, 100])
    st = sites([30, 30], [100, 150])
    p = plan(ent, st, [[10, 20], [11, 25], [12, 30]], border)
    e = p.enterprises
    assert e["site"].notna().sum() == 2
    # placing e0, e1 costs 10 + 25 = 35 (or 11 + 20 = 31): least is e1 -> s0, e0 -> s1
    assert e.loc["e2", "reason"] == "capacity"
    assert pd.isna(e.loc["e2", "site"])
    assert "capacity" in e.loc["e2", "binding"]
    assert p.total_travel_min == pytest.approx(31.0)


def test_site_too_small_for_one_enterprise_is_capacity(border: gpd.GeoDataFrame) -> None:
    p = plan(enterprises([300]), sites([30], [200]), [[10]], border)
    assert p.enterprises["reason"].tolist() == ["capacity"]


def test_depth_binding(border: gpd.GeoDataFrame) -> None:
    ent = enterprises([100])
    st = sites([10, 30], [500, 500])  # s0 is fastest but 10 km from the border
    p = plan(ent, st, [[5, 40]], border, min_depth_km=25.0)
    assert p.enterprises["site"].tolist() == ["s1"]
    assert p.enterprises["binding"].tolist() == ["depth"]
    assert p.enterprises["site_depth_km"].iloc[0] == pytest.approx(30.0)
    assert p.sites["passes_depth"].tolist() == [False, True]
    relaxed = plan(ent, st, [[5, 40]], border, min_depth_km=5.0)
    assert relaxed.enterprises["site"].tolist() == ["s0"]


def test_no_site_passes_depth_or_hazard(border: gpd.GeoDataFrame) -> None:
    st = sites([10, 30], [500, 500])
    hazard = gpd.GeoDataFrame(geometry=[st.geometry["s1"]], crs=CRS)
    p = plan(enterprises([100]), st, [[5, 40]], border, hazards=hazard)
    assert p.enterprises["reason"].tolist() == ["no_eligible_site"]
    assert p.enterprises["binding"].tolist() == ["depth,hazard"]


def test_hazard_binding(border: gpd.GeoDataFrame) -> None:
    st = sites([30, 30], [500, 500])
    hazard = gpd.GeoDataFrame(geometry=[st.geometry["s0"].buffer(-100)], crs=CRS)
    p = plan(enterprises([100]), st, [[5, 40]], border, hazards=hazard)
    assert p.enterprises["site"].tolist() == ["s1"]
    assert p.enterprises["binding"].tolist() == ["hazard"]
    assert p.sites["in_hazard"].tolist() == [True, False]


def test_max_time_binding(border: gpd.GeoDataFrame) -> None:
    st = sites([30], [500])
    p = plan(enterprises([100, 100]), st, [[130], [90]], border,
             max_travel_min=120.0)
    e = p.enterprises
    assert e.loc["e0", "reason"] == "max_time"
    assert e.loc["e0", "binding"] == "max_time"
    assert e.loc["e1", "site"] == "s0"
    assert e.loc["e1", "travel_min"] == pytest.approx(90.0)


def test_not_connected(border: gpd.GeoDataFrame) -> None:
    p = plan(enterprises([100]), sites([30], [500]), [[np.nan]], border)
    assert p.enterprises["reason"].tolist() == ["not_connected"]
    assert p.enterprises["binding"].tolist() == [""]
    assert p.n_placed == 0


def test_capacity_by_chooses_the_dimensions(border: gpd.GeoDataFrame) -> None:
    ent = enterprises([100], area=[5000.0])
    st = sites([30, 30], [500, 500], area=[3000.0, 9000.0])  # s0 too small in area only
    rows = [[10, 50]]
    assert plan(ent, st, rows, border, capacity_by="workforce").enterprises["site"].tolist() \
        == ["s0"]
    both = plan(ent, st, rows, border, capacity_by="both")
    assert both.enterprises["site"].tolist() == ["s1"]
    assert both.dimensions == ("workforce", "area")
    assert both.sites["area_used"].tolist() == [0.0, 5000.0]
    assert plan(ent, st, rows, border, capacity_by="area").dimensions == ("area",)
    # "both" with one dimension missing uses the other
    assert plan(enterprises([100]), st, rows, border).dimensions == ("workforce",)


def test_bad_inputs_name_the_fix(border: gpd.GeoDataFrame) -> None:
    ent = enterprises([100])
    ent.loc["e0", "workforce"] = np.nan
    with pytest.raises(ValueError, match="'workforce' has missing or negative values"):
        plan(ent, sites([30], [500]), [[10]], border)
    with pytest.raises(ValueError, match="capacity_by must be one of"):
        plan(enterprises([1]), sites([30], [500]), [[10]], border, capacity_by="people")
    with pytest.raises(ValueError, match="kind 'border'"):
        site_criteria(sites([30], [500]), None, min_depth_km=10.0)
    assert site_criteria(sites([30], [500]), None, min_depth_km=0.0)["passes_depth"].all()


def test_route_through_a_flood_zone_is_measured(border: gpd.GeoDataFrame) -> None:
    from geo import network

    # one road straight south from the enterprise to the site; a 700 m-wide flood band
    # crosses it, a landslide zone lies off the road: the route runs 700 m in hazard
    road = gpd.GeoDataFrame({"class": ["national_road"]},
                            geometry=[LineString([(X0, Y0 - 5000), (X0, Y0 - 40_000)])],
                            crs=CRS, index=["r0"])
    ent = enterprises([50])
    site = gpd.GeoDataFrame({"name": ["S"], "capacity": [100]},
                            geometry=[box(X0 - 500, Y0 - 41_000, X0 + 500, Y0 - 40_000)],
                            crs=CRS, index=["s0"])
    zones = gpd.GeoDataFrame(
        {"name": ["Lũ", "Sạt lở"], "hazard": ["flood", "landslide"]},
        geometry=[box(X0 - 3000, Y0 - 20_700, X0 + 3000, Y0 - 20_000),
                  box(X0 + 2000, Y0 - 30_000, X0 + 4000, Y0 - 28_000)], crs=CRS)
    result = relocation.relocate(ent, site, border, network.build_graph(road), zones)
    row = result.enterprises.loc["e0"]
    assert row["site"] == "s0"
    assert row["route_hazard_m"] == pytest.approx(700.0)
    assert row["route_hazards"] == "Lũ"
    clear = relocation.relocate(ent, site, border, network.build_graph(road), None)
    assert clear.enterprises.loc["e0", "route_hazard_m"] == 0.0
    assert clear.enterprises.loc["e0", "route_hazards"] == ""


def test_compare_plans_lists_changes(border: gpd.GeoDataFrame) -> None:
    ent = enterprises([100, 100, 100, 100])
    st = sites([30, 30], [100, 500])  # s0 takes one enterprise: the one it saves most
    a = plan(ent, st, [[10, 30], [30, 40], [50, 60], [70, 80]], border)
    b = plan(ent, st, [[25, 20], [30, 45], [np.nan, np.nan], [70, 82]], border)
    assert a.enterprises["site"].tolist() == ["s0", "s1", "s1", "s1"]
    assert b.enterprises["site"].tolist() == ["s1", "s0", None, "s1"]
    changes = compare_plans(a, b).set_index("enterprise")
    assert changes["change"].to_dict() == {"e0": "site", "e1": "site", "e2": "unplaced",
                                           "e3": "time"}
    assert changes.loc["e2", "site_b"] is None
    assert changes.loc["e3", "delta_min"] == pytest.approx(2.0)
    assert changes.loc["e1", "delta_min"] == pytest.approx(-10.0)
    assert compare_plans(a, a).empty


def test_settings_are_read_at_call_time(border: gpd.GeoDataFrame,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    st = sites([30], [500])
    monkeypatch.setattr(settings, "relocation_max_travel_min", 20.0)
    crit = site_criteria(st, border)
    p = plan_relocation(enterprises([1]), st, times_frame(enterprises([1]), st, [[30]]), crit)
    assert p.enterprises["reason"].tolist() == ["max_time"]
    assert p.max_travel_min == 20.0


# --- the demo: every constraint recomputed independently -------------------------------------


class Demo:
    """The demo project's relocation inputs, its road graph and an independent time matrix."""

    def __init__(self, path) -> None:
        from geo import network
        from layers.store import ProjectStore

        store = ProjectStore(path)
        self._plans: dict[tuple, relocation.RelocationPlan] = {}

        def of_kind(kind: str) -> gpd.GeoDataFrame:
            frames = [store.read(r.name) for r in store.layers() if r.kind == kind]
            return gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), crs=frames[0].crs)

        self.enterprises = relocation.index_by(of_kind("enterprise"))
        self.sites = relocation.index_by(of_kind("relocation_site"))
        self.border = of_kind("border")
        self.hazards = of_kind("hazard_zone")
        self.roads = network.network_lines({r.name: store.read(r.name) for r in store.layers()
                                            if r.kind == "infrastructure"})
        self.graph = network.build_graph(self.roads)
        self.times = self.independent_times(self.graph)

    def plan(self, **kw) -> relocation.RelocationPlan:
        """The plan with these options, computed once per module (plans are not changed)."""
        key = tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in kw.items()))
        if key not in self._plans:
            self._plans[key] = relocation.relocate(self.enterprises, self.sites, self.border,
                                                   self.graph, self.hazards, **kw)
        return self._plans[key]

    def independent_times(self, graph) -> pd.DataFrame:
        """Enterprise × site minutes by scipy's Dijkstra on the graph's adjacency matrix.

        The access rule, recomputed here with shapely: every feature joins the roads from
        its representative point (an enterprise point as it is, a site polygon from GEOS
        PointOnSurface, in the metric CRS) by network.connect_points.
        """
        from scipy.sparse import coo_array
        from scipy.sparse.csgraph import dijkstra

        from geo import network

        g = graph.copy()
        crs = g.graph["crs"]
        sites = self.sites.geometry.to_crs(crs)
        inside = gpd.GeoSeries([shapely.point_on_surface(s) for s in sites],
                               index=sites.index, crs=crs)
        assert all(shapely.contains(s, p) for s, p in zip(sites, inside, strict=True))
        e_nodes = network.connect_points(g, self.enterprises.geometry.to_crs(crs),
                                         prefix="e")
        s_nodes = network.connect_points(g, inside, prefix="s")
        order = {node: k for k, node in enumerate(g.nodes)}
        best: dict[tuple[int, int], float] = {}
        for u, v, data in g.edges(data=True):
            a, b = sorted((order[u], order[v]))
            if a != b:
                best[a, b] = min(best.get((a, b), np.inf), data["time_min"])
        rows, cols = np.array(list(best)).T
        weights = np.array(list(best.values()))
        adj = coo_array((weights, (rows, cols)), shape=(len(order), len(order))).tocsr()
        src = [order[s_nodes[k]] for k in self.sites.index]
        dist = dijkstra(adj, directed=False, indices=src)
        cols_e = [order[e_nodes[k]] for k in self.enterprises.index]
        out = dist[:, cols_e].T
        out[~np.isfinite(out)] = np.nan
        return pd.DataFrame(out, index=self.enterprises.index, columns=self.sites.index)


@pytest.fixture(scope="module")
def demo(demo_master) -> Demo:
    return Demo(demo_master)


def utilities_met(demo: Demo) -> np.ndarray:
    """(enterprise, site) pairs where the site has the water and power the enterprise needs
    (the demo writes "có"/"không" for needs and "yes"/"no" for sites)."""
    ok = np.ones((len(demo.enterprises), len(demo.sites)), dtype=bool)
    for need, has in (("needs_water", "water"), ("needs_power", "power")):
        if need in demo.enterprises.columns:
            needs = demo.enterprises[need].eq("có").to_numpy()
            ok &= ~needs[:, None] | demo.sites[has].eq("yes").to_numpy()[None, :]
    return ok


def greedy_total(demo: Demo, plan: relocation.RelocationPlan) -> tuple[int, float]:
    """A greedy feasible plan on the independent matrix: each enterprise, in order of its
    best eligible time, takes the fastest eligible site that still has room."""
    crit = plan.sites
    ok = (crit["passes_depth"] & crit["passes_hazard"]).to_numpy()
    t = demo.times.to_numpy()
    t = np.where(ok[None, :] & (t <= plan.max_travel_min) & utilities_met(demo), t, np.nan)
    room = demo.sites[["capacity", "usable_area_m2"]].to_numpy(float).copy()
    need = demo.enterprises[["workforce", "floor_area_m2"]].to_numpy(float)
    count, total = 0, 0.0
    for i in np.argsort(np.nan_to_num(np.nanmin(np.where(np.isnan(t), np.inf, t), axis=1),
                                      posinf=np.inf)):
        for j in np.argsort(np.where(np.isnan(t[i]), np.inf, t[i])):
            if np.isfinite(t[i, j]) and (need[i] <= room[j]).all():
                room[j] -= need[i]
                count, total = count + 1, total + t[i, j]
                break
    return count, total


def check_plan(demo: Demo, plan: relocation.RelocationPlan,
               times: pd.DataFrame | None = None) -> None:
    """Every placed enterprise respects every constraint, recomputed independently."""
    times = demo.times if times is None else times
    crs = demo.graph.graph["crs"]
    e = plan.enterprises
    placed = e[e["site"].notna()]
    site_geoms = demo.sites.geometry.to_crs(crs)
    border = shapely.union_all(demo.border.geometry.to_crs(crs).to_numpy())
    hazards = demo.hazards.geometry.to_crs(crs).to_numpy()
    ent_pts = demo.enterprises.geometry.to_crs(crs)
    for label, row in placed.iterrows():
        site = site_geoms[row["site"]]
        depth_m = shapely.distance(site, border)
        assert depth_m >= plan.min_depth_km * 1000
        assert row["site_depth_km"] == pytest.approx(depth_m / 1000)
        assert not shapely.intersects(site, hazards).any()
        assert row["travel_min"] <= plan.max_travel_min + 1e-9
        assert row["travel_min"] == pytest.approx(times.loc[label, row["site"]], rel=1e-9)
        route = row.geometry
        assert row["distance_km"] == pytest.approx(route.length / 1000, rel=1e-6)
        assert shapely.distance(route, ent_pts[label]) < 1.0
        assert shapely.distance(route, site) < 1.0
    met = utilities_met(demo)
    for label, row in placed.iterrows():  # the site has the water / power needed
        assert met[demo.enterprises.index.get_loc(label), demo.sites.index.get_loc(row["site"])]
    loads = placed.groupby("site")[["workforce", "floor_area_m2"]].sum()
    caps = demo.sites.loc[loads.index, ["capacity", "usable_area_m2"]]
    assert (loads.to_numpy() <= caps.to_numpy()).all()
    assert plan.sites.loc[loads.index, "used"].tolist() == loads["workforce"].tolist()
    assert set(plan.sites.index[plan.sites["selected"]]) == set(loads.index)
    assert plan.total_travel_min == pytest.approx(placed["travel_min"].sum())


def test_demo_plan_respects_every_constraint(demo: Demo) -> None:
    plan = demo.plan()
    assert plan.optimal
    assert len(plan.enterprises) == 30 and len(plan.sites) == 40
    check_plan(demo, plan)
    # the two demo sites in the Hữu Lũng flood zone fail the hazard criterion and are unused
    assert plan.sites["in_hazard"].sum() >= 2
    assert not (plan.sites["in_hazard"] & plan.sites["selected"]).any()
    count, total = greedy_total(demo, plan)
    assert plan.n_placed >= count
    if plan.n_placed == count:
        assert plan.total_travel_min <= total + 1e-6


def test_demo_tight_limits_give_right_reasons(demo: Demo) -> None:
    plan = demo.plan(max_travel_min=45.0, min_depth_km=35.0)
    check_plan(demo, plan)
    e = plan.enterprises
    unplaced = e[e["site"].isna()]
    assert len(unplaced) and (e["site"].notna()).any()
    eligible = (plan.sites["passes_depth"] & plan.sites["passes_hazard"]).to_numpy()
    assert not eligible.all()  # the depth of 35 km rules sites out
    t = demo.times.to_numpy()
    room = demo.sites[["capacity", "usable_area_m2"]].to_numpy(float) - \
        plan.sites[["used", "area_used"]].to_numpy(float)
    met = utilities_met(demo)
    for label, row in unplaced.iterrows():
        i = demo.enterprises.index.get_loc(label)
        if row["reason"] in ("no_water", "no_power", "no_water_power"):
            assert not (eligible & met[i]).any()  # no eligible site has what it needs
            continue
        within = eligible & met[i] & (np.nan_to_num(t[i], nan=np.inf) <= 45.0)
        if row["reason"] == "max_time":
            assert not within.any()
        else:
            assert row["reason"] == "capacity"
            need = demo.enterprises[["workforce", "floor_area_m2"]].to_numpy(float)[i]
            assert within.any()
            assert not (room[within] >= need).all(axis=1).any()  # every such site lacks room
            assert "capacity" in row["binding"]
    assert "depth" in ",".join(e["binding"])


def test_demo_cut_of_a_used_segment_changes_the_plan(demo: Demo) -> None:
    plan_a = demo.plan()
    segments = relocation.segments_table(demo.graph, plan_a, names=demo.roads["name"])
    top = segments.iloc[0]
    assert top["n_used"] > 0
    plan_b = demo.plan(cut=[top["segment_id"]])
    assert plan_b.cut == (top["segment_id"],)
    from geo import network

    cut_graph = network.without_segments(demo.graph, [top["segment_id"]])
    check_plan(demo, plan_b, demo.independent_times(cut_graph))
    changes = compare_plans(plan_a, plan_b)
    assert set(top["used_by"].split(",")) <= set(changes["enterprise"])
    assert (plan_b.n_placed < plan_a.n_placed
            or plan_b.total_travel_min > plan_a.total_travel_min)
    # no route of plan B runs along the cut segment
    again = relocation.segments_table(demo.graph, plan_b)
    assert again.set_index("segment_id").loc[top["segment_id"], "n_used"] == 0
    with pytest.raises(ValueError, match="segment"):
        demo.plan(cut=["no-such-segment"])


# --- the command line --------------------------------------------------------------------------


def kvpt(*args: object):
    from typer.testing import CliRunner

    from cli import app

    return CliRunner().invoke(app, [str(a) for a in args])


def test_cli_json_fields_exact(demo_master, tmp_path) -> None:
    from conftest import sha256

    before = sha256(demo_master)
    res = kvpt("relocate", demo_master, "--json", "--max-min", "60")
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert set(data) == {"enterprises", "sites"}
    # only the 27 demo enterprises that must relocate (DN-07, DN-17, DN-27 stay; --all: 30)
    assert len(data["enterprises"]) == 27 and len(data["sites"]) == 40
    assert list(data["enterprises"][0]) == [*relocation.ENTERPRISE_COLUMNS,
                                            *relocation.ROUTE_HAZARD_COLUMNS]
    assert list(data["sites"][0]) == list(relocation.SITE_COLUMNS)
    for rec in data["enterprises"]:
        assert (rec["site"] is None) == (rec["reason"] is not None)
        assert rec["reason"] in (None, *relocation.REASONS)
        if rec["site"] is not None:
            assert rec["travel_min"] <= 60 and rec["site_depth_km"] >= 25
    assert any(rec["site"] is None for rec in data["enterprises"])  # 60 min is tight
    assert sha256(demo_master) == before


def test_cli_cut_lists_changes_and_writes_routes(demo_master, tmp_path) -> None:
    # --max-min 60: a smaller problem (faster), still with routes over shared roads
    listed = kvpt("relocate", demo_master, "--list-segments", "--json", "--max-min", 60)
    assert listed.exit_code == 0, listed.output
    top = json.loads(listed.stdout)[0]
    assert top["n_used"] > 0
    out = tmp_path / "plan.gpkg"
    res = kvpt("relocate", demo_master, "--cut", top["segment_id"], "--json", "--out", out,
               "--max-min", 60)
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert set(data) == {"enterprises", "sites", "changes"}
    changed = {c["enterprise"] for c in data["changes"]}
    assert set(top["used_by"].split(",")) <= changed
    assert {c["change"] for c in data["changes"]} <= set(relocation.CHANGES)
    routes = gpd.read_file(out)
    assert len(routes) == 27 and routes.crs == "EPSG:4326"  # those that must relocate
    placed = routes["site"].notna()
    assert (routes.geometry[placed].geom_type == "LineString").all()
    assert routes.geometry[~placed].isna().all()


def test_cli_bad_input_one_line_exit_2(demo_master) -> None:
    res = kvpt("relocate", demo_master, "--cut", "no-such-segment")
    assert res.exit_code == 2
    assert "no road segment 'no-such-segment'" in res.stderr and res.stderr.count("\n") == 1
    res = kvpt("relocate", demo_master, "--capacity-by", "people")
    assert res.exit_code == 2 and "capacity_by must be one of" in res.stderr
    helptext = kvpt("relocate", "--help").stdout
    assert '{"enterprises": [...], "sites": [...]}' in " ".join(helptext.split())


def test_compare_maps_draw_offline_with_the_cut(demo: Demo) -> None:
    from maps.compare_map import LABELS, compare_maps
    from maps.offline import external_urls, standalone_html

    plan_a = demo.plan()
    segments = relocation.segments_table(demo.graph, plan_a, names=demo.roads["name"])
    plan_b = demo.plan(cut=[segments["segment_id"].iloc[0]])
    map_a, map_b = compare_maps(plan_a, plan_b, demo.enterprises, demo.sites,
                                segments=segments, hazards=demo.hazards, border=demo.border,
                                lang="en")
    html_a, html_b = standalone_html(map_a), standalone_html(map_b)
    assert external_urls(html_a) == [] and external_urls(html_b) == []
    for html in (html_a, html_b):
        assert LABELS["segment_cut"][1] in html and LABELS["route"][1] in html
        sid = segments["segment_id"].iloc[0]  # the tooltip names the segment
        assert sid in html or json.dumps(sid)[1:-1] in html
    legend = 'L.DomUtil.create("div", "kvpt-legend")'  # the legend control itself
    assert legend not in html_a and legend in html_b


# --- real sizes: scipy searches, routes from them, candidate pairs (issue #11) ----------------


def networkx_joined(graph, enterprises: gpd.GeoDataFrame, sites: gpd.GeoDataFrame):
    """The graph with the points joined as relocate joins them, by networkx."""
    from geo import network

    g = graph.copy()
    crs = g.graph["crs"]
    e = network.connect_points(g, network.representative_points(enterprises.geometry.to_crs(
        crs)), prefix="enterprise")
    s = network.connect_points(g, network.representative_points(sites.geometry.to_crs(crs)),
                               prefix="site")
    return g, e, s


def assert_routes_are_shortest_routes(plan: relocation.RelocationPlan, graph,
                                      enterprises: gpd.GeoDataFrame,
                                      sites: gpd.GeoDataFrame) -> int:
    """Every route of the plan is network.shortest_route's, to the last coordinate."""
    from geo import network

    g, e, s = networkx_joined(graph, enterprises, sites)
    placed = plan.enterprises[plan.enterprises["site"].notna()]
    for label, row in placed.iterrows():
        ref = network.shortest_route(g, e[label], s[row["site"]])
        assert row.geometry.equals_exact(ref.geometry, 0.0)
        assert row["travel_min"] == ref.time_min
        assert row["distance_km"] == ref.length_m / 1000.0
    return len(placed)


def test_demo_routes_are_shortest_routes(demo: Demo) -> None:
    """Routes are walked back from the searches' predecessors, no search of their own."""
    for kw in ({}, {"max_travel_min": 60.0}):
        plan = demo.plan(**kw)
        assert assert_routes_are_shortest_routes(plan, demo.graph, demo.enterprises,
                                                 demo.sites) == plan.n_placed > 0
    # 1891.72 before the demo enterprises needed water / power (issue #12); the new total is
    # checked against an independent MILP in tests/test_mobilization_demo.py
    assert demo.plan().total_travel_min == pytest.approx(1913.03, abs=0.01)


def grid_case(seed: int = 3, n: int = 14, spacing: float = 800.0):
    """A jittered grid of roads, enterprises in two clusters, sites spread, a border."""
    rng = np.random.default_rng(seed)
    gx, gy = np.meshgrid(np.arange(n) * spacing, np.arange(n) * spacing)
    x = X0 + gx + rng.uniform(-0.3, 0.3, gx.shape) * spacing
    y = Y0 - 60_000 + gy + rng.uniform(-0.3, 0.3, gy.shape) * spacing
    classes = ["national_road" if i % 7 == 0 else "other_road" for i in range(n)]
    lines = [LineString(np.c_[x[i], y[i]]) for i in range(n)]
    lines += [LineString(np.c_[x[:, i], y[:, i]]) for i in range(n)]
    roads = gpd.GeoDataFrame({"class": classes * 2}, geometry=lines, crs=CRS,
                             index=[f"r{i}" for i in range(2 * n)])
    span = (n - 1) * spacing
    centres = np.array([[X0 + 0.25 * span, Y0 - 60_000 + 0.3 * span],
                        [X0 + 0.7 * span, Y0 - 60_000 + 0.6 * span]])
    pts = centres[rng.integers(0, 2, 60)] + rng.normal(0, 900, (60, 2))
    ent = gpd.GeoDataFrame({"name": [f"E{i}" for i in range(60)],
                            "workforce": rng.integers(60, 300, 60)},
                           geometry=shapely.points(pts), crs=CRS,
                           index=[f"e{i:02d}" for i in range(60)])
    sx, sy = X0 + rng.uniform(0, span, 150), Y0 - 60_000 + rng.uniform(0, span, 150)
    st = gpd.GeoDataFrame({"name": [f"S{j}" for j in range(150)],
                           "capacity": rng.integers(150, 700, 150)},
                          geometry=shapely.box(sx, sy, sx + 200, sy + 200), crs=CRS,
                          index=[f"s{j:03d}" for j in range(150)])
    return roads, ent, st


def test_candidates_and_outward_searches_give_the_full_optimum(
        border: gpd.GeoDataFrame, monkeypatch: pytest.MonkeyPatch) -> None:
    """Searched outward from the enterprises and solved on 4 candidate sites each, the plan
    is the optimum over every pair of the networkx matrix, with the same routes."""
    from geo import network, travel_matrix

    roads, ent, st = grid_case()
    graph = network.build_graph(roads)
    crit = site_criteria(st, border, min_depth_km=25.0)
    g, e, s = networkx_joined(graph, ent, st)
    times = travel_matrix.travel_matrix(g, e.values(), s.values())
    times.index, times.columns = ent.index, st.index
    reference = plan_relocation(ent, st, times, crit, max_travel_min=40.0,
                                capacity_by="workforce")  # 60 x 150: every pair
    assert reference.optimal and reference.n_placed == 60
    searched = []
    real_widen = travel_matrix.OutwardTimes.widen

    def spy(self, rows, radius=None):  # noqa: ANN001, ANN202
        searched.append((len(rows), radius is None))
        return real_widen(self, rows, radius)

    monkeypatch.setattr(travel_matrix.OutwardTimes, "widen", spy)
    monkeypatch.setattr(settings, "relocation_all_pairs_up_to", 0)
    monkeypatch.setattr(settings, "relocation_candidates", 4)
    plan = relocation.relocate(ent, st, border, graph, max_travel_min=40.0,
                               capacity_by="workforce")
    assert plan.optimal and plan.gap == 0.0
    assert plan.n_placed == reference.n_placed
    assert plan.total_travel_min == pytest.approx(reference.total_travel_min, abs=1e-6)
    assert searched and not all(full for _, full in searched)  # outward, not all at once
    assert assert_routes_are_shortest_routes(plan, graph, ent, st) == 60
    check_loads = plan.enterprises.groupby("site")["workforce"].sum()
    assert (check_loads <= st.loc[check_loads.index, "capacity"]).all()


def test_outward_searches_keep_the_reasons(border: gpd.GeoDataFrame,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """An enterprise whose sites are all beyond the maximum time is 'max_time', one on an
    island of road is 'not_connected', though nothing beyond the limit is searched."""
    from geo import network

    roads, ent, st = grid_case()
    start = roads.geometry["r0"].coords[0]  # a corner of the grid; a spur 8 km west of it
    more = gpd.GeoDataFrame({"class": ["other_road", "other_road"]}, crs=CRS,
                            index=["island", "spur"],
                            geometry=[LineString([(X0 + 40_000, Y0 - 50_000),
                                                  (X0 + 41_000, Y0 - 50_000)]),
                                      LineString([start, (start[0] - 8000, start[1])])])
    graph = network.build_graph(pd.concat([roads, more]))
    lone = gpd.GeoDataFrame({"name": ["far", "spur"], "workforce": [50, 50]}, crs=CRS,
                            index=["far", "spur"],
                            geometry=[Point(X0 + 40_500, Y0 - 50_100),
                                      Point(start[0] - 8000, start[1] - 20)])
    ent = pd.concat([ent, lone])
    monkeypatch.setattr(settings, "relocation_all_pairs_up_to", 0)
    plan = relocation.relocate(ent, st, border, graph, max_travel_min=12.0,
                               capacity_by="workforce")
    reasons = plan.enterprises["reason"]
    assert reasons["far"] == "not_connected"
    assert reasons["spur"] == "max_time"  # 19 min of track to the grid
    assert plan.enterprises.loc["spur", "binding"] == "max_time"
    assert plan.enterprises.loc["far", "binding"] == ""
