from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from conftest import sha256
from layers.store import NewLayer, ProjectStore

ROOT = Path(__file__).parents[1]


def page(path: str, project: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("KVPT_PROJECT", str(project))
    at = AppTest.from_file(str(ROOT / path), default_timeout=60)
    return at.run()


def test_app_navigation_runs(demo_project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = page("app.py", demo_project, monkeypatch)
    assert not at.exception
    assert at.title[0].value == "Bản đồ"


@pytest.mark.parametrize(("path", "title"), [
    ("ui/layers_page.py", "Lớp dữ liệu"), ("ui/appraisal_page.py", "Thẩm định dự án"),
    ("ui/posture_page.py", "Thế trận"), ("ui/network_page.py", "Mạng đường"),
    ("ui/relocation_page.py", "Di chuyển doanh nghiệp động viên công nghiệp"),
    ("ui/exercises_page.py", "Diễn tập & chỉ tiêu"),
])
def test_app_navigates_to_every_page(demo_project: Path, monkeypatch: pytest.MonkeyPatch,
                                     path: str, title: str) -> None:
    at = page("app.py", demo_project, monkeypatch)
    at.switch_page(path).run()
    assert not at.exception
    assert at.title[0].value == title


def test_layers_page_lists_layers_and_restores(demo_project: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    store = ProjectStore(demo_project)
    name = store.layers()[0].name
    # a second version so there is something to restore
    gdf = store.read(name)
    store.add_layer(NewLayer(gdf=gdf.head(1), name=name, kind=store.record(name).kind))
    at = page("ui/layers_page.py", demo_project, monkeypatch)
    assert not at.exception
    table = at.dataframe[0].value
    assert name in set(table["name"])
    at.selectbox(key="layer_pick").set_value(name).run()
    assert at.selectbox(key="restore_pick").options == ["1"]
    at.button(key="restore_btn").click().run()
    assert not at.exception
    assert ProjectStore(demo_project).record(name).version == 3
    assert ProjectStore(demo_project).record(name).feature_count == len(gdf)
    assert "3" in at.success[0].value


def test_layers_page_language_switch(demo_project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = page("ui/layers_page.py", demo_project, monkeypatch)
    assert at.title[0].value == "Lớp dữ liệu"
    at.sidebar.radio(key="lang_choice").set_value("en").run()
    assert at.title[0].value == "Layers"


def test_map_page_draws(demo_project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = page("ui/map_page.py", demo_project, monkeypatch)
    assert not at.exception
    assert at.multiselect(key="map_layers").value


def test_appraisal_page_table_and_download(demo_project: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    before = sha256(demo_project)
    at = page("ui/appraisal_page.py", demo_project, monkeypatch)
    assert not at.exception
    frames = [d.value for d in at.dataframe]
    summary = next(f for f in frames if "n_conflict" in f.columns)
    assert {"conflict", "clear"} <= set(summary["verdict"])
    pairs = next(f for f in frames if "zone_width_m" in f.columns)
    assert {"distance_m", "overlap_m2", "zone_overlap_m2", "verdict"} <= set(pairs.columns)
    assert sha256(demo_project) == before


def test_missing_project_shows_warning_not_traceback(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    for path in ("ui/layers_page.py", "ui/map_page.py", "ui/appraisal_page.py"):
        at = page(path, tmp_path / "missing.gpkg", monkeypatch)
        assert not at.exception
        assert "kvpt demo" in at.warning[0].value


def test_broken_store_shows_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bad = tmp_path / "bad.gpkg"
    bad.write_bytes(b"not a geopackage")
    at = page("ui/map_page.py", bad, monkeypatch)
    assert not at.exception
    assert at.error and "bad.gpkg" in at.error[0].value


def shapefile_zip(tmp_path: Path, gdf, stem: str, *, prj: bool = True) -> bytes:
    """Zip the parts of a real shapefile written by GDAL, in a subfolder."""
    import zipfile

    folder = tmp_path / "shp"
    folder.mkdir(exist_ok=True)
    gdf.to_file(folder / f"{stem}.shp", engine="pyogrio")
    out = tmp_path / f"{stem}.zip"
    with zipfile.ZipFile(out, "w") as z:
        for part in folder.glob(f"{stem}.*"):
            if prj or part.suffix != ".prj":
                z.write(part, f"data/{part.name}")
    return out.read_bytes()


def test_upload_shapefile_zip_and_import(demo_project: Path, tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    bases = ProjectStore(demo_project).read_kinds(["combat_base"]).popitem()[1]
    data = shapefile_zip(tmp_path, bases[["name", "geometry"]].to_crs(3405), "du_an_moi")
    at = page("ui/layers_page.py", demo_project, monkeypatch)
    at.file_uploader(key="upload").set_value(("du_an_moi.zip", data, "application/zip")).run()
    assert not at.exception and not at.error
    assert at.selectbox(key="kind_0").value == "proposed_project"
    assert at.text_input(key="name_0").value == "du_an_moi"
    at.button(key="confirm_import").click().run()
    assert not at.exception and not at.error
    stored = ProjectStore(demo_project).read("du_an_moi")
    assert stored["name"].tolist() == bases["name"].tolist()
    assert ProjectStore(demo_project).record("du_an_moi").source_crs == "EPSG:3405"


def test_upload_without_prj_offers_crs_candidates(demo_project: Path, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    bases = ProjectStore(demo_project).read_kinds(["combat_base"]).popitem()[1]
    data = shapefile_zip(tmp_path, bases[["name", "geometry"]].to_crs(9215), "khong_prj",
                         prj=False)
    at = page("ui/layers_page.py", demo_project, monkeypatch)
    at.file_uploader(key="upload").set_value(("khong_prj.zip", data, "application/zip")).run()
    assert not at.exception
    assert at.warning, "the missing CRS must be explained"
    top3 = at.selectbox(key="crs_choice").options[:3]
    assert any(label.startswith("EPSG:9215 ") for label in top3)
    at.selectbox(key="crs_choice").set_value("EPSG:9215").run()
    assert not at.exception and not at.error


def test_broken_upload_shows_error_and_keeps_store(demo_project: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    before = sha256(demo_project)
    at = page("ui/layers_page.py", demo_project, monkeypatch)
    at.file_uploader(key="upload").set_value(("hong.zip", b"PK\x03\x04broken", "application/zip"))
    at.run()
    assert not at.exception
    assert at.error and "hong.zip" in at.error[0].value
    assert sha256(demo_project) == before


def test_language_stays_when_changing_page(demo_project: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    at = page("app.py", demo_project, monkeypatch)
    at.sidebar.radio(key="lang_choice").set_value("en").run()
    assert at.title[0].value == "Map"
    at.switch_page("ui/appraisal_page.py").run()
    assert not at.exception
    assert at.title[0].value == "Appraisal"
    assert at.sidebar.radio(key="lang_choice").value == "en"
    at.sidebar.radio(key="lang_choice").set_value("vi").run()
    at.switch_page("ui/layers_page.py").run()
    assert at.title[0].value == "Lớp dữ liệu"
