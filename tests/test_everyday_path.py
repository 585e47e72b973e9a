"""The everyday path of a new planner and GIS officer, in a real browser, on the demo project.

Upload three kinds of legacy commune files on the Layers page and import each (TCVN3 +
VN-2000 shapefile in a zip; Windows-1258 shapefile without .prj, as loose .shp/.shx/.dbf;
VNI shapefile in a zip), then open every planning page from the sidebar, change a widget
on some of them and cut a segment on the relocation page. Throughout: no exception box or
traceback, no English field name in Vietnamese mode, no request leaving 127.0.0.1, no
JavaScript error. The time of each step is printed (``pytest -s``), never asserted.
"""

from __future__ import annotations

import re
import sys
import time
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import geopandas as gpd
import pytest
from playwright.sync_api import Page

from browser import launch, open_page, page_errors, serve_app, wait_for_streamlit
from layers.store import ProjectStore

ROOT = Path(__file__).parents[1]
FIXTURES = Path(__file__).parent / "data" / "fixtures"
pytestmark = pytest.mark.browser

# Stable column / value names that must never reach the page in Vietnamese mode.
ENGLISH_WORDS = ("proposal_name", "proposal_id", "verdict", "travel_min", "completeness_pct",
                 "national_road", "protection_zone", "n_required", "feature_count",
                 "None", "NaN", "nan", "Traceback", "Exception", "KeyError")
_ENGLISH = re.compile(r"(?<![\w])(" + "|".join(map(re.escape, ENGLISH_WORDS)) + r")(?![\w])")


def _legacy_files(tmp: Path) -> dict[str, list[Path]]:
    """The three uploads: files from tests/data/fixtures, or built here by the fixture builder."""
    sys.path.insert(0, str(FIXTURES.parent))
    try:
        import make_fixtures as mf
    finally:
        sys.path.remove(str(FIXTURES.parent))
    # (1) TCVN3, VN-2000 / UTM 48N told only by a TOWGS84 in the .prj, zipped
    tcvn3 = tmp / "xa_tcvn3_vn2000.zip"
    with zipfile.ZipFile(tcvn3, "w") as z:
        for part in sorted((FIXTURES / "b_utm48_tcvn3").iterdir()):
            z.write(part, f"xa_tcvn3/{part.name}")
    # (2) Windows-1258 without .prj (and without .cpg), VN-2000 TM-3 Lạng Sơn coordinates:
    # no such fixture is committed, so build it like make_fixtures builds the others
    communes = gpd.read_file(FIXTURES / "communes_wgs84.geojson")
    shp = tmp / "cp1258" / "xa_cp1258_khong_prj.shp"
    mf._shapefile(mf._shp_table(communes).to_crs(9215), shp, "cp1258", prj=None, cpg=None,
                  ldid=mf.LDID_ANSI)
    loose = sorted(shp.parent.iterdir())
    assert {p.suffix for p in loose} == {".shp", ".shx", ".dbf"}
    # (3) VNI, custom-named ESRI .prj, zipped
    vni = tmp / "xa_vni.zip"
    with zipfile.ZipFile(vni, "w") as z:
        for part in sorted((FIXTURES / "c_tm3_vni").iterdir()):
            z.write(part, part.name)
    return {"tcvn3": [tcvn3], "cp1258": loose, "vni": [vni]}


class _Steps:
    """Times the steps and checks the page after each one."""

    def __init__(self, page: Page, log) -> None:  # noqa: ANN001 - RequestLog
        self.page, self.log = page, log
        self.times: list[tuple[str, float]] = []
        self.start = time.monotonic()

    @contextmanager
    def step(self, name: str) -> Iterator[None]:
        t0 = time.monotonic()
        yield
        wait_for_streamlit(self.page)
        self.times.append((name, time.monotonic() - t0))
        self.check(name)

    def check(self, name: str) -> None:
        page = self.page
        main = page.get_by_test_id("stMain")
        assert page.query_selector('[data-testid="stException"]') is None, (
            f"{name}: exception box\n" + main.inner_text())
        text = main.inner_text() + "\n" + page.get_by_test_id("stSidebar").inner_text()
        found = sorted({m.group(0) for m in _ENGLISH.finditer(text)})
        assert found == [], f"{name}: English names in Vietnamese mode: {found}"
        assert self.log.outside_localhost() == [], name
        assert page_errors(page) == [], name

    def report(self) -> str:
        rows = [f"  {s:<45} {d:6.1f} s" for s, d in self.times]
        total = time.monotonic() - self.start
        return "\n".join(["everyday path, step times:", *rows, f"  {'total':<45} {total:6.1f} s"])


def _upload_and_import(page: Page, files: list[Path], layer: str, *, crs: str | None = None
                       ) -> None:
    """Upload ``files``, pick the CRS ``crs`` among the offered ones if given, import."""
    main = page.get_by_test_id("stMain")
    page.get_by_test_id("stFileUploader").locator(
        '[data-testid="stFileUploaderDropzoneInput"]').set_input_files([str(f) for f in files])
    button = page.get_by_role("button", name="Nhập vào dự án")
    if crs is not None:
        # no .prj: the page says so and offers candidates; pick the VN-2000 one wanted
        page.get_by_text("Tệp không có hệ tọa độ").wait_for(timeout=30_000)
        wait_for_streamlit(page)
        page.get_by_label("Hệ tọa độ của tệp").click()
        page.get_by_role("option").filter(has_text=crs).first.click()
        wait_for_streamlit(page)
    button.wait_for(timeout=30_000)
    wait_for_streamlit(page)
    if page.get_by_text("Chưa chắc chắn về cấp").count():  # the level question
        page.get_by_label("Cấp đơn vị hành chính").click()
        page.get_by_role("option", name="Tất cả cấp xã").click()
        wait_for_streamlit(page)
    assert button.is_enabled(), main.inner_text()
    button.click()
    page.get_by_text(f"Đã nhập lớp {layer}").wait_for(timeout=30_000)


def _sidebar(page: Page, link: str) -> None:
    page.get_by_test_id("stSidebarNav").get_by_role("link", name=link).click()
    wait_for_streamlit(page)


def test_everyday_path_of_a_new_planner(demo_project: Path, tmp_path: Path) -> None:
    uploads = _legacy_files(tmp_path)
    with serve_app(demo_project) as url, launch() as browser, \
            open_page(browser, width=1400, height=1200) as (page, log):
        s = _Steps(page, log)
        try:
            with s.step("open the app (Bản đồ)"):
                page.goto(url)
                wait_for_streamlit(page)
            with s.step("Lớp dữ liệu"):
                _sidebar(page, "Lớp dữ liệu")
            with s.step("import TCVN3 + VN-2000 zip"):
                _upload_and_import(page, uploads["tcvn3"], "xa_utm48")
            with s.step("import cp1258 .shp/.shx/.dbf without .prj"):
                _upload_and_import(page, uploads["cp1258"], "xa_cp1258_khong_prj",
                                   crs="EPSG:9215")
            with s.step("import VNI zip"):
                _upload_and_import(page, uploads["vni"], "xa_vni")
            with s.step("Bản đồ"):
                _sidebar(page, "Bản đồ")
                page.get_by_role("heading", name="Bản đồ").wait_for(timeout=30_000)
            with s.step("Thẩm định dự án"):
                _sidebar(page, "Thẩm định dự án")
                page.get_by_role("heading", name="Thẩm định dự án").wait_for(timeout=30_000)
            with s.step("Thẩm định: search distance 3000 m"):
                # the commune layers just imported are not proposals (only that kind is listed)
                page.get_by_text("Chiều rộng hành lang bảo vệ (m)").click()
                box = page.get_by_label("Khoảng cách tìm kiếm (m)")
                box.fill("3000")
                box.press("Enter")
            with s.step("Thế trận"):
                _sidebar(page, "Thế trận")
                page.get_by_role("heading", name="Thế trận").wait_for(timeout=30_000)
            with s.step("Mạng đường"):
                _sidebar(page, "Mạng đường")
                page.get_by_role("heading", name="Mạng đường").wait_for(timeout=30_000)
            with s.step("Mạng đường: Vùng tiếp cận"):
                page.get_by_test_id("stRadio").get_by_text("Vùng tiếp cận").click()
            with s.step("Di chuyển doanh nghiệp ĐVCN"):
                _sidebar(page, "Di chuyển doanh nghiệp ĐVCN")
                page.get_by_text("Cắt đoạn đường / cầu").wait_for(timeout=60_000)
            with s.step("Di chuyển: cut one segment"):
                page.get_by_test_id("stMultiSelect").get_by_role("combobox").click()
                page.get_by_role("option").filter(has_text="tuyến").first.click()
                page.keyboard.press("Escape")
                wait_for_streamlit(page)
                page.get_by_text("Phương án A (trái) và B (phải)").wait_for(timeout=60_000)
            with s.step("Diễn tập & chỉ tiêu"):
                _sidebar(page, "Diễn tập & chỉ tiêu")
                page.get_by_role("heading", name="Diễn tập & chỉ tiêu").wait_for(timeout=30_000)
            with s.step("Diễn tập: tab Kế hoạch luân phiên"):
                page.get_by_role("tab", name="Kế hoạch luân phiên").click()
        finally:
            print("\n" + s.report())
        assert log.bad_responses() == []
    # the three layers are in the project, with their Vietnamese names decoded and in Lạng Sơn
    store = ProjectStore(demo_project)
    for name in ("xa_utm48", "xa_cp1258_khong_prj", "xa_vni"):
        gdf = store.read(name).to_crs(4326)
        assert len(gdf) == 16, name
        text = " ".join(str(v) for v in gdf.drop(columns="geometry").to_numpy().ravel())
        assert "Đ" in text or "đ" in text, (name, text[:200])
        assert "Ã" not in text and "\\x" not in text, (name, text[:200])  # no mojibake
        x0, y0, x1, y1 = gdf.total_bounds
        assert 106.0 < x0 < x1 < 107.5 and 21.3 < y0 < y1 < 22.6, (name, gdf.total_bounds)
