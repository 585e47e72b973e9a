"""planning.network: routes, service areas and chokepoints of a project, for both front ends.

The command (``kvpt route|reach|chokepoints --json``) and the Road network page must show
the same rows: both call :mod:`planning.network`, the command through the store, the page
through a cached reader and its widgets' defaults. The parity tests put the command's JSON
records through :func:`ui.tables.localized` (the page's headers, values and rounding) and
compare them with the table the page shows, cell by cell.
"""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely
from streamlit.testing.v1 import AppTest
from typer.testing import CliRunner

from cli import app
from cli.network import ACCESS_RULE
from conftest import app_test, assert_page_shows, page_table
from geo import network as geo_network
from layers.store import ProjectStore
from planning import inputs, network
from planning.errors import PlanningError
from planning.project import Project
from ui.tables import header

ROOT = Path(__file__).parents[1]
COMMUNES = "Xã, phường, thị trấn (Lạng Sơn, 2009)"
BASES = "Căn cứ chiến đấu (giả định)"


def kvpt(*args: object):
    return CliRunner().invoke(app, [str(a) for a in args])


def rows_of(*args: object) -> list[dict]:
    res = kvpt(*args, "--json")
    assert res.exit_code == 0, res.output
    return json.loads(res.stdout)


def fresh_caches() -> None:
    """Forget the road graphs built so far (so a front end builds its own)."""
    inputs._GRAPHS.clear()


# --- trip ends and the access rule ---------------------------------------------------------


def test_trip_ends_name_features_by_id_code_or_name(demo_master: Path) -> None:
    project = Project(ProjectStore(demo_master))
    ends = network.trip_ends(project)
    assert {"layer", "kind", "name", "code", "level"} <= set(ends.columns)
    assert not ends["kind"].isin(["infrastructure", "river", "border"]).any()
    row = ends.loc[f"{BASES}:0"]
    assert network.find_end(ends, f"{BASES}:0") == f"{BASES}:0"
    assert network.find_end(ends, row["code"]) == f"{BASES}:0"
    assert network.find_end(ends, row["name"]) == f"{BASES}:0"
    twice = pd.concat([ends.iloc[[0]], ends.iloc[[0]].set_axis(["X:0"])])
    with pytest.raises(PlanningError) as err:
        network.find_end(twice, ends.iloc[0]["code"])
    assert err.value.key == "ambiguous_code" and "X:0" in err.value.text("vi")


def test_polygons_join_the_roads_from_their_representative_point(demo_master: Path) -> None:
    """A commune polygon's route starts at a point inside it, joined by a straight line."""
    project = Project(ProjectStore(demo_master))
    result = network.route(project, f"{COMMUNES}:5", f"{BASES}:0")
    commune = ProjectStore(demo_master).read(COMMUNES).to_crs(3405).geometry.iloc[5]
    inside = shapely.point_on_surface(commune)
    line = result.main.to_crs(3405).geometry.iloc[0]
    start = shapely.Point(line.coords[0])
    assert start.distance(inside) < 1e-3  # the representative point, computed here
    # ... and the connector runs straight to the nearest point of the road network
    first = result.tables["segments"].iloc[0]
    assert first["class"] == "connector"
    edges = geo_network.edges_frame(inputs.road_graph(project)[0])
    roads = shapely.union_all(edges.geometry.to_numpy())
    assert first["length_m"] == pytest.approx(inside.distance(roads), rel=1e-6)
    assert start.distance(shapely.Point(line.coords[1])) == pytest.approx(first["length_m"])


def test_route_segments_add_up_to_the_route(demo_master: Path) -> None:
    project = Project(ProjectStore(demo_master))
    result = network.route(project, "Căn cứ chiến đấu tỉnh", "Địa điểm di chuyển (giả định):8")
    row, segs = result.main.iloc[0], result.tables["segments"]
    assert segs["segment_id"].tolist() == row["segments"].split("; ")
    assert segs["time_min"].sum() == pytest.approx(result.values["time_min"], rel=1e-9)
    assert segs["length_m"].sum() == pytest.approx(result.values["length_m"], rel=1e-9)
    assert row["travel_min"] == round(result.values["time_min"], 2)
    assert result.main.crs.to_epsg() == 4326
    roads = segs.loc[segs["class"] != "connector", "road_name"]
    assert len(roads) and roads.str.startswith("Quốc lộ").all()


def test_reach_agrees_with_routes_from_every_base(demo_master: Path) -> None:
    """The service area (one multi-source search) gives each commune the time of its
    fastest route from any base (one route per base): the same access rule both ways."""
    project = Project(ProjectStore(demo_master))
    result = network.reach(project, 45)
    table = result.main
    assert table["commune"].tolist() == inputs.communes(project).index.tolist()
    assert list(table.columns) == ["commune", "layer", "kind", "name", "code", "travel_min",
                                   "connector_m", "reachable", "geometry"]
    bases = ProjectStore(demo_master).read(BASES)
    for k in (0, 57, 140, 225):
        times = [network.route(project, f"{BASES}:{b}", f"{COMMUNES}:{k}").values["time_min"]
                 for b in range(len(bases))]
        assert table["travel_min"].iloc[k] == pytest.approx(min(times), rel=1e-9)
    assert result.values["n_reached"] == int((table["travel_min"] <= 45).sum())
    same = network.reach(project, 45, source_layer=BASES)
    assert same.main["travel_min"].equals(table["travel_min"])
    with pytest.raises(PlanningError, match="not a layer"):
        network.reach(project, 45, source_layer="No such layer")


def test_chokepoints_without_hub_or_target_say_why(demo_master: Path) -> None:
    project = Project(ProjectStore(demo_master))
    with pytest.raises(PlanningError) as err:
        network.chokepoints(project, targets=["Điểm dân cư"])
    assert err.value.key == "no_hub"
    everyone = network.trip_ends(project)
    bases = everyone.index[everyone["layer"] == BASES].tolist()
    with pytest.raises(PlanningError) as err:  # every target is a hub: none is left
        network.chokepoints(project, hubs=bases, targets=[BASES])
    assert err.value.key == "no_target"


def test_help_of_every_routing_command_states_the_access_rule() -> None:
    for command in ("route", "reach", "chokepoints", "relocate"):
        res = kvpt(command, "--help")
        assert res.exit_code == 0
        assert ACCESS_RULE in " ".join(res.stdout.split()), command


# --- the command line and the page show the same rows -------------------------------------


def run_page(project: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    return app_test('ui/network_page.py', project, monkeypatch)


def test_route_command_equals_page(demo_master: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fresh_caches()
    at = run_page(demo_master, monkeypatch)
    assert not at.exception and not at.error
    start, end = at.selectbox(key="net_from").value, at.selectbox(key="net_to").value
    fresh_caches()
    rows = pd.DataFrame(rows_of("route", demo_master, "--from", start, "--to", end))
    assert_page_shows(page_table(at, "from"), rows)
    segments = page_table(at, "road_name")
    assert segments[header("segment_id", "vi")].tolist() == rows["segments"].iloc[0].split("; ")
    time = next(m.value for m in at.metric if m.label == "Thời gian (phút)")
    assert time == f"{rows['travel_min'].iloc[0]:,.1f}"


def test_reach_command_equals_page(demo_master: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fresh_caches()
    at = run_page(demo_master, monkeypatch)
    at.radio(key="net_mode").set_value("area").run()
    assert not at.exception and not at.error
    layer = at.selectbox(key="net_area_bases").value
    minutes = at.slider(key="net_area_minutes").value
    fresh_caches()
    rows = pd.DataFrame(rows_of("reach", demo_master, "--minutes", minutes,
                                "--source-layer", layer))
    assert_page_shows(page_table(at, "reachable"), rows.sort_values("travel_min", kind="stable"))
    by_kind = pd.DataFrame(rows_of("reach", demo_master, "--minutes", minutes))
    assert layer == BASES and by_kind.equals(rows)  # the demo's only combat-base layer


@pytest.mark.parametrize("what", ["segments", "nodes"])
def test_chokepoints_command_equals_page(what: str, demo_master: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    fresh_caches()
    at = run_page(demo_master, monkeypatch)
    at.radio(key="net_mode").set_value("choke").run()
    at.radio(key="net_choke_what").set_value(what).run()
    assert not at.exception and not at.error
    fresh_caches()
    rows = pd.DataFrame(rows_of("chokepoints", demo_master,
                                *(["--nodes"] if what == "nodes" else [])))
    assert_page_shows(page_table(at, "n_cut"), rows)


def test_network_summary_counts_the_segments(demo_master: Path) -> None:
    project = Project(ProjectStore(demo_master))
    result = network.summary(project)
    store = ProjectStore(demo_master)
    lines = geo_network.network_lines({r.name: store.read(r.name) for r in store.layers()
                                       if r.kind == "infrastructure"})
    graph = geo_network.build_graph(lines)
    assert result.values["n_segments"] == graph.number_of_edges() == len(result.main)
    assert result.values["length_km"] == pytest.approx(
        sum(d for *_, d in graph.edges(data="length_m")) / 1000)
    assert isinstance(result.main, gpd.GeoDataFrame) and result.main.crs.to_epsg() == 4326
