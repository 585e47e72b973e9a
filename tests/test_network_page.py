"""The Road network page (ui/network_page.py) in Streamlit's AppTest."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest
from test_maps import fit_bounds

from conftest import page_map_html, sha256
from geo import chokepoints, network, settings
from layers.store import ProjectStore
from ui.tables import header

ROOT = Path(__file__).parents[1]
PAGE = "ui/network_page.py"


def run_page(project: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("KVPT_PROJECT", str(project))
    return AppTest.from_file(str(ROOT / PAGE), default_timeout=60).run()


@pytest.fixture(scope="module")
def demo_inputs(demo_master: Path) -> dict:
    store = ProjectStore(demo_master)
    records = store.layers()
    infra = {r.name: store.read(r.name) for r in records if r.kind == "infrastructure"}
    frames = {r.name: store.read(r.name) for r in records
              if r.kind not in ("infrastructure", "river", "border")}
    return {"graph": network.build_graph(network.network_lines(infra)),
            "features": network.feature_points(frames, columns=("level",)),
            "store": store}


def table_with(at: AppTest, column: str, columns: tuple[str, ...]) -> pd.DataFrame:
    """The first table shown with ``column``, whose headers (in Vietnamese, as the page shows
    them) are those of ``columns``; returned with the result's column names."""
    wanted = header(column, "vi")
    frame = next(d.value for d in at.dataframe if wanted in d.value.columns)
    assert list(frame.columns) == [header(c, "vi") for c in columns]
    return frame.set_axis(list(columns), axis=1)


ROUTE = ("from", "from_code", "from_name", "to", "to_code", "to_name", "travel_min",
         "distance_km", "connector_m", "offroad_speed_kmh", "n_segments", "segments")
SEGMENTS = ("segment_id", "road_name", "class", "speed_kmh", "length_m", "time_min",
            "load_class", "dual_use")
REACH = ("commune", "layer", "kind", "name", "code", "travel_min", "connector_m", "reachable")
CHOKEPOINTS = ("segment_id", "class", "source", "road_name", "length_m", "bridge", "n_cut",
               "n_slowed", "max_increase_pct", "targets", "target_codes", "target_names")
JUNCTIONS = ("node", "degree", "n_cut", "n_slowed", "max_increase_pct", "targets",
             "target_codes", "target_names")


def numbers(values: pd.Series) -> pd.Series:
    """A column shown for people as numbers again ("" for a missing one)."""
    return pd.to_numeric(values.replace("", None))


def metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def test_route_shows_the_fastest_route(demo_master: Path, demo_inputs: dict,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    before = sha256(demo_master)
    at = run_page(demo_master, monkeypatch)
    assert not at.exception and not at.error
    assert at.title[0].value == "Mạng đường"
    start = "Căn cứ hậu phương (giả định):7"
    end = "Địa điểm di chuyển (giả định):3"
    at.selectbox(key="net_from").set_value(start).run()
    at.selectbox(key="net_to").set_value(end).run()
    assert not at.exception and not at.error
    G = demo_inputs["graph"].copy()
    nodes = network.connect_points(G, demo_inputs["features"].loc[[start, end]],
                                   prefix="feature")
    ref = network.shortest_route(G, nodes[start], nodes[end])
    assert metric(at, "Thời gian (phút)") == f"{ref.time_min:,.1f}"
    assert metric(at, "Quãng đường (km)") == f"{ref.length_m / 1000:,.1f}"
    table = table_with(at, "road_name", SEGMENTS)
    assert table["segment_id"].tolist() == ref.segment_ids
    # minutes are shown to 0.1: the sum is the route's time within the rounding
    assert table["time_min"].sum() == pytest.approx(ref.time_min, abs=0.05 * len(table))
    assert table_with(at, "from", ROUTE)["from"].tolist() == [start]
    # the map opens on the route, not on the province
    script = page_map_html(at)
    west, south, east, north = gpd.GeoSeries([ref.geometry], crs=G.graph["crs"]).to_crs(
        4326).total_bounds
    assert np.allclose(fit_bounds(script), [[south, west], [north, east]], atol=1e-4)
    assert at.get("download_button")
    assert sha256(demo_master) == before


def test_service_area_counts_reached_communes(demo_master: Path, demo_inputs: dict,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    at = run_page(demo_master, monkeypatch)
    at.radio(key="net_mode").set_value("area").run()
    at.slider(key="net_area_minutes").set_value(45).run()
    assert not at.exception and not at.error
    bases_layer = at.selectbox(key="net_area_bases").value
    store = demo_inputs["store"]
    # the communes: the one commune layer of the demo, every row of level commune
    communes = store.read("Xã, phường, thị trấn (Lạng Sơn, 2009)")
    assert (communes["level"] == "commune").all() and len(communes) == 226
    ref = network.service_area(demo_inputs["graph"], store.read(bases_layer), 45, communes)
    assert metric(at, "Xã tiếp cận được") == f"{int(ref['reachable'].sum())}/{len(ref)}"
    table = table_with(at, "reachable", REACH)
    assert len(table) == len(ref) and table["reachable"].sum() == ref["reachable"].sum()
    assert numbers(table["travel_min"]).dropna().is_monotonic_increasing
    layer = "Xã, phường, thị trấn (Lạng Sơn, 2009)"
    assert set(table["commune"]) == {f"{layer}:{i}" for i in range(len(communes))}


def test_chokepoints_table_and_junctions(demo_master: Path, demo_inputs: dict,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    at = run_page(demo_master, monkeypatch)
    at.radio(key="net_mode").set_value("choke").run()
    assert not at.exception and not at.error
    feats = demo_inputs["features"]
    kinds = {r.name: r.kind for r in demo_inputs["store"].layers()}
    pool = feats[feats["layer"].map(kinds).isin(settings.chokepoint_target_kinds)]
    hubs = pool[pool["level"] == settings.chokepoint_hub_level]
    assert sorted(at.multiselect(key="net_choke_hubs").value) == sorted(hubs.index)
    ref = chokepoints.chokepoints(demo_inputs["graph"], pool.drop(index=hubs.index), hubs)
    table = table_with(at, "bridge", CHOKEPOINTS)
    assert table["segment_id"].tolist() == ref["segment_id"].tolist()
    at.radio(key="net_choke_what").set_value("nodes").run()
    assert not at.exception and not at.error
    assert len(table_with(at, "degree", JUNCTIONS))
    at.multiselect(key="net_choke_hubs").set_value([]).run()
    assert not at.exception and at.info


def test_english_and_missing_project(tmp_path: Path, demo_master: Path,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    at = run_page(demo_master, monkeypatch)
    at.sidebar.radio(key="lang_choice").set_value("en").run()
    assert at.title[0].value == "Road network" and not at.exception
    missing = run_page(tmp_path / "missing.gpkg", monkeypatch)
    assert not missing.exception and "kvpt demo" in missing.warning[0].value


def test_project_without_roads_says_what_to_do(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "empty.gpkg"
    ProjectStore.init(path)
    at = run_page(path, monkeypatch)
    assert not at.exception and "Lớp dữ liệu" in at.info[0].value
