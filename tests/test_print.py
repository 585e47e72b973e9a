"""Printed map sheets: ``kvpt print``, ``kvpt settings`` and :mod:`maps.print_layout` (#9).

The PDFs are read back with poppler (``pdftotext``, ``pdftoppm``) and pypdf.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
from PIL import Image
from pypdf import PdfReader
from typer.testing import CliRunner

from cli import app
from conftest import sha256
from layers.kinds import KINDS
from layers.store import ProjectStore
from maps.print_layout import PAPERS, SheetSpec, build_sheet, project_sheet, write_pdf
from planning import prints
from planning.project import Project

runner = CliRunner()
MM_PT = 72 / 25.4
UNIT = "Bộ CHQS tỉnh Lạng Sơn"
DISTRICT, FAR = "Huyện Tràng Định", "Huyện Đình Lập"

needs_poppler = pytest.mark.skipif(
    not (shutil.which("pdftotext") and shutil.which("pdftoppm")),
    reason="poppler-utils (pdftotext, pdftoppm) not installed: `make test` installs them")


def kvpt(*args: object):
    return runner.invoke(app, [str(a) for a in args])


def pdf_text(path: Path) -> str:
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True,
                         capture_output=True, text=True).stdout
    return unicodedata.normalize("NFC", out)


def pdf_words(path: Path) -> list[tuple[str, float]]:
    """Words of page 1 with the middle of their height (points from the top)."""
    html = subprocess.run(["pdftotext", "-bbox", str(path), "-"], check=True,
                          capture_output=True, text=True).stdout
    return [(unicodedata.normalize("NFC", m.group(3)), (float(m.group(1)) + float(m.group(2))) / 2)
            for m in re.finditer(r'yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)<',
                                 html)]


def assets_within(project: Path, district: str) -> set[str]:
    """Ids of the demo's asset features that lie inside a district."""
    store = ProjectStore(project)
    units = store.read("Huyện, thành phố (Lạng Sơn)")
    area = units.loc[units["name"] == district].geometry.iloc[0]
    found = set()
    for record in store.layers():
        if KINDS[record.kind].group not in ("defense", "mobilization"):
            continue
        gdf = store.read(record.name)
        found |= {f"{record.name}:{i}" for i in gdf.index[gdf.within(area)]}
    return found


@pytest.fixture(scope="module")
def printed(demo_master: Path, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The demo with print settings, printed as an A3 landscape PDF of one district."""
    folder = tmp_path_factory.mktemp("print")
    project = folder / "demo.gpkg"
    shutil.copy2(demo_master, project)
    res = kvpt("settings", project, "--unit", UNIT, "--classification", "MẬT")
    assert res.exit_code == 0, res.stderr
    pdf = folder / "trang_dinh.pdf"
    res = kvpt("print", project, pdf, "--paper", "A3", "--landscape", "--extent",
               "trang dinh")
    assert res.exit_code == 0, res.stderr
    return {"project": project, "pdf": pdf, "stdout": res.stdout}


@needs_poppler
def test_pdf_text_is_real_text_with_every_sheet_element(printed: dict) -> None:
    text = pdf_text(printed["pdf"])
    assert "Bản đồ khu vực phòng thủ – Tỉnh Lạng Sơn" in text  # the web map's title
    assert DISTRICT in text  # subtitle: the extent
    assert UNIT in text
    assert dt.date.today().strftime("%d/%m/%Y") in text
    assert re.search(r"\b\d+ km\b", text)  # scale bar label
    assert re.search(r"Tỉ lệ 1:\d{3}\.000", text)
    assert "106°30′" in text  # degree ticks
    assert "VN-2000 / UTM zone 48N" in text
    for legend in ("Căn cứ chiến đấu (giả định)", "Căn cứ hậu phương (giả định)",
                   "Khu vực phòng thủ then chốt (giả định)", "Quốc lộ, tỉnh lộ",
                   "Đường biên giới / vành đai biên giới", "Nền bản đồ (dữ liệu thật)"):
        assert legend in text, legend
    assert "Lớp giả định: dữ liệu minh hoạ" in text  # fictional data said so
    assert "LegoCity (CTU-SematX, CC BY-SA 4.0)" in text
    assert "CCCD-180" in text  # the district's combat base is labelled by its code
    assert "CCCD-189" not in text  # a far district's is not on the sheet


@needs_poppler
def test_classification_top_and_bottom_and_north_arrow(printed: dict) -> None:
    height = 297 * MM_PT
    words = pdf_words(printed["pdf"])
    marks = [y for w, y in words if w == "MẬT"]
    assert len(marks) == 2
    assert min(marks) < 0.06 * height and max(marks) > 0.94 * height
    assert [w for w, _ in words].count("B") == 1  # the north arrow (Bắc)


def test_page_is_exactly_a3_landscape(printed: dict) -> None:
    reader = PdfReader(printed["pdf"])
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert float(box.width) == pytest.approx(420 * MM_PT, abs=0.05)
    assert float(box.height) == pytest.approx(297 * MM_PT, abs=0.05)
    assert "A3 landscape" in printed["stdout"]


@needs_poppler
def test_map_area_is_drawn_in_the_styles_colours(printed: dict, tmp_path: Path) -> None:
    subprocess.run(["pdftoppm", "-r", "100", "-png", "-singlefile", str(printed["pdf"]),
                    str(tmp_path / "page")], check=True)
    image = np.asarray(Image.open(tmp_path / "page.png").convert("RGB")).astype(int)
    sheet = _sheet(printed["project"], "trang dinh", landscape=True)
    left, bottom, width, height = sheet.figure.axes[0].get_position().bounds
    rows, cols = image.shape[:2]
    area = image[int((1 - bottom - height) * rows) + 2:int((1 - bottom) * rows) - 2,
                 int(left * cols) + 2:int((left + width) * cols) - 2]
    assert area.shape[0] > 800 and area.shape[1] > 1000
    assert (np.abs(area - 255).sum(axis=2) > 30).mean() > 0.25  # much drawn, not paper

    def rgb(colour: str) -> np.ndarray:
        return np.array([int(colour[i:i + 2], 16) for i in (1, 3, 5)])

    def pixels(colour: np.ndarray, tolerance: int = 60) -> int:
        return int((np.abs(area - colour).sum(axis=2) < tolerance).sum())

    for kind in ("combat_base", "rear_base", "key_defense_area", "infrastructure"):
        assert pixels(rgb(KINDS[kind].style.color)) > 40, kind
    style = KINDS["key_defense_area"].style  # its area: fill over the map's background
    fill = style.fill_opacity * rgb(style.fill_color) + (1 - style.fill_opacity) * rgb(
        "#f6f5f1")
    assert pixels(fill, 30) > 2000


def test_extent_draws_the_district_and_not_a_far_one(printed: dict) -> None:
    sheet = _sheet(printed["project"], "Tràng Định", landscape=True)
    frame = sheet.frame.lonlat()
    store = ProjectStore(printed["project"])
    for layer, ids in sheet.drawn.groupby("layer").groups.items():
        gdf = store.read(layer)
        rows = [int(i.rsplit(":", 1)[1]) for i in ids]
        assert gdf.loc[rows].intersects(frame).all(), layer
    drawn = set(sheet.drawn.index)
    inside, far = assets_within(printed["project"], DISTRICT), assets_within(
        printed["project"], FAR)
    assert len(inside) >= 3 and inside <= drawn
    assert far and not far & drawn
    assets = sheet.drawn[sheet.drawn["kind"].map(lambda k: KINDS[k].group) == "defense"]
    assert len(assets) < 0.3 * _count_assets(store)  # a part of the province only
    assert sheet.drawn.loc[list(inside), "labelled"].mean() > 0.6  # codes written


def test_png_has_the_pixel_size_of_the_paper_at_the_dpi(printed: dict,
                                                        tmp_path: Path) -> None:
    out = tmp_path / "sheet.png"
    res = kvpt("print", printed["project"], out, "--paper", "A4", "--portrait", "--dpi",
               "60", "--lang", "en", "--classification", "")
    assert res.exit_code == 0, res.stderr
    width, height = Image.open(out).size
    assert abs(width - 210 / 25.4 * 60) <= 1 and abs(height - 297 / 25.4 * 60) <= 1


def test_unknown_extent_exits_2_with_close_matches(printed: dict, tmp_path: Path) -> None:
    before = sha256(printed["project"])
    res = kvpt("print", printed["project"], tmp_path / "x.pdf", "--extent", "Trang Dnh")
    assert res.exit_code == 2
    assert "no district or commune named 'Trang Dnh'" in res.stderr
    assert "Huyện Tràng Định" in res.stderr and len(res.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "x.pdf").exists()
    for bad in ("107,22,106,21", "Xã Chi Lăng"):
        res = kvpt("print", printed["project"], tmp_path / "x.pdf", "--extent", bad)
        assert res.exit_code == 2 and res.stderr.startswith("kvpt: error:"), bad
    res = kvpt("print", printed["project"], tmp_path / "x.svg")
    assert res.exit_code == 2 and ".pdf or .png" in res.stderr
    res = kvpt("print", printed["project"], tmp_path / "x.pdf", "--layers", "Nope")
    assert res.exit_code == 2 and "'Nope' is not a layer" in res.stderr
    assert sha256(printed["project"]) == before


def test_settings_round_trip(demo_project: Path) -> None:
    res = kvpt("settings", demo_project)
    assert res.exit_code == 0 and res.stdout.splitlines() == [
        "issuing_unit: ", "classification: ", "grid: degrees"]
    assert kvpt("settings", demo_project, "--unit", UNIT).exit_code == 0
    assert kvpt("settings", demo_project, "--classification", "KHÔNG MẬT").exit_code == 0
    shown = kvpt("settings", demo_project).stdout.splitlines()
    assert shown == [f"issuing_unit: {UNIT}", "classification: KHÔNG MẬT", "grid: degrees"]
    assert kvpt("settings", demo_project, "--classification", "").exit_code == 0
    shown = kvpt("settings", demo_project).stdout.splitlines()
    assert shown == [f"issuing_unit: {UNIT}", "classification: ", "grid: degrees"]
    frame = ProjectStore(demo_project).read_records(prints.SETTINGS_TABLE)
    assert set(frame.columns) == {"key", "value"}
    inputs = prints.print_inputs(Project(ProjectStore(demo_project)))
    assert inputs.issuing_unit == UNIT and inputs.classification is None
    inputs = prints.print_inputs(Project(ProjectStore(demo_project)), classification="MẬT")
    assert inputs.classification == "MẬT"  # --classification overrides


def test_sheet_texts_have_their_glyphs_in_the_font(printed: dict) -> None:
    from matplotlib import font_manager, ft2font

    sheet = _sheet(printed["project"], None, landscape=None)
    font = ft2font.FT2Font(font_manager.findfont("DejaVu Sans", fallback_to_default=False))
    words = sheet.texts + [t.get_text() for ax in sheet.figure.axes for t in ax.texts]
    letters = {c for word in words for c in word if not c.isspace()}
    assert {"ạ", "ơ", "ị", "ự", "ầ", "Đ", "°", "′"} <= letters
    assert [c for c in letters if font.get_char_index(ord(c)) == 0] == []


def test_paper_sizes_orientation_and_multi_page_pdf(printed: dict, tmp_path: Path) -> None:
    reader = Project(ProjectStore(printed["project"])).reader
    sheets = [project_sheet(reader, None, SheetSpec(paper="A4", landscape=False,
                                                    lang="en")),
              project_sheet(reader, None, SheetSpec(paper="A3", extent=(106.6, 21.7,
                                                                         106.9, 21.95)))]
    assert tuple(s * 25.4 for s in sheets[0].figure.get_size_inches()) == pytest.approx(
        PAPERS["A4"])
    assert sheets[1].spec.landscape in (True, False)  # picked by the larger scale
    assert sheets[1].frame.scale < sheets[0].frame.scale
    assert sheets[0].spec.title == "Defense area map – Tỉnh Lạng Sơn"
    path = tmp_path / "atlas.pdf"
    assert write_pdf(sheets, path) == 2
    pages = PdfReader(path).pages
    assert [round(float(p.mediabox.width) / MM_PT) for p in pages] == [
        210, round(sheets[1].figure.get_size_inches()[0] * 25.4)]


def test_build_sheet_of_plain_layers_with_no_project() -> None:
    from maps.project_map import MapLayer

    bases = gpd.GeoDataFrame({"name": ["A", "B"], "code": ["X-1", "X-2"]},
                             geometry=gpd.points_from_xy([106.5, 106.52], [21.9, 21.91]),
                             crs=4326)
    sheet = build_sheet([MapLayer("Bases", "combat_base", bases)],
                        SheetSpec(paper="A4", title="T", classification="MẬT", lang="en"))
    assert sheet.texts.count("MẬT") == 2 and sheet.spec.date == dt.date.today()
    assert set(sheet.drawn["code"]) == {"X-1", "X-2"} and sheet.drawn["labelled"].all()
    assert sheet.frame.scale <= 25_000  # two points 2 km apart: a close-up


def _sheet(project: Path, extent: str | None, *, landscape: bool | None):  # noqa: ANN202
    proj = Project(ProjectStore(project))
    inputs = prints.print_inputs(proj, extent=extent)
    spec = SheetSpec(paper="A3", landscape=landscape, **inputs.sheet_options())
    return project_sheet(proj.reader, inputs.layers, spec)


def _count_assets(store: ProjectStore) -> int:
    return sum(r.feature_count for r in store.layers() if KINDS[r.kind].group == "defense")
