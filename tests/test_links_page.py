"""The Facilities linked to bases page under AppTest, and the link lines it draws.

The page must show exactly what ``kvpt links --json`` prints (through the page's
localization), in Vietnamese, with the unresolved codes explained and a line from each
linked facility to its base.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import geopandas as gpd
import pytest
import shapely
from shapely.geometry import Point, box
from typer.testing import CliRunner

from cli import app
from cli.common import open_project
from conftest import app_test, assert_page_shows, map_pages, page_map_html, page_table
from geo import settings
from geo.link_lines import link_lines
from planning import inputs
from planning.links import BASE_TABLE_COLUMNS, LINK_TABLE_COLUMNS
from ui.tables import header

PAGE = "ui/links_page.py"
ENTERPRISES = "Doanh nghiệp động viên công nghiệp (giả định)"


def kvpt(*args: object):  # noqa: ANN201 - click Result
    return CliRunner().invoke(app, [str(a) for a in args])


def cli_links(path: Path) -> dict:
    res = kvpt("links", path, "--json")
    assert res.exit_code == 0, res.output
    return json.loads(res.stdout)


def with_codes(path: Path) -> list[str]:
    """Give three demo enterprises base codes (one unknown); return the codes of bases 0-2."""
    proj = open_project(path)
    codes = inputs.stacked(proj, settings.link_base_kinds, ("code",))["code"].tolist()[:3]
    firms = proj.read(ENTERPRISES)
    firms["ma_can_cu"] = None
    firms.loc[firms.index[0], "ma_can_cu"] = codes[0]
    firms.loc[firms.index[1], "ma_can_cu"] = f" {codes[1].lower()} ; {codes[2]}"
    firms.loc[firms.index[2], "ma_can_cu"] = "CC-KHONG-CO"
    src = path.parent / "firms.geojson"
    firms.to_file(src)
    res = kvpt("import", path, src, "--kind", "enterprise", "--name", ENTERPRISES)
    assert res.exit_code == 0, res.output
    return codes


def test_page_on_the_demo_says_no_facility_is_linked(demo_project: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    at = app_test(PAGE, demo_project, monkeypatch)
    assert not at.exception
    assert at.title[0].value == "Liên kết cơ sở – căn cứ"
    assert any("Chưa có cơ sở nào gắn với căn cứ" in i.value for i in at.info)
    data = cli_links(demo_project)
    assert {r["status"] for r in data["links"]} == {"not_linked"}  # the demo names no base
    assert_page_shows(page_table(at, "facility_kind"), data["links"])
    assert_page_shows(page_table(at, "n_facilities"), data["bases"])
    assert not map_pages(at)  # nothing to draw


def test_page_shows_the_cli_links_with_lines_and_reasons(
        demo_project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    codes = with_codes(demo_project)
    data = cli_links(demo_project)
    linked = [r for r in data["links"] if r["status"] == "linked"]
    assert sorted(r["base_code"] for r in linked) == sorted(
        [codes[0], codes[1].lower(), codes[2]])
    at = app_test(PAGE, demo_project, monkeypatch)
    assert not at.exception
    shown = page_table(at, "facility_kind")
    assert list(shown.columns) == [header(c, "vi") for c in LINK_TABLE_COLUMNS]
    assert set(shown[header("facility_kind", "vi")]) == {"Doanh nghiệp động viên công nghiệp",
                                                         "Khu kinh tế – quốc phòng"}
    assert_page_shows(shown, data["links"])
    bases = page_table(at, "n_facilities")
    assert list(bases.columns) == [header(c, "vi") for c in BASE_TABLE_COLUMNS]
    assert_page_shows(bases, data["bases"])
    assert [m.value for m in at.metric] == ["31", "3", "1", "28"]
    assert any("'CC-KHONG-CO': không căn cứ nào có mã này" in w.value for w in at.warning)
    html = page_map_html(at)
    for label in ("Liên kết cơ sở – căn cứ", "Căn cứ chiến đấu tỉnh", "Khoảng cách (m)"):
        assert json.dumps(label)[1:-1] in html, label
    at.sidebar.radio(key="lang_choice").set_value("en").run()
    assert not at.exception
    assert at.title[0].value == "Facilities linked to bases"


def test_page_without_facilities_says_what_to_import(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "empty.gpkg"
    assert kvpt("init", path).exit_code == 0
    at = app_test(PAGE, path, monkeypatch)
    assert not at.exception
    assert [i.value for i in at.info] == [
        "Cần một lớp 'Khu kinh tế – quốc phòng' hoặc 'Doanh nghiệp động viên công nghiệp'. "
        "Nhập lớp ở trang Lớp dữ liệu."]
    assert not at.dataframe


# --- geo.link_lines: hand-made case in EPSG:3405 metres ----------------------------------

X0, Y0 = 600_000.0, 2_400_000.0


@pytest.mark.parametrize("crs", [3405, 4326])
def test_link_lines_are_the_shortest_lines_in_metres(crs: int) -> None:
    bases = gpd.GeoDataFrame({"code": ["A", "B"]}, geometry=[
        Point(X0, Y0), box(X0 + 5000, Y0, X0 + 5200, Y0 + 200)], crs=3405, index=["b0", "b1"])
    facilities = gpd.GeoDataFrame({"base_code": ["A", "B", "Z"]}, geometry=[
        Point(X0 + 300, Y0 + 400), Point(X0 + 5300, Y0 + 100), Point(X0, Y0)],
        crs=3405, index=["f0", "f1", "f2"])
    links = gpd.pd.DataFrame({"facility": ["f0", "f1", "f2"], "base": ["b0", "b1", ""],
                              "status": ["linked", "linked", "unknown_base"]},
                             index=[10, 11, 12])
    lines = link_lines(links, facilities.to_crs(crs), bases.to_crs(crs), crs=3405)
    assert list(lines.index) == [10, 11]  # the unknown code gets no line
    assert lines.length.tolist() == pytest.approx([500.0, 100.0], abs=0.01)  # 3-4-5; 5300-5200
    ends = [shapely.get_coordinates(g) for g in lines]
    assert ends[0].ravel().tolist() == pytest.approx([X0 + 300, Y0 + 400, X0, Y0], abs=0.01)
    assert ends[1].ravel().tolist() == pytest.approx([X0 + 5300, Y0 + 100, X0 + 5200, Y0 + 100],
                                                     abs=0.01)
    assert not math.isnan(lines.length.sum())
