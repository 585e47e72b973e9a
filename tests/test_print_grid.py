"""The coordinate grid of printed sheets: ``--grid degrees|vn2000|none`` (#9 §1).

The VN-2000 km grid is checked against pyproj computations made here independently
(where a grid line must cross the map frame, found by root finding on the frame's edge),
the PDF read back with poppler (``pdftotext``).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

import geopandas as gpd
import numpy as np
import pyproj
import pytest
from scipy.optimize import brentq
from streamlit.testing.v1 import AppTest
from typer.testing import CliRunner

from cli import app
from conftest import needs_poppler
from geo.coordinates import to_grid, vn2000_tm3
from layers.crs import crs_code
from layers.prepare import NewLayer
from layers.store import ProjectStore
from maps import print_grid
from maps.print_layout import SheetSpec, build_sheet, project_sheet
from planning import prints
from planning.errors import PlanningError
from planning.project import Project

runner = CliRunner()
MM_PT = 72 / 25.4
ZONE = "EPSG:9215"  # VN-2000 / TM-3 107-15, the demo province's (Lạng Sơn) grid
NOTE_VI = "Lưới tọa độ VN-2000, KTT 107°15′, múi 3°"
NOTE_EN = "VN-2000 grid, central meridian 107°15′, 3° zone"



def kvpt(*args: object):  # noqa: ANN201 - typer Result
    return runner.invoke(app, [str(a) for a in args])


def pdf_text(path: Path) -> str:
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True,
                         capture_output=True, text=True).stdout
    return unicodedata.normalize("NFC", out)


def pdf_word_boxes(path: Path) -> list[tuple[str, float, float, float, float]]:
    """Words of page 1 with their boxes (points, from the top left)."""
    html = subprocess.run(["pdftotext", "-bbox", str(path), "-"], check=True,
                          capture_output=True, text=True).stdout
    return [(unicodedata.normalize("NFC", m.group(5)), *(float(m.group(i)) for i in range(1, 5)))
            for m in re.finditer(r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" '
                                 r'yMax="([\d.]+)">([^<]*)<', html)]


def sheet_of(project: Path, extent: str | None, grid: str | None, *, lang: str = "vi"):  # noqa: ANN201
    proj = Project(ProjectStore(project))
    inputs = prints.print_inputs(proj, extent=extent, grid=grid)
    return project_sheet(proj.reader, inputs.layers, SheetSpec(
        paper="A3", landscape=True, lang=lang, **inputs.sheet_options()))


def crossing(frame, side: str, axis: str, value: float, zone: str = ZONE) -> tuple[float, float]:  # noqa: ANN001
    """Where the grid line ``axis == value`` crosses a frame edge (root finding, pyproj)."""
    to_zone = pyproj.Transformer.from_crs(frame.crs, zone, always_xy=True)
    x0, y0, x1, y1 = frame.box
    k = 0 if axis == "easting" else 1
    if side in ("bottom", "top"):
        y = y0 if side == "bottom" else y1
        x = brentq(lambda t: to_zone.transform(t, y)[k] - value, x0, x1, xtol=1e-4)
        return x, y
    x = x0 if side == "left" else x1
    y = brentq(lambda t: to_zone.transform(x, t)[k] - value, y0, y1, xtol=1e-4)
    return x, y


def expected_step(frame, zone: str = ZONE) -> tuple[float, int]:  # noqa: ANN001
    """The rule brute-forced: the finest spacing with at most 10 lines on either side."""
    to_zone = pyproj.Transformer.from_crs(frame.crs, zone, always_xy=True)
    x0, y0, x1, y1 = frame.box
    t = np.linspace(0, 1, 2001)
    xs = np.concatenate([x0 + (x1 - x0) * t, np.full_like(t, x1), x1 - (x1 - x0) * t,
                         np.full_like(t, x0)])
    ys = np.concatenate([np.full_like(t, y0), y0 + (y1 - y0) * t, np.full_like(t, y1),
                         y1 - (y1 - y0) * t])
    e, n = to_zone.transform(xs, ys)
    for km in (1, 2, 5, 10, 20, 50, 100, 200):
        step = km * 1000
        counts = [sum(1 for v in range(int(lo // step) - 1, int(hi // step) + 2)
                      if lo < v * step < hi) for lo, hi in ((e.min(), e.max()),
                                                            (n.min(), n.max()))]
        if max(counts) <= 10:
            return step, max(counts)
    raise AssertionError("no step fits")


@pytest.fixture(scope="module")
def project(demo_master: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("grid") / "demo.gpkg"
    shutil.copy2(demo_master, path)
    return path


def test_step_rule_and_labels_by_hand() -> None:
    # 30 km × 20 km: 2 km gives 14 lines across the long side, 5 km gives 5 and 3
    assert print_grid.grid_step((0, 0, 30_000, 20_000)) == 5_000
    assert print_grid.grid_step((0, 0, 300_000, 200_000)) == 50_000
    assert print_grid.grid_step((0, 0, 9_500, 9_500)) == 1_000  # 9 lines of 1 km
    assert print_grid.line_values(1_000, 9_000, 2_000).tolist() == [2_000, 4_000, 6_000,
                                                                     8_000]
    assert print_grid.line_values(0, 10_000, 2_000).tolist() == [2_000, 4_000, 6_000,
                                                                 8_000]
    assert print_grid.km_text(2_417_000) == "2 417"
    assert print_grid.km_text(448_000, unit=True) == "448 km"
    assert print_grid.grid_note(ZONE, "vi") == f"{NOTE_VI} (km)"
    assert print_grid.grid_note(vn2000_tm3(105.75), "en").startswith(
        "VN-2000 grid, central meridian 105°45′, 3° zone")
    assert "múi 6°" in print_grid.grid_note("EPSG:3405", "vi")  # UTM: a 6° zone
    assert print_grid.GRID_CHOICES == prints.GRIDS


@pytest.mark.parametrize("extent", ["trang dinh", None])
def test_grid_lines_cross_the_frame_where_their_coordinate_is(project: Path,
                                                              extent: str | None) -> None:
    sheet = sheet_of(project, extent, "vn2000")
    frame, labels = sheet.frame, sheet.grid
    assert {g.side for g in labels} == {"bottom", "top", "left", "right"}
    step, count = expected_step(frame)
    bottom = sorted(g.value for g in labels if g.side == "bottom")
    assert np.allclose(np.diff(bottom), step) and 4 <= count <= 10
    assert all(g.step == step for g in labels)
    left = sorted(g.value for g in labels if g.side == "left")
    assert np.allclose(np.diff(left), step)
    assert max(len(bottom), len(left)) == count  # every line inside is labelled
    to_lonlat = pyproj.Transformer.from_crs(frame.crs, 4326, always_xy=True)
    for g in labels:
        x, y = crossing(frame, g.side, g.axis, g.value)
        assert abs(g.x - x) < 1.0 and abs(g.y - y) < 1.0, g  # metres: 0.005 mm on paper
        easting, northing = to_grid(*to_lonlat.transform(g.x, g.y), ZONE)  # 7-parameter path
        assert abs((easting if g.axis == "easting" else northing) - g.value) < 1.0, g
        assert g.text.replace(" km", "") == print_grid.km_text(g.value)
        assert g.value % 1000 == 0
    first = min((g for g in labels if g.side == "bottom"), key=lambda g: g.x)
    assert first.text.endswith(" km") and sum(g.text.endswith("km") for g in labels) == 4


def test_two_extents_get_their_own_spacing(project: Path) -> None:
    district = sheet_of(project, "trang dinh", "vn2000")
    province = sheet_of(project, None, "vn2000")
    steps = []
    for sheet in (district, province):
        values = sorted(g.value for g in sheet.grid if g.side == "bottom")
        steps.append(values[1] - values[0])
        assert steps[-1] == expected_step(sheet.frame)[0]
    assert steps[0] < steps[1]  # the district, drawn larger, has a finer grid


@needs_poppler
def test_cli_vn2000_grid_in_the_pdf_at_its_place(project: Path, tmp_path: Path) -> None:
    pdf = tmp_path / "grid.pdf"
    res = kvpt("print", project, pdf, "--extent", "trang dinh", "--landscape", "--grid",
               "vn2000")
    assert res.exit_code == 0, res.stderr
    sheet = sheet_of(project, "trang dinh", "vn2000")
    step = expected_step(sheet.frame)[0]
    assert f"VN-2000 grid every {step // 1000} km" in res.stdout
    text = pdf_text(pdf)
    assert NOTE_VI in text and "VN-2000 / UTM zone 48N" in text
    assert "Lưới kinh, vĩ độ" not in text and not re.search(r"\d°\d\d′", text.replace(
        "107°15′", ""))  # no degree ticks
    for label in sheet.grid:
        assert label.text in text
    # a bottom label's printed position is where its easting crosses the frame's bottom
    ax = sheet.figure.axes[0].get_position()
    width_mm, height_mm = (v * 25.4 for v in sheet.figure.get_size_inches())
    map_left, map_bottom_pt = ax.x0 * width_mm, (1 - ax.y0) * height_mm * MM_PT
    words = pdf_word_boxes(pdf)
    checked = 0
    for g in (g for g in sheet.grid if g.side == "bottom"):
        number = g.text.split(" km")[0].replace(" ", "")
        boxes = [w for w in words if w[0] == number and w[2] > map_bottom_pt]
        assert len(boxes) == 1, g
        _, x0, top, x1, _ = boxes[0]
        if g.text.endswith(" km"):  # "390 km" is two words, centred together
            x1 = next(w[3] for w in words if w[0] == "km" and abs(w[2] - top) < 0.5
                      and 0 <= w[1] - x1 < 6)
        x_mm = (x0 + x1) / 2 / MM_PT - map_left
        x = sheet.frame.box[0] + x_mm * sheet.frame.scale / 1000
        expected, _ = crossing(sheet.frame, "bottom", "easting", g.value)
        assert abs(x - expected) * 1000 / sheet.frame.scale < 1.0  # within 1 mm on paper
        checked += 1
    assert checked >= 4


@needs_poppler
def test_degrees_stay_the_default_and_none_draws_no_grid(project: Path,
                                                          tmp_path: Path) -> None:
    default, degrees, none = (tmp_path / f"{n}.pdf" for n in ("default", "degrees", "none"))
    assert kvpt("print", project, default, "--extent", "trang dinh").exit_code == 0
    assert kvpt("print", project, degrees, "--extent", "trang dinh", "--grid",
                "degrees").exit_code == 0
    assert kvpt("print", project, none, "--extent", "trang dinh", "--grid",
                "none").exit_code == 0
    text = pdf_text(default)
    assert text == pdf_text(degrees)
    assert "106°30′" in text and "Lưới kinh, vĩ độ (WGS 84)" in text and NOTE_VI not in text
    sheet = sheet_of(project, "trang dinh", None)
    assert sheet.spec.grid == "degrees" and sheet.grid == [] and "106°30′" in sheet.texts
    bare = pdf_text(none)
    assert "106°30′" not in bare and "Lưới kinh" not in bare and NOTE_VI not in bare
    assert SheetSpec().grid == "degrees"


@needs_poppler
def test_english_sheet_names_the_grid_in_english(project: Path, tmp_path: Path) -> None:
    pdf = tmp_path / "en.pdf"
    res = kvpt("print", project, pdf, "--extent", "trang dinh", "--grid", "vn2000",
               "--lang", "en")
    assert res.exit_code == 0, res.stderr
    text = pdf_text(pdf)
    assert NOTE_EN in text and NOTE_VI not in text
    assert re.search(r"\b2 4\d0 km\b", text)  # a northing in km


def test_grid_setting_is_the_default_of_prints(demo_project: Path, tmp_path: Path) -> None:
    res = kvpt("settings", demo_project)
    assert res.stdout.splitlines() == ["issuing_unit: ", "classification: ", "grid: degrees"]
    res = kvpt("settings", demo_project, "--grid", "vn2000")
    assert res.exit_code == 0 and "grid: vn2000" in res.stdout.splitlines()
    proj = Project(ProjectStore(demo_project))
    assert prints.read_grid(proj) == "vn2000"
    assert prints.read_settings(proj) == {"issuing_unit": "", "classification": ""}
    inputs = prints.print_inputs(proj)
    assert (inputs.grid, inputs.grid_crs) == ("vn2000", ZONE)
    assert prints.print_inputs(proj, grid="degrees").grid == "degrees"  # the option wins
    assert kvpt("settings", demo_project, "--grid", "metres").exit_code == 2
    with pytest.raises(PlanningError, match="unknown coordinate grid 'metres'.*degrees, "
                                            "vn2000, none"):
        prints.save_grid(proj, "metres")
    assert prints.read_grid(Project(ProjectStore(demo_project))) == "vn2000"
    res = kvpt("print", demo_project, tmp_path / "s.png", "--paper", "A4", "--dpi", "30")
    assert res.exit_code == 0, res.stderr


def test_zone_comes_from_the_layers_delivered_in_a_tm3_grid(demo_project: Path) -> None:
    store = ProjectStore(demo_project)
    proj = Project(store)
    assert prints.vn2000_grid(proj) == ZONE  # the demo's layers: WGS 84 and UTM 48N only
    zone = vn2000_tm3(105.75)  # VN-2000 / TM-3 105-45
    points = gpd.GeoDataFrame({"name": ["A"], "code": ["X-1"]},
                              geometry=gpd.points_from_xy([106.4], [21.9]), crs=4326)
    store.add_layer(NewLayer(points.to_crs(zone), "Căn cứ TM-3", "combat_base",
                             source_crs=crs_code(zone)))
    proj = Project(ProjectStore(demo_project))
    found = prints.vn2000_grid(proj)
    assert pyproj.CRS(found).equals(zone)
    sheet = sheet_of(demo_project, "trang dinh", "vn2000")
    assert "Lưới tọa độ VN-2000, KTT 105°45′, múi 3° (km)" in sheet.texts
    g = next(g for g in sheet.grid if g.side == "left")
    assert abs(crossing(sheet.frame, "left", "northing", g.value, zone=found)[1] - g.y) < 1.0


def test_unknown_grid_in_a_spec_is_refused() -> None:
    points = gpd.GeoDataFrame(geometry=gpd.points_from_xy([106.5], [21.9]), crs=4326)
    from maps.project_map import MapLayer

    with pytest.raises(ValueError, match="Unknown grid 'utm'"):
        build_sheet([MapLayer("P", "combat_base", points)], SheetSpec(paper="A4",
                                                                      grid="utm"))


def _panel() -> None:
    import os

    from layers.store import ProjectStore
    from planning.project import Project
    from ui.print_panel import print_panel
    from ui.state import CachedReader

    store = ProjectStore(os.environ["KVPT_PROJECT"])
    print_panel(Project(CachedReader(store)), [r.name for r in store.layers()][:3])


def test_panel_prints_the_vn2000_grid(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import ui.print_panel

    drawn = []

    def recording(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        sheet = project_sheet(*args, **kwargs)
        drawn.append(sheet)
        return sheet

    monkeypatch.setattr(ui.print_panel, "project_sheet", recording)
    monkeypatch.setenv("KVPT_PROJECT", str(project))
    at = AppTest.from_function(_panel, default_timeout=120).run()
    assert not at.exception
    grid = at.selectbox(key="print_grid")
    assert grid.value == "degrees" and grid.options[1] == "Lưới km VN-2000 (múi 3° của tỉnh)"
    grid.set_value("vn2000")
    at.selectbox(key="print_paper").set_value("A4")
    at = next(b for b in at.button if b.label == "Tạo bản in").click().run()
    assert not at.exception and not at.error
    assert len(at.get("image")) == 1
    assert len(drawn) == 1 and drawn[0].spec.grid == "vn2000"
    assert f"{NOTE_VI} (km)" in drawn[0].texts and drawn[0].grid
