"""Move and delete an existing feature on the working map, walked in a real browser.

On the demo project: choose an air-defense position, drag it with Leaflet.draw's edit tool
and press Save on the map (the panel gives the distance moved; an unrelated rerun keeps the
moved point on the map, not reloaded), save it (a new version of the layer with that point
where it was dragged, as pyproj's Web Mercator gives the pixel offset, every other feature
and attribute unchanged), undo (the layer as before); drag one vertex of a relocation site
and save (that vertex where dragged, every other vertex to the last bit); then remove a
hazard zone with the map's delete tool, confirm (a version without it), undo. Throughout:
nothing leaves 127.0.0.1, no JavaScript error, no traceback on the page.
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pyproj
import pytest
from playwright.sync_api import Frame, Page
from test_working_map_browser import (
    MODE,
    WATCH_RUNS,
    check_page,
    map_box,
    map_frame,
    pick,
    rerun,
)

from browser import launch, open_page, serve_app, wait_for_streamlit
from layers.store import ProjectStore
from planning.editing import feature_labels

pytestmark = pytest.mark.browser

POSITIONS = "Trận địa phòng không (giả định)"
HAZARDS = "Vùng ngập lụt, sạt lở (giả định)"
SITES = "Địa điểm di chuyển (giả định)"
TO_MERCATOR = pyproj.Transformer.from_crs("EPSG:4326", "EPSG:3857", always_xy=True)
EARTH = 2 * math.pi * 6378137.0  # the Web Mercator world's width, metres


def same_features(a: pd.DataFrame, b: pd.DataFrame) -> bool:
    """Attributes equal and geometries equal to the last bit."""
    return (len(a) == len(b) and pd.DataFrame(a.drop(columns="geometry")).reset_index(
        drop=True).equals(pd.DataFrame(b.drop(columns="geometry")).reset_index(drop=True))
        and list(a.geometry.to_wkb()) == list(b.geometry.to_wkb()))


def edit_features(frame: Frame) -> list[dict]:
    """The features of the toolbar's edit group (what ``st_folium`` returns)."""
    return frame.evaluate("() => window.drawnItems.toGeoJSON().features")


def choose(page: Page, layer: str, row: int, label: str) -> Frame:
    """Choose a feature to edit; return the map (reloaded with it)."""
    main = page.get_by_test_id("stMain")
    frame = map_frame(page)
    frame.evaluate("() => { window.__kvptSameMap = true; }")
    with rerun(page):
        pick(page, main, "Dời hoặc xóa đối tượng của lớp", layer)
    with rerun(page):
        pick(page, main, "Đối tượng", f"{row + 1}. {label}")
    return map_frame(page, fresh=True)


def test_planner_moves_and_deletes_features(demo_project: Path) -> None:
    store = ProjectStore(demo_project)
    first = store.record(POSITIONS)
    points = store.read(POSITIONS)
    label = feature_labels(store, POSITIONS)[3]
    hazards = store.read(HAZARDS)
    zone = feature_labels(store, HAZARDS)[2]
    start = points.geometry.iloc[3]
    site = feature_labels(store, SITES)[5]
    ring = list(store.read(SITES).geometry.iloc[5].exterior.coords)
    dx, dy = 120, -70  # pixels to the right and up

    with serve_app(demo_project) as url, launch() as browser, \
            open_page(browser, width=1400, height=1400) as (page, log):
        main = page.get_by_test_id("stMain")
        page.goto(url)
        wait_for_streamlit(page)
        page.evaluate(WATCH_RUNS)
        with rerun(page):
            page.get_by_role("radio", name=MODE).click()
        frame = choose(page, POSITIONS, 3, label)
        (feature,) = edit_features(frame)
        assert feature["properties"]["label"] == label
        assert feature["geometry"]["coordinates"] == [start.x, start.y]  # every digit
        check_page(page, log, "chosen")

        # drag the point with the edit tool, then Save on the map
        zoom = frame.evaluate("() => window.map.getZoom()")
        frame.locator(".leaflet-draw-edit-edit").click()
        handle = frame.locator(".leaflet-edit-move")
        handle.wait_for()
        box = handle.bounding_box()
        x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        page.mouse.move(x, y)
        page.mouse.down()
        page.mouse.move(x + dx, y + dy, steps=12)
        page.mouse.up()
        frame.evaluate("() => { window.__kvptSameMap = true; }")
        with rerun(page):
            frame.locator(".leaflet-draw-actions a", has_text="Lưu").click()
        main.get_by_text("đã được dời", exact=False).wait_for()
        (moved,) = edit_features(frame)
        lon, lat = moved["geometry"]["coordinates"]
        # where the drag put it: the pixel offset at this zoom, in pyproj's Web Mercator
        x0, y0 = TO_MERCATOR.transform(start.x, start.y)
        x1, y1 = TO_MERCATOR.transform(lon, lat)
        pixel = EARTH / (256 * 2 ** zoom)
        assert (x1 - x0) / pixel == pytest.approx(dx, abs=0.75)
        assert (y1 - y0) / pixel == pytest.approx(-dy, abs=0.75)
        check_page(page, log, "moved")

        # an unrelated rerun (a click on the map): the map is not reloaded, the point stays
        area = map_box(page)
        with rerun(page):
            page.mouse.click(area["x"] + 200, area["y"] + 450)
        assert frame.evaluate("() => window.__kvptSameMap") is True
        assert edit_features(frame)[0]["geometry"]["coordinates"] == [lon, lat]
        assert main.get_by_text("đã được dời", exact=False).count() == 1

        # save: the next version has the point there, the rest as it was
        with rerun(page):
            main.get_by_role("button", name="Lưu vị trí mới").click()
        main.get_by_text(f"Đã lưu thay đổi vào lớp '{POSITIONS}' (phiên bản "
                         f"{first.version + 1}).").wait_for()
        wait_for_streamlit(page)
        saved = ProjectStore(demo_project).read(POSITIONS)
        assert (saved.geometry.iloc[3].x, saved.geometry.iloc[3].y) == (lon, lat)
        others = [i for i in range(len(points)) if i != 3]
        assert same_features(saved.iloc[others], points.iloc[others])
        assert saved.drop(columns="geometry").iloc[3].equals(
            points.drop(columns="geometry").iloc[3])
        frame = map_frame(page, fresh=True)  # reloaded with the new version
        assert edit_features(frame)[0]["geometry"]["coordinates"] == [lon, lat]
        check_page(page, log, "saved")

        # undo
        with rerun(page):
            main.get_by_role("button", name="Hoàn tác").click()
        main.get_by_text("Đã hoàn tác", exact=False).wait_for()
        back = ProjectStore(demo_project)
        assert back.record(POSITIONS).version == first.version + 2
        assert same_features(back.read(POSITIONS), points)
        check_page(page, log, "undone")

        # drag one vertex of a relocation site: only that vertex moves, to the last bit
        frame = choose(page, SITES, 5, site)
        corner = ring[1]
        # zoom in on the vertex (its 32-vertex outline is dense at the fitted zoom)
        zoom = frame.evaluate("""([lat, lon]) => { const map = window.map;
            map.setView([lat, lon], Math.min(map.getMaxZoom(), map.getZoom() + 3),
                        {animate: false});
            return map.getZoom(); }""", [corner[1], corner[0]])
        frame.locator(".leaflet-draw-edit-edit").click()
        frame.locator(".leaflet-editing-icon").first.wait_for()
        at = frame.evaluate("([lat, lon]) => window.map.latLngToContainerPoint([lat, lon])",
                            [corner[1], corner[0]])
        area = map_box(page)
        page.mouse.move(area["x"] + at["x"], area["y"] + at["y"])
        page.mouse.down()
        page.mouse.move(area["x"] + at["x"] + 40, area["y"] + at["y"] + 30, steps=8)
        page.mouse.up()
        with rerun(page):
            frame.locator(".leaflet-draw-actions a", has_text="Lưu").click()
        main.get_by_text("đã được dời", exact=False).wait_for()
        with rerun(page):
            main.get_by_role("button", name="Lưu vị trí mới").click()
        main.get_by_text(f"Đã lưu thay đổi vào lớp '{SITES}'", exact=False).wait_for()
        wait_for_streamlit(page)
        moved = list(ProjectStore(demo_project).read(SITES).geometry.iloc[5].exterior.coords)
        assert len(moved) == len(ring)
        assert moved[:1] + moved[2:] == ring[:1] + ring[2:]
        x0, y0 = TO_MERCATOR.transform(*ring[1])
        x1, y1 = TO_MERCATOR.transform(*moved[1])
        pixel = EARTH / (256 * 2 ** zoom)
        assert ((x1 - x0) / pixel, (y0 - y1) / pixel) == pytest.approx((40, 30), abs=1.0)
        check_page(page, log, "vertex moved")

        # remove a hazard zone with the map's delete tool, confirm, undo
        frame = choose(page, HAZARDS, 2, zone)
        frame.locator(".leaflet-draw-edit-remove").click()
        inside = hazards.geometry.iloc[2].representative_point()
        at = frame.evaluate("([lat, lon]) => window.map.latLngToContainerPoint([lat, lon])",
                            [inside.y, inside.x])
        area = map_box(page)
        page.mouse.click(area["x"] + at["x"], area["y"] + at["y"])
        assert edit_features(frame) == []
        with rerun(page):
            frame.locator(".leaflet-draw-actions a", has_text="Lưu").click()
        main.get_by_text(f"Xóa '{zone}' khỏi lớp", exact=False).wait_for()
        with rerun(page):
            main.get_by_role("button", name="Xác nhận xóa").click()
        main.get_by_text("Đã lưu thay đổi", exact=False).wait_for()
        wait_for_streamlit(page)
        after = ProjectStore(demo_project)
        assert same_features(after.read(HAZARDS), hazards.drop(index=2))
        with rerun(page):
            main.get_by_role("button", name="Hoàn tác").click()
        main.get_by_text("Đã hoàn tác", exact=False).wait_for()
        assert same_features(ProjectStore(demo_project).read(HAZARDS), hazards)
        check_page(page, log, "deleted and undone")
