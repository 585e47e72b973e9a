"""The appraisal measured by PostGIS equals the in-memory one (issue #10 part 4)."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from typer.testing import CliRunner

from cli import app
from layers import pg_appraisal
from layers.pg_copy import copy_project
from layers.store import NewLayer, ProjectStore
from layers.store_open import open_store
from planning import appraisal
from planning.errors import PlanningError
from planning.project import Project

DEMO_PROPOSALS = "Dự án đề xuất (giả định)"
MANY = "Dự án thử (ngẫu nhiên)"
MEASURES = ["distance_m", "overlap_m2", "zone_overlap_m2"]


def random_proposals(works: gpd.GeoDataFrame, n: int, seed: int) -> gpd.GeoDataFrame:
    """Boxes of 200 m to 3 km placed around the works, so every verdict occurs."""
    rng = np.random.default_rng(seed)
    metric = works.to_crs(3405)
    centres = metric.geometry.representative_point().to_numpy()
    picks = centres[rng.integers(0, len(centres), n)]
    x = shapely.get_x(picks) + rng.uniform(-3000, 3000, n)
    y = shapely.get_y(picks) + rng.uniform(-3000, 3000, n)
    half = rng.uniform(100, 1500, n)
    boxes = shapely.box(x - half, y - half, x + half, y + half)
    return gpd.GeoDataFrame({"name": [f"DA {i}" for i in range(n)],
                             "code": [f"DA-{i:02d}" for i in range(n)]},
                            geometry=boxes, crs=3405).to_crs(4326)


@pytest.fixture
def pg_demo(demo_project: Path, pg_url) -> str:
    """The demo project, with 120 more proposals, copied into PostGIS."""
    store = ProjectStore(demo_project)
    works = appraisal.appraisal_works(Project(store))
    store.add_layer(NewLayer(random_proposals(works, 120, 7), MANY, "proposed_project"))
    url = pg_url()
    copy_project(store, url)
    return url


def assert_same_pairs(mem: pd.DataFrame, sql: pd.DataFrame) -> None:
    """Same pairs in the same order, same labels and verdicts; measures to a micrometre."""
    exact = [c for c in mem.columns if c not in MEASURES]
    pd.testing.assert_frame_equal(mem[exact], sql[exact])
    for column in MEASURES:
        np.testing.assert_allclose(sql[column], mem[column], rtol=1e-9, atol=1e-6,
                                   err_msg=column)


@pytest.mark.parametrize("layer", [DEMO_PROPOSALS, MANY])
def test_sql_appraisal_equals_the_memory_one(pg_demo: str, demo_project: Path, layer: str,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    queries = []
    real = pg_appraisal._pairs
    monkeypatch.setattr(pg_appraisal, "_pairs", lambda *a, **k: queries.append(1) or real(
        *a, **k))
    mem = appraisal.appraise(Project(open_store(pg_demo)), layer, search_m=4000)
    assert queries == []
    sql = appraisal.appraise(Project(open_store(pg_demo)), layer, search_m=4000,
                             engine="postgis")
    assert queries == [1]  # the database measured the pairs
    assert_same_pairs(mem.main, sql.main)
    sums = ["nearest_distance_m", "total_overlap_m2", "total_zone_overlap_m2"]
    pd.testing.assert_frame_equal(mem.tables["projects"].drop(columns=sums),
                                  sql.tables["projects"].drop(columns=sums))
    for column in sums:
        np.testing.assert_allclose(sql.tables["projects"][column].astype(float),
                                   mem.tables["projects"][column].astype(float),
                                   rtol=1e-9, atol=1e-6)
    # the same as the in-memory appraisal of the GeoPackage project it was copied from
    gpkg = appraisal.appraise(Project(ProjectStore(demo_project)), layer, search_m=4000)
    pd.testing.assert_frame_equal(gpkg.main, mem.main)
    if layer == MANY:  # a test that can fail: many pairs, every verdict
        assert len(sql.main) > 100
        assert set(sql.main["verdict"]) == {"conflict", "protection_zone", "near", "clear"}
        assert (sql.main["zone_overlap_m2"] > 0).sum() > 5


def test_engine_postgis_needs_a_postgis_project(demo_project: Path) -> None:
    with pytest.raises(PlanningError, match="needs a project kept in PostGIS") as err:
        appraisal.appraise(Project(ProjectStore(demo_project)), DEMO_PROPOSALS,
                           engine="postgis")
    assert "PostGIS" in err.value.text("vi")


def test_command_engine_postgis_prints_the_same_json(pg_demo: str) -> None:
    runner = CliRunner()
    args = ["appraise", pg_demo, "--proposals", MANY, "--search-m", "3000", "--json"]
    mem = runner.invoke(app, args)
    sql = runner.invoke(app, [*args, "--engine", "postgis"])
    assert mem.exit_code == 0 and sql.exit_code == 0, sql.output
    a, b = json.loads(mem.stdout), json.loads(sql.stdout)
    assert len(a["pairs"]) == len(b["pairs"]) > 50
    for x, y in zip(a["pairs"], b["pairs"], strict=True):
        assert {k: v for k, v in x.items() if k not in MEASURES} == {
            k: v for k, v in y.items() if k not in MEASURES}
        for k in MEASURES:
            assert y[k] == pytest.approx(x[k], rel=1e-9, abs=1e-6)
