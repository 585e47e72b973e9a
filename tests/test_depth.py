"""Tests of geo.depth: geodesic distances to the border, band counts, band polygons."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from pyproj import Geod
from shapely.geometry import LineString, Point, box

from geo import settings
from geo.assets import stack_layers
from geo.depth import band_labels, band_polygons, depth_crosstab, depth_from_border
from layers.store import ProjectStore

GEOD = Geod(ellps="WGS84")
X0, Y0 = 640_000.0, 2_420_000.0


@pytest.fixture(scope="module")
def demo(demo_master: Path) -> dict[str, gpd.GeoDataFrame]:
    store = ProjectStore(demo_master)
    layers = [(r.name, r.kind, store.read(r.name)) for r in store.layers()]
    units = stack_layers(layers, kinds=["admin_unit"])
    return {
        "assets": stack_layers(layers, kinds=settings.posture_asset_kinds),
        "border": stack_layers(layers, kinds=["border"]),
        "province": units[units["level"] == "province"],
    }


def _geodesic_depth(geom: shapely.Geometry, border_lonlat: np.ndarray) -> float:
    """Minimum WGS84 geodesic distance (m) from the vertices of ``geom`` to the border's."""
    xy = shapely.get_coordinates(geom)
    # preselect with a crude equirectangular distance, then measure geodesically
    lat0 = np.radians(22.0)
    dx = (xy[:, None, 0] - border_lonlat[None, :, 0]) * np.cos(lat0)
    dy = xy[:, None, 1] - border_lonlat[None, :, 1]
    crude = np.hypot(dx, dy).ravel()
    pick = np.argsort(crude)[:400]
    a, b = np.unravel_index(pick, (len(xy), len(border_lonlat)))
    _, _, dist = GEOD.inv(xy[a, 0], xy[a, 1], border_lonlat[b, 0], border_lonlat[b, 1])
    return float(np.min(dist))


def test_depth_matches_geodesic_distances(demo: dict) -> None:
    assets, border = demo["assets"], demo["border"]
    out = depth_from_border(assets, border, area=demo["province"])
    assert list(out.index) == list(assets.index)
    # the border and the assets densified in metres (every 25 m), measured on the ellipsoid
    line = shapely.segmentize(border.to_crs("EPSG:3405").geometry.union_all(), 25.0)
    border_ll = shapely.get_coordinates(
        gpd.GeoSeries([line], crs="EPSG:3405").to_crs("EPSG:4326").iloc[0])
    dense = gpd.GeoSeries(shapely.segmentize(assets.to_crs("EPSG:3405").geometry.boundary
                                             .to_numpy(), 25.0), crs="EPSG:3405")
    dense = dense.where(~dense.is_empty, assets.to_crs("EPSG:3405").geometry.to_numpy())
    dense_ll = dense.to_crs("EPSG:4326").to_numpy()
    sample = np.arange(0, len(assets), 2)  # every other asset keeps the test fast
    expected = np.array([_geodesic_depth(dense_ll[i], border_ll) for i in sample])
    got = out["depth_m"].to_numpy()[sample]
    deep = expected > 1000.0
    assert deep.sum() > 0.9 * len(sample)
    np.testing.assert_allclose(got[deep], expected[deep], rtol=0.005)
    # two key defense areas are clipped 25 m inside the province: there the 25 m spacing of
    # the densified vertices, not the projection, bounds the error
    np.testing.assert_allclose(got[~deep], expected[~deep], atol=12.5)
    assert out["depth_km"].to_numpy() == pytest.approx(out["depth_m"].to_numpy() / 1000)
    assert not out["outside_province"].any()


def test_band_counts_match_a_direct_loop(demo: dict) -> None:
    assets = demo["assets"]
    out = depth_from_border(assets, demo["border"], bands_km=(10, 30, 60))
    labels = ["0–10", "10–30", "30–60", "> 60"]
    assert list(out["band"].cat.categories) == labels
    expected = []
    for d in out["depth_km"]:
        if d < 10:
            expected.append(labels[0])
        elif d < 30:
            expected.append(labels[1])
        elif d < 60:
            expected.append(labels[2])
        else:
            expected.append(labels[3])
    assert out["band"].astype(str).tolist() == expected
    table = depth_crosstab(out, assets["kind"])
    for kind in assets["kind"].unique():
        for band in labels:
            count = sum(1 for k, b in zip(assets["kind"], expected, strict=True)
                        if k == kind and b == band)
            assert table.loc[kind, band] == count
    assert table.loc["total", "total"] == len(assets)
    assert table.loc["relocation_site", "0–10"] == 0  # sites lie deep (designed: >= 28 km)
    assert list(table.columns) == [*labels, "total"]


def test_bands_hand_checked_and_limits_fall_deeper() -> None:
    border = gpd.GeoDataFrame(geometry=[LineString([(X0, Y0), (X0 + 100_000, Y0)])],
                              crs="EPSG:3405")
    ys = [5_000.0, 10_000.0, 29_999.0, 30_000.0, 75_000.0, -3_000.0]
    assets = gpd.GeoDataFrame(geometry=[Point(X0 + 50_000, Y0 + y) for y in ys],
                              index=list("abcdef"), crs="EPSG:3405")
    area = gpd.GeoDataFrame(geometry=[box(X0, Y0, X0 + 100_000, Y0 + 100_000)],
                            crs="EPSG:3405")
    out = depth_from_border(assets, border, area=area, bands_km=[10, 30, 60])
    assert out["depth_m"].tolist() == pytest.approx([5000, 10000, 29999, 30000, 75000, 3000])
    assert out["band"].astype(str).tolist() == ["0–10", "10–30", "10–30", "30–60", "> 60",
                                                "0–10"]
    assert out["outside_province"].tolist() == [False] * 5 + [True]
    no_area = depth_from_border(assets, border)
    assert no_area["outside_province"].isna().all()


def test_outside_province_flag_on_the_demo(demo: dict) -> None:
    province = demo["province"].to_crs("EPSG:3405").geometry.union_all()
    line = demo["border"].to_crs("EPSG:3405").geometry.union_all()
    on_line = line.interpolate(0.5, normalized=True)
    # two points 2 km either side of the border, perpendicular to it
    near = shapely.buffer(on_line, 2000.0).exterior
    pieces = [p for p in shapely.get_parts(shapely.difference(near, line.buffer(1.0)))]
    points = [p.interpolate(0.5, normalized=True) for p in pieces]
    assets = gpd.GeoDataFrame(geometry=points, crs="EPSG:3405")
    out = depth_from_border(assets, demo["border"], area=demo["province"])
    assert out["outside_province"].tolist() == [not province.contains(p) for p in points]
    assert set(out["outside_province"]) == {True, False}


def test_band_polygons_partition_the_province(demo: dict) -> None:
    bands = band_polygons(demo["border"], demo["province"], bands_km=(10, 30, 60))
    assert bands["band"].tolist() == band_labels((10, 30, 60))
    province = demo["province"].to_crs("EPSG:3405").geometry.union_all()
    assert bands["area_km2"].sum() == pytest.approx(province.area / 1e6, rel=1e-6)
    assert bands.geometry.area.sum() == pytest.approx(province.area, rel=1e-6)
    # random points of the province fall in the band of their distance to the border
    rng = np.random.default_rng(7)
    minx, miny, maxx, maxy = province.bounds
    pts = shapely.points(rng.uniform(minx, maxx, 3000), rng.uniform(miny, maxy, 3000))
    pts = pts[shapely.contains(province, pts)][:300]
    line = demo["border"].to_crs("EPSG:3405").geometry.union_all()
    dist = shapely.distance(pts, line) / 1000
    edges = [0, 10, 30, 60, np.inf]
    for k, geom in enumerate(bands.geometry):
        margin = np.minimum(np.abs(dist - edges[k]), np.abs(dist - edges[k + 1])) > 0.05
        inside = (dist >= edges[k]) & (dist < edges[k + 1])
        assert np.array_equal(shapely.covers(geom, pts[margin]), inside[margin])


@pytest.mark.parametrize("bad", [(30, 10), (0, 10), (-5,), (), (10, float("nan")), "10,30"])
def test_bad_bands_raise(demo: dict, bad: object) -> None:
    with pytest.raises(ValueError, match="increasing distances in km"):
        depth_from_border(demo["assets"], demo["border"], bands_km=bad)
    with pytest.raises(ValueError, match="increasing distances in km"):
        band_labels(bad)


def test_border_without_a_line_raises(demo: dict) -> None:
    belt = gpd.GeoDataFrame(geometry=[box(106.5, 21.8, 106.6, 21.9)], crs="EPSG:4326")
    with pytest.raises(ValueError, match="no line feature"):
        depth_from_border(demo["assets"], belt)


def test_settings_bands_read_at_call_time(demo: dict, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(settings, "depth_bands_km", (25.0,))
    out = depth_from_border(demo["assets"].head(5), demo["border"])
    assert list(out["band"].cat.categories) == ["0–25", "> 25"]
    assert isinstance(depth_crosstab(out, pd.Series("x", index=out.index)), pd.DataFrame)
