"""The working mode of the Map page without a browser (AppTest): go to, the form, save, undo.

Under AppTest ``st_folium`` runs no JavaScript and returns its defaults, so a drawing is put
in the session as the map would have left it (``wm_drawing``); the real map is walked in
``test_working_map_browser.py``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from shapely.geometry import box, mapping, shape

from geo import coordinates, measure
from layers.store import ProjectStore
from planning import drawing
from planning.messages import Message
from ui.working_map import fit_view

ROOT = Path(__file__).parents[1]
SITES = "Địa điểm di chuyển (giả định)"
SHAPE = box(106.700, 21.800, 106.704, 21.803)  # a 400 m × 330 m field near Lạng Sơn
FEATURE = {"type": "Feature", "properties": {}, "geometry": mapping(SHAPE)}


def working(project: Path, monkeypatch: pytest.MonkeyPatch, drawn: dict | None = FEATURE):
    """The Map page in its working mode, with ``drawn`` as the current drawing."""
    from streamlit.testing.v1 import AppTest

    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("KVPT_PROJECT", str(project))
    at = AppTest.from_file(str(ROOT / "ui" / "map_page.py"), default_timeout=90)
    at.session_state["map_mode"] = "work"
    if drawn is not None:
        at.session_state["wm_drawing"] = drawn
    return at.run()


def texts(at) -> str:  # noqa: ANN001 - AppTest
    """Every text the page shows (markdown, captions, alerts, metrics)."""
    parts = [e.value for e in [*at.markdown, *at.caption, *at.error, *at.warning,
                               *at.success]]
    parts += [f"{m.label} {m.value}" for m in at.metric]
    return "\n".join(str(p) for p in parts)


def field(at, label: str):  # noqa: ANN001, ANN201 - AppTest, widget
    """The form's text input or select box labelled ``label``."""
    found = [w for w in [*at.text_input, *at.selectbox] if w.label == label]
    assert len(found) == 1, (label, [w.label for w in [*at.text_input, *at.selectbox]])
    return found[0]


def fill(at, values: dict[str, str]) -> None:  # noqa: ANN001 - AppTest
    for label, value in values.items():
        widget = field(at, label)
        if hasattr(widget, "input"):
            widget.input(value)
        else:
            widget.set_value(value)


def submit(at):  # noqa: ANN001, ANN201 - AppTest
    (button,) = [b for b in at.button if b.label.startswith("Lưu vào lớp")]
    return button.click().run()


GOOD = {"Tên *": "Địa điểm di chuyển 41 – vẽ thử", "Mã *": "DDDC-41",
        "Diện tích sử dụng (m²) *": "5000", "Sức chứa (lao động) *": "300",
        "Có nước *": "yes", "Có điện *": "no", "Trạng thái *": "planned"}


def test_a_drawing_shows_its_area_and_the_relocation_site_form(
        demo_project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = working(demo_project, monkeypatch)
    assert not at.exception
    size = measure.measure(SHAPE)
    assert f"Diện tích {size.area_m2:,.0f} m², chu vi {size.perimeter_m:,.0f} m." in texts(at)
    assert [m.value for m in at.metric] == [f"{size.area_m2 / 10_000:,.2f} ha"]
    assert at.selectbox(key="wm_kind").value == "relocation_site"
    assert at.selectbox(key="wm_layer_relocation_site").value == SITES
    form = drawing.drawing_form(ProjectStore(demo_project), SHAPE, "relocation_site")
    labels = [w.label for w in [*at.text_input, *at.selectbox]]
    for f in form.fields:
        assert f.label_vi + (" *" if f.required else "") in labels
    # the layer's complete numbers and choices are asked as required
    assert {f.name for f in form.fields if f.required} >= {
        "name", "code", "usable_area_m2", "capacity", "water", "power", "status"}
    assert field(at, "Có nước *").options == ["Có", "Không"]


def test_invalid_values_are_refused_in_vietnamese_and_the_store_is_unchanged(
        demo_project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = ProjectStore(demo_project).record(SITES)
    at = working(demo_project, monkeypatch)
    fill(at, {"Tên *": "Thử", "Mã *": "DDDC-01", "Sức chứa (lao động) *": "nhiều"})
    at = submit(at)
    assert not at.exception
    (error,) = at.error
    assert error.value.startswith("Chưa lưu được hình vẽ (")
    assert "Sức chứa (lao động) phải là một số, không phải 'nhiều'." in error.value
    assert "Chưa nhập Có nước: mọi đối tượng khác của lớp" in error.value
    assert "Mã 'DDDC-01' đã dùng cho" in error.value
    assert "must" not in error.value and "required" not in error.value
    after = ProjectStore(demo_project)
    assert after.record(SITES).version == before.version
    assert after.record(SITES).feature_count == before.feature_count
    assert at.session_state["wm_drawing"] == FEATURE  # kept, to correct and save again


def test_save_then_undo(demo_project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = ProjectStore(demo_project)
    first, original = store.record(SITES), store.read(SITES)
    at = working(demo_project, monkeypatch)
    fill(at, GOOD)
    at = submit(at)
    assert not at.exception
    assert f"Đã lưu vào lớp “{SITES}” (phiên bản {first.version + 1})." in texts(at)
    saved = ProjectStore(demo_project).read(SITES)
    assert len(saved) == len(original) + 1
    row = saved.iloc[-1]
    assert (row["name"], row["code"], row["capacity"], row["usable_area_m2"], row["water"],
            row["power"], row["status"]) == ("Địa điểm di chuyển 41 – vẽ thử", "DDDC-41", 300,
                                             5000.0, "yes", "no", "planned")
    assert row.geometry.equals_exact(SHAPE, 1e-9)
    # the drawing is gone, the map moves onto the saved feature, the form is empty again
    assert "wm_drawing" not in at.session_state
    assert at.session_state["wm_view"] == fit_view(mapping(SHAPE))
    assert not at.metric
    (undo,) = [b for b in at.button if b.label == "Hoàn tác"]
    at = undo.click().run()
    assert not at.exception
    assert "Đã hoàn tác" in texts(at)
    back = ProjectStore(demo_project)
    assert back.record(SITES).version == first.version + 2
    restored = back.read(SITES)
    assert restored.drop(columns="geometry").equals(original.drop(columns="geometry"))
    assert restored.geometry.geom_equals_exact(original.geometry, 1e-12).all()
    assert not [b for b in at.button if b.label == "Hoàn tác"]


def test_save_into_a_new_layer_and_undo_deletes_it(
        demo_project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = working(demo_project, monkeypatch)
    at.selectbox(key="wm_kind").set_value("hazard_zone").run()
    at.selectbox(key="wm_layer_hazard_zone").set_value("(lớp mới)").run()
    at.text_input(key="wm_new_layer_hazard_zone").input("Vùng sạt lở mới vẽ").run()
    fill(at, {"Tên": "Sạt lở Km 12", "Loại thiên tai": "landslide"})
    at = submit(at)
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, at.error[0].value
    store = ProjectStore(demo_project)
    record = store.record("Vùng sạt lở mới vẽ")
    assert (record.version, record.kind, record.feature_count) == (1, "hazard_zone", 1)
    (undo,) = [b for b in at.button if b.label == "Hoàn tác"]
    at = undo.click().run()
    assert "Đã hoàn tác: đã xóa lớp “Vùng sạt lở mới vẽ”" in texts(at)
    assert "Vùng sạt lở mới vẽ" in {r.name for r in ProjectStore(demo_project).deleted_layers()}


def test_go_to_shows_every_form_or_a_vietnamese_message(
        demo_project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = working(demo_project, monkeypatch, drawn=None)
    assert "Bấm vào bản đồ" in texts(at)
    site = ProjectStore(demo_project).read(SITES).geometry.iloc[0].representative_point()
    text = coordinates.format_mgrs(site.x, site.y)
    at = at.text_input(key="wm_goto").input(text).run()
    assert not at.exception and not at.error
    found = coordinates.parse_location(text)
    shown = texts(at)
    for key, value in coordinates.format_all(found.lon, found.lat).items():
        assert f"{Message(f'coord_{key}').text('vi')}: `{value}`" in shown
    assert at.session_state["wm_view"] == ((found.lat, found.lon), 14)
    # the panel keeps the go-to point over reruns (the map repeats no old click here)
    at = at.run()
    assert f"`{coordinates.format_all(found.lon, found.lat)['mgrs']}`" in texts(at)
    for bad, words in (("abc xyz", "'abc xyz' không phải tọa độ."),
                       ("21°75'00\"N 106°45'00\"E", "phút và giây phải nhỏ hơn 60"),
                       ("48.5, 2.3", "nằm ngoài Việt Nam")):
        at = at.text_input(key="wm_goto").input(bad).run()
        (error,) = at.error
        assert words in error.value, error.value
        assert at.session_state["wm_view"] == ((found.lat, found.lon), 14)  # not moved


def test_a_drawing_outside_vietnam_is_refused(demo_project: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    far = {"type": "Feature", "properties": {},
           "geometry": mapping(box(2.30, 48.80, 2.31, 48.81))}
    at = working(demo_project, monkeypatch, drawn=far)
    assert not at.exception
    (error,) = at.error
    assert "Chưa lưu được hình vẽ" in error.value
    assert not [b for b in at.button if b.label.startswith("Lưu vào lớp")]


def test_fit_view_shows_the_whole_drawing() -> None:
    (lat, lon), zoom = fit_view(mapping(SHAPE))
    centre = shape(mapping(SHAPE)).centroid
    assert (lat, lon) == pytest.approx((centre.y, centre.x))
    assert 14 <= zoom <= 17
    (_, _), point_zoom = fit_view({"type": "Point", "coordinates": [106.7, 21.8]})
    assert point_zoom == 16


def test_drop_the_drawing(demo_project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = ProjectStore(demo_project).record(SITES)
    at = working(demo_project, monkeypatch)
    (drop,) = [b for b in at.button if b.label == "Bỏ hình đang vẽ"]
    at = drop.click().run()
    assert not at.exception
    assert "wm_drawing" not in at.session_state
    assert at.session_state["wm_map_run"] == 1  # the map starts afresh, without the shape
    assert at.session_state["wm_view"] == fit_view(mapping(SHAPE))  # where it was drawn
    assert not at.metric and not [b for b in at.button if b.label.startswith("Lưu vào lớp")]
    assert ProjectStore(demo_project).record(SITES).version == before.version
