"""Road network (geo.network): graph building, routes, service areas, and `kvpt route`."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import networkx as nx
import numpy as np
import pandas as pd
import pytest
import shapely
from scipy.sparse import csr_array
from scipy.sparse.csgraph import dijkstra
from shapely.geometry import LineString, Point, Polygon
from typer.testing import CliRunner

from cli import app
from geo import network, settings
from layers.store import ProjectStore

X0, Y0 = 600_000.0, 2_400_000.0  # somewhere in Lạng Sơn, EPSG:3405 metres
runner = CliRunner()


def lines_frame(geoms: list, classes: list[str], crs: int = 3405) -> gpd.GeoDataFrame:
    """Lines given in metres relative to (X0, Y0)."""
    moved = [shapely.affinity.translate(g, X0, Y0) for g in geoms]
    return gpd.GeoDataFrame({"class": classes}, geometry=moved, crs=crs,
                            index=[f"L{i}" for i in range(len(geoms))])


def at(x: float, y: float) -> Point:
    return Point(X0 + x, Y0 + y)


@pytest.fixture
def square() -> gpd.GeoDataFrame:
    """A 1 km square of national roads (50 km/h) with a provincial diagonal (40 km/h)."""
    sides = [LineString([(0, 0), (1000, 0)]), LineString([(1000, 0), (1000, 1000)]),
             LineString([(1000, 1000), (0, 1000)]), LineString([(0, 1000), (0, 0)])]
    return lines_frame([*sides, LineString([(0, 0), (1000, 1000)])],
                       ["national_road"] * 4 + ["provincial_road"])


def node_at(G: nx.MultiGraph, x: float, y: float) -> int:
    (node,) = [n for n, d in G.nodes(data=True)
               if abs(d["x"] - X0 - x) < 1e-6 and abs(d["y"] - Y0 - y) < 1e-6]
    return node


# --- hand-made networks --------------------------------------------------------------------


def test_square_with_diagonal_has_hand_computed_times(square: gpd.GeoDataFrame) -> None:
    G = network.build_graph(square)
    assert G.number_of_nodes() == 4 and G.number_of_edges() == 5
    a, c = node_at(G, 0, 0), node_at(G, 1000, 1000)
    route = network.shortest_route(G, a, c)
    diagonal = 1000 * 2 ** 0.5
    assert route.time_min == pytest.approx(diagonal / 1000 / 40 * 60)  # 2.121 min < 2.4
    assert route.segment_ids == ["L4/0/0"]
    assert route.length_m == pytest.approx(diagonal) and route.connector_m == 0
    assert route.geometry.length == pytest.approx(diagonal)
    slow = network.build_graph(square, speeds={"provincial_road": 20})
    around = network.shortest_route(slow, a, c)
    assert around.time_min == pytest.approx(2000 / 1000 / 50 * 60)  # 2.4 min < 4.24
    assert len(around.segment_ids) == 2 and around.length_m == pytest.approx(2000)
    assert shapely.get_coordinates(around.geometry)[0] == pytest.approx([X0, Y0])
    assert shapely.get_coordinates(around.geometry)[-1] == pytest.approx([X0 + 1000, Y0 + 1000])


def test_unknown_class_travels_at_the_default_speed(square: gpd.GeoDataFrame) -> None:
    square = square.assign(**{"class": ["dirt"] * 5})
    G = network.build_graph(square)
    assert {d["speed_kmh"] for *_, d in G.edges(data=True)} == {settings.road_default_speed_kmh}
    edges = network.edges_frame(G)
    expected = edges["length_m"] / 1000 / settings.road_default_speed_kmh * 60
    assert np.allclose(edges["time_min"], expected)


def test_lines_split_at_shared_vertices_but_not_at_bare_crossings(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # a horizontal road with a vertex at x=500, a vertical one through that vertex, and a
    # second vertical one crossing at x=700 with no vertex on either line (an overpass)
    lines = lines_frame([LineString([(0, 0), (500, 0), (1000, 0)]),
                         LineString([(500, -500), (500, 0), (500, 500)]),
                         LineString([(700, -500), (700, 500)])], ["national_road"] * 3)
    G = network.build_graph(lines)
    assert G.degree(node_at(G, 500, 0)) == 4
    assert not nx.has_path(G, node_at(G, 0, 0), node_at(G, 700, 500))
    assert G.number_of_edges() == 5  # 2 + 2 pieces, and the overpass whole
    monkeypatch.setattr(settings, "network_split_crossings", True)
    at_grade = network.build_graph(lines)
    assert at_grade.degree(node_at(at_grade, 700, 0)) == 4
    total = sum(d["length_m"] for *_, d in at_grade.edges(data=True))
    assert total == pytest.approx(1000 + 1000 + 1000)


@pytest.mark.parametrize(("gap", "joined"), [(20.0, True), (24.9, True), (30.0, False)])
def test_an_end_within_the_tolerance_joins_the_line(gap: float, joined: bool) -> None:
    # a side road ends `gap` metres short of the middle of a main road (a T-junction)
    lines = lines_frame([LineString([(0, 0), (1000, 0)]),
                         LineString([(400, 1000), (400, gap)])],
                        ["national_road", "district_road"])
    G = network.build_graph(lines, snap_tolerance=25)
    a, b = node_at(G, 0, 0), [n for n, d in G.nodes(data=True) if d["y"] - Y0 > 900][0]
    assert nx.has_path(G, a, b) is joined
    if joined:  # the side road's end moved onto the main road, which is split there
        junction = node_at(G, 400, 0)
        assert G.degree(junction) == 3
        side = [d for *_, d in G.edges(junction, data=True) if d["class"] == "district_road"]
        assert side[0]["length_m"] == pytest.approx(1000)
    else:
        assert G.number_of_edges() == 2


def test_ends_within_the_tolerance_merge_into_one_node() -> None:
    lines = lines_frame([LineString([(0, 0), (1000, 0)]),
                         LineString([(1008, 6), (2000, 0)]),  # 10 m from the first's end
                         LineString([(3000, 0), (2040, 0)])],  # 40 m from the second's end
                        ["national_road"] * 3)
    G = network.build_graph(lines, snap_tolerance=25)
    assert G.number_of_nodes() == 5 and nx.number_connected_components(G) == 2
    # the shared end is one of the two original ends; both lines meet there exactly
    joint = [n for n in G if G.degree(n) == 2]
    assert len(joint) == 1
    for *_, d in G.edges(joint[0], data=True):
        assert d["length_m"] == pytest.approx(d["geometry"].length)
    strict = network.build_graph(lines, snap_tolerance=0)
    assert nx.number_connected_components(strict) == 3


def test_connector_speed_applied_and_reported() -> None:
    road = lines_frame([LineString([(0, 0), (2000, 0)])], ["national_road"])
    G = network.build_graph(road)
    pts = gpd.GeoSeries([at(1000, 500)], index=["base"], crs=3405)
    nodes = network.connect_points(G, pts, offroad_speed_kmh=10)
    assert nodes == {"base": "p:base"}
    assert G.graph["offroad_speed_kmh"] == 10
    # the road was split under the point; both halves keep the segment id
    assert sorted(s for *_, s in G.edges(data="segment_id")) == ["L0/0/0", "L0/0/0",
                                                                  "p:base/connector"]
    route = network.shortest_route(G, "p:base", node_at(G, 2000, 0))
    assert route.connector_m == pytest.approx(500)
    assert route.connector_min == pytest.approx(500 / 1000 / 10 * 60)  # 3 min
    assert route.time_min == pytest.approx(3 + 1000 / 1000 / 50 * 60)  # + 1.2 min
    assert route.segment_ids == ["p:base/connector", "L0/0/0"]
    assert route.geometry.length == pytest.approx(1500)
    # the default off-road speed comes from the settings at call time
    G2 = network.build_graph(road)
    network.connect_points(G2, pts.to_crs(4326))
    conn = network.edges_frame(G2).query("`class` == 'connector'")
    assert conn["speed_kmh"].item() == settings.offroad_speed_kmh
    assert conn["length_m"].item() == pytest.approx(500, abs=0.01)


def test_polygons_join_from_their_representative_point() -> None:
    road = lines_frame([LineString([(0, 0), (2000, 0)])], ["national_road"])
    G = network.build_graph(road)
    # an L-shaped commune whose centroid lies outside it
    poly = shapely.affinity.translate(
        Polygon([(0, 100), (1000, 100), (1000, 300), (200, 300), (200, 1100), (0, 1100)]),
        X0, Y0)
    nodes = network.connect_points(G, gpd.GeoDataFrame(geometry=[poly], crs=3405))
    x, y = G.nodes[nodes[0]]["x"], G.nodes[nodes[0]]["y"]
    assert poly.contains(Point(x, y))
    assert not poly.contains(poly.centroid)


def test_without_segments_reroutes_or_disconnects(square: gpd.GeoDataFrame) -> None:
    G = network.build_graph(square)
    a, c = node_at(G, 0, 0), node_at(G, 1000, 1000)
    cut = network.without_segments(G, ["L4/0/0"])
    assert G.number_of_edges() == 5 and cut.number_of_edges() == 4  # G unchanged
    assert network.shortest_route(cut, a, c).time_min == pytest.approx(2.4)
    isolated = network.without_segments(G, ["L0/0/0", "L3/0/0", "L4/0/0"])
    with pytest.raises(ValueError, match="cannot be reached"):
        network.shortest_route(isolated, a, c)
    with pytest.raises(ValueError, match="unknown road segment id.*'L9/0/0'"):
        network.without_segments(G, ["L9/0/0"])


def test_cutting_a_split_segment_removes_every_piece() -> None:
    road = lines_frame([LineString([(0, 0), (2000, 0)])], ["national_road"])
    G = network.build_graph(road)
    network.connect_points(G, gpd.GeoSeries([at(500, 50), at(1500, -50)], crs=3405))
    assert G.number_of_edges() == 3 + 2
    left = network.without_segments(G, "L0/0/0")
    assert {d["class"] for *_, d in left.edges(data=True)} == {"connector"}


def test_bad_inputs_are_refused_with_the_fix() -> None:
    pts = gpd.GeoDataFrame(geometry=[Point(0, 0)], crs=3405)
    with pytest.raises(ValueError, match="not lines.*geom_type.isin"):
        network.build_graph(pts)
    no_crs = gpd.GeoDataFrame(geometry=[LineString([(0, 0), (1, 1)])])
    with pytest.raises(ValueError, match="no CRS"):
        network.build_graph(no_crs)
    road = lines_frame([LineString([(0, 0), (2000, 0)])], ["national_road"])
    with pytest.raises(ValueError, match="speed of class 'national_road'"):
        network.build_graph(road, speeds={"national_road": 0})
    G = network.build_graph(road)
    network.connect_points(G, gpd.GeoSeries([at(0, 10)], crs=3405))
    with pytest.raises(ValueError, match="prefix="):
        network.connect_points(G, gpd.GeoSeries([at(5, 10)], crs=3405))
    with pytest.raises(ValueError, match="not in the road network"):
        network.shortest_route(G, "p:0", "nowhere")


def test_travel_times_from_several_sources(square: gpd.GeoDataFrame) -> None:
    G = network.build_graph(square)
    a, b, c, d = (node_at(G, *xy) for xy in [(0, 0), (1000, 0), (1000, 1000), (0, 1000)])
    times = network.travel_times(G, [a, c])
    assert times[a] == times[c] == 0
    assert times[b] == pytest.approx(1.2) and times[d] == pytest.approx(1.2)
    assert set(network.travel_times(G, [a], cutoff_min=1.5)) == {a, b, d}


# --- the demo network ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo(demo_master: Path) -> dict:
    store = ProjectStore(demo_master)
    records = store.layers()
    infra = {r.name: store.read(r.name) for r in records if r.kind == "infrastructure"}
    lines = network.network_lines(infra)
    kinds = ("combat_base", "rear_base", "logistics_base", "relocation_site")
    points = network.feature_points({r.name: store.read(r.name) for r in records
                                     if r.kind in kinds})
    communes = store.read("Xã, phường, thị trấn (Lạng Sơn, 2009)")
    return {"infra": infra, "lines": lines, "points": points, "communes": communes}


def test_demo_road_lines_leave_the_railway_out(demo: dict) -> None:
    lines = demo["lines"]
    assert set(lines["class"]) <= set(settings.road_speed_kmh)
    assert not lines["class"].str.contains("rail").any()
    rails = [n for n, g in demo["infra"].items() if g["class"].str.contains("rail").all()]
    assert rails and not lines["layer"].isin(rails).any()
    n_roads = sum(int(g["class"].str.contains("road").sum()) for g in demo["infra"].values())
    assert len(lines) == n_roads
    assert all(":" in label for label in lines.index)
    everything = network.network_lines(demo["infra"], all_lines=True)
    assert len(everything) == sum(len(g) for g in demo["infra"].values())
    with pytest.raises(ValueError, match="national_railway"):
        network.network_lines({n: demo["infra"][n] for n in rails})


def test_demo_graph_is_sane(demo: dict) -> None:
    lines = demo["lines"]
    G = network.build_graph(lines)
    edges = network.edges_frame(G)
    n_parts = int(shapely.get_num_geometries(lines.geometry.to_numpy()).sum())
    assert n_parts <= len(edges) <= 3 * n_parts
    assert 2 <= G.number_of_nodes() <= 2 * len(edges)
    # every segment's length is its geometry's, and its time is length / class speed
    assert np.allclose(edges["length_m"], edges.length, rtol=0, atol=1e-6)
    speed = edges["class"].map(settings.road_speed_kmh)
    assert np.allclose(edges["time_min"], edges["length_m"] / 1000 / speed * 60)
    assert edges["segment_id"].is_unique
    # every edge's geometry starts and ends at its nodes
    for u, v, d in G.edges(data=True):
        ends = {tuple(np.round(d["geometry"].coords[i], 6)) for i in (0, -1)}
        assert ends == {(round(G.nodes[n]["x"], 6), round(G.nodes[n]["y"], 6)) for n in (u, v)}
    # snapping moves ends by less than the tolerance: total length is kept closely
    total = lines.to_crs(3405).length.sum()
    moved = G.number_of_nodes() * settings.network_snap_m
    assert abs(edges["length_m"].sum() - total) < moved
    # most of the network is one piece
    biggest = max(nx.connected_components(G), key=len)
    assert len(biggest) >= 0.8 * G.number_of_nodes()


def scipy_times(G: nx.MultiGraph, sources: list) -> tuple[np.ndarray, dict]:
    """Shortest times from each source with scipy's Dijkstra on G's edge list."""
    index = {n: i for i, n in enumerate(G.nodes)}
    n = len(index)
    best: dict[tuple[int, int], float] = {}
    for u, v, t in G.edges(data="time_min"):
        key = tuple(sorted((index[u], index[v])))
        best[key] = min(best.get(key, np.inf), t)
    rows, cols = np.array(list(best)).T
    vals = np.array(list(best.values()))
    matrix = csr_array((vals + 1e-300, (rows, cols)), shape=(n, n))  # keep 0-time edges
    return dijkstra(matrix, directed=False, indices=[index[s] for s in sources]), index


def test_demo_routes_match_scipy_dijkstra(demo: dict) -> None:
    G = network.build_graph(demo["lines"])
    pts = demo["points"]
    nodes = network.connect_points(G, pts)
    rng = np.random.default_rng(7)
    labels = list(nodes)
    sources = [nodes[labels[i]] for i in rng.choice(len(labels), 12, replace=False)]
    dist, index = scipy_times(G, sources)
    checked = unreachable = 0
    for row, src in enumerate(sources):
        for k in rng.choice(len(labels), 10, replace=False):
            dst = nodes[labels[k]]
            ref = dist[row, index[dst]]
            if np.isinf(ref):
                with pytest.raises(ValueError, match="cannot be reached"):
                    network.shortest_route(G, src, dst)
                unreachable += 1
                continue
            route = network.shortest_route(G, src, dst)
            assert route.time_min == pytest.approx(ref, rel=1e-9, abs=1e-9)
            assert route.geometry.length == pytest.approx(route.length_m)
            checked += 1
    assert checked >= 100
    # multi-source times too
    multi = network.travel_times(G, sources)
    best = dist.min(axis=0)
    reached = np.isfinite(best)
    assert set(multi) == {n for n, i in index.items() if reached[i]}
    assert np.allclose([multi[n] for n in multi], [best[index[n]] for n in multi])


def test_demo_service_area_matches_brute_force(demo: dict) -> None:
    G = network.build_graph(demo["lines"])
    bases = demo["points"][demo["points"]["layer"].str.startswith("Căn cứ chiến đấu")]
    communes = demo["communes"]
    area = network.service_area(G, bases, 45, communes)
    assert area.index.equals(communes.index) and area.crs == communes.crs
    assert G.number_of_edges() == network.build_graph(demo["lines"]).number_of_edges()
    # brute force: join bases and every commune's point inside it, scipy Dijkstra per base
    H = G.copy()
    src = list(network.connect_points(H, bases, prefix="b").values())
    inside = gpd.GeoSeries(communes.to_crs(3405).geometry.to_numpy(), index=communes.index,
                           crs=3405).representative_point()
    cnodes = network.connect_points(H, inside, prefix="c")
    dist, index = scipy_times(H, src)
    ref = dist.min(axis=0)[[index[cnodes[k]] for k in communes.index]]
    assert np.allclose(np.nan_to_num(area["travel_min"], nan=np.inf), ref)
    assert (area["reachable"] == (ref <= 45)).all()
    assert 0 < area["reachable"].sum() < len(area)
    assert (area["name"] == communes["name"].astype(str)).all()
    wider = network.service_area(G, bases, 90, communes)
    assert (wider["reachable"] >= area["reachable"]).all()


def test_find_feature_by_id_or_name(demo: dict) -> None:
    pts = demo["points"]
    label = pts.index[3]
    assert network.find_feature(pts, label) == label
    name = pts.at[label, "name"]
    assert network.find_feature(pts, name) == label
    assert network.find_feature(pts, name.upper()) == label
    plain = "Can cu chien dau Binh Gia"
    assert pts.at[network.find_feature(pts, plain), "name"] == "Căn cứ chiến đấu Bình Gia"
    twice = pd.concat([pts.iloc[[0]], pts.iloc[[0]].set_axis(["X:0"])])
    with pytest.raises(ValueError, match="names 2 features"):
        network.find_feature(twice, pts.iloc[0]["name"])
    with pytest.raises(ValueError, match="no feature 'nowhere'"):
        network.find_feature(pts, "nowhere")


# --- kvpt route ----------------------------------------------------------------------------


def kvpt(*args: object):
    return runner.invoke(app, [str(a) for a in args])


def test_cli_route_json_and_gpkg(demo_master: Path, tmp_path: Path) -> None:
    out = tmp_path / "route.gpkg"
    res = kvpt("route", demo_master, "--from", "Căn cứ chiến đấu tỉnh",
               "--to", "Địa điểm di chuyển (giả định):8", "--json", "--out", out)
    assert res.exit_code == 0, res.stderr
    (row,) = json.loads(res.stdout)
    assert row["from"] == "Căn cứ chiến đấu (giả định):0"
    assert row["to_name"] == "Địa điểm di chuyển 09 – Lạng Sơn"
    assert list(row) == ["from", "from_code", "from_name", "to", "to_code", "to_name",
                         "travel_min", "distance_km", "connector_m", "offroad_speed_kmh",
                         "n_segments", "segments"]
    store = ProjectStore(demo_master)
    codes = {n: store.read(n)["code"] for n in ("Căn cứ chiến đấu (giả định)",
                                                "Địa điểm di chuyển (giả định)")}
    assert row["from_code"] == codes["Căn cứ chiến đấu (giả định)"].iloc[0]
    assert row["to_code"] == codes["Địa điểm di chuyển (giả định)"].iloc[8]
    # the same route named by the codes
    by_code = kvpt("route", demo_master, "--from", row["from_code"], "--to", row["to_code"],
                   "--json")
    assert by_code.exit_code == 0, by_code.stderr
    assert json.loads(by_code.stdout) == [row]
    assert row["offroad_speed_kmh"] == settings.offroad_speed_kmh
    assert row["segments"].split("; ")[0].endswith("/connector")
    # the same route by hand
    infra = {r.name: store.read(r.name) for r in store.layers() if r.kind == "infrastructure"}
    G = network.build_graph(network.network_lines(infra))
    pts = network.feature_points({n: store.read(n) for n in
                                  ("Căn cứ chiến đấu (giả định)", "Địa điểm di chuyển (giả định)")})
    ends = ["Căn cứ chiến đấu (giả định):0", "Địa điểm di chuyển (giả định):8"]
    nodes = network.connect_points(G, pts.loc[ends])
    ref = network.shortest_route(G, nodes[ends[0]], nodes[ends[1]])
    assert row["travel_min"] == pytest.approx(ref.time_min, abs=0.01)
    assert row["distance_km"] == pytest.approx(ref.length_m / 1000, abs=0.001)
    written = gpd.read_file(out, layer="route")
    assert written.geom_type.tolist() == ["LineString"] and written.crs.to_epsg() == 4326
    assert written.to_crs(3405).length.item() == pytest.approx(ref.length_m, rel=1e-4)


def test_cli_route_text_and_speed_option(demo_master: Path) -> None:
    args = ("route", demo_master, "--from", "Căn cứ hậu phương Bắc Sơn", "--to", "Đồng Đăng")
    res = kvpt(*args)
    assert res.exit_code == 0, res.stderr
    assert "min" in res.stdout and "Đồng Đăng" in res.stdout
    slow = json.loads(kvpt(*args, "--json", "--offroad-kmh", "5").stdout)[0]
    fast = json.loads(kvpt(*args, "--json").stdout)[0]
    assert slow["travel_min"] > fast["travel_min"]


@pytest.mark.parametrize("args", [
    ("--from", "nowhere", "--to", "Đồng Đăng"),
    ("--from", "Đồng Đăng", "--to", "No layer:3"),
    ("--from", "Đồng Đăng", "--to", "Lạng Sơn", "--speed", "national_road=fast"),
    ("--from", "Đồng Đăng", "--to", "Lạng Sơn", "--lines", "No such layer"),
])
def test_cli_route_bad_input_exits_2_with_one_line(demo_master: Path, args: tuple) -> None:
    res = kvpt("route", demo_master, *args)
    assert res.exit_code == 2
    assert res.stderr.count("\n") == 1 and res.stderr.startswith("kvpt: error: ")


@pytest.mark.parametrize(("value", "expected"), [
    ("Quốc lộ", "national_road"), ("QL1A", "national_road"), ("QL.4B", "national_road"),
    ("quốc lộ 279", "national_road"), ("Đường tỉnh 226", "provincial_road"),
    ("ĐT.235", "provincial_road"), ("Tỉnh lộ", "provincial_road"),
    ("Đường huyện", "district_road"), ("ĐH-12", "district_road"), ("Đường xã", "other_road"),
    ("trunk", "national_road"), ("trunk_link", "national_road"),
    ("tertiary", "district_road"), ("national_road", "national_road"),
    ("railway", "railway"), ("Đường sắt", "Đường sắt"), ("Dhaka", "Dhaka"),
    ("qlda", "qlda"),  # 'ql' followed by a letter is not a national road
])
def test_road_class_reads_vietnamese_and_osm_names(value: str, expected: str) -> None:
    assert network.road_class(value, settings.road_speed_kmh) == expected


def test_user_road_layer_with_vietnamese_classes_gets_class_speeds() -> None:
    lines = gpd.GeoDataFrame(
        {"class": ["Quốc lộ 1A", "ĐT.226", "Đường sắt"], "name": ["QL1A", "ĐT226", "ĐS"]},
        geometry=[LineString([(0, 0), (10_000, 0)]), LineString([(10_000, 0), (10_000, 8000)]),
                  LineString([(0, 0), (0, 9000)])], crs="EPSG:3405")
    roads = network.network_lines({"duong": lines})
    assert roads["class"].tolist() == ["national_road", "provincial_road"]  # no railway
    graph = network.build_graph(roads)
    minutes = sorted(round(t, 6) for *_, t in graph.edges(data="time_min"))
    # by hand: 10 km at 50 km/h = 12 min; 8 km at 40 km/h = 12 min (default settings)
    assert minutes == pytest.approx([8 / settings.road_speed_kmh["provincial_road"] * 60,
                                     10 / settings.road_speed_kmh["national_road"] * 60])
