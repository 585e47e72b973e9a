"""The planning layer's inputs: one rule per concept, checked on the demo and by hand."""

from __future__ import annotations

import shutil
from pathlib import Path

import geopandas as gpd
import pytest
import shapely
from shapely.geometry import LineString, box

from layers.store import NewLayer, ProjectStore
from planning import inputs, posture
from planning.errors import PlanningError
from planning.params import parse_bands, parse_cuts, parse_speeds, parse_zones
from planning.project import Project


class CountingReader:
    """A reader that counts the layer reads (to show the project object reads once)."""

    def __init__(self, store: ProjectStore) -> None:
        self.store, self.path, self.reads = store, store.path, 0

    def layers(self):  # noqa: ANN201
        return self.store.layers()

    def read(self, name: str, version: int | None = None) -> gpd.GeoDataFrame:
        self.reads += 1
        return self.store.read(name, version)

    def read_records(self, table: str):  # noqa: ANN201
        return self.store.read_records(table)


def test_communes_are_the_units_of_level_commune(demo_master: Path) -> None:
    project = Project(ProjectStore(demo_master))
    units = inputs.admin_units(project)
    communes = inputs.communes(project)
    # independent count: every admin-unit row whose stored level is a commune word
    store = ProjectStore(demo_master)
    words = {"commune", "xã", "phường", "thị trấn", "xa", "phuong", "thi tran"}
    expected = sum(int(store.read(r.name)["level"].astype(str).str.lower().isin(words).sum())
                   for r in store.layers() if r.kind == "admin_unit")
    assert len(communes) == expected == 226
    assert set(communes["level"]) == {"commune"}
    assert len(inputs.districts(project)) == 11
    assert set(inputs.province(project)["level"]) == {"province"}
    assert communes.index.str.contains(":").all() and communes.crs.to_epsg() == 4326
    assert len(units) == 226 + 11 + 1


def test_units_without_level_are_left_out_with_a_warning(demo_project: Path) -> None:
    store = ProjectStore(demo_project)
    extra = gpd.read_file(Path(__file__).parent / "data/store_communes.geojson")
    extra = extra.rename(columns={"commune_vn": "name"})[["name", "geometry"]]
    store.add_layer(NewLayer(extra, "Xã không có cấp", "admin_unit"))
    project = Project(store)
    result = posture.completeness(project)  # would fail on units without a level
    assert len(result.main) == 238
    texts = [w.text("vi") for w in result.warnings]
    assert len(texts) == 1 and "Xã không có cấp" in texts[0] and "5 đơn vị" in texts[0]
    assert "5 units" in result.warnings[0].text("en")


def test_missing_communes_name_the_admin_layers(tmp_path: Path) -> None:
    store = ProjectStore.init(tmp_path / "p.gpkg")
    districts = gpd.GeoDataFrame({"name": ["Huyện A"], "level": ["Huyện"]},
                                 geometry=[box(106, 21, 106.1, 21.1)], crs=4326)
    store.add_layer(NewLayer(districts, "Huyện", "admin_unit"))
    with pytest.raises(PlanningError) as err:
        inputs.communes(Project(store))
    assert err.value.key == "no_communes" and "'Huyện'" in str(err.value)
    assert "xã" in err.value.text("vi")


def test_the_project_reads_each_layer_once(demo_master: Path) -> None:
    reader = CountingReader(ProjectStore(demo_master))
    project = Project(reader)
    posture.completeness(project)
    first = reader.reads
    posture.depth(project)
    posture.completeness(project)
    n_layers = len(project.names(inputs.posture_kinds() + ["admin_unit", "border"]))
    assert first > 0 and reader.reads <= n_layers


def test_road_graph_is_kept_by_layer_versions(demo_project: Path) -> None:
    store = ProjectStore(demo_project)
    graph, roads = inputs.road_graph(Project(store))
    again, _ = inputs.road_graph(Project(store))
    assert again is graph and len(roads) > 0
    name = store.layers()[[r.kind for r in store.layers()].index("infrastructure")].name
    store.add_layer(NewLayer(store.read(name), name, "infrastructure"))  # same rows, v2
    fresh, _ = inputs.road_graph(Project(store))
    assert fresh is not graph
    assert fresh.number_of_edges() == graph.number_of_edges()
    assert inputs.road_graph(Project(store), speeds={"national_road": 80})[0] is not fresh


def test_polygons_join_the_network_from_their_representative_point(tmp_path: Path) -> None:
    store = ProjectStore.init(tmp_path / "p.gpkg")
    site = gpd.GeoDataFrame({"name": ["Site"], "code": ["S-1"]},
                            geometry=[box(106.60, 21.80, 106.64, 21.84)], crs=4326)
    store.add_layer(NewLayer(site, "Sites", "relocation_site"))
    road = gpd.GeoDataFrame({"name": ["R"], "class": ["national_road"]},
                            geometry=[LineString([(106.5, 21.7), (106.7, 21.7)])], crs=4326)
    store.add_layer(NewLayer(road, "Roads", "infrastructure"))
    feats = inputs.features(Project(store))
    assert list(feats.index) == ["Sites:0"] and feats.at["Sites:0", "code"] == "S-1"
    expected = shapely.point_on_surface(site.to_crs(feats.crs).geometry.iloc[0])
    assert feats.geometry.iloc[0].distance(expected) < 1e-6


def test_parameters_parse_once_with_translatable_errors() -> None:
    assert parse_bands("10; 30,60") == (10.0, 30.0, 60.0)
    assert parse_bands(None) is None
    for bad in ("30, 10", "x", "", "-5"):
        with pytest.raises(PlanningError) as err:
            parse_bands(bad)
        assert err.value.key == "bad_bands" and "10, 30, 60" in err.value.text("vi")
    assert parse_zones(["combat_base=800"]) == {"combat_base": 800.0}
    with pytest.raises(PlanningError, match="combat_base=800"):
        parse_zones(["combat_base=inf"])
    assert parse_speeds(["QL=45"]) == {"QL": 45.0}
    with pytest.raises(PlanningError, match="KMH > 0"):
        parse_speeds(["QL=0"])
    assert parse_cuts([" a ", "a", "", "b"], known=["a", "b"]) == ("a", "b")
    with pytest.raises(PlanningError) as err:
        parse_cuts(["c"], known=["a"])
    assert err.value.key == "unknown_segment"
    with pytest.raises(PlanningError) as err:
        parse_cuts([str(i) for i in range(28)])
    assert err.value.key == "too_many_cuts" and "28" in err.value.text("vi")


def test_a_copy_of_the_project_is_another_cache_entry(demo_master: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy.gpkg"
    shutil.copy2(demo_master, copy)
    a = inputs.road_graph(Project(ProjectStore(demo_master)))[0]
    b = inputs.road_graph(Project(ProjectStore(copy)))[0]
    assert a is not b and a.number_of_edges() == b.number_of_edges()
