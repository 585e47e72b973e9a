"""Tests for layers.crs: VN-2000 recognition, parsing, labels and CRS suggestions."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pyproj
import pytest

from layers.crs import CrsCandidate, crs_code, crs_from_prj, crs_label, parse_crs, suggest_crs
from layers.errors import LayerError

FIXTURES = Path(__file__).parent / "data" / "fixtures"
VN2000_CODES = [4756, 3405, 3406, 5896, 5897, 5898, 5899, *range(9205, 9219)]
# EPSG "VN-2000 to WGS 84 (2)" as a PROJ +towgs84 (position-vector convention).
TOWGS84_PV = ("-191.90441429,-39.30318279,-111.45032835,"
              "0.00928836,-0.01975479,0.00427372,0.252906278")
# The same published parameters with the coordinate-frame rotation signs, as often copied.
TOWGS84_CF = ("-191.90441429,-39.30318279,-111.45032835,"
              "-0.00928836,0.01975479,-0.00427372,0.252906278")


def esri_tm(cm: float, *, name: str = "VN_2000_custom", scale: float = 0.9999,
            datum: str = 'DATUM["D_Vietnam_2000",SPHEROID["WGS_1984",6378137.0,298.257223563]]',
            gcs: str = "GCS_VN_2000") -> str:
    return (f'PROJCS["{name}",GEOGCS["{gcs}",{datum},PRIMEM["Greenwich",0.0],'
            'UNIT["Degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],'
            'PARAMETER["False_Easting",500000.0],PARAMETER["False_Northing",0.0],'
            f'PARAMETER["Central_Meridian",{cm}],PARAMETER["Scale_Factor",{scale}],'
            'PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]')


def wkt1_towgs84(cm: float, towgs84: str, scale: float = 0.9999) -> str:
    return ('PROJCS["custom",GEOGCS["unknown",DATUM["unknown",SPHEROID["WGS 84",6378137,'
            f'298.257223563],TOWGS84[{towgs84}]],PRIMEM["Greenwich",0],'
            'UNIT["degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],'
            f'PARAMETER["latitude_of_origin",0],PARAMETER["central_meridian",{cm}],'
            f'PARAMETER["scale_factor",{scale}],PARAMETER["false_easting",500000],'
            'PARAMETER["false_northing",0],UNIT["metre",1]]')


@pytest.mark.parametrize("code", VN2000_CODES)
@pytest.mark.parametrize("flavor", ["WKT1_ESRI", "WKT1_GDAL", "WKT2_2019"])
def test_every_vn2000_system_is_recognised_from_its_wkt(code, flavor):
    text = pyproj.CRS.from_epsg(code).to_wkt(flavor)
    crs = crs_from_prj(text)
    assert crs.to_epsg() == code
    assert crs_code(crs) == f"EPSG:{code}"


def test_tm3_zones_have_the_documented_central_meridians():
    # Lạng Sơn is 107°15′ = EPSG:9215 (DOMAIN.md); the TM-3 list runs 103°00′ ... 108°30′.
    crs = crs_from_prj(esri_tm(107.25, name="VN_2000_Lang_Son_KTT_107_15_mui_3"))
    assert crs.to_epsg() == 9215
    assert crs_label(crs) == "VN-2000 / TM-3 107-15 (EPSG:9215)"
    for code in range(9205, 9219):
        zone = pyproj.CRS.from_epsg(code)
        cm = {p.code: p.value for p in zone.coordinate_operation.params}["8802"]
        assert crs_from_prj(esri_tm(cm, name="anything")).to_epsg() == code


@pytest.mark.parametrize("towgs84", [TOWGS84_PV, TOWGS84_CF])
def test_towgs84_alone_identifies_vn2000(towgs84):
    assert crs_from_prj(wkt1_towgs84(107.25, towgs84)).to_epsg() == 9215
    assert crs_from_prj(wkt1_towgs84(105, towgs84, 0.9996)).to_epsg() == 3405
    proj = f"+proj=tmerc +lon_0=111 +k=0.9996 +x_0=500000 +ellps=WGS84 +towgs84={towgs84}"
    assert parse_crs(proj).to_epsg() == 3406


def test_vn2000_named_system_on_a_wgs84_datum_is_vn2000():
    text = esri_tm(105, name="VN2000_UTM_48N", scale=0.9996, gcs="GCS_WGS_1984",
                   datum='DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]]')
    assert crs_from_prj(text).to_epsg() == 3405


def test_other_systems_keep_their_own_meaning():
    wgs84_utm = crs_from_prj(pyproj.CRS.from_epsg(32648).to_wkt("WKT1_ESRI"))
    assert wgs84_utm.to_epsg() == 32648
    assert crs_from_prj(pyproj.CRS.from_epsg(4326).to_wkt("WKT1_ESRI")).to_epsg() == 4326
    hanoi = crs_from_prj(pyproj.CRS.from_epsg(4147).to_wkt("WKT1_GDAL"))
    assert hanoi.to_epsg() == 4147
    # WGS 84 ellipsoid with a shift that is not VN-2000's: stays a bound CRS, not VN-2000.
    other = crs_from_prj(wkt1_towgs84(107.25, "100,100,100,0,0,0,0"))
    assert other.to_epsg() is None
    assert "VN-2000" not in crs_label(other)


def test_grid_without_epsg_code_uses_the_vn2000_transformation():
    crs = crs_from_prj(esri_tm(106.75, name="VN_2000_KTT_106_45"))
    assert crs.to_epsg() is None
    assert crs.geodetic_crs.to_epsg() == 4756
    label = crs_label(crs)
    assert "106°45′" in label and "no EPSG code" in label
    # Independent path: plain TM on the ellipsoid, then the published Helmert shift.
    x, y = np.array([420_000.0, 515_000.0]), np.array([2_380_000.0, 2_470_000.0])
    tm = pyproj.Transformer.from_crs(
        "+proj=tmerc +lon_0=106.75 +k=0.9999 +x_0=500000 +ellps=WGS84 +type=crs",
        f"+proj=longlat +ellps=WGS84 +towgs84={TOWGS84_PV} +type=crs", always_xy=True)
    shift = pyproj.Transformer.from_crs(
        f"+proj=longlat +ellps=WGS84 +towgs84={TOWGS84_PV} +type=crs", "EPSG:4326",
        always_xy=True)
    lon_ref, lat_ref = shift.transform(*tm.transform(x, y))
    lon, lat = pyproj.Transformer.from_crs(crs, "EPSG:4326", always_xy=True).transform(x, y)
    dist = pyproj.Geod(ellps="WGS84").inv(lon, lat, lon_ref, lat_ref)[2]
    assert dist.max() < 0.01
    # crs_code falls back to WKT that reads back as the same system.
    assert pyproj.CRS.from_wkt(crs_code(crs)).equals(crs)


def test_bad_prj_names_the_file_and_the_fix():
    with pytest.raises(LayerError, match=r"roads\.prj.*--crs"):
        crs_from_prj("this is not WKT", path="roads.prj")
    with pytest.raises(LayerError, match="empty"):
        crs_from_prj("  \n", path="roads.prj")


@pytest.mark.parametrize(("value", "code"), [
    ("EPSG:9215", 9215), ("9215", 9215), ("epsg:3405", 3405), ("4326", 4326),
    ("+proj=longlat +datum=WGS84 +no_defs", 4326), ("OGC:CRS84", 4326),
])
def test_parse_crs_accepts_common_forms(value, code):
    assert parse_crs(value).to_epsg() == code


def test_parse_crs_accepts_wkt():
    assert parse_crs(pyproj.CRS.from_epsg(9215).to_wkt("WKT1_ESRI")).to_epsg() == 9215


@pytest.mark.parametrize("value", ["", "EPSG:0", "not a crs", "99999999"])
def test_parse_crs_rejects_garbage_with_examples(value):
    with pytest.raises(LayerError, match="EPSG:9215"):
        parse_crs(value)


def test_labels_and_codes():
    assert crs_label(pyproj.CRS.from_epsg(4326)) == "WGS 84 (EPSG:4326)"
    assert crs_label(pyproj.CRS.from_epsg(3405)) == "VN-2000 / UTM zone 48N (EPSG:3405)"
    assert crs_code(pyproj.CRS.from_epsg(4756)) == "EPSG:4756"


def _bounds_in(code: int) -> tuple[float, float, float, float]:
    communes = gpd.read_file(FIXTURES / "communes_wgs84.geojson")
    return tuple(communes.to_crs(code).total_bounds)


def test_suggest_tm3_lang_son_first():
    cands = suggest_crs(_bounds_in(9215))
    assert all(isinstance(c, CrsCandidate) for c in cands)
    assert cands[0].code == "EPSG:9215"
    assert cands[0].name == "VN-2000 / TM-3 107-15"
    assert "Lang Son" in cands[0].reason
    assert "EPSG:3405" in [c.code for c in cands]


def test_suggest_utm_data_gives_utm_not_tm3():
    codes = [c.code for c in suggest_crs(_bounds_in(3405))]
    assert codes[0] == "EPSG:3405"
    assert not any(c.startswith("EPSG:92") for c in codes)


def test_suggest_degrees_vn2000_first_in_vietnam():
    cands = suggest_crs(_bounds_in(4326))
    assert [c.code for c in cands] == ["EPSG:4756", "EPSG:4326"]
    assert cands[1].twin == "EPSG:4756" and 200 < cands[1].shift_m < 250
    paris = suggest_crs((2.2, 48.8, 2.5, 48.9))
    assert [c.code for c in paris] == ["EPSG:4326"] and paris[0].shift_m is None


def _independent_shift(bounds, code_a: int, code_b: int) -> float:
    x, y = (bounds[0] + bounds[2]) / 2, (bounds[1] + bounds[3]) / 2
    lonlat = [pyproj.Transformer.from_crs(code, 4326, always_xy=True).transform(x, y)
              for code in (code_a, code_b)]
    return pyproj.Geod(ellps="WGS84").inv(*lonlat[0], *lonlat[1])[2]


@pytest.mark.parametrize("data_crs", [3405, 9215])
def test_wgs84_utm_is_ranked_after_vn2000_and_states_the_datum_shift(data_crs):
    bounds = _bounds_in(data_crs)
    cands = suggest_crs(bounds)
    codes = [c.code for c in cands]
    assert codes.index("EPSG:3405") < codes.index("EPSG:32648")
    assert all(not c.startswith("EPSG:326") for c in codes[:codes.index("EPSG:3405") + 1])
    utm = cands[codes.index("EPSG:32648")]
    expected = _independent_shift(bounds, 32648, 3405)
    assert 180 < expected < 260  # the ~224 m of the issue, in Lạng Sơn
    assert utm.twin == "EPSG:3405" and abs(utm.shift_m - expected) < 0.01
    assert f"{expected:.0f} m" in utm.reason and "EPSG:3405" in utm.reason
    assert f"lệch nhau {expected:.0f} m" in utm.reason.text("vi")
    assert cands[codes.index("EPSG:3405")].shift_m is None


def test_candidate_reasons_are_translated():
    cand = suggest_crs(_bounds_in(9215))[0]
    assert cand.reason.startswith("read in this grid")
    assert cand.reason.text("vi").startswith("đọc theo lưới này")


def test_suggest_nothing_for_foreign_metres():
    assert suggest_crs((4_000_000.0, 5_000_000.0, 4_100_000.0, 5_100_000.0)) == []
    assert suggest_crs((float("nan"), 0.0, 1.0, 1.0)) == []
