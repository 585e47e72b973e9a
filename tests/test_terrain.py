"""geo.terrain: slope, hillshade, sampling, line of sight and viewshed against hand cases.

Analytic surfaces (a plane, a tent ridge, a mesa, a cone, flat ground on a curved Earth)
whose visibility is known in closed form, and xarray-spatial's viewshed as a peer.
"""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import pytest
from scipy.ndimage import gaussian_filter
from shapely.geometry import Point, box

from geo import terrain
from geo.errors import AnalysisInputError
from geo.terrain import Grid

CRS = "EPSG:3405"


def grid_of(z: np.ndarray, cell: float = 10.0, x0: float = 0.0) -> Grid:
    return Grid(z=np.asarray(z, dtype=float), x0=x0, y0=z.shape[0] * cell, cell=cell, crs=CRS)


def centres(grid: Grid) -> tuple[np.ndarray, np.ndarray]:
    xs, ys = grid.centres()
    return np.meshgrid(xs, ys)


def plane(a: float, b: float, c: float = 100.0, n: int = 30, cell: float = 10.0) -> Grid:
    g = grid_of(np.zeros((n, n)), cell)
    x, y = centres(g)
    return grid_of(c + a * x + b * y, cell)


# --- slope, hillshade, sampling ------------------------------------------------------------


def test_slope_of_a_plane_is_exact_everywhere_edges_included() -> None:
    g = plane(0.3, -0.4)
    expected = math.degrees(math.atan(0.5))  # |gradient| = hypot(0.3, 0.4)
    assert np.allclose(terrain.slope_deg(g), expected, atol=1e-9)


def test_hillshade_of_planes_matches_the_lambert_formula() -> None:
    flat = terrain.hillshade(plane(0, 0), azimuth=315, altitude=45)
    assert np.allclose(flat, 255 * math.sin(math.radians(45)))
    # a plane rising to the south-east faces north-west: the light at 315° falls on it at
    # the angle between its normal and the light; normal (-a, -b, 1) with a=0.5, b=-0.5
    lit = terrain.hillshade(plane(0.5, -0.5), azimuth=315, altitude=30)
    n = np.array([-0.5, 0.5, 1.0]) / math.sqrt(1.5)
    az, alt = math.radians(315), math.radians(30)
    light = np.array([math.sin(az) * math.cos(alt), math.cos(az) * math.cos(alt),
                      math.sin(alt)])
    assert np.allclose(lit, 255 * float(n @ light))
    # facing away from a low light: dark
    assert np.allclose(terrain.hillshade(plane(-2.0, 2.0), azimuth=315, altitude=10), 0.0)


def test_bilinear_sample_of_a_plane_is_exact_and_nan_off_the_grid() -> None:
    g = plane(0.25, 0.5, c=40.0)
    x = np.array([5.0, 123.4, 250.0, 295.0, -1.0, 150.0])
    y = np.array([5.0, 77.7, 149.9, 295.0, 10.0, 301.0])
    got = terrain.sample(g, x, y)
    assert np.allclose(got[:4], 40.0 + 0.25 * x[:4] + 0.5 * y[:4])
    assert np.isnan(got[4:]).all()


def test_feature_terrain_of_points_and_a_polygon_on_a_plane() -> None:
    g = plane(0.1, 0.0, c=0.0)  # z = x / 10, slope atan(0.1)
    frame = gpd.GeoDataFrame(
        {"name": ["p", "square", "off"]},
        geometry=[Point(55.0, 100.0), box(100.0, 100.0, 200.0, 150.0), Point(-50.0, 0.0)],
        crs=CRS, index=["a", "b", "c"])
    got = terrain.feature_terrain(g, frame)
    assert list(got.index) == ["a", "b", "c"]
    assert got.loc["a", "elevation_m"] == pytest.approx(5.5)
    assert got.loc["a", "slope_deg"] == pytest.approx(math.degrees(math.atan(0.1)))
    # cell centres inside the square: x = 105 ... 195
    assert got.loc["b", "elevation_min_m"] == pytest.approx(10.5)
    assert got.loc["b", "elevation_max_m"] == pytest.approx(19.5)
    assert got.loc["c"].isna().all()


# --- line of sight ------------------------------------------------------------------------


def ridge() -> Grid:
    """Flat ground with a tent ridge along y: apex 50 m at x = 505, feet at 455 and 555.

    The kinks lie on cell centres, so the bilinear surface is exactly the tent.
    """
    g = grid_of(np.zeros((20, 100)))
    x, _ = centres(g)
    return grid_of(np.maximum(0.0, 50.0 - np.abs(x - 505.0)))


@pytest.mark.parametrize(("target_m", "visible"), [(90.0, False), (110.0, True)])
def test_line_of_sight_over_a_ridge_by_hand(target_m: float, visible: bool) -> None:
    # eye 2 m at x=105, target at x=905: the line passes the apex (400 m along) at
    # 2 + (target - 2) / 2; it clears the 50 m apex iff target > 98 m.
    seen = terrain.line_of_sight(ridge(), (105.0, 95.0), (905.0, 95.0), observer_height=2.0,
                                 target_height=target_m, curvature=False)
    assert seen.visible is visible
    assert seen.distance_m == pytest.approx(800.0)
    apex_clearance = 2 + (target_m - 2) / 2 - 50
    spacing = 800.0 / (int(800 / 5) + 1)  # samples every half cell, ends excluded
    if visible:  # least clearance: the first sample, over flat ground
        assert seen.min_clearance_m == pytest.approx(2 + (target_m - 2) * spacing / 800)
    else:
        assert apex_clearance <= seen.min_clearance_m <= apex_clearance + spacing * 1.2
        # the line L(d) = 2 + 88 d / 800 meets the flank z = d - 350 at d = 352 / 0.89
        assert seen.blocked_at_m == pytest.approx(352 / 0.89, abs=spacing)
        assert seen.blocked_xy[1] == pytest.approx(95.0)


def test_line_of_sight_over_flat_ground_ends_at_the_horizon() -> None:
    # eye h over a flat Earth of effective curvature c = (1-k)/(2R): the ground at D is
    # seen iff c D^2 <= h, i.e. D <= sqrt(h / c) = sqrt(2 R h / (1 - k)): the clearance at d
    # is (1 - d/D)(h - c d D)
    h = 2.0
    c = (1 - terrain.REFRACTION) / (2 * terrain.EARTH_RADIUS_M)
    horizon = math.sqrt(h / c)
    g = Grid(np.zeros((3, 1300)), 0.0, 30.0, 10.0, CRS)
    for dist, visible in ((horizon - 200, True), (horizon + 200, False)):
        seen = terrain.line_of_sight(g, (5.0, 15.0), (5.0 + dist, 15.0), observer_height=h,
                                     target_height=0.0)
        assert seen.visible is visible, dist
    flat = terrain.line_of_sight(g, (5.0, 15.0), (12000.0, 15.0), observer_height=h,
                                 curvature=False)
    assert flat.visible


def test_line_of_sight_refuses_bad_heights_and_points_off_the_dem() -> None:
    g = ridge()
    with pytest.raises(AnalysisInputError) as err:
        terrain.line_of_sight(g, (105.0, 95.0), (905.0, 95.0), observer_height=-1,
                              target_height=float("nan"))
    assert [p.key for p in err.value.problems] == ["terrain_height_bad"] * 2
    assert "observer_height" in str(err.value) and "target_height" in str(err.value)
    with pytest.raises(AnalysisInputError) as err:
        terrain.line_of_sight(g, (105.0, 95.0), (5000.0, 95.0))
    assert err.value.problems[0].key == "terrain_off_grid"
    assert "(5000, 95)" in str(err.value)


# --- viewshed ------------------------------------------------------------------------------


def mesa(n: int = 401, cell: float = 20.0) -> tuple[Grid, np.ndarray, float, float]:
    """A plateau of 100 m (radius 500 m) with 1:2 flanks down to flat ground."""
    g = grid_of(np.zeros((n, n)), cell)
    x, y = centres(g)
    mid = n * cell / 2
    r = np.hypot(x - mid, y - mid)
    return grid_of(np.clip(100.0 - 0.5 * (r - 500.0), 0.0, 100.0), cell), r, mid, mid


def test_viewshed_of_a_mesa_matches_the_closed_form() -> None:
    # eye h = 50 m over the plateau centre: the flank (slope 0.5 > h / 500) is hidden, the
    # ground is seen from r = (100 + h) * 500 / h = 1500 m on; the plateau is seen.
    g, r, x, y = mesa()
    seen = terrain.viewshed(g, x, y, radius_m=3900.0, observer_height=50.0, curvature=False)
    expected = (r <= 500.0) | (r >= 1500.0)
    sure = (r <= 3900.0) & (np.abs(r - 500.0) > 2 * g.cell) & (np.abs(r - 1500.0) > 3 * g.cell)
    assert sure.sum() > 100_000
    assert np.array_equal(seen[sure], expected[sure])
    assert not seen[r > 3900.0].any()


def test_viewshed_from_the_apex_of_a_cone_sees_it_all() -> None:
    # along every ray from the apex the cone is a straight line, and the bilinear surface
    # of a concave cone lies under it: nothing hides anything up to the foot (750 m)
    g = grid_of(np.zeros((201, 201)), 10.0)
    x, y = centres(g)
    r = np.hypot(x - 1005.0, y - 1005.0)
    cone = grid_of(np.maximum(300.0 - 0.4 * r, 0.0), 10.0)
    seen = terrain.viewshed(cone, 1005.0, 1005.0, radius_m=700.0, observer_height=1.0,
                            curvature=False)
    assert np.array_equal(seen, r <= 700.0)
    # seen from the foot at eye height 1 m, the cone hides what lies behind it
    behind = terrain.viewshed(cone, 1005.0, 1005.0 - 800.0, radius_m=2000.0,
                              observer_height=1.0, curvature=False)
    assert not behind[(r > 30) & (np.abs(x - 1005.0) < 100) & (y > 1005.0)].any()


def test_viewshed_on_a_curved_earth_ends_at_the_horizon() -> None:
    h = 10.0
    c = (1 - terrain.REFRACTION) / (2 * terrain.EARTH_RADIUS_M)
    horizon = math.sqrt(h / c)  # 13.5 km for a 10 m mast
    g = grid_of(np.zeros((701, 701)), 50.0)
    x, y = centres(g)
    mid = 701 * 50.0 / 2
    r = np.hypot(x - mid, y - mid)
    seen = terrain.viewshed(g, mid, mid, radius_m=17000.0, observer_height=h)
    sure = np.abs(r - horizon) > 2 * 50.0
    assert np.array_equal(seen[sure & (r <= 17000)], (r <= horizon)[sure & (r <= 17000)])


def test_viewshed_agrees_with_xarray_spatial() -> None:
    import xarray as xr  # xarray-spatial is in the test extras (pyproject.toml)
    from xrspatial import viewshed as xrs_viewshed

    rng = np.random.default_rng(7)
    n, cell = 151, 30.0
    z = gaussian_filter(rng.normal(size=(n, n)), 5) * 900 + 400
    g = grid_of(z, cell)
    xs, ys = g.centres()
    raster = xr.DataArray(z, dims=["y", "x"], coords={"y": ys, "x": xs})
    for col, row, h in ((75, 75, 10.0), (30, 110, 2.0), (120, 20, 30.0)):
        ours = terrain.viewshed(g, xs[col], ys[row], radius_m=1e9, observer_height=h,
                                curvature=False)
        peer = xrs_viewshed(raster, x=xs[col], y=ys[row], observer_elev=h).values > -1
        assert 0.05 < peer.mean() < 0.95  # a real test: both seen and hidden cells
        assert (ours == peer).mean() >= 0.995, (col, row, h)


def test_viewshed_refuses_a_bad_radius_and_an_observer_off_the_dem() -> None:
    g, _, x, y = mesa(41)
    with pytest.raises(AnalysisInputError) as err:
        terrain.viewshed(g, x, y, radius_m=0.0)
    assert err.value.problems[0].key == "terrain_radius_bad"
    with pytest.raises(AnalysisInputError) as err:
        terrain.viewshed(g, -100.0, y, radius_m=100.0)
    assert err.value.problems[0].key == "terrain_off_grid"


# --- seen areas ------------------------------------------------------------------------------


def test_visible_polygons_area_is_the_cell_count() -> None:
    rng = np.random.default_rng(3)
    mask = rng.random((60, 80)) > 0.6
    g = grid_of(np.zeros((60, 80)), 25.0, x0=1000.0)
    shape = terrain.visible_polygons(g, mask)
    assert shape.area == pytest.approx(mask.sum() * 625.0)
    assert terrain.visible_polygons(g, np.zeros_like(mask)).is_empty


def test_seen_area_of_districts_by_counting_cells() -> None:
    g = plane(0.01, 0.02, n=100, cell=10.0)  # a plane: everything within the radius is seen
    mask = terrain.viewshed(g, 505.0, 505.0, radius_m=300.0, observer_height=2.0)
    x, y = centres(g)
    assert np.array_equal(mask, np.hypot(x - 505.0, y - 505.0) <= 300.0)
    inside = box(400.0, 400.0, 600.0, 600.0)  # within the radius, on cell edges
    half = box(700.0, 300.0, 900.0, 700.0)  # cut by the radius
    far = box(0.0, 0.0, 50.0, 50.0)
    got = terrain.seen_area(g, mask, [inside, half, far])
    assert got[0] == pytest.approx(inside.area)
    in_half = (x > 700) & (x < 900) & (y > 300) & (y < 700) & mask
    assert got[1] == pytest.approx(in_half.sum() * 100.0)
    assert got[2] == 0.0


def test_highest_points_of_areas_by_brute_force() -> None:
    rng = np.random.default_rng(11)
    g = grid_of(rng.uniform(100, 900, (40, 50)), 10.0)
    areas = gpd.GeoSeries([box(0, 0, 200, 400), box(205, 105, 495, 295),
                           box(1000, 1000, 1100, 1100)], crs=CRS, index=["w", "e", "off"])
    got = terrain.highest_points(g, areas)
    x, y = centres(g)
    for key, (minx, miny, maxx, maxy) in zip(["w", "e"], areas.bounds.to_numpy()[:2],
                                             strict=True):
        inside = (x > minx) & (x < maxx) & (y > miny) & (y < maxy)
        k = np.argmax(np.where(inside, g.z, -np.inf))
        assert got.loc[key, "elevation_m"] == g.z.flat[k]
        assert (got.loc[key, "x"], got.loc[key, "y"]) == (x.flat[k], y.flat[k])
    assert got.loc["off"].isna().all()
