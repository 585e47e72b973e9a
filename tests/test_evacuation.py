"""Evacuation of communes in hazard zones to shelters (issue #12 §3, civil defense).

On a straight road the travel time is computed by hand (off-road connectors at
``offroad_speed_kmh``, the road at 50 km/h), so each constraint is made binding in a case
whose answer is worked out below, and small random cases are checked against brute force
over every assignment of the blocks.
"""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import pytest
from shapely.geometry import LineString, Point, box

from conftest import brute_force
from geo import evacuation, network, settings
from geo.errors import AnalysisInputError
from geo.hazards import HAZARD_TYPES, hazard_type, select_hazards

CRS = "EPSG:3405"
X0, Y0 = 600_000.0, 2_400_000.0
ROAD_KMH = 50.0  # settings.road_speed_kmh["national_road"]


def rect(x0: float, y0: float, x1: float, y1: float):  # noqa: ANN201 - Polygon
    return box(X0 + x0, Y0 + y0, X0 + x1, Y0 + y1)


@pytest.fixture(scope="module")
def graph():  # noqa: ANN201 - MultiGraph
    road = gpd.GeoDataFrame({"class": ["national_road"]},
                            geometry=[LineString([(X0, Y0), (X0 + 60_000, Y0)])], crs=CRS)
    return network.build_graph(road)


def communes(pops: dict[str, tuple[float, int | None]]) -> gpd.GeoDataFrame:
    """2 km × 2 km communes above the road at x (km) with their population."""
    names = list(pops)
    return gpd.GeoDataFrame(
        {"name": names, "population": [pops[n][1] for n in names]},
        geometry=[rect(pops[n][0] * 1000, 0, pops[n][0] * 1000 + 2000, 2000) for n in names],
        index=names, crs=CRS)


def zones(*specs: tuple[str, str, tuple[float, float, float, float]]) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"name": [s[0] for s in specs], "hazard": [s[1] for s in specs]},
                            geometry=[rect(*s[2]) for s in specs], crs=CRS)


def shelters(specs: dict[str, tuple[float, float, int]]) -> gpd.GeoDataFrame:
    """Shelters at (x, y) metres with a capacity in people."""
    return gpd.GeoDataFrame(
        {"name": list(specs), "capacity": [s[2] for s in specs.values()]},
        geometry=[Point(X0 + s[0], Y0 + s[1]) for s in specs.values()],
        index=list(specs), crs=CRS)


def start(commune: gpd.GeoDataFrame, label: str, zone: gpd.GeoDataFrame) -> Point:
    """Where a commune's trip starts: a point inside its part in the zones (shapely)."""
    return commune.geometry[label].intersection(zone.union_all()).representative_point()


def minutes(a: Point, b: Point) -> float:
    """Travel time on the straight road y = Y0, with the two off-road connectors."""
    off = (abs(a.y - Y0) + abs(b.y - Y0)) / 1000 / settings.offroad_speed_kmh * 60
    return off + abs(a.x - b.x) / 1000 / ROAD_KMH * 60


FLOOD = zones(("Lũ sông Kỳ Cùng", "Ngập lụt", (0, 0, 42_000, 1000)))
TOWNS = {"A": (0.0, 1000), "B": (10.0, 600), "C": (40.0, 400), "D": (50.0, 999)}
SHELTERS = {"S1": (5000, -200, 400), "S2": (20_000, -200, 1000), "S3": (1000, 500, 10_000)}


# --- who is at risk ---------------------------------------------------------------------------


def test_people_at_risk_by_area_share_whole_and_fallback() -> None:
    c = communes({**TOWNS, "E": (20.0, None)})  # E: no population
    risk = evacuation.communes_at_risk(c, FLOOD)
    assert list(risk.index) == ["A", "B", "C", "E"]  # D lies outside the zone
    assert risk["hazard_pct"].tolist() == pytest.approx([50.0] * 4)  # 2 km × 1 km of 2 × 2
    assert risk.loc[["A", "B", "C"], "at_risk"].tolist() == [500, 300, 200]
    # E: 88 people/km² × 4 km² = 352, half of them in the zone
    assert risk.loc["E", "population"] == math.ceil(settings.evacuation_fallback_density_km2 * 4)
    assert risk.loc["E", "at_risk"] == math.ceil(352 * 0.5)
    assert risk["population_source"].tolist() == ["data", "data", "data", "fallback"]
    assert set(risk["hazards"]) == {"flood"} and set(risk["zones"]) == {"Lũ sông Kỳ Cùng"}
    assert risk.geometry.area.tolist() == pytest.approx([2e6] * 4)
    whole = evacuation.communes_at_risk(c, FLOOD, population_rule="whole")
    assert whole.loc[["A", "B", "C"], "at_risk"].tolist() == [1000, 600, 400]


def test_bad_population_rule_and_group_size_are_refused() -> None:
    c = communes({"A": (0.0, -5)})
    with pytest.raises(AnalysisInputError) as err:
        evacuation.communes_at_risk(c, FLOOD, population_rule="half")
    assert {p.key for p in err.value.problems} == {"population_bad", "population_rule_bad"}
    risk = evacuation.communes_at_risk(communes({"A": (0.0, 1000)}), FLOOD)
    with pytest.raises(AnalysisInputError, match="group_size"):
        evacuation.evacuation_groups(risk, -1)


def test_groups_are_blocks_of_the_group_size_with_the_rest_last() -> None:
    risk = evacuation.communes_at_risk(communes({"A": (0.0, 2101), "B": (10.0, 60)}), FLOOD)
    assert risk["at_risk"].tolist() == [1051, 30]
    groups = evacuation.evacuation_groups(risk, 500)
    assert list(groups.index) == ["A#1", "A#2", "A#3", "B"]
    assert groups["people"].tolist() == [500, 500, 51, 30]
    assert evacuation.evacuation_groups(risk, 0)["people"].tolist() == [1051, 30]


# --- forest fire --------------------------------------------------------------------------------


@pytest.mark.parametrize(("spelling", "kind"), [
    ("Cháy rừng", "forest_fire"), ("CHAY RUNG", "forest_fire"), ("forest fire", "forest_fire"),
    ("Nguy cơ cháy rừng", "forest_fire"), ("Ngập lụt", "flood"), ("lũ lụt", "flood"),
    ("Sạt lở đất", "landslide"), ("Động đất", "động đất"), ("  ", None), (None, None)])
def test_hazard_types_are_read_from_their_spellings(spelling: object, kind: str | None) -> None:
    assert hazard_type(spelling) == kind
    assert "forest_fire" in HAZARD_TYPES


def test_forest_fire_zones_are_evacuated_and_their_shelters_avoided(graph) -> None:
    both = zones(("Lũ", "flood", (0, 0, 12_000, 1000)),
                 ("Vùng trọng điểm cháy rừng", "Cháy rừng", (39_000, 0, 45_000, 2500)),
                 ("Rừng thông", "chay rung", (5000, -500, 6000, -100)))
    assert select_hazards(both, ["cháy rừng"])["name"].tolist() == [
        "Vùng trọng điểm cháy rừng", "Rừng thông"]
    assert select_hazards(both)["hazard"].tolist() == ["flood", "forest_fire", "forest_fire"]
    c = communes(TOWNS)
    camp = {"S4": (5500, -300, 5000), "S2": (20_000, -200, 1000)}
    fire = evacuation.evacuate(c, shelters(camp), graph, both, hazard_types=["forest_fire"])
    assert list(fire.communes.index) == ["C"]  # the whole of C: 400 people
    assert fire.communes.loc["C", "at_risk"] == 400
    assert fire.communes.loc["C", "hazards"] == "forest_fire"
    # S4, the nearest shelter of A and B, stands in a forest-fire zone: not used for floods
    flood = evacuation.evacuate(c, shelters(camp), graph, both, hazard_types=["flood"])
    assert list(flood.communes.index) == ["A", "B"]
    assert flood.shelters.loc["S4", "in_hazard"] and not flood.shelters.loc["S4", "selected"]
    assert set(flood.groups["shelter"]) == {"S2"}
    assert set(flood.groups["binding"]) == {"hazard"}
    with pytest.raises(AnalysisInputError, match="hazard_types"):
        evacuation.evacuate(c, shelters(camp), graph, both, hazard_types=[""])


# --- constraints binding by hand ------------------------------------------------------------------


def test_hand_case_capacity_binds_and_hazard_shelters_are_skipped(graph) -> None:
    """S1 (4 blocks of 100) is the nearest shelter of A and B. A saves 15 km a block there
    (S2 is 19 km away) against B's 3 km, so S1 takes four of A's five blocks; the fifth,
    B and C go to S2. S3 is nearest of all but lies in the flood zone."""
    c = communes(TOWNS)
    plan = evacuation.evacuate(c, shelters(SHELTERS), graph, FLOOD, group_size=100)
    g = plan.groups
    assert g.loc[[f"A#{i}" for i in range(1, 5)], "shelter"].tolist() == ["S1"] * 4
    assert g.loc[["A#5", "B#1", "B#2", "B#3", "C#1", "C#2"], "shelter"].tolist() == ["S2"] * 6
    assert g.loc["A#5", "binding"] == "hazard,capacity"
    assert g.loc["A#1", "binding"] == "hazard"  # only S3 (in the zone) is nearer
    sh = plan.shelters
    assert sh["sheltered"].tolist() == [400, 600, 0]
    assert sh["in_hazard"].tolist() == [False, False, True]
    assert not sh.loc["S3", "selected"]
    pts = {k: start(c, k, FLOOD) for k in "ABC"}
    s = shelters(SHELTERS).geometry
    expected = (4 * minutes(pts["A"], s["S1"]) + minutes(pts["A"], s["S2"])
                + 3 * minutes(pts["B"], s["S2"]) + 2 * minutes(pts["C"], s["S2"]))
    assert plan.total_travel_min == pytest.approx(expected, abs=1e-6)
    assert g.loc["C#1", "travel_min"] == pytest.approx(minutes(pts["C"], s["S2"]), abs=1e-6)
    assert g.loc["C#1", "distance_km"] == pytest.approx(
        (abs(pts["C"].x - s["S2"].x) + pts["C"].y - Y0 + 200) / 1000, abs=1e-6)
    assert plan.unserved.empty and plan.optimal
    assert plan.communes["evacuated"].tolist() == [500, 300, 200]
    assert plan.communes.loc["A", "shelters"] == "S1, S2"


def test_hand_case_time_limit_leaves_communes_unserved(graph) -> None:
    """With 20 minutes, A's blocks reach only S1 (S2 takes 27 min): four fit, one is left
    for capacity; C reaches no shelter in time (29 and 47 min)."""
    c = communes(TOWNS)
    plan = evacuation.evacuate(c, shelters(SHELTERS), graph, FLOOD, group_size=100,
                               max_travel_min=20)
    pts, s = start(c, "A", FLOOD), shelters(SHELTERS).geometry
    assert minutes(pts, s["S2"]) > 20 > minutes(pts, s["S1"])
    left = plan.unserved.set_index("commune")
    assert left["unserved"].to_dict() == {"A": 100, "C": 200}
    assert left["reason"].to_dict() == {"A": "capacity", "C": "max_time"}
    assert (plan.groups["travel_min"].dropna() <= 20).all()
    assert plan.communes.loc["B", "evacuated"] == 300


def test_hand_case_capacity_short_leaves_the_farthest_block(graph) -> None:
    """S2 holds 5 blocks: 9 places for 10 blocks. Leaving one of C's blocks (29.4 min
    to S2) costs least; every other choice is longer (worked out in the docstring of
    the first hand case)."""
    c = communes(TOWNS)
    short = {**SHELTERS, "S2": (20_000, -200, 500)}
    plan = evacuation.evacuate(c, shelters(short), graph, FLOOD, group_size=100)
    left = plan.unserved.set_index("commune")
    assert left["unserved"].to_dict() == {"C": 100}
    assert left.loc["C", "reason"] == "capacity"
    assert plan.shelters["sheltered"].tolist() == [400, 500, 0]


# --- brute force ----------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(8))
def test_small_random_cases_match_brute_force(graph, seed: int) -> None:
    """Each of the two runs against brute force over every assignment: the full blocks
    (one place each), then the partial blocks in the people left by run 1."""
    rng = np.random.default_rng(seed)
    xs = rng.choice(np.arange(0, 50, 4), size=3, replace=False)
    towns = {f"T{i}": (float(x), int(rng.integers(150, 450))) for i, x in enumerate(xs)}
    camp = {f"S{j}": (float(rng.uniform(0, 55_000)), float(rng.choice([-300, 1500, 500])),
                      int(rng.integers(1, 5)) * 100 + int(rng.choice([0, 50]))) for j in range(3)}
    limit = float(rng.choice([20.0, 30.0, 60.0]))
    c, s = communes(towns), shelters(camp)
    plan = evacuation.evacuate(c, s, graph, FLOOD, group_size=100, max_travel_min=limit)
    # the same problem by hand: blocks, times on the straight road, shelters in the zone out
    share = c.geometry.intersection(FLOOD.union_all()).area / c.geometry.area
    at_risk = {t: math.ceil(towns[t][1] * share[t] - 1e-9) for t in towns}
    safe = ~s.intersects(FLOOD.union_all())

    def times_of(rows: list[str]) -> np.ndarray:
        t = np.array([[minutes(start(c, r, FLOOD), s.geometry[j]) if safe[j] else np.inf
                       for j in s.index] for r in rows], dtype=float).reshape(len(rows), len(s))
        t[t > limit + 1e-6] = np.inf
        return t

    g = plan.groups
    full = g[g["people"] == 100]
    rows = [t for t in towns for _ in range(at_risk[t] // 100)]
    assert full["commune"].tolist() == rows
    count, total = brute_force(times_of(rows), np.ones((len(rows), 1)),
                               (s["capacity"].to_numpy() // 100).astype(float)[:, None])
    assert full["shelter"].notna().sum() == count
    assert full["travel_min"].sum() == pytest.approx(total, abs=1e-6)
    part = g[g["people"] < 100]
    assert part["people"].tolist() == [at_risk[t] % 100 for t in towns if at_risk[t] % 100]
    used = full.groupby("shelter").size().reindex(s.index, fill_value=0) * 100
    left = (s["capacity"] - used).to_numpy(float)[:, None]
    count, total = brute_force(times_of(part["commune"].tolist()),
                               part["people"].to_numpy(float)[:, None], left)
    assert part["shelter"].notna().sum() == count
    assert part["travel_min"].sum() == pytest.approx(total, abs=1e-6)
    assert (plan.shelters["sheltered"] <= s["capacity"]).all()


def test_whole_communes_go_to_one_shelter_each(graph) -> None:
    """group_size 0: A (500 people) does not fit S1 (400) and goes to S2; B (300) takes
    S1, nearer than S2 (11.4 against 15 min); C (200) goes to S2 with A (700 ≤ 1000)."""
    plan = evacuation.evacuate(communes(TOWNS), shelters(SHELTERS), graph, FLOOD, group_size=0)
    assert plan.groups.index.tolist() == ["A", "B", "C"]
    assert plan.groups["people"].tolist() == [500, 300, 200]
    assert plan.groups["shelter"].tolist() == ["S2", "S1", "S2"]
    assert plan.groups.loc["A", "binding"] == "hazard,capacity"
    assert plan.shelters["sheltered"].tolist() == [300, 700, 0]


def test_nobody_at_risk_gives_an_empty_plan_with_the_shelters(graph) -> None:
    far = zones(("Lũ xa", "flood", (55_000, 5000, 58_000, 8000)))
    plan = evacuation.evacuate(communes(TOWNS), shelters(SHELTERS), graph, far)
    assert plan.communes.empty and plan.groups.empty and plan.unserved.empty
    assert plan.shelters["sheltered"].tolist() == [0, 0, 0]
    assert not plan.shelters["in_hazard"].any() and not plan.shelters["selected"].any()


def test_shelters_need_a_capacity_in_people(graph) -> None:
    camp = shelters(SHELTERS)
    with pytest.raises(AnalysisInputError, match="capacity") as err:
        evacuation.evacuate(communes(TOWNS), camp.drop(columns="capacity"), graph, FLOOD)
    assert err.value.problems[0].key == "shelter_capacity_missing"
    camp.loc["S2", "capacity"] = -1
    with pytest.raises(AnalysisInputError, match="'S2'"):
        evacuation.evacuate(communes(TOWNS), camp, graph, FLOOD)
