"""Tests of geo.hazards: exposure and routes checked against a plain shapely loop."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
from shapely.geometry import LineString, Point, box

from geo import settings
from geo.assets import stack_layers
from geo.hazards import EXPOSURE_COLUMNS, ROUTE_COLUMNS, hazard_exposure, route_hazards
from layers.store import ProjectStore

X0, Y0 = 640_000.0, 2_420_000.0


@pytest.fixture(scope="module")
def demo(demo_master: Path) -> dict[str, gpd.GeoDataFrame]:
    store = ProjectStore(demo_master)
    layers = [(r.name, r.kind, store.read(r.name)) for r in store.layers()]
    return {
        "features": stack_layers(layers, kinds=settings.posture_asset_kinds),
        "hazards": stack_layers(layers, kinds=["hazard_zone"], columns=("name", "hazard")),
        "roads": stack_layers(layers, kinds=["infrastructure"]),
    }


def test_exposure_matches_a_shapely_loop(demo: dict) -> None:
    features, hazards = demo["features"], demo["hazards"]
    out = hazard_exposure(features, hazards)
    assert list(out.columns) == list(EXPOSURE_COLUMNS)
    fm, hm = features.to_crs("EPSG:3405"), hazards.to_crs("EPSG:3405")
    expected = []
    for label, feature in fm.iterrows():
        for zone_label, zone in hm.iterrows():
            if feature.geometry.intersects(zone.geometry):
                inside = feature.geometry.intersection(zone.geometry)
                expected.append((label, zone_label, inside.area, feature.geometry.area))
    assert list(zip(out["feature"], out["zone"], strict=True)) == [e[:2] for e in expected]
    polygons = out["geometry_type"] == "polygon"
    assert out.loc[polygons, "overlap_m2"].to_numpy() == pytest.approx(
        [e[2] for e, p in zip(expected, polygons, strict=True) if p], rel=1e-9)
    assert out.loc[polygons, "overlap_pct"].to_numpy() == pytest.approx(
        [100 * e[2] / e[3] for e, p in zip(expected, polygons, strict=True) if p], rel=1e-9)
    points = out["geometry_type"] == "point"
    assert (out.loc[points, "overlap_pct"] == 100).all()
    assert out.loc[points, "overlap_m2"].isna().all()
    # the demo puts relocation sites 01 and 02 in the Hữu Lũng flood zone, and no other site
    sites = out[out["kind"] == "relocation_site"]
    assert sites["name"].str[:21].tolist() == ["Địa điểm di chuyển 01", "Địa điểm di chuyển 02"]
    assert set(sites["zone_name"]) == {"Vùng ngập lụt Hữu Lũng"} and set(sites["hazard"]) == {
        "flood"}


def test_routes_hand_checked() -> None:
    zones = gpd.GeoDataFrame({"name": ["Lũ A", "Sạt lở B"], "hazard": ["flood", "landslide"]},
                             geometry=[box(X0 + 100, Y0 - 50, X0 + 300, Y0 + 50),
                                       box(X0 + 250, Y0 - 50, X0 + 400, Y0 + 50)],
                             crs="EPSG:3405")
    routes = gpd.GeoDataFrame(geometry=[LineString([(X0, Y0), (X0 + 1000, Y0)]),
                                        LineString([(X0, Y0 + 500), (X0 + 1000, Y0 + 500)]),
                                        LineString([(X0, Y0 + 50), (X0 + 1000, Y0 + 50)])],
                              index=["through", "clear", "edge"], crs="EPSG:3405")
    out = route_hazards(routes.to_crs("EPSG:4326"), zones)
    assert list(out.columns) == [*ROUTE_COLUMNS, "geometry"]
    assert out.geometry["clear"].is_empty
    assert out["in_hazard"].to_dict() == {"through": True, "clear": False, "edge": True}
    # 100 -> 400 m inside the union (the 50 m overlap of the two zones counted once)
    assert out.loc["through", "hazard_length_m"] == pytest.approx(300.0, abs=0.01)
    assert out.loc["through", "hazard_pct"] == pytest.approx(30.0, abs=0.01)
    assert out.loc["through", "zones"] == "Lũ A, Sạt lở B"
    assert out.loc["through", "hazards"] == "flood, landslide"
    assert out.loc["clear", "zones"] == "" and out.loc["clear", "hazard_length_m"] == 0
    # a line along a zone's edge lies in the zone (its boundary is part of it)
    assert out.loc["edge", "hazard_length_m"] == pytest.approx(300.0, abs=0.01)


def test_routes_match_a_shapely_loop_on_the_demo_roads(demo: dict) -> None:
    roads, hazards = demo["roads"], demo["hazards"]
    out = route_hazards(roads.geometry, hazards)
    union = hazards.to_crs("EPSG:3405").geometry.union_all()
    lengths = [g.intersection(union).length for g in roads.to_crs("EPSG:3405").geometry]
    assert out["hazard_length_m"].to_numpy() == pytest.approx(lengths, rel=1e-9)
    assert out.geometry.length.to_numpy() == pytest.approx(lengths, rel=1e-9)
    assert out.crs == "EPSG:3405" and list(out.index) == list(roads.index)
    assert out["in_hazard"].sum() > 5 and not out["in_hazard"].all()


def test_exposure_of_lines_and_errors() -> None:
    zone = gpd.GeoDataFrame({"name": ["Z"]}, geometry=[box(X0, Y0, X0 + 100, Y0 + 100)],
                            crs="EPSG:3405")
    feats = gpd.GeoDataFrame({"name": ["đường", "điểm ngoài"]},
                             geometry=[LineString([(X0 - 100, Y0 + 10), (X0 + 300, Y0 + 10)]),
                                       Point(X0 + 500, Y0 + 500)], crs="EPSG:3405")
    out = hazard_exposure(feats, zone)
    assert len(out) == 1 and out.loc[0, "geometry_type"] == "line"
    assert out.loc[0, "overlap_m"] == pytest.approx(100.0)
    assert out.loc[0, "overlap_pct"] == pytest.approx(25.0)
    assert np.isnan(out.loc[0, "overlap_m2"]) and out["layer"].isna().all()
    with pytest.raises(ValueError, match="must be polygons"):
        hazard_exposure(feats, feats)
    empty = hazard_exposure(feats.iloc[:0], zone)
    assert list(empty.columns) == list(EXPOSURE_COLUMNS) and len(empty) == 0
