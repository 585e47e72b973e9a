"""Tests of geo.nearest: the nearest base of each commune against brute force."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import Point, box

from geo.assets import stack_layers
from geo.nearest import COLUMNS, nearest_bases
from layers.store import ProjectStore

X0, Y0 = 640_000.0, 2_420_000.0


@pytest.fixture(scope="module")
def demo(demo_master: Path) -> dict[str, gpd.GeoDataFrame]:
    store = ProjectStore(demo_master)
    layers = [(r.name, r.kind, store.read(r.name)) for r in store.layers()]
    units = stack_layers(layers, kinds=["admin_unit"])
    return {"communes": units[units["level"] == "commune"],
            "bases": stack_layers(layers, kinds=["combat_base"])}


def test_straight_nearest_matches_brute_force(demo: dict) -> None:
    communes, bases = demo["communes"], demo["bases"]
    out = nearest_bases(communes, bases)
    assert list(out.columns) == list(COLUMNS) and list(out.index) == list(communes.index)
    cm, bm = communes.to_crs("EPSG:3405"), bases.to_crs("EPSG:3405")
    labels, dists = [], []
    for commune in cm.geometry:
        point = commune.representative_point()
        d = [point.distance(b) for b in bm.geometry]
        labels.append(bm.index[int(np.argmin(d))])
        dists.append(min(d))
    assert out["base"].tolist() == labels
    assert out["distance_m"].to_numpy() == pytest.approx(dists, rel=1e-9)
    assert out["base_name"].tolist() == bases.loc[labels, "name"].tolist()
    assert out["road_time_min"].isna().all() and out["road_base"].isna().all()


def test_hand_checked_and_integer_labels() -> None:
    communes = gpd.GeoDataFrame(geometry=[box(X0, Y0, X0 + 1000, Y0 + 1000),
                                          box(X0 + 5000, Y0, X0 + 6000, Y0 + 1000)],
                                index=[10, 20], crs="EPSG:3405")
    bases = gpd.GeoDataFrame({"name": ["B1", "B2"]},
                             geometry=[Point(X0 + 500, Y0 + 3500), Point(X0 + 9500, Y0 + 500)],
                             index=[1, 2], crs="EPSG:3405")
    out = nearest_bases(communes, bases)
    assert out["base"].tolist() == [1, 2]
    assert out["base_name"].tolist() == ["B1", "B2"]
    # representative point of a square: its centre line; B1 is 3 km north of (500, 500)
    assert out.loc[10, "distance_m"] == pytest.approx(3000.0)
    assert out.loc[20, "distance_m"] == pytest.approx(4000.0)
    none = nearest_bases(communes, bases.iloc[:0])
    assert none["base"].isna().all() and none["distance_m"].isna().all()


def _csgraph(graph: object) -> tuple[object, dict]:
    """The graph as a scipy sparse matrix of travel times (least of parallel edges)."""
    from scipy.sparse import csr_matrix

    nodes = {n: i for i, n in enumerate(graph.nodes)}
    best: dict[tuple[int, int], float] = {}
    for u, v, t in graph.edges(data="time_min"):
        key = (min(nodes[u], nodes[v]), max(nodes[u], nodes[v]))
        best[key] = min(best.get(key, np.inf), t)
    rows, cols = zip(*best, strict=True)
    return csr_matrix((list(best.values()), (rows, cols)), shape=(len(nodes),) * 2), nodes


def test_road_nearest_matches_scipy_dijkstra(demo: dict, road_graph: object) -> None:
    from scipy.sparse.csgraph import dijkstra

    from geo import network

    communes, bases = demo["communes"], demo["bases"]
    out = nearest_bases(communes, bases, network=road_graph)
    assert road_graph.number_of_nodes() == road_graph.graph["_nodes_before"]  # not modified
    # the same points joined in the same order, then an all-pairs search by scipy
    g = road_graph.copy()
    metric = g.graph["crs"]
    base_pts = network.representative_points(bases.geometry.to_crs(metric))
    commune_pts = network.representative_points(communes.geometry.to_crs(metric))
    base_nodes = network.connect_points(g, base_pts, prefix="base")
    commune_nodes = network.connect_points(g, commune_pts, prefix="commune")
    matrix, pos = _csgraph(g)
    times = dijkstra(matrix, directed=False, indices=[pos[base_nodes[b]] for b in bases.index])
    at = times[:, [pos[commune_nodes[c]] for c in communes.index]]
    reachable = np.isfinite(at).any(axis=0)
    assert reachable.all()
    assert out["road_time_min"].to_numpy() == pytest.approx(at.min(axis=0), rel=1e-9)
    assert out["road_base"].tolist() == list(bases.index[at.argmin(axis=0)])
    assert (out["road_time_min"] > 0).all()
    assert (out["road_base"] != out["base"]).any()  # roads change some answers


@pytest.fixture(scope="module")
def road_graph(demo_master: Path) -> object:
    from geo import network

    store = ProjectStore(demo_master)
    lines = network.network_lines({r.name: store.read(r.name) for r in store.layers()
                                   if r.kind == "infrastructure"})
    graph = network.build_graph(lines)
    graph.graph["_nodes_before"] = graph.number_of_nodes()
    return graph


def test_unreachable_commune_has_no_road_base() -> None:
    from shapely.geometry import LineString

    from geo import network

    roads = gpd.GeoDataFrame({"class": ["national_road", "national_road"]},
                             geometry=[LineString([(X0, Y0), (X0 + 10_000, Y0)]),
                                       LineString([(X0, Y0 + 50_000), (X0 + 10_000, Y0 + 50_000)])],
                             index=["r1", "r2"], crs="EPSG:3405")
    graph = network.build_graph(roads)
    communes = gpd.GeoDataFrame(geometry=[box(X0 + 1000, Y0 + 100, X0 + 2000, Y0 + 1100),
                                          box(X0 + 1000, Y0 + 50_100, X0 + 2000, Y0 + 51_100)],
                                index=["near", "cut off"], crs="EPSG:3405")
    bases = gpd.GeoDataFrame({"name": ["B"]}, geometry=[Point(X0 + 9000, Y0 + 200)],
                             index=["b"], crs="EPSG:3405")
    out = nearest_bases(communes, bases, network=graph)
    assert out.loc["near", "road_base"] == "b" and out.loc["near", "road_time_min"] > 0
    assert pd.isna(out.loc["cut off", "road_base"]) and np.isnan(out.loc["cut off",
                                                                        "road_time_min"])
    assert out.loc["cut off", "base"] == "b"  # still the nearest in a straight line
