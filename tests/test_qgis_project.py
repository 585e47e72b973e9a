from __future__ import annotations

import contextlib
import sqlite3
import xml.etree.ElementTree as ET
import zipfile
from html import escape
from pathlib import Path

import folium
import geopandas as gpd
import pyogrio
import pytest
from shapely.geometry import Point
from typer.testing import CliRunner

from cli import app
from conftest import sha256
from layers.demo import demo_layers
from layers.kinds import KINDS
from layers.store import NewLayer, ProjectStore
from maps.labels import LABEL_ZOOMS
from maps.project import store_layers
from maps.project_map import build_map
from maps.qgis_project import (
    PX_MM,
    QgisLayer,
    build_qgis_project,
    relative_source,
    store_qgis_project,
    zoom_scale,
)

runner = CliRunner()
TITLE_VI = "Bản đồ khu vực phòng thủ – Tỉnh Lạng Sơn"
SHAPES = {"Polygon": "Polygon", "Line": "LineString", "Point": "Point"}


def kvpt(*args: object):
    return runner.invoke(app, [str(a) for a in args])


def read_project(out: Path) -> ET.Element:
    if out.suffix == ".qgz":
        with zipfile.ZipFile(out) as archive:
            (name,) = archive.namelist()
            assert name == f"{out.stem}.qgs"
            text = archive.read(name).decode("utf-8")
    else:
        text = out.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>")
    return ET.fromstring(text)


def written(project: Path, out: Path, *args: str) -> ET.Element:
    res = kvpt("qgis", project, out, *args)
    assert res.exit_code == 0, res.output
    return read_project(out)


def map_layers(root: ET.Element) -> list[ET.Element]:
    return root.findall("./projectlayers/maplayer")


def symbol_props(layer: ET.Element) -> list[tuple[str, dict[str, str]]]:
    symbol = layer.find("./renderer-v2[@type='singleSymbol']/symbols/symbol")
    out = []
    for sl in symbol.findall("layer"):
        props = {p.get("k"): p.get("v") for p in sl.findall("prop")}
        options = {o.get("name"): o.get("value") for o in sl.findall("./Option/Option")}
        assert props == options  # written both ways, the same
        out.append((sl.get("class"), props))
    return out


def rgba(color: str, opacity: float) -> str:
    red, green, blue = (int(color[i:i + 2], 16) for i in (1, 3, 5))
    return f"{red},{green},{blue},{round(opacity * 255)}"


def mm(px: float) -> float:
    return px * PX_MM


def web_styles(store: ProjectStore) -> dict[str, folium.GeoJson]:
    m = build_map(store_layers(store), labels=False)
    return {gj.layer_name: gj for gj in m._children.values() if isinstance(gj, folium.GeoJson)}


@pytest.fixture
def project_qgz(demo_project: Path) -> tuple[Path, ET.Element]:
    out = demo_project.parent / "demo.qgz"
    return out, written(demo_project, out)


def test_every_datasource_opens_a_current_layer_view(demo_project: Path,
                                                     project_qgz: tuple[Path, ET.Element]) -> None:
    out, root = project_qgz
    store = ProjectStore(demo_project)
    layers = map_layers(root)
    assert len(layers) == len(store.layers()) == len(demo_layers())  # no mixed layers
    names = {str(n) for n, _ in pyogrio.list_layers(demo_project)}
    with contextlib.closing(sqlite3.connect(demo_project)) as con:
        views = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='view'")}
    for layer in layers:
        assert layer.get("type") == "vector" and layer.find("provider").text == "ogr"
        path, option = layer.find("datasource").text.split("|")
        assert path == f"./{demo_project.name}"
        assert (out.parent / path).resolve() == demo_project.resolve()
        key, source = option.split("=", 1)
        assert key == "layername" and source in names and source in views
        name = layer.find("layername").text
        assert source == name
        assert len(pyogrio.read_dataframe(demo_project, layer=source)) == len(store.read(name))
        assert layer.find("srs/spatialrefsys/authid").text == "EPSG:4326"
    tree = {n.get("id"): n for n in root.iter("layer-tree-layer")}
    assert set(tree) == {layer.find("id").text for layer in layers}
    assert [n.get("name") for n in tree.values()] == [
        r.name for k in KINDS for r in store.layers() if r.kind == k]


def test_project_crs_title_and_groups(demo_project: Path,
                                      project_qgz: tuple[Path, ET.Element]) -> None:
    _, root = project_qgz
    assert root.tag == "qgis" and root.get("version").startswith("3.")
    assert root.get("projectname") == root.find("title").text == TITLE_VI
    assert root.find("projectMetadata/title").text == TITLE_VI
    for path in ("projectCrs/spatialrefsys", "mapcanvas/destinationsrs/spatialrefsys"):
        srs = root.find(path)
        assert srs.find("authid").text == "EPSG:3405"
        assert srs.find("geographicflag").text == "false"
        assert "VN-2000" in srs.find("description").text
    assert root.find("mapcanvas/units").text == "meters"
    extent = [float(root.find(f"mapcanvas/extent/{k}").text)
              for k in ("xmin", "ymin", "xmax", "ymax")]
    assert 300_000 < extent[0] < extent[2] < 900_000 and 2_300_000 < extent[1] < extent[3]
    store = ProjectStore(demo_project)
    kind_of = {r.name: r.kind for r in store.layers()}
    groups = root.findall("./layer-tree-group/layer-tree-group")
    assert [g.get("name") for g in groups] == [
        k.label_vi for key, k in KINDS.items() if key in kind_of.values()]
    for group in groups:
        for node in group.findall("layer-tree-layer"):
            assert KINDS[kind_of[node.get("name")]].label_vi == group.get("name")
            assert node.get("providerKey") == "ogr" and node.get("checked") == "Qt::Checked"
    assert root.find("properties/Paths/Absolute").text == "false"
    # QGIS 3.22 ignores projectCrs unless projections are on (found with real QGIS)
    assert root.find("properties/SpatialRefSys/ProjectionsEnabled").text == "1"


def test_english_groups_and_own_title_in_a_plain_qgs(demo_project: Path, tmp_path: Path) -> None:
    sub = tmp_path / "qgis"
    sub.mkdir()
    out = sub / "du an.qgs"
    root = written(demo_project, out, "--lang", "en", "--title", "KVPT – test")
    assert root.get("projectname") == "KVPT – test"
    groups = [g.get("name") for g in root.findall("./layer-tree-group/layer-tree-group")]
    assert groups[0] == "Administrative unit" and "Combat base" in groups
    source = map_layers(root)[0].find("datasource").text.split("|")[0]
    assert source == f"../{demo_project.name}"
    assert (out.parent / source).resolve() == demo_project.resolve()


def test_colours_and_widths_are_the_web_maps(demo_project: Path,
                                             project_qgz: tuple[Path, ET.Element]) -> None:
    _, root = project_qgz
    web = web_styles(ProjectStore(demo_project))
    seen = set()
    for layer in map_layers(root):
        name = layer.find("layername").text
        shape = SHAPES[layer.get("geometry")]
        gj = web[escape(name)]
        want = gj.style_function({"geometry": {"type": shape}})
        stroke, fill = rgba(want["color"], want["opacity"]), rgba(want["fillColor"],
                                                                  want["fillOpacity"])
        symbols = dict(symbol_props(layer))
        if shape == "Point":
            marker = symbols["SimpleMarker"]
            assert (marker["color"], marker["outline_color"]) == (fill, stroke)
            assert float(marker["size"]) == pytest.approx(mm(2 * gj.marker.options["radius"]),
                                                          abs=1e-3)
            continue
        line = symbols["SimpleLine"]
        assert line["line_color"] == stroke
        assert float(line["line_width"]) == pytest.approx(mm(want["weight"]), abs=1e-3)
        dashes = want.get("dashArray")
        assert line["use_custom_dash"] == ("1" if dashes else "0")
        if dashes:
            assert [float(v) for v in line["customdash"].split(";")] == pytest.approx(
                [mm(float(v)) for v in dashes.split()], abs=1e-3)
        if shape == "Polygon":
            assert symbols["SimpleFill"]["color"] == fill
            assert symbols["SimpleFill"]["outline_style"] == "no"
        seen.add(name)
    # the shades of layers sharing a kind are there: three admin levels, two road layers
    admin = [n for n in seen if "Lạng Sơn" in n and "Biên giới" not in n
             and "Đường sắt" not in n]
    assert len(admin) == 3
    colours = {dict(symbol_props(la))["SimpleLine"]["line_color"] for la in map_layers(root)
               if la.find("layername").text in admin}
    assert len(colours) == 3


def test_labels_of_admin_units_and_places(demo_project: Path,
                                          project_qgz: tuple[Path, ET.Element]) -> None:
    _, root = project_qgz
    store = ProjectStore(demo_project)
    kinds = {r.name: r.kind for r in store.layers()}
    labelled = {}
    for layer in map_layers(root):
        name = layer.find("layername").text
        on = kinds[name] in ("admin_unit", "place")
        assert layer.get("labelsEnabled") == ("1" if on else "0"), name
        if on:
            settings = layer.find("labeling[@type='simple']/settings")
            assert settings.find("text-style").get("fieldName") == "name"
            assert settings.find("text-style/text-buffer").get("bufferDraw") == "1"
            labelled[name] = settings.find("rendering")
    communes = labelled["Xã, phường, thị trấn (Lạng Sơn, 2009)"]
    lat = (21.3 + 22.5) / 2
    assert float(communes.get("scaleMax")) == pytest.approx(
        zoom_scale(LABEL_ZOOMS["commune"][0] - 0.5, lat), rel=0.05)
    assert communes.get("scaleMin") == "0"
    province = labelled["Tỉnh Lạng Sơn"]
    assert province.get("scaleMax") == "0" and float(province.get("scaleMin")) > 1e6
    assert len(labelled) == 4


def test_project_stays_right_after_a_new_version_and_restore(demo_project: Path,
                                                             tmp_path: Path) -> None:
    out = tmp_path / "p.qgz"
    before = written(demo_project, out)
    store = ProjectStore(demo_project)
    name = "Điểm dân cư"
    src = tmp_path / "places.geojson"
    store.read(name).head(5).to_file(src)
    assert kvpt("import", demo_project, src, "--kind", "place", "--name", name).exit_code == 0
    after = written(demo_project, out)
    sources = [la.find("datasource").text for la in map_layers(before)]
    assert sources == [la.find("datasource").text for la in map_layers(after)]
    source = next(s for s in sources if s.endswith(f"layername={name}"))
    view = source.split("layername=")[1]
    assert len(pyogrio.read_dataframe(demo_project, layer=view)) == 5 == len(store.read(name))
    assert kvpt("restore", demo_project, name, "1").exit_code == 0
    got = pyogrio.read_dataframe(demo_project, layer=view)
    assert got["name"].tolist() == store.read(name)["name"].tolist()
    assert len(got) == len(store.read(name, 1)) == 23


def test_a_store_without_views_gets_them_from_the_export(demo_project: Path,
                                                         tmp_path: Path) -> None:
    with contextlib.closing(sqlite3.connect(demo_project)) as con, con:
        names = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='view'")]
        for name in names:
            con.execute(f'DROP VIEW "{name}"')
            con.execute("DELETE FROM gpkg_contents WHERE table_name = ?", (name,))
            con.execute("DELETE FROM gpkg_geometry_columns WHERE table_name = ?", (name,))
    assert len(names) == len(demo_layers())
    root = written(demo_project, tmp_path / "p.qgz")
    listed = {str(n) for n, _ in pyogrio.list_layers(demo_project)}
    for layer in map_layers(root):
        assert layer.find("datasource").text.split("layername=")[1] in listed


def test_a_mixed_layer_is_one_qgis_layer_per_geometry_type(tmp_path: Path) -> None:
    store = ProjectStore.init(tmp_path / "p.gpkg")
    square = Point(106.5, 21.8).buffer(0.01)
    mixed = gpd.GeoDataFrame({"name": ["Căn cứ A", "Điểm B"]},
                             geometry=[square, Point(106.7, 21.8)], crs=4326)
    store.add_layer(NewLayer(mixed, "Căn cứ", "combat_base"))
    qgs = store_qgis_project(store, gpkg="./p.gpkg", views=store.layer_views())
    root = ET.fromstring(qgs.split("\n", 1)[1])
    layers = map_layers(root)
    assert [la.find("layername").text for la in layers] == ["Căn cứ (vùng)", "Căn cứ (điểm)"]
    assert [la.find("datasource").text for la in layers] == [
        "./p.gpkg|layername=Căn cứ|geometrytype=Polygon",
        "./p.gpkg|layername=Căn cứ|geometrytype=Point"]
    assert [la.get("geometry") for la in layers] == ["Polygon", "Point"]
    # drawn points on top: the first custom-order item is the point layer
    first = root.find("layer-tree-group/custom-order/item").text
    assert first == layers[1].find("id").text
    assert root.get("projectname") == "Bản đồ khu vực phòng thủ"


def test_empty_project_and_bad_arguments(tmp_path: Path) -> None:
    project = tmp_path / "p.gpkg"
    ProjectStore.init(project)
    root = written(project, tmp_path / "empty.qgz")
    assert map_layers(root) == []
    before = sha256(project)
    for bad, pattern in ((tmp_path / "p.txt", "use .qgz or .qgs"),
                         (tmp_path / "missing" / "p.qgz", "does not exist")):
        res = kvpt("qgis", project, bad)
        assert res.exit_code == 2 and pattern in res.stderr
    res = kvpt("qgis", project, tmp_path / "p.qgz", "--lang", "fr")
    assert res.exit_code == 2 and "vi or en" in res.stderr
    assert sha256(project) == before
    with pytest.raises(ValueError, match="Unknown project language"):
        build_qgis_project([QgisLayer("a", "river", gpd.GeoDataFrame(geometry=[], crs=4326),
                                      "a")], gpkg="./p.gpkg", title="t", lang="fr")


def test_relative_source(tmp_path: Path) -> None:
    gpkg = tmp_path / "var" / "demo.gpkg"
    assert relative_source(gpkg, tmp_path / "var" / "demo.qgz") == "./demo.gpkg"
    assert relative_source(gpkg, tmp_path / "out" / "demo.qgz") == "../var/demo.gpkg"
    assert relative_source(gpkg, tmp_path / "demo.qgz") == "./var/demo.gpkg"
