"""``kvpt evacuate``, the Evacuation page and the demo's shelters, on the demo project.

Every figure of the command is checked against the stored layers read again and measured
with shapely in metres (people at risk, shelters in hazard zones, loads within capacity);
the page must show the command's numbers, in Vietnamese.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from typer.testing import CliRunner

from cli import app
from conftest import app_test
from geo import settings
from geo.hazards import hazard_type
from layers.demo import FICTIONAL, FICTIONAL_SUFFIX
from layers.store import ProjectStore
from planning import evacuation
from planning.table_labels import COLUMN_LABELS

METRIC = "EPSG:3405"
SHELTERS = "Nơi sơ tán" + FICTIONAL_SUFFIX


def kvpt(*args: object):  # noqa: ANN201 - click Result
    return CliRunner().invoke(app, [str(a) for a in args])


def json_of(*args: object) -> dict:
    res = kvpt("evacuate", *args, "--json")
    assert res.exit_code == 0, res.output
    return json.loads(res.stdout)


def layers_of(path: Path, kind: str) -> gpd.GeoDataFrame:
    store = ProjectStore(path)
    frames = [store.read(r.name) for r in store.layers() if r.kind == kind]
    return gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), crs=frames[0].crs).to_crs(
        METRIC)


@pytest.fixture(scope="module")
def plan(demo_master: Path) -> dict:
    evacuation._PLANS.clear()
    return json_of(demo_master)


def test_demo_shelters_are_fictional_points_with_capacities(demo_master: Path) -> None:
    shelters = layers_of(demo_master, "shelter")
    assert ProjectStore(demo_master).layers()  # the layer is stored under its name
    assert SHELTERS in [r.name for r in ProjectStore(demo_master).layers()]
    assert (shelters["fictional"] == FICTIONAL).all()
    assert (shelters.geom_type == "Point").all() and shelters["code"].is_unique
    assert shelters["capacity"].between(1000, 4000).all()
    zones = layers_of(demo_master, "hazard_zone").union_all()
    inside = shelters[shelters.intersects(zones)]
    assert inside["code"].tolist() == ["NST-01"]  # the one placed in the flood zone
    assert "shelter" in kvpt("kinds").stdout


def test_people_at_risk_are_population_times_area_share(demo_master: Path, plan: dict) -> None:
    communes = layers_of(demo_master, "admin_unit")
    communes = communes[communes["level"].astype(str).str.lower() == "commune"]
    zones = layers_of(demo_master, "hazard_zone").union_all()
    share = communes.intersection(zones).area / communes.area
    hit = communes[share > 0]
    expected = {str(row.code): math.ceil(row.population * share[i] - 1e-9)
                for i, row in hit.iterrows()}
    got = {r["code"]: r["at_risk"] for r in plan["communes"]}
    assert got == expected
    assert {r["population_source"] for r in plan["communes"]} == {"data"}


def test_plan_is_consistent_and_within_capacity_and_time(demo_master: Path, plan: dict) -> None:
    assert list(plan) == ["communes", "groups", "shelters"]
    groups = pd.DataFrame(plan["groups"])
    shelters = pd.DataFrame(plan["shelters"]).set_index("shelter")
    communes = pd.DataFrame(plan["communes"]).set_index("commune")
    placed = groups[groups["shelter"].notna()]
    load = placed.groupby("shelter")["people"].sum().reindex(shelters.index, fill_value=0)
    assert load.tolist() == shelters["sheltered"].tolist()
    assert (shelters["sheltered"] <= shelters["shelter_capacity"]).all()
    size = settings.evacuation_group_size
    assert groups["people"].max() == size
    # a commune's blocks: full ones, then one with the rest
    for _, people in groups.groupby("commune")["people"]:
        assert (people.iloc[:-1] == size).all() and 0 < people.iloc[-1] <= size
    assert shelters.loc[shelters["in_hazard"], "sheltered"].eq(0).all()
    assert shelters.loc["NST-01", "in_hazard"]
    assert (placed["travel_min"] <= settings.evacuation_max_travel_min + 1e-6).all()
    people = groups.groupby("commune")["people"].sum()
    assert people.reindex(communes.index).tolist() == communes["at_risk"].tolist()
    assert (communes["evacuated"] + communes["unserved"] == communes["at_risk"]).all()
    assert communes["evacuated"].sum() == shelters["sheltered"].sum()
    left = communes[communes["unserved"] > 0]
    assert len(left) and left["reason"].notna().all()
    assert communes.loc[communes["unserved"] == 0, "reason"].isna().all()
    # the demo's capacity is short of the people at risk: the commune list says who is left
    assert communes["at_risk"].sum() > shelters.loc[~shelters["in_hazard"],
                                                    "shelter_capacity"].sum()


def test_hazard_filter_takes_the_communes_of_those_zones(demo_master: Path) -> None:
    slides = json_of(demo_master, "--hazard", "sạt lở")
    zones = layers_of(demo_master, "hazard_zone")
    zones = zones[[hazard_type(h) == "landslide" for h in zones["hazard"]]].union_all()
    communes = layers_of(demo_master, "admin_unit")
    communes = communes[communes["level"].astype(str).str.lower() == "commune"]
    hit = communes[communes.intersection(zones).area > 0]
    assert {r["code"] for r in slides["communes"]} == set(hit["code"].astype(str))
    assert {r["hazards"] for r in slides["communes"]} == {"landslide"}


def test_text_output_errors_and_out_file(demo_project: Path, tmp_path: Path) -> None:
    res = kvpt("evacuate", demo_project)
    assert res.exit_code == 0, res.output
    assert "people at risk" in res.stdout and "Unserved communes" in res.stdout
    bad = kvpt("evacuate", demo_project, "--group-size", "-1")
    assert bad.exit_code == 2 and "group_size" in bad.output
    rule = kvpt("evacuate", demo_project, "--population-rule", "half")
    assert rule.exit_code == 2 and "area_share" in rule.output
    out = tmp_path / "evac.gpkg"
    assert kvpt("evacuate", demo_project, "--out", out).exit_code == 0
    written = gpd.read_file(out)
    assert len(written) == len(json_of(demo_project)["communes"])
    assert kvpt("delete", demo_project, SHELTERS).exit_code == 0
    gone = kvpt("evacuate", demo_project)
    assert gone.exit_code == 2 and "kind 'shelter'" in gone.output


def test_page_shows_the_command_figures_in_vietnamese(demo_project: Path, monkeypatch,
                                                      plan: dict) -> None:
    at = app_test("ui/evacuation_page.py", demo_project, monkeypatch)
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    communes = pd.DataFrame(plan["communes"])
    assert metrics["Xã trong vùng thiên tai"] == str(len(communes))
    assert metrics["Số người cần sơ tán"] == f"{communes['at_risk'].sum():,}".replace(",", ".")
    assert metrics["Đã bố trí nơi sơ tán"] == f"{communes['evacuated'].sum():,}".replace(
        ",", ".")
    assert metrics["Xã còn người chưa có chỗ"] == str(int((communes["unserved"] > 0).sum()))
    labels = {vi for vi, _ in COLUMN_LABELS.values()}
    for frame in at.dataframe:
        assert set(frame.value.columns) <= labels
    shown = next(d.value for d in at.dataframe if "Ràng buộc" in d.value.columns)
    words = {w.strip() for v in shown["Ràng buộc"] for w in str(v).split(",") if w.strip()}
    assert words and not words & {"hazard", "capacity", "max_time"}
    warning = " ".join(w.value for w in at.warning)
    left = communes[communes["unserved"] > 0]
    assert all(name in warning for name in left["name"])
