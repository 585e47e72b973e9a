"""geo.coordinates: the forms of a point, checked against independent transforms and mgrs.

No published VN-2000 control point (with both its VN-2000 and WGS 84 coordinates) was
found to cite, so the VN-2000 conversion is checked three ways: against PROJ's own choice
of operation for EPSG:9215 (EPSG's "VN-2000 to WGS 84 (2)"), against the same grid
written the usual Vietnamese GIS way (a PROJ string with ``+towgs84``, position-vector
signs), and by the size of the datum shift (about 224 m in the north, as layers.crs says).
"""

from __future__ import annotations

import ast
import math
from pathlib import Path

import mgrs
import pyproj
import pytest

from geo import coordinates as c
from geo.errors import AnalysisInputError

GEOD = pyproj.Geod(ellps="WGS84")
HOME = (106.75, 21.85)  # lon, lat: Lạng Sơn
POINTS = {
    "lang_son": HOME,
    "dong_dang": (106.695, 21.944),
    "ha_noi": (105.8542, 21.0285),
    "ho_chi_minh": (106.7009, 10.7769),
    "nha_trang": (109.1967, 12.2388),   # UTM 49
    "truong_sa": (114.35, 8.64),         # UTM 50
}
LANG_SON_TM3 = ("+proj=tmerc +lat_0=0 +lon_0=107.25 +k=0.9999 +x_0=500000 +y_0=0 "
                "+ellps=WGS84 +towgs84=-191.90441429,-39.30318279,-111.45032835,"
                "0.00928836,-0.01975479,0.00427372,0.252906278 +units=m +no_defs")


def metres_apart(a: tuple[float, float], b: tuple[float, float]) -> float:
    return GEOD.inv(a[0], a[1], b[0], b[1])[2]


def lang_son_grid() -> list[tuple[float, float]]:
    west, south, east, north = 106.1, 21.33, 107.35, 22.45
    return [(west + (east - west) * i / 4, south + (north - south) * j / 4)
            for i in range(5) for j in range(5)]


# ------------------------------------------------------------------ formats
def test_dms_vietnamese_style() -> None:
    lat = 21 + 51 / 60 + 12.3 / 3600
    lon = 106 + 45 / 60 + 1.2 / 3600
    assert c.format_dms(lon, lat) == "21°51'12.3\"N 106°45'01.2\"E"
    assert c.format_dms(106.0, 21.9999999) == "22°00'00.0\"N 106°00'00.0\"E"  # carried
    assert c.format_dms(lon, lat, decimals=0) == "21°51'12\"N 106°45'01\"E"


def test_decimal_degrees_latitude_first() -> None:
    assert c.format_dd(*HOME) == "21.850000, 106.750000"
    assert c.format_dd(*HOME, decimals=3) == "21.850, 106.750"


def test_format_all_keys_and_labels() -> None:
    out = c.format_all(*HOME)
    assert tuple(out) == c.FORMAT_KEYS
    assert out["vn2000"].endswith("(VN-2000 / TM-3 107-15)")
    assert out["vn2000"].startswith("X=2417143.85 Y=448124.41")
    assert out["utm_vn2000"].startswith("VN-2000 / UTM 48N ")
    assert out["utm_wgs84"].startswith("48Q ")
    assert out["mgrs"] == "48Q XK 80846 17252"


def test_bad_point_is_refused() -> None:
    with pytest.raises(AnalysisInputError, match="WGS 84 degrees"):
        c.format_dd(float("nan"), 21.0)
    with pytest.raises(AnalysisInputError, match="WGS 84 degrees"):
        c.format_dms(2417143.0, 448124.0)


# ------------------------------------------------------------------ VN-2000
def test_default_grid_is_lang_son_tm3() -> None:
    grid = c.vn2000_crs()
    params = {p.code: p.value for p in grid.coordinate_operation.params}
    assert grid.to_epsg() == 9215
    assert params["8802"] == pytest.approx(107.25) and params["8805"] == pytest.approx(0.9999)
    assert params["8806"] == 500000 and params["8807"] == 0
    assert grid.geodetic_crs.datum.name == "Vietnam 2000"
    assert c.vn2000_tm3(107.25).equals(pyproj.CRS.from_epsg(9215))
    assert c.grid_label(c.vn2000_tm3(105.0)) == "VN-2000 / TM-3 105-00"


def test_vn2000_matches_proj_epsg_operation_and_towgs84_string() -> None:
    """Three independent routes agree to the millimetre over Lạng Sơn."""
    epsg = pyproj.Transformer.from_crs(4326, 9215, always_xy=True)
    bound = pyproj.Transformer.from_crs(4326, pyproj.CRS(LANG_SON_TM3), always_xy=True)
    for lon, lat in lang_son_grid():
        ours = c.to_grid(lon, lat, "EPSG:9215")
        assert math.dist(ours, epsg.transform(lon, lat)) < 0.001
        assert math.dist(ours, bound.transform(lon, lat)) < 0.001
        back = c.from_grid(*ours, "EPSG:9215")
        assert metres_apart(back, (lon, lat)) < 0.001


def test_helmert_parameters_are_epsg_vn2000_to_wgs84_2() -> None:
    group = pyproj.transformer.TransformerGroup(4756, 4326, always_xy=True)
    op = next(t for t in group.transformers if "VN-2000 to WGS 84 (2)" in t.description)
    text = op.to_proj4()
    names = ("x", "y", "z", "rx", "ry", "rz", "s")
    for name, value in zip(names, c.VN2000_TOWGS84, strict=True):
        assert f" +{name}={value!r} " in text, name
    assert "+convention=coordinate_frame" in text


def test_datum_shift_magnitude() -> None:
    """The same X, Y read on VN-2000 and on WGS 84 are about 224 m apart in the north."""
    plain = pyproj.CRS("+proj=tmerc +lat_0=0 +lon_0=107.25 +k=0.9999 +x_0=500000 +y_0=0 "
                       "+ellps=WGS84 +units=m +no_defs")
    to_plain = pyproj.Transformer.from_crs(4326, plain, always_xy=True)
    east, north = to_plain.transform(*HOME)
    shifted = c.from_grid(east, north, "EPSG:9215")
    assert 200 < metres_apart(shifted, HOME) < 250
    # the UTM twins: VN-2000 / UTM 48N and WGS 84 / UTM 48N
    vn = c.to_grid(*HOME, "EPSG:3405")
    wgs = c.to_grid(*HOME, "EPSG:32648")
    assert 200 < math.dist(vn, wgs) < 250


@pytest.mark.parametrize(("name", "code"), [("lang_son", 3405), ("ha_noi", 3405),
                                            ("nha_trang", 3406)])
def test_vn2000_utm_matches_proj(name: str, code: int) -> None:
    lon, lat = POINTS[name]
    zone = c.utm_zone(lon)
    assert c.vn2000_utm(zone).to_epsg() == code
    expected = pyproj.Transformer.from_crs(4326, code, always_xy=True).transform(lon, lat)
    assert math.dist(c.to_grid(lon, lat, code), expected) < 0.001
    assert math.dist(c.to_grid(lon, lat, f"EPSG:{code}"), expected) < 0.001


def test_wgs84_utm_is_plain_conversion() -> None:
    expected = pyproj.Transformer.from_crs(4326, 32648, always_xy=True).transform(*HOME)
    assert math.dist(c.to_grid(*HOME, 32648), expected) < 1e-6
    easting, northing = (int(v) for v in c.format_utm(*HOME).split()[1:])
    assert abs(easting - expected[0]) <= 0.5 and abs(northing - expected[1]) <= 0.5


def test_grid_must_be_vn2000_or_wgs84_metres() -> None:
    with pytest.raises(AnalysisInputError, match="not a VN-2000 grid"):
        c.vn2000_crs("EPSG:32648")
    with pytest.raises(AnalysisInputError, match="not a VN-2000 grid"):
        c.vn2000_crs(4756)
    with pytest.raises(AnalysisInputError, match="not a coordinate reference system"):
        c.vn2000_crs("VN-3000")
    with pytest.raises(AnalysisInputError, match="not a VN-2000 or WGS 84 grid"):
        c.to_grid(*HOME, "EPSG:2154")  # a French grid


def test_a_layers_crs_is_passed_in() -> None:
    """The CRS layers.crs makes of a VN-2000 .prj is accepted as it is (no import of layers)."""
    from layers.crs import parse_crs

    crs = parse_crs(LANG_SON_TM3)
    assert c.format_vn2000(*HOME, crs) == c.format_vn2000(*HOME)


# ------------------------------------------------------------------ MGRS
@pytest.mark.parametrize("name", sorted(POINTS))
def test_mgrs_against_the_mgrs_package(name: str) -> None:
    lon, lat = POINTS[name]
    text = c.format_mgrs(lon, lat)
    assert text.replace(" ", "") == mgrs.MGRS().toMGRS(lat, lon, MGRSPrecision=5)
    found = c.parse_location(text)
    corner_lat, corner_lon = mgrs.MGRS().toLatLon(text.replace(" ", ""))
    assert found.form == "mgrs"
    assert metres_apart((found.lon, found.lat), (corner_lon, corner_lat)) < 1.0  # the centre
    assert metres_apart((found.lon, found.lat), (lon, lat)) < 1.5


def test_mgrs_coarse_reference_is_the_centre_of_its_square() -> None:
    text = c.format_mgrs(*HOME, precision=2)  # 1 km squares
    assert text == "48Q XK 80 17"
    found = c.parse_location(text)
    corner_lat, corner_lon = mgrs.MGRS().toLatLon(text.replace(" ", ""))
    assert 600 < metres_apart((found.lon, found.lat), (corner_lon, corner_lat)) < 800
    assert metres_apart((found.lon, found.lat), HOME) < 1000


# ------------------------------------------------------------------ parsing
def test_every_example_is_the_same_point() -> None:
    for text in c.GOTO_EXAMPLES:
        found = c.parse_location(text)
        assert metres_apart((found.lon, found.lat), HOME) < 1.5, text


@pytest.mark.parametrize("name", sorted(POINTS))
def test_every_format_reads_back(name: str) -> None:
    lon, lat = POINTS[name]
    tolerance = {"dd": 0.2, "dms": 3.5, "vn2000": 0.02, "utm_vn2000": 1.0, "utm_wgs84": 1.0,
                 "mgrs": 1.5}
    for key, text in c.format_all(lon, lat).items():
        found = c.parse_location(text)
        assert metres_apart((found.lon, found.lat), (lon, lat)) < tolerance[key], (key, text)
        assert not found.swapped


@pytest.mark.parametrize("text", [
    "21.85, 106.75", "21.85 106.75", "106.75, 21.85", "21,85 106,75", "21,85; 106,75",
    "N21.85 E106.75", "21.85N, 106.75E", "106.75E 21.85N", "21.85° 106.75°",
    "lat 21.85 lon 106.75", "21°51'00\"N 106°45'00\"E", "21°51′00″B 106°45′00″Đ",
    "21º51'0''N 106º45'0''E", "21°51.0'N 106°45.0'E", "21 51 00 N 106 45 00 E",
    "N 21 51 0 E 106 45 0", "21 51 106 45", "106 45 0 21 51 0",
])
def test_degree_forms(text: str) -> None:
    found = c.parse_location(text)
    assert found.lon == pytest.approx(106.75, abs=1e-9)
    assert found.lat == pytest.approx(21.85, abs=1e-9)
    assert found.form in ("dd", "dms") and found.grid == "WGS 84"


@pytest.mark.parametrize(("text", "swapped"), [
    ("2417143.85 448124.41", False), ("2417143,85 448124,41", False),
    ("448124.41 2417143.85", True), ("X=2417143.85 Y=448124.41", False),
    ("Y=448124.41, X=2417143.85", True), ("E 448124.41 N 2417143.85", False),
    ("N=2417143.85 E=448124.41", False), ("2417143.85mN 448124.41mE", False),
    ("2417143.85 448124.41 EPSG:9215", False), ("KTT 107°15' X=2417143.85 Y=448124.41", False),
    ("TM-3 107.25: 2417143.85, 448124.41", False), ("VN2000 107-15 2417143.85 448124.41", False),
])
def test_vn2000_forms(text: str, swapped: bool) -> None:
    found = c.parse_location(text)
    assert metres_apart((found.lon, found.lat), HOME) < 0.02
    assert (found.form, found.grid) == ("vn2000", "VN-2000 / TM-3 107-15")
    assert found.swapped is swapped


def test_vn2000_zone_named_or_given() -> None:
    ha_noi = POINTS["ha_noi"]
    grid = c.vn2000_tm3(105.0)
    text = c.format_vn2000(*ha_noi, grid)
    assert text.endswith("(VN-2000 / TM-3 105-00)")
    found = c.parse_location(text)  # the zone in the text wins over the default
    assert metres_apart((found.lon, found.lat), ha_noi) < 0.02
    bare = text.split(" (")[0]
    in_default = c.parse_location(bare)  # read in Lạng Sơn's grid: elsewhere
    assert metres_apart((in_default.lon, in_default.lat), ha_noi) > 1000
    given = c.parse_location(bare, vn2000=grid)
    assert metres_apart((given.lon, given.lat), ha_noi) < 0.02


@pytest.mark.parametrize(("text", "grid"), [
    ("48Q 680846 2417252", "WGS 84 / UTM 48N"), ("UTM 48N 680846 2417252", "WGS 84 / UTM 48N"),
    ("48 Q 680846, 2417252", "WGS 84 / UTM 48N"), ("zone 48 E 680846 N 2417252",
                                                     "WGS 84 / UTM 48N"),
    ("48Q 680846mE 2417252mN", "WGS 84 / UTM 48N"), ("2417252 680846 48N", "WGS 84 / UTM 48N"),
    ("EPSG:32648 680846 2417252", "WGS 84 / UTM 48N"),
    ("VN-2000 / UTM 48N 680650 2417360", "VN-2000 / UTM 48N"),
    ("VN2000 UTM 48 680650 2417360", "VN-2000 / UTM 48N"),
    ("EPSG:3405 680650 2417360", "VN-2000 / UTM 48N"),
])
def test_utm_forms(text: str, grid: str) -> None:
    found = c.parse_location(text)
    assert (found.form, found.grid) == ("utm", grid)
    assert metres_apart((found.lon, found.lat), HOME) < 1.0


def test_utm_49_on_vn2000() -> None:
    lon, lat = POINTS["nha_trang"]
    text = c.format_utm(lon, lat, datum="VN-2000")
    assert text.startswith("VN-2000 / UTM 49N ")
    found = c.parse_location(text)
    assert found.grid == "VN-2000 / UTM 49N"
    assert metres_apart((found.lon, found.lat), (lon, lat)) < 1.0


@pytest.mark.parametrize(("text", "reason", "words"), [
    ("", "empty", "Type a place"),
    ("   ", "empty", "Type a place"),
    ("Đồng Đăng", "unrecognised", "not a coordinate"),
    ("21.85", "unrecognised", "not a coordinate"),
    ("21.85 106.75 12", "unrecognised", "not a coordinate"),
    ("21.85, 200", "outside", "outside Vietnam"),
    ("-21.85, 106.75", "outside", "outside Vietnam"),
    ("48.85, 2.35", "outside", "outside Vietnam"),
    ("21.85S 106.75E", "outside", "outside Vietnam"),
    ("21°61'00\"N 106°45'00\"E", "angle", "below 60"),
    ("21.5°51'N 106°45'E", "angle", "below 60"),
    ("21\"51'N 106°45'E", "angle", "below 60"),
    ("48Q XK 808 1725", "mgrs", "same length"),
    ("48Q XK 8084617", "mgrs", "same length"),
    ("31U DQ 48251 11932", "outside", "outside Vietnam"),
    ("X=9417143.85 Y=448124.41", "outside", "outside Vietnam"),
    ("61Q 680846 2417252", "grid", "zone 61"),
    ("EPSG:4326 2417252 680846", "grid", "not a VN-2000 or WGS 84 grid"),
])
def test_errors_say_what_is_accepted(text: str, reason: str, words: str) -> None:
    with pytest.raises(c.CoordinateInputError, match=words) as info:
        c.parse_location(text)
    assert isinstance(info.value, AnalysisInputError)
    assert info.value.reason == reason
    if reason not in ("grid",):
        assert "48Q XK 80846 17252" in str(info.value)  # the forms are listed


def test_geo_does_not_import_layers() -> None:
    for name in ("coordinates.py", "measure.py"):
        tree = ast.parse((Path(c.__file__).parent / name).read_text(encoding="utf-8"))
        imported = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
        imported |= {a.name for n in ast.walk(tree) if isinstance(n, ast.Import)
                     for a in n.names}
        assert not {m for m in imported if m and m.split(".")[0] in
                    ("layers", "planning", "maps", "ui", "streamlit", "folium")}, name
