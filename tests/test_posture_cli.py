"""The posture commands of ``kvpt``: posture, depth, support, hazards."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from typer.testing import CliRunner

from cli import app
from conftest import sha256
from layers.store import ProjectStore

runner = CliRunner()


def kvpt(*args: object):
    return runner.invoke(app, [str(a) for a in args])


def test_posture_json_and_outputs(demo_master: Path, tmp_path: Path) -> None:
    res = kvpt("posture", demo_master, "--json")
    assert res.exit_code == 0, res.stderr
    rows = json.loads(res.stdout)
    assert len(rows) == 238
    first = rows[0]
    assert {"unit", "level", "code", "name", "parent_code", "n_combat_base", "has_combat_base",
            "n_required", "n_missing", "missing", "complete", "completeness_pct"} <= set(first)
    districts = [r for r in rows if r["level"] == "district"]
    assert all(r["has_combat_base"] for r in districts)
    assert {r["missing"] for r in districts if not r["complete"]} == {"key_defense_area"}
    assert all(r["completeness_pct"] is None for r in rows if r["level"] == "commune")
    gpkg = tmp_path / "posture.gpkg"
    assert kvpt("posture", demo_master, "--out", gpkg).exit_code == 0
    units = gpd.read_file(gpkg)
    assert len(units) == 238 and set(units.geom_type) <= {"Polygon", "MultiPolygon"}
    text = kvpt("posture", demo_master)
    assert "key_defense_area" in text.stdout and "units with requirements" in text.stdout


def test_depth_json_bands_and_crosstab(demo_master: Path, tmp_path: Path) -> None:
    res = kvpt("depth", demo_master, "--bands", "5,20", "--json")
    assert res.exit_code == 0, res.stderr
    data = json.loads(res.stdout)
    assert data["bands"] == ["0–5", "5–20", "> 20"]
    rec = data["records"][0]
    assert set(rec) == {"asset", "layer", "kind", "name", "code", "work_status",
                        "completion_pct", "depth_km", "band", "outside_province"}
    for r in data["records"]:
        d = r["depth_km"]
        assert r["band"] == ("0–5" if d < 5 else "5–20" if d < 20 else "> 20")
    out = tmp_path / "depth.csv"
    assert kvpt("depth", demo_master, "--out", out).exit_code == 0
    assert len(pd.read_csv(out)) == len(data["records"])
    text = kvpt("depth", demo_master)
    assert "Assets per kind and depth band" in text.stdout and "30–60" in text.stdout


@pytest.mark.parametrize("bands", ["30,10", "10,x", "0,10", ""])
def test_depth_bad_bands_exit_2_with_one_line(demo_master: Path, bands: str) -> None:
    before = sha256(demo_master)
    res = kvpt("depth", demo_master, "--bands", bands)
    assert res.exit_code == 2
    assert len(res.stderr.strip().splitlines()) == 1 and "--bands" in res.stderr
    assert "10,30,60" in res.stderr and "Traceback" not in res.stderr
    assert sha256(demo_master) == before


def test_support_json_lists_weakest_links(demo_master: Path) -> None:
    res = kvpt("support", demo_master, "--within-km", "15", "--json")
    assert res.exit_code == 0, res.stderr
    data = json.loads(res.stdout)
    assert data["within_km"] == 15 and data["within_min"] is None
    assert set(data["records"][0]) == {"position", "layer", "kind", "name", "code",
                                       "work_status", "completion_pct", "component",
                                       "component_size", "degree", "isolated"}
    weak = data["weakest_links"]
    assert weak and all(w["bridge"] for w in weak)
    assert [w["distance_m"] for w in weak] == sorted((w["distance_m"] for w in weak),
                                                     reverse=True)
    road = json.loads(kvpt("support", demo_master, "--within-min", "30", "--json").stdout)
    assert road["within_min"] == 30 and all(w["time_min"] <= 30 for w in road["weakest_links"])
    both = kvpt("support", demo_master, "--within-km", "5", "--within-min", "5")
    assert both.exit_code == 2 and "not both" in both.stderr


def test_hazards_json_lists_features_and_roads(demo_master: Path) -> None:
    res = kvpt("hazards", demo_master, "--json")
    assert res.exit_code == 0, res.stderr
    data = json.loads(res.stdout)
    sites = [r for r in data["records"] if r["kind"] == "relocation_site"]
    assert len(sites) == 2 and {s["zone_name"] for s in sites} == {"Vùng ngập lụt Hữu Lũng"}
    assert data["roads"] and all(r["hazard_length_m"] > 0 for r in data["roads"])
    assert set(data["roads"][0]) == {"road", "layer", "name", "hazard_length_m", "hazard_pct",
                                     "zones", "hazards"}


def test_help_documents_the_json_fields() -> None:
    for command, field in (("posture", "completeness_pct"), ("depth", "outside_province"),
                           ("support", "weakest_links"), ("hazards", "overlap_pct")):
        res = kvpt(command, "--help")
        assert res.exit_code == 0 and field in res.stdout
        assert '"<layer>:<row>"' in " ".join(res.stdout.split())  # no markup eats it


def test_nearest_straight_matches_brute_force_and_reach_agrees(demo_master: Path) -> None:
    from geo import settings

    res = kvpt("nearest", demo_master, "--json")
    assert res.exit_code == 0, res.stderr
    rows = pd.DataFrame(json.loads(res.stdout))
    assert len(rows) == 226  # the communes (lowest level) of Lạng Sơn, 2009
    store_layers = {r["layer"] for r in json.loads(res.stdout)}
    store = ProjectStore(demo_master)
    assert len(store_layers) == 1
    communes = store.read(store_layers.pop()).to_crs(settings.metric_crs)
    bases = store.read("Căn cứ chiến đấu (giả định)").to_crs(settings.metric_crs)
    # independent: every commune point against every base, by shapely, no spatial index
    for k in range(0, len(communes), 25):
        point = communes.geometry.iloc[k].representative_point()
        dists = [point.distance(g) for g in bases.geometry]
        assert rows.loc[k, "distance_m"] == pytest.approx(min(dists), rel=1e-9)
        assert rows.loc[k, "base_name"] == bases["name"].iloc[dists.index(min(dists))]
    assert rows["road_time_min"].notna().all()
    # the service area (one search from all bases) agrees with the fastest base by road
    reach = kvpt("reach", demo_master, "--minutes", 45, "--json")
    assert reach.exit_code == 0, reach.stderr
    area = pd.DataFrame(json.loads(reach.stdout))
    assert area["commune"].tolist() == rows["commune"].tolist()
    assert area["travel_min"].to_numpy() == pytest.approx(rows["road_time_min"].to_numpy())
    assert (area["reachable"] == (rows["road_time_min"] <= 45)).all()
    assert 0 < area["reachable"].sum() < len(area)


def test_nearest_by_road_matches_route_command(demo_master: Path) -> None:
    rows = json.loads(kvpt("nearest", demo_master, "--json").stdout)
    for row in rows[::60]:
        res = kvpt("route", demo_master, "--from", row["road_base"], "--to", row["commune"],
                   "--json")
        assert res.exit_code == 0, res.stderr
        assert json.loads(res.stdout)[0]["travel_min"] == pytest.approx(row["road_time_min"],
                                                                        abs=0.01)


def test_nearest_straight_only_and_reach_errors(demo_master: Path) -> None:
    rows = json.loads(kvpt("nearest", demo_master, "--straight", "--json").stdout)
    assert all(r["road_time_min"] is None for r in rows)
    before = sha256(demo_master)
    bad = kvpt("reach", demo_master, "--minutes", -5)
    assert bad.exit_code == 2 and "minutes" in bad.stderr and len(bad.stderr.splitlines()) == 1
    none = kvpt("nearest", demo_master, "--base-kind", "training_ground_x")
    assert none.exit_code == 2 and "training_ground_x" in none.stderr
    assert sha256(demo_master) == before
