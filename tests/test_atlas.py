"""The atlas: ``kvpt atlas``, :mod:`planning.atlas` and :mod:`maps.atlas` (#9, part 2).

Every PDF is read back page by page with poppler (``pdftotext``) and pypdf; what a page
should hold is counted from the project's data here, not taken from the code under test.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely
from pypdf import PdfReader
from typer.testing import CliRunner

from cli import app
from conftest import page_texts, sha256, title_of
from layers.kinds import KINDS
from layers.store import ProjectStore

runner = CliRunner()
UNIT = "Bộ CHQS tỉnh Lạng Sơn"
DISTRICTS = "Huyện, thành phố (Lạng Sơn)"
COMMUNES = "Xã, phường, thị trấn (Lạng Sơn, 2009)"
NEAR, FAR = "Huyện Tràng Định", "Huyện Đình Lập"
ASSET_KINDS = ("combat_base", "rear_base", "logistics_base", "key_defense_area",
               "air_defense", "training_ground", "high_point", "relocation_site",
               "enterprise")

pytestmark = pytest.mark.skipif(
    not (shutil.which("pdftotext") and shutil.which("pdftoppm")),
    reason="poppler-utils (pdftotext) not installed: `make test` installs them")


def kvpt(*args: object):
    return runner.invoke(app, [str(a) for a in args])


def marks_per_page(path: Path) -> list[tuple[float, float]]:
    """Per page, the highest and lowest 'MẬT' (share of the page height from the top)."""
    html = subprocess.run(["pdftotext", "-bbox", str(path), "-"], check=True,
                          capture_output=True, text=True).stdout
    out = []
    for page in re.findall(r'<page width="[\d.]+" height="([\d.]+)">(.*?)</page>', html,
                           flags=re.S):
        height = float(page[0])
        ys = [(float(a) + float(b)) / 2 / height for a, b, word in re.findall(
            r'yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)<', page[1])
            if unicodedata.normalize("NFC", word) == "MẬT"]
        out.append((min(ys, default=1.0), max(ys, default=0.0)))
    return out


def assets_by_unit(project: Path, layer: str) -> dict[str, dict[str, str]]:
    """Code → name of the assets whose representative point lies in each unit of ``layer``.

    Computed here from the stored layers: a point as it is, a polygon's point on surface,
    in VN-2000 / UTM 48N.
    """
    store = ProjectStore(project)
    units = store.read(layer).to_crs(3405)
    found: dict[str, dict[str, str]] = {name: {} for name in units["name"]}
    for record in store.layers():
        if record.kind not in ASSET_KINDS:
            continue
        gdf = store.read(record.name).to_crs(3405)
        if "code" not in gdf.columns:
            continue
        points = shapely.point_on_surface(gdf.geometry.to_numpy())
        for code, name, point in zip(gdf["code"], gdf["name"], points, strict=True):
            hit = units[units.contains(point)]
            if len(hit) and isinstance(code, str) and code:
                found[hit["name"].iloc[0]][code] = name
    return found


def every_asset(project: Path) -> dict[str, str]:
    """Code → name of every asset of the project."""
    return {c: n for codes in assets_by_unit(project, DISTRICTS).values()
            for c, n in codes.items()}


def listed(text: str, assets: dict[str, str]) -> list[str]:
    """Codes written as table rows: the code, then the start of the asset's own name.

    (A code alone is a label on the map.)
    """
    out = []
    for code, name in assets.items():
        lead = re.escape(" ".join(name.split()[:3]))
        out += [code] * len(re.findall(rf"(?<![\w-]){re.escape(code)}\s+{lead}", text))
    return out


@pytest.fixture(scope="module")
def project(demo_master: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("atlas") / "demo.gpkg"
    shutil.copy2(demo_master, path)
    res = kvpt("settings", path, "--unit", UNIT, "--classification", "MẬT")
    assert res.exit_code == 0, res.stderr
    return path


@pytest.fixture(scope="module")
def by_district(project: Path) -> dict:
    out = project.parent / "atlas_districts.pdf"
    res = kvpt("atlas", project, out)
    assert res.exit_code == 0, res.stderr
    return {"pdf": out, "pages": page_texts(out), "stdout": res.stdout}


def test_cover_index_and_a_sheet_per_district(by_district: dict, project: Path) -> None:
    pages = by_district["pages"]
    continued = [title_of(p) for p in pages if title_of(p).endswith("(tiếp)")]
    assert len(pages) == 11 + 2 + len(continued)
    assert len(PdfReader(by_district["pdf"]).pages) == len(pages)
    cover = pages[0]
    assert title_of(cover) == "Tập bản đồ khu vực phòng thủ – Tỉnh Lạng Sơn"
    assert UNIT in cover and "Độ mật: MẬT" in cover and "Gồm 11 đơn vị:" in cover
    districts = ProjectStore(project).read(DISTRICTS)["name"].tolist()
    assert all(name in cover for name in districts)
    assert title_of(pages[1]) == "Mục lục"
    sheets = [title_of(p) for p in pages[2:] if not title_of(p).endswith("(tiếp)")]
    assert sheets == districts
    assert f"({len(pages)} pages: cover and index, 11 district sheets)" in \
        by_district["stdout"]


def test_each_district_page_lists_its_assets_and_not_a_far_ones(by_district: dict,
                                                                 project: Path) -> None:
    pages = by_district["pages"]
    assets = assets_by_unit(project, DISTRICTS)
    assert sum(map(len, assets.values())) > 100  # every demo asset has a code
    everything = every_asset(project)
    for name, codes in assets.items():
        mine = [p for p in pages[2:] if title_of(p).removesuffix(" (tiếp)") == name]
        text = "\n".join(mine)
        assert f"Công trình, đối tượng trong {name} ({len(codes)})" in text, name
        assert sorted(listed(text, everything)) == sorted(codes), name  # exactly its own
    near = "\n".join(p for p in pages if title_of(p) == NEAR)
    assert assets[NEAR] and all(code in near for code in assets[NEAR])
    assert assets[FAR] and not any(re.search(rf"\b{code}\b", near) for code in assets[FAR])


def test_index_page_numbers_point_at_the_sheets(by_district: dict) -> None:
    pages = by_district["pages"]
    rows = re.findall(r"^\s*(\d+) (.+?)\s{2,}(\d+)\s+(\d+)\s+(\d+)\s*$", pages[1], flags=re.M)
    assert len(rows) == 11
    for _, name, _, count, page in rows:
        target = pages[int(page) - 1]
        assert title_of(target) == name.strip()
        assert f"({count})" in target  # the table's caption counts the same assets
        assert f"Trang {page}/{len(pages)}" in target


def test_classification_marked_top_and_bottom_of_every_page(by_district: dict) -> None:
    marks = marks_per_page(by_district["pdf"])
    assert len(marks) == len(by_district["pages"])
    for top, bottom in marks:
        assert top < 0.06 and bottom > 0.94


def test_communes_of_a_district_page_count(project: Path) -> None:
    store = ProjectStore(project)
    districts = store.read(DISTRICTS)
    code = districts.loc[districts["name"] == NEAR, "code"].iloc[0]
    communes = store.read(COMMUNES)
    names = communes.loc[communes["parent_code"] == code, "name"].tolist()
    out = project.parent / "atlas_communes.pdf"
    res = kvpt("atlas", project, out, "--by", "commune", "--where", "Tràng Định", "--lang",
               "en", "--classification", "")
    assert res.exit_code == 0, res.stderr
    pages = page_texts(out)
    continued = [p for p in pages if title_of(p).endswith("(continued)")]
    assert len(names) == 23 and len(pages) == len(names) + 2 + len(continued)
    assert title_of(pages[0]) == "Defense area atlas – Tỉnh Lạng Sơn"
    assert f"Communes of {NEAR}" in pages[0] and "MẬT" not in "".join(pages)
    assert [title_of(p) for p in pages[2:] if p not in continued] == names
    assets = assets_by_unit(project, COMMUNES)
    with_assets = [n for n in names if assets[n]]
    assert with_assets  # the English tables: headers and kinds
    page = next(p for p in pages if title_of(p) == with_assets[0])
    assert re.search(r"Code\s+Name\s+Kind", page)
    assert any(KINDS[k].label("en") in page for k in ASSET_KINDS)


def test_long_table_continues_with_its_header_repeated(project: Path, tmp_path: Path) -> None:
    path = tmp_path / "demo.gpkg"
    shutil.copy2(project, path)
    area = ProjectStore(path).read(DISTRICTS).set_index("name").loc[NEAR, "geometry"]
    rng = np.random.default_rng(9)
    points = []
    while len(points) < 70:
        x, y = rng.uniform(*area.bounds[::2]), rng.uniform(*area.bounds[1::2])
        if area.buffer(-0.01).contains(shapely.Point(x, y)):
            points.append(shapely.Point(x, y))
    codes = [f"TD-{i:03d}" for i in range(1, 71)]
    extra = gpd.GeoDataFrame({"name": [f"Trận địa thử {c}" for c in codes], "code": codes,
                              "fictional": "giả định"}, geometry=points, crs=4326)
    source = tmp_path / "extra.geojson"
    source.write_text(extra.to_json(), encoding="utf-8")
    res = kvpt("import", path, source, "--kind", "air_defense", "--name",
               "Trận địa thử (giả định)")
    assert res.exit_code == 0, res.stderr
    out = tmp_path / "long.pdf"
    res = kvpt("atlas", path, out, "--where", "Tràng Định")
    assert res.exit_code == 0, res.stderr
    pages = page_texts(out)
    continued = [p for p in pages if title_of(p) == f"{NEAR} (tiếp)"]
    expected = assets_by_unit(path, DISTRICTS)[NEAR]
    assert len(expected) == 74 and continued  # 70 more: the table goes on
    assert len(pages) == 3 + len(continued)
    rows = listed("\n".join(pages[2:]), every_asset(path))
    assert sorted(rows) == sorted(expected)  # each once: no row lost, cut or repeated
    for page in continued:
        assert len(re.findall(r"Mã\s+Tên\s+Loại", page)) >= 1  # header repeated


def test_atlas_errors_exit_2_and_write_nothing(project: Path, tmp_path: Path) -> None:
    before = sha256(project)
    for args, words in ((["--where", "Trang Dnh"], "no district or commune named"),
                        (["--by", "district", "--layers", "Nope"], "'Nope' is not a layer"),
                        (["--by", "county"], "")):
        res = kvpt("atlas", project, tmp_path / "x.pdf", *args)
        assert res.exit_code == 2, args
        assert words in res.stderr
    res = kvpt("atlas", project, tmp_path / "x.png")
    assert res.exit_code == 2 and "must end in .pdf" in res.stderr
    assert not list(tmp_path.iterdir())
    assert sha256(project) == before


def test_two_tier_project_has_no_district_atlas(tmp_path: Path) -> None:
    from planning.atlas import atlas_contents
    from planning.errors import PlanningError
    from planning.project import Project

    path = tmp_path / "p.gpkg"
    assert kvpt("init", path).exit_code == 0
    commune = gpd.GeoDataFrame({"name": ["Xã A"], "level": ["commune"], "code": ["1"]},
                               geometry=[shapely.box(106.5, 21.8, 106.6, 21.9)], crs=4326)
    source = tmp_path / "c.geojson"
    source.write_text(commune.to_json(), encoding="utf-8")
    assert kvpt("import", path, source, "--kind", "admin_unit").exit_code == 0
    with pytest.raises(PlanningError, match="no admin units of level district"):
        atlas_contents(Project(ProjectStore(path)), by="district")
    contents = atlas_contents(Project(ProjectStore(path)), by="commune", lang="en")
    assert [u.name for u in contents.units] == ["Xã A"] and not contents.units[0].assets.rows


def test_the_grid_setting_rules_atlas_and_brief_pages(demo_master: Path, tmp_path: Path
                                                      ) -> None:
    path = tmp_path / "grid.gpkg"
    shutil.copy2(demo_master, path)
    assert kvpt("settings", path, "--grid", "vn2000").exit_code == 0
    atlas, brief = tmp_path / "atlas.pdf", tmp_path / "brief.pdf"
    res = kvpt("atlas", path, atlas, "--by", "district", "--where", "Tràng Định", "--lang",
               "en")
    assert res.exit_code == 0, res.stderr
    res = kvpt("brief", path, brief, "--posture", "--lang", "en")
    assert res.exit_code == 0, res.stderr
    for pages in (page_texts(atlas), page_texts(brief)):
        maps = [p for p in pages if "Scale" in p or "scale" in p]
        assert maps and all("VN-2000 grid" in " ".join(p.split()) for p in maps)
    assert kvpt("settings", path, "--grid", "degrees").exit_code == 0
    res = kvpt("atlas", path, atlas, "--by", "district", "--where", "Tràng Định", "--lang",
               "en")
    assert res.exit_code == 0 and "VN-2000 grid" not in " ".join(" ".join(page_texts(atlas))
                                                                 .split())
