"""Tests of geo.support: components, isolated positions and bridges against scipy."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components
from shapely.geometry import Point

from geo import settings
from geo.assets import stack_layers
from geo.support import LINK_COLUMNS, POSITION_COLUMNS, mutual_support
from layers.store import ProjectStore

X0, Y0 = 640_000.0, 2_420_000.0


@pytest.fixture(scope="module")
def positions(demo_master: Path) -> gpd.GeoDataFrame:
    store = ProjectStore(demo_master)
    return stack_layers([(r.name, r.kind, store.read(r.name)) for r in store.layers()],
                        kinds=settings.support_kinds)


def _n_components(adjacency: np.ndarray) -> int:
    return connected_components(csr_matrix(adjacency), directed=False)[0]


@pytest.mark.parametrize("km", [5.0, 15.0])
def test_components_match_scipy_on_the_distance_matrix(positions: gpd.GeoDataFrame,
                                                       km: float) -> None:
    sup = mutual_support(positions, within_km=km)
    geoms = positions.to_crs("EPSG:3405").geometry.to_numpy()
    dist = shapely.distance(geoms[:, None], geoms[None, :])
    adjacency = (dist <= km * 1000) & ~np.eye(len(geoms), dtype=bool)
    n, labels = connected_components(csr_matrix(adjacency), directed=False)
    got = sup.positions["component"].to_numpy()
    assert sup.positions["component"].nunique() == n
    # the same partition: a one-to-one map between component numbers
    assert len(set(zip(got, labels, strict=True))) == n
    assert sup.positions["isolated"].tolist() == (~adjacency.any(axis=1)).tolist()
    assert sup.positions["degree"].tolist() == adjacency.sum(axis=1).tolist()
    assert len(sup.links) == adjacency.sum() // 2
    sizes = sup.positions["component_size"].to_numpy()
    assert sizes.tolist() == [int((labels == labels[i]).sum()) for i in range(len(labels))]
    assert np.all(np.diff(sup.positions.groupby("component")["component_size"].first()) <= 0)
    # bridges: removing the link raises the number of components
    base = _n_components(adjacency)
    pos = {label: i for i, label in enumerate(positions.index)}
    for link in sup.links.itertuples():
        cut = adjacency.copy()
        cut[pos[link.a], pos[link.b]] = cut[pos[link.b], pos[link.a]] = False
        assert link.bridge == (_n_components(cut) > base)
        assert link.distance_m == pytest.approx(dist[pos[link.a], pos[link.b]])
        assert link.geometry.length == pytest.approx(link.distance_m, abs=1e-6)
    assert set(sup.weakest["a"] + "|" + sup.weakest["b"]) == set(
        (sup.links["a"] + "|" + sup.links["b"])[sup.links["bridge"]])


def test_hand_checked_chain_and_weakest_order() -> None:
    # a - 10 km - b - 8 km - c - 12 km - d - 1 km - f (c-f 13 km), and e alone 100 km away
    xs = {"a": 0, "b": 10, "c": 18, "d": 30, "e": 130, "f": 31}
    gdf = gpd.GeoDataFrame({"name": [f"Vị trí {k}" for k in xs]},
                           geometry=[Point(X0 + x * 1000, Y0) for x in xs.values()],
                           index=list(xs), crs="EPSG:3405")
    sup = mutual_support(gdf, within_km=12.0)
    assert sup.positions["component"].to_dict() == {"a": 1, "b": 1, "c": 1, "d": 1, "e": 2,
                                                    "f": 1}
    assert sup.positions["isolated"].to_dict()["e"]
    assert list(zip(sup.weakest["a"], sup.weakest["b"], strict=True)) == [
        ("c", "d"), ("a", "b"), ("b", "c"), ("d", "f")]
    assert sup.weakest["distance_m"].tolist() == pytest.approx([12000, 10000, 8000, 1000])
    assert list(zip(sup.links["a"], sup.links["b"], strict=True)) == [
        ("a", "b"), ("b", "c"), ("c", "d"), ("d", "f")]
    # a second path around c-d: it is no longer a bridge
    loop = mutual_support(gdf, within_km=13.0)
    assert ("c", "d") not in set(zip(loop.weakest["a"], loop.weakest["b"], strict=True))
    assert list(sup.links.columns) == [*LINK_COLUMNS, "geometry"]
    assert list(sup.positions.columns) == list(POSITION_COLUMNS)
    assert set(sup.graph.nodes) == set(xs)
    assert sup.links["by_distance"].all() and not sup.links["by_road"].any()
    assert sup.links["time_min"].isna().all()


def test_setting_and_errors(positions: gpd.GeoDataFrame,
                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(settings, "support_within_km", 0.0)
    sup = mutual_support(positions)
    geoms = positions.to_crs("EPSG:3405").geometry.to_numpy()
    touching = np.triu(shapely.distance(geoms[:, None], geoms[None, :]) == 0, k=1)
    assert len(sup.links) == touching.sum()
    with pytest.raises(ValueError, match="needs the road network"):
        mutual_support(positions, within_min=20)
    with pytest.raises(ValueError, match="within_km.*>= 0"):
        mutual_support(positions, within_km=-1)


def test_road_links_match_scipy_dijkstra(positions: gpd.GeoDataFrame, demo_master: Path) -> None:
    from scipy.sparse.csgraph import dijkstra

    from geo import network

    store = ProjectStore(demo_master)
    lines = network.network_lines({r.name: store.read(r.name) for r in store.layers()
                                   if r.kind == "infrastructure"})
    graph = network.build_graph(lines)
    minutes = 30.0
    sup = mutual_support(positions, within_min=minutes, network=graph)
    g = graph.copy()
    pts = network.representative_points(positions.geometry.to_crs(g.graph["crs"]))
    nodes = network.connect_points(g, pts, prefix="support")
    index = {n: i for i, n in enumerate(g.nodes)}
    best: dict[tuple[int, int], float] = {}
    for u, v, t in g.edges(data="time_min"):
        key = (min(index[u], index[v]), max(index[u], index[v]))
        best[key] = min(best.get(key, np.inf), t)
    rows, cols = zip(*best, strict=True)
    matrix = csr_matrix((list(best.values()), (rows, cols)), shape=(len(index),) * 2)
    at = [index[nodes[label]] for label in positions.index]
    times = dijkstra(matrix, directed=False, indices=at)[:, at]
    adjacency = (times <= minutes) & ~np.eye(len(at), dtype=bool)
    n, labels = connected_components(csr_matrix(adjacency), directed=False)
    assert sup.positions["component"].nunique() == n
    assert len(set(zip(sup.positions["component"], labels, strict=True))) == n
    assert len(sup.links) == adjacency.sum() // 2
    pos = {label: i for i, label in enumerate(positions.index)}
    for link in sup.links.itertuples():
        assert link.time_min == pytest.approx(times[pos[link.a], pos[link.b]], rel=1e-9)
        assert link.by_road and link.time_min <= minutes
    assert sup.weakest["time_min"].is_monotonic_decreasing
    # within_km and within_min together: the union of both link sets
    both = mutual_support(positions, within_km=5.0, within_min=minutes, network=graph)
    by_km = mutual_support(positions, within_km=5.0)
    pairs = set(zip(both.links["a"], both.links["b"], strict=True))
    assert pairs == (set(zip(by_km.links["a"], by_km.links["b"], strict=True))
                     | set(zip(sup.links["a"], sup.links["b"], strict=True)))
    assert both.links["time_min"].notna().all()
