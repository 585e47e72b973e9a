from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import Polygon
from typer.testing import CliRunner

from cli import app
from conftest import sha256
from layers.store import ProjectStore
from maps.offline import external_urls

runner = CliRunner()


def kvpt(*args: object):
    return runner.invoke(app, [str(a) for a in args])


def proposal_file(tmp_path: Path, around: gpd.GeoDataFrame) -> Path:
    """A GeoJSON with one proposal square over the first feature of ``around``."""
    centre = around.to_crs(3405).geometry.iloc[0].centroid
    square = Polygon([(centre.x - 300, centre.y - 300), (centre.x + 300, centre.y - 300),
                      (centre.x + 300, centre.y + 300), (centre.x - 300, centre.y + 300)])
    gdf = gpd.GeoDataFrame({"ten": ["Khu công nghiệp thử"], "chu_dau_tu": ["Công ty A"]},
                           geometry=[square], crs=3405).to_crs(4326)
    path = tmp_path / "du_an_de_xuat.geojson"
    gdf.to_file(path)
    return path


def test_help_lists_every_command() -> None:
    out = subprocess.run([Path(sys.executable).with_name("kvpt"), "--help"],
                         capture_output=True, text=True, check=True).stdout
    for cmd in ("init", "import", "layers", "export", "appraise", "map", "demo", "restore"):
        assert cmd in out


def test_init_then_import_geojson_with_json_output(tmp_path: Path, demo_master: Path) -> None:
    project = tmp_path / "p.gpkg"
    assert kvpt("init", project).exit_code == 0
    bases = ProjectStore(demo_master).read_kinds(["combat_base"])
    src = proposal_file(tmp_path, next(iter(bases.values())))
    res = kvpt("import", project, src, "--kind", "proposed_project", "--name", "Dự án A",
               "--json")
    assert res.exit_code == 0, res.stderr
    (row,) = json.loads(res.stdout)
    assert row["layer"] == "Dự án A" and row["kind"] == "proposed_project"
    assert row["features"] == 1 and row["version"] == 1
    assert row["source_crs"] == "EPSG:4326"
    for key in ("encoding", "repaired", "source_crs", "version"):
        assert key in row
    layers = json.loads(kvpt("layers", project, "--json").stdout)
    assert [r["name"] for r in layers] == ["Dự án A"]
    stored = ProjectStore(project).read("Dự án A")
    assert stored["name"].tolist() == ["Khu công nghiệp thử"]
    assert stored["investor"].tolist() == ["Công ty A"]


def test_reimport_keeps_versions_and_restore(tmp_path: Path, demo_master: Path) -> None:
    project = tmp_path / "p.gpkg"
    kvpt("init", project)
    bases = next(iter(ProjectStore(demo_master).read_kinds(["combat_base"]).values()))
    src = proposal_file(tmp_path, bases)
    res = kvpt("import", project, src, "--kind", "proposed_project", "--name", "A")
    assert res.exit_code == 0, res.stderr
    before = sha256(project)
    same = kvpt("import", project, src, "--kind", "proposed_project", "--name", "A")
    assert same.exit_code == 2 and "--again" in same.stderr and sha256(project) == before
    res = kvpt("import", project, src, "--kind", "proposed_project", "--name", "A", "--again")
    assert res.exit_code == 0, res.stderr
    versions = json.loads(kvpt("versions", project, "A", "--json").stdout)
    assert [v["version"] for v in versions] == [1, 2]
    res = kvpt("restore", project, "A", "1")
    assert res.exit_code == 0, res.stderr
    assert ProjectStore(project).record("A").version == 3


@pytest.mark.parametrize("args, needle", [
    (["--kind", "no_such_kind"], "no_such_kind"),
    (["--encoding", "klingon"], "klingon"),
])
def test_bad_import_exits_2_with_one_line_and_store_unchanged(
        tmp_path: Path, demo_project: Path, args: list[str], needle: str) -> None:
    src = proposal_file(tmp_path, ProjectStore(demo_project).read_kinds(["combat_base"])
                        .popitem()[1])
    before = sha256(demo_project)
    res = kvpt("import", demo_project, src, *args)
    assert res.exit_code == 2
    assert needle in res.stderr and len(res.stderr.strip().splitlines()) == 1
    assert "Traceback" not in res.stderr
    assert sha256(demo_project) == before


def test_shapefile_without_prj_needs_crs(tmp_path: Path, demo_master: Path) -> None:
    project = tmp_path / "p.gpkg"
    kvpt("init", project)
    gdf = ProjectStore(demo_master).read_kinds(["combat_base"]).popitem()[1].to_crs(9215)
    shp = tmp_path / "can_cu_chien_dau.shp"
    gdf[["name", "geometry"]].to_file(shp, engine="pyogrio")
    shp.with_suffix(".prj").unlink()
    before = sha256(project)
    res = kvpt("import", project, shp)
    assert res.exit_code == 2 and "--crs" in res.stderr
    assert sha256(project) == before
    res = kvpt("import", project, shp, "--crs", "EPSG:9215", "--json")
    assert res.exit_code == 0, res.stderr
    stored = ProjectStore(project).read("can_cu_chien_dau")
    assert stored.crs.to_epsg() == 4326
    dist = stored.to_crs(3405).distance(gdf.to_crs(3405).reset_index(drop=True)).max()
    assert dist < 0.01


def test_export_every_format(tmp_path: Path, demo_master: Path) -> None:
    layer = ProjectStore(demo_master).layers()[0].name
    for ext in (".gpkg", ".geojson", ".kml", ".csv", ".zip"):
        out = tmp_path / f"out{ext}"
        res = kvpt("export", demo_master, layer, out)
        assert res.exit_code == 0, res.stderr
        assert out.stat().st_size > 0
    with zipfile.ZipFile(tmp_path / "out.zip") as z:
        assert any(n.endswith(".cpg") for n in z.namelist())
    res = kvpt("export", demo_master, layer, tmp_path / "out.xyz")
    assert res.exit_code == 2 and ".geojson" in res.stderr


def test_appraise_json_and_csv(tmp_path: Path, demo_master: Path) -> None:
    proposals = [r.name for r in ProjectStore(demo_master).layers()
                 if r.kind == "proposed_project"][0]
    res = kvpt("appraise", demo_master, "--proposals", proposals, "--json")
    assert res.exit_code == 0, res.stderr
    data = json.loads(res.stdout)
    verdicts = {p["verdict"] for p in data["projects"]}
    assert "conflict" in verdicts and "clear" in verdicts
    for pair in data["pairs"]:
        assert {"distance_m", "overlap_m2", "zone_overlap_m2", "verdict"} <= set(pair)
    out = tmp_path / "appraisal.csv"
    assert kvpt("appraise", demo_master, "--proposals", proposals, "--out", out).exit_code == 0
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")
    wide = json.loads(kvpt("appraise", demo_master, "--proposals", proposals,
                           "--zone", "combat_base=5000", "--json").stdout)
    assert (sum(p["verdict"] != "clear" for p in wide["projects"])
            >= sum(p["verdict"] != "clear" for p in data["projects"]))
    bad = kvpt("appraise", demo_master, "--proposals", proposals, "--zone", "combat_base=-1")
    assert bad.exit_code == 2 and "KIND=METRES" in bad.stderr


def test_map_writes_offline_html(tmp_path: Path, demo_master: Path) -> None:
    out = tmp_path / "map.html"
    res = kvpt("map", demo_master, out, "--title", "Lạng Sơn")
    assert res.exit_code == 0, res.stderr
    html = out.read_text(encoding="utf-8")
    assert "Lạng Sơn" in html and "L.map" in html
    assert external_urls(html) == []


def test_demo_refuses_existing_file(demo_project: Path) -> None:
    before = sha256(demo_project)
    res = kvpt("demo", demo_project)
    assert res.exit_code == 2 and "exists" in res.stderr
    assert sha256(demo_project) == before


def test_missing_project_is_one_clear_line(tmp_path: Path) -> None:
    res = kvpt("layers", tmp_path / "none.gpkg")
    assert res.exit_code == 2 and "kvpt init" in res.stderr


def test_delete_rename_undelete_are_versions(demo_project: Path) -> None:
    name = "Tỉnh Lạng Sơn"
    assert kvpt("rename", demo_project, name, "Tỉnh LS").exit_code == 0
    names = [r["name"] for r in json.loads(kvpt("layers", demo_project, "--json").stdout)]
    assert "Tỉnh LS" in names and name not in names
    res = kvpt("delete", demo_project, "Tỉnh LS")
    assert res.exit_code == 0 and "undelete" in res.stdout
    names = [r["name"] for r in json.loads(kvpt("layers", demo_project, "--json").stdout)]
    assert "Tỉnh LS" not in names
    assert kvpt("undelete", demo_project, "Tỉnh LS").exit_code == 0
    assert len(ProjectStore(demo_project).read("Tỉnh LS")) == 1
    assert kvpt("rename", demo_project, "Tỉnh LS", name).exit_code == 0
    before = sha256(demo_project)
    bad = kvpt("rename", demo_project, "no such layer", "x")
    assert bad.exit_code == 2 and len(bad.stderr.splitlines()) == 1
    assert sha256(demo_project) == before


def test_commune_import_keeps_every_analysis_working(tmp_path: Path,
                                                    demo_project: Path) -> None:
    """A commune layer without a level column: levels come from the names (Xã, Phường)."""
    src = Path(__file__).parent / "data/store_communes.geojson"
    res = kvpt("import", demo_project, src, "--kind", "admin_unit", "--name", "Xã mới",
               "--json")
    assert res.exit_code == 0, res.stderr
    report = json.loads(res.stdout)[0]
    assert report["levels"] == {"commune": 5} and report["level_source"] == "name"
    commands = [["posture"], ["depth"], ["support"], ["nearest"], ["hazards"],
                ["reach", "--minutes", "45"], ["chokepoints"], ["relocate"],
                ["exercises"], ["targets"]]
    for args in commands:
        res = kvpt(args[0], demo_project, *args[1:], "--json")
        assert res.exit_code == 0, (args, res.stderr)
    units = json.loads(kvpt("posture", demo_project, "--json").stdout)
    assert sum(u["layer"] == "Xã mới" for u in units) == 5
    explicit = kvpt("import", demo_project, src, "--kind", "admin_unit", "--name", "Huyện?",
                    "--level", "huyện", "--json")
    assert json.loads(explicit.stdout)[0]["levels"] == {"district": 5}


@pytest.mark.parametrize("args, layer", [
    (["posture"], "posture"), (["depth"], "depth"), (["support"], "support"),
    (["nearest", "--straight"], "nearest"),
    (["reach", "--minutes", "30"], "reach"), (["relocate"], "relocation"),
    (["relocate", "--list-segments"], "segments"), (["chokepoints", "--nodes"],
                                                    "chokepoint_nodes"),
])
def test_out_gpkg_keeps_the_layer_names(tmp_path: Path, demo_master: Path, args: list[str],
                                        layer: str) -> None:
    import pyogrio

    out = tmp_path / "out.gpkg"
    res = kvpt(args[0], demo_master, *args[1:], "--out", out)
    assert res.exit_code == 0, res.stderr
    assert list(pyogrio.list_layers(out)[:, 0]) == [layer]
