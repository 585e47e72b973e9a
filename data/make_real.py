"""Rebuild ``data/real/`` from the collected source files (a maintainer's tool).

The project never runs this: it reads only what this script wrote. Run it
again after changing a derivation, then update ``data/SOURCES.md``::

    .venv/bin/python data/make_real.py /path/to/shared/data/vn

Every step is described, file by file, in ``data/SOURCES.md``.
"""

from __future__ import annotations

import json
import sys
import unicodedata
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely
from shapely.ops import linemerge

OUT = Path(__file__).resolve().parent / "real"
METRIC = 3405  # VN-2000 / UTM zone 48N
LANG_SON = "20"  # GSO code
NEIGHBOURS = ("04", "06", "19", "24")  # Cao Bằng, Bắc Kạn, Thái Nguyên, Bắc Giang
BASEMAP_BOX = (101.5, 19.5, 110.0, 24.0)  # lon/lat box around northern Vietnam
SHARED_TOL_M = 200.0  # boundary within this of a dvhcvn neighbour is provincial
QN_TOL_M = 300.0  # same for the thinned census2009 Quảng Ninh outline
NE_BORDER_TOL_M = 8000.0  # the NE 1:10m line is offset by up to ~5 km
PLACES_NEAR_M = 60_000.0
ROADS_NEAR_M = 10_000.0
PRECISION = 6  # decimals of a degree written (~0.1 m)


def main(src: Path) -> None:
    """Write every file of ``data/real/`` from the source folder ``src``."""
    OUT.mkdir(exist_ok=True)
    provinces = gpd.read_file(src / "dvhcvn_adm1_provinces_north.geojson")
    districts = gpd.read_file(src / "dvhcvn_adm2_districts_north.geojson")
    census = src / "census2009_vn_admin_boundaries.gpkg"
    census_prov = gpd.read_file(census, layer="provinces")
    census_dist = gpd.read_file(census, layer="districts")
    communes = gpd.read_file(src / "census2009_lang_son_communes.geojson")
    gso = json.loads((src / "dvhcvn_admin_units_gso.json").read_text(encoding="utf-8"))

    province = provinces[provinces["level1_id"] == LANG_SON].copy()
    pop = census_prov.loc[census_prov["province"] == "Lang Son", "population"]
    province["population"] = int(pop.iloc[0])
    _write(province, "province")

    ls_districts = districts[districts["level1_id"] == LANG_SON].copy()
    ls_districts["population"] = _district_population(ls_districts, census_dist)
    _write(ls_districts, "districts")

    _write(_communes(communes, ls_districts, gso), "communes")
    _write(provinces, "provinces")

    lines = gpd.read_file(src / "ne10m_admin0_boundary_lines_vietnam.geojson")
    ne_line = lines[(lines["adm0_left"] == "China") | (lines["adm0_right"] == "China")]
    border = _china_border(province, provinces, census_prov, ne_line)
    _write(border, "border")

    _write(_countries(src / "ne10m_admin0_countries_vn_neighbours.geojson"), "countries")
    rivers = gpd.read_file(src / "ne10m_rivers_lake_centerlines_vn_region.geojson")
    rivers = rivers[["name", "name_en", "featurecla", "scalerank", "geometry"]]
    _write(_clip_box(rivers), "rivers")
    places = gpd.read_file(src / "ne10m_populated_places_vn_region.geojson")
    _write(_places(places, communes, province), "places")
    roads = gpd.read_file(src / "legocity_vn_national_roads_railways.geojson")
    _write(_roads(roads, province), "roads")


def _write(gdf: gpd.GeoDataFrame, name: str) -> None:
    gdf = gdf.to_crs(4326).reset_index(drop=True)
    path = OUT / f"{name}.geojson"
    path.unlink(missing_ok=True)
    gdf.to_file(path, driver="GeoJSON", engine="pyogrio", COORDINATE_PRECISION=PRECISION,
                RFC7946="NO")
    back = gpd.read_file(path)
    if not back.geometry.is_valid.all():
        back.geometry = back.geometry.make_valid()
        path.unlink()
        back.to_file(path, driver="GeoJSON", engine="pyogrio",
                     COORDINATE_PRECISION=PRECISION)
    print(f"{path.name}: {len(gdf)} features, {path.stat().st_size / 1e3:.0f} kB")


def _fold(text: str) -> str:
    """Lower-case NFC with the new-style tone placement (``hoà`` -> ``hòa``)."""
    text = unicodedata.normalize("NFC", str(text)).lower()
    for old, new in (("oà", "òa"), ("oá", "óa"), ("oả", "ỏa"), ("oã", "õa"), ("oạ", "ọa"),
                     ("oè", "òe"), ("oé", "óe"), ("oẻ", "ỏe"), ("oẽ", "õe"), ("oẹ", "ọe"),
                     ("uỳ", "ùy"), ("uý", "úy"), ("uỷ", "ủy"), ("uỹ", "ũy"), ("uỵ", "ụy")):
        text = text.replace(old, new)
    return text


def _district_population(districts: gpd.GeoDataFrame, census: gpd.GeoDataFrame) -> pd.Series:
    ls = census[census["province"] == "Lang Son"]
    by_name = dict(zip(ls["district_vn"].map(_fold), ls["population"], strict=True))
    pop = districts["name"].map(_fold).map(by_name)
    if pop.isna().any():
        raise SystemExit(f"no census population for {list(districts['name'][pop.isna()])}")
    return pop.astype(int)


def _communes(communes: gpd.GeoDataFrame, districts: gpd.GeoDataFrame,
              gso: dict) -> gpd.GeoDataFrame:
    """Census communes with the GSO district code and, where the name matches, commune code."""
    out = communes.copy()
    level2 = dict(zip(districts["name"].map(_fold), districts["level2_id"], strict=True))
    out["level2_id"] = out["district_vn"].map(_fold).map(level2)
    province = next(p for p in gso["data"] if p["level1_id"] == LANG_SON)
    level3 = {(d["level2_id"], _fold(c["name"])): c["level3_id"]
              for d in province["level2s"] for c in d["level3s"]}
    out["gso_code"] = [level3.get((d, _fold(n))) for d, n in
                       zip(out["level2_id"], out["commune_vn"], strict=True)]
    keep = ["commune_id", "commune_vn", "district_id", "district_vn", "level2_id", "gso_code",
            "area", "population", "geometry"]
    return out[keep]


def _china_border(province: gpd.GeoDataFrame, provinces: gpd.GeoDataFrame,
                  census_prov: gpd.GeoDataFrame, ne_line: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Part of the official Lạng Sơn outline that faces China, as one line."""
    outline = province.to_crs(METRIC).geometry.iloc[0].boundary
    neighbours = provinces[provinces["level1_id"].isin(NEIGHBOURS)].to_crs(METRIC).union_all()
    quang_ninh = census_prov[census_prov["province"] == "Quang Ninh"].to_crs(METRIC)
    ne = ne_line.to_crs(METRIC).union_all()
    line = (outline.difference(neighbours.buffer(SHARED_TOL_M))
            .difference(quang_ninh.geometry.iloc[0].buffer(QN_TOL_M))
            .intersection(ne.buffer(NE_BORDER_TOL_M)))
    merged = linemerge(line) if line.geom_type == "MultiLineString" else line
    if merged.geom_type != "LineString":
        raise SystemExit(f"border is in {len(merged.geoms)} pieces; check the tolerances")
    offset = shapely.distance(shapely.points(shapely.get_coordinates(merged)), ne)
    note = ("Lạng Sơn province outline (dvhcvn) where it faces China; derived, see SOURCES.md. "
            f"Length {merged.length / 1000:.1f} km; the NE 1:10m line lies a median "
            f"{pd.Series(offset).median() / 1000:.1f} km from it.")
    return gpd.GeoDataFrame(
        {"name": ["Biên giới Việt Nam – Trung Quốc (đoạn tỉnh Lạng Sơn)"],
         "sector": ["Lạng Sơn"], "length_m": [round(merged.length, 1)], "note": [note]},
        geometry=[merged], crs=METRIC)


def _clip_box(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    out = gdf.clip(shapely.box(*BASEMAP_BOX))
    return out[~out.geometry.is_empty]


def _countries(path: Path) -> gpd.GeoDataFrame:
    gdf = gpd.read_file(path)
    gdf = gdf[gdf["ADM0_A3"].isin(["VNM", "CHN", "LAO"])].copy()
    # NAME_VI was written as UTF-8 bytes read as Latin-1 ("Viá»t Nam").
    gdf["NAME_VI"] = [n.encode("latin-1").decode("utf-8") for n in gdf["NAME_VI"]]
    gdf = _clip_box(gdf[["ADM0_A3", "NAME_VI", "NAME_EN", "geometry"]])
    metric = gdf.to_crs(METRIC)
    metric.geometry = metric.geometry.simplify(100.0).make_valid()
    return metric


def _places(places: gpd.GeoDataFrame, communes: gpd.GeoDataFrame,
            province: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """NE places near Lạng Sơn plus one point per township of the census communes."""
    area = province.to_crs(METRIC).geometry.iloc[0]
    ne = places.to_crs(METRIC)
    ne = ne[ne.distance(area) <= PLACES_NEAR_M]
    ne_out = gpd.GeoDataFrame(
        {"name": ne["NAME"], "country": ne["ADM0_A3"], "feature": ne["FEATURECLA"],
         "population": ne["POP_MAX"].astype(int), "source": "Natural Earth 1:10m"},
        geometry=ne.geometry, crs=METRIC)
    towns = communes[communes["commune_vn"].str.startswith("Thị trấn")].to_crs(METRIC)
    centre = towns.geometry.centroid
    inside = centre.within(towns.geometry)
    centre = centre.where(inside, towns.geometry.representative_point())
    town_out = gpd.GeoDataFrame(
        {"name": towns["commune_vn"].str.removeprefix("Thị trấn "), "country": "VNM",
         "feature": "Township (thị trấn)", "population": towns["population"].astype(int),
         "source": "censusVN2009 commune centroid"},
        geometry=centre, crs=METRIC)
    out = pd.concat([ne_out, town_out], ignore_index=True)
    return gpd.GeoDataFrame(out, geometry="geometry", crs=METRIC)


def _roads(roads: gpd.GeoDataFrame, province: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """LegoCity roads and railways that cross Lạng Sơn, clipped to 10 km around it."""
    area = province.to_crs(METRIC).geometry.iloc[0]
    metric = roads.to_crs(METRIC)
    metric = metric[metric.intersects(area)]
    clipped = metric.clip(area.buffer(ROADS_NEAR_M))
    clipped = clipped[~clipped.geometry.is_empty].sort_values("gid", kind="stable")
    clipped["length_m"] = clipped.geometry.length.round(1)
    return clipped[["gid", "ma", "ten", "loai_duong", "cap_duong", "chieu_dai", "length_m",
                    "geometry"]]


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit("usage: make_real.py SOURCE_DIR (the collected data/vn folder)")
    main(Path(sys.argv[1]))
