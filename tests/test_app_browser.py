"""The real app in a real browser: Streamlit on 127.0.0.1, headless Debian Chromium."""

from __future__ import annotations

import os
import shutil
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Frame, Page

from browser import launch, open_page, page_errors, serve_app, wait_for_leaflet, wait_for_streamlit
from layers.store import ProjectStore

ROOT = Path(__file__).parents[1]
pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def app(demo_master: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """The app running on a copy of the demo project: (base URL, project path)."""
    project = tmp_path_factory.mktemp("app") / "demo.gpkg"
    shutil.copy2(demo_master, project)
    with serve_app(project) as url:
        yield url, project


def _map_frame(page: Page) -> Frame:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        for frame in page.frames:
            if frame != page.main_frame and frame.query_selector(".leaflet-container"):
                return frame
        page.wait_for_timeout(250)
    raise AssertionError("no Leaflet map frame on the page")


def test_map_page_draws_layers_offline(app: tuple[str, Path]) -> None:
    app_url, _ = app
    with launch() as browser, open_page(browser, width=1400, height=1000) as (page, log):
        page.goto(app_url)
        wait_for_streamlit(page)
        frame = _map_frame(page)
        wait_for_leaflet(frame)
        frame.wait_for_function(
            "() => document.querySelectorAll('.leaflet-overlay-pane path').length > 200",
            timeout=30_000)
        paths = frame.eval_on_selector_all(".leaflet-overlay-pane path", "els => els.length")
        assert paths > 200
        assert frame.query_selector(".leaflet-control-layers")
        page.screenshot(path=str(Path(os.environ.get("TMPDIR", "/tmp")) / "kvpt_app_map.png"))
        assert log.outside_localhost() == []
        assert log.bad_responses() == []
        loaded = [u for u in log.urls if "/app/static/cache/features-" in u]
        assert len(loaded) >= 5  # the larger layers' features, loaded from the app's files
        assert all(log.statuses.get(u) in (200, 304) for u in loaded)
        assert page_errors(page) == []


def test_upload_shapefile_then_appraise(app: tuple[str, Path], tmp_path: Path) -> None:
    app_url, store_path = app
    bases = ProjectStore(store_path).read_kinds(["combat_base"]).popitem()[1]
    shp_dir = tmp_path / "shp"
    shp_dir.mkdir()
    bases[["name", "geometry"]].to_crs(9215).to_file(shp_dir / "du_an_trinh_duyet.shp",
                                                     engine="pyogrio")
    archive = tmp_path / "du_an_trinh_duyet.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for part in shp_dir.iterdir():
            z.write(part, f"nop/{part.name}")
    with launch() as browser, open_page(browser, width=1400, height=1400) as (page, log):
        page.goto(f"{app_url}/layers_page")
        wait_for_streamlit(page)
        page.set_input_files('[data-testid="stFileUploaderDropzoneInput"]', str(archive))
        page.get_by_role("button", name="Nhập vào dự án").click(timeout=30_000)
        page.get_by_text("Đã nhập lớp du_an_trinh_duyet").wait_for(timeout=30_000)
        page.goto(f"{app_url}/appraisal_page")
        wait_for_streamlit(page)
        page.get_by_label("Lớp dự án đề xuất").click()
        page.get_by_role("option", name="du_an_trinh_duyet").click()
        # the page has run on the new layer once its projects are in the tables
        page.get_by_text(str(bases["name"].iloc[-1]), exact=True).first.wait_for(
            state="attached", timeout=60_000)
        wait_for_streamlit(page)
        with page.expect_download(timeout=30_000) as download:
            page.get_by_role("button", name="Tải CSV").click()
        csv = Path(download.value.path()).read_text(encoding="utf-8-sig")
        assert log.outside_localhost() == []
        assert page_errors(page) == []
    assert ProjectStore(store_path).record("du_an_trinh_duyet").feature_count == len(bases)
    # the uploaded projects are the combat bases themselves: each conflicts with its base
    rows = csv.splitlines()
    assert rows[0].startswith("index,proposal,proposal_id,proposal_code,")
    assert sum(",conflict" in r for r in rows) >= len(bases)



def _open_from_sidebar(page: Page, app_url: str, link: str) -> None:
    """Open the app and go to a page by its link in the sidebar, as a planner does."""
    page.goto(app_url)
    wait_for_streamlit(page)
    page.get_by_test_id("stSidebarNav").get_by_role("link", name=link).click()
    wait_for_streamlit(page)


@pytest.mark.parametrize(("link", "title", "tab"), [
    ("Thế trận", "Thế trận", None), ("Mạng đường", "Mạng đường", None),
    ("Di chuyển doanh nghiệp ĐVCN", "Di chuyển doanh nghiệp động viên công nghiệp", None),
    ("Diễn tập & chỉ tiêu", "Diễn tập & chỉ tiêu", "Kế hoạch luân phiên"),
])
def test_planning_pages_draw_offline(app: tuple[str, Path], link: str, title: str,
                                     tab: str | None) -> None:
    app_url, _ = app
    with launch() as browser, open_page(browser, width=1400, height=1000) as (page, log):
        _open_from_sidebar(page, app_url, link)
        page.get_by_role("heading", name=title).wait_for(timeout=30_000)
        if tab:
            page.get_by_role("tab", name=tab).click()
            wait_for_streamlit(page)
        wait_for_leaflet(_map_frame(page))
        assert page.query_selector('[data-testid="stException"]') is None
        assert log.outside_localhost() == []
        assert log.bad_responses() == []
        assert page_errors(page) == []


def test_relocation_cut_shows_plans_side_by_side_in_step(app: tuple[str, Path]) -> None:
    app_url, _ = app
    with launch() as browser, open_page(browser, width=1400, height=1200) as (page, log):
        _open_from_sidebar(page, app_url, "Di chuyển doanh nghiệp ĐVCN")
        page.get_by_text("Cắt đoạn đường / cầu").wait_for(timeout=60_000)
        page.get_by_test_id("stMultiSelect").get_by_role("combobox").click()
        page.get_by_role("option").filter(has_text="tuyến").first.click()  # not "select all"
        page.keyboard.press("Escape")
        wait_for_streamlit(page)
        page.get_by_text("Phương án A (trái) và B (phải)").wait_for(timeout=60_000)
        pair = page.frame_locator('iframe[srcdoc*="kvpt-pair"]')
        pair.locator("body[data-synced='1']").wait_for(timeout=30_000)
        for side in ("kvpt-map-a", "kvpt-map-b"):
            inner = pair.frame_locator(f"#{side}")
            inner.locator(".leaflet-overlay-pane path").first.wait_for(timeout=30_000)
        assert log.outside_localhost() == []
        assert log.bad_responses() == []
        assert page_errors(page) == []


def test_language_stays_when_changing_page_in_the_browser(app: tuple[str, Path]) -> None:
    app_url, _ = app
    with launch() as browser, open_page(browser, width=1400, height=900) as (page, log):
        page.goto(app_url)
        wait_for_streamlit(page)
        page.get_by_test_id("stSidebar").get_by_text("English").click()
        page.get_by_role("heading", name="Map").wait_for(timeout=30_000)
        page.get_by_test_id("stSidebarNav").get_by_role("link", name="Posture").click()
        page.get_by_role("heading", name="Posture").wait_for(timeout=30_000)
        assert page.get_by_test_id("stSidebarNav").get_by_role("link", name="Layers").count()
        assert page_errors(page) == []
