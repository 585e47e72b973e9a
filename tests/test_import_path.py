"""The everyday import path: levels of admin units, re-imports, kind changes, swapped
coordinates, broken files and the message catalogue (vi + en)."""

from __future__ import annotations

import json
import re
import shutil
import unicodedata
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyproj
import pytest
from shapely.geometry import Polygon, box

from conftest import sha256
from geo.completeness import levels_of
from layers import messages
from layers.errors import LayerError, MissingCRSError, UnchangedSourceError
from layers.importer import detection_report, infer_levels, plan_import, run_import
from layers.readers import read_source
from layers.store import ProjectStore

DATA = Path(__file__).parent / "data"
SAMPLE = DATA / "lang_son_communes_sample.geojson"  # 15 real communes (Phường, Xã, Thị trấn)
FIXTURES = DATA / "fixtures"
LAYERS_DIR = Path(__file__).parents[1] / "layers"


@pytest.fixture
def store(tmp_path: Path) -> ProjectStore:
    return ProjectStore.init(tmp_path / "p.gpkg")


def copy_as(tmp_path: Path, src: Path, name: str) -> Path:
    out = tmp_path / name
    shutil.copy(src, out)
    return out


def first_word_level(name: str) -> str:
    """The level a Vietnamese unit name states, read here without the library."""
    head = unicodedata.normalize("NFC", name).split()[0]
    return {"Xã": "commune", "Phường": "commune", "Thị": "commune", "Huyện": "district",
            "Tỉnh": "province"}[head]


# -- levels of admin units --------------------------------------------------------------


def test_commune_levels_are_read_from_real_names_and_stored(tmp_path: Path,
                                                           store: ProjectStore) -> None:
    (plan,) = plan_import(copy_as(tmp_path, SAMPLE, "xa_lang_son.geojson"))
    assert plan.kind == "admin_unit"
    assert plan.mapping["name"] == "commune_vn"  # the unit's own name, not district_vn
    inference = plan.level_inference()
    assert inference.sure and inference.source == "name"
    assert inference.counts == {"commune": 15}
    (result,) = run_import(store, [plan])
    assert result.report.levels == {"commune": 15} and result.report.level_source == "name"
    assert result.as_dict()["levels"] == {"commune": 15}
    stored = store.read("xa_lang_son")
    assert stored["level"].tolist() == [first_word_level(n) for n in stored["name"]]
    # the planning layer reads every unit as a commune, with no problem
    levels, problems = levels_of(stored, "units", required=True)
    assert problems == [] and set(levels) == {"commune"}
    assert "Thị trấn Cao Lộc" in set(stored["name"])


def test_the_units_own_name_column_is_read_not_its_parents() -> None:
    sample = gpd.read_file(SAMPLE)
    sample.loc[0, "commune_vn"] = "Trung tâm huấn luyện"  # a unit with no prefix
    inf = infer_levels(sample, {})
    assert inf.name_column == "commune_vn"  # district_vn has more prefixes but repeats
    assert inf.levels[0] is None and inf.counts == {"commune": 14, "none": 1}
    assert not inf.sure and "'Trung tâm huấn luyện'" in str(inf.notes[0])


def test_thanh_pho_follows_the_majority_of_its_layer() -> None:
    sample = gpd.read_file(SAMPLE).to_crs(3405)
    districts = sample.dissolve(by="district_vn", as_index=False)[["district_vn", "geometry"]]
    assert sorted(districts["district_vn"]) == ["Huyện Cao Lộc", "Thành phố Lạng Sơn"]
    inf = infer_levels(districts, {"name": "district_vn"})
    assert inf.levels == ("district", "district") and inf.sure
    provinces = gpd.GeoDataFrame(
        {"ten": ["Tỉnh Lạng Sơn", "Tỉnh Cao Bằng", "Thành phố Hà Nội"]},
        geometry=[box(i, 0, i + 1, 1) for i in range(3)], crs=4326)
    inf = infer_levels(provinces, {"name": "ten"})
    assert inf.levels == ("province",) * 3 and inf.sure
    alone = infer_levels(provinces.iloc[[2]], {"name": "ten"})
    assert alone.levels == ("district",) and not alone.sure  # nothing else to go by: ask
    assert alone.notes[0].key == "level_city_default"


def test_a_level_column_comes_first_and_disagreements_are_unsure() -> None:
    frame = pd.DataFrame({"ten": ["Xã A", "Xã B", "Phường C"],
                          "Cấp": ["Cấp xã", "Huyện", "phường"]})
    inf = infer_levels(frame, {"name": "ten"})
    assert inf.column == "Cấp" and inf.levels == ("commune", "district", "commune")
    assert inf.how == ("column",) * 3 and not inf.sure
    assert {n.key for n in inf.notes} == {"level_conflict", "level_mixed"}
    no_evidence = infer_levels(pd.DataFrame({"ten": ["Bắc Ái", "Đề Thám"]}), {"name": "ten"})
    assert no_evidence.levels == (None, None) and no_evidence.source == "none"
    assert not no_evidence.sure and no_evidence.notes[0].key == "level_missing"


def test_explicit_level_for_the_whole_layer(tmp_path: Path, store: ProjectStore) -> None:
    path = copy_as(tmp_path, SAMPLE, "xa.geojson")
    (plan,) = plan_import(path, level="Cấp huyện", name="Huyện?")
    assert plan.level == "district"
    (result,) = run_import(store, [plan])
    assert result.report.level_source == "given"
    assert set(store.read("Huyện?")["level"]) == {"district"}
    with pytest.raises(LayerError, match="Unknown level 'quận 9'") as info:
        plan_import(path, level="quận 9")
    assert "--level" in str(info.value) and "--level" not in info.value.text("en")
    assert "Cấp 'quận 9' không hợp lệ" in info.value.text("vi")
    with pytest.raises(LayerError, match="no level attribute"):
        plan_import(path, kind="river", level="xã")


def test_units_without_evidence_are_stored_without_level_and_reported(
        tmp_path: Path, store: ProjectStore) -> None:
    gdf = gpd.read_file(SAMPLE)[["commune", "geometry"]].rename(columns={"commune": "ten"})
    path = tmp_path / "ranh_gioi_xa.geojson"
    gdf.to_file(path)
    (plan,) = plan_import(path)
    assert not plan.level_inference().sure
    (result,) = run_import(store, [plan])
    assert result.report.levels == {"none": 15}
    assert any(w.key == "level_missing" for w in result.report.warnings)
    assert store.read("ranh_gioi_xa")["level"].isna().all()


# -- re-import of the same file ----------------------------------------------------------


def test_same_file_again_is_detected(tmp_path: Path, store: ProjectStore) -> None:
    path = copy_as(tmp_path, SAMPLE, "xa.geojson")
    run_import(store, plan_import(path))
    before = sha256(store.path)
    with pytest.raises(UnchangedSourceError) as info:
        run_import(store, plan_import(path), allow_unchanged=False)
    assert [(r.name, r.version) for r in info.value.records] == [("xa", 1)]
    assert "giống hệt" in info.value.text("vi")
    assert sha256(store.path) == before
    (again,) = run_import(store, plan_import(path))  # the command line's default: say so
    assert again.record.version == 2 and again.report.unchanged_from == 1
    assert any(w.key == "unchanged_note" for w in again.report.warnings)
    other = tmp_path / "xa2" / "xa.geojson"
    other.parent.mkdir()
    gpd.read_file(SAMPLE).head(3).to_file(other)
    (changed,) = run_import(store, plan_import(other), allow_unchanged=False)
    assert changed.record.version == 3 and changed.report.unchanged_from is None


# -- kind change ------------------------------------------------------------------------


def test_changing_the_kind_redoes_the_mapping(tmp_path: Path, store: ProjectStore) -> None:
    geoms = [Polygon([(600000 + i * 1000, 2400000), (600500 + i * 1000, 2400000),
                      (600500 + i * 1000, 2400500)]) for i in range(2)]
    path = tmp_path / "du_an.geojson"
    gpd.GeoDataFrame({"TEN": ["A", "B"], "Chu_Dau_Tu": "Công ty"}, geometry=geoms,
                     crs=3405).to_file(path)
    (plan,) = plan_import(path)
    assert plan.kind == "proposed_project" and plan.mapping["investor"] == "Chu_Dau_Tu"
    plan.kind = "combat_base"  # the old page did this: the mapping still names 'investor'
    with pytest.raises(LayerError, match="unknown attribute 'investor'"):
        run_import(store, [plan])
    plan.set_kind("combat_base")
    assert "investor" not in plan.mapping and plan.mapping["name"] == "TEN"
    (result,) = run_import(store, [plan])
    assert result.record.kind == "combat_base"
    assert store.read("du_an")["Chu_Dau_Tu"].tolist() == ["Công ty"] * 2


# -- coordinates -------------------------------------------------------------------------


def test_csv_with_longitude_and_latitude_swapped_is_swapped_back(tmp_path: Path) -> None:
    table = pd.read_csv(FIXTURES / "i_diem_lonlat_utf8.csv")
    swapped = table.rename(columns={"Kinh độ": "Vĩ độ", "Vĩ độ": "Kinh độ"})
    path = tmp_path / "diem.csv"
    swapped.to_csv(path, index=False)
    [src] = read_source(path)
    [note] = [w for w in src.report.warnings if w.key == "lonlat_swapped"]
    assert "Kinh độ và vĩ độ bị đổi chỗ" in note.text("vi")
    points = gpd.read_file(FIXTURES / "points_wgs84.geojson")
    got = src.gdf.geometry.to_crs(3405).reset_index(drop=True)
    want = points.geometry.to_crs(3405).reset_index(drop=True)
    assert len(got) == len(want) and got.distance(want).max() < 1.0
    [straight] = read_source(FIXTURES / "i_diem_lonlat_utf8.csv")  # nothing to swap
    assert not any(getattr(w, "key", "") == "lonlat_swapped" for w in straight.report.warnings)


def test_swapped_wkt_without_crs_is_read_as_wgs84(tmp_path: Path) -> None:
    path = tmp_path / "hinh.csv"
    path.write_text("ten,wkt\nA,POINT (21.85 106.76)\nB,POINT (21.9 106.8)\n", encoding="utf-8")
    [src] = read_source(path)
    assert src.crs_source == "assumed"
    assert src.gdf.geometry.x.round(2).tolist() == [106.76, 106.8]


def test_suggested_crs_not_chosen_is_reported_as_detected() -> None:
    shp = FIXTURES / "e_no_prj" / "xa_khong_prj.shp"
    with pytest.raises(MissingCRSError) as info:
        read_source(shp)
    top = info.value.candidates[0].code
    [auto] = read_source(shp, crs=top, crs_chosen=False)
    [user] = read_source(shp, crs=top)
    assert (auto.crs_source, user.crs_source) == ("detected", "user")
    assert "[phát hiện" in dict(detection_report(auto, "vi"))["Hệ tọa độ"]
    assert "[người dùng chọn]" in dict(detection_report(user, "vi"))["Hệ tọa độ"]
    utm = next(c for c in info.value.candidates if c.code == "EPSG:32648")
    assert utm.shift_m is not None and f"{utm.shift_m:.0f} m" in utm.reason


def nan_geojson(path: Path, bad_feature: int) -> Path:
    features = []
    for i in range(3):
        ring = [[106.7, 21.8], [106.8, 21.8], [106.8, 21.9], [106.7, 21.8]]
        if i == bad_feature:
            ring[2] = [106.8, "NaN"]
        features.append({"type": "Feature", "properties": {"ten": f"Xã {i}"},
                         "geometry": {"type": "Polygon", "coordinates": [ring]}})
    text = json.dumps({"type": "FeatureCollection", "features": features})
    path.write_text(text.replace('"NaN"', "NaN"), encoding="utf-8")
    return path


@pytest.mark.filterwarnings("ignore:invalid value encountered:RuntimeWarning")
def test_nan_coordinate_is_refused_with_the_feature_number(tmp_path: Path) -> None:
    folder = tmp_path / "deep" / "folder"
    folder.mkdir(parents=True)
    path = nan_geojson(folder / "xa.geojson", bad_feature=1)
    with pytest.raises(LayerError) as info:
        read_source(path)
    err = info.value
    assert err.key == "nonfinite_coords"
    assert "feature 2" in str(err) and "đối tượng thứ 2" in err.text("vi")
    assert str(tmp_path) not in str(err) and str(tmp_path) not in err.text("vi")


def test_gdal_errors_name_the_file_but_no_folder(tmp_path: Path) -> None:
    folder = tmp_path / "kvpt_uploads" / "0123456789abcdef"
    folder.mkdir(parents=True)
    for name, content in (("hong.gpkg", b"garbage"), ("hong.kml", b"<kml><Placemark"),
                          ("hong.geojson", b'{"type": "FeatureCollection", "features": [')):
        path = folder / name
        path.write_bytes(content)
        with pytest.raises(LayerError) as info:
            read_source(path)
        for text in (str(info.value), info.value.text("vi")):
            assert name in text
            assert str(tmp_path) not in text and "/tmp" not in text and "kvpt_uploads" not in text
        assert "Không đọc được" in info.value.text("vi")


# -- messages -----------------------------------------------------------------------------


def test_every_message_has_both_languages_with_the_same_fields() -> None:
    fields = re.compile(r"\{(\w+)")
    for key, (vi, en) in messages.MESSAGES.items():
        assert vi and en, key
        assert set(fields.findall(vi)) == set(fields.findall(en)), key
    assert set(messages.HINTS) <= set(messages.MESSAGES)


def test_every_key_used_in_layers_is_in_the_catalogue() -> None:
    used = set()
    for path in [*LAYERS_DIR.glob("*.py"), LAYERS_DIR.parent / "ui" / "upload.py"]:
        source = path.read_text(encoding="utf-8")
        used |= set(re.findall(r'key="(\w+)"', source))
        used |= set(re.findall(r'Note\.of\(\s*"(\w+)"', source))
    used |= {f"src_{s}" for s in ("prj", "file", "user", "assumed", "detected", "cpg",
                                  "ldid", "default", "format")}
    assert used and used <= set(messages.MESSAGES), sorted(used - set(messages.MESSAGES))


def test_page_texts_name_no_command_line_option() -> None:
    for key, (vi, en) in messages.MESSAGES.items():
        assert not re.search(r"(?<![\w-])--[a-z]", vi + en), key


def test_detection_report_in_vietnamese_has_no_english_labels(tmp_path: Path) -> None:
    (plan,) = plan_import(FIXTURES / "b_utm48_tcvn3" / "xa_utm48.shp",
                          require_kind=False)
    rows = detection_report(plan, "vi")
    labels = [label for label, _ in rows]
    assert labels[:2] == ["Hệ tọa độ", "Bảng mã"]
    text = " ".join(f"{a} {b}" for a, b in rows)
    for english in ("CRS", "Encoding", "Repaired", "Scores", "[detected]", "[user]", "[prj]"):
        assert english not in text
    assert dict(detection_report(plan, "en"))["Encoding"].startswith("TCVN3")


def test_notes_survive_pickling_for_the_page_cache() -> None:
    import pickle

    note = messages.Note.of("dropped_empty", count=2)
    back = pickle.loads(pickle.dumps(note))
    assert back == note and back.key == "dropped_empty" and back.text("vi") == note.text("vi")
    err = LayerError(key="csv_empty", params={"file": "a.csv"})
    again = pickle.loads(pickle.dumps(err))
    assert again.text("vi") == err.text("vi") and str(again) == str(err)


def test_transform_used_for_shift_matches_pyproj_defaults() -> None:
    # the VN-2000 -> WGS 84 step is a real datum shift here (not a no-op ballpark)
    tr = pyproj.Transformer.from_crs(3405, 4326, always_xy=True)
    lon, lat = tr.transform(640000, 2410000)
    plain = pyproj.Transformer.from_crs(32648, 4326, always_xy=True).transform(640000, 2410000)
    assert abs(lon - plain[0]) > 1e-4
