"""Tests of geo.appraisal: hand-computed cases, geodesic and overlay cross-checks."""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from pyproj import Geod
from shapely import affinity
from shapely.geometry import MultiPolygon, Point, box

from geo import appraisal, settings

X0, Y0 = 640_000.0, 2_420_000.0  # EPSG:3405 metres, near Lạng Sơn
GEOD = Geod(ellps="WGS84")


def rect(x1: float, y1: float, x2: float, y2: float) -> shapely.Polygon:
    """A rectangle in metres relative to (X0, Y0)."""
    return box(X0 + x1, Y0 + y1, X0 + x2, Y0 + y2)


@pytest.fixture
def square_work() -> gpd.GeoDataFrame:
    """A 100 x 100 m combat base, labelled with a string."""
    return gpd.GeoDataFrame({"kind": ["combat_base"], "name": ["Căn cứ A"]},
                            geometry=[rect(0, 0, 100, 100)], index=["w1"], crs="EPSG:3405")


@pytest.fixture
def proposals() -> gpd.GeoDataFrame:
    """Proposals east of the square, in a non-sorted string index."""
    geoms = [rect(50, 0, 150, 100),          # overlaps the right half of the work
             rect(250, 0, 350, 100),         # 150 m away, 50 m inside a 200 m zone
             rect(1600, 0, 1700, 100),       # 1500 m away
             rect(10_100, 0, 10_200, 100)]   # 10 km away: beyond the search distance
    return gpd.GeoDataFrame({"name": ["Khu CN", "Cảng cạn", "Trại", "Xa"]}, geometry=geoms,
                            index=["p3", "p1", "p4", "p2"], crs="EPSG:3405")


def by_label(pairs: pd.DataFrame) -> pd.DataFrame:
    return pairs.set_index(["proposal", "work"])


# --- 1. hand-computable cases ---------------------------------------------------------------

def test_square_work_hand_computed(square_work, proposals) -> None:
    pairs = appraisal.appraise(proposals, square_work, zones={"combat_base": 200})
    assert list(pairs.columns) == list(appraisal.PAIR_COLUMNS)
    assert list(pairs["proposal"]) == ["p3", "p1", "p4"]  # order of proposals; p2 too far
    got = by_label(pairs)
    p3, p1, p4 = got.loc[("p3", "w1")], got.loc[("p1", "w1")], got.loc[("p4", "w1")]
    # p3: [50,150] x [0,100] shares [50,100] x [0,100] with the work; its other half lies in
    # the straight side strip of the 200 m zone, where the buffer has no rounded corner.
    assert p3["overlap_m2"] == pytest.approx(5000.0, rel=1e-9)
    assert p3["zone_overlap_m2"] == pytest.approx(5000.0, rel=1e-9)
    assert p3["distance_m"] == 0.0 and p3["verdict"] == "conflict"
    # p1: [250,350] x [0,100]; the zone ends at x = 300.
    assert p1["distance_m"] == pytest.approx(150.0, rel=1e-9)
    assert p1["overlap_m2"] == 0.0
    assert p1["zone_overlap_m2"] == pytest.approx(50 * 100, rel=1e-9)
    assert p1["verdict"] == "protection_zone"
    assert p4["distance_m"] == pytest.approx(1500.0, rel=1e-9)
    assert (p4["overlap_m2"], p4["zone_overlap_m2"]) == (0.0, 0.0)
    assert p4["verdict"] == "clear"  # near_distance is 1000 m by default
    assert set(pairs["zone_width_m"]) == {200.0}
    assert list(pairs["proposal_name"]) == ["Khu CN", "Cảng cạn", "Trại"]
    assert set(pairs["work_name"]) == {"Căn cứ A"} and set(pairs["work_kind"]) == {"combat_base"}


def test_near_distance_and_search_distance(square_work, proposals) -> None:
    near = by_label(appraisal.appraise(proposals, square_work, near_distance=2000))
    assert near.loc[("p4", "w1"), "verdict"] == "near"
    wide = by_label(appraisal.appraise(proposals, square_work, search_distance=10_000))
    assert wide.loc[("p2", "w1"), "distance_m"] == pytest.approx(10_000.0, rel=1e-9)
    assert wide.loc[("p2", "w1"), "verdict"] == "clear"
    short = appraisal.appraise(proposals, square_work, search_distance=149)
    assert list(short["proposal"]) == ["p3"]


def test_settings_are_read_at_call_time(square_work, proposals,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(settings, "near_distance_m", 2000.0)
    monkeypatch.setitem(settings.protection_zone_m, "combat_base", 10.0)
    got = by_label(appraisal.appraise(proposals, square_work))
    assert got.loc[("p4", "w1"), "verdict"] == "near"
    assert got.loc[("p1", "w1"), "verdict"] == "near"  # 150 m: outside a 10 m zone
    assert got.loc[("p3", "w1"), "zone_overlap_m2"] == pytest.approx(10 * 100, rel=1e-9)


def test_point_work_circle_zone(monkeypatch: pytest.MonkeyPatch) -> None:
    centre = Point(X0, Y0)
    works = gpd.GeoDataFrame({"kind": ["air_defense"]}, geometry=[centre], crs="EPSG:3405")
    r = settings.protection_zone_m["air_defense"]
    n = 4 * settings.quad_segs
    polygon_area = n / 2 * r**2 * math.sin(2 * math.pi / n)  # inscribed regular n-gon
    props = gpd.GeoDataFrame(geometry=[
        rect(-1000, -1000, 1000, 1000),   # holds the whole zone and the work
        rect(0, -1000, 1000, 1000),       # the work on its edge, half the zone inside
    ], crs="EPSG:3405")
    pairs = appraisal.appraise(props, works)
    assert list(pairs["verdict"]) == ["conflict", "conflict"]
    assert list(pairs["overlap_m2"]) == [0.0, 0.0]
    assert pairs["zone_overlap_m2"].tolist() == pytest.approx(
        [polygon_area, polygon_area / 2], rel=1e-9)
    assert polygon_area == pytest.approx(math.pi * r**2, rel=2e-3)
    assert pairs["proposal_name"].isna().all() and pairs["work_name"].isna().all()


def test_closer_than_zone_width_without_zone_area() -> None:
    # The zone ring is a polygon inscribed in the circle: midway between two vertices it
    # reaches only r cos(pi / n). A proposal between that and r in that direction shares
    # no area with the ring, yet it is closer than the zone width.
    n, r = 4 * settings.quad_segs, settings.protection_zone_m["air_defense"]
    gap = (r * math.cos(math.pi / n) + r) / 2
    theta = 180.0 / n  # degrees: midway between the vertices at 0 and 360 / n
    near_box = affinity.rotate(box(gap, -10, gap + 100, 10), theta, origin=(0, 0))
    geom = affinity.translate(near_box, X0, Y0)
    works = gpd.GeoDataFrame({"kind": ["air_defense"]}, geometry=[Point(X0, Y0)],
                             crs="EPSG:3405")
    props = gpd.GeoDataFrame(geometry=[geom], crs="EPSG:3405")
    pair = appraisal.appraise(props, works).iloc[0]
    assert pair["distance_m"] == pytest.approx(gap, rel=1e-9) and gap < r
    assert pair["zone_overlap_m2"] == 0.0
    assert pair["verdict"] == "protection_zone"


def test_multipolygon_proposal_and_touching_edge(square_work) -> None:
    multi = MultiPolygon([rect(-30, 20, 10, 60), rect(3000, 0, 3100, 100)])
    touching = rect(100, 0, 160, 100)  # shares the work's right edge, no area
    props = gpd.GeoDataFrame(geometry=[multi, touching], crs="EPSG:3405")
    got = by_label(appraisal.appraise(props, square_work, zones={"combat_base": 0}))
    assert got.loc[(0, "w1"), "overlap_m2"] == pytest.approx(10 * 40, rel=1e-9)
    assert got.loc[(0, "w1"), "verdict"] == "conflict"
    # Touching is not overlapping; with the zone switched off it is only "near".
    assert got.loc[(1, "w1"), "distance_m"] == 0.0
    assert got.loc[(1, "w1"), "overlap_m2"] == 0.0
    assert got.loc[(1, "w1"), "verdict"] == "near"
    zoned = by_label(appraisal.appraise(props, square_work))
    assert zoned.loc[(1, "w1"), "verdict"] == "protection_zone"


def test_protection_zones_rings(square_work) -> None:
    works = pd.concat([square_work, gpd.GeoDataFrame(
        {"kind": ["air_defense"], "name": ["PK"]}, geometry=[Point(X0, Y0)], index=["w2"],
        crs="EPSG:3405")])
    rings = appraisal.protection_zones(works.to_crs("EPSG:4326"), zones={"combat_base": 200})
    assert rings.name == "protection_zone" and list(rings.index) == ["w1", "w2"]
    assert rings.crs.equals("EPSG:3405")
    n = 4 * settings.quad_segs
    # Square ring: 4 side strips + 4 rounded corners (each a quarter of an inscribed n-gon).
    corners = n / 2 * 200**2 * math.sin(2 * math.pi / n)
    assert rings["w1"].area == pytest.approx(4 * 100 * 200 + corners, rel=1e-6)
    assert not rings["w1"].intersection(rect(1, 1, 99, 99)).area  # the hole is the work
    assert rings["w2"].area == pytest.approx(n / 2 * 500**2 * math.sin(2 * math.pi / n),
                                             rel=1e-6)
    off = appraisal.protection_zones(square_work, zones={"combat_base": 0})
    assert off.iloc[0].is_empty


# --- 2. independent geodesic check around Lạng Sơn ------------------------------------------

def geodesic_area(geom: shapely.Geometry) -> float:
    return abs(GEOD.geometry_area_perimeter(geom)[0])


def geodesic_circle(lon: float, lat: float, radius: float, n: int = 3600) -> shapely.Polygon:
    azimuths = np.linspace(0, 360, n, endpoint=False)
    lons, lats, _ = GEOD.fwd(np.full(n, lon), np.full(n, lat), azimuths, np.full(n, radius))
    return shapely.Polygon(zip(lons, lats, strict=True))


def test_lang_son_against_pyproj_geod() -> None:
    base = box(106.700, 21.850, 106.704, 21.854)
    ad = Point(106.750, 21.860)
    works = gpd.GeoDataFrame({"kind": ["combat_base", "air_defense"], "name": ["CC", "PK"]},
                             geometry=[base, ad], index=["cc", "pk"], crs="EPSG:4326")
    props = gpd.GeoDataFrame({"name": ["overlap", "corner", "south", "far"]}, geometry=[
        box(106.702, 21.851, 106.708, 21.853),   # overlaps the base
        box(106.742, 21.850, 106.748, 21.858),   # NE corner ~300 m from the AD point
        box(106.701, 21.840, 106.703, 21.845),   # ~550 m south of the base
        box(106.760, 21.862, 106.770, 21.870),   # SW corner ~1.1 km from the AD point
    ], crs="EPSG:4326")
    pairs = by_label(appraisal.appraise(props, works))

    overlap = geodesic_area(base.intersection(props.geometry[0]))
    assert pairs.loc[(0, "cc"), "overlap_m2"] == pytest.approx(overlap, rel=5e-3)
    assert pairs.loc[(0, "cc"), "verdict"] == "conflict"
    # The rest of the proposal lies beside the base, less than 500 m from it: all zone.
    rest = geodesic_area(props.geometry[0].difference(base))
    assert pairs.loc[(0, "cc"), "zone_overlap_m2"] == pytest.approx(rest, rel=5e-3)

    _, _, corner_d = GEOD.inv(106.748, 21.858, ad.x, ad.y)
    zone = geodesic_area(geodesic_circle(ad.x, ad.y, 500).intersection(props.geometry[1]))
    assert 0 < zone < 0.5 * math.pi * 500**2  # a real partial overlap
    assert pairs.loc[(1, "pk"), "distance_m"] == pytest.approx(corner_d, rel=5e-3)
    assert pairs.loc[(1, "pk"), "zone_overlap_m2"] == pytest.approx(zone, rel=5e-3)
    assert pairs.loc[(1, "pk"), "verdict"] == "protection_zone"

    _, _, south_d = GEOD.inv(106.702, 21.845, 106.702, 21.850)
    assert pairs.loc[(2, "cc"), "distance_m"] == pytest.approx(south_d, rel=5e-3)
    assert pairs.loc[(2, "cc"), "verdict"] == "near"  # 553 m: beyond the 500 m zone

    _, _, far_d = GEOD.inv(106.760, 21.862, ad.x, ad.y)
    assert pairs.loc[(3, "pk"), "distance_m"] == pytest.approx(far_d, rel=5e-3)
    assert 1000 < far_d < 1100 and pairs.loc[(3, "pk"), "verdict"] == "clear"
    near = by_label(appraisal.appraise(props, works, near_distance=far_d * 1.01))
    assert near.loc[(3, "pk"), "verdict"] == "near"

    summary = appraisal.appraisal_summary(props, appraisal.appraise(props, works))
    assert list(summary["verdict"]) == ["conflict", "protection_zone", "near", "clear"]


def test_estimated_utm_crs_agrees_with_vn2000(monkeypatch: pytest.MonkeyPatch) -> None:
    works = gpd.GeoDataFrame({"kind": ["combat_base"]}, crs="EPSG:4326",
                             geometry=[box(106.700, 21.850, 106.704, 21.854)])
    props = gpd.GeoDataFrame(crs="EPSG:4326", geometry=[box(106.702, 21.851, 106.708, 21.853),
                                                         box(106.701, 21.840, 106.703, 21.845)])
    vn = appraisal.appraise(props, works)
    monkeypatch.setattr(settings, "metric_crs", None)  # estimate the UTM zone (WGS 84 / 48N)
    est = appraisal.appraise(props, works)
    assert est["overlap_m2"].tolist() == pytest.approx(vn["overlap_m2"].tolist(), rel=1e-3)
    assert est["distance_m"].tolist() == pytest.approx(vn["distance_m"].tolist(), rel=1e-3)
    assert est["zone_overlap_m2"].tolist() == pytest.approx(vn["zone_overlap_m2"].tolist(),
                                                            rel=1e-2)


# --- independent check of the spatial-index pairing: all pairs, overlay areas ---------------

def test_random_layout_against_all_pairs_and_overlay() -> None:
    rng = np.random.default_rng(7)
    kinds = ["combat_base", "rear_base", "air_defense", "training_ground", "key_defense_area"]

    def polys(k: int, size: float) -> list[shapely.Geometry]:
        xy = rng.uniform(0, 20_000, (k, 2))
        wh = rng.uniform(100, size, (k, 2))
        return [rect(x, y, x + w, y + h) for (x, y), (w, h) in zip(xy, wh, strict=True)]

    work_geoms = polys(25, 1500) + [Point(X0 + x, Y0 + y)
                                    for x, y in rng.uniform(0, 20_000, (15, 2))]
    works = gpd.GeoDataFrame({"kind": rng.choice(kinds, len(work_geoms))},
                             geometry=work_geoms, crs="EPSG:3405")
    props = gpd.GeoDataFrame(geometry=polys(30, 2500), crs="EPSG:3405",
                             index=pd.Index([f"d{i}" for i in range(30)], name="du_an"))
    zones = {"combat_base": 800}
    pairs = appraisal.appraise(props, works, zones=zones, search_distance=3000)

    expected = {(p, w) for p, pg in props.geometry.items() for w, wg in works.geometry.items()
                if pg.distance(wg) <= 3000}
    assert set(zip(pairs["proposal"], pairs["work"], strict=True)) == expected
    assert len(pairs) == len(expected)

    # Overlap areas through geopandas.overlay, a different code path.
    polys_only = works[works.geom_type == "Polygon"]
    inter = gpd.overlay(props.reset_index(names="proposal"),
                        polys_only.reset_index(names="work"), how="intersection")
    got = by_label(pairs)
    for row in inter.itertuples():
        assert got.loc[(row.proposal, row.work), "overlap_m2"] == pytest.approx(
            row.geometry.area, rel=1e-9)
        assert got.loc[(row.proposal, row.work), "verdict"] == "conflict"
    assert (pairs["overlap_m2"] > 0).sum() == len(inter)

    rings = appraisal.protection_zones(works, zones=zones).rename("geometry")
    ring_frame = gpd.GeoDataFrame({"work": works.index}, geometry=rings.to_numpy(),
                                  crs=rings.crs)
    zone_inter = gpd.overlay(props.reset_index(names="proposal"), ring_frame,
                             how="intersection", keep_geom_type=True)
    zone_area = zone_inter.set_index(["proposal", "work"]).area
    for key, value in got["zone_overlap_m2"].items():
        assert value == pytest.approx(zone_area.get(key, 0.0), rel=1e-9, abs=1e-6)

    # Sorted by proposal order, then severity, then distance.
    order = {p: i for i, p in enumerate(props.index)}
    rank = {v: i for i, v in enumerate(appraisal.VERDICTS)}
    keys = [(order[p], rank[v], d) for p, v, d in
            zip(pairs["proposal"], pairs["verdict"], pairs["distance_m"], strict=True)]
    assert keys == sorted(keys)

    summary = appraisal.appraisal_summary(props, pairs)
    assert summary.index.equals(props.index)
    for label, row in summary.iterrows():
        mine = pairs[pairs["proposal"] == label]
        assert row["n_conflict"] == (mine["verdict"] == "conflict").sum()
        assert row["total_overlap_m2"] == pytest.approx(mine["overlap_m2"].sum())
        if len(mine):
            assert row["nearest_distance_m"] == mine["distance_m"].min()
            assert row["verdict"] == min(mine["verdict"], key=rank.get)
        else:
            assert row["verdict"] == "clear" and pd.isna(row["nearest_work"])


# --- 3. overrides, point works, errors, summary alignment -----------------------------------

def test_override_one_kind_only(square_work) -> None:
    works = pd.concat([square_work, gpd.GeoDataFrame(
        {"kind": ["air_defense"], "name": ["PK"]}, geometry=[Point(X0 + 5000, Y0)],
        index=["w2"], crs="EPSG:3405")])
    props = gpd.GeoDataFrame(geometry=[rect(700, 0, 800, 100), rect(5600, 0, 5700, 100)],
                             index=["a", "b"], crs="EPSG:3405")
    default = by_label(appraisal.appraise(props, works))
    wide = by_label(appraisal.appraise(props, works, zones={"combat_base": 800}))
    assert default.loc[("a", "w1"), "verdict"] == "near"  # 600 m, zone 500 m
    assert wide.loc[("a", "w1"), "verdict"] == "protection_zone"
    assert wide.loc[("a", "w1"), "zone_width_m"] == 800.0
    assert wide.loc[("a", "w1"), "zone_overlap_m2"] == pytest.approx(100 * 100, rel=1e-9)
    # The other kind keeps its width from the settings.
    assert wide.loc[("b", "w2"), "zone_width_m"] == settings.protection_zone_m["air_defense"]
    assert wide.loc[("b", "w2"), "verdict"] == default.loc[("b", "w2"), "verdict"] == "near"


def test_point_work_inside_proposal_is_conflict_without_area() -> None:
    works = gpd.GeoDataFrame({"kind": ["air_defense"], "name": ["Trận địa 1"]},
                             geometry=[Point(106.75, 21.86)], crs="EPSG:4326")
    props = gpd.GeoDataFrame({"name": ["KCN"]}, crs="EPSG:4326",
                             geometry=[box(106.74, 21.85, 106.76, 21.87)])
    pair = appraisal.appraise(props, works).iloc[0]
    assert pair["verdict"] == "conflict"
    assert pair["overlap_m2"] == 0.0 and pair["distance_m"] == 0.0
    assert pair["zone_overlap_m2"] > 0.99 * math.pi * 500**2


def test_unknown_kind_names_it_and_the_fix(square_work, proposals) -> None:
    works = square_work.assign(kind=["bunker"])
    with pytest.raises(ValueError, match=r"'bunker'.*combat_base.*zones=\{'bunker'"):
        appraisal.appraise(proposals, works)
    with pytest.raises(ValueError, match="bunker"):
        appraisal.protection_zones(works)
    assert len(appraisal.appraise(proposals, works, zones={"bunker": 100})) == 3
    with pytest.raises(ValueError, match="kind_col="):
        appraisal.appraise(proposals, square_work, kind_col="loai")


def test_missing_crs_and_bad_settings(square_work, proposals) -> None:
    with pytest.raises(ValueError, match=r"`proposals` has no CRS: set the CRS first, e\.g\. "
                                         r"gdf\.set_crs\("):
        appraisal.appraise(proposals.set_crs(None, allow_override=True), square_work)
    with pytest.raises(ValueError, match="set the CRS first"):
        appraisal.protection_zones(square_work.set_crs(None, allow_override=True))
    with pytest.raises(ValueError, match="not projected in metres"):
        appraisal.appraise(proposals, square_work, crs="EPSG:4326")
    with pytest.raises(ValueError, match=r"'combat_base' must be .* >= 0, not -5"):
        appraisal.appraise(proposals, square_work, zones={"combat_base": -5})
    with pytest.raises(ValueError, match="`search_distance` must be"):
        appraisal.appraise(proposals, square_work, search_distance=-1)
    bad = proposals.copy()
    bad.loc["p1", "geometry"] = shapely.Polygon([(0, 0), (1, 1), (1, 0), (0, 1)])
    bad.loc["p4", "geometry"] = None
    with pytest.raises(ValueError) as err:  # every problem in one message
        appraisal.appraise(bad, square_work)
    assert "'p1'" in str(err.value) and "make_valid" in str(err.value)
    assert "'p4'" in str(err.value) and "without geometry" in str(err.value)


def test_summary_aligned_with_string_index(square_work, proposals) -> None:
    pairs = appraisal.appraise(proposals, square_work, zones={"combat_base": 200})
    summary = appraisal.appraisal_summary(proposals, pairs)
    assert list(summary.columns) == list(appraisal.SUMMARY_COLUMNS)
    assert summary.index.equals(proposals.index)
    assert list(summary["verdict"]) == ["conflict", "protection_zone", "clear", "clear"]
    assert list(summary["n_conflict"]) == [1, 0, 0, 0]
    assert list(summary["n_zone"]) == [0, 1, 0, 0]
    assert summary.loc["p3", "total_overlap_m2"] == pytest.approx(5000.0, rel=1e-9)
    assert summary.loc["p1", "total_zone_overlap_m2"] == pytest.approx(5000.0, rel=1e-9)
    assert summary.loc["p4", "nearest_work"] == "w1"
    assert summary.loc["p4", "nearest_work_name"] == "Căn cứ A"
    assert list(summary["proposal_name"]) == ["Khu CN", "Cảng cạn", "Trại", "Xa"]
    assert summary.loc["p4", "nearest_distance_m"] == pytest.approx(1500.0, rel=1e-9)
    assert pd.isna(summary.loc["p2", "nearest_work"])  # nothing within 5 km
    assert pd.isna(summary.loc["p2", "nearest_distance_m"])
    with pytest.raises(ValueError, match="not in `proposals`"):
        appraisal.appraisal_summary(proposals.drop(index="p3"), pairs)


def test_empty_works_every_proposal_clear(proposals) -> None:
    empty = gpd.GeoDataFrame({"kind": [], "name": []}, geometry=[], crs="EPSG:4326")
    pairs = appraisal.appraise(proposals, empty)
    assert pairs.empty and list(pairs.columns) == list(appraisal.PAIR_COLUMNS)
    summary = appraisal.appraisal_summary(proposals, pairs)
    assert summary.index.equals(proposals.index)
    assert set(summary["verdict"]) == {"clear"}
    assert summary[["n_conflict", "n_zone", "n_near"]].to_numpy().sum() == 0
    assert (summary["total_overlap_m2"] == 0).all()
    assert len(appraisal.protection_zones(empty)) == 0
