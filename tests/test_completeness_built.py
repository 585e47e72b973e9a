"""Planned vs built in completeness (issue #12 §1): status and percent complete weigh in."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
from shapely.geometry import Point, box

from geo import settings
from geo.completeness import completeness
from geo.targets import asset_completion, built_mask

X0, Y0 = 640_000.0, 2_420_000.0  # EPSG:3405 metres
KM = 1000.0
REQS = {"district": ["combat_base", "rear_base"]}


def pt(x: float, y: float) -> Point:
    return Point(X0 + x * KM, Y0 + y * KM)


@pytest.fixture
def units() -> gpd.GeoDataFrame:
    """Two districts of 10 x 10 km side by side."""
    return gpd.GeoDataFrame({"code": ["D1", "D2"], "level": ["district", "district"]},
                            geometry=[box(X0, Y0, X0 + 10 * KM, Y0 + 10 * KM),
                                      box(X0 + 10 * KM, Y0, X0 + 20 * KM, Y0 + 10 * KM)],
                            index=["D1", "D2"], crs="EPSG:3405")


@pytest.fixture
def works() -> gpd.GeoDataFrame:
    # D1: a planned combat base (0 %), one being built at 40 %, a built rear base;
    # D2: a combat base "Đang xây dựng" without a percentage (status: 0.5), a rear base
    # with no status at all (built or not by the setting)
    rows = [("cb_plan", "combat_base", "planned", "0", pt(2, 2)),
            ("cb_40", "combat_base", "building", "40", pt(3, 3)),
            ("rb_done", "rear_base", "done", "", pt(5, 5)),
            ("cb_half", "combat_base", "Đang xây dựng", None, pt(12, 2)),
            ("rb_unknown", "rear_base", "", None, pt(15, 5))]
    return gpd.GeoDataFrame({"kind": [r[1] for r in rows], "status": [r[2] for r in rows],
                             "percent_complete": [r[3] for r in rows]},
                            geometry=[r[4] for r in rows], index=[r[0] for r in rows],
                            crs="EPSG:3405")


def test_completion_and_built_by_hand(works: gpd.GeoDataFrame) -> None:
    assert asset_completion(works).tolist() == [0.0, 0.4, 1.0, 0.5, 1.0]
    assert built_mask(works).tolist() == [False, False, True, False, True]


def test_plan_counts_planned_works_progress_weighs_them(units: gpd.GeoDataFrame,
                                                         works: gpd.GeoDataFrame) -> None:
    out = completeness(units, works, requirements=REQS)
    # in the plan both districts have both kinds
    assert out["n_combat_base"].tolist() == [2, 1]
    assert out["completeness_pct"].tolist() == [100.0, 100.0]
    # progress: D1 mean(best combat base 0.4, rear base 1.0) = 70 %; D2 mean(0.5, 1.0) = 75 %
    assert out["progress_pct"].tolist() == pytest.approx([70.0, 75.0])


def test_built_only_leaves_planned_kinds_missing(units: gpd.GeoDataFrame,
                                                 works: gpd.GeoDataFrame) -> None:
    out = completeness(units, works, requirements=REQS, built_only=True)
    assert out["n_combat_base"].tolist() == [0, 0]
    assert out["n_rear_base"].tolist() == [1, 1]
    assert out["missing"].tolist() == ["combat_base", "combat_base"]
    assert out["completeness_pct"].tolist() == [50.0, 50.0]
    assert out["progress_pct"].tolist() == pytest.approx([50.0, 50.0])


def test_unknown_status_setting(units: gpd.GeoDataFrame, works: gpd.GeoDataFrame,
                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(settings, "posture_unknown_status_built", False)
    assert asset_completion(works).tolist() == [0.0, 0.4, 1.0, 0.5, 0.0]
    out = completeness(units, works, requirements=REQS, built_only=True)
    # D2's rear base has no status: now not built, so D2 has nothing built
    assert out["missing"].tolist() == ["combat_base", "combat_base, rear_base"]
    assert out["progress_pct"].tolist() == pytest.approx([50.0, 0.0])
    plan = completeness(units, works, requirements=REQS)
    assert plan["progress_pct"].tolist() == pytest.approx([70.0, 25.0])  # mean(0.5, 0)


def test_percent_outside_range_is_refused(units: gpd.GeoDataFrame,
                                          works: gpd.GeoDataFrame) -> None:
    bad = works.copy()
    bad.loc["cb_40", "percent_complete"] = "140"
    with pytest.raises(ValueError, match="cb_40"):
        completeness(units, bad, requirements=REQS)
    assert np.isnan(completeness(units.assign(level="commune"), works,
                                 requirements=REQS)["progress_pct"]).all()


# --- combat communes (làng, xã chiến đấu, seed 003): a status of the unit itself -------------


def test_combat_commune_is_met_by_the_unit_itself(units: gpd.GeoDataFrame,
                                                  works: gpd.GeoDataFrame) -> None:
    communes = units.assign(level="commune", combat_year=[2019, None])
    reqs = {"commune": ["combat_commune", "combat_base"]}
    out = completeness(communes, works, requirements=reqs)
    # D1 is a combat commune with combat bases; D2 has a base (0.5) but no designation
    assert out["has_combat_commune"].tolist() == [True, False]
    assert out["missing"].tolist() == ["", "combat_commune"]
    assert out["completeness_pct"].tolist() == [100.0, 50.0]
    assert out["progress_pct"].tolist() == pytest.approx([70.0, 25.0])  # (1+.4)/2, (0+.5)/2
    # a unit layer without the column meets none; a 0 or empty year is no designation
    assert completeness(units.assign(level="commune"), works,
                        requirements=reqs)["n_combat_commune"].tolist() == [0, 0]
    zero = completeness(units.assign(level="commune", combat_year=["0", " "]), works,
                        requirements=reqs)
    assert zero["n_combat_commune"].tolist() == [0, 0]
