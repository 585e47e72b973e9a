"""Routing with bridge load classes (issue #12 §2): weak bridges are left out for a heavy vehicle.

The small network, in VN-2000 / UTM 48N metres (every line a national road, so time is
proportional to length):

* r:0 west road (0, 0)–(1000, 0), no load class;
* r:1 bridge (1000, 0)–(2000, 0), load class "H13" (13 t), dual-use "Có";
* r:2 east road (2000, 0)–(3000, 0), load class "tốt" (cannot be read: kept, reported);
* r:3 detour (1000, 0)–(1000, 1000)–(2000, 1000)–(2000, 0), "HL-93" (33.1 t).

From (0, 0) to (3000, 0): 3000 m over the bridge; for a vehicle over 13 t the bridge is out
and the route takes the detour, 1000 + 3000 + 1000 = 5000 m; over 33.1 t nothing is left.
"""

from __future__ import annotations

import itertools
import json
import math
from pathlib import Path

import geopandas as gpd
import networkx as nx
import pytest
from shapely.geometry import LineString, Point
from typer.testing import CliRunner

from cli import app
from geo import load_class, network, settings
from geo.errors import AnalysisInputError
from layers.store import ProjectStore
from planning import network as planning_network
from planning.project import Project

X0, Y0 = 600_000.0, 2_400_000.0
ROAD = "national_road"


def xy(x: float, y: float) -> tuple[float, float]:
    return (X0 + x, Y0 + y)


def small_lines() -> gpd.GeoDataFrame:
    geoms = [LineString([xy(0, 0), xy(1000, 0)]), LineString([xy(1000, 0), xy(2000, 0)]),
             LineString([xy(2000, 0), xy(3000, 0)]),
             LineString([xy(1000, 0), xy(1000, 1000), xy(2000, 1000), xy(2000, 0)])]
    return gpd.GeoDataFrame({"class": [ROAD] * 4, "load_class": [None, "H13", "tốt", "HL-93"],
                             "dual_use": ["", "Có", "", ""]}, geometry=geoms, crs=3405,
                            index=[f"r:{i}" for i in range(4)])


def node_at(G: nx.MultiGraph, x: float, y: float) -> int:
    (node,) = [n for n, d in G.nodes(data=True)
               if math.hypot(d["x"] - X0 - x, d["y"] - Y0 - y) < 1e-6]
    return node


# --- reading load classes -----------------------------------------------------------------


@pytest.mark.parametrize(("value", "tonnes"), [
    (30, 30.0), (12.5, 12.5), ("30", 30.0), ("30T", 30.0), ("30 t", 30.0), ("30 tấn", 30.0),
    ("12,5 T", 12.5), ("H30", 30.0), ("h-13", 13.0), ("H 10", 10.0), ("HK80", 80.0),
    ("XB 80", 80.0), ("MLC40", 40.0), ("HL93", 33.1), ("HL-93", 33.1), ("0,5HL93", 16.55),
    ("0.65 HL-93", 21.515)])
def test_load_classes_read_as_tonnes(value: object, tonnes: float) -> None:
    assert load_class.load_tonnes(value) == pytest.approx(tonnes)


@pytest.mark.parametrize("value", ["tốt", "HL", "cầu yếu", "H", "-5", 0, -3, True, "X30"])
def test_unreadable_load_classes_give_none_and_are_not_blank(value: object) -> None:
    assert load_class.load_tonnes(value) is None
    assert not load_class.is_blank(value)


@pytest.mark.parametrize("value", [None, float("nan"), "", "   "])
def test_blank_load_classes_set_no_limit(value: object) -> None:
    assert load_class.load_tonnes(value) is None
    assert load_class.is_blank(value)


def test_hl93_tonnes_follow_from_the_design_truck() -> None:
    # 35 + 145 + 145 kN of the HL-93 design truck, divided by standard gravity
    assert settings.load_class_named_t["hl93"] == pytest.approx(325e3 / 9.80665 / 1e3, abs=0.05)
    # HS20-44: 72 kips (1 kip = 453.59237 kg-force)
    assert settings.load_class_named_t["hs20"] == pytest.approx(72 * 0.45359237, abs=0.05)


# --- the graph keeps the attributes and routes around weak bridges ----------------------


def test_segments_keep_load_class_and_dual_use() -> None:
    G = network.build_graph(small_lines())
    by_source = {d["source"]: d for *_, d in G.edges(data=True)}
    assert by_source["r:1"]["load_class"] == "H13"
    assert by_source["r:1"]["dual_use"] == "Có"
    assert by_source["r:0"]["load_class"] == ""
    assert by_source["r:3"]["load_class"] == "HL-93"


def test_network_lines_carry_the_attributes_as_text() -> None:
    lines = small_lines().assign(load_class=[None, 30.0, "H13", ""])
    out = network.network_lines({"Đường": lines.reset_index(drop=True)})
    assert out["load_class"].tolist() == ["", "30", "H13", ""]
    assert out["dual_use"].tolist() == ["", "Có", "", ""]


@pytest.mark.parametrize(("load_t", "length_m", "left_out"), [
    (None, 3000.0, []), (10.0, 3000.0, []), (13.0, 3000.0, []),  # 13 t crosses an H13 bridge
    (13.5, 5000.0, ["r:1/0/0"]), (30.0, 5000.0, ["r:1/0/0"]), (33.1, 5000.0, ["r:1/0/0"])])
def test_a_heavy_vehicle_takes_the_detour(load_t: float | None, length_m: float,
                                          left_out: list[str]) -> None:
    G = network.build_graph(small_lines())
    usable, check = load_class.for_load(G, load_t)
    assert check.too_weak == left_out
    way = network.shortest_route(usable, node_at(G, 0, 0), node_at(G, 3000, 0))
    assert way.length_m == pytest.approx(length_m)
    speed = settings.road_speed_kmh[ROAD]
    assert way.time_min == pytest.approx(length_m / 1000 / speed * 60)
    assert G.number_of_edges() == 4  # the graph given is not changed


def test_too_heavy_for_every_way_is_unreachable() -> None:
    G = network.build_graph(small_lines())
    usable, check = load_class.for_load(G, 40.0)
    assert check.too_weak == ["r:1/0/0", "r:3/0/0"]
    with pytest.raises(AnalysisInputError, match="cannot be reached"):
        network.shortest_route(usable, node_at(G, 0, 0), node_at(G, 3000, 0))


def test_unreadable_class_is_kept_and_reported() -> None:
    G = network.build_graph(small_lines())
    usable, check = load_class.for_load(G, 30.0)
    assert check.unreadable == {"r:2": "tốt"}
    assert any(s == "r:2/0/0" for *_, s in usable.edges(data="segment_id"))


@pytest.mark.parametrize("bad", [0, -5, float("nan"), "30", True])
def test_bad_loads_are_refused(bad: object) -> None:
    G = network.build_graph(small_lines())
    with pytest.raises(AnalysisInputError, match="load_t"):
        load_class.for_load(G, bad)  # type: ignore[arg-type]


# --- brute force on a grid ----------------------------------------------------------------

GRID_X, GRID_Y = (0.0, 700.0, 1900.0, 2600.0), (0.0, 900.0, 1500.0)
CLASSES = ("", "H10", "H30", "HL93", "20T", "0,5HL93", 25, "HK80")
TONNES = {"": math.inf, "H10": 10.0, "H30": 30.0, "HL93": 33.1, "20T": 20.0,
          "0,5HL93": 16.55, 25: 25.0, "HK80": 80.0}  # read by hand


def grid() -> tuple[gpd.GeoDataFrame, list[tuple]]:
    """Lines between neighbouring grid points, each with a load class; and the edges."""
    edges, geoms, classes = [], [], []
    points = list(itertools.product(range(len(GRID_X)), range(len(GRID_Y))))
    for k, (i, j) in enumerate(points):
        for di, dj in ((1, 0), (0, 1)):
            if i + di < len(GRID_X) and j + dj < len(GRID_Y):
                a, b = (i, j), (i + di, j + dj)
                value = CLASSES[(3 * k + 5 * di + dj) % len(CLASSES)]
                edges.append((a, b, value))
                geoms.append(LineString([xy(GRID_X[a[0]], GRID_Y[a[1]]),
                                         xy(GRID_X[b[0]], GRID_Y[b[1]])]))
                classes.append(value)
    lines = gpd.GeoDataFrame({"class": ROAD, "load_class": [str(c) for c in classes]},
                             geometry=geoms, crs=3405, index=[f"g:{n}" for n in
                                                              range(len(geoms))])
    return lines, edges


@pytest.mark.parametrize("load_t", [5.0, 12.0, 18.0, 22.0, 26.0, 31.0, 34.0])
def test_grid_routes_match_brute_force(load_t: float) -> None:
    lines, edges = grid()
    G = network.build_graph(lines)
    usable, _ = load_class.for_load(G, load_t)
    ref = nx.Graph()
    for a, b, value in edges:
        if TONNES[value] >= load_t:
            ref.add_edge(a, b, length=math.dist((GRID_X[a[0]], GRID_Y[a[1]]),
                                                (GRID_X[b[0]], GRID_Y[b[1]])))
    start, end = (0, 0), (len(GRID_X) - 1, len(GRID_Y) - 1)
    lengths = [sum(ref[p][q]["length"] for p, q in itertools.pairwise(path))
               for path in (nx.all_simple_paths(ref, start, end)
                            if start in ref and end in ref else [])]
    source = node_at(G, GRID_X[0], GRID_Y[0])
    target = node_at(G, GRID_X[-1], GRID_Y[-1])
    if not lengths:
        with pytest.raises(AnalysisInputError):
            network.shortest_route(usable, source, target)
    else:
        way = network.shortest_route(usable, source, target)
        assert way.length_m == pytest.approx(min(lengths))


# --- the project: kvpt route --load-t and the segments table ----------------------------


def kvpt(*args: object):  # noqa: ANN201 - click Result
    return CliRunner().invoke(app, [str(a) for a in args])


@pytest.fixture(scope="module")
def project_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("load")
    path = folder / "p.gpkg"
    assert kvpt("init", path).exit_code == 0
    roads = small_lines().reset_index(drop=True).rename(columns={
        "class": "loai", "load_class": "tai_trong", "dual_use": "luong_dung"})
    roads["ten"] = ["Đường tây", "Cầu A", "Đường đông", "Đường vòng"]
    bases = gpd.GeoDataFrame({"ten": ["Căn cứ Tây", "Căn cứ Đông"], "ma": ["CC-W", "CC-E"]},
                             geometry=[Point(xy(-100, 0)), Point(xy(3100, 0))], crs=3405)
    for name, kind, gdf in (("Đường", "infrastructure", roads),
                            ("Căn cứ", "combat_base", bases)):
        src = folder / f"{kind}.geojson"
        gdf.to_crs(4326).to_file(src)
        res = kvpt("import", path, src, "--kind", kind, "--name", name)
        assert res.exit_code == 0, res.output
    return path


def test_route_command_takes_the_detour_for_a_heavy_vehicle(project_path: Path) -> None:
    light = kvpt("route", project_path, "--from", "CC-W", "--to", "CC-E", "--json")
    assert light.exit_code == 0, light.output
    heavy = kvpt("route", project_path, "--from", "CC-W", "--to", "CC-E", "--load-t", "30",
                 "--json")
    assert heavy.exit_code == 0, heavy.output
    # 100 m connectors at each end (the bases lie 100 m off the road ends)
    assert json.loads(light.stdout)[0]["distance_km"] == pytest.approx(3.2, abs=0.002)
    assert json.loads(heavy.stdout)[0]["distance_km"] == pytest.approx(5.2, abs=0.002)
    assert "1 road segments with a load class below 30 t left out" in heavy.stderr
    assert "Đường:2 ('tốt')" in heavy.stderr and "cannot be read" in heavy.stderr
    too_heavy = kvpt("route", project_path, "--from", "CC-W", "--to", "CC-E", "--load-t", "40")
    assert too_heavy.exit_code == 2 and "cannot be reached" in too_heavy.stderr
    bad = kvpt("route", project_path, "--from", "CC-W", "--to", "CC-E", "--load-t", "-1")
    assert bad.exit_code == 2 and "load_t" in bad.stderr


def test_route_segments_show_load_class_and_dual_use(project_path: Path) -> None:
    project = Project(ProjectStore(project_path))
    light = planning_network.route(project, "CC-W", "CC-E")
    segs = light.tables["segments"].set_index("segment_id")
    assert segs.loc["Đường:1/0/0", "load_class"] == "H13"
    assert bool(segs.loc["Đường:1/0/0", "dual_use"]) is True
    assert not segs.drop(index="Đường:1/0/0")["dual_use"].any()
    heavy = planning_network.route(project, "CC-W", "CC-E", load_t=30.0)
    assert "Đường:1/0/0" not in set(heavy.tables["segments"]["segment_id"])
    assert "Đường:3/0/0" in set(heavy.tables["segments"]["segment_id"])
    assert heavy.values["n_too_weak"] == 1 and heavy.settings["load_t"] == 30.0
    text = kvpt("route", project_path, "--from", "CC-W", "--to", "CC-E")
    assert "Đường:1/0/0 (load class H13, dual-use)" in text.stdout


def test_page_number_input_routes_a_heavy_vehicle_around_the_bridge(
        project_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from streamlit.testing.v1 import AppTest

    root = Path(__file__).parents[1]
    monkeypatch.chdir(root)
    monkeypatch.setenv("KVPT_PROJECT", str(project_path))
    at = AppTest.from_file(str(root / "ui/network_page.py"), default_timeout=60).run()
    assert not at.exception and not at.error

    def km() -> str:
        return next(m.value for m in at.metric if m.label == "Quãng đường (km)")

    assert km() == "3.2"
    segments = next(d.value for d in at.dataframe if "Lưỡng dụng" in d.value.columns)
    assert "Tải trọng thiết kế (cầu)" in segments.columns
    at.number_input(key="net_load_t").set_value(30.0).run()
    assert not at.exception and not at.error
    assert km() == "5.2"
    warnings = [w.value for w in at.warning]
    assert any("Bỏ 1 đoạn đường có tải trọng thiết kế dưới 30 tấn" in w for w in warnings)
    assert any("tải trọng không đọc được" in w for w in warnings)


def test_chokepoints_for_a_heavy_vehicle_count_the_detour_as_a_cut(project_path: Path) -> None:
    project = Project(ProjectStore(project_path))
    kwargs = {"hubs": ["CC-W"], "targets": ["Căn cứ"]}
    light = planning_network.chokepoints(project, **kwargs).main.set_index("segment_id")
    heavy = planning_network.chokepoints(project, load_t=30.0, **kwargs).main.set_index(
        "segment_id")
    # light: the bridge and the detour stand in for each other, so neither cuts CC-E off
    assert "Đường:3/0/0" not in light.index or light.loc["Đường:3/0/0", "n_cut"] == 0
    assert light.loc["Đường:0/0/0", "n_cut"] == 1
    # heavy: the bridge is out, so losing the detour cuts CC-E off
    assert heavy.loc["Đường:3/0/0", "n_cut"] == 1
    assert "Đường:1/0/0" not in heavy.index
