"""planning.editing: a feature moved or deleted, saved as a new layer version, and undone."""

from __future__ import annotations

import json
import math
import pickle
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyproj
import pytest
from shapely.geometry import LineString, Point, Polygon, mapping

from conftest import sha256
from layers.errors import LayerError
from layers.store import ProjectStore
from planning.drawing import DrawingError
from planning.editing import (
    EDIT_PROPERTY,
    delete_feature,
    edit_feature,
    editable_layers,
    feature_labels,
    feature_ref,
    move_feature,
    moved_m,
    undo_edit,
)

POSITIONS = "Trận địa phòng không (giả định)"  # points
SITES = "Địa điểm di chuyển (giả định)"  # polygons
HAZARDS = "Vùng ngập lụt, sạt lở (giả định)"
GEOD = pyproj.Geod(ellps="WGS84")
TO_VN2000 = pyproj.Transformer.from_crs("EPSG:4326", "EPSG:3405", always_xy=True)


def attributes(frame: gpd.GeoDataFrame) -> pd.DataFrame:
    return pd.DataFrame(frame.drop(columns="geometry"))


def assert_same_features(a: gpd.GeoDataFrame, b: gpd.GeoDataFrame) -> None:
    """Attributes equal (dtypes too) and geometries equal to the last bit."""
    assert len(a) == len(b)
    pd.testing.assert_frame_equal(attributes(a).reset_index(drop=True),
                                  attributes(b).reset_index(drop=True))
    assert list(a.geometry.to_wkb()) == list(b.geometry.to_wkb())


def test_move_a_point_then_undo(demo_project: Path) -> None:
    store = ProjectStore(demo_project)
    before = store.record(POSITIONS)
    old = store.read(POSITIONS)
    ref = feature_ref(store, POSITIONS, 3)
    start = old.geometry.iloc[3]
    # 250 m towards azimuth 60° on the ellipsoid
    lon, lat, _ = GEOD.fwd(start.x, start.y, 60.0, 250.0)
    record = move_feature(store, ref, {"type": "Point", "coordinates": [lon, lat]})
    assert (record.version, record.kind, record.source_crs) == (
        before.version + 1, "air_defense", before.source_crs)
    label = f"{old['code'].iloc[3]} – {old['name'].iloc[3]}"
    assert record.note == f"moved on the map: {label}"
    new = store.read(POSITIONS)
    assert (new.geometry.iloc[3].x, new.geometry.iloc[3].y) == (lon, lat)
    others = [i for i in range(len(old)) if i != 3]
    assert_same_features(new.iloc[others], old.iloc[others])
    pd.testing.assert_series_equal(attributes(new).iloc[3], attributes(old).iloc[3])
    # in VN-2000 / UTM 48N (the layer's source CRS) the point moved 250 m at the grid
    # scale there (within 0.1 %), and moved_m measures in that CRS
    x0, y0 = TO_VN2000.transform(start.x, start.y)
    x1, y1 = TO_VN2000.transform(lon, lat)
    assert math.hypot(x1 - x0, y1 - y0) == pytest.approx(250.0, rel=1e-3)
    assert moved_m(start, Point(lon, lat)) == pytest.approx(math.hypot(x1 - x0, y1 - y0),
                                                            abs=1e-6)
    back = undo_edit(store, record)
    assert back.version == before.version + 2
    assert back.note == f"edit undone: the features of version {before.version}"
    assert_same_features(store.read(POSITIONS), old)


def test_move_one_vertex_of_a_polygon(demo_project: Path) -> None:
    store = ProjectStore(demo_project)
    old = store.read(SITES)
    feature = edit_feature(store, feature_ref(store, SITES, 5))
    ring = [list(p) for p in feature["geometry"]["coordinates"][0]]
    # the vertex 1 dragged 0.001° east and 0.0005° north (about 100 m and 55 m)
    ring[1] = [ring[1][0] + 0.001, ring[1][1] + 0.0005]
    moved = {"type": "Feature", "properties": feature["properties"],
             "geometry": {"type": "Polygon", "coordinates": [ring]}}
    move_feature(store, feature_ref(store, SITES, 5), moved)
    new = store.read(SITES)
    got = list(new.geometry.iloc[5].exterior.coords)
    want = list(old.geometry.iloc[5].exterior.coords)
    assert got[1] == (want[1][0] + 0.001, want[1][1] + 0.0005)
    assert got[:1] + got[2:] == want[:1] + want[2:]  # every other vertex to the last bit
    others = [i for i in range(len(old)) if i != 5]
    assert_same_features(new.iloc[others], old.iloc[others])
    pd.testing.assert_series_equal(attributes(new).iloc[5], attributes(old).iloc[5])
    # the largest displacement is that vertex's: hypot of its shift in the metric CRS
    x0, y0 = TO_VN2000.transform(*want[1])
    x1, y1 = TO_VN2000.transform(*got[1])
    assert moved_m(old.geometry.iloc[5], new.geometry.iloc[5]) == pytest.approx(
        math.hypot(x1 - x0, y1 - y0), rel=1e-9)


def test_the_map_feature_round_trips_exactly(demo_project: Path) -> None:
    """The GeoJSON the map gets, back unchanged through JSON, is not a move."""
    store = ProjectStore(demo_project)
    ref = feature_ref(store, SITES, 0)
    feature = json.loads(json.dumps(edit_feature(store, ref)))
    assert feature["properties"][EDIT_PROPERTY] == ref.ident == f"{SITES}:0@v1"
    assert feature["properties"]["label"] == feature_labels(store, SITES)[0]
    assert feature["properties"]["kind"] == "relocation_site"
    before = sha256(demo_project)
    with pytest.raises(DrawingError) as info:
        move_feature(store, ref, feature)
    assert info.value.keys == ["edit_unchanged"]
    assert info.value.text("vi").startswith("Chưa lưu được thay đổi")
    assert sha256(demo_project) == before


def test_delete_then_undo(demo_project: Path) -> None:
    store = ProjectStore(demo_project)
    before = store.record(HAZARDS)
    old = store.read(HAZARDS)
    label = feature_labels(store, HAZARDS)[2]
    assert label == old["name"].iloc[2]  # hazard zones have no code
    record = delete_feature(store, feature_ref(store, HAZARDS, 2))
    assert record.version == before.version + 1
    assert record.note == f"deleted on the map: {label}"
    new = store.read(HAZARDS)
    assert_same_features(new, old.drop(index=2))
    assert label not in set(new["name"])
    undo_edit(store, record)
    assert_same_features(store.read(HAZARDS), old)


def test_refusals_leave_the_store_unchanged(demo_project: Path) -> None:
    store = ProjectStore(demo_project)
    point = store.read(POSITIONS).geometry.iloc[0]
    ref = feature_ref(store, POSITIONS, 0)
    before = sha256(demo_project)
    cases = [
        (lambda: move_feature(store, ref, mapping(LineString([(106.7, 21.8), (106.8, 21.9)]))),
         ["drawing_wrong_geometry"]),
        (lambda: move_feature(store, ref, mapping(Point(2.35, 48.85))), ["drawing_outside"]),
        (lambda: feature_ref(store, POSITIONS, 99), ["edit_no_feature"]),
        (lambda: feature_ref(store, _other_layer(store), 0), ["edit_layer"]),
    ]
    for call, keys in cases:
        with pytest.raises(DrawingError) as info:
            call()
        assert info.value.keys == keys
        assert info.value.text("vi").startswith("Chưa lưu được thay đổi")
        assert info.value.text("en").startswith("The change was not saved")
        again = pickle.loads(pickle.dumps(info.value))
        assert again.keys == keys and again.text("vi") == info.value.text("vi")
    assert sha256(demo_project) == before
    # a reference read before another save is stale
    move_feature(store, feature_ref(store, POSITIONS, 1), mapping(Point(106.76, 21.86)))
    with pytest.raises(DrawingError) as info:
        move_feature(store, ref, mapping(Point(point.x + 0.001, point.y)))
    assert info.value.keys == ["edit_stale"]


def _other_layer(store: ProjectStore) -> str:
    """A layer whose kind cannot be drawn (an admin unit, a road…)."""
    return next(r.name for r in store.layers() if r.name not in editable_layers(store))


def test_the_last_feature_is_not_deleted(tmp_path: Path) -> None:
    store = ProjectStore.init(tmp_path / "p.gpkg")
    from layers.store import NewLayer

    zone = gpd.GeoDataFrame({"name": ["A"]}, geometry=[Polygon(
        [(106.7, 21.8), (106.71, 21.8), (106.71, 21.81)])], crs="EPSG:4326")
    store.add_layer(NewLayer(gdf=zone, name="Vùng", kind="hazard_zone"))
    with pytest.raises(DrawingError) as info:
        delete_feature(store, feature_ref(store, "Vùng", 0))
    assert info.value.keys == ["edit_last_feature"]
    assert len(store.read("Vùng")) == 1


def test_a_viewer_may_not_move_a_planner_may(demo_project: Path) -> None:
    store = ProjectStore(demo_project)
    store.add_user("chi", "admin", "mat-khau-admin-1")
    admin = store.as_user("chi", "mat-khau-admin-1")
    admin.add_user("xem", "viewer", "mat-khau-xem-22")
    admin.add_user("lan", "planner", "mat-khau-lan-22")
    viewer = ProjectStore(demo_project).as_user("xem", "mat-khau-xem-22")
    version = viewer.record(POSITIONS).version
    with pytest.raises(LayerError) as info:
        move_feature(viewer, feature_ref(viewer, POSITIONS, 0), mapping(Point(106.76, 21.86)))
    assert info.value.key == "role_needed"
    with pytest.raises(LayerError):
        delete_feature(viewer, feature_ref(viewer, POSITIONS, 0))
    assert viewer.record(POSITIONS).version == version
    refused = [a for a in admin.audit() if a.user == "xem" and a.action == "refused"]
    assert len(refused) == 2
    planner = ProjectStore(demo_project).as_user("lan", "mat-khau-lan-22")
    record = move_feature(planner, feature_ref(planner, POSITIONS, 0),
                          mapping(Point(106.76, 21.86)))
    back = undo_edit(planner, record)
    assert back.version == version + 2
    assert [(a.user, a.action, a.version) for a in admin.audit()[-2:]] == [
        ("lan", "import", version + 1), ("lan", "import", version + 2)]
