"""planning.drawing: a drawn feature checked, saved as a new layer version, and undone."""

from __future__ import annotations

import pickle
from pathlib import Path

import pandas as pd
import pytest
from shapely.geometry import LineString, Point, Polygon, mapping, shape

from conftest import sha256
from geo.coordinates import FORMAT_KEYS, CoordinateInputError, parse_location
from layers.store import ProjectStore
from planning import drawing, inputs, relocation
from planning.drawing import DrawingError, check_values, drawing_form, save_drawing, undo_drawing
from planning.messages import Message
from planning.project import Project

SITES = "Địa điểm di chuyển (giả định)"
PROJECTS = "Dự án đề xuất (giả định)"
HAZARDS = "Vùng ngập lụt, sạt lở (giả định)"  # one of the demo's two hazard-zone layers
# a square of about 700 m near Lạng Sơn city, as Leaflet.draw gives it
SQUARE = {"type": "Feature", "properties": {}, "geometry": mapping(Polygon(
    [(106.70, 21.80), (106.7065, 21.80), (106.7065, 21.8065), (106.70, 21.8065)]))}
SITE_VALUES = {"name": "Trường bắn mới (vẽ)", "code": "DD-VE-01", "capacity": "500",
               "usable_area_m2": "20000,5", "water": "Có", "power": "yes",
               "status": "Hoàn thành"}


def test_form_of_a_relocation_site(demo_project: Path) -> None:
    form = drawing_form(ProjectStore(demo_project), SQUARE, "relocation_site")
    assert form.layer == SITES and form.layer_exists
    assert form.geometry.equals(shape(SQUARE["geometry"]))
    by_name = {f.name: f for f in form.fields}
    assert "fictional" not in by_name
    assert by_name["name"].required and by_name["name"].dtype == "str"
    # every site of the layer has these, and the relocation plan needs them complete
    for name in ("code", "capacity", "usable_area_m2", "water", "power", "status"):
        assert by_name[name].required, name
    assert not by_name["note"].required
    assert by_name["capacity"].dtype == "int" and by_name["usable_area_m2"].dtype == "float"
    assert by_name["water"].choices == ("yes", "no")
    assert by_name["status"].choice_label("building", "vi") == "Đang xây dựng"
    assert [f.required for f in form.fields] == sorted((f.required for f in form.fields),
                                                      reverse=True)
    assert form.field("capacity").label("en") == "Capacity (workers)"


def test_values_are_typed_and_labels_accepted(demo_project: Path) -> None:
    form = drawing_form(ProjectStore(demo_project), SQUARE, "relocation_site")
    clean = check_values(form, SITE_VALUES)
    assert clean == {"name": "Trường bắn mới (vẽ)", "code": "DD-VE-01", "capacity": 500,
                     "usable_area_m2": 20000.5, "water": "yes", "power": "yes",
                     "status": "done"}
    assert isinstance(clean["capacity"], int)
    assert "note" not in check_values(form, {**SITE_VALUES, "note": "  "})


def test_draw_save_then_undo(demo_project: Path) -> None:
    store = ProjectStore(demo_project)
    before = store.record(SITES)
    old = store.read(SITES)
    form = drawing_form(store, SQUARE, "relocation_site")
    record = save_drawing(store, form, SITE_VALUES)
    assert (record.name, record.version, record.kind) == (SITES, before.version + 1,
                                                          "relocation_site")
    assert record.feature_count == before.feature_count + 1
    assert record.note == "drawn on the map: 'Trường bắn mới (vẽ)'"
    new = store.read(SITES)
    assert len(new) == len(old) + 1
    pd.testing.assert_frame_equal(
        pd.DataFrame(new.drop(columns="geometry").iloc[:-1]),
        pd.DataFrame(old.drop(columns="geometry")), check_dtype=False)
    added = new.iloc[-1]
    assert added["code"] == "DD-VE-01" and added["capacity"] == 500
    assert added.geometry.equals_exact(shape(SQUARE["geometry"]), 1e-9)
    assert pd.isna(added["fictional"])
    # undo: a new version equal to the one before the drawing
    back = undo_drawing(store, record)
    assert back.version == record.version + 1
    assert back.note == f"drawing undone: the features of version {before.version}"
    pd.testing.assert_frame_equal(store.read(SITES), store.read(SITES, before.version))
    assert len(store.read(SITES)) == len(old)


def test_a_relocation_site_drawn_is_in_the_next_plan(demo_project: Path) -> None:
    inputs._GRAPHS.clear()
    relocation._PLANS.clear()
    store = ProjectStore(demo_project)
    plan = relocation.relocate(Project(store))
    assert "DD-VE-01" not in set(plan.tables["sites"]["site"])
    save_drawing(store, drawing_form(store, SQUARE, "relocation_site"), SITE_VALUES)
    again = relocation.relocate(Project(ProjectStore(demo_project)))
    sites = again.tables["sites"]
    assert "DD-VE-01" in set(sites["site"])
    row = sites.loc[sites["site"] == "DD-VE-01"].iloc[0]
    assert row["name"] == "Trường bắn mới (vẽ)" and row["capacity"] == 500
    assert len(sites) == len(plan.tables["sites"]) + 1


def test_a_position_as_a_point_and_a_proposed_project(demo_project: Path) -> None:
    store = ProjectStore(demo_project)
    point = mapping(Point(106.76, 21.86))
    form = drawing_form(store, point, "air_defense")
    assert form.layer == "Trận địa phòng không (giả định)"
    before = store.record(form.layer).version
    record = save_drawing(store, form, {"name": "Trận địa mới", "code": "PK-99",
                                        "status": "planned"})
    assert record.version == before + 1
    assert store.read(form.layer).geometry.iloc[-1].equals(Point(106.76, 21.86))
    project = drawing_form(store, SQUARE, "proposed_project")
    assert project.layer == PROJECTS
    saved = save_drawing(store, project, {"name": "Khu du lịch mới", "code": "DA-99",
                                          "area_ha": "42,5", "investor": "Công ty X",
                                          "purpose": "Du lịch sinh thái", "note": ""})
    assert store.read(PROJECTS)["area_ha"].iloc[-1] == 42.5
    assert saved.feature_count == store.record(PROJECTS).feature_count


LINE = mapping(LineString([(106.70, 21.80), (106.75, 21.85)]))
CROSSED = mapping(Polygon([(106.70, 21.80), (106.75, 21.85), (106.75, 21.80),
                           (106.70, 21.85)]))
OUTSIDE = mapping(Polygon([(2.30, 48.80), (2.35, 48.80), (2.35, 48.85)]))


@pytest.mark.parametrize(("geometry", "kind", "values", "keys"), [
    (LINE, "relocation_site", SITE_VALUES, ["drawing_wrong_geometry"]),
    (mapping(Point(106.7, 21.8)), "proposed_project", {"name": "x"},
     ["drawing_wrong_geometry"]),
    (CROSSED, "hazard_zone", {}, ["drawing_invalid"]),
    (OUTSIDE, "hazard_zone", {}, ["drawing_outside"]),
    ({"type": "Polygon", "coordinates": []}, "hazard_zone", {}, ["drawing_empty"]),
    ({"type": "Circle"}, "hazard_zone", {}, ["drawing_no_geometry"]),
    (SQUARE, "enterprise", {}, ["drawing_kind"]),
    (SQUARE, "relocation_site", {**SITE_VALUES, "name": " "}, ["drawing_required"]),
    (SQUARE, "relocation_site", {**SITE_VALUES, "capacity": None},
     ["drawing_required_by_layer"]),
    (SQUARE, "relocation_site", {**SITE_VALUES, "capacity": "năm trăm",
                                 "usable_area_m2": "-3", "water": "maybe"},
     ["drawing_negative", "drawing_not_number", "drawing_choice"]),
    (SQUARE, "relocation_site", {**SITE_VALUES, "capacity": "12.5"}, ["drawing_not_integer"]),
    (SQUARE, "relocation_site", {**SITE_VALUES, "code": "dddc-01"}, ["drawing_code_taken"]),
    (SQUARE, "relocation_site", {**SITE_VALUES, "colour": "red"}, ["drawing_unknown_field"]),
    (SQUARE, "key_defense_area", {"name": "x", "code": "KV-99", "level": "village"},
     ["drawing_choice"]),
    (SQUARE, "key_defense_area", {"name": "x", "level": "Huyện"},
     ["drawing_required_by_layer"]),
    (mapping(Point(106.7, 21.8)), "combat_base", {"name": "x", "code": "CB-99",
                                                  "level": "district", "status": "building",
                                                  "percent_complete": 150},
     ["drawing_range"]),
])
def test_refused_and_the_store_is_unchanged(demo_project: Path, geometry: dict, kind: str,
                                            values: dict, keys: list[str]) -> None:
    store = ProjectStore(demo_project)
    before = sha256(demo_project)
    layer = HAZARDS if kind == "hazard_zone" else None  # the demo has two such layers
    with pytest.raises(DrawingError) as info:
        form = drawing_form(store, geometry, kind, layer=layer)
        save_drawing(store, form, values)
    assert info.value.keys == keys
    assert sha256(demo_project) == before
    vi, en = info.value.text("vi"), info.value.text("en")
    assert vi.startswith("Chưa lưu được hình vẽ") and en.startswith("The drawn feature")
    assert str(info.value) == en
    again = pickle.loads(pickle.dumps(info.value))
    assert again.keys == keys and again.text("vi") == vi


def test_the_demo_codes_are_what_the_code_check_sees(demo_project: Path) -> None:
    codes = ProjectStore(demo_project).read(SITES)["code"]
    assert "DDDC-01" in set(codes)  # the code refused above, in another case


def test_layer_choice(demo_project: Path) -> None:
    store = ProjectStore(demo_project)
    with pytest.raises(DrawingError) as info:
        drawing_form(store, SQUARE, "relocation_site", layer=PROJECTS)
    assert info.value.keys == ["drawing_layer_kind"]
    other = drawing_form(store, SQUARE, "relocation_site", layer="Địa điểm mới")
    assert not other.layer_exists
    assert not other.field("capacity").required  # nothing to be complete with yet
    save_drawing(store, other, {"name": "Điểm A"})
    with pytest.raises(DrawingError) as info:
        drawing_form(store, SQUARE, "relocation_site")
    assert info.value.keys == ["drawing_layer_choose"]
    assert "Địa điểm mới" in info.value.text("vi")
    store.delete("Địa điểm mới")
    with pytest.raises(DrawingError) as info:
        drawing_form(store, SQUARE, "relocation_site", layer="Địa điểm mới")
    assert info.value.keys == ["drawing_layer_deleted"]
    with pytest.raises(DrawingError) as info:
        drawing_form(store, SQUARE, "relocation_site", layer="  ")
    assert info.value.keys == ["drawing_layer_name"]


def test_a_new_layer_and_its_undo(tmp_path: Path) -> None:
    store = ProjectStore.init(tmp_path / "p.gpkg")
    form = drawing_form(store, SQUARE, "hazard_zone")
    assert form.layer == "Vùng ngập lụt, sạt lở (vẽ trên bản đồ)" and not form.layer_exists
    assert [f.name for f in form.fields] == ["name", "hazard", "return_period", "note"]
    assert not any(f.required for f in form.fields)
    record = save_drawing(store, form, {"hazard": "Sạt lở", "return_period": "50"})
    assert record.version == 1 and record.feature_count == 1
    saved = store.read(form.layer)
    assert saved["hazard"].iloc[0] == "landslide" and saved["return_period"].iloc[0] == 50
    tomb = undo_drawing(store, record)
    assert tomb.deleted and store.layers() == []
    store.undelete(form.layer)  # nothing lost for good
    assert len(store.read(form.layer)) == 1


def test_integer_columns_stay_integer_with_gaps(demo_project: Path) -> None:
    store = ProjectStore(demo_project)
    other = drawing_form(store, SQUARE, "relocation_site", layer="Địa điểm mới")
    save_drawing(store, other, {"name": "A"})
    save_drawing(store, drawing_form(store, SQUARE, "relocation_site", layer="Địa điểm mới"),
                 {"name": "B", "capacity": 10})
    assert store.read("Địa điểm mới")["capacity"].tolist()[1] == 10
    import pyogrio

    info = pyogrio.read_info(demo_project, layer=store.record("Địa điểm mới").table)
    assert dict(zip(info["fields"], info["dtypes"], strict=True))["capacity"] == "int64"


def test_undo_only_the_last_version(demo_project: Path) -> None:
    store = ProjectStore(demo_project)
    zone = {"hazard": "flood", "return_period": 10}
    first = save_drawing(store, drawing_form(store, SQUARE, "hazard_zone", layer=HAZARDS),
                         {"name": "A", **zone})
    save_drawing(store, drawing_form(store, SQUARE, "hazard_zone", layer=HAZARDS),
                 {"name": "B", **zone})
    before = sha256(demo_project)
    with pytest.raises(DrawingError) as info:
        undo_drawing(store, first)
    assert info.value.keys == ["drawing_undo_stale"]
    assert sha256(demo_project) == before


@pytest.mark.parametrize("text", ["", "Đồng Đăng", "21.85, 200", "21°61'00\"N 106°45'E",
                                  "48Q XK 808 1725", "61Q 680846 2417252"])
def test_go_to_errors_have_both_languages(text: str) -> None:
    with pytest.raises(CoordinateInputError) as info:
        parse_location(text)
    message = Message(f"goto_{info.value.reason}", info.value.params)
    assert message.text("vi") and message.text("en")
    assert message.text("vi") != message.text("en")


def test_drawable_kinds_and_coordinate_labels() -> None:
    assert set(drawing.POSITION_KINDS) >= {"combat_base", "rear_base", "air_defense"}
    assert {"relocation_site", "proposed_project", "hazard_zone"} <= set(drawing.DRAWABLE_KINDS)
    assert set(drawing.DRAWABLE_KINDS) <= set(drawing.KINDS)
    for key in FORMAT_KEYS:  # the labels a page shows beside each form of a point
        assert Message(f"coord_{key}", {}).text("vi") and Message(f"coord_{key}", {}).text("en")


def test_a_planner_undoes_a_drawing(demo_project: Path) -> None:
    """Restoring needs the admin role; undoing one's drawing only the planner's."""
    store = ProjectStore(demo_project)
    store.add_user("chi", "admin", "mat-khau-admin-1")
    store.as_user("chi", "mat-khau-admin-1").add_user("lan", "planner", "mat-khau-lan-22")
    planner = ProjectStore(demo_project).as_user("lan", "mat-khau-lan-22")
    before = planner.record(SITES)
    record = save_drawing(planner, drawing_form(planner, SQUARE, "relocation_site"),
                          SITE_VALUES)
    back = undo_drawing(planner, record)
    assert back.version == before.version + 2
    pd.testing.assert_frame_equal(planner.read(SITES), planner.read(SITES, before.version))
