"""Tests of geo.completeness: hand-checkable 3-tier and 2-tier hierarchies, the demo's gaps."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import Point, box

from geo import settings
from geo.assets import stack_layers
from geo.completeness import completeness, effective_levels, required_kinds
from layers.store import ProjectStore

X0, Y0 = 640_000.0, 2_420_000.0  # EPSG:3405 metres, near Lạng Sơn
KM = 1000.0
REQS = {"province": ["combat_base", "rear_base", "air_defense"],
        "district": ["combat_base", "rear_base"],
        "commune": ["combat_base"]}


def sq(x1: float, y1: float, x2: float, y2: float) -> object:
    return box(X0 + x1 * KM, Y0 + y1 * KM, X0 + x2 * KM, Y0 + y2 * KM)


def pt(x: float, y: float) -> Point:
    return Point(X0 + x * KM, Y0 + y * KM)


@pytest.fixture
def three_tier() -> gpd.GeoDataFrame:
    """Province P 20 x 10 km; districts D1 (west), D2 (east); four communes of 5 x 10 km."""
    rows = [("P", "province", None, sq(0, 0, 20, 10)),
            ("D1", "district", "P", sq(0, 0, 10, 10)), ("D2", "district", "P", sq(10, 0, 20, 10)),
            ("C1", "commune", "D1", sq(0, 0, 5, 10)), ("C2", "commune", "D1", sq(5, 0, 10, 10)),
            ("C3", "commune", "D2", sq(10, 0, 15, 10)), ("C4", "commune", "D2", sq(15, 0, 20, 10))]
    return gpd.GeoDataFrame({"code": [r[0] for r in rows], "name": [f"Đơn vị {r[0]}" for r in rows],
                             "level": [r[1] for r in rows], "parent_code": [r[2] for r in rows]},
                            geometry=[r[3] for r in rows], index=[r[0] for r in rows],
                            crs="EPSG:3405").to_crs("EPSG:4326")


@pytest.fixture
def assets() -> gpd.GeoDataFrame:
    rows = [
        ("cb_d1", "combat_base", "district", sq(1, 1, 2, 2)),       # in D1 and C1
        ("cb_prov", "combat_base", "province", sq(12, 1, 13, 2)),   # lies in D2/C3, counts for P
        ("rb_d1", "rear_base", "Cấp huyện", pt(7, 5)),             # alias of district; in C2
        ("rb_d2", "rear_base", "district", pt(17, 5)),             # in D2 / C4
        ("ad", "air_defense", None, pt(16, 8)),                    # no level: P, D2 and C4
        ("cb_c3", "combat_base", "xã", pt(14, 5)),                 # commune level: C3 only
        ("far", "combat_base", "district", pt(50, 50)),            # outside every unit
        ("tg", "training_ground", "district", sq(3, 3, 4, 4)),     # a kind nobody requires
    ]
    return gpd.GeoDataFrame({"kind": [r[1] for r in rows], "level": [r[2] for r in rows]},
                            geometry=[r[3] for r in rows], index=[r[0] for r in rows],
                            crs="EPSG:3405")


def test_three_tier_hand_checked(three_tier: gpd.GeoDataFrame, assets: gpd.GeoDataFrame) -> None:
    out = completeness(three_tier, assets, requirements=REQS)
    assert list(out.index) == list(three_tier.index)
    assert out.loc["P", ["n_combat_base", "n_rear_base", "n_air_defense"]].tolist() == [1, 0, 1]
    assert out.loc["D1", ["n_combat_base", "n_rear_base", "n_air_defense"]].tolist() == [1, 1, 0]
    # the province-level base in D2 does not count for D2
    assert out.loc["D2", ["n_combat_base", "n_rear_base", "n_air_defense"]].tolist() == [0, 1, 1]
    assert out["missing"].to_dict() == {"P": "rear_base", "D1": "", "D2": "combat_base",
                                        "C1": "combat_base", "C2": "combat_base", "C3": "",
                                        "C4": "combat_base"}
    assert out["complete"].tolist() == [False, True, False, False, False, True, False]
    assert out["completeness_pct"].tolist() == pytest.approx([200 / 3, 100, 50, 0, 0, 100, 0])
    assert out.loc["C4", "n_air_defense"] == 1 and out.loc["C4", "has_air_defense"]
    assert out.loc["P", "level"] == "province" and out.loc["C3", "parent_code"] == "D2"
    assert out["n_required"].tolist() == [3, 2, 2, 1, 1, 1, 1]
    assert "n_training_ground" not in out.columns


def test_two_tier_district_assets_fall_to_communes(three_tier: gpd.GeoDataFrame,
                                                   assets: gpd.GeoDataFrame) -> None:
    units = three_tier[three_tier["level"] != "district"]
    out = completeness(units, assets, requirements=REQS)
    # district-level assets count for their commune when there are no districts
    assert out["n_combat_base"].to_dict() == {"P": 1, "C1": 1, "C2": 0, "C3": 1, "C4": 0}
    assert out["n_rear_base"].to_dict() == {"P": 0, "C1": 0, "C2": 1, "C3": 0, "C4": 1}
    assert out["missing"].to_dict() == {"P": "rear_base", "C1": "", "C2": "combat_base",
                                        "C3": "", "C4": "combat_base"}


def test_level_with_no_requirement_is_complete_without_a_percentage(
        three_tier: gpd.GeoDataFrame, assets: gpd.GeoDataFrame) -> None:
    out = completeness(three_tier, assets, requirements={"district": ["combat_base"]})
    communes = out[out["level"] == "commune"]
    assert communes["complete"].all() and communes["completeness_pct"].isna().all()
    assert out.loc["D2", "missing"] == "combat_base"


def test_effective_levels() -> None:
    levels = np.array(["province", "district", "commune", None], dtype=object)
    assert effective_levels(levels, {"province", "commune"}).tolist() == [
        "province", "commune", "commune", None]
    assert effective_levels(levels, {"province"}).tolist() == [
        "province", "province", "province", None]


def test_errors_name_the_fix(three_tier: gpd.GeoDataFrame, assets: gpd.GeoDataFrame) -> None:
    bad = three_tier.copy()
    bad.loc["C1", "level"] = "cụm"  # not a level (thôn is the village)
    bad.loc["C2", "level"] = None
    with pytest.raises(ValueError, match="unknown levels.*'cụm'") as err:
        completeness(bad, assets, requirements=REQS)
    assert "no level" in str(err.value)
    with pytest.raises(ValueError, match="level_col"):
        completeness(three_tier.drop(columns="level"), assets)
    with pytest.raises(ValueError, match="kind_col"):
        completeness(three_tier, assets.drop(columns="kind"))
    with pytest.raises(ValueError, match="unknown levels \\['ward'\\]"):
        completeness(three_tier, assets, requirements={"ward": ["combat_base"]})


def test_requirements_setting_is_read_at_call_time(three_tier: gpd.GeoDataFrame,
                                                   assets: gpd.GeoDataFrame,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(settings, "posture_requirements", {"province": ["air_defense"]})
    out = completeness(three_tier, assets)
    assert required_kinds() == ["air_defense"]
    assert bool(out.loc["P", "complete"]) and out.loc["P", "completeness_pct"] == 100


# --- the demo ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo(demo_master: Path) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    store = ProjectStore(demo_master)
    layers = [(r.name, r.kind, store.read(r.name)) for r in store.layers()]
    units = stack_layers(layers, kinds=["admin_unit"],
                         columns=("name", "code", "level", "parent_code"))
    assets = stack_layers(layers, kinds=required_kinds(settings.posture_requirements))
    return units, assets


def test_demo_gaps_match_a_plain_shapely_loop(demo: tuple) -> None:
    units, assets = demo
    out = completeness(units, assets)
    units_m, assets_m = units.to_crs("EPSG:3405"), assets.to_crs("EPSG:3405")
    expected = {}
    for label, unit in units_m.iterrows():
        needed = settings.posture_requirements.get(unit["level"]) or []
        have = set()
        for _, asset in assets_m.iterrows():
            level_ok = pd.isna(asset["level"]) or asset["level"] == unit["level"]
            if level_ok and unit.geometry.covers(asset.geometry.representative_point()):
                have.add(asset["kind"])
        expected[label] = ", ".join(k for k in needed if k not in have)
    assert out["missing"].to_dict() == expected
    districts = out[out["level"] == "district"]
    assert len(districts) == 11 and districts["has_combat_base"].all()
    assert districts["has_rear_base"].all()
    gaps = districts[~districts["complete"]]
    assert 0 < len(gaps) < len(districts)  # the demo's designed gaps exist, some are complete
    assert set(gaps["missing"]) == {"key_defense_area"}
    assert bool(out.loc[out["level"] == "province", "complete"].iloc[0])
