"""Many-to-many travel times and routes with scipy (geo.travel_matrix), against networkx.

Every answer is checked against the networkx path it replaces: the same minutes (within
1e-9), the same joins as ``network.connect_points``, the same routes as
``network.shortest_route`` (segment ids and geometry, exactly)."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import networkx as nx
import numpy as np
import pytest
import shapely
from shapely.geometry import LineString

from geo import network, travel_matrix
from layers.store import ProjectStore

CRS = "EPSG:3405"
X0, Y0 = 600_000.0, 2_400_000.0
CLASSES = ("national_road", "provincial_road", "district_road", "other_road")


def random_roads(seed: int, n_lines: int = 60) -> gpd.GeoDataFrame:
    """Random polylines over a 20 km square: they share vertices where they are made to
    (a jittered grid of junctions), so the graph has loops, dead ends and parts.

    No two lines run along the same step: two copies of one road tie for every point
    nearest to them, and networkx and the arrays may then take either copy.
    """
    rng = np.random.default_rng(seed)
    grid = np.stack(np.meshgrid(np.arange(8), np.arange(8)), axis=-1).reshape(-1, 2)
    nodes = X0 + grid * 2500.0 + rng.uniform(-600, 600, grid.shape)
    nodes[:, 1] += Y0 - X0
    lines, used = [], set()
    for _ in range(n_lines):
        walk = [int(rng.integers(len(grid)))]
        for _ in range(int(rng.integers(1, 5))):
            x, y = grid[walk[-1]]
            options = [k for k, (a, b) in enumerate(grid) if abs(a - x) + abs(b - y) == 1
                       and frozenset((walk[-1], k)) not in used and k not in walk]
            if not options:
                break
            walk.append(int(rng.choice(options)))
            used.add(frozenset(walk[-2:]))
        if len(walk) >= 2:
            lines.append(LineString(nodes[walk]))
    classes = rng.choice(CLASSES, len(lines))
    return gpd.GeoDataFrame({"class": classes}, geometry=lines, crs=CRS,
                            index=[f"r{i}" for i in range(len(lines))])


def random_points(seed: int, n: int) -> gpd.GeoSeries:
    rng = np.random.default_rng(seed)
    pts = shapely.points(X0 + rng.uniform(-1000, 19_000, n), Y0 + rng.uniform(-1000, 19_000, n))
    return gpd.GeoSeries(pts, index=[f"p{i}" for i in range(n)], crs=CRS)


def edge_key(x: np.ndarray, y: np.ndarray, u: int, v: int) -> tuple:
    ends = sorted(((round(x[u], 6), round(y[u], 6)), (round(x[v], 6), round(y[v], 6))))
    return tuple(ends)


def nx_edges(G: nx.MultiGraph) -> list[tuple]:
    x = {n: d["x"] for n, d in G.nodes(data=True)}
    y = {n: d["y"] for n, d in G.nodes(data=True)}
    return sorted((tuple(sorted(((round(x[u], 6), round(y[u], 6)),
                                 (round(x[v], 6), round(y[v], 6))))),
                   d["segment_id"], d["class"], d["time_min"], d["geometry"].wkb)
                  for u, v, d in G.edges(data=True))


def table_edges(t: travel_matrix.RoadTable) -> list[tuple]:
    return sorted((edge_key(t.x, t.y, u, v), s, c, float(w), g.wkb)
                  for u, v, s, c, w, g in zip(t.u, t.v, t.segment_id, t.cls, t.time_min,
                                              t.geometry, strict=True))


@pytest.fixture(params=[1, 2, 3])
def joined(request: pytest.FixtureRequest) -> dict:
    """A random road graph, points joined by networkx and by the arrays."""
    seed = request.param
    G = network.build_graph(random_roads(seed))
    pts_a, pts_b = random_points(100 + seed, 25), random_points(200 + seed, 40)
    pts_b = gpd.GeoSeries(shapely.buffer(pts_b.to_numpy(), 150.0), index=pts_b.index, crs=CRS)
    g = G.copy()
    a = network.connect_points(g, pts_a, prefix="a")
    b = network.connect_points(g, pts_b, prefix="b")
    table, ia = travel_matrix.road_table(G).join(pts_a, prefix="a")
    table, ib = table.join(pts_b, prefix="b")
    return {"G": G, "g": g, "a": a, "b": b, "table": table, "ia": ia, "ib": ib}


def test_join_matches_connect_points(joined: dict) -> None:
    assert table_edges(joined["table"]) == nx_edges(joined["g"])
    nodes = joined["table"].nodes
    assert {k: nodes[i] for k, i in joined["ia"].items()} == joined["a"]
    assert {k: nodes[i] for k, i in joined["ib"].items()} == joined["b"]


def test_matrix_equals_networkx_within_1e_9(joined: dict) -> None:
    g, a, b = joined["g"], joined["a"], joined["b"]
    got = travel_matrix.travel_matrix(g, a.values(), b.values())
    assert got.shape == (len(a), len(b))
    for node in a.values():
        ref = network.travel_times(g, [node])
        want = np.array([ref.get(t, np.nan) for t in b.values()])
        row = got.loc[node].to_numpy()
        assert np.array_equal(np.isnan(row), np.isnan(want))
        assert np.nanmax(np.abs(row - want), initial=0.0) <= 1e-9
    # the other way round (searched from the smaller side: here the origins) is the same
    back = travel_matrix.travel_matrix(g, b.values(), a.values())
    assert np.allclose(back.to_numpy().T, got.to_numpy(), rtol=0, atol=1e-9, equal_nan=True)


def test_limit_stops_the_searches(joined: dict) -> None:
    g, a, b = joined["g"], joined["a"], joined["b"]
    full = travel_matrix.travel_matrix(g, a.values(), b.values()).to_numpy()
    cut = travel_matrix.travel_matrix(g, a.values(), b.values(), limit_min=20.0).to_numpy()
    near = full <= 20.0
    assert np.array_equal(cut[near], full[near])
    assert np.isnan(cut[~near]).all()


def test_routes_equal_shortest_route(joined: dict) -> None:
    g, table = joined["g"], joined["table"]
    router = travel_matrix.Router(table)
    ia, ib = joined["ia"], joined["ib"]
    outward = travel_matrix.OutwardTimes(router, np.array(list(ia.values())),
                                         np.array(list(ib.values())), limit=np.inf)
    outward.widen(np.arange(len(ia)))
    checked = 0
    for i, ka in enumerate(ia):
        for j, kb in enumerate(ib):
            if not np.isfinite(outward.times[i, j]):
                with pytest.raises(ValueError, match="cannot be reached"):
                    network.shortest_route(g, joined["a"][ka], joined["b"][kb])
                continue
            ours = outward.route(i, j)
            ref = network.shortest_route(g, joined["a"][ka], joined["b"][kb])
            assert ours.segment_ids == ref.segment_ids
            assert ours.geometry.equals_exact(ref.geometry, 0.0)
            assert (ours.time_min, ours.length_m, ours.connector_m, ours.connector_min) == \
                (ref.time_min, ref.length_m, ref.connector_m, ref.connector_min)
            assert ours.time_min == pytest.approx(outward.times[i, j], abs=1e-9)
            checked += 1
    assert checked > 100


def test_outward_search_knows_every_pair_within_its_radius(joined: dict) -> None:
    router = travel_matrix.Router(joined["table"])
    ia, ib = joined["ia"], joined["ib"]
    origins, targets = np.array(list(ia.values())), np.array(list(ib.values()))
    full = router.search(origins, targets=targets)[0]
    outward = travel_matrix.OutwardTimes(router, origins, targets, limit=60.0)
    assert (outward.floor == 0).all() and not outward.complete.any()
    unreachable = ~np.isfinite(full)
    assert np.isnan(outward.times[unreachable]).all()  # other parts of the network: NaN
    outward.widen(np.arange(5), 8.0)
    outward.widen(np.arange(5, 10), np.full(5, 15.0))
    for rows, radius in ((slice(0, 5), 8.0), (slice(5, 10), 15.0)):
        known = np.isfinite(outward.times[rows])
        assert np.array_equal(known, full[rows] <= radius)
        assert np.array_equal(outward.times[rows][known], full[rows][known])
    outward.widen(np.arange(3))  # out to the limit
    assert outward.complete[:3].all() and not outward.complete[3:].any()
    assert outward.floor[3] == 8.0
    # from the destinations (one search each): the same minutes, the same routes
    back = travel_matrix.OutwardTimes(router, origins, targets, limit=60.0,
                                      from_destinations=True)
    assert back.complete.all()
    both = np.isfinite(outward.times[:3]) & np.isfinite(back.times[:3])
    assert np.allclose(back.times[:3][both], outward.times[:3][both], rtol=0, atol=1e-9)
    i, j = np.argwhere(both)[0]
    assert back.route(i, j).segment_ids == outward.route(i, j).segment_ids


def test_cut_segments_like_without_segments(joined: dict) -> None:
    G = joined["G"]
    table = travel_matrix.road_table(G)
    sid = table.segment_id[0]
    cut = table.without([sid])
    assert table_edges(cut) == nx_edges(network.without_segments(G, [sid]))
    with pytest.raises(ValueError, match="unknown road segment"):
        table.without(["nope"])


def test_conversion_is_kept_per_graph(joined: dict) -> None:
    G = joined["G"]
    assert travel_matrix.road_table(G) is travel_matrix.road_table(G)
    assert travel_matrix.graph_router(G) is travel_matrix.graph_router(G)
    work = G.copy()
    before = travel_matrix.road_table(work)
    network.connect_points(work, random_points(9, 3), prefix="late")
    after = travel_matrix.road_table(work)
    assert after is not before and len(after.nodes) > len(before.nodes)


def test_bad_inputs_like_networkx(joined: dict) -> None:
    with pytest.raises(ValueError, match="not in the road network"):
        travel_matrix.travel_matrix(joined["g"], ["nowhere"], list(joined["b"].values()))
    table = joined["table"]
    with pytest.raises(ValueError, match="in the graph already"):
        table.join(random_points(5, 1), prefix="a")  # node "a:p0" is taken


def test_demo_matrix_equals_networkx(demo_master: Path) -> None:
    store = ProjectStore(demo_master)
    infra = {r.name: store.read(r.name) for r in store.layers() if r.kind == "infrastructure"}
    G = network.build_graph(network.network_lines(infra))
    sites = [store.read(r.name) for r in store.layers() if r.kind == "relocation_site"][0]
    ents = [store.read(r.name) for r in store.layers() if r.kind == "enterprise"][0]
    g = G.copy()
    e = network.connect_points(g, ents.geometry, prefix="e")
    s = network.connect_points(g, sites.geometry, prefix="s")
    got = travel_matrix.travel_matrix(g, e.values(), s.values())
    for node in s.values():
        ref = network.travel_times(g, [node])
        want = np.array([ref.get(n, np.nan) for n in e.values()])
        assert np.allclose(got[node].to_numpy(), want, rtol=0, atol=1e-9, equal_nan=True)
