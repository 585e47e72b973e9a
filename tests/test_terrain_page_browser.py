"""The Terrain page in a real browser (Streamlit on 127.0.0.1, headless Debian Chromium).

A planner opens the page from the sidebar on the demo project, uploads a file that is not
a GeoTIFF (a Vietnamese error naming the file and no server path; nothing stored), then a
VN-2000 TM-3 GeoTIFF of a tilted plane (stored as a new DEM in EPSG:3405: the plane
again, checked through pyproj), computes a viewshed
(a Leaflet map with the seen area and the hillshade), and finds the hillshade in the Map
page's layer control, off. Throughout: nothing leaves 127.0.0.1, no JavaScript error, no
traceback on the page.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pyproj
import pytest
import rasterio
from affine import Affine
from playwright.sync_api import Frame, Page

from browser import launch, open_page, page_errors, serve_app, wait_for_leaflet, wait_for_streamlit
from layers import dem, store_rasters
from planning import terrain as pt

pytestmark = pytest.mark.browser


IMAGE_SHOWN = """() => { const i = document.querySelector('img.leaflet-image-layer');
    return !!i && i.complete && i.naturalWidth > 0 && i.src.startsWith('data:image/png'); }"""
"""The relief image is decoded (its PNG comes in a file the map page loads)."""


def check_page(page: Page, log, step: str) -> None:  # noqa: ANN001 - RequestLog
    """No exception box or traceback, no JavaScript error, nothing outside 127.0.0.1."""
    main = page.get_by_test_id("stMain")
    assert page.query_selector('[data-testid="stException"]') is None, step
    assert "Traceback" not in main.inner_text(), step
    assert page_errors(page) == [], step
    assert log.outside_localhost() == [], step
    assert log.bad_responses() == [], step


def leaflet_frame(page: Page, text: str) -> Frame:
    """Return the frame of a Leaflet map whose page shows ``text`` (legend, layer control)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        for frame in page.frames:
            try:
                if (frame != page.main_frame and frame.query_selector(".leaflet-container")
                        and text in frame.evaluate("() => document.body.textContent")):
                    return frame
            except Exception:  # noqa: BLE001 - a frame being replaced
                pass
        page.wait_for_timeout(250)
    raise AssertionError(f"no Leaflet map with {text!r}")


def upload(page: Page, path: Path) -> None:
    """Put ``path`` in the page's DEM upload form and submit it."""
    page.set_input_files('[data-testid="stFileUploaderDropzoneInput"]', str(path))
    page.get_by_test_id("stFileUploader").get_by_text(path.name).wait_for(
        timeout=30_000)  # uploaded before the form is sent
    page.get_by_role("button", name="Nhập vào dự án").click(timeout=30_000)


def test_planner_uploads_a_dem_and_computes_a_viewshed(demo_project: Path, tmp_path: Path
                                                       ) -> None:
    secret = tmp_path / "secret_folder"
    secret.mkdir()
    bad = secret / "khong_phai_dem.tif"
    bad.write_bytes(b"II*\x00 not a tiff at all")
    good = tmp_path / "dem_tm3.tif"
    z = 300.0 + np.add.outer(np.arange(40) * 2.0, np.arange(50) * 1.0)  # a tilted plane
    with rasterio.open(good, "w", driver="GTiff", width=50, height=40, count=1,
                       dtype="float64", crs="EPSG:9215",
                       transform=Affine(30.0, 0.0, 430000.0, 0.0, -30.0, 2430000.0)
                       ) as dst:
        dst.write(z, 1)
    before = store_rasters.rasters(demo_project)
    assert [r.name for r in before] == [pt.FICTIONAL_NAME]

    with serve_app(demo_project) as url, launch() as browser, \
            open_page(browser, width=1400, height=1400) as (page, log):
        page.goto(url)
        wait_for_streamlit(page)
        page.get_by_test_id("stSidebarNav").get_by_role("link", name="Địa hình").click()
        wait_for_streamlit(page)
        page.get_by_role("heading", name="Địa hình").first.wait_for(timeout=30_000)
        main = page.get_by_test_id("stMain")
        main.get_by_text("Mô hình này là GIẢ ĐỊNH").wait_for(timeout=30_000)
        check_page(page, log, "open")

        page.get_by_text("Nhập mô hình độ cao (GeoTIFF)").click()
        upload(page, bad)
        error = page.get_by_test_id("stAlertContentError").filter(has_text="khong_phai_dem.tif")
        error.wait_for(timeout=30_000)
        assert "Không đọc được" in error.inner_text()
        assert "secret_folder" not in main.inner_text() and "/tmp" not in error.inner_text()
        assert store_rasters.rasters(demo_project) == before
        check_page(page, log, "bad file")

        upload(page, good)
        main.get_by_text("Đã lưu DEM (phiên bản 1)").wait_for(timeout=60_000)
        check_page(page, log, "good file")

        page.get_by_role("tab", name="Vùng quan sát").click()
        page.get_by_role("button", name="Tính vùng quan sát").click()
        frame = leaflet_frame(page, "Vùng nhìn thấy")
        wait_for_leaflet(frame)
        frame.locator(".leaflet-overlay-pane path").first.wait_for(timeout=30_000)
        assert frame.query_selector("img.leaflet-image-layer") is not None  # the hillshade
        frame.wait_for_function(IMAGE_SHOWN, timeout=10_000)  # from the page's relief file
        main.get_by_text("Diện tích nhìn thấy theo huyện").wait_for()
        check_page(page, log, "viewshed")

        page.get_by_test_id("stSidebarNav").get_by_role("link", name="Bản đồ").click()
        wait_for_streamlit(page)
        frame = leaflet_frame(page, "Địa hình (DEM)")
        wait_for_leaflet(frame)
        control = frame.locator(".leaflet-control-layers-overlays label").filter(
            has_text="Địa hình (DEM)")
        assert control.count() == 1
        assert not control.locator("input").is_checked()  # off until ticked
        assert frame.query_selector("img.leaflet-image-layer") is None
        frame.locator(".leaflet-control-layers").hover()  # the control unfolds
        control.locator("input").check()
        frame.locator("img.leaflet-image-layer").wait_for(state="attached", timeout=10_000)
        frame.wait_for_function(IMAGE_SHOWN, timeout=10_000)
        check_page(page, log, "map page")

    stored = store_rasters.rasters(demo_project)
    assert sorted(r.name for r in stored) == sorted([pt.FICTIONAL_NAME, "DEM"])
    # the stored grid (EPSG:3405) is the plane of the file (TM-3 metres) where it lies
    grid = dem.from_geotiff(store_rasters.read_raster(demo_project, "DEM")[1])
    xs, ys = grid.centres()
    gx, gy = np.meshgrid(xs, ys)
    sx, sy = pyproj.Transformer.from_crs(grid.crs, "EPSG:9215", always_xy=True).transform(
        gx, gy)
    col, row = (sx - 430000) / 30 - 0.5, (2430000 - sy) / 30 - 0.5  # pixel centres: integers
    inside = (col > 1) & (col < 48) & (row > 1) & (row < 38)
    assert inside.sum() > 500 and np.isfinite(grid.z[inside]).all()
    assert np.allclose(grid.z[inside], 300.0 + col[inside] + 2.0 * row[inside], atol=0.05)

