"""Move and delete a feature in the working mode of the Map page, without a browser (AppTest).

Under AppTest ``st_folium`` runs no JavaScript: the feature is chosen with the page's select
boxes, and a move is put in the session as the map would have left it (``wm_edit``); the
real map is walked in ``test_working_map_edit_browser.py``.
"""

from __future__ import annotations

import re
from pathlib import Path

import folium
import pytest
from folium.plugins import Draw
from shapely.geometry import Point, mapping
from test_working_map import texts, working

from layers.store import ProjectStore
from maps.tools import EDIT_MARK, add_tools
from planning import editing
from planning.project import Project
from ui.working_map import feature_options, tool_map

POSITIONS = "Trận địa phòng không (giả định)"
HAZARDS = "Vùng ngập lụt, sạt lở (giả định)"


def choose(at, project: Path, layer: str, row: int):  # noqa: ANN001, ANN201 - AppTest
    (box,) = [s for s in at.selectbox if s.label == "Dời hoặc xóa đối tượng của lớp"]
    at = box.set_value(layer).run()
    (box,) = [s for s in at.selectbox if s.label == "Đối tượng"]
    labels = editing.feature_labels(ProjectStore(project), layer)
    return box.set_value(feature_options(labels)[row]).run()


def button(at, label: str):  # noqa: ANN001, ANN201 - AppTest
    (found,) = [b for b in at.button if b.label == label]
    return found.click().run()


def test_delete_confirm_and_undo(demo_project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = ProjectStore(demo_project)
    before = store.record(HAZARDS)
    old = store.read(HAZARDS)
    label = editing.feature_labels(store, HAZARDS)[2]
    at = choose(working(demo_project, monkeypatch, drawn=None), demo_project, HAZARDS, 2)
    assert not at.exception
    assert f"Đang sửa '{label}'" in texts(at)
    at = button(at, "Xóa đối tượng")
    assert f"Xóa '{label}' khỏi lớp '{HAZARDS}'?" in texts(at)
    assert ProjectStore(demo_project).record(HAZARDS).version == before.version  # not yet
    at = button(at, "Xác nhận xóa")
    assert not at.exception, at.exception
    assert f"Đã lưu thay đổi vào lớp '{HAZARDS}' (phiên bản {before.version + 1})." in \
        texts(at)
    assert len(ProjectStore(demo_project).read(HAZARDS)) == len(old) - 1
    at = button(at, "Hoàn tác")
    assert not at.exception, at.exception
    assert f"Đã hoàn tác: lớp '{HAZARDS}' về như phiên bản {before.version}" in texts(at)
    back = ProjectStore(demo_project)
    assert back.record(HAZARDS).version == before.version + 2
    assert back.read(HAZARDS).equals(old)


def test_a_move_from_the_map_is_saved(demo_project: Path,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    store = ProjectStore(demo_project)
    ref = editing.feature_ref(store, POSITIONS, 1)
    start = store.read(POSITIONS).geometry.iloc[1]
    at = choose(working(demo_project, monkeypatch, drawn=None), demo_project, POSITIONS, 1)
    new = Point(start.x + 0.001, start.y)
    at.session_state["wm_edit"] = {"ident": ref.ident, "action": "move",
                                   "geometry": mapping(new)}
    at = at.run()
    metres = editing.moved_m(start, new)
    assert [i.value for i in at.info] == [
        f"'{editing.feature_labels(store, POSITIONS)[1]}' đã được dời, xa nhất "
        f"{metres:,.1f} m (tính trong EPSG:3405)."]
    at = button(at, "Lưu vị trí mới")
    assert not at.exception
    assert ProjectStore(demo_project).read(POSITIONS).geometry.iloc[1].equals(new)


def test_the_edit_map_holds_the_feature(demo_project: Path) -> None:
    """The drawing toolbar's edit group is the group of the feature, full precision."""
    store = ProjectStore(demo_project)
    feature = editing.edit_feature(store, editing.feature_ref(store, POSITIONS, 0))
    assert EDIT_MARK == editing.EDIT_PROPERTY
    m = add_tools(folium.Map(tiles=None), lang="vi", editable=feature)
    (group,) = [c for c in m._children.values() if isinstance(c, folium.GeoJson)]
    (draw,) = [c for c in m._children.values() if isinstance(c, Draw)]
    html = m.get_root().render()
    assert re.search(rf"var drawnItems_{draw.get_name()} =\s*{group.get_name()};", html)
    assert group.data["features"][0]["properties"] == feature["properties"]
    assert list(group.data["features"][0]["geometry"]["coordinates"]) == list(
        feature["geometry"]["coordinates"])
    assert "precision === undefined ? false : precision" in html
    plain = tool_map(Project(store), (POSITIONS,), "vi").get_root().render()
    assert '"kvpt_edit": ' not in plain and '"kvpt_edit": ' in html
