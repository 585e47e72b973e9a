"""Inputs of printed sheets (:mod:`planning.prints`): extent lookup, settings, layers."""

from __future__ import annotations

from pathlib import Path

import pytest

from layers.store import ProjectStore
from planning import prints
from planning.errors import PlanningError
from planning.project import Project


@pytest.fixture(scope="module")
def demo(demo_master: Path) -> Project:
    return Project(ProjectStore(demo_master))


@pytest.mark.parametrize(("text", "name", "level"), [
    ("Tràng Định", "Huyện Tràng Định", "district"),
    ("trang dinh", "Huyện Tràng Định", "district"),
    ("Huyện Tràng Định", "Huyện Tràng Định", "district"),
    ("HUYEN TRANG DINH", "Huyện Tràng Định", "district"),
    ("TP. Lạng Sơn", "Thành phố Lạng Sơn", "district"),
    ("thanh pho lang son", "Thành phố Lạng Sơn", "district"),
    ("Lạng Sơn", "Tỉnh Lạng Sơn", "province"),  # the larger unit first
    ("Chi Lăng", "Huyện Chi Lăng", "district"),
    ("TT Thất Khê", "Thị trấn Thất Khê", "commune"),
    ("that khe", "Thị trấn Thất Khê", "commune"),
])
def test_find_extent_by_name(demo: Project, text: str, name: str, level: str) -> None:
    found = prints.find_extent(demo, text)
    assert (found.label, found.level) == (name, level)
    assert found.area is not None and found.area.bounds == pytest.approx(found.bounds)
    assert found.unit is not None and found.unit.endswith(tuple("0123456789"))


def test_find_extent_by_id_and_by_box(demo: Project) -> None:
    ident = "Xã, phường, thị trấn (Lạng Sơn, 2009):177"
    found = prints.find_extent(demo, ident)
    assert found.label == "Xã Chi Lăng" and found.unit == ident
    box = prints.find_extent(demo, " 106.2, 21.6,106.8 ,22.1")
    assert box.bounds == (106.2, 21.6, 106.8, 22.1) and box.area is None


def test_unknown_ambiguous_and_bad_extents(demo: Project) -> None:
    with pytest.raises(PlanningError, match="close matches: Huyện Tràng Định") as err:
        prints.find_extent(demo, "Trang Dnh")
    assert "Tên gần giống" in err.value.text("vi")
    with pytest.raises(PlanningError, match="several units") as err:
        prints.find_extent(demo, "Xã Chi Lăng")
    assert "Huyện Tràng Định" in str(err.value) and "Huyện Chi Lăng" in str(err.value)
    for bad in ("107,22,106,21", "106,21,400,22", "nan,1,2,3"):
        with pytest.raises(PlanningError, match="not a valid box"):
            prints.find_extent(demo, bad)
    assert prints.parse_bounds("1,2,3") is None and prints.parse_bounds("a,b,c,d") is None


def test_print_inputs_layers_and_sheet_options(demo: Project) -> None:
    inputs = prints.print_inputs(demo)
    assert inputs.layers == demo.names() and inputs.extent is None
    assert inputs.issuing_unit is None and inputs.classification is None
    names = demo.names()[:2][::-1]
    picked = prints.print_inputs(demo, layers=names, extent="Đình Lập", classification="MẬT")
    assert picked.layers == demo.names()[:2]  # the project's order
    options = picked.sheet_options()
    assert options["subtitle"] == "Huyện Đình Lập" and options["classification"] == "MẬT"
    assert options["extent"] == picked.extent.bounds
    assert picked.sheet_options("Khác")["subtitle"] == "Khác"
    with pytest.raises(PlanningError, match="'Nope' is not a layer"):
        prints.print_inputs(demo, layers=["Nope"])


def test_settings_keep_other_rows(demo_project: Path) -> None:
    import pandas as pd

    store = ProjectStore(demo_project)
    store.write_records(prints.SETTINGS_TABLE, pd.DataFrame(
        {"key": ["other"], "value": ["kept"]}))
    proj = Project(store)
    assert prints.read_settings(proj) == {"issuing_unit": "", "classification": ""}
    saved = prints.save_settings(proj, {"issuing_unit": " Đơn vị A ", "classification": None})
    assert saved == {"issuing_unit": "Đơn vị A", "classification": ""}
    frame = store.read_records(prints.SETTINGS_TABLE)
    assert dict(zip(frame["key"], frame["value"], strict=True)) == {
        "other": "kept", "issuing_unit": "Đơn vị A"}
    with pytest.raises(ValueError, match="Unknown setting 'colour'"):
        prints.save_settings(proj, {"colour": "red"})


def test_area_choices_for_a_picker(demo: Project) -> None:
    choices = prints.area_choices(demo)
    labels = list(choices)
    assert labels[:2] == ["Huyện Bắc Sơn", "Huyện Bình Gia"]  # districts first, by name
    assert choices["Thị trấn Thất Khê"] == "Thị trấn Thất Khê" and len(choices) == 237
    twin = choices["Xã Chi Lăng – Huyện Tràng Định"]  # a name two communes share
    assert prints.find_extent(demo, twin).unit == twin
    assert "Xã Chi Lăng" not in choices
    for label, text in choices.items():
        assert prints.find_extent(demo, text).label == label.split(" – ")[0]
