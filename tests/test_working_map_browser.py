"""The Map page's working mode, walked as a planner in a real browser on the demo project.

Go to a relocation site typed in VN-2000 and in MGRS (the map centres there, the panel shows
the point in every form of :func:`geo.coordinates.format_all`), pan and zoom (the page does
not rerun), click the map (the panel follows), draw a polygon with the toolbar (its area as
:func:`geo.measure.measure` gives it), change an unrelated widget (the drawing stays on the
map and in the form), save it as a relocation site (a new version of the demo layer that
the relocation analysis uses), undo (the layer is back as it was), and type a place that is
not a coordinate (a Vietnamese message). Throughout: nothing leaves 127.0.0.1, no
JavaScript error, no traceback on the page.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import Frame, Locator, Page, expect
from shapely.geometry import shape

from browser import launch, open_page, page_errors, serve_app, wait_for_streamlit
from geo import coordinates, measure
from layers.store import ProjectStore
from planning.messages import Message
from planning.project import Project
from planning.relocation import relocate
from ui.working_map import GOTO_ZOOM, fit_view

pytestmark = pytest.mark.browser

SITES = "Địa điểm di chuyển (giả định)"
"""The demo's relocation-site layer."""

MODE = "Tọa độ, đo, vẽ"
"""The working mode of the Map page."""

WATCH_RUNS = """() => {
    const app = document.querySelector('[data-testid="stApp"]');
    window.__kvptRuns = 0;
    new MutationObserver(() => {
        if (app.getAttribute("data-test-script-state") === "running") { window.__kvptRuns++; }
    }).observe(app, {attributes: true, attributeFilter: ["data-test-script-state"]});
}"""
"""Count the script runs of the page from now on (``window.__kvptRuns``)."""


CLICKED = """() => { const g = window.__GLOBAL_DATA__;
    return g.last_object_clicked || g.lat_lng_clicked; }"""
"""The point of the last click (on a feature, else on the map's background)."""


def runs(page: Page) -> int:
    """Return how many script runs the page has started since :data:`WATCH_RUNS`."""
    return page.evaluate("() => window.__kvptRuns")


@contextmanager
def rerun(page: Page) -> Iterator[None]:
    """Wait, after the block, until the page has run its script again and is idle."""
    before = runs(page)
    yield
    page.wait_for_function(f"() => window.__kvptRuns > {before}", timeout=30_000)
    wait_for_streamlit(page)


def map_frame(page: Page, *, fresh: bool = False) -> Frame:
    """Return the frame of the working map once its Leaflet map is there.

    ``fresh``: a map loaded since the test marked the last one (``__kvptSameMap``).
    """
    ready = "() => !!(window.map && window.map.getCenter)" + (
        " && !window.__kvptSameMap" if fresh else "")
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        for frame in page.frames:
            if "streamlit_folium" in frame.url and not frame.is_detached():
                try:
                    if frame.evaluate(ready):
                        return frame
                except Exception:  # noqa: BLE001 - a frame being replaced
                    pass
        page.wait_for_timeout(200)
    raise AssertionError("no working map on the page")


def map_box(page: Page) -> dict:
    """Return the page box of the map's iframe."""
    return page.locator('iframe[title*="streamlit_folium"]').bounding_box()


def centre(frame: Frame) -> tuple[float, float, int]:
    """Return the map's centre (lon, lat) and zoom."""
    c = frame.evaluate("() => { const c = window.map.getCenter(); "
                       "return [c.lng, c.lat, window.map.getZoom()]; }")
    return c[0], c[1], c[2]


def wait_centred(frame: Frame, lon: float, lat: float, *, zoom: int = GOTO_ZOOM,
                 pixels: float = 1.5) -> None:
    """Wait until (lon, lat) is at the map's centre (within ``pixels``) at ``zoom``.

    Leaflet keeps its view on whole pixels: the centre it reports is within half a pixel
    (about 5 m at the go-to zoom) of the point asked.
    """
    frame.wait_for_function(
        """([lon, lat, pixels, zoom]) => {
            const map = window.map, size = map.getSize();
            const p = map.latLngToContainerPoint([lat, lon]);
            return map.getZoom() === zoom && Math.abs(p.x - size.x / 2) <= pixels &&
                Math.abs(p.y - size.y / 2) <= pixels; }""", arg=[lon, lat, pixels, zoom],
        timeout=15_000)


def panel_shows(main: Locator, lon: float, lat: float) -> None:
    """Assert the coordinates panel shows (lon, lat) exactly as ``format_all`` does."""
    text = main.inner_text()
    for key, value in coordinates.format_all(lon, lat).items():
        line = f"{Message(f'coord_{key}').text('vi')}: {value}"
        assert line in text, f"{line!r} not on the page:\n{text}"


def vertex(page: Page, x: float, y: float) -> None:
    """A click Leaflet.draw takes as a vertex (a pointer move first, then down and up)."""
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.up()
    page.wait_for_timeout(80)


def pick(page: Page, scope: Locator, label: str, option: str) -> None:
    """Choose ``option`` in the select box labelled ``label``.

    A select box of a form right after a text input typed in may not open on the first
    click (the form redraws as the input loses focus): it is clicked again then.
    """
    box = scope.get_by_test_id("stSelectbox").filter(
        has=page.get_by_test_id("stWidgetLabel").get_by_text(label, exact=True))
    combo = box.get_by_role("combobox")
    for _ in range(3):
        box.get_by_role("button", name="Open").click()
        try:
            expect(combo).to_have_attribute("aria-expanded", "true", timeout=1500)
            break
        except AssertionError:
            continue
    page.get_by_role("option", name=option, exact=True).click()
    expect(combo).to_have_value(option)


def check_page(page: Page, log, step: str) -> None:  # noqa: ANN001 - RequestLog
    """No exception box or traceback, no JavaScript error, nothing outside 127.0.0.1."""
    main = page.get_by_test_id("stMain")
    assert page.query_selector('[data-testid="stException"]') is None, step
    assert "Traceback" not in main.inner_text(), step
    assert page_errors(page) == [], step
    assert log.outside_localhost() == [], step
    assert log.bad_responses() == [], step


def timed(times: list[tuple[str, float]]) -> Callable[[str], None]:
    """Return a function that records the time since the last call under a name."""
    last = [time.monotonic()]

    def mark(name: str) -> None:
        now = time.monotonic()
        times.append((name, now - last[0]))
        last[0] = now

    return mark


def test_planner_goes_to_measures_draws_saves_and_undoes(demo_project: Path) -> None:
    store = ProjectStore(demo_project)
    first = store.record(SITES)
    sites = store.read(SITES)
    # go-to texts: two demo sites, in VN-2000 metres and in MGRS
    a = sites.geometry.iloc[2].representative_point()
    b = sites.geometry.iloc[5].representative_point()
    vn2000_text = coordinates.format_vn2000(a.x, a.y)
    mgrs_text = coordinates.format_mgrs(b.x, b.y)
    at_a = coordinates.parse_location(vn2000_text)
    at_b = coordinates.parse_location(mgrs_text)
    assert (at_a.lon, at_a.lat) == pytest.approx((a.x, a.y), abs=1e-6)
    assert (at_b.lon, at_b.lat) == pytest.approx((b.x, b.y), abs=2e-5)  # 1 m square centre
    times: list[tuple[str, float]] = []
    mark = timed(times)

    with serve_app(demo_project) as url, launch() as browser, \
            open_page(browser, width=1400, height=1400) as (page, log):
        main = page.get_by_test_id("stMain")
        page.goto(url)
        wait_for_streamlit(page)
        page.evaluate(WATCH_RUNS)
        mark("open the Map page")

        with rerun(page):
            page.get_by_role("radio", name=MODE).click()
        frame = map_frame(page)
        frame.locator(".leaflet-draw-draw-polygon").wait_for()
        check_page(page, log, "working mode")
        mark("working mode")

        # go to a site typed in VN-2000, then another in MGRS
        goto = main.get_by_label("Đi tới", exact=False)
        for text, at in ((vn2000_text, at_a), (mgrs_text, at_b)):
            with rerun(page):
                goto.fill(text)
                goto.press("Enter")
            wait_centred(frame, at.lon, at.lat)
            panel_shows(main, at.lon, at.lat)
        check_page(page, log, "go to")
        mark("go to (VN-2000, MGRS)")

        # panning and zooming do not rerun the page
        box = map_box(page)
        before = runs(page)
        x0, y0 = box["x"] + 500, box["y"] + 300
        page.mouse.move(x0, y0)
        page.mouse.down()
        page.mouse.move(x0 + 90, y0 + 50, steps=8)
        page.mouse.up()
        page.wait_for_timeout(300)
        lon, lat, zoom = centre(frame)
        assert abs(lon - at_b.lon) > 1e-3 and abs(lat - at_b.lat) > 1e-3  # the map moved
        page.mouse.wheel(0, -240)
        page.wait_for_timeout(1500)
        assert centre(frame)[2] > GOTO_ZOOM  # and zoomed in
        assert runs(page) == before, "panning or zooming reran the page"
        assert page.get_by_test_id("stStatusWidget").count() == 0
        mark("pan and zoom")

        # a click: the panel shows the point clicked
        frame.evaluate("() => { window.__kvptSameMap = true; }")
        with rerun(page):
            page.mouse.click(box["x"] + 300, box["y"] + 200)
        clicked = frame.evaluate(CLICKED)
        near = frame.evaluate("() => window.map.containerPointToLatLng([300, 200])")
        assert (clicked["lng"], clicked["lat"]) == pytest.approx((near["lng"], near["lat"]),
                                                                 abs=1e-5)
        panel_shows(main, clicked["lng"], clicked["lat"])
        mark("click")

        # a polygon drawn with the toolbar: its area on the page
        frame.locator(".leaflet-draw-draw-polygon").click()
        corners = [(240, 150), (400, 140), (420, 270), (260, 290)]
        with rerun(page):
            for x, y in [*corners, corners[0]]:
                vertex(page, box["x"] + x, box["y"] + y)
        main.get_by_text("Diện tích", exact=True).wait_for()
        wait_for_streamlit(page)
        (drawn,) = frame.evaluate("() => window.drawnItems.toGeoJSON().features")
        assert drawn["geometry"]["type"] == "Polygon"
        assert frame.evaluate("() => window.__GLOBAL_DATA__.all_drawings") == [drawn]
        size = measure.measure(drawn)
        shown = re.search(r"Diện tích ([\d,]+) m², chu vi ([\d,]+) m", main.inner_text())
        assert shown, main.inner_text()
        area = float(shown.group(1).replace(",", ""))
        assert area == pytest.approx(size.area_m2, rel=0.005)
        assert float(shown.group(2).replace(",", "")) == pytest.approx(size.perimeter_m,
                                                                        rel=0.005)
        check_page(page, log, "drawn")
        mark("draw a polygon")

        # an unrelated rerun (another kind): the drawing stays on the map and in the form
        with rerun(page):
            pick(page, main, "Lưu thành", "Dự án phát triển kinh tế – xã hội")
        main.get_by_role("button", name="Lưu vào lớp “Dự án đề xuất (giả định)”").wait_for()
        assert frame.evaluate("() => window.__kvptSameMap") is True  # not reloaded
        assert frame.evaluate("() => window.drawnItems.toGeoJSON().features") == [drawn]
        overlay = frame.evaluate("""() => (window.feature_group || [])
            .filter(g => window.map.hasLayer(g))
            .flatMap(g => g.toGeoJSON(false).features)
            .filter(f => f.geometry.type === "Polygon")""")
        assert [shape(f["geometry"]).equals_exact(shape(drawn["geometry"]), 1e-9)
                for f in overlay] == [True]
        assert main.get_by_text(f"Diện tích {area:,.0f} m²", exact=False).count() == 1
        with rerun(page):
            pick(page, main, "Lưu thành", "Địa điểm di chuyển")
        save = main.get_by_role("button", name=f"Lưu vào lớp “{SITES}”")
        save.wait_for()
        mark("unrelated rerun")

        # save as a relocation site
        form = main.get_by_test_id("stForm")
        form.get_by_label("Tên *").fill("Địa điểm di chuyển 41 – vẽ thử")
        form.get_by_label("Mã *").fill("DDDC-41")
        form.get_by_label("Diện tích sử dụng (m²) *").fill("5000")
        form.get_by_label("Sức chứa (lao động) *").fill("300")
        for label, option in (("Có nước *", "Có"), ("Có điện *", "Có"),
                              ("Trạng thái *", "Quy hoạch")):
            pick(page, form, label, option)
        with rerun(page):
            save.click()
        main.get_by_text(f"Đã lưu vào lớp “{SITES}” (phiên bản {first.version + 1}).").wait_for()
        wait_for_streamlit(page)
        check_page(page, log, "saved")
        # the map reloads with the new version, on the saved feature, the drawing gone
        frame = map_frame(page, fresh=True)
        (lat, lon), zoom = fit_view(drawn["geometry"])
        wait_centred(frame, lon, lat, zoom=zoom)
        assert frame.evaluate("() => window.drawnItems.getLayers().length") == 0
        assert main.get_by_text("Diện tích", exact=True).count() == 0
        mark("save")

        saved = ProjectStore(demo_project)
        record = saved.record(SITES)
        assert record.version == first.version + 1
        frame_saved = saved.read(SITES)
        assert len(frame_saved) == len(sites) + 1
        new = frame_saved.iloc[-1]
        assert (new["name"], new["code"], new["capacity"]) == ("Địa điểm di chuyển 41 – vẽ thử",
                                                               "DDDC-41", 300)
        assert new.geometry.equals_exact(shape(drawn["geometry"]), 1e-6)
        plan = relocate(Project(saved))
        assert "Địa điểm di chuyển 41 – vẽ thử" in set(plan.tables["sites"]["name"])
        assert "DDDC-41" in set(plan.tables["sites"]["site"])
        mark("store and relocation checked")

        # undo: a new version equal to the one before the drawing
        with rerun(page):
            main.get_by_role("button", name="Hoàn tác").click()
        main.get_by_text("Đã hoàn tác").wait_for()
        wait_for_streamlit(page)
        back = ProjectStore(demo_project)
        assert back.record(SITES).version == first.version + 2
        restored = back.read(SITES)
        original = back.read(SITES, version=first.version)
        assert len(restored) == len(original) == len(sites)
        assert restored.drop(columns="geometry").equals(original.drop(columns="geometry"))
        assert restored.geometry.geom_equals_exact(original.geometry, 1e-12).all()
        check_page(page, log, "undone")
        mark("undo")

        # a place that is not a coordinate: a Vietnamese message
        with rerun(page):
            goto.fill("Đồng Đăng gần cửa khẩu")
            goto.press("Enter")
        alert = main.get_by_test_id("stAlert").filter(has_text="không phải tọa độ")
        alert.wait_for()
        assert "Đồng Đăng gần cửa khẩu" in alert.inner_text()
        check_page(page, log, "bad go-to")
        mark("bad go-to")

    print("\nworking map walk:", ", ".join(f"{n} {s:.1f} s" for n, s in times))
