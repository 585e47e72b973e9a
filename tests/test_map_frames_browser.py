"""Map frames the browser keeps (``ui.map_frames``), in a real browser.

On the Posture page a planner shows the district level, then the commune level, then the
district level again: the district map comes back as the same live page (not reloaded:
a mark left in its window is still there, its zoom as left), only one map is visible at a
time, and nothing leaves 127.0.0.1. A small app showing seven pages one after another
keeps only the last :data:`ui.map_frames.KEEP_FRAMES`: the first, shown again, is loaded
afresh.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from playwright.sync_api import Frame, Page

from browser import launch, open_page, page_errors, serve_app, wait_for_streamlit
from ui.map_frames import KEEP_FRAMES

pytestmark = pytest.mark.browser

ROOT = Path(__file__).parents[1]
LEVEL = "Cấp hiển thị trên bản đồ"
SHOWN = "() => window.frameElement.checkVisibility({visibilityProperty: true})"


def shown_frames(page: Page, selector: str) -> list[Frame]:
    """The frames of the page holding ``selector`` that are shown now."""
    out = []
    for frame in page.frames:
        if frame == page.main_frame or frame.is_detached():
            continue
        try:
            if frame.query_selector(selector) and frame.evaluate(SHOWN):
                out.append(frame)
        except Exception:  # noqa: BLE001, S112 - a frame going away
            continue
    return out


def one_shown(page: Page, selector: str, timeout_s: float = 30.0) -> Frame:
    """Wait until exactly one frame with ``selector`` is shown and return it."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        frames = shown_frames(page, selector)
        if len(frames) == 1:
            return frames[0]
        page.wait_for_timeout(50)
    raise AssertionError(f"not exactly one shown frame with {selector!r}")


def choose(page: Page, group: str, option: str) -> None:
    page.get_by_role("radiogroup", name=group).get_by_text(option, exact=True).click()
    page.wait_for_timeout(50)
    wait_for_streamlit(page)


def map_of(page: Page, level_rows: int) -> Frame:
    """The shown map once it has drawn ``level_rows`` units (the choropleth's paths)."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        frame = one_shown(page, ".leaflet-container")
        if frame.evaluate("() => document.querySelectorAll("
                          "'.leaflet-overlay-pane path').length") >= level_rows:
            return frame
        page.wait_for_timeout(50)
    raise AssertionError("the level's map was not drawn")


def test_a_level_shown_again_is_the_same_live_map(demo_project: Path) -> None:
    with serve_app(demo_project) as url, launch() as browser, \
            open_page(browser, width=1300, height=1000) as (page, log):
        page.goto(f"{url}/posture_page")
        wait_for_streamlit(page, timeout=120_000)
        choose(page, LEVEL, "Huyện")
        districts = map_of(page, 10)
        districts.evaluate("() => { window.kvptMark = 'district map'; }")
        name = districts.evaluate(
            "() => Object.keys(window).find(k => /^map_[0-9a-f]+$/.test(k))")
        districts.evaluate(f"() => {name}.setZoom({name}.getZoom() + 1, {{animate: false}})")
        zoom = districts.evaluate(f"() => {name}.getZoom()")

        choose(page, LEVEL, "Xã")
        communes = map_of(page, 200)
        assert communes.evaluate("() => window.kvptMark") is None  # another page
        assert districts.evaluate(SHOWN) is False  # kept, hidden

        choose(page, LEVEL, "Huyện")
        again = one_shown(page, ".leaflet-container")
        assert again.evaluate("() => window.kvptMark") == "district map"  # not reloaded
        assert again.evaluate(f"() => {name}.getZoom()") == zoom  # as it was left
        assert communes.evaluate(SHOWN) is False
        assert page_errors(page) == []
        assert log.outside_localhost() == []


APP = '''
import sys
sys.path.insert(0, {root!r})
import streamlit as st
from ui.map_frames import show_map_page

n = st.radio("Trang", list(range(7)), horizontal=True)
show_map_page(f"<p id='page'>trang {{n}}</p>", key="pages", height=120)
'''


def test_only_the_last_pages_are_kept(demo_project: Path, tmp_path: Path) -> None:
    script = tmp_path / "pages_app.py"
    script.write_text(APP.format(root=str(ROOT)), encoding="utf-8")
    with serve_app(demo_project, script=script) as url, launch() as browser, \
            open_page(browser, width=1000, height=700) as (page, log):
        page.goto(url)
        wait_for_streamlit(page, timeout=60_000)
        first = one_shown(page, "#page")
        first.evaluate("() => { window.kvptMark = 'first'; }")
        for n in range(1, 7):
            choose(page, "Trang", str(n))
            assert one_shown(page, "#page").inner_text("#page") == f"trang {n}"
        assert page.locator("iframe").count() == KEEP_FRAMES  # pages 3–6
        one_shown(page, "#page").evaluate("() => { window.kvptMark = 'sixth'; }")
        choose(page, "Trang", "0")
        shown = one_shown(page, "#page")
        assert shown.inner_text("#page") == "trang 0"
        assert shown.evaluate("() => window.kvptMark") is None  # loaded afresh
        assert page.locator("iframe").count() == KEEP_FRAMES
        choose(page, "Trang", "6")  # still kept: shown without a load
        assert one_shown(page, "#page").evaluate("() => window.kvptMark") == "sixth"
        assert page_errors(page) == []
        assert log.outside_localhost() == []
