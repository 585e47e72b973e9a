from __future__ import annotations

import csv
import io
import json
import struct
import zipfile
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest
import shapely
from shapely.geometry import Point

import layers.export as export_mod
from layers.errors import LayerError
from layers.export import EXPORT_FORMATS, MIME_TYPES, export_bytes, export_layer

DATA = Path(__file__).parent / "data" / "store_communes.geojson"
LAYER = "Xã biên giới Lạng Sơn"
NOTE = "Ghi chú: đường tuần tra, điểm cao 1.2 – “giả định”"


@pytest.fixture(scope="module")
def communes() -> gpd.GeoDataFrame:
    gdf = gpd.read_file(DATA).rename(columns={"commune_vn": "name"})
    gdf["note"] = [NOTE, "", "Ấp Đồng Đăng", "Thác Bản Giốc", "Nà Pàn"]
    # long names that a DBF field (10 bytes) cannot hold, two of them cut alike
    gdf["population_2009"] = gdf["population"] * 2
    gdf["population_2019"] = gdf["population"] * 3
    return gdf


@pytest.fixture(scope="module")
def points(communes: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    # real vertices: the first corner of each commune's boundary
    first = [Point(shapely.get_coordinates(g)[0]) for g in communes.geometry]
    return gpd.GeoDataFrame({"name": communes["name"], "code": communes["commune_id"]},
                            geometry=first, crs=communes.crs)


def attrs(gdf: pd.DataFrame) -> pd.DataFrame:
    geom = gdf.geometry.name if isinstance(gdf, gpd.GeoDataFrame) else None
    out = pd.DataFrame(gdf.drop(columns=[geom] if geom else []))
    return out.reset_index(drop=True)


def blank_as_missing(table: pd.DataFrame) -> pd.DataFrame:
    """Expected values for formats where empty text reads back as missing (CSV, KML, DBF)."""
    out = table.copy()
    out.loc[out["note"] == "", "note"] = float("nan")
    return out


def assert_geoms_close(got, want, tol: float) -> None:
    assert len(got) == len(want)
    for a, b in zip(got, want, strict=True):
        a, b = shapely.force_2d(a), shapely.force_2d(b)
        assert a.hausdorff_distance(b) <= tol, (a.wkt[:60], b.wkt[:60])
        assert abs(a.area - b.area) <= max(b.area * 1e-5, 1e-12)


def only_file(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_geopackage_round_trip(tmp_path: Path, communes: gpd.GeoDataFrame) -> None:
    out = export_layer(communes, tmp_path / "x.gpkg", layer_name=LAYER)
    assert out == tmp_path / "x.gpkg"
    info = pyogrio.read_info(out)
    assert info["layer_name"] == "xa_bien_gioi_lang_son"
    got = gpd.read_file(out)
    assert got.crs == communes.crs
    pd.testing.assert_frame_equal(attrs(got), attrs(communes))
    assert_geoms_close(got.geometry, communes.geometry, 1e-9)
    assert only_file(tmp_path) == ["x.gpkg"]


def test_geojson_is_rfc7946_wgs84(tmp_path: Path, communes: gpd.GeoDataFrame) -> None:
    vn2000 = communes.to_crs("EPSG:3405")
    out = export_layer(vn2000, tmp_path / "x.GeoJSON", layer_name=LAYER)
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert "crs" not in doc and doc["name"] == LAYER
    assert doc["features"][0]["properties"]["name"] == "Phường Hoàng Văn Thụ"
    outer = shapely.geometry.shape(doc["features"][0]["geometry"]).geoms[0].exterior
    assert outer.is_ccw  # RFC 7946 right-hand rule
    got = gpd.read_file(out)
    assert got.crs == "EPSG:4326"
    pd.testing.assert_frame_equal(attrs(got), attrs(communes))
    assert_geoms_close(got.geometry, communes.geometry, 1e-6)


def test_kml_names_placemarks_from_name(tmp_path: Path, communes: gpd.GeoDataFrame) -> None:
    out = export_layer(communes, tmp_path / "x.kml", layer_name=LAYER)
    text = out.read_text(encoding="utf-8")
    assert "<name>Xã Đình Lập</name>" in text and f"<name>{LAYER}</name>" in text
    got = pyogrio.read_dataframe(out).rename(columns={"Name": "name"})
    cols = [c for c in communes.columns if c != "geometry"]
    want = blank_as_missing(attrs(communes))[cols]
    pd.testing.assert_frame_equal(attrs(got)[cols], want, check_dtype=False)
    assert got["commune_id"].dtype.kind == "i"  # written as KML int, not text
    assert_geoms_close(got.geometry, communes.geometry, 1e-7)


def test_csv_has_bom_wkt_and_opens_with_pandas(tmp_path: Path,
                                               communes: gpd.GeoDataFrame) -> None:
    out = export_layer(communes, tmp_path / "x.csv", layer_name=LAYER)
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert NOTE.encode("utf-8") in raw
    table = pd.read_csv(out, encoding="utf-8-sig", keep_default_na=False, na_values=[""])
    assert list(table.columns) == [c for c in communes.columns if c != "geometry"] + ["WKT"]
    want = blank_as_missing(attrs(communes))
    pd.testing.assert_frame_equal(table.drop(columns="WKT"), want, check_dtype=False)
    geoms = shapely.from_wkt(table["WKT"].to_numpy())
    assert all(shapely.equals_exact(geoms, communes.geometry.values, tolerance=0))
    assert "lon" not in table.columns


def test_csv_of_points_has_lon_lat(tmp_path: Path, points: gpd.GeoDataFrame) -> None:
    vn2000 = points.to_crs("EPSG:3405")
    out = export_layer(vn2000, tmp_path / "p.csv", layer_name="Điểm")
    table = pd.read_csv(out, encoding="utf-8-sig")
    assert list(table.columns) == ["name", "code", "lon", "lat", "WKT"]
    assert table["name"].tolist() == points["name"].tolist()
    assert (table["lon"] - points.geometry.x).abs().max() < 1e-8
    assert (table["lat"] - points.geometry.y).abs().max() < 1e-8
    # GDAL reads the WKT column back as the geometry
    back = gpd.read_file(out)
    assert_geoms_close(back.geometry, points.geometry, 1e-8)


def test_csv_keeps_existing_lon_column(tmp_path: Path, points: gpd.GeoDataFrame) -> None:
    data = points.assign(lon="giữ nguyên")
    table = pd.read_csv(export_layer(data, tmp_path / "p.csv", layer_name="p"),
                        encoding="utf-8-sig")
    assert list(table.columns) == ["name", "code", "lon", "lon_geom", "lat", "WKT"]
    assert set(table["lon"]) == {"giữ nguyên"}


def read_dbf(data: bytes) -> tuple[list[str], list[dict[str, bytes]]]:
    """Parse a dBASE III file by hand (header, field descriptors, fixed-width records)."""
    count, header_len, record_len = struct.unpack("<IHH", data[4:12])
    fields, pos = [], 32
    while data[pos] != 0x0D:
        name = data[pos:pos + 11].split(b"\0")[0].decode("ascii")
        fields.append((name, chr(data[pos + 11]), data[pos + 16]))
        pos += 32
    records = []
    for i in range(count):
        rec, off = data[header_len + i * record_len:header_len + (i + 1) * record_len], 1
        row = {}
        for name, _kind, width in fields:
            row[name] = rec[off:off + width]
            off += width
        records.append(row)
    return [f[0] for f in fields], records


def test_zipped_shapefile_is_utf8(tmp_path: Path, communes: gpd.GeoDataFrame) -> None:
    out = export_layer(communes, tmp_path / "x.zip", layer_name=LAYER)
    with zipfile.ZipFile(out) as zf:
        names = zf.namelist()
        stem = "xa_bien_gioi_lang_son"
        assert {f"{stem}.{e}" for e in ("shp", "shx", "dbf", "prj", "cpg")} <= set(names)
        assert zf.read(f"{stem}.cpg").decode("ascii").strip() == "UTF-8"
        fields, records = read_dbf(zf.read(f"{stem}.dbf"))
        mapping = dict(csv.reader(io.StringIO(zf.read(f"{stem}_fields.csv")
                                              .decode("utf-8-sig"))))
    # unique 10-byte field names; short names untouched; cut names get _1, _2
    assert len(fields) == len({f.lower() for f in fields}) == len(communes.columns) - 1
    assert all(len(f.encode()) <= 10 for f in fields)
    assert mapping["population"] == "population"
    assert mapping["populati_1"] == "population_2009"
    assert mapping["populati_2"] == "population_2019"
    assert mapping["province_i"] == "province_id"
    # the text in the DBF is UTF-8, byte for byte
    names_in_dbf = [r["name"].rstrip(b" ").decode("utf-8") for r in records]
    assert names_in_dbf == communes["name"].tolist()
    assert records[0]["note"].rstrip(b" ").decode("utf-8") == NOTE

    got = gpd.read_file(out).rename(columns={k: v for k, v in mapping.items()
                                             if k != "shapefile_field"})
    assert got.crs == communes.crs
    want = blank_as_missing(attrs(communes))
    pd.testing.assert_frame_equal(attrs(got)[list(want.columns)], want, check_dtype=False)
    assert_geoms_close(got.geometry, communes.geometry, 1e-9)


def test_shapefile_zip_splits_geometry_types(tmp_path: Path, communes: gpd.GeoDataFrame,
                                             points: gpd.GeoDataFrame) -> None:
    mixed = pd.concat([communes[["name", "geometry"]], points[["name", "geometry"]]],
                      ignore_index=True)
    data, file_name, mime = export_bytes(mixed, "zip", layer_name="Căn cứ")
    assert (file_name, mime) == ("can_cu.zip", "application/zip")
    path = tmp_path / file_name
    path.write_bytes(data)
    with zipfile.ZipFile(path) as zf:
        shps = sorted(n for n in zf.namelist() if n.endswith(".shp"))
        assert "can_cu_fields.csv" not in zf.namelist()  # no field was renamed
    assert shps == ["can_cu_point.shp", "can_cu_polygon.shp"]
    polys = gpd.read_file(path, layer="can_cu_polygon")
    pts = gpd.read_file(path, layer="can_cu_point")
    assert polys["name"].tolist() == communes["name"].tolist()
    assert pts["name"].tolist() == points["name"].tolist()
    assert_geoms_close(pts.geometry, points.geometry, 0)


@pytest.mark.parametrize("fmt", sorted(EXPORT_FORMATS))
def test_export_bytes_matches_file(tmp_path: Path, communes: gpd.GeoDataFrame,
                                   fmt: str) -> None:
    data, file_name, mime = export_bytes(communes, fmt, layer_name=LAYER)
    assert file_name == f"xa_bien_gioi_lang_son{fmt}"
    assert mime == MIME_TYPES[fmt]
    path = tmp_path / file_name
    path.write_bytes(data)
    if fmt == ".csv":
        assert len(pd.read_csv(path, encoding="utf-8-sig")) == 5
    else:
        got = gpd.read_file(path)
        assert sorted(got["Name" if fmt == ".kml" else "name"]) == sorted(communes["name"])


def test_unknown_extension_is_refused(tmp_path: Path, communes: gpd.GeoDataFrame) -> None:
    with pytest.raises(LayerError, match=r"'\.shp'.*\.gpkg \(GeoPackage\).*\.zip"):
        export_layer(communes, tmp_path / "x.shp", layer_name="x")
    with pytest.raises(LayerError, match="without extension"):
        export_layer(communes, tmp_path / "x", layer_name="x")
    with pytest.raises(LayerError, match="Use one of"):
        export_bytes(communes, "xlsx", layer_name="x")
    assert only_file(tmp_path) == []


def test_bad_frames_are_refused(tmp_path: Path, communes: gpd.GeoDataFrame) -> None:
    with pytest.raises(LayerError, match="no coordinate reference system"):
        export_layer(communes.set_crs(None, allow_override=True), tmp_path / "x.gpkg",
                     layer_name="x")
    with pytest.raises(LayerError, match="no features"):
        export_layer(communes.iloc[0:0], tmp_path / "x.gpkg", layer_name="x")
    with pytest.raises(LayerError, match="does not exist"):
        export_layer(communes, tmp_path / "nope" / "x.gpkg", layer_name="x")
    assert only_file(tmp_path) == []


def test_failed_export_leaves_no_partial_file(tmp_path: Path, communes: gpd.GeoDataFrame,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "x.geojson"
    target.write_text("old export")

    def half_writer(gdf, path, layer_name):
        path.write_text('{"type": "FeatureCollection", "features": [')
        raise OSError(28, "No space left on device")

    monkeypatch.setitem(export_mod._WRITERS, ".geojson", half_writer)
    with pytest.raises(OSError, match="No space left"):
        export_layer(communes, target, layer_name="x")
    assert target.read_text() == "old export"
    assert only_file(tmp_path) == ["x.geojson"]
