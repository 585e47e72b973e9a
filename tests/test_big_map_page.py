"""The Map page with a big layer, under Streamlit's AppTest: tiles cut once, page kept.

The page's frame loads Leaflet.VectorGrid and the big layer's tiles, holds none of its
features, and a rerun, another session or the English page reuse the tiles already cut.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely
from test_big_map import project_tile_sets

from conftest import app_test, map_pages
from layers.store import NewLayer, ProjectStore
from layers.tiles import COMPLETE
from maps.viewport import BIG_LAYER_FEATURES

LAYER = "Điểm quan sát (sinh ra)"


@pytest.fixture
def new_tile_sets(demo_project: Path) -> Iterator[None]:
    """Remove the test project's tile sets from the checkout's static/tiles/ at the end."""
    yield
    for path in project_tile_sets(demo_project):  # only this project's: tests run in parallel
        shutil.rmtree(path, ignore_errors=True)


def points(n: int) -> gpd.GeoDataFrame:
    rng = np.random.default_rng(7)
    return gpd.GeoDataFrame({"name": [f"Điểm {i}" for i in range(n)]},
                            geometry=shapely.points(rng.uniform(106.3, 107.0, n),
                                                    rng.uniform(21.6, 22.2, n)),
                            crs="EPSG:4326")


def test_the_map_page_cuts_a_big_layer_once(demo_project: Path,
                                            monkeypatch: pytest.MonkeyPatch,
                                            new_tile_sets: None) -> None:
    ProjectStore(demo_project).add_layer(NewLayer(points(BIG_LAYER_FEATURES + 500), LAYER,
                                                  "high_point"))
    at = app_test("ui/map_page.py", demo_project, monkeypatch)
    assert not at.exception
    (html,) = map_pages(at)
    assert "/app/static/leaflet-vectorgrid/Leaflet.VectorGrid.bundled.min.js" in html
    (made,) = project_tile_sets(demo_project)  # one set: the one big layer
    assert (made / COMPLETE).exists()
    assert f"/app/static/tiles/{made.name}/{{z}}/{{x}}/{{y}}.pbf" in html
    assert "Điểm 5499" not in html  # the features are in the tiles, not in the page
    tile = next(made.rglob("*.pbf"))
    stamp = tile.stat().st_mtime_ns
    again = app_test("ui/map_page.py", demo_project, monkeypatch)  # another session
    again.sidebar.radio(key="lang_choice").set_value("en").run()  # another page: English
    assert not again.exception
    assert tile.stat().st_mtime_ns == stamp  # nothing cut again
    (english,) = map_pages(again)
    assert english != html and made.name in english
