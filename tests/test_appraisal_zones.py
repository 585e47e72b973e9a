"""geo.appraisal with military zones, the border belt, dual-use widths, and geo.appraisal_zones.

Every layout is in VN-2000 / UTM 48N metres (EPSG:3405) with straight edges where the areas
are read, so the expected numbers are worked out by hand in the comments; a last test
checks distances and zone areas against GDAL's own SQL (SpatiaLite ``ST_`` functions),
an engine independent of shapely's calls in :mod:`geo`.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
from shapely.geometry import LineString, box

from geo import settings
from geo.appraisal import appraise, protection_zones
from geo.appraisal_zones import zone_overlaps
from geo.errors import AnalysisInputError

CRS = "EPSG:3405"
X0, Y0 = 600_000.0, 2_400_000.0


def sq(x: float, y: float, w: float = 100.0, h: float | None = None):  # noqa: ANN201
    return box(X0 + x, Y0 + y, X0 + x + w, Y0 + y + (w if h is None else h))


def frame(rows: list[dict], index: list[str]) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(rows, index=index, crs=CRS)


def pair(result: pd.DataFrame, proposal: str, work: str) -> pd.Series:
    return result.set_index(["proposal", "work"]).loc[(proposal, work)]


# --- military zones: their own width, else the kind's -----------------------------------

def test_military_zone_own_width_wins_over_the_kind_width() -> None:
    # zone Z: 200 x 200 m at the origin. P: 100 x 100 m, 400 m east of Z, within Z's rows.
    props = frame([{"geometry": sq(600, 50)}], ["P"])
    own = frame([{"kind": "military_zone", "zone_width_m": "300", "geometry": sq(0, 0, 200)}],
                ["Z"])
    got = pair(appraise(props, own), "P", "Z")
    # 300 m zone: P is 400 m off, outside it but within the 1000 m "near" distance
    assert got["verdict"] == "near"
    assert got["distance_m"] == pytest.approx(400.0)
    assert got["zone_width_m"] == 300.0 and got["zone_overlap_m2"] == 0.0
    # no width of its own (empty): the kind's 500 m; P (x 400..500 from Z's edge) lies in
    # the straight part of the ring: 100 x 100 m inside it
    default = own.assign(zone_width_m="")
    got = pair(appraise(props, default), "P", "Z")
    assert settings.protection_zone_m["military_zone"] == 500.0
    assert got["verdict"] == "protection_zone"
    assert got["zone_width_m"] == 500.0
    assert got["zone_overlap_m2"] == pytest.approx(100.0 * 100.0, rel=1e-9)


def test_military_zone_overlap_is_a_conflict() -> None:
    # P: x -50..50 over Z's west edge (x 0): 50 x 100 m inside Z, 50 x 100 m in its ring
    props = frame([{"geometry": sq(-50, 50)}], ["P"])
    works = frame([{"kind": "military_zone", "geometry": sq(0, 0, 200)}], ["Z"])
    got = pair(appraise(props, works), "P", "Z")
    assert got["verdict"] == "conflict"
    assert got["overlap_m2"] == pytest.approx(5000.0)
    assert got["zone_overlap_m2"] == pytest.approx(5000.0)


def test_bad_own_width_names_the_rows_and_the_fix() -> None:
    props = frame([{"geometry": sq(600, 0)}], ["P"])
    works = frame([{"kind": "military_zone", "zone_width_m": "-5", "geometry": sq(0, 0)},
                   {"kind": "military_zone", "zone_width_m": "rộng", "geometry": sq(0, 900)}],
                  ["Z1", "Z2"])
    with pytest.raises(AnalysisInputError, match=r"'zone_width_m'.*'Z1', 'Z2'.*'-5', 'rộng'"):
        appraise(props, works)


# --- the border belt ------------------------------------------------------------------------

def border_line() -> gpd.GeoDataFrame:
    return frame([{"kind": "border", "geometry": LineString(
        [(X0 - 5000, Y0), (X0 + 5000, Y0)])}], ["B"])


@pytest.mark.parametrize(("y", "verdict", "distance", "zone"), [
    (300.0, "protection_zone", 300.0, 200 * 200),  # 300..500 m from the line: in the belt
    (-50.0, "conflict", 0.0, 200 * 200),           # across the line
    (900.0, "protection_zone", 900.0, 200 * 100),  # half in: 900..1000 m of 900..1100
    (1200.0, "clear", 1200.0, 0.0),               # beyond the belt and the near distance
])
def test_border_line_belt_is_its_protection_zone(y: float, verdict: str, distance: float,
                                                 zone: float) -> None:
    props = frame([{"geometry": sq(0, y, 200)}], ["P"])
    got = pair(appraise(props, border_line(), zones={"border": 1000.0}, near_distance=1000.0),
               "P", "B")
    assert got["verdict"] == verdict
    assert got["distance_m"] == pytest.approx(distance)
    assert got["overlap_m2"] == 0.0  # a line has no area
    assert got["zone_overlap_m2"] == pytest.approx(zone, rel=1e-9)
    assert got["zone_width_m"] == 1000.0


def test_border_belt_polygon_is_a_zone_not_a_work() -> None:
    # belt drawn as a polygon: y 0..1000 over x -5000..5000
    belt = frame([{"kind": "border", "belt": "yes",
                   "geometry": sq(-5000, 0, 10_000, 1000)}], ["BELT"])
    props = frame([{"geometry": sq(0, 800, 200)},    # wholly inside: 40 000 m²
                   {"geometry": sq(0, 900, 200)},    # half inside: 20 000 m²
                   {"geometry": sq(0, 1500, 200)}],  # 500 m outside: near
                  ["IN", "HALF", "OUT"])
    got = appraise(props, belt, zones={"border": 1000.0})
    assert pair(got, "IN", "BELT")["verdict"] == "protection_zone"
    assert pair(got, "IN", "BELT")["zone_overlap_m2"] == pytest.approx(40_000.0)
    assert pair(got, "IN", "BELT")["overlap_m2"] == 0.0
    assert pair(got, "IN", "BELT")["zone_width_m"] == 0.0  # the polygon is the belt
    assert pair(got, "HALF", "BELT")["zone_overlap_m2"] == pytest.approx(20_000.0)
    assert pair(got, "OUT", "BELT")["verdict"] == "near"
    assert pair(got, "OUT", "BELT")["distance_m"] == pytest.approx(500.0)
    # no ring is drawn around a belt polygon; a belt line gets its full buffer
    rings = protection_zones(pd.concat([belt, border_line()]), zones={"border": 1000.0})
    assert rings.loc["BELT"].is_empty
    assert rings.loc["B"].area == pytest.approx(10_000 * 2000 + np.pi * 1000 ** 2, rel=1e-3)


def test_dual_use_width_applies_to_infrastructure() -> None:
    # a bridge point; P 150 m east of it: inside a 200 m zone, outside a 100 m one
    bridge = frame([{"kind": "infrastructure", "geometry": sq(0, 0, 1).centroid}], ["BR"])
    props = frame([{"geometry": sq(150.5, -50)}], ["P"])
    assert pair(appraise(props, bridge, zones={"infrastructure": 200.0}), "P",
                "BR")["verdict"] == "protection_zone"
    assert pair(appraise(props, bridge, zones={"infrastructure": 100.0}), "P",
                "BR")["verdict"] == "near"


# --- defense–economic zones -------------------------------------------------------------

def test_zone_overlaps_share_and_distance() -> None:
    zones = frame([{"name": "KTQP", "geometry": sq(0, 0, 1000)}], ["E"])
    props = frame([{"geometry": sq(900, 0, 200)},    # x 900..1100: half inside
                   {"geometry": sq(1300, 0, 200)},   # 300 m east
                   {"geometry": sq(9000, 0, 200)}],  # 8 km east: beyond the search
                  ["HALF", "NEAR", "FAR"])
    got = zone_overlaps(props, zones, search_distance=5000.0).set_index("proposal")
    assert list(got.index) == ["HALF", "NEAR"]
    assert got.loc["HALF", "overlap_m2"] == pytest.approx(200 * 100)
    assert got.loc["HALF", "share_pct"] == pytest.approx(50.0)
    assert got.loc["HALF", "distance_m"] == 0.0
    assert got.loc["NEAR", "distance_m"] == pytest.approx(300.0)
    assert got.loc["NEAR", "overlap_m2"] == 0.0
    assert got.loc["NEAR", "zone_name"] == "KTQP"


# --- an independent engine: GDAL SQL (SpatiaLite) ----------------------------------------------

def test_distances_and_zone_areas_agree_with_gdal_sql(tmp_path: Path) -> None:
    rng = np.random.default_rng(12)
    works = frame([{"kind": k, "zone_width_m": w, "geometry": sq(x, y, s)}
                   for k, w, (x, y), s in zip(
                       ["military_zone", "combat_base", "military_zone", "air_defense"],
                       ["350", None, "", None], rng.uniform(0, 3000, (4, 2)),
                       [300.0, 200.0, 150.0, 80.0], strict=True)],
                  ["W0", "W1", "W2", "W3"])
    props = frame([{"geometry": sq(x, y, 120.0)} for x, y in rng.uniform(-500, 3500, (12, 2))],
                  [f"P{i}" for i in range(12)])
    got = appraise(props, works, search_distance=10_000.0)
    widths = {"W0": 350.0, "W1": 500.0, "W2": 500.0, "W3": 500.0}
    path = tmp_path / "check.gpkg"
    props.rename_axis("pid").reset_index().to_file(path, layer="p")
    works.assign(width=[widths[i] for i in works.index]).rename_axis("wid").reset_index() \
        .to_file(path, layer="w")
    sql = ("SELECT p.pid, w.wid, ST_Distance(p.geom, w.geom) AS d, "
           "ST_Area(ST_Intersection(p.geom, ST_Difference(ST_Buffer(w.geom, w.width), "
           "w.geom))) AS z FROM p, w")
    ref = pyogrio.read_dataframe(path, sql=sql, sql_dialect="SQLITE", read_geometry=False)
    ref = ref.set_index(["pid", "wid"])
    assert len(got) == len(props) * len(works)  # everything within 10 km
    for row in got.itertuples():
        expected = ref.loc[(row.proposal, row.work)]
        assert row.distance_m == pytest.approx(expected["d"], abs=1e-6)
        assert row.zone_width_m == widths[row.work]
        # buffers are drawn with different segment counts: areas agree to 0.5 %
        reference = 0.0 if pd.isna(expected["z"]) else float(expected["z"])
        assert row.zone_overlap_m2 == pytest.approx(reference, rel=5e-3, abs=1.0)
