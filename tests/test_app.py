from __future__ import annotations

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from conftest import sha256, shown_table
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
    summary = shown_table(at, "n_conflict")  # headers back to names; values as shown
    assert {"xung đột", "không ảnh hưởng"} <= set(summary["verdict"])  # conflict, clear
    assert summary["proposal_code"].tolist() == ["DA-01", "DA-02", "DA-03", "DA-04"]
    pairs = shown_table(at, "zone_width_m")
    assert {"distance_m", "overlap_m2", "zone_overlap_m2", "verdict", "work_code"} <= set(
        pairs.columns)
    assert at.get("download_button")[0].proto.label == "Tải CSV"
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


# -- Layers page: the everyday import path ----------------------------------------------

DATA = ROOT / "tests" / "data"


def _texts(at: AppTest) -> str:
    """Every text the page shows (messages, captions, tables' cells, widget labels)."""
    main = at.main
    parts = [e.value for kind in ("error", "warning", "info", "success", "caption",
                                  "markdown", "title", "subheader")
             for e in getattr(main, kind)]
    parts += [str(t.value) for t in main.table]
    parts += [w.label for w in (*main.selectbox, *main.button, *main.text_input,
                                *main.checkbox)]
    parts += [str(o) for s in main.selectbox for o in s.options]
    return "\n".join(map(str, parts))


def _upload(at: AppTest, name: str, data: bytes) -> AppTest:
    at.file_uploader[0].set_value((name, data, "application/octet-stream"))
    return at.run()


def _project_polygons(tmp_path: Path) -> bytes:
    import geopandas as gpd
    from shapely.geometry import box

    gdf = gpd.GeoDataFrame({"TEN": ["Khu A", "Khu B"], "Chu_Dau_Tu": ["Công ty 1", "Công ty 2"]},
                           geometry=[box(640000, 2410000, 640500, 2410500),
                                     box(641000, 2410000, 641500, 2410500)], crs=3405)
    path = tmp_path / "du_an.geojson"
    gdf.to_file(path)
    return path.read_bytes()


def test_changing_the_kind_redoes_the_mapping(demo_project: Path, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    at = page("ui/layers_page.py", demo_project, monkeypatch)
    _upload(at, "du_an_moi.geojson", _project_polygons(tmp_path))
    assert at.selectbox(key="kind_0").value == "proposed_project"
    assert at.selectbox(key="map_0_proposed_project_investor").value == "Chu_Dau_Tu"
    at.selectbox(key="kind_0").set_value("combat_base").run()
    assert not at.exception and not at.error
    assert at.selectbox(key="map_0_combat_base_name").value == "TEN"
    at.button(key="confirm_import").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    rec = ProjectStore(demo_project).record("du_an_moi")
    assert rec.kind == "combat_base"
    assert ProjectStore(demo_project).read("du_an_moi")["name"].tolist() == ["Khu A", "Khu B"]


@pytest.mark.filterwarnings("ignore:invalid value encountered:RuntimeWarning")
def test_nan_coordinate_gives_a_vietnamese_error_without_traceback(
        demo_project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = sha256(demo_project)
    data = (b'{"type": "FeatureCollection", "features": ['
            b'{"type": "Feature", "properties": {"ten": "X\xc3\xa3 A"}, "geometry": '
            b'{"type": "Point", "coordinates": [106.7, 21.8]}},'
            b'{"type": "Feature", "properties": {"ten": "X\xc3\xa3 B"}, "geometry": '
            b'{"type": "Polygon", "coordinates": [[[106.7, 21.8], [106.8, 21.8], '
            b'[106.8, NaN], [106.7, 21.8]]]}}]}')
    at = page("ui/layers_page.py", demo_project, monkeypatch)
    _upload(at, "xa_loi.geojson", data)
    assert not at.exception
    [error] = [e.value for e in at.error]
    assert "xa_loi.geojson" in error and "đối tượng thứ 2" in error and "NaN" in error
    shown = _texts(at)
    for leak in ("Traceback", "kvpt_uploads", "/tmp", "GEOSException", "Ask Google"):
        assert leak not in shown
    assert sha256(demo_project) == before


def test_shown_errors_and_config_hide_server_details() -> None:
    import tomllib

    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["client"]["showErrorDetails"] == "none"
    from streamlit.config import ShowErrorDetailsConfigOptions

    assert "none" in {o.value for o in ShowErrorDetailsConfigOptions}


def test_commune_upload_reads_levels_imports_and_clears_the_uploader(
        demo_project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = (DATA / "lang_son_communes_sample.geojson").read_bytes()
    at = page("ui/layers_page.py", demo_project, monkeypatch)
    _upload(at, "xa_moi.geojson", data)
    assert not at.exception and not at.error
    assert at.selectbox(key="kind_0").value == "admin_unit"
    assert at.selectbox(key="level_0").value == "auto"
    report = at.table[0].value
    assert "xã: 15" in report.loc["Cấp đơn vị"].iloc[0]
    at.button(key="confirm_import").click().run()
    assert not at.exception and not at.error
    assert any("xa_moi" in s.value for s in at.success)
    assert not at.file_uploader[0].value  # the file does not stay on screen
    assert "confirm_import" not in [b.key for b in at.button]
    stored = ProjectStore(demo_project).read("xa_moi")
    assert set(stored["level"]) == {"commune"}
    from planning.inputs import communes
    from planning.project import Project

    project = Project(ProjectStore(demo_project))
    assert set(communes(project)["name"]) >= set(stored["name"])


def test_unsure_level_is_asked_before_import(demo_project: Path, tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    import geopandas as gpd

    gdf = gpd.read_file(DATA / "lang_son_communes_sample.geojson")[["commune", "geometry"]]
    path = tmp_path / "ranh_gioi_xa.geojson"
    gdf.rename(columns={"commune": "ten"}).to_file(path)
    at = page("ui/layers_page.py", demo_project, monkeypatch)
    _upload(at, "ranh_gioi_xa.geojson", path.read_bytes())
    assert at.selectbox(key="level_0").value is None
    assert at.button(key="confirm_import").disabled
    assert any("bỏ qua" in w.value for w in at.warning)
    at.selectbox(key="level_0").set_value("commune").run()
    assert not at.button(key="confirm_import").disabled
    at.button(key="confirm_import").click().run()
    assert not at.exception and not at.error
    assert set(ProjectStore(demo_project).read("ranh_gioi_xa")["level"]) == {"commune"}


def test_same_file_again_asks_before_a_new_version(demo_project: Path, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    data = _project_polygons(tmp_path)
    at = page("ui/layers_page.py", demo_project, monkeypatch)
    _upload(at, "du_an_lap.geojson", data)
    at.button(key="confirm_import").click().run()
    assert ProjectStore(demo_project).record("du_an_lap").version == 1
    _upload(at, "du_an_lap.geojson", data)
    assert not at.exception
    assert any("giống hệt" in w.value for w in at.warning)
    assert at.button(key="confirm_import").disabled
    at.checkbox(key="confirm_unchanged").check().run()
    at.button(key="confirm_import").click().run()
    assert not at.exception and not at.error
    assert ProjectStore(demo_project).record("du_an_lap").version == 2


def test_no_prj_report_says_detected_until_the_user_chooses(
        demo_project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bases = ProjectStore(demo_project).read_kinds(["combat_base"]).popitem()[1]
    data = shapefile_zip(tmp_path, bases[["name", "geometry"]].to_crs(3405), "khong_prj",
                         prj=False)
    at = page("ui/layers_page.py", demo_project, monkeypatch)
    _upload(at, "khong_prj.zip", data)
    assert not at.exception and not at.error
    crs_box = at.selectbox(key="crs_choice")
    assert crs_box.value == "EPSG:3405"
    options = crs_box.options
    assert options.index(next(o for o in options if o.startswith("EPSG:3405 "))) < \
        options.index(next(o for o in options if o.startswith("EPSG:32648 ")))
    utm = next(o for o in options if o.startswith("EPSG:32648 "))
    assert "lệch nhau" in utm and re.search(r"2[0-4]\d m", utm)
    crs_row = at.table[0].value.loc["Hệ tọa độ"].iloc[0]
    assert "[phát hiện" in crs_row and "người dùng" not in crs_row
    at.selectbox(key="crs_choice").set_value("EPSG:32648").run()
    crs_row = at.table[0].value.loc["Hệ tọa độ"].iloc[0]
    assert "EPSG:32648" in crs_row and "[người dùng chọn]" in crs_row


def test_vietnamese_report_has_no_english_words(demo_project: Path, monkeypatch: pytest.MonkeyPatch
                                                ) -> None:
    data = (DATA / "fixtures" / "f_shapefiles_subfolder.zip").read_bytes()
    at = page("ui/layers_page.py", demo_project, monkeypatch)
    _upload(at, "du_lieu.zip", data)
    assert not at.exception and not at.error
    shown = _texts(at)
    for english in ("Encoding", "Repaired", "Scores", "[detected]", "[user]", "[prj]",
                    "Dropped", "--crs", "command line"):
        assert english not in shown
    at.sidebar.radio(key="lang_choice").set_value("en").run()
    assert "Encoding" in _texts(at)


def test_rename_delete_and_restore_a_layer_on_the_second_tab(
        demo_project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    name = ProjectStore(demo_project).layers()[0].name
    at = page("ui/layers_page.py", demo_project, monkeypatch)
    at.selectbox(key="layer_pick").set_value(name).run()
    at.text_input(key="rename_to").set_value("Lớp đổi tên").run()
    at.button(key="rename_btn").click().run()
    assert not at.exception and not at.error
    store = ProjectStore(demo_project)
    assert "Lớp đổi tên" in [r.name for r in store.layers()]
    assert [v.version for v in store.versions("Lớp đổi tên")][-1] == 2
    assert at.selectbox(key="layer_pick").value == "Lớp đổi tên"
    assert any("đổi tên" in s.value for s in at.success)
    at.button(key="delete_btn").click().run()
    assert not at.exception and not at.error
    assert "Lớp đổi tên" not in [r.name for r in ProjectStore(demo_project).layers()]
    assert at.selectbox(key="undelete_pick").value == "Lớp đổi tên"
    at.button(key="undelete_btn").click().run()
    assert not at.exception and not at.error
    rec = ProjectStore(demo_project).record("Lớp đổi tên")
    assert (rec.version, rec.deleted) == (4, False)
    # a taken name is refused on the page, in Vietnamese
    other = ProjectStore(demo_project).layers()[1].name
    at.text_input(key="rename_to").set_value(other).run()
    at.button(key="rename_btn").click().run()
    assert not at.exception
    assert at.error and "đã được dùng" in at.error[0].value
