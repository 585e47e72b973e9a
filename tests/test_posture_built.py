"""Planned vs built on the demo: every posture view can show the built works only.

The demo's fictional works carry a status (planned / building / done) and, for the bases, a
percent complete. The expected results are computed here from the stored layers with a
plain shapely loop, independent of :mod:`geo.completeness` and :mod:`planning.posture`.
"""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from typer.testing import CliRunner

from cli import app
from geo import settings
from layers.store import ProjectStore
from planning import posture
from planning.project import Project

runner = CliRunner()


def kvpt(*args: object):
    return runner.invoke(app, [str(a) for a in args])


@pytest.fixture(scope="module")
def project(demo_master: Path) -> Project:
    return Project(ProjectStore(demo_master))


def is_built(frame: pd.DataFrame) -> pd.Series:
    """Built: 100 % complete, else status done; no status nor percentage: built."""
    pct = pd.to_numeric(frame.get("percent_complete"), errors="coerce") if (
        "percent_complete" in frame.columns) else pd.Series(float("nan"), index=frame.index)
    status = frame["status"] if "status" in frame.columns else pd.Series(None, index=frame.index)
    by_status = status.map({"done": True, "planned": False, "building": False})
    out = pct.eq(100.0).where(pct.notna(), by_status)
    return out.where(out.notna(), True).astype(bool)


def layer_of(project: Project, kind: str) -> gpd.GeoDataFrame:
    frames = [project.read(r.name).to_crs(3405) for r in project.records() if r.kind == kind]
    return pd.concat(frames) if frames else gpd.GeoDataFrame(geometry=[], crs=3405)


def test_demo_has_planned_and_built_works(project: Project) -> None:
    for kind in ("combat_base", "rear_base", "air_defense"):
        built = is_built(layer_of(project, kind))
        assert built.any() and not built.all(), kind


def test_built_only_completeness_matches_a_shapely_loop(project: Project) -> None:
    result = posture.completeness(project, built_only=True).main.set_index("code")
    plan = posture.completeness(project).main.set_index("code")
    units = project.read(next(r.name for r in project.records() if r.kind == "admin_unit"))
    districts = units[units["level"] == "district"].to_crs(3405)
    for kind in settings.posture_requirements["district"]:
        works = layer_of(project, kind)
        works = works[works["level"] == "district"]
        points = works.geometry.representative_point()
        for code, geom in zip(districts["code"], districts.geometry, strict=True):
            inside = points.within(geom).to_numpy()
            built = is_built(works).to_numpy()
            assert result.loc[code, f"n_{kind}"] == int((inside & built).sum()), (code, kind)
            assert plan.loc[code, f"n_{kind}"] == int(inside.sum()), (code, kind)
    # the demo shows the difference: some district is complete in the plan, not when built
    both = plan.join(result.add_suffix("_built"))
    assert ((both["completeness_pct"] > both["completeness_pct_built"])
            & (both["level"] == "district")).any()
    assert (plan["progress_pct"].dropna() <= plan["completeness_pct"].dropna() + 1e-9).all()


def test_built_only_depth_and_support_keep_the_built_works(project: Project) -> None:
    depth = posture.depth(project).main
    built = posture.depth(project, built_only=True).main
    assert set(built["asset"]) == set(depth.loc[depth["completion_pct"] >= 100, "asset"])
    assert 0 < len(built) < len(depth)
    # depth of a work does not change when others are left out
    merged = built.merge(depth, on="asset", suffixes=("", "_all"))
    assert (merged["depth_km"] - merged["depth_km_all"]).abs().max() < 1e-9
    support = posture.support(project, built_only=True).main
    everyone = posture.support(project).main
    assert set(support["position"]) == set(everyone.loc[everyone["completion_pct"] >= 100,
                                                        "position"])
    assert support["degree"].sum() <= everyone["degree"].sum()


def test_cli_built_only_flags(demo_master: Path) -> None:
    plan = kvpt("posture", demo_master, "--json")
    built = kvpt("posture", demo_master, "--built-only", "--json")
    assert plan.exit_code == 0 and built.exit_code == 0, built.stderr
    rows, rows_built = json.loads(plan.stdout), json.loads(built.stdout)
    assert sum(r["n_missing"] for r in rows_built) > sum(r["n_missing"] for r in rows)
    assert {"progress_pct", "completeness_pct"} <= set(rows[0])
    for command in ("depth", "support", "nearest", "hazards"):
        res = kvpt(command, demo_master, "--built-only", "--json")
        assert res.exit_code == 0, (command, res.stderr)
    depth = json.loads(kvpt("depth", demo_master, "--built-only", "--json").stdout)
    assert {r["completion_pct"] for r in depth["records"]} == {100.0}
