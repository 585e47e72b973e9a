"""The bundled real data, the basemap and the demo project (real geography, fictional assets)."""

from __future__ import annotations

import re
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely
from geopandas.testing import assert_geodataframe_equal

from layers.basemap import DATA_DIR, REAL_LAYERS, load_basemap, real_layer
from layers.demo import (
    FICTIONAL,
    FICTIONAL_SUFFIX,
    PROTECTION_GAP_M,
    RELOCATION_MIN_DEPTH_M,
    STATUSES,
    build_demo,
    demo_layers,
)
from layers.errors import LayerError
from layers.kinds import DEFENSE_WORK_KINDS, KINDS, check_geometry_types, get_kind
from layers.store import ProjectStore

METRIC = 3405
PUBLISHED_BORDER_KM = 231.0  # Lạng Sơn–China border length published by the province
FICTIONAL_KINDS = set(DEFENSE_WORK_KINDS) | {"enterprise", "relocation_site", "proposed_project",
                                              "defense_economic_zone",
                                              "hazard_zone", "shelter"}
EXTRA_COLUMNS = {"gso_code", "country"}  # real columns kept beside the kind attributes


@pytest.fixture(scope="module")
def layers():
    return demo_layers()


@pytest.fixture(scope="module")
def stored(demo_master: Path) -> dict[str, gpd.GeoDataFrame]:
    """The built demo project's layers, by kind (one layer per kind except infrastructure)."""
    store = ProjectStore(demo_master)
    out: dict[str, gpd.GeoDataFrame] = {}
    for rec in store.layers():
        out.setdefault(rec.kind, []).append(store.read(rec.name).to_crs(METRIC))
    return {k: pd.concat(v, ignore_index=True) for k, v in out.items()}


@pytest.fixture(scope="module")
def province_m() -> shapely.Geometry:
    return real_layer("province").to_crs(METRIC).geometry.union_all()


@pytest.fixture(scope="module")
def border_m() -> shapely.Geometry:
    return real_layer("border").to_crs(METRIC).geometry.union_all()


# --- bundled real data and basemap -----------------------------------------------------------


@pytest.mark.parametrize("name", list(REAL_LAYERS))
def test_every_real_layer_reads(name: str) -> None:
    gdf = real_layer(name)
    assert len(gdf) > 0
    assert gdf.crs.to_epsg() == 4326
    assert gdf.geometry.is_valid.all()


def test_real_layer_unknown_name_lists_names() -> None:
    with pytest.raises(LayerError, match="districts.*communes"):
        real_layer("communes2025")


def test_real_layer_returns_copies() -> None:
    first = real_layer("districts")
    first.loc[0, "name"] = "changed"
    assert real_layer("districts").loc[0, "name"] != "changed"


def test_real_admin_data() -> None:
    districts = real_layer("districts")
    assert len(districts) == 11
    assert (districts["level1_id"] == "20").all()
    assert districts["population"].sum() > 600_000
    communes = real_layer("communes")
    assert len(communes) == 226
    assert set(communes["level2_id"]) == set(districts["level2_id"])
    # The districts tile the province: their union has the province's area (in m², not degrees).
    province = real_layer("province").to_crs(METRIC).area.sum()
    assert districts.to_crs(METRIC).union_all().area == pytest.approx(province, rel=1e-4)


def test_border_is_the_province_outline_facing_china(province_m, border_m) -> None:
    assert border_m.geom_type == "LineString"
    length_km = border_m.length / 1000
    assert abs(length_km - PUBLISHED_BORDER_KM) <= 0.15 * PUBLISHED_BORDER_KM
    # Every vertex lies on the official outline.
    vertices = shapely.points(shapely.get_coordinates(border_m))
    assert shapely.distance(vertices, province_m.boundary).max() < 1.0
    # It does not run along the Vietnamese neighbours (Cao Bằng, Bắc Kạn, Thái Nguyên, Bắc Giang).
    provinces = real_layer("provinces").to_crs(METRIC)
    neighbours = provinces[provinces["level1_id"].isin(["04", "06", "19", "24"])].union_all()
    assert border_m.intersection(neighbours.buffer(50)).length < 500
    # And it faces China (Natural Earth country polygon, offset by a few km at most).
    china = real_layer("countries").query("ADM0_A3 == 'CHN'").to_crs(METRIC).union_all()
    assert shapely.distance(vertices, china).max() < 8000


def test_load_basemap_kinds_and_copies() -> None:
    base = load_basemap()
    assert [kind for _, kind, _ in base] == ["admin_unit", "admin_unit", "river"]
    for title, kind, gdf in base:
        assert title and kind in KINDS
        assert gdf.crs.to_epsg() == 4326 and "name" in gdf.columns and len(gdf)
        check_geometry_types(gdf.geometry, kind)
    assert "Việt Nam" in set(base[0][2]["name"])  # mojibake repaired
    base[0][2].loc[:, "name"] = "x"
    assert "Việt Nam" in set(load_basemap()[0][2]["name"])


def test_data_sources_documented() -> None:
    sources = (DATA_DIR / "SOURCES.md").read_text(encoding="utf-8")
    real = sorted((DATA_DIR / "real").glob("*.geojson"))
    assert {p.stem for p in real} == set(REAL_LAYERS)
    for path in real:
        assert f"`{path.name}`" in sources, path.name
    for licence in set(re.findall(r"licenses/([\w.-]+)", sources)):
        assert (DATA_DIR / "licenses" / licence).is_file(), licence
    assert sum(p.stat().st_size for p in real) < 5e6


# --- the demo layers ------------------------------------------------------------------------


def test_demo_is_deterministic(layers) -> None:
    again = demo_layers()
    assert [(x.name, x.kind) for x in again] == [(x.name, x.kind) for x in layers]
    for a, b in zip(layers, again, strict=True):
        assert_geodataframe_equal(a.gdf, b.gdf, check_less_precise=False)


def test_layer_kinds_and_columns(layers) -> None:
    assert len({x.name for x in layers}) == len(layers)
    for layer in layers:
        kind = get_kind(layer.kind)
        assert layer.gdf.crs.to_epsg() == 4326
        check_geometry_types(layer.gdf.geometry, kind)
        columns = set(layer.gdf.columns) - {"geometry"}
        attributes = {a.name for a in kind.attributes}
        assert {a.name for a in kind.required} <= columns, layer.name
        assert columns - attributes <= EXTRA_COLUMNS, (layer.name, columns - attributes)


def test_fictional_layers_are_marked(layers, stored) -> None:
    kinds = {x.kind for x in layers if x.fictional}
    assert kinds == FICTIONAL_KINDS
    for layer in layers:
        if layer.kind in FICTIONAL_KINDS:
            assert layer.name.endswith(FICTIONAL_SUFFIX)
            assert (layer.gdf["fictional"] == FICTIONAL).all()
        else:
            assert not layer.name.endswith(FICTIONAL_SUFFIX)
            assert "fictional" not in layer.gdf.columns
    for kind in FICTIONAL_KINDS:  # as stored in the project
        assert (stored[kind]["fictional"] == FICTIONAL).all()


def test_fictional_assets_inside_province(stored, province_m) -> None:
    area = province_m.buffer(5.0)
    for kind in FICTIONAL_KINDS:
        outside = stored[kind][~stored[kind].within(area)]
        assert outside.empty, (kind, list(outside["name"]))


def test_one_combat_base_per_district(stored) -> None:
    bases = stored["combat_base"]
    districts = real_layer("districts").to_crs(METRIC)[["level2_id", "geometry"]]
    joined = gpd.sjoin(bases, districts, predicate="within", how="left")
    assert joined["level2_id"].notna().all()
    per_district = joined[joined["level"] == "district"]["level2_id"].value_counts()
    assert set(per_district.index) == set(districts["level2_id"])
    assert (per_district == 1).all()
    assert (bases["level"] == "province").sum() == 1
    area_km2 = bases.area / 1e6
    assert area_km2.between(0.5, 2.0).all()


def test_bases_stay_off_roads_and_towns(stored) -> None:
    roads = stored["infrastructure"].union_all()
    towns = stored["place"]
    for kind in ("combat_base", "rear_base"):
        bases = stored[kind]
        assert not bases.intersects(roads).any(), kind
        assert not gpd.sjoin(towns, bases, predicate="within").shape[0], kind


def test_rear_bases_deeper_than_combat_bases(stored, border_m) -> None:
    def depth(gdf: gpd.GeoDataFrame) -> pd.Series:
        district = gdf[gdf["level"] == "district"]
        return pd.Series(district.distance(border_m).to_numpy(),
                         index=district["code"].str.split("-").str[1])

    combat, rear = depth(stored["combat_base"]), depth(stored["rear_base"])
    assert sorted(rear.index) == sorted(combat.index)
    assert (rear > combat.reindex(rear.index)).all()


def test_base_status_and_progress(stored) -> None:
    for kind in ("combat_base", "rear_base", "logistics_base"):
        gdf = stored[kind]
        assert set(gdf["status"]) <= set(STATUSES)
        pct = gdf["percent_complete"]
        assert (pct[gdf["status"] == "planned"] == 0).all()
        assert (pct[gdf["status"] == "done"] == 100).all()
        assert pct[gdf["status"] == "building"].between(1, 99).all()


def test_mobilization_layers(stored, border_m) -> None:
    enterprises, sites = stored["enterprise"], stored["relocation_site"]
    assert 25 <= len(enterprises) <= 35
    assert 35 <= len(sites) <= 45
    assert (enterprises["workforce"] > 0).all() and (enterprises["floor_area_m2"] > 0).all()
    assert (sites["usable_area_m2"] > 0).all() and (sites["capacity"] > 0).all()
    assert (sites["usable_area_m2"] < sites.area).all()  # usable part of the site polygon
    assert set(sites["water"]) | set(sites["power"]) <= {"yes", "no"}
    assert sites["usable_area_m2"].sum() > enterprises["floor_area_m2"].sum()
    assert (sites.distance(border_m) >= RELOCATION_MIN_DEPTH_M - 1).all()
    # Sites lie deeper than enterprises, which sit in the towns.
    assert sites.distance(border_m).median() > enterprises.distance(border_m).median()
    floods = stored["hazard_zone"][stored["hazard_zone"]["hazard"] == "flood"]
    assert sites.intersects(floods.union_all()).sum() >= 1


def test_training_grounds_in_a_quarter_of_districts(stored) -> None:
    share = stored["training_ground"]["code"].nunique() / 11
    assert 0.2 <= share <= 0.3


def test_hazard_zones(stored) -> None:
    hazards = stored["hazard_zone"]
    # the forest-fire zone is layers/demo_hazards.py's (tests/test_evacuation_brief.py)
    assert {"flood", "landslide", "forest_fire"} == set(hazards["hazard"])
    assert (hazards["return_period"] > 0).all()


def test_appraisal_scenarios_hold(stored, border_m) -> None:
    """Check the designed answers with shapely in metres, not with geo/."""
    works = pd.concat([stored[k] for k in DEFENSE_WORK_KINDS if k in stored], ignore_index=True)
    bases = pd.concat([stored[k] for k in ("combat_base", "rear_base", "logistics_base")],
                      ignore_index=True)
    projects = stored["proposed_project"]
    overlaps = [bool(works.intersects(g).any()) for g in projects.geometry]
    nearest_base = [float(bases.distance(g).min()) for g in projects.geometry]
    nearest_work = [float(works.distance(g).min()) for g in projects.geometry]
    # One project overlaps a combat base.
    assert any(stored["combat_base"].intersects(g).any() for g in projects.geometry)
    # One lies 300-500 m from a base and overlaps no defense work.
    in_zone = [i for i, d in enumerate(nearest_base) if 300 <= d <= 500 and not overlaps[i]]
    assert in_zone
    assert nearest_base[in_zone[0]] == pytest.approx(PROTECTION_GAP_M, abs=1.0)
    # One is clear: more than 1 km from every defense work.
    assert any(d > 1000 for d in nearest_work)
    # One is in the border belt (within 1 km of the border line).
    assert (projects.distance(border_m) < 1000).any()


def test_build_demo_store(demo_master: Path, layers) -> None:
    store = ProjectStore(demo_master)
    records = store.layers()
    assert [(r.name, r.kind) for r in records] == [(x.name, x.kind) for x in layers]
    assert [r.feature_count for r in records] == [len(x.gdf) for x in layers]
    assert all(r.checksum and r.source_file for r in records)


def test_build_demo_refuses_existing_path(tmp_path: Path) -> None:
    path = tmp_path / "demo.gpkg"
    path.write_bytes(b"")
    with pytest.raises(LayerError, match="exists; delete it or choose another path"):
        build_demo(path)
    assert path.read_bytes() == b""


def test_demo_exercise_records_are_fictional_and_once_per_commune(demo_master: Path) -> None:
    from layers import records
    from layers.demo import EXERCISE_YEARS, FICTIONAL
    from planning.exercises import communes as planning_communes
    from planning.project import Project

    store = ProjectStore(demo_master)
    history = records.read_exercises(store)
    communes = planning_communes(Project(store))
    assert (history["note"] == FICTIONAL).all()
    assert set(history["commune_code"]) <= set(communes["code"])
    assert not history["commune_code"].duplicated().any()  # at most once in the five years
    assert set(history["year"]) == set(range(EXERCISE_YEARS[0], EXERCISE_YEARS[1] + 1))
    per_year = history.groupby("year").size() / len(communes)
    assert per_year.between(0.15, 0.21).all()  # a fifth a year, about 1 in 10 skipped
    names = dict(zip(communes["code"], communes["name"], strict=True))
    assert (history["commune_name"] == history["commune_code"].map(names)).all()
