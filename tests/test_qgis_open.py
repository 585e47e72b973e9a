"""The project of ``kvpt qgis`` opened and drawn by real QGIS (Debian's 3.22, headless).

QGIS's Python bindings are for Debian's ``/usr/bin/python3``, not the venv's Python, so
QGIS runs in a subprocess of it (:data:`PROBE`, offscreen Qt) that reports what QGIS made
of the project as JSON and renders it to PNG files; the assertions are made here, against
the store, the project XML, the web map (folium) and pyproj. ``make qgis`` installs QGIS;
without it these tests are skipped on a developer's machine but FAIL under CI (``CI`` set).
"""

from __future__ import annotations

import json
import os
import subprocess
import xml.etree.ElementTree as ET
import zipfile
from html import escape
from pathlib import Path
from typing import Any

import folium
import geopandas as gpd
import numpy as np
import pytest
from PIL import Image, ImageDraw
from pyproj import Transformer
from shapely.geometry import Point
from typer.testing import CliRunner

from cli import app
from layers.kinds import KINDS
from layers.store import NewLayer, ProjectStore
from maps.project import store_layers
from maps.project_map import build_map

SYSTEM_PYTHON = "/usr/bin/python3"
ASSETS = "Trận địa phòng không (giả định)"  # a point layer of fictional assets
SIZE = (1000, 800)  # rendered image, pixels (96 dpi)

PROBE = r'''
import json, sys
from qgis.core import (Qgis, QgsApplication, QgsMapRendererSequentialJob, QgsMapSettings,
                       QgsProject, QgsRectangle)
from qgis.PyQt.QtCore import QSize
from qgis.PyQt.QtGui import QColor

args = json.loads(sys.argv[1])
qgs = QgsApplication([], False)
qgs.initQgis()
project = QgsProject.instance()
report = {"version": Qgis.version(), "read": project.read(args["project"]),
          "error": project.error(), "crs": project.crs().authid(), "layers": []}
root = project.layerTreeRoot()
for layer in project.mapLayers().values():
    renderer = layer.renderer()
    symbols = [dict(sl.properties(), **{"class": sl.layerType()})
               for sl in renderer.symbol().symbolLayers()] if renderer else []
    labeling = layer.labeling()
    report["layers"].append({
        "id": layer.id(), "name": layer.name(), "valid": layer.isValid(),
        "count": layer.featureCount(), "crs": layer.crs().authid(),
        "group": root.findLayer(layer.id()).parent().name(),
        "renderer": renderer.type() if renderer else None, "symbols": symbols,
        "labels": layer.labelsEnabled(),
        "label_field": labeling.settings().fieldName if labeling else None})
order = root.layerOrder()
report["order"] = [layer.id() for layer in order]
report["renders"] = {}
for png, hidden, labels in args["renders"]:
    settings = QgsMapSettings()
    settings.setLayers([layer for layer in order if layer.id() != hidden])
    settings.setDestinationCrs(project.crs())
    settings.setOutputSize(QSize(*args["size"]))
    settings.setOutputDpi(96)
    settings.setBackgroundColor(QColor(255, 255, 255))
    settings.setExtent(QgsRectangle(*args["extent"]))
    settings.setFlag(QgsMapSettings.DrawLabeling, labels)
    settings.setLabelingEngineSettings(project.labelingEngineSettings())
    job = QgsMapRendererSequentialJob(settings)
    job.start()
    job.waitForFinished()
    job.renderedImage().save(png, "PNG")
    box = settings.visibleExtent()
    report["renders"][png] = {
        "extent": [box.xMinimum(), box.yMinimum(), box.xMaximum(), box.yMaximum()],
        "units_per_pixel": settings.mapUnitsPerPixel(),
        "errors": [e.message for e in job.errors()]}
print("REPORT " + json.dumps(report))
qgs.exitQgis()
'''


def qgis_installed() -> bool:
    """Whether Debian's Python imports ``qgis.core``."""
    if not os.access(SYSTEM_PYTHON, os.X_OK):
        return False
    done = subprocess.run([SYSTEM_PYTHON, "-c", "import qgis.core"], capture_output=True,
                          check=False, timeout=120)
    return done.returncode == 0


def need_qgis() -> None:
    """Skip without QGIS on a developer's machine, but fail under CI."""
    if qgis_installed():
        return
    if os.environ.get("CI"):
        pytest.fail(f"QGIS is missing: {SYSTEM_PYTHON} cannot import qgis.core; "
                    "run `make qgis` (Debian's python3-qgis and qgis-providers)")
    pytest.skip("no QGIS (run `make qgis` to install Debian's python3-qgis)")


def run_qgis(args: dict[str, Any], tmp: Path) -> dict[str, Any]:
    """Run :data:`PROBE` in Debian's Python with ``args``; return its report."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    runtime = tmp / "xdg-runtime"
    runtime.mkdir(mode=0o700, exist_ok=True)
    env.update(QT_QPA_PLATFORM="offscreen", XDG_RUNTIME_DIR=str(runtime), HOME=str(tmp))
    done = subprocess.run([SYSTEM_PYTHON, "-c", PROBE, json.dumps(args)], capture_output=True,
                          text=True, env=env, cwd=tmp, check=False, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    lines = [ln for ln in done.stdout.splitlines() if ln.startswith("REPORT ")]
    assert len(lines) == 1, done.stdout[-3000:] + done.stderr[-3000:]
    return json.loads(lines[0].removeprefix("REPORT "))


def project_xml(out: Path) -> ET.Element:
    """The XML inside a ``.qgz``."""
    with zipfile.ZipFile(out) as archive:
        (name,) = archive.namelist()
        text = archive.read(name).decode("utf-8")
    return ET.fromstring(text.split("\n", 1)[1])


def rgba(color: str, opacity: float) -> str:
    """The ``r,g,b,a`` QGIS writes of a web colour and opacity."""
    red, green, blue = (int(color[i:i + 2], 16) for i in (1, 3, 5))
    return f"{red},{green},{blue},{round(opacity * 255)}"


def web_styles(store: ProjectStore) -> dict[str, folium.GeoJson]:
    """The web map's GeoJSON layers, by (escaped) layer name."""
    m = build_map(store_layers(store), labels=False)
    return {gj.layer_name: gj for gj in m._children.values() if isinstance(gj, folium.GeoJson)}


@pytest.fixture(scope="module")
def opened(demo_master: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The demo project written by ``kvpt qgis``, opened and rendered by QGIS."""
    need_qgis()
    tmp = tmp_path_factory.mktemp("qgis_open")
    gpkg = tmp / "demo.gpkg"
    gpkg.write_bytes(demo_master.read_bytes())
    out = tmp / "maps" / "demo.qgz"  # beside another folder: a relative "../demo.gpkg"
    out.parent.mkdir()
    res = CliRunner().invoke(app, ["qgis", str(gpkg), str(out)])
    assert res.exit_code == 0, res.output
    root = project_xml(out)
    extent = [float(root.find(f"mapcanvas/extent/{k}").text)
              for k in ("xmin", "ymin", "xmax", "ymax")]
    assets_id = next(la.find("id").text for la in root.iter("maplayer")
                     if la.find("layername").text == ASSETS)
    renders = {"all": [str(tmp / "all.png"), None, True],
               "no_assets": [str(tmp / "no_assets.png"), assets_id, True],
               "no_labels": [str(tmp / "no_labels.png"), None, False]}
    report = run_qgis({"project": str(out), "extent": extent, "size": list(SIZE),
                       "renders": list(renders.values())}, tmp)
    report["images"] = {k: (np.asarray(Image.open(v[0]).convert("RGB")),
                            report["renders"][v[0]]) for k, v in renders.items()}
    return {"report": report, "root": root, "store": ProjectStore(gpkg), "extent": extent}


def test_qgis_reads_the_project_with_its_crs(opened: dict[str, Any]) -> None:
    report = opened["report"]
    assert report["version"].startswith("3.")
    assert report["read"] is True and report["error"] == ""
    assert report["crs"] == "EPSG:3405"  # VN-2000 / UTM 48N, the analyses' metric CRS


def test_every_layer_is_valid_with_the_stores_features(opened: dict[str, Any]) -> None:
    store, root = opened["store"], opened["root"]
    layers = {la["name"]: la for la in opened["report"]["layers"]}
    kinds = {r.name: r.kind for r in store.layers()}
    assert set(layers) == set(kinds)
    xml_group = {node.get("name"): group.get("name")
                 for group in root.findall("./layer-tree-group/layer-tree-group")
                 for node in group.findall("layer-tree-layer")}
    for name, layer in layers.items():
        assert layer["valid"], name
        assert layer["count"] == len(store.read(name)), name
        assert layer["crs"] == "EPSG:4326", name
        assert layer["group"] == xml_group[name] == KINDS[kinds[name]].label_vi, name
        assert layer["renderer"] == "singleSymbol", name


def test_points_are_drawn_above_areas(opened: dict[str, Any]) -> None:
    report = opened["report"]
    kinds = {r.name: r.kind for r in opened["store"].layers()}
    name_of = {la["id"]: la["name"] for la in report["layers"]}
    order = [name_of[i] for i in report["order"]]  # first drawn on top
    assert set(order) == set(kinds)
    assert order.index(ASSETS) < order.index("Tỉnh Lạng Sơn")
    assert order.index("Quốc lộ, tỉnh lộ") < order.index("Xã, phường, thị trấn (Lạng Sơn, 2009)")


def test_symbols_qgis_reads_have_the_web_maps_colours(opened: dict[str, Any]) -> None:
    store = opened["store"]
    web = web_styles(store)
    layers = {la["name"]: la for la in opened["report"]["layers"]}
    checked = {"Tỉnh Lạng Sơn": "Polygon", "Quốc lộ, tỉnh lộ": "LineString",
               "Sông (Natural Earth)": "LineString", "Khu quân sự (giả định)": "Polygon",
               ASSETS: "Point", "Điểm dân cư": "Point"}
    for name, shape in checked.items():
        want = web[escape(name)].style_function({"geometry": {"type": shape}})
        stroke = rgba(want["color"], want["opacity"])
        fill = rgba(want["fillColor"], want["fillOpacity"])
        symbols = {s["class"]: s for s in layers[name]["symbols"]}
        if shape == "Point":
            marker = symbols["SimpleMarker"]
            assert (marker["color"], marker["outline_color"]) == (fill, stroke), name
        elif shape == "LineString":
            assert list(symbols) == ["SimpleLine"] and symbols["SimpleLine"]["line_color"] == stroke
        else:
            assert symbols["SimpleFill"]["color"] == fill, name
            assert symbols["SimpleLine"]["line_color"] == stroke, name
    # a kind with a map symbol: the SVG QGIS reads is the embedded one, drawn over the circle
    assert [s["class"] for s in layers[ASSETS]["symbols"]] == ["SimpleMarker", "SvgMarker"]
    assert layers[ASSETS]["symbols"][1]["name"].startswith("base64:")


def test_labels_where_the_web_map_labels(opened: dict[str, Any]) -> None:
    kinds = {r.name: r.kind for r in opened["store"].layers()}
    for layer in opened["report"]["layers"]:
        labelled = kinds[layer["name"]] in ("admin_unit", "place")  # maps.labels' classes
        assert layer["labels"] is labelled, layer["name"]
        if labelled:
            assert layer["label_field"] == "name"
    images = opened["report"]["images"]
    with_labels, without = images["all"][0], images["no_labels"][0]
    assert (with_labels != without).any(axis=2).sum() > 500  # labels were drawn


def to_pixels(lon: np.ndarray, lat: np.ndarray, info: dict[str, Any]) -> np.ndarray:
    """Pixel (column, row) of WGS 84 points on a render, with pyproj and its extent."""
    x, y = Transformer.from_crs(4326, 3405, always_xy=True).transform(lon, lat)
    xmin, _, _, ymax = info["extent"]
    step = info["units_per_pixel"]
    return np.column_stack([(np.asarray(x) - xmin) / step, (ymax - np.asarray(y)) / step])


def province_mask(opened: dict[str, Any], info: dict[str, Any]) -> np.ndarray:
    """Pixels inside the province's polygons (rasterised by PIL from pyproj's pixels)."""
    mask = Image.new("1", SIZE, 0)
    draw = ImageDraw.Draw(mask)
    for geom in opened["store"].read("Tỉnh Lạng Sơn").geometry:
        for poly in getattr(geom, "geoms", [geom]):
            lon, lat = np.asarray(poly.exterior.coords).T
            draw.polygon([tuple(p) for p in to_pixels(lon, lat, info)], fill=1)
    return np.asarray(mask)


def test_rendered_project_is_not_blank_and_fills_the_province(opened: dict[str, Any]) -> None:
    image, info = opened["report"]["images"]["all"]
    assert info["errors"] == []
    assert image.shape == (SIZE[1], SIZE[0], 3)
    painted = (image != 255).any(axis=2)  # background: white
    inside = province_mask(opened, info)
    assert 0.2 < inside.mean() < 0.8  # the view is on the province
    assert painted[inside].mean() > 0.97  # its admin fills cover it
    assert painted[~inside].mean() < 0.1  # outside: rivers, the border, foreign places
    colours = {tuple(c) for c in image.reshape(-1, 3)[::7]}
    assert len(colours) > 50


def test_assets_are_drawn_where_they_are(opened: dict[str, Any]) -> None:
    images = opened["report"]["images"]
    image, info = images["all"]
    without, other = images["no_assets"]
    assert other["extent"] == pytest.approx(info["extent"])
    gdf = opened["store"].read(ASSETS)
    where = to_pixels(gdf.geometry.x.to_numpy(), gdf.geometry.y.to_numpy(), info)
    assert len(where) > 5
    inside = (where[:, 0] >= 0) & (where[:, 0] < SIZE[0]) & (where[:, 1] >= 0) \
        & (where[:, 1] < SIZE[1])
    assert inside.all()
    changed = (image != without).any(axis=2)
    for col, row in np.rint(where).astype(int):
        assert changed[row - 2:row + 3, col - 2:col + 3].any(), (col, row)
        # drawn in colour over the pale province fill, not the fill itself
        spot = image[row - 3:row + 4, col - 3:col + 4].reshape(-1, 3).astype(int)
        assert (spot.max(axis=1) - spot.min(axis=1)).max() > 60, (col, row)
    rows, cols = np.nonzero(changed)
    near = np.hypot(cols[:, None] - where[None, :, 0], rows[:, None] - where[None, :, 1])
    assert (near.min(axis=1) <= 20).mean() > 0.95  # what changed is at the assets


def layers_in_qgis(out: Path, tmp: Path) -> dict[str, dict[str, Any]]:
    """``{layer name: what QGIS reports}`` of the project ``out``, opened without rendering."""
    report = run_qgis({"project": str(out), "extent": [0, 0, 1, 1], "size": [1, 1],
                       "renders": []}, tmp)
    assert report["read"] is True and report["crs"] == "EPSG:3405"
    return {la["name"]: la for la in report["layers"]}


def test_qgis_shows_the_current_version_after_an_import_and_a_restore(
        demo_project: Path, tmp_path: Path) -> None:
    need_qgis()
    out = tmp_path / "p.qgz"
    runner = CliRunner()
    assert runner.invoke(app, ["qgis", str(demo_project), str(out)]).exit_code == 0
    store = ProjectStore(demo_project)
    name = "Điểm dân cư"
    first = len(store.read(name))
    src = tmp_path / "places.geojson"
    store.read(name).head(5).to_file(src)
    res = runner.invoke(app, ["import", str(demo_project), str(src), "--kind", "place",
                              "--name", name])
    assert res.exit_code == 0, res.output
    got = layers_in_qgis(out, tmp_path)  # the same project file, not written again
    assert got[name]["valid"] and got[name]["count"] == 5 == len(store.read(name))
    assert runner.invoke(app, ["restore", str(demo_project), name, "1"]).exit_code == 0
    got = layers_in_qgis(out, tmp_path)
    assert got[name]["count"] == first == len(store.read(name, 1)) > 5


def test_a_mixed_layer_opens_as_one_valid_qgis_layer_per_type(tmp_path: Path) -> None:
    need_qgis()
    store = ProjectStore.init(tmp_path / "p.gpkg")
    squares = [Point(106.5 + i / 10, 21.8).buffer(0.01) for i in range(3)]
    points = [Point(106.7, 21.9 + i / 10) for i in range(2)]
    mixed = gpd.GeoDataFrame({"name": ["A", "B", "C", "D", "E"]}, geometry=squares + points,
                             crs=4326)
    store.add_layer(NewLayer(mixed, "Căn cứ", "combat_base"))
    out = tmp_path / "p.qgz"
    assert CliRunner().invoke(app, ["qgis", str(store.path), str(out)]).exit_code == 0
    got = layers_in_qgis(out, tmp_path)
    assert set(got) == {"Căn cứ (vùng)", "Căn cứ (điểm)"}
    assert all(layer["valid"] for layer in got.values())
    assert got["Căn cứ (vùng)"]["count"] == 3 and got["Căn cứ (điểm)"]["count"] == 2


def test_missing_qgis_fails_under_ci_and_skips_elsewhere(monkeypatch: pytest.MonkeyPatch,
                                                         tmp_path: Path) -> None:
    monkeypatch.setattr(f"{__name__}.SYSTEM_PYTHON", str(tmp_path / "no-python"))
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="make qgis"):
        need_qgis()
    monkeypatch.delenv("CI")
    with pytest.raises(pytest.skip.Exception, match="make qgis"):
        need_qgis()
