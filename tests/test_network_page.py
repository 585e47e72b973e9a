"""The Road network page (ui/network_page.py) in Streamlit's AppTest."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from conftest import sha256
from geo import chokepoints, network, settings
from layers.store import ProjectStore

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


def table_with(at: AppTest, column: str):
    """The first table shown with ``column`` (the speeds editor is a table too)."""
    return next(d.value for d in at.dataframe if column in d.value.columns)


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
    table = table_with(at, "segment_id")
    assert table["segment_id"].tolist() == ref.segment_ids
    assert table["time_min"].sum() == pytest.approx(ref.time_min, abs=0.05)
    assert at.get("download_button")
    assert sha256(demo_master) == before


def test_service_area_counts_reached_communes(demo_master: Path, demo_inputs: dict,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    at = run_page(demo_master, monkeypatch)
    at.radio(key="net_mode").set_value("area").run()
    at.slider(key="net_area_minutes").set_value(45).run()
    assert not at.exception and not at.error
    bases_layer = at.selectbox(key="net_area_bases").value
    communes_layer = at.selectbox(key="net_area_communes").value
    assert communes_layer.startswith("Xã")
    store = demo_inputs["store"]
    ref = network.service_area(demo_inputs["graph"], store.read(bases_layer), 45,
                               store.read(communes_layer))
    assert metric(at, "Xã tiếp cận được") == f"{int(ref['reachable'].sum())}/{len(ref)}"
    table = table_with(at, "reachable")
    assert len(table) == len(ref) and table["reachable"].sum() == ref["reachable"].sum()
    assert table["travel_min"].dropna().is_monotonic_increasing


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
    table = table_with(at, "n_cut")
    assert table["segment_id"].tolist() == ref["segment_id"].tolist()
    assert {"road_name", "n_cut", "n_slowed", "target_names"} <= set(table.columns)
    at.radio(key="net_choke_what").set_value("nodes").run()
    assert not at.exception and not at.error
    assert len(table_with(at, "degree"))
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
