"""Warm start (``serve.py``, ``ui.warm_up``): the Map page's map built before any visitor.

In process: :func:`ui.warm_up.warm_up` imports the pages' support modules (not the page
scripts, which would run) and keeps the Map page's default map of the project where the
page looks for it (:func:`ui.analysis_cache.cached`'s key); a project that cannot be
opened is reported in the returned line, not raised. Through ``streamlit run serve.py``
(Streamlit's ASGI entry point) on a project with a big layer: its vector tiles are cut
before the server answers, then the Map page draws them in Chromium, offline.
"""

from __future__ import annotations

import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_big_map import project_tile_sets
from test_big_map_browser import LAYER, map_frame, points

from browser import launch, open_page, page_errors, serve_app, wait_for_streamlit
from layers.store import NewLayer, ProjectStore
from layers.tiles import COMPLETE
from ui import analysis_cache
from ui.state import default_map_job
from ui.warm_up import LANGUAGE, support_modules, warm_up


@pytest.fixture
def tile_sets(demo_project: Path) -> Iterator[None]:
    """Remove the test project's tile sets from the checkout's static/tiles/ at the end."""
    yield
    for path in project_tile_sets(demo_project):
        shutil.rmtree(path, ignore_errors=True)


def kept_key(project: Path) -> tuple:
    proj, builder, args = default_map_job(ProjectStore(project), LANGUAGE)
    return analysis_cache._key(proj, builder, args, {}, None)


def test_warm_up_keeps_the_map_page_map(demo_project: Path) -> None:
    key = kept_key(demo_project)
    assert key not in analysis_cache._ANALYSES
    done = warm_up(demo_project)
    assert "map page built" in done
    assert key in analysis_cache._ANALYSES
    page = analysis_cache._ANALYSES[key]
    assert "L.map(" in page.html  # the page the Map page shows
    assert all(name in sys.modules for name in support_modules())
    assert not any(name.endswith("_page") for name in support_modules())


def test_warm_up_of_a_missing_project_says_so(tmp_path: Path) -> None:
    done = warm_up(tmp_path / "khong_co.gpkg")
    assert "map not built" in done and str(tmp_path) not in done
    assert not (tmp_path / "khong_co.gpkg").exists()  # nothing made


@pytest.mark.browser
def test_serve_py_cuts_the_tiles_before_the_first_visitor(demo_project: Path,
                                                          tile_sets: None) -> None:
    ProjectStore(demo_project).add_layer(NewLayer(points(), LAYER, "high_point"))
    (tiles,) = project_tile_sets(demo_project)
    assert not tiles.exists()
    with serve_app(demo_project, script="serve.py") as url:
        assert (tiles / COMPLETE).exists()  # cut during the start, before any visit
        with launch() as browser, open_page(browser, width=1300, height=900) as (page, log):
            page.goto(url)
            wait_for_streamlit(page, timeout=120_000)
            frame = map_frame(page)
            frame.wait_for_function("() => window.kvptVectorTiles.every(g => g._map && "
                                    "Object.keys(g._tiles).length > 0 && g._noTilesToLoad())",
                                    timeout=60_000)
            assert page.query_selector('[data-testid="stException"]') is None
            assert page_errors(page) == []
            assert log.outside_localhost() == []
