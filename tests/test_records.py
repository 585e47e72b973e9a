from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest
from shapely.geometry import Point

import layers.store as store_mod
from conftest import DATA, sha256, without_exercises
from layers import records as rec
from layers.encoding import decode, encode
from layers.errors import LayerError
from layers.store import NewLayer, ProjectStore
from planning import exercises as planning_exercises
from planning.project import Project

FIXTURE = DATA / "exercises_fictional.csv"

@pytest.fixture
def demo_project(demo_project: Path) -> Path:
    """The demo copy with no exercise records: these tests import their own."""
    return without_exercises(demo_project)



def files_in(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


@pytest.fixture(scope="module")
def communes(demo_master: Path) -> gpd.GeoDataFrame:
    """The demo's communes, by the one admin-unit rule (the demo copies have the same)."""
    return planning_exercises.communes(Project(ProjectStore(demo_master)))


# --- ProjectStore.read_records / write_records ------------------------------------------------


@pytest.fixture
def store(tmp_path: Path) -> ProjectStore:
    s = ProjectStore.init(tmp_path / "p.gpkg")
    s.add_layer(NewLayer(gpd.GeoDataFrame({"name": ["x"]}, geometry=[Point(106.7, 21.8)],
                                          crs=4326), "Điểm", "place"))
    return s


def test_records_round_trip_as_a_registered_attribute_table(store: ProjectStore) -> None:
    assert store.read_records("exercises").empty
    frame = pd.DataFrame({"commune_code": ["2090101", "2090103"], "year": [2024, 2025],
                          "result": ["Giỏi", None]})
    store.write_records("exercises", frame)
    got = store.read_records("exercises")
    assert got["commune_code"].tolist() == ["2090101", "2090103"]
    assert got["year"].tolist() == [2024, 2025]
    assert got["result"].iloc[0] == "Giỏi" and pd.isna(got["result"].iloc[1])
    assert "kvpt_rec_exercises" in {str(n) for n, _ in pyogrio.list_layers(store.path)}
    with sqlite3.connect(store.path) as con:
        row = con.execute("SELECT data_type FROM gpkg_contents WHERE table_name = "
                          "'kvpt_rec_exercises'").fetchone()
    assert row == ("attributes",)
    # a layer is untouched and the store still passes its own check
    assert [r.name for r in store.layers()] == ["Điểm"]
    store_mod._verify(store.path)
    # replacing, also by an empty table with columns
    store.write_records("exercises", frame.head(1))
    assert len(store.read_records("exercises")) == 1
    store.write_records("exercises", frame.iloc[:0])
    got = store.read_records("exercises")
    assert got.empty and list(got.columns) == ["commune_code", "year", "result"]


def test_reading_records_never_changes_the_file(store: ProjectStore) -> None:
    store.write_records("exercises", pd.DataFrame({"a": [1]}))
    before = sha256(store.path)
    store.read_records("exercises")
    store.read_records("other")
    assert sha256(store.path) == before


@pytest.mark.parametrize(("table", "frame", "match"), [
    ("Exercises", pd.DataFrame({"a": [1]}), "not allowed"),
    ("../x", pd.DataFrame({"a": [1]}), "not allowed"),
    ("exercises", pd.DataFrame(), "no columns"),
    ("exercises", pd.DataFrame({"fid": [1]}), "row id"),
    ("exercises", pd.DataFrame({"A": [1], "a": [2]}), "differ only by case"),
    ("exercises", gpd.GeoDataFrame({"a": [1]}, geometry=[Point(0, 0)], crs=4326),
     "without geometry"),
])
def test_bad_records_are_refused_and_the_store_unchanged(store: ProjectStore, table: str,
                                                         frame: pd.DataFrame,
                                                         match: str) -> None:
    before = sha256(store.path)
    with pytest.raises(LayerError, match=match):
        store.write_records(table, frame)
    assert sha256(store.path) == before


def test_failed_records_write_leaves_store_byte_identical(
        store: ProjectStore, monkeypatch: pytest.MonkeyPatch) -> None:
    store.write_records("exercises", pd.DataFrame({"a": [1, 2]}))
    before = sha256(store.path)
    real = pyogrio.write_dataframe
    calls: list[Path] = []

    def failing(frame, path, **kw):
        calls.append(Path(path))
        real(frame, path, **kw)  # the copy is changed...
        raise KeyboardInterrupt  # ...then the write is interrupted

    monkeypatch.setattr(store_mod.pyogrio, "write_dataframe", failing)
    with pytest.raises(KeyboardInterrupt):
        store.write_records("exercises", pd.DataFrame({"a": [9]}))
    assert calls and calls[0] != store.path  # written on a copy only
    assert sha256(store.path) == before
    assert files_in(store.path.parent) == ["p.gpkg"]
    assert store.read_records("exercises")["a"].tolist() == [1, 2]


# --- the communes records name ------------------------------------------------------------


def test_records_need_the_callers_communes(demo_project: Path,
                                           communes: gpd.GeoDataFrame) -> None:
    store = ProjectStore(demo_project)
    with pytest.raises(TypeError):
        rec.import_exercises(store, FIXTURE)  # no second commune rule in layers
    with pytest.raises(LayerError, match="no 'code' column"):
        rec.write_exercises(store, rec.read_exercises(store), communes.drop(columns="code"))


# --- CSV import -------------------------------------------------------------------------------


def test_import_the_fictional_fixture(demo_project: Path, communes: gpd.GeoDataFrame) -> None:
    store = ProjectStore(demo_project)
    result = rec.import_exercises(store, FIXTURE, communes=communes)
    assert result.encoding == "utf-8" and result.ignored_columns == []
    stored = rec.read_exercises(store)
    assert list(stored.columns) == list(rec.EXERCISE_COLUMNS)
    raw = pd.read_csv(FIXTURE, dtype=str)
    assert len(stored) == len(raw) == 94
    assert sorted(stored["commune_code"]) == sorted(raw["commune_code"])
    assert stored["type"].value_counts().to_dict() == {"commune_combat_defense": 92,
                                                       "district_defense_area": 2}
    assert (stored["note"] == "giả định / fictional").all()
    assert stored["year"].dtype == "int64"
    # adding the same file again clashes with the stored rows; nothing changes
    before = sha256(demo_project)
    with pytest.raises(LayerError, match="94 record.*already in the project"):
        rec.import_exercises(store, FIXTURE, communes=communes)
    assert sha256(demo_project) == before
    # replace keeps one copy
    rec.import_exercises(store, FIXTURE, communes=communes, replace=True)
    assert len(rec.read_exercises(store)) == 94


def csv_bytes(*lines: str, header: str = "commune_code,year,type") -> bytes:
    return "\n".join([header, *lines]).encode("utf-8")


@pytest.mark.parametrize(("data", "messages"), [
    (csv_bytes("2090101,2024,commune_combat_defense", "2099999,2024,commune_combat_defense",
               ",2024,commune_combat_defense"),
     ["line 3: unknown commune code '2099999'", "line 4: commune_code is empty"]),
    (csv_bytes("2090101,20x4,commune_combat_defense", "2090103,1800,commune_combat_defense",
               f"2090105,{date.today().year + 1},commune_combat_defense",
               "2090107,2024.5,commune_combat_defense"),
     ["line 2: year '20x4'", "line 3: year '1800'", f"line 4: year '{date.today().year + 1}'",
      "line 5: year '2024.5'"]),
    (csv_bytes("2090101,2024", header="ma_xa,nam"), ["lack column(s) type"]),
    (csv_bytes("2090101,2024,", "2090103,2024,parade"),
     ["line 2: type is empty", "line 3: type 'parade' is not a known type"]),
    (csv_bytes("2090101,180,2024,commune_combat_defense",
               header="commune_code,district_code,year,type"),
     ["line 2: commune 2090101 belongs to district 178, not '180'"]),
    (csv_bytes("2090101,2024,commune_combat_defense",
               "2090101,2024,Diễn tập chiến đấu phòng thủ xã"),
     ["line 3: the same commune, year and type as exercises.csv line 2"]),
])
def test_csv_errors_name_the_rows_and_change_nothing(demo_project: Path, data: bytes,
                                                     messages: list[str],
                                                     communes: gpd.GeoDataFrame) -> None:
    store = ProjectStore(demo_project)
    before = sha256(demo_project)
    with pytest.raises(LayerError) as err:
        rec.import_exercises(store, data, communes=communes, source="exercises.csv")
    for message in messages:
        assert message in str(err.value)
    assert "nothing was saved" in str(err.value) or "lack column" in str(err.value)
    assert sha256(demo_project) == before
    assert files_in(demo_project.parent) == ["demo.gpkg"]


def test_tcvn3_csv_with_vietnamese_headers(communes: gpd.GeoDataFrame) -> None:
    picked = communes.iloc[[0, 5, 40, 90, 150, 225]]
    lines = ["ma_xa;ten_xa;nam;loai;ket_qua;STT"]
    for i, row in enumerate(picked.itertuples(), start=1):
        lines.append(f"{row.code};{row.name};2024;Diễn tập chiến đấu phòng thủ xã;Khá;{i}")
    raw = encode("\r\n".join(lines), "tcvn3")
    assert not raw.isascii()
    parsed = rec.parse_exercise_csv(raw, communes, source="tcvn3.csv")
    assert parsed.encoding == "tcvn3"
    assert parsed.ignored_columns == ["STT"]
    got = parsed.records.set_index("commune_code")
    for row in picked.itertuples():
        # TCVN3 lacks most toned capitals: what it can hold must come back exactly
        assert got.loc[row.code, "commune_name"] == decode(encode(row.name, "tcvn3"), "tcvn3")
    assert "Phường Hoàng Văn Thụ" in set(got["commune_name"])
    assert set(got["type"]) == {"commune_combat_defense"}
    assert set(got["result"]) == {"Khá"}


def test_bom_semicolons_and_filled_columns(communes: gpd.GeoDataFrame) -> None:
    data = b"\xef\xbb\xbf" + "Mã xã;Năm;Loại;Kết quả\n2090101;2023;civil defense;Đạt\n".encode()
    parsed = rec.parse_exercise_csv(data, communes)
    row = parsed.records.iloc[0]
    assert parsed.encoding == "utf-8"
    assert (row["commune_code"], row["year"], row["type"], row["result"]) == (
        "2090101", 2023, "civil_defense", "Đạt")
    assert row["commune_name"] == "Phường Hoàng Văn Thụ" and row["district_code"] == "178"


def test_write_exercises_all_or_nothing(demo_project: Path, communes: gpd.GeoDataFrame) -> None:
    store = ProjectStore(demo_project)
    rec.import_exercises(store, FIXTURE, communes=communes)
    before = sha256(demo_project)
    edited = rec.read_exercises(store)
    edited.loc[3, "commune_code"] = "nope"
    with pytest.raises(LayerError, match="row 4: unknown commune code 'nope'"):
        rec.write_exercises(store, edited, communes)
    assert sha256(demo_project) == before
    kept = rec.read_exercises(store).iloc[:10]
    saved = rec.write_exercises(store, kept, communes)
    assert len(saved) == 10
    pd.testing.assert_frame_equal(rec.read_exercises(store), saved)
