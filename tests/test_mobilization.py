"""Industrial mobilization (issue #12, seed 000): attributes read, site requirements in the
relocation plan (hand-made cases and brute force), totals per district and direction."""

from __future__ import annotations

import itertools

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from pyproj import Geod, Transformer
from shapely.geometry import LineString, Point, box

from conftest import brute_force
from geo import mobilization, relocation
from geo.errors import AnalysisInputError

CRS = "EPSG:3405"
Y0 = 2_400_000.0  # the border runs along y = Y0
X0 = 600_000.0


# --- reading the attributes ------------------------------------------------------------------


def test_yes_no_reads_vietnamese_and_english() -> None:
    values = pd.Series(["có", "Không", "YES", "no", "", None, 1, "x", "có lẽ"])
    got = mobilization.yes_no(values, blank=True).tolist()
    assert got == [True, False, True, False, True, True, True, True, None]
    assert mobilization.yes_no(values, blank=False).tolist()[4:6] == [False, False]


def test_unreadable_flags_name_the_value_and_the_fix() -> None:
    frame = pd.DataFrame({"water": ["có", "có lẽ", "không"]}, index=["s0", "s1", "s2"])
    (problem,) = mobilization.flag_problems(frame, "water", "sites")
    assert problem.key == "yes_no_bad"
    assert "'có lẽ'" in problem and "s1" in problem and "yes/có or no/không" in problem


def test_readiness_levels_and_unknown_text() -> None:
    values = pd.Series(["Sẵn sàng", "một phần", "CHƯA SẴN SÀNG", None, "partial", " "])
    assert mobilization.readiness(values).tolist() == [
        "ready", "partial", "not_ready", "unknown", "partial", "unknown"]
    with pytest.raises(AnalysisInputError) as err:
        mobilization.readiness(pd.Series(["rất tốt"], index=["DN-9"]))
    assert err.value.problems[0].key == "readiness_bad"
    assert "'rất tốt'" in str(err.value) and "DN-9" in str(err.value)


def test_must_relocate_blank_is_yes_and_missing_column_is_everyone() -> None:
    frame = pd.DataFrame({"must_relocate": ["có", "không", None, ""]})
    assert mobilization.must_relocate(frame).tolist() == [True, False, True, True]
    assert mobilization.must_relocate(pd.DataFrame(index=[0, 1])).tolist() == [True, True]
    with pytest.raises(AnalysisInputError, match="must_relocate"):
        mobilization.must_relocate(pd.DataFrame({"must_relocate": ["?"]}))


# --- site requirements in the relocation plan ------------------------------------------------


@pytest.fixture
def border() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(geometry=[LineString([(X0 - 50_000, Y0), (X0 + 50_000, Y0)])],
                            crs=CRS)


def enterprises(workforce: list[int], water: list[str], power: list[str]) -> gpd.GeoDataFrame:
    n = len(workforce)
    pts = [Point(X0 + 1000 * i, Y0 - 5000) for i in range(n)]
    return gpd.GeoDataFrame({"name": [f"E{i}" for i in range(n)], "workforce": workforce,
                             "needs_water": water, "needs_power": power},
                            geometry=pts, crs=CRS, index=[f"e{i}" for i in range(n)])


def sites(capacity: list[int], water: list[str], power: list[str],
          depths: list[float] | None = None) -> gpd.GeoDataFrame:
    n = len(capacity)
    depths = depths or [30.0] * n
    geoms = [box(X0 + 3000 * j, Y0 - d * 1000 - 1000, X0 + 3000 * j + 1000, Y0 - d * 1000)
             for j, d in enumerate(depths)]
    return gpd.GeoDataFrame({"name": [f"S{j}" for j in range(n)], "capacity": capacity,
                             "water": water, "power": power},
                            geometry=geoms, crs=CRS, index=[f"s{j}" for j in range(n)])


def plan(ent, st, rows, border, **kw) -> relocation.RelocationPlan:
    crit = relocation.site_criteria(st, border, None, min_depth_km=25.0)
    times = pd.DataFrame(rows, index=ent.index, columns=st.index, dtype=float)
    return relocation.plan_relocation(ent, st, times, crit, min_depth_km=25.0,
                                      **{"max_travel_min": 120.0, **kw})


def test_a_site_without_water_is_not_eligible_for_who_needs_it(border) -> None:
    # e0 needs water; s0 (10 min) has none, s1 (40 min) has. e1 needs nothing: takes s0.
    ent = enterprises([10, 10], ["có", "không"], ["không", ""])
    st = sites([100, 100], ["không", "có"], ["có", "có"])
    p = plan(ent, st, [[10, 40], [15, 50]], border)
    assert p.enterprises["site"].tolist() == ["s1", "s0"]
    assert p.total_travel_min == pytest.approx(40 + 15)
    assert p.enterprises.loc["e0", "binding"] == "water_power"
    assert p.enterprises.loc["e1", "binding"] == ""


def test_unplaced_for_want_of_water_or_power_says_which(border) -> None:
    # s0 has water only, s1 power only, s2 both but lies 10 km from the border (fails depth)
    st = sites([100, 100, 100], ["có", "không", "có"], ["không", "có", "có"],
               depths=[30.0, 30.0, 10.0])
    ent = enterprises([10, 10, 10, 10], ["có", "không", "có", "không"],
                      ["không", "có", "có", "không"])
    p = plan(ent, st, [[10, 20, 5]] * 4, border)
    assert p.enterprises["site"].tolist() == ["s0", "s1", None, "s0"]
    assert p.enterprises.loc["e2", "reason"] == "no_water_power"
    # power nowhere among the eligible sites: no_power (s2 has it, but fails depth)
    only_water = sites([100, 100, 100], ["có", "có", "có"], ["không", "không", "có"],
                       depths=[30.0, 30.0, 10.0])
    q = plan(enterprises([10], ["không"], ["có"]), only_water, [[10, 20, 5]], border)
    assert q.enterprises["reason"].tolist() == ["no_power"]
    assert set(relocation.REASONS) >= {"no_water", "no_power", "no_water_power"}


def test_blank_site_water_is_not_confirmed(border) -> None:
    st = sites([100], [None], ["có"])
    p = plan(enterprises([10], ["có"], ["không"]), st, [[10]], border)
    assert p.enterprises["reason"].tolist() == ["no_water"]
    q = plan(enterprises([10], ["không"], ["không"]), st, [[10]], border)
    assert q.enterprises["site"].tolist() == ["s0"]


def test_bad_requirement_text_is_refused(border) -> None:
    st = sites([100], ["có nước máy"], ["có"])
    with pytest.raises(AnalysisInputError) as err:
        plan(enterprises([10], ["có"], ["không"]), st, [[10]], border)
    assert [p.key for p in err.value.problems] == ["yes_no_bad"]
    assert "'có nước máy'" in str(err.value)


@pytest.mark.parametrize("seed", range(10))
def test_requirements_match_brute_force(seed: int, border) -> None:
    """The plan equals brute force over every assignment, where a pair whose site lacks a
    required utility is simply impossible (its time removed)."""
    rng = np.random.default_rng(500 + seed)
    n, m = int(rng.integers(3, 6)), int(rng.integers(2, 4))
    yes = np.array(["không", "có"])
    need_w, need_p = rng.random(n) < 0.4, rng.random(n) < 0.4
    has_w, has_p = rng.random(m) < 0.6, rng.random(m) < 0.6
    ent = enterprises(rng.integers(1, 10, n).tolist(), yes[need_w.astype(int)].tolist(),
                      yes[need_p.astype(int)].tolist())
    st = sites(rng.integers(4, 16, m).tolist(), yes[has_w.astype(int)].tolist(),
               yes[has_p.astype(int)].tolist())
    times = rng.uniform(5, 100, (n, m)).round(1)
    p = plan(ent, st, times.tolist(), border)
    allowed = np.array([[not (need_w[i] and not has_w[j]) and not (need_p[i] and not has_p[j])
                         for j in range(m)] for i in range(n)])
    masked = np.where(allowed, times, np.nan)
    demands = ent[["workforce"]].to_numpy(float)
    caps = st[["capacity"]].to_numpy(float)
    count, total = brute_force(masked, demands, caps)
    assert p.n_placed == count
    assert p.total_travel_min == pytest.approx(total, abs=1e-6)
    for label, site in p.enterprises["site"].dropna().items():
        assert allowed[ent.index.get_loc(label), st.index.get_loc(site)]


# --- directions and totals -------------------------------------------------------------------


def test_directions_by_sector_with_the_north_wrap() -> None:
    sectors = {"N": (315.0, 45.0), "E": (45.0, 135.0), "S": (135.0, 225.0), "W": (225.0, 315.0)}
    bearing = np.array([0.0, 359.9, 44.99, 45.0, 134.9, 135.0, 224.9, 225.0, 314.9, 315.0])
    assert mobilization.directions_of(bearing, sectors).tolist() == list("NNNEESSWWN")
    assert mobilization.directions_of(np.array([100.0]), {"NE": (0.0, 90.0)}).tolist() == [""]
    with pytest.raises(AnalysisInputError, match="mobilization_directions"):
        mobilization.directions_of(bearing, {"bad": (0.0, 400.0)})


def test_grid_bearings_agree_with_the_geodesic_azimuth() -> None:
    """Near the centre the grid bearing in EPSG:3405 is the geodesic azimuth within the
    meridian convergence (under 1° at 106.5°E, 22°N, 1.5° east of the central meridian)."""
    to_metric = Transformer.from_crs("EPSG:4326", CRS, always_xy=True)
    lon0, lat0 = 106.5, 22.0
    centre = Point(*to_metric.transform(lon0, lat0))
    geod = Geod(ellps="WGS84")
    pts = [(106.7, 22.1), (106.3, 22.2), (106.45, 21.8), (106.9, 21.9), (106.5, 22.3)]
    metric = gpd.GeoSeries([Point(*to_metric.transform(x, y)) for x, y in pts], crs=CRS)
    got = mobilization.bearings(metric, centre)
    for (lon, lat), b in zip(pts, got, strict=True):
        azimuth = geod.inv(lon0, lat0, lon, lat)[0] % 360.0
        diff = (b - azimuth + 180.0) % 360.0 - 180.0
        assert abs(diff) < 1.0


def hand_case() -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """Two districts side by side (west A, east B), the province their union; five
    enterprises placed so that each direction is known by construction."""
    a = box(X0, Y0, X0 + 20_000, Y0 + 20_000)
    b = box(X0 + 20_000, Y0, X0 + 40_000, Y0 + 20_000)
    districts = gpd.GeoDataFrame({"name": ["Huyện A", "Huyện B"], "code": ["A", "B"]},
                                 geometry=[a, b], crs=CRS)
    province = gpd.GeoDataFrame({"name": ["Tỉnh"]}, geometry=[shapely.union(a, b)], crs=CRS)
    cx, cy = X0 + 20_000, Y0 + 10_000  # the province centroid
    ent = gpd.GeoDataFrame({
        "name": [f"DN {i}" for i in range(5)],
        "mobilization_capacity": [100.0, 50.0, 7.0, None, 30.0],
        "capacity_unit": ["xe/tháng", "xe/tháng", "tấn/tháng", "xe/tháng", "xe/tháng"],
        "readiness": ["sẵn sàng", "một phần", "chưa sẵn sàng", None, "sẵn sàng"],
        "must_relocate": ["có", "không", "có", "", "có"],
    }, geometry=[Point(cx - 8000, cy + 1000),   # A, west (bearing ~277°)
                 Point(cx - 2000, cy + 9000),   # A, north (~347°)
                 Point(cx + 9000, cy - 2000),   # B, east (~103°)
                 Point(cx + 3000, cy - 9000),   # B, south (~162°)
                 Point(cx + 1000, cy + 8000)],  # B, north (~7°)
        crs=CRS, index=[f"DN-{i}" for i in range(5)])
    return ent, districts, province


def test_enterprise_table_districts_and_directions() -> None:
    ent, districts, province = hand_case()
    table = mobilization.enterprise_table(ent, districts, province, crs=CRS)
    assert table.columns.tolist() == list(mobilization.ENTERPRISE_COLUMNS)
    assert table["district"].tolist() == ["A", "A", "B", "B", "B"]
    assert table["direction"].tolist() == ["Hướng Tây", "Hướng Bắc", "Hướng Đông",
                                           "Hướng Nam", "Hướng Bắc"]
    assert table["readiness"].tolist() == ["ready", "partial", "not_ready", "unknown", "ready"]
    assert table["must_relocate"].tolist() == [True, False, True, True, True]
    assert table.loc["DN-0", "distance_km"] == pytest.approx(np.hypot(8, 1))
    # 8 km west and 1 km north of the centre: 270° plus atan(1/8) = 7.125°
    assert table.loc["DN-0", "bearing_deg"] == pytest.approx(270.0 + 7.1250163, abs=1e-6)


def test_capacity_totals_by_district_and_direction_by_hand() -> None:
    ent, districts, province = hand_case()
    table = mobilization.enterprise_table(ent, districts, province, crs=CRS)
    by_district = mobilization.capacity_totals(table, "district")
    rows = {(r.district, r.capacity_unit): r for r in by_district.itertuples()}
    assert set(rows) == {("A", "xe/tháng"), ("B", "tấn/tháng"), ("B", "xe/tháng")}
    assert rows["A", "xe/tháng"].capacity_total == 150.0
    assert rows["A", "xe/tháng"].n_enterprises == 2
    assert (rows["A", "xe/tháng"].n_ready, rows["A", "xe/tháng"].n_partial) == (1, 1)
    assert rows["A", "xe/tháng"].n_must_relocate == 1
    assert rows["B", "xe/tháng"].capacity_total == 30.0  # the blank capacity adds nothing
    assert (rows["B", "xe/tháng"].n_enterprises, rows["B", "xe/tháng"].n_unknown) == (2, 1)
    assert rows["B", "tấn/tháng"].capacity_total == 7.0
    by_direction = mobilization.capacity_totals(table, "direction")
    north = by_direction[by_direction["direction"] == "Hướng Bắc"]
    assert north[["capacity_unit", "capacity_total", "n_enterprises"]].values.tolist() == [
        ["xe/tháng", 80.0, 2]]


def test_totals_equal_a_brute_force_sum() -> None:
    """Random enterprises in a 3 × 3 grid of districts: every total equals a plain loop."""
    rng = np.random.default_rng(7)
    cells = [box(X0 + 10_000 * i, Y0 + 10_000 * j, X0 + 10_000 * (i + 1),
                 Y0 + 10_000 * (j + 1)) for i, j in itertools.product(range(3), range(3))]
    districts = gpd.GeoDataFrame({"name": [f"H{k}" for k in range(9)],
                                  "code": [f"H{k}" for k in range(9)]}, geometry=cells, crs=CRS)
    n = 60
    xy = rng.uniform([X0 + 1, Y0 + 1], [X0 + 29_999, Y0 + 29_999], (n, 2))
    units = rng.choice(["xe/tháng", "tấn/tháng"], n)
    cap = rng.integers(0, 100, n).astype(float)
    ent = gpd.GeoDataFrame({"mobilization_capacity": cap, "capacity_unit": units,
                            "readiness": rng.choice(["ready", "partial", "not_ready"], n)},
                           geometry=[Point(x, y) for x, y in xy], crs=CRS)
    table = mobilization.enterprise_table(ent, districts, districts, crs=CRS)
    got = mobilization.capacity_totals(table, "district")
    expected: dict[tuple[str, str], list[float]] = {}
    for k in range(n):
        (cell,) = [c for c in range(9) if cells[c].contains(Point(*xy[k]))]
        acc = expected.setdefault((f"H{cell}", units[k]), [0.0, 0, 0])
        acc[0] += cap[k]
        acc[1] += 1
        acc[2] += ent["readiness"].iloc[k] == "ready"
    assert len(got) == len(expected)
    for r in got.itertuples():
        assert [r.capacity_total, r.n_enterprises, r.n_ready] == expected[
            r.district, r.capacity_unit]


def test_bad_capacity_is_refused_with_the_value() -> None:
    ent, districts, province = hand_case()
    ent.loc["DN-2", "mobilization_capacity"] = -5.0
    with pytest.raises(AnalysisInputError) as err:
        mobilization.enterprise_table(ent, districts, province, crs=CRS)
    assert err.value.problems[0].key == "mobilization_capacity_bad"
    assert "DN-2" in str(err.value) and "-5.0" in str(err.value)
