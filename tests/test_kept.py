"""Values a map makes of a frame, kept while the frame lives (maps/kept.py)."""

from __future__ import annotations

import gc

import geopandas as gpd
import numpy as np
from shapely.geometry import Point, box

from maps import kept
from maps.styling import MapLayer, drawn_layers
from ui.map_cache import fingerprint


def _frame(n: int = 3, crs: int = 3405) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"name": [f"n{i}" for i in range(n)]},
                            geometry=[Point(600_000 + i * 1000, 2_400_000) for i in range(n)],
                            crs=crs)


def test_a_value_is_computed_once_while_its_frame_lives() -> None:
    calls = []
    frame = _frame()
    first = kept.kept(frame, "k", lambda: calls.append(1) or [len(calls)])
    assert kept.kept(frame, "k", lambda: calls.append(1) or [len(calls)]) is first
    assert kept.kept(frame, "other", lambda: calls.append(1) or [len(calls)]) == [2]
    assert kept.kept(frame.copy(), "k", lambda: calls.append(1) or [len(calls)]) == [3]
    assert set(kept.kept_keys(frame)) == {"k", "other"}
    del frame
    gc.collect()
    alive = _frame()
    kept.kept(alive, "sweep", lambda: 0)  # a miss sweeps the values of dead frames
    assert all(ref() is not None for ref, _ in kept._KEPT.values())


def test_drawn_layers_of_a_kept_frame_equal_those_built_afresh() -> None:
    units = gpd.GeoDataFrame({"name": ["Xã A", "Xã B"], "level": ["commune", "commune"]},
                             geometry=[box(600_000, 2_400_000, 601_000, 2_401_000),
                                       box(601_000, 2_400_000, 603_000, 2_401_000)],
                             crs=3405)
    layer = MapLayer("Xã", "admin_unit", units)
    first = drawn_layers([layer]).data[0]
    again = drawn_layers([layer]).data[0]
    assert again.gdf is first.gdf  # reprojected once
    fresh = drawn_layers([MapLayer("Xã", "admin_unit", units.copy())]).data[0]
    assert fresh.gdf is not first.gdf
    assert fresh.gdf.geometry.equals(first.gdf.geometry)
    np.testing.assert_allclose(first.area_km2, [1.0, 2.0], rtol=1e-3)  # hand: 1 and 2 km²
    np.testing.assert_allclose(fresh.area_km2, first.area_km2)
    assert str(first.gdf.crs) == "EPSG:4326"


def test_a_frame_fingerprint_is_its_content_digested_once() -> None:
    frame = _frame()
    same = _frame()
    assert fingerprint(frame) == fingerprint(same)  # equal content, other objects
    moved = _frame()
    moved.geometry = moved.geometry.translate(1.0)
    assert fingerprint(moved) != fingerprint(frame)
    assert "digest" in kept.kept_keys(frame)
    assert fingerprint(frame.set_crs(4326, allow_override=True)) != fingerprint(frame)
