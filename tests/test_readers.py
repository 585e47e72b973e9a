"""Tests for layers.readers on real files (tests/data/fixtures, see tests/data/README.md)."""

from __future__ import annotations

import hashlib
import json
import shutil
import unicodedata
import zipfile
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest
import shapely
from pyproj import Geod

from layers.encoding import encode
from layers.errors import LayerError, MissingCRSError
from layers.readers import SUPPORTED, read_source, source_layers

FIX = Path(__file__).parent / "data" / "fixtures"
SHP_A = FIX / "a_tm3_utf8" / "xa_tm3.shp"
SHP_B = FIX / "b_utm48_tcvn3" / "xa_utm48.shp"
SHP_C = FIX / "c_tm3_vni" / "xa_vni.shp"
SHP_D = FIX / "d_vn2000_cp1258" / "xa_cp1258.shp"
SHP_E = FIX / "e_no_prj" / "xa_khong_prj.shp"
ZIP_F = FIX / "f_shapefiles_subfolder.zip"
GPKG_G = FIX / "g_lang_son.gpkg"
KML_H, KMZ_H = FIX / "h_xa_lang_son.kml", FIX / "h_xa_lang_son.kmz"
CSV_LONLAT = FIX / "i_diem_lonlat_utf8.csv"
CSV_XY = FIX / "i_diem_xy_vn2000_utm48n_cp1258.csv"
GEOJSON_BAD = FIX / "j_hinh_loi.geojson"
GEOJSON_3405 = FIX / "xa_vn2000_utm48n.geojson"
GEOD = Geod(ellps="WGS84")
VN3_CAPITALS = "ĂÂÊÔƠƯĐ"


@pytest.fixture(scope="module")
def communes() -> gpd.GeoDataFrame:
    return gpd.read_file(FIX / "communes_wgs84.geojson").set_index("commune_id")


@pytest.fixture(scope="module")
def points() -> gpd.GeoDataFrame:
    return gpd.read_file(FIX / "points_wgs84.geojson").set_index("ten")


def max_offset_m(got: gpd.GeoSeries, want: gpd.GeoSeries) -> float:
    """Largest geodesic distance (m) from a vertex to the nearest vertex of its partner.

    Symmetric over both geometries of every aligned pair; vertex order (rings are
    re-oriented by shapefile writers) does not matter.
    """
    worst = 0.0
    assert len(got) == len(want)
    for a, b in zip(got, want, strict=True):
        for p, q in ((shapely.get_coordinates(a), shapely.get_coordinates(b)),
                     (shapely.get_coordinates(b), shapely.get_coordinates(a))):
            nearest = ((p[:, None, :] - q[None, :, :]) ** 2).sum(-1).argmin(axis=1)
            dist = GEOD.inv(p[:, 0], p[:, 1], q[nearest, 0], q[nearest, 1])[2]
            worst = max(worst, float(dist.max()))
    return worst


def tcvn3_folded(text: str) -> str:
    """Capitals TCVN3 (VN3) lacks come back lowercase (layers.encoding module notes)."""
    return "".join(c.lower() if not c.isascii() and c.isupper() and c not in VN3_CAPITALS
                   else c for c in text)


def is_nfc(values) -> bool:
    return all(unicodedata.is_normalized("NFC", v) for v in values)


# --- shapefiles: every encoding and CRS case ---------------------------------------------


@pytest.mark.parametrize(("path", "crs", "encoding", "enc_source", "fold"), [
    (SHP_A, "EPSG:9215", "utf-8", "cpg", False),
    (SHP_B, "EPSG:3405", "tcvn3", "detected", True),
    (SHP_C, "EPSG:9215", "vni", "detected", False),
    (SHP_D, "EPSG:4756", "cp1258", "cpg", False),
])
def test_shapefile_text_and_positions(path, crs, encoding, enc_source, fold, communes):
    [src] = read_source(path)
    gdf = src.gdf.set_index("ma_xa").loc[communes.index]
    want = [tcvn3_folded(n) if fold else n for n in communes["commune_vn"]]
    assert list(gdf["Tên_xã"]) == want
    assert list(gdf["huyen"]) == [tcvn3_folded(n) if fold else n
                                  for n in communes["district_vn"]]
    assert list(gdf["dan_so"]) == list(communes["population"])
    assert list(src.gdf.columns) == ["ma_xa", "Tên_xã", "huyen", "dan_so", "geometry"]
    assert is_nfc(gdf["Tên_xã"]) and is_nfc(src.gdf.columns)
    assert (src.encoding, src.encoding_source) == (encoding, enc_source)
    assert (src.source_crs, src.crs_source) == (crs, "prj")
    assert src.gdf.crs.to_epsg() == 4326
    assert max_offset_m(gdf.geometry, communes.geometry) < 1.0
    assert src.report.features_read == src.report.features_kept == 16
    assert src.name == path.stem and src.source_path == str(path)


def test_tcvn3_fixture_really_has_folded_capitals(communes):
    # "Xã Bắc Ái" and "Xã Ái Quốc": Á has no TCVN3 code, so it reads back as á.
    [src] = read_source(SHP_B)
    names = set(src.gdf["Tên_xã"])
    assert {"Xã Bắc ái", "Xã ái Quốc", "Xã Đồng ý"} <= names
    assert "Xã Đồng Đăng" not in names and "Thị trấn Đồng Đăng" in names  # Đ is in VN3


def test_cp1258_keeps_the_last_character_despite_the_cpg():
    # With encoding="latin1" pyogrio overrides the .cpg: the raw cp1258 bytes come through.
    raw = pyogrio.read_dataframe(SHP_D, encoding="latin1")
    assert raw.columns[1].encode("latin-1") == encode("Tên_xã", "cp1258")
    [src] = read_source(SHP_D)
    assert "Thị trấn Đồng Đăng" in set(src.gdf["Tên_xã"])
    assert all(not n.endswith(("Đăn", "Sơ")) for n in src.gdf["Tên_xã"])


def test_user_encoding_wins(communes):
    [right] = read_source(SHP_C, encoding="VNI-Windows")
    assert (right.encoding, right.encoding_source) == ("vni", "user")
    assert "Xã Mẫu Sơn" in set(right.gdf["Tên_xã"])
    [wrong] = read_source(SHP_C, encoding="tcvn3")
    assert wrong.gdf.columns[1] != "Tên_xã"  # field names are decoded with it too
    assert "Xã Mẫu Sơn" not in set(wrong.gdf.iloc[:, 1])
    with pytest.raises(LayerError, match="Unknown text encoding"):
        read_source(SHP_C, encoding="klingon")


def test_detection_scores_are_reported():
    [src] = read_source(SHP_B)
    assert max(src.encoding_scores, key=src.encoding_scores.get) == "tcvn3"
    assert set(src.encoding_scores) == {"utf-8", "cp1258", "tcvn3", "vni"}


def test_towgs84_prj_matters(communes):
    # Read as WGS 84 / UTM 48N instead of VN-2000: hundreds of metres off.
    [src] = read_source(SHP_B, crs="EPSG:32648")
    gdf = src.gdf.set_index("ma_xa").loc[communes.index]
    assert max_offset_m(gdf.geometry, communes.geometry) > 100
    assert src.crs_source == "user"
    assert any("EPSG:32648" in w and "EPSG:3405" in w for w in src.report.warnings)


def test_missing_prj_suggests_then_reads_with_crs(communes):
    with pytest.raises(MissingCRSError) as info:
        read_source(SHP_E)
    err = info.value
    assert "EPSG:9215" in [c.code for c in err.candidates[:3]]
    assert "--crs" in str(err) and "xa_khong_prj.shp" in str(err) and "EPSG:9215" in str(err)
    [src] = read_source(SHP_E, crs="EPSG:9215")
    assert (src.source_crs, src.crs_source) == ("EPSG:9215", "user")
    assert src.report.warnings == []
    gdf = src.gdf.set_index("ma_xa").loc[communes.index]
    assert max_offset_m(gdf.geometry, communes.geometry) < 1.0


def test_shapefile_checksum_covers_its_parts():
    [src] = read_source(SHP_A)
    digest = hashlib.sha256()
    for ext in (".shp", ".shx", ".dbf", ".prj", ".cpg"):
        digest.update(SHP_A.with_suffix(ext).read_bytes())
    assert src.checksum == digest.hexdigest()


@pytest.mark.parametrize("part", [".shx", ".dbf"])
def test_missing_part_is_named(tmp_path, part):
    for sibling in SHP_A.parent.iterdir():
        if sibling.suffix != part:
            shutil.copy(sibling, tmp_path / sibling.name)
    with pytest.raises(LayerError, match=rf"xa_tm3\{part} is missing"):
        read_source(tmp_path / "xa_tm3.shp")


def test_damaged_shapefile_gives_layer_error_with_gdal_message(tmp_path):
    for sibling in SHP_A.parent.iterdir():
        shutil.copy(sibling, tmp_path / sibling.name)
    (tmp_path / "xa_tm3.shp").write_bytes(b"not a shapefile at all" * 10)
    with pytest.raises(LayerError, match=r"xa_tm3\.shp could not be read.*GDAL") as info:
        read_source(tmp_path / "xa_tm3.shp")
    assert type(info.value) is LayerError


def test_prj_in_degrees_with_metre_coordinates_is_caught(tmp_path):
    for sibling in SHP_E.parent.iterdir():
        shutil.copy(sibling, tmp_path / sibling.name)
    (tmp_path / "xa_khong_prj.prj").write_text(
        'GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,'
        '298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]')
    with pytest.raises(MissingCRSError, match="look like metres") as info:
        read_source(tmp_path / "xa_khong_prj.shp")
    assert info.value.candidates[0].code == "EPSG:9215"


# --- zip --------------------------------------------------------------------------------


def test_zip_with_subfolders(communes, points):
    assert source_layers(ZIP_F) == ["trung_tam_xa", "xa_lang_son"]
    layers = {s.name: s for s in read_source(ZIP_F)}
    assert set(layers) == {"trung_tam_xa", "xa_lang_son"}
    polys = layers["xa_lang_son"].gdf.set_index("ma_xa").loc[communes.index]
    assert list(polys["Tên_xã"]) == list(communes["commune_vn"])
    assert max_offset_m(polys.geometry, communes.geometry) < 1.0
    pts = layers["trung_tam_xa"].gdf.set_index("ten_xa").loc[points.index]
    assert max_offset_m(pts.geometry, points.geometry) < 1.0
    digest = hashlib.sha256(ZIP_F.read_bytes()).hexdigest()
    assert all(s.checksum == digest and s.source_crs == "EPSG:3405" for s in layers.values())


def test_zip_one_layer_and_unknown_layer():
    [src] = read_source(ZIP_F, layer="xa_lang_son")
    assert src.name == "xa_lang_son" and len(src.gdf) == 16
    with pytest.raises(LayerError, match="no layer 'roads'.*'trung_tam_xa', 'xa_lang_son'"):
        read_source(ZIP_F, layer="roads")


def test_zip_from_windows_with_backslash_names(tmp_path, communes):
    path = tmp_path / "windows.zip"
    with zipfile.ZipFile(path, "w") as zf:
        for part in SHP_A.parent.iterdir():
            zf.write(part, f"Du lieu\\Ranh gioi\\{part.name}")
    assert source_layers(path) == ["xa_tm3"]
    [src] = read_source(path)
    gdf = src.gdf.set_index("ma_xa").loc[communes.index]
    assert max_offset_m(gdf.geometry, communes.geometry) < 1.0


def test_zip_missing_part_corrupt_and_empty(tmp_path):
    partial = tmp_path / "thieu.zip"
    with zipfile.ZipFile(ZIP_F) as src, zipfile.ZipFile(partial, "w") as dst:
        for name in src.namelist():
            if not name.endswith("xa_lang_son.shx"):
                dst.writestr(name, src.read(name))
    with pytest.raises(LayerError, match=r"du_lieu/xa_lang_son\.shx is missing"):
        read_source(partial)
    corrupt = tmp_path / "hong.zip"
    corrupt.write_bytes(ZIP_F.read_bytes()[:500])
    with pytest.raises(LayerError, match="not a readable zip"):
        read_source(corrupt)
    other = tmp_path / "khac.zip"
    with zipfile.ZipFile(other, "w") as zf:
        zf.writestr("ghi_chu.txt", "không có shapefile")
    with pytest.raises(LayerError, match="holds no shapefile.*ghi_chu.txt"):
        read_source(other)


# --- GeoPackage, GeoJSON, KML/KMZ ---------------------------------------------------------


def test_geopackage_layers(communes, points):
    assert source_layers(GPKG_G) == ["xa", "trung_tam_xa"]
    xa, pts = read_source(GPKG_G, encoding="tcvn3")
    assert (xa.name, xa.source_crs, xa.crs_source) == ("xa", "EPSG:9215", "file")
    assert (xa.encoding, xa.encoding_source) == (None, "format")
    assert any("ignored" in w for w in xa.report.warnings)
    gdf = xa.gdf.set_index("commune_id").loc[communes.index]
    assert list(gdf["commune_vn"]) == list(communes["commune_vn"])
    assert max_offset_m(gdf.geometry, communes.geometry) < 1.0
    assert pts.source_crs == "EPSG:4326"
    [only] = read_source(GPKG_G, layer="trung_tam_xa")
    got = only.gdf.set_index("ten").loc[points.index]
    assert max_offset_m(got.geometry, points.geometry) < 1.0
    with pytest.raises(LayerError, match="no layer 'duong'.*'xa', 'trung_tam_xa'"):
        read_source(GPKG_G, layer="duong")


@pytest.mark.parametrize("path", [KML_H, KMZ_H])
def test_kml_and_kmz_folders(path, communes):
    assert source_layers(path) == ["Phía Bắc", "Phía Nam"]
    layers = read_source(path)
    assert [s.name for s in layers] == ["Phía Bắc", "Phía Nam"]
    assert all(unicodedata.is_normalized("NFC", s.name) for s in layers)
    assert sum(len(s.gdf) for s in layers) == 16
    both = gpd.GeoDataFrame(pd.concat([s.gdf for s in layers]), crs=4326)
    both = both.set_index("commune_id")
    both = both.loc[communes.index]
    assert list(both["Name"]) == list(communes["commune_vn"])
    # ExtendedData fields survive in the KMZ too (read through /vsizip/, not the .kmz).
    assert list(both["population"]) == list(communes["population"])
    assert max_offset_m(both.geometry, communes.geometry) < 1.0
    assert not shapely.has_z(both.geometry.array).any()
    assert {"timestamp", "begin", "end", "icon"}.isdisjoint(both.columns)
    assert all(s.crs_source == "assumed" and s.encoding is None for s in layers)
    [south] = read_source(path, layer="Phía Nam")
    assert len(south.gdf) == 8


def test_geojson_with_invalid_and_empty_geometries():
    [src] = read_source(GEOJSON_BAD)
    rep = src.report
    assert (rep.features_read, rep.features_kept) == (6, 4)
    assert (rep.repaired, rep.dropped_empty, rep.parts_dropped) == (2, 2, 1)
    assert src.gdf.geometry.is_valid.all()
    assert set(src.gdf.geometry.geom_type) <= {"Polygon", "MultiPolygon"}
    assert src.crs_source == "assumed" and src.source_crs == "EPSG:4326"
    assert list(src.gdf.index) == [0, 1, 2, 3]


def test_geojson_declaring_vn2000(communes):
    [src] = read_source(GEOJSON_3405)
    assert (src.source_crs, src.crs_source) == ("EPSG:3405", "file")
    gdf = src.gdf.set_index("commune_id")
    assert max_offset_m(gdf.geometry, communes.loc[gdf.index].geometry) < 1.0


def test_geojson_in_metres_without_crs_member(tmp_path):
    data = json.loads(GEOJSON_3405.read_text(encoding="utf-8"))
    data.pop("crs")
    path = tmp_path / "xa_met.geojson"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(MissingCRSError, match="look like metres.*WGS 84") as info:
        read_source(path)
    assert "EPSG:3405" in [c.code for c in info.value.candidates[:3]]
    [src] = read_source(path, crs="3405")
    assert src.crs_source == "user"


# --- CSV ------------------------------------------------------------------------------------


def test_csv_lonlat_utf8(points):
    [src] = read_source(CSV_LONLAT)
    assert list(src.gdf.columns) == ["Tên điểm", "Huyện", "geometry"]
    got = src.gdf.set_index("Tên điểm").loc[points.index]
    assert max_offset_m(got.geometry, points.geometry) < 1.0
    assert (src.source_crs, src.crs_source, src.encoding) == ("EPSG:4326", "assumed", "utf-8")


def test_csv_xy_cp1258_needs_crs_then_matches(points):
    with pytest.raises(MissingCRSError) as info:
        read_source(CSV_XY)
    assert info.value.candidates[0].code == "EPSG:3405"
    [src] = read_source(CSV_XY, crs="EPSG:3405")
    assert (src.encoding, src.encoding_source) == ("cp1258", "detected")
    got = src.gdf.set_index("Tên điểm").loc[points.index]
    assert list(got["Huyện"]) == list(points["huyen"])
    assert max_offset_m(got.geometry, points.geometry) < 1.0


def test_wrong_encoding_warns_about_undecodable_bytes():
    [src] = read_source(CSV_XY, crs="EPSG:3405", encoding="utf-8")
    assert src.encoding_source == "user"
    assert any("not valid utf-8" in w for w in src.report.warnings)
    [good] = read_source(CSV_XY, crs="EPSG:3405")
    assert not any("not valid" in w for w in good.report.warnings)


def test_csv_semicolon_decimal_comma_and_swapped_xy(tmp_path, points):
    utm = points.to_crs(3405)
    lines = ["ten;X;Y"] + [f"{name};{pt.y:.2f};{pt.x:.2f}".replace(".", ",")
                           for name, pt in zip(points.index, utm.geometry, strict=True)]
    path = tmp_path / "toa_do.csv"
    path.write_bytes("\n".join(lines).encode("utf-8"))
    [src] = read_source(path, crs="EPSG:3405")
    assert any("swapped" in w for w in src.report.warnings)
    got = src.gdf.set_index("ten").loc[points.index]
    assert max_offset_m(got.geometry, points.geometry) < 1.0


def test_csv_wkt_column_and_bom(tmp_path, points):
    lines = ["ten,wkt"] + [f'{name},"{pt.wkt}"' for name, pt in points.geometry.items()]
    path = tmp_path / "hinh.csv"
    path.write_bytes(b"\xef\xbb\xbf" + "\n".join(lines).encode("utf-8"))
    [src] = read_source(path)
    assert src.crs_source == "assumed" and src.encoding == "utf-8"
    assert list(src.gdf.columns) == ["ten", "geometry"]
    got = src.gdf.set_index("ten").loc[points.index]
    assert max_offset_m(got.geometry, points.geometry) < 1.0


def test_csv_bad_numbers_name_the_lines(tmp_path):
    path = tmp_path / "loi.csv"
    path.write_text("ten,lon,lat\nA,106.7,21.8\nB,abc,21.9\nC,106.8,\n", encoding="utf-8")
    with pytest.raises(LayerError, match=r"'lon'.*line 3 \('abc'\)"):
        read_source(path)
    path.write_text("ten,lon,lat\nA,106.7,21.8\nB,106.9,21.9\nC,106.8,\n", encoding="utf-8")
    with pytest.raises(LayerError, match=r"'lat'.*line 4"):
        read_source(path)


def test_csv_without_coordinates_or_with_xy_only(tmp_path):
    path = tmp_path / "bang.csv"
    path.write_text("ten,dan_so\nA,1\n", encoding="utf-8")
    with pytest.raises(LayerError, match="no coordinate columns.*lon/lat"):
        read_source(path)
    path.write_text("ten,x,y\nA,450000,2400000\n", encoding="utf-8")
    with pytest.raises(MissingCRSError, match="--crs"):
        read_source(path)


# --- general errors --------------------------------------------------------------------------


@pytest.mark.filterwarnings("ignore:GPKG. bad application_id:RuntimeWarning")
def test_unsupported_missing_and_empty(tmp_path):
    with pytest.raises(LayerError, match=r"unsupported.*\.zip, \.shp, \.gpkg"):
        read_source(tmp_path / "notes.txt")
    assert ".kmz" in SUPPORTED
    with pytest.raises(LayerError, match="no such file"):
        read_source(tmp_path / "khong_co.gpkg")
    empty = tmp_path / "rong.geojson"
    empty.write_text('{"type": "FeatureCollection", "features": []}', encoding="utf-8")
    with pytest.raises(LayerError, match="rong.geojson has no features"):
        read_source(empty)
    broken = tmp_path / "hong.gpkg"
    broken.write_bytes(b"SQLite format 3\x00" + b"\x00" * 100)
    with pytest.raises(LayerError, match="hong.gpkg could not be read"):
        read_source(broken)


def test_every_layer_is_wgs84_and_valid():
    paths = [SHP_A, SHP_B, SHP_C, SHP_D, ZIP_F, GPKG_G, KML_H, KMZ_H, CSV_LONLAT, GEOJSON_BAD,
             GEOJSON_3405]
    for path in paths:
        for src in read_source(path):
            assert src.gdf.crs.to_epsg() == 4326, path
            assert src.gdf.geometry.is_valid.all(), path
            bounds = src.gdf.total_bounds
            assert 106 < bounds[0] < bounds[2] < 107.5 and 21.3 < bounds[1] < bounds[3] < 22.5
            text = src.gdf.select_dtypes(include=["object", "string"]).to_numpy().ravel()
            assert is_nfc([v for v in text if isinstance(v, str)]), path
            assert len(src.checksum) == 64
            assert list(src.gdf.index) == list(range(len(src.gdf)))


@pytest.mark.parametrize("dtype", ["str", "string[pyarrow]", "string[python]", object])
def test_text_is_nfc_whatever_its_column_type(dtype: object) -> None:
    import numpy as np
    import shapely

    from layers.readers import _nfc

    values = [unicodedata.normalize("NFD", "Xã Tân Thanh"), None, "Lạng Sơn", "",
              unicodedata.normalize("NFD", "Ấp Bàn Cờ"), unicodedata.normalize("NFKD", "ﬁ")]
    frame = gpd.GeoDataFrame({"ten": pd.Series(values, dtype=dtype)},
                             geometry=shapely.points(np.zeros(6), np.zeros(6)))
    got = _nfc(frame)["ten"].tolist()
    expected = [unicodedata.normalize("NFC", v) if isinstance(v, str) else None for v in values]
    assert [None if pd.isna(v) else v for v in got] == expected
