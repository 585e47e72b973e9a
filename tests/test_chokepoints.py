"""Chokepoints of the road network (geo.chokepoints) and `kvpt chokepoints`."""

from __future__ import annotations

import json
import math
from pathlib import Path

import geopandas as gpd
import networkx as nx
import numpy as np
import pandas as pd
import pytest
import shapely
from scipy.sparse import csr_array
from scipy.sparse.csgraph import dijkstra
from shapely.geometry import LineString, Point
from typer.testing import CliRunner

from cli import app
from geo import chokepoints as cp
from geo import network, settings
from layers.store import ProjectStore

X0, Y0 = 600_000.0, 2_400_000.0
runner = CliRunner()


def at(x: float, y: float) -> Point:
    return Point(X0 + x, Y0 + y)


@pytest.fixture
def ladder() -> nx.MultiGraph:
    """Hub road P0–J, a direct J–K and a 3 km detour J–K, and a dead end K–E (all 50 km/h).

    ::

        (1000,1000) ───── (2000,1000)
            │ detour           │
        P0 ── J ──── direct ──── K ── E
    """
    lines = [LineString([(0, 0), (1000, 0)]),                       # A: P0–J
             LineString([(1000, 0), (2000, 0)]),                    # direct J–K
             LineString([(1000, 0), (1000, 1000), (2000, 1000), (2000, 0)]),  # detour
             LineString([(2000, 0), (3000, 0)])]                    # dead end K–E
    frame = gpd.GeoDataFrame(
        {"class": "national_road"},
        geometry=[shapely.affinity.translate(g, X0, Y0) for g in lines], crs=3405,
        index=["A", "direct", "detour", "deadend"])
    return network.build_graph(frame)


HUB = gpd.GeoSeries([at(0, -100)], index=["hub"], crs=3405)
# S: beyond the dead end; T: at K; U: on the middle of the direct road
TARGETS = gpd.GeoSeries([at(3000, -100), at(2000, -100), at(1500, -100)],
                        index=["S", "T", "U"], crs=3405)
MIN_PER_KM = 60 / 50  # 1.2 min per km at 50 km/h
CONN = 0.1 / 10 * 60  # 100 m at 10 km/h = 0.6 min


def test_hand_made_network_times(ladder: nx.MultiGraph) -> None:
    times = cp.target_times(ladder, TARGETS, HUB, offroad_speed_kmh=10)
    expected = {"S": 2 * CONN + 3 * MIN_PER_KM, "T": 2 * CONN + 2 * MIN_PER_KM,
                "U": 2 * CONN + 1.5 * MIN_PER_KM}
    assert times["travel_min"].to_dict() == pytest.approx(expected)
    assert times["connected"].all()


def test_hand_made_chokepoints(ladder: nx.MultiGraph) -> None:
    found = cp.chokepoints(ladder, TARGETS, HUB, offroad_speed_kmh=10).set_index("segment_id")
    # ranked: A cuts all three, the dead end cuts S, the direct road slows everyone
    assert list(found.index) == ["A/0/0", "deadend/0/0", "direct/0/0"]
    assert found.loc["A/0/0", ["n_cut", "n_slowed"]].tolist() == [3, 0]
    assert found.loc["deadend/0/0", "targets"] == "S"
    assert found.loc["deadend/0/0", ["n_cut", "n_slowed"]].tolist() == [1, 0]
    assert found["bridge"].to_dict() == {"A/0/0": True, "deadend/0/0": True,
                                         "direct/0/0": False}
    # without the direct road: T goes round the 3 km detour, S too; U (on the direct
    # road) comes back along it from K: the worse side of its loss
    base = {"S": 2 * CONN + 3 * MIN_PER_KM, "T": 2 * CONN + 2 * MIN_PER_KM,
            "U": 2 * CONN + 1.5 * MIN_PER_KM}
    new = {"S": base["S"] + 2 * MIN_PER_KM, "T": base["T"] + 2 * MIN_PER_KM,
           "U": 2 * CONN + (1 + 3 + 0.5) * MIN_PER_KM}
    pct = {k: (new[k] - base[k]) / base[k] * 100 for k in base}
    assert pct["U"] == pytest.approx(120) and pct["T"] == pytest.approx(200 / 3)
    row = found.loc["direct/0/0"]
    assert row["n_cut"] == 0 and row["n_slowed"] == 3
    assert row["max_increase_pct"] == pytest.approx(max(pct.values()))
    assert row["length_m"] == pytest.approx(1000)
    assert row["geometry"].length == pytest.approx(1000)
    assert "detour/0/0" not in found.index  # on no fastest route
    # a higher threshold keeps only the targets slowed more than it
    strict = cp.chokepoints(ladder, TARGETS, HUB, offroad_speed_kmh=10, increase_pct=60)
    row = strict.set_index("segment_id").loc["direct/0/0"]
    assert row["n_slowed"] == 2 and row["targets"] == "T; U"
    none = cp.chokepoints(ladder, TARGETS, HUB, offroad_speed_kmh=10, increase_pct=130)
    assert "direct/0/0" not in set(none["segment_id"])


def test_hand_made_chokepoint_junctions(ladder: nx.MultiGraph) -> None:
    found = cp.chokepoint_nodes(ladder, TARGETS, HUB, offroad_speed_kmh=10)
    xy = {(round(g.x - X0), round(g.y - Y0)): row for g, (_, row) in
          zip(found.geometry, found.iterrows(), strict=True)}
    assert xy[(0, 0)]["n_cut"] == 3 and xy[(1000, 0)]["n_cut"] == 3  # P0, J
    assert xy[(2000, 0)]["n_cut"] == 2  # K: T joins there, S beyond; U goes back to J
    assert xy[(3000, 0)]["n_cut"] == 1  # E: S joins there
    assert found["n_cut"].is_monotonic_decreasing


def test_targets_and_hubs_as_nodes_and_bad_input(ladder: nx.MultiGraph) -> None:
    G = ladder.copy()
    t = network.connect_points(G, TARGETS, offroad_speed_kmh=10)
    h = list(network.connect_points(G, HUB, offroad_speed_kmh=10, prefix="hub").values())
    by_nodes = cp.chokepoints(G, t, h)
    by_features = cp.chokepoints(ladder, TARGETS, HUB, offroad_speed_kmh=10)
    pd.testing.assert_frame_equal(pd.DataFrame(by_nodes.drop(columns="geometry")),
                                  pd.DataFrame(by_features.drop(columns="geometry")))
    assert ladder.number_of_edges() == 4  # the graph given is not changed
    with pytest.raises(ValueError, match="no hub"):
        cp.chokepoints(G, t, [])
    with pytest.raises(ValueError, match="increase_pct"):
        cp.chokepoints(G, t, h, increase_pct=-5)
    with pytest.raises(ValueError, match="not in the road network"):
        cp.chokepoints(G, {"x": "nowhere"}, h)


# --- the demo, against brute force --------------------------------------------------------


def scipy_hub_times(G: nx.MultiGraph, hubs: list) -> dict:
    """Time from the nearest hub to every node, by scipy's Dijkstra on G's edge list."""
    index = {n: i for i, n in enumerate(G.nodes)}
    best: dict[tuple[int, int], float] = {}
    for u, v, t in G.edges(data="time_min"):
        key = tuple(sorted((index[u], index[v])))
        best[key] = min(best.get(key, np.inf), t)
    rows, cols = np.array(list(best)).T
    matrix = csr_array((np.array(list(best.values())) + 1e-300, (rows, cols)),
                       shape=(len(index), len(index)))
    dist = dijkstra(matrix, directed=False, indices=[index[h] for h in hubs], min_only=True)
    return {n: dist[i] for n, i in index.items()}


def brute_force(G: nx.MultiGraph, targets: dict, hubs: list, losses: dict,
                threshold: float) -> dict:
    """Try every loss (a list of graph changes per key) on a copy; worst time per target."""
    base = scipy_hub_times(G, hubs)
    out = {}
    for key, changes in losses.items():
        worst = {}
        for change in changes:
            H = G.copy()
            change(H)
            new = scipy_hub_times(H, hubs) if all(h in H for h in hubs) else {}
            for label, node in targets.items():
                if np.isfinite(base[node]):
                    t = new.get(node, np.inf) if node in H else np.inf
                    worst[label] = max(worst.get(label, t), t)
        cut = [k for k, t in worst.items() if np.isinf(t)]
        pct = {k: (t - base[targets[k]]) / base[targets[k]] * 100
               for k, t in worst.items() if np.isfinite(t)}
        slowed = [k for k, p in pct.items() if p > threshold + 1e-9]
        if cut or slowed:
            out[key] = (len(cut), len(slowed), max(pct.values(), default=0.0),
                        set(cut) | set(slowed))
    return out


@pytest.fixture(scope="module")
def demo_study(demo_master: Path) -> tuple:
    store = ProjectStore(demo_master)
    records = store.layers()
    infra = {r.name: store.read(r.name) for r in records if r.kind == "infrastructure"}
    G = network.build_graph(network.network_lines(infra))
    pts = network.feature_points({r.name: store.read(r.name) for r in records
                                  if r.kind in settings.chokepoint_target_kinds},
                                 columns=("level",))
    hubs = pts[pts["level"] == "province"]
    targets = pts.drop(index=hubs.index)
    t = network.connect_points(G, targets, prefix="t")
    h = list(network.connect_points(G, hubs, prefix="h").values())
    return G, t, h


def test_demo_segments_match_brute_force(demo_study: tuple) -> None:
    G, targets, hubs = demo_study
    found = cp.chokepoints(G, targets, hubs).set_index("segment_id")
    losses: dict = {}
    for u, v, k, d in G.edges(keys=True, data=True):
        if d["class"] != "connector":
            losses.setdefault(d["segment_id"], []).append(
                lambda H, e=(u, v, k): H.remove_edge(*e))
    ref = brute_force(G, targets, hubs, losses, settings.chokepoint_increase_pct)
    assert set(found.index) == set(ref)
    assert len(ref) >= 5 and found["n_cut"].gt(0).any() and found["n_slowed"].gt(0).any()
    for seg, (n_cut, n_slowed, top, who) in ref.items():
        row = found.loc[seg]
        assert (row["n_cut"], row["n_slowed"]) == (n_cut, n_slowed), seg
        assert row["max_increase_pct"] == pytest.approx(top, abs=1e-6), seg
        assert set(row["targets"].split("; ")) == {str(x) for x in who}
    # only a bridge can cut a target off
    assert found.loc[found["n_cut"] > 0, "bridge"].all()
    # ranked by targets cut, then by the largest increase
    keys = list(zip(-found["n_cut"], -found["max_increase_pct"], strict=True))
    assert keys == sorted(keys)


def test_demo_junctions_match_brute_force(demo_study: tuple) -> None:
    G, targets, hubs = demo_study
    found = cp.chokepoint_nodes(G, targets, hubs).set_index("node")
    losses = {str(n): [lambda H, n=n: H.remove_node(n)] for n, kind in G.nodes(data="kind")
              if kind == "junction"}
    ref = brute_force(G, targets, hubs, losses, settings.chokepoint_increase_pct)
    assert set(found.index) == set(ref)
    for node, (n_cut, n_slowed, top, _) in ref.items():
        row = found.loc[node]
        assert (row["n_cut"], row["n_slowed"]) == (n_cut, n_slowed), node
        assert row["max_increase_pct"] == pytest.approx(top, abs=1e-6), node
        assert row["degree"] == G.degree(int(node))


# --- kvpt chokepoints ----------------------------------------------------------------------


def kvpt(*args: object):
    return runner.invoke(app, [str(a) for a in args])


def test_cli_chokepoints_json(demo_master: Path, demo_study: tuple, tmp_path: Path) -> None:
    out = tmp_path / "chokepoints.csv"
    res = kvpt("chokepoints", demo_master, "--json", "--out", out)
    assert res.exit_code == 0, res.stderr
    rows = json.loads(res.stdout)
    G, targets, hubs = demo_study
    ref = cp.chokepoints(G, targets, hubs)
    assert [r["segment_id"] for r in rows] == ref["segment_id"].tolist()
    first = rows[0]
    assert list(first) == ["segment_id", "class", "source", "road_name", "length_m", "bridge",
                           "n_cut", "n_slowed", "max_increase_pct", "targets", "target_codes",
                           "target_names"]
    assert first["road_name"].startswith("Quốc lộ")
    assert len(first["target_names"].split("; ")) == first["n_cut"] + first["n_slowed"]
    # codes and names of the targets, in their order, read from the layers themselves
    store = ProjectStore(demo_master)
    for row in rows:
        ids = row["targets"].split("; ")
        feats = [store.read(i.rsplit(":", 1)[0]).iloc[int(i.rsplit(":", 1)[1])] for i in ids]
        assert row["target_codes"].split("; ") == [f["code"] for f in feats]
        assert row["target_names"].split("; ") == [f["name"] for f in feats]
    table = pd.read_csv(out, encoding="utf-8-sig")
    assert table["segment_id"].tolist() == ref["segment_id"].tolist()
    assert table["geometry"].str.startswith(("LINESTRING", "MULTILINESTRING")).all()


def test_cli_chokepoints_options(demo_master: Path) -> None:
    res = kvpt("chokepoints", demo_master, "--increase-pct", "1000")
    assert res.exit_code == 0, res.stderr
    loose = kvpt("chokepoints", demo_master, "--increase-pct", "1000", "--json")
    assert all(r["n_cut"] > 0 for r in json.loads(loose.stdout))
    one = kvpt("chokepoints", demo_master, "--hub", "Lạng Sơn", "--targets",
               "Căn cứ chiến đấu (giả định)", "--nodes", "--json")
    assert one.exit_code == 0, one.stderr
    rows = json.loads(one.stdout)
    assert rows and {"node", "degree", "n_cut", "targets"} <= set(rows[0])
    labels = {x for r in rows for x in r["targets"].split("; ")}
    assert all(x.startswith("Căn cứ chiến đấu (giả định):") for x in labels)


@pytest.mark.parametrize("args", [("--targets", "No such layer"), ("--hub", "nowhere"),
                                  ("--increase-pct", "-1")])
def test_cli_chokepoints_bad_input(demo_master: Path, args: tuple) -> None:
    res = kvpt("chokepoints", demo_master, *args)
    assert res.exit_code == 2
    assert res.stderr.count("\n") == 1 and res.stderr.startswith("kvpt: error: ")


def test_targets_unreached_on_the_intact_network_are_left_out(
        ladder: nx.MultiGraph) -> None:
    far = pd.concat([TARGETS, gpd.GeoSeries([at(1500, 5000)], index=["far"], crs=3405)])
    G = ladder.copy()
    G.add_edge(99, 100, segment_id="island", source="island", **{"class": "x"},
               length_m=10.0, speed_kmh=50.0, time_min=0.012,
               geometry=LineString([(X0 + 1500, Y0 + 4900), (X0 + 1510, Y0 + 4900)]))
    G.add_node(99, x=X0 + 1500, y=Y0 + 4900, kind="junction")
    G.add_node(100, x=X0 + 1510, y=Y0 + 4900, kind="junction")
    times = cp.target_times(G, far, HUB, offroad_speed_kmh=10)
    assert math.isnan(times.loc["far", "travel_min"]) and not times.loc["far", "connected"]
    found = cp.chokepoints(G, far, HUB, offroad_speed_kmh=10)
    assert not found["targets"].str.contains("far").any()
