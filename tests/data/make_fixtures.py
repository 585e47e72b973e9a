"""Write the reader fixtures in tests/data/fixtures/ from real Lạng Sơn communes.

Run once from the repository root (the files are committed)::

    .venv/bin/python tests/data/make_fixtures.py [--source PATH]

``--source`` defaults to the shared censusVN2009 extract
``census2009_lang_son_communes.geojson`` (MIT; see tests/data/README.md). Every file is
written with real GDAL (pyogrio); legacy-encoded DBF text is produced by encoding the
names with :func:`layers.encoding.encode`, passing the bytes to GDAL as Latin-1 text
(``encoding="latin1"``), and checking the bytes on disk afterwards.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import zipfile
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import pyproj
import shapely

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from layers.encoding import encode  # noqa: E402

OUT = Path(__file__).resolve().parent / "fixtures"
DEFAULT_SOURCE = Path("/work/shared/data/vn/census2009_lang_son_communes.geojson")

# 16 communes across 10 districts: capitals with tone marks (Ái, Đ), old-style tones
# (Vạn Thủy), ngã/hỏi letters (Miễn, Mẫu).
COMMUNE_IDS = (2090101, 2090107, 2090319, 2090331, 2090521, 2090719, 2090903, 2090905,
               2091119, 2091303, 2091331, 2091541, 2091557, 2091701, 2091911, 2092129)
NAME_FIELD = "Tên_xã"  # a non-ASCII DBF field name (6 to 8 bytes in every encoding)
LDID_ANSI = 0x57

TM3_LANG_SON_ESRI = (  # hand-written, as Vietnamese GIS offices name it; EPSG:9215 params
    'PROJCS["VN_2000_Lang_Son_KTT_107_15_mui_3",GEOGCS["GCS_VN_2000",'
    'DATUM["D_Vietnam_2000",SPHEROID["WGS_1984",6378137.0,298.257223563]],'
    'PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],'
    'PROJECTION["Transverse_Mercator"],PARAMETER["False_Easting",500000.0],'
    'PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",107.25],'
    'PARAMETER["Scale_Factor",0.9999],PARAMETER["Latitude_Of_Origin",0.0],'
    'UNIT["Meter",1.0]]'
)
UTM48_TOWGS84_WKT1 = (  # no VN-2000 name anywhere: only the TOWGS84 tells
    'PROJCS["UTM 48N (VN)",GEOGCS["unknown",DATUM["unknown",'
    'SPHEROID["WGS 84",6378137,298.257223563],'
    'TOWGS84[-191.90441429,-39.30318279,-111.45032835,0.00928836,-0.01975479,'
    '0.00427372,0.252906278]],PRIMEM["Greenwich",0],UNIT["degree",0.0174532925199433]],'
    'PROJECTION["Transverse_Mercator"],PARAMETER["latitude_of_origin",0],'
    'PARAMETER["central_meridian",105],PARAMETER["scale_factor",0.9996],'
    'PARAMETER["false_easting",500000],PARAMETER["false_northing",0],UNIT["metre",1]]'
)


def main() -> None:
    """Write every fixture."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE)
    args = parser.parse_args()
    if OUT.exists():
        shutil.rmtree(OUT)
    OUT.mkdir(parents=True)
    communes = _communes(args.source)
    communes.to_file(OUT / "communes_wgs84.geojson", driver="GeoJSON",
                     layer_options={"RFC7946": "YES", "COORDINATE_PRECISION": 15})
    points = _points(communes)
    points.to_file(OUT / "points_wgs84.geojson", driver="GeoJSON",
                   layer_options={"RFC7946": "YES", "COORDINATE_PRECISION": 15})
    shp_table = _shp_table(communes)
    # (a) EPSG:9215, ESRI .prj from pyproj, UTF-8 .cpg
    _shapefile(shp_table.to_crs(9215), OUT / "a_tm3_utf8" / "xa_tm3.shp", "utf-8",
               prj=pyproj.CRS.from_epsg(9215).to_wkt("WKT1_ESRI"), cpg="UTF-8", ldid=LDID_ANSI)
    # (b) EPSG:3405 (prj with only a TOWGS84), TCVN3, no .cpg, LDID 0
    _shapefile(shp_table.to_crs(3405), OUT / "b_utm48_tcvn3" / "xa_utm48.shp", "tcvn3",
               prj=UTM48_TOWGS84_WKT1, cpg=None, ldid=0)
    # (c) EPSG:9215 with a custom-named ESRI .prj, VNI, no .cpg
    _shapefile(shp_table.to_crs(9215), OUT / "c_tm3_vni" / "xa_vni.shp", "vni",
               prj=TM3_LANG_SON_ESRI, cpg=None, ldid=LDID_ANSI)
    # (d) EPSG:4756 (VN-2000 lon/lat), Windows-1258 with a .cpg "1258"
    _shapefile(shp_table.to_crs(4756), OUT / "d_vn2000_cp1258" / "xa_cp1258.shp", "cp1258",
               prj=pyproj.CRS.from_epsg(4756).to_wkt("WKT1_ESRI"), cpg="1258", ldid=LDID_ANSI)
    # (e) EPSG:9215 without .prj
    _shapefile(shp_table.to_crs(9215), OUT / "e_no_prj" / "xa_khong_prj.shp", "utf-8",
               prj=None, cpg="UTF-8", ldid=0)
    _zip(shp_table, points)  # (f)
    _gpkg(communes, points)  # (g)
    _kml(communes, points)  # (h)
    _csv(points)  # (i)
    _invalid(communes)  # (j)
    communes.iloc[:5].to_crs(3405).to_file(OUT / "xa_vn2000_utm48n.geojson", driver="GeoJSON")
    total = sum(p.stat().st_size for p in OUT.rglob("*") if p.is_file())
    print(f"wrote {sum(1 for p in OUT.rglob('*') if p.is_file())} files, {total:,} bytes")


def _communes(source: Path) -> gpd.GeoDataFrame:
    gdf = gpd.read_file(source)
    gdf = gdf[gdf["commune_id"].isin(COMMUNE_IDS)].sort_values("commune_id")
    gdf = gdf[["commune_id", "commune_vn", "district_vn", "population", "geometry"]]
    gdf["population"] = gdf["population"].astype("int64")
    assert len(gdf) == len(COMMUNE_IDS), "a commune id is missing from the source"
    return gdf.reset_index(drop=True)


def _points(communes: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """One point inside each commune, computed in VN-2000 / UTM 48N."""
    metric = communes.to_crs(3405)
    pts = metric.geometry.representative_point().to_crs(4326)
    return gpd.GeoDataFrame({"ten": communes["commune_vn"], "huyen": communes["district_vn"]},
                            geometry=pts, crs=4326)


def _shp_table(communes: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"ma_xa": communes["commune_id"],
                             NAME_FIELD: communes["commune_vn"],
                             "huyen": communes["district_vn"],
                             "dan_so": communes["population"]},
                            geometry=communes.geometry, crs=communes.crs)


def _shapefile(gdf: gpd.GeoDataFrame, path: Path, encoding: str, *, prj: str | None,
               cpg: str | None, ldid: int) -> None:
    """Write a shapefile whose DBF text is in ``encoding``; check the bytes on disk."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text_cols = [c for c in gdf.columns if c != "geometry" and gdf[c].dtype.kind not in "iuf"]
    legacy = gdf.copy()
    for col in text_cols:
        legacy[col] = [encode(v, encoding).decode("latin-1") for v in gdf[col]]
    legacy.columns = [encode(c, encoding).decode("latin-1") if c != "geometry" else c
                      for c in gdf.columns]
    legacy = legacy.set_geometry("geometry")
    pyogrio.write_dataframe(legacy, path, encoding="latin1")
    for ext in (".cpg", ".prj"):
        path.with_suffix(ext).unlink(missing_ok=True)
    if prj is not None:
        path.with_suffix(".prj").write_text(prj, encoding="ascii")
    if cpg is not None:
        path.with_suffix(".cpg").write_text(cpg, encoding="ascii")
    dbf = path.with_suffix(".dbf")
    data = bytearray(dbf.read_bytes())
    data[29] = ldid
    dbf.write_bytes(bytes(data))
    for value in [*gdf.columns.drop("geometry"), *[v for c in text_cols for v in gdf[c]]]:
        assert encode(value, encoding) in data, f"{value!r} not on disk in {encoding}"
    assert dbf.read_bytes()[29] == ldid


def _zip(shp_table: gpd.GeoDataFrame, points: gpd.GeoDataFrame) -> None:
    """(f) Two shapefiles in subfolders of one zip, plus macOS junk."""
    tmp = OUT / "_zip_tmp"
    _shapefile(shp_table.to_crs(3405), tmp / "xa_lang_son.shp", "utf-8",
               prj=pyproj.CRS.from_epsg(3405).to_wkt("WKT1_ESRI"), cpg="UTF-8", ldid=LDID_ANSI)
    pts = points.rename(columns={"ten": "ten_xa"}).to_crs(3405)
    _shapefile(pts, tmp / "trung_tam_xa.shp", "utf-8",
               prj=pyproj.CRS.from_epsg(3405).to_wkt("WKT1_ESRI"), cpg="UTF-8", ldid=LDID_ANSI)
    with zipfile.ZipFile(OUT / "f_shapefiles_subfolder.zip", "w", zipfile.ZIP_DEFLATED) as zf:
        for part in sorted(tmp.iterdir()):
            folder = "du_lieu/" if part.stem == "xa_lang_son" else "du_lieu/diem/"
            zf.write(part, folder + part.name)
        zf.writestr("__MACOSX/du_lieu/._xa_lang_son.shp", b"\x00\x05\x16\x07 junk")
        zf.writestr("du_lieu/doc_truoc.txt", "Ranh giới xã Lạng Sơn (censusVN2009)\n")
    shutil.rmtree(tmp)


def _gpkg(communes: gpd.GeoDataFrame, points: gpd.GeoDataFrame) -> None:
    """(g) A GeoPackage with polygons in EPSG:9215 and points in EPSG:4326."""
    path = OUT / "g_lang_son.gpkg"
    pyogrio.write_dataframe(communes.to_crs(9215), path, layer="xa")
    pyogrio.write_dataframe(points, path, layer="trung_tam_xa", append=True)


def _kml(communes: gpd.GeoDataFrame, points: gpd.GeoDataFrame) -> None:
    """(h) A KML with two folders (north and south of the median), and the same as KMZ."""
    kml = communes.rename(columns={"commune_vn": "Name"})
    kml["population"] = kml["population"].astype("int32")  # LIBKML writes int64 as string
    north = points.to_crs(3405).geometry.y > points.to_crs(3405).geometry.y.median()
    path = OUT / "h_xa_lang_son.kml"
    pyogrio.write_dataframe(kml[north.to_numpy()], path, driver="LIBKML", layer="Phía Bắc")
    pyogrio.write_dataframe(kml[~north.to_numpy()], path, driver="LIBKML", layer="Phía Nam",
                            append=True)
    with zipfile.ZipFile(OUT / "h_xa_lang_son.kmz", "w", zipfile.ZIP_DEFLATED) as zf:
        zf.write(path, "doc.kml")


def _csv(points: gpd.GeoDataFrame) -> None:
    """(i) Points as lon/lat (UTF-8, comma) and as VN-2000 UTM 48N x/y (cp1258, semicolon)."""
    lonlat = pd.DataFrame({"Tên điểm": points["ten"], "Huyện": points["huyen"],
                           "Kinh độ": points.geometry.x.round(7),
                           "Vĩ độ": points.geometry.y.round(7)})
    (OUT / "i_diem_lonlat_utf8.csv").write_bytes(
        lonlat.to_csv(index=False, lineterminator="\r\n").encode("utf-8"))
    utm = points.to_crs(3405)
    xy = pd.DataFrame({"Tên điểm": points["ten"], "Huyện": points["huyen"],
                       "x": utm.geometry.x.round(2), "y": utm.geometry.y.round(2)})
    text = xy.to_csv(index=False, sep=";", lineterminator="\r\n")
    (OUT / "i_diem_xy_vn2000_utm48n_cp1258.csv").write_bytes(encode(text, "cp1258"))


def _invalid(communes: gpd.GeoDataFrame) -> None:
    """(j) Real communes: two valid, one with a spike, one bowtie-twisted, a null, an empty."""
    base = communes.iloc[[0, 1, 2, 3]].copy()
    spiked = _spike(_first_polygon(base.geometry.iloc[2]))
    twisted = _twist(_first_polygon(base.geometry.iloc[3]))
    assert not spiked.is_valid and not twisted.is_valid
    geoms = [base.geometry.iloc[0], base.geometry.iloc[1], spiked, twisted, None,
             shapely.Polygon()]
    gdf = gpd.GeoDataFrame({"ten": [*base["commune_vn"], "Không có hình", "Hình rỗng"]},
                           geometry=geoms, crs=4326)
    gdf.to_file(OUT / "j_hinh_loi.geojson", driver="GeoJSON",
                layer_options={"RFC7946": "YES", "COORDINATE_PRECISION": 15})


def _first_polygon(geom: shapely.Geometry) -> shapely.Polygon:
    return geom.geoms[0] if hasattr(geom, "geoms") else geom


def _spike(poly: shapely.Polygon) -> shapely.Polygon:
    """Add an out-and-back spike at the first vertex (valid polygon plus a line)."""
    ring = list(poly.exterior.coords)
    x0, y0 = ring[0]
    spike = (x0 - 0.01, y0 - 0.01)
    return shapely.Polygon([ring[0], spike, *ring])


def _twist(poly: shapely.Polygon) -> shapely.Polygon:
    """Swap two vertices of the ring so that it crosses itself (a bowtie)."""
    ring = list(poly.exterior.coords)[:-1]
    n = len(ring)
    ring[1], ring[n // 2] = ring[n // 2], ring[1]
    return shapely.Polygon(ring)


if __name__ == "__main__":
    main()
